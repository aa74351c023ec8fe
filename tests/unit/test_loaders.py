"""Loaders: schema validation, the SOURCES.md quirks, bad input, the parquet cache, and the
imd / geography / boundaries family loaders on small real-data fixtures (tests/fixtures/data)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

import jsna.load
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsna.load import (
    ChecksumMismatch,
    DataError,
    cached_parquet,
    cached_parquet_of,
    coerce_columns,
    read_geojson,
    read_source,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "data"


@pytest.fixture
def fixture_data(monkeypatch, tmp_path):
    """Point the catalogue, data/raw and data/processed at the committed fixtures (cache in tmp)."""
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(FIXTURES / "catalogue"))
    monkeypatch.setenv("JSNA_DATA_DIR", str(FIXTURES / "raw"))
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    return FIXTURES / "raw"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_catalogue(tmp_path: Path, monkeypatch, files: dict[str, tuple[bytes, dict]], fmt: str = "csv",
                   read: dict | None = None) -> Path:
    """Write raw files and a one-family catalogue for them; return the raw dir."""
    raw = tmp_path / "raw"
    cat = tmp_path / "catalogue"
    cat.mkdir(parents=True)
    entries = []
    for rel, (content, columns) in files.items():
        p = raw / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content)
        entry = {"id": Path(rel).name.split(".")[0], "title": "t", "publisher": "p", "licence": "OGL",
                 "url": "https://example.invalid/x", "path": rel, "sha256": _sha(p),
                 "format": fmt, "columns": columns}
        if read:
            entry["read"] = read
        entries.append(entry)
    (cat / "test.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(cat))
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    return raw


def _reseal(tmp_path: Path) -> None:
    """A deliberate new release: write the edited raw files' sha256 into the test catalogue."""
    import jsna.catalogue

    cat = tmp_path / "catalogue" / "test.yaml"
    entries = yaml.safe_load(cat.read_text(encoding="utf-8"))
    for e in entries:
        e["sha256"] = _sha(tmp_path / "raw" / e["path"])
    cat.write_text(yaml.safe_dump(entries), encoding="utf-8")
    jsna.catalogue._load.cache_clear()


# ------------------------------------------------------------------ quirks from SOURCES.md
def test_bom_excel_integers_and_missing_values(tmp_path, monkeypatch):
    # UTF-8 BOM (File 2/3/6 originals), integers written "1296.00" (File 3/6), NA and empty cells
    text = "\ufeffcode,pop,rate,name\nE01000001,1296.00,0.5,A\nE01000002,NA,,B\nE01000003,,1.25,NA\n"
    raw = make_catalogue(tmp_path, monkeypatch, {"quirks.csv": (text.encode("utf-8"),
                         {"code": "str", "pop": "int", "rate": "float", "name": "str"})})
    df = read_source("quirks", raw)
    assert list(df.columns) == ["code", "pop", "rate", "name"]  # BOM gone from the first header
    assert df["pop"].dtype == "Int64"
    assert df["pop"].iloc[0] == 1296
    assert df["pop"].isna().tolist() == [False, True, True]
    assert df["rate"].isna().tolist() == [False, True, False]
    assert df["rate"].iloc[2] == 1.25
    assert pd.isna(df["name"].iloc[2])


def test_whole_int_column_without_missing_is_int64(tmp_path, monkeypatch):
    raw = make_catalogue(tmp_path, monkeypatch, {"ints.csv": (b"a\n1.00\n2.00\n", {"a": "int"})})
    s = read_source("ints", raw)["a"]
    assert str(s.dtype) == "int64" and s.tolist() == [1, 2]


def test_gzipped_csv_is_read(tmp_path, monkeypatch):
    raw = make_catalogue(tmp_path, monkeypatch,
                         {"z.csv.gz": (gzip.compress(b"\xef\xbb\xbfa,b\n1,x\n"), {"a": "int", "b": "str"})})
    df = read_source("z", raw)
    assert df["a"].tolist() == [1] and df["b"].tolist() == ["x"]


# ------------------------------------------------------------------ bad input
def test_renamed_column_names_file_and_column(tmp_path, monkeypatch):
    raw = make_catalogue(tmp_path, monkeypatch, {"ren.csv": (b"code,population\nE1,5\n",
                                                             {"code": "str", "pop": "int"})})
    with pytest.raises(DataError) as exc:
        read_source("ren", raw)
    msg = str(exc.value)
    assert "ren.csv" in msg and "'pop'" in msg and "population" in msg


def test_non_numeric_value_names_column_and_row(tmp_path, monkeypatch):
    raw = make_catalogue(tmp_path, monkeypatch, {"bad.csv": (b"code,pop\nE1,5\nE2,five\n",
                                                             {"code": "str", "pop": "int"})})
    with pytest.raises(DataError, match=r"bad\.csv.*'pop'.*'five'.*line 3"):
        read_source("bad", raw)


def test_fractional_value_in_int_column(tmp_path, monkeypatch):
    raw = make_catalogue(tmp_path, monkeypatch, {"frac.csv": (b"pop\n5.5\n", {"pop": "int"})})
    with pytest.raises(DataError, match="whole numbers"):
        read_source("frac", raw)


def test_truncated_gzip_is_a_clear_error(tmp_path, monkeypatch):
    body = gzip.compress(("a,b\n" + "".join(f"{i},{i * 2}\n" for i in range(5000))).encode())
    raw = make_catalogue(tmp_path, monkeypatch, {"trunc.csv.gz": (body[: len(body) // 2],
                                                                  {"a": "int", "b": "int"})})
    with pytest.raises(DataError, match=r"trunc\.csv\.gz.*truncated or corrupt"):
        read_source("trunc", raw)


def test_ragged_csv_is_a_clear_error(tmp_path, monkeypatch):
    raw = make_catalogue(tmp_path, monkeypatch, {"rag.csv": (b"a,b\n1,2\n3,4,5,6\n", {"a": "int"})})
    with pytest.raises(DataError, match=r"rag\.csv.*could not be read"):
        read_source("rag", raw)


def test_header_only_file_has_no_data_rows(tmp_path, monkeypatch):
    raw = make_catalogue(tmp_path, monkeypatch, {"empty.csv": (b"a,b\n", {"a": "int"})})
    with pytest.raises(DataError, match="no data rows"):
        read_source("empty", raw)


def test_missing_file_says_how_to_get_it(tmp_path, monkeypatch):
    raw = make_catalogue(tmp_path, monkeypatch, {"gone.csv": (b"a\n1\n", {"a": "int"})})
    (raw / "gone.csv").unlink()
    with pytest.raises(DataError) as exc:
        read_source("gone", raw)
    msg = str(exc.value)
    assert "gone" in msg and "make data" in msg and "JSNA_DATA_MIRROR" in msg
    assert "https://example.invalid/x" in msg


def test_corrupt_geojson_is_a_clear_error(tmp_path, monkeypatch):
    raw = make_catalogue(tmp_path, monkeypatch, {"shapes.geojson": (b'{"type": "FeatureCollection", "feat',
                                                                    {"code": "str"})}, fmt="geojson")
    with pytest.raises(DataError, match=r"shapes\.geojson.*could not be read as GeoJSON"):
        read_geojson("shapes", raw)


def test_gzipped_geojson_and_its_schema(tmp_path, monkeypatch):
    fc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"CODE": "E1"},
          "geometry": {"type": "Point", "coordinates": [-1.1, 52.6]}}]}
    raw = make_catalogue(tmp_path, monkeypatch, {"pts.geojson.gz": (gzip.compress(json.dumps(fc).encode()),
                                                                    {"CODE": "str"})}, fmt="geojson")
    gdf = read_geojson("pts", raw)
    assert gdf["CODE"].tolist() == ["E1"] and gdf.crs.to_epsg() == 4326
    fc["features"][0]["properties"] = {"NAME": "x"}
    (raw / "pts.geojson.gz").write_bytes(gzip.compress(json.dumps(fc).encode()))
    _reseal(tmp_path)
    with pytest.raises(DataError, match=r"pts\.geojson\.gz.*'CODE'"):
        read_geojson("pts", raw)


# ------------------------------------------------------------------ parquet cache
def test_cached_parquet_builds_once_and_follows_the_raw_file(tmp_path, monkeypatch):
    raw = make_catalogue(tmp_path, monkeypatch, {"c.csv": (b"a\n1\n2\n", {"a": "int"})})
    calls = []

    def build():
        calls.append(1)
        return read_source("c", raw)

    first = cached_parquet("c", build, raw)
    second = cached_parquet("c", build, raw)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first, second)
    cache_files = list((tmp_path / "processed").glob("c-v1-*.parquet"))
    assert len(cache_files) == 1
    # new bytes in data/raw: never served from the old cache, and refused until catalogued
    (raw / "c.csv").write_bytes(b"a\n7\n")
    with pytest.raises(ChecksumMismatch):
        cached_parquet("c", build, raw)
    _reseal(tmp_path)  # the new release is catalogued -> new key -> rebuilt, old cache removed
    third = cached_parquet("c", build, raw)
    assert len(calls) == 2 and third["a"].tolist() == [7]
    assert len(list((tmp_path / "processed").glob("c-v1-*.parquet"))) == 1
    # a corrupt cache file is rebuilt, not trusted (in a new process: forget the in-process copies)
    jsna.load._MEMO.clear()
    next((tmp_path / "processed").glob("c-v1-*.parquet")).write_bytes(b"not parquet")
    assert cached_parquet("c", build, raw)["a"].tolist() == [7] and len(calls) == 3


def test_cached_parquet_of_several_sources_follows_each_file(tmp_path, monkeypatch):
    raw = make_catalogue(tmp_path, monkeypatch, {"x.csv": (b"a\n1\n", {"a": "int"}),
                                                 "y.csv": (b"a\n2\n", {"a": "int"})})
    calls = []

    def build():
        calls.append(1)
        return pd.concat([read_source("x", raw), read_source("y", raw)], ignore_index=True)

    assert cached_parquet_of(["x", "y"], build, "xy", raw)["a"].tolist() == [1, 2]
    assert cached_parquet_of(["x", "y"], build, "xy", raw)["a"].tolist() == [1, 2] and len(calls) == 1
    (raw / "y.csv").write_bytes(b"a\n5\n")  # the second file changes: refused, then rebuilt
    with pytest.raises(ChecksumMismatch, match="y.csv"):
        cached_parquet_of(["x", "y"], build, "xy", raw)
    _reseal(tmp_path)
    assert cached_parquet_of(["x", "y"], build, "xy", raw)["a"].tolist() == [1, 5] and len(calls) == 2
    assert len(list((tmp_path / "processed").glob("xy-v1-*.parquet"))) == 1
    (raw / "x.csv").unlink()
    with pytest.raises(DataError, match="make data"):
        cached_parquet_of(["x", "y"], build, "xy", raw)


def test_cached_parquet_without_raw_file(tmp_path, monkeypatch):
    raw = make_catalogue(tmp_path, monkeypatch, {"m.csv": (b"a\n1\n", {"a": "int"})})
    (raw / "m.csv").unlink()
    with pytest.raises(DataError, match="make data"):
        cached_parquet("m", lambda: None, raw)


# ------------------------------------------------------------------ family loaders on fixtures
def _raw_rows(rel: str, code: str) -> dict[str, str]:
    """The fixture's own row for an LSOA, as text, straight from the file (not through our loader)."""
    df = pd.read_csv(FIXTURES / "raw" / rel, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return df.set_index(df.columns[0]).loc[code].to_dict()


def test_imd2019_lsoa_columns_and_values(fixture_data):
    from jsna.load.imd import DOMAINS, imd2019_lsoa

    df = imd2019_lsoa()
    expected = ["lsoa11cd", "lsoa11nm", "lad19cd", "lad19nm"]
    for d in DOMAINS:
        expected += [f"{d}_score", f"{d}_rank", f"{d}_decile"]
    expected += ["pop_total", "pop_0_15", "pop_16_59", "pop_60_plus", "pop_working_age"]
    assert sorted(df.columns) == sorted(expected) and len(df) == 42
    row = df.set_index("lsoa11cd").loc["E01013787"]
    src = _raw_rows("imd2019/iod2019_lsoa11_file7_equivalent.csv.gz", "E01013787")
    assert row["imd_score"] == float(src["Index of Multiple Deprivation (IMD) Score"])
    assert row["imd_rank"] == int(src["Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"])
    assert row["idaopi_score"] == float(src["Income Deprivation Affecting Older People (IDAOPI) Score (rate)"])
    assert row["outdoors_decile"] == int(src["Outdoors Sub-domain Decile (where 1 is most deprived 10% of LSOAs)"])
    assert row["pop_total"] == int(src["Total population: mid 2015 (excluding prisoners)"])
    assert df["imd_decile"].between(1, 10).all()


def test_imd2019_population_reads_excel_style_integers(fixture_data):
    from jsna.load.imd import imd2019_lsoa, imd2019_population

    pop = imd2019_population()
    src = _raw_rows("imd2019/File_6_-_IoD2019_Population_Denominators.csv.gz", "E01013787")
    assert src["Total population: mid 2015 (excluding prisoners)"].endswith(".00")  # the quirk is present
    assert pop.set_index("lsoa11cd").loc["E01013787", "pop_total"] == int(
        float(src["Total population: mid 2015 (excluding prisoners)"]))
    # SOURCES.md: File 6 and File 7's population columns agree exactly
    merged = pop.merge(imd2019_lsoa(), on="lsoa11cd", suffixes=("", "_f7"))
    assert (merged["pop_total"] == merged["pop_total_f7"]).all()


def test_imd2019_indicators_keep_suppressed_numerators_missing(fixture_data):
    from jsna.load.imd import imd2019_indicators

    df = imd2019_indicators()
    assert {"lsoa11cd", "income_numerator", "years_potential_life_lost", "air_quality"} <= set(df.columns)
    assert str(df["idaci_numerator"].dtype) == "Int64"
    raw = pd.read_csv(FIXTURES / "raw/imd2019/File_8_-_IoD2019_Underlying_Indicators.csv.gz", dtype=str,
                      keep_default_na=False)
    blank = raw["Income Deprivation Affecting Children Index (IDACI) numerator"] == ""
    assert blank.any(), "fixture should hold at least one suppressed numerator"
    got = df.set_index("lsoa11cd").loc[raw.loc[blank, "LSOA code (2011)"], "idaci_numerator"]
    assert got.isna().all()  # suppressed stays missing, never 0


def test_lad_summaries_names(fixture_data):
    from jsna.load.imd import imd2019_lad_summaries

    df = imd2019_lad_summaries().set_index("lad19cd")
    # File 10 published values (imd2019/SOURCES.md): Leicester 30.877, Rutland 8.381, avg rank 22,857.96
    assert df.loc["E06000016", "imd_avg_score"] == pytest.approx(30.877)
    assert df.loc["E06000017", "imd_avg_score"] == pytest.approx(8.381)
    assert df.loc["E06000016", "imd_avg_rank"] == pytest.approx(22857.96)
    assert {"income_scale", "income_rank_of_scale", "living_env_prop_most_deprived_10pc"} <= set(df.columns)


def test_lsoa_lookup_is_england_only(fixture_data):
    from jsna.load.geography import LOOKUP_COLUMNS, lsoa_lookup, ltla_utla_lookup, msoa_names

    lk = lsoa_lookup()
    assert list(lk.columns) == LOOKUP_COLUMNS
    assert lk["lsoa11cd"].str.startswith("E").all() and len(lk) == 42  # the 2 Welsh rows dropped
    assert lk.set_index("lsoa11cd").loc["E01013798", "msoa11hclnm"] == "Oakham East"
    assert set(msoa_names()["msoa11cd"]) >= set(lk["msoa11cd"])
    lt = ltla_utla_lookup()
    leics = {"E07000129", "E07000130", "E07000131", "E07000132", "E07000133", "E07000134", "E07000135"}
    assert set(lt.loc[lt["utla19cd"] == "E10000018", "lad19cd"]) == leics
    assert not lt["lad19cd"].str.startswith("W").any()


def test_lsoa_boundaries_and_missing_codes(fixture_data):
    from jsna.load.boundaries import lsoa_boundaries, missing_codes

    gdf = lsoa_boundaries()
    assert list(gdf.columns) == ["lsoa11cd", "lsoa11nm", "geometry"] and gdf.crs.to_epsg() == 4326
    want = ["E01013787", "E01013788", "E01099999"]
    sub = lsoa_boundaries(want)
    assert sorted(sub["lsoa11cd"]) == ["E01013788"]  # the fixture leaves E01013787 unmapped
    assert missing_codes(sub, "lsoa11cd", want) == ["E01013787", "E01099999"]
    # cached: a second call reads the parquet in the processed dir
    assert len(list(Path(os.environ["JSNA_PROCESSED_DIR"]).glob("lsoa11_boundaries_england-*"))) == 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-10**9, 10**9)), min_size=1, max_size=20),
       st.sampled_from(["{:d}", "{:.2f}", "{:,d}", "{:,.2f}"]))
def test_integer_spellings_round_trip(values, spelling):
    # Excel exports write integers as "1296.00" (and sometimes "1,296"); missing as "" or NA
    text = pd.Series(["" if v is None else spelling.format(v) for v in values], dtype="object")
    out = coerce_columns(pd.DataFrame({"n": text}), {"n": "int"}, "prop.csv")["n"]
    assert [None if pd.isna(x) else int(x) for x in out] == values


def test_read_source_parses_once_per_release_and_hands_out_copies(tmp_path, monkeypatch):
    """A warm build kernel reads the same file for many reports: one parse per bytes, schema and
    options; every caller gets its own copy; new bytes (a new release) are parsed again."""
    raw = make_catalogue(tmp_path, monkeypatch, {"m.csv": (b"a,b\n1,x\n2,y\n", {"a": "int", "b": "str"})})
    parses = []
    real = pd.read_csv
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: parses.append(1) or real(*a, **k))
    first = read_source("m", raw)
    first.loc[0, "a"] = 99  # a caller editing its frame changes nobody else's
    second = read_source("m", raw)
    assert second["a"].tolist() == [1, 2] and len(parses) == 1
    assert read_source("m", raw, usecols=["a"]).columns.tolist() == ["a"] and len(parses) == 2  # other options
    (raw / "m.csv").write_bytes(b"a,b\n5,z\n")
    _reseal(tmp_path)
    assert read_source("m", raw)["a"].tolist() == [5] and len(parses) == 3
