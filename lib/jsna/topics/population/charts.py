"""The population report's figures: the pyramid against England's outline, the change since mid-2021 by
age, the high-level ethnic groups and the age profile of the most and least deprived fifths.

Sized for a phone and for A4: 4.6 inches wide with no text under 9.5 pt, so that at 375 px the smallest
text is about 10 CSS px. Groups are told apart by words on the chart (Males, Females, place names, line
labels) and by marker or hatch, never by colour alone. Every builder returns a jsna.report.Chart (figure,
alt text and text description written from the same numbers) with the tidy data attached.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from jsna.palette import COMPARATOR, LEAST_DEPRIVED, MOST_DEPRIVED, OKABE_ITO  # noqa: E402
from jsna.report import Chart, attach_data  # noqa: E402
from jsna.topics.population import text  # noqa: E402
from jsna.topics.population.compute import LEAST, MOST, Results  # noqa: E402

WIDTH_IN = 4.6
FONT = 9.5
MALE = OKABE_ITO["blue"]
FEMALE = OKABE_ITO["orange"]
ENGLAND_EDGE = "#000000"
PLACE_BAR = OKABE_ITO["blue"]
REGION_BAR = OKABE_ITO["sky_blue"]


def _legend_below(fig, ax, handles=None) -> None:
    """The key under the chart, one entry a line, with the chart laid out above it."""
    handles = handles or ax.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=1, fontsize=FONT,
               frameon=False)
    fig.tight_layout(rect=(0, (0.2 * len(handles) + 0.15) / fig.get_figheight(), 1, 1))


def _style(ax) -> None:
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    ax.tick_params(labelsize=FONT)


def pyramid_chart(r: Results) -> Chart:
    """Males (left) and females (right) of each five-year band as a % of all residents, England's shares as
    a black outline; 'Males' and 'Females' written over the two halves."""
    p = r.pyramid
    y = np.arange(len(p))
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 6.2))
    ax.barh(y, -p["male_pct"], height=0.86, color=MALE, label=f"{r.place.name}: males")
    ax.barh(y, p["female_pct"], height=0.86, color=FEMALE, label=f"{r.place.name}: females")
    for side, col in ((-1, "england_male_pct"), (1, "england_female_pct")):
        ax.barh(y, side * p[col], height=0.86, fill=False, edgecolor=ENGLAND_EDGE, linewidth=1.1,
                label="England" if side == 1 else None)
    top = float(max(p[["male_pct", "female_pct", "england_male_pct", "england_female_pct"]].max()))
    lim = np.ceil(top + 0.4)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-0.7, len(p) + 1.2)
    half = np.arange(0, lim + 0.01, 1 if lim <= 4 else 2)
    ticks = np.concatenate([-half[:0:-1], half])
    ax.set_xticks(ticks, [f"{abs(t):g}%" for t in ticks])
    ax.set_yticks(y, p["band"])
    ax.axvline(0, color=COMPARATOR, linewidth=0.8)
    ax.text(-lim * 0.5, len(p) + 0.1, "Males", ha="center", va="bottom", fontsize=FONT + 1.5, fontweight="bold")
    ax.text(lim * 0.5, len(p) + 0.1, "Females", ha="center", va="bottom", fontsize=FONT + 1.5, fontweight="bold")
    ax.set_xlabel("Share of all residents", fontsize=FONT)
    ax.set_ylabel("Age", fontsize=FONT)
    _style(ax)
    handles = [Patch(facecolor=MALE, label=f"{r.place.name}: males"),
               Patch(facecolor=FEMALE, label=f"{r.place.name}: females"),
               Patch(facecolor="none", edgecolor=ENGLAND_EDGE, label="England (outline)")]
    ax.set_title(f"{r.place.name}, {text.mid(r.pyramid_year)}", fontsize=FONT + 1.5, loc="left")
    _legend_below(fig, ax, handles)
    data = p[["band", "males", "females", "male_pct", "female_pct", "persons_pct", "england_male_pct",
              "england_female_pct", "england_pct"]].rename(
        columns={"band": "age", "male_pct": "males % of all residents", "female_pct": "females % of all residents",
                 "persons_pct": "% of all residents", "england_male_pct": "England males % of all residents",
                 "england_female_pct": "England females % of all residents",
                 "england_pct": "England % of all residents"})
    attach_data(fig, data, {"area": r.place.name, "period": text.mid(r.pyramid_year),
                            "source": "ONS mid-year population estimates"})
    return Chart(fig, text.pyramid_alt(r), text.pyramid_description(r))


def change_chart(r: Results) -> Chart:
    """Percentage change since mid-2021 of all ages and each broad age group: the place (solid) and England
    (hatched), each bar labelled with its value."""
    s = r.since
    if s.empty:
        raise ValueError(f"change_chart: no change since mid-2021 is held for {r.place.name}")
    labels = [text.group_words(g).capitalize() for g in s["group"]]
    y = np.arange(len(s))[::-1]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.75 * len(s) + 1.8))
    h = 0.38
    ax.barh(y + h / 2, s["pct_change"], height=h, color=PLACE_BAR, label=r.place.name)
    ax.barh(y - h / 2, s["england_pct_change"], height=h, color="white", edgecolor=COMPARATOR, hatch="///",
            label="England")
    vals = np.concatenate([s["pct_change"].to_numpy(float), s["england_pct_change"].to_numpy(float)])
    lo, hi = min(0.0, vals.min()), max(0.0, vals.max())
    pad = 0.28 * (hi - lo or 1)
    ax.set_xlim(lo - (pad if lo < 0 else 0), hi + pad)
    for yy, v in [*zip(y + h / 2, s["pct_change"], strict=True), *zip(y - h / 2, s["england_pct_change"], strict=True)]:
        ax.text(v + (0.02 if v >= 0 else -0.02) * (hi - lo or 1), yy, f"{v:+.1f}%", va="center",
                ha="left" if v >= 0 else "right", fontsize=FONT)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, labels)
    ax.set_xlabel(f"Change in residents, {text.mid(int(s['first_year'].iloc[0]))} to "
                  f"{text.mid(int(s['last_year'].iloc[0]))}", fontsize=FONT)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}%"))
    _style(ax)
    _legend_below(fig, ax)
    attach_data(fig, s.rename(columns={"first": "residents first year", "last": "residents last year",
                                       "pct_change": "change %", "england_first": "England first year",
                                       "england_last": "England last year",
                                       "england_pct_change": "England change %"}),
                {"area": r.place.name, "source": "ONS mid-year population estimates"})
    return Chart(fig, text.change_alt(r), text.change_description(r))


def ethnic_chart(r: Results) -> Chart:
    """Share of residents in each high-level ethnic group: the place, its region and England, each bar
    labelled with its value and each series named in the legend and told apart by hatch."""
    b = r.ethnic[r.ethnic["level"] == "broad"].reset_index(drop=True)
    series = [(r.place.name, b["pct"], {"color": PLACE_BAR})]
    if r.region is not None and not b["region_pct"].isna().all():
        series.append((r.region.name, b["region_pct"].astype(float), {"color": REGION_BAR, "hatch": "..",
                                                                     "edgecolor": "#333333"}))
    series.append(("England", b["england_pct"], {"color": "white", "hatch": "///", "edgecolor": COMPARATOR}))
    names = {"Asian, Asian British or Asian Welsh": "Asian", "Black, Black British, Black Welsh, Caribbean or African":
             "Black", "Mixed or Multiple ethnic groups": "Mixed or Multiple", "Other ethnic group": "Other",
             "White": "White"}
    k = len(series)
    h = 0.8 / k
    y = np.arange(len(b))[::-1]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.3 * k * len(b) + 1.5 + 0.2 * k))
    for i, (label, vals, style) in enumerate(series):
        pos = y + 0.4 - h * (i + 0.5)
        ax.barh(pos, vals, height=h * 0.95, label=label, **style)
        for yy, v in zip(pos, vals, strict=True):
            ax.text(v + 1, yy, f"{v:.1f}%", va="center", ha="left", fontsize=FONT)
    ax.set_yticks(y, [names.get(g, g) for g in b["group"]])
    ax.set_xlim(0, 118)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel("Share of usual residents, Census 2021", fontsize=FONT)
    _style(ax)
    _legend_below(fig, ax)
    data = b[["group", "count", "pct", "region_pct", "england_count", "england_pct"]].rename(
        columns={"group": "ethnic group", "count": "residents", "pct": "% of residents",
                 "region_pct": "region %", "england_count": "England residents", "england_pct": "England %"})
    attach_data(fig, data, {"area": r.place.name, "period": "Census 2021", "source": "ONS Census 2021"})
    return Chart(fig, text.ethnic_alt(r), text.ethnic_description(r))


def fifths_chart(r: Results) -> Chart:
    """The share of residents in each five-year band, for the Place's most and least deprived fifths (lines
    with different markers, labelled at their ends) and, dashed, England's."""
    f = r.fifths
    lines = []
    if f.verdict.ok:
        lines += [(f.profile, MOST, f"{r.place.name}: most deprived fifth", MOST_DEPRIVED, "o", "-"),
                  (f.profile, LEAST, f"{r.place.name}: least deprived fifth", LEAST_DEPRIVED, "s", "-")]
    lines += [(f.england_profile, MOST, "England: most deprived fifth", MOST_DEPRIVED, "o", ":"),
              (f.england_profile, LEAST, "England: least deprived fifth", LEAST_DEPRIVED, "s", ":")]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 4.2 + 0.2 * len(lines)))
    rows = []
    for prof, g, label, colour, marker, ls in lines:
        d = prof[prof["group"] == g]
        ax.plot(d["first_age"], d["pct"], color=colour, marker=marker, linestyle=ls, linewidth=1.6 if ls == "-"
                else 1.2, markersize=5 if ls == "-" else 3.5, label=label,
                markerfacecolor=colour if ls == "-" else "white")
        rows.append(d.assign(series=label))
    ax.set_xticks(list(range(0, 90, 10)))
    ax.set_xlabel("Age (first year of each five-year band; 85 = 85 and over)", fontsize=FONT)
    ax.set_ylabel("Share of the fifth's residents", fontsize=FONT)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}%"))
    ax.set_ylim(bottom=0)
    _style(ax)
    _legend_below(fig, ax)
    data = pd.concat(rows, ignore_index=True)[["series", "band", "count", "pct"]].rename(
        columns={"band": "age", "count": "residents", "pct": "% of the fifth's residents"})
    attach_data(fig, data, {"period": "Census 2021", "source": "ONS Census 2021; English Indices of Deprivation 2025"})
    return Chart(fig, text.fifths_alt(r), text.fifths_description(r))
