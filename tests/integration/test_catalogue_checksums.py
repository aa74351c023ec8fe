"""Every catalogue entry's file matches its sha256, in the data mirror and in data/raw (a live
source: its mirror copy, if any, and in data/raw the copy data/raw/MANIFEST records)."""

from __future__ import annotations

import pytest
from jsna import paths
from jsna.catalogue import load_catalogue
from jsna.load import file_sha256
from jsna.manifest import accepted_sha256

pytestmark = pytest.mark.integration

CATALOGUE = load_catalogue(paths.CATALOGUE_DIR)


@pytest.mark.parametrize("sid", sorted(CATALOGUE))
def test_mirror_file_matches_catalogue(sid):
    mirror = paths.default_mirror()
    if mirror is None:
        pytest.skip("no data mirror (set JSNA_DATA_MIRROR or put shared/data beside the repo)")
    src = CATALOGUE[sid]
    if src.live and not src.sha256:
        pytest.skip(f"{sid}: a refresh-only live source (the mirror holds no copy)")
    path = mirror / src.mirror_path
    assert path.is_file(), f"{sid}: {path} missing from the mirror"
    assert file_sha256(path) == src.sha256, f"{sid}: {path} differs from the catalogue sha256"


@pytest.mark.parametrize("sid", sorted(CATALOGUE))
def test_raw_file_matches_catalogue(sid):
    src = CATALOGUE[sid]
    path = src.raw_path(paths.raw_dir())
    if src.live and not src.sha256 and not path.exists():
        pytest.skip(f"{sid}: a refresh-only live source not held (make data REFRESH=1)")
    assert path.is_file(), f"{sid}: {path} missing: run `make data`"
    if src.live:
        assert file_sha256(path) in accepted_sha256(src, paths.raw_dir()), (
            f"{sid}: {path} is not the copy data/raw/MANIFEST records: run `make data REFRESH=1`")
        return
    assert file_sha256(path) == src.sha256, f"{sid}: {path} differs from the catalogue: run `make data`"
