"""Covid-19 computations and summary sentences on synthetic data whose answers are worked out by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from jsna import reliability
from jsna.load import DataError
from jsna.load import covid as load
from jsna.places import Area, Place
from jsna.topics.covid_impact import compute as cv
from jsna.topics.covid_impact import tables
from jsna.topics.covid_impact import text as say
from jsna.topics.covid_impact.inputs import Inputs

# fixture files are not the catalogued bytes: see tests/unit/conftest.py
pytestmark = pytest.mark.usefixtures("fixture_files_trusted")


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch):
    """Parquet caches of fixture files go to this test's own directory, never to data/processed."""
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "covid" / "data"
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
    assert any("E02900002" in n and "aged under 25" in n and "_" not in n for n in res.notes)


# --------------------------------------------------------------------------- a Place's areas in a file

#: a council formed in 2020 from four districts and a county (Buckinghamshire's shape; codes made up)
NEWSHIRE = Place(id="newshire", name="Newshire", kind="upper_tier", upper_tier=(Area("E06000960", "Newshire"),),
                 districts=(Area("E06000960", "Newshire"),),
                 areas_2019=((Area("E10000902", "Old Newshire"),),
                             tuple(Area(f"E0700090{i}", f"Old {i}") for i in range(1, 5))))
#: a council formed from districts of a county it did not take whole (North Northamptonshire's shape)
SPLITSHIRE = Place(id="splitshire", name="Splitshire", kind="upper_tier",
                   upper_tier=(Area("E06000961", "Splitshire"),), districts=(Area("E06000961", "Splitshire"),),
                   areas_2019=((), (Area("E07000905", "Part A"), Area("E07000906", "Part B"))))


def test_codes_in_file_current_codes_first_then_the_2019_parts():
    old = NEWSHIRE.district_codes_2019
    f = cv.codes_in_file(NEWSHIRE.district_codes, old, ["E06000960", "E09999999"])
    assert f.codes == ("E06000960",) and f.vintage == "current" and f.complete
    f = cv.codes_in_file(NEWSHIRE.district_codes, old, old + ["E09999999"])
    assert f.codes == tuple(old) and f.population_codes == tuple(old) and f.vintage == "2019"
    # a file that switched codes part-way: both sets, populations of the new council's code
    f = cv.codes_in_file(NEWSHIRE.district_codes, old, old + ["E06000960"])
    assert set(f.codes) == {*old, "E06000960"} and f.population_codes == ("E06000960",) and f.vintage == "both"
    f = cv.codes_in_file(NEWSHIRE.district_codes, old, old[:3])
    assert not f.complete and f.missing == (old[3],)
    # an unchanged Place: its own codes, whatever else the file holds
    f = cv.codes_in_file(["E06000901"], ["E06000901"], ["E06000901", "E06000902"])
    assert f.codes == ("E06000901",) and f.vintage == "current"


def _cases_file(codes_days: dict[str, tuple[str, str]], per_day: int = 1, pop: int = 1000) -> pd.DataFrame:
    rows = []
    for code, (a, b) in codes_days.items():
        for d in pd.date_range(a, b):
            rows.append({"area_code": code, "area_name": code, "date": d, "cases": per_day, "population": pop})
    return pd.DataFrame(rows)


def _england(a="2020-03-01", b="2020-06-30"):
    days = pd.date_range(a, b)
    return pd.DataFrame({"area_code": "E92000001", "area_name": "England", "date": days, "cases": 1000,
                         "deaths": 10.0})


def test_new_council_sums_its_2019_districts_or_uses_its_own_code():
    """Four old districts of 1,000 people with 1 case a day each, 1 March - 30 June 2020 (122 days):
    488 cases, population 4,000; the 7-day rate = 4 x 7 / 4,000 x 100,000 = 700. The same area under the
    new council's code (4 cases a day, population 4,000), or switching from the old codes to the new on
    1 April 2020, gives the same series."""
    old = NEWSHIRE.district_codes_2019
    by_old = _cases_file({c: ("2020-03-01", "2020-06-30") for c in old})
    by_new = _cases_file({"E06000960": ("2020-03-01", "2020-06-30")}, per_day=4, pop=4000)
    switched = pd.concat([_cases_file({c: ("2020-03-01", "2020-03-31") for c in old}),
                          _cases_file({"E06000960": ("2020-04-01", "2020-06-30")}, per_day=4, pop=4000)])
    for file, vintage in ((by_old, "2019"), (by_new, "current"), (switched, "both")):
        w = cv.case_waves(NEWSHIRE, file, _england())
        assert w.available and w.vintage == vintage
        assert w.place["cases"].sum() == 488 and (w.place["population"] == 4000).all()
        assert w.place["rate_7d"].dropna().round(6).unique().tolist() == [700.0]
    assert len(cv.case_waves(NEWSHIRE, by_old, _england()).districts["area_code"].unique()) == 4


def test_a_day_under_both_codes_is_refused():
    old = NEWSHIRE.district_codes_2019
    overlap = pd.concat([_cases_file({c: ("2020-03-01", "2020-04-02") for c in old}),
                         _cases_file({"E06000960": ("2020-04-01", "2020-06-30")}, per_day=4, pop=4000)])
    with pytest.raises(DataError, match="twice"):
        cv.case_waves(NEWSHIRE, overlap, _england())


def test_deaths_for_a_council_formed_from_part_of_a_2019_county():
    utla = pd.DataFrame({"area_code": "E10000903", "area_name": "Big County", "date": pd.date_range(
        "2020-03-01", "2020-04-30"), "cases": 5, "deaths": 1.0})
    cases = _cases_file({"E07000905": ("2020-03-01", "2020-04-30"), "E07000906": ("2020-03-01", "2020-04-30")})
    areas_2019 = pd.DataFrame({"msoa11cd": ["E02900001"], "utla19nm": ["Big County"]})
    w = cv.death_waves(SPLITSHIRE, utla, cases, _england(), areas_2019)
    assert not w.available
    assert say.deaths_unavailable(SPLITSHIRE, w) == ("Deaths within 28 days of a positive test are not in this report's sources for Splitshire: "
                             "the series ends in June 2021 and was published for the upper-tier councils of the "
                             "time, when Splitshire's area was part of Big County.")
    # its cases are the sum of its two former districts
    assert cv.case_waves(SPLITSHIRE, cases, _england()).place["cases"].sum() == 2 * 61


def test_deaths_of_a_new_council_from_its_2019_county():
    """61 days of 1 death in the old county; population = the four old districts' 4,000: 61 / 4,000 x 1e5."""
    utla = pd.DataFrame({"area_code": "E10000902", "area_name": "Old Newshire",
                         "date": pd.date_range("2020-03-01", "2020-04-30"), "cases": 5, "deaths": 1.0})
    cases = _cases_file({c: ("2020-03-01", "2020-04-30") for c in NEWSHIRE.district_codes_2019})
    w = cv.death_waves(NEWSHIRE, utla, cases, _england())
    assert w.available and w.vintage == "2019"
    assert cv.cumulative_rate(w.place, "deaths", 4000, "2020-04-30")["rate"] == pytest.approx(61 / 4000 * 1e5)


def test_an_authority_published_inside_its_neighbour():
    city = Place(id="city", name="City of London", kind="upper_tier", upper_tier=(Area("E09000001", "City of London"),),
                 districts=(Area("E09000001", "City of London"),))
    cases = _cases_file({"E09000001": ("2020-10-01", "2020-10-31"), "E09000012": ("2020-03-01", "2020-06-30")})
    w = cv.case_waves(city, cases, _england())
    assert not w.available and "together with Hackney's" in say.cases_unavailable(city, w)
    hackney = Place(id="hackney", name="Hackney", kind="upper_tier", upper_tier=(Area("E09000012", "Hackney"),),
                    districts=(Area("E09000012", "Hackney"),))
    assert cv.case_waves(hackney, cases, _england()).available
    assert "include City of London's residents" in say.host_sentence(hackney)
    assert say.host_sentence(city) == "" and say.guest_sentence(hackney) == ""


def test_a_district_whose_rows_stop_early_gets_no_series():
    cases = _cases_file({"E06000901": ("2020-03-01", "2020-04-01"), "E06000902": ("2020-03-01", "2020-06-30")})
    w = cv.case_waves(TESTFORD, cases, _england())
    assert not w.available and "only to 1 April 2020" in say.cases_unavailable(TESTFORD, w)


# --------------------------------------------------------------------------- MSOA harm, whole area, age


def test_too_few_neighbourhoods_to_divide_into_fifths():
    v = reliability.too_few_to_divide(1)
    assert not v.ok and v.reasons == ("it has only 1 neighbourhood, too few to divide into fifths (the series needs "
                                      "at least 3 in each fifth)",)
    assert reliability.too_few_to_divide(5) is None
    assert "no neighbourhoods" in reliability.too_few_to_divide(0).reasons[0]
    assert v.sentence("Tiny", "death rates").startswith(
        "The report does not compare death rates between the most and least deprived fifths of Tiny's "
        "neighbourhoods: it has only 1 neighbourhood")


def test_whole_area_against_england_by_hand():
    """Place: MSOAs A (4 deaths, 8,000 people) and B (1 death, 8,000): 5 deaths in 16,000 = 31.25 per
    100,000 but fewer than 10 deaths, so not 'stable'. England adds C (20 deaths, 4,000): 25 / 20,000 =
    125. Cases: A has weeks of 5 and 3 and one suppressed week -> 8 to 10; B 11 to 13."""
    deaths = pd.DataFrame({"msoa11cd": ["A", "B", "C"], "deaths": [4, 1, 20]})
    pop = pd.DataFrame({"msoa11cd": ["A", "B", "C"], "population": pd.array([8000, 8000, 4000], dtype="Int64")})
    weekly = load.msoa_cases_weekly_2020(FIXTURES).replace({"E02900001": "A", "E02900002": "B"})
    w = cv.whole_area("Place", deaths, pop, weekly, ["A", "B"]).set_index(["measure", "area"])
    assert w.at[("deaths", "Place"), "count"] == 5
    assert w.at[("deaths", "Place"), "rate"] == pytest.approx(31.25)
    assert not w.at[("deaths", "Place"), "stable"]
    assert w.at[("deaths", "England"), "rate"] == pytest.approx(125.0) and w.at[("deaths", "England"), "stable"]
    assert (w.at[("cases", "Place"), "count"], w.at[("cases", "Place"), "count_upper"]) == (19, 23)
    table = tables.whole_table(w.reset_index())
    assert table.loc[0, "Per 100,000 (crude)"] == "not shown (fewer than 10)"
    assert table.loc[1, "Count"] == "19 to 23"


def test_whole_area_sentences_a_zero_is_a_zero_and_few_deaths_give_no_rate():
    place = Place(id="isle", name="Isle", kind="upper_tier", upper_tier=(Area("E06000903", "Isle"),),
                  districts=(Area("E06000903", "Isle"),))
    pop = pd.DataFrame({"msoa11cd": ["A", "C"], "population": pd.array([2000, 4000], dtype="Int64")})
    weekly = pd.DataFrame({"msoa11cd": [], "week_ending": pd.to_datetime([]), "cases": pd.array([], dtype="Int64"),
                           "suppressed": pd.array([], dtype=bool)})
    for n, expect in ((0, "No deaths involving Covid-19 of Isle's residents were registered from March to "
                          "December 2020 (ONS): a count of zero, not a suppressed figure"),
                      (5, "ONS registered 5 deaths involving Covid-19 of Isle's residents from March to December "
                          "2020: too few for a stable rate (the series needs at least 10)")):
        deaths = pd.DataFrame({"msoa11cd": ["A", "C"], "deaths": [n, 20]})
        h = cv.Results.__new__(cv.Results)
        h.whole, h.age_whole = cv.whole_area("Isle", deaths, pop, weekly, ["A"]), None
        s = say.whole_area_sentences(place, h)[0]
        assert s.startswith(expect), s
        assert "suppressed" not in s or n == 0


def test_age_by_fifth_and_the_contrast_by_hand():
    """Fifth 1: MSOA A, 1,000 residents of whom 100 aged 65-69 and 20 aged 85+ -> 12.0% aged 65+, 2.0% 75+.
    Fifth 5: MSOA B, 1,000 residents, 200 aged 70-74 and 50 aged 80-84 -> 25.0% aged 65+, 5.0% 75+."""
    bands = ["age_0_4", *[f"age_{a}_{a + 4}" for a in range(5, 85, 5)], "age_85_plus"]
    age = pd.DataFrame({"msoa11cd": ["A", "B"], "total": [1000.0, 1000.0], **{b: [0.0, 0.0] for b in bands}})
    age.loc[0, ["age_20_24", "age_65_69", "age_85_plus"]] = [880, 100, 20]
    age.loc[1, ["age_20_24", "age_70_74", "age_80_84"]] = [750, 200, 50]
    groups = pd.DataFrame({"msoa11cd": ["A", "B"], "q": [1, 5]})
    f = cv.age_by_fifth(age, groups, "q").set_index("fifth")
    assert f.at[1, "pct_65_plus"] == pytest.approx(12.0) and f.at[1, "pct_75_plus"] == pytest.approx(2.0)
    assert f.at[5, "pct_65_plus"] == pytest.approx(25.0) and f.at[5, "pct_75_plus"] == pytest.approx(5.0)
    c = cv.age_contrast(f.reset_index())
    assert c["kind"] == "younger" and c["difference"] == pytest.approx(-13.0)
    assert cv.age_contrast(pd.DataFrame({"fifth": [1, 5], "pct_65_plus": [20.0, 21.5]}))["kind"] == "similar"


def test_lsoa21_weights_split_a_straddling_lsoa_equally():
    from jsna.load.census import lsoa21_to_msoa11

    bridge = pd.DataFrame({"lsoa11_code": ["L1", "L2", "L3", "L4"], "lsoa21_code": ["N1", "N2", "N2", "N3"]})
    lookup = pd.DataFrame({"lsoa11cd": ["L1", "L2", "L3", "L4"], "msoa11cd": ["M1", "M1", "M2", "M2"]})
    w = lsoa21_to_msoa11(bridge, lookup).set_index(["lsoa21cd", "msoa11cd"])["weight"]
    assert w[("N1", "M1")] == 1 and w[("N3", "M2")] == 1
    assert w[("N2", "M1")] == 0.5 and w[("N2", "M2")] == 0.5  # N2 straddles M1 and M2
    assert w.groupby(level=0).sum().eq(1).all()


def test_crude_gap_is_never_no_clear_difference_when_age_structures_differ():
    gap = {"most": 127.0, "least": 126.0, "most_lower": 110.0, "most_upper": 145.0, "least_lower": 108.0,
           "least_upper": 146.0}
    younger = {"most_65": 10.7, "least_65": 15.7, "difference": -5.0, "kind": "younger"}
    s = say.gap_sentence("Leicester", gap, "death rates", age=younger)
    assert "no clear difference" not in s
    assert ("the most deprived fifth is younger (10.7% of residents aged 65 and over against 15.7% in the least "
            "deprived fifth, Census 2021), so crude rates do not compare like with like") in s
    similar = dict(younger, most_65=15.0, difference=-0.7, kind="similar")
    assert "no clear difference in these crude rates" in say.gap_sentence("X", gap, "death rates", age=similar)
    # a gap that age would widen, and one that age partly explains
    high = dict(gap, most=200.0, most_lower=180.0, most_upper=220.0)
    assert "at the same age the gap would likely be wider" in say.gap_sentence("X", high, "death rates", age=younger)
    older = dict(younger, kind="older", most_65=25.0, difference=9.3)
    assert "part of the difference in crude rates reflects age" in say.gap_sentence("X", high, "death rates",
                                                                                   age=older)


def test_counts_and_rates_never_share_one_per_100000():
    totals = {"cases": {"place": {"total": 11_287.0, "rate": 3_000.0}, "england": {"rate": 7_389.0}},
              "deaths": {"place": {"total": 220.0, "rate": 62.5}, "england": {"rate": 201.3}}}
    s = say.totals_sentence("X", totals)
    assert s == ("From 1 March 2020 to 21 June 2021, X recorded 11,287 cases (3,000 per 100,000; England 7,389) and "
                 "220 deaths within 28 days of a positive test (62.5 per 100,000; England 201.3); these are crude rates, "
                 "not adjusted for age.")


# --------------------------------------------------------------------------- a whole synthetic Place


CODES = [f"E029000{i:02d}" for i in range(1, 11)]


def _synthetic_inputs() -> Inputs:
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
    msoa_pop = pd.DataFrame({"msoa11cd": CODES, "population": pd.array([10_000] * 10, dtype="Int64")})
    weekly = pd.DataFrame([{"msoa11cd": c, "msoa11nm": c, "week_ending": pd.Timestamp(w), "cases": 10, "rate": 100.0,
                            "suppressed": False} for c in CODES for w in ("2020-10-03", "2020-10-10")])
    weekly["cases"] = weekly["cases"].astype("Int64")
    deaths = [20, 20, 10, 10, 10, 10, 10, 10, 5, 5]
    msoa_deaths = pd.DataFrame({"msoa11cd": CODES, "deaths": deaths, "crude_rate": [d / 10_000 * 1e5 for d in deaths],
                                "imd_score": [100 - 10 * i for i in range(10)], "imd_extent": 0.0,
                                "imd_proportion": 0.0})
    msoa_areas = pd.DataFrame({"msoa11cd": CODES, "msoa11hclnm": [f"Area {i}" for i in range(1, 11)],
                               "lad19cd": "E06000901", "utla19nm": "Testford", "pop_total": 10_000,
                               "imd_score": [100.0 - 10 * i for i in range(10)],
                               "local_quintile": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]})
    ltla = pd.DataFrame({"lad19cd": ["E06000901", "E06000902", "E06000903"], "region": "R",
                         "death_rate": [250.0, 150.0, 200.0], "imd_score": [30.0, 10.0, 20.0],
                         "imd_extent": 0.0, "imd_proportion": 0.0})
    vbands = ["under_25", "25_29", "30_34", "35_39", "40_44", "45_49", "50_54", "55_59", "60_64", "65_69", "70_74",
              "75_79", "80_plus"]
    first = [60, 60] + [70] * 6 + [80, 80]
    vacc07 = pd.DataFrame([{"msoa11cd": c, "msoa11nm": c, "lad19cd": "E06000901", "dose": dose, "age_band": b,
                            "vaccinated": f if dose == 1 else f // 2}
                           for c, f in zip(CODES, first, strict=True) for dose in (1, 2) for b in vbands])
    nbands = ["under_16", "16_24", "25_29", "30_34", "35_39", "40_44", "45_49", "50_54", "55_59", "60_64", "65_69",
              "70_74", "75_79", "80_plus"]
    nims_m = pd.DataFrame({"msoa11cd": CODES, **{b: 100 for b in nbands}, "16_plus": 1300})
    vacc03 = pd.DataFrame([{"msoa11cd": c, "msoa11nm": c, "age_band": b, "vaccinated": 90, "population": 100,
                            "population_ons": 100} for c in CODES for b in ("70_74", "75_79", "80_plus")])
    vacc_ltla = pd.DataFrame([{"lad19cd": "E06000901", "lad19nm": "Testford", "dose": d, "age_band": b,
                               "vaccinated": 700 if d == 1 else 350} for d in (1, 2) for b in vbands])
    nims_l = pd.DataFrame({"lad19cd": ["E06000901"], **{b: [1000] for b in nbands}, "16_plus": [13_000]})
    # ONS age-standardised rates, ten months (people, due to COVID-19): decile 1 = 250 ... decile 10 = 100;
    # England 150 (148-152), Testford 180 (160-200); a Testford row of another cause that must not be used
    ten = {"cause": "Due to COVID-19", "sex": "People", "period": "Mar-Dec 2020 (10-month total)", "flag": pd.NA}
    rates = [250.0, 230.0, 210.0, 190.0, 170.0, 150.0, 140.0, 130.0, 110.0, 100.0]
    asmr_deciles = pd.DataFrame([{**ten, "decile": k + 1, "deaths": 1000, "rate": r, "lowercl": r - 5,
                                  "uppercl": r + 5} for k, r in enumerate(rates)])
    asmr_areas = pd.DataFrame([
        {**ten, "area_code": "E92000001", "area_name": "ENGLAND", "deaths": 69_000, "rate": 150.0, "lowercl": 148.0,
         "uppercl": 152.0},
        {**ten, "area_code": "E06000901", "area_name": "Testford", "deaths": 180, "rate": 180.0, "lowercl": 160.0,
         "uppercl": 200.0},
        {**ten, "cause": "All causes", "area_code": "E06000901", "area_name": "Testford", "deaths": 900,
         "rate": 900.0, "lowercl": 850.0, "uppercl": 950.0}])
    # Census 2021, 19 groups by district: Testford 1,000 residents, 200 of them not White (100 Indian)
    census = pd.DataFrame({"ltla21cd": ["E06000901"] * 3 + ["E06000902"] * 2,
                           "broad_group": ["White", "Asian, Asian British or Asian Welsh", "Mixed or Multiple",
                                           "White", "Black, Black British, Black Welsh, Caribbean or African"],
                           "ethnic_group": ["White: English", "Asian, Asian British or Asian Welsh: Indian",
                                            "Mixed or Multiple: Other", "White: English", "Black: African"],
                           "persons": [800, 100, 100, 970, 30]})
    return Inputs(cases=cases, england=england, utla=utla, msoa_pop=msoa_pop, msoa_weekly=weekly,
                     msoa_deaths=msoa_deaths, ltla_deaths=ltla, vacc07=vacc07, vacc03=vacc03, vacc_ltla=vacc_ltla,
                     nims_m=nims_m, nims_l=nims_l, asmr_deciles=asmr_deciles, asmr_areas=asmr_areas,
                  ethnicity=census, msoa_areas=msoa_areas)


@pytest.fixture(scope="module")
def report():
    return cv.compute(TESTFORD, _synthetic_inputs(), seed=1)


def test_synthetic_totals_by_hand(report):
    # 2020-03-01..2021-06-21 = 478 days; May 2020 (31 days) absent; 7 days of 100, the rest 10
    assert report.totals["cases"]["place"]["total"] == (478 - 31 - 7) * 10 + 7 * 100  # 5,100
    assert report.totals["cases"]["england"]["rate"] == pytest.approx(478 * 10_000 / ENG_POP * 1e5)
    assert report.totals["deaths"]["place"]["total"] == 16  # the 1st of each month, Mar 2020..Jun 2021
    assert report.deaths_gap["most"] == pytest.approx(40 / 20_000 * 1e5)  # quintile 1: 2 MSOAs, 20 deaths each
    assert report.deaths_gap["least"] == pytest.approx(10 / 20_000 * 1e5)
    assert report.uptake_gap["most"] == pytest.approx(60.0) and report.uptake_gap["least"] == pytest.approx(80.0)
    # the whole area: 110 ONS deaths in 100,000 people = 110 per 100,000
    w = report.whole.set_index(["measure", "area"])
    assert w.at[("deaths", "Testford"), "count"] == 110 and w.at[("deaths", "Testford"), "rate"] == pytest.approx(110)
    assert report.vaccination and report.n_msoas == 10


def test_summary_sentences_from_synthetic_numbers(report):
    s = say.summary_sentences(TESTFORD, report)
    assert 3 <= len(s) <= 5
    eng_peak = 70_000 / ENG_POP * 1e5  # 10,000 a day for 7 days
    assert s[0] == ("Recorded Covid-19 cases in Testford peaked at 700 per 100,000 in the 7 days to 7 January 2021, "
                    f"higher than England's highest of {eng_peak:,.0f} (7 March 2020).")
    eng_cases = 478 * 10_000 / ENG_POP * 1e5
    eng_deaths = 478 * 100 / ENG_POP * 1e5
    # a count and a rate never share one "per 100,000": 5,100 cases in 100,000 people = 5,100 per 100,000
    assert s[1] == ("From 1 March 2020 to 21 June 2021, Testford recorded 5,100 cases (5,100 per 100,000; England "
                    f"{eng_cases:,.0f}) and 16 deaths within 28 days of a positive test (16.0 per 100,000; England "
                    f"{eng_deaths:,.1f}); these are crude rates, not adjusted for age.")
    # the age-standardised contrasts lead: deciles 1 and 10, 250 / 100 = 2.5, then the Place's own rate beside
    # England's (160-200 lies above 148-152)
    assert s[2] == ("From March to December 2020, deaths due to Covid-19 in England's most deprived tenth of "
                    "neighbourhoods were 250.0 per 100,000 against 100.0 in the least deprived tenth, 2.5 times the "
                    "rate after allowing for age; Testford's rate was 180.0, higher than England's 150.0 (ONS, "
                    "age-standardised).")
    # the report's own section says it with the intervals
    assert say.asmr_sentences(TESTFORD, report.asmr)[1] == (
        "In Testford, deaths due to Covid-19 from March to December 2020 were 180.0 per 100,000 (age-standardised; "
        "95% CI 160.0 to 200.0), higher than England's 150.0 (95% CI 148.0 to 152.0): the intervals do not overlap.")
    # Testford's 10 MSOAs make fifths of 2: below the reliability minimum of 3 areas per group, so no
    # gap is stated where it would have been, for deaths and for uptake alike
    assert not report.checks["deaths"].ok and not report.checks["uptake"].ok
    # said once for both comparisons, where the findings would have been
    assert s[3].startswith("The report does not compare Covid-19 death rates or vaccine uptake between the most "
                           "and least deprived fifths of Testford's neighbourhoods: each fifth holds only 2 "
                           "neighbourhoods (the series needs at least 3 in each)")
    # then what the data support instead: the whole area against England (110 deaths in 100,000 people)
    assert s[4].startswith("ONS registered 110 deaths involving Covid-19 of Testford's residents from March to "
                           "December 2020: 110.0 per 100,000")
    assert not any("times as high" in x or "percentage points" in x for x in s)
    assert "not compared (below the reliability minimum)" in "\n".join(say.check_lines(report))


def test_asmr_summary_uses_the_place_possessive():
    i = _synthetic_inputs()
    hamlets = Place(id="hamlets", name="Hamlets", kind="upper_tier", upper_tier=(Area("E06000901", "Hamlets"),),
                    districts=(Area("E06000901", "Hamlets"),))
    b = cv.asmr_benchmark(hamlets, i.asmr_deciles, i.asmr_areas)
    assert "; Hamlets' rate was 180.0, higher than England's 150.0" in say.asmr_summary_sentence(hamlets, b)


def test_asmr_tables_and_comparisons_by_hand(report):
    b = report.asmr
    assert list(b.deciles["decile"]) == list(range(1, 11)) and b.deciles["rate"].iloc[0] == 250.0
    # the all-causes row of Testford is not taken: the ten-month Covid-19 row (180) is
    a = b.areas.set_index("area_name")
    assert a.at["Testford", "rate"] == 180.0 and a.at["Testford", "compared"] == "higher"
    assert list(b.areas["area_name"]) == ["Testford", "England"]  # the Place first, England last
    from jsna.topics.covid_impact import tables as ctab

    t = ctab.asmr_area_table(b)
    assert list(t["95% CI"]) == ["160.0 to 200.0", "148.0 to 152.0"]
    assert ctab.asmr_decile_table(b)["Decile (IMD 2019)"].tolist()[::9] == ["1 most deprived", "10 least deprived"]


@pytest.mark.parametrize(("lo", "hi", "flag", "words"), [
    (140.0, 160.0, pd.NA, "not clearly different from England's 150.0 (95% CI 148.0 to 152.0): the intervals overlap"),
    (100.0, 140.0, pd.NA, "lower than England's 150.0"),
    (60.0, 200.0, "u", "a rate ONS marks as unreliable because it rests on few deaths, so it is not compared"),
])
def test_asmr_area_sentence_follows_the_intervals(lo, hi, flag, words):
    i = _synthetic_inputs()
    i.asmr_areas.loc[1, ["lowercl", "uppercl", "flag"]] = [lo, hi, flag]
    i.asmr_areas.loc[1, "rate"] = (lo + hi) / 2
    b = cv.asmr_benchmark(TESTFORD, i.asmr_deciles, i.asmr_areas)
    assert words in say.asmr_sentences(TESTFORD, b)[1]


def test_gap_sentence_says_no_clear_difference_when_intervals_overlap():
    gap = {"most": 110.0, "least": 100.0, "most_lower": 90.0, "most_upper": 130.0, "least_lower": 80.0,
           "least_upper": 120.0}
    crude = say.gap_sentence("X", gap, "death rates")
    assert "crude death rates, not adjusted for age, were 110 per 100,000" in crude
    assert "not evidence that the two fared alike" in crude and "no clear difference" not in crude
    assert say.gap_sentence("X", gap, "uptake", crude=False).endswith("no clear difference.")
    gap2 = dict(gap, most=60.0, most_lower=55.0, most_upper=65.0)
    assert say.uptake_gap_sentence("X", gap2).endswith("40.0 percentage points lower.")


def test_place_outside_the_vaccination_tables():
    """Elsewhere has cases, deaths and neighbourhoods in the England files but no vaccination rows:
    one sentence says so, and nothing else about vaccination is computed or listed as a source."""
    i = _synthetic_inputs()
    other = Place(id="elsewhere", name="Elsewhere", kind="upper_tier", upper_tier=(Area("E06000903", "Elsewhere"),),
                  districts=(Area("E06000903", "Elsewhere"),))
    i.cases = pd.concat([i.cases, i.cases.assign(area_code="E06000903", area_name="Elsewhere")])
    i.utla = pd.concat([i.utla, i.utla.assign(area_code="E06000903", area_name="Elsewhere")])
    i.vacc07 = i.vacc07[i.vacc07["msoa11cd"] == "E02900001"]  # the tables miss 9 of its 10 neighbourhoods
    h = cv.compute(other, i, seed=1)
    assert h.cases.available and h.deaths.available and not h.vaccination
    assert h.uptake_by_q is None and "uptake" not in h.checks
    assert say.vaccination_unavailable(other) == ("Vaccination by neighbourhood is not in this report's sources for Elsewhere: the NHS "
                                      "England vaccination tables held cover Leicester, Leicestershire and Rutland "
                                      "only (the all-England tables are not held).")
    s = say.summary_sentences(other, h)
    assert 3 <= len(s) <= 5 and not any("not in this release" in x for x in s)
    # ONS's council table has no Elsewhere (nor areas it was formed from): England alone, and the report says so
    assert h.asmr.not_found and list(h.asmr.areas["area_name"]) == ["England"]
    assert say.asmr_sentences(other, h.asmr)[-1] == ("ONS's table of councils has no row for Elsewhere or the areas "
                                                     "it was formed from.")
    assert s[3].startswith("The report does not compare Covid-19 death rates between")  # uptake not mentioned


def test_ethnicity_of_a_council_formed_from_two_districts():
    """Census 2021 counts of its two former districts are added: (200 + 30) / (1,000 + 1,000) = 11.5%.
    Death rates (Feb 2021) 250 and 150 per 100,000 weighted by mid-2019 populations 100,000 and 50,000:
    (250 x 100,000 + 150 x 50,000) / 150,000 = 216.7. A combined area has no rank among 2021 districts."""
    i = _synthetic_inputs()
    two = Place(id="two", name="Two", kind="upper_tier", upper_tier=(Area("E06000964", "Two"),),
                districts=(Area("E06000964", "Two"),),
                areas_2019=((), (Area("E06000901", "Testford"), Area("E06000902", "Exampleton"))))
    pops = pd.Series({"E06000901": 100_000, "E06000902": 50_000})
    eth = cv.ethnicity_view(i.ethnicity, i.ltla_deaths, None, two, pops).iloc[0]
    assert eth["minority_prop"] == pytest.approx(0.115)
    assert eth["death_rate"] == pytest.approx((250 * 100_000 + 150 * 50_000) / 150_000)
    assert pd.isna(eth["england_minority_rank"])
    one = cv.ethnicity_view(i.ethnicity, i.ltla_deaths, None, TESTFORD, pops).iloc[0]
    assert one["minority_prop"] == pytest.approx(0.2) and one["south_asian_prop"] == pytest.approx(0.1)
    assert one["england_minority_rank"] == 1 and one["n_ltla"] == 2


def test_check_lines_are_deterministic(report):
    text = "\n".join(say.check_lines(report))
    assert "Peak 7-day case rate: 700.0 per 100,000 (2021-01-07)" in text
    assert "Deaths 2020-03-01 to 2021-06-21: 16 (16.0 per 100,000)" in text
    assert "ONS deaths Mar-Dec 2020: 110" in text


def test_covid_charts_attach_tidy_data_for_their_csv_download():
    """Every covid_impact chart attaches its tidy data (jsna.report.attach_data), never the
    artists' coordinates that jsna.report.figure_data reads back."""
    import pandas as pd
    from jsna.topics.covid_impact import charts

    byq = pd.DataFrame({"quintile": [1, 2, 3, 4, 5], "value": [50.0, 40, 30, 20, 10],
                        "lowercl": [40.0, 30, 20, 10, 5], "uppercl": [60.0, 50, 40, 30, 15]})
    fig, _, _ = charts.quintile_chart(byq, "Deaths per 100,000", "Deaths", "deaths per 100,000")
    data, meta = fig.jsna_data
    assert list(data["local deprivation quintile"]) == [1, 2, 3, 4, 5]
    assert list(data["deaths per 100,000"]) == [50.0, 40, 30, 20, 10] and "x" not in data.columns
    up = pd.concat([byq.assign(dose=d, age_group=g) for d in (1, 2) for g in ("16-49", "65+")])
    fig, _, _ = charts.uptake_chart(up, "Uptake")
    data, _ = fig.jsna_data
    assert len(data) == 20 and {"dose", "age_group", "lower 95% limit"} <= set(data.columns)
    sc = pd.DataFrame({"lad19cd": ["E1", "E2", "E3"], "imd_score": [10.0, 20, 30], "death_rate": [100.0, 150, 210],
                       "highlight": [False, True, False]})
    fig, _, _ = charts.ltla_scatter(sc, {"E2": "Two"}, "Place")
    data, _ = fig.jsna_data
    assert list(data["district"]) == ["", "Two", ""] and list(data["IMD 2019 average score"]) == [10.0, 20, 30]


def test_a_group_place_says_how_much_of_each_end_fifth_lies_in_each_council():
    """LLR's pooled local fifths mix place with deprivation: the split of fifths 1 and 5 by council is
    computed from the area table, and the sentence states it and points to the councils' reports."""
    from types import SimpleNamespace

    import pandas as pd
    from jsna.topics.covid_impact import compute, text

    ma = pd.DataFrame({"msoa11cd": list("abcdef"), "local_quintile": [1, 1, 5, 5, 3, 1],
                       "utla19cd": ["L", "L", "S", "R", "S", "S"],
                       "utla19nm": ["Leicester", "Leicester", "Leicestershire", "Rutland", "Leicestershire",
                                    "Leicestershire"],
                       "pop_total": [8000, 9000, 7000, 3000, 8000, 3000]})
    split = compute.fifth_split(ma)
    assert split[split["fifth"] == 1]["share"].round(1).tolist() == [85.0, 15.0]
    assert split[split["fifth"] == 5]["council"].tolist() == ["Leicestershire", "Rutland"]
    place = SimpleNamespace(name="LLR", kind="group")
    s = text.fifth_mix_sentence(place, SimpleNamespace(fifth_split=split))
    assert "the most deprived fifth's residents live 85.0% in Leicester and 15.0% in Leicestershire" in s
    assert "least deprived fifth's 70.0% in Leicestershire and 30.0% in Rutland" in s
    assert "reports for Leicester, Leicestershire and Rutland compare the fifths within each council" in s
    from tests.support.numbers import assert_numbers_shown

    assert_numbers_shown([s], tables.fifth_split_table(split))
    # one council: no mixing, no sentence
    assert compute.fifth_split(ma.assign(utla19cd="L")) is None
    assert text.fifth_mix_sentence(place, SimpleNamespace(fifth_split=None)) is None


def test_uptake_gap_is_that_of_the_percentages_shown():
    from jsna.topics.covid_impact import text

    # 80.04% and 90.15% are shown as 80.0% and 90.2%: the gap stated is 10.2 points (10.11 unrounded)
    g = {"most": 80.04, "least": 90.15, "most_lower": 79.0, "most_upper": 81.0, "least_lower": 89.5,
         "least_upper": 90.8}
    s = text.uptake_gap_sentence("X", g)
    assert "10.2 percentage points lower" in s


def _ages(rows: dict[str, tuple[int, int, int]]) -> pd.DataFrame:
    """MSOA ages: code -> (residents, aged 65-74, aged 75+), the rest aged under 65."""
    cols = [f"age_{a}_{a + 4}" for a in range(65, 85, 5)] + ["age_85_plus"]
    out = []
    for code, (total, a65_74, a75) in rows.items():
        out.append({"msoa11cd": code, "total": total, **dict.fromkeys(cols, 0),
                    "age_65_69": a65_74, "age_75_79": a75})
    return pd.DataFrame(out)


def test_whole_area_age_counts_residents_and_both_age_shares_by_hand():
    age = _ages({"A": (1000, 100, 50), "B": (3000, 300, 250), "C": (6000, 300, 300)})
    w = cv.whole_area_age(age, ["A", "B"])
    # Place A+B: 4,000 residents, 65+ = 150 + 550 = 700 (17.5%), 75+ = 300 (7.5%);
    # England A+B+C: 10,000, 65+ = 1,300 (13.0%), 75+ = 600 (6.0%)
    assert w["place_residents"] == 4000 and w["place_65"] == pytest.approx(17.5) and w["place_75"] == pytest.approx(7.5)
    assert w["england_residents"] == 10000 and w["england_65"] == pytest.approx(13.0)
    assert w["england_75"] == pytest.approx(6.0)


def test_age_table_without_local_fifths_has_no_empty_column_for_the_place():
    """Too few neighbourhoods to compare fifths: England's fifths, then England and the Place as a
    whole, each row complete (no 'not available' column for the Place, no 11,364,637.0)."""
    england = pd.DataFrame({"fifth": [1, 2, 3, 4, 5], "residents": [11364637.0, 2, 3, 4, 11319816.0],
                            "pct_65_plus": [13.44, 15.8, 19.4, 21.6, 21.9], "pct_75_plus": [5.9, 7.2, 9.0, 10.2, 10.6]})
    whole = {"place_residents": 41058.0, "place_65": 25.31, "place_75": 12.3,
             "england_residents": 56490091.0, "england_65": 18.4, "england_75": 8.6}
    t = tables.age_table(None, england, "Rutland", whole)
    assert t.columns.tolist() == ["Neighbourhoods", "Residents (2021)", "Aged 65+ %", "Aged 75+ %"]
    assert t["Neighbourhoods"].tolist()[0] == "England: fifth 1 (most deprived)"
    assert t.iloc[-1].tolist() == ["Rutland: all neighbourhoods", 41058, 25.3, 12.3]
    assert t.notna().all().all() and str(t["Residents (2021)"].dtype) == "Int64"
    from jsna import report
    html = report.table_html(t, caption="t")
    assert ">11,364,637<" in html and "11,364,637.0" not in html and "not available" not in html
