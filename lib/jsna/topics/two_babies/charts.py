"""The life-course dumbbell chart of the "tale of two babies", and its text description.

One row per indicator, grouped by life stage from top (start well) to bottom (die well). Each
row has its own scale (units differ) and shows the two values with 95% intervals: vermillion
circle = baby from the most deprived fifth, blue square = baby from the least deprived fifth.
Indicators published only for whole local authorities show the Place (black diamond) against
England (grey triangle). A thin grey tick marks England's value on small-area rows. The right
margin says, in words, whether the difference is clear.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from jsna.palette import COMPARATOR, LEAST_DEPRIVED, MOST_DEPRIVED, PLACE, SERIES
from jsna.topics.two_babies.text import fmt_gap, fmt_value
from jsna.words import is_missing

A4_WIDTH_IN = 8.27
ROW_IN = 0.42
HEADER_IN = 0.3
WHOLE_AREA = "Whole area vs England"

SIG_TEXT = {
    "higher": "clear gap",
    "lower": "clear gap",
    "no clear difference": "no clear difference",
    "not tested": "no interval",
}


def _styles(row: pd.Series) -> tuple[dict, dict]:
    if row["comparison"] == WHOLE_AREA:
        return ({"color": PLACE, "marker": "D", "label": "Whole area"},
                {"color": COMPARATOR, "marker": "^", "label": "England"})
    return ({"color": MOST_DEPRIVED, "marker": "o", "label": "Most deprived fifth"},
            {"color": LEAST_DEPRIVED, "marker": "s", "label": "Least deprived fifth"})


def _label(row: pd.Series) -> str:
    unit = row["unit"]
    unit_txt = f" ({unit})" if unit else ""
    area = " [whole area]" if row["comparison"] == WHOLE_AREA else ""
    return textwrap.fill(f"{row['name']}{unit_txt}{area}, {row['period']}", 46)


def _limits(row: pd.Series) -> tuple[float, float] | None:
    vals = [row[c] for c in ("a_value", "a_lower", "a_upper", "b_value", "b_lower", "b_upper",
                             "england_value") if not is_missing(row[c])]
    if not vals:
        return None
    lo, hi = min(vals), max(vals)
    span = hi - lo
    pad = span * 0.18 if span > 0 else max(abs(hi) * 0.05, 1.0)
    return lo - pad, hi + pad


def life_course_figure(table: pd.DataFrame, place_name: str) -> tuple[plt.Figure, str, list[str]]:
    """Build the dumbbell figure from a babies table. Returns (figure, alt text, description
    paragraphs); the description is written from the same rows the figure draws."""
    stages = list(dict.fromkeys(table["stage"]))
    n_rows = len(table)
    height = n_rows * ROW_IN + len(stages) * HEADER_IN + 1.3
    ratios: list[float] = []
    plan: list[tuple[str, object]] = []
    for stage in stages:
        plan.append(("header", stage))
        ratios.append(HEADER_IN)
        for _, row in table[table["stage"] == stage].iterrows():
            plan.append(("row", row))
            ratios.append(ROW_IN)
    fig, axes = plt.subplots(len(plan), 1, figsize=(A4_WIDTH_IN, height),
                             gridspec_kw={"height_ratios": ratios, "hspace": 0.0})
    axes = np.atleast_1d(axes)
    fig.subplots_adjust(left=0.44, right=0.80, top=1 - 0.9 / height, bottom=0.45 / height)
    for ax, (kind, item) in zip(axes, plan, strict=True):
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.set_yticks([])
        ax.set_ylim(-0.6, 0.6)
        if kind == "header":
            ax.axis("off")
            ax.text(-0.78, 0.0, str(item), transform=ax.get_yaxis_transform(), fontsize=10,
                    fontweight="bold", va="center", ha="left")
            continue
        row = item  # type: ignore[assignment]
        ax.text(-0.02, 0.0, _label(row), transform=ax.get_yaxis_transform(), fontsize=7.5,
                va="center", ha="right")
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        ax.axhline(-0.6, color="#E5E5E5", lw=0.6)
        lims = _limits(row)
        if lims is None or not row["available"]:
            ax.text(0.02, 0.5, "not available (see the table)", transform=ax.transAxes,
                    fontsize=7.5, color="#555555", va="center", style="italic")
            continue
        ax.set_xlim(*lims)
        sa, sb = _styles(row)
        a, b = row["a_value"], row["b_value"]
        ax.plot([a, b], [0, 0], color="#AAAAAA", lw=2.2, zorder=1)
        if not is_missing(row["england_value"]) and row["comparison"] != WHOLE_AREA:
            ax.plot([row["england_value"]] * 2, [-0.35, 0.35], color=COMPARATOR, lw=1.2, zorder=1)
            ax.text(row["england_value"], 0.38, f"Eng. {row['england_value']:,.{int(row['dp'])}f}",
                    fontsize=5.5, color=COMPARATOR, ha="center", va="bottom", zorder=4)
        dp = int(row["dp"])
        for side, st, dy in (("a", sa, 0.28), ("b", sb, -0.28)):
            v, lo, hi = row[f"{side}_value"], row[f"{side}_lower"], row[f"{side}_upper"]
            if not (is_missing(lo) or is_missing(hi)):
                ax.plot([lo, hi], [0, 0], color=st["color"], lw=1.2, zorder=2)
                ax.plot([lo, lo], [-0.12, 0.12], color=st["color"], lw=1.2, zorder=2)
                ax.plot([hi, hi], [-0.12, 0.12], color=st["color"], lw=1.2, zorder=2)
            ax.plot([v], [0], marker=st["marker"], color=st["color"], markersize=6.5,
                    markeredgecolor="white", markeredgewidth=0.6, zorder=3, linestyle="none")
            ax.text(v, dy, f"{v:,.{dp}f}", fontsize=6.5, color=st["color"], ha="center",
                    va="bottom" if dy > 0 else "top", zorder=4)
        sig = SIG_TEXT.get(row["significance"], row["significance"])
        ax.text(1.03, 0.5, sig, transform=ax.transAxes, fontsize=7.5, va="center", ha="left",
                fontweight="bold" if row["significance"] in ("higher", "lower") else "normal")
    handles = [
        Line2D([], [], color=MOST_DEPRIVED, marker="o", linestyle="none", label="Most deprived fifth"),
        Line2D([], [], color=LEAST_DEPRIVED, marker="s", linestyle="none", label="Least deprived fifth"),
        Line2D([], [], color=COMPARATOR, lw=1.2, label="England (small-area rows)"),
        Line2D([], [], color=PLACE, marker="D", linestyle="none", label=f"{place_name} [whole area]"),
        Line2D([], [], color=COMPARATOR, marker="^", linestyle="none", label="England [whole area]"),
    ]
    fig.legend(handles=handles, loc="upper center", ncol=3, fontsize=7.5, frameon=False,
               bbox_to_anchor=(0.5, 1 - 0.05 / height))
    fig.text(0.5, 1 - 0.62 / height,
             f"Two babies in {place_name}: most vs least deprived fifth of neighbourhoods",
             ha="center", fontsize=10, fontweight="bold")
    fig.text(0.5, 0.12 / height,
             "Each row has its own scale; the numbers are the values. Whiskers: 95% intervals where "
             "available. Right: is the difference clear?", ha="center", fontsize=7, color="#444444")
    alt, desc = life_course_description(table, place_name)
    return fig, alt, desc


def life_course_description(table: pd.DataFrame, place_name: str) -> tuple[str, list[str]]:
    """Alt text and a text description (one paragraph per stage) of the life-course chart."""
    avail = table[table["available"].astype(bool)]
    small = avail[avail["comparison"] != WHOLE_AREA]
    worse = small[(small["worse_group"] == "a") & small["significance"].isin(["higher", "lower"])]
    n_stages = table["stage"].nunique()
    alt = (f"Dumbbell chart of {len(table)} indicators for {place_name} across {n_stages} life "
           f"stages. {len(worse)} of {len(small)} available small-area indicators are clearly worse "
           "for the baby from the most deprived fifth of neighbourhoods than for the baby from "
           "the least deprived fifth.")
    paras = [("Each row compares two values with their 95% intervals where published. For "
              "small-area indicators the values are the most deprived fifth and the least deprived "
              f"fifth of {place_name}'s neighbourhoods; rows marked 'whole area' compare {place_name} "
              "with England.")]
    for stage in dict.fromkeys(table["stage"]):
        bits = []
        for _, r in table[table["stage"] == stage].iterrows():
            unit, dp = r["unit"], int(r["dp"])
            if not r["available"]:
                bits.append(f"{r['name']}: not available ({r['note']})")
                continue
            a = fmt_value(r["a_value"], unit, dp)
            b = fmt_value(r["b_value"], unit, dp)
            sig = {"higher": "clear difference", "lower": "clear difference",
                   "no clear difference": "no clear difference",
                   "not tested": "no interval to test"}[r["significance"]]
            bits.append(f"{r['name']} ({r['period']}): {r['a_label']} {a}, {r['b_label']} {b}, "
                        f"gap {fmt_gap(r['gap'], unit, dp)}, {sig}")
        paras.append(f"{stage}. " + "; ".join(bits) + ".")
    return alt, paras


def gap_chart(ov: pd.DataFrame, names: list[str]) -> tuple[plt.Figure, str, list[str]]:
    """Overview: for each small-area indicator, each authority's gap (most minus least deprived
    fifth) as a dot, with England's gap as a grey bar, one row per indicator on its own scale."""
    d = ov[(ov["comparison"] != WHOLE_AREA)].reset_index(drop=True)
    markers = ["o", "s", "D", "^", "v", "P"]
    n = len(d)
    height = n * 0.5 + 1.4
    fig, axes = plt.subplots(n, 1, figsize=(A4_WIDTH_IN, height), gridspec_kw={"hspace": 1.1})
    axes = np.atleast_1d(axes)
    fig.subplots_adjust(left=0.42, right=0.97, top=1 - 0.8 / height, bottom=0.35 / height)
    paras = []
    for ax, (_, r) in zip(axes, d.iterrows(), strict=True):
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_color("#999999")
        ax.set_yticks([])
        ax.set_ylim(-0.6, 0.6)
        ax.tick_params(axis="x", labelsize=6, length=2, pad=1, colors="#333333")
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
        ax.text(-0.02, 0.5, textwrap.fill(f"{r['name']} ({r['unit']})", 48), transform=ax.transAxes,
                fontsize=7.5, va="center", ha="right")
        vals = [r[f"{nm} gap"] for nm in names] + [r["England gap"]]
        ok = [v for v in vals if not is_missing(v)]
        if not ok:
            ax.set_xticks([])
            ax.text(0.02, 0.5, "not available", transform=ax.transAxes, fontsize=7.5,
                    style="italic", color="#555555", va="center")
            continue
        lo, hi = min([*ok, 0.0]), max([*ok, 0.0])
        pad = (hi - lo) * 0.12 or 1.0
        ax.set_xlim(lo - pad, hi + pad)
        ax.axvline(0, color="#555555", lw=0.8, zorder=3)
        if not is_missing(r["England gap"]):
            ax.plot([0, r["England gap"]], [0, 0], color=COMPARATOR, lw=5, alpha=0.45, solid_capstyle="butt")
        bits = []
        for i, nm in enumerate(names):
            v = r[f"{nm} gap"]
            if is_missing(v):
                bits.append(f"{nm} not available")
                continue
            ax.plot([v], [0], marker=markers[i % len(markers)], color=SERIES[i % len(SERIES)],
                    markersize=6, linestyle="none", markeredgecolor="white", markeredgewidth=0.5)
            bits.append(f"{nm} {v:,.{int(r.get('dp', 1) or 1)}f}")
        eng = "England not available" if is_missing(r["England gap"]) else f"England {r['England gap']:,.1f}"
        paras.append(f"{r['name']} ({r['unit']}), gap most minus least deprived fifth: "
                     + "; ".join(bits) + f"; {eng}.")
    handles = [Line2D([], [], color=SERIES[i % len(SERIES)], marker=markers[i % len(markers)],
                      linestyle="none", label=nm) for i, nm in enumerate(names)]
    handles.append(Patch(color=COMPARATOR, alpha=0.45, label="England's gap"))
    fig.legend(handles=handles, loc="upper center", ncol=len(handles), fontsize=7.5, frameon=False,
               bbox_to_anchor=(0.5, 1 - 0.05 / height))
    fig.text(0.5, 1 - 0.5 / height, "Gap between the most and least deprived fifth, by authority and England",
             ha="center", fontsize=9.5, fontweight="bold")
    alt = (f"Dot chart of the gap between most and least deprived fifths for {len(d)} indicators, "
           f"for {', '.join(names)}, with England's gap as a grey bar. Each row has its own scale; "
           "0 is marked.")
    return fig, alt, paras
