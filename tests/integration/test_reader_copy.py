"""The reader's copy holds findings in plain English: no file names, catalogue ids, ISO 8601
intervals or pipeline words in the visible text of any built report or the index (URLs of the
official sources are allowed: they are links a reader follows)."""

from __future__ import annotations

import html
import re

import pytest
from jsna.catalogue import load_catalogue

pytestmark = pytest.mark.integration

FILE_NAME = re.compile(r"\b[\w.-]+\.(?:csv\.gz|csv|xlsx|parquet|ya?ml|ipynb|py|json|geojson)\b")
ISO_INTERVAL = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?/(?:P\d+[YMWD]|\d{4}-\d{2}-\d{2})\b")
PIPELINE = re.compile(r"fails the checksum|use the mirror|\breindex\b|#VALUE!|packaged copy|data/raw|make data|"
                      r"Traceback|\b\w+Warning:|Re-written by R|mirror-copy|/tmp/|/work/|/home/", re.IGNORECASE)
URL = re.compile(r"https?://\S+")


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return URL.sub(" ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _pages(reports):
    return sorted(reports.glob("*/*.html")) + [reports / "index.html"]


def test_visible_text_has_no_pipeline_vocabulary(rutland_reports):
    ids = sorted(load_catalogue(), key=len, reverse=True)
    catalogue_id = re.compile(r"\b(" + "|".join(map(re.escape, ids)) + r")\b")
    problems = []
    for page in _pages(rutland_reports):
        text = visible_text(page.read_text(encoding="utf-8"))
        for what, rx in (("file name", FILE_NAME), ("ISO interval", ISO_INTERVAL), ("pipeline words", PIPELINE),
                         ("catalogue id", catalogue_id)):
            found = sorted({m.group(0) for m in rx.finditer(text)})
            if found:
                problems.append(f"{page.relative_to(rutland_reports)}: {what}: {found[:5]}")
    assert not problems, "\n".join(problems)


def test_the_scan_finds_what_it_looks_for():
    page = ("<p>See File_7.csv, 2015-11-16/P1Y and covid_nims_msoa: fails the checksum: use the mirror.</p>"
            '<p><a href="https://x.gov.uk/File_8.xlsx">https://x.gov.uk/File_8.xlsx</a></p>')
    text = visible_text(page)
    assert FILE_NAME.findall(text) == ["File_7.csv"]  # the URL is not counted
    assert ISO_INTERVAL.findall(text) == ["2015-11-16/P1Y"]
    assert PIPELINE.search(text)
