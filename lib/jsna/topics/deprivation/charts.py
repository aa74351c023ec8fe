"""Figures for the deprivation topic. Every builder returns (figure, alt text, text description)
written from the same numbers, so the picture and its words cannot drift apart."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from jsna import (
    maps,  # noqa: E402
    palette,  # noqa: E402
)
from jsna.report import Chart  # noqa: E402
from jsna.topics.deprivation.compute import SEVEN_DOMAINS, Headline  # noqa: E402
from jsna.words import fmt_number, fmt_pct, join_names, plural  # noqa: E402


def decile_population_chart(table: pd.DataFrame, place_name: str) -> Chart:
    """Bars: % of the Place's population in each national IMD decile, against England's 10%."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    x = table["decile"].astype(int)
    ax.bar(x, table["pct_population"], color=palette.DECILE_COLOURS, edgecolor="#333333", linewidth=0.5)
    ax.axhline(10.0, color=palette.COMPARATOR, linestyle="--", linewidth=1.5)
    ax.text(10.45, 10.3, "England: 10% in each decile", ha="right", va="bottom", fontsize=9,
            color=palette.COMPARATOR)
    for xi, v in zip(x, table["pct_population"], strict=True):
        ax.text(xi, v + 0.4, f"{v:.0f}%", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(list(range(1, 11)))
    ax.set_xticklabels(["1\nmost\ndeprived"] + [str(i) for i in range(2, 10)] + ["10\nleast\ndeprived"])
    ax.set_xlabel("National IMD 2019 decile")
    ax.set_ylabel("% of population (mid-2015)")
    ax.set_ylim(0, max(12.0, float(table["pct_population"].max()) * 1.15))
    ax.spines[["top", "right"]].set_visible(False)
    d1, d10 = table.iloc[0], table.iloc[9]
    core = float(table.loc[table["decile"].isin([1, 2]), "pct_population"].sum())
    ax.set_title(f"{core:.0f}% of {place_name} residents live in England's most deprived 20% of "
                 "neighbourhoods", loc="left", fontsize=11)
    alt = (f"Bar chart of the share of {place_name}'s population in each national deprivation decile, "
           f"from {fmt_pct(d1['pct_population'])} in decile 1 to {fmt_pct(d10['pct_population'])} in decile 10, "
           "with England's 10% per decile as a dashed line.")
    above = table.loc[table["pct_population"] > 10.0, "decile"].astype(int).tolist()
    desc = [
        "Share of the population (mid-2015) living in each national IMD 2019 decile: "
        + "; ".join(f"decile {int(r.decile)}: {fmt_pct(r.pct_population)} ({fmt_number(r.population)} people, "
                    f"{plural(int(r.lsoas), 'LSOA')})" for r in table.itertuples()) + ".",
        (f"Deciles above England's 10%: {join_names([str(d) for d in above])}." if above
         else "No decile holds more than England's 10%."),
    ]
    return Chart(fig, alt, desc)


def district_chart(districts: pd.DataFrame, england: Headline) -> Chart:
    """Horizontal bars: population-weighted IMD score per district, England's average as a line."""
    d = districts.sort_values("avg_score", ascending=True, kind="mergesort")
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(d) + 1.6))
    colours = [palette.MOST_DEPRIVED if s > england.avg_score else palette.LEAST_DEPRIVED for s in d["avg_score"]]
    hatches = ["//" if s > england.avg_score else "" for s in d["avg_score"]]
    bars = ax.barh(d["lad19nm"], d["avg_score"], color=colours, edgecolor="#333333", linewidth=0.5)
    for b, h in zip(bars, hatches, strict=True):
        b.set_hatch(h)
    ax.axvline(england.avg_score, color=palette.COMPARATOR, linestyle="--", linewidth=1.5)
    ax.text(england.avg_score, len(d) - 0.4, f" England {england.avg_score:.1f}", color=palette.COMPARATOR,
            fontsize=9, va="bottom")
    for b, s in zip(bars, d["avg_score"], strict=True):
        ax.text(b.get_width() + 0.3, b.get_y() + b.get_height() / 2, f"{s:.1f}", va="center", fontsize=8)
    ax.set_xlabel("IMD 2019 average score (population-weighted; higher = more deprived)")
    ax.spines[["top", "right"]].set_visible(False)
    worst = d.iloc[-1]
    ax.set_title(f"{worst['lad19nm']} is the most deprived district on average", loc="left", fontsize=11)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(facecolor=palette.MOST_DEPRIVED, hatch="//", label="More deprived than England"),
                       Patch(facecolor=palette.LEAST_DEPRIVED, label="Less deprived than England")],
              loc="lower right", fontsize=8, frameon=False)
    dd = d.iloc[::-1]
    more = dd.loc[dd["avg_score"] > england.avg_score, "lad19nm"].tolist()
    alt = (f"Bar chart of IMD 2019 average score for {plural(len(d), 'district')}, from {worst['lad19nm']} "
           f"({worst['avg_score']:.1f}) to {d.iloc[0]['lad19nm']} ({d.iloc[0]['avg_score']:.1f}), against "
           f"England's {england.avg_score:.1f}.")
    desc = ["Average IMD 2019 score by district (England " + f"{england.avg_score:.1f}): "
            + "; ".join(f"{r.lad19nm} {r.avg_score:.1f} ({fmt_pct(r.core20_pct)} of residents in England's most "
                        f"deprived 20%, {plural(int(r.lsoas_decile1), 'LSOA')} in the most deprived 10%)"
                        for r in dd.itertuples()) + ".",
            (f"More deprived than England on average: {join_names(more)}." if more
             else "No district is more deprived than England on average.")]
    return Chart(fig, alt, desc)


def decile_map_description(frame: pd.DataFrame, place_name: str, col: str = "imd_decile",
                           what: str = "national IMD 2019 decile") -> list[str]:
    """Text description of a decile map: counts per decile and where the extremes are (wards)."""
    counts = frame[col].value_counts().reindex(range(1, 11), fill_value=0)
    lines = [f"The map shows {plural(len(frame), 'LSOA')} of {place_name} coloured by {what} "
             "(1 = most deprived 10% of England's LSOAs, darkest; 10 = least deprived 10%, lightest). "
             "LSOAs per decile: " + "; ".join(f"{d}: {int(n)}" for d, n in counts.items()) + "."]
    for dec, word in ((1, "most"), (10, "least")):
        sub = frame[frame[col] == dec]
        if sub.empty:
            lines.append(f"No LSOA of {place_name} is in England's {word} deprived 10%.")
            continue
        wards = sub.groupby("wd19nm").size().sort_values(ascending=False, kind="mergesort")
        top = [f"{w} ({n})" for w, n in wards.head(6).items()]
        more = f" and {plural(len(wards) - 6, 'other ward')}" if len(wards) > 6 else ""
        verb = "is" if len(sub) == 1 else "are"
        lines.append(f"The {plural(len(sub), 'LSOA')} in England's {word} deprived 10% {verb} in "
                     f"{plural(len(wards), 'ward')}: {', '.join(top)}{more}.")
    return lines


def quintile_map_description(frame: pd.DataFrame, summary: pd.DataFrame, place_name: str) -> list[str]:
    """Text description of the local quintile map from the quintile summary."""
    if summary.empty:  # too few LSOAs for local quintiles (jsna.stats.quantiles gives NA)
        n = len(frame)
        return [f"{place_name} has {plural(n, 'LSOA')}: too few to split into five local groups, so the map "
                "shows no local quintiles (all areas 'not available'). Use the national deciles instead."]
    lines = [f"The map shows {place_name}'s LSOAs split into five local groups of about equal population "
             "by IMD 2019 score (1 = most deprived fifth locally, darkest)."]
    for r in summary.itertuples():
        lines.append(f"Quintile {int(r.quintile)}: {plural(int(r.lsoas), 'LSOA')}, {fmt_number(r.population)} "
                     f"people ({fmt_pct(r.pct_population)}), IMD scores {r.min_score:.1f} to {r.max_score:.1f}.")
    q1 = frame[frame["local_quintile"] == 1]
    if not q1.empty:
        wards = q1.groupby("wd19nm")["pop_total"].sum().sort_values(ascending=False, kind="mergesort")
        lines.append("Wards with most residents in the most deprived local fifth: "
                     + join_names(list(wards.head(5).index)) + ".")
    return lines


def domains_figure(frame: pd.DataFrame, outlines: list, domains: pd.DataFrame,
                   place_name: str) -> Chart:
    """Small multiples of the seven domains (national deciles) plus a text description."""
    panels = {f"{k}_decile": v for k, v in SEVEN_DOMAINS.items()}
    fig = maps.small_multiples(frame, panels, maps.decile_scheme("National decile"), outlines=outlines, ncols=4,
                               panel_size=3.0)
    top = domains.iloc[0]
    alt = (f"Seven small maps of {place_name}, one per IMD 2019 domain, each LSOA coloured by its national "
           f"decile; {top['label']} shows the most residents in England's most deprived 20%.")
    desc = ["Share of residents in England's most deprived 20% of LSOAs on each domain, highest first: "
            + "; ".join(f"{r.label} {fmt_pct(r.pct_pop_core20)} ({plural(int(r.lsoas_decile1), 'LSOA')} in the "
                        "most deprived 10%)" for r in domains.itertuples()) + "."]
    return Chart(fig, alt, desc)

def outlines(frame, place) -> list[maps.Outline]:
    """District outlines (and upper-tier outlines for a group Place) dissolved from the LSOA polygons,
    so they line up exactly with the neighbourhoods drawn."""
    out = []
    lads = frame.dissolve(by=["lad19cd", "lad19nm"], as_index=False)[["lad19cd", "lad19nm", "geometry"]]
    if len(lads) > 1:
        out.append(maps.Outline(lads, "District boundaries", label_col="lad19nm", weight=1.5))
    if "utla19cd" in frame.columns:
        utlas = frame.dissolve(by=["utla19cd", "utla19nm"], as_index=False)[["utla19cd", "utla19nm", "geometry"]]
        if len(utlas) > 1 or len(lads) == 1:
            out.append(maps.Outline(utlas, "Local authority boundaries", label_col="utla19nm", weight=2.5))
    return out
