"""Every registry indicator Fingertips publishes has a live source (issue 23, item 2), tested against a local
HTTP server on 127.0.0.1 that answers the API's CSV endpoint with synthetic exports in the real layout
(tests/support/fingertips_exports.py: the mirror's real export with ids, names, periods and values
re-written). Expected values are read back from the served files with the csv module."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from jsna import fetch, paths
from jsna.catalogue import load_catalogue
from jsna.indicators import (
    NOT_AVAILABLE,
    REGISTRY,
    get_indicator,
    la_latest,
    missing_reason,
    predecessors,
)
from jsna.load.fingertips import api_periods, check_api_download, la_indicators
from jsna.paths import CATALOGUE_DIR

from tests.support.fingertips_exports import (
    R_EXPORT,
    REAL_EXPORT,
    file_name,
    records,
    synthetic_export,
)

MIRROR = paths.default_mirror()
EXAMPLES = MIRROR / "fingertips" / "format_examples" if MIRROR else None
LEICS = "E10000018"
NAN = float("nan")
ENDPOINT = "/api/all_data/csv/by_indicator_id"
#: registry `la` indicators with no live source, and why (data/catalogue/fingertips_live.yaml's header)
NO_VERIFIED_ID = {"children_relative_poverty", "early_years_communication", "early_years_literacy",
                  "early_years_mathematics", "ks2_expected_standard", "gcse_english_maths",
                  "preventable_cvd_mortality"}

pytestmark = pytest.mark.skipif(EXAMPLES is None or not (EXAMPLES / REAL_EXPORT).is_file(),
                                reason="no data mirror with fingertips/format_examples (JSNA_DATA_MIRROR)")


def _live() -> dict:
    return {k: s for k, s in load_catalogue(CATALOGUE_DIR).items() if s.live}


def _live_source(ind):
    live = _live()
    return next((s for s in ind.sources if s.source in live), None)


# ------------------------------------------------------------------ the catalogue and the registry
def test_every_live_entry_has_the_real_export_layout(tmp_path):
    """Each entry's columns are those of both real API exports (the API's spelling and R's), and its
    synthetic export passes the download check with the entry's indicator id."""
    layouts = {tuple(src.columns): sid for sid, src in _live().items()}  # the entries share one layout
    for columns, sid in layouts.items():
        for real in (REAL_EXPORT, R_EXPORT):
            assert check_api_download(EXAMPLES / real, list(columns)) > 0, (sid, real)
    for sid, src in _live().items():
        assert set(src.columns) >= {"Indicator ID", "Area Code", "Time period", "Value", "Lower CI 95.0 limit",
                                    "Upper CI 95.0 limit", "Count", "Denominator"}, sid
        body = synthetic_export(src, EXAMPLES)
        path = tmp_path / file_name(src)
        path.write_bytes(body)
        assert check_api_download(path, src.columns, src.live["indicator_ids"]) == len(records(body)), sid


def test_every_entry_says_where_its_id_was_verified():
    for sid, src in _live().items():
        iid = src.live["indicator_ids"][0]
        assert f"indicator_ids={iid}&child_area_type_id={src.live['child_area_type_id']}" in src.url, sid
        if sid not in ("fingertips_live_90366", "fingertips_live_93861"):  # catalogued before issue 23
            assert "verified" in src.notes and "search tool" in src.notes, sid


def test_every_registry_la_indicator_has_a_live_source_or_is_listed():
    live = _live()
    la = [i for i in REGISTRY if i.kind == "la"]
    without = {i.id for i in la if _live_source(i) is None}
    assert without == NO_VERIFIED_ID
    header = (CATALOGUE_DIR / "fingertips_live.yaml").read_text(encoding="utf-8")
    assert all(i in header for i in NO_VERIFIED_ID)
    for ind in la:
        s = _live_source(ind)
        if s is not None:
            assert s.indicator == str(live[s.source].live["indicator_ids"][0]), ind.id
            assert live[s.source].live["child_area_type_id"] == 502, ind.id
    start_well = {i.id for i in la if i.stage == "Start well"}
    assert {"low_birth_weight_term", "smoking_at_delivery", "breastfeeding_6_8_weeks", "infant_mortality",
            "under18_conceptions", "child_development_2_2half"} <= start_well
    assert get_indicator("hypertension_prevalence").core20 == "Hypertension case-finding"
    assert get_indicator("copd_prevalence").core20 == "Chronic respiratory disease"
    assert {"fingertips_live_92901", "fingertips_live_93283"} <= set(live)
    assert live["fingertips_live_93283"].live["child_area_type_id"] == 3  # MSOAs: not published at 502


# ------------------------------------------------------------------ the refresh against a local server
class _Handler(BaseHTTPRequestHandler):
    bodies: dict[str, bytes] = {}
    newer: dict[str, bytes] = {}

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 (http.server API)
        url = urlsplit(self.path)
        mode, _, endpoint = url.path.lstrip("/").partition("/")
        iid = parse_qs(url.query)["indicator_ids"][0]
        if "/" + endpoint != ENDPOINT or iid not in self.bodies or (mode == "down" and iid == "92196"):
            code, body, ctype = 500, b"<html><body>Internal Server Error</body></html>", "text/html"
        else:
            code, body, ctype = 200, (self.newer if mode == "newer" else self.bodies)[iid], "text/csv"
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True


@pytest.fixture
def server():
    live = _live()
    _Handler.bodies = {str(s.live["indicator_ids"][0]): synthetic_export(s, EXAMPLES) for s in live.values()}
    _Handler.newer = {str(s.live["indicator_ids"][0]): synthetic_export(s, EXAMPLES, extra_year=True)
                      for s in live.values()}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _refresh(tmp_path, base: str, mode: str, sources: list[str] | None = None) -> int:
    args = ["--data-dir", str(tmp_path / "raw"), "--mirror", str(MIRROR), "--no-parquet", "--retries", "1",
            "--backoff", "0", "--refresh", "--fingertips-url", f"{base}/{mode}"]
    return fetch.main([*args, *(a for sid in sorted(sources or _live()) for a in ("--source", sid))])


THREE = ["fingertips_live_92196", "fingertips_live_20101", "fingertips_live_93436"]


def _expected(src, area: str) -> dict[str, str]:
    """The served row of the area's latest period (whole population, the indicator's sex), read here."""
    rows = [r for r in records(_Handler.bodies[str(src.live["indicator_ids"][0])])
            if r["Area Code"] == area and not r["Category"] and r["Value"]]
    return max(rows, key=lambda r: r["Time period Sortable"])


def test_refresh_fills_every_registry_indicator_for_a_county(tmp_path, server, capsys, monkeypatch):
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    live = _live()
    assert _refresh(tmp_path, server, "ok") == 0
    out = capsys.readouterr().out
    n = len(live)
    assert f"1/{n} fetched: " in out and f"{n}/{n} fetched: " in out
    assert "What the refresh brought (new periods per indicator):" in out
    assert "fingertips_live_92196 (Infant mortality rate): first download: 3 periods, 2021-23 to 2023-25" in out
    la = la_indicators(sources=sorted(live), data_dir=tmp_path / "raw", fill_leicestershire=False)
    filled = 0
    for ind in REGISTRY:
        s = _live_source(ind) if ind.kind == "la" else None
        if s is None:
            continue
        got = la_latest(ind, la, LEICS)
        rows = [r for r in records(_Handler.bodies[s.indicator]) if r["Area Code"] == LEICS
                and not r["Category"] and r["Value"] and r["Sex"] == s.sex]
        want = max(rows, key=lambda r: r["Time period Sortable"])
        assert got["available"] and got["source_id"] == s.source, ind.id
        assert got["value"] == pytest.approx(float(want["Value"])), ind.id
        assert got["lower95"] == pytest.approx(float(want["Lower CI 95.0 limit"])), ind.id
        assert got["upper95"] == pytest.approx(float(want["Upper CI 95.0 limit"])), ind.id
        filled += 1
    assert filled == len([i for i in REGISTRY if i.kind == "la"]) - len(NO_VERIFIED_ID)


def test_a_second_refresh_lists_the_new_periods_and_a_failure_keeps_the_copy(tmp_path, server, capsys,
                                                                              monkeypatch):
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    assert _refresh(tmp_path, server, "ok", THREE) == 0
    f = load_catalogue(CATALOGUE_DIR)["fingertips_live_92196"].raw_path(tmp_path / "raw")
    first = f.read_bytes()
    capsys.readouterr()
    assert _refresh(tmp_path, server, "down", THREE) == 0  # 92196 fails: the previous copy is kept, the run goes on
    cap = capsys.readouterr()
    assert f.read_bytes() == first
    assert "fingertips_live_92196 (Infant mortality rate): refresh FAILED, previous copy kept" in cap.out
    assert "fingertips_live_20101 (Low birth weight of term babies): no new period (latest 2025)" in cap.out
    assert _refresh(tmp_path, server, "newer", THREE) == 0
    out = capsys.readouterr().out
    assert "fingertips_live_20101 (Low birth weight of term babies): new: 2026" in out
    assert "fingertips_live_92196 (Infant mortality rate): new: 2024-26" in out
    assert "fingertips_live_93436 (Child development: percentage of children achieving a good level of " \
           "development at 2 to 2 and a half years): new: 2026/27" in out
    assert api_periods(f)[-1] == "2024-26"


# ------------------------------------------------------------------ offline: what is missing, said once
def test_offline_a_live_only_indicator_is_not_available_and_listed_once():
    from jsna.topics.equity_dashboard.text import missing_sentences, refresh_note

    held = pd.DataFrame({"source_id": ["trafford_themes_life_expectancy"], "indicator_id": ["life_expectancy_at_birth"],
                         "sex": ["Male"], "category": [pd.NA], "area_code": ["E06000016"],
                         "value": [76.0]})  # no live source read
    ind = get_indicator("infant_mortality")
    assert missing_reason(ind, held, LEICS) == NOT_AVAILABLE
    dash = pd.DataFrame({"name": ["Infant mortality", "Infant mortality", "Low birth weight of term babies",
                                  "Adults living with obesity"],
                         "value": [float("nan")] * 3 + [20.0], "note": [NOT_AVAILABLE] * 3 + [""],
                         "area_code": ["E06000016", LEICS, LEICS, LEICS]})
    assert refresh_note(dash) == ("These indicators were not available when this report was produced: infant "
                                  "mortality and low birth weight of term babies. An analyst can add them by "
                                  "refreshing the Fingertips data (see the README).")
    assert missing_sentences(dash, "Leicestershire") == []  # not repeated in each area's summary
    assert refresh_note(dash.iloc[3:]) is None


def test_a_new_council_takes_its_predecessors_value_and_says_so():
    """North Yorkshire Council (E06000065) covers the area of North Yorkshire County Council (E10000023):
    with only the county's row held, the council shows the county's published value, noted."""
    from jsna.indicators import LaSource, la_series

    pred = predecessors()["E06000065"]
    assert pred.predecessor == "E10000023" and "hansard.parliament.uk" in pred.source
    ind = get_indicator("neet_16_17")
    src = ind.sources[-1]
    la = pd.DataFrame({"source_id": src.source, "indicator_id": src.indicator, "area_code": ["E10000023",
                       "E92000001"], "area_name": ["North Yorkshire", "England"], "period": "2018",
                       "period_start": pd.Timestamp("2018-01-01"), "period_end": pd.Timestamp("2018-12-31"),
                       "sex": "Persons", "age": "16-17 yrs", "category": pd.NA, "value": [5.3, 5.5],
                       "lower_ci95": NAN, "upper_ci95": NAN, "lower_ci998": NAN, "upper_ci998": NAN,
                       "count": NAN, "denominator": NAN, "note": pd.NA})
    got = la_latest(ind, la, "E06000065")
    assert got["available"] and got["value"] == 5.3 and got["england"] == 5.5
    assert got["note"] == ("value published for North Yorkshire County Council, which covered the same area "
                           "before North Yorkshire Council was formed")
    assert isinstance(ind.sources[-1], LaSource)
    assert la_series(ind, la, "E06000066")[1] is None  # no predecessor listed: no value borrowed
