"""jsna.release without the data mirror: the catalogue edited in place (only the release values
change; comments, quoting and layout stay) and the checks of official_url_matches."""

from __future__ import annotations

import pytest
import yaml
from jsna.catalogue import CatalogueError, load_catalogue
from jsna.release import edit_catalogue_text

CATALOGUE = """\
# Covid-19 sources. A comment that must stay.
- id: other
  title: Another source
  sha256: 1111111111111111111111111111111111111111111111111111111111111111
  period: 2020
  expect:
    rows: 10
- id: daily
  title: 'Daily cases: England'
  sha256: 2ad1066568a8f1614455af63ce5e1b6f18fbf5009152313984056522a1729c21
  period: 2020-01-30 to 2023-12-13 (deaths 2020-03-02 to 2023-07-03)
  expect:
    rows: 1414  # one row a day
    distinct: {areaCode: 1}
    dates:
      column: date
      first: '2020-01-30'
      last: '2023-12-13'
    range:
      cases: [0, 2000000]  # England
"""
NEW_SHA = "ece2d828d83551b2df230edaef85e24743cf2750517de455d3e9d2c2ccd0bc93"


def test_only_the_release_values_change_and_the_rest_of_the_text_stays():
    new = edit_catalogue_text(CATALOGUE, "daily", {
        ("sha256",): NEW_SHA, ("expect", "rows"): 1416, ("expect", "dates", "last"): "2023-12-15",
        ("period",): "2020-01-30 to 2023-12-15 (deaths 2020-03-02 to 2023-07-03)"})
    want = (CATALOGUE.replace("2ad1066568a8f1614455af63ce5e1b6f18fbf5009152313984056522a1729c21", NEW_SHA)
            .replace("rows: 1414  # one row a day", "rows: 1416  # one row a day")
            .replace("last: '2023-12-13'", "last: '2023-12-15'")
            .replace("period: 2020-01-30 to 2023-12-13 (", "period: 2020-01-30 to 2023-12-15 ("))
    assert new == want
    assert yaml.safe_load(new)[0] == yaml.safe_load(CATALOGUE)[0]  # the other entry untouched


def test_a_flow_mapping_value_and_a_period_that_needs_quotes():
    new = edit_catalogue_text(CATALOGUE, "daily", {("expect", "distinct", "areaCode"): 2,
                                                   ("period",): "to 2024: provisional"})
    assert "distinct: {areaCode: 2}" in new
    assert yaml.safe_load(new)[1]["period"] == "to 2024: provisional"  # quoted: ': ' would start a mapping


def test_an_unknown_entry_or_key_is_refused():
    with pytest.raises(CatalogueError, match="'nope' is not an entry"):
        edit_catalogue_text(CATALOGUE, "nope", {("sha256",): NEW_SHA})
    with pytest.raises(CatalogueError, match="the entry has no expect.unique"):
        edit_catalogue_text(CATALOGUE, "daily", {("expect", "unique"): ["date"]})


@pytest.mark.parametrize("extra,message", [
    ({"official_url_matches": False}, "official_url_matches: false without official_url_note"),
    ({"official_url_matches": "no", "official_url_note": "x"}, "official_url_matches must be true or false"),
])
def test_official_url_matches_needs_a_reason(tmp_path, extra, message):
    entry = {"id": "s", "title": "S", "publisher": "P", "licence": "OGL", "url": "https://example.invalid/s.csv",
             "path": "f/s.csv", "sha256": "0" * 64, "format": "csv", **extra}
    (tmp_path / "f.yaml").write_text(yaml.safe_dump([entry]), encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(tmp_path)


def test_the_catalogue_marks_the_sources_its_official_urls_cannot_provide():
    cat = load_catalogue()
    marked = {sid for sid, src in cat.items() if not src.official_url_matches}
    # imd2019_lsoa, read by every report, is File 7 re-assembled: the official CSV's bytes differ
    assert {"imd2019_lsoa", "imd2025_lsoa", "imd2019_indicators_file8", "le_birth_msoa_2016_20_england"} <= marked
    assert all(cat[sid].official_url_note for sid in marked)


# ----------------------------------------------- data add on a small synthetic source (no mirror)
SYNTHETIC_OLD = "area_code,period,value\nE06000016,2020/21,20.5\nE06000017,2020/21,15.0\n" \
                "E06000016,2021/22,21.0\nE06000017,2021/22,14.5\n"
SYNTHETIC_NEW = SYNTHETIC_OLD + "E06000016,2022/23,21.4\nE06000017,2022/23,14.9\n"


@pytest.fixture
def synthetic(tmp_path, monkeypatch):
    """A synthetic source (two areas, two periods) in a temporary catalogue, mirror and data/raw."""
    import hashlib

    cat, mirror, raw = tmp_path / "catalogue", tmp_path / "mirror", tmp_path / "raw"
    for d in (cat, mirror / "synthetic", raw / "synthetic"):
        d.mkdir(parents=True)
    for root in (mirror, raw):
        (root / "synthetic" / "synthetic_rates.csv").write_text(SYNTHETIC_OLD, encoding="utf-8")
    (cat / "synthetic.yaml").write_text(f"""\
# synthetic example source (made up for this test)
- id: synthetic_rates
  title: Synthetic rates
  publisher: nobody (synthetic)
  licence: none
  url: https://example.invalid/synthetic_rates.csv
  path: synthetic/synthetic_rates.csv
  sha256: {hashlib.sha256(SYNTHETIC_OLD.encode()).hexdigest()}
  format: csv
  period: 2020/21 to 2021/22 (2 periods)
  columns: {{area_code: str, period: str, value: float}}
  expect:
    rows: {{min: 4}}  # a new release adds periods
    unique: [area_code, period]
    range:
      value: [0, 100]  # a percentage
""", encoding="utf-8")
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    args = ["--catalogue", str(cat), "--data-dir", str(raw), "--mirror", str(mirror)]
    return {"cat": cat, "mirror": mirror, "raw": raw, "tmp": tmp_path, "args": args}


def test_a_new_period_of_a_synthetic_source_is_taken_in(synthetic, capsys):
    from jsna import fetch

    new = synthetic["tmp"] / "synthetic_rates_new.csv"
    new.write_text(SYNTHETIC_NEW.replace("E06000016,2021/22,21.0", "E06000016,2021/22,21.2"), encoding="utf-8")
    assert fetch.main(["add", "synthetic_rates", str(new), *synthetic["args"]]) == 0
    out = capsys.readouterr().out
    assert "rows: 4 -> 6 (2 new, 0 no longer present)" in out
    assert "periods (period): 2 -> 3; new: 2022/23" in out
    # one revised value (Leicester 2021/22: 21.0 -> 21.2) in the rows both releases have
    assert "values: 1 value(s) changed in 1 of 4 rows both files have; by column: value (1); in 1 area(s) " \
           "(area_code): E06000016 1" in out
    entry = yaml.safe_load((synthetic["cat"] / "synthetic.yaml").read_text(encoding="utf-8"))[0]
    assert entry["period"] == "2020/21 to 2022/23 (3 periods)" and entry["expect"]["rows"] == {"min": 6}
    text = (synthetic["cat"] / "synthetic.yaml").read_text(encoding="utf-8")
    assert "# synthetic example source (made up for this test)" in text
    assert "rows: {min: 6}  # a new release adds periods" in text
    assert (synthetic["mirror"] / "synthetic" / "synthetic_rates.csv").read_bytes() == new.read_bytes()
    assert (synthetic["raw"] / "synthetic" / "synthetic_rates.csv").read_bytes() == new.read_bytes()


@pytest.mark.parametrize("content,message", [
    (SYNTHETIC_NEW[:-6], "line 7 has 2 of the header's 3 fields (it stops at column 'value', value '2022/23')"),
    (SYNTHETIC_NEW[:-5], "does not end with a line break, as the catalogued release does"),  # cut after a comma
    (SYNTHETIC_NEW.replace("21.4", "121.4"), "column 'value' line 6: value '121.4' is outside the plausible "
                                             "range 0 to 100"),
    (SYNTHETIC_NEW + "E06000017,2022/23,14.9\n", "have the same area_code + period"),
    (SYNTHETIC_OLD.replace("E06000017,2021/22,14.5\n", ""), "3 data rows, fewer than the 4 of the catalogued release"),
])
def test_a_faulty_synthetic_release_is_refused_and_nothing_is_written(synthetic, capsys, content, message):
    from jsna import fetch

    before = (synthetic["cat"] / "synthetic.yaml").read_bytes()
    new = synthetic["tmp"] / "synthetic_rates_new.csv"
    new.write_text(content, encoding="utf-8")
    assert fetch.main(["add", "synthetic_rates", str(new), *synthetic["args"]]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"refused: synthetic_rates: {new}") and message in err
    assert (synthetic["cat"] / "synthetic.yaml").read_bytes() == before
    assert (synthetic["raw"] / "synthetic" / "synthetic_rates.csv").read_text(encoding="utf-8") == SYNTHETIC_OLD


def test_a_period_the_entry_does_not_name_needs_period(synthetic, capsys):
    from jsna import fetch

    cat = synthetic["cat"] / "synthetic.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace("period: 2020/21 to 2021/22 (2 periods)",
                                                           "period: two school years"), encoding="utf-8")
    new = synthetic["tmp"] / "synthetic_rates_new.csv"
    new.write_text(SYNTHETIC_NEW, encoding="utf-8")
    assert fetch.main(["add", "synthetic_rates", str(new), *synthetic["args"]]) == 1
    assert "give the new period with --period" in capsys.readouterr().err
    assert fetch.main(["add", "synthetic_rates", str(new), *synthetic["args"],
                       "--period", "three school years"]) == 0
    assert yaml.safe_load(cat.read_text(encoding="utf-8"))[0]["period"] == "three school years"
