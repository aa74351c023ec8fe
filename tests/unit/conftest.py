"""Shared fixtures of the unit tests."""

from __future__ import annotations

from pathlib import Path

import jsna.load
import pytest


@pytest.fixture
def fixture_files_trusted(monkeypatch):
    """For loader tests that read small hand-written fixture files through the real catalogue:
    skip the sha256 and ``expect:`` checks (the fixtures are not the catalogued files). Those
    checks have their own tests (test_loaders.py) on catalogues whose checksums match."""

    def verify(src, path: Path | None = None) -> str:
        path = Path(path) if path is not None else src.raw_path()
        if not path.exists():
            raise jsna.load._missing_file_error(src, path)
        return jsna.load.file_sha256(path)

    monkeypatch.setattr(jsna.load, "verify_input", verify)
    monkeypatch.setattr(jsna.load, "check_expect", lambda *a, **k: None)
