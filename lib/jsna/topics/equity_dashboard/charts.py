"""Spine (benchmark) chart: each indicator for one area against England and the spread of
English upper-tier local authorities, with significance shown by marker shape, colour and word.

The function returns the figure together with its alt text and text description, built from
the same rows, so the words cannot drift from the picture.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from jsna.gap_chart import CAPTION as GAP_OVER_TIME_CAPTION  # noqa: E402,F401 - for the notebook
from jsna.gap_chart import gap_over_time_chart as gap_over_time  # noqa: E402,F401 - the shared gap chart
from jsna.palette import COMPARATOR, SIGNIFICANCE  # noqa: E402
from jsna.report import Chart, attach_data  # noqa: E402
from jsna.stats.compare import LOW_IS_GOOD  # noqa: E402

RANGE_GREY = "#DDDDDD"
IQR_GREY = "#A8A8A8"


def spine_positions(df: pd.DataFrame) -> pd.DataFrame:
    """Scaled positions (0..1, England = 0.5, right = better) of value, min, q25, q75 and max.

    Each row is scaled by the larger distance of the English minimum or maximum from the
    England value, as in Fingertips spine charts; lower-is-better indicators are mirrored.
    """
    e = df["england"].astype(float)
    half = np.maximum((df["max"].astype(float) - e).abs(), (df["min"].astype(float) - e).abs())
    half = half.where(half > 0)
    sign = np.where(df["polarity"] == LOW_IS_GOOD, -1.0, 1.0)
    out = pd.DataFrame(index=df.index)
    for c in ("value", "min", "q25", "q75", "max"):
        out[c] = 0.5 + sign * (df[c].astype(float) - e) / (2 * half)
    # mirrored rows swap ends of the range
    lo = out[["min", "max"]].min(axis=1)
    hi = out[["min", "max"]].max(axis=1)
    q_lo = out[["q25", "q75"]].min(axis=1)
    q_hi = out[["q25", "q75"]].max(axis=1)
    out["min"], out["max"], out["q25"], out["q75"] = lo, hi, q_lo, q_hi
    return out


def _fmt(v: float) -> str:
    if pd.isna(v):
        return "n/a"
    return f"{v:,.1f}" if abs(v) < 1000 else f"{v:,.0f}"


def spine_chart(dash: pd.DataFrame, area_name: str) -> Chart:
    """Spine chart of one area's dashboard rows (from jsna.topics.equity_dashboard.compute.dashboard, one area).

    Rows without a value are left out of the chart and listed in the description.
    """
    if dash["area_code"].nunique() > 1:
        raise ValueError("spine_chart: pass the dashboard rows of one area at a time")
    rows = dash[dash["value"].notna()].reset_index(drop=True)
    missing = dash[dash["value"].isna()]
    n = len(rows)
    if n == 0:
        raise ValueError(f"spine_chart: no indicator has a value for {area_name}")
    pos = spine_positions(rows)
    fig_h = 1.2 + 0.42 * n
    fig, ax = plt.subplots(figsize=(12, fig_h))
    fig.subplots_adjust(left=0.45, right=0.72, top=1 - 0.55 / fig_h, bottom=0.75 / fig_h)
    y = np.arange(n)[::-1]
    for i, r in rows.iterrows():
        p = pos.loc[i]
        yy = y[i]
        if pd.notna(p["min"]):
            ax.plot([p["min"], p["max"]], [yy, yy], color=RANGE_GREY, lw=9, solid_capstyle="butt",
                    zorder=1)
            ax.plot([p["q25"], p["q75"]], [yy, yy], color=IQR_GREY, lw=9, solid_capstyle="butt", zorder=2)
        sig = SIGNIFICANCE.get(str(r["sig95"]), SIGNIFICANCE["not compared"])
        if pd.notna(p["value"]):
            ax.scatter([min(max(p["value"], 0), 1)], [yy], marker=sig["marker"], s=90, color=sig["colour"],
                       edgecolor="black", linewidth=0.7, zorder=4)
        else:  # no England value held: nothing to place the value against (never at the centre line)
            ax.text(0.52, yy, "no England value held", ha="left", va="center", fontsize=8,
                    style="italic", color="#444444", zorder=4,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        tx = ax.get_yaxis_transform()
        label = str(r["name"])
        if len(label) > 58:
            label = label[:56] + "…"
        ax.text(-0.02, yy, f"{label} ({r['period']})", transform=tx, ha="right", va="center", fontsize=8.5)
        ax.text(1.03, yy, f"{_fmt(r['value'])} | {_fmt(r['england'])}", transform=tx, ha="left",
                va="center", fontsize=8.5)
        words = f"{SIGNIFICANCE.get(str(r['sig95']), SIGNIFICANCE['not compared'])['symbol']} {r['sig95']}"
        words += f" / {r['sig998']}"
        ax.text(1.40, yy, words, transform=tx, ha="left", va="center", fontsize=8.5)
    ax.axvline(0.5, color=COMPARATOR, lw=1.5, zorder=3)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_yticks([])
    ax.set_xticks([0, 0.5, 1], ["worse", "England", "better"], fontsize=8.5)
    for s in ("top", "right", "left"):
        ax.spines[s].set_visible(False)
    tx = ax.get_yaxis_transform()
    ax.text(1.03, n - 0.35, "Value | England", transform=tx, ha="left", va="bottom",
            fontsize=8.5, fontweight="bold")
    ax.text(1.40, n - 0.35, "vs England: 95% / 99.8%", transform=tx, ha="left", va="bottom", fontsize=8.5,
            fontweight="bold")
    handles = [Line2D([], [], marker=SIGNIFICANCE[k]["marker"], color=SIGNIFICANCE[k]["colour"], ls="",
                      markeredgecolor="black", markersize=8, label=f"{SIGNIFICANCE[k]['symbol']} "
                      f"{SIGNIFICANCE[k]['label']} (95%)") for k in ("better", "similar", "worse", "not compared")]
    handles += [Patch(color=RANGE_GREY, label="Range of English upper-tier LAs"),
                Patch(color=IQR_GREY, label="Middle half of LAs (25th-75th percentile)"),
                Line2D([], [], color=COMPARATOR, lw=1.5, label="England value")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.9 / n - 0.02), ncol=3,
              fontsize=8, frameon=False)
    # the same count as the summary sentence: of the indicators with current data that can be compared with
    # England (a flag on data more than five years old is not a finding)
    current = rows[~(rows["old"].astype(bool) & rows["sig95"].isin(["better", "worse"]))]
    counts = current["sig95"].value_counts()
    better, worse = int(counts.get("better", 0)), int(counts.get("worse", 0))
    compared = int(current["sig95"].isin(["better", "similar", "worse"]).sum())
    ax.set_title(f"{area_name}: of {compared} indicators with current data compared with England, {better} better, "
                 f"{worse} worse (95% level)", fontsize=11, loc="left", x=-0.9)
    alt = (f"Spine chart of {n} health indicators for {area_name} compared with England. "
           f"{better} are significantly better, {worse} significantly worse, "
           f"{int(counts.get('similar', 0))} similar and {int(counts.get('not compared', 0))} not compared "
           "at the 95% level, on current data. Details are in the text description below.")
    desc = spine_description(rows, missing, area_name)
    attach_data(fig, spine_data(rows, area_name))
    # phones get the same rows one under another (jsna.report.figure_html shows it by media query)
    fig.jsna_narrow = _spine_chart_narrow(rows, pos, f"{area_name}: of {compared} indicators compared with "
                                         f"England, {better} better, {worse} worse (95% level)")
    return Chart(fig, alt, desc)


#: the phone drawing of the spine chart: 4.1 in wide, no text under 8.5 pt (about 9.5 CSS px at 375 px)
NARROW_WIDTH_IN = 4.1
NARROW_FONT = 8.5


def _spine_chart_narrow(rows: pd.DataFrame, pos: pd.DataFrame, title: str):
    """The spine chart for a phone: each indicator's name on its own line, its spine under it with the
    value, England's value and the comparison beside it; the key under the chart, one entry a line."""
    n = len(rows)
    row_in, top_in, bottom_in = 0.62, 0.75, 2.2
    fig_h = top_in + row_in * n + bottom_in
    fig, ax = plt.subplots(figsize=(NARROW_WIDTH_IN, fig_h))
    fig.subplots_adjust(left=0.02, right=0.98, top=1 - top_in / fig_h, bottom=bottom_in / fig_h)
    y = np.arange(n)[::-1].astype(float)
    for i, r in rows.iterrows():
        p, yy = pos.loc[i], y[i]
        label = str(r["name"])
        if len(label) > 52:
            label = label[:50] + "…"
        ax.text(0, yy + 0.12, f"{label} ({r['period']})", ha="left", va="bottom", fontsize=NARROW_FONT)
        if pd.notna(p["min"]):
            ax.plot([p["min"], p["max"]], [yy - 0.18] * 2, color=RANGE_GREY, lw=7, solid_capstyle="butt", zorder=1)
            ax.plot([p["q25"], p["q75"]], [yy - 0.18] * 2, color=IQR_GREY, lw=7, solid_capstyle="butt", zorder=2)
        ax.plot([0.5, 0.5], [yy - 0.38, yy + 0.02], color=COMPARATOR, lw=1.5, zorder=3)
        sig = SIGNIFICANCE.get(str(r["sig95"]), SIGNIFICANCE["not compared"])
        if pd.notna(p["value"]):
            ax.scatter([min(max(p["value"], 0), 1)], [yy - 0.18], marker=sig["marker"], s=60, color=sig["colour"],
                       edgecolor="black", linewidth=0.7, zorder=4)
        ax.text(1.04, yy - 0.18, f"{_fmt(r['value'])} | {_fmt(r['england'])} {sig['symbol']}", ha="left",
                va="center", fontsize=NARROW_FONT)
    ax.set_xlim(0, 1.5)
    ax.set_ylim(-0.6, n - 0.35)
    ax.set_yticks([])
    ax.set_xticks([0, 0.5, 1], ["worse", "England", "better"], fontsize=NARROW_FONT)
    for s in ("top", "right", "left", "bottom"):
        ax.spines[s].set_visible(False)
    ax.tick_params(axis="x", length=0)
    ax.set_title(title, fontsize=10, loc="left", wrap=True)
    handles = [Line2D([], [], marker=SIGNIFICANCE[k]["marker"], color=SIGNIFICANCE[k]["colour"], ls="",
                      markeredgecolor="black", markersize=7, label=f"{SIGNIFICANCE[k]['symbol']} "
                      f"{SIGNIFICANCE[k]['label']} (95%)") for k in ("better", "similar", "worse", "not compared")]
    handles += [Patch(color=RANGE_GREY, label="Range of English upper-tier LAs"),
                Patch(color=IQR_GREY, label="Middle half of LAs (25th-75th percentile)"),
                Line2D([], [], color=COMPARATOR, lw=1.5, label="England value"),
                Line2D([], [], ls="", label="Beside each row: value | England")]
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.02, 0.0), ncol=1, fontsize=NARROW_FONT,
               frameon=False)
    return fig


def spine_data(rows: pd.DataFrame, area_name: str) -> pd.DataFrame:
    """The tidy data behind the spine chart (its "Download the data (CSV)"): each indicator's
    value, limits, England and the spread of English upper-tier authorities, with the comparisons."""
    cols = {"name": "indicator", "period": "period", "unit": "unit", "value": area_name,
            "lower95": "lower 95% limit", "upper95": "upper 95% limit", "england": "England",
            "min": "lowest English upper-tier LA", "q25": "25th percentile", "q75": "75th percentile",
            "max": "highest English upper-tier LA", "sig95": "vs England (95%)", "sig998": "vs England (99.8%)"}
    return rows[[c for c in cols if c in rows.columns]].rename(columns=cols).reset_index(drop=True)


def spine_description(rows: pd.DataFrame, missing: pd.DataFrame, area_name: str) -> list[str]:
    """One sentence per indicator, plus the list of indicators with no value."""
    out = [f"Each line is one indicator for {area_name}. The marker is the local value placed against "
           "England (centre line) and the range of English upper-tier local authorities, with better "
           "values to the right. Marker shape and words give the comparison with England."]
    for _, r in rows.iterrows():
        unit = "" if pd.isna(r.get("unit")) else f" ({r['unit']})"
        if pd.isna(r["england"]):
            out.append(f"{r['name']}, {r['period']}{unit}: {area_name} {_fmt(r['value'])}; England's value is "
                       "not in this report's sources, so it is not compared.")
            continue
        out.append(
            f"{r['name']}, {r['period']}{unit}: {area_name} {_fmt(r['value'])}, England "
            f"{_fmt(r['england'])}; {r['sig95']} at the 95% level and {r['sig998']} at the 99.8% level.")
    if len(missing):
        out.append("Not available for " + area_name + ": " + "; ".join(
            f"{r['name']} ({r['note']})" for _, r in missing.iterrows()) + ".")
    return out
