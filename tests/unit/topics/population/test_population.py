"""The population topic ("Who lives here") on small hand-made tables: every expected number is worked
out by hand in the test (the real files are checked in tests/integration/test_population_real.py).

* the contract: ``compute(place, inputs) -> Results``, ``inputs.load`` the only module that reads,
  no catalogue id written in the package or its notebook, a notebook of at most 90 code lines;
* the pyramid's shares, the runs of age bands that differ from England, the change since mid-2021, the
  Census ethnic groups and the minority share (defined), residents by national fifth of IMD 2025 and the
  age profile of the most and least deprived fifths under the reliability rule;
* a council formed since 2019 is, for mid-2021 and the Census, the sum of its former districts, and
  says so;
* the loader's checks (ages sum to all ages; females and males to persons).
"""

from __future__ import annotations

import ast
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from jsna.places import place_from_dict
from jsna.topics.population import compute as pc
from jsna.topics.population import tables, text
from jsna.topics.population.inputs import Inputs

from tests.support.numbers import assert_numbers_shown

ROOT = Path(__file__).resolve().parents[4]
PACKAGE = ROOT / "lib" / "jsna" / "topics" / "population"
NOTEBOOK = ROOT / "notebooks" / "population.ipynb"
ENGLAND, PLACE, OTHER, NEW = "E92000001", "E06000901", "E06000950", "E06000902"
FORMER = ("E07000901", "E07000902")
EAST_MIDLANDS = {"code": "E12000004", "name": "East Midlands"}

GROUPS_19 = [
    "Asian, Asian British or Asian Welsh: Bangladeshi", "Asian, Asian British or Asian Welsh: Chinese",
    "Asian, Asian British or Asian Welsh: Indian", "Asian, Asian British or Asian Welsh: Other Asian",
    "Asian, Asian British or Asian Welsh: Pakistani",
    "Black, Black British, Black Welsh, Caribbean or African: African",
    "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
    "Black, Black British, Black Welsh, Caribbean or African: Other Black",
    "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups",
    "Mixed or Multiple ethnic groups: White and Asian", "Mixed or Multiple ethnic groups: White and Black African",
    "Mixed or Multiple ethnic groups: White and Black Caribbean", "Other ethnic group: Any other ethnic group",
    "Other ethnic group: Arab", "White: English, Welsh, Scottish, Northern Irish or British",
    "White: Gypsy or Irish Traveller", "White: Irish", "White: Other White", "White: Roma"]


def _place(**extra):
    raw = {"id": "testshire", "name": "Testshire", "kind": "upper_tier",
           "upper_tier": [{"code": PLACE, "name": "Testshire"}], "districts": [{"code": PLACE, "name": "Testshire"}],
           "parent": EAST_MIDLANDS, **extra}
    return place_from_dict(raw)


def _new_place():
    """A council formed in April 2023 from two districts (as Cumberland was)."""
    return place_from_dict({
        "id": "newshire", "name": "Newshire", "kind": "upper_tier", "geography": 2023,
        "upper_tier": [{"code": NEW, "name": "Newshire"}], "districts": [{"code": NEW, "name": "Newshire"}],
        "parent": EAST_MIDLANDS,
        "areas_2019": {"upper_tier": [], "districts": [{"code": FORMER[0], "name": "Oldtown"},
                                                         {"code": FORMER[1], "name": "Oldvale"}]}})


# ------------------------------------------------------------------ synthetic mid-year estimates
def _ages(young: int, old: int, top: int) -> list[int]:
    """Counts of ages 0-89 and 90+: ``young`` at each age 0-69, ``old`` at 70-89, ``top`` aged 90+."""
    return [young] * 70 + [old] * 20 + [top]


#: males and females of each age (the same for both sexes, every year unless changed below)
PLACE_AGES = _ages(10, 20, 30)  # 700 + 400 + 30 = 1,130 of each sex, 2,260 persons
ENGLAND_AGES = _ages(100, 100, 50)  # 9,000 + 50 = 9,050 of each sex, 18,100 persons


def _row(year, sex, code, ages):
    rec = {"year": year, "sex": sex, "area_code": code, "area_name": code, "geography": "x", "all_ages": sum(ages)}
    rec.update({c: v for c, v in zip(pc.AGES, ages, strict=True)})
    return rec


def _mye() -> pd.DataFrame:
    rows = []
    for year in (2021, 2022, 2023, 2024):
        place = PLACE_AGES if year != 2021 else _ages(10, 15, 30)  # 2021: 100 fewer of each sex aged 70-89
        areas = {ENGLAND: ENGLAND_AGES, PLACE: place}
        if year == 2021:
            areas.update({FORMER[0]: _ages(5, 10, 15), FORMER[1]: _ages(5, 10, 15)})
        else:
            areas[NEW] = PLACE_AGES
        for code, ages in areas.items():
            sexes = ("Persons",) if year == 2024 else ("Female", "Male", "Persons")
            for sex in sexes:
                rows.append(_row(year, sex, code, [2 * a for a in ages] if sex == "Persons" else ages))
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ synthetic Census and IMD tables
def _ethnic() -> pd.DataFrame:
    """Testshire: 900 White British, 60 Indian, 2 in each other group (994 residents); England adds a
    district of 500 White British and 500 Indian in the region, and one outside it; Wales is left out."""
    rows = []
    for code in (PLACE, *FORMER, OTHER, "E06000960", "W06000001"):
        for g in GROUPS_19:
            n = 2
            if g.endswith("British"):
                n = {PLACE: 900, OTHER: 500}.get(code, 100)
            elif g.endswith("Indian"):
                n = {PLACE: 60, OTHER: 500}.get(code, 2)
            rows.append({"ltla21cd": code, "ltla21nm": code, "broad_group": g.split(":")[0], "ethnic_group": g,
                         "persons": n, "percent": 0.0})
    return pd.DataFrame(rows)


def _lsoa_code(i: int) -> str:
    return f"E0109{i:04d}"


def _lookups() -> tuple[pd.DataFrame, pd.DataFrame]:
    region = {PLACE: EAST_MIDLANDS, OTHER: EAST_MIDLANDS, FORMER[0]: EAST_MIDLANDS, FORMER[1]: EAST_MIDLANDS,
              "E06000960": {"code": "E12000009", "name": "South West"}}
    bridge, lookup = [], []
    for i, (lad, reg) in enumerate(region.items()):
        bridge.append({"lsoa11cd": f"x{i}", "lsoa21cd": _lsoa_code(900 + i), "lad22cd": lad})
        lookup.append({"lsoa21cd": _lsoa_code(900 + i), "rgn24cd": reg["code"], "rgn24nm": reg["name"]})
    return pd.DataFrame(bridge), pd.DataFrame(lookup)


def _lsoas(n_per_fifth: int = 3, pop: int = 2000) -> pd.DataFrame:
    """Testshire's LSOAs: local fifth k holds ``n_per_fifth`` LSOAs of ``pop`` residents, all in national
    fifth k + 1 (fifth 5 in national fifth 5): so none is in England's most deprived fifth."""
    rows = []
    for k in range(1, 6):
        for j in range(n_per_fifth):
            rows.append({"lsoa21cd": _lsoa_code(10 * k + j), "pop_total": pop, "local_quintile": k,
                         "national_quintile": min(k + 1, 5)})
    return pd.DataFrame(rows)


def _england(lsoas: pd.DataFrame) -> pd.DataFrame:
    """England: the Place's LSOAs and one of 4,000 residents in each national fifth (fifth 1: 2 of them)."""
    extra = [{"lsoa21cd": _lsoa_code(100 + q), "pop_total": 4000, "national_quintile": q} for q in range(1, 6)]
    extra.append({"lsoa21cd": _lsoa_code(200), "pop_total": 4000, "national_quintile": 1})
    return pd.concat([lsoas[["lsoa21cd", "pop_total", "national_quintile"]], pd.DataFrame(extra)], ignore_index=True)


def _age(lsoas: pd.DataFrame, england: pd.DataFrame) -> pd.DataFrame:
    """Census age bands: fifth 1 (and England's fifth 1) young: 300 aged 0-4 and 100 in each other band;
    every other LSOA: 100 in each band and 300 aged 85+."""
    young = set(lsoas.loc[lsoas["local_quintile"] == 1, "lsoa21cd"]) | set(
        england.loc[england["national_quintile"] == 1, "lsoa21cd"])
    rows = []
    for code in england["lsoa21cd"]:
        bands = {c: 100 for c in pc.CENSUS_BANDS}
        bands["age_0_4" if code in young else "age_85_plus"] = 300
        rows.append({"lsoa21cd": code, "total": sum(bands.values()), **bands})
    return pd.DataFrame(rows)


def _inputs(lsoas: pd.DataFrame | None = None) -> Inputs:
    lsoas = _lsoas() if lsoas is None else lsoas
    england = _england(lsoas)
    bridge, lookup = _lookups()
    return Inputs(estimates=_mye(), ethnic=_ethnic(), lsoa_bridge=bridge, lsoa21_lookup=lookup, lsoas=lsoas,
                  england_lsoas=england, age_lsoa=_age(lsoas, england))


@pytest.fixture(scope="module")
def R() -> pc.Results:
    return pc.compute(_place(), _inputs())


# ------------------------------------------------------------------ the contract
def test_compute_returns_results(R):
    assert isinstance(R, pc.Results)
    assert R.years == [2021, 2022, 2023, 2024] and R.pyramid_year == 2023  # mid-2024: persons only
    assert R.region.name == "East Midlands" and R.areas is None


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
    return out


def test_only_inputs_reads():
    """Only inputs.py imports loaders (jsna.load.*, jsna.areas); others may import a loader's constants."""
    for module in sorted(PACKAGE.glob("*.py")):
        for mod, names in _imports(module):
            reads = mod == "jsna.areas" or (mod == "jsna" and "areas" in names) or (
                mod.startswith("jsna.load") and any(not n.isupper() for n in names))
            assert not reads or module.name == "inputs.py", f"{module.name} imports {mod} {names}"


def test_no_catalogue_id_in_the_package_or_notebook():
    from jsna.catalogue import load_catalogue

    ids = set(load_catalogue())
    texts = {p.name: p.read_text(encoding="utf-8") for p in [*PACKAGE.glob("*.py"), NOTEBOOK]}
    hits = [(name, i) for name, t in texts.items() for i in ids if f'"{i}"' in t or f"'{i}'" in t]
    assert hits == []


def test_notebook_is_thin_and_checks_one_cell():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    lines = [ln for c in code for ln in "".join(c["source"]).splitlines()
             if ln.strip() and not ln.strip().startswith("#")]
    assert len(lines) <= 90
    assert code[0]["metadata"]["tags"] == ["parameters"]
    checks = [c for c in code if "# NBVAL_CHECK_OUTPUT" in "".join(c["source"])]
    assert len(checks) == 1 and checks[0]["outputs"], "the check cell keeps its expected output"
    assert all(not c["outputs"] for c in code if c not in checks)
    expected = "".join(checks[0]["outputs"][0]["text"])
    assert expected.startswith("Rutland: ") and "residents mid-2024" in expected


# ------------------------------------------------------------------ age and sex
def test_pyramid_shares(R):
    p = R.pyramid.set_index("band")
    assert list(p.index) == [f"{a}-{a + 4}" for a in range(0, 90, 5)] + ["90+"]
    assert p.loc["0-4", "males"] == 50 and p.loc["70-74", "females"] == 100 and p.loc["90+", "males"] == 30
    # 2,260 residents: 50 males aged 0-4 are 2.212%, 100 aged 70-74 4.425%; England 500 of 18,100
    assert p.loc["0-4", "male_pct"] == pytest.approx(100 * 50 / 2260)
    assert p.loc["70-74", "female_pct"] == pytest.approx(100 * 100 / 2260)
    assert p.loc["0-4", "england_male_pct"] == pytest.approx(100 * 500 / 18100)
    assert p.loc["90+", "england_pct"] == pytest.approx(100 * 100 / 18100)
    assert p["male_pct"].sum() + p["female_pct"].sum() == pytest.approx(100)


def test_the_runs_of_bands_that_differ_from_england(R):
    d = R.differences
    # under 70: 14 bands of 4.425% against 5.525% (61.9% against 77.3%); 70 and over: 4 x 8.850% + 2.655%
    # = 38.1% against 4 x 5.525% + 0.552% = 22.7%: differences of the shares as shown, 15.4 points each
    assert list(d["direction"]) == ["fewer", "more"]
    fewer, more = d.iloc[0], d.iloc[1]
    assert (fewer["first_age"], fewer["last_age"], fewer["difference"]) == (0, 69, -15.4)
    assert fewer["pct"] == pytest.approx(100 * 1400 / 2260) and fewer["england_pct"] == pytest.approx(100 * 14000 / 18100)
    assert more["first_age"] == 70 and pd.isna(more["last_age"]) and more["difference"] == 15.4
    assert more["peak"] == "70-74"  # 8.85% against 5.52%, more than 90+ (2.65% against 0.55%)
    s = text.difference_sentence(R, peaks=True)
    assert s == ("Compared with England in mid-2023, Testshire has more people aged 70 and over (38.1% of residents "
                 "against 22.7%; the largest gap is at ages 70 to 74, 8.8% against 5.5%) and fewer aged under 70 "
                 "(61.9% against 77.3%; the largest gap is at ages 0 to 4, 4.4% against 5.5%).")
    table, _ = tables.differences_display(R)
    pyr, _ = tables.pyramid_display(R)
    assert_numbers_shown([s], table, pyr, R.differences)


def test_a_place_like_england_has_no_large_difference():
    mye = _mye()
    p = pc.pyramid(mye, [ENGLAND], 2023)
    assert pc.largest_differences(p).empty


# ------------------------------------------------------------------ change since mid-2021
def test_change_since_mid_2021(R):
    s = R.since.set_index("group")
    # mid-2021: 100 fewer of each sex aged 70-89 -> 2,060 persons; mid-2024 2,260
    assert (s.loc["All ages", "first"], s.loc["All ages", "last"], s.loc["All ages", "change"]) == (2060, 2260, 200)
    assert s.loc["All ages", "pct_change"] == pytest.approx(100 * 200 / 2060)
    assert s.loc["65+", "first"] == 2 * (5 * 10 + 20 * 15 + 30) and s.loc["65+", "last"] == 2 * (5 * 10 + 20 * 20 + 30)
    assert s.loc["0-15", "pct_change"] == 0 and s.loc["All ages", "england_pct_change"] == 0
    assert s.loc["85+", "last"] == 2 * (5 * 20 + 30)
    h = R.headline
    assert (h.total, h.england_total) == (2260, 18100)
    assert h.pct_65 == pytest.approx(100 * 2 * (50 + 400 + 30) / 2260)
    assert h.pct_0_15 == pytest.approx(100 * 2 * 160 / 2260)
    sentences = text.change_sentences(R)
    assert sentences[0] == ("Between mid-2021 and mid-2024, Testshire's population grew by 200 people, from 2,060 to "
                            "2,260 (+9.7%), against +0.0% across England.")
    table, _ = tables.change_display(R)
    assert_numbers_shown(sentences, table, R.since)
    assert "boundaries are the same in both" in text.boundary_note(R)


def test_a_council_formed_since_2019_is_its_former_districts_in_2021():
    place = _new_place()
    r = pc.compute(place, _inputs())
    base = r.base_set
    assert base.former and base.codes == list(FORMER)
    # the two former districts: 2 x (70 x 5 + 20 x 10 + 15) of each sex
    assert r.since.set_index("group").loc["All ages", "first"] == 2 * 2 * (350 + 200 + 15)
    assert r.census_areas.former and r.census_areas.codes == list(FORMER)
    note = text.boundary_note(r)
    assert "Newshire took its present form in April 2023" in note and "(Oldtown and Oldvale)" in note
    assert "former councils it was formed from (Oldtown and Oldvale)" in text.census_note(r)


def test_areas_held_prefers_the_place_codes():
    place = _new_place()
    assert pc.areas_held(place, {NEW, *FORMER}).codes == [NEW]
    assert pc.areas_held(place, set(FORMER)).former
    assert pc.areas_held(place, {FORMER[0]}) is None


# ------------------------------------------------------------------ ethnic group
def test_ethnic_groups_and_the_minority_share(R):
    e = R.ethnic
    broad = e[e["level"] == "broad"].set_index("group")
    assert broad.loc["White", "count"] == 900 + 4 * 2 and broad.loc["Asian, Asian British or Asian Welsh", "count"] == 60 + 8
    assert broad["count"].sum() == 994 and e.loc[e["level"] == "detailed", "count"].sum() == 994
    m = R.minority
    assert m.definition == "other than White British"
    assert m.count == 94 and m.pct == pytest.approx(100 * 94 / 994)
    # region: Testshire, the two districts and the other district (White British 900 + 100 + 100 + 500 of
    # 994 + 2 x 234 + 1,034); England adds the district outside the region; Wales is left out
    region_total = 994 + 2 * (100 + 2 + 17 * 2) + (500 + 500 + 17 * 2)
    assert m.region_pct == pytest.approx(100 - 100 * 1600 / region_total)
    assert m.england_pct == pytest.approx(100 - 100 * 1700 / (region_total + 136))
    assert m.non_white_pct == pytest.approx(100 * (994 - 908) / 994)
    sentences = text.ethnic_sentences(R)
    assert "every group other than White British" in sentences[0]
    assert "After White British, the largest groups were Indian (60, 6.0%" in sentences[2]
    shown_tables = [tables.ethnic_display(R, d)[0] for d in (False, True)]
    minority, _ = tables.minority_display(R)
    assert list(minority["Residents"]) == [94, 994 - 908]
    assert_numbers_shown(sentences, minority, *shown_tables)


# ------------------------------------------------------------------ deprivation
def test_residents_by_national_fifth(R):
    q = R.quintiles.set_index("national_quintile")
    assert list(q["residents"]) == [0, 6000, 6000, 6000, 12000]
    assert q.loc[5, "pct"] == pytest.approx(40.0)
    # England: the Place's 30,000 and 6 x 4,000; fifth 1: 8,000 of 54,000
    assert q.loc[1, "england_pct"] == pytest.approx(100 * 8000 / 54000)
    assert R.headline.most_deprived_pct == 0
    s = text.quintile_sentences(R)
    assert s[0].startswith("None of Testshire's neighbourhoods is among England's most deprived fifth")
    assert_numbers_shown(s, tables.quintile_display(R)[0])
    assert text.key_points(R)[3].startswith("None of Testshire's residents")


def test_the_most_deprived_fifth_is_younger(R):
    f = R.fifths
    assert f.verdict.ok
    b = f.broad.set_index("group")
    # fifth 1: 300 aged 0-4 of 2,000 per LSOA; under 15: 500 of 2,000; 65 and over: 500 of 2,000
    assert b.loc[1, "pct_0-14"] == pytest.approx(25.0) and b.loc[1, "pct_65+"] == pytest.approx(25.0)
    # fifth 5: under 15: 300 of 2,000; 65 and over (65-69 ... 85+): 700 of 2,000
    assert b.loc[5, "pct_0-14"] == pytest.approx(15.0) and b.loc[5, "pct_65+"] == pytest.approx(35.0)
    s = text.fifths_sentences(R)
    assert "is younger than the least deprived: 25.0% are aged under 15 and 25.0% aged 65 and over, against " \
           "15.0% and 35.0%" in s[0]
    assert_numbers_shown(s, tables.fifths_display(R)[0])


def test_the_reliability_rule_stops_a_comparison_of_two_small_fifths():
    r = pc.compute(_place(), _inputs(_lsoas(n_per_fifth=2, pop=1000)))
    assert not r.fifths.verdict.ok
    s = text.fifths_sentences(r)[0]
    assert s.startswith("The report does not compare the age profile") and "fewer than 5,000 residents" in s
    assert list(tables.fifths_display(r)[0].columns) == ["Age group", "England: most deprived fifth (%)",
                                                         "England: least deprived fifth (%)"]


# ------------------------------------------------------------------ text and headlines
def test_key_points_and_headlines_carry_england(R):
    heads = {h["id"]: h for h in text.headlines(R)}
    for fid in ("population_total", "population_65_plus_pct", "population_0_15_pct", "ethnic_minority_pct",
                "most_deprived_fifth_pct", "population_change_pct"):
        assert fid in heads and f"{fid}_england" in heads
    assert heads["population_total"]["value"] == 2260 and heads["population_total_england"]["value"] == 18100
    assert "other than White British" in heads["ethnic_minority_pct"]["label"]
    from jsna.report import headline_record

    for h in heads.values():
        headline_record(**h)  # valid records
    lines = text.check_lines(R)
    assert lines[0] == "Testshire: 2260 residents mid-2024 (England 18100); change since mid-2021 +9.7% (England +0.0%)"


def test_no_sentence_names_a_file_or_code_word(R):
    words = [*text.key_points(R), *text.pyramid_sentences(R), *text.change_sentences(R), text.boundary_note(R),
             text.REVISION_NOTE, *text.ethnic_sentences(R), text.census_note(R), *text.quintile_sentences(R),
             *text.fifths_sentences(R), *text.method_paragraphs(R), text.pyramid_note(R)]
    for s in words:
        for bad in (".csv", ".gz", "_", "None", "nan", "NaN", "<NA>", "MYE2", "ltla", "lsoa21"):
            assert bad not in s[1:], f"{bad!r} in {s!r}"


def test_a_group_place_lists_its_areas():
    raw = {"id": "group", "name": "Two Places", "kind": "group",
           "upper_tier": [{"code": PLACE, "name": "Testshire"}, {"code": OTHER, "name": "Otherton"}],
           "districts": [{"code": PLACE, "name": "Testshire"}, {"code": OTHER, "name": "Otherton"}],
           "parent": EAST_MIDLANDS}
    mye = _mye()
    other = mye[mye["area_code"] == PLACE].assign(area_code=OTHER)
    inputs = _inputs()
    inputs.estimates = pd.concat([mye, other], ignore_index=True)
    r = pc.compute(place_from_dict(raw), inputs)
    a = r.areas.set_index("area_name")
    assert a.loc["Two Places", "total"] == 2 * 2260 and a.loc["Otherton", "total_2021"] == 2060
    assert r.census_areas.codes == [PLACE, OTHER]
    assert text.areas_sentence(r) == ("Residents in mid-2024 and the change since mid-2021: Testshire 2,260 (+9.7%) "
                                      "and Otherton 2,260 (+9.7%).")


# ------------------------------------------------------------------ the loader
def _write_mye(data_dir: Path, rows: list[dict]) -> None:
    from jsna.catalogue import get_source

    path = get_source("ons_mye_sex_syoa_la_england").raw_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows).rename(columns={f"age_{a}": str(a) for a in range(90)} | {"age_90_plus": "90+"})
    frame["source_file"] = "test"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        frame.to_csv(fh, index=False)


def test_loader_reads_and_checks_the_sexes(tmp_path, fixture_files_trusted):
    from jsna.load import DataError
    from jsna.load.population import mid_year_estimates

    rows = [_row(2023, s, PLACE, [2 * a for a in PLACE_AGES] if s == "Persons" else PLACE_AGES)
            for s in ("Female", "Male", "Persons")]
    _write_mye(tmp_path, rows)
    out = mid_year_estimates(tmp_path)
    assert list(out["sex"]) == ["Female", "Male", "Persons"] and out["all_ages"].tolist() == [1130, 1130, 2260]
    bad = [dict(r) for r in rows]
    bad[0]["age_5"] += 1
    bad[0]["all_ages"] += 1
    _write_mye(tmp_path, bad)
    with pytest.raises(DataError, match="females and males do not add up to persons for E06000901 mid-2023"):
        mid_year_estimates(tmp_path)
    bad[0]["all_ages"] += 1
    _write_mye(tmp_path, bad)
    with pytest.raises(DataError, match="the ages do not sum to all_ages"):
        mid_year_estimates(tmp_path)
