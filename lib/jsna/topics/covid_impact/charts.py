"""Covid-19 figures. Each builder returns (figure, alt text, text description) computed from the
same data, so the description cannot drift from the chart."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from jsna import palette  # noqa: E402
from jsna.report import Chart, attach_data  # noqa: E402
from jsna.topics.covid_impact.compute import FREE_TESTING_ENDED, LEICESTER_LOCKDOWN, WAVES  # noqa: E402
from jsna.words import fmt_number, fmt_pct, is_missing, join_names, plural  # noqa: E402

QUINTILE_LABELS = {1: "1 most deprived", 2: "2", 3: "3", 4: "4", 5: "5 least deprived"}


def _date(d: pd.Timestamp) -> str:
    return f"{d.day} {d:%B %Y}"


def _shade_waves(ax, lo: pd.Timestamp, hi: pd.Timestamp) -> None:
    for i, (name, start, end) in enumerate(WAVES):
        s, e = max(pd.Timestamp(start), lo), min(pd.Timestamp(end), hi)
        if s >= e:
            continue
        if i % 2 == 0:
            ax.axvspan(s, e, color="#f0f0f0", zorder=0)
        ax.text(s + (e - s) / 2, 0.98, name, transform=ax.get_xaxis_transform(), ha="center",
                va="top", fontsize=8, color="#444444")


def _wide_rates(frames: list[tuple[pd.DataFrame, str | None]], value: str = "rate_7d") -> pd.DataFrame:
    """The chart's data for its CSV download: one row per date, one column per area (7-day rate per
    100,000, 1 decimal place). ``frames``: (frame, column name or None to use each area's name)."""
    cols = []
    for f, name in frames:
        if f.empty:
            continue
        for area, g in (f.groupby("area_name", sort=True) if name is None else [(name, f)]):
            cols.append(g.set_index("date")[value].rename(area).round(1))
    return pd.concat(cols, axis=1).sort_index().rename_axis("date").reset_index()


def waves_chart(place: pd.DataFrame, districts: pd.DataFrame, england: pd.DataFrame, place_name: str,
                show_lockdown: bool = True) -> Chart:
    """7-day case rate per 100,000 over time: Place (black), its districts (thin), England (dashed).

    Frames have date, area_name and rate_7d; ``districts`` may be empty (a unitary Place).
    """
    fig, ax = plt.subplots(figsize=(10, 4.8))
    lo = min(f["date"].min() for f in (place, england) if not f.empty)
    hi = max(f["date"].max() for f in (place, england) if not f.empty)
    _shade_waves(ax, lo, hi)
    first = True
    for _name, g in (districts.groupby("area_name", sort=True) if not districts.empty else []):
        ax.plot(g["date"], g["rate_7d"], color=palette.OKABE_ITO["sky_blue"], lw=0.7, alpha=0.9,
                label="Each district" if first else None)
        first = False
    ax.plot(england["date"], england["rate_7d"], color=palette.COMPARATOR, lw=1.6, ls="--", label="England")
    ax.plot(place["date"], place["rate_7d"], color=palette.PLACE, lw=1.6, label=place_name)
    if hi > FREE_TESTING_ENDED:
        ax.axvspan(FREE_TESTING_ENDED, hi, facecolor="none", hatch="///", edgecolor="#bbbbbb", lw=0, zorder=0)
        ax.text(FREE_TESTING_ENDED, 0.88, " free testing ended:\n not comparable", transform=ax.get_xaxis_transform(),
                fontsize=8, va="top", color="#444444")
    if show_lockdown:
        ax.axvline(LEICESTER_LOCKDOWN, color=palette.OKABE_ITO["vermillion"], lw=1, ls=":")
        ax.text(LEICESTER_LOCKDOWN, 0.62, " Leicester local\n lockdown 29 Jun 2020", transform=ax.get_xaxis_transform(),
                fontsize=8, va="top", color=palette.OKABE_ITO["vermillion"])
    ax.set_ylabel("New cases in 7 days per 100,000")
    ax.set_xlim(lo, hi)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(0.2, 0.92), frameon=False, fontsize=9)
    pk = place.loc[place["rate_7d"].idxmax()]
    ek = england.loc[england["rate_7d"].idxmax()]
    ax.set_title(f"{place_name}: Covid-19 cases peaked at {fmt_number(pk['rate_7d'])} per 100,000 in 7 days "
                 f"({pk['date']:%b %Y})", loc="left", fontsize=11)
    fig.tight_layout()
    alt = (f"Line chart of 7-day Covid-19 case rates per 100,000 for {place_name}"
           f"{' and its districts' if not districts.empty else ''} against England, "
           f"{_date(lo)} to {_date(hi)}.")
    attach_data(fig, _wide_rates([(place, place_name), (england, "England"), (districts, None)]),
                {"unit": "new cases by specimen date in 7 days per 100,000 (ONS mid-2019 populations)",
                 "source": "UKHSA coronavirus dashboard"})
    desc = [f"The highest 7-day rate in {place_name} was {fmt_number(pk['rate_7d'])} per 100,000 in the week to "
            f"{_date(pk['date'])}; England's highest was {fmt_number(ek['rate_7d'])} in the week to {_date(ek['date'])}."]
    for name, start, end in WAVES:
        p = place[(place["date"] >= start) & (place["date"] <= end)].dropna(subset=["rate_7d"])
        e = england[(england["date"] >= start) & (england["date"] <= end)].dropna(subset=["rate_7d"])
        if p.empty or e.empty:
            continue
        pi, ei = p["rate_7d"].idxmax(), e["rate_7d"].idxmax()
        desc.append(f"{name} ({_date(pd.Timestamp(start))} to {_date(pd.Timestamp(end))}): {place_name} peaked at "
                    f"{fmt_number(p.at[pi, 'rate_7d'])} ({_date(p.at[pi, 'date'])}), England at "
                    f"{fmt_number(e.at[ei, 'rate_7d'])} ({_date(e.at[ei, 'date'])}).")
    if show_lockdown:
        on = place[place["date"] == LEICESTER_LOCKDOWN]
        eng = england[england["date"] == LEICESTER_LOCKDOWN]
        if not on.empty and not eng.empty:
            desc.append(f"On 29 June 2020, when Leicester's local lockdown began, the 7-day rate was "
                        f"{fmt_number(on['rate_7d'].iloc[0], 1)} per 100,000 in {place_name} against "
                        f"{fmt_number(eng['rate_7d'].iloc[0], 1)} in England.")
    if not districts.empty and districts["rate_7d"].notna().any():
        top = districts.loc[districts["rate_7d"].idxmax()]
        desc.append(f"Among the districts, the highest 7-day rate was {fmt_number(top['rate_7d'])} in "
                    f"{top['area_name']} ({_date(top['date'])}).")
    return Chart(fig, alt, desc)


def deaths_chart(place: pd.DataFrame, england: pd.DataFrame, place_name: str) -> Chart:
    """7-day deaths within 28 days of a positive test per 100,000: Place vs England (to June 2021)."""
    fig, ax = plt.subplots(figsize=(10, 4))
    lo, hi = place["date"].min(), place["date"].max()
    eng = england[(england["date"] >= lo) & (england["date"] <= hi)]
    _shade_waves(ax, lo, hi)
    ax.plot(eng["date"], eng["rate_7d"], color=palette.COMPARATOR, lw=1.6, ls="--", label="England")
    ax.plot(place["date"], place["rate_7d"], color=palette.PLACE, lw=1.6, label=place_name)
    ax.set_ylabel("Deaths in 7 days per 100,000")
    ax.set_xlim(lo, hi)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(0, 0.9), frameon=False, fontsize=9)
    pk = place.loc[place["rate_7d"].idxmax()]
    ek = eng.loc[eng["rate_7d"].idxmax()]
    ax.set_title(f"{place_name}: deaths within 28 days of a positive test peaked in {pk['date']:%B %Y}",
                 loc="left", fontsize=11)
    fig.tight_layout()
    alt = (f"Line chart of 7-day deaths within 28 days of a positive Covid-19 test per 100,000, {place_name} "
           f"against England, {_date(lo)} to {_date(hi)}.")
    attach_data(fig, _wide_rates([(place, place_name), (eng, "England")]),
                {"unit": "deaths within 28 days of a positive test in 7 days per 100,000 (ONS mid-2019 populations)",
                 "source": "UKHSA coronavirus dashboard"})
    desc = [f"{place_name}'s highest 7-day death rate was {fmt_number(pk['rate_7d'], 1)} per 100,000 in the week "
            f"to {_date(pk['date'])}; England's highest in the same period was {fmt_number(ek['rate_7d'], 1)} "
            f"({_date(ek['date'])}).",
            f"The series ends on {_date(hi)}: no later deaths within 28 days by council are in this report's sources."]
    return Chart(fig, alt, desc)


def quintile_chart(by_q: pd.DataFrame, ylabel: str, title: str, what: str, dp: int = 0, gap: dict | None = None,
                   upper: pd.DataFrame | None = None) -> Chart:
    """Bar chart of a value with 95% limits by local deprivation quintile (1 = most deprived, darkest).
    Its data also carry, when given, the rate ratio and slope index of inequality of ``gap`` (the
    sentences under the chart state them) and ``upper``'s values by quintile (a case rate's upper
    bound, suppressed weeks counted as 2 cases)."""
    fig, ax = plt.subplots(figsize=(7, 4))
    q = by_q.sort_values("quintile")
    x = np.arange(len(q))
    colours = [palette.QUINTILE_COLOURS[int(i) - 1] for i in q["quintile"]]
    ax.bar(x, q["value"], color=colours, edgecolor="#333333", lw=0.5)
    err = np.vstack([q["value"] - q["lowercl"], q["uppercl"] - q["value"]])
    ax.errorbar(x, q["value"], yerr=err, fmt="none", ecolor="#333333", capsize=4, lw=1)
    ax.set_xticks(x, [QUINTILE_LABELS[int(i)] for i in q["quintile"]])
    ax.set_xlabel("Local deprivation quintile (IMD 2019 score of the MSOA)")
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout()
    alt = f"Bar chart of {what} by local deprivation quintile with 95% confidence intervals."
    desc = [f"Quintile {QUINTILE_LABELS[int(r.quintile)]}: {fmt_number(r.value, dp)} "
            f"(95% CI {fmt_number(r.lowercl, dp)} to {fmt_number(r.uppercl, dp)})." for r in q.itertuples()]
    data = _quintile_data(q, what)
    if upper is not None:
        data[f"{what}, upper bound (suppressed weeks as 2 cases)"] = (
            upper.set_index("quintile")["value"].reindex(q["quintile"]).to_numpy())
    for key, head in (("ratio", "rate ratio (most / least deprived fifth)"), ("sii", "slope index of inequality"),
                      ("sii_lower", "SII lower 95% limit"), ("sii_upper", "SII upper 95% limit")):
        if gap and not is_missing(gap.get(key)):
            data[head] = float(gap[key])
    attach_data(fig, data, {"chart": title})
    return Chart(fig, alt, desc)


def _quintile_data(q: pd.DataFrame, what: str) -> pd.DataFrame:
    """The tidy rows behind a chart by local quintile: quintile (number and label), the value and its
    95% limits, and the counts the value is made from where the table carries them."""
    out = pd.DataFrame({"local deprivation quintile": q["quintile"].astype(int).to_numpy(),
                        "quintile label": [QUINTILE_LABELS[int(i)] for i in q["quintile"]]})
    extra = [c for c in q.columns if c not in ("quintile", "value", "lowercl", "uppercl")
             and (pd.api.types.is_numeric_dtype(q[c]) or pd.api.types.is_string_dtype(q[c]))]
    for c in [c for c in ("age_group", "dose") if c in q.columns]:
        out[c] = q[c].to_numpy()
    out[what] = q["value"].to_numpy()
    out["lower 95% limit"] = q["lowercl"].to_numpy()
    out["upper 95% limit"] = q["uppercl"].to_numpy()
    for c in extra:
        if c not in out.columns:
            out[c] = q[c].to_numpy()
    return out


def ltla_scatter(df: pd.DataFrame, names: dict[str, str], place_name: str) -> Chart:
    """All English LTLAs: cumulative death rate against IMD 2019 score, the Place's districts labelled."""
    fig, ax = plt.subplots(figsize=(8, 5.5))
    base = df[~df["highlight"]]
    hi = df[df["highlight"]]
    ax.scatter(base["imd_score"], base["death_rate"], s=14, color="#bbbbbb", edgecolor="none",
               label="Other English districts")
    ax.scatter(hi["imd_score"], hi["death_rate"], s=40, color=palette.OKABE_ITO["vermillion"], marker="D",
               edgecolor="black", lw=0.5, label=f"{place_name}: {plural(len(hi), 'district')}")
    for r in hi.itertuples():
        ax.annotate(names.get(r.lad19cd, r.lad19cd), (r.imd_score, r.death_rate), xytext=(4, 3),
                    textcoords="offset points", fontsize=8)
    ok = df.dropna(subset=["imd_score", "death_rate"])
    slope, intercept = np.polyfit(ok["imd_score"], ok["death_rate"], 1)
    xs = np.linspace(ok["imd_score"].min(), ok["imd_score"].max(), 50)
    ax.plot(xs, intercept + slope * xs, color=palette.PLACE, lw=1, ls="--", label="Straight-line fit, England")
    r = float(np.corrcoef(ok["imd_score"], ok["death_rate"])[0, 1])
    ax.set_xlabel("IMD 2019 average score (higher = more deprived)")
    ax.set_ylabel("Cumulative deaths per 100,000 (to mid-Feb 2021)")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.set_title("More deprived districts had higher Covid-19 death rates" if slope > 0 else
                 "Covid-19 death rates and deprivation across English districts", loc="left", fontsize=11)
    fig.tight_layout()
    alt = (f"Scatter plot of {len(ok)} English districts' cumulative Covid-19 death rate against IMD 2019 score, "
           f"with {place_name}'s {plural(len(hi), 'district')} highlighted.")
    desc = [f"Across the {len(ok)} English districts of the dashboard's file (April 2019 districts, with the City "
            "of London counted with Hackney and the Isles of Scilly with Cornwall) the correlation between IMD score "
            "and cumulative "
            f"death rate is {r:.2f}; the fitted line rises by {slope:.1f} deaths per 100,000 for each point of "
            "IMD score."]
    attach_data(fig, pd.DataFrame({
        "district code (April 2019)": ok["lad19cd"].to_numpy(),
        "district": [names.get(c, "") for c in ok["lad19cd"]],
        f"{place_name} district": ok["highlight"].astype(bool).to_numpy(),
        "IMD 2019 average score": ok["imd_score"].to_numpy(),
        "cumulative deaths per 100,000 (to mid-February 2021)": ok["death_rate"].to_numpy(),
        "straight-line fit, England": (intercept + slope * ok["imd_score"]).to_numpy(),
        "rank by death rate (1 = highest)": ok["death_rate"].rank(ascending=False, method="min").astype(int).to_numpy(),
        "median district death rate": float(ok["death_rate"].median()),
        "correlation of IMD score and death rate": r,
        "fitted rise per point of IMD score": slope}))
    if not hi.empty:
        parts = [f"{names.get(x.lad19cd, x.lad19cd)} {fmt_number(x.death_rate, 1)} (IMD score {x.imd_score:.1f})"
                 for x in hi.sort_values("death_rate", ascending=False).itertuples()]
        desc.append(f"{place_name}'s districts: {join_names(parts)}. The England median district rate is "
                    f"{fmt_number(ok['death_rate'].median(), 1)}.")
    return Chart(fig, alt, desc)


def uptake_chart(by_q: pd.DataFrame, title: str) -> Chart:
    """Uptake (%) with Wilson 95% limits by age group and local quintile; one panel per dose."""
    doses = sorted(by_q["dose"].unique())
    groups = [g for g in ("16-49", "50-64", "65+", "16+") if g in set(by_q["age_group"])]
    fig, axes = plt.subplots(1, len(doses), figsize=(5 * len(doses), 4.2), sharey=True, squeeze=False)
    width = 0.16
    desc = []
    for ax, dose in zip(axes[0], doses, strict=True):
        d = by_q[by_q["dose"] == dose]
        for qi in range(1, 6):
            sub = d[d["quintile"] == qi].set_index("age_group").reindex(groups)
            x = np.arange(len(groups)) + (qi - 3) * width
            ax.bar(x, sub["value"], width, color=palette.QUINTILE_COLOURS[qi - 1], edgecolor="#333333", lw=0.4,
                   label=QUINTILE_LABELS[qi] if dose == doses[0] else None)
            err = np.vstack([sub["value"] - sub["lowercl"], sub["uppercl"] - sub["value"]])
            ax.errorbar(x, sub["value"], yerr=err, fmt="none", ecolor="#333333", capsize=2, lw=0.8)
        ax.set_xticks(np.arange(len(groups)), groups)
        ax.set_xlabel("Age group")
        ax.set_ylim(0, 100)
        ax.set_title(f"{'First' if dose == 1 else 'Second'} dose", fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
        for g in groups:
            s = d[d["age_group"] == g].set_index("quintile")
            if {1, 5} <= set(s.index):
                desc.append(f"{'First' if dose == 1 else 'Second'} dose, ages {g}: {fmt_pct(s.at[1, 'value'])} in "
                            f"the most deprived quintile against {fmt_pct(s.at[5, 'value'])} in the least deprived.")
    axes[0][0].set_ylabel("% of NIMS population vaccinated")
    fig.legend(title="Local deprivation quintile", loc="lower center", ncol=5, frameon=False, fontsize=8,
               bbox_to_anchor=(0.5, -0.08))
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout()
    alt = ("Grouped bar chart of first and second dose Covid-19 vaccine uptake by age group and local "
           "deprivation quintile, with 95% confidence intervals.")
    rows = by_q[by_q["age_group"].isin(groups)].sort_values(["dose", "age_group", "quintile"], kind="mergesort")
    attach_data(fig, _quintile_data(rows, "% of NIMS population vaccinated"), {"chart": title})
    return Chart(fig, alt, desc)


def rate_bands(values: pd.Series, n: int = 5, dp: int = 0) -> tuple[pd.Series, list[str]]:
    """Cut values into n bands at quantiles; band 1 = highest values. Returns (band, labels)."""
    v = values.astype("float64")
    edges = np.unique(np.nanquantile(v, np.linspace(0, 1, n + 1)))
    k = len(edges) - 1
    idx = np.clip(np.searchsorted(edges, v, side="right") - 1, 0, k - 1)
    band = pd.Series(np.where(v.isna(), np.nan, k - idx), index=values.index)
    labels = [f"{fmt_number(edges[k - b], dp)} to {fmt_number(edges[k - b + 1], dp)}" for b in range(1, k + 1)]
    return band, labels


def no_data_sentence(n: int) -> str:
    """How many mapped neighbourhoods have no value (grey), in words."""
    if n == 0:
        return "Every neighbourhood has a value."
    return f"{n} {'neighbourhood has' if n == 1 else 'neighbourhoods have'} no value and {'is' if n == 1 else 'are'} grey."


def msoa_map(gdf, column: str, title: str, legend_title: str, what: str, outlines=(), dp: int = 0) -> Chart:
    """Static MSOA choropleth of a rate in 5 quantile bands (darkest = highest) via jsna.maps."""
    from jsna import maps

    band, labels = rate_bands(gdf[column], dp=dp)
    g = gdf.assign(_band=band)
    k = len(labels)
    scheme = maps.CategoryScheme(tuple(float(i) for i in range(1, k + 1)), tuple(palette.deprivation_colours(k)),
                                 tuple(f"{lab} ({'highest' if i == 0 else 'lowest' if i == k - 1 else 'band'})"
                                       if i in (0, k - 1) else lab for i, lab in enumerate(labels)),
                                 legend_title)
    fig = maps.static_map(g, "_band", scheme, outlines=outlines, title=title, figsize=(8, 7))
    top = gdf.nlargest(3, column)
    name_col = "msoa11nm" if "msoa11nm" in gdf.columns else "msoa11cd"
    alt = f"Map of {len(gdf)} neighbourhoods (MSOAs) shaded by {what}."
    desc = [f"Highest: {join_names([f'{r[name_col]} ({fmt_number(r[column], dp)})' for _, r in top.iterrows()])}.",
            f"Bands: {'; '.join(labels)}. " + no_data_sentence(int(gdf[column].isna().sum()))]
    tidy = pd.DataFrame({"MSOA code (2011)": gdf["msoa11cd"].to_numpy()} if "msoa11cd" in gdf.columns else {})
    if name_col != "msoa11cd":
        tidy["MSOA name"] = gdf[name_col].to_numpy()
    tidy[what] = gdf[column].to_numpy()
    tidy["band"] = [labels[int(b) - 1] if not pd.isna(b) else "no value" for b in band]
    if column.startswith("rate_") and {"cases_known", "cases_upper", "weeks", "weeks_suppressed"} <= set(gdf.columns):
        # the case range and the suppressed weeks behind it (the notes on suppression count these)
        for c, head in (("cases_known", "cases in published weeks"), ("cases_upper", "cases, upper bound"),
                        ("weeks", "MSOA-weeks"), ("weeks_suppressed", "MSOA-weeks suppressed (0-2 cases)")):
            tidy[head] = gdf[c].to_numpy()
    attach_data(fig, tidy, {"chart": title})
    return Chart(fig, alt, desc)


def msoa_map_layers(msoa: pd.DataFrame, boundaries):
    """MSOA boundaries (``boundaries``: jsna.load.boundaries.msoa_boundaries of the Place's MSOAs, from the
    topic's inputs) joined with the report's MSOA table (which carries ``lad19cd``), and the district
    outlines dissolved from those polygons so they line up exactly: ``(GeoDataFrame, [Outline])`` for
    :func:`msoa_map`. Works for any English Place (the England MSOA file; LLR's more detailed one where it
    covers every MSOA)."""
    from jsna.maps import Outline

    geo = boundaries[["msoa11cd", "geometry"]].merge(msoa, on="msoa11cd", how="left")
    if "lad19cd" not in geo.columns or geo.empty:
        return geo, []
    outl = geo.dissolve(by="lad19cd", as_index=False)[["lad19cd", "geometry"]]
    return geo, [Outline(outl, "Districts")]


def with_values(geo, values: pd.DataFrame):
    """The MSOA shapes (code, name, geometry) of ``geo`` with another table's values joined on."""
    return geo[["msoa11cd", "msoa11nm", "geometry"]].merge(values, on="msoa11cd", how="left")


# --------------------------------------------------------------------------- the report's figures


def waves(r) -> Chart:
    """The 7-day case rates of a :class:`~jsna.topics.covid_impact.compute.Results` (Leicester's local
    lockdown marked where the Place holds Leicester)."""
    return waves_chart(r.cases.place, r.cases.districts, r.cases.england, r.place.name,
                       show_lockdown=r.leicester_lockdown)


def deaths(r) -> Chart:
    """The 7-day rates of deaths within 28 days of a positive test, the Place against England."""
    return deaths_chart(r.deaths.place, r.deaths.england, r.place.name)


def harm_maps(r) -> list[Chart]:
    """The three neighbourhood maps: recorded cases (its description carries the notes on suppressed
    weeks), deaths involving Covid-19 and IMD 2019 score."""
    geo, outlines = msoa_map_layers(r.msoa, r.boundaries)
    cases = msoa_map(geo, "rate_known", "Recorded Covid-19 cases per 100,000, March-November 2020",
                     "Cases per 100,000 (published weeks)", "cumulative 2020 case rate", outlines)
    return [cases._replace(description=cases.description + r.msoa_case_notes),
            msoa_map(geo, "death_rate", "Deaths involving Covid-19 per 100,000, March-December 2020",
                     "Deaths per 100,000 (crude)", "crude death rate", outlines),
            msoa_map(geo, "imd_score", "National deprivation of each neighbourhood (IMD 2019)",
                     "IMD 2019 average score", "IMD 2019 average score (higher = more deprived)", outlines, dp=1)]


def deaths_by_quintile(r) -> Chart:
    """Deaths involving Covid-19 by local deprivation quintile, with the gap's ratio and SII in its data."""
    return quintile_chart(r.deaths_by_q, "Deaths per 100,000 (crude)",
                          "Deaths involving Covid-19 by local deprivation, March-December 2020",
                          "crude death rate per 100,000", gap=r.deaths_gap)


def cases_by_quintile(r) -> Chart:
    """Recorded cases by local deprivation quintile (published weeks), with the upper bound in its data."""
    return quintile_chart(r.cases_by_q, "Cases per 100,000 (published weeks)",
                          "Recorded cases by local deprivation, March-November 2020",
                          "crude case rate per 100,000 (published weeks only)", gap=r.cases_gap,
                          upper=r.cases_upper_by_q)


def scatter(r) -> Chart:
    """Every English district's death rate against its IMD 2019 score, the Place's districts marked."""
    return ltla_scatter(r.scatter.table, r.district_names, r.place.name)


def uptake(r) -> Chart:
    """Vaccine uptake by age group and local quintile, July 2021."""
    return uptake_chart(r.uptake_by_q, f"{r.place.name}: Covid-19 vaccine uptake by deprivation, July 2021")


def uptake_map(r) -> Chart:
    """First-dose uptake (16+) by neighbourhood, July 2021."""
    geo, outlines = msoa_map_layers(r.msoa, r.boundaries)
    return msoa_map(with_values(geo, r.uptake_msoa), "uptake_pct", "First-dose uptake, people aged 16+, July 2021",
                    "% of NIMS 16+ with a first dose", "first-dose uptake (%)", outlines, dp=1)
