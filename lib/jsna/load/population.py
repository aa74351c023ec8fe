"""ONS mid-year population estimates (MYE2) loader: persons, females and males by single year of age
for England, its regions and every English council, mid-2021 to mid-2024.

One ONS workbook per year, as first published (population/SOURCES.md): mid-2021 on the council
boundaries of 2021 (Cumbria, North Yorkshire and Somerset still counties with districts), mid-2022 and
mid-2023 on those of April 2023, mid-2024 for persons only. Ages 0 to 89 are single years and 90+ one
band. Counts are unrounded as published, but not exact to the person.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.catalogue import get_source
from jsna.load import DataError, read_source

__all__ = ["AGE_COLUMNS", "SEXES", "mid_year_estimates"]

_SOURCE = "ons_mye_sex_syoa_la_england"
#: the age columns of :func:`mid_year_estimates`: age_0 ... age_89 (single years) and age_90_plus
AGE_COLUMNS: tuple[str, ...] = (*(f"age_{a}" for a in range(90)), "age_90_plus")
#: the sexes as published (mid-2024: Persons only)
SEXES = ("Persons", "Female", "Male")
_RAW_AGES = {**{str(a): f"age_{a}" for a in range(90)}, "90+": "age_90_plus"}


def mid_year_estimates(data_dir: Path | None = None) -> pd.DataFrame:
    """Every row of the MYE2 file: year (int), sex (Persons, Female, Male), area_code, area_name,
    geography (as ONS names the kind of area: Country, Region, County, Unitary Authority ...),
    all_ages and :data:`AGE_COLUMNS` (persons, int64), sorted by year, area_code and sex.

    Checked: the ages sum to all_ages on every row, and where a year has both sexes, females plus
    males equal persons in every age of every area (DataError naming the row otherwise)."""
    where = str(get_source(_SOURCE).raw_path(data_dir))
    raw = read_source(_SOURCE, data_dir)
    out = raw.rename(columns=_RAW_AGES)[["year", "sex", "area_code", "area_name", "geography", "all_ages",
                                          *AGE_COLUMNS]]
    unknown = ~out["sex"].isin(SEXES)
    if unknown.any():
        raise DataError(f"{where}: column 'sex' has {out.loc[unknown, 'sex'].iloc[0]!r}; expected one of "
                        f"{', '.join(SEXES)}", path=where, column="sex")
    counts = ["all_ages", *AGE_COLUMNS]
    out = out.astype({c: "int64" for c in counts})
    off = out[list(AGE_COLUMNS)].sum(axis=1) != out["all_ages"]
    if off.any():
        r = out[off].iloc[0]
        raise DataError(f"{where}: the ages do not sum to all_ages for {r['area_code']} {r['sex']} mid-{r['year']} "
                        f"({int(off.sum())} row(s))", path=where, column="all_ages")
    keys = ["year", "area_code"]
    by_sex = {s: out[out["sex"] == s].set_index(keys)[counts] for s in SEXES}
    both = by_sex["Female"].index.intersection(by_sex["Male"].index)
    summed = by_sex["Female"].loc[both] + by_sex["Male"].loc[both]
    persons = by_sex["Persons"].reindex(both)
    bad = (summed != persons).any(axis=1)
    if bad.any():
        year, code = bad[bad].index[0]
        raise DataError(f"{where}: females and males do not add up to persons for {code} mid-{year} "
                        f"({int(bad.sum())} area-year(s))", path=where, column="sex")
    return out.sort_values(["year", "area_code", "sex"], kind="stable").reset_index(drop=True)
