"""Funnel plot for proportions (e.g. uptake by GP practice) and its text description.

Limits and significance come from ``jsna.stats.funnel_limits`` / ``funnel_significance``
(Fingertips technical guidance: 95% and 99.8% limits around the overall proportion).
Significance is shown by marker shape, fill and legend words as well as colour.
"""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from jsna.palette import COMPARATOR, SIGNIFICANCE  # noqa: E402
from jsna.report import Chart, attach_data  # noqa: E402
from jsna.words import fmt_number, fmt_pct  # noqa: E402

# significance value from jsna.stats.funnel_significance -> (palette key, filled, legend words)
CATEGORIES = {
    "Low (0.001)": ("worse", True, "Below the 99.8% limit"),
    "Low (0.025)": ("worse", False, "Below the 95% limit"),
    "Not significant": ("similar", False, "Within the limits"),
    "High (0.025)": ("better", False, "Above the 95% limit"),
    "High (0.001)": ("better", True, "Above the 99.8% limit"),
}
LIMIT_COLUMNS = ("lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit")


def _x_column(limits: pd.DataFrame) -> str:
    for c in limits.columns:
        if str(c).lower() in ("population", "denominator", "denom"):
            return c
    raise ValueError(f"funnel_plot: no denominator column in the limits table "
                     f"(columns: {list(limits.columns)})")


def _limits_at(limits: pd.DataFrame, x: float) -> dict[str, float]:
    xc = _x_column(limits)
    xs = limits[xc].to_numpy(dtype=float)
    return {c: float(np.interp(x, xs, limits[c].to_numpy(dtype=float))) for c in LIMIT_COLUMNS}


def describe_funnel(points: pd.DataFrame, limits: pd.DataFrame, overall: float,
                    unit: str = "practice", what: str = "uptake") -> list[str]:
    """Text description of the funnel, written from the points and the limits."""
    n = len(points)
    counts = points["significance"].value_counts()
    out = [f"Funnel plot of {what} for {fmt_number(n)} {unit}s against the number of people "
           f"eligible. The centre line is the overall {what} of {fmt_pct(overall)}."]
    xs = points["eligible"].astype(float).reset_index(drop=True)
    middle = xs.iloc[int((xs - xs.median()).abs().to_numpy().argmin())]  # the practice nearest the median
    for x in sorted({int(xs.min()), int(middle), int(xs.max())}):
        lim = _limits_at(limits, x)
        out.append(f"For {fmt_number(x)} eligible people the 95% limits are "
                   f"{fmt_pct(lim['lower_2s_limit'])} to {fmt_pct(lim['upper_2s_limit'])} and the "
                   f"99.8% limits {fmt_pct(lim['lower_3s_limit'])} to "
                   f"{fmt_pct(lim['upper_3s_limit'])}.")
    for key, (_, _, words) in CATEGORIES.items():
        k = int(counts.get(key, 0))
        if k == 0:
            continue
        sentence = f"{words}: {fmt_number(k)} {unit}{'s' if k != 1 else ''}"
        if key != "Not significant":
            sel = points[points["significance"] == key].sort_values("value")
            sentence += " - " + "; ".join(f"{r.label}: {shown_rate(r)} of {fmt_number(r.eligible)}"
                                          for r in sel.itertuples())
        out.append(sentence + ".")
    return out


def masked_count(n: float, threshold: int = 5) -> str:
    """A count as shown where it is suppressed: 'fewer than 5', or 'withheld' (a secondary suppression)."""
    return f"fewer than {threshold}" if n < threshold else "withheld"


def masked_rate(eligible: float, threshold: int = 5) -> str:
    """A rate as shown where its count is suppressed: a band that does not give the count away
    ('under 14%' for 5 of 37)."""
    import math

    return "withheld" if eligible < threshold else f"under {math.ceil(100 * threshold / float(eligible))}%"


def shown_rate(row: Any) -> str:
    """A unit's rate as a sentence gives it: exact, or banded (:func:`masked_rate`) where its counts are masked."""
    return masked_rate(row.eligible) if bool(getattr(row, "suppressed", False)) else fmt_pct(row.value)


def funnel_plot(points: pd.DataFrame, limits: pd.DataFrame, title: str, overall: float,
                xlabel: str = "People eligible", ylabel: str = "Uptake (%)",
                unit: str = "practice", what: str = "uptake", label_outliers: bool = True) -> Chart:
    """Funnel plot of proportions (%) against denominators, with 95% and 99.8% limits.

    points: one row per unit with ``label``, ``eligible`` (denominator), ``value`` (%) and
    ``significance`` (from ``jsna.stats.funnel_significance``). limits: output of
    ``jsna.stats.funnel_limits(..., statistic="proportion", multiplier=100)``.
    Returns (fig, alt, description).
    """
    need = {"label", "eligible", "value", "significance"} - set(points.columns)
    if need:
        raise ValueError(f"funnel_plot: points lack column(s) {sorted(need)}")
    if points.empty:
        raise ValueError("funnel_plot: no points to plot")
    xc = _x_column(limits)
    lim = limits.sort_values(xc)
    fig, ax = plt.subplots(figsize=(8, 5.2))
    ax.axhline(overall, color="black", lw=1.2, label=f"Overall {fmt_pct(overall)}")
    ax.plot(lim[xc], lim["lower_2s_limit"], color=COMPARATOR, ls="--", lw=1, label="95% limits")
    ax.plot(lim[xc], lim["upper_2s_limit"], color=COMPARATOR, ls="--", lw=1)
    ax.plot(lim[xc], lim["lower_3s_limit"], color=COMPARATOR, ls="-", lw=1.2,
            label="99.8% limits")
    ax.plot(lim[xc], lim["upper_3s_limit"], color=COMPARATOR, ls="-", lw=1.2)
    for key, (pal, filled, words) in CATEGORIES.items():
        sel = points[points["significance"] == key]
        if sel.empty:
            continue
        style = SIGNIFICANCE[pal]
        ax.scatter(sel["eligible"], sel["value"], marker=style["marker"],
                   s=60 if key != "Not significant" else 32,
                   facecolors=style["colour"] if filled else "white",
                   edgecolors=style["colour"], linewidths=1.4, zorder=3,
                   label=f"{words} ({len(sel)})")
        if label_outliers and key != "Not significant" and filled:
            for r in sel.itertuples():
                ax.annotate(str(r.label), (r.eligible, r.value), xytext=(5, -3 if
                            key.startswith("Low") else 3), textcoords="offset points",
                            fontsize=7.5)
    xmax = float(points["eligible"].max()) * 1.1
    first = float(lim[xc].min())
    xmin = 0.0 if first <= 1 else 0.9 * min(first, float(points["eligible"].min()))
    ax.set_xlim(xmin, xmax)
    at_max = _limits_at(lim, xmax)
    lo = min(float(points["value"].min()), at_max["lower_3s_limit"]) - 5
    hi = max(float(points["value"].max()), at_max["upper_3s_limit"]) + 5
    ax.set_ylim(max(0, lo), min(100, hi))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.grid(color="#e5e5e5", lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    n_low = int(points["significance"].astype(str).str.startswith("Low").sum())
    n_high = int(points["significance"].astype(str).str.startswith("High").sum())
    alt = (f"Funnel plot: {title}. {fmt_number(len(points))} {unit}s; {fmt_number(n_low)} below "
           f"and {fmt_number(n_high)} above the 95% or 99.8% limits around the overall "
           f"{what} of {fmt_pct(overall)}.")
    desc = " ".join(describe_funnel(points, lim, overall, unit, what))
    data = points[["label", "eligible", "value", "significance"]].rename(
        columns={"label": unit, "eligible": xlabel.lower(), "value": f"{what} (%)", "significance": "funnel"})
    for extra in ("served", "lowercl", "uppercl"):
        if extra in points:
            data[{"lowercl": "lower 95% limit (%)", "uppercl": "upper 95% limit (%)"}.get(extra, extra)] = (
                points[extra].to_numpy())
    at = [_limits_at(lim, float(x)) for x in points["eligible"]]
    for c, name in zip(LIMIT_COLUMNS, ("lower 95% control limit (%)", "upper 95% control limit (%)",
                                       "lower 99.8% control limit (%)", "upper 99.8% control limit (%)"), strict=True):
        data[name] = [a[c] for a in at]
    if "suppressed" in points:  # small counts masked in the data (the point stays: the finding is kept)
        data = data.astype(object)
        masked = points["suppressed"].fillna(False).astype(bool).to_numpy()
        for col, name in (("served", "served"), ("eligible", xlabel.lower())):
            if col in points and name in data:
                data.loc[masked, name] = [masked_count(v) for v in points.loc[masked, col]]
        for name in (f"{what} (%)", "lower 95% limit (%)", "upper 95% limit (%)"):
            if name in data:
                data.loc[masked, name] = [masked_rate(e) for e in points.loc[masked, "eligible"]]
    attach_data(fig, data, {f"overall {what} (%)": overall})
    return Chart(fig, alt, desc)
