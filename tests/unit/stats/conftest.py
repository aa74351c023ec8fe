"""Fixtures for the jsna.stats tests: the PHEindicatormethods reference data (read in place)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from jsna.paths import ROOT


def reference_dir() -> Path:
    """The PHEindicatormethods reference data folder (env JSNA_REFERENCE_DIR overrides)."""
    env = os.environ.get("JSNA_REFERENCE_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "reference" / "pheindicatormethods"


@pytest.fixture(scope="session")
def ref():
    """Callable reading one reference CSV: ref('testdata_Rate__testdata_Rate')."""
    base = reference_dir()
    if not (base / "csv").is_dir():
        pytest.skip(f"PHEindicatormethods reference data not found at {base} (set JSNA_REFERENCE_DIR)")

    def read(name: str, folder: str = "csv") -> pd.DataFrame:
        return pd.read_csv(base / folder / f"{name}.csv", keep_default_na=False, na_values=[""])

    return read


RTOL = 1.5e-8  # testthat's default tolerance, used by the R package's own tests


def _assert_close(actual, expected, rtol: float = RTOL) -> None:
    """Relative closeness with NaN == NaN (as testthat's expect_equal)."""
    a = np.asarray(actual, dtype=float)
    e = np.asarray(expected, dtype=float)
    assert a.shape == e.shape, (a.shape, e.shape)
    np.testing.assert_allclose(a, e, rtol=rtol, atol=0, equal_nan=True)


@pytest.fixture(scope="session")
def close():
    """assert_close(actual, expected, rtol=1.5e-8) with NaN == NaN."""
    return _assert_close
