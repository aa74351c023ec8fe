"""The "tale of two babies": life-course indicators for the most and least deprived fifth of a Place.

Groups are local quintiles of the Place's small areas by IMD 2019 score, population-weighted
(jsna.stats.quantiles): quintile 1 = most deprived fifth of residents, 5 = least deprived. MSOA
indicators use MSOA quintiles of the population-weighted MSOA IMD score. Indicators published
only for whole local authorities are shown as the Place against England.

Everything here is DataFrame in, DataFrame out: the inputs are read by
:func:`jsna.topics.two_babies.inputs.load`, and :func:`compute` gives the notebook every number it
shows (:class:`Results`); the reader's tables are in ``tables``, the figures in ``charts`` and the
sentences in ``text``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna import areas, reliability, stats
from jsna.gaps import gap_history
from jsna.indicators import (
    REGISTRY,
    VERDICT_BY_PUBLISHER,
    EnglandVerdict,
    Indicator,
    england_verdict,
    get_indicator,
    indicators,
    is_old,
    la_latest,
    la_series,
)
from jsna.places import ENGLAND_CODE, Place
from jsna.stats.compare import (
    NO_JUDGEMENT,
    compare_groups,
)
from jsna.topics.two_babies.inputs import SII_INDICATORS, Inputs
from jsna.words import plural, shown_difference

Z95 = 1.959963984540054
MOST, LEAST = 1, 5
MOST_LABEL = "Most deprived fifth"
LEAST_LABEL = "Least deprived fifth"
SIGNIFICANCE_WORDS = ("higher", "lower", "no clear difference", "not tested")
LSOA_REQUIRED = ("lsoa11cd", "lad19cd", "msoa11cd", "imd_score", "imd_decile", "pop_total")

TABLE_COLUMNS = [
    "indicator_id", "name", "stage", "kind", "geography", "unit", "polarity", "period",
    "source_id", "comparison", "a_label", "a_value", "a_lower", "a_upper", "a_numerator",
    "a_denominator", "b_label", "b_value", "b_lower", "b_upper", "b_numerator", "b_denominator",
    "gap", "ratio", "significance", "worse_group", "place_value", "place_lower", "place_upper",
    "england_value", "england_lower", "england_upper", "available", "note", "method", "dp",
    "period_end", "old", "vs_england", "part_of_grouping",
]


# --------------------------------------------------------------------------- groups


def check_lsoas(lsoas: pd.DataFrame, where: str = "lsoas") -> None:
    """Raise ValueError naming the missing columns of an LSOA frame."""
    missing = [c for c in LSOA_REQUIRED if c not in lsoas.columns]
    if missing:
        raise ValueError(f"{where}: missing column(s) {missing}; expected the IMD 2019 LSOA frame "
                         "joined with the LSOA->MSOA lookup (jsna.load.imd + jsna.load.geography)")


def place_lsoas(lsoas: pd.DataFrame, district_codes: list[str]) -> pd.DataFrame:
    """The LSOAs of a Place's districts, with local quintiles (``local_quintile``), national
    quintiles (``national_quintile``) and the Core20 flag, as defined in :mod:`jsna.areas`."""
    check_lsoas(lsoas)
    sub = lsoas[lsoas["lad19cd"].isin(district_codes)].copy()
    if sub.empty:
        raise ValueError(f"no LSOAs for district code(s) {district_codes}: check the Place's "
                         "params file lists lower-tier (2019) district codes")
    return add_quintiles(sub)


def add_quintiles(lsoas: pd.DataFrame) -> pd.DataFrame:
    """Add ``local_quintile`` (within the frame), ``national_quintile`` and ``core20`` (jsna.areas)."""
    out = areas.local_quintiles(lsoas.drop(columns=["local_quintile", "local_quintile_note"],
                                           errors="ignore"))
    out["national_quintile"] = areas.national_quintile(out["imd_decile"])
    out["core20"] = areas.is_core20(out["imd_decile"])
    return out


def msoa_groups(lsoas: pd.DataFrame) -> pd.DataFrame:
    """MSOAs of the given LSOAs: population, population-weighted IMD score and local quintile.

    Columns: msoa11cd, n_lsoa, pop_total, pop_core20, imd_score, local_quintile (jsna.areas).
    """
    check_lsoas(lsoas)
    if lsoas["msoa11cd"].isna().any():
        bad = lsoas.loc[lsoas["msoa11cd"].isna(), "lsoa11cd"].tolist()[:3]
        raise ValueError(f"LSOA(s) {bad} have no MSOA in the lookup")
    return areas.local_quintiles(areas.msoa_scores(lsoas))


def fifth_mix(lsoas: pd.DataFrame) -> pd.DataFrame:
    """For a group Place: the share of each local fifth's residents (MSOA fifths, as the life
    expectancy rows use) living in each upper-tier authority. Columns: local_quintile, utla19nm,
    pop_total, pct (of the fifth's residents)."""
    m = msoa_groups(lsoas).merge(lsoas[["msoa11cd", "utla19nm"]].drop_duplicates("msoa11cd"), on="msoa11cd")
    m = m.dropna(subset=["local_quintile"])
    g = m.groupby(["local_quintile", "utla19nm"], as_index=False)["pop_total"].sum()
    g["pct"] = 100 * g["pop_total"] / g.groupby("local_quintile")["pop_total"].transform("sum")
    return g.sort_values(["local_quintile", "pct"], ascending=[True, False]).reset_index(drop=True)


# --------------------------------------------------------------------------- group values

_VALUE_COLS = ["value", "lower", "upper", "numerator", "denominator", "note"]


def _empty(groups: list) -> pd.DataFrame:
    return pd.DataFrame({"group": groups, "value": np.nan, "lower": np.nan, "upper": np.nan,
                         "numerator": np.nan, "denominator": np.nan, "note": None})


def _from_stats(res: pd.DataFrame, group_col: str, num: str, den: str) -> pd.DataFrame:
    out = pd.DataFrame({
        "group": res[group_col] if group_col in res.columns else "all",
        "value": res["value"].astype(float),
        "lower": res["lowercl"].astype(float),
        "upper": res["uppercl"].astype(float),
        "numerator": res[num].astype(float),
        "denominator": res[den].astype(float),
        "note": res["note"] if "note" in res.columns else None,
    })
    return out.reset_index(drop=True)


def imd_rate_values(ind: Indicator, lsoas: pd.DataFrame, group_col: str | None) -> pd.DataFrame:
    """Proportion per group: numerator = LSOA rate score x denominator population (Wilson)."""
    d = lsoas[[c for c in (group_col, ind.value_col, ind.pop_col) if c]].dropna()
    d = d.assign(_num=d[ind.value_col].astype(float) * d[ind.pop_col].astype(float),
                 _den=d[ind.pop_col].astype(float))
    res = stats.proportion(d, "_num", "_den", group_cols=group_col, multiplier=ind.multiplier)
    return _from_stats(res, group_col or "", "_num", "_den")


def weighted_mean_values(lsoas: pd.DataFrame, value_col: str, weight_col: str,
                         group_col: str | None, multiplier: float = 1.0) -> pd.DataFrame:
    """Weighted mean per group, no interval (value only)."""
    d = lsoas[[c for c in (group_col, value_col, weight_col) if c]].dropna()
    v = d[value_col].to_numpy(dtype=float)
    w = d[weight_col].to_numpy(dtype=float)
    if group_col:  # numpy sums per group: this runs ~30 times per Place, pandas groupby was the cost
        codes, keys = pd.factorize(d[group_col], sort=True)
        groups = list(keys)
        wv = np.bincount(codes, weights=v * w, minlength=len(groups))
        ws = np.bincount(codes, weights=w, minlength=len(groups))
    else:
        groups = ["all"]
        wv, ws = np.array([np.sum(v * w)]), np.array([np.sum(w)])
    out = _empty(groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["value"] = wv / ws * multiplier
    out["denominator"] = ws
    return out


def msoa_le_values(values: pd.DataFrame, weights: pd.Series | None, group_col: str | None
                   ) -> pd.DataFrame:
    """Weighted mean of MSOA life expectancies per group, limits from the MSOA limits.

    ``values`` has msoa11cd, value (and lowercl, uppercl where published; group_col); ``weights``
    (indexed like values) are populations. MSOAs with a blank published value are left out
    and counted in ``note``. se_i = (upper_i - lower_i) / (2 x 1.96); se = sqrt(sum w_i^2 se_i^2)
    / sum w_i; limits = value +/- 1.96 se. A group with any MSOA published without limits (OHID Local
    Health publishes none) has no limits: none is invented.
    """
    d = values.copy()
    d["_w"] = weights.astype(float) if weights is not None else 1.0
    blank = d["value"].isna() | d["_w"].isna()
    if "lowercl" in d.columns and "uppercl" in d.columns:
        d["_se"] = (d["uppercl"] - d["lowercl"]) / (2 * Z95)
    else:
        d["_se"] = np.nan
    keys = d[group_col] if group_col else pd.Series("all", index=d.index)
    rows = []
    for key, part in d.groupby(keys, sort=True):
        ok = part[~blank.loc[part.index]]
        n_blank = int(blank.loc[part.index].sum())
        note = (f"{plural(n_blank, 'MSOA value')} not available (blank in the source), left out"
                if n_blank else None)
        if ok.empty or ok["_w"].sum() <= 0:
            rows.append({"group": key, "value": np.nan, "lower": np.nan, "upper": np.nan,
                         "numerator": np.nan, "denominator": 0.0,
                         "note": "no published values in this group"})
            continue
        w = ok["_w"].to_numpy()
        v = float(np.sum(w * ok["value"].to_numpy()) / w.sum())
        se_i = ok["_se"].to_numpy(dtype=float)
        se = np.nan if np.isnan(se_i).any() else float(np.sqrt(np.sum((w * se_i) ** 2)) / w.sum())
        rows.append({"group": key, "value": v, "lower": v - Z95 * se, "upper": v + Z95 * se,
                     "numerator": np.nan, "denominator": float(w.sum()), "note": note})
    return pd.DataFrame(rows, columns=["group", *_VALUE_COLS])


def _msoa_le_frame(ind: Indicator, inputs: Inputs, msoas: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """MSOA values of one LE/HLE/DFLE indicator joined to the group's MSOAs; '' or a reason."""
    if ind.measure == "le":
        src = inputs.le
        label = "MSOA life expectancy 2015-19 (OHID Local Health)"
    else:
        src = None if inputs.hle is None else inputs.hle[inputs.hle["measure"] == ind.measure]
        label = f"MSOA {ind.measure.upper()} 2009-13"
    if src is None:
        return pd.DataFrame(), f"{label} could not be loaded"
    key = ("msoa_source", ind.measure, ind.sex)  # the per-sex slice is the same for every Place
    if key not in inputs._england_cache:
        part = src[src["sex"] == ind.sex]
        cols = ["msoa11cd", "value", *[c for c in ("lowercl", "uppercl") if c in part.columns]]
        inputs._england_cache[key] = (part[cols], frozenset(part["msoa11cd"].tolist()))
    src, codes = inputs._england_cache[key]
    absent = sum(c not in codes for c in msoas["msoa11cd"].tolist())  # (Series.isin was the cost here)
    if absent == len(msoas):
        return pd.DataFrame(), (f"{label} is held for Leicester, Leicestershire and Rutland MSOAs "
                                "only; not available for this area") if ind.measure != "le" else (
            f"{label}: none of the area's MSOAs is in the file")
    if absent:
        return pd.DataFrame(), f"{label}: {absent} of the area's {len(msoas)} MSOAs are missing from the file"
    return msoas.merge(src, on="msoa11cd", how="left"), ""


def group_values(ind: Indicator, lsoas: pd.DataFrame, msoas: pd.DataFrame, inputs: Inputs,
                 group_col: str | None = "local_quintile") -> tuple[pd.DataFrame, str]:
    """Values per group (or for the whole frame when group_col is None) for one small-area
    indicator; returns (frame with group, value, lower, upper, numerator, denominator, note;
    reason when not available)."""
    if ind.kind == "imd_rate":
        if ind.value_col not in lsoas.columns:
            return pd.DataFrame(), f"column {ind.value_col} not in the IMD data"
        return imd_rate_values(ind, lsoas, group_col), ""
    if ind.kind == "lsoa_mean":
        if ind.value_col not in lsoas.columns:
            return pd.DataFrame(), f"column {ind.value_col} not in the IMD data"
        return weighted_mean_values(lsoas, ind.value_col, "pop_total", group_col, ind.multiplier), ""
    if ind.kind == "msoa_le":
        d, why = _msoa_le_frame(ind, inputs, msoas)
        if why:
            return pd.DataFrame(), why
        return msoa_le_values(d, d["pop_total"], group_col), ""
    if ind.kind == "covid_rate":
        if inputs.covid is None:
            return pd.DataFrame(), "Covid-19 MSOA deaths could not be loaded"
        d = msoas.merge(inputs.covid, on="msoa11cd", how="left")
        if d["deaths"].isna().any():
            n = int(d["deaths"].isna().sum())
            return pd.DataFrame(), (f"no mid-2019 population is held for {n} of the neighbourhoods, so no "
                                    "Covid-19 death rate is shown")
        res = stats.rate(d, "deaths", "population", group_cols=group_col, multiplier=ind.multiplier)
        zero = (res["deaths"] == 0).to_numpy()
        kept = res.copy()
        res = stats.suppress(res, "deaths", threshold=5)
        if zero.any():  # a zero is a zero (none registered), not a suppressed small count
            cols = [c for c in ("deaths", "value", "lowercl", "uppercl") if c in res.columns]
            res.loc[zero, cols] = kept.loc[zero, cols].to_numpy()
            res.loc[zero, "suppressed"] = False
        out = _from_stats(res, group_col or "", "deaths", "population")
        if "suppressed" in res.columns:
            out.loc[res["suppressed"].to_numpy(bool), "note"] = "suppressed (fewer than 5 deaths)"
        return out, ""
    raise ValueError(f"group_values: indicator {ind.id!r} of kind {ind.kind!r} has no small-area values")


# --------------------------------------------------------------------------- plausibility of MSOA life expectancy

#: the middle year of OHID Local Health's MSOA life expectancy (2015-19): where the release's own council value
#: is not held, the published three-year value centred nearest it (2016-18) is the check's benchmark
LE_PERIOD_CENTRE = 2017


def _nearest_published(inputs: Inputs, area_code: str, sex: str) -> tuple[float | None, str]:
    """The published life expectancy (le_la_male / le_la_female, as every report reads it) of the period
    centred nearest :data:`LE_PERIOD_CENTRE`, with its period; (None, "") when none is held."""
    if inputs.la is None:
        return None, ""
    series, _, _ = la_series(get_indicator(f"le_la_{sex.lower()}"), inputs.la, area_code)
    if series.empty:
        return None, ""
    centre = (series["period_start"].dt.year + series["period_end"].dt.year) / 2
    r = series.loc[(centre - LE_PERIOD_CENTRE).abs().idxmin()]
    return float(r["value"]), str(r["period"])


def published_le(inputs: Inputs, area_code: str, sex: str) -> tuple[float | None, str]:
    """A council's published life expectancy at birth to check its MSOA values against: OHID Local Health's own
    council value (2015-19, the MSOA table's release), else the nearest period of the published series."""
    pub = inputs.le_published
    if pub is not None:
        hit = pub[(pub["area_code"] == area_code) & (pub["sex"] == sex)]["value"].dropna()
        if len(hit):
            return float(hit.iloc[0]), "2015-19"
    return _nearest_published(inputs, area_code, sex)


def england_le_check(inputs: Inputs, values: pd.Series, weights: pd.Series, sex: str) -> reliability.LevelCheck:
    """England's MSOA life expectancy (population-weighted) against England's published value of the period
    nearest 2015-19 (the Local Health council table has no England row)."""
    published, _ = _nearest_published(inputs, ENGLAND_CODE, sex)
    return reliability.check_small_area_levels(values, weights, published, "England")


def le_level_check(ind: Indicator, area_lsoas: pd.DataFrame, d: pd.DataFrame, inputs: Inputs,
                   la_codes: list[str] | None) -> reliability.LevelCheck:
    """The plausibility check before any MSOA life expectancy level of an area is stated
    (jsna.reliability.check_small_area_levels): the population-weighted mean of each upper-tier authority's
    MSOAs against its published value (:func:`published_le`); for England (``la_codes`` None) against England's
    published value of the nearest period. ``d``: the area's MSOAs with value and pop_total. Every authority
    must pass; the reasons of those that fail are joined."""
    if la_codes is None:
        return england_le_check(inputs, d["value"], d["pop_total"], ind.sex)
    utla = area_lsoas.drop_duplicates("msoa11cd").set_index("msoa11cd")
    names = utla["utla19nm"] if "utla19nm" in utla.columns else utla["utla19cd"]
    checks = []
    for code, part in d.groupby(d["msoa11cd"].map(utla["utla19cd"]), sort=True):
        published, _ = published_le(inputs, str(code), ind.sex)
        if published is None and len(la_codes) == 1:  # a council formed since 2019: its current code
            published, _ = published_le(inputs, la_codes[0], ind.sex)
        name = str(names.get(part["msoa11cd"].iloc[0], code))
        checks.append(reliability.check_small_area_levels(part["value"], part["pop_total"], published, name))
    if len(checks) == 1:
        return checks[0]
    failed = [c.reason for c in checks if not c.ok]
    return reliability.LevelCheck(not failed, None, None, "; ".join(failed))


# --------------------------------------------------------------------------- comparison


def compare(a_val: float, a_lo: float, a_hi: float, b_val: float, b_lo: float, b_hi: float) -> str:
    """'higher'/'lower' when the 95% intervals do not overlap, 'no clear difference' when they
    do, 'not tested' when either value or interval is missing (jsna.stats.compare.compare_groups)."""
    if any(v is None or pd.isna(v) for v in (a_val, b_val)):
        return "not tested"
    return compare_groups(a_lo, a_hi, b_lo, b_hi)


def worse_group(ind: Indicator, significance: str, a_val: float, b_val: float) -> str | None:
    """'a' or 'b': which side is worse given the polarity (only when the difference is clear,
    or untested but different); None when there is no clear difference or no judgement."""
    if ind.polarity == NO_JUDGEMENT or pd.isna(a_val) or pd.isna(b_val) or a_val == b_val:
        return None
    if significance == "no clear difference":
        return None
    a_higher = a_val > b_val
    return "b" if a_higher == (ind.polarity == "high_is_good") else "a"


def _present(x: object) -> bool:
    return x is not None and not (isinstance(x, float) and np.isnan(x)) and x is not pd.NA \
        and str(x).strip() not in ("", "nan", "<NA>")


def apply_verdict(row: dict, ind: Indicator, verdict: EnglandVerdict) -> None:
    """Set a whole-area row's ``vs_england`` (the verdict's word), ``significance`` (in this report's words:
    similar -> "no clear difference", better or worse -> "higher" or "lower" by the values, not compared ->
    "not tested") and ``worse_group`` from the one verdict against England."""
    row["vs_england"] = verdict.word
    if verdict.word == "similar":
        sig = "no clear difference"
    elif verdict.compared and not (pd.isna(row["a_value"]) or pd.isna(row["b_value"])) \
            and row["a_value"] != row["b_value"]:
        sig = "higher" if row["a_value"] > row["b_value"] else "lower"
    else:
        sig = "not tested"
    row["significance"] = sig
    row["worse_group"] = worse_group(ind, sig, row["a_value"], row["b_value"])


def _row(ind: Indicator, comparison: str, a_label: str, b_label: str) -> dict:
    row = dict.fromkeys(TABLE_COLUMNS, np.nan)
    row.update(indicator_id=ind.id, name=ind.name, stage=ind.stage, kind=ind.kind,
               geography=ind.geography, unit=ind.unit, polarity=ind.polarity,
               period=ind.period if ind.kind != "la" else "", old=False,
               source_id=ind.source_id, comparison=comparison, a_label=a_label, b_label=b_label,
               significance="not tested", worse_group=None, available=False, note=None, vs_england=None,
               method=ind.method, dp=ind.dp, part_of_grouping=ind.part_of_grouping)
    _mark_old(row, ind)
    return row


def _mark_old(row: dict, ind: Indicator) -> None:
    """A small-area indicator's fixed period (e.g. MSOA life expectancy 2016-20) as ``period_end`` and ``old``
    (jsna.indicators.is_old), where the period is a dated one; IoD2019 labels carry no date and are not marked."""
    end = ind.fixed_period_end
    if end is not None:
        row.update(period_end=end, old=is_old(end))


def _fill(row: dict, side: str, g: pd.Series | None) -> None:
    if g is None:
        return
    row[f"{side}_value"] = g["value"]
    if side in ("a", "b"):
        row[f"{side}_lower"], row[f"{side}_upper"] = g["lower"], g["upper"]
        row[f"{side}_numerator"], row[f"{side}_denominator"] = g["numerator"], g["denominator"]
    else:
        row[f"{side}_lower"], row[f"{side}_upper"] = g["lower"], g["upper"]


def _pick(frame: pd.DataFrame, key) -> pd.Series | None:
    hit = frame[frame["group"] == key]
    return None if hit.empty else hit.iloc[0]


def _finish_row(row: dict, ind: Indicator) -> dict:
    a, b = row["a_value"], row["b_value"]
    row["available"] = not (pd.isna(a) or pd.isna(b))
    if row["available"]:
        row["gap"] = a - b
        row["ratio"] = a / b if b not in (0, 0.0) else np.nan
        row["significance"] = compare(a, row["a_lower"], row["a_upper"], b, row["b_lower"],
                                      row["b_upper"])
        row["worse_group"] = worse_group(ind, row["significance"], a, b)
    return row


def _fill_area_and_england(row: dict, ind: Indicator, area_lsoas: pd.DataFrame, msoas: pd.DataFrame,
                           inputs: Inputs, england_lsoas: pd.DataFrame | None) -> None:
    """Fill a row's whole-area and England values (both shown beside the two fifths)."""
    whole, _ = group_values(ind, area_lsoas, msoas, inputs, None)
    if not whole.empty:
        _fill(row, "place", whole.iloc[0])
    eng = england_value(ind, inputs, england_lsoas)
    if eng is not None:
        _fill(row, "england", eng)


FIFTHS = "Most vs least deprived fifth"
WHOLE_AREA = "Whole area vs England"


def fifths_check(ind: Indicator, units: pd.DataFrame, vals: pd.DataFrame,
                 compared: tuple[int, ...] | None = (MOST, LEAST)) -> reliability.Verdict:
    """The reliability rule (jsna.reliability) for a comparison of local fifths: small areas and
    residents per fifth, and deaths for a death rate."""
    q = units.dropna(subset=["local_quintile"])
    g = q.groupby("local_quintile").agg(n_areas=("pop_total", "size"), population=("pop_total", "sum"))
    g = g.reset_index().rename(columns={"local_quintile": "group"})
    events = None
    if ind.kind == "covid_rate" and "numerator" in vals.columns:
        g = g.merge(vals[["group", "numerator"]], on="group", how="left")
        events = "numerator"
    word = "neighbourhood" if ind.geography == "MSOA" else "small area"
    return reliability.assess(g, "group", "n_areas", "population", events, area_word=word, compared=compared)


def small_area_row(ind: Indicator, area_lsoas: pd.DataFrame, inputs: Inputs,
                   england_lsoas: pd.DataFrame | None = None, msoas: pd.DataFrame | None = None,
                   place_name: str = "The area", la_codes: list[str] | None = None) -> dict:
    """One table row for a small-area indicator: Q1 vs Q5 of the area, area and England values.
    Below the reliability minimum the row compares the whole area with England instead
    (comparison :data:`WHOLE_AREA`, the reason in ``note``). MSOA life expectancy whose levels fail the
    plausibility check (:func:`le_level_check`; ``la_codes``: the area's upper-tier codes, None for England)
    states no value, and the reason is the note.
    ``msoas``: :func:`msoa_groups` of ``area_lsoas`` if already computed (else computed here)."""
    row = _row(ind, FIFTHS, MOST_LABEL, LEAST_LABEL)
    if ind.geography != "MSOA":
        msoas = pd.DataFrame()
    elif msoas is None:
        msoas = msoa_groups(area_lsoas)
    vals, why = group_values(ind, area_lsoas, msoas, inputs, "local_quintile")
    if why:
        row["note"] = why
        return row
    if ind.kind == "msoa_le" and ind.measure == "le":
        level = le_level_check(ind, area_lsoas, _msoa_le_frame(ind, inputs, msoas)[0], inputs, la_codes)
        if not level.ok:
            row["note"] = level.reason
            return row
    notes = []
    units = msoas if ind.geography == "MSOA" else area_lsoas
    if len(units) and "local_quintile" in units.columns and units["local_quintile"].isna().all():
        # jsna.stats.quantiles gives NA when there are fewer areas than fifths (e.g. Isles of Scilly:
        # 1 LSOA; City of London: 1 MSOA): say so instead of "no data"
        n = len(units)
        row["note"] = (f"the area has only {n} {ind.geography}{'s' if n != 1 else ''}: too few to form five "
                       "local fifths")
        _fill_area_and_england(row, ind, area_lsoas, msoas, inputs, england_lsoas)
        return row
    check = fifths_check(ind, units, vals)
    if not check.ok:
        return _whole_area_instead(row, ind, area_lsoas, msoas, inputs, england_lsoas, place_name, check)
    for side, q in (("a", MOST), ("b", LEAST)):
        g = _pick(vals, q)
        if g is None or pd.isna(g["value"]):
            notes.append(f"quintile {q}: " + (str(g["note"]) if g is not None and _present(g["note"])
                                               else "no population or no data"))
        elif _present(g["note"]):
            notes.append(f"quintile {q}: {g['note']}")
        _fill(row, side, g)
    _fill_area_and_england(row, ind, area_lsoas, msoas, inputs, england_lsoas)
    row["note"] = "; ".join(notes) or None
    return _finish_row(row, ind)


def _whole_area_instead(row: dict, ind: Indicator, area_lsoas: pd.DataFrame, msoas: pd.DataFrame,
                        inputs: Inputs, england_lsoas: pd.DataFrame | None, place_name: str,
                        check: reliability.Verdict) -> dict:
    """What the data can support when the fifths cannot be compared: the whole area against England."""
    _fill_area_and_england(row, ind, area_lsoas, msoas, inputs, england_lsoas)
    note = "the most and least deprived fifths are not compared: " + "; ".join(check.reasons)
    if ind.kind == "msoa_le":
        # an average of neighbourhood life expectancies is not the area's life expectancy (it runs well
        # above the published figure), so nothing is shown here: the published whole-area row stands
        row.update(comparison=WHOLE_AREA, a_label=place_name, b_label="England",
                   note=note + "; the whole area's published life expectancy is in the local-authority rows")
        return row
    row.update(comparison=WHOLE_AREA, a_label=place_name, b_label="England", note=note)
    for part in ("value", "lower", "upper", "numerator", "denominator"):
        row[f"a_{part}"] = row.get(f"place_{part}", np.nan)
        row[f"b_{part}"] = row.get(f"england_{part}", np.nan)
    _finish_row(row, ind)
    if row["available"]:  # the series' one verdict against England, as for published whole-area values
        apply_verdict(row, ind, england_verdict(row["a_value"], row["a_lower"], row["a_upper"], row["b_value"],
                                                ind.polarity))
    return row


def england_value(ind: Indicator, inputs: Inputs, england_lsoas: pd.DataFrame | None
                  ) -> pd.Series | None:
    """England benchmark of a small-area indicator (same method over all England; published
    England value for HLE/DFLE; none for the LLR-only Covid file). Memoised in ``inputs``."""
    key = (ind, id(england_lsoas), len(england_lsoas) if england_lsoas is not None else -1)
    if key not in inputs._england_cache:  # the frame is kept in the cache so its id is not reused
        inputs._england_cache[key] = (england_lsoas, _england_value(ind, inputs, england_lsoas))
    hit = inputs._england_cache[key][1]
    return None if hit is None else hit.copy()


def _england_value(ind: Indicator, inputs: Inputs, england_lsoas: pd.DataFrame | None
                   ) -> pd.Series | None:
    if ind.kind in ("imd_rate", "lsoa_mean"):
        if england_lsoas is None or ind.value_col not in england_lsoas.columns:
            return None
        vals, _ = group_values(ind, england_lsoas, pd.DataFrame(), inputs, None)
        return None if vals.empty else vals.iloc[0]
    if ind.kind == "msoa_le" and ind.measure == "le" and inputs.le is not None and england_lsoas is not None:
        pop = england_lsoas.groupby("msoa11cd")["pop_total"].sum()
        src = inputs.le[inputs.le["sex"] == ind.sex]
        src = src[src["msoa11cd"].isin(pop.index)]
        check = england_le_check(inputs, src["value"], src["msoa11cd"].map(pop), ind.sex)
        if not check.ok:
            return None  # England's level is not stated either (the row's note says why)
        return msoa_le_values(src, src["msoa11cd"].map(pop), None).iloc[0]
    if ind.kind == "msoa_le" and inputs.hle_bench is not None:
        b = inputs.hle_bench
        hit = b[(b["area_code"] == ENGLAND_CODE) & (b["sex"] == ind.sex) & (b["measure"] == ind.measure)]
        if not hit.empty:
            h = hit.iloc[0]
            return pd.Series({"value": h["value"], "lower": h["lowercl"], "upper": h["uppercl"]})
    return None


def la_row(ind: Indicator, la_codes: list[str], inputs: Inputs, place_name: str) -> dict:
    """One table row for an LA-level indicator: the Place (a) against England (b), the latest
    period held for the Place (jsna.indicators.la_latest, as in every report)."""
    row = _row(ind, WHOLE_AREA, place_name, "England")
    if inputs.la is None:
        row["note"] = "LA-level indicators could not be loaded"
        return row
    if len(la_codes) != 1:
        row["note"] = ("published for each upper-tier authority only, not for the combined area: "
                       "see the side-by-side table")
        return row
    key = ("la_latest", ind.id, la_codes[0])
    if key not in inputs._england_cache:
        inputs._england_cache[key] = la_latest(ind, inputs.la, la_codes[0])
    r = inputs._england_cache[key]
    if not r["available"]:
        row["note"] = r["note"]
        return row
    row.update(a_value=r["value"], a_lower=r["lower95"], a_upper=r["upper95"],
               b_value=r["england"], b_lower=r["england_lower95"], b_upper=r["england_upper95"],
               place_value=r["value"], place_lower=r["lower95"], place_upper=r["upper95"],
               england_value=r["england"], england_lower=r["england_lower95"],
               england_upper=r["england_upper95"], period=r["period"], source_id=r["source_id"],
               a_numerator=r.get("count"), a_denominator=r.get("denominator"),
               period_end=r["period_end"], old=is_old(r["period_end"]))
    if pd.isna(r["england"]):
        row["note"] = f"England's value for {r['period']} is not in this report's sources"
        row["available"] = False
        return row
    _finish_row(row, ind)
    notes = [r["note"]] if r["note"] else []
    # the series' one verdict against England (jsna.indicators.england_verdict), as in every report
    verdict = england_verdict(r["value"], r["lower95"], r["upper95"], r["england"], ind.polarity,
                              r.get("compared_to_england"))
    apply_verdict(row, ind, verdict)
    if verdict.method == VERDICT_BY_PUBLISHER:
        notes.append("comparison with England as published")
    if row["old"]:
        notes.append(f"old data: the latest period held ({r['period']}) ended more than five years ago")
    row["note"] = "; ".join(notes) or None
    return row


def babies_table(inputs: Inputs, district_codes: list[str], la_codes: list[str], place_name: str,
                 indicator_list: list[Indicator] | None = None, is_place: bool = True) -> pd.DataFrame:
    """The two babies table: one row per indicator (life-course order), columns TABLE_COLUMNS.

    Small-area indicators compare local quintile 1 (a) with quintile 5 (b); LA-level indicators
    compare the Place (a) with England (b). Rows that cannot be computed have available=False
    and a ``note`` with the reason. ``is_place`` False: England's own table (its MSOA life expectancy is
    checked against England's published value).
    """
    inds = list(indicator_list or indicators(report="two_babies"))
    area = place_lsoas(inputs.lsoas, district_codes)
    england = inputs.lsoas
    msoas = msoa_groups(area) if any(i.geography == "MSOA" and i.kind != "la" for i in inds) else None
    rows = []
    for ind in inds:
        if ind.kind == "la":
            rows.append(la_row(ind, la_codes, inputs, place_name))
        else:
            rows.append(small_area_row(ind, area, inputs, england, msoas, place_name,
                                       la_codes=list(la_codes) if is_place else None))
    out = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    # within each life stage, indicators measured independently of the IMD come first: an IMD domain's gap
    # between IMD fifths is partly true by construction, so it never leads (issue 24)
    block = (out["stage"] != out["stage"].shift()).cumsum()
    out = out.assign(_block=block).sort_values(["_block", "part_of_grouping"], kind="stable")
    out = out.drop(columns="_block").reset_index(drop=True)
    for c in out.columns:
        if c.endswith(("_value", "_lower", "_upper", "_numerator", "_denominator")) or c in (
                "gap", "ratio"):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    return out


def place_table(place: Place, inputs: Inputs) -> pd.DataFrame:
    """:func:`babies_table` for a Place (districts, upper-tier codes and name from params)."""
    return babies_table(inputs, place.district_codes_2019, place.upper_tier_codes, place.short_name)


# --------------------------------------------------------------------------- SII, Core20, overview


def le_sii(area_lsoas: pd.DataFrame, inputs: Inputs, sex: str, seed: int = 2019,
           repetitions: int = 10000, la_codes: list[str] | None = None) -> pd.Series:
    """Slope index of inequality in life expectancy at birth (years) across the area's MSOA
    quintiles (jsna.stats.sii, value_type 0). Index: value, lowercl, uppercl, note.

    OHID's MSOA life expectancy has no intervals, so the slope is the point estimate only (the regression of
    jsna.stats.sii; its limits, from zero standard errors, are discarded): a description, not a test. No slope
    when the levels fail the plausibility check (:func:`le_level_check`; ``la_codes`` as in
    :func:`small_area_row`)."""
    ind = next(i for i in REGISTRY if i.measure == "le" and i.sex == sex)
    msoas = msoa_groups(area_lsoas)
    vals, why = group_values(ind, area_lsoas, msoas, inputs, "local_quintile")
    if why:
        return pd.Series({"value": np.nan, "lowercl": np.nan, "uppercl": np.nan, "note": why})
    check = fifths_check(ind, msoas, vals, compared=reliability.ALL_FIFTHS)  # a slope uses all five
    if not check.ok:
        return pd.Series({"value": np.nan, "lowercl": np.nan, "uppercl": np.nan,
                          "note": "; ".join(check.reasons), "below_minimum": True})
    level = le_level_check(ind, area_lsoas, _msoa_le_frame(ind, inputs, msoas)[0], inputs, la_codes)
    if not level.ok:
        return pd.Series({"value": np.nan, "lowercl": np.nan, "uppercl": np.nan, "note": level.reason})
    pop = msoas.groupby("local_quintile")["pop_total"].sum()
    q = vals.assign(quantile=vals["group"].astype(int),
                    population=vals["group"].map(pop).astype(float))
    if q["value"].isna().any() or len(q) < 5:
        return pd.Series({"value": np.nan, "lowercl": np.nan, "uppercl": np.nan,
                          "note": "a quintile has no life expectancy value"})
    no_limits = q["lower"].isna().any() or q["upper"].isna().any()
    limits = {"se_col": "se"} if no_limits else {"lower_cl_col": "lower", "upper_cl_col": "upper"}
    try:
        res = stats.sii(q.assign(se=0.0), "quantile", "population", "value", value_type=0,
                        repetitions=1000 if no_limits else repetitions, confidence=0.95, seed=seed, **limits)
    except NotImplementedError as exc:
        return pd.Series({"value": np.nan, "lowercl": np.nan, "uppercl": np.nan,
                          "note": f"SII not computed: {exc}"})
    r = res.iloc[0]
    if no_limits:
        return pd.Series({"value": float(r["sii"]), "lowercl": np.nan, "uppercl": np.nan, "note": r.get("note"),
                          "descriptive": True})
    return pd.Series({"value": float(r["sii"]), "lowercl": float(r["sii_lowercl"]),
                      "uppercl": float(r["sii_uppercl"]), "note": r.get("note")})


def core20(area_lsoas: pd.DataFrame) -> dict:
    """National view: LSOAs and residents of the area in England's most deprived 20% (Core20) and least
    deprived 20%, from the one Core20 summary (jsna.areas.core20_summary): n_lsoas, n_core20, pop_total,
    pop_core20, share (0-100), n_least20, pop_least20."""
    c = areas.core20_summary(area_lsoas).iloc[0]
    total = float(c["pop_total"])
    return {"n_lsoas": int(c["lsoas"]), "n_core20": int(c["lsoas_core20"]), "pop_total": total,
            "pop_core20": float(c["pop_core20"]), "share": float(c["share_core20"]) if total else np.nan,
            "n_least20": int(c["lsoas_least20"]), "pop_least20": float(c["pop_least20"])}


def national_view(area_lsoas: pd.DataFrame, inputs: Inputs) -> pd.DataFrame:
    """IMD-based proportion indicators for the area's LSOAs in England's most deprived 20%
    (Core20) against those in England's least deprived 20% (empty groups -> NA)."""
    rows = []
    for ind in (i for i in REGISTRY if i.kind == "imd_rate"):
        vals = imd_rate_values(ind, area_lsoas, "national_quintile")
        row = {"indicator_id": ind.id, "name": ind.name, "stage": ind.stage, "unit": ind.unit}
        for side, q in (("core20", 1), ("least20", 5)):
            g = _pick(vals, q)
            row[f"{side}_value"] = np.nan if g is None else g["value"]
            row[f"{side}_lower"] = np.nan if g is None else g["lower"]
            row[f"{side}_upper"] = np.nan if g is None else g["upper"]
        rows.append(row)
    return pd.DataFrame(rows)


def overview(tables: dict[str, pd.DataFrame], england: pd.DataFrame) -> pd.DataFrame:
    """Side-by-side gaps: one row per indicator, a column per Place with its gap (a - b, of the two
    values as its own report shows them: jsna.words rounding rule) and England's gap between its
    most and least deprived fifths (``england``)."""
    out = None
    for name, t in tables.items():
        t = t.copy()
        instead = t["comparison"] != FIFTHS  # an authority too small for fifths has no gap to show
        t.loc[instead, ["gap", "a_value", "b_value"]] = np.nan
        t["gap"] = [_nan(shown_difference(a, b, int(dp)))
                    for a, b, dp in zip(t["a_value"], t["b_value"], t["dp"], strict=True)]
        t.loc[instead & (t["kind"] != "la"), "significance"] = "too few areas"
        part = t[["indicator_id", "name", "stage", "unit", "dp", "comparison", "gap", "a_value", "b_value",
                  "significance"]].rename(columns={"gap": f"{name} gap", "a_value": f"{name} a",
                                                   "b_value": f"{name} b",
                                                   "significance": f"{name} significance"})
        out = part if out is None else out.merge(
            part.drop(columns=["name", "stage", "unit", "dp", "comparison"]), on="indicator_id")
    e = england[["indicator_id", "gap"]].rename(columns={"gap": "England gap"})
    return out.merge(e, on="indicator_id", how="left")


# --------------------------------------------------------------------------- published values, group Places

def published_sii(inputs: Inputs, area_code: str, sex: str) -> dict | None:
    """Latest OHID-published SII in life expectancy at birth (years) for an area and sex, as the
    dashboard shows it (jsna.indicators.la_latest of sii_le_male / sii_le_female): value, lower,
    upper, period, source_id, old; without a value, ``note`` says why in the dashboard's words
    (jsna.indicators.missing_reason), so the two reports give one reason."""
    if inputs.la is None:
        return None
    r = la_latest(SII_INDICATORS[sex], inputs.la, area_code)
    if not r["available"]:
        return {"value": np.nan, "note": r["note"]}
    return {"value": r["value"], "lower": r["lower95"], "upper": r["upper95"], "period": r["period"],
            "source_id": r["source_id"], "old": is_old(r["period_end"]), "england": r["england"]}


def _nan(x: float | None) -> float:
    return np.nan if x is None else x


def england_table(inputs: Inputs) -> pd.DataFrame:
    """England's own two babies (national population-weighted quintiles) for the small-area
    indicators, used for 'each Place's gap against England's'."""
    inds = [i for i in REGISTRY if i.kind != "la"]
    codes = sorted(inputs.lsoas["lad19cd"].dropna().unique())
    return babies_table(inputs, codes, [], "England", inds, is_place=False)


def upper_tier_table(inputs: Inputs, utla_code: str, name: str) -> pd.DataFrame:
    """:func:`babies_table` for one upper-tier LA, its districts taken from the LSOA lookup."""
    if "utla19cd" not in inputs.lsoas.columns:
        raise ValueError("inputs.lsoas has no utla19cd column (LSOA lookup not joined)")
    districts = sorted(inputs.lsoas.loc[inputs.lsoas["utla19cd"] == utla_code, "lad19cd"].dropna().unique())
    if not districts:
        raise ValueError(f"no LSOAs for upper-tier code {utla_code!r} in the LSOA lookup")
    return babies_table(inputs, districts, [utla_code], name)


def _source_of(indicator_id: str, series_id: str) -> str:
    """The registry source of ``indicator_id`` whose file holds ``series_id`` (the five-year series by
    deprivation sits in the same file as the yearly series it extends; a live source holds neither)."""
    return next(s.source for s in get_indicator(indicator_id).sources if series_id.startswith(s.indicator))


#: (label, source, indicator in it) of the published child obesity by deprivation quintile: the files of
#: the registry's obesity indicators, whose five-year rows carry the quintile breakdown
OBESITY_BY_DEPRIVATION = tuple(
    (name, _source_of(ind, series), series) for name, ind, series in (
        ("Obesity at Reception (age 4-5)", "obesity_reception",
         "reception_prevalence_of_obesity_including_severe_obesity_5_years_data_combined"),
        ("Obesity at Year 6 (age 10-11)", "obesity_year6",
         "year_6_prevalence_of_obesity_including_severe_obesity_5_years_data_combined")))


def obesity_by_deprivation(inputs: Inputs, area_codes: list[str]) -> pd.DataFrame:
    """Published child obesity in the most and least deprived quintile (Fingertips, 5 years
    combined; quintiles of the child's neighbourhood IMD) for the given areas and England.

    Columns: indicator, area_code, area_name, period, most, least, gap. Areas without a
    published breakdown are absent (the notebook says so)."""
    cols = ["indicator", "area_code", "area_name", "period", "most", "least", "gap"]
    if inputs.la is None:
        return pd.DataFrame(columns=cols)
    la = inputs.la
    rows = []
    for name, sid, iid in OBESITY_BY_DEPRIVATION:
        d = la[(la["source_id"] == sid) & (la["indicator_id"] == iid) & la["category"].notna()]
        for code in [*area_codes, ENGLAND_CODE]:
            a = d[d["area_code"] == code]
            if a.empty:
                continue
            per = a.sort_values("period_end")["period"].iloc[-1]
            a = a[a["period"] == per].set_index("category")
            most = a["value"].get("Most deprived quintile", np.nan)
            least = a["value"].get("Least deprived quintile", np.nan)
            rows.append({"indicator": name, "area_code": code, "area_name": str(a["area_name"].iloc[0]),
                         "period": str(per), "most": most, "least": least, "gap": most - least})
    return pd.DataFrame(rows, columns=cols)


def le_map_values(place: Place, area_lsoas: pd.DataFrame, inputs: Inputs) -> tuple[pd.DataFrame, dict[str, str]]:
    """Each of the Place's MSOAs with OHID's life expectancy for boys (``male``) and girls (``female``), for the
    map: a sex whose levels fail the plausibility check (:func:`le_level_check`) gets no column, its reason in the
    second value ({sex: reason}). Columns: msoa11cd, msoa11nm, lad19cd, local_quintile, male, female."""
    msoas = msoa_groups(area_lsoas)
    names = area_lsoas.drop_duplicates("msoa11cd").set_index("msoa11cd")
    name_col = "msoa11hclnm" if "msoa11hclnm" in names.columns else "msoa11cd"
    out = msoas[["msoa11cd", "local_quintile"]].assign(
        msoa11nm=msoas["msoa11cd"].map(names[name_col]) if name_col != "msoa11cd" else msoas["msoa11cd"],
        lad19cd=msoas["msoa11cd"].map(names["lad19cd"]))
    refused = {}
    for sex in ("Male", "Female"):
        ind = get_indicator(f"le_{sex.lower()}")
        d, why = _msoa_le_frame(ind, inputs, msoas)
        check = None if why else le_level_check(ind, area_lsoas, d, inputs, list(place.upper_tier_codes))
        if why or not check.ok:
            refused[sex] = why or check.reason
            continue
        out = out.merge(d[["msoa11cd", "value"]].rename(columns={"value": sex.lower()}), on="msoa11cd", how="left")
    return out.reset_index(drop=True), refused


# --------------------------------------------------------------------------- the topic's results
@dataclass
class SideBySide:
    """A group Place's upper-tier authorities side by side, each with its own local fifths."""

    tables: dict[str, pd.DataFrame]  # :func:`upper_tier_table` of each authority, by name
    england: pd.DataFrame  # :func:`england_table`
    overview: pd.DataFrame  # :func:`overview` of the authorities' tables and England's

    @property
    def names(self) -> list[str]:
        return list(self.tables)


@dataclass
class Results:
    """Everything the tale of two babies shows for one Place: numbers and tidy frames, no reader text."""

    place: Place
    table: pd.DataFrame  # :func:`place_table`: one row per indicator
    area: pd.DataFrame  # :func:`place_lsoas`: the Place's LSOAs with local and national quintiles
    core20: dict  # :func:`core20`
    sii: dict[str, pd.Series]  # :func:`le_sii` by sex ("Male", "Female")
    published_sii: dict[str, dict | None]  # :func:`published_sii` by sex (None for a group Place)
    national_view: pd.DataFrame  # :func:`national_view`
    obesity: pd.DataFrame  # :func:`obesity_by_deprivation` of the Place's authorities and England
    notes: list[str]  # problems met while loading the inputs
    fifth_mix: pd.DataFrame | None = None  # :func:`fifth_mix`, for a group Place
    side_by_side: SideBySide | None = None  # for a group Place
    le_map: pd.DataFrame | None = None  # :func:`le_map_values`: the Place's MSOAs and their life expectancy
    le_map_refused: dict[str, str] | None = None  # sexes whose levels are not mapped, and why
    boundaries: object = None  # the Place's MSOA boundaries (from the inputs), for the map
    gaps: list | None = None  # jsna.gaps.GapHistory of each upper-tier area: life expectancy and the SII over time


def compute(place: Place, inputs: Inputs) -> Results:
    """The tale of two babies of ``place`` from its :class:`~jsna.topics.two_babies.inputs.Inputs`."""
    table = place_table(place, inputs)
    area = place_lsoas(inputs.lsoas, place.district_codes_2019)
    sii, published = {}, {}
    for sex in ("Male", "Female"):
        sii[sex] = le_sii(area, inputs, sex, seed=inputs.seed, repetitions=inputs.sii_repetitions,
                          la_codes=list(place.upper_tier_codes))
        published[sex] = published_sii(inputs, place.upper_tier_codes[0], sex) if not place.is_group else None
    side = None
    if place.is_group:
        tables = {a.name: upper_tier_table(inputs, a.code, a.name) for a in place.upper_tier}
        eng = england_table(inputs)
        side = SideBySide(tables=tables, england=eng, overview=overview(tables, eng))
    le_map, le_map_refused = le_map_values(place, area, inputs)
    return Results(place=place, table=table, area=area, core20=core20(area), sii=sii, published_sii=published,
                   le_map=le_map, le_map_refused=le_map_refused, boundaries=inputs.boundaries,
                   national_view=national_view(area, inputs),
                   obesity=obesity_by_deprivation(inputs, place.upper_tier_codes),
                   notes=list(inputs.notes),
                   fifth_mix=fifth_mix(area) if place.is_group else None, side_by_side=side,
                   gaps=[] if inputs.la is None else [gap_history(inputs.la, a.code, a.name) for a in place.upper_tier])
