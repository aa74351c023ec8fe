"""The data beside each report (issue 25, item 5): one accessible ODS workbook and a CSV with its
CSVW metadata per table, written from the page's own CSV links, so that both hold the page's numbers.
The expected values are the hand-made tables below, never the writer's own output."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from jsna import report
from jsna.runner.datafiles import MISSING, page_tables, write_report_data
from jsna.runner.export import CANNOT_SHOW_TITLE, gather_missing

RATES = pd.DataFrame({"area": ["Rutland", "England"], "rate": [61.2, np.nan], "people": [41_000, 56_490_108]})
SHARES = pd.DataFrame({"fifth": [1, 2, 3], "share (%)": [12.5, 20.0, 67.5]})


def _page() -> str:
    report.reset_ids()
    return (report.table_html(RATES, caption="Rate per 1,000 by area", data_meta={"unit": "per 1,000"})
            + report.csv_link_html(SHARES, "Residents by fifth")
            + report.csv_link_html(SHARES, "Residents by fifth"))  # the same name twice


def test_page_tables_reads_every_csv_link_in_order_with_unique_names():
    tables = page_tables(_page())
    assert [t.file_name for t in tables] == ["rate-per-1-000-by-area.csv", "residents-by-fifth.csv",
                                             "residents-by-fifth-2.csv"]
    assert tables[0].title == "Rate per 1,000 by area"
    back = tables[0].frame()
    assert list(back.columns) == ["area", "rate", "people", "unit"]
    assert back["people"].tolist() == [41_000, 56_490_108] and np.isnan(back.loc[1, "rate"])


def test_workbook_has_cover_contents_notes_and_one_sheet_per_table_with_the_page_numbers(tmp_path):
    ods, folder = write_report_data(_page(), tmp_path, "demo", ["imd2019_lsoa"], "Rutland", "Demo topic",
                                    "8 December 2026", "")
    sheets = pd.read_excel(ods, engine="odf", sheet_name=None, header=None)
    assert list(sheets) == ["Cover", "Contents", "Notes", "Table_1", "Table_2", "Table_3"]
    cover = sheets["Cover"][0].astype(str).tolist()
    assert cover[0] == "Demo topic: Rutland" and "8 December 2026" in cover
    assert "Open Government Licence v3.0" in cover  # the licence of the source read
    assert any("another format" in c for c in cover)  # how to ask for another format (neutral line)
    contents = pd.read_excel(ods, engine="odf", sheet_name="Contents", header=2)
    assert contents["Sheet name"].tolist() == ["Table_1", "Table_2", "Table_3"]
    assert contents["Number of rows"].tolist() == [2, 3, 3]
    notes = pd.read_excel(ods, engine="odf", sheet_name="Notes", header=2)
    assert notes["Note text"].iloc[0].startswith(f"{MISSING} means not available")
    # each table: its title in A1, headers in row 3, the same numbers as the CSV the page links
    assert sheets["Table_1"].iloc[0, 0] == "Rate per 1,000 by area"
    # the unit, one value for the whole table, is said once above it (A2), not in every row
    assert "Unit: per 1,000." in sheets["Table_1"].iloc[1, 0]
    t1 = pd.read_excel(ods, engine="odf", sheet_name="Table_1", header=2, na_values=[MISSING], keep_default_na=False)
    assert list(t1.columns) == ["area", "rate", "people"]
    assert t1["area"].tolist() == ["Rutland", "England"]
    assert t1.loc[0, "rate"] == 61.2 and np.isnan(t1.loc[1, "rate"])  # a missing value is [x], not 0
    assert t1["people"].tolist() == [41_000, 56_490_108]
    t2 = pd.read_excel(ods, engine="odf", sheet_name="Table_2", header=2)
    assert t2["share (%)"].tolist() == [12.5, 20.0, 67.5] and t2["fifth"].tolist() == [1, 2, 3]


def test_each_csv_has_csvw_metadata_with_titles_datatypes_unit_source_and_licence(tmp_path):
    _, folder = write_report_data(_page(), tmp_path, "demo", ["imd2019_lsoa"], "Rutland", "Demo topic",
                                  "8 December 2026", "Email us.")
    assert folder.name == "demo-data"
    csv = folder / "rate-per-1-000-by-area.csv"
    meta = json.loads((folder / "rate-per-1-000-by-area.csv-metadata.json").read_text(encoding="utf-8"))
    assert meta["@context"] == "http://www.w3.org/ns/csvw" and meta["url"] == csv.name
    assert meta["dc:title"] == "Rate per 1,000 by area"
    cols = meta["tableSchema"]["columns"]
    assert [c["titles"] for c in cols] == ["area", "rate", "people", "unit"]
    assert [c["datatype"] for c in cols] == ["string", "number", "integer", "string"]
    assert cols[1]["dc:description"] == "Unit: per 1,000" and "dc:description" not in cols[0]
    assert meta["dc:license"] == "Open Government Licence v3.0"
    assert meta["dc:source"][0]["dc:publisher"].startswith("Ministry of Housing")
    assert pd.read_csv(csv, encoding="utf-8-sig")["people"].tolist() == [41_000, 56_490_108]


def test_a_page_without_data_links_writes_nothing(tmp_path):
    assert write_report_data("<p>No data</p>", tmp_path, "demo", [], "Rutland", "Demo", "today", "") is None
    assert list(tmp_path.iterdir()) == []


def test_missing_notes_are_gathered_once_into_one_box_before_the_appendix():
    na = report.note_html("Deaths are not published for Rutland.", "na")
    page = ("<main><p>Finding.</p>" + na + report.note_html("An info note.", "info") + na
            + report.note_html("Vaccination is not available.", "na")
            + report.appendix_html("<p>Methods</p>") + '<section class="jsna-reviewers"></section></main>')
    out = gather_missing(page)
    assert out.count(CANNOT_SHOW_TITLE) == 1 and "jsna-note-na" not in out
    assert out.count("Deaths are not published for Rutland.") == 1  # said once
    box = out[out.index(CANNOT_SHOW_TITLE):]
    assert box.index("Deaths are not") < box.index("Vaccination is") < box.index('<details class="jsna-appendix">')
    assert "An info note." in out[:out.index(CANNOT_SHOW_TITLE)]  # other notes stay where they were
    assert gather_missing("<main><p>x</p></main>") == "<main><p>x</p></main>"


@pytest.mark.parametrize("contact, expected", [("Email jsna@example.org for another format.",
                                                "Email jsna@example.org for another format."),
                                               (None, "contact the public health team")])
def test_the_way_to_ask_for_another_format_comes_from_the_place(tmp_path, contact, expected):
    import yaml
    from jsna.places import load_place, other_format_line

    raw = yaml.safe_load(Path("params/rutland.yaml").read_text(encoding="utf-8"))
    if contact:
        raw["contact"] = contact
    (tmp_path / "rutland.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert expected in other_format_line(load_place("rutland", tmp_path))


def _publish_run(reports, stage, with_data: bool, n: int):
    from jsna.places import load_place
    from jsna.runner.publish import _publish
    from jsna.runner.topics import Topic
    from jsna.runner.worker import RunResult, RunSpec

    stage.mkdir(parents=True, exist_ok=True)
    (stage / "demo.ipynb").write_text("{}", encoding="utf-8")
    (stage / "demo.html.part").write_text(f"<p>run {n}</p>", encoding="utf-8")
    if with_data:
        (stage / "demo.ods").write_text(f"ods {n}", encoding="utf-8")
        (stage / "demo-data").mkdir()
        (stage / "demo-data" / f"t{n}.csv").write_text("a\n1\n", encoding="utf-8")
    spec = RunSpec("rutland", "Rutland", "demo", "Demo", "demo.ipynb", str(stage), "today")
    topic = Topic("demo", "Demo", 1, "", Path("demo.ipynb"))
    _publish(reports, stage, spec, topic, load_place("rutland"), RunResult("rutland", "demo", ok=True))


def test_publishing_moves_the_workbook_and_csv_folder_beside_the_page_and_never_leaves_old_ones(tmp_path):
    reports = tmp_path / "reports"
    _publish_run(reports, tmp_path / "s1", True, 1)
    dest = reports / "rutland"
    assert (dest / "demo.ods").read_text() == "ods 1" and (dest / "demo-data" / "t1.csv").exists()
    _publish_run(reports, tmp_path / "s2", True, 2)  # a new run replaces both, no file of the old one stays
    assert (dest / "demo.ods").read_text() == "ods 2" and sorted(p.name for p in (dest / "demo-data").iterdir()) == ["t2.csv"]
    _publish_run(reports, tmp_path / "s3", False, 3)  # a page without data: the old data go
    assert (dest / "demo.html").read_text() == "<p>run 3</p>"
    assert not (dest / "demo.ods").exists() and not (dest / "demo-data").exists()
