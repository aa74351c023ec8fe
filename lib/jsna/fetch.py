"""`make data` (`python -m jsna data`): fill data/raw from the catalogue, verified by sha256.

For every catalogue entry: keep data/raw/<path> if its sha256 matches (and it is not a hard link
to the mirror's file); else copy it from the local mirror (env JSNA_DATA_MIRROR, default ../shared/data) and verify; else
download the entry's URL (verified TLS, timeouts, retries with exponential backoff, written to a
temporary file and renamed only after the checksum matched). A MANIFEST (TSV) in data/raw
records how each file was obtained. Then the parquet cache is built in data/processed for the
entries marked ``parquet: true``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import hashlib
import importlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jsna import paths
from jsna.catalogue import CatalogueError, Source, get_source, load_catalogue
from jsna.load import file_sha256

__all__ = ["FetchError", "NetworkError", "ChecksumError", "Result", "fetch_source", "download", "check_source",
           "write_manifest", "read_manifest", "main", "MANIFEST_NAME"]

MANIFEST_NAME = "MANIFEST"
MANIFEST_FIELDS = ("id", "path", "sha256", "method", "obtained_from", "date")
USER_AGENT = "jsna-data-fetch/0.1 (+https://www.gnu.org/licenses/gpl-3.0.html)"


class FetchError(RuntimeError):
    """A source could not be provided; the message says which and how to fix it."""


class NetworkError(FetchError):
    """Every download attempt failed at the network level (no connection, timeout, dropped, 5xx)."""


class ChecksumError(FetchError):
    """A file's sha256 differs from the catalogue."""


@dataclass
class Result:
    """What happened to one source."""

    id: str
    path: str
    status: str  # present | mirror-copy | download | ok | missing | mismatch | error
    sha256: str = ""
    obtained_from: str = ""
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("present", "mirror-copy", "download", "ok")


def _mismatch(src: Source, where: str, actual: str) -> ChecksumError:
    return ChecksumError(
        f"source {src.id!r}: checksum mismatch for {where}: expected sha256 {src.sha256}, got {actual}. "
        "The file is a different release or was corrupted; the catalogued file is the one in the data "
        "mirror (see the entry's notes), or update sha256 in data/catalogue/*.yaml after checking "
        "the new release."
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
    origin = mirror / src.path
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
    if mirror is None or not (mirror / src.path).is_file():
        return False
    try:
        return os.path.samefile(dest, mirror / src.path)
    except OSError:
        return False


def download(url: str, dest: Path, sha256: str, *, source_id: str = "?", retries: int = 4,
             backoff: float = 1.0, timeout: tuple[float, float] = (10.0, 60.0),
             sleep: Callable[[float], None] = time.sleep) -> None:
    """Download url to dest, verifying sha256; retry network errors and 5xx with exponential backoff.

    TLS certificates are verified. The body streams into a temp file beside dest that is renamed
    only after the checksum matched, so dest is never half-written. HTTP 4xx fails at once.
    """
    import requests

    last: Exception | None = None
    for attempt in range(1, retries + 1):
        tmp = _tmp_beside(dest)
        try:
            with requests.get(url, stream=True, timeout=timeout, verify=True,
                              headers={"User-Agent": USER_AGENT}) as resp:
                if 400 <= resp.status_code < 500:
                    raise FetchError(f"source {source_id!r}: HTTP {resp.status_code} from {url}")
                resp.raise_for_status()
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
            if actual != sha256:
                raise ChecksumError(
                    f"source {source_id!r}: checksum mismatch for download {url}: expected sha256 "
                    f"{sha256}, got {actual}. The URL may serve a newer release, a landing page or the "
                    "original of a file the mirror holds re-packaged (see the entry's notes): use the "
                    "data mirror, or update the catalogue after checking the new release.")
            os.replace(tmp, dest)
            return
        except FetchError:
            raise
        except (requests.ConnectionError, requests.Timeout, requests.HTTPError,
                requests.exceptions.ChunkedEncodingError) as exc:
            last = exc
            if attempt < retries:
                sleep(backoff * 2 ** (attempt - 1))
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    raise NetworkError(f"source {source_id!r}: download of {url} failed after {retries} attempt(s): {last}")


def fetch_source(src: Source, data_dir: Path, mirror: Path | None, force: bool = False,
                 offline: bool = False, **download_kw) -> Result:
    """Provide one source in data_dir (see module docstring). Raises FetchError if impossible."""
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


def check_source(src: Source, data_dir: Path) -> Result:
    """Verify data_dir/<path> against the catalogue without changing anything."""
    dest = src.raw_path(data_dir)
    if not dest.exists():
        return Result(src.id, src.path, "missing", message=f"{dest} is missing: run `make data`")
    if not dest.is_file():
        return Result(src.id, src.path, "error", message=str(_not_a_file(src, dest)))
    actual = file_sha256(dest)
    if actual != src.sha256:
        return Result(src.id, src.path, "mismatch", actual, message=str(_mismatch(src, str(dest), actual)))
    return Result(src.id, src.path, "ok", actual, str(dest))


def read_manifest(data_dir: Path) -> dict[str, dict[str, str]]:
    """The MANIFEST rows keyed by source id ({} if there is none)."""
    path = data_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh, delimiter="\t")}


def write_manifest(data_dir: Path, results: list[Result]) -> Path:
    """Merge results into data_dir/MANIFEST (TSV: id, path, sha256, method, obtained_from, date)."""
    rows = read_manifest(data_dir)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for r in results:
        if not r.ok:
            continue
        old = rows.get(r.id)
        if r.status == "present" and old and old.get("sha256") == r.sha256:
            continue  # keep the record of how and when it was first obtained
        rows[r.id] = {"id": r.id, "path": r.path, "sha256": r.sha256, "method": r.status,
                      "obtained_from": r.obtained_from, "date": now}
    out = data_dir / MANIFEST_NAME
    tmp = _tmp_beside(out)
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=MANIFEST_FIELDS, delimiter="\t", lineterminator="\n")
        w.writeheader()
        for key in sorted(rows):
            w.writerow({k: rows[key].get(k, "") for k in MANIFEST_FIELDS})
    os.replace(tmp, out)
    return out


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
                                            "and verify every file's sha256 against the catalogue.")
    p.add_argument("--source", action="append", default=[], metavar="ID",
                   help="only this source (repeatable); default every catalogue entry")
    p.add_argument("--check", action="store_true", help="verify data/raw only; change nothing")
    p.add_argument("--mirror", type=Path, default=None,
                   help="data mirror directory (default env JSNA_DATA_MIRROR, else ../shared/data)")
    p.add_argument("--force", action="store_true", help="re-fetch even files whose checksum matches")
    p.add_argument("--offline", action="store_true", help="never download; mirror only")
    p.add_argument("--no-parquet", action="store_true", help="skip building the parquet cache")
    p.add_argument("--data-dir", type=Path, default=None, help="target directory (default data/raw)")
    p.add_argument("--catalogue", type=Path, default=None, help="catalogue directory (default data/catalogue)")
    p.add_argument("--retries", type=int, default=4, help="download attempts per file (default 4)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m jsna data`. Returns 0 if every requested source is in place."""
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
    for i, src in enumerate(sources, 1):
        try:
            if args.check:
                res = check_source(src, data_dir)
            else:
                res = fetch_source(src, data_dir, mirror, force=args.force, offline=args.offline,
                                   retries=retries)
        except FetchError as exc:
            res = Result(src.id, src.path, "error", message=str(exc))
            if isinstance(exc.__cause__, NetworkError) and retries > 1:
                retries = 1  # the network looks down: fail fast for the remaining sources
                print("note: downloads are failing at the network level; one attempt per "
                      "remaining source", file=sys.stderr)
        except OSError as exc:  # unreadable file, permissions, disk full: report it, carry on
            res = Result(src.id, src.path, "error",
                         message=f"{src.raw_path(data_dir)}: {type(exc).__name__}: {exc}. Fix the "
                                 "file or its directory and run `make data` again.")
        results.append(res)
        print(f"[{i}/{n}] {src.id}: {res.status}" + ("" if res.ok else f" - {res.message}"), flush=True)
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
