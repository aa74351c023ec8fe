"""Health-equity dashboard: benchmark a Place's indicators against England.

For every metric in data/metrics.yaml and every area it gives the latest value, the England
value, significance against England at 95% and 99.8% (Fingertips method: a confidence interval
that excludes the England value is better or worse according to the polarity), the recent
trend, the baseline period against the latest, and the inequality gap where a metric has one.

Confidence limits, in order of preference: published 95% and 99.8% limits; limits recomputed
through :mod:`jsna.stats` from counts and denominators (``ci_method: wilson`` or ``byars``);
99.8% limits scaled from published 95% limits (each side multiplied by z(0.999)/z(0.975),
flagged in ``ci_method``); where a file has no limits at all, the publisher's own comparison
with England (95% level), and 99.8% "not compared".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats as sps

from jsna import paths
from jsna.places import ENGLAND_CODE as ENGLAND

POLARITIES = ("higher_is_better", "lower_is_better")
LIFE_STAGES = ("Start well", "Live well", "Age well", "Wider determinants")
CI_METHODS = ("published", "wilson", "byars")
SIGNIFICANCE_WORDS = ("better", "similar", "worse", "not compared")
UPPER_TIER_PREFIXES = ("E06", "E08", "E09", "E10")
Z95 = float(sps.norm.ppf(0.975))
Z998 = float(sps.norm.ppf(0.999))

__all__ = [
    "Metric", "MetricsError", "load_metrics", "compare_to_benchmark", "add_limits",
    "recent_trend", "metric_rows", "dashboard", "spread", "ENGLAND",
]


class MetricsError(ValueError):
    """data/metrics.yaml is invalid (names the entry and the field)."""


@dataclass(frozen=True)
class Metric:
    """One entry of the metric set."""

    id: str
    name: str
    source: tuple[str, ...]
    polarity: str
    life_stage: str
    period: str
    indicator: str | None = None
    sex: str = "Persons"
    category: str | None = None
    ci_method: str = "published"
    baseline: str | None = None
    inequality: str | None = None
    core20: str | None = None


def load_metrics(path: Path | None = None) -> list[Metric]:
    """The metric set from data/metrics.yaml (validated; errors name the entry and field)."""
    path = Path(path or paths.ROOT / "data" / "metrics.yaml")
    if not path.exists():
        raise MetricsError(f"Metric set not found: {path}")
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(entries, list):
        raise MetricsError(f"{path}: expected a YAML list of metrics")
    fields = set(Metric.__dataclass_fields__)
    out: list[Metric] = []
    for i, e in enumerate(entries):
        mid = e.get("id", f"entry {i + 1}") if isinstance(e, dict) else f"entry {i + 1}"
        if not isinstance(e, dict):
            raise MetricsError(f"{path}: {mid} must be a mapping")
        missing = [k for k in ("id", "name", "source", "polarity", "life_stage", "period") if not e.get(k)]
        if missing:
            raise MetricsError(f"{path}: metric {mid!r} lacks field(s) {missing}")
        unknown = set(e) - fields
        if unknown:
            raise MetricsError(f"{path}: metric {mid!r} has unknown field(s) {sorted(unknown)}")
        checks = (("polarity", POLARITIES), ("life_stage", LIFE_STAGES), ("ci_method", CI_METHODS))
        for key, allowed in checks:
            if key in e and e[key] not in allowed:
                raise MetricsError(f"{path}: metric {mid!r} {key}={e[key]!r}; use one of {allowed}")
        src = e["source"]
        e = {**e, "source": tuple(src) if isinstance(src, list) else (src,)}
        out.append(Metric(**e))
    ids = [m.id for m in out]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise MetricsError(f"{path}: duplicate metric id(s) {sorted(dup)}")
    from jsna.topics.equity_dashboard.core20 import CLINICAL_AREAS

    known_areas = {ca.area for ca in CLINICAL_AREAS}
    for m in out:
        if m.core20 and m.core20 not in known_areas:
            raise MetricsError(f"{path}: metric {m.id!r} core20={m.core20!r}; use one of {sorted(known_areas)}")
        if m.inequality and m.inequality not in ids:
            raise MetricsError(f"{path}: metric {m.id!r} inequality={m.inequality!r} is not a metric id")
    return out


# --------------------------------------------------------------------------- significance
def compare_to_benchmark(lower: object, upper: object, benchmark: object, polarity: str | pd.Series):
    """Fingertips comparison: 'better'/'worse' when the interval [lower, upper] excludes the
    benchmark (direction from polarity), 'similar' when it includes it, 'not compared' when any
    input is missing. Works on scalars or aligned arrays/Series (returns the same shape).
    """
    lo = np.asarray(lower, dtype=float)
    hi = np.asarray(upper, dtype=float)
    bm = np.asarray(benchmark, dtype=float)
    pol = np.asarray(polarity, dtype=object)
    bad_pol = ~np.isin(pol, POLARITIES)
    if bad_pol.any():
        raise ValueError(f"polarity must be one of {POLARITIES}, got {pol[bad_pol].ravel()[0]!r}")
    higher = lo > bm
    lower_ = hi < bm
    missing = np.isnan(lo) | np.isnan(hi) | np.isnan(bm)
    hib = pol == "higher_is_better"
    res = np.where(missing, "not compared",
                   np.where(higher, np.where(hib, "better", "worse"),
                            np.where(lower_, np.where(hib, "worse", "better"), "similar")))
    if res.ndim == 0:
        return str(res)
    if isinstance(lower, pd.Series):
        return pd.Series(res, index=lower.index, dtype="string")
    return res


def _published_word(s: pd.Series) -> pd.Series:
    w = s.astype("string").str.strip().str.lower()
    return w.where(w.isin(["better", "similar", "worse"]), "not compared")


def add_limits(df: pd.DataFrame, ci_method: str = "published") -> pd.DataFrame:
    """Add ``lower95``, ``upper95``, ``lower998``, ``upper998`` and ``ci_method`` to tidy rows.

    ``published``: the file's limits; a missing 99.8% limit is scaled from the 95% one.
    ``wilson``/``byars``: recomputed with jsna.stats.proportion (percentages) or jsna.stats.rate
    (per 100,000) from ``count`` and ``denominator``.
    """
    out = df.copy()
    if ci_method in ("wilson", "byars"):
        if out[["count", "denominator"]].isna().all().all():
            raise ValueError(f"ci_method={ci_method!r} needs count and denominator, which these rows lack")
        ok = out["count"].notna() & out["denominator"].notna()
        calc = out.loc[ok, ["count", "denominator"]].reset_index(names="_row")
        if ci_method == "wilson":
            from jsna.stats.proportion import proportion
            res = proportion(calc, "count", "denominator", group_cols="_row", confidence=(0.95, 0.998),
                             multiplier=100)
            label = "Wilson score (jsna.stats.proportion)"
        else:
            from jsna.stats.rate import rate
            res = rate(calc, "count", "denominator", group_cols="_row", confidence=(0.95, 0.998),
                       multiplier=100000)
            label = "Byars / exact Poisson (jsna.stats.rate)"
        res = res.set_index("_row")
        for a, b in (("lower95", "lower95_0cl"), ("upper95", "upper95_0cl"),
                     ("lower998", "lower99_8cl"), ("upper998", "upper99_8cl")):
            out[a] = res[b].reindex(out.index).astype(float)
        out["ci_method"] = np.where(ok, label, "no count/denominator")
        return out
    if ci_method != "published":
        raise ValueError(f"ci_method={ci_method!r}; use one of {CI_METHODS}")
    v = out["value"].astype(float)
    out["lower95"] = out["lower_ci95"].astype(float)
    out["upper95"] = out["upper_ci95"].astype(float)
    lo998, hi998 = out["lower_ci998"].astype(float), out["upper_ci998"].astype(float)
    scaled = lo998.isna() & hi998.isna() & out["lower95"].notna() & out["upper95"].notna()
    k = Z998 / Z95
    out["lower998"] = lo998.where(~scaled, v - (v - out["lower95"]) * k)
    out["upper998"] = hi998.where(~scaled, v + (out["upper95"] - v) * k)
    has95 = out["lower95"].notna() & out["upper95"].notna()
    out["ci_method"] = np.select(
        [scaled, has95 & ~scaled], ["published 95%; 99.8% scaled from 95%", "published 95% and 99.8%"],
        "no limits published")
    return out


# --------------------------------------------------------------------------- trend
def recent_trend(values: pd.Series | list[float], polarity: str, n: int = 5,
                 alpha: float = 0.05) -> str:
    """Direction of the last `n` values (in period order) by a least-squares line at level alpha.

    Returns 'getting better', 'getting worse', 'no significant change', or 'cannot be
    calculated' (fewer than 3 values). Fingertips' own trend test needs counts, which most of
    these extracts lack; this is a plain linear regression of value on period order.
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}, got {polarity!r}")
    y = pd.Series(values, dtype=float).dropna().to_numpy()[-n:]
    if len(y) < 3:
        return "cannot be calculated"
    if np.allclose(y, y[0]):
        return "no significant change"
    fit = sps.linregress(np.arange(len(y)), y)
    if not np.isfinite(fit.pvalue) or fit.pvalue >= alpha:
        return "no significant change"
    up = fit.slope > 0
    return "getting better" if up == (polarity == "higher_is_better") else "getting worse"


# --------------------------------------------------------------------------- rows per metric
def _select(ind: pd.DataFrame, metric: Metric, source_id: str) -> pd.DataFrame:
    rows = ind[ind["source_id"] == source_id]
    if metric.indicator:
        rows = rows[rows["indicator_name"] == metric.indicator]
    rows = rows[rows["sex"].fillna("Persons") == metric.sex]
    if metric.category:
        rows = rows[rows["category"] == metric.category]
    else:
        rows = rows[rows["category"].isna()]
    if "age" in rows and rows["age"].nunique() > 1:
        # Fingertips API files can hold several age bands: use the broadest (most rows' first).
        rows = rows[rows["age"] == rows["age"].mode().iloc[0]]
    return rows


def metric_rows(ind: pd.DataFrame, metric: Metric, area_code: str) -> tuple[pd.DataFrame, str | None]:
    """Time series of one metric for one area joined with England, and the source id used.

    Tries the metric's sources in order and uses the first with rows for the area. Output columns:
    period, period_start, value, limits (see add_limits), england, published comparison, note.
    """
    for sid in metric.source:
        rows = _select(ind, metric, sid)
        area = rows[(rows["area_code"] == area_code) & rows["value"].notna()]
        if area.empty:
            continue
        area = add_limits(rows[rows["area_code"] == area_code], metric.ci_method)
        eng = rows[rows["area_code"] == ENGLAND].set_index("period")["value"]
        area = area.assign(england=area["period"].map(eng).astype(float))
        return area.sort_values("period_start").reset_index(drop=True), sid
    return pd.DataFrame(), None


def spread(ind: pd.DataFrame, metric: Metric, source_id: str, period: str) -> dict[str, float]:
    """Min, 25th percentile, 75th percentile and max across English upper-tier LAs in a period."""
    rows = _select(ind, metric, source_id)
    rows = rows[(rows["period"] == period) & rows["area_code"].str.startswith(UPPER_TIER_PREFIXES)]
    v = rows["value"].dropna()
    if v.empty:
        return {"min": np.nan, "q25": np.nan, "q75": np.nan, "max": np.nan, "n_areas": 0}
    return {"min": float(v.min()), "q25": float(v.quantile(0.25)), "q75": float(v.quantile(0.75)),
            "max": float(v.max()), "n_areas": int(v.size)}


DASHBOARD_COLUMNS = [
    "metric_id", "name", "life_stage", "polarity", "area_code", "area_name", "source_id", "unit",
    "period", "value", "lower95", "upper95", "lower998", "upper998", "england", "sig95", "sig998",
    "ci_method", "trend", "baseline_period", "baseline_value", "change", "inequality_metric",
    "inequality_value", "inequality_period", "min", "q25", "q75", "max", "n_areas", "core20", "note",
]


def dashboard(ind: pd.DataFrame, metrics: list[Metric], area_codes: list[str],
              area_names: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per metric and area: latest value, England, significance, trend, baseline, gap.

    Areas without data for a metric get a row with value NA and a note saying so, so that the
    dashboard lists what is missing rather than hiding it.
    """
    names = area_names or {}
    recs: list[dict] = []
    wanted = {sid for m in metrics for sid in m.source}
    ind = ind[ind["source_id"].isin(wanted)]
    ind = ind[ind["area_code"].isin([*area_codes, ENGLAND]) | ind["area_code"].str.startswith(UPPER_TIER_PREFIXES)]
    by_id = {m.id: m for m in metrics}
    for m in metrics:
        if m.inequality and m.inequality not in by_id:
            raise ValueError(f"metric {m.id!r}: its inequality metric {m.inequality!r} is not in the metric list")
    by_source = {sid: g for sid, g in ind.groupby("source_id", sort=False)}
    empty = ind.iloc[0:0]

    def rows_for(metric: Metric) -> pd.DataFrame:
        parts = [by_source.get(sid, empty) for sid in metric.source]
        return pd.concat(parts) if len(parts) > 1 else parts[0]

    for m in metrics:
        ind_m = rows_for(m)
        for code in area_codes:
            rec = {c: np.nan for c in DASHBOARD_COLUMNS}
            rec.update(metric_id=m.id, name=m.name, life_stage=m.life_stage, polarity=m.polarity,
                       area_code=code, area_name=names.get(code, code), core20=m.core20,
                       inequality_metric=m.inequality, sig95="not compared", sig998="not compared",
                       trend="cannot be calculated", note="")
            series, sid = metric_rows(ind_m, m, code)
            if sid is None:
                rec["note"] = f"Not published for this area in {', '.join(m.source)}"
                recs.append(rec)
                continue
            latest = series[series["value"].notna()].iloc[-1]
            rec.update(source_id=sid, unit=latest["unit"], period=latest["period"], value=latest["value"],
                       lower95=latest["lower95"], upper95=latest["upper95"], lower998=latest["lower998"],
                       upper998=latest["upper998"], england=latest["england"], ci_method=latest["ci_method"],
                       area_name=names.get(code, latest["area_name"]))
            if pd.notna(latest["lower95"]):
                rec["sig95"] = compare_to_benchmark(latest["lower95"], latest["upper95"],
                                                    latest["england"], m.polarity)
                rec["sig998"] = compare_to_benchmark(latest["lower998"], latest["upper998"],
                                                     latest["england"], m.polarity)
            elif pd.notna(latest["compared_to_england"]):
                word = str(_published_word(pd.Series([latest["compared_to_england"]])).iloc[0])
                rec["sig95"] = word
                if word != "not compared":
                    rec["ci_method"] = "publisher's comparison with England (95%); no limits in file"
            rec["trend"] = recent_trend(series["value"], m.polarity)
            base = series[series["value"].notna()]
            if m.baseline:
                base = base[base["period"] == m.baseline]
            if not base.empty and base.iloc[0]["period"] != latest["period"]:
                rec.update(baseline_period=base.iloc[0]["period"], baseline_value=base.iloc[0]["value"],
                           change=latest["value"] - base.iloc[0]["value"])
            rec.update(spread(ind_m, m, sid, latest["period"]))
            notes = [str(latest["note"])] if pd.notna(latest["note"]) and str(latest["note"]) else []
            if sid != m.source[0]:
                notes.append(f"from the older extract {sid} ({m.source[0]} lacks this area)")
            rec["note"] = "; ".join(notes)
            if m.inequality:
                gap_rows, _ = metric_rows(rows_for(by_id[m.inequality]), by_id[m.inequality], code)
                gap_rows = gap_rows[gap_rows["value"].notna()] if not gap_rows.empty else gap_rows
                if not gap_rows.empty:
                    rec.update(inequality_value=gap_rows.iloc[-1]["value"],
                               inequality_period=gap_rows.iloc[-1]["period"])
            recs.append(rec)
    out = pd.DataFrame.from_records(recs, columns=DASHBOARD_COLUMNS)
    for c in ("sig95", "sig998", "trend", "note", "name", "area_name", "period", "baseline_period"):
        out[c] = out[c].astype("string")
    return out


def _num(v: float, dp: int = 1) -> str | None:
    return None if pd.isna(v) else f"{v:,.{dp}f}"


def dashboard_display(dash: pd.DataFrame) -> pd.DataFrame:
    """Reader-facing table of one area's dashboard rows (text cells; NA shown as 'not available').

    Significance words carry the same symbols as the spine chart (▲ better, ● similar, ▼ worse).
    """
    from jsna.palette import SIGNIFICANCE

    def sig(word: str) -> str:
        return f"{SIGNIFICANCE.get(word, SIGNIFICANCE['not compared'])['symbol']} {word}"

    out = pd.DataFrame({
        "Life stage": dash["life_stage"],
        "Indicator": dash["name"],
        "Period": dash["period"],
        "Value": dash["value"].map(_num),
        "95% CI": [None if pd.isna(lo) else f"{lo:,.1f} to {hi:,.1f}"
                   for lo, hi in zip(dash["lower95"], dash["upper95"], strict=True)],
        "England": dash["england"].map(_num),
        "vs England (95%)": dash["sig95"].map(sig),
        "vs England (99.8%)": dash["sig998"].map(sig),
        "Recent trend": dash["trend"],
        "Baseline": [None if pd.isna(p) else f"{p}: {v:,.1f}"
                     for p, v in zip(dash["baseline_period"], dash["baseline_value"], strict=True)],
        "Change since baseline": dash["change"].map(lambda v: None if pd.isna(v) else f"{v:+,.1f}"),
        "Inequality gap (SII, years)": [None if pd.isna(v) else f"{v:,.1f} ({p})" for v, p in
                                        zip(dash["inequality_value"], dash["inequality_period"], strict=True)],
        "Note": dash["note"].fillna(""),
    })
    out.loc[dash["value"].isna(), ["vs England (95%)", "vs England (99.8%)", "Recent trend"]] = None
    return out.astype(object).where(out.notna(), None)


MOST_Q, LEAST_Q = "Most deprived quintile", "Least deprived quintile"


def quintile_gaps(ind: pd.DataFrame, metrics: list[Metric], area_code: str) -> pd.DataFrame:
    """Most vs least deprived quintile values published in a metric's source, for the area or,
    where the source has no local breakdown, for England (``area_code`` column says which).

    Columns: metric_id, name, indicator_name, area_code, period, most, least, gap, ratio.
    """
    recs = []
    for m in metrics:
        rows = ind[ind["source_id"].isin(m.source) & ind["category"].isin([MOST_Q, LEAST_Q])
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
                    recs.append({"metric_id": m.id, "name": m.name, "indicator_name": name, "area_code": code,
                                 "period": grp["period"].iloc[0], "most": vals[MOST_Q], "least": vals[LEAST_Q],
                                 "gap": vals[MOST_Q] - vals[LEAST_Q], "ratio": vals[MOST_Q] / vals[LEAST_Q]})
            break
    return pd.DataFrame.from_records(recs, columns=["metric_id", "name", "indicator_name", "area_code", "period",
                                                    "most", "least", "gap", "ratio"])
