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
from jsna.editions import Edition, edition_of, get_edition  # noqa: E402
from jsna.report import Chart  # noqa: E402
from jsna.topics.deprivation.compute import SEVEN_DOMAINS, Headline  # noqa: E402
from jsna.words import fmt_number, fmt_pct, join_names, plural, possessive  # noqa: E402


def decile_population_chart(table: pd.DataFrame, place_name: str, edition: Edition | str | None = None) -> Chart:
    """Bars: % of the Place's population in each national IMD decile, against England's 10%."""
    ed = get_edition(edition)
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
    ax.set_xlabel(f"National {ed.imd} decile")
    ax.set_ylabel(f"% of population ({ed.population_short})")
    ax.set_ylim(0, max(12.0, float(table["pct_population"].max()) * 1.15))
    ax.spines[["top", "right"]].set_visible(False)
    d1, d10 = table.iloc[0], table.iloc[9]
    core = float(table.loc[table["decile"].isin([1, 2]), "pct_population"].sum())
    ax.set_title(f"{core:.0f}% of {place_name} residents live in England's most deprived 20% of "
                 "neighbourhoods", loc="left", fontsize=11)
    alt = (f"Bar chart of the share of {possessive(place_name)} population in each national deprivation decile, "
           f"from {fmt_pct(d1['pct_population'])} in decile 1 to {fmt_pct(d10['pct_population'])} in decile 10, "
           "with England's 10% per decile as a dashed line.")
    above = table.loc[table["pct_population"] > 10.0, "decile"].astype(int).tolist()
    desc = [
        f"Share of the population ({ed.population_short}) living in each national {ed.imd} decile: "
        + "; ".join(f"decile {int(r.decile)}: {fmt_pct(r.pct_population)} ({fmt_number(r.population)} people, "
                    f"{plural(int(r.lsoas), 'LSOA')})" for r in table.itertuples()) + ".",
        (f"Deciles above England's 10%: {join_names([str(d) for d in above])}." if above
         else "No decile holds more than England's 10%."),
    ]
    from jsna.report import attach_data

    attach_data(fig, pd.DataFrame({
        f"national {ed.imd} decile (1 = most deprived)": x.to_numpy(),
        f"residents ({ed.population_short})": table["population"].to_numpy(),
        "% of residents": table["pct_population"].to_numpy(),
        "LSOAs": table["lsoas"].astype(int).to_numpy(),
        "England (% of residents in each decile)": 10.0}))
    return Chart(fig, alt, desc)


def district_chart(districts: pd.DataFrame, england: Headline) -> Chart:
    """Horizontal bars: average IMD score per district (MHCLG's published figure where the summary
    carries it, else population-weighted), England's average as a line."""
    ed = edition_of(districts)
    name = ed.lad_name
    d = districts.sort_values("avg_score", ascending=True, kind="mergesort")
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(d) + 1.6))
    colours = [palette.MOST_DEPRIVED if s > england.avg_score else palette.LEAST_DEPRIVED for s in d["avg_score"]]
    hatches = ["//" if s > england.avg_score else "" for s in d["avg_score"]]
    bars = ax.barh(d[name], d["avg_score"], color=colours, edgecolor="#333333", linewidth=0.5)
    for b, h in zip(bars, hatches, strict=True):
        b.set_hatch(h)
    ax.axvline(england.avg_score, color=palette.COMPARATOR, linestyle="--", linewidth=1.5)
    ax.text(england.avg_score, len(d) - 0.4, f" England {england.avg_score:.1f}", color=palette.COMPARATOR,
            fontsize=9, va="bottom")
    for b, s in zip(bars, d["avg_score"], strict=True):
        ax.text(b.get_width() + 0.3, b.get_y() + b.get_height() / 2, f"{s:.1f}", va="center", fontsize=8)
    how = "as published by MHCLG" if "published_rank" in d.columns else "population-weighted"
    ax.set_xlabel(f"{ed.imd} average score ({how}; higher = more deprived)")
    ax.spines[["top", "right"]].set_visible(False)
    worst = d.iloc[-1]
    ax.set_title(f"{worst[name]} is the most deprived district on average", loc="left", fontsize=11)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(facecolor=palette.MOST_DEPRIVED, hatch="//", label="More deprived than England"),
                       Patch(facecolor=palette.LEAST_DEPRIVED, label="Less deprived than England")],
              loc="lower right", fontsize=8, frameon=False)
    dd = d.iloc[::-1]
    more = dd.loc[dd["avg_score"] > england.avg_score, name].tolist()
    alt = (f"Bar chart of {ed.imd} average score for {plural(len(d), 'district')}, from {worst[name]} "
           f"({worst['avg_score']:.1f}) to {d.iloc[0][name]} ({d.iloc[0]['avg_score']:.1f}), against "
           f"England's {england.avg_score:.1f}.")
    desc = [f"Average {ed.imd} score by district (higher = more deprived; England " + f"{england.avg_score:.1f}): "
            + "; ".join(f"{getattr(r, name)} {r.avg_score:.1f} ({fmt_pct(r.core20_pct)} of residents in England's most "
                        f"deprived 20%, {plural(int(r.lsoas_decile1), 'LSOA')} in the most deprived 10%)"
                        for r in dd.itertuples()) + ".",
            (f"More deprived than England on average: {join_names(more)}." if more
             else "No district is more deprived than England on average.")]
    from jsna.report import attach_data

    tidy = pd.DataFrame({"district code": dd[ed.lad].to_numpy() if ed.lad in dd.columns else None,
                         "district": dd[name].to_numpy(),
                         f"{ed.imd} average score ({how})": dd["avg_score"].to_numpy(),
                         "England average score": england.avg_score})
    for col, head in (("core20_pct", "% of residents in England's most deprived 20%"),
                      ("lsoas_decile1", "LSOAs in England's most deprived 10%")):
        if col in dd.columns:
            tidy[head] = dd[col].to_numpy()
    attach_data(fig, tidy.dropna(axis=1, how="all"))
    return Chart(fig, alt, desc)


def decile_map_description(frame: pd.DataFrame, place_name: str, col: str = "imd_decile",
                           what: str | None = None) -> list[str]:
    """Text description of a decile map: counts per decile and where the extremes are (wards)."""
    ed = edition_of(frame)
    what = what or f"national {ed.imd} decile"
    counts = frame[col].value_counts().reindex(range(1, 11), fill_value=0)
    lines = [f"The map shows {plural(len(frame), 'LSOA')} of {place_name} coloured by {what} "
             "(1 = most deprived 10% of England's LSOAs, darkest; 10 = least deprived 10%, lightest). "
             "LSOAs per decile: " + "; ".join(f"{d}: {int(n)}" for d, n in counts.items()) + "."]
    for dec, word in ((1, "most"), (10, "least")):
        sub = frame[frame[col] == dec]
        if sub.empty:
            lines.append(f"No LSOA of {place_name} is in England's {word} deprived 10%.")
            continue
        lines.append(_wards_sentence(sub, ed, f"England's {word} deprived 10%"))
    return lines


def _wards_sentence(sub, ed, where: str) -> str:
    """'The N LSOAs in <where> are in W wards: A (3), B (2) ... and K other wards.' (six named)."""
    wards = sub.groupby(ed.ward_name).size().sort_values(ascending=False, kind="mergesort")
    top = [f"{w} ({n})" for w, n in wards.head(6).items()]
    more = f" and {plural(len(wards) - 6, 'other ward')}" if len(wards) > 6 else ""
    verb = "is" if len(sub) == 1 else "are"
    return f"The {plural(len(sub), 'LSOA')} in {where} {verb} in {plural(len(wards), 'ward')}: {', '.join(top)}{more}."


def quintile_map_description(frame: pd.DataFrame, summary: pd.DataFrame, place_name: str) -> list[str]:
    """Text description of the local quintile map from the quintile summary."""
    ed = edition_of(frame)
    if summary.empty:  # too few LSOAs for local quintiles (jsna.stats.quantiles gives NA)
        n = len(frame)
        return [f"{place_name} has {plural(n, 'LSOA')}: too few to split into five local groups, so the map "
                "shows no local quintiles (all areas 'not available'). Use the national deciles instead."]
    lines = [f"The map shows {possessive(place_name)} LSOAs split into five local groups of about equal population "
             f"by {ed.imd} score (1 = most deprived fifth locally, darkest)."]
    for r in summary.itertuples():
        lines.append(f"Quintile {int(r.quintile)}: {plural(int(r.lsoas), 'LSOA')}, {fmt_number(r.population)} "
                     f"people ({fmt_pct(r.pct_population)}), IMD scores {r.min_score:.1f} to {r.max_score:.1f}.")
    q1 = frame[frame["local_quintile"] == 1]
    if not q1.empty:
        wards = q1.groupby(ed.ward_name)["pop_total"].sum().sort_values(ascending=False, kind="mergesort")
        lines.append("Wards with most residents in the most deprived local fifth: "
                     + join_names(list(wards.head(5).index)) + ".")
    return lines


def domains_figure(frame: pd.DataFrame, outlines: list, domains: pd.DataFrame,
                   place_name: str) -> Chart:
    """Small multiples of the seven domains (national deciles) plus a text description."""
    ed = edition_of(frame)
    panels = {f"{k}_decile": v for k, v in SEVEN_DOMAINS.items()}
    fig = maps.small_multiples(frame, panels, maps.decile_scheme("National decile"), outlines=outlines, ncols=4,
                               panel_size=3.0)
    top = domains.iloc[0]
    alt = (f"Seven small maps of {place_name}, one per {ed.imd} domain, each LSOA coloured by its national "
           f"decile; {top['label']} shows the most residents in England's most deprived 20%.")
    desc = ["Share of residents in England's most deprived 20% of LSOAs on each domain, highest first: "
            + "; ".join(f"{r.label} {fmt_pct(r.pct_pop_core20)} ({plural(int(r.lsoas_decile1), 'LSOA')} in the "
                        "most deprived 10%)" for r in domains.itertuples()) + "."]
    from jsna.report import attach_data

    attach_data(fig, pd.DataFrame({"domain": domains["label"].to_numpy(),
                                   "% of residents in England's most deprived 20% on the domain":
                                       domains["pct_pop_core20"].to_numpy(),
                                   "LSOAs in England's most deprived 10% on the domain":
                                       domains["lsoas_decile1"].astype(int).to_numpy()}))
    return Chart(fig, alt, desc)


# ---------------------------------------------------------------------------------------------
# Maps of the report's edition
# ---------------------------------------------------------------------------------------------

TOOLTIP = {
    "lsoa11cd": "LSOA code",
    "lsoa11nm": "LSOA name",
    "msoa11hclnm": "Neighbourhood (MSOA)",
    "wd19nm": "Ward (2019)",
    "lad19nm": "District",
    "imd_decile": "National decile (1 = most deprived)",
    "rank_text": "National rank (1 = most deprived)",
}


def tooltip(edition: Edition | str | None = None) -> dict[str, str]:
    """Map tooltip columns -> labels in an edition's names (:data:`TOOLTIP` for IoD2019)."""
    ed = get_edition(edition)
    return {ed.lsoa: "LSOA code", ed.lsoa_name: "LSOA name", ed.msoa_hcl: "Neighbourhood (MSOA)",
            ed.ward_name: f"Ward ({ed.ward_year})", ed.lad_name: "District",
            "imd_decile": f"{ed.imd} national decile (1 = most deprived)",
            "rank_text": "National rank (1 = most deprived)"}


def map_tolerance_m(frame, base_m: float = 20.0, max_m: float = 150.0) -> float:
    """Simplification tolerance (metres) for the interactive map: 20 m for a city, more for a large
    rural authority whose detailed 2021 boundaries would otherwise make the report too heavy
    (about 3 m per km of the area's width, at most 150 m: at the zoom that shows a whole county a
    screen pixel covers well over 100 m, so the map looks the same)."""
    import math

    if len(frame) == 0:
        return base_m
    area_km2 = float(frame.to_crs(27700).geometry.area.sum()) / 1e6
    return float(min(max_m, max(base_m, 3.0 * math.sqrt(area_km2))))


def map_detail(frame) -> dict[str, float | int]:
    """``simplify_m`` and ``precision`` (decimal places of longitude and latitude) for the
    interactive map of this frame: :func:`map_tolerance_m`, and 4 decimal places (about 10 m)
    once the tolerance is 50 m or more, else 5 (about 1 m)."""
    tol = map_tolerance_m(frame)
    return {"simplify_m": tol, "precision": 4 if tol >= 50 else 5}


def interactive_decile_map(r, outlines: list, tiles: bool = False):
    """The interactive map of national deciles (``r``: jsna.topics.deprivation.compute.Results), with
    a layer of local quintiles when the reliability rule allows them."""
    ed, place = r.ed, r.place
    layers = [maps.ChoroplethLayer("imd_decile", maps.decile_scheme(edition=ed), f"National {ed.imd} decile")]
    if r.quintile_check.ok:
        layers.append(maps.ChoroplethLayer("local_quintile", maps.quintile_scheme(f"Local quintile ({place.short_name})"),
                                           "Local quintile"))
    return maps.interactive_map(r.frame, layers, tooltip=tooltip(ed), outlines=outlines, tiles=tiles,
                                **map_detail(r.frame))


def decile_map(r, outlines: list) -> Chart:
    """Static map of national deciles, for print."""
    ed, place = r.ed, r.place
    fig = maps.static_map(r.print_frame, "imd_decile", maps.decile_scheme(edition=ed), outlines=outlines,
                          title=f"{place.name}: LSOAs by national {ed.imd} decile")
    return Chart(fig, f"Static map of {place.name} LSOAs by national {ed.imd} decile, for print.",
                 decile_map_description(r.frame, place.name))


def quintile_map(r, outlines: list) -> Chart:
    """Static map of the local fifths."""
    ed, place = r.ed, r.place
    fig = maps.static_map(r.print_frame, "local_quintile", maps.quintile_scheme(f"Local quintile ({place.short_name})"),
                          outlines=outlines, title=f"{place.name}: LSOAs by local deprivation quintile")
    return Chart(fig, f"Map of {place.name} LSOAs by local {ed.imd} quintile.",
                 quintile_map_description(r.lsoas, r.quintiles, place.name))


def outlines(frame, place=None) -> list[maps.Outline]:
    """District outlines (and upper-tier outlines for a group Place) dissolved from the LSOA polygons,
    so they line up exactly with the neighbourhoods drawn (:func:`jsna.maps.area_outlines`)."""
    return maps.area_outlines(frame)


# ---------------------------------------------------------------------------------------------
# 2019 -> 2025
# ---------------------------------------------------------------------------------------------

#: colours of the directions of change (jsna.topics.deprivation.change.DIRECTIONS), Okabe-Ito
CHANGE_COLOURS = (palette.OKABE_ITO["vermillion"], "#BBBBBB", palette.OKABE_ITO["yellow"],
                  palette.OKABE_ITO["blue"])
CHANGE_LABELS = ("More deprived decile in 2025", "Same decile", "Within its former LSOAs' deciles",
                 "Less deprived decile in 2025")


def change_scheme(counts: dict[str, int] | None = None) -> maps.CategoryScheme:
    """Map categories of the 2019 -> 2025 direction of change (colour-blind safe; labelled). With
    ``counts`` (Change.counts) the rare "within its former LSOAs' deciles" category is left out of
    the legend when no neighbourhood has it."""
    from jsna.topics.deprivation.change import DIRECTIONS

    keep = [i for i, k in enumerate(DIRECTIONS) if counts is None or counts.get(k) or k != DIRECTIONS[2]]
    return maps.CategoryScheme(tuple(DIRECTIONS[i] for i in keep), tuple(CHANGE_COLOURS[i] for i in keep),
                               tuple(CHANGE_LABELS[i] for i in keep), "Decile 2019 to 2025",
                               missing_label="Not compared (see the text)")


def change_decile_chart(deciles: pd.DataFrame, place_name: str) -> Chart:
    """Paired bars: % of the Place's residents in each national decile, IMD 2019 against IMD 2025."""
    import numpy as np

    fig, ax = plt.subplots(figsize=(8, 4.2))
    x = np.arange(1, 11)
    w = 0.4
    a = deciles["pct_residents_2019"].to_numpy(dtype=float)
    b = deciles["pct_residents_2025"].to_numpy(dtype=float)
    ax.bar(x - w / 2, a, w, color="#FFFFFF", edgecolor=palette.OKABE_ITO["black"], hatch="///", linewidth=0.8,
           label="IMD 2019 (2011 LSOAs, mid-2015 population)")
    ax.bar(x + w / 2, b, w, color=palette.OKABE_ITO["blue"], edgecolor=palette.OKABE_ITO["black"], linewidth=0.5,
           label="IMD 2025 (2021 LSOAs, Census 2021 residents)")
    ax.axhline(10.0, color=palette.COMPARATOR, linestyle="--", linewidth=1.2)
    ax.set_xticks(list(x))
    ax.set_xticklabels(["1\nmost\ndeprived"] + [str(i) for i in range(2, 10)] + ["10\nleast\ndeprived"])
    ax.set_xlabel("National decile of the edition (England: 10% of neighbourhoods in each)")
    ax.set_ylabel("% of residents")
    ax.set_ylim(0, max(12.0, float(max(a.max(), b.max())) * 1.18))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper right", fontsize=8.5, frameon=False)
    d12a, d12b = float(a[:2].sum()), float(b[:2].sum())
    ax.set_title(f"{d12a:.0f}% of residents in England's most deprived 20% in 2019, {d12b:.0f}% in 2025",
                 loc="left", fontsize=11)
    alt = (f"Paired bar chart of the share of {possessive(place_name)} residents in each national decile of IMD 2019 "
           f"(hatched) and IMD 2025 (solid): {fmt_pct(d12a)} in the most deprived 20% in 2019 and {fmt_pct(d12b)} "
           "in 2025.")
    desc = ["Share of residents in each national decile, IMD 2019 then IMD 2025: "
            + "; ".join(f"decile {int(r.decile)}: {fmt_pct(r.pct_residents_2019)} and {fmt_pct(r.pct_residents_2025)}"
                        for r in deciles.itertuples()) + ".",
            "Each edition puts 10% of England's neighbourhoods in each decile; a bar above the dashed 10% line "
            "means the area has more than its share of that decile."]
    from jsna.report import attach_data

    attach_data(fig, deciles.rename(columns={
        "decile": "National decile (1 = most deprived)", "pct_residents_2019": "% of residents, IMD 2019",
        "lsoas_2019": "LSOAs, IMD 2019", "pct_lsoas_2019": "% of LSOAs, IMD 2019",
        "pct_residents_2025": "% of residents, IMD 2025", "lsoas_2025": "LSOAs, IMD 2025",
        "pct_lsoas_2025": "% of LSOAs, IMD 2025"}))
    return Chart(fig, alt, desc)


def change_map(ch, place_name: str) -> Chart:
    """Map of the Place's 2021 LSOAs by the direction of change of their decile (``ch``:
    jsna.topics.deprivation.change.ChangeReport)."""
    fig = maps.static_map(ch.frame, "direction", change_scheme(ch.counts), outlines=outlines(ch.frame),
                          title=f"{place_name}: national decile, IMD 2025 against IMD 2019", figsize=(7, 7))
    alt = (f"Map of {possessive(place_name)} 2021 LSOAs coloured by whether their IMD 2025 decile is more deprived, "
           "the same or less deprived than the IMD 2019 decile of the 2011 LSOAs they were formed from.")
    return Chart(fig, alt, change_map_description(ch.frame, place_name, ch.counts))


def change_map_description(frame: pd.DataFrame, place_name: str, counts: dict[str, int]) -> list[str]:
    """Text description of the map of the direction of change, from the same counts as the text."""
    from jsna.topics.deprivation.change import DIRECTIONS

    ed = edition_of(frame)
    lines = [f"The map shows {possessive(place_name)} {ed.lsoa_year} LSOAs coloured by how their national decile in IMD 2025 "
             "compares with the IMD 2019 decile of the 2011 LSOAs they were formed from: "
             + "; ".join(f"{lab[0].lower() + lab[1:]}: {plural(counts[k], 'LSOA')}"
                         for k, lab in zip(DIRECTIONS, CHANGE_LABELS, strict=True)
                         if counts[k] or k != DIRECTIONS[2]) + "."]
    not_compared = int(frame["direction"].isna().sum()) if "direction" in frame else 0
    if not_compared:
        lines.append(f"{plural(not_compared, 'LSOA')} could not be compared and {'is' if not_compared == 1 else 'are'} "
                     "drawn in grey as 'not compared'.")
    for k, word in ((DIRECTIONS[0], "a more deprived"), (DIRECTIONS[3], "a less deprived")):
        sub = frame[frame["direction"] == k]
        if len(sub):
            lines.append(_wards_sentence(sub, ed, f"{word} decile"))
    return lines


def collapsed_table_html(df: pd.DataFrame, caption: str, summary: str, **kw) -> str:
    """A long list of LSOAs as a folded, searchable table left out of print (jsna.report.long_list_html),
    so a phone reader is not walked through dozens of stacked rows to reach the next section."""
    from jsna.report import long_list_html

    return long_list_html(df, caption, summary, **kw)


def show_collapsed_table(df: pd.DataFrame, caption: str, summary: str, **kw) -> None:
    """Display :func:`collapsed_table_html` in the notebook."""
    from IPython.display import HTML, display

    display(HTML(collapsed_table_html(df, caption, summary, **kw)))
