"""Both editions of the Indices of Deprivation through one code path (jsna.editions, jsna.areas,
jsna.load.boundaries, jsna.maps) on the small real-data fixtures (tests/fixtures/data), and the
2019 -> 2025 comparison (jsna.topics.deprivation.change) on hand-made LSOAs.

The fixtures hold two gaps on purpose (make_fixtures.py): Rutland's first LSOA 2021 is missing from
the LSOA 2021 lookup (so the report must name it and its residents, not crash) and its second has no
polygon.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from jsna import areas, maps
from jsna.editions import IOD2019, IOD2025, edition_of, get_edition
from jsna.places import load_place
from jsna.topics.deprivation import change, charts, compute, inputs, tables, text

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "data"
RUTLAND = "E06000017"


@pytest.fixture
def fixture_data(monkeypatch, tmp_path):
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(FIXTURES / "catalogue"))
    monkeypatch.setenv("JSNA_DATA_DIR", str(FIXTURES / "raw"))
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    for fn in (areas._england_lsoas, areas._england_msoas, areas._place_lsoas, areas._place_msoas):
        fn.cache_clear()
    yield FIXTURES / "raw"
    for fn in (areas._england_lsoas, areas._england_msoas, areas._place_lsoas, areas._place_msoas):
        fn.cache_clear()


def _rutland_iod2025() -> pd.DataFrame:
    raw = pd.read_csv(FIXTURES / "raw" / "imd2025" / "iod2025_lsoa21_scores_ranks_deciles.csv.gz", dtype=str)
    return raw[raw["Local Authority District code (2024)"] == RUTLAND].sort_values("LSOA code (2021)")


# --- editions -----------------------------------------------------------------------------------

def test_get_edition_and_edition_of():
    assert get_edition(None) is IOD2019 and get_edition("IoD2025") is IOD2025 and get_edition(IOD2019) is IOD2019
    with pytest.raises(ValueError, match="iod2025, iod2019"):
        get_edition("iod2015")
    assert edition_of(pd.DataFrame(columns=["lsoa21cd"])) is IOD2025
    assert edition_of(pd.DataFrame(columns=["wd19cd", "wd19nm"])) is IOD2019
    assert edition_of(pd.DataFrame(columns=["lad24cd"])) is IOD2025
    with pytest.raises(ValueError, match="lsoa11cd"):
        edition_of(pd.DataFrame(columns=["code"]))


def test_edition_descriptions_differ_where_the_geography_does():
    assert (IOD2019.lsoa, IOD2019.msoa, IOD2019.lad, IOD2019.utla) == ("lsoa11cd", "msoa11cd", "lad19cd", "utla19cd")
    assert (IOD2025.lsoa, IOD2025.msoa, IOD2025.lad, IOD2025.utla) == ("lsoa21cd", "msoa21cd", "lad24cd", "utla23cd")
    assert IOD2025.title == "English Indices of Deprivation 2025" and IOD2025.n_lsoas == 33_755
    assert IOD2025.population_source == "census2021_ethnic_group_lsoa21"
    assert "not available" in IOD2025.population_note and IOD2019.population_note == ""
    assert IOD2019.source_ids == ("lookup_lsoa11_ew", "imd2019_lsoa")
    assert "2021 Census neighbourhoods" in IOD2025.geography_sentence and "April 2023" in IOD2025.geography_sentence
    assert maps.decile_scheme().title == "IMD 2019 national decile"  # callers that name no edition
    assert maps.decile_scheme(edition="iod2025").title == "IMD 2025 national decile"


# --- area table, both vintages ------------------------------------------------------------------

def test_area_table_default_is_iod2019_on_2011_lsoas(fixture_data):
    t = areas.lsoas(["E06000017"], missing="drop")
    assert t.columns[:11].tolist() == list(areas.LSOA_COLUMNS[:11])
    assert t["lsoa11cd"].str.startswith("E01").all() and (t["utla19cd"] == RUTLAND).all()


def test_area_table_iod2025_selects_the_place_by_its_2023_districts(fixture_data):
    P = load_place("rutland")
    t = areas.lsoas(P, edition="iod2025", missing="drop")
    assert t.columns[:18].tolist() == list(areas.lsoa_columns("iod2025"))
    assert (t["lad24cd"] == RUTLAND).all() and (t["utla23cd"] == RUTLAND).all()
    # Census 2021 residents are the population (TS021 totals)
    assert t["pop_total"].dtype.kind == "i" and (t["pop_total"] > 0).all()
    want = set(_rutland_iod2025()["LSOA code (2021)"]) - {sorted(_rutland_iod2025()["LSOA code (2021)"])[0]}
    assert set(t["lsoa21cd"]) == want  # the LSOA missing from the lookup is left out (and named: below)


def test_lsoas_missing_from_the_lookup_are_named_with_their_residents(fixture_data):
    first = sorted(_rutland_iod2025()["LSOA code (2021)"])[0]
    u = areas.unmatched_lsoas(load_place("rutland"), edition="iod2025")
    assert u["code"].tolist() == [first]
    assert u.loc[0, "problem"] == "not in the 2021 LSOA lookup" and u.loc[0, "district"] == "Rutland"
    assert u.loc[0, "residents"] > 0  # from Census 2021
    note = text.unmatched_note(u, "Rutland", "iod2025")
    assert first in note and "residents" in note and "left out" in note
    assert areas.unmatched_lsoas(load_place("rutland"), edition="iod2019").empty
    assert text.unmatched_note(areas.unmatched_lsoas(load_place("rutland")), "Rutland", "iod2019") is None


def test_missing_index_rows_raise_or_drop(fixture_data, monkeypatch):
    """An LSOA of the lookup without an index row: PlaceError by default (as always), or left out
    and named with missing='drop'."""
    from jsna.places import PlaceError

    real = IOD2025.index_lsoa

    def lacking(self, data_dir=None):
        df = real(data_dir)
        return df[df["lsoa21cd"] != sorted(df.loc[df["lad24cd"] == RUTLAND, "lsoa21cd"])[-1]]

    monkeypatch.setattr(type(IOD2025), "index_lsoa", lacking)
    areas._england_lsoas.cache_clear()
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(fixture_data.parent / "_nowhere_"))  # no parquet of the real table
    monkeypatch.setattr("jsna.load.cached_parquet_of", lambda ids, builder, *a, **k: builder())
    with pytest.raises(PlaceError, match="have no IoD2025 row"):
        areas.lsoas(["E06000017"], edition="iod2025")
    t = areas.lsoas(["E06000017"], edition="iod2025", missing="drop")
    u = areas.unmatched_lsoas(load_place("rutland"), edition="iod2025")
    assert set(u["problem"]) == {"not in the IoD2025 file", "not in the 2021 LSOA lookup"}
    assert not set(u["code"]) & set(t["lsoa21cd"])


def test_boundaries_of_both_vintages_through_one_loader(fixture_data):
    from jsna.load.boundaries import lsoa_boundaries

    t = areas.lsoas(load_place("rutland"), edition="iod2025", missing="drop")
    b = lsoa_boundaries(t["lsoa21cd"], edition="iod2025")
    assert list(b.columns) == ["lsoa21cd", "lsoa21nm", "geometry"] and b.crs.to_epsg() == 4326
    chk = compute.check_boundaries(t, b)
    assert chk.n_missing == 1 and chk.missing_codes == (sorted(_rutland_iod2025()["LSOA code (2021)"])[1],)
    b11 = lsoa_boundaries(edition="iod2019")
    assert list(b11.columns) == ["lsoa11cd", "lsoa11nm", "geometry"]


def test_compute_layer_in_iod2025(fixture_data):
    P = load_place("rutland")
    R = compute.compute(P, inputs.load(P, None, "iod2025"))
    assert R.edition == "iod2025" and R.head.ed is IOD2025
    f10 = pd.read_csv(FIXTURES / "raw" / "imd2025" / "iod2025_lad24_summaries_file10.csv").set_index("ltla24_code")
    # one district: MHCLG's published average score and rank are the headline
    assert R.head.avg_score == f10.loc[RUTLAND, "imd_average_score"]
    assert (R.head.published_rank, R.head.n_districts) == (f10.loc[RUTLAND, "imd_rank_of_average_score"], len(f10))
    out = text.headline_text(R.head)
    assert "Index: IoD2025 on LSOAs 2021" in out and "published by MHCLG" in out and "Population (Census 2021)" in out
    assert R.frame["rank_text"].str.endswith("of 33,755").all()
    tip = charts.tooltip(R.ed)
    assert set(tip) <= set(R.frame.columns) and tip["wd24nm"] == "Ward (2024)"
    outl = maps.area_outlines(R.frame)
    assert [o.name for o in outl] == ["Local authority boundaries"] and outl[0].label_col == "utla23nm"
    assert "unmatched" in R.__dataclass_fields__ and len(R.unmatched) == 1


def test_edition_for_prefers_the_build_option():
    P = load_place("rutland")
    assert P.deprivation_index == "iod2025"
    assert inputs.edition_for(P) is IOD2025 and inputs.edition_for(P, "iod2019") is IOD2019


# --- the 2019 -> 2025 comparison on hand-made LSOAs ---------------------------------------------

def _old() -> pd.DataFrame:
    # 2011: A (decile 1), B (3), C (5), D (6), E (2, outside the Place's 2025 area), F (9, redrawn away)
    return pd.DataFrame({
        "lsoa11cd": ["A", "B", "C", "D", "F"], "lsoa11nm": ["A 11", "B 11", "C 11", "D 11", "F 11"],
        "lad19cd": ["X"] * 5, "lad19nm": ["Town"] * 5, "imd_decile": [1, 3, 5, 6, 9],
        "imd_rank": [100, 8000, 15000, 18000, 30000], "imd_score": [60.0, 30, 20, 15, 5],
        "pop_total": [1000, 1500, 1500, 1600, 1200]})


def _new() -> pd.DataFrame:
    # 2021: a = A unchanged, now decile 3; b1, b2 = B split, deciles 1 and 3; cd = C and D merged, decile 5
    # (within their 5-6); e = from E (not in the 2019 area); z = not in the ONS lookup at all
    return pd.DataFrame({
        "lsoa21cd": ["a", "b1", "b2", "cd", "e", "z"], "lsoa21nm": ["a 21", "b1 21", "b2 21", "cd 21", "e 21", "z 21"],
        "wd24nm": ["W1", "W1", "W2", "W2", "W3", "W3"], "lad24cd": ["X"] * 6, "lad24nm": ["Town"] * 6,
        "imd_decile": [3, 1, 3, 5, 2, 4], "imd_rank": [7000, 90, 8100, 15500, 5000, 11000],
        "imd_score": [0.0] * 6, "pop_total": [1100, 900, 800, 3300, 1000, 700]})


def _bridge() -> pd.DataFrame:
    return pd.DataFrame({"lsoa11cd": ["A", "B", "B", "C", "D", "E"], "lsoa21cd": ["a", "b1", "b2", "cd", "cd", "e"],
                         "lsoa11nm": ["A 11", "B 11", "B 11", "C 11", "D 11", "E 11"],
                         "change": ["U", "S", "S", "M", "M", "U"]})


def test_compare_handles_unchanged_split_and_merged_lsoas():
    c = change.compare(_old(), _new(), _bridge())
    m = c.moves.set_index("code")
    assert sorted(m.index) == ["a", "b1", "b2", "cd"]
    assert m.loc["a", "direction"] == "less deprived decile" and m.loc["a", "shift"] == 2
    assert m.loc["b1", "direction"] == "more deprived decile" and m.loc["b1", "shift"] == -2  # piece vs parent
    assert m.loc["b2", "direction"] == "same decile" and m.loc["b2", "rank_2019"] == 8000
    assert m.loc["cd", "direction"] == "within its former LSOAs' deciles" and pd.isna(m.loc["cd", "rank_2019"])
    assert (m.loc["cd", "decile_2019_worst"], m.loc["cd", "decile_2019_best"]) == (5, 6)
    k = c.counts()
    assert (k["compared"], k["more deprived decile"], k["less deprived decile"], k["two_or_more"]) == (4, 1, 1, 2)
    assert (k["into_10"], k["out_of_10"], k["into_20"], k["out_of_20"]) == (1, 1, 1, 1)
    # unmatched on both sides, named, with their residents
    assert c.unmatched_new["code"].tolist() == ["e", "z"]
    assert "outside the 2019 area (E E 11)" in c.unmatched_new.loc[0, "reason"]
    assert "not in the ONS lookup" in c.unmatched_new.loc[1, "reason"]
    assert c.unmatched_old["code"].tolist() == ["F"] and c.unmatched_old.loc[0, "residents"] == 1200
    # residents of changed areas (split and merged): b1, b2, cd
    assert (c.changed_lsoas, c.changed_residents, c.residents) == (3, 5000, 7800)
    assert c.pct_changed_residents == pytest.approx(100 * 5000 / 7800)


def test_edition_shares_count_lsoas_and_residents_in_the_most_deprived_10_and_20_percent():
    c = change.compare(_old(), _new(), _bridge())
    old, new = c.shares.iloc[0], c.shares.iloc[1]
    assert (old["lsoas_10"], old["lsoas_20"], old["residents_10"], old["residents_20"]) == (1, 1, 1000, 1000)
    assert (new["lsoas_10"], new["lsoas_20"], new["residents_20"]) == (1, 2, 1900)
    assert new["pct_residents_20"] == pytest.approx(100 * 1900 / 7800)
    assert c.deciles["pct_residents_2025"].sum() == pytest.approx(100)


def test_change_words_state_the_caveat_and_the_numbers():
    c = change.compare(_old(), _new(), _bridge())
    s = text.change_sentences(c, "Town", "Town's")
    assert s[0].startswith("MHCLG advises comparing editions of the Indices by ranks and deciles, not by scores")
    assert any("1 neighbourhood moved to a more deprived national decile" in x for x in s)
    assert any("3 neighbourhoods of 2021 were drawn by splitting, merging or redrawing" in x and "64.1%" in x
               for x in s)
    note = text.change_unmatched_note(c, "Town")
    assert "e e 21" in note and "z z 21" in note and "F F 11" in note and "1,700 residents" in note
    assert "24.4%" in text.change_key_finding(c, "Town's")
    t = tables.moves_table(c.moves, min_shift=2)
    assert t["LSOA (2021)"].tolist() == ["b1 b1 21", "a a 21"]  # largest moves, more deprived first


def test_district_ranks_for_a_council_formed_since_2019():
    old = pd.DataFrame({"code": ["D1", "D2"], "name": ["Old One", "Old Two"], "rank_of_avg_score": [10, 200],
                        "prop_decile1": [0.1, 0.0], "n_districts": [317, 317]})
    new = pd.DataFrame({"code": ["N"], "name": ["New"], "rank_of_avg_score": [150], "prop_decile1": [0.05],
                        "n_districts": [296]})
    r = change.district_ranks(old, new)
    assert r["code"].tolist() == ["N", "D1", "D2"]
    t = tables.ranks_table(r)
    assert t.iloc[0, 1] == "not a district in 2019" and t.iloc[1, 2] == "not a district in 2025"
    s = text.district_rank_sentences(r)
    assert "New ranks 150th of 296 districts in IoD2025; it was not a district in 2019" in s[0]
    assert "Old One 10th, Old Two 200th" in s[0]


def test_ordinal():
    assert [text.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 16, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "16th", "21st", "22nd", "101st", "111th"]


# --- the report on the fixtures: bad input is named, never a crash --------------------------------

@pytest.mark.kernel
def test_report_names_lsoas_missing_from_one_vintage(fixture_data, tmp_path):
    """The deprivation notebook for Rutland on the fixtures (IoD2025, the default): the LSOA missing
    from the 2021 lookup is named with its residents, the one without a polygon too, and the
    2019 -> 2025 section names the 2011 LSOA left without a successor."""
    import re

    import papermill as pm
    from jsna.paths import NOTEBOOKS_DIR
    from jsna.runner.export import export_html

    out = tmp_path / "deprivation.ipynb"
    pm.execute_notebook(str(NOTEBOOKS_DIR / "deprivation.ipynb"), str(out), kernel_name="python3",
                        parameters={"place": "rutland", "data_dir": str(fixture_data)}, progress_bar=False,
                        cwd=str(NOTEBOOKS_DIR))
    page = export_html(out, "Rutland", "Deprivation", "2026-01-01")
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    codes = sorted(_rutland_iod2025()["LSOA code (2021)"])
    u = areas.unmatched_lsoas(load_place("rutland"), edition="iod2025")
    assert f"{codes[0]} Rutland" in plain and "not in the 2021 LSOA lookup" in plain
    assert f"{int(u.loc[0, 'residents']):,} residents" in plain
    assert "could not be drawn" in plain and codes[1] in plain
    assert "English Indices of Deprivation 2025" in plain and "What changed from IoD2019 to IoD2025" in plain
    assert "no successor in the 2025 area" in plain
    assert "Traceback" not in page
