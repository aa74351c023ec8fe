"""The population topic on the real files of data/raw: each expected number is worked out here from the raw
files with the csv module (not with the topic's code), and the figures quoted in population/SOURCES.md and
census2021/SOURCES.md are checked where they apply."""

from __future__ import annotations

import csv
import gzip
import io

import pytest
from jsna.catalogue import get_source

pytestmark = pytest.mark.integration

LEICESTER, LEICS, RUTLAND = "E06000016", "E10000018", "E06000017"
NORTH_YORKSHIRE_2019 = [f"E0700016{i}" for i in range(3, 10)]  # Craven ... Selby


def _csv_rows(source_id: str, skip_to: str | None = None) -> list[dict[str, str]]:
    """The rows of a catalogued raw file, read with the csv module (a Nomis file: from its header line,
    which starts with ``skip_to``)."""
    path = get_source(source_id).raw_path()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
        text = fh.read()
    if skip_to:
        text = text[text.index(skip_to):]
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def mye() -> list[dict[str, str]]:
    return _csv_rows("ons_mye_sex_syoa_la_england")


def _row(rows, year: int, sex: str, code: str) -> dict[str, str]:
    hit = [r for r in rows if r["year"] == str(year) and r["sex"] == sex and r["area_code"] == code]
    assert len(hit) == 1, (year, sex, code)
    return hit[0]


def _ages(row: dict[str, str], lo: int, hi: int | None) -> int:
    """Residents aged lo to hi (None: and over) of a raw row (ages 0-89 and '90+')."""
    top = 89 if hi is None else hi
    return sum(int(row[str(a)]) for a in range(lo, min(top, 89) + 1)) + (int(row["90+"]) if hi is None else 0)


@pytest.fixture(scope="module")
def results():
    from jsna.topics import results as topic_results

    cache = {}

    def get(place, params_dir=None):
        if (place, params_dir) not in cache:
            cache[place, params_dir] = topic_results("population", place, None, params_dir)
        return cache[place, params_dir]

    return get


def test_the_file_is_the_one_sources_md_describes(mye):
    assert len(mye) == 3378
    # population/SOURCES.md: the LLR rows and England's totals
    assert int(_row(mye, 2023, "Persons", LEICESTER)["all_ages"]) == 379_780
    assert int(_row(mye, 2024, "Persons", LEICS)["all_ages"]) == 745_573
    assert int(_row(mye, 2021, "Female", RUTLAND)["all_ages"]) == 20_077
    assert int(_row(mye, 2024, "Persons", "E92000001")["all_ages"]) == 58_620_101
    from jsna.load.population import mid_year_estimates

    tidy = mid_year_estimates()
    assert len(tidy) == 3378 and (tidy["sex"] == "Male").sum() == 349 + 333 + 333


def test_leicester_mid_2023_total_and_share_aged_65_and_over(mye, results):
    row = _row(mye, 2023, "Persons", LEICESTER)
    total, older = int(row["all_ages"]), _ages(row, 65, None)
    assert (total, older) == (379_780, 45_467)  # 45,467 of 379,780 = 11.97%
    c = results("leicester").change.set_index(["year", "group"])
    assert c.loc[(2023, "All ages"), "count"] == total
    assert c.loc[(2023, "65+"), "count"] == older
    assert c.loc[(2023, "65+"), "pct"] == pytest.approx(100 * older / total)
    assert round(100 * older / total, 1) == 12.0


def test_rutland_pyramid_shares(mye, results):
    m, f = _row(mye, 2023, "Male", RUTLAND), _row(mye, 2023, "Female", RUTLAND)
    total = int(m["all_ages"]) + int(f["all_ages"])
    assert total == 40_643
    p = results("rutland").pyramid.set_index("band")
    for lo in range(0, 90, 5):
        band = f"{lo}-{lo + 4}"
        assert p.loc[band, "males"] == _ages(m, lo, lo + 4)
        assert p.loc[band, "male_pct"] == pytest.approx(100 * _ages(m, lo, lo + 4) / total)
        assert p.loc[band, "female_pct"] == pytest.approx(100 * _ages(f, lo, lo + 4) / total)
    assert p.loc["90+", "females"] == int(f["90+"]) == 347
    # by hand: 1,016 males and 613 females aged 20-24 are 2.50% and 1.51% of 40,643 residents
    assert (p.loc["20-24", "males"], p.loc["20-24", "females"]) == (1016, 613)
    assert round(p.loc["20-24", "male_pct"], 2) == 2.50 and round(p.loc["20-24", "female_pct"], 2) == 1.51
    e_m, e_f = _row(mye, 2023, "Male", "E92000001"), _row(mye, 2023, "Female", "E92000001")
    e_total = int(e_m["all_ages"]) + int(e_f["all_ages"])
    assert p.loc["0-4", "england_male_pct"] == pytest.approx(100 * _ages(e_m, 0, 4) / e_total)


def test_llr_is_the_sum_of_its_three_councils(mye, results):
    r = results("llr")
    assert r.headline.total == 388_348 + 745_573 + 41_443
    p = r.pyramid.set_index("band")
    males = sum(_ages(_row(mye, 2023, "Male", c), 85, 89) for c in (LEICESTER, LEICS, RUTLAND))
    assert p.loc["85-89", "males"] == males
    a = r.areas.set_index("area_code")
    assert a.loc[RUTLAND, "total_2021"] == 41_381 and a.loc[LEICS, "total"] == 745_573
    assert r.census_areas.codes == [LEICESTER, *(f"E07000{c}" for c in range(129, 136)), RUTLAND]


def test_leicester_ethnic_minority_share_from_the_census_file(results):
    rows = [r for r in _csv_rows("census2021_ethnic_group_ltla21") if r["ltla21_code"] == LEICESTER
            and r["ethnic_group"].endswith("(number)")]
    total = sum(int(float(r["value"])) for r in rows)
    white_british = next(int(float(r["value"])) for r in rows if r["ethnic_group"].startswith(
        "White: English, Welsh, Scottish, Northern Irish or British"))
    assert (total, white_british) == (368_571, 122_395)  # census2021/SOURCES.md
    m = results("leicester").minority
    assert m.definition == "other than White British"
    assert (m.residents, m.count) == (total, total - white_british)
    assert m.pct == pytest.approx(100 * (total - white_british) / total)
    assert round(m.pct, 1) == 66.8


def test_leicester_residents_in_englands_most_deprived_fifth(results):
    imd = _csv_rows("imd2025_lsoa")
    core = {r["LSOA code (2021)"] for r in imd if r["Local Authority District code (2024)"] == LEICESTER
            and int(r["Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"]) <= 2}
    leic = {r["LSOA code (2021)"] for r in imd if r["Local Authority District code (2024)"] == LEICESTER}
    res = {r["mnemonic"]: int(r["Total: All usual residents"])
           for r in _csv_rows("census2021_ethnic_group_lsoa21", skip_to='"2021 super output area')
           if r.get("mnemonic", "").startswith("E01")}
    most = sum(res[c] for c in core)
    q = results("leicester").quintiles.set_index("national_quintile")
    assert (q.loc[1, "lsoas"], q.loc[1, "residents"]) == (len(core), most)
    assert q.loc[1, "pct"] == pytest.approx(100 * most / sum(res[c] for c in leic))


def test_englands_most_deprived_fifth_is_younger(results):
    imd = {r["LSOA code (2021)"]: int(r["Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% "
                                        "of LSOAs)"]) for r in _csv_rows("imd2025_lsoa")}
    kids, total = {1: 0, 5: 0}, {1: 0, 5: 0}
    for r in _csv_rows("census2021_ts007a_age_5yr_lsoa21", skip_to='"2021 super output area'):
        d = imd.get(r.get("mnemonic", ""))
        q = None if d is None else (d + 1) // 2
        if q in kids:
            kids[q] += sum(int(r[c]) for c in ("Aged 4 years and under", "Aged 5 to 9 years", "Aged 10 to 14 years"))
            total[q] += int(r["Total"])
    b = results("rutland").fifths.england_broad.set_index("group")
    for q in (1, 5):
        assert b.loc[q, "pct_0-14"] == pytest.approx(100 * kids[q] / total[q])
    assert kids[1] / total[1] > kids[5] / total[5]


def test_a_council_formed_in_2023_is_its_former_districts_in_mid_2021(mye, results, tmp_path_factory):
    from jsna.geo import write_params

    params = tmp_path_factory.mktemp("params")
    pid = write_params("E06000065", params).stem  # North Yorkshire
    r = results(pid, params)
    assert r.base_set.former and r.base_set.codes == NORTH_YORKSHIRE_2019
    first = sum(int(_row(mye, 2021, "Persons", c)["all_ages"]) for c in NORTH_YORKSHIRE_2019)
    since = r.since.set_index("group")
    assert since.loc["All ages", "first"] == first
    assert since.loc["All ages", "last"] == int(_row(mye, 2024, "Persons", "E06000065")["all_ages"])
    assert r.census_areas.former


def test_every_number_in_a_sentence_is_in_the_data_it_describes(rutland_reports):
    from jsna import reliability
    from jsna.words import SMALL_AREAS

    from tests.support.numbers import assert_report_numbers_shown, report_sentences

    page = (rutland_reports / "rutland" / "population.html").read_text(encoding="utf-8")
    assert len(report_sentences(page)) > 20
    assert_report_numbers_shown(page, allow=[reliability.MIN_AREAS_PER_GROUP, reliability.MIN_POPULATION_PER_GROUP,
                                             *(round(a.mean_residents, -2) for a in SMALL_AREAS.values())])
