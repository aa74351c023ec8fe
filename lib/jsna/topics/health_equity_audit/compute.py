"""Health Equity Audit (HEA): measure who a service reaches, from its validated counts.

:func:`compute` takes the Place's :class:`~jsna.topics.health_equity_audit.inputs.Inputs` (the
service file validated and kept to the Place's residents, and the reference data it needs) and
returns :class:`Results`: uptake by deprivation quintile (national and local) with the slope index
of inequality, by ethnic group beside the Census 2021 residents, ethnicity recording, uptake by
practice (funnel limits, overdispersion) and by the ethnic mix of practices, and by age band. Each
analysis function takes the validated frame and returns a tidy table with the stats module's columns
(``value``, ``lowercl``, ``uppercl``...). The file's schema and validation are in
:mod:`jsna.topics.health_equity_audit.service_file`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna import areas as area_table
from jsna import reliability
from jsna.places import Place
from jsna.topics.health_equity_audit.audit_spec import AuditSpec, one_off
from jsna.topics.health_equity_audit.inputs import Inputs
from jsna.topics.health_equity_audit.service_file import ETHNIC_GROUPS, UNKNOWN_ETHNICITY, HEAData
from jsna.words import join_names


# ------------------------------------------------------------------------------ deprivation
def area_deprivation(imd: pd.DataFrame, place_codes: set[str], geography: str = "lsoa",
                     lookup: pd.DataFrame | None = None) -> pd.DataFrame:
    """IMD 2019 score and quintiles for each residence area of the Place.

    imd: England LSOA IMD (``lsoa11cd, imd_score, imd_decile, pop_total``, as from
    ``jsna.load.imd.imd2019_lsoa``). For ``geography="msoa"`` also pass the England LSOA->MSOA
    ``lookup``; an MSOA's score is the population-weighted mean of its LSOAs' scores (the MHCLG
    method for area summaries).

    Returns ``area_code, imd_score, pop_total, national_quintile, local_quintile`` for the
    Place's areas. National quintiles: LSOAs by IMD 2019 decile (deciles 1-2 = quintile 1, the
    most deprived 20% of England's LSOAs); MSOAs by population-weighted quintiles of all England
    MSOAs. Local quintiles: population-weighted quintiles of the Place's own areas
    (``jsna.areas.local_quintiles``). Quintile 1 is always the most deprived.
    """
    need = ["lsoa11cd", "imd_score", "imd_decile", "pop_total"]
    missing = [c for c in need if c not in imd.columns]
    if missing:
        raise ValueError(f"area_deprivation: imd frame lacks column(s) {missing}; pass "
                         "jsna.load.imd.imd2019_lsoa()")
    if geography == "lsoa":
        areas = imd[need].rename(columns={"lsoa11cd": "area_code"}).copy()
        areas["national_quintile"] = area_table.national_quintile(areas["imd_decile"])
        areas = areas.drop(columns="imd_decile")
    elif geography == "msoa":
        if lookup is None or not {"lsoa11cd", "msoa11cd"} <= set(lookup.columns):
            raise ValueError("area_deprivation: geography='msoa' needs the LSOA->MSOA lookup "
                             "(jsna.load.geography.lsoa_lookup())")
        j = imd[need].merge(lookup[["lsoa11cd", "msoa11cd"]], on="lsoa11cd", how="inner")
        areas = area_table.msoa_scores(j).rename(columns={"msoa11cd": "area_code"})
        areas = area_table.local_quintiles(areas, out_col="national_quintile")
    else:
        raise ValueError(f"area_deprivation: geography must be 'lsoa' or 'msoa', not {geography!r}")
    local = areas[areas["area_code"].isin(place_codes)].copy()
    if local.empty:
        raise ValueError("area_deprivation: none of the Place's areas are in the IMD table")
    local = area_table.local_quintiles(local)
    cols = ["area_code", "imd_score", "pop_total", "national_quintile", "local_quintile"]
    return local[cols].reset_index(drop=True)


def attach_deprivation(hea: HEAData, deprivation: pd.DataFrame) -> pd.DataFrame:
    """The HEA rows with their area's IMD score and national/local quintiles."""
    col = hea.area_column
    if col is None:
        raise ValueError("attach_deprivation: the file has no lsoa11cd or msoa11cd column, so "
                         "uptake by deprivation cannot be measured")
    dep = deprivation.rename(columns={"area_code": col})
    return hea.data.merge(dep[[col, "imd_score", "national_quintile", "local_quintile"]],
                          on=col, how="left", validate="many_to_one")


# ---------------------------------------------------------------------------------- uptake
def uptake_by(df: pd.DataFrame, by: str | list[str] | None = None,
              confidence: float | tuple[float, float] = 0.95,
              categories: list | None = None) -> pd.DataFrame:
    """Uptake (served / eligible, %) with Wilson limits for each group of ``by``.

    Output: the ``by`` columns, ``served``, ``eligible``, ``value`` (%), the limits and the stats
    metadata columns. ``categories`` (one ``by`` column only) lists every group to show in order;
    groups with nobody eligible get NA and a note.
    """
    from jsna import stats

    cols = [by] if isinstance(by, str) else list(by or [])
    if cols:
        agg = df.groupby(cols, as_index=False, dropna=False)[["served", "eligible"]].sum()
    else:
        agg = pd.DataFrame({"served": [df["served"].sum()], "eligible": [df["eligible"].sum()]})
    agg["served"] = agg["served"].astype("int64")
    agg["eligible"] = agg["eligible"].astype("int64")
    have = agg[agg["eligible"] > 0]
    if have.empty:
        res = have.assign(value=pd.Series(dtype=float))
    else:
        res = stats.proportion(have, "served", "eligible", group_cols=cols or None,
                               confidence=confidence, multiplier=100)
        res = res.rename(columns={"numerator": "served", "denominator": "eligible"})
        res = res.astype({"served": "int64", "eligible": "int64"})
    if categories is not None:
        if len(cols) != 1:
            raise ValueError("uptake_by: categories needs exactly one `by` column")
        frame = pd.DataFrame({cols[0]: categories})
        res = frame.merge(res, on=cols[0], how="left")
        res["served"] = res["served"].fillna(0).astype("int64")
        res["eligible"] = res["eligible"].fillna(0).astype("int64")
        empty = res["eligible"] == 0
        if empty.any():
            note = res.get("note", pd.Series(pd.NA, index=res.index)).astype(object)
            res["note"] = note.where(~empty, "nobody eligible in this group")
    return res.reset_index(drop=True)


def uptake_by_quintile(df: pd.DataFrame, quintile_col: str = "national_quintile",
                       confidence: float = 0.95) -> pd.DataFrame:
    """Uptake for quintiles 1 (most deprived) to 5, every quintile shown (NA when empty)."""
    res = uptake_by(df, quintile_col, confidence=confidence, categories=[1, 2, 3, 4, 5])
    return res.rename(columns={quintile_col: "quintile"})


def uptake_sii(by_quintile: pd.DataFrame, seed: int | None = 2019,
               repetitions: int = 10000, confidence: float = 0.95,
               transform: bool = False) -> dict[str, Any]:
    """Slope and relative index of inequality (SII/RII) of uptake across deprivation quintiles.

    Uses ``jsna.stats.sii`` with value_type 2 (proportion), placing each quintile at the
    mid-point of its cumulative share of the people eligible; ``transform=True`` fits on the logit scale (PHEindicatormethods' option) instead of
    the default straight line. The SII is in percentage points: the modelled
    gap between the least and the most deprived ends of the population (positive = higher uptake
    in the least deprived). RII = least / most deprived modelled uptake. Returns a dict with
    ``sii``, ``sii_lowercl``, ``sii_uppercl``, ``rii``, ``rii_lowercl``, ``rii_uppercl``,
    ``significant`` (SII limits exclude 0) and ``note`` (why values are NA, when they are).
    """
    from jsna import stats

    out: dict[str, Any] = {k: np.nan for k in ("sii", "sii_lowercl", "sii_uppercl", "rii",
                                               "rii_lowercl", "rii_uppercl")}
    out["significant"], out["note"] = False, ""
    q = by_quintile.dropna(subset=["value"])
    if len(q) < 5:
        out["note"] = (f"SII not calculated: {5 - len(q)} of the 5 quintiles have nobody eligible "
                       "in this Place")
        return out
    if (q["served"] == 0).any() or (q["served"] == q["eligible"]).any():
        out["note"] = "SII not calculated: uptake is 0% or 100% in a quintile"
        return out
    few = q[q["served"] < reliability.MIN_EVENTS_PER_GROUP]
    if len(few):  # the series' reliability rule: a slope rests on enough events in every group
        counts = join_names([f"{count_words(n)} in quintile {int(k)}"
                             for k, n in zip(few["quintile"], few["served"], strict=True)])
        out["note"] = (f"The slope index of inequality is not given: too few people were served for a stable "
                       f"slope ({counts}; the series needs at least {reliability.MIN_EVENTS_PER_GROUP} in every "
                       "quintile).")
        return out
    work = pd.DataFrame({
        "quantile": q["quintile"].astype(int).to_numpy(),
        "population": q["eligible"].astype(float).to_numpy(),
        "value": q["value"].to_numpy() / 100,
        "lowercl": q["lowercl"].to_numpy() / 100,
        "uppercl": q["uppercl"].to_numpy() / 100,
    })
    res = stats.sii(work, "quantile", "population", value_col="value", lower_cl_col="lowercl",
                    upper_cl_col="uppercl", value_type=2, transform=transform, multiplier=100,
                    repetitions=repetitions, confidence=confidence, rii=True, seed=seed)
    row = res.iloc[0]
    for k in out:
        if k in ("significant", "note"):
            continue
        out[k] = float(row[k]) if k in res.columns and pd.notna(row[k]) else np.nan
    if "note" in res.columns and pd.notna(row["note"]):
        out["note"] = str(row["note"])
    lo, hi = out["sii_lowercl"], out["sii_uppercl"]
    out["significant"] = bool(pd.notna(lo) and pd.notna(hi) and (lo > 0 or hi < 0))
    return out


# ------------------------------------------------------------------------------- ethnicity
def uptake_by_ethnicity(df: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Uptake for each ethnic group present (recorded groups in schema order, then not recorded)."""
    if "ethnicity" not in df.columns:
        raise ValueError("uptake_by_ethnicity: the file has no ethnicity column")
    order = [g for g in ETHNIC_GROUPS + UNKNOWN_ETHNICITY if g in set(df["ethnicity"])]
    res = uptake_by(df, "ethnicity", confidence=confidence, categories=order)
    res["recorded"] = ~res["ethnicity"].isin(UNKNOWN_ETHNICITY)
    return res


def ethnicity_completeness(df: pd.DataFrame, by: str | list[str] | None = None,
                           confidence: float = 0.95) -> pd.DataFrame:
    """Share (%) of eligible people whose ethnicity is Unknown or Not stated, with Wilson limits.

    The framework's action 6: ethnicity must be recorded for inequalities to be measured.
    ``by`` gives one row per group (e.g. ``practice_code``); None gives one overall row.
    Output columns: groups, ``not_recorded``, ``eligible``, ``value`` (%), limits, metadata.
    """
    from jsna import stats

    if "ethnicity" not in df.columns:
        raise ValueError("ethnicity_completeness: the file has no ethnicity column")
    cols = [by] if isinstance(by, str) else list(by or [])
    work = df.assign(not_recorded=np.where(df["ethnicity"].isin(UNKNOWN_ETHNICITY),
                                           df["eligible"], 0))
    if cols:
        agg = work.groupby(cols, as_index=False)[["not_recorded", "eligible"]].sum()
    else:
        agg = pd.DataFrame({"not_recorded": [work["not_recorded"].sum()],
                            "eligible": [work["eligible"].sum()]})
    agg = agg[agg["eligible"] > 0].astype({"not_recorded": "int64", "eligible": "int64"})
    res = stats.proportion(agg, "not_recorded", "eligible", group_cols=cols or None,
                           confidence=confidence, multiplier=100)
    res = res.rename(columns={"numerator": "not_recorded", "denominator": "eligible"})
    return res.astype({"not_recorded": "int64", "eligible": "int64"})


# -------------------------------------------------------------------------------- practices
def practice_overdispersion(df: pd.DataFrame) -> pd.Series:
    """Test the practices' uptake for overdispersion (``jsna.stats.funnel_overdispersion``: phi,
    tau2, chi-squared test at 5%). The row's ``recommended`` ("additive" or None) is what
    :func:`uptake_by_practice` uses, and ``note`` the sentence the report states beside the funnel."""
    import warnings

    from jsna import stats

    keys = ["practice_code"] + (["practice_name"] if "practice_name" in df.columns else [])
    full = uptake_by(df, keys)
    full = full[full["eligible"] > 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.StatsWarning)
        return stats.funnel_overdispersion(full[["served", "eligible"]].astype(float), "served", "proportion",
                                           denom_col="eligible").iloc[0]


def uptake_by_practice(df: pd.DataFrame, threshold: int = 5,
                       overdispersion: str | None = "auto") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Uptake per practice with funnel-plot significance, and the funnel limits to draw.

    Significance (``jsna.stats.funnel_significance``: "Low (0.001)" ... "High (0.001)") is judged
    against the funnel around the overall uptake of all practices. With ``overdispersion="auto"``
    the limits are widened (additive random effects) when :func:`practice_overdispersion` finds
    overdispersion, and are the standard Fingertips limits otherwise; None forces the standard
    limits, "additive" or "multiplicative" forces that adjustment. Every practice with someone
    eligible stays in the funnel, the limits and the counts of practices outside them; those with
    fewer than ``threshold`` people eligible or served are flagged ``suppressed`` for display only
    (:func:`mask_small`: their counts are masked in tables and the chart's data). Returns (points, limits); points has ``label``
    (practice name, else code), ``served``, ``eligible``, ``value`` (%), limits, ``significance``.
    """
    from jsna import stats

    if "practice_code" not in df.columns:
        raise ValueError("uptake_by_practice: the file has no practice_code column")
    keys = ["practice_code"] + (["practice_name"] if "practice_name" in df.columns else [])
    res = uptake_by(df, keys)
    res = res[res["eligible"] > 0].reset_index(drop=True)
    res["label"] = res["practice_name"] if "practice_name" in res else res["practice_code"]
    how = practice_overdispersion(df)["recommended"] if overdispersion == "auto" else overdispersion
    how = None if how is None or (isinstance(how, float) and np.isnan(how)) else str(how)
    sig = stats.funnel_significance(res[["served", "eligible"]].astype(float), "served",
                                    "proportion", denom_col="eligible", overdispersion=how)
    res["significance"] = sig["significance"].to_numpy()
    res = mask_small(res, threshold)  # display only: every practice stays in the funnel and its counts
    if res.empty:
        return res, pd.DataFrame()
    full = uptake_by(df, keys)
    full = full[full["eligible"] > 0]
    limits = stats.funnel_limits(full[["served", "eligible"]].astype(float), "served",
                                 "proportion", 100, denom_col="eligible", overdispersion=how)
    return res, limits


# ------------------------------------------------------------------ practices by ethnic mix
#: recorded ethnic groups counted as minority ethnic groups (every recorded group but White)
MINORITY_GROUPS = tuple(g for g in ETHNIC_GROUPS if g != "White")
#: a practice is grouped only when at least this many of its eligible patients have a recorded
#: ethnic group (the suppression threshold): a share of 1-4 people says nothing about its mix
MIN_RECORDED_PER_PRACTICE = 5
#: eligible people a practice group needs before a gap is stated: at about 30% uptake the 95%
#: Wilson interval of 100 people is already +/-9 percentage points wide, the size of the
#: published deprivation gap (10 points), so smaller groups cannot show such a gap
MIN_ELIGIBLE_PER_GROUP = 100


def practice_ethnic_mix(df: pd.DataFrame) -> pd.DataFrame:
    """Each practice's ethnic mix from the file itself: ``eligible``, ``recorded`` (ethnic group
    recorded), ``minority`` (recorded in a group other than White) and ``minority_share`` (% of
    ``recorded``; NA when nobody's ethnicity is recorded)."""
    if "practice_code" not in df.columns or "ethnicity" not in df.columns:
        raise ValueError("practice_ethnic_mix: the file needs practice_code and ethnicity columns")
    work = df.assign(
        recorded=np.where(df["ethnicity"].isin(ETHNIC_GROUPS), df["eligible"], 0),
        minority=np.where(df["ethnicity"].isin(MINORITY_GROUPS), df["eligible"], 0))
    keys = ["practice_code"] + (["practice_name"] if "practice_name" in df.columns else [])
    out = work.groupby(keys, as_index=False)[["eligible", "served", "recorded", "minority"]].sum()
    out = out.astype({c: "int64" for c in ("eligible", "served", "recorded", "minority")})
    share = 100 * out["minority"] / out["recorded"].where(out["recorded"] > 0)
    return out.assign(minority_share=share.astype(float))


def practice_mix_groups(mix: pd.DataFrame, n_groups: int | None = None,
                        min_recorded: int = MIN_RECORDED_PER_PRACTICE) -> pd.DataFrame:
    """Assign practices to equal-count groups by ``minority_share`` (``mix_group`` 1 = fewest
    minority ethnic patients). Ranked by share (ties by practice code), the i-th of n practices
    goes to group floor(i * k / n) + 1. ``n_groups`` None: fifths when every fifth can hold
    :data:`jsna.reliability.MIN_AREAS_PER_GROUP` practices, quartiles otherwise. Practices with
    fewer than ``min_recorded`` patients of recorded ethnicity get ``mix_group`` NA."""
    from jsna.reliability import MIN_AREAS_PER_GROUP

    out = mix.copy()
    ok = out["recorded"] >= min_recorded
    n = int(ok.sum())
    k = n_groups or (5 if n >= 5 * MIN_AREAS_PER_GROUP else 4)
    ranked = out[ok].sort_values(["minority_share", "practice_code"], kind="stable")
    groups = pd.Series(np.arange(n) * k // max(n, 1) + 1, index=ranked.index)
    out["mix_group"] = groups.reindex(out.index).astype("Int64")
    out.attrs["n_groups"] = k
    return out


def mix_group_label(group: int, n_groups: int) -> str:
    """'Fifth 1 (fewest minority ethnic patients)' ... 'Fifth 5 (most ...)'; quartiles alike."""
    word = "Fifth" if n_groups == 5 else "Quartile" if n_groups == 4 else "Group"
    end = {1: " (fewest minority ethnic patients)", n_groups: " (most minority ethnic patients)"}
    return f"{word} {int(group)}{end.get(int(group), '')}"


def uptake_by_practice_mix(df: pd.DataFrame, n_groups: int | None = None,
                           confidence: float = 0.95) -> pd.DataFrame:
    """Uptake (Wilson limits) for practices grouped by their share of minority ethnic patients
    (:func:`practice_mix_groups`). One row per group, fewest first: ``mix_group``, ``label``,
    ``practices``, ``share_min``/``share_max`` (% minority, range in the group), ``served``,
    ``eligible``, ``value`` and limits. ``attrs``: ``n_groups``, ``ungrouped`` (practices left out)."""
    from jsna import stats

    mix = practice_mix_groups(practice_ethnic_mix(df), n_groups)
    k = mix.attrs["n_groups"]
    g = mix.dropna(subset=["mix_group"])
    agg = g.groupby("mix_group", as_index=False).agg(
        practices=("practice_code", "size"), share_min=("minority_share", "min"),
        share_max=("minority_share", "max"), served=("served", "sum"), eligible=("eligible", "sum"))
    agg = agg.astype({"mix_group": "int64", "served": "int64", "eligible": "int64"})
    if agg.empty:
        res = agg.assign(value=pd.Series(dtype=float), lowercl=pd.Series(dtype=float),
                         uppercl=pd.Series(dtype=float))
    else:
        res = stats.proportion(agg, "served", "eligible", group_cols=["mix_group", "practices",
                               "share_min", "share_max"], confidence=confidence, multiplier=100)
        res = res.rename(columns={"numerator": "served", "denominator": "eligible"})
        res = res.astype({"served": "int64", "eligible": "int64"})
    res.insert(1, "label", [mix_group_label(v, k) for v in res["mix_group"]])
    res = res.sort_values("mix_group").reset_index(drop=True)
    res.attrs.update(n_groups=k, ungrouped=int(mix["mix_group"].isna().sum()))
    return res


def practice_mix_reliability(table: pd.DataFrame) -> list[str]:
    """Why the gap between the fewest- and most-minority groups may not be stated ([] = it may).

    The series' rule (:mod:`jsna.reliability`) by analogy, practices standing for areas: each
    group compared needs :data:`~jsna.reliability.MIN_AREAS_PER_GROUP` practices,
    :data:`MIN_ELIGIBLE_PER_GROUP` eligible people and
    :data:`~jsna.reliability.MIN_EVENTS_PER_GROUP` people served."""
    from jsna.reliability import MIN_AREAS_PER_GROUP, MIN_EVENTS_PER_GROUP
    from jsna.words import fmt_number, join_names, plural

    if len(table) < 2:
        return ["there are too few practices with recorded ethnicity to form groups"]
    ends = table.iloc[[0, -1]]
    reasons = []
    few = [r for r in ends.itertuples() if r.practices < MIN_AREAS_PER_GROUP]
    if few:
        held = join_names([f"{plural(int(r.practices), 'practice')} in {r.label.split(' (')[0].lower()}"
                           for r in few])
        reasons.append(f"the groups compared hold only {held} (the series needs at least "
                       f"{MIN_AREAS_PER_GROUP} in each)")
    small = [r for r in ends.itertuples() if r.eligible < MIN_ELIGIBLE_PER_GROUP]
    if small:
        reasons.append(f"{join_names([r.label.split(' (')[0].lower() for r in small])} "
                       f"{'has' if len(small) == 1 else 'have'} fewer than "
                       f"{fmt_number(MIN_ELIGIBLE_PER_GROUP)} people eligible")
    rare = [r for r in ends.itertuples() if r.served < MIN_EVENTS_PER_GROUP]
    if rare:
        reasons.append(f"{join_names([r.label.split(' (')[0].lower() for r in rare])} "
                       f"{'has' if len(rare) == 1 else 'have'} fewer than {MIN_EVENTS_PER_GROUP} "
                       "people served")
    return reasons


# ------------------------------------------------------------------------- suppression
#: groups with 1 to this many minus one people served or eligible are suppressed, as the publishers do
SUPPRESS_BELOW = 5


def mask_small(table: pd.DataFrame, threshold: int = SUPPRESS_BELOW) -> pd.DataFrame:
    """Flag (``suppressed``) the groups whose counts are masked in display, keeping every number for
    the findings. Primary: 0 to ``threshold`` - 1 people served or eligible (as
    ``jsna.stats.suppress``) among groups with someone eligible. Secondary: when exactly one group
    is flagged, the group with the next fewest served is flagged too, so that the masked count
    cannot be recovered from the total the report states."""
    out = table.copy()
    has = (out["eligible"] > 0).to_numpy()
    small = has & ((out["served"] < threshold) | (out["eligible"] < threshold)).to_numpy()
    rest = has & ~small
    if small.sum() == 1 and rest.any():
        small[out["served"].where(rest).to_numpy().argsort(kind="stable")[0]] = True  # NaN sorts last
    out["suppressed"] = small
    return out


def count_words(n: float) -> str:
    """A count of people in a sentence: 'fewer than 5' for a count that tables suppress."""
    return f"fewer than {SUPPRESS_BELOW}" if n < SUPPRESS_BELOW else f"{int(n)}"


def suppress_small(table: pd.DataFrame, threshold: int = SUPPRESS_BELOW) -> pd.DataFrame:
    """Suppress groups with 1-4 people served or eligible (``jsna.stats.suppress``); groups with
    nobody eligible stay as they are (shown as 'nobody eligible', not 'suppressed')."""
    from jsna import stats

    empty = (table["eligible"] == 0).to_numpy()
    out = stats.suppress(table, ["served", "eligible"], threshold=threshold)
    out.loc[empty, ["served", "eligible"]] = 0
    out.loc[empty, "suppressed"] = False
    return out


# ------------------------------------------------------------ Census 2021: who the residents are
#: the audit's five ethnic groups -> the Census 2021 TS021 columns of
#: :func:`jsna.load.census.usual_residents_lsoa` (the same five high-level groups; the Census names
#: add "Welsh" because they cover England and Wales)
CENSUS_GROUP_COLUMNS = dict(zip(ETHNIC_GROUPS, ("asian", "black", "mixed", "white", "other"), strict=True))


def census_ethnic_shares(residents: pd.DataFrame, lsoa21cds: Iterable[str]) -> pd.DataFrame:
    """The Place's Census 2021 usual residents in each of the audit's five ethnic groups: ethnicity,
    census_residents, census_share (% of all residents). ``residents``: TS021 rows per LSOA 2021;
    ``lsoa21cds``: the Place's LSOAs 2021 (every one must be in ``residents``)."""
    codes = pd.Index(pd.unique(pd.Series(list(lsoa21cds), dtype=object)))
    d = residents.set_index("lsoa21cd")
    missing = codes.difference(d.index)
    if len(missing):
        raise ValueError(f"census_ethnic_shares: {len(missing)} LSOA(s) 2021 have no Census count, "
                         f"e.g. {list(missing[:3])}")
    d = d.loc[codes]
    total = int(d["residents"].sum())
    rows = [{"ethnicity": g, "census_residents": int(d[c].sum()),
             "census_share": 100 * int(d[c].sum()) / total if total else np.nan}
            for g, c in CENSUS_GROUP_COLUMNS.items()]
    return pd.DataFrame(rows)


def eligible_beside_census(eth: pd.DataFrame, census: pd.DataFrame) -> pd.DataFrame:
    """The service's eligible people by recorded ethnic group (share of those with a recorded group)
    beside the Place's Census 2021 residents (:func:`census_ethnic_shares`). A group with 1-4 eligible
    people is withheld (``suppressed``, as :func:`suppress_small`); ``eth`` is :func:`uptake_by_ethnicity`
    before suppression. Columns: ethnicity, eligible,
    eligible_share, census_residents, census_share, suppressed."""
    if eth["eligible"].isna().any():
        raise ValueError("eligible_beside_census: pass uptake_by_ethnicity before suppress_small (a withheld count "
                         "would read as zero and leave the shares' denominator short)")
    rec = eth[eth["ethnicity"].isin(ETHNIC_GROUPS)][["ethnicity", "eligible"]]
    out = census.merge(rec, on="ethnicity", how="left")
    out["eligible"] = out["eligible"].fillna(0)
    n = out["eligible"].sum()
    out["eligible_share"] = 100 * out["eligible"] / n if n else np.nan
    out["suppressed"] = (out["eligible"] > 0) & (out["eligible"] < 5)
    out.loc[out["suppressed"], ["eligible", "eligible_share"]] = np.nan
    return out[["ethnicity", "eligible", "eligible_share", "census_residents", "census_share", "suppressed"]]


# --------------------------------------------------------------------------- the topic's results
def age_order(bands: Iterable[str]) -> list[str]:
    """The file's age bands youngest first ('18-39', '40-64', '65+'), 'Unknown' last."""
    return sorted(set(bands), key=lambda a: (a == "Unknown", int(a.rstrip("+").split("-")[0]) if a != "Unknown" else 0))


@dataclass
class Results:
    """Everything the audit shows for one Place: numbers and tidy frames, no reader text. A table is
    None when the file has no column for it (or when the file was rejected: ``ok`` False)."""

    place: Place
    ok: bool  # False: the file was rejected; ``errors`` says why and nothing else is measured
    source: str  # the service file's path
    synthetic: bool  # the file is the synthetic example
    errors: pd.DataFrame
    audit: AuditSpec | None = None  # the service, what eligible and served mean, the period
    hea: HEAData | None = None  # the validated rows of the Place's residents and the breakdowns offered
    rows: pd.DataFrame | None = None  # those rows, with their area's IMD 2019 quintiles when known
    deprivation: pd.DataFrame | None = None  # :func:`area_deprivation` of the Place's areas
    dropped: dict[str, int] = field(default_factory=dict)  # rows, eligible, served of non-residents
    #: uptake by IMD 2019 quintile of England and within the Place (:func:`suppress_small`), and the
    #: slope index of inequality across the local quintiles (:func:`uptake_sii`)
    by_national_quintile: pd.DataFrame | None = None
    by_local_quintile: pd.DataFrame | None = None
    sii: dict[str, Any] | None = None
    #: uptake by ethnic group (suppressed), ethnicity not recorded (one row), the eligible people
    #: beside the Census 2021 residents (:func:`eligible_beside_census`)
    by_ethnicity: pd.DataFrame | None = None
    not_recorded: pd.DataFrame | None = None
    census: pd.DataFrame | None = None
    #: ethnicity not recorded by practice (``label``), and the 10 highest shares (suppressed)
    not_recorded_by_practice: pd.DataFrame | None = None
    not_recorded_worst: pd.DataFrame | None = None
    #: uptake by practice with funnel significance, the funnel limits and the overdispersion test
    by_practice: pd.DataFrame | None = None
    funnel_limits: pd.DataFrame | None = None
    overdispersion: pd.Series | None = None
    #: uptake by practices' ethnic mix, and why its gap may not be stated ([] = it may)
    by_practice_mix: pd.DataFrame | None = None
    mix_reasons: list[str] = field(default_factory=list)
    by_age: pd.DataFrame | None = None

    @property
    def overall(self) -> float:
        """Overall uptake (%) in the Place."""
        if self.rows is None or self.rows["eligible"].sum() == 0:
            return float("nan")
        return 100 * float(self.rows["served"].sum()) / float(self.rows["eligible"].sum())

    @property
    def completeness(self) -> pd.Series | None:
        """Ethnicity not recorded among all eligible people (:func:`ethnicity_completeness`, one row)."""
        return None if self.not_recorded is None else self.not_recorded.iloc[0]

    @property
    def practices_shown(self) -> pd.DataFrame | None:
        """Every practice with someone eligible (:attr:`by_practice`), as the funnel plot shows them (small
        counts are masked in display only)."""
        return self.by_practice


def compute(place: Place, inputs: Inputs) -> Results:
    """The audit of ``place`` from its :class:`~jsna.topics.health_equity_audit.inputs.Inputs`."""
    r = Results(place=place, ok=inputs.ok, source=inputs.source, synthetic=inputs.synthetic,
                errors=inputs.errors, audit=inputs.audit or one_off(Path(inputs.source)), hea=inputs.hea, dropped=inputs.dropped)
    if inputs.hea is not None:
        r.rows = inputs.hea.data
    if not r.ok:
        return r
    if inputs.area_codes is not None:
        r.deprivation = area_deprivation(inputs.imd, inputs.area_codes, inputs.hea.geography, inputs.lookup)
        r.rows = attach_deprivation(inputs.hea, r.deprivation)
    rows, hea = r.rows, r.hea
    if r.deprivation is not None:
        r.by_national_quintile = suppress_small(uptake_by_quintile(rows, "national_quintile"))
        local = uptake_by_quintile(rows, "local_quintile")
        r.by_local_quintile = suppress_small(local)
        r.sii = uptake_sii(local, seed=inputs.seed, repetitions=inputs.sii_repetitions)
    if hea.has_ethnicity:
        eth = uptake_by_ethnicity(rows)
        r.by_ethnicity = suppress_small(eth)
        r.not_recorded = ethnicity_completeness(rows)
        r.census = eligible_beside_census(eth, census_ethnic_shares(inputs.residents_2021, inputs.lsoa21cds))
        if hea.has_practice:
            by_prac = ethnicity_completeness(rows, by=["practice_code", "practice_name"] if "practice_name" in rows
                                             else "practice_code")
            by_prac["label"] = by_prac.get("practice_name", by_prac["practice_code"])
            r.not_recorded_by_practice = by_prac
            worst = suppress_small(by_prac.rename(columns={"not_recorded": "served"}))
            r.not_recorded_worst = (worst.sort_values("value", ascending=False).head(10)
                                    .rename(columns={"served": "not_recorded"}))
    if hea.has_practice:
        r.by_practice, r.funnel_limits = uptake_by_practice(rows)
        r.overdispersion = practice_overdispersion(rows)
        if hea.has_ethnicity:
            r.by_practice_mix = uptake_by_practice_mix(rows)
            r.mix_reasons = practice_mix_reliability(r.by_practice_mix)
    if hea.has_age:
        r.by_age = suppress_small(uptake_by(rows, "age_band", categories=age_order(rows["age_band"])))
    return r
