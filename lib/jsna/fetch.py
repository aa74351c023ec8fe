"""`make data` (`python -m jsna data`): fill data/raw from the catalogue, verified by sha256.

For every catalogue entry: keep data/raw/<path> if its sha256 matches (and it is not a hard link
to the mirror's file); else copy it from the local mirror (env JSNA_DATA_MIRROR, default ../shared/data) and verify; else
download the entry's URL (verified TLS, timeouts, retries with exponential backoff, written to a
temporary file and renamed only after the checksum matched). A MANIFEST (TSV, jsna.manifest) in
data/raw records how each file was obtained. Then the parquet cache is built in data/processed for
the entries marked ``parquet: true``.

Live sources (an entry with a ``live:`` block, e.g. the Fingertips API; see jsna.catalogue):

* ``--refresh`` (``make data REFRESH=1``) downloads their current values (base URL:
  ``--fingertips-url``, else env JSNA_FINGERTIPS_URL, else the catalogue's) into a temporary file
  beside the target, checks it (HTTP status; not an HTML page; a complete CSV with the expected
  columns, data rows and indicator ids: jsna.load.fingertips.check_api_download) and only then
  renames it over the previous copy and records its sha256, URL, row count and date in
  data/raw/MANIFEST, which the loaders verify it against. Network errors, 5xx and 429 are retried
  with exponential backoff (``--retries``, ``--backoff``); other 4xx and a bad body are not. On any
  failure the previous copy is kept byte for byte (without one, the mirror's copy is used), a
  one-line error names the source, the URL and what was wrong, and the exit status is non-zero
  only when no usable copy is left. Each live source's line says "<k>/<n> fetched" (or "not fetched"),
  and the run ends with what the refresh brought (:func:`refresh_summary`: new periods per indicator,
  each failed refresh with the copy kept).
* Without ``--refresh`` a copy already in data/raw is kept and its age logged; else the mirror's
  copy is used and its date and age logged; a refresh-only source (no mirror copy) with neither is
  "not held", which is not an error (its loader says how to get it).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsna import paths
from jsna.catalogue import CatalogueError, Source, get_source, load_catalogue
from jsna.hashing import file_sha256
from jsna.manifest import (
    MANIFEST_FIELDS,
    MANIFEST_NAME,
    accepted_sha256,
    read_manifest,
    update_manifest,
)

__all__ = ["FetchError", "NetworkError", "ChecksumError", "ContentError", "Result", "Downloaded",
           "fetch_source", "download", "check_source", "write_manifest", "read_manifest", "main",
           "refresh_summary",
           "MANIFEST_NAME", "MANIFEST_FIELDS"]

USER_AGENT = "jsna-data-fetch/0.1 (+https://www.gnu.org/licenses/gpl-3.0.html)"
MAX_RETRY_AFTER = 60.0  # seconds: the longest Retry-After (HTTP 429/503) honoured
REFRESH_HINT = "run `make data REFRESH=1` with internet access"


class FetchError(RuntimeError):
    """A source could not be provided; the message says which and how to fix it."""


class NetworkError(FetchError):
    """Every download attempt failed at the network level (no connection, timeout, dropped, 5xx)."""


class ChecksumError(FetchError):
    """A file's sha256 differs from the catalogue."""


class ContentError(FetchError):
    """A complete response that is not the data asked for (an HTML page, an empty or cut-off body,
    missing columns ...): not retried."""


class _Retry(Exception):
    """A response worth another attempt (HTTP 5xx, 429); ``wait`` is its Retry-After in seconds."""

    def __init__(self, text: str, wait: float = 0.0) -> None:
        super().__init__(text)
        self.wait = wait


@dataclass
class Result:
    """What happened to one source."""

    id: str
    path: str
    status: str  # present | mirror-copy | download | ok | kept | not-held | missing | mismatch | error
    sha256: str = ""
    obtained_from: str = ""
    message: str = ""  # why the source is not in place (status not ok)
    note: str = ""  # what the log says about a live source's copy: its age, how to refresh it
    warning: str = ""  # a failed refresh that left a usable copy (logged as an error line)
    rows: str = ""  # data rows of a validated live download (MANIFEST column rows)
    date: str = ""  # when the file was obtained (default: when the MANIFEST is written)
    network_failed: bool = False  # a refresh failed at the network level (the run then fails fast)
    #: a live refresh: the periods of the previous copy (None: there was none) and of the new download
    periods_before: tuple[str, ...] | None = None
    periods_after: tuple[str, ...] | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("present", "mirror-copy", "download", "ok", "kept", "not-held")


@dataclass(frozen=True)
class Downloaded:
    """A completed download: the file's sha256 and size, and what ``validate`` returned."""

    sha256: str
    size: int
    checked: Any = None


def _mismatch(src: Source, where: str, actual: str) -> ChecksumError:
    return ChecksumError(
        f"source {src.id!r}: checksum mismatch for {where}: expected sha256 {src.sha256}, got {actual}. "
        "The file is a different release or was corrupted; the catalogued file is the one in the data "
        f"mirror (see the entry's notes). A new release is taken in with `python -m jsna data add {src.id} "
        "FILE`, which checks it and rewrites the catalogue."
    )


def _tmp_beside(dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    os.unlink(name)
    return Path(name)


def _from_mirror(src: Source, mirror: Path, dest: Path) -> str:
    """Copy mirror/<path> to dest via a temp file, verify, rename. Returns the method.

    Always a copy, never a hard link: a link would share the mirror's bytes, so an in-place edit
    of data/raw in one clone would corrupt the mirror (and every other clone)."""
    origin = mirror / src.mirror_path
    tmp = _tmp_beside(dest)
    try:
        shutil.copyfile(origin, tmp)
        actual = file_sha256(tmp)
        if actual != src.sha256:
            raise _mismatch(src, f"mirror file {origin}", actual)
        os.replace(tmp, dest)
        return "mirror-copy"
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _not_a_file(src: Source, dest: Path) -> FetchError:
    return FetchError(
        f"source {src.id!r}: {dest} is a directory (or other non-file) where the data file "
        f"{src.path} should be. Move or remove it (e.g. `rm -r '{dest}'` if it holds nothing you "
        "need) and run `make data` again.")


def _shares_mirror_inode(dest: Path, mirror: Path | None, src: Source) -> bool:
    """True if dest is a hard link to the mirror's copy (made by an older `make data`)."""
    if mirror is None or not (mirror / src.mirror_path).is_file():
        return False
    try:
        return os.path.samefile(dest, mirror / src.mirror_path)
    except OSError:
        return False


def _retry_after(value: str | None) -> float:
    """Seconds of a Retry-After header given in seconds (capped at MAX_RETRY_AFTER), else 0."""
    try:
        return min(max(float(value or 0), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return 0.0  # an HTTP date: the exponential backoff applies


def download(url: str, dest: Path, sha256: str | None, *, source_id: str = "?", retries: int = 4,
             backoff: float = 1.0, timeout: tuple[float, float] = (10.0, 60.0),
             sleep: Callable[[float], None] = time.sleep,
             validate: Callable[[Path], Any] | None = None, reject_html: bool = False) -> Downloaded:
    """Download url to dest; retry network errors, HTTP 5xx and 429 with exponential backoff.

    TLS certificates are verified. The body streams into a temp file beside dest that is renamed
    only once complete (its Content-Length reached), its sha256 equal to ``sha256`` (None: any,
    for a live source) and ``validate(temp file)`` passed (it raises jsna.load.DataError to reject
    the body), so dest is never half-written and an existing dest is kept unless the new file is
    good. Other HTTP 4xx, an HTML page when ``reject_html`` (Content-Type text/html) and a body
    ``validate`` rejects fail at once (:class:`ContentError` for the last two).
    """
    import requests

    from jsna.load import DataError

    last: Exception | None = None
    for attempt in range(1, retries + 1):
        tmp = _tmp_beside(dest)
        wait = 0.0
        try:
            with requests.get(url, stream=True, timeout=timeout, verify=True,
                              headers={"User-Agent": USER_AGENT}) as resp:
                code = resp.status_code
                if code == 429 or code >= 500:
                    wait = _retry_after(resp.headers.get("Retry-After"))
                    raise _Retry(f"HTTP {code} {resp.reason or ''}".strip(), wait)
                if 400 <= code < 500:
                    raise FetchError(f"source {source_id!r}: HTTP {code} from {url}")
                resp.raise_for_status()
                ctype = resp.headers.get("Content-Type", "")
                if reject_html and "html" in ctype.lower():
                    raise ContentError(f"source {source_id!r}: {url}: the response is an HTML page "
                                       f"(Content-Type {ctype}), not CSV")
                h = hashlib.sha256()
                with open(tmp, "wb") as fh:
                    for chunk in resp.iter_content(chunk_size=1 << 16):
                        h.update(chunk)
                        fh.write(chunk)
                expected_len = resp.headers.get("Content-Length")
                if expected_len is not None and tmp.stat().st_size != int(expected_len):
                    raise requests.ConnectionError(
                        f"connection dropped after {tmp.stat().st_size} of {expected_len} bytes")
            actual = h.hexdigest()
            if sha256 is not None and actual != sha256:
                raise ChecksumError(
                    f"source {source_id!r}: checksum mismatch for download {url}: expected sha256 "
                    f"{sha256}, got {actual}. The URL may serve a newer release, a landing page or the "
                    "original of a file the mirror holds re-packaged (see the entry's notes): use the "
                    "data mirror, or update the catalogue after checking the new release.")
            checked = None
            if validate is not None:
                try:
                    checked = validate(tmp)
                except DataError as exc:
                    raise ContentError(f"source {source_id!r}: {url}: {exc}") from None
            size = tmp.stat().st_size
            os.replace(tmp, dest)
            return Downloaded(actual, size, checked)
        except FetchError:
            raise
        except (_Retry, requests.ConnectionError, requests.Timeout, requests.HTTPError,
                requests.exceptions.ChunkedEncodingError) as exc:
            last = exc
            if attempt < retries:
                sleep(max(backoff * 2 ** (attempt - 1), wait))
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    raise NetworkError(f"source {source_id!r}: download of {url} failed after {retries} attempt(s): "
                       f"{_why(last)}")


def _why(exc: Exception | None) -> str:
    """A network error in a few words: requests' text repeats the host and URL around the cause
    (urllib3's ``reason``, e.g. "Failed to resolve 'host' ...")."""
    import requests

    m = re.search(r"IncompleteRead\((\d+) bytes read, (\d+) more expected\)", str(exc))
    if m:  # the body stopped short of its Content-Length
        got = int(m[1])
        return f"connection dropped after {got} of {got + int(m[2])} bytes"
    reason = getattr(exc.args[0], "reason", None) if exc is not None and exc.args else None
    text = str(reason if reason is not None else exc)
    text = re.sub(r"^<?[\w.]+(?: object at 0x[0-9a-f]+>)?(?:\(host=[^)]*\))?: ", "", text)
    if isinstance(exc, requests.Timeout):
        return f"timed out ({text})"
    if isinstance(exc, requests.ConnectionError) and reason is not None:
        return f"no connection ({text})"
    return text


def fetch_source(src: Source, data_dir: Path, mirror: Path | None, force: bool = False,
                 offline: bool = False, refresh: bool = False, base_url: str | None = None,
                 **download_kw) -> Result:
    """Provide one source in data_dir (see module docstring). Raises FetchError if impossible.

    ``refresh`` and ``base_url`` concern live sources only (:func:`_fetch_live`)."""
    if src.live:
        return _fetch_live(src, data_dir, mirror, offline=offline, refresh=refresh, base_url=base_url,
                           **download_kw)
    dest = src.raw_path(data_dir)
    if dest.exists() and not dest.is_file():
        raise _not_a_file(src, dest)
    if dest.exists() and not force and not _shares_mirror_inode(dest, mirror, src):
        actual = file_sha256(dest)
        if actual == src.sha256:
            return Result(src.id, src.path, "present", actual, str(dest))
    if mirror is not None and (mirror / src.path).is_file():
        method = _from_mirror(src, mirror, dest)
        return Result(src.id, src.path, method, src.sha256, str(mirror / src.path))
    where = (f"not in the mirror (looked for {mirror / src.path})" if mirror is not None
             else "no data mirror found (JSNA_DATA_MIRROR or --mirror unset or not a directory, and "
                  "no ../shared/data beside the repository)")
    if offline:
        raise FetchError(
            f"source {src.id!r} ({src.path}): {where}, and downloads are off (--offline). Provide it "
            f"either by pointing JSNA_DATA_MIRROR (or --mirror) at a copy of the data mirror, or by "
            f"allowing network access to {src.fetch_url}.")
    try:
        download(src.fetch_url, dest, src.sha256, source_id=src.id, **download_kw)
    except ChecksumError:
        raise
    except FetchError as exc:
        raise FetchError(
            f"source {src.id!r} ({src.path}): {where}, and the download failed ({exc}). Provide it "
            f"either by pointing JSNA_DATA_MIRROR (or --mirror) at a copy of the data mirror, or by "
            f"allowing network access to {src.fetch_url}.") from exc
    return Result(src.id, src.path, "download", src.sha256, src.fetch_url)


def _age(iso: str, how: str = "") -> str:
    """'2026-11-01 (31 days old)' for an ISO date or timestamp; ``how`` is added in the brackets."""
    try:
        day = dt.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return "of unknown date"
    n = (dt.datetime.now(dt.UTC).date() - day).days
    return f"{day.isoformat()} ({n} day{'' if n == 1 else 's'} old{', ' + how if how else ''})"


def _mirror_note(src: Source, mirror_file: Path | None) -> str:
    """How old the mirror's copy of a live source is (its catalogue mirror_date, else the file's date)."""
    covers = f"; it covers {src.period}" if src.period else ""
    if src.live.get("mirror_date"):
        when = f"of {_age(src.live['mirror_date'])}"
    elif mirror_file is not None and mirror_file.is_file():
        mtime = dt.datetime.fromtimestamp(mirror_file.stat().st_mtime, dt.UTC)
        when = f"of {_age(mtime.isoformat(), 'by its file date')}"
    else:
        when = "of unknown date"
    return f"using the mirror copy {when}{covers}; {REFRESH_HINT} for current values"


def _held_note(src: Source, sha: str, row: dict[str, str] | None, mirror_file: Path | None) -> str:
    if row and row.get("sha256") == sha and row.get("method") == "download":
        return (f"keeping the copy downloaded {_age(row.get('date', ''))}; `make data REFRESH=1` "
                "fetches current values")
    return _mirror_note(src, mirror_file)


def _fetch_live(src: Source, data_dir: Path, mirror: Path | None, *, offline: bool, refresh: bool,
                base_url: str | None, **download_kw) -> Result:
    """Provide a live source (module docstring): refresh it from the API, or keep the copy held,
    or copy the mirror's; never replace a usable copy with a bad download. (``--force`` does not
    apply: a good downloaded copy is replaced only by a newer download.)"""
    dest = src.raw_path(data_dir)
    if dest.exists() and not dest.is_file():
        raise _not_a_file(src, dest)
    row = read_manifest(data_dir).get(src.id)
    mirror_file = mirror / src.mirror_path if mirror is not None else None
    has_mirror = bool(src.sha256) and mirror_file is not None and mirror_file.is_file()
    held_sha = ""
    if dest.is_file() and not _shares_mirror_inode(dest, mirror, src):
        sha = file_sha256(dest)
        held_sha = sha if sha in accepted_sha256(src, data_dir) else ""

    if refresh and not offline:
        from jsna.load import DataError
        from jsna.load.fingertips import api_periods, check_api_download

        url = src.live_url(base_url)
        ids = src.live.get("indicator_ids", [])
        before = None
        if held_sha:
            with contextlib.suppress(DataError, OSError):
                before = api_periods(dest)
        try:
            got = download(url, dest, None, source_id=src.id, reject_html=True,
                           validate=lambda p: check_api_download(p, src.columns, ids), **download_kw)
        except FetchError as exc:
            network = isinstance(exc, NetworkError)
            if held_sha:
                return Result(src.id, src.path, "kept", held_sha, str(dest),
                              note=_held_note(src, held_sha, row, mirror_file),
                              warning=f"{exc}; kept the previous copy {dest}", network_failed=network)
            if has_mirror:
                _from_mirror(src, mirror, dest)
                return Result(src.id, src.path, "mirror-copy", src.sha256, str(mirror_file),
                              note=_mirror_note(src, mirror_file),
                              warning=f"{exc}; no previous copy in data/raw, so the mirror's is used",
                              network_failed=network)
            raise FetchError(f"{exc}; no usable copy (none in data/raw that MANIFEST records, none in the "
                             f"data mirror), nothing was written; {REFRESH_HINT} once the source "
                             "answers.") from exc
        res = Result(src.id, src.path, "download", got.sha256, url, rows=str(got.checked or ""),
                     note=f"downloaded {got.checked} data rows", date=_now(), periods_before=before,
                     periods_after=api_periods(dest))
        write_manifest(data_dir, [res])  # at once: the new file and its checksum record go together
        return res

    if held_sha:
        return Result(src.id, src.path, "present", held_sha, str(dest),
                      note=_held_note(src, held_sha, row, mirror_file))
    if has_mirror:
        _from_mirror(src, mirror, dest)
        return Result(src.id, src.path, "mirror-copy", src.sha256, str(mirror_file),
                      note=_mirror_note(src, mirror_file))
    if dest.is_file():
        raise FetchError(
            f"source {src.id!r}: {dest} is not the copy recorded in {data_dir / MANIFEST_NAME} (edited, "
            f"truncated or replaced after it was written) and the data mirror has none; {REFRESH_HINT} "
            "to download it again.")
    return Result(src.id, src.path, "not-held",
                  note=f"not in the data held (no copy in data/raw or in the data mirror); {REFRESH_HINT}")


def _span(periods: tuple[str, ...]) -> str:
    return periods[0] if len(periods) == 1 else f"{len(periods)} periods, {periods[0]} to {periods[-1]}"


def refresh_summary(results: list[Result], titles: dict[str, str]) -> list[str]:
    """The closing summary of `make data REFRESH=1`: for each live source refreshed, what is new (the
    periods the download adds to the previous copy), and each failed refresh with the copy kept."""
    lines = []
    for r in results:
        title = f" ({titles[r.id]})" if r.id in titles else ""
        if r.status == "download" and r.periods_after is not None:
            after, before = r.periods_after, r.periods_before
            if not after:
                what = "no periods with a value"
            elif before is None:
                what = f"first download: {_span(after)}"
            else:
                new = [q for q in after if q not in set(before)]
                what = f"new: {', '.join(new)}" if new else f"no new period (latest {after[-1]})"
            lines.append(f"  {r.id}{title}: {what}")
        elif r.warning or not r.ok:
            kept = {"kept": "previous copy kept", "mirror-copy": "the mirror's copy used"}.get(r.status, "no copy")
            lines.append(f"  {r.id}{title}: refresh FAILED, {kept} ({r.warning or r.message})")
    if not lines:
        return []
    return ["", "What the refresh brought (new periods per indicator):", *lines]


def check_source(src: Source, data_dir: Path) -> Result:
    """Verify data_dir/<path> against the catalogue (a live source: against MANIFEST) without
    changing anything."""
    dest = src.raw_path(data_dir)
    if not dest.exists():
        if src.live and not src.sha256:
            return Result(src.id, src.path, "not-held", note=f"not in the data held; {REFRESH_HINT}")
        return Result(src.id, src.path, "missing", message=f"{dest} is missing: run `make data`")
    if not dest.is_file():
        return Result(src.id, src.path, "error", message=str(_not_a_file(src, dest)))
    actual = file_sha256(dest)
    if src.live:
        accepted = accepted_sha256(src, data_dir)
        if actual not in accepted:
            return Result(src.id, src.path, "mismatch", actual, message=(
                f"source {src.id!r}: {dest} has sha256 {actual}, not the copy recorded in "
                f"{data_dir / MANIFEST_NAME} or the catalogue ({', '.join(accepted) or 'none recorded'}); "
                f"{REFRESH_HINT} to download it again"))
        return Result(src.id, src.path, "ok", actual, str(dest))
    if actual != src.sha256:
        return Result(src.id, src.path, "mismatch", actual, message=str(_mismatch(src, str(dest), actual)))
    return Result(src.id, src.path, "ok", actual, str(dest))


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_manifest(data_dir: Path, results: list[Result]) -> Path:
    """Merge results into data_dir/MANIFEST (jsna.manifest: id, path, sha256, method, obtained_from,
    date, rows). A file kept as it was keeps the record of how and when it was first obtained."""
    old_rows = read_manifest(data_dir)
    now = _now()
    rows = []
    for r in results:
        if not r.ok or r.status == "not-held":
            continue
        old = old_rows.get(r.id)
        if r.status in ("present", "kept") and old and old.get("sha256") == r.sha256:
            continue
        rows.append({"id": r.id, "path": r.path, "sha256": r.sha256,
                     "method": "present" if r.status == "kept" else r.status,
                     "obtained_from": r.obtained_from, "date": r.date or now, "rows": r.rows})
    return update_manifest(data_dir, rows)


def _copy_provenance(sources: list[Source], mirror: Path, data_dir: Path) -> None:
    """Copy each mirror folder's SOURCES.md (provenance and caveats) beside the data it describes."""
    for folder in sorted({Path(s.path).parent for s in sources}):
        doc = mirror / folder / "SOURCES.md"
        if doc.is_file():
            target = data_dir / folder / "SOURCES.md"
            if not target.exists() or target.read_bytes() != doc.read_bytes():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(doc, target)


def _import_family_loaders(sources: list[Source]) -> None:
    """Import jsna.load.<family> for each family so their parquet builders register themselves."""
    for family in sorted({s.family for s in sources}):
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(f"jsna.load.{family}")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m jsna data",
                                description="Fill data/raw from the data mirror or the official URLs "
                                            "and verify every file's sha256 against the catalogue.",
                                epilog="python -m jsna data add SOURCE_ID FILE [--dry-run] takes in a new "
                                       "release of a catalogued file (python -m jsna data add --help).")
    p.add_argument("--source", action="append", default=[], metavar="ID",
                   help="only this source (repeatable); default every catalogue entry")
    p.add_argument("--check", action="store_true", help="verify data/raw only; change nothing")
    p.add_argument("--mirror", type=Path, default=None,
                   help="data mirror directory (default env JSNA_DATA_MIRROR, else ../shared/data)")
    p.add_argument("--force", action="store_true", help="re-fetch even files whose checksum matches (a live source: see --refresh)")
    net = p.add_mutually_exclusive_group()
    net.add_argument("--offline", action="store_true", help="never download; mirror only")
    net.add_argument("--refresh", action="store_true",
                     help="download the current values of the live sources (Fingertips API); a failed "
                          "download keeps the previous copy")
    p.add_argument("--fingertips-url", default=None, metavar="URL",
                   help="base URL of the Fingertips API for live sources (default env JSNA_FINGERTIPS_URL, "
                        "else the catalogue's, https://fingertips.phe.org.uk)")
    p.add_argument("--no-parquet", action="store_true", help="skip building the parquet cache")
    p.add_argument("--data-dir", type=Path, default=None, help="target directory (default data/raw)")
    p.add_argument("--catalogue", type=Path, default=None, help="catalogue directory (default data/catalogue)")
    p.add_argument("--retries", type=int, default=4, help="download attempts per file (default 4)")
    p.add_argument("--backoff", type=float, default=1.0, metavar="SECONDS",
                   help="wait before the first retry, doubled for each further one (default 1)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m jsna data`. Returns 0 if every requested source is in place.
    ``python -m jsna data add SOURCE_ID FILE`` takes in a new release (:mod:`jsna.release`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["add"]:
        from jsna.release import main as add_main

        return add_main(argv[1:])
    args = _parser().parse_args(argv)
    if args.catalogue is None:
        return _run(args)
    saved = os.environ.get("JSNA_CATALOGUE_DIR")
    os.environ["JSNA_CATALOGUE_DIR"] = str(args.catalogue)  # loaders building parquet read it
    try:
        return _run(args)
    finally:
        if saved is None:
            os.environ.pop("JSNA_CATALOGUE_DIR", None)
        else:
            os.environ["JSNA_CATALOGUE_DIR"] = saved


def _run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir or paths.raw_dir())
    mirror = args.mirror if args.mirror is not None else paths.default_mirror()
    try:
        catalogue = load_catalogue(args.catalogue)
        sources = ([get_source(s, args.catalogue) for s in args.source] if args.source
                   else [catalogue[k] for k in sorted(catalogue)])
    except CatalogueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if mirror is not None and not Path(mirror).is_dir():
        print(f"warning: data mirror {mirror} is not a directory; only downloads are possible",
              file=sys.stderr)
        mirror = None
    results: list[Result] = []
    n = len(sources)
    retries = args.retries
    refreshing = args.refresh and not args.check
    n_live, k_live = sum(1 for s in sources if s.live), 0
    for i, src in enumerate(sources, 1):
        try:
            if args.check:
                res = check_source(src, data_dir)
            else:
                res = fetch_source(src, data_dir, mirror, force=args.force, offline=args.offline,
                                   refresh=args.refresh, base_url=args.fingertips_url,
                                   retries=retries, backoff=args.backoff)
        except FetchError as exc:
            res = Result(src.id, src.path, "error", message=str(exc),
                         network_failed=isinstance(exc.__cause__, NetworkError))
        except OSError as exc:  # unreadable file, permissions, disk full: report it, carry on
            res = Result(src.id, src.path, "error",
                         message=f"{src.raw_path(data_dir)}: {type(exc).__name__}: {exc}. Fix the "
                                 "file or its directory and run `make data` again.")
        if not src.live:  # a mirror file that differs from the catalogue: how to take it in
            from jsna.release import annotate

            res = annotate(res, src, Path(mirror) if mirror is not None else None)
        results.append(res)
        detail = res.message if not res.ok else res.note
        if refreshing and src.live:  # the refresh's own progress: "12/31 fetched ..."
            k_live += 1
            head = f"{k_live}/{n_live} {'fetched' if res.status == 'download' else 'not fetched'}: "
        else:
            head = f"[{i}/{n}] "
        print(f"{head}{src.id}: {res.status}" + (f" - {detail}" if detail else ""), flush=True)
        if res.warning:
            print(f"error: {res.warning}", file=sys.stderr, flush=True)
        if res.network_failed and retries > 1:
            retries = 1  # the network looks down: fail fast for the remaining sources
            print("note: downloads are failing at the network level; one attempt per "
                  "remaining source", file=sys.stderr)
    if not args.check:
        write_manifest(data_dir, results)
        if mirror is not None:
            _copy_provenance(sources, Path(mirror), data_dir)
        if not args.no_parquet:
            _import_family_loaders(sources)
            from jsna.load import build_parquet

            for src in sources:
                if src.parquet and next(r for r in results if r.id == src.id).ok:
                    try:
                        build_parquet(src.id, data_dir)
                        print(f"parquet: {src.id}: ok", flush=True)
                    except Exception as exc:  # report, keep going: the raw file is in place
                        results.append(Result(src.id, src.path, "error", message=f"parquet cache: {exc}"))
                        print(f"parquet: {src.id}: error - {exc}", flush=True)
    if refreshing:
        for line in refresh_summary([r for r in results if r.id in {s.id for s in sources if s.live}],
                                    {s.id: s.title.split(" (Fingertips indicator")[0] for s in sources if s.live}):
            print(line, flush=True)
    warned = [r for r in results if r.warning]
    if warned:
        print(f"\n{len(warned)} refresh(es) failed; a usable copy is in place for each:", file=sys.stderr)
        for r in warned:
            print(f"  {r.id}: {r.warning}", file=sys.stderr)
    bad = [r for r in results if not r.ok]
    if bad:
        print(f"\n{len(bad)} problem(s) ({n - len({r.id for r in bad})} of {n} source(s) fine):",
              file=sys.stderr)
        for r in bad:
            print(f"  {r.id}: {r.message}", file=sys.stderr)
        return 1
    print(f"all {n} source(s) {'verified' if args.check else 'in place'} in {data_dir}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
