"""The life-course chart of the "tale of two babies" (one shared scale), the side-by-side gap chart,
and their text descriptions.

The life-course chart puts every indicator on the one scale they can share: the ratio of the two
values (the baby from the most deprived fifth of neighbourhoods over the baby from the least
deprived fifth; for indicators published only for whole local authorities, the area over England),
on a log scale with 1 (no gap) marked, so that a reader sees at a glance which gaps are large.
Rows run by life stage (start well to die well); each shows the raw values in its label. A filled
marker is a clear difference (95% intervals do not overlap), vermillion when the most deprived
fifth (or the area) is worse off and blue when it is better off; a hollow grey marker is no clear
difference or no interval to test. Whiskers are approximate 95% intervals of the ratio (from the
two groups' intervals, on the log scale). Scores that can be zero or negative (IMD domain scores)
have no meaningful ratio, and a ratio of two life expectancies is no measure a reader uses: those
rows give the values and, for years of life, the gap in years. Every ratio and gap written on the
chart or in its description comes from the two values as shown (jsna.words rounding rule).

Sized for a phone and for A4: 4.6 inches wide with no text under 9.5 pt, so that at 375 px the
smallest text is about 10 CSS px.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from jsna.gap_chart import CAPTION as GAP_OVER_TIME_CAPTION  # noqa: F401 - for the notebook
from jsna.gap_chart import gap_over_time_chart as gap_over_time  # noqa: F401 - the shared gap chart
from jsna.palette import COMPARATOR, LEAST_DEPRIVED, MOST_DEPRIVED, SERIES
from jsna.report import Chart, attach_data
from jsna.topics.two_babies.text import fmt_gap, fmt_value, shown_gap, shown_row_ratio
from jsna.words import is_missing, possessive

A4_WIDTH_IN = 8.27
WIDTH_IN = 4.6
FONT = 9.5
LINE_IN = 0.165  # one line of FONT-point text
HEADER_IN = 0.34
NAME_CHARS = 26
STRIP_LEFT = 0.47  # the ratio strip starts here (figure fraction); names sit to its left
WHOLE_AREA = "Whole area vs England"
NOT_CLEAR = "#6B6B6B"

SIG_TEXT = {
    "higher": "clear gap",
    "lower": "clear gap",
    "no clear difference": "not clear",
    "not tested": "no interval",
}

_TICKS = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0]
YEARS_NOTE = "compared in years, not as a ratio"


def _ok(*vals) -> bool:
    return all(not is_missing(v) for v in vals)


def ratio_row(row: pd.Series) -> tuple[float | None, float | None, float | None, str]:
    """(ratio a/b, approximate lower and upper 95% limits, reason when there is no ratio)."""
    if not row["available"] or not _ok(row["a_value"], row["b_value"]):
        return None, None, None, "not available"
    a, b = float(row["a_value"]), float(row["b_value"])
    if row["unit"] == "years":
        return None, None, None, YEARS_NOTE
    if row["unit"] == "score" or a <= 0 or b <= 0:
        return None, None, None, "a score, not on the ratio scale"
    r = a / b
    lims = [row.get(c) for c in ("a_lower", "a_upper", "b_lower", "b_upper")]
    if _ok(*lims) and min(lims) > 0:
        se = math.hypot((math.log(lims[1]) - math.log(lims[0])) / 3.92,
                        (math.log(lims[3]) - math.log(lims[2])) / 3.92)
        return r, math.exp(math.log(r) - 1.96 * se), math.exp(math.log(r) + 1.96 * se), ""
    return r, None, None, ""


def _clear(row: pd.Series) -> bool:
    return row["significance"] in ("higher", "lower") and row.get("worse_group") in ("a", "b")


def _marker(row: pd.Series) -> dict:
    shape = "D" if row["comparison"] == WHOLE_AREA else "o"
    if _clear(row):
        colour = MOST_DEPRIVED if row["worse_group"] == "a" else LEAST_DEPRIVED
        shape = shape if row["worse_group"] == "a" else ("D" if shape == "D" else "s")
        return {"marker": shape, "color": colour, "markerfacecolor": colour, "markeredgecolor": "white"}
    return {"marker": shape, "color": NOT_CLEAR, "markerfacecolor": "white", "markeredgecolor": NOT_CLEAR}


def _name(row: pd.Series) -> str:
    """Row label: name (period, whole area); a row with no period held shows no empty slot."""
    period = "" if is_missing(row["period"]) else str(row["period"]).strip()
    if period and period in str(row["name"]):  # e.g. "Deaths involving COVID-19, Mar-Dec 2020"
        period = ""
    parts = [p for p in (period, "whole area" if row["comparison"] == WHOLE_AREA else "") if p]
    return textwrap.fill(f"{row['name']} ({', '.join(parts)})" if parts else str(row["name"]), NAME_CHARS)


def _values(row: pd.Series) -> str:
    unit, dp = row["unit"], int(row["dp"])
    u = "%" if unit == "%" else ""

    def v(x):
        return "n/a" if is_missing(x) else f"{x:,.{dp}f}{u}"

    return f"{v(row['a_value'])} vs {v(row['b_value'])}"


def life_course_data(table: pd.DataFrame) -> pd.DataFrame:
    """The tidy data behind the life-course chart: one row per indicator, raw values, intervals,
    the ratio with its approximate interval, significance, unit, period and source."""
    rows = []
    for _, r in table.iterrows():
        ratio, lo, hi, why = ratio_row(r)
        rows.append({"stage": r["stage"], "indicator_id": r["indicator_id"], "indicator": r["name"],
                     "comparison": r["comparison"], "period": r["period"], "unit": r["unit"],
                     "a_label": r["a_label"], "a_value": r["a_value"], "a_lower": r["a_lower"],
                     "a_upper": r["a_upper"], "b_label": r["b_label"], "b_value": r["b_value"],
                     "b_lower": r["b_lower"], "b_upper": r["b_upper"], "gap": r["gap"],
                     "gap_of_values_shown": shown_gap(r),
                     "ratio": ratio, "ratio_lower": lo, "ratio_upper": hi, "ratio_note": why,
                     "ratio_of_values_shown": shown_row_ratio(r) if ratio is not None else None,
                     "significance": r["significance"], "source_id": r["source_id"]})
    return pd.DataFrame(rows)


def life_course_figure(table: pd.DataFrame, place_name: str) -> Chart:
    """Build the life-course ratio chart from a babies table. Returns (figure, alt text, description
    paragraphs); the description is written from the same rows the figure draws, and the tidy data
    (:func:`life_course_data`) is attached for the CSV link."""
    stages = list(dict.fromkeys(table["stage"]))
    plan: list[tuple[str, object, float]] = []
    for stage in stages:
        plan.append(("header", stage, HEADER_IN))
        for _, row in table[table["stage"] == stage].iterrows():
            n_lines = _name(row).count("\n") + 1
            plan.append(("row", row, max(n_lines, 2) * LINE_IN + 0.12))
    legend_in, axis_in, foot_in = 1.25, 0.42, 1.0
    body_in = sum(h for _, _, h in plan)
    height = legend_in + axis_in + body_in + axis_in + foot_in
    fig = plt.figure(figsize=(WIDTH_IN, height))
    ax = fig.add_axes((STRIP_LEFT, (axis_in + foot_in) / height, 0.97 - STRIP_LEFT, body_in / height))
    ax.set_xscale("log")
    ax.set_ylim(-body_in, 0)
    ratios = [ratio_row(r) for _, r in table.iterrows()]
    vals = [v for r in ratios for v in r[:3] if v is not None]
    lo = min([0.8, *vals]) / 1.12
    hi = max([1.25, *vals]) * 1.12
    ax.set_xlim(max(lo, 0.2), min(hi, 10.0))
    ticks = [t for t in _TICKS if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    ax.xaxis.set_major_locator(matplotlib.ticker.FixedLocator(ticks))
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"\u00d7{x:g}"))
    ax.tick_params(axis="x", labelsize=FONT, top=True, labeltop=True, length=3, colors="#333333")
    ax.set_yticks([])
    for side in ("left", "right"):
        ax.spines[side].set_visible(False)
    for t in ticks:
        ax.axvline(t, color="#E3E3E3", lw=0.6, zorder=0)
    ax.axvline(1.0, color="#333333", lw=1.0, zorder=1)
    names_tf = blended_transform_factory(fig.transFigure, ax.transData)
    strip_tf = blended_transform_factory(ax.transAxes, ax.transData)
    y = 0.0
    xmin, xmax = ax.get_xlim()
    ri = iter(ratios)
    for kind, item, h in plan:
        if kind == "header":
            ax.text(0.03, y - h * 0.55, str(item), transform=names_tf, fontsize=FONT + 1.5, fontweight="bold",
                    va="center", ha="left")
            ax.axhline(y - h + 0.02, color="#BBBBBB", lw=0.6, xmin=0, xmax=1, zorder=0, clip_on=False)
            y -= h
            continue
        row = item  # type: ignore[assignment]
        r, rlo, rhi, why = next(ri)
        top = y - 0.06
        ax.text(0.03, top, _name(row), transform=names_tf, fontsize=FONT, va="top", ha="left",
                linespacing=1.15)
        mid = top - LINE_IN * 0.55
        if r is None:
            colour, style, weight = "#444444", "italic", "normal"
            if why == "not available":
                label = "not available (see the table)"
            elif why == YEARS_NOTE:  # years of life: the gap in years, coloured as the markers are
                sig = SIG_TEXT.get(row["significance"], str(row["significance"]))
                label = f"gap {fmt_gap(shown_gap(row), 'years')}: {_values(row)}, {sig}"
                style = "normal"
                if _clear(row):
                    colour = MOST_DEPRIVED if row["worse_group"] == "a" else LEAST_DEPRIVED
                    weight = "bold"
            else:
                label = f"{why}: {_values(row)}"
            # on a white ground, so that the x1 line does not run through the words
            ax.text(0.0, mid, textwrap.fill(label, 30), transform=strip_tf, fontsize=FONT, va="top",
                    ha="left", color=colour, style=style, fontweight=weight, linespacing=1.15, zorder=5,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
            y -= h
            continue
        st = _marker(row)
        if rlo is not None and rhi is not None:
            ax.plot([max(rlo, xmin), min(rhi, xmax)], [mid, mid], color=st["color"], lw=1.4, zorder=2,
                    solid_capstyle="butt")
        ax.plot([min(max(r, xmin), xmax)], [mid], linestyle="none", markersize=7.5, markeredgewidth=1.3,
                zorder=3, **st)
        r_shown = shown_row_ratio(row) or r  # the ratio of the values as shown beside it
        ratio_txt = f"\u00d7{r_shown:.2f}" if r_shown < 10 else f"\u00d7{r_shown:.0f}"
        right = math.log(r / xmin) / math.log(xmax / xmin) < 0.62
        anchor = r
        if right and rhi is not None:
            anchor = min(rhi, xmax)
        elif not right and rlo is not None:
            anchor = max(rlo, xmin)
        ax.annotate(ratio_txt, (anchor, mid), xytext=(7 if right else -7, 0), textcoords="offset points",
                    fontsize=FONT, va="center", ha="left" if right else "right", color="#222222",
                    fontweight="bold" if _clear(row) else "normal")
        sig = SIG_TEXT.get(row["significance"], str(row["significance"]))
        ax.text(0.0, mid - LINE_IN * 1.05, f"{_values(row)}, {sig}", transform=strip_tf, fontsize=FONT,
                va="center", ha="left", color="#333333", zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        y -= h
    ax.set_xlabel("Ratio (log scale; \u00d71 = no gap)", fontsize=FONT, labelpad=4)
    handles = [
        Line2D([], [], linestyle="none", marker="o", markersize=7.5, color=MOST_DEPRIVED,
               markeredgecolor="white", label="Clearly worse for the most deprived fifth"),
        Line2D([], [], linestyle="none", marker="s", markersize=7.5, color=LEAST_DEPRIVED,
               markeredgecolor="white", label="Clearly better for the most deprived fifth"),
        Line2D([], [], linestyle="none", marker="o", markersize=7.5, color=NOT_CLEAR, markerfacecolor="white",
               markeredgewidth=1.3, label="No clear difference, or no interval"),
        Line2D([], [], linestyle="none", marker="D", markersize=7, color="#333333", markerfacecolor="white",
               label=f"Diamond: {place_name} vs England (whole area)"),
        Line2D([], [], color="#555555", lw=1.4, label="Approximate 95% interval of the ratio"),
    ]
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.02, 1 - 0.42 / height), ncol=1,
               fontsize=FONT, frameon=False, handletextpad=0.4, borderaxespad=0.0, labelspacing=0.3)
    fig.text(0.03, 1 - 0.08 / height, textwrap.fill(f"Two babies in {place_name}: how large is each gap?", 44),
             ha="left", va="top", fontsize=FONT + 2, fontweight="bold")
    fig.text(0.03, 0.06 / height, textwrap.fill(
             "Ratio: how many times as high for the most deprived fifth as for the least deprived fifth "
             "(area \u00f7 England for whole-area rows). \u00d72 and \u00d70.5 are equally far from \u00d71. "
             "Life expectancies are compared as a gap in years. Values: most vs least deprived fifth (or "
             "area vs England).", 60),
             ha="left", va="bottom", fontsize=FONT, color="#444444")
    alt, desc = life_course_description(table, place_name)
    attach_data(fig, life_course_data(table))
    return Chart(fig, alt, desc)


def life_course_description(table: pd.DataFrame, place_name: str) -> tuple[str, list[str]]:
    """Alt text and a text description (one paragraph per stage) of the life-course chart."""
    avail = table[table["available"].astype(bool)]
    small = avail[avail["comparison"] != WHOLE_AREA]
    worse = small[(small["worse_group"] == "a") & small["significance"].isin(["higher", "lower"])]
    n_stages = table["stage"].nunique()
    alt = (f"Chart of {len(table)} indicators for {place_name} across {n_stages} life stages on one "
           "ratio scale (how many times as high for the most deprived fifth as for the least deprived "
           f"fifth). {len(worse)} of {len(small)} available small-area indicators are clearly worse "
           "for the baby from the most deprived fifth of neighbourhoods than for the baby from "
           "the least deprived fifth.")
    paras = [("Each row gives the ratio of two values, so that every indicator shares one scale, "
              "with the two values themselves (life expectancies: the gap in years); a difference is clear "
              "when the two 95% intervals do not overlap. For "
              "small-area indicators the values are the most deprived fifth and the least deprived "
              f"fifth of {possessive(place_name)} neighbourhoods; rows marked 'whole area' compare {place_name} "
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
            if r.get("kind") == "covid_rate":  # crude rates of fifths whose age structures differ
                sig = "crude rates, not age-standardised (the fifths' ages differ)"
            ratio, _, _, why = ratio_row(r)
            shown_r = shown_row_ratio(r)
            times = (f", {shown_r:.2f} times as high" if ratio is not None and shown_r is not None
                     else "" if why in (YEARS_NOTE, "not available") else f" ({why})")
            bits.append(f"{r['name']} ({r['period']}): {r['a_label']} {a}, {r['b_label']} {b}, "
                        f"gap {fmt_gap(shown_gap(r), unit, dp)}, {sig}{times}")
        paras.append(f"{stage}. " + "; ".join(bits) + ".")
    return alt, paras


def _dp(row) -> int:
    """The decimals an indicator's values are shown with (1 where the row does not say)."""
    dp = row.get("dp")
    return 1 if dp is None or is_missing(dp) else int(dp)


def gap_chart(ov: pd.DataFrame, names: list[str]) -> Chart:
    """Overview: for each small-area indicator, each authority's gap (most minus least deprived
    fifth) as a dot, with England's gap as a grey bar, one row per indicator on its own scale."""
    d = ov[(ov["comparison"] != WHOLE_AREA)].reset_index(drop=True)
    markers = ["o", "s", "D", "^", "v", "P"]
    n = len(d)
    height = n * 0.62 + 1.6
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
        ax.tick_params(axis="x", labelsize=8.5, length=2, pad=1, colors="#333333")
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
        ax.text(-0.02, 0.5, textwrap.fill(f"{r['name']} ({r['unit']})", 40), transform=ax.transAxes,
                fontsize=9, va="center", ha="right")
        vals = [r[f"{nm} gap"] for nm in names] + [r["England gap"]]
        ok = [v for v in vals if not is_missing(v)]
        if not ok:
            ax.set_xticks([])
            ax.text(0.02, 0.5, "not available", transform=ax.transAxes, fontsize=9,
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
            bits.append(f"{nm} {v:,.{_dp(r)}f}")
        eng = "England not available" if is_missing(r["England gap"]) else f"England {r['England gap']:,.{_dp(r)}f}"
        paras.append(f"{r['name']} ({r['unit']}), gap most minus least deprived fifth: "
                     + "; ".join(bits) + f"; {eng}.")
    handles = [Line2D([], [], color=SERIES[i % len(SERIES)], marker=markers[i % len(markers)],
                      linestyle="none", label=nm) for i, nm in enumerate(names)]
    handles.append(Patch(color=COMPARATOR, alpha=0.45, label="England's gap"))
    fig.legend(handles=handles, loc="upper center", ncol=len(handles), fontsize=9, frameon=False,
               bbox_to_anchor=(0.5, 1 - 0.05 / height))
    fig.text(0.5, 1 - 0.5 / height, "Gap between the most and least deprived fifth, by authority and England",
             ha="center", fontsize=10.5, fontweight="bold")
    alt = (f"Dot chart of the gap between most and least deprived fifths for {len(d)} indicators, "
           f"for {', '.join(names)}, with England's gap as a grey bar. Each row has its own scale; "
           "0 is marked.")
    keep = ["name", "unit", *[f"{nm} {x}" for nm in names for x in ("a", "b", "gap")], "England gap"]
    data = d[[c for c in keep if c in d.columns]].rename(
        columns={"name": "indicator", **{f"{nm} a": f"{nm} most deprived fifth" for nm in names},
                 **{f"{nm} b": f"{nm} least deprived fifth" for nm in names}})
    attach_data(fig, data)
    return Chart(fig, alt, paras)


# --------------------------------------------------------------------------- map of MSOA life expectancy

#: the map's bands of life expectancy (years): the same for boys and girls, so the two panels compare
LE_MAP_EDGES = (76, 78, 80, 82, 84, 86)


def le_band(values: pd.Series) -> pd.Series:
    """Band 1 (shortest lives: under 76 years) to 7 (86 and over) of :data:`LE_MAP_EDGES`; NA stays NA."""
    v = values.astype("float64")
    band = pd.Series(np.searchsorted(LE_MAP_EDGES, v.to_numpy(), side="right") + 1.0, index=values.index)
    return band.where(v.notna())


def le_band_labels() -> list[str]:
    """The legend of :func:`le_band`, shortest lives first."""
    e = LE_MAP_EDGES
    return ([f"under {e[0]}"] + [f"{a} to under {b}" for a, b in zip(e, e[1:], strict=False)]
            + [f"{e[-1]} and over"])


def _le_map_sexes(r) -> list[tuple[str, str]]:
    return [(c, w) for c, w in (("male", "Boys"), ("female", "Girls")) if r.le_map is not None and c in r.le_map]


def has_le_map(r) -> bool:
    """True when :func:`le_map` has something to draw: a sex whose levels pass the plausibility check, and the
    Place's boundaries."""
    return bool(_le_map_sexes(r)) and r.boundaries is not None


def le_map(r) -> Chart:
    """The Place's neighbourhoods (MSOAs) shaded by OHID's life expectancy at birth, 2015-19, boys and girls side
    by side (jsna.maps.small_multiples, the deprivation palette: darkest = shortest lives); only the sexes whose
    levels pass the plausibility check (see :func:`has_le_map`)."""
    from jsna import maps, palette

    sexes = _le_map_sexes(r)
    if not sexes or r.boundaries is None:
        raise ValueError("le_map: nothing to map (no sex passes the plausibility check, or no boundaries)")
    geo = r.boundaries[["msoa11cd", "geometry"]].merge(r.le_map, on="msoa11cd", how="left")
    for c, _ in sexes:
        geo[f"{c}_band"] = le_band(geo[c])
    labels = le_band_labels()
    scheme = maps.CategoryScheme(tuple(float(i) for i in range(1, len(labels) + 1)),
                                 tuple(palette.deprivation_colours(len(labels))), tuple(labels),
                                 "Life expectancy (years)", missing_label="Not published")
    outl = geo.dissolve(by="lad19cd", as_index=False)[["lad19cd", "geometry"]] if geo["lad19cd"].nunique() > 1 else None
    fig = maps.small_multiples(geo, {f"{c}_band": w for c, w in sexes}, scheme,
                               outlines=[maps.Outline(outl, "Districts")] if outl is not None else (),
                               ncols=len(sexes) + 1, panel_size=3.6,
                               suptitle=f"{r.place.name}: life expectancy at birth by neighbourhood, 2015-19")
    alt = (f"Maps of {len(geo)} neighbourhoods (MSOAs) of {r.place.name} shaded by life expectancy at birth "
           f"(2015-19) for {' and '.join(w.lower() for _, w in sexes)}, darker where lives are shorter.")
    desc = []
    for c, w in sexes:
        ok = geo.dropna(subset=[c])
        lo, hi = ok.loc[ok[c].idxmin()], ok.loc[ok[c].idxmax()]
        missing = int(geo[c].isna().sum())
        desc.append(f"{w}: from {lo[c]:.1f} years in {lo['msoa11nm']} to {hi[c]:.1f} in {hi['msoa11nm']}"
                    + (f"; {missing} {'neighbourhood has' if missing == 1 else 'neighbourhoods have'} no published "
                       "value" if missing else "") + ".")
    used = sorted({int(b) for c, _ in sexes for b in geo[f"{c}_band"].dropna()})
    desc.append("Bands (years) on the map: " + "; ".join(labels[b - 1] for b in used) + ". OHID publishes these values without intervals; a "
                "neighbourhood's figure is uncertain by several years either way, so neighbouring bands do not show "
                "a real difference.")
    tidy = pd.DataFrame({"MSOA code (2011)": geo["msoa11cd"], "MSOA name": geo["msoa11nm"]})
    for c, w in sexes:
        tidy[f"Life expectancy, {w.lower()} (years)"] = geo[c].to_numpy()
        tidy[f"Band, {w.lower()} (years)"] = [labels[int(b) - 1] if pd.notna(b) else "not published"
                                              for b in geo[f"{c}_band"]]
    attach_data(fig, tidy, {"chart": "life expectancy by neighbourhood, 2015-19"})
    return Chart(fig, alt, desc)
