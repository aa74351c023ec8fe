"""`make data`: mirror copy (never a hard link), verified download against a local HTTP server, checksums,
MANIFEST, --check / --force / --source / --offline, and the parquet step."""

from __future__ import annotations

import csv
import hashlib
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from jsna import fetch
from jsna.fetch import ChecksumError, FetchError, download

GOOD = b"code,value\n" + b"".join(f"E0100{i:04d},{i}\n".encode() for i in range(2000))
GOOD_SHA = hashlib.sha256(GOOD).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_GET(self):  # noqa: N802 (http.server API)
        n = self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.path == "/missing.csv":
            self.send_error(404, "Not Found")
            return
        if self.path == "/error500.csv":
            self.send_error(500, "Server Error")
            return
        body = b"<html>a landing page</html>" if self.path == "/wrong.csv" else GOOD
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path == "/drop-always.csv" or (self.path == "/drop-once.csv" and n == 1):
            self.wfile.write(body[: len(body) // 3])  # then hang up mid-body
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture
def server():
    _Handler.hits = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Handler.hits
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _leftovers(d: Path) -> list[str]:
    return sorted(p.name for p in d.rglob("*") if p.name.endswith(".part"))


# ------------------------------------------------------------------ download()
def test_download_success(server, tmp_path):
    base, hits = server
    dest = tmp_path / "sub" / "ok.csv"
    dest.parent.mkdir()
    download(f"{base}/ok.csv", dest, GOOD_SHA, source_id="s", retries=2, sleep=lambda s: None)
    assert dest.read_bytes() == GOOD and hits["/ok.csv"] == 1 and _leftovers(tmp_path) == []


def test_download_retries_a_dropped_connection(server, tmp_path):
    base, hits = server
    waits: list[float] = []
    dest = tmp_path / "d.csv"
    download(f"{base}/drop-once.csv", dest, GOOD_SHA, source_id="s", retries=3, backoff=0.5,
             sleep=waits.append)
    assert dest.read_bytes() == GOOD
    assert hits["/drop-once.csv"] == 2 and waits == [0.5]  # one retry after 0.5 s
    assert _leftovers(tmp_path) == []


def test_download_gives_up_with_exponential_backoff(server, tmp_path):
    base, hits = server
    waits: list[float] = []
    dest = tmp_path / "d.csv"
    with pytest.raises(FetchError, match=r"'s'.*drop-always\.csv failed after 3 attempt"):
        download(f"{base}/drop-always.csv", dest, GOOD_SHA, source_id="s", retries=3, backoff=1.0,
                 sleep=waits.append)
    assert waits == [1.0, 2.0] and hits["/drop-always.csv"] == 3
    assert not dest.exists() and _leftovers(tmp_path) == []


def test_download_retries_server_errors(server, tmp_path):
    base, hits = server
    with pytest.raises(FetchError, match="failed after 2 attempt"):
        download(f"{base}/error500.csv", tmp_path / "e.csv", GOOD_SHA, retries=2, sleep=lambda s: None)
    assert hits["/error500.csv"] == 2


def test_download_wrong_checksum_leaves_nothing(server, tmp_path):
    base, _ = server
    dest = tmp_path / "w.csv"
    with pytest.raises(ChecksumError) as exc:
        download(f"{base}/wrong.csv", dest, GOOD_SHA, source_id="my_source", retries=3, sleep=lambda s: None)
    msg = str(exc.value)
    actual = hashlib.sha256(b"<html>a landing page</html>").hexdigest()
    assert "my_source" in msg and GOOD_SHA in msg and actual in msg
    assert not dest.exists() and _leftovers(tmp_path) == []


def test_download_404_fails_at_once(server, tmp_path):
    base, hits = server
    dest = tmp_path / "m.csv"
    with pytest.raises(FetchError, match="HTTP 404"):
        download(f"{base}/missing.csv", dest, GOOD_SHA, retries=4, sleep=lambda s: None)
    assert hits["/missing.csv"] == 1 and not dest.exists() and _leftovers(tmp_path) == []


# ------------------------------------------------------------------ main() with a temp catalogue
@pytest.fixture
def setup(tmp_path, monkeypatch):
    """A catalogue of two sources (one with parquet: true), a mirror holding both, an empty data dir."""
    mirror, data, cat = tmp_path / "mirror", tmp_path / "raw", tmp_path / "catalogue"
    for d in (mirror / "fam", data, cat):
        d.mkdir(parents=True)
    (mirror / "fam" / "a.csv").write_bytes(GOOD)
    (mirror / "fam" / "b.csv").write_bytes(b"x\n1\n")
    entries = [
        {"id": "src_a", "title": "A", "publisher": "P", "licence": "OGL", "url": "https://example.invalid/a.csv",
         "path": "fam/a.csv", "sha256": GOOD_SHA, "format": "csv", "columns": {"code": "str", "value": "int"},
         "parquet": True},
        {"id": "src_b", "title": "B", "publisher": "P", "licence": "OGL", "url": "https://example.invalid/b.csv",
         "path": "fam/b.csv", "sha256": hashlib.sha256(b"x\n1\n").hexdigest(), "format": "csv",
         "columns": {"x": "int"}},
    ]
    (cat / "fam.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(cat))
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    monkeypatch.delenv("JSNA_DATA_MIRROR", raising=False)
    base = ["--catalogue", str(cat), "--data-dir", str(data), "--retries", "1"]
    return {"mirror": mirror, "data": data, "cat": cat, "entries": entries, "args": base,
            "processed": tmp_path / "processed"}


def _manifest(data: Path) -> dict[str, dict[str, str]]:
    with open(data / "MANIFEST", encoding="utf-8") as fh:
        return {r["id"]: r for r in csv.DictReader(fh, delimiter="\t")}


def test_mirror_copy_manifest_and_parquet(setup, capsys):
    s = setup
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"])]) == 0
    a = s["data"] / "fam" / "a.csv"
    assert a.read_bytes() == GOOD
    assert not os.path.samefile(a, s["mirror"] / "fam" / "a.csv")  # a copy, never a hard link
    man = _manifest(s["data"])
    assert man["src_a"]["method"] == "mirror-copy" and man["src_a"]["sha256"] == GOOD_SHA
    assert man["src_a"]["obtained_from"] == str(s["mirror"] / "fam" / "a.csv")
    assert man["src_a"]["date"].endswith("Z")
    assert len(list(s["processed"].glob("src_a-raw-v1-*.parquet"))) == 1  # parquet: true only
    assert not list(s["processed"].glob("src_b-*"))
    out = capsys.readouterr().out
    assert "[1/2] src_a: mirror-copy" in out and "parquet: src_a: ok" in out
    # second run: nothing to do, the manifest keeps how the file was first obtained
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"])]) == 0
    assert "[1/2] src_a: present" in capsys.readouterr().out
    assert _manifest(s["data"])["src_a"]["method"] == "mirror-copy"


def test_writing_to_data_raw_leaves_the_mirror_untouched(setup):
    s = setup
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"]), "--no-parquet"]) == 0
    with open(s["data"] / "fam" / "a.csv", "r+b") as fh:  # an in-place edit, as an editor would
        fh.seek(0)
        fh.write(b"EDITED")
    assert (s["mirror"] / "fam" / "a.csv").read_bytes() == GOOD


def test_an_old_hard_link_to_the_mirror_is_replaced_by_a_copy(setup):
    s = setup
    a = s["data"] / "fam" / "a.csv"
    a.parent.mkdir(parents=True)
    os.link(s["mirror"] / "fam" / "a.csv", a)  # what `make data` used to do
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"]), "--no-parquet"]) == 0
    assert a.read_bytes() == GOOD and not os.path.samefile(a, s["mirror"] / "fam" / "a.csv")
    a.write_bytes(b"changed")
    assert (s["mirror"] / "fam" / "a.csv").read_bytes() == GOOD


@pytest.mark.parametrize("check", [False, True])
def test_a_directory_where_a_file_should_be_is_reported_and_the_rest_carry_on(setup, capsys, check):
    s = setup
    if check:  # fill data/raw first, then replace one file by a directory
        assert fetch.main([*s["args"], "--mirror", str(s["mirror"]), "--no-parquet"]) == 0
        (s["data"] / "fam" / "a.csv").unlink()
    (s["data"] / "fam" / "a.csv").mkdir(parents=True)
    capsys.readouterr()
    args = ["--check"] if check else ["--mirror", str(s["mirror"]), "--no-parquet"]
    assert fetch.main([*s["args"], *args]) == 1
    captured = capsys.readouterr()
    assert "[1/2] src_a: error" in captured.out and "[2/2] src_b: " in captured.out
    assert "Traceback" not in captured.err
    assert "src_a" in captured.err and "is a directory" in captured.err and "rm -r" in captured.err
    assert "1 problem(s) (1 of 2 source(s) fine)" in captured.err
    assert (s["data"] / "fam" / "b.csv").read_bytes() == b"x\n1\n"


def test_mirror_checksum_mismatch_is_an_error(setup, capsys):
    s = setup
    (s["mirror"] / "fam" / "a.csv").write_bytes(GOOD + b"E01099999,1\n")
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"]), "--no-parquet"]) == 1
    err = capsys.readouterr().err
    actual = hashlib.sha256(GOOD + b"E01099999,1\n").hexdigest()
    assert "src_a" in err and GOOD_SHA in err and actual in err and "checksum mismatch" in err
    assert not (s["data"] / "fam" / "a.csv").exists() and _leftovers(s["data"]) == []
    assert (s["data"] / "fam" / "b.csv").exists()  # the other source still arrived


def test_missing_everywhere_offline_names_both_fixes(setup, capsys):
    s = setup
    (s["mirror"] / "fam" / "b.csv").unlink()
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"]), "--offline", "--no-parquet"]) == 1
    err = capsys.readouterr().err
    assert "src_b" in err and "JSNA_DATA_MIRROR" in err and "https://example.invalid/b.csv" in err
    assert "fam/b.csv" in err


def test_not_in_mirror_downloads_from_url(setup, server, capsys):
    s = setup
    base, hits = server
    entries = s["entries"]
    entries[0]["url"] = f"{base}/ok.csv"
    (s["cat"] / "fam.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    (s["mirror"] / "fam" / "a.csv").unlink()
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"]), "--no-parquet"]) == 0
    assert (s["data"] / "fam" / "a.csv").read_bytes() == GOOD and hits["/ok.csv"] == 1
    man = _manifest(s["data"])
    assert man["src_a"]["method"] == "download" and man["src_a"]["obtained_from"] == f"{base}/ok.csv"


def test_download_404_error_names_both_ways(setup, server, capsys):
    s = setup
    base, _ = server
    entries = s["entries"]
    entries[0]["url"] = f"{base}/missing.csv"
    (s["cat"] / "fam.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    assert fetch.main([*s["args"], "--no-parquet", "--mirror", str(s["mirror"] / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert "src_a" in err and "HTTP 404" in err and "JSNA_DATA_MIRROR" in err


def test_check_reports_missing_and_corrupt_without_changing_anything(setup, capsys):
    s = setup
    assert fetch.main([*s["args"], "--check"]) == 1
    assert "src_a: missing" in capsys.readouterr().out
    assert not (s["data"] / "MANIFEST").exists() and not (s["data"] / "fam").exists()
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"]), "--no-parquet"]) == 0
    assert fetch.main([*s["args"], "--check"]) == 0
    b = s["data"] / "fam" / "b.csv"
    b.write_bytes(b"x\n2\n")
    capsys.readouterr()
    assert fetch.main([*s["args"], "--check"]) == 1
    assert "src_b: mismatch" in capsys.readouterr().out
    assert b.read_bytes() == b"x\n2\n"


def test_wrong_file_in_data_dir_is_replaced(setup):
    s = setup
    b = s["data"] / "fam" / "b.csv"
    b.parent.mkdir(parents=True)
    b.write_bytes(b"x\n999\n")
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"]), "--no-parquet"]) == 0
    assert b.read_bytes() == b"x\n1\n"


def test_force_refetches(setup, capsys):
    s = setup
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"]), "--no-parquet", "--source", "src_b"]) == 0
    assert not (s["data"] / "fam" / "a.csv").exists()  # --source limits the run
    capsys.readouterr()
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"]), "--no-parquet", "--source", "src_b",
                       "--force"]) == 0
    assert "src_b: mirror-copy" in capsys.readouterr().out


def test_unknown_source_lists_the_valid_ones(setup, capsys):
    assert fetch.main([*setup["args"], "--source", "nope"]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and "src_a" in err and "src_b" in err


def test_catalogue_env_is_restored(setup, monkeypatch):
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", "/somewhere/else")
    fetch.main([*setup["args"], "--check"])
    assert os.environ["JSNA_CATALOGUE_DIR"] == "/somewhere/else"


def test_network_down_fails_fast_for_the_remaining_sources(setup, server, capsys):
    s = setup
    base, hits = server
    entries = s["entries"]
    entries[0]["url"] = f"{base}/drop-always.csv"
    entries[1]["url"] = f"{base}/drop-always.csv"
    (s["cat"] / "fam.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    args = [a for a in s["args"] if a not in ("--retries", "1")]
    rc = fetch.main([*args, "--retries", "2", "--no-parquet", "--mirror", str(s["mirror"] / "nowhere")])
    assert rc == 1
    assert hits["/drop-always.csv"] == 3  # 2 attempts for the first source, 1 for the second
    assert "network level" in capsys.readouterr().err


# ------------------------------------------------------- a mirror file that differs (issue 26)
def test_a_changed_mirror_file_is_named_with_the_command_that_takes_it_in(setup, capsys):
    s = setup
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"]), "--no-parquet"]) == 0
    capsys.readouterr()
    new_release = GOOD + b"E01099999,1\n"
    (s["mirror"] / "fam" / "a.csv").write_bytes(new_release)  # a new release dropped into the mirror
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"]), "--no-parquet"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("[1/2] src_a:"))
    assert line.startswith("[1/2] src_a: present - the data mirror's ")  # data/raw keeps the catalogued file
    assert f"differs from the catalogue (sha256 {hashlib.sha256(new_release).hexdigest()[:12]}, catalogue " \
           f"{GOOD_SHA[:12]})" in line
    assert f"`python -m jsna data add src_a {s['mirror'] / 'fam' / 'a.csv'} --dry-run`" in line
    assert "[2/2] src_b: present" in out and "src_b: present -" not in out  # an unchanged file: no notice


def test_a_missing_file_the_official_url_cannot_provide_says_why(setup, capsys):
    s = setup
    entries = [{**s["entries"][0], "official_url_matches": False,
                "official_url_note": "the URL serves the workbook; the mirror holds one sheet as CSV"}]
    (s["cat"] / "fam.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    (s["mirror"] / "fam" / "a.csv").unlink()
    assert fetch.main([*s["args"], "--mirror", str(s["mirror"]), "--offline", "--no-parquet"]) == 1
    err = capsys.readouterr().err
    assert "Its official URL does not serve the catalogued file (the URL serves the workbook; the mirror holds " \
           "one sheet as CSV), so only the data mirror can provide it" in err
