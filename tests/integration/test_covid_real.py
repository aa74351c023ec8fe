"""Covid-19 topic on the real data (data/raw/covid): figures checked against independent
recomputation from the raw CSVs and against figures published in data/raw/covid/SOURCES.md."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from jsna import paths
from jsna.load import covid as load
from jsna.places import load_place
from jsna.topics.covid_impact import compute as cv

pytestmark = pytest.mark.integration

RAW = paths.raw_dir() / "covid"


def _rows(name: str) -> list[dict[str, str]]:
    path = RAW / name
    if not path.exists():
        pytest.skip(f"{path} not present: run `make data`")
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def frames():
    return {
        "cases": load.ltla_cases_daily(), "england": load.england_daily(), "utla": load.utla_cases_deaths_daily(),
        "lookup": load.msoa_lookup(), "msoa_pop": load.msoa_population_2019(),
        "msoa_deaths": load.msoa_deaths_2020(), "vacc07": load.vaccinations_msoa_2021_07(),
        "nims_m": load.nims_msoa(),
    }


def test_leicester_cumulative_case_rate_on_fixed_date(frames):
    # Independent: plain csv sum of Leicester's rows up to 31 Dec 2020 over its population.
    rows = [r for r in _rows("ukhsa_ltla_cases_daily_llr.csv") if r["code"] == "E06000016"]
    total = sum(int(r["count"]) for r in rows if r["date"] <= "2020-12-31")
    pop = int(rows[0]["population"])
    expected = total / pop * 100_000
    waves = cv.case_waves(load_place("leicester"), frames["cases"], frames["england"])
    got = cv.cumulative_rate(waves.place, "cases", float(waves.place["population"].iloc[0]), "2020-12-31")
    assert got["total"] == total
    assert got["rate"] == pytest.approx(expected, rel=1e-12)
    # the 7-day rate on the day the local lockdown began, recomputed from the raw rows
    window = {r["date"]: int(r["count"]) for r in rows if "2020-06-23" <= r["date"] <= "2020-06-29"}
    day = waves.place[waves.place["date"] == "2020-06-29"]
    assert day["rate_7d"].iloc[0] == pytest.approx(sum(window.values()) / pop * 100_000)


def test_published_whole_period_case_totals(frames):
    # SOURCES.md: totals over the period Leicester 131,394; Rutland 13,547; Charnwood 68,785.
    tot = frames["cases"].groupby("area_code")["cases"].sum()
    assert tot["E06000016"] == 131_394
    assert tot["E06000017"] == 13_547
    assert tot["E07000130"] == 68_785


def test_published_deaths_within_28_days_to_june_2021(frames):
    # SOURCES.md: deaths within 28 days to 2021-06-21: Leicester 782, Leicestershire 1,369, Rutland 65;
    # cases (snapshot file) Leicester 38,899.
    for pid, deaths in (("leicester", 782), ("leicestershire", 1369), ("rutland", 65)):
        w = cv.death_waves(load_place(pid), frames["utla"], frames["cases"], frames["england"])
        got = cv.cumulative_rate(w.place, "deaths", float(w.place["population"].iloc[0]), "2021-06-21")
        assert got["total"] == deaths, pid
    utla = frames["utla"]
    assert utla.loc[utla["area_code"] == "E06000016", "cases"].sum() == 38_899


def test_published_first_dose_uptake_by_ltla():
    # SOURCES.md: first-dose % of NIMS 16+: Leicester 65.7%, Rutland 87.3%, Charnwood 79.2%.
    lu = cv.ltla_uptake(load.vaccinations_ltla_2021_07(), load.nims_ltla())
    first = lu[lu["dose"] == 1].set_index("lad19cd")
    assert round(first.at["E06000016", "uptake_pct"], 1) == 65.7
    assert round(first.at["E06000017", "uptake_pct"], 1) == 87.3
    assert round(first.at["E07000130", "uptake_pct"], 1) == 79.2
    assert first.at["E06000016", "vaccinated"] == 217_357


def test_published_ltla_death_rates_and_msoa_facts(frames):
    ltla = load.ltla_deathrate_imd().set_index("lad19cd")
    assert ltla.at["E06000016", "death_rate"] == 238.5  # SOURCES.md
    assert ltla.at["E06000017", "death_rate"] == 145.3
    assert len(ltla) == 315
    assert frames["msoa_deaths"]["deaths"].sum() == 1319  # SOURCES.md: total deaths 1,319
    weekly = load.msoa_cases_weekly_2020()
    assert int(weekly["suppressed"].sum()) == 2169 and len(weekly) == 4625  # SOURCES.md


def test_msoa_death_rates_reproduce_ons_with_mid2019_population(frames):
    d = frames["msoa_deaths"].merge(frames["msoa_pop"], on="msoa11cd")
    assert len(d) == 125
    assert (d["deaths"] / d["population"] * 100_000 - d["crude_rate"]).abs().max() < 1e-9


def test_leicester_uptake_gap_by_quintile_recomputed_from_raw(frames):
    place = load_place("leicester")
    msoas = cv.place_msoas(place, frames["lookup"])
    q = cv.msoa_deaths_by_quintile(frames["msoa_deaths"], frames["msoa_pop"], msoas).table
    # quintiles: ordered by IMD score (1 = most deprived) with about a fifth of the population each
    by = q.groupby("quintile")
    assert (by["imd_score"].min().iloc[:-1].to_numpy() >= by["imd_score"].max().iloc[1:].to_numpy()).all()
    share = by["population"].sum() / q["population"].sum()
    assert share.between(0.12, 0.28).all()
    # independent uptake: raw csv sums of every first-dose band over NIMS 16-24 ... 80+, per quintile
    quint = dict(zip(q["msoa11cd"], q["quintile"], strict=True))
    vac = {r["MSOA Code"]: r for r in _rows("nhse_vaccinations_msoa_2021-07-15_llr.csv")}
    nims = {r["MSOA Code"]: r for r in _rows("nhse_nims_population_msoa_llr.csv")}
    bands = ["25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69", "70-74",
             "75-79", "80+"]
    num, den = defaultdict(int), defaultdict(int)
    for code, qi in quint.items():
        v, n = vac[code], nims[code]
        for b in bands:
            num[qi] += int(v[f"1st dose {b}"])
            den[qi] += int(n[b])
        if v["1st dose Under 25"] != "":  # blank for two MSOAs: left out of both sides
            num[qi] += int(v["1st dose Under 25"])
            den[qi] += int(n["16-24"])
    expected_gap = num[5] / den[5] * 100 - num[1] / den[1] * 100
    up = cv.uptake_by_msoa(frames["vacc07"], frames["nims_m"], msoas)
    by_q = cv.uptake_by_quintile(up.table, q)
    sel = by_q[(by_q["dose"] == 1) & (by_q["age_group"] == "16+")].set_index("quintile")
    for qi in range(1, 6):
        assert sel.at[qi, "value"] == pytest.approx(num[qi] / den[qi] * 100, rel=1e-12)
    gap = cv.gap_summary(sel.reset_index(), value_type=2, repetitions=2000)
    assert -gap["difference"] == pytest.approx(expected_gap, rel=1e-12)
    assert expected_gap > 5  # the least deprived fifth had clearly higher uptake in Leicester
    assert any("E02006850" in n for n in up.notes)


def test_non_llr_place_gets_england_picture_only(frames, tmp_path: Path):
    from jsna.places import place_from_dict

    place = place_from_dict({"id": "nottingham", "name": "Nottingham", "kind": "upper_tier",
                             "upper_tier": [{"code": "E06000018", "name": "Nottingham"}],
                             "districts": [{"code": "E06000018", "name": "Nottingham"}]})
    h = cv.headlines(place, frames["cases"], frames["england"], frames["utla"], frames["lookup"],
                     frames["msoa_pop"], load.msoa_cases_weekly_2020(), frames["msoa_deaths"],
                     load.ltla_deathrate_imd(), frames["vacc07"], load.vaccinations_msoa_2021_03(),
                     load.vaccinations_ltla_2021_07(), frames["nims_m"], load.nims_ltla(),
                     load.ons_deprivation_headlines(), load.ltla_ethnicity())
    assert not h.llr_data and not h.cases.available and not h.deaths.available and h.msoa is None
    assert h.scatter.table["highlight"].sum() == 1
    assert any("Nottingham" in n for n in h.deaths.notes)
    assert isinstance(h.ethnicity_table, pd.DataFrame) and len(h.ethnicity_table) == 1


def test_an_msoa_is_in_the_same_local_quintile_in_every_topic():
    """Leicestershire's E02005393 once fell in a different quintile in covid_impact and two_babies:
    both now group MSOAs through jsna.areas (population-weighted IoD2019 score, mid-2015 weights)."""
    from jsna import areas
    from jsna.topics.two_babies import compute as tb

    place = load_place("leicestershire")
    h = cv.compute(place, cv.load_inputs(place))
    covid_q = dict(zip(h.msoa["msoa11cd"], h.msoa["quintile"], strict=True))
    babies = tb.msoa_groups(tb.place_lsoas(areas.england_lsoas(), place.district_codes))
    babies_q = dict(zip(babies["msoa11cd"], babies["local_quintile"], strict=True))
    table_q = dict(zip(*(areas.msoas(place)[c] for c in ("msoa11cd", "local_quintile")), strict=True))
    assert len(covid_q) == len(babies_q) == len(table_q) == 83  # 125 LLR MSOAs (geography/SOURCES.md) less Leicester 37 and Rutland 5
    assert covid_q == babies_q == table_q
    assert covid_q["E02005393"] == table_q["E02005393"]


def test_ethnicity_uses_census_2021():
    """Leicester's minority ethnic share (every group other than White) in the 2021 Census: the
    published percentages of the non-White groups sum to 43.4 (Asian) + 7.7 (Black) + 3.8 (Mixed)
    + 4.1 (Other) = 59.0%, within rounding of the share computed from the counts."""
    from jsna.load.census import ethnic_group_ltla

    eth = cv.census2021_ethnicity(ethnic_group_ltla()).set_index("lad20cd")
    assert eth.loc["E06000016", "minority_prop"] * 100 == pytest.approx(59.0, abs=0.3)
    assert eth.loc["E06000016", "south_asian_prop"] * 100 == pytest.approx(1.9 + 34.3 + 3.4, abs=0.2)
    assert len(eth) == 309  # English districts of 2021 (331 in England and Wales less 22 Welsh)
    h = cv.compute(load_place("leicester"), cv.load_inputs(load_place("leicester")))
    assert list(h.ethnicity_table.columns)[1] == "Minority ethnic groups % (2021)"
