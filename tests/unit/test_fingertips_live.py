"""Live Fingertips sources (`make data REFRESH=1`) against a local HTTP server on 127.0.0.1.

The server answers the Fingertips API's CSV endpoint with the two real API exports of the data
mirror (fingertips/format_examples/, read at request time), and with what a real server sometimes
sends instead: an HTML error page (as text/html and as text/csv), JSON, an empty body, a body cut
off by a dropped connection, a CSV cut mid-line or inside a quoted field, a CSV without the
expected columns, a header without rows, the wrong indicator, a 500 then a success, a permanent
500, a 429 and a 404. Each mode is a base URL (``--fingertips-url http://127.0.0.1:<port>/<mode>``).
Expected values come from the example files themselves (read with the csv module here).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from jsna import fetch, paths
from jsna.catalogue import CatalogueError, load_catalogue
from jsna.fetch import ContentError, NetworkError, download
from jsna.load import ChecksumMismatch, DataError
from jsna.load.fingertips import (
    check_api_download,
    fingertips_api_csv,
    la_indicators,
    live_source_ids,
)
from jsna.manifest import read_manifest
from jsna.paths import CATALOGUE_DIR
from jsna.runner.provenance import describe_input, input_records

from tests.support.fingertips_exports import R_EXPORT, REAL_EXPORT

MIRROR = paths.default_mirror()
EXAMPLES = MIRROR / "fingertips" / "format_examples" if MIRROR else None
CAMPY = REAL_EXPORT  # the API's own layout
AIR = R_EXPORT  # re-written by R
BY_ID = {"93356": CAMPY, "93861": AIR}
ENDPOINT = "/api/all_data/csv/by_indicator_id"
MIRROR_DATE = "2024-05-01"

pytestmark = pytest.mark.skipif(EXAMPLES is None or not (EXAMPLES / CAMPY).is_file(),
                                reason="no data mirror with fingertips/format_examples (JSNA_DATA_MIRROR)")


def _example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def _records(name: str) -> list[dict[str, str]]:
    """The example's data rows, read here with the csv module (the test's own reading)."""
    with open(EXAMPLES / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _without_columns(body: bytes, drop: set[str]) -> bytes:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    keep = [i for i, c in enumerate(rows[0]) if c not in drop]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([[r[i] for i in keep if i < len(r)] for r in rows])
    return out.getvalue().encode()


class _Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}
    queries: list[dict[str, list[str]]] = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _send(self, code: int, body: bytes, ctype: str = "text/csv", length: int | None = None,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.close_connection = True

    def do_GET(self):  # noqa: N802 (http.server API)
        url = urlsplit(self.path)
        mode, _, endpoint = url.path.lstrip("/").partition("/")
        n = self.hits[mode] = self.hits.get(mode, 0) + 1
        query = parse_qs(url.query)
        self.queries.append(query)
        if "/" + endpoint != ENDPOINT:
            self._send(404, b"<html>not found</html>", "text/html")
            return
        name = BY_ID[query["indicator_ids"][0]]
        body = _example(name)
        if mode == "ok" or (mode in ("flaky", "busy") and n > 1):
            self._send(200, body)
        elif mode == "flaky":
            self._send(500, b"<html><body>Internal Server Error</body></html>", "text/html")
        elif mode == "busy":
            self._send(429, b"Too many requests", "text/plain", headers={"Retry-After": "0"})
        elif mode == "down":
            self._send(500, b"<html><body>Internal Server Error</body></html>", "text/html")
        elif mode == "missing":
            self._send(404, b"<html><body>Not Found</body></html>", "text/html")
        elif mode == "html":
            self._send(200, b"<!DOCTYPE html><html><head><title>Fingertips - error</title></head>"
                            b"<body>Sorry, something went wrong.</body></html>", "text/html; charset=utf-8")
        elif mode == "html-as-csv":
            self._send(200, b"\r\n  <!DOCTYPE html><html><body>Service unavailable</body></html>\r\n")
        elif mode == "json":
            self._send(200, b'{"Message":"An error has occurred."}', "application/json")
        elif mode == "empty":
            self._send(200, b"")
        elif mode == "truncated":  # Content-Length of the whole file, a third sent, then hang up
            self._send(200, body[: len(body) // 3], length=len(body))
        elif mode == "cut":  # a complete HTTP response whose CSV stops mid-line
            cut = len(body) // 2
            while body[cut - 1:cut] == b"\n":
                cut -= 1
            self._send(200, body[:cut])
        elif mode == "cut-quoted":  # stops right after a newline inside a quoted indicator name
            marker = b"Campylobacter incidence rate/100,000\n"
            at = body.index(marker, body.index(marker) + 1) + len(marker)
            self._send(200, body[:at])
        elif mode == "nocols":
            self._send(200, _without_columns(body, {"Area Code", "Value"}))
        elif mode == "headeronly":
            self._send(200, body[: body.index(b"\n") + 1])
        elif mode == "wrong-indicator":
            self._send(200, _example(AIR if name == CAMPY else CAMPY))
        else:
            self._send(400, b"unknown mode", "text/plain")


@pytest.fixture
def server():
    _Handler.hits, _Handler.queries = {}, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Handler
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _leftovers(d: Path) -> list[str]:
    return sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.name.endswith(".part"))


@pytest.fixture
def live(tmp_path, monkeypatch):
    """A catalogue of two live sources: live_93356 (refresh-only) and live_93861 (the mirror holds
    a fallback copy, the real R-rewritten export), with the real entries' columns."""
    real = load_catalogue(CATALOGUE_DIR)["fingertips_live_90366"]
    mirror, data, cat = tmp_path / "mirror", tmp_path / "raw", tmp_path / "catalogue"
    for d in (mirror / "fingertips" / "format_examples", data, cat):
        d.mkdir(parents=True)
    (mirror / "fingertips" / "format_examples" / AIR).write_bytes(_example(AIR))
    common = {"publisher": "OHID", "licence": "OGL v3.0", "format": "csv", "columns": dict(real.columns)}
    entries = [
        {"id": "live_93356", "title": "Campylobacter", "url": "https://fingertips.phe.org.uk/x",
         "path": "fingertips/live/campy_cua502.csv", **common,
         "live": {"type": "fingertips_api", "indicator_ids": [93356], "child_area_type_id": 502}},
        {"id": "live_93861", "title": "Air pollution", "url": "https://fingertips.phe.org.uk/y",
         "path": "fingertips/live/air_cua502.csv", "sha256": hashlib.sha256(_example(AIR)).hexdigest(),
         "period": "2018 to 2020", **common,
         "live": {"type": "fingertips_api", "indicator_ids": [93861], "child_area_type_id": 502,
                  "mirror_path": f"fingertips/format_examples/{AIR}", "mirror_date": MIRROR_DATE}},
    ]
    (cat / "fingertips_live.yaml").write_text(yaml.safe_dump(entries, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(cat))
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    monkeypatch.delenv("JSNA_DATA_MIRROR", raising=False)
    monkeypatch.delenv("JSNA_FINGERTIPS_URL", raising=False)
    args = ["--catalogue", str(cat), "--data-dir", str(data), "--mirror", str(mirror), "--no-parquet",
            "--retries", "2", "--backoff", "0"]
    return {"data": data, "mirror": mirror, "cat": cat, "args": args, "tmp": tmp_path}


def _refresh(live, base: str, mode: str, *extra: str) -> int:
    return fetch.main([*live["args"], "--refresh", "--fingertips-url", f"{base}/{mode}", *extra])


def _age(day: str) -> str:
    n = (dt.datetime.now(dt.UTC).date() - dt.date.fromisoformat(day)).days
    return f"{day} ({n} day{'' if n == 1 else 's'} old)"


# ------------------------------------------------------------------ a successful refresh
def test_refresh_writes_the_file_and_its_manifest_row(live, server, capsys):
    base, handler = server
    assert _refresh(live, base, "ok") == 0
    for sid, name, rel in (("live_93356", CAMPY, "campy_cua502.csv"), ("live_93861", AIR, "air_cua502.csv")):
        f = live["data"] / "fingertips" / "live" / rel
        assert f.read_bytes() == _example(name)
        row = read_manifest(live["data"])[sid]
        assert row["sha256"] == hashlib.sha256(_example(name)).hexdigest()
        assert row["method"] == "download" and row["rows"] == str(len(_records(name)))
        assert row["obtained_from"].startswith(f"{base}/ok{ENDPOINT}?indicator_ids=")
        assert dt.datetime.strptime(row["date"], "%Y-%m-%dT%H:%M:%SZ").date() == dt.datetime.now(dt.UTC).date()
    # the API query: the indicator, counties and unitaries (502) under England (15)
    assert {"indicator_ids": ["93356"], "child_area_type_id": ["502"], "parent_area_type_id": ["15"]} in handler.queries
    out = capsys.readouterr().out
    assert f"live_93356: download - downloaded {len(_records(CAMPY))} data rows" in out
    assert _leftovers(live["tmp"]) == []


def test_the_loader_reads_a_refreshed_file_verified_by_the_manifest(live, server):
    base, _ = server
    assert _refresh(live, base, "ok", "--source", "live_93356") == 0
    df = fingertips_api_csv("live_93356", live["data"])
    raw = _records(CAMPY)
    assert set(df["area_code"]) == {r["Area Code"] for r in raw}
    leic = [r for r in raw if r["Area Code"] == "E06000016" and r["Time period"] == "2017" and not r["Category"]]
    got = df[(df["area_code"] == "E06000016") & (df["period"] == "2017") & df["category"].isna()]
    assert got["value"].iloc[0] == pytest.approx(float(leic[0]["Value"]))
    assert got["count"].iloc[0] == float(leic[0]["Count"])
    # named explicitly, a live source goes through la_indicators too; by default it is not read
    la = la_indicators(sources=["live_93356"], data_dir=live["data"], fill_leicestershire=False)
    assert set(la["source_id"]) == {"live_93356"} and "E10000018" in set(la["area_code"])
    assert live_source_ids(live["data"], held=True) == ["live_93356"]
    assert live_source_ids() == ["live_93356", "live_93861"]
    # the report's provenance: the file is the one MANIFEST records, downloaded today
    rec = input_records(["live_93356"], live["data"], catalogue_dir=live["cat"])[0]
    assert rec["matches_catalogue"] and rec["fetched"] == read_manifest(live["data"])["live_93356"]["date"]
    assert "downloaded from the publisher" in describe_input(rec)


def test_a_refreshed_file_edited_afterwards_is_refused(live, server, capsys):
    base, _ = server
    assert _refresh(live, base, "ok", "--source", "live_93356") == 0
    f = live["data"] / "fingertips" / "live" / "campy_cua502.csv"
    with open(f, "ab") as fh:
        fh.write(b"93356,x,,,E06000016,Leicester,UA,Persons,All ages,,,2018,1,,,,,1,1,,,,,20180000,\r\n")
    with pytest.raises(ChecksumMismatch, match=r"live_93356.*MANIFEST.*make data REFRESH=1"):
        fingertips_api_csv("live_93356", live["data"])
    capsys.readouterr()
    assert fetch.main([*live["args"], "--check", "--source", "live_93356"]) == 1
    assert "live_93356: mismatch" in capsys.readouterr().out
    rec = input_records(["live_93356"], live["data"], catalogue_dir=live["cat"])[0]
    assert not rec["matches_catalogue"] and "not the copy recorded in data/raw/MANIFEST" in describe_input(rec)


def test_without_refresh_the_copy_held_is_kept_and_its_age_logged(live, server, capsys):
    base, handler = server
    assert _refresh(live, base, "ok") == 0
    before = dict(handler.hits)
    capsys.readouterr()
    assert fetch.main([*live["args"], "--fingertips-url", f"{base}/ok"]) == 0
    assert handler.hits == before  # no request without --refresh
    out = capsys.readouterr().out
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert f"live_93356: present - keeping the copy downloaded {_age(today)}" in out
    assert fetch.main([*live["args"], "--check"]) == 0


def test_the_base_url_comes_from_the_environment(live, server, monkeypatch):
    base, handler = server
    monkeypatch.setenv("JSNA_FINGERTIPS_URL", f"{base}/ok")
    assert fetch.main([*live["args"], "--refresh", "--source", "live_93356"]) == 0
    assert handler.hits == {"ok": 1}
    assert read_manifest(live["data"])["live_93356"]["obtained_from"].startswith(f"{base}/ok{ENDPOINT}")


@pytest.mark.parametrize("mode", ["flaky", "busy"])
def test_a_500_or_429_is_retried_then_succeeds(live, server, mode):
    base, handler = server
    assert _refresh(live, base, mode, "--source", "live_93356") == 0
    assert handler.hits[mode] == 2
    assert (live["data"] / "fingertips" / "live" / "campy_cua502.csv").read_bytes() == _example(CAMPY)


def test_download_backs_off_exponentially_and_gives_up(server, tmp_path):
    base, handler = server
    waits: list[float] = []
    url = f"{base}/down{ENDPOINT}?indicator_ids=93356&child_area_type_id=502&parent_area_type_id=15"
    with pytest.raises(NetworkError, match=r"'s'.*failed after 3 attempt\(s\): HTTP 500"):
        download(url, tmp_path / "x.csv", None, source_id="s", retries=3, backoff=0.5, sleep=waits.append)
    assert waits == [0.5, 1.0] and handler.hits["down"] == 3 and list(tmp_path.iterdir()) == []


def test_a_404_is_not_retried(server, tmp_path):
    base, handler = server
    url = f"{base}/missing{ENDPOINT}?indicator_ids=93356&child_area_type_id=502&parent_area_type_id=15"
    with pytest.raises(fetch.FetchError, match="HTTP 404"):
        download(url, tmp_path / "x.csv", None, retries=4, sleep=lambda s: None)
    assert handler.hits["missing"] == 1


# ------------------------------------------------------------------ bad responses keep the previous copy
BAD = [
    ("html", r"HTML page \(Content-Type text/html"),
    ("html-as-csv", r"HTML page, not CSV \(it starts '<!DOCTYPE html>"),
    ("json", r"JSON, not CSV"),
    ("empty", r"empty \(0 bytes\)"),
    ("truncated", r"failed after 2 attempt\(s\): .*connection dropped after \d+ of \d+ bytes"),
    ("cut", r"ends mid-line"),
    ("cut-quoted", r"not complete CSV .*quoted field"),
    ("nocols", r"lacks the expected column\(s\) \['area code', 'value'\]"),
    ("headeronly", r"header but no data rows"),
    ("wrong-indicator", r"lacks indicator id\(s\) \['93356'\]"),
    ("down", r"failed after 2 attempt\(s\): HTTP 500"),
    ("missing", r"HTTP 404"),
]


@pytest.fixture
def refreshed(live, server):
    """live_93356 refreshed once: its good copy and MANIFEST row are in place."""
    base, _ = server
    assert _refresh(live, base, "ok", "--source", "live_93356") == 0
    f = live["data"] / "fingertips" / "live" / "campy_cua502.csv"
    return {**live, "file": f, "bytes": f.read_bytes(), "manifest": (live["data"] / "MANIFEST").read_bytes(),
            "base": base}


@pytest.mark.parametrize(("mode", "problem"), BAD, ids=[m for m, _ in BAD])
def test_a_bad_response_keeps_the_previous_copy(refreshed, capsys, mode, problem):
    r = refreshed
    capsys.readouterr()
    assert _refresh(r, r["base"], mode, "--source", "live_93356") == 0  # a usable copy is in place
    assert r["file"].read_bytes() == r["bytes"]  # byte for byte
    assert (r["data"] / "MANIFEST").read_bytes() == r["manifest"]
    assert _leftovers(r["tmp"]) == []
    captured = capsys.readouterr()
    assert "live_93356: kept" in captured.out
    line = next(ln for ln in captured.err.splitlines() if ln.startswith("error: "))
    assert "'live_93356'" in line and f"{r['base']}/{mode}{ENDPOINT}?indicator_ids=93356" in line
    assert re.search(problem, line), line
    assert "kept the previous copy" in line
    fingertips_api_csv("live_93356", r["data"])  # still verified and readable


@pytest.mark.parametrize(("mode", "problem"), BAD, ids=[m for m, _ in BAD])
def test_a_bad_response_without_a_previous_copy_fails_and_writes_nothing(live, server, capsys, mode, problem):
    base, _ = server
    assert _refresh(live, base, mode, "--source", "live_93356") == 1
    assert not (live["data"] / "fingertips" / "live").exists() or not any((live["data"] / "fingertips" / "live").iterdir())
    assert "live_93356" not in read_manifest(live["data"])
    assert _leftovers(live["tmp"]) == []
    err = capsys.readouterr().err
    assert re.search(problem, err) and "no usable copy" in err
    with pytest.raises(DataError, match=r"live source 'live_93356' not found.*make data REFRESH=1"):
        fingertips_api_csv("live_93356", live["data"])


def test_the_download_check_rejects_rows_longer_than_the_header(tmp_path):
    body = _example(CAMPY).replace(b",New data\r\n", b",New data,extra,extra\r\n", 1)
    f = tmp_path / "x.csv"
    f.write_bytes(body)
    with pytest.raises(DataError, match=r"line \d+ has 27 fields, the header 26"):
        check_api_download(f, indicator_ids=[93356])
    assert check_api_download(EXAMPLES / CAMPY, indicator_ids=[93356]) == len(_records(CAMPY))


# ------------------------------------------------------------------ offline: the mirror's copy and its age
def test_offline_the_mirror_copy_is_used_and_its_age_logged(live, server, capsys):
    base, handler = server
    assert fetch.main([*live["args"], "--fingertips-url", f"{base}/ok"]) == 0
    assert handler.hits == {}
    out = capsys.readouterr().out
    assert f"live_93861: mirror-copy - using the mirror copy of {_age(MIRROR_DATE)}; it covers 2018 to 2020" in out
    assert "run `make data REFRESH=1` with internet access for current values" in out
    assert "live_93356: not-held - not in the data held" in out and "make data REFRESH=1" in out
    assert (live["data"] / "fingertips" / "live" / "air_cua502.csv").read_bytes() == _example(AIR)
    assert read_manifest(live["data"])["live_93861"]["method"] == "mirror-copy"
    df = fingertips_api_csv("live_93861", live["data"])  # verified by the catalogue's mirror sha256
    assert set(df["area_code"]) == {r["Area.Code"] for r in _records(AIR)}
    assert fetch.main([*live["args"], "--check"]) == 0  # not held is not an error


def test_a_failed_refresh_without_a_copy_falls_back_to_the_mirror(live, server, capsys):
    base, _ = server
    assert _refresh(live, base, "down", "--source", "live_93861") == 0
    assert (live["data"] / "fingertips" / "live" / "air_cua502.csv").read_bytes() == _example(AIR)
    captured = capsys.readouterr()
    assert f"live_93861: mirror-copy - using the mirror copy of {_age(MIRROR_DATE)}" in captured.out
    assert "error: source 'live_93861'" in captured.err and "HTTP 500" in captured.err
    assert "the mirror's is used" in captured.err


def test_the_real_entries_offline(tmp_path, monkeypatch, capsys):
    """`make data` without REFRESH=1 on the real catalogue: 93861 from the mirror (dated by its
    file), 90366 not held; neither is an error."""
    monkeypatch.delenv("JSNA_CATALOGUE_DIR", raising=False)
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    rc = fetch.main(["--data-dir", str(tmp_path / "raw"), "--mirror", str(MIRROR), "--no-parquet",
                     "--source", "fingertips_live_93861", "--source", "fingertips_live_90366"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "fingertips_live_93861: mirror-copy - using the mirror copy of " in out
    assert "by its file date); it covers 2018 to 2020" in out
    assert "fingertips_live_90366: not-held - not in the data held" in out
    src = load_catalogue(CATALOGUE_DIR)["fingertips_live_93861"]
    assert src.raw_path(tmp_path / "raw").read_bytes() == _example(AIR)


def test_offline_and_refresh_exclude_each_other(live):
    with pytest.raises(SystemExit):
        fetch.main([*live["args"], "--offline", "--refresh"])


# ------------------------------------------------------------------ the catalogue's live block
def test_the_real_live_entries(monkeypatch):
    monkeypatch.delenv("JSNA_FINGERTIPS_URL", raising=False)
    cat = load_catalogue(CATALOGUE_DIR)
    le = cat["fingertips_live_90366"]
    assert le.live["type"] == "fingertips_api" and le.live["child_area_type_id"] == 502 and not le.sha256
    assert le.fetch_url == le.url == ("https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?"
                                      "indicator_ids=90366&child_area_type_id=502&parent_area_type_id=15")
    assert le.live_url("http://127.0.0.1:1/") == f"http://127.0.0.1:1{ENDPOINT}?indicator_ids=90366&" \
                                                  "child_area_type_id=502&parent_area_type_id=15"
    air = cat["fingertips_live_93861"]
    assert air.mirror_path == cat["fingertips_api_93861"].path and air.sha256 == cat["fingertips_api_93861"].sha256
    assert set(live_source_ids()) >= {"fingertips_live_90366", "fingertips_live_93861"}


@pytest.mark.parametrize(("live_block", "problem"), [
    ({"type": "other_api", "indicator_ids": [1], "child_area_type_id": 502}, "type must be one of"),
    ({"type": "fingertips_api", "indicator_ids": [], "child_area_type_id": 502}, "indicator_ids"),
    ({"type": "fingertips_api", "indicator_ids": ["90366"], "child_area_type_id": 502}, "indicator_ids"),
    ({"type": "fingertips_api", "indicator_ids": [90366]}, "child_area_type_id"),
    ({"type": "fingertips_api", "indicator_ids": [90366], "child_area_type_id": 502, "base_url": "ftp://x"},
     "base_url"),
    ({"type": "fingertips_api", "indicator_ids": [90366], "child_area_type_id": 502, "area": 1}, "unknown key"),
    ({"type": "fingertips_api", "indicator_ids": [90366], "child_area_type_id": 502, "mirror_path": "a.csv"},
     "needs the mirror copy's sha256"),
    ({"type": "fingertips_api", "indicator_ids": [90366], "child_area_type_id": 502, "mirror_date": "May"},
     "mirror_date"),
])
def test_a_bad_live_block_is_a_catalogue_error(tmp_path, live_block, problem):
    entry = {"id": "x", "title": "X", "publisher": "P", "licence": "OGL", "url": "https://x", "path": "f/x.csv",
             "format": "csv", "live": live_block}
    (tmp_path / "f.yaml").write_text(yaml.safe_dump([entry]), encoding="utf-8")
    with pytest.raises(CatalogueError, match=problem):
        load_catalogue(tmp_path)


def test_only_a_live_entry_may_omit_sha256(tmp_path):
    entry = {"id": "x", "title": "X", "publisher": "P", "licence": "OGL", "url": "https://x", "path": "f/x.csv",
             "format": "csv"}
    (tmp_path / "f.yaml").write_text(yaml.safe_dump([entry]), encoding="utf-8")
    with pytest.raises(CatalogueError, match="lacks field.*sha256"):
        load_catalogue(tmp_path)


def test_content_error_is_a_fetch_error():
    assert issubclass(ContentError, fetch.FetchError) and not issubclass(ContentError, NetworkError)


def test_an_indicator_reads_its_live_source_once_held_and_gets_the_county_value(live, server):
    """An indicator naming a live source (as data/indicators.yaml does for life expectancy,
    fingertips_live_90366) reads it only once `make data REFRESH=1` has put the file in data/raw;
    then the county's value (Leicestershire, absent from the held extracts) comes from it, with
    its latest period. Expected values: the example file read with the csv module."""
    from jsna.indicators import Indicator, LaSource, la_latest, la_source_ids

    base, _ = server
    ind = Indicator(id="campy", name="Campylobacter", stage="Live well", kind="la", geography="LA",
                    unit="per 100,000", polarity="low_is_good", period="calendar year", method="published",
                    sources=(LaSource("live_93356", "93356", "Persons"),))
    assert la_source_ids([ind], live["data"]) == []  # not held yet: the indicator reads nothing live
    assert _refresh(live, base, "ok", "--source", "live_93356") == 0
    assert la_source_ids([ind], live["data"]) == ["live_93356"]
    la = la_indicators(sources=la_source_ids([ind], live["data"]), data_dir=live["data"], fill_leicestershire=False)
    got = la_latest(ind, la, "E10000018")
    rows = [r for r in _records(CAMPY) if r["Area Code"] == "E10000018" and r["Age"] == "All ages"
            and not r["Category"]]
    last = max(rows, key=lambda r: r["Time period Sortable"])
    assert got["available"] and got["source_id"] == "live_93356" and got["period"] == last["Time period"]
    assert got["value"] == pytest.approx(float(last["Value"]))
