"""Statistical neighbours on made-up authorities whose distances are computed by hand below.

Fixture (tests/fixtures/neighbours/features.csv): over the reference authorities A-E, f1 has mean 50
and sd 10, f2 mean 100 and sd 4 (population sd, ddof=0), so the z-scores are
A (-1.5, 0.5), B (-0.5, -1.5), C (0, 1.5), D (0.5, 0), E (1.5, -0.5). Extremia (X) is excluded.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from jsna.neighbours import (
    NeighbourError,
    PeerRank,
    distance_matrix,
    district_features,
    lsoa_features,
    peer_rank,
    standardise,
    statistical_neighbours,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "neighbours" / "features.csv"
A, B, C, D, E, X = (f"E0690000{i}" for i in range(1, 7))
EQUAL = {"f1": 1.0, "f2": 1.0}


@pytest.fixture
def feats() -> pd.DataFrame:
    return pd.read_csv(FIXTURE, dtype={"utla23cd": str})


def test_z_scores_use_the_reference_set_only(feats):
    z = standardise(feats, ["f1", "f2"], exclude=[X])
    expected = {A: (-1.5, 0.5), B: (-0.5, -1.5), C: (0.0, 1.5), D: (0.5, 0.0), E: (1.5, -0.5)}
    for code, (z1, z2) in expected.items():
        assert z.loc[code, "f1"] == pytest.approx(z1) and z.loc[code, "f2"] == pytest.approx(z2)
    # X is scored with the reference mean and sd: (500 - 50) / 10 = 45, (0 - 100) / 4 = -25
    assert tuple(z.loc[X]) == pytest.approx((45.0, -25.0))


def test_nearest_neighbours_of_d_by_hand(feats):
    # from D (0.5, 0): E (1, 0.5) -> sqrt(1.25); C (0.5, 1.5) -> sqrt(2.5); B (1, 1.5) -> sqrt(3.25);
    # A (2, 0.5) -> sqrt(4.25)
    nb = statistical_neighbours(D, n=4, features=feats, weights=EQUAL, exclude=[X])
    assert list(nb.columns) == ["rank", "code", "name", "distance"]
    assert list(nb["code"]) == [E, C, B, A]
    assert list(nb["name"]) == ["Eston", "Ceford", "Beeton", "Aville"]
    assert list(nb["rank"]) == [1, 2, 3, 4]
    assert list(nb["distance"]) == pytest.approx([math.sqrt(1.25), math.sqrt(2.5), math.sqrt(3.25), math.sqrt(4.25)])


def test_nearest_neighbours_of_a_by_hand(feats):
    # from A (-1.5, 0.5): C (1.5, 1) -> sqrt(3.25); D (2, 0.5) -> sqrt(4.25); B (1, 2) -> sqrt(5); E (3, 1) -> sqrt(10)
    nb = statistical_neighbours(A, n=3, features=feats, weights=EQUAL, exclude=[X])
    assert list(nb["code"]) == [C, D, B]
    assert list(nb["distance"]) == pytest.approx([math.sqrt(3.25), math.sqrt(4.25), math.sqrt(5)])


def test_weights_change_the_order(feats):
    # w = (4, 1): d = sqrt(4 dz1^2 + dz2^2) from D: C sqrt(1 + 2.25), E sqrt(4 + 0.25), B sqrt(4 + 2.25),
    # A sqrt(16 + 0.25): C overtakes E
    nb = statistical_neighbours(D, n=4, features=feats, weights={"f1": 4, "f2": 1}, exclude=[X])
    assert list(nb["code"]) == [C, E, B, A]
    assert list(nb["distance"]) == pytest.approx([math.sqrt(3.25), math.sqrt(4.25), 2.5, math.sqrt(16.25)])


def test_ties_are_broken_by_code(feats):
    # f1 only, from D: C 0.5, B 1.0, E 1.0, A 2.0 (B and E tie: B's code comes first)
    nb = statistical_neighbours(D, n=4, features=feats, weights={"f1": 1, "f2": 0}, exclude=[X])
    assert list(nb["code"]) == [C, B, E, A]
    assert list(nb["distance"]) == pytest.approx([0.5, 1.0, 1.0, 2.0])


def test_excluded_authority_is_never_a_peer_but_has_peers(feats):
    for code in (A, B, C, D, E):
        assert X not in set(statistical_neighbours(code, n=4, features=feats, weights=EQUAL, exclude=[X])["code"])
    own = statistical_neighbours(X, n=2, features=feats, weights=EQUAL, exclude=[X])
    assert X not in set(own["code"]) and len(own) == 2


def test_distance_matrix_is_symmetric_with_zero_diagonal(feats):
    dm = distance_matrix(feats, EQUAL, exclude=[X])
    assert np.allclose(dm.to_numpy(), dm.to_numpy().T) and np.allclose(np.diag(dm), 0)
    assert dm.loc[A, E] == pytest.approx(math.sqrt(10))


def test_bad_requests_fail_clearly(feats):
    with pytest.raises(NeighbourError, match="not an upper-tier"):
        statistical_neighbours("E10000006", features=feats, weights=EQUAL, exclude=[X])
    with pytest.raises(NeighbourError, match="n must be between 1 and 4"):
        statistical_neighbours(D, n=5, features=feats, weights=EQUAL, exclude=[X])
    with pytest.raises(NeighbourError, match="non-zero weight"):
        statistical_neighbours(D, n=2, features=feats, weights={"f1": 0}, exclude=[X])
    with pytest.raises(NeighbourError, match="no feature column 'f3'"):
        statistical_neighbours(D, n=2, features=feats, weights={"f3": 1}, exclude=[X])
    with pytest.raises(NeighbourError, match="non-negative"):
        statistical_neighbours(D, n=2, features=feats, weights={"f1": -1}, exclude=[X])


def test_lsoa_features_by_hand():
    lsoas = pd.DataFrame({
        "utla23cd": ["U1", "U1", "U2", "U2", "U2"],
        "residents": [1000, 3000, 2000, 500, 1500],
        "imd_score": [40.0, 20.0, 10.0, 30.0, 5.0],
        "imd_decile": [1, 3, 2, 2, 10],
        "rural": [False, True, False, False, True],
    })
    out = lsoa_features(lsoas)
    # U1: (1000*40 + 3000*20) / 4000 = 25; 1 of 2 LSOAs in deciles 1-2; 3000 of 4000 residents rural
    assert out.loc["U1"].to_dict() == pytest.approx(
        {"n_lsoas": 2, "imd_avg_score": 25.0, "pct_lsoas_most_deprived_20": 50.0, "pct_rural": 75.0})
    # U2: (20000 + 15000 + 7500) / 4000 = 10.625; 2 of 3 in deciles 1-2; 1500 of 4000 rural
    assert out.loc["U2"].to_dict() == pytest.approx(
        {"n_lsoas": 3, "imd_avg_score": 10.625, "pct_lsoas_most_deprived_20": 200 / 3, "pct_rural": 37.5})


def test_district_features_by_hand():
    def ages(total: int, **counts: int) -> dict:
        row = {"total": total, **{f"age_{i}": 0 for i in range(100)}, "age_100_plus": 0}
        row.update(counts)
        return row

    age = pd.DataFrame([
        {"ltla21cd": "D1", **ages(100, age_5=30, age_40=50, age_70=20)},
        {"ltla21cd": "D2", **ages(100, age_15=10, age_16=60, age_65=30)},  # 15 is young, 16 is not; 65 is old
        {"ltla21cd": "D3", **ages(50, age_0=5, age_30=40, age_100_plus=5)},
        {"ltla21cd": "W1", **ages(70, age_30=70)},  # a Welsh district: not in the lookup, dropped
    ])
    wb = "White: English, Welsh, Scottish, Northern Irish or British"
    ethnic = pd.DataFrame({
        "ltla21cd": ["D1", "D1", "D2", "D2", "D3", "D3", "W1"],
        "ethnic_group": [wb, "Other", wb, "Other", wb, "Other", wb],
        "persons": [80, 20, 60, 40, 25, 25, 70],
    })
    lookup = pd.DataFrame({"lad22cd": ["D1", "D2", "D3"], "utla23cd": ["U1", "U1", "U2"]})  # D1 + D2 merged
    out = district_features(age, ethnic, lookup, pd.Series({"U1": 4.0, "U2": 0.5}))
    assert sorted(out.index) == ["U1", "U2"]
    # U1: 200 people, young 30 + 10, old 20 + 30, White British 140 -> 30% minority, 200 / 4 km2 = 50 per km2
    assert out.loc["U1", ["population", "pct_aged_0_15", "pct_aged_65_plus", "pct_ethnic_minority", "density"]
                   ].tolist() == pytest.approx([200, 20.0, 25.0, 30.0, 50.0])
    assert out.loc["U1", "log10_density"] == pytest.approx(math.log10(50))
    # U2: 50 people, young 5, old 5 (100+), White British 25 -> 50%, 50 / 0.5 = 100 per km2 -> log10 = 2
    assert out.loc["U2", ["population", "pct_aged_0_15", "pct_aged_65_plus", "pct_ethnic_minority",
                          "log10_density", "log10_population"]].tolist() == pytest.approx(
        [50, 10.0, 10.0, 50.0, 2.0, math.log10(50)])


def test_peer_rank():
    values = {"P": 10.0, "Q": 20.0, "R": 20.0, "S": float("nan"), "T": 5.0}
    # P among P, Q, R, T (S has no value): Q and R are higher -> 3rd of 4; lowest-first: only T is lower -> 2nd
    assert peer_rank(values, "P", ["Q", "R", "S", "T", "U"]) == PeerRank(3, 4, ("S", "U"))
    assert peer_rank(pd.Series(values), "P", ["Q", "R", "S", "T"], ascending=True) == PeerRank(2, 4, ("S",))
    assert peer_rank(values, "Q", ["P", "R"]) == PeerRank(1, 3, ())  # tie with R shares rank 1
    assert peer_rank(values, "S", ["P", "Q"]) == PeerRank(None, 2, ())
