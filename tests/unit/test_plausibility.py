"""Plausibility for every source (issue 23, item 6).

A faulty release taken in the way docs/data.md tells a user to (the file dropped into data/raw, its
new sha256 written into data/catalogue) must still be refused on read, by a DataError naming the
file, the column and the value. Each faulty file below is built from the real one in data/raw
(integration: skipped without `make data`) or from a small fixture in the real Fingertips API
layout; the expected numbers come from the real files read with the csv module, from SOURCES.md, or
from hand calculation, never from the loaders under test.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import math
import shutil
from collections import OrderedDict
from pathlib import Path

import jsna.catalogue
import jsna.load
import pytest
import yaml
from jsna import paths
from jsna.catalogue import CatalogueError, expect_columns, load_catalogue
from jsna.load import DataError, read_source
from jsna.load.fingertips import fingertips_api_csv
from jsna.manifest import update_manifest

REAL = load_catalogue(paths.CATALOGUE_DIR)
IMD25 = "imd2025_lsoa"
IMD_SCORE = "Index of Multiple Deprivation (IMD) Score"
IMD_RANK = "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"
IMD_DECILE = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
MSOA_LE = "le_birth_msoa_2016_20_llr"
LE_COL = "Life Expectancy at birth (in years)"
TS021 = "census2021_ethnic_group_lsoa21"
LEICESTER = "E06000016"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch, tmp_path):
    monkeypatch.setattr(jsna.load, "_VERIFIED", {})
    monkeypatch.setattr(jsna.load, "_MEMO", {})
    monkeypatch.setattr(jsna.load, "_READ_MEMO", OrderedDict())
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    yield
    jsna.catalogue._load.cache_clear()


# ------------------------------------------------------------------ helpers
def real_text(sid: str) -> str:
    """The real file of ``sid`` in data/raw as text (gzip undone); skips without `make data`."""
    path = REAL[sid].raw_path(paths.raw_dir())
    if not path.is_file():
        pytest.skip(f"{path} missing: run `make data`")
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")


@pytest.fixture
def recatalogue(tmp_path, monkeypatch):
    """recatalogue(sid, text) -> data dir holding ``text`` as the file of ``sid`` (gzipped again if
    the catalogued file is), with a copy of data/catalogue whose sha256 of ``sid`` is the new file's:
    what a user taking in a new release writes (docs/data.md, "Re-running with new data")."""
    raw, cat = tmp_path / "raw", tmp_path / "catalogue"

    def make(sid: str, text: str) -> Path:
        src = REAL[sid]
        dest = raw / src.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        dest.write_bytes(gzip.compress(data, mtime=0) if dest.suffix == ".gz" else data)
        if not cat.exists():
            shutil.copytree(paths.CATALOGUE_DIR, cat)
        family = cat / f"{src.family}.yaml"
        new = hashlib.sha256(dest.read_bytes()).hexdigest()
        old = family.read_text(encoding="utf-8")
        assert f"sha256: {src.sha256}" in old
        family.write_text(old.replace(f"sha256: {src.sha256}", f"sha256: {new}"), encoding="utf-8")
        monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(cat))
        jsna.catalogue._load.cache_clear()
        return raw

    return make


def rows_of(text: str) -> tuple[list[str], list[list[str]]]:
    """Header and data rows of a plain CSV (one row per line)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return rows[0], rows[1:]


def set_cell(text: str, line: int, column: str, value: str) -> str:
    """``text`` with the cell of ``column`` on file line ``line`` (header = line 1) set to ``value``."""
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0].lstrip("\ufeff")]))
    cells = next(csv.reader([lines[line - 1]]))
    cells[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator=lines[line - 1][len(lines[line - 1].rstrip("\r\n")):]).writerow(cells)
    lines[line - 1] = out.getvalue()
    return "".join(lines)


def line_of(text: str, **match: str) -> tuple[int, dict[str, str]]:
    """File line (header = 1) and cells of the last data row whose cells equal ``match``."""
    header, rows = rows_of(text)
    found = [(i + 2, dict(zip(header, r, strict=True))) for i, r in enumerate(rows)
             if all(r[header.index(k)] == v for k, v in match.items())]
    assert found, match
    return found[-1]


def refused(sid: str, raw: Path, reader=read_source) -> DataError:
    with pytest.raises(DataError) as err:
        reader(sid, raw)
    e = err.value
    assert str(raw / REAL[sid].path) in str(e), "the message names the file"
    assert "make data" in str(e), "the message says how to fix it"
    return e


# ------------------------------------------------------------------ 1. IoD2025 cut at a line boundary
def _residents() -> dict[str, int]:
    """Census 2021 usual residents per English LSOA 2021, from TS021 read with the csv module."""
    text = real_text(TS021)
    out = {}
    for cells in csv.reader(io.StringIO(text)):
        if len(cells) == 8 and cells[1].startswith("E01"):
            out[cells[1]] = int(cells[2])
    return out


def _england_imd(text: str, residents: dict[str, int]) -> float:
    """England's population-weighted IMD score (Census 2021 residents) of an IoD2025 File 7 text."""
    header, rows = rows_of(text)
    code, score = header.index("LSOA code (2021)"), header.index(IMD_SCORE)
    num = sum(float(r[score]) * residents[r[code]] for r in rows)
    return num / sum(residents[r[code]] for r in rows)


@pytest.mark.integration
def test_iod2025_cut_at_a_line_boundary_is_refused(recatalogue):
    text = real_text(IMD25)
    residents = _residents()
    cut = "".join(text.splitlines(keepends=True)[:1 + 13000])  # header + the first 13,000 LSOAs
    # what the probe published: England's average 27.0 instead of 21.8
    assert round(_england_imd(text, residents), 1) == 21.8
    assert round(_england_imd(cut, residents), 1) == 27.0
    e = refused(IMD25, recatalogue(IMD25, cut))
    assert "column 'LSOA code (2021)' has 13,000 distinct values, expected 33,755" in str(e)
    assert (e.column, e.actual, e.expected) == ("LSOA code (2021)", 13000, 33755)


# ------------------------------------------------------------------ 2. an IMD score of 250
@pytest.mark.integration
def test_an_imd_score_of_250_is_refused(recatalogue):
    text = real_text(IMD25)
    line, row = line_of(text, **{"LSOA name (2021)": "Leicester 001A"})
    assert 0 <= float(row[IMD_SCORE]) <= 100
    e = refused(IMD25, recatalogue(IMD25, set_cell(text, line, IMD_SCORE, "250")))
    assert (e.column, e.line, e.value) == (IMD_SCORE, line, "250")
    assert f"column {IMD_SCORE!r} line {line:,}: value '250' is outside the plausible range 0 to 100" in str(e)


# ------------------------------------------------------------------ 3. an IMD decile contradicting its rank
@pytest.mark.integration
def test_an_imd_decile_contradicting_its_rank_is_refused(recatalogue):
    text = real_text(IMD25)
    line, row = line_of(text, **{"LSOA name (2021)": "Leicester 001A"})
    rank, decile = int(row[IMD_RANK]), int(row[IMD_DECILE])
    assert decile == math.ceil(rank / 3375.5)  # imd2025/SOURCES.md: decile = ceil(rank / 3,375.5)
    wrong = decile % 10 + 1
    e = refused(IMD25, recatalogue(IMD25, set_cell(text, line, IMD_DECILE, str(wrong))))
    assert (e.column, e.line, e.value, e.expected) == (IMD_DECILE, line, str(wrong), decile)
    assert (f"decile '{wrong}' contradicts {IMD_RANK!r} '{rank}': of 33,755 ranked areas, rank {rank} "
            f"is in decile {decile}") in str(e)


# ------------------------------------------------------------------ 4. life expectancy of 250
@pytest.mark.integration
def test_a_life_expectancy_of_250_is_refused(recatalogue):
    sid = "trafford_themes_life_expectancy"
    text = real_text(sid)
    line, row = line_of(text, area_code=LEICESTER, inequality="Male")  # Leicester's latest male LE
    assert row["value"] == "77.5" and row["period"] == "2023 - 25"
    e = refused(sid, recatalogue(sid, set_cell(text, line, "value", "250")))
    assert (e.column, e.line, e.value) == ("value", line, "250")
    assert f"column 'value' line {line:,}: value '250' is outside the plausible range 40 to 100" in str(e)


# ------------------------------------------------------------------ 5, 6. a prevalence of 140% and -19.4%
@pytest.mark.integration
def test_a_prevalence_of_140_percent_is_refused(recatalogue):
    sid = "ons_adult_obesity_prevalence"
    text = real_text(sid)
    line, row = line_of(text, areacd=LEICESTER)
    assert 0 < float(row["observation"]) < 100
    e = refused(sid, recatalogue(sid, set_cell(text, line, "observation", "140")))
    assert (e.column, e.line, e.value) == ("observation", line, "140")
    assert "value '140' is outside the plausible range 0 to 100" in str(e)


@pytest.mark.integration
def test_a_negative_prevalence_is_refused(recatalogue):
    sid = "trafford_themes_obese_reception"
    text = real_text(sid)
    line, row = line_of(text, area_code=LEICESTER, period="2015/16")
    assert row["value"] == "9.7"
    e = refused(sid, recatalogue(sid, set_cell(text, line, "value", "-19.4")))
    assert (e.column, e.line, e.value) == ("value", line, "-19.4")
    assert "value '-19.4' is outside the plausible range 0 to 100" in str(e)


# ------------------------------------------------------------------ 7. an MSOA life expectancy of 250
@pytest.mark.integration
def test_an_msoa_life_expectancy_of_250_is_refused(recatalogue):
    text = real_text(MSOA_LE)
    line, row = line_of(text, **{"Code Name": "Leicester 001", "Sex": "Males"})
    assert line == 2 and row[LE_COL].startswith("81.14")
    e = refused(MSOA_LE, recatalogue(MSOA_LE, set_cell(text, line, LE_COL, "250")))
    assert (e.column, e.line, e.value) == (LE_COL, 2, "250")
    assert f"column {LE_COL!r} line 2: value '250' is outside the plausible range 40 to 100" in str(e)


# ------------------------------------------------------------------ 8. male and female swapped
@pytest.mark.integration
def test_male_and_female_swapped_is_refused(recatalogue):
    text = real_text(MSOA_LE)
    header, rows = rows_of(text)
    sex, code, le = header.index("Sex"), header.index("Code"), header.index(LE_COL)
    by_sex = {s: {r[code]: float(r[le]) for r in rows if r[sex] == s and r[le]} for s in ("Males", "Females")}
    both = sorted(set(by_sex["Males"]) & set(by_sex["Females"]))
    higher_male = [c for c in both if by_sex["Males"][c] > by_sex["Females"][c]]
    assert (len(both), len(higher_male)) == (120, 1)  # 9 rows blank (SOURCES.md); men outlive women in 1
    swapped = text.replace(",Males,", ",SWAP,").replace(",Females,", ",Males,").replace(",SWAP,", ",Females,")
    e = refused(MSOA_LE, recatalogue(MSOA_LE, swapped))
    assert e.column == LE_COL and e.actual == pytest.approx(1 / 120)
    assert "the 'Females' value is above the 'Males' value in only 1 of 120 areas (1%), expected at least 80%" in str(e)
    assert "'Sex' look swapped" in str(e)
    # the first area named: Leicester 001, whose (real male) 'female' value is on line 2
    assert e.line == 2 and e.value.startswith("81.14") and "{'Code': 'E02002827'}" in str(e)


# ------------------------------------------------------------------ 9. Census TS021 cut
@pytest.mark.integration
def test_census_ts021_cut_at_a_line_boundary_is_refused(recatalogue):
    text = real_text(TS021)
    lines = text.splitlines(keepends=True)
    cut = "".join(lines[:20000])
    england = [c for c in csv.reader(io.StringIO(cut)) if len(c) == 8 and c[1].startswith("E01")]
    # census2021/SOURCES.md: England total 56,490,108 residents; the cut file holds far fewer
    assert sum(int(c[2]) for c in england) < 56_490_108 and len(england) < 33755
    assert sum(_residents().values()) == 56_490_108
    codes = [c[1] for c in csv.reader(io.StringIO(text)) if len(c) == 8 and c[1][:3] in ("E01", "W01")]
    assert len(codes) == 35672 and codes[33754:33756] == ["E01029338", "W01000003"] and codes[-1] == "W01001898"
    e = refused(TS021, recatalogue(TS021, cut))
    assert "column 'mnemonic' lacks ['E01029338', 'W01000003', 'W01001898']" in str(e)
    assert e.column == "mnemonic" and e.actual == ["E01029338", "W01000003", "W01001898"]


@pytest.mark.integration
def test_ts021_short_of_one_lsoa_is_refused_by_its_row_count(recatalogue):
    text = real_text(TS021)
    lines = text.splitlines(keepends=True)
    last = max(i for i, ln in enumerate(lines) if '"W01001898"' in ln)
    cut = "".join(lines[:last - 1] + lines[last:])  # the last-but-one Welsh LSOA dropped, footer kept
    e = refused(TS021, recatalogue(TS021, cut))
    assert "35,676 data rows, expected 35,677" in str(e)  # 35,672 LSOAs + 5 footer rows (SOURCES.md)
    assert (e.expected, e.actual) == (35677, 35676)


@pytest.mark.integration
def test_a_time_series_with_a_minimum_row_count_still_catches_a_cut(recatalogue):
    """The Fingertips extracts grow with each release (rows: {min: n}); a cut file falls below n."""
    sid = "trafford_themes_life_expectancy"
    text = real_text(sid)
    lines = text.splitlines(keepends=True)
    assert len(lines) - 1 == 5516  # data rows of the catalogued release
    e = refused(sid, recatalogue(sid, "".join(lines[:5001])))
    assert "5,000 data rows, expected at least 5,516" in str(e)


# ------------------------------------------------------------------ the real files pass
@pytest.mark.integration
@pytest.mark.parametrize("sid", [IMD25, "trafford_themes_life_expectancy", "ons_adult_obesity_prevalence",
                                 "trafford_themes_obese_reception", MSOA_LE, TS021])
def test_the_real_files_pass(sid):
    real_text(sid)  # skips without `make data`
    assert len(read_source(sid)) > 0


def test_every_value_column_has_a_range():
    """Every catalogued number column (int, count, float) is named by a range: key of its entry."""
    uncovered = {}
    for sid, src in REAL.items():
        numeric = [c for c, t in src.columns.items() if t in ("int", "count", "float")]
        covered = {c for key in (src.expect.get("range") or {}) for c in expect_columns(key, src.columns)}
        if missing := [c for c in numeric if c not in covered]:
            uncovered[sid] = missing
    assert not uncovered
    assert all(src.expect for src in REAL.values()), [s for s, src in REAL.items() if not src.expect]


# ------------------------------------------------------------------ live Fingertips: a fixture in the API layout
API_HEADER = ("Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
              "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,Lower CI 99.8 limit,"
              "Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,Compared to England value or percentiles,"
              "Compared to Region value or percentiles,Time period Sortable,New data,Compared to goal\n")
# ONS life expectancy at birth 2016-18 (fingertips/SOURCES.md, additions of 2026-12-07), males / females
LE_2016_18 = {"E92000001": ("England", 79.63, 83.21), "E06000016": ("Leicester", 77.15, 81.93),
              "E10000018": ("Leicestershire", 80.71, 84.17), "E06000017": ("Rutland", 82.79, 85.88)}


def _api_le(values: dict[str, tuple[str, float, float]]) -> str:
    rows = [API_HEADER]
    for code, (name, male, female) in values.items():
        parent = "" if code == "E92000001" else "E92000001"
        kind = "England" if code == "E92000001" else "Counties & UAs (from Apr 2023)"
        for sex, value in (("Male", male), ("Female", female)):
            rows.append(f"90366,Life expectancy at birth,{parent},,{code},{name},{kind},{sex},All ages,,,2016 - 18,"
                        f"{value},,,,,,,,,Not compared,Not compared,20160000,,\n")
    return "".join(rows)


@pytest.fixture
def live_le(tmp_path, monkeypatch):
    """live_le(text) -> data dir holding ``text`` as the refreshed 90366 file, recorded in MANIFEST
    as `make data REFRESH=1` records a download (a live source's sha256 lives there)."""
    monkeypatch.delenv("JSNA_CATALOGUE_DIR", raising=False)
    jsna.catalogue._load.cache_clear()
    src = load_catalogue()["fingertips_live_90366"]

    def make(text: str) -> Path:
        raw = tmp_path / "raw"
        dest = raw / src.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
        update_manifest(raw, [{"id": src.id, "path": src.path, "sha256": hashlib.sha256(dest.read_bytes()).hexdigest(),
                               "method": "download", "obtained_from": src.live_url(), "date": "2026-12-07T00:00:00Z",
                               "rows": text.count("\n") - 1}])
        return raw

    return make


def test_live_life_expectancy_fixture_passes(live_le):
    df = fingertips_api_csv("fingertips_live_90366", live_le(_api_le(LE_2016_18)))
    assert df.loc[(df["area_code"] == LEICESTER) & (df["sex"] == "Male"), "value"].tolist() == [77.15]


def test_live_life_expectancy_of_250_is_refused(live_le):
    bad = {**LE_2016_18, LEICESTER: ("Leicester", 250.0, 81.93)}
    e = refused("fingertips_live_90366", live_le(_api_le(bad)), fingertips_api_csv)
    assert (e.column, e.line, e.value) == ("Value", 4, "250")  # header, England M, England F, Leicester M
    assert "column 'Value' line 4: value '250' is outside the plausible range 40 to 100" in str(e)


def test_live_life_expectancy_with_the_sexes_swapped_is_refused(live_le):
    swapped = {code: (name, female, male) for code, (name, male, female) in LE_2016_18.items()}
    e = refused("fingertips_live_90366", live_le(_api_le(swapped)), fingertips_api_csv)
    assert "the 'Female' value is above the 'Male' value in only 0 of 4 areas (0%), expected at least 80%" in str(e)
    assert e.column == "Value" and e.line == 3 and e.value == "79.63"  # England's 'female' row


# ------------------------------------------------------------------ the rules on small fixtures
LE_CSV = ("area,period,sex,value,lower,upper\n"
          "E06000016,2016 - 18,Male,77.2,76.8,77.6\n"
          "E06000016,2016 - 18,Female,81.9,81.5,82.3\n"
          "E06000017,2016 - 18,Male,82.8,81.6,84.0\n"
          "E06000017,2016 - 18,Female,85.9,84.8,87.0\n")
LE_COLUMNS = {"area": "str", "period": "str", "sex": "str", "value": "float", "lower": "float", "upper": "float"}
LE_EXPECT = {"unique": ["area", "period", "sex"], "range": {"value": [40, 100], "lower": [40, 100], "upper": [40, 100]},
             "consistent": {"ordered": ["lower", "value", "upper"],
                            "female_above_male": {"value": "value", "sex": "sex", "female": "Female",
                                                  "male": "Male", "by": ["area", "period"]}}}


def small_catalogue(tmp_path: Path, monkeypatch, text: str, expect: dict, columns: dict | None = None) -> Path:
    raw, cat = tmp_path / "raw", tmp_path / "catalogue"
    (raw / "t").mkdir(parents=True, exist_ok=True)
    cat.mkdir(exist_ok=True)
    (raw / "t" / "le.csv").write_text(text, encoding="utf-8")
    entry = {"id": "le", "title": "t", "publisher": "p", "licence": "OGL", "url": "https://example.invalid/x",
             "path": "t/le.csv", "sha256": hashlib.sha256(text.encode()).hexdigest(), "format": "csv",
             "columns": columns or LE_COLUMNS, "expect": expect}
    (cat / "t.yaml").write_text(yaml.safe_dump([entry], sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(cat))
    jsna.catalogue._load.cache_clear()
    return raw


def test_a_plausible_small_file_passes(tmp_path, monkeypatch):
    assert len(read_source("le", small_catalogue(tmp_path, monkeypatch, LE_CSV, LE_EXPECT))) == 4


def test_a_repeated_key_is_refused(tmp_path, monkeypatch):
    text = LE_CSV + "E06000016,2016 - 18,Male,77.2,76.8,77.6\n"
    with pytest.raises(DataError, match=r"line 2 and line 6 have the same area \+ period \+ sex "
                                        r"\{'area': 'E06000016', 'period': '2016 - 18', 'sex': 'Male'\}") as err:
        read_source("le", small_catalogue(tmp_path, monkeypatch, text, LE_EXPECT))
    assert err.value.line == 6


def test_an_estimate_outside_its_interval_is_refused(tmp_path, monkeypatch):
    text = LE_CSV.replace("85.9,84.8,87.0", "85.9,86.1,87.0")
    with pytest.raises(DataError, match=r"line 5: column 'lower' '86.1' is above column 'value' '85.9'") as err:
        read_source("le", small_catalogue(tmp_path, monkeypatch, text, LE_EXPECT))
    assert (err.value.column, err.value.line) == ("value", 5)


def test_decile_of_rank_by_hand(tmp_path, monkeypatch):
    # 20 ranked areas: deciles of 2 ranks each, decile = ceil(rank / 2)
    text = "code,rank,decile\n" + "".join(f"A{r},{r},{math.ceil(r / 2)}\n" for r in range(1, 21))
    cols = {"code": "str", "rank": "int", "decile": "int"}
    expect = {"consistent": {"decile_of_rank": {"rank": "rank", "decile": "decile", "n": 20}}}
    assert len(read_source("le", small_catalogue(tmp_path, monkeypatch, text, expect, cols))) == 20
    bad = text.replace("A7,7,4", "A7,7,5")
    with pytest.raises(DataError, match=r"'decile' line 8: decile '5' contradicts 'rank' '7': of 20 ranked "
                                        r"areas, rank 7 is in decile 4 \(decile = ceil\(rank / 2\)\)"):
        read_source("le", small_catalogue(tmp_path, monkeypatch, bad, expect, cols))


@pytest.mark.parametrize(("expect", "problem"), [
    ({"range": {"value": [100, 40]}}, "min 100 is above max 40"),
    ({"range": {"value": [40]}}, r"range.value: must be \[min, max\]"),
    ({"range": {"value": [None, None]}}, r"range.value: must be \[min, max\]"),
    ({"range": {"sex": [0, 1]}}, "'sex' is a str column, not a number"),
    ({"range": {"valu": [0, 1]}}, "'valu' is not in the entry's columns"),
    ({"range": {"x*": [0, 1]}}, "'x\\*' matches none of the entry's columns"),
    ({"unique": "area"}, "unique must be a list of column names"),
    ({"unique": ["area", "nope"]}, "unique: 'nope' is not in the entry's columns"),
    ({"consistent": {"swapped": {}}}, r"unknown rule\(s\) \['swapped'\]"),
    ({"consistent": {"female_above_male": {"value": "value", "sex": "sex", "female": "F"}}},
     r"lacks \['male', 'by'\]"),
    ({"consistent": {"female_above_male": {"value": "value", "sex": "sex", "female": "F", "male": "M",
                                           "by": "area", "share": 1.5}}}, "share must be a fraction"),
    ({"consistent": {"decile_of_rank": {"rank": "value", "decile": "lower", "n": 5}}}, "n .* must be a whole number >= 10"),
    ({"consistent": {"decile_of_rank": {"rank": "* r", "decile": "d", "n": 10}}}, "two patterns with one"),
    ({"consistent": {"ordered": ["value"]}}, "needs at least two columns"),
])
def test_bad_plausibility_blocks_are_catalogue_errors(tmp_path, monkeypatch, expect, problem):
    small_catalogue(tmp_path, monkeypatch, LE_CSV, expect)
    with pytest.raises(CatalogueError, match=problem) as err:
        load_catalogue()
    assert "t.yaml" in str(err.value) and "'le'" in str(err.value) and "expect" in str(err.value)
