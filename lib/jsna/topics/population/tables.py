"""The population report's tables, as the reader sees them: built from the topic's results, no computation
beyond rounding for display."""

from __future__ import annotations

import pandas as pd

from jsna.topics.population.compute import LEAST, MOST, Results
from jsna.topics.population.text import group_words, mid

PCT = ".1f"


def _fmt(columns) -> dict[str, str]:
    """report.table's number_format: one decimal for every percentage column."""
    return {c: PCT for c in columns if "%" in c}


def pyramid_display(r: Results) -> tuple[pd.DataFrame, dict[str, str]]:
    """The counts behind the pyramid: each band's males and females, and the shares of all residents."""
    p, n = r.pyramid, r.place.name
    out = pd.DataFrame({
        "Age": p["band"], "Males": p["males"], "Females": p["females"],
        "Males (% of all)": p["male_pct"], "Females (% of all)": p["female_pct"],
        f"{n} (% of all)": p["persons_pct"], "England (% of all)": p["england_pct"]})
    total = {"Age": "All ages", "Males": int(p["males"].sum()), "Females": int(p["females"].sum()),
             "Males (% of all)": float(p["male_pct"].sum()), "Females (% of all)": float(p["female_pct"].sum()),
             f"{n} (% of all)": 100.0, "England (% of all)": 100.0}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    return out, _fmt(out.columns)


def differences_display(r: Results) -> tuple[pd.DataFrame, dict[str, str]]:
    """The runs of age bands that differ most from England (compute.largest_differences)."""
    from jsna.topics.population.text import ages_words

    d = r.differences
    out = pd.DataFrame({
        "Ages": [ages_words(int(a), b).removeprefix("aged ") for a, b in zip(d["first_age"], d["last_age"],
                                                                              strict=True)],
        "Compared with England": [f"{w} people" for w in d["direction"]],
        f"{r.place.name} (% of residents)": d["pct"].round(1),
        "England (% of residents)": d["england_pct"].round(1),
        "Difference (percentage points)": d["difference"]})
    return out, {c: PCT for c in out.columns[2:]}


def ages_display(r: Results) -> tuple[pd.DataFrame, dict[str, str]]:
    """Residents of each broad age group in the latest year, as a share of all, against England."""
    c = r.change[r.change["year"] == r.latest]
    out = pd.DataFrame({"Age group": [group_words(g).capitalize() for g in c["group"]],
                        "Residents": c["count"].to_numpy(), "% of residents": c["pct"].to_numpy(),
                        "England residents": c["england_count"].to_numpy(), "England (%)": c["england_pct"].to_numpy()})
    return out, _fmt(out.columns)


def change_display(r: Results) -> tuple[pd.DataFrame, dict[str, str]]:
    """Residents by age group and year, with the change since mid-2021 against England's."""
    c = r.change
    wide = c.pivot(index="group", columns="year", values="count")
    order = list(dict.fromkeys(c["group"]))
    out = pd.DataFrame({"Age group": [group_words(g).capitalize() for g in order]})
    for y in wide.columns:
        out[f"{mid(int(y))}"] = [int(wide.loc[g, y]) for g in order]
    s = r.since.set_index("group") if len(r.since) else None
    if s is not None:
        out["Change"] = [int(s.loc[g, "change"]) for g in order]
        out["Change (%)"] = [float(s.loc[g, "pct_change"]) for g in order]
        out["England change (%)"] = [float(s.loc[g, "england_pct_change"]) for g in order]
    return out, {**_fmt(out.columns), "Change": "+,.0f"}


def areas_display(r: Results) -> tuple[pd.DataFrame, dict[str, str]]:
    """A group Place: each area's residents, ages and change."""
    a, year = r.areas, mid(r.latest)
    out = pd.DataFrame({
        "Area": a["area_name"], f"Residents {year}": a["total"], "Aged 0 to 15 (%)": a["pct_0_15"],
        "Aged 65 and over (%)": a["pct_65"], "Residents mid-2021": a["total_2021"],
        "Change since mid-2021 (%)": a["pct_change"]})
    return out, _fmt(out.columns)


def ethnic_display(r: Results, detailed: bool = False) -> tuple[pd.DataFrame, dict[str, str]]:
    """Residents by high-level ethnic group (or by the 19 groups), with the region's and England's shares."""
    e = r.ethnic[r.ethnic["level"] == ("detailed" if detailed else "broad")]
    out = pd.DataFrame({"High-level group": e["broad_group"]}) if detailed else pd.DataFrame()
    out["Ethnic group"] = e["group"].to_numpy()
    out["Residents"] = e["count"].to_numpy()
    out["% of residents"] = e["pct"].to_numpy()
    if r.region is not None and not e["region_pct"].isna().all():
        out[f"{r.region.name} (%)"] = e["region_pct"].astype(float).to_numpy()
    out["England (%)"] = e["england_pct"].to_numpy()
    if not detailed:
        total = {c: 100.0 for c in out.columns if "%" in c}
        out = pd.concat([out, pd.DataFrame([{"Ethnic group": "All usual residents",
                                             "Residents": int(e["count"].sum()), **total}])], ignore_index=True)
    return out.reset_index(drop=True), _fmt(out.columns)


def minority_display(r: Results) -> tuple[pd.DataFrame, dict[str, str]]:
    """The ethnic minority share by both definitions, against the region and England."""
    m = r.minority
    defs = [(f"Every group {m.definition}", m.count, m.pct, m.region_pct, m.england_pct)]
    if m.definition != "other than White":
        defs.append(("Every group other than White", m.non_white_count, m.non_white_pct, m.region_non_white_pct,
                     m.england_non_white_pct))
    out = pd.DataFrame({"Ethnic minority groups, counted as": [d[0] for d in defs],
                        "Residents": [d[1] for d in defs], "Of all usual residents": m.residents,
                        "% of residents": [d[2] for d in defs]})
    if r.region is not None and m.region_pct is not None:
        out[f"{r.region.name} (%)"] = [d[3] for d in defs]
    out["England (%)"] = [d[4] for d in defs]
    return out, _fmt(out.columns)


def quintile_display(r: Results) -> tuple[pd.DataFrame, dict[str, str]]:
    """Residents by national fifth of IMD 2025."""
    q = r.quintiles
    names = {MOST: "1 (most deprived)", LEAST: "5 (least deprived)"}
    out = pd.DataFrame({
        "Fifth of England's neighbourhoods": [names.get(int(i), str(int(i))) for i in q["national_quintile"]],
        "Neighbourhoods": q["lsoas"], "Residents": q["residents"], "% of residents": q["pct"],
        "England (% of residents)": q["england_pct"]})
    return out, _fmt(out.columns)


def fifths_display(r: Results) -> tuple[pd.DataFrame, dict[str, str]]:
    """Broad ages (rows) of the most and least deprived fifths of the Place, when the rule allows, and of
    England's (columns): the % of each fifth's residents."""
    f = r.fifths
    cols = []
    if f.verdict.ok:
        cols += [(f"{r.place.name}: most deprived fifth (%)", f.broad, MOST),
                 (f"{r.place.name}: least deprived fifth (%)", f.broad, LEAST)]
    cols += [("England: most deprived fifth (%)", f.england_broad, MOST),
             ("England: least deprived fifth (%)", f.england_broad, LEAST)]
    groups = {"pct_0-14": "Aged under 15", "pct_15-64": "Aged 15 to 64", "pct_65+": "Aged 65 and over",
              "pct_85+": "Aged 85 and over"}
    out = pd.DataFrame({"Age group": list(groups.values())})
    for name, b, g in cols:
        x = b.set_index("group").loc[g]
        out[name] = [float(x[k]) for k in groups]
    return out, _fmt(out.columns)
