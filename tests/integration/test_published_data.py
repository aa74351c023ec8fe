"""Data as government publishes it, on the built Rutland reports (issue 25, item 5): beside each
report one ODS workbook that a maintained reader opens (pandas with odfpy) holding the same numbers
as the page's CSV links, a CSVW metadata file per CSV, "synthetic" on every synthetic CSV, and the
accessibility statement linked from every page and the index."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from jsna.runner.datafiles import MISSING, data_folder_name, page_tables, split_constant_columns

from tests.support.topics import audit_example_id

pytestmark = pytest.mark.integration


def _reports(reports_dir):
    pages = sorted(p for p in reports_dir.glob("*/*.html") if p.name != "index.html")  # a Place's front door aside
    assert pages, f"no report pages in {reports_dir}"
    return pages


def _same(a: pd.Series, b: pd.Series) -> bool:
    num_a, num_b = pd.to_numeric(a, errors="coerce"), pd.to_numeric(b, errors="coerce")
    if num_a.notna().sum() == a.notna().sum() and num_b.notna().sum() == b.notna().sum():
        return bool(np.allclose(num_a.to_numpy(float), num_b.to_numpy(float), rtol=1e-12, equal_nan=True))
    return a.fillna("").astype(str).tolist() == b.fillna("").astype(str).tolist()


def test_each_report_has_a_workbook_with_the_numbers_of_its_page(rutland_reports):
    for page in _reports(rutland_reports):
        tables = page_tables(page.read_text(encoding="utf-8"))
        ods = page.with_suffix(".ods")
        assert ods.exists(), f"{page.name}: no workbook beside it"
        assert f'href="{ods.name}"' in page.read_text(encoding="utf-8"), f"{page.name} does not link its workbook"
        book = pd.read_excel(ods, engine="odf", sheet_name=None, header=None)
        assert list(book)[:3] == ["Cover", "Contents", "Notes"], ods
        assert list(book)[3:] == [f"Table_{i}" for i in range(1, len(tables) + 1)], ods
        for i, t in enumerate(tables, 1):
            sheet = pd.read_excel(ods, engine="odf", sheet_name=f"Table_{i}", header=2, na_values=[MISSING],
                                  keep_default_na=False)
            csv, same = split_constant_columns(t.frame())
            assert book[f"Table_{i}"].iloc[0, 0] == t.title
            assert all(f"{k[:1].upper()}{k[1:]}: {v}." in book[f"Table_{i}"].iloc[1, 0] for k, v in same.items())
            assert [str(c) for c in sheet.columns] == [str(c) for c in csv.columns], (ods, i)
            assert len(sheet) == len(csv), (ods, i)
            for col_s, col_c in zip(sheet.columns, csv.columns, strict=True):
                assert _same(sheet[col_s], csv[col_c]), (ods.name, t.title, col_c)


def test_each_csv_has_its_csvw_metadata(rutland_reports):
    for page in _reports(rutland_reports):
        folder = page.parent / data_folder_name(page.stem)
        for t in page_tables(page.read_text(encoding="utf-8")):
            meta = json.loads((folder / f"{t.file_name}-metadata.json").read_text(encoding="utf-8"))
            assert meta["url"] == t.file_name and (folder / t.file_name).exists()
            assert [c["titles"] for c in meta["tableSchema"]["columns"]] == [str(c) for c in t.frame().columns]
            assert meta["dc:source"] and meta["dc:license"], f"{page.name}/{t.file_name}: no source or licence"


def test_every_synthetic_csv_says_so_in_its_name_and_content(rutland_reports):
    page = rutland_reports / "rutland" / f"{audit_example_id()}.html"
    tables = page_tables(page.read_text(encoding="utf-8"))
    assert tables
    for t in tables:
        assert "synthetic" in t.file_name, t.file_name
        assert t.frame()["synthetic data"].str.startswith("Synthetic example").all(), t.file_name


def test_the_accessibility_statement_is_linked_from_every_page(rutland_reports):
    statement = (rutland_reports / "accessibility.html").read_text(encoding="utf-8")
    assert "WCAG" in statement and "2.2" in statement and "interactive map" in statement
    assert "another format" in statement
    for page in [*_reports(rutland_reports), rutland_reports / "index.html"]:
        html = page.read_text(encoding="utf-8")
        assert "accessibility.html" in html[html.index("<footer"):], page
