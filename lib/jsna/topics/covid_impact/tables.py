"""The Covid-19 report's display tables, built from the numbers of
:class:`~jsna.topics.covid_impact.compute.Results` (no computation of their own beyond rounding and
layout)."""

from __future__ import annotations

import pandas as pd

from jsna import reliability
from jsna.topics.covid_impact.compute import TOTALS_END


def totals_table(place_name: str, totals: dict) -> pd.DataFrame:
    """Cumulative cases and deaths within 28 days, the Place and England (empty when the Place has no
    series): :attr:`Results.totals <jsna.topics.covid_impact.compute.Results.totals>` for display."""
    rows = []
    for what in ("cases", "deaths"):
        for who, label in (("place", place_name), ("england", "England")):
            t = totals[what].get(who)
            if t and "place" in totals[what]:
                rows.append({"Measure": "Cases (specimen date)" if what == "cases" else "Deaths within 28 days (date of death)",
                             "Area": label, "Count": round(t["total"]), "Per 100,000": round(t["rate"], 1)})
    out = pd.DataFrame(rows)
    if not out.empty:
        out["Period"] = f"1 March 2020 to {TOTALS_END.day} June 2021"
    return out


def whole_table(whole: pd.DataFrame) -> pd.DataFrame:
    """:func:`~jsna.topics.covid_impact.compute.whole_area` for display: counts and rates in separate
    columns, a case count as the range the suppressed weeks allow, and no rate below the reliability
    minimum of events."""
    from jsna.words import fmt_number

    rows = []
    for r in whole.itertuples():
        deaths = r.measure == "deaths"
        count = fmt_number(r.count) if deaths else f"{fmt_number(r.count)} to {fmt_number(r.count_upper)}"
        if pd.isna(r.rate):
            rate = ci = "not available (no population held)"
        elif not r.stable:
            rate = ci = f"not shown (fewer than {reliability.MIN_EVENTS_PER_GROUP})"
        else:
            rate = fmt_number(r.rate, 1) if deaths else f"{fmt_number(r.rate, 1)} to {fmt_number(r.rate_upper, 1)}"
            ci = f"{fmt_number(r.lowercl, 1)} to {fmt_number(r.uppercl, 1)}" if deaths else "not computed for a range"
        rows.append({"Measure": "Deaths involving Covid-19 (ONS), March-December 2020" if deaths else
                     "Recorded cases (published weeks), March-November 2020", "Area": r.area, "Count": count,
                     "Per 100,000 (crude)": rate, "95% CI": ci})
    return pd.DataFrame(rows)


def age_table(age_place: pd.DataFrame | None, age_england: pd.DataFrame | None, place_name: str,
              age_whole: dict | None = None) -> pd.DataFrame:
    """The Census 2021 age structure of the deprivation fifths for display.

    When the reliability rule allows a comparison of the Place's local fifths (``age_place``), one
    row per fifth with the Place's and England's residents and shares aged 65+ and 75+, and with
    ``age_whole`` (:func:`~jsna.topics.covid_impact.compute.whole_area_age`) a last row for all
    neighbourhoods. Otherwise (no local fifths) one row per England fifth, then England and the Place
    as a whole: no column of a table is left empty for the Place."""
    if age_place is None:
        return _age_rows(age_england, place_name, age_whole)
    labels = {1: "1 most deprived", 2: "2", 3: "3", 4: "4", 5: "5 least deprived"}
    out = pd.DataFrame({"Deprivation fifth": [labels[f] for f in range(1, 6)]})
    for frame, who in ((age_place, place_name), (age_england, "England")):
        if frame is None:
            continue
        f = frame.set_index("fifth").reindex(range(1, 6))
        out[f"{who}: residents (2021)"] = f["residents"].round().astype("Int64").to_numpy()
        out[f"{who}: aged 65+ %"] = f["pct_65_plus"].round(1).to_numpy()
        out[f"{who}: aged 75+ %"] = f["pct_75_plus"].round(1).to_numpy()
    if age_whole and not pd.isna(age_whole.get("place_65")):
        row: dict[str, object] = {"Deprivation fifth": "All neighbourhoods"}
        for who, key in ((place_name, "place"), ("England", "england")):
            if f"{who}: aged 65+ %" in out.columns:
                row[f"{who}: residents (2021)"] = int(age_whole[f"{key}_residents"])
                row[f"{who}: aged 65+ %"] = round(float(age_whole[f"{key}_65"]), 1)
                row[f"{who}: aged 75+ %"] = round(float(age_whole[f"{key}_75"]), 1)
        out = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
    return out.astype({c: "Int64" for c in out.columns if c.endswith("residents (2021)")})


def _age_rows(age_england: pd.DataFrame | None, place_name: str, age_whole: dict | None) -> pd.DataFrame:
    """England's fifths, then England and the Place as a whole, one row each (see :func:`age_table`)."""
    names = {1: "fifth 1 (most deprived)", 5: "fifth 5 (least deprived)"}
    rows = []
    if age_england is not None:
        for r in age_england.sort_values("fifth").itertuples():
            rows.append({"Neighbourhoods": f"England: {names.get(int(r.fifth), f'fifth {int(r.fifth)}')}",
                         "Residents (2021)": round(float(r.residents)), "Aged 65+ %": round(float(r.pct_65_plus), 1),
                         "Aged 75+ %": round(float(r.pct_75_plus), 1)})
    if age_whole and not pd.isna(age_whole.get("place_65")):
        for who, key in (("England", "england"), (place_name, "place")):
            rows.append({"Neighbourhoods": f"{who}: all neighbourhoods",
                         "Residents (2021)": int(age_whole[f"{key}_residents"]),
                         "Aged 65+ %": round(float(age_whole[f"{key}_65"]), 1),
                         "Aged 75+ %": round(float(age_whole[f"{key}_75"]), 1)})
    out = pd.DataFrame(rows, columns=["Neighbourhoods", "Residents (2021)", "Aged 65+ %", "Aged 75+ %"])
    return out.astype({"Residents (2021)": "Int64"})


ASMR_RATE = "Rate per 100,000 (age-standardised)"


def _asmr_ci(df: pd.DataFrame) -> list[str]:
    return ["" if pd.isna(a) else f"{a:.1f} to {b:.1f}" for a, b in zip(df["lowercl"], df["uppercl"], strict=True)]


def asmr_decile_table(b) -> pd.DataFrame:
    """England's deaths due to Covid-19 by deprivation decile (``b``: compute.AsmrBenchmark), for readers."""
    d = b.deciles
    return pd.DataFrame({
        "Decile (IMD 2019)": d["decile"].map({1: "1 most deprived", 10: "10 least deprived"}).fillna(
            d["decile"].astype(str)),
        "Deaths": d["deaths"].astype("int64"), ASMR_RATE: d["rate"].round(1), "95% CI": _asmr_ci(d)})


_COMPARED = {"higher": "higher", "lower": "lower", "no clear difference": "no clear difference",
             "not compared": "not compared (unreliable: few deaths)", "": ""}


def asmr_area_table(b) -> pd.DataFrame:
    """The Place's councils and England: deaths due to Covid-19 and the age-standardised rate, for readers."""
    a = b.areas
    return pd.DataFrame({
        "Area": a["area_name"], "Deaths": a["deaths"].astype("int64"), ASMR_RATE: a["rate"].round(1),
        "95% CI": _asmr_ci(a), "Compared with England": a["compared"].map(_COMPARED).fillna(a["compared"])})


def quintile_table(by_q: pd.DataFrame, count_label: str, pop_label: str, value_label: str) -> pd.DataFrame:
    """A value by local quintile with its counts and 95% limits."""
    return pd.DataFrame({
        "Local quintile": by_q["quintile"].map({1: "1 most deprived", 5: "5 least deprived"}).fillna(
            by_q["quintile"].astype(str)),
        count_label: by_q["numerator"].astype("int64"),
        pop_label: by_q["denominator"].astype("int64"),
        value_label: by_q["value"].round(1),
        "95% CI": [f"{a:.1f} to {b:.1f}" for a, b in zip(by_q["lowercl"], by_q["uppercl"], strict=True)],
    })


def fifth_split_table(split: pd.DataFrame) -> pd.DataFrame:
    """:func:`~jsna.topics.covid_impact.compute.fifth_split` as the report shows it."""
    return pd.DataFrame({"Local fifth": split["fifth"].map({1: "1 most deprived", 5: "5 least deprived"}),
                         "Council": split["council"], "Residents (mid-2015)": split["residents"].round().astype(int),
                         "% of the fifth": split["share"].round(1)})


def ethnicity_table(eth: pd.DataFrame) -> pd.DataFrame:
    """:func:`~jsna.topics.covid_impact.compute.ethnicity_view` for display (columns without a value dropped)."""
    if eth.empty:
        return eth
    out = pd.DataFrame({
        "District": eth["district"],
        "Minority ethnic groups % (2021)": (eth["minority_prop"] * 100).round(1),
        "South Asian % (2021)": (eth["south_asian_prop"] * 100).round(1),
        "Black % (2021)": (eth["black_prop"] * 100).round(1),
        "First dose % of NIMS 16+ (July 2021)": eth["first_dose_pct"].round(1),
        "Deaths within 28 days per 100,000 (to Feb 2021)": eth["death_rate"].round(1),
    })
    return out.dropna(axis=1, how="all")



def age_display(r) -> pd.DataFrame:
    """The age table of a :class:`~jsna.topics.covid_impact.compute.Results`: by local fifth when the
    reliability rule allows the Place's fifths to be compared, else England's fifths and the whole Place."""
    return age_table(r.age_place if r.checks["age"].ok else None, r.age_england, r.place.name, r.age_whole)


def march_table(march_by_q: pd.DataFrame) -> pd.DataFrame:
    """First-dose uptake among people aged 70+ by local quintile, March 2021 release."""
    return quintile_table(march_by_q, "People 70+ vaccinated", "Population 70+ (release denominator)", "Uptake %")


def ltla_uptake_table(lu: pd.DataFrame) -> pd.DataFrame:
    """First and second dose uptake (% of NIMS 16+) of the Place's districts
    (:func:`~jsna.topics.covid_impact.compute.ltla_uptake`), one row per district."""
    lut = lu.pivot_table(index="lad19nm", columns="dose", values="uptake_pct").reset_index()
    lut.columns = ["District", "First dose %", "Second dose %"]
    lut[["First dose %", "Second dose %"]] = lut[["First dose %", "Second dose %"]].round(1)
    return lut
