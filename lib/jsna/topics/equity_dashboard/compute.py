"""Health-equity dashboard: benchmark a Place's indicators against England, its region and its
statistical neighbours, as Fingertips does.

The indicators are the registry's (jsna.indicators, ``reports: [equity_dashboard]``) and every
value comes from jsna.indicators.la_series, so the dashboard shows the same value, period and
source as every other report. For every indicator and area it gives:

* the latest period held, its value and limits, England, and the verdict against England at 95%
  (the series' one verdict, jsna.indicators.england_verdict: the publisher's printed comparison, else
  the 95% interval against England's value) and at 99.8% (jsna.stats.compare.compare_with_benchmark
  on the 99.8% limits; "not compared" without them); a flag on data more than five years old;
* the region's value in the same period where the file has region rows, and the comparison;
* the Place's rank among its statistical neighbours (jsna.neighbours) in the same period;
* the recent trend as Fingertips computes it (jsna.stats.trend: five most recent yearly points);
* the agreed baseline (the registry's ``baseline``, flagged when it overlaps the pandemic), the change
  since, and whether the change is significant (jsna.stats.compare.compare_groups on the two intervals;
  without limits, its direction "not tested"); for mortality and life expectancy the same against the
  last pre-pandemic period (the registry's ``pre_pandemic``);
* the inequality gap where the indicator has one (the SII in life expectancy).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna import areas, stats
from jsna.gaps import gap_history
from jsna.indicators import (
    PREDECESSOR_NOTE,
    UPPER_TIER_PREFIXES,
    VERDICT_BY_PUBLISHER,
    Indicator,
    add_limits,
    baseline_row,
    covid_affected,
    england_verdict,
    first_held_source,
    get_indicator,
    indicators,
    is_old,
    la_series,
    missing_reason,
    pre_pandemic_row,
    source_label,
)
from jsna.neighbours import peer_rank
from jsna.places import ENGLAND_CODE as ENGLAND
from jsna.places import Place
from jsna.stats.compare import (
    LOW_IS_GOOD,
    compare_groups,
    compare_with_benchmark,
    judge,
)
from jsna.topics.equity_dashboard.inputs import Inputs

SIGNIFICANCE_WORDS = ("better", "similar", "worse", "higher", "lower", "not compared")
#: why a trend cannot be calculated, in the words :func:`trend_reasons` groups by
NO_LIMITS = "the source gives no confidence limits, counts or trend of its own"
TREND_ARROWS = {"Increasing": "↑", "Decreasing": "↓", "No significant change": "→",
                "Cannot be calculated": "–"}

__all__ = [
    "DASHBOARD_COLUMNS", "ENGLAND", "dashboard", "dashboard_indicators",
    "fingertips_trend", "quintile_gaps", "spread",
]


def dashboard_indicators() -> list[Indicator]:
    """The dashboard's indicators from the registry, in life-course order (a ``core20`` area must
    be one of the Core20PLUS5 clinical areas)."""
    from jsna.topics.equity_dashboard.core20 import CLINICAL_AREAS

    known = {ca.area for ca in CLINICAL_AREAS}
    out = indicators(report="equity_dashboard")
    for i in out:
        if i.core20 and i.core20 not in known:
            raise ValueError(f"indicator {i.id!r}: core20={i.core20!r}; use one of {sorted(known)}")
    return out


# --------------------------------------------------------------------------- trend
def fingertips_trend(series: pd.DataFrame, polarity: str, unit: str = "") -> dict[str, str]:
    """Recent trend of one area's series (period, value, lower95, upper95) by jsna.stats.trend. Where the
    source gives counts and denominators but no limits, the limits are computed (Wilson for a percentage
    ``unit``, Byars otherwise: jsna.indicators.add_limits). No source held prints a trend of its own.

    Returns trend ("Increasing and getting worse", "No significant change", "Cannot be
    calculated" ...), direction, arrow (↑ ↓ → –) and note (why it cannot be calculated)."""
    cannot = {"trend": "Cannot be calculated", "direction": "Cannot be calculated", "arrow": TREND_ARROWS[
        "Cannot be calculated"], "note": ""}
    if series.empty:
        return {**cannot, "note": "no values"}
    d = series.dropna(subset=["value"])
    if d[["lower95", "upper95"]].isna().all().all() and {"count", "denominator"} <= set(d.columns) \
            and d[["count", "denominator"]].notna().all(axis=1).any():
        # counts and denominators but no published limits: the series' own methods (jsna.stats.proportion
        # for a percentage, jsna.stats.rate for a rate)
        d = add_limits(d, "wilson" if str(unit) == "%" else "byars")
    d = d[["period", "value", "lower95", "upper95"]]
    if d[["lower95", "upper95"]].isna().all().all():
        return {**cannot, "note": NO_LIMITS}
    try:
        res = stats.trend(d, "value", "lower95", "upper95", "period",
                          polarity=polarity.replace("_", " ")).iloc[0]
    except ValueError as exc:
        return {**cannot, "note": str(exc)}
    return {"trend": str(res["trend"]), "direction": str(res["direction"]),
            "arrow": TREND_ARROWS.get(str(res["direction"]), "–"),
            "note": "" if pd.isna(res["note"]) or res["note"] is None else str(res["note"])}


# --------------------------------------------------------------------------- rows per indicator
def spread(rows: pd.DataFrame, period: str) -> dict[str, float]:
    """Min, 25th percentile, 75th percentile and max across English upper-tier LAs in a period
    (``rows``: one source's rows, jsna.indicators.source_rows)."""
    rows = rows[(rows["period"] == period) & rows["area_code"].astype(str).str.startswith(UPPER_TIER_PREFIXES)]
    v = rows["value"].dropna()
    if v.empty:
        return {"min": np.nan, "q25": np.nan, "q75": np.nan, "max": np.nan, "n_areas": 0}
    return {"min": float(v.min()), "q25": float(v.quantile(0.25)), "q75": float(v.quantile(0.75)),
            "max": float(v.max()), "n_areas": int(v.size)}


DASHBOARD_COLUMNS = [
    "indicator_id", "name", "stage", "polarity", "unit", "dp", "area_code", "area_name", "source_id",
    "source_label", "period", "period_end", "value", "lower95", "upper95", "lower998", "upper998",
    "england", "sig95", "sig998", "ci_method", "old", "trend", "trend_arrow", "trend_note",
    "baseline_setting", "baseline_period", "baseline_value", "baseline_lower", "baseline_upper", "change",
    "change_sig", "baseline_covid", "pre_period", "pre_value", "change_pre", "change_pre_sig", "region_code", "region_name", "region_value", "sig_region", "peer_rank", "peer_n",
    "peer_missing", "inequality_id", "inequality_value", "inequality_period", "min", "q25", "q75",
    "max", "n_areas", "core20", "note",
]


def change_verdict(latest: pd.Series, then: pd.Series, polarity: str) -> str:
    """The change from ``then`` to ``latest``: "better" / "worse" (or "higher" / "lower" without a
    polarity) when the two 95% intervals do not overlap (jsna.stats.compare.compare_groups), "no clear
    difference" when they do; without limits, the direction with "not tested": "worse, not tested"."""
    word = judge(compare_groups(latest["lower95"], latest["upper95"], then["lower95"], then["upper95"]), polarity)
    if word != "not tested" or pd.isna(latest["value"]) or pd.isna(then["value"]) \
            or latest["value"] == then["value"]:
        return word
    return f"{judge('higher' if latest['value'] > then['value'] else 'lower', polarity)}, not tested"


def _sig(lo: float, hi: float, bench: float, polarity: str) -> str:
    return compare_with_benchmark(lo, hi, bench, polarity) if pd.notna(lo) and pd.notna(hi) else "not compared"


def _row(ind: Indicator, la: pd.DataFrame, code: str, name: str, region: tuple[str, str] | None,
         peers: Sequence[str], today: pd.Timestamp | None, gap_ind: Indicator | None) -> dict:
    rec = {c: np.nan for c in DASHBOARD_COLUMNS}
    rec.update(indicator_id=ind.id, name=ind.name, stage=ind.stage, polarity=ind.polarity, unit=ind.unit,
               dp=ind.dp, area_code=code, area_name=name, core20=ind.core20, inequality_id=ind.inequality,
               sig95="not compared", sig998="not compared", sig_region="not compared", old=False,
               trend="Cannot be calculated", trend_arrow="–", trend_note="", change_sig="not tested",
               baseline_covid=False, change_pre_sig="not tested",
               baseline_setting=ind.baseline, note="", peer_missing=0, peer_n=0,
               region_code=region[0] if region else None, region_name=region[1] if region else None)
    series, src, rows = la_series(ind, la, code)
    if src is None:
        rec["note"] = missing_reason(ind, la, code)
        return rec
    latest = series.iloc[-1]
    rec.update(source_id=src.source, source_label=source_label(src.source), unit=ind.unit,
               period=latest["period"], period_end=latest["period_end"], value=latest["value"],
               lower95=latest["lower95"], upper95=latest["upper95"], lower998=latest["lower998"],
               upper998=latest["upper998"], england=latest["england"], ci_method=latest["ci_method"],
               old=is_old(latest["period_end"], today))
    verdict = england_verdict(latest["value"], latest["lower95"], latest["upper95"], latest["england"],
                              ind.polarity, latest.get("compared_to_england"))
    rec["sig95"] = verdict.word  # the series' one verdict (jsna.indicators.england_verdict)
    if pd.notna(latest["lower998"]):
        rec["sig998"] = _sig(latest["lower998"], latest["upper998"], latest["england"], ind.polarity)
    if verdict.method == VERDICT_BY_PUBLISHER and pd.isna(latest["lower95"]):
        rec["ci_method"] = "publisher's comparison with England (95%); the source gives no limits"
    tr = fingertips_trend(series, ind.polarity, ind.unit)
    rec.update(trend=tr["trend"], trend_arrow=tr["arrow"], trend_note=tr["note"])
    base = baseline_row(series, ind.baseline)
    if base is not None:
        rec.update(baseline_period=base["period"], baseline_value=base["value"], baseline_lower=base["lower95"],
                   baseline_upper=base["upper95"], change=latest["value"] - base["value"],
                   baseline_covid=covid_affected(base["period_start"], base["period_end"]))
        rec["change_sig"] = change_verdict(latest, base, ind.polarity)
    pre = pre_pandemic_row(series, ind.pre_pandemic)
    if pre is not None:
        rec.update(pre_period=pre["period"], pre_value=pre["value"], change_pre=latest["value"] - pre["value"])
        rec["change_pre_sig"] = change_verdict(latest, pre, ind.polarity)
    in_period = rows[rows["period"] == latest["period"]]
    if region:
        reg = in_period.loc[in_period["area_code"] == region[0], "value"].dropna()
        if len(reg):
            rec["region_value"] = float(reg.iloc[0])
            rec["sig_region"] = _sig(latest["lower95"], latest["upper95"], rec["region_value"], ind.polarity)
    if peers:
        vals = in_period.dropna(subset=["value"]).drop_duplicates("area_code").set_index("area_code")["value"]
        pr = peer_rank(vals, code, list(peers), ascending=ind.polarity == LOW_IS_GOOD)
        rec.update(peer_rank=pr.rank, peer_n=pr.out_of, peer_missing=len(pr.missing))
    rec.update(spread(rows, latest["period"]))
    notes = []
    if pd.notna(latest.get("note")) and "Explore local statistics" in str(latest.get("note")):
        notes.append("value from ONS (the Fingertips series used lacks this area)")
    if pd.notna(latest.get("note")) and str(latest.get("note")).startswith(PREDECESSOR_NOTE.split("{")[0]):
        notes.append(str(latest["note"]))
    if src != first_held_source(ind, la):
        notes.append(f"from {source_label(src.source)}: the usual source has an older period or none "
                     "for this area")
    rec["note"] = "; ".join(notes)
    if gap_ind is not None:
        gap, gsrc, _ = la_series(gap_ind, la, code)
        if gsrc is not None:
            rec.update(inequality_value=gap.iloc[-1]["value"], inequality_period=gap.iloc[-1]["period"])
    return rec


def dashboard(la: pd.DataFrame, inds: Sequence[Indicator], area_codes: Sequence[str],
              area_names: Mapping[str, str] | None = None,
              regions: Mapping[str, tuple[str, str] | None] | None = None,
              peers: Mapping[str, Sequence[str]] | None = None,
              today: pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per indicator and area (columns DASHBOARD_COLUMNS).

    ``la``: tidy LA indicators (jsna.load.fingertips.la_indicators); ``regions``: {area code:
    (region code, region name)} (jsna.geo.region_of); ``peers``: {area code: statistical
    neighbour codes} (jsna.neighbours.statistical_neighbours); ``today``: the date "more than five
    years old" is measured from (default: now). Areas without data for an indicator get a row with
    value NA and a note saying why, so the dashboard lists what is missing rather than hiding it.
    """
    names, regions, peers = area_names or {}, regions or {}, peers or {}
    by_id = {i.id: i for i in inds}
    gaps = {i.id: by_id.get(i.inequality) or get_indicator(i.inequality) for i in inds if i.inequality}
    wanted = {s.source for i in [*inds, *gaps.values()] for s in i.sources}
    la = la[la["source_id"].isin(wanted)]
    recs = [_row(i, la, code, names.get(code, code), regions.get(code), peers.get(code, ()), today,
                 gaps.get(i.id)) for i in inds for code in area_codes]
    out = pd.DataFrame.from_records(recs, columns=DASHBOARD_COLUMNS)
    for c in ("sig95", "sig998", "sig_region", "trend", "note", "name", "area_name", "period", "baseline_period",
              "change_sig", "pre_period", "change_pre_sig"):
        out[c] = out[c].astype("string")
    out["old"] = out["old"].astype(bool)
    out["baseline_covid"] = out["baseline_covid"].astype(bool)
    return out


MOST_Q, LEAST_Q = "Most deprived quintile", "Least deprived quintile"


def quintile_gaps(ind: pd.DataFrame, inds: Sequence[Indicator], area_code: str) -> pd.DataFrame:
    """Most vs least deprived quintile values published in an indicator's sources, for the area
    or, where the source has no local breakdown, for England (``area_code`` column says which).

    Columns: indicator_id, name, indicator_name, area_code, period, most, least, gap, ratio.
    """
    recs = []
    for m in inds:
        rows = ind[ind["source_id"].isin(m.source_ids) & ind["category"].isin([MOST_Q, LEAST_Q])
                   & ind["value"].notna()]
        if rows.empty:
            continue
        for code in (area_code, ENGLAND):
            sub = rows[rows["area_code"] == code]
            if sub.empty:
                continue
            latest = sub[sub["period_start"] == sub["period_start"].max()]
            for name, grp in latest.groupby("indicator_name", sort=False):
                vals = grp.set_index("category")["value"]
                if MOST_Q in vals and LEAST_Q in vals:
                    recs.append({"indicator_id": m.id, "name": m.name, "indicator_name": name, "area_code": code,
                                 "period": grp["period"].iloc[0], "most": vals[MOST_Q], "least": vals[LEAST_Q],
                                 "gap": vals[MOST_Q] - vals[LEAST_Q], "ratio": vals[MOST_Q] / vals[LEAST_Q]})
            break
    return pd.DataFrame.from_records(recs, columns=["indicator_id", "name", "indicator_name", "area_code", "period",
                                                    "most", "least", "gap", "ratio"])


def place_quintile_gaps(ind: pd.DataFrame, inds: Sequence[Indicator], area_codes: Sequence[str]) -> pd.DataFrame:
    """:func:`quintile_gaps` for each of a Place's areas, each published gap once (England's
    gaps, shown for every area, appear once)."""
    parts = [quintile_gaps(ind, inds, c) for c in area_codes]
    return pd.concat(parts).drop_duplicates(["indicator_id", "indicator_name", "area_code"])


# --------------------------------------------------------------------------- the topic's results
@dataclass
class AreaResults:
    """One upper-tier area of the Place: its dashboard rows and Core20PLUS5 clinical-area table."""

    code: str
    name: str
    rows: pd.DataFrame  # :func:`dashboard` rows of this area
    clinical: pd.DataFrame  # jsna.topics.equity_dashboard.core20.clinical_area_table

    def counts(self) -> dict[str, int]:
        """Indicators with a value, and how many are better, similar, worse or not compared (95%) on current
        data; a better or worse flag on data more than five years old is counted as ``old``, not as a finding
        (the key points list it apart)."""
        rows = self.rows[self.rows["value"].notna()]
        old = rows["old"].astype(bool) & rows["sig95"].isin(["better", "worse"])
        c = rows.loc[~old, "sig95"].value_counts()
        return {"indicators": len(rows), **{k: int(c.get(k, 0)) for k in ("better", "similar", "worse",
                                                                            "not compared")},
                "old": int(old.sum())}


@dataclass
class Results:
    """Everything the dashboard shows for one Place: numbers and tidy frames, no reader text."""

    place: Place
    areas: list[AreaResults]
    peer_notes: list[str]
    dash: pd.DataFrame  # :func:`dashboard` rows of every area
    quintile_gaps: pd.DataFrame  # :func:`place_quintile_gaps`
    core20: pd.DataFrame  # jsna.areas.core20_summary: the Place's areas, then the whole Place
    core20_by_district: pd.DataFrame
    england_core20: dict[str, float]  # England's row of jsna.areas.core20_summary
    core20_basis: str  # the edition and populations of every Core20 figure (jsna.areas.core20_basis)
    plus: pd.DataFrame  # core20.plus_table: Census 2021 residents by ethnic group, in and out of Core20
    lsoas: pd.DataFrame  # the Place's LSOAs 2011 (jsna.areas.lsoas), for the Core20 map
    boundaries: object  # their boundaries
    gaps: list | None = None  # jsna.gaps.GapHistory of each upper-tier area: life expectancy and the SII over time

    @property
    def whole(self) -> pd.Series:
        """The whole Place's Core20 row (the last of :attr:`core20`)."""
        return self.core20.iloc[-1]


def compute(place: Place, inputs: Inputs) -> Results:
    """The dashboard of ``place`` from its :class:`~jsna.topics.equity_dashboard.inputs.Inputs`."""
    from jsna.load.census import ETHNIC_GROUP_NAMES
    from jsna.topics.equity_dashboard import core20

    names = {a.code: a.name for a in place.upper_tier}
    inds = dashboard_indicators()
    dash = dashboard(inputs.indicators, inds, list(names), names, inputs.regions, inputs.peers)
    per_area = [AreaResults(c, n, dash[dash["area_code"] == c],
                            core20.clinical_area_table(dash[dash["area_code"] == c])) for c, n in names.items()]
    eng = inputs.england_lsoas
    status = core20.lsoa21_core20_status(inputs.lsoa_bridge, inputs.lsoas)
    return Results(place=place, areas=per_area, peer_notes=inputs.peer_notes, dash=dash,
                   quintile_gaps=place_quintile_gaps(inputs.indicators, inds, list(names)),
                   core20=areas.core20_summary(inputs.lsoas, by=("utla19cd", "utla19nm"), total_name=place.name),
                   core20_by_district=core20.core20_by_district(inputs.lsoas),
                   england_core20=areas.core20_summary(eng).iloc[0].to_dict(), core20_basis=areas.core20_basis(),
                   plus=core20.plus_table(inputs.residents_2021, status, ETHNIC_GROUP_NAMES),
                   lsoas=inputs.lsoas, boundaries=inputs.boundaries,
                   gaps=[gap_history(inputs.indicators, c, n) for c, n in names.items()])
