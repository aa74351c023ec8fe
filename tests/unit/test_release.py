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
