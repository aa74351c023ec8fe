"""Covid-19 impact computations (issues 5, 12 and 14): waves, deaths, MSOA inequality, vaccine equity,
for any English Place.

Pure functions over the tidy frames of :mod:`jsna.load.covid`. The all-England files are published on
April 2019 districts and upper tiers (and 2011 MSOAs): :func:`codes_in_file` finds a Place's areas in
each, its own codes where a file has them, else the April 2019 areas it was formed from
(:attr:`jsna.places.Place.district_codes_2019`). Statistics go through
:mod:`jsna.stats` (crude rates, Wilson proportions, quantiles, SII). Problems in the input
are never hidden: every function that can meet one returns it as a flag column or as a
plain-English note in a ``notes`` list, which the notebook prints in its data notes.

:func:`compute` is the topic's one entry point (jsna.topics.results): ``compute(place, inputs) ->``
:class:`Results`, numbers and tidy frames from the :class:`~jsna.topics.covid_impact.inputs.Inputs`;
the display tables are in :mod:`.tables`, the sentences in :mod:`.text`, the figures in :mod:`.charts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jsna import reliability
from jsna.load import DataError
from jsna.places import ENGLAND_CODE, Place
from jsna.stats.compare import compare_groups
from jsna.topics.covid_impact.inputs import Inputs, vaccination_covers
from jsna.words import join_names, plural

PER = 100_000
#: ONS mid-2019 population estimate for England (MYE2), the denominator the dashboard used.
ENGLAND_POPULATION_2019 = 56_286_961
LEICESTER_LOCKDOWN = pd.Timestamp("2020-06-29")
#: the district whose local lockdown began on LEICESTER_LOCKDOWN (drawn on the charts of Places holding it)
LEICESTER_LOCKDOWN_AREA = "E06000016"
FREE_TESTING_ENDED = pd.Timestamp("2022-04-01")

#: Wave periods used for annotation and peaks. Waves 1 and 2 follow ONS's definitions
#: (24 Jan-11 Sep 2020, 12 Sep 2020-24 Apr 2021); Delta and Omicron are the approximate
#: periods when each variant dominated in England.
WAVES: tuple[tuple[str, str, str], ...] = (
    ("Wave 1", "2020-01-24", "2020-09-11"),
    ("Wave 2 (Alpha)", "2020-09-12", "2021-04-24"),
    ("Delta", "2021-04-25", "2021-12-14"),
    ("Omicron", "2021-12-15", "2022-12-31"),
)


@dataclass
class Result:
    """A computed table plus the notes a reader needs about it."""

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- coverage


def coverage(codes_wanted: list[str], codes_present: pd.Series | list[str]) -> tuple[list[str], list[str]]:
    """Split wanted area codes into (present, missing) for a file."""
    have = set(pd.Series(codes_present, dtype="string").dropna())
    present = [c for c in codes_wanted if c in have]
    return present, [c for c in codes_wanted if c not in have]


# --------------------------------------------------------------------------- daily series


def complete_daily(df: pd.DataFrame, value_cols: list[str], key: str = "area_code",
                   start: str | pd.Timestamp | None = None,
                   end: str | pd.Timestamp | None = None) -> Result:
    """Reindex each area's daily series to a full calendar, filling absent days with 0.

    The dashboard omits days with no cases, so an absent day means zero. Adds ``filled``
    (True where a row was added). Other columns (e.g. population, names) are carried forward
    within the area. Negative values (downward revisions) are kept and flagged in ``revised``.
    """
    if df.empty:
        raise DataError("complete_daily: no rows to complete (is the area in the file?)")
    lo = pd.Timestamp(start) if start is not None else df["date"].min()
    hi = pd.Timestamp(end) if end is not None else df["date"].max()
    calendar = pd.date_range(lo, hi, freq="D")
    parts, notes, filled_total = [], [], 0
    for code, g in df.groupby(key, sort=False):
        g = g.drop_duplicates("date", keep="last").set_index("date").sort_index()
        g = g.loc[(g.index >= lo) & (g.index <= hi)]
        full = g.reindex(calendar)
        full.index.name = "date"
        added = full[value_cols[0]].isna() & ~full.index.isin(g.index)
        full["filled"] = added
        for c in value_cols:
            if c in g.columns and g[c].isna().any():
                full[c] = full[c].astype("Float64")
            full.loc[added, c] = 0
        other = [c for c in full.columns if c not in (*value_cols, "filled")]
        full[other] = full[other].ffill().bfill()
        full[key] = code
        filled_total += int(added.sum())
        parts.append(full.reset_index())
    out = pd.concat(parts, ignore_index=True)
    revised = np.zeros(len(out), dtype=bool)
    for c in value_cols:
        revised |= (pd.to_numeric(out[c], errors="coerce") < 0).fillna(False).to_numpy()
    out["revised"] = revised
    if filled_total:
        notes.append(f"{filled_total:,} area-days absent from the file were counted as zero "
                     "(the dashboard leaves out days with none).")
    if revised.any():
        notes.append(f"{plural(int(revised.sum()), 'daily value')} were negative (downward revisions by the "
                     "publisher); they are kept in totals, and any 7-day sum below zero is shown as not available.")
    return Result(out, notes)


def combine_areas(daily: pd.DataFrame, codes: list[str], code: str, name: str,
                  value_cols: list[str], population_col: str | None = "population") -> Result:
    """Sum several areas' complete daily series into one (e.g. a county from its districts).

    If any of ``codes`` is absent the combined series is not computed (empty table) and a note
    names the missing areas: a total without them would be silently wrong.
    """
    present, missing = coverage(codes, daily["area_code"])
    if missing:
        return Result(daily.iloc[0:0].copy(), [
            f"{name}: no rows for {', '.join(missing)} in the file, so the {name} total is not shown."])
    sub = daily[daily["area_code"].isin(codes)]
    agg = {c: "sum" for c in value_cols}
    if population_col:
        pops = sub.groupby("area_code")[population_col].first()
        if len(pops) != len(codes):
            raise DataError(f"combine_areas: population missing for some of {codes}")
    out = sub.groupby("date", as_index=False).agg(agg)
    if population_col:
        out[population_col] = int(pops.sum())
    out["area_code"], out["area_name"] = code, name
    n_dates = sub.groupby("date")["area_code"].nunique()
    if (n_dates < len(codes)).any():
        return Result(out, [f"{name}: the areas' series cover different dates; the total uses dates "
                            "where all areas have data."])
    return Result(out, [])


def rolling_rate(daily: pd.DataFrame, value_col: str, population: str | float,
                 window: int = 7, key: str = "area_code", per: int = PER) -> Result:
    """Add ``<value>_7d`` (trailing 7-day sum) and ``rate_7d`` (per 100,000) to a complete daily series.

    ``population`` is a column name or one number. A population of zero or missing gives an NA
    rate and a note; a negative 7-day sum (revisions) gives NA.
    """
    out = daily.sort_values([key, "date"]).copy()
    vals = pd.to_numeric(out[value_col], errors="coerce").astype("float64")
    roll = vals.groupby(out[key]).transform(lambda s: s.rolling(window, min_periods=window).sum())
    pop = out[population].astype("float64") if isinstance(population, str) else pd.Series(
        float(population), index=out.index)
    notes = []
    bad_pop = pop.isna() | (pop <= 0)
    if bad_pop.any():
        areas = sorted(set(out.loc[bad_pop, key].astype(str)))
        notes.append(f"Population is zero or missing for {', '.join(areas)}: rates not shown for "
                     "those areas.")
    roll = roll.where(roll >= 0)
    out[f"{value_col}_{window}d"] = roll
    out[f"rate_{window}d"] = (roll / pop.where(~bad_pop)) * per
    return Result(out, notes)


def cumulative_rate(daily: pd.DataFrame, value_col: str, population: float, end: str | pd.Timestamp,
                    start: str | pd.Timestamp | None = None, per: int = PER) -> dict[str, float]:
    """Total of ``value_col`` from start to end (inclusive) and the crude rate per 100,000."""
    d = daily[(daily["date"] <= pd.Timestamp(end))]
    if start is not None:
        d = d[d["date"] >= pd.Timestamp(start)]
    total = float(pd.to_numeric(d[value_col], errors="coerce").fillna(0).sum())
    rate = total / population * per if population and population > 0 else float("nan")
    return {"total": total, "rate": rate, "population": population}


def wave_peaks(series: pd.DataFrame, rate_col: str = "rate_7d", key: str = "area_code") -> pd.DataFrame:
    """Highest 7-day rate and its date for each area within each wave period."""
    rows = []
    for code, g in series.groupby(key, sort=False):
        for wave, lo, hi in WAVES:
            w = g[(g["date"] >= lo) & (g["date"] <= hi)].dropna(subset=[rate_col])
            if w.empty:
                continue
            i = w[rate_col].idxmax()
            rows.append({key: code, "area_name": w.get("area_name", pd.Series([code])).iloc[0],
                         "wave": wave, "peak_date": w.at[i, "date"], "peak_rate": float(w.at[i, rate_col])})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- MSOA cases


def msoa_case_totals(weekly: pd.DataFrame, population: pd.DataFrame, msoas: list[str],
                     end: str | pd.Timestamp = "2020-12-31") -> Result:
    """Cumulative 2020 cases per MSOA as a range, because weeks with 0-2 cases are suppressed.

    ``cases_known`` sums published weeks (lower bound); ``cases_upper`` adds 2 per suppressed
    week. Rates per 100,000 use ONS mid-2019 MSOA populations. A week absent from the file
    (not just blank) is counted in ``weeks_missing`` and treated like a suppressed week.
    """
    w = weekly[weekly["msoa11cd"].isin(msoas) & (weekly["week_ending"] <= pd.Timestamp(end))]
    notes: list[str] = []
    present, missing = coverage(msoas, w["msoa11cd"])
    if missing:
        notes.append(f"{plural(len(missing), 'MSOA')} have no weekly case rows ({', '.join(missing[:5])}"
                     f"{'...' if len(missing) > 5 else ''}); they are shown as no data.")
    weeks = pd.DatetimeIndex(sorted(w["week_ending"].unique()))
    if len(weeks) > 1:
        gaps = np.diff(weeks.values).astype("timedelta64[D]").astype(int)
        if (gaps != 7).any():
            notes.append("The weekly MSOA file skips at least one week; totals cover the weeks present only.")
    grid = pd.MultiIndex.from_product([present, weeks], names=["msoa11cd", "week_ending"])
    full = w.set_index(["msoa11cd", "week_ending"]).reindex(grid)
    absent = full["suppressed"].isna()
    if absent.any():
        notes.append(f"{plural(int(absent.sum()), 'MSOA-week')} are absent from the file and are treated as 0-2 cases.")
    full["suppressed"] = full["suppressed"].astype("boolean").fillna(True)
    g = full.reset_index().groupby("msoa11cd")
    out = pd.DataFrame({
        "cases_known": g["cases"].sum(min_count=0).astype("int64"),
        "weeks_suppressed": g["suppressed"].sum().astype("int64"),
        "weeks": g.size(),
    }).reset_index()
    out["cases_upper"] = out["cases_known"] + 2 * out["weeks_suppressed"]
    out = out.merge(population[["msoa11cd", "population"]], on="msoa11cd", how="left")
    pop = out["population"].astype("float64")
    bad = pop.isna() | (pop <= 0)
    if bad.any():
        notes.append(f"{plural(int(bad.sum()), 'MSOA')} have no usable population; their rates are not shown.")
    pop = pop.where(~bad)
    out["rate_known"] = out["cases_known"] / pop * PER
    out["rate_upper"] = out["cases_upper"] / pop * PER
    n_sup = int(w["suppressed"].sum())
    notes.append(
        f"{n_sup:,} of {len(w):,} MSOA-weeks ({n_sup / max(len(w), 1):.0%}) had 0-2 cases and were "
        "suppressed by the publisher. They are not counted as zero: totals are given as a range from "
        "the published weeks only (lower) to published weeks plus 2 per suppressed week (upper).")
    return Result(out, notes)


# --------------------------------------------------------------------------- deprivation


def rates_by_quintile(df: pd.DataFrame, count_col: str, pop_col: str = "population",
                      quintile_col: str = "quintile") -> pd.DataFrame:
    """Crude rate per 100,000 with 95% limits by local deprivation quintile (jsna.stats.rate)."""
    from jsna import stats

    out = stats.rate(df, count_col, pop_col, group_cols=quintile_col, multiplier=PER)
    out = out.rename(columns={count_col: "numerator", pop_col: "denominator"})
    return out.sort_values(quintile_col, ignore_index=True)


def gap_summary(by_q: pd.DataFrame, quintile_col: str = "quintile", value_type: int = 1,
                multiplier: float = 1, seed: int = 2019, repetitions: int = 10_000) -> dict[str, float]:
    """Most vs least deprived: ratio, difference, and SII with 95% limits (jsna.stats.sii).

    SII follows PHE's sign convention: the modelled value at the least deprived end minus the
    value at the most deprived end (negative = higher in the most deprived).

    ``by_q`` has one row per quintile with value, lowercl, uppercl and the population column
    ``denominator`` (as returned by jsna.stats.rate / proportion).
    """
    from jsna import stats

    q = by_q.set_index(quintile_col)
    if not {1, 5} <= set(q.index):
        raise DataError("gap_summary: quintiles 1 and 5 are both needed")
    most, least = float(q.at[1, "value"]), float(q.at[5, "value"])
    try:
        s = stats.sii(by_q, quintile_col, "denominator", value_col="value", lower_cl_col="lowercl",
                      upper_cl_col="uppercl", value_type=value_type, multiplier=multiplier,
                      repetitions=repetitions, seed=seed)
        sii = (float(s["sii"].iloc[0]), float(s["sii_lowercl"].iloc[0]), float(s["sii_uppercl"].iloc[0]))
    except (NotImplementedError, ValueError):  # e.g. too few quintiles with data: report the gap without SII
        sii = (float("nan"),) * 3
    return {
        "most": most, "least": least,
        "most_lower": float(q.at[1, "lowercl"]), "most_upper": float(q.at[1, "uppercl"]),
        "least_lower": float(q.at[5, "lowercl"]), "least_upper": float(q.at[5, "uppercl"]),
        "ratio": most / least if least > 0 else float("nan"),
        "difference": most - least,
        "sii": sii[0], "sii_lower": sii[1], "sii_upper": sii[2],
    }


def ltla_scatter_data(ltla: pd.DataFrame, district_codes: list[str], place=None) -> Result:
    """All English LTLAs with a ``highlight`` flag for the Place's districts (April 2019 codes; missing
    ones noted in words)."""
    out = ltla.copy()
    present, missing = coverage(district_codes, out["lad19cd"])
    out["highlight"] = out["lad19cd"].isin(present)
    notes = []
    if missing:
        guests = guests_of(place) if place is not None else []
        if guests:
            notes += [f"{guest} is not shown on its own in the England district chart: its deaths were published "
                      f"with {host}'s." for guest, _, host in guests]
        else:
            names = _area_names(place) if place is not None else {}
            notes.append(f"{join_names([names.get(c, c) for c in missing])} "
                         f"{'is' if len(missing) == 1 else 'are'} not in the England district file, so not "
                         "highlighted.")
    return Result(out, notes)


def rank_of(ltla: pd.DataFrame, code: str, col: str = "death_rate") -> tuple[int, int]:
    """(rank, n) of one LTLA by ``col``, 1 = highest."""
    r = ltla[col].rank(ascending=False, method="min")
    return int(r[ltla["lad19cd"] == code].iloc[0]), int(ltla[col].notna().sum())


# --------------------------------------------------------------------------- vaccinations

#: Broad age groups for uptake: vaccination band keys (July 2021 file) -> NIMS band keys.
AGE_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "16-49": (("under_25", "25_29", "30_34", "35_39", "40_44", "45_49"),
              ("16_24", "25_29", "30_34", "35_39", "40_44", "45_49")),
    "50-64": (("50_54", "55_59", "60_64"), ("50_54", "55_59", "60_64")),
    "65+": (("65_69", "70_74", "75_79", "80_plus"), ("65_69", "70_74", "75_79", "80_plus")),
}


def _band_words(band: str) -> str:
    """A vaccination file's age-band key in words: 'under_25' -> 'under 25', '25_29' -> '25-29',
    '80_plus' -> '80 and over'."""
    if band.startswith("under_"):
        return "under " + band.removeprefix("under_")
    if band.endswith("_plus"):
        return band.removesuffix("_plus") + " and over"
    return band.replace("_", "-")


def uptake_by_msoa(vacc: pd.DataFrame, nims: pd.DataFrame, msoas: list[str]) -> Result:
    """Uptake by MSOA, dose and broad age group (and all 16+) against NIMS populations.

    The vaccination 'Under 25' band is compared with NIMS 16-24 (under-16s were hardly vaccinated
    by July 2021). A band with a missing count is left out of both numerator and denominator for
    that MSOA (noted). ``uptake_pct`` is capped at 100 for display and ``over_100`` flags rows where
    people vaccinated exceeded the NIMS population, as NHS England did.
    """
    notes: list[str] = []
    v = vacc[vacc["msoa11cd"].isin(msoas)]
    present, missing = coverage(msoas, v["msoa11cd"])
    _, nims_missing = coverage(present, nims["msoa11cd"])
    if missing:
        notes.append(f"{plural(len(missing), 'MSOA')} are missing from the vaccination file: {', '.join(missing[:5])}.")
    if nims_missing:
        notes.append(f"{plural(len(nims_missing), 'MSOA')} have no NIMS population: {', '.join(nims_missing[:5])}; "
                     "they are left out of uptake figures.")
    nims_long = nims.melt(id_vars="msoa11cd", var_name="nims_band", value_name="population")
    rows = []
    for group, (vbands, nbands) in AGE_GROUPS.items():
        pairs = pd.DataFrame({"age_band": vbands, "nims_band": nbands})
        m = v.merge(pairs, on="age_band").merge(nims_long, on=["msoa11cd", "nims_band"], how="inner")
        m["age_group"] = group
        rows.append(m)
    banded = pd.concat(rows, ignore_index=True)
    gaps = banded["vaccinated"].isna()
    if gaps.any():
        bad = banded.loc[gaps, ["msoa11cd", "age_band", "dose"]].drop_duplicates()
        notes.append(
            f"{plural(bad['msoa11cd'].nunique(), 'neighbourhood (MSOA)', 'neighbourhoods (MSOAs)')} "
            f"({', '.join(sorted(bad['msoa11cd'].unique())[:4])}) "
            f"{'has' if bad['msoa11cd'].nunique() == 1 else 'have'} no count for people aged "
            f"{join_names([_band_words(b) for b in sorted(bad['age_band'].unique())])}; that age band is left out of "
            "both the count and the population for those neighbourhoods.")
    banded = banded[~gaps]
    per_group = banded.groupby(["msoa11cd", "dose", "age_group"], as_index=False)[
        ["vaccinated", "population"]].sum()
    all16 = banded.groupby(["msoa11cd", "dose"], as_index=False)[["vaccinated", "population"]].sum()
    all16["age_group"] = "16+"
    out = pd.concat([per_group, all16], ignore_index=True)
    out["vaccinated"] = out["vaccinated"].astype("int64")
    out["population"] = out["population"].astype("int64")
    out = flag_uptake(out, notes)
    return Result(out, notes)


def flag_uptake(df: pd.DataFrame, notes: list[str] | None = None) -> pd.DataFrame:
    """Add ``uptake_raw`` (%), ``uptake_pct`` (capped at 100), ``over_100``, ``vaccinated_capped``.

    A population of zero gives NA uptake. Notes about capping are appended to ``notes``.
    """
    out = df.copy()
    pop = out["population"].astype("float64")
    zero = pop <= 0
    raw = out["vaccinated"] / pop.where(~zero) * 100
    out["uptake_raw"] = raw
    out["over_100"] = (raw > 100).fillna(False)
    out["uptake_pct"] = raw.clip(upper=100)
    out["vaccinated_capped"] = np.minimum(out["vaccinated"], out["population"])
    if notes is not None:
        if out["over_100"].any():
            notes.append(f"{plural(int(out['over_100'].sum()), 'area/age/dose value')} had more people vaccinated than "
                         "the NIMS population; uptake is shown as 100% and flagged, as NHS England did, and "
                         "the count is capped at the population in group totals.")
        if zero.any():
            notes.append(f"{plural(int(zero.sum()), 'area/age value')} have a NIMS population of zero; uptake not shown.")
    return out


def uptake_by_quintile(uptake: pd.DataFrame, quintiles: pd.DataFrame) -> pd.DataFrame:
    """Wilson 95% limits for uptake (%) by local quintile, dose and age group (jsna.stats.proportion)."""
    from jsna import stats

    d = uptake.merge(quintiles[["msoa11cd", "quintile"]], on="msoa11cd", how="inner")
    d = d[d["population"] > 0]
    out = stats.proportion(d, "vaccinated_capped", "population", group_cols=["dose", "age_group", "quintile"],
                           multiplier=100)
    out = out.rename(columns={"vaccinated_capped": "numerator", "population": "denominator"})
    return out.sort_values(["dose", "age_group", "quintile"], ignore_index=True)


def uptake_march_70plus(vacc03: pd.DataFrame, msoas: list[str]) -> Result:
    """First-dose uptake among people aged 70+ by MSOA, NHS England release of 4 March 2021."""
    v = vacc03[vacc03["msoa11cd"].isin(msoas) & vacc03["age_band"].isin(["70_74", "75_79", "80_plus"])]
    out = v.groupby("msoa11cd", as_index=False)[["vaccinated", "population"]].sum()
    out["dose"], out["age_group"] = 1, "70+"
    notes: list[str] = []
    return Result(flag_uptake(out, notes), notes)


def ltla_uptake(vacc: pd.DataFrame, nims: pd.DataFrame) -> pd.DataFrame:
    """First and second dose uptake (% of NIMS 16+) by LTLA, as NHS England computed it."""
    tot = vacc.groupby(["lad19cd", "lad19nm", "dose"], as_index=False)["vaccinated"].sum(min_count=1)
    tot = tot.merge(nims[["lad19cd", "16_plus"]].rename(columns={"16_plus": "population"}), on="lad19cd")
    return flag_uptake(tot)


# --------------------------------------------------------------------------- a Place's areas in a file


@dataclass(frozen=True)
class InFile:
    """How a Place's areas appear in one file published on areas of some vintage.

    ``codes``: the codes whose rows add up to the Place; ``population_codes``: the complete set whose
    populations add up to it (the current codes, or their April 2019 parts); ``missing``: the Place's
    areas the file lacks; ``vintage``: "current" (the Place's own codes), "2019" (the April 2019 areas
    it was formed from) or "both" (a file that switched codes part-way).
    """

    codes: tuple[str, ...]
    population_codes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    vintage: str = "current"

    @property
    def complete(self) -> bool:
        return bool(self.codes) and not self.missing


def codes_in_file(current: Sequence[str], older: Sequence[str], present: Iterable[str]) -> InFile:
    """Which codes of a file stand for a Place: its current codes when the file has them all (plus any
    of its April 2019 parts the file also has, for a file that switched codes part-way, e.g.
    Buckinghamshire's districts before April 2020 and the new council after), else its April 2019 parts
    when the file has them all; otherwise ``missing`` names what is absent."""
    have = set(present)
    cur = [c for c in current if c in have]
    old = [c for c in older if c in have and c not in current]
    if len(cur) == len(current) and cur:
        return InFile(tuple(cur + old), tuple(current), (), "both" if old else "current")
    if older and all(c in have for c in older):
        return InFile(tuple(cur + old), tuple(older), (), "both" if cur else "2019")
    wanted = list(older) if older and list(older) != list(current) else list(current)
    return InFile(tuple(cur + old), (), tuple(c for c in wanted if c not in have), "current")


def _no_double_count(rows: pd.DataFrame, current: Sequence[str], where: str) -> None:
    """A file that switched codes part-way must not hold the new and the old codes on the same day."""
    new = rows["area_code"].isin(current)
    both = set(rows.loc[new, "date"]) & set(rows.loc[~new, "date"])
    if both:
        raise DataError(f"{where}: {len(both)} day(s) (e.g. {min(both):%Y-%m-%d}) have rows under both the "
                        f"current code(s) {', '.join(current)} and the April 2019 codes they replaced; adding "
                        "them would count those days twice. Check the file is the catalogued release.")


def guests_of(place) -> list[tuple[str, str, str]]:
    """(guest name, host code, host name) for each of the Place's areas that the dashboard published
    inside a neighbour outside the Place (:data:`jsna.load.covid.PUBLISHED_WITH`)."""
    from jsna.load.covid import PUBLISHED_WITH

    codes = set(place.district_codes) | set(place.upper_tier_codes)
    return [PUBLISHED_WITH[c] for c in codes if c in PUBLISHED_WITH and PUBLISHED_WITH[c][1] not in codes]


def hosts_of(place) -> list[tuple[str, str, str]]:
    """(guest name, host code, host name) for each of the Place's areas whose published figures include
    a neighbour outside the Place."""
    from jsna.load.covid import PUBLISHED_WITH

    codes = set(place.district_codes) | set(place.upper_tier_codes)
    return [v for k, v in PUBLISHED_WITH.items() if v[1] in codes and k not in codes]


# --------------------------------------------------------------------------- Place-level series


@dataclass(frozen=True)
class Unavailable:
    """Why a Place has no series (:mod:`.text` says it in one sentence): ``reason`` is

    * "guest": published together with a neighbour outside the Place (``host``: its name);
    * "missing": ``areas`` (names) are not in the file;
    * "short": ``areas`` were published only to ``until``;
    * "part_of_2019_council": deaths of a council formed since 2019 from part of an older council
      (``areas``: the names of the upper-tier councils of the time its MSOAs lay in, maybe none);
    * "no_population": no population is held for all of its districts."""

    reason: str
    areas: tuple[str, ...] = ()
    host: str = ""
    until: pd.Timestamp | None = None


@dataclass
class Waves:
    """7-day case (or death) rates for a Place, its districts and England, with notes.

    ``unavailable`` says why the Place has no series (None when it has one)."""

    place: pd.DataFrame
    districts: pd.DataFrame
    england: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    unavailable: Unavailable | None = None
    vintage: str = "current"

    @property
    def available(self) -> bool:
        return not self.place.empty


def _england_series(england: pd.DataFrame, value_col: str, start, end) -> Result:
    eng = england.dropna(subset=[value_col]) if value_col == "deaths" else england
    done = complete_daily(eng[["area_code", "area_name", "date", value_col]], [value_col], start=start, end=end)
    res = rolling_rate(done.table, value_col, ENGLAND_POPULATION_2019)
    return Result(res.table, [f"England: {n}" for n in done.notes + res.notes])


def _area_names(place) -> dict[str, str]:
    return {a.code: a.name for a in (*place.districts, *place.districts_in(2019), *place.upper_tier,
                                     *place.upper_tier_in(2019))}


def case_waves(place, cases: pd.DataFrame, england: pd.DataFrame, start: str = "2020-03-01") -> Waves:
    """7-day case rates per 100,000 by specimen date for the Place (sum of its districts), each district
    and England, on a full daily calendar. The cases file is on April 2019 districts: a council formed
    since is the sum of the districts it was formed from (or of its own code, where a file has it).
    Denominators: ONS mid-2019 populations carried in the files."""
    end = min(cases["date"].max(), england["date"].max())
    eng = _england_series(england, "cases", start, end)
    notes = list(eng.notes)
    if guests_of(place):
        return Waves(pd.DataFrame(), pd.DataFrame(), eng.table, notes,
                     Unavailable("guest", host=guests_of(place)[0][2]))
    f = codes_in_file(place.district_codes, place.district_codes_2019, cases["area_code"].unique())
    if not f.complete:
        names = _area_names(place)
        return Waves(pd.DataFrame(), pd.DataFrame(), eng.table, notes,
                     Unavailable("missing", tuple(names.get(c, c) for c in f.missing)))
    sub = cases[cases["area_code"].isin(f.codes)]
    if f.vintage == "both":
        _no_double_count(sub, place.district_codes, "cases by district")
    last = sub.groupby("area_code")["date"].max()
    if f.vintage != "both" and (last < end - pd.Timedelta(days=28)).any():
        names = _area_names(place)
        short = last[last < end - pd.Timedelta(days=28)]
        return Waves(pd.DataFrame(), pd.DataFrame(), eng.table, notes,
                     Unavailable("short", tuple(names.get(c, c) for c in short.index), until=short.min()))
    pops = sub.groupby("area_code")["population"].first()
    population = int(pops.reindex(list(f.population_codes)).sum())
    done = complete_daily(sub, ["cases"], start=start, end=end)
    notes += done.notes
    districts = rolling_rate(done.table, "cases", "population")
    notes += districts.notes
    if len(f.codes) == 1:
        return Waves(districts.table.assign(area_name=place.name, area_code=place.id), pd.DataFrame(), eng.table,
                     notes, vintage=f.vintage)
    total = done.table.groupby("date", as_index=False)["cases"].sum()
    total["area_code"], total["area_name"], total["population"] = place.id, place.name, population
    whole = rolling_rate(total, "cases", "population")
    notes += whole.notes
    shown = districts.table if f.vintage != "both" else pd.DataFrame()
    return Waves(whole.table, shown, eng.table, notes, vintage=f.vintage)


def death_waves(place, utla: pd.DataFrame, cases: pd.DataFrame, england: pd.DataFrame,
                msoa_areas: pd.DataFrame | None = None) -> Waves:
    """7-day deaths within 28 days of a positive test per 100,000 for the Place's upper-tier areas (summed)
    and England, to the end of the series (21 June 2021). The deaths file is on April 2019 upper-tier
    areas. Denominator: ONS mid-2019 population (sum of the districts in the UKHSA cases file).
    ``msoa_areas`` (the Place's MSOAs, with ``utla19nm``) names the larger council a Place was part of."""
    eng_end = utla["date"].max()
    eng = _england_series(england, "deaths", "2020-03-01", eng_end)
    if guests_of(place):
        return Waves(pd.DataFrame(), pd.DataFrame(), eng.table, [], Unavailable("guest", host=guests_of(place)[0][2]))
    f = codes_in_file(place.upper_tier_codes, place.upper_tier_codes_2019, utla["area_code"].unique())
    if not f.complete:
        if place.changed_since_2019 and not place.upper_tier_codes_2019:
            was = sorted(set(msoa_areas["utla19nm"])) if msoa_areas is not None and len(msoa_areas) else []
            why = Unavailable("part_of_2019_council", tuple(was))
        else:
            names = _area_names(place)
            why = Unavailable("missing", tuple(names.get(c, c) for c in f.missing))
        return Waves(pd.DataFrame(), pd.DataFrame(), eng.table, [], why)
    d = codes_in_file(place.district_codes, place.district_codes_2019, cases["area_code"].unique())
    if not d.complete:
        return Waves(pd.DataFrame(), pd.DataFrame(), eng.table, [], Unavailable("no_population"))
    pops = cases[cases["area_code"].isin(d.population_codes)].groupby("area_code")["population"].first()
    pop = int(pops.sum())
    sub = utla[utla["area_code"].isin(f.codes)].copy()
    if f.vintage == "both":
        _no_double_count(sub, place.upper_tier_codes, "deaths by upper-tier area")
    sub["deaths"] = sub["deaths"].astype("Float64").fillna(0)
    done = complete_daily(sub[["area_code", "area_name", "date", "deaths"]], ["deaths"], start="2020-03-01",
                          end=eng_end)
    total = done.table.groupby("date", as_index=False)["deaths"].sum()
    total["area_code"], total["area_name"], total["population"] = place.id, place.name, pop
    res = rolling_rate(total, "deaths", "population")
    return Waves(res.table, pd.DataFrame(), eng.table, done.notes + res.notes, vintage=f.vintage)


# --------------------------------------------------------------------------- MSOA harm


def msoa_deaths_by_quintile(deaths: pd.DataFrame, population: pd.DataFrame, msoas: list[str],
                            msoa_areas: pd.DataFrame) -> Result:
    """ONS deaths involving COVID-19 (Mar-Dec 2020) by MSOA with population and local quintile.

    ``msoa_areas`` is the Place's area table (:func:`jsna.areas.msoas`): its population-weighted
    IMD score and local quintile are used (the one local-quintile function, jsna.areas.local_quintiles),
    so every topic groups the same MSOA the same way."""
    d = deaths[deaths["msoa11cd"].isin(msoas)].merge(population[["msoa11cd", "population"]], on="msoa11cd",
                                                     how="left")
    groups = msoa_areas[["msoa11cd", "imd_score", "local_quintile"]].rename(columns={"local_quintile": "quintile"})
    d = d.drop(columns=["imd_score"]).merge(groups, on="msoa11cd", how="left")
    notes = []
    _, missing = coverage(msoas, d["msoa11cd"])
    if missing:
        notes.append(f"{plural(len(missing), 'neighbourhood')} missing from the ONS deaths file "
                     "left out of the deprivation comparison.")
    bad = d["population"].isna() | (d["population"] <= 0)
    if bad.any():
        notes.append(f"No mid-2019 population is held for {plural(int(bad.sum()), 'neighbourhood')} (no deaths "
                     "and every week of cases suppressed), so it is left out of the rates.")
        d = d[~bad]
    d = d.assign(population=d["population"].astype("int64"))
    return Result(d.dropna(subset=["quintile"]).reset_index(drop=True), notes)


def quintile_check(by_q: pd.DataFrame | None, msoas: pd.DataFrame, events: bool,
                   compared: tuple[int, ...] | None = (1, 5), n_areas: int | None = None) -> reliability.Verdict:
    """The reliability rule for a comparison of local quintiles: MSOAs, residents and (for rates)
    events per quintile. ``compared=ALL_FIFTHS`` checks all five (the SII uses every quintile).
    ``n_areas``: the Place's number of MSOAs; fewer than five cannot be divided into fifths at all."""
    if n_areas is not None and (few := reliability.too_few_to_divide(n_areas)) is not None:
        return few
    if by_q is None or by_q.empty:
        return reliability.too_few_to_divide(0)
    n = msoas.groupby("quintile").size()
    g = by_q.assign(n_areas=by_q["quintile"].map(n).fillna(0).astype(int))
    return reliability.assess(g, "quintile", "n_areas", "denominator", "numerator" if events else None,
                              compared=compared)


def whole_area(place_name: str, deaths: pd.DataFrame, population: pd.DataFrame, weekly: pd.DataFrame,
               msoas: list[str], end: str | pd.Timestamp = "2020-12-31") -> pd.DataFrame:
    """The Place against England from the neighbourhood files: ONS deaths involving COVID-19
    (March-December 2020) and recorded cases (published MSOA weeks, March-November 2020).

    One row per measure and area: measure, area, count (deaths; cases as published, a lower bound),
    count_upper (cases with each suppressed week counted as 2), population, rate, lowercl, uppercl
    (per 100,000; Byars, exact below 10 events) and ``stable`` (at least the reliability rule's minimum
    of events, below which no rate is stated)."""
    from jsna import stats

    pop = population.set_index("msoa11cd")["population"]
    w = weekly[weekly["week_ending"] <= pd.Timestamp(end)]
    rows = []
    for area, codes in ((place_name, msoas), ("England", None)):
        d = deaths if codes is None else deaths[deaths["msoa11cd"].isin(codes)]
        p = pop if codes is None else pop.reindex(codes)
        known = p.dropna()
        complete = len(known) == len(p) if codes is not None else True
        n_d = int(d["deaths"].sum())
        ww = w if codes is None else w[w["msoa11cd"].isin(codes)]
        lo = int(ww["cases"].sum())
        hi = lo + 2 * int(ww["suppressed"].sum())
        # England: every MSOA with a population (the one without has no deaths and no published cases)
        denom = float(known.sum()) if complete else float("nan")
        rows.append({"measure": "deaths", "area": area, "count": n_d, "count_upper": n_d, "population": denom})
        rows.append({"measure": "cases", "area": area, "count": lo, "count_upper": hi, "population": denom})
    out = pd.DataFrame(rows)
    ok = out["population"].notna() & (out["population"] > 0)
    r = stats.rate(out[ok].assign(_n=out.loc[ok, "count"], _d=out.loc[ok, "population"]), "_n", "_d",
                   multiplier=PER, group_cols=["measure", "area"])[["measure", "area", "value", "lowercl", "uppercl"]]
    out = out.merge(r, on=["measure", "area"], how="left").rename(columns={"value": "rate"})
    out["rate_upper"] = out["count_upper"] / out["population"] * PER
    out["stable"] = out["count"] >= reliability.MIN_EVENTS_PER_GROUP
    return out


def age_by_fifth(age: pd.DataFrame, groups: pd.DataFrame, group_col: str) -> pd.DataFrame:
    """Census 2021 age structure of deprivation fifths of 2011 MSOAs: fifth, residents, pct_65_plus,
    pct_75_plus (per cent of usual residents). ``age``: :func:`jsna.load.census.age_msoa11`;
    ``groups``: msoa11cd and ``group_col`` (a local or national quintile, 1 = most deprived)."""
    d = groups[["msoa11cd", group_col]].dropna().merge(age, on="msoa11cd", how="inner")
    over65 = [f"age_{a}_{a + 4}" for a in range(65, 85, 5)] + ["age_85_plus"]
    over75 = [f"age_{a}_{a + 4}" for a in range(75, 85, 5)] + ["age_85_plus"]
    d = d.assign(_65=d[over65].sum(axis=1), _75=d[over75].sum(axis=1))
    g = d.groupby(group_col).agg(areas=("msoa11cd", "size"), residents=("total", "sum"), _65=("_65", "sum"),
                                 _75=("_75", "sum"))
    g["pct_65_plus"] = 100 * g["_65"] / g["residents"]
    g["pct_75_plus"] = 100 * g["_75"] / g["residents"]
    g = g.drop(columns=["_65", "_75"]).reset_index().rename(columns={group_col: "fifth"})
    return g.astype({"fifth": "int64"})


#: a difference in the share aged 65 and over (percentage points) from which two fifths' age
#: structures are said to differ, so that their crude rates do not compare like with like
AGE_DIFFERENCE_PP = 2.0


def age_contrast(by_fifth: pd.DataFrame | None) -> dict | None:
    """Most vs least deprived fifth: share aged 65+ in each, the difference and whether the most
    deprived fifth is 'younger', 'older' or 'similar' (within :data:`AGE_DIFFERENCE_PP`)."""
    if by_fifth is None or not {1, 5} <= set(by_fifth["fifth"]):
        return None
    f = by_fifth.set_index("fifth")
    most, least = float(f.at[1, "pct_65_plus"]), float(f.at[5, "pct_65_plus"])
    diff = most - least
    kind = "similar" if abs(diff) < AGE_DIFFERENCE_PP else ("younger" if diff < 0 else "older")
    return {"most_65": most, "least_65": least, "difference": diff, "kind": kind}


def whole_area_age(age: pd.DataFrame, msoas: list[str]) -> dict:
    """Usual residents and the shares aged 65 and over and 75 and over (Census 2021) in the Place's
    MSOAs and in England: keys place_residents, place_65, place_75 and england_... ."""
    over65 = [f"age_{a}_{a + 4}" for a in range(65, 85, 5)] + ["age_85_plus"]
    over75 = [f"age_{a}_{a + 4}" for a in range(75, 85, 5)] + ["age_85_plus"]
    out: dict[str, float] = {}
    for key, d in (("place", age[age["msoa11cd"].isin(msoas)]), ("england", age)):
        total = float(d["total"].sum())
        out[f"{key}_residents"] = total
        for label, cols in (("65", over65), ("75", over75)):
            out[f"{key}_{label}"] = float(100 * d[cols].to_numpy().sum() / total) if total else float("nan")
    return out


# --------------------------------------------------------------------------- the whole report

#: Fixed end date for cumulative totals: the last day of the deaths within 28 days snapshot.
TOTALS_END = pd.Timestamp("2021-06-21")
TOTALS_START = pd.Timestamp("2020-03-01")


#: ONS's age-standardised tables (covid_ons_asmr_*_2020): the rows the report shows
ASMR_CAUSE = "Due to COVID-19"
ASMR_PERIOD = "Mar-Dec 2020 (10-month total)"
ASMR_SEX = "People"


@dataclass
class AsmrBenchmark:
    """ONS's age-standardised Covid-19 death rates, deaths registered March-December 2020 (COVID-19 the underlying
    cause, people): England by IMD 2019 decile, and the Place's councils beside England."""

    #: decile (1 = most deprived), deaths, rate, lowercl, uppercl, flag
    deciles: pd.DataFrame
    #: area_code, area_name, deaths, rate, lowercl, uppercl, flag, is_england, compared ("higher", "lower",
    #: "no clear difference" against England by the 95% intervals; "" for England, "not compared" where ONS
    #: marks the rate unreliable or published none); the Place's councils first, England last
    areas: pd.DataFrame
    #: True when the councils shown are the ones the Place was formed from (ONS's areas of April 2020)
    predecessors: bool = False
    #: True when ONS's table has no row for the Place or the areas it was formed from (England alone is shown)
    not_found: bool = False


def _asmr_rows(df: pd.DataFrame) -> pd.DataFrame:
    return df[(df["cause"] == ASMR_CAUSE) & (df["sex"] == ASMR_SEX) & (df["period"] == ASMR_PERIOD)]


def asmr_benchmark(place: Place, deciles: pd.DataFrame, areas: pd.DataFrame) -> AsmrBenchmark:
    """The ten-month age-standardised rates of :class:`AsmrBenchmark` for ``place``: its upper-tier councils, or
    (a council formed since April 2020) its councils of April 2019 where ONS published those, else its districts.
    Raises DataError naming the file when England or a decile is missing."""
    d = _asmr_rows(deciles).sort_values("decile")
    if sorted(d["decile"].tolist()) != list(range(1, 11)):
        raise DataError("covid/ons_covid_deaths_imd_decile_england_mar-dec2020.csv: the ten-month Covid-19 rows "
                        f"(cause {ASMR_CAUSE!r}, sex {ASMR_SEX!r}) lack deciles; expected 1 to 10. Check the file is "
                        "the catalogued release.")
    a = _asmr_rows(areas).set_index("area_code")
    if ENGLAND_CODE not in a.index:
        raise DataError("covid/ons_covid_deaths_asmr_la_england_mar-dec2020.csv.gz: no ten-month Covid-19 row for "
                        f"England ({ENGLAND_CODE}) in column 'area_code'.")
    predecessors = False
    codes = [c for c in place.upper_tier_codes if c in a.index]
    if len(codes) < len(place.upper_tier_codes):
        predecessors = True
        codes = [c for c in place.upper_tier_codes_2019 if c in a.index]
        if len(codes) < len(place.upper_tier_codes_2019):
            codes = [c for c in place.district_codes_2019 if c in a.index]
    cols = ["area_name", "deaths", "rate", "lowercl", "uppercl", "flag"]
    out = a.loc[[*codes, ENGLAND_CODE], cols].reset_index()
    out["area_name"] = out["area_name"].where(out["area_code"] != ENGLAND_CODE, "England")
    out["is_england"] = out["area_code"] == ENGLAND_CODE
    e = out[out["is_england"]].iloc[0]
    out["compared"] = [
        "" if r.is_england else "not compared" if (pd.notna(r.flag) or pd.isna(r.rate)) else
        compare_groups(r.lowercl, r.uppercl, e["lowercl"], e["uppercl"]) for r in out.itertuples()]
    return AsmrBenchmark(deciles=d[["decile", "deaths", "rate", "lowercl", "uppercl", "flag"]].reset_index(drop=True),
                         areas=out, predecessors=predecessors and bool(codes), not_found=not codes)


@dataclass
class Results:
    """Everything the Covid-19 report shows for one Place: numbers, tidy frames and the notes on data
    problems met on the way (no sentences, captions or display tables: see :mod:`.text` and
    :mod:`.tables`)."""

    place: Place
    cases: Waves
    deaths: Waves
    #: cases and deaths from TOTALS_START to TOTALS_END: {"cases"|"deaths": {"place"|"england": total, rate,
    #: population}}
    totals: dict[str, dict[str, dict[str, float]]]
    #: the Place's MSOAs: names, district, ONS deaths and crude rate, IMD score, local quintile, mid-2019
    #: population and the cases range (:func:`msoa_case_totals`)
    msoa: pd.DataFrame | None
    msoa_case_notes: list[str]
    deaths_by_q: pd.DataFrame | None
    cases_by_q: pd.DataFrame | None
    cases_upper_by_q: pd.DataFrame | None
    deaths_gap: dict | None
    cases_gap: dict | None
    scatter: Result
    district_names: dict[str, str]
    ltla: pd.DataFrame
    asmr: AsmrBenchmark
    uptake_by_q: pd.DataFrame | None
    uptake_gap: dict | None
    uptake_msoa: pd.DataFrame | None
    ltla_uptake: pd.DataFrame | None
    march_by_q: pd.DataFrame | None
    uptake_notes: list[str]
    ethnicity: pd.DataFrame
    notes: list[str]
    #: True when the vaccination tables (held for Leicester, Leicestershire and Rutland) cover the Place
    vaccination: bool
    #: the Place against England from the neighbourhood files (:func:`whole_area`)
    whole: pd.DataFrame | None = None
    #: Census 2021 share aged 65+ and 75+ by local fifth (``place``) and by England's fifths (``england``)
    age_place: pd.DataFrame | None = None
    age_england: pd.DataFrame | None = None
    age_gap: dict | None = None
    #: share aged 65+ of the Place and of England (Census 2021), for the whole-area comparison
    age_whole: dict | None = None
    n_msoas: int = 0
    #: a group Place's end fifths (1 and 5) by upper-tier council: residents and share (:func:`fifth_split`)
    fifth_split: pd.DataFrame | None = None
    #: the reliability rule (jsna.reliability) for each within-Place comparison: deaths, cases, uptake, age
    checks: dict[str, reliability.Verdict] = field(default_factory=dict)
    #: True when the Place holds the district of Leicester's local lockdown (marked on the waves chart)
    leicester_lockdown: bool = False
    #: the Place's MSOA boundaries (from the inputs), for the maps
    boundaries: object = field(repr=False, default=None)

    @property
    def data_notes(self) -> list[str]:
        """Every data note of the report, once each, in order (the appendix's Data notes)."""
        return list(dict.fromkeys(self.notes + self.msoa_case_notes + self.uptake_notes))


def _totals(waves: Waves, col: str, start=TOTALS_START, end=TOTALS_END) -> dict[str, dict[str, float]]:
    out = {}
    if waves.available:
        pop = float(waves.place["population"].iloc[0])
        out["place"] = cumulative_rate(waves.place, col, pop, end, start)
    if not waves.england.empty:
        out["england"] = cumulative_rate(waves.england, col, ENGLAND_POPULATION_2019, end, start)
    return out


def compute(place: Place, inputs: Inputs, seed: int | None = None) -> Results:
    """Compute every number and tidy frame of the Covid-19 report for one Place from its
    :class:`~jsna.topics.covid_impact.inputs.Inputs` (``seed``: the SII's random seed, default the
    inputs' own).

    Cases, deaths within 28 days and neighbourhood harm come from the all-England files for any English
    Place; the vaccination tables cover Leicester, Leicestershire and Rutland only (elsewhere the report
    says so in one sentence). Every within-Place comparison passes the reliability rule first."""
    i = inputs
    seed = i.seed if seed is None else seed
    notes: list[str] = []
    cw = case_waves(place, i.cases, i.england)
    dw = death_waves(place, i.utla, i.cases, i.england, i.msoa_areas)
    notes += cw.notes + [n for n in dw.notes if n not in cw.notes]
    totals = {"cases": _totals(cw, "cases"), "deaths": _totals(dw, "deaths")}

    ma = i.msoa_areas
    msoas = ma["msoa11cd"].tolist()
    n_msoas = len(msoas)
    checks: dict[str, reliability.Verdict] = {}
    dq = msoa_deaths_by_quintile(i.msoa_deaths, i.msoa_pop, msoas, ma)
    notes += dq.notes
    q = dq.table
    ct = msoa_case_totals(i.msoa_weekly, i.msoa_pop, msoas)
    msoa_case_notes = ct.notes
    names = ma[["msoa11cd", "msoa11hclnm", "lad19cd"]].rename(columns={"msoa11hclnm": "msoa11nm"})
    msoa = (names.merge(i.msoa_deaths[["msoa11cd", "deaths", "crude_rate"]], on="msoa11cd", how="left")
            .merge(ma[["msoa11cd", "imd_score", "local_quintile"]].rename(columns={"local_quintile": "quintile"}),
                   on="msoa11cd", how="left")
            .merge(i.msoa_pop[["msoa11cd", "population"]], on="msoa11cd", how="left")
            .merge(ct.table.drop(columns=["population"]), on="msoa11cd", how="left")
            .rename(columns={"crude_rate": "death_rate"}))
    whole = whole_area(place.name, i.msoa_deaths, i.msoa_pop, i.msoa_weekly, msoas)
    deaths_by_q = cases_by_q = cases_upper_by_q = deaths_gap = cases_gap = None
    if q["quintile"].notna().any():
        deaths_by_q = rates_by_quintile(q, "deaths")
        deaths_gap = gap_summary(deaths_by_q, seed=seed) if {1, 5} <= set(deaths_by_q["quintile"]) else None
        cq = msoa.dropna(subset=["quintile", "cases_known", "population"])
        cases_by_q = rates_by_quintile(cq.assign(cases_known=cq["cases_known"].astype("int64"),
                                                 population=cq["population"].astype("int64")), "cases_known")
        cases_gap = gap_summary(cases_by_q, seed=seed) if {1, 5} <= set(cases_by_q["quintile"]) else None
        cases_upper_by_q = rates_by_quintile(cq.assign(cases_upper=cq["cases_upper"].astype("int64"),
                                                       population=cq["population"].astype("int64")), "cases_upper")
    checks["deaths"] = quintile_check(deaths_by_q, q, events=True, compared=reliability.ALL_FIFTHS, n_areas=n_msoas)
    checks["cases"] = quintile_check(cases_by_q, q, events=True, compared=reliability.ALL_FIFTHS, n_areas=n_msoas)

    # Census 2021 age structure of the fifths: why crude rates mislead
    age_place = age_england = age_gap = age_whole = None
    if i.age is not None:
        if i.england_msoas is not None:
            age_england = age_by_fifth(i.age, i.england_msoas, "national_quintile")
        age_place = age_by_fifth(i.age, ma, "local_quintile") if ma["local_quintile"].notna().any() else None
        ag = None if age_place is None else age_place.rename(columns={"fifth": "quintile", "areas": "n_areas"})
        checks["age"] = (reliability.too_few_to_divide(n_msoas) or
                         reliability.assess(ag, "quintile", "n_areas", "residents", None, compared=(1, 5)))
        age_gap = age_contrast(age_place) if checks["age"].ok else None
        age_whole = whole_area_age(i.age, msoas)

    # vaccination: the tables held cover Leicester, Leicestershire and Rutland only
    vaccination = vaccination_covers(msoas, i.vacc07)
    uptake_by_q = uptake_gap = uptake_msoa = march_by_q = lu = None
    uptake_notes: list[str] = []
    if vaccination:
        up = uptake_by_msoa(i.vacc07, i.nims_m, msoas)
        uptake_notes += up.notes
        qq = ma[["msoa11cd", "local_quintile"]].rename(columns={"local_quintile": "quintile"}).dropna()
        uptake_by_q = uptake_by_quintile(up.table, qq)
        sel = uptake_by_q[(uptake_by_q["dose"] == 1) & (uptake_by_q["age_group"] == "16+")]
        uptake_gap = gap_summary(sel, value_type=2, seed=seed) if {1, 5} <= set(sel["quintile"]) else None
        checks["uptake"] = quintile_check(sel, qq, events=False, n_areas=n_msoas)
        u = up.table[(up.table["dose"] == 1) & (up.table["age_group"] == "16+")]
        uptake_msoa = u[["msoa11cd", "vaccinated", "population", "uptake_pct", "over_100"]]
        m03 = uptake_march_70plus(i.vacc03, msoas)
        uptake_notes += [f"March 2021 release: {n}" for n in m03.notes]
        march_by_q = uptake_by_quintile(m03.table, qq)
        lu = ltla_uptake(i.vacc_ltla, i.nims_l)
        lu = lu[lu["lad19cd"].isin(place.district_codes_2019)]

    district_names = {a.code: a.name for a in place.districts_in(2019)}
    scatter = ltla_scatter_data(i.ltla_deaths, place.district_codes_2019, place)
    notes += scatter.notes
    pops = i.cases.groupby("area_code")["population"].first()
    eth = ethnicity_view(i.ethnicity, i.ltla_deaths, lu, place, pops)
    return Results(
        place=place, cases=cw, deaths=dw, totals=totals, msoa=msoa,
        msoa_case_notes=msoa_case_notes, deaths_by_q=deaths_by_q, cases_by_q=cases_by_q,
        cases_upper_by_q=cases_upper_by_q, deaths_gap=deaths_gap,
        cases_gap=cases_gap, scatter=scatter, district_names=district_names, ltla=i.ltla_deaths,
        asmr=asmr_benchmark(place, i.asmr_deciles, i.asmr_areas),
        uptake_by_q=uptake_by_q, uptake_gap=uptake_gap, uptake_msoa=uptake_msoa,
        ltla_uptake=lu, march_by_q=march_by_q,
        uptake_notes=uptake_notes, ethnicity=eth, notes=notes,
        vaccination=vaccination, whole=whole, age_place=age_place, age_england=age_england,
        age_gap=age_gap, age_whole=age_whole, n_msoas=n_msoas, checks=checks,
        fifth_split=fifth_split(ma) if getattr(place, "kind", "") == "group" else None,
        leicester_lockdown=LEICESTER_LOCKDOWN_AREA in place.district_codes_2019, boundaries=i.boundaries)


def fifth_split(msoa_areas: pd.DataFrame) -> pd.DataFrame | None:
    """How much of the most and least deprived local fifths (1 and 5) of a group Place lies in each of
    its upper-tier councils: one row per fifth and council with the residents (the population that
    weights the fifths, ``pop_total``) and their share of the fifth (%). None when the fifths are not
    formed or the MSOAs lie in one council (pooled fifths then mix no places)."""
    ma = msoa_areas.dropna(subset=["local_quintile"])
    if ma.empty or ma["utla19cd"].nunique() < 2:
        return None
    ends = ma[ma["local_quintile"].isin([1, 5])]
    g = (ends.groupby(["local_quintile", "utla19nm"], as_index=False)["pop_total"].sum()
         .rename(columns={"local_quintile": "fifth", "utla19nm": "council", "pop_total": "residents"}))
    g["fifth"] = g["fifth"].astype(int)
    g["share"] = 100 * g["residents"] / g.groupby("fifth")["residents"].transform("sum")
    return g.sort_values(["fifth", "share"], ascending=[True, False], kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------- ethnicity (Census 2021)

SOUTH_ASIAN = ("Indian", "Pakistani", "Bangladeshi")


def census2021_ethnicity_counts(census: pd.DataFrame) -> pd.DataFrame:
    """Census 2021 ethnic group by district (jsna.load.census.ethnic_group_ltla), England only, as
    counts: ltla21cd, residents, minority (every group other than White, the definition of the 2011
    'minority ethnic' share), south_asian (Indian, Pakistani, Bangladeshi), black."""
    d = census[census["ltla21cd"].str.startswith("E")]
    group = d["ethnic_group"].str.split(": ", n=1).str[-1]
    parts = {
        "residents": pd.Series(True, index=d.index),
        "minority": d["broad_group"] != "White",
        "south_asian": d["broad_group"].str.startswith("Asian") & group.isin(SOUTH_ASIAN),
        "black": d["broad_group"].str.startswith("Black"),
    }
    out = pd.DataFrame({k: d["persons"].where(m, 0).groupby(d["ltla21cd"]).sum() for k, m in parts.items()})
    return out.reset_index()


def census2021_ethnicity(census: pd.DataFrame) -> pd.DataFrame:
    """Census 2021 shares by district (2021 codes): lad20cd, minority_prop, south_asian_prop, black_prop."""
    c = census2021_ethnicity_counts(census)
    return pd.DataFrame({"lad20cd": c["ltla21cd"], "minority_prop": c["minority"] / c["residents"],
                         "south_asian_prop": c["south_asian"] / c["residents"],
                         "black_prop": c["black"] / c["residents"]})


def _district_parts(place) -> dict[str, list[str]]:
    """Each of the Place's districts -> the April 2019 districts it was formed from (itself when unchanged;
    a council formed since 2019 is always a single-district unitary)."""
    if place.changed_since_2019 and len(place.districts) == 1:
        return {place.district_codes[0]: place.district_codes_2019}
    return {c: [c] for c in place.district_codes}


def ethnicity_view(census: pd.DataFrame, ltla_deaths: pd.DataFrame, uptake: pd.DataFrame | None,
                   place, district_population: pd.Series | None = None) -> pd.DataFrame:
    """The Place's districts: Census 2021 minority ethnic share, death rate (Feb 2021) and uptake.

    Census 2021 uses the districts of 2021, the death-rate file those of April 2019: each of the Place's
    districts is its own code where a file has it, else the sum of the 2019 districts it was formed from
    (Census counts added; death rates weighted by the districts' mid-2019 populations, which gives the
    combined area's rate exactly). ``england_minority_rank`` (1 = highest share) is among England's
    districts of the 2021 Census, for a district that is one of them. Districts missing from a file get NA.
    """
    counts = census2021_ethnicity_counts(census).set_index("ltla21cd")
    shares = counts[["minority", "south_asian", "black"]].div(counts["residents"], axis=0)
    dr = ltla_deaths.set_index("lad19cd")["death_rate"]
    names = {a.code: a.name for a in place.districts}
    rows = []
    for code, parts in _district_parts(place).items():
        row = {"lad19cd": code, "district": names[code], "census_codes": "", "minority_prop": np.nan,
               "south_asian_prop": np.nan, "black_prop": np.nan, "death_rate": np.nan}
        f = codes_in_file([code], parts, counts.index)
        if f.complete:
            c = counts.loc[list(f.population_codes)].sum()
            row.update(census_codes=",".join(f.population_codes), minority_prop=c["minority"] / c["residents"],
                       south_asian_prop=c["south_asian"] / c["residents"], black_prop=c["black"] / c["residents"])
        g = codes_in_file([code], parts, dr.index)
        if g.complete:
            codes = list(g.population_codes)
            if len(codes) == 1:
                row["death_rate"] = float(dr[codes[0]])
            elif district_population is not None and set(codes) <= set(district_population.index):
                w = district_population[codes].astype(float)
                row["death_rate"] = float((dr[codes] * w).sum() / w.sum())
        rows.append(row)
    d = pd.DataFrame(rows)
    if uptake is not None and not uptake.empty:
        first = uptake[uptake["dose"] == 1][["lad19cd", "uptake_pct"]].rename(columns={"uptake_pct": "first_dose_pct"})
        d = d.merge(first, on="lad19cd", how="left")
    else:
        d["first_dose_pct"] = np.nan
    single = ~d["census_codes"].str.contains(",") & (d["census_codes"] != "")
    d["england_minority_rank"] = [int((shares["minority"] > v).sum()) + 1 if s and pd.notna(v) else pd.NA
                                  for v, s in zip(d["minority_prop"], single, strict=True)]
    d["n_ltla"] = int(shares["minority"].notna().sum())
    return d
