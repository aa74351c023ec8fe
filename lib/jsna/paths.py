"""Where things live: one source of truth for the project's directories.

Every path can be overridden by an environment variable so that tests and other
local authorities can point the series at their own copies.
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    env = os.environ.get("JSNA_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "params").is_dir():
            return parent
    return Path.cwd()


ROOT: Path = _find_root()
PARAMS_DIR: Path = ROOT / "params"  # another directory travels as the params_dir argument
NOTEBOOKS_DIR: Path = ROOT / "notebooks"
CATALOGUE_DIR: Path = ROOT / "data" / "catalogue"
REPORTS_DIR: Path = Path(os.environ.get("JSNA_REPORTS_DIR", ROOT / "reports"))
BUILD_DIR: Path = ROOT / "build"  # machine output that is never published: test builds, screenshots, bench


def raw_dir() -> Path:
    """Directory holding the raw inputs filled by `make data` (env JSNA_DATA_DIR)."""
    return Path(os.environ.get("JSNA_DATA_DIR", ROOT / "data" / "raw"))


def processed_dir() -> Path:
    """Directory for derived, disposable files such as the parquet cache (env JSNA_PROCESSED_DIR)."""
    return Path(os.environ.get("JSNA_PROCESSED_DIR", ROOT / "data" / "processed"))


def default_mirror() -> Path | None:
    """The local data mirror: env JSNA_DATA_MIRROR, else ../shared/data beside the repo if present."""
    env = os.environ.get("JSNA_DATA_MIRROR")
    if env:
        return Path(env)
    candidate = ROOT.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None
