"""Front doors on real builds (issue 24, items 5-6, "Done when"): the LLR index and another council's index
both read right (no LLR words outside LLR, no command lines, a grid of headlines), each Place's front door has
8-10 headline figures with a direction word and symbol, a period and a link to the report that explains it, and
the LLR dashboard is one comparative table at most half its former desktop height.

Builds run under the shared build lock with one job and no PDF. Set JSNA_TEST_FRONT_DOOR_LLR and
JSNA_TEST_FRONT_DOOR_OTHER to reports folders already built (the LLR group with equity_dashboard, population and
two_babies; Tower Hamlets, written by `params new E09000030`, with the same topics) to skip the builds.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jsna.report import HEADLINE_DIRECTIONS

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
TOPICS = ("equity_dashboard", "population", "two_babies")
#: words that belong to LLR's pages only (its councils, its framework, its integrated care board)
LLR_WORDS = re.compile(r"Leicester|Rutland|\bLLR\b|Better health for all|Integrated Care Board|\bICB\b")
#: a command line a reader must never meet
COMMAND_LINE = re.compile(r"--|\bmake (?:reports|data|test)\b|python -m")
#: the LLR overview dashboard's desktop height before it became one table (issue 24, measured at 1280 px)
LLR_DASHBOARD_HEIGHT_BEFORE = 57_459


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _build(out: Path, place: str, params_dir: Path | None = None) -> Path:
    lock = ["flock", "/tmp/jsna-build.lock"] if shutil.which("flock") else []
    cmd = [*lock, sys.executable, "-m", "jsna", "build", "--place", place, "--topic", *TOPICS, "--reports-dir",
           str(out), "--no-pdf", "--no-progress", "--jobs", "1"]
    if params_dir:
        cmd += ["--params-dir", str(params_dir)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def llr_reports(tmp_path_factory) -> Path:
    given = os.environ.get("JSNA_TEST_FRONT_DOOR_LLR")
    return Path(given) if given else _build(tmp_path_factory.mktemp("llr") / "reports", "llr")


@pytest.fixture(scope="module")
def other_reports(tmp_path_factory) -> tuple[Path, str]:
    given = os.environ.get("JSNA_TEST_FRONT_DOOR_OTHER")
    if given:
        return Path(given), "tower-hamlets"
    from jsna import paths
    from jsna.geo import write_params

    params = tmp_path_factory.mktemp("params")
    for f in paths.PARAMS_DIR.glob("*.yaml"):
        (params / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    write_params("E09000030", params)
    return _build(tmp_path_factory.mktemp("other") / "reports", "tower-hamlets", params), "tower-hamlets"


def _check_index_and_front_door(reports: Path, place: str) -> tuple[str, str]:
    index = (reports / "index.html").read_text(encoding="utf-8")
    door = (reports / place / "index.html").read_text(encoding="utf-8")
    for page in (index, door, (reports / "sources.html").read_text(encoding="utf-8")):
        assert not COMMAND_LINE.search(visible_text(page)), COMMAND_LINE.search(visible_text(page)).group(0)
    # the grid: the Place's row links its front door, a cell per topic with the lead figure, symbol and word
    row = re.search(rf'<tr data-jsna-place="{place}">(.*?)</tr>', index, flags=re.S)
    assert row and f'href="{place}/index.html"' in row.group(1)
    for topic in TOPICS:
        assert f'href="{place}/{topic}.html"' in row.group(1)
    leads = dict(re.findall(r'<a href="[^/"]+/(\w+)\.html">[^<]*</a><span class="jsna-lead"[^>]*>(.*?)</span>',
                            row.group(1), flags=re.S))
    # the dashboard and the population report lead with a current figure; the two babies' current figures
    # (its fifths are 2016-20 and 2009-13, or IMD domains across the IMD's own fifths) give it none yet
    assert {"equity_dashboard", "population"} <= set(leads), leads
    leads = list(leads.values())
    assert all(any(f"{s} " in html.unescape(lead) for s in HEADLINE_DIRECTIONS.values()) for lead in leads)
    # the front door's first screen: 8-10 figures, each with its direction word and symbol, period and report
    figures = re.findall(r'<li data-jsna-figure="[^"]+" data-jsna-kind="(\w+)" data-jsna-direction="([^"]+)">(.*?)</li>',
                         door, flags=re.S)
    assert 8 <= len(figures) <= 10, len(figures)
    assert {k for k, _, _ in figures} >= {"comparator", "size"}
    for _, direction, body in figures:
        shown = html.unescape(body)
        assert f"{HEADLINE_DIRECTIONS[direction]} " in shown and direction.split()[0] in shown
        href = re.search(r'Explained in <a href="([\w.]+)(#[\w-]+)?">', body)
        assert href and (reports / place / href.group(1)).is_file()
    assert re.search(r'<h2 id="meaning-h">What this means</h2>\s*<p>Of the \d+ current indicators? compared', door)
    assert 'href="../sources.html"' in door and 'href="sources.html"' in index
    return index, door


def test_another_councils_index_and_front_door_read_right(other_reports):
    reports, place = other_reports
    index, door = _check_index_and_front_door(reports, place)
    for page in (index, door, *(p.read_text(encoding="utf-8") for p in (reports / place).glob("*.html")
                                if p.stem in ("equity_dashboard", "population"))):
        found = LLR_WORDS.search(visible_text(page))
        assert not found, found.group(0)
    assert "Joint Strategic Needs Assessment: Tower Hamlets" in index


@pytest.mark.xfail(strict=True, reason="the two babies report reads LLR-only catalogue files for any Place (MSOA "
                   "boundaries and 2009-13 HLE/DFLE 'LLR rows') and names LLR in its 'not available' notes, so its "
                   "vintages and the sources page list them (issue 24 item 4; left to the topic's owner)")
def test_another_councils_reports_and_sources_page_name_no_llr_source(other_reports):
    reports, place = other_reports
    for page in ((reports / "sources.html").read_text(encoding="utf-8"),
                 (reports / place / "two_babies.html").read_text(encoding="utf-8")):
        found = LLR_WORDS.search(visible_text(page))
        assert not found, found.group(0)


def test_the_llr_index_and_front_door_read_right(llr_reports):
    index, door = _check_index_and_front_door(llr_reports, "llr")
    assert "Better health for all" in visible_text(index)  # its own framework, from its params


def test_the_llr_dashboard_is_one_comparative_table(llr_reports):
    page = (llr_reports / "llr" / "equity_dashboard.html").read_text(encoding="utf-8")
    captions = re.findall(r"<caption>([^<]*)</caption>", page)
    assert sum("health-equity indicators against England" in c for c in captions) == 0  # no table per council
    (table,) = [t for t in re.findall(r"<table.*?</table>", page, flags=re.S) if "comparison with England (95%)" in t]
    head = re.findall(r'<th scope="col">([^<]*)</th>', table)
    assert head[-4:] == ["Leicester", "Leicestershire", "Rutland", "England"]
    cells = visible_text(table)
    assert "▼ worse" in cells and "▲ better" in cells and "● similar" in cells
    # one Core20PLUS5 table (not one per council): each empty row says once what would fill it
    assert page.count('<th scope="col">What would fill it</th>') == 1


@pytest.mark.browser
def test_the_llr_dashboard_is_at_most_half_its_former_height(llr_reports):
    from jsna.runner.pdf import chromium_executable

    chromium = chromium_executable()
    if chromium is None:
        pytest.skip("Chromium is not installed (make test installs it)")
    page = llr_reports / "llr" / "equity_dashboard.html"
    with_marker = page.with_name("height-probe.html")
    marker = ("<script>window.addEventListener('load',()=>{document.title='H'+document.body.scrollHeight})"
              "</script></body>")
    with_marker.write_text(page.read_text(encoding="utf-8").replace("</body>", marker, 1), encoding="utf-8")
    try:
        proc = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                               "--window-size=1280,900", "--virtual-time-budget=5000", "--dump-dom",
                               with_marker.as_uri()], capture_output=True, text=True, timeout=180)
    finally:
        with_marker.unlink()
    height = int(re.search(r"<title>H(\d+)</title>", proc.stdout).group(1))
    assert height <= LLR_DASHBOARD_HEIGHT_BEFORE / 2, height
