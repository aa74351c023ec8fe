"""Issue 23, items 2-3, end to end: Leicestershire's health-equity dashboard built against a data
directory refreshed from a local Fingertips API (127.0.0.1) serving synthetic exports in the real layout
(tests/support/fingertips_exports.py), and offline builds of Leicestershire and North Yorkshire (E06000065).

Each build runs `python -m jsna build` (one job) under the shared build lock /tmp/jsna-build.lock. The
data directory is a temporary one: links to data/raw's files, real copies of MANIFEST and of the live
files. Expected values are read from the served files with the csv module, and formatted as the table
formats them (the indicator's decimals; limits to one decimal).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from jsna import fetch, paths
from jsna.catalogue import load_catalogue
from jsna.indicators import NOT_AVAILABLE, get_indicator
from jsna.paths import CATALOGUE_DIR

from tests.support.fingertips_exports import REAL_EXPORT, records, synthetic_export
from tests.unit.test_fingertips_live_registry import _Handler

pytestmark = [pytest.mark.integration, pytest.mark.kernel]

MIRROR = paths.default_mirror()
EXAMPLES = MIRROR / "fingertips" / "format_examples" if MIRROR else None
LEICS = "E10000018"
LOCK = "/tmp/jsna-build.lock"
ONS_LE = "ons_le_birth_age65_la_2001_03_2016_18"
#: what the issue's "Done when" asks Leicestershire's dashboard to show, with intervals, once refreshed
SHOWN = ("le_la_male", "le_la_female", "preventable_mortality_u75", "smoking", "active_adults",
         "obesity_reception", "obesity_year6", "obesity_adults", "low_birth_weight_term", "smoking_at_delivery",
         "breastfeeding_6_8_weeks", "infant_mortality", "under18_conceptions", "child_development_2_2half")


def _data_dir(root: Path) -> Path:
    """Links to data/raw's files (never written), with MANIFEST and fingertips/live as real copies."""
    raw, out = paths.raw_dir(), root / "raw"
    for d, _, files in os.walk(raw):
        rel = Path(d).relative_to(raw)
        (out / rel).mkdir(parents=True, exist_ok=True)
        for f in files:
            src = Path(d) / f
            if rel == Path("fingertips/live") or f == "MANIFEST":
                shutil.copyfile(src, out / rel / f)
            else:
                (out / rel / f).symlink_to(src)
    args = ["--data-dir", str(out), "--mirror", str(MIRROR), "--no-parquet", "--source", ONS_LE]
    assert fetch.main(args) == 0
    return out


def _build(root: Path, data: Path, places: list[str]) -> Path:
    """Build the dashboard for the Places (params/ plus North Yorkshire, E06000065, made by `jsna params new`)."""
    reports, params = root / "reports", root / "params"
    env = {**os.environ, "JSNA_DATA_DIR": str(data), "JSNA_PROCESSED_DIR": str(root / "processed")}
    shutil.copytree(paths.ROOT / "params", params)
    made = subprocess.run([sys.executable, "-m", "jsna", "params", "new", "E06000065", "--out", str(params)],
                          env=env, capture_output=True, text=True, timeout=600)
    assert made.returncode == 0 and (params / "north-yorkshire.yaml").is_file(), made.stderr
    cmd = ["flock", LOCK, sys.executable, "-m", "jsna", "build", "--place", *places, "--topic", "equity_dashboard",
           "--params-dir", str(params), "--reports-dir", str(reports), "--no-progress", "--no-pdf", "--jobs", "1"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return reports


def _page(reports: Path, place: str) -> BeautifulSoup:
    pages = [p for p in reports.rglob("equity_dashboard.html") if place in p.parts]
    assert len(pages) == 1, sorted(reports.rglob("*.html"))
    return BeautifulSoup(pages[0].read_text(encoding="utf-8"), "html.parser")


def _rows(page: BeautifulSoup, area: str) -> dict[str, dict[str, str]]:
    """{indicator name: {column: cell text}} of the area's dashboard table."""
    cap = next(c for c in page.find_all("caption") if c.get_text(" ", strip=True).startswith(
        f"{area}: health-equity indicators against England"))
    table = cap.find_parent("table")
    head = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    out = {}
    for tr in table.find("tbody").find_all("tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.find_all(["th", "td"])]
        row = dict(zip(head, cells, strict=False))
        out[row["Indicator"]] = row
    return out


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    if EXAMPLES is None or not (EXAMPLES / REAL_EXPORT).is_file():
        pytest.skip("no data mirror with fingertips/format_examples (JSNA_DATA_MIRROR)")
    root = tmp_path_factory.mktemp("live-refreshed")
    data = _data_dir(root)
    live = {k: s for k, s in load_catalogue(CATALOGUE_DIR).items() if s.live}
    _Handler.bodies = {str(s.live["indicator_ids"][0]): synthetic_export(s, EXAMPLES) for s in live.values()}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:  # `make data REFRESH=1` for the live sources
        base = f"http://127.0.0.1:{httpd.server_address[1]}/ok"
        args = ["--data-dir", str(data), "--no-parquet", "--refresh", "--fingertips-url", base, "--retries", "1"]
        assert fetch.main([*args, *(a for sid in sorted(live) for a in ("--source", sid))]) == 0
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
    return _page(_build(root, data, ["leicestershire"]), "leicestershire"), dict(_Handler.bodies)


def test_refreshed_leicestershire_shows_the_core_indicators_with_intervals(refreshed):
    page, bodies = refreshed
    rows = _rows(page, "Leicestershire")
    for iid in SHOWN:
        ind = get_indicator(iid)
        src = ind.sources[0]
        assert src.source.startswith("fingertips_live_"), iid
        served = [r for r in records(bodies[src.indicator]) if r["Area Code"] == LEICS and not r["Category"]
                  and r["Value"] and r["Sex"] == src.sex]
        want = max(served, key=lambda r: r["Time period Sortable"])
        row = rows[ind.name]
        assert row["Period"] == want["Time period"].replace(" - ", "-"), iid
        assert row["Value"] == f"{float(want['Value']):,.{ind.dp}f}", iid
        assert row["95% CI"] == (f"{float(want['Lower CI 95.0 limit']):,.1f} to "
                                 f"{float(want['Upper CI 95.0 limit']):,.1f}"), iid
    assert NOT_AVAILABLE not in page.get_text(" ")


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    root = tmp_path_factory.mktemp("live-offline")
    data = _data_dir(root)
    return _build(root, data, ["leicestershire", "north-yorkshire"])


@pytest.mark.parametrize(("place", "area"), [("leicestershire", "Leicestershire"),
                                             ("north-yorkshire", "North Yorkshire")])
def test_offline_every_council_has_life_expectancy_and_one_refresh_box(offline, place, area):
    page = _page(offline, place)
    rows = _rows(page, area)
    for iid in ("le_la_male", "le_la_female"):
        row = rows[get_indicator(iid).name]
        assert row["Value"] and float(row["Value"].replace(",", "")) > 70, (place, iid)
    text = page.get_text(" ")
    box = "These indicators were not available when this report was produced:"
    assert text.count(box) == 1
    assert "infant mortality" in text.split(box, 1)[1].split("README", 1)[0]
    assert "make data" not in text and "REFRESH" not in text
