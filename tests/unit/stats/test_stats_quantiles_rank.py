"""quantiles() ranks by sorting (jsna.stats.quantiles._min_rank), not by pandas' grouped rank:
the two must agree exactly, ties, missing values, signed zeros and many groups included."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from jsna import stats

_min_rank = sys.modules["jsna.stats.quantiles"]._min_rank


def _frame(rng: np.random.Generator, n: int, ngroups: int, kind: str) -> pd.DataFrame:
    if kind == "ties":
        v = rng.choice([1.5, 2.5, 2.5, 7.0, 0.0, -0.0], n)
    elif kind == "integers":
        v = rng.integers(0, 30, n).astype(float)
    else:
        v = rng.normal(0, 1, n)
    v[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame({"g": rng.integers(0, ngroups, n), "v": v})


@pytest.mark.parametrize("kind", ["ties", "integers", "continuous"])
@pytest.mark.parametrize("ngroups", [1, 3, 40])
def test_min_rank_matches_pandas_grouped_rank(kind, ngroups):
    rng = np.random.default_rng(ngroups)
    df = _frame(rng, 2000, ngroups, kind)
    codes, _ = pd.factorize(df["g"])
    key = df["v"].to_numpy()
    expected = df["v"].groupby(codes).rank(method="min").to_numpy()
    ok = ~np.isnan(key)
    got = _min_rank(key, codes.astype(np.int64), int(codes.max()) + 1)
    np.testing.assert_array_equal(got[ok], expected[ok])


@pytest.mark.parametrize("invert", [True, False])
def test_quantiles_follow_the_phe_rule_on_pandas_ranks(invert):
    rng = np.random.default_rng(5)
    df = _frame(rng, 3000, 25, "integers")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.StatsWarning)
        out = stats.quantiles(df, "v", 7, group_cols="g", invert=invert)
    r = (-df["v"] if invert else df["v"]).groupby(df["g"]).rank(method="min")
    n = df["v"].notna().groupby(df["g"]).transform("sum")
    q = np.floor(8 - np.ceil(((n + 1) - r) / (n / 7))).replace(0, 1)
    q[n < 7] = np.nan
    assert out["quantile"].astype("Float64").equals(pd.Series(q, dtype="Float64"))
