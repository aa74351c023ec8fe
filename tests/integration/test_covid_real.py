"""Covid-19 topic on the real data (data/raw/covid): figures checked against independent
recomputation from the raw CSVs and against figures published in the mirror's covid/SOURCES.md
(quoted in each test), for Places in and outside Leicester, Leicestershire and Rutland (LLR)."""

from __future__ import annotations

import csv
import gzip
import io
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from jsna import areas, paths
from jsna.load import covid as load
from jsna.places import load_place
from jsna.topics.covid_impact import compute as cv
from jsna.topics.covid_impact import inputs as covid_inputs
from jsna.topics.covid_impact import tables
from jsna.topics.covid_impact import text as say

pytestmark = pytest.mark.integration

RAW = paths.raw_dir() / "covid"
ROOT = Path(__file__).resolve().parents[2]


def _open(path: Path):
    return io.TextIOWrapper(gzip.open(path), encoding="utf-8-sig") if path.suffix == ".gz" else open(
        path, encoding="utf-8-sig", newline="")


def _rows(name: str) -> list[dict[str, str]]:
    path = RAW / name
    if not path.exists():
        pytest.skip(f"{path} not present: run `make data`")
    with _open(path) as f:
        return list(csv.DictReader(f))


def _llr_extract(name: str) -> list[dict[str, str]]:
    """An earlier LLR-filtered extract: no longer catalogued (the all-England files replace it), read
    from data/raw if an older `make data` left it there, else from the data mirror."""
    for d in (RAW, (paths.default_mirror() or Path("/nonexistent")) / "covid"):
        if (d / name).exists():
            with _open(d / name) as f:
                return list(csv.DictReader(f))
    pytest.skip(f"{name}: the LLR extract is in neither data/raw nor the mirror")


@pytest.fixture(scope="module")
def frames():
    return {
        "cases": load.ltla_cases_daily(), "england": load.england_daily(), "utla": load.utla_cases_deaths_daily(),
        "msoa_pop": load.msoa_population_2019(), "msoa_deaths": load.msoa_deaths_2020(),
        "weekly": load.msoa_cases_weekly_2020(), "vacc07": load.vaccinations_msoa_2021_07(),
        "nims_m": load.nims_msoa(),
    }


@pytest.fixture(scope="module")
def params_dir(tmp_path_factory):
    """Params of Places outside LLR, written as `python -m jsna params new CODE --out DIR` does."""
    from jsna.geo import write_params

    d = tmp_path_factory.mktemp("params")
    for f in paths.PARAMS_DIR.glob("*.yaml"):
        (d / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    for code in ("E06000065", "E10000007", "E09000001", "E06000053", "E06000060", "E06000061", "E09000012"):
        write_params(code, d)
    return d


@pytest.fixture(scope="module")
def inputs(frames):
    return covid_inputs.load(load_place("rutland"))


def _report(pid: str, params_dir: Path, inputs):
    place = load_place(pid, params_dir)
    inputs.msoa_areas = areas.msoas(place)
    return place, cv.compute(place, inputs)


# --------------------------------------------------------------------------- the all-England files


def test_england_files_hold_the_llr_extracts_rows_exactly(frames):
    """SOURCES.md: the LLR totals re-computed from the all-England files match the LLR files exactly.
    Here row by row: every LLR row of the four LLR extracts is in the England file with the same values,
    and the England file has no other LLR rows."""
    def key(rows, cols):
        return sorted(tuple(r[c] for c in cols) for r in rows)

    ltla = _llr_extract("ukhsa_ltla_cases_daily_llr.csv")
    codes = {r["code"] for r in ltla}
    eng = [r for r in _rows("ukhsa_ltla_cases_daily_england_2020-2023.csv.gz") if r["code"] in codes]
    assert key(eng, ("code", "date", "count", "population")) == key(ltla, ("code", "date", "count", "population"))
    utla = _llr_extract("ukhsa_utla_cases_deaths28d_daily_llr_to_2021-06.csv")
    codes = {r["areaCode"] for r in utla}
    cols = ("date", "areaCode", "newCasesBySpecimenDate", "newDeaths28DaysByDeathDate")
    eng = [r for r in _rows("ukhsa_utla_cases_deaths28d_daily_england_to_2021-06-21.csv.gz") if r["areaCode"] in codes]
    assert key(eng, cols) == key(utla, cols)
    weekly = _llr_extract("ukhsa_msoa_cases_weekly_llr_2020.csv")
    codes = {r["areaCode"] for r in weekly}
    cols = ("areaCode", "date", "newCasesBySpecimenDateRollingSum", "newCasesBySpecimenDateRollingRate")
    eng = [r for r in _rows("ukhsa_msoa_cases_weekly_england_2020.csv.gz") if r["areaCode"] in codes]
    norm = [{**r, "newCasesBySpecimenDateRollingSum": r["newCasesBySpecimenDateRollingSum"].removesuffix(".0")}
            for r in eng]
    llr = [{**r, "newCasesBySpecimenDateRollingSum": r["newCasesBySpecimenDateRollingSum"].removesuffix(".0")}
           for r in weekly]
    assert key(norm, cols) == key(llr, cols)
    ons = _llr_extract("ons_msoa_covid_deaths_mar-dec2020_imd_llr.csv")
    codes = {r["MSOA11CD"] for r in ons}
    eng = [r for r in _rows("ons_msoa_covid_deaths_mar-dec2020_imd_england.csv") if r["MSOA11CD"] in codes]
    assert key(eng, ("MSOA11CD", "Deaths", "Score")) == key(ons, ("MSOA11CD", "Deaths", "Score"))
    assert len(ons) == 125


def test_published_whole_period_case_totals(frames):
    # SOURCES.md (all-England file 1): 433,409 rows, 316 English LTLAs (LAD 2019), sum 20,825,034;
    # Leicester 131,394, Charnwood 68,785, Rutland 13,547 (= the LLR extract), Birmingham 380,350.
    cases = frames["cases"]
    assert len(cases) == 433_409 and cases["area_code"].nunique() == 316
    assert cases["cases"].sum() == 20_825_034
    tot = cases.groupby("area_code")["cases"].sum()
    assert tot["E06000016"] == 131_394
    assert tot["E07000130"] == 68_785
    assert tot["E06000017"] == 13_547
    assert tot["E08000025"] == 380_350


def test_code_vintages_are_those_of_april_2019(frames):
    """The dashboard kept April 2019 codes: Buckinghamshire's four districts and county, the
    Northamptonshire districts and county are there and their successors are not (SOURCES.md says
    Buckinghamshire and the Northamptonshires appear as their predecessors; the UTLA file, although
    SOURCES.md calls its codes 2021, holds the 2019 counties E10000002 and E10000021)."""
    from jsna.load.geography import ltla_utla_lookup

    lk = ltla_utla_lookup()
    ltla, utla = set(frames["cases"]["area_code"]), set(frames["utla"]["area_code"])
    assert ltla <= set(lk["lad19cd"])
    assert utla <= set(lk["utla19cd"])
    new = {"E06000060", "E06000061", "E06000062", "E06000063", "E06000064", "E06000065", "E06000066"}
    assert not (ltla | utla) & new
    assert {"E07000004", "E07000005", "E07000006", "E07000007", "E07000150", "E07000163"} <= ltla
    assert {"E10000002", "E10000021", "E10000023"} <= utla
    # published with a neighbour: Isles of Scilly and City of London have no UTLA row of their own
    assert not {"E06000053", "E09000001"} & utla and "E06000053" not in ltla
    names = frames["utla"].drop_duplicates("area_code").set_index("area_code")["area_name"]
    for guest, (gname, host, hname) in load.PUBLISHED_WITH.items():
        assert gname in names[host] and hname in names[host], (guest, names[host])
    assert len(utla) == 149  # SOURCES.md


def test_published_deaths_within_28_days_to_june_2021(frames):
    # SOURCES.md: to 2021-06-21 Leicester 38,899 cases / 782 deaths, Leicestershire 46,821 / 1,369,
    # Rutland 1,730 / 65; England sums 4,015,574 cases and 111,906 deaths.
    for pid, deaths in (("leicester", 782), ("leicestershire", 1369), ("rutland", 65)):
        w = cv.death_waves(load_place(pid), frames["utla"], frames["cases"], frames["england"])
        got = cv.cumulative_rate(w.place, "deaths", float(w.place["population"].iloc[0]), "2021-06-21")
        assert got["total"] == deaths, pid
    utla = frames["utla"]
    assert utla.loc[utla["area_code"] == "E06000016", "cases"].sum() == 38_899
    assert utla.loc[utla["area_code"] == "E10000018", "cases"].sum() == 46_821
    assert utla["cases"].sum() == 4_015_574 and utla["deaths"].sum() == 111_906


def test_published_msoa_facts(frames):
    # SOURCES.md: ONS deaths, 6,791 English MSOAs, 69,041 deaths; NW 12,368, London 10,054, EM 6,237;
    # LLR's 125 MSOAs 1,319. Weekly cases: 251,267 rows = 6,791 MSOAs x 37 weeks.
    d = frames["msoa_deaths"]
    assert len(d) == 6_791 and d["deaths"].sum() == 69_041
    region = {r["MSOA11CD"]: r["RGN19NM"] for r in _rows("ons_msoa_covid_deaths_mar-dec2020_imd_england.csv")}
    by = d.assign(region=d["msoa11cd"].map(region)).groupby("region")["deaths"].sum()
    assert by["North West"] == 12_368 and by["London"] == 10_054 and by["East Midlands"] == 6_237
    llr = areas.msoas(load_place("llr"))["msoa11cd"]
    assert len(llr) == 125 and d[d["msoa11cd"].isin(llr)]["deaths"].sum() == 1_319
    w = frames["weekly"]
    assert len(w) == 251_267 and w["msoa11cd"].nunique() == 6_791 and w["week_ending"].nunique() == 37


def test_msoa_populations_are_the_ons_mid2019_ones(frames):
    """The recovered populations equal the ONS mid-2019 MSOA populations carried (independently) in the
    NHS England March 2021 file for all 125 LLR MSOAs, including the two without deaths; they
    reproduce the ONS file's DeathRate; and England's sum is within a few people of ONS's mid-2019
    England estimate (56,286,961) less the Isles of Scilly (2,224), whose one MSOA has nothing to
    recover a population from."""
    pop = frames["msoa_pop"].set_index("msoa11cd")
    nhse = {r["MSOA"]: int(r["ONS_00_16"]) + int(r["ONS_16_99"])
            for r in _rows("nhse_vaccinations_msoa_2021-03-04_llr.csv")}
    assert len(nhse) == 125
    assert all(pop.at[m, "population"] == p for m, p in nhse.items())
    d = frames["msoa_deaths"].merge(frames["msoa_pop"], on="msoa11cd")
    has = d["deaths"] > 0
    assert (d.loc[has, "deaths"] / d.loc[has, "population"] * 100_000 - d.loc[has, "crude_rate"]).abs().max() < 1e-9
    assert pop["population"].isna().sum() == 1 and pd.isna(pop.at["E02006781", "population"])
    assert abs(int(pop["population"].sum()) - (56_286_961 - 2_224)) < 50
    assert pop["uncertainty"].max() <= 10


def test_census_age_on_2011_msoas_adds_up(frames):
    # census2021/SOURCES.md: TS007A England total 56,490,091; Leicester aggregate 368,580
    from jsna.load.census import age_msoa11

    age = age_msoa11()
    assert len(age) == 6_791 and round(age["total"].sum()) == 56_490_091
    leicester = areas.msoas(load_place("leicester"))["msoa11cd"]
    assert round(age[age["msoa11cd"].isin(leicester)]["total"].sum()) == 368_580


# --------------------------------------------------------------------------- Places


def test_leicester_cumulative_case_rate_on_fixed_date(frames):
    # Independent: plain csv sum of Leicester's rows up to 31 Dec 2020 over its population.
    rows = [r for r in _rows("ukhsa_ltla_cases_daily_england_2020-2023.csv.gz") if r["code"] == "E06000016"]
    total = sum(int(r["count"]) for r in rows if r["date"] <= "2020-12-31")
    pop = int(rows[0]["population"])
    waves = cv.case_waves(load_place("leicester"), frames["cases"], frames["england"])
    got = cv.cumulative_rate(waves.place, "cases", float(waves.place["population"].iloc[0]), "2020-12-31")
    assert got["total"] == total
    assert got["rate"] == pytest.approx(total / pop * 100_000, rel=1e-12)
    window = {r["date"]: int(r["count"]) for r in rows if "2020-06-23" <= r["date"] <= "2020-06-29"}
    day = waves.place[waves.place["date"] == "2020-06-29"]
    assert day["rate_7d"].iloc[0] == pytest.approx(sum(window.values()) / pop * 100_000)


def test_north_yorkshire_is_built_from_its_2019_parts(params_dir, inputs):
    """North Yorkshire (E06000065, 2023) = its 7 former districts in the cases file and the former county
    E10000023 in the deaths file (SOURCES.md-independent: plain csv sums of those codes)."""
    place, h = _report("north-yorkshire", params_dir, inputs)
    old = place.district_codes_2019
    assert len(old) == 7 and place.upper_tier_codes_2019 == ["E10000023"]
    rows = [r for r in _rows("ukhsa_ltla_cases_daily_england_2020-2023.csv.gz") if r["code"] in old]
    want = sum(int(r["count"]) for r in rows if "2020-03-01" <= r["date"] <= "2021-06-21")
    assert h.cases.vintage == "2019" and h.totals["cases"]["place"]["total"] == want
    deaths = sum(int(r["newDeaths28DaysByDeathDate"] or 0) for r in _rows(
        "ukhsa_utla_cases_deaths28d_daily_england_to_2021-06-21.csv.gz") if r["areaCode"] == "E10000023"
        and r["date"] >= "2020-03-01")
    assert h.totals["deaths"]["place"]["total"] == deaths
    pop = sum({r["code"]: int(r["population"]) for r in rows}.values())
    assert h.totals["deaths"]["place"]["population"] == pop
    geography = say.geography_notes(place)
    assert geography == [place.formed_from_sentence()] and "7 former districts" in geography[0]
    assert h.n_msoas == 76 and h.checks["deaths"].ok  # 76 MSOAs of 2011 in the 7 districts
    assert not h.vaccination and say.vaccination_unavailable(place).endswith("(the all-England tables are not held).")
    assert len(tables.ethnicity_table(h.ethnicity)) == 1  # the 7 districts of the 2021 Census added up


def test_derbyshire_a_county_of_eight_districts(params_dir, inputs):
    place, h = _report("derbyshire", params_dir, inputs)
    assert len(place.district_codes) == 8 and h.cases.available and h.deaths.available
    assert h.cases.districts["area_code"].nunique() == 8
    deaths = sum(int(r["newDeaths28DaysByDeathDate"] or 0) for r in _rows(
        "ukhsa_utla_cases_deaths28d_daily_england_to_2021-06-21.csv.gz") if r["areaCode"] == "E10000007"
        and r["date"] >= "2020-03-01")
    assert h.totals["deaths"]["place"]["total"] == deaths
    assert len(tables.ethnicity_table(h.ethnicity)) == 8
    s = say.summary_sentences(place, h)
    assert 3 <= len(s) <= 5 and "age-standardised" in s[2]


def test_buckinghamshire_and_north_northamptonshire(params_dir, inputs):
    """Buckinghamshire (2020) from its 4 former districts and its former county; North Northamptonshire
    (2021) from its 4 former districts, and no deaths within 28 days: they were published for the whole
    former county of Northamptonshire."""
    place, h = _report("buckinghamshire", params_dir, inputs)
    assert h.cases.available and h.deaths.available and h.cases.vintage == h.deaths.vintage == "2019"
    assert "4 former districts" in say.geography_notes(place)[0]
    place, h = _report("north-northamptonshire", params_dir, inputs)
    assert h.cases.available and not h.deaths.available
    assert say.deaths_unavailable(place, h.deaths).endswith("when North Northamptonshire's area was part of Northamptonshire.")
    assert "place" not in h.totals["deaths"]


@pytest.mark.parametrize("pid", ["city-of-london", "isles-of-scilly"])
def test_smallest_authorities_state_no_within_area_finding(pid, params_dir, inputs):
    """One MSOA each: every within-area comparison is refused with the reason, and the report shows the
    whole area against England instead (City of London: 5 deaths, too few for a rate; Isles of Scilly: a
    zero). Their daily series were published with a neighbour's (SOURCES.md)."""
    place, h = _report(pid, params_dir, inputs)
    assert h.n_msoas == 1
    assert not any(v.ok for v in h.checks.values())
    assert all("only 1 neighbourhood, too few to divide into fifths" in v.reasons[0] for v in h.checks.values())
    assert not h.cases.available and not h.deaths.available and "together with" in say.cases_unavailable(place, h.cases)
    s = say.summary_sentences(place, h)
    text = " ".join(s)
    assert "fifth of neighbourhoods were" not in text and "times as high" not in text
    assert "shows the whole area against England" in text
    deaths = int(h.whole.set_index(["measure", "area"]).at[("deaths", place.name), "count"])
    msoa = {"city-of-london": "E02000001", "isles-of-scilly": "E02006781"}[pid]  # their one MSOA each
    ons = next(int(r["Deaths"]) for r in _rows("ons_msoa_covid_deaths_mar-dec2020_imd_england.csv")
               if r["MSOA11CD"] == msoa)
    assert deaths == ons
    if pid == "city-of-london":
        assert ons == 5 and "too few for a stable rate" in text
    else:
        assert ons == 0 and "a count of zero, not a suppressed figure" in text
    assert h.age_gap is None and h.deaths_gap is None


def test_hackney_says_its_figures_include_the_city(params_dir, inputs):
    place, h = _report("hackney", params_dir, inputs)
    assert h.cases.available and "include City of London's residents" in say.geography_notes(place)[0]


def test_leicester_crude_contrast_carries_its_age_caveat(inputs):
    """issue 12: Leicester's crude death rates of the two fifths (127 and 126 per 100,000) were called
    'not clearly different'. The most deprived fifth is younger (Census 2021), so the sentence says the
    crude rates do not compare like with like, after ONS's age-standardised England contrast."""
    place = load_place("leicester")
    inputs.msoa_areas = areas.msoas(place)
    h = cv.compute(place, inputs)
    assert h.age_gap["kind"] == "younger"
    s = say.summary_sentences(place, h)
    i = next(k for k, x in enumerate(s) if "age-standardised" in x)
    j = next(k for k, x in enumerate(s) if "crude death rates" in x)
    assert i < j and "do not compare like with like" in s[j] and "no clear difference" not in s[j]


def test_leicester_uptake_gap_by_quintile_recomputed_from_raw(frames):
    place = load_place("leicester")
    ma = areas.msoas(place)
    msoas = ma["msoa11cd"].tolist()
    q = cv.msoa_deaths_by_quintile(frames["msoa_deaths"], frames["msoa_pop"], msoas, ma).table
    by = q.groupby("quintile")
    share = by["population"].sum() / q["population"].sum()
    assert share.between(0.12, 0.28).all()
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


def test_published_first_dose_uptake_by_ltla():
    # SOURCES.md: first-dose % of NIMS 16+: Leicester 65.7%, Rutland 87.3%, Charnwood 79.2%.
    lu = cv.ltla_uptake(load.vaccinations_ltla_2021_07(), load.nims_ltla())
    first = lu[lu["dose"] == 1].set_index("lad19cd")
    assert round(first.at["E06000016", "uptake_pct"], 1) == 65.7
    assert round(first.at["E06000017", "uptake_pct"], 1) == 87.3
    assert round(first.at["E07000130", "uptake_pct"], 1) == 79.2
    assert first.at["E06000016", "vaccinated"] == 217_357


def test_published_ltla_death_rates(frames):
    ltla = load.ltla_deathrate_imd().set_index("lad19cd")
    assert ltla.at["E06000016", "death_rate"] == 238.5  # SOURCES.md
    assert ltla.at["E06000017", "death_rate"] == 145.3
    assert len(ltla) == 315


def test_an_msoa_is_in_the_same_local_quintile_in_every_topic():
    """Leicestershire's E02005393 once fell in a different quintile in covid_impact and two_babies:
    both now group MSOAs through jsna.areas (population-weighted IoD2019 score, mid-2015 weights)."""
    from jsna.topics.two_babies import compute as tb

    place = load_place("leicestershire")
    h = cv.compute(place, covid_inputs.load(place))
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
    h = cv.compute(load_place("leicester"), covid_inputs.load(load_place("leicester")))
    assert list(tables.ethnicity_table(h.ethnicity).columns)[1] == "Minority ethnic groups % (2021)"


@pytest.mark.slow
def test_every_council_of_april_2023(tmp_path, inputs):
    """covid_impact's compute layer for each of the 153 upper-tier councils of April 2023: cases for all
    but the two published with a neighbour; deaths within 28 days for all but those and the four
    formed in 2021-23 from parts of a county; no within-area sentence below the reliability minimum."""
    from jsna.geo import councils, write_params

    no_cases, no_deaths = set(), set()
    for code in councils(2023)["code"]:
        place = load_place(write_params(code, tmp_path).stem, tmp_path)
        inputs.msoa_areas = areas.msoas(place)
        h = cv.compute(place, inputs, seed=1)
        s = say.summary_sentences(place, h)
        assert 2 <= len(s) <= 5, code
        if not h.cases.available:
            no_cases.add(code)
        if not h.deaths.available:
            no_deaths.add(code)
        if not h.checks["deaths"].ok:
            assert not any("fifth of neighbourhoods were" in x for x in s), code
    assert no_cases == {"E06000053", "E09000001"}
    assert no_deaths == {"E06000053", "E09000001", "E06000061", "E06000062", "E06000063", "E06000064"}


@pytest.mark.slow
def test_reports_outside_llr_build_and_hold_no_pipeline_words(params_dir, tmp_path):
    """The notebook runs for a council formed from 2019 parts and for the smallest authority; their
    visible text passes the reader-copy scan (tests/integration/test_reader_copy.py)."""
    import re

    from jsna.catalogue import load_catalogue
    from test_reader_copy import FILE_NAME, ISO_INTERVAL, PIPELINE, visible_text

    ids = re.compile(r"\b(" + "|".join(map(re.escape, sorted(load_catalogue(), key=len, reverse=True))) + r")\b")

    out = tmp_path / "reports"
    proc = subprocess.run([sys.executable, "-m", "jsna", "build", "--place", "north-yorkshire", "city-of-london",
                           "--topic", "covid_impact", "--params-dir", str(params_dir), "--reports-dir", str(out),
                           "--no-pdf", "--no-progress", "--jobs", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for pid, must in (("north-yorkshire", "7 former districts it was formed from"),
                      ("city-of-london", "too few to divide into fifths")):
        text = visible_text((out / pid / "covid_impact.html").read_text(encoding="utf-8"))
        assert must in text
        assert "Vaccination by neighbourhood is not in this report's sources" in text
        for rx in (FILE_NAME, ISO_INTERVAL, PIPELINE, ids):
            assert not rx.search(text), (pid, rx.pattern, rx.search(text).group(0))
        assert "not in this release" not in text
