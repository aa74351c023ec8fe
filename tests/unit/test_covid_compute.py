"""Covid-19 computations and summary sentences on synthetic data whose answers are worked out by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from jsna.load import covid as load
from jsna.places import Area, Place
from jsna.topics.covid_impact import compute as cv
from jsna.topics.covid_impact import text as say

# fixture files are not the catalogued bytes: see tests/unit/conftest.py
pytestmark = pytest.mark.usefixtures("fixture_files_trusted")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "covid" / "data"
ENG_POP = 56_286_961
TESTFORD = Place(id="testford", name="Testford", kind="upper_tier", upper_tier=(Area("E06000901", "Testford"),),
                 districts=(Area("E06000901", "Testford"),))


def _daily(code: str, values: dict[str, int], pop: int = 100_000) -> pd.DataFrame:
    return pd.DataFrame({"area_code": code, "area_name": code, "date": pd.to_datetime(list(values)),
                         "cases": list(values.values()), "population": pop})


# --------------------------------------------------------------------------- daily series


def test_complete_daily_fills_absent_days_with_zero():
    res = cv.complete_daily(load.ltla_cases_daily(FIXTURES), ["cases"])
    t = res.table.set_index(["area_code", "date"])
    # Testford has 1, 2, 4 March: 3 March is added as 0; Exampleton lacks 2 and 4 March.
    assert t.loc[("E06000901", pd.Timestamp("2020-03-03")), "cases"] == 0
    assert bool(t.loc[("E06000901", pd.Timestamp("2020-03-03")), "filled"])
    assert t.loc[("E06000902", pd.Timestamp("2020-03-04")), "population"] == 50_000
    assert len(res.table) == 8 and int(res.table["filled"].sum()) == 3
    assert any("3 area-days" in n for n in res.notes)


def test_rolling_rate_seven_day_sum_per_100000():
    days = {str(d.date()): 1 for d in pd.date_range("2021-01-01", periods=8)}
    res = cv.rolling_rate(_daily("E06000901", days), "cases", "population")
    r = res.table["rate_7d"].tolist()
    assert all(np.isnan(r[:6]))
    assert r[6] == pytest.approx(7 / 100_000 * 100_000)  # 7 cases in 100,000 people = 7.0
    assert res.table["cases_7d"].iloc[7] == 7


def test_negative_revision_is_flagged_and_negative_window_not_shown():
    days = {str(d.date()): 0 for d in pd.date_range("2021-01-01", periods=7)}
    days["2021-01-03"] = -2
    done = cv.complete_daily(_daily("E06000901", days), ["cases"])
    assert done.table["revised"].sum() == 1
    assert any("negative" in n for n in done.notes)
    res = cv.rolling_rate(done.table, "cases", "population")
    assert np.isnan(res.table["rate_7d"].iloc[6])  # 7-day sum -2: not available, never a negative rate
    assert cv.cumulative_rate(done.table, "cases", 100_000, "2021-01-07")["total"] == -2


def test_population_zero_gives_na_rate_and_note():
    days = {str(d.date()): 1 for d in pd.date_range("2021-01-01", periods=7)}
    res = cv.rolling_rate(_daily("E06000901", days, pop=0), "cases", "population")
    assert res.table["rate_7d"].isna().all()
    assert any("zero" in n and "E06000901" in n for n in res.notes)
    assert np.isnan(cv.cumulative_rate(res.table, "cases", 0, "2021-01-07")["rate"])


def test_missing_district_blocks_the_place_total():
    daily = cv.complete_daily(load.ltla_cases_daily(FIXTURES), ["cases"]).table
    res = cv.combine_areas(daily, ["E06000901", "E06000999"], "x", "Shire", ["cases"])
    assert res.table.empty
    assert "E06000999" in res.notes[0]
    ok = cv.combine_areas(daily, ["E06000901", "E06000902"], "x", "Shire", ["cases"]).table
    assert ok["cases"].sum() == 15 and ok["population"].iloc[0] == 150_000


def test_date_gap_inside_a_series_is_zero_filled_and_counted():
    days = {"2021-01-01": 5, "2021-01-05": 5}
    res = cv.complete_daily(_daily("E06000901", days), ["cases"])
    assert res.table["cases"].tolist() == [5, 0, 0, 0, 5]
    assert int(res.table["filled"].sum()) == 3


# --------------------------------------------------------------------------- MSOA cases


def test_msoa_case_totals_give_a_range_for_suppressed_weeks():
    weekly = load.msoa_cases_weekly_2020(FIXTURES)
    pop = pd.DataFrame({"msoa11cd": ["E02900001", "E02900002", "E02900003"], "population": [8000, 8000, 8000]})
    res = cv.msoa_case_totals(weekly, pop, ["E02900001", "E02900002", "E02900003"])
    t = res.table.set_index("msoa11cd")
    assert t.at["E02900001", "cases_known"] == 8 and t.at["E02900001", "cases_upper"] == 10  # 5 + 3, + 2 x 1
    assert t.at["E02900002", "cases_known"] == 11 and t.at["E02900002", "cases_upper"] == 13
    assert t.at["E02900001", "rate_known"] == pytest.approx(8 / 8000 * 100_000)
    assert "E02900003" not in t.index
    assert any("E02900003" in n for n in res.notes)
    assert any("2 of 6 MSOA-weeks" in n for n in res.notes)


def test_absent_msoa_week_is_treated_as_suppressed():
    weekly = load.msoa_cases_weekly_2020(FIXTURES)
    weekly = weekly[~((weekly["msoa11cd"] == "E02900002") & (weekly["week_ending"] == "2020-10-17"))]
    pop = pd.DataFrame({"msoa11cd": ["E02900001", "E02900002"], "population": [8000, 8000]})
    res = cv.msoa_case_totals(weekly, pop, ["E02900001", "E02900002"])
    t = res.table.set_index("msoa11cd")
    assert t.at["E02900002", "cases_known"] == 7 and t.at["E02900002", "cases_upper"] == 11
    assert any("absent" in n for n in res.notes)


# --------------------------------------------------------------------------- vaccinations


def test_uptake_above_population_is_capped_and_flagged():
    df = pd.DataFrame({"vaccinated": [110, 50, 5], "population": [100, 100, 0]})
    notes: list[str] = []
    out = cv.flag_uptake(df, notes)
    assert out["uptake_pct"].iloc[0] == 100 and bool(out["over_100"].iloc[0])
    assert out["uptake_raw"].iloc[0] == pytest.approx(110)
    assert out["vaccinated_capped"].tolist()[:2] == [100, 50]
    assert np.isnan(out["uptake_pct"].iloc[2])
    assert any("100%" in n for n in notes) and any("zero" in n for n in notes)


def test_uptake_by_msoa_leaves_missing_band_out_of_both_sides():
    res = cv.uptake_by_msoa(load.vaccinations_msoa_2021_07(FIXTURES), load.nims_msoa(FIXTURES),
                            ["E02900001", "E02900002", "E02900404"])
    t = res.table.set_index(["msoa11cd", "dose", "age_group"])
    # Beta: under-25 first dose blank -> 16+ = 12 bands x 90 over 12 bands x 100
    assert t.loc[("E02900002", 1, "16+"), "vaccinated"] == 1080
    assert t.loc[("E02900002", 1, "16+"), "population"] == 1200
    assert t.loc[("E02900002", 2, "16+"), "vaccinated"] == 13 * 40  # second doses complete
    # Alpha: 13 x 100 vaccinated over NIMS 16-24..80+ = 12 x 200 + 80
    assert t.loc[("E02900001", 1, "16+"), "uptake_pct"] == pytest.approx(1300 / 2480 * 100)
    assert any("E02900404" in n for n in res.notes)
    assert any("E02900002" in n and "under_25" in n for n in res.notes)


# --------------------------------------------------------------------------- a whole synthetic Place


def _synthetic_inputs():
    days = pd.date_range("2020-03-01", "2021-06-30")
    counts = np.where((days >= "2021-01-01") & (days <= "2021-01-07"), 100, 10)
    keep = ~((days >= "2020-05-01") & (days <= "2020-05-31"))  # May 2020 absent = zero cases
    cases = pd.DataFrame({"area_code": "E06000901", "area_name": "Testford", "date": days[keep],
                          "cases": counts[keep], "population": 100_000})
    england = pd.DataFrame({"area_code": "E92000001", "area_name": "England", "date": days,
                            "cases": 10_000, "deaths": 100.0})
    udays = pd.date_range("2020-03-01", "2021-06-21")
    utla = pd.DataFrame({"area_code": "E06000901", "area_name": "Testford", "date": udays, "cases": 10,
                         "deaths": np.where(udays.day == 1, 1.0, np.nan)})
    codes = [f"E029000{i:02d}" for i in range(1, 11)]
    lookup = pd.DataFrame({"msoa11cd": codes, "msoa11nm": [f"Area {i}" for i in range(1, 11)],
                           "lad19cd": "E06000901", "lad19nm": "Testford", "utla19cd": "E06000901",
                           "utla19nm": "Testford"})
    msoa_pop = pd.DataFrame({"msoa11cd": codes, "population": 10_000, "population_16_plus": 8_000})
    weekly = pd.DataFrame([{"msoa11cd": c, "msoa11nm": c, "week_ending": pd.Timestamp(w), "cases": 10, "rate": 100.0,
                            "suppressed": False} for c in codes for w in ("2020-10-03", "2020-10-10")])
    weekly["cases"] = weekly["cases"].astype("Int64")
    deaths = [20, 20, 10, 10, 10, 10, 10, 10, 5, 5]
    msoa_deaths = pd.DataFrame({"msoa11cd": codes, "deaths": deaths, "crude_rate": [d / 10_000 * 1e5 for d in deaths],
                                "imd_score": [100 - 10 * i for i in range(10)], "imd_extent": 0.0,
                                "imd_proportion": 0.0})
    ltla = pd.DataFrame({"lad19cd": ["E06000901", "E06000902", "E06000903"], "region": "R",
                         "death_rate": [250.0, 150.0, 200.0], "imd_score": [30.0, 10.0, 20.0],
                         "imd_extent": 0.0, "imd_proportion": 0.0})
    vbands = ["under_25", "25_29", "30_34", "35_39", "40_44", "45_49", "50_54", "55_59", "60_64", "65_69", "70_74",
              "75_79", "80_plus"]
    first = [60, 60] + [70] * 6 + [80, 80]
    vacc07 = pd.DataFrame([{"msoa11cd": c, "msoa11nm": c, "lad19cd": "E06000901", "dose": dose, "age_band": b,
                            "vaccinated": f if dose == 1 else f // 2}
                           for c, f in zip(codes, first, strict=True) for dose in (1, 2) for b in vbands])
    nbands = ["under_16", "16_24", "25_29", "30_34", "35_39", "40_44", "45_49", "50_54", "55_59", "60_64", "65_69",
              "70_74", "75_79", "80_plus"]
    nims_m = pd.DataFrame({"msoa11cd": codes, **{b: 100 for b in nbands}, "16_plus": 1300})
    vacc03 = pd.DataFrame([{"msoa11cd": c, "msoa11nm": c, "age_band": b, "vaccinated": 90, "population": 100,
                            "population_ons": 100} for c in codes for b in ("70_74", "75_79", "80_plus")])
    vacc_ltla = pd.DataFrame([{"lad19cd": "E06000901", "lad19nm": "Testford", "dose": d, "age_band": b,
                               "vaccinated": 700 if d == 1 else 350} for d in (1, 2) for b in vbands])
    nims_l = pd.DataFrame({"lad19cd": ["E06000901"], **{b: [1000] for b in nbands}, "16_plus": [13_000]})
    ons = pd.DataFrame({
        "period_start": pd.to_datetime(["2020-03-01", "2020-03-01"]),
        "period_end": pd.to_datetime(["2020-05-31", "2020-05-31"]), "area_code": "E92000001",
        "area_name": "England", "measure": "asmr", "group": ["most deprived areas", "least deprived areas"],
        "value": [128.3, 58.8], "unit": "deaths per 100,000 population", "source_type": "primary",
        "source_url": "https://example.org"})
    eth = pd.DataFrame({"lad20cd": ["E06000901", "E06000902"], "black_prop": [0.05, 0.01],
                        "south_asian_prop": [0.1, 0.01], "other_minority_prop": [0.05, 0.01],
                        "minority_prop": [0.2, 0.03], "imd_score": [30.0, 10.0], "imd_quintile": [5, 1],
                        "rural_urban": "Urban"})
    return (cases, england, utla, lookup, msoa_pop, weekly, msoa_deaths, ltla, vacc07, vacc03, vacc_ltla, nims_m,
            nims_l, ons, eth)


@pytest.fixture(scope="module")
def report():
    return cv.headlines(TESTFORD, *_synthetic_inputs(), seed=1)


def test_synthetic_totals_by_hand(report):
    # 2020-03-01..2021-06-21 = 478 days; May 2020 (31 days) absent; 7 days of 100, the rest 10
    assert report.totals["cases"]["place"]["total"] == (478 - 31 - 7) * 10 + 7 * 100  # 5,100
    assert report.totals["cases"]["england"]["rate"] == pytest.approx(478 * 10_000 / ENG_POP * 1e5)
    assert report.totals["deaths"]["place"]["total"] == 16  # the 1st of each month, Mar 2020..Jun 2021
    assert report.deaths_gap["most"] == pytest.approx(40 / 20_000 * 1e5)  # quintile 1: 2 MSOAs, 20 deaths each
    assert report.deaths_gap["least"] == pytest.approx(10 / 20_000 * 1e5)
    assert report.uptake_gap["most"] == pytest.approx(60.0) and report.uptake_gap["least"] == pytest.approx(80.0)


def test_summary_sentences_from_synthetic_numbers(report):
    s = say.summary_sentences(TESTFORD, report)
    assert 3 <= len(s) <= 5
    eng_peak = 70_000 / ENG_POP * 1e5  # 10,000 a day for 7 days
    assert s[0] == ("Recorded Covid-19 cases in Testford peaked at 700 per 100,000 in the 7 days to 7 January 2021, "
                    f"higher than England's highest of {eng_peak:,.0f} (7 March 2020).")
    eng_cases = 478 * 10_000 / ENG_POP * 1e5
    eng_deaths = 478 * 100 / ENG_POP * 1e5
    # a count and a rate never share one "per 100,000"
    assert s[1] == ("From 1 March 2020 to 21 June 2021, Testford recorded 5,100 cases per 100,000 people (England "
                    f"{eng_cases:,.0f}) and 16.0 deaths within 28 days of a positive test per 100,000 (England "
                    f"{eng_deaths:,.1f}).")
    # the age-standardised national contrast leads: 128.3 / 58.8 = 2.18
    assert s[2].startswith("1 March 2020 to 31 May 2020: 128.3 deaths per 100,000 in England's most deprived areas")
    assert "age-standardised" in s[2]
    # Testford's 10 MSOAs make fifths of 2: below the reliability minimum of 3 areas per group, so no
    # gap is stated where it would have been, for deaths and for uptake alike
    assert not report.checks["deaths"].ok and not report.checks["uptake"].ok
    # said once for both comparisons, where the findings would have been
    assert s[3].startswith("The report does not compare Covid-19 death rates or vaccine uptake between the most "
                           "and least deprived fifths of Testford's neighbourhoods: each fifth holds only 2 "
                           "neighbourhoods (the series needs at least 3 in each)")
    assert len(s) == 4
    assert not any("times as high" in x or "percentage points" in x for x in s)
    assert "not compared (below the reliability minimum)" in cv.headline_text(report)


def test_gap_sentence_says_no_clear_difference_when_intervals_overlap():
    gap = {"most": 110.0, "least": 100.0, "most_lower": 90.0, "most_upper": 130.0, "least_lower": 80.0,
           "least_upper": 120.0}
    crude = say.gap_sentence("X", gap, "death rates")
    assert "crude death rates (not adjusted for age) were 110 per 100,000" in crude
    assert "not evidence that the two fared alike" in crude and "no clear difference" not in crude
    assert say.gap_sentence("X", gap, "uptake", crude=False).endswith("no clear difference.")
    gap2 = dict(gap, most=60.0, most_lower=55.0, most_upper=65.0)
    assert say.uptake_gap_sentence("X", gap2).endswith("40.0 percentage points lower.")


def test_summary_for_place_without_local_data():
    inputs = list(_synthetic_inputs())
    other = Place(id="elsewhere", name="Elsewhere", kind="upper_tier", upper_tier=(Area("E06000903", "Elsewhere"),),
                  districts=(Area("E06000903", "Elsewhere"),))
    h = cv.headlines(other, *inputs, seed=1)
    assert not h.llr_data and not h.cases.available
    s = say.summary_sentences(other, h)
    assert 3 <= len(s) <= 5
    assert s[0].startswith("By mid-February 2021, Elsewhere had 200.0 deaths") and "ranking 2 of 3" in s[0]
    assert "2.2 times" in s[1]  # 128.3 / 58.8
    assert "not in this release" in s[2]


def test_headline_text_is_deterministic(report):
    text = cv.headline_text(report)
    assert "Peak 7-day case rate: 700.0 per 100,000 (2021-01-07)" in text
    assert "Deaths 2020-03-01 to 2021-06-21: 16 (16.0 per 100,000)" in text
