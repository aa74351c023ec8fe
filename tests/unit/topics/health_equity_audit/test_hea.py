"""Health Equity Audit: input validation, uptake/Wilson/SII through jsna.stats, narrative.

Expected numbers are hand calculations shown beside each test (fixture: tests/fixtures/hea/).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from jsna.topics.health_equity_audit import compute as hea
from jsna.topics.health_equity_audit import service_file as sf
from jsna.topics.health_equity_audit import tables
from jsna.topics.health_equity_audit import text as nar

FIX = Path(__file__).resolve().parents[3] / "fixtures" / "hea"
FIX_LSOAS = {f"E01{i:06d}" for i in range(1, 11)}
BAD_LSOAS = {"E01013649", "E01013650", "E01013651", "E01013652", "E01013653"}

# bad_rows.csv: (line, column, words expected in the problem)
BAD_ROWS_EXPECTED = [
    (4, "served", "more than eligible"),
    (5, "eligible", "negative count"),
    (6, "lsoa11cd", "unknown LSOA"),
    (7, "ethnicity", "unknown ethnic group"),
    (9, "practice_code, lsoa11cd, ethnicity, age_band", "duplicate of line 8"),
    (10, "lsoa11cd", "not an English LSOA"),
    (11, "age_band", "not an age band"),
    (11, "served", "not a whole number"),
    (12, "eligible", "missing count"),
]


def z(c: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + c / 2))


def wilson(x: int, n: int, c: float = 0.95) -> tuple[float, float]:
    """Wilson score interval written out from the formula (Newcombe 1998, method 3)."""
    p, zz = x / n, z(c)
    centre = (p + zz**2 / (2 * n)) / (1 + zz**2 / n)
    half = zz * math.sqrt(p * (1 - p) / n + zz**2 / (4 * n**2)) / (1 + zz**2 / n)
    return 100 * (centre - half), 100 * (centre + half)


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows).astype(str)


@pytest.fixture
def good() -> sf.HEAData:
    return sf.read_hea(FIX / "good_lsoa.csv", lsoa_codes=FIX_LSOAS)


@pytest.fixture
def dep() -> pd.DataFrame:
    imd = pd.read_csv(FIX / "imd_fixture.csv")
    return hea.area_deprivation(imd, FIX_LSOAS, "lsoa")


# ------------------------------------------------------------------------ validation
def test_bad_rows_each_reported_with_line_and_reason():
    data, errors = sf.check_hea(FIX / "bad_rows.csv", lsoa_codes=BAD_LSOAS)
    assert data is None
    got = list(zip(errors["line"], errors["column"], errors["problem"], strict=True))
    assert len(got) == len(BAD_ROWS_EXPECTED)
    for (line, col, words), (gl, gc, gp) in zip(BAD_ROWS_EXPECTED, got, strict=True):
        assert (gl, gc) == (line, col)
        assert words in gp


def test_read_hea_raises_with_table_and_message():
    with pytest.raises(sf.HEAValidationError) as exc:
        sf.read_hea(FIX / "bad_rows.csv", lsoa_codes=BAD_LSOAS)
    assert len(exc.value.errors) == len(BAD_ROWS_EXPECTED)
    msg = str(exc.value)
    assert "9 problems" in msg and "line 4, column 'served'" in msg


def test_valid_file_reads(good):
    d = good.data
    assert good.geography == "lsoa" and good.has_practice and good.has_ethnicity and good.has_age
    assert len(d) == 10 and int(d["eligible"].sum()) == 500 and int(d["served"].sum()) == 200
    # header names are case-insensitive; short forms and blanks are normalised
    assert set(d["ethnicity"]) == {"White", "Asian or Asian British", "Unknown", "Not stated",
                                   "Black, Black British, Caribbean or African"}
    assert "40-64" in set(d["age_band"])  # "40 to 64" normalised
    assert d["line"].iloc[0] == 4  # 2 comment lines + header


@pytest.mark.parametrize("rows, column, words", [
    ([{"lsoa11cd": "E01000001", "eligible": "3"}], "served", "required column missing"),
    ([{"ethnicity": "White", "eligible": "3", "served": "1"}], "", "no breakdown column"),
    ([{"lsoa11cd": "E01000001", "msoa11cd": "E02000001", "eligible": "3", "served": "1"}],
     "lsoa11cd, msoa11cd", "one residence column"),
    ([{"practice_code": "P1", "eligible": "3", "served": "1"}], "practice_code",
     "not a practice code"),
    ([{"msoa11cd": "E02999999", "eligible": "3", "served": "1"}], "msoa11cd", "unknown MSOA"),
    ([{"lsoa11cd": "E01000001", "eligible": "ten", "served": "1"}], "eligible", "not a number"),
    ([{"lsoa11cd": "E01000001", "eligible": "3", "served": "-1"}], "served", "negative count"),
    ([{"lsoa11cd": "E01000001", "age_band": "65-18", "eligible": "3", "served": "1"}],
     "age_band", "not an age band"),
])
def test_each_bad_input_is_named(rows, column, words):
    data, errors = sf.check_hea(frame(rows), lsoa_codes=FIX_LSOAS, msoa_codes={"E02000001"})
    assert data is None
    assert (errors["column"] == column).any(), errors
    assert errors.loc[errors["column"] == column, "problem"].str.contains(words).any()


def test_missing_file_and_empty_file(tmp_path):
    data, errors = sf.check_hea(tmp_path / "nope.csv")
    assert data is None and "file not found" in errors["problem"].iloc[0]
    assert "input_csv" in errors["problem"].iloc[0]
    with pytest.raises(sf.HEAValidationError, match="file not found"):
        sf.read_hea(tmp_path / "nope.csv")
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("lsoa11cd,eligible,served,ethnicity\nE01000001,3,1,Caf\xe9\n".encode("latin-1"))
    data, errors = sf.check_hea(latin)
    assert data is None and "not UTF-8" in errors["problem"].iloc[0]
    p = tmp_path / "empty.csv"
    p.write_text("lsoa11cd,eligible,served\n\n")
    data, errors = sf.check_hea(p)
    assert data is None and "no data rows" in errors["problem"].iloc[0]


def test_extra_columns_warned_not_fatal():
    df = frame([{"practice_code": "C82001", "eligible": "3", "served": "1", "notes": "x"}])
    data = sf.read_hea(df)
    assert data.geography is None and "notes" in data.warnings[0]


def test_codes_checked_for_format_only_without_lookup():
    data = sf.read_hea(frame([{"lsoa11cd": "E01999999", "eligible": "3", "served": "1"}]))
    assert data.data["lsoa11cd"].iloc[0] == "E01999999"


def test_filter_to_place(good):
    kept, dropped = sf.filter_to_place(good, {"E01000001", "E01000002"})
    assert len(kept.data) == 2 and dropped == {"rows": 8, "eligible": 400, "served": 180}


# ------------------------------------------------------------------------ analysis
def test_area_deprivation_quintiles(dep):
    # national quintile = ceil(decile / 2): deciles 1-2 -> 1 ... 9-10 -> 5
    assert dep.set_index("area_code")["national_quintile"].to_dict() == {
        f"E01{i:06d}": (i + 1) // 2 for i in range(1, 11)}
    # equal populations: local population-weighted quintiles put 2 LSOAs in each, by score
    assert list(dep.sort_values("imd_score", ascending=False)["local_quintile"]) == \
        [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_uptake_by_quintile_wilson(good, dep):
    df = hea.attach_deprivation(good, dep)
    q = hea.uptake_by_quintile(df)
    # fixture: Q1 20/100, Q2 30/100, Q3 40/100, Q4 50/100, Q5 60/100
    assert list(q["served"]) == [20, 30, 40, 50, 60]
    assert list(q["eligible"]) == [100] * 5
    assert q["value"].tolist() == pytest.approx([20, 30, 40, 50, 60])
    lo, hi = wilson(20, 100)  # = 13.34%, 28.88% (the familiar Wilson interval for 20/100)
    assert q.loc[0, "lowercl"] == pytest.approx(lo, abs=1e-6)
    assert q.loc[0, "uppercl"] == pytest.approx(hi, abs=1e-6)
    assert lo == pytest.approx(13.3367, abs=1e-3) and hi == pytest.approx(28.8829, abs=1e-3)


def test_empty_quintile_shown_as_not_available(good, dep):
    df = hea.attach_deprivation(good, dep)
    q = hea.uptake_by_quintile(df[df["national_quintile"] != 3])
    row = q[q["quintile"] == 3].iloc[0]
    assert row["eligible"] == 0 and pd.isna(row["value"]) and "nobody" in row["note"]
    s = hea.uptake_sii(q)
    assert math.isnan(s["sii"]) and "1 of the 5 quintiles" in s["note"]


def test_sii_needs_ten_people_served_in_every_quintile(good, dep):
    """The series' reliability rule (jsna.reliability.MIN_EVENTS_PER_GROUP = 10): a quintile with 8
    people served (of 100 eligible) gives no slope, and the note says so without revealing a
    suppressed count (3 served reads 'fewer than 5')."""
    q = hea.uptake_by_quintile(hea.attach_deprivation(good, dep))
    q.loc[q["quintile"] == 2, "served"] = 8
    s = hea.uptake_sii(q)
    assert math.isnan(s["sii"]) and "not given" in s["note"] and "8 in quintile 2" in s["note"]
    assert "at least 10 in every quintile" in s["note"]
    q.loc[q["quintile"] == 2, "served"] = 3
    assert "fewer than 5 in quintile 2" in hea.uptake_sii(q)["note"]


def test_sii_linear_gradient(good, dep):
    """Uptake 20, 30, 40, 50, 60% in five equal quintiles: a straight line through the
    cumulative-rank mid-points 0.1 ... 0.9 with slope 10 / 0.2 = 50 points, so SII = 50 and
    RII = value at rank 1 / value at rank 0 = (20 + 0.9 * 50) / (20 - 0.1 * 50) = 65 / 15."""
    pytest.importorskip("jsna.stats.sii")
    q = hea.uptake_by_quintile(hea.attach_deprivation(good, dep))
    try:
        s = hea.uptake_sii(q, seed=1, repetitions=2000)
    except NotImplementedError:
        pytest.skip("jsna.stats.sii not implemented yet (issue 8)")
    assert s["sii"] == pytest.approx(50, abs=1e-6)
    assert s["rii"] == pytest.approx(65 / 15, rel=1e-6)
    assert s["sii_lowercl"] > 0 and s["significant"]


def test_uptake_by_ethnicity_and_completeness(good):
    e = hea.uptake_by_ethnicity(good.data).set_index("ethnicity")
    # White 6+15+24+50+30 = 125 of 30+50+60+100+50 = 290; Asian 14/70; Black nobody eligible
    assert (e.loc["White", "served"], e.loc["White", "eligible"]) == (125, 290)
    assert e.loc["Asian or Asian British", "value"] == pytest.approx(20.0)
    assert pd.isna(e.loc["Black, Black British, Caribbean or African", "value"])
    assert not e.loc["Unknown", "recorded"] and e.loc["White", "recorded"]
    c = hea.ethnicity_completeness(good.data).iloc[0]
    # not recorded: Unknown 50 + blank 50 + Not stated 40 = 140 of 500 = 28%
    assert (c["not_recorded"], c["eligible"]) == (140, 500)
    assert c["value"] == pytest.approx(28.0)
    assert (c["lowercl"], c["uppercl"]) == pytest.approx(wilson(140, 500), abs=1e-6)
    byp = hea.ethnicity_completeness(good.data, by="practice_code").set_index("practice_code")
    assert byp.loc["P00001", "value"] == pytest.approx(25.0)  # 50 of 200
    assert byp.loc["P00002", "value"] == pytest.approx(100 * 90 / 300)


def test_uptake_by_practice_funnel(good):
    try:
        points, limits = hea.uptake_by_practice(good.data, overdispersion=None)
    except NotImplementedError:
        pytest.skip("jsna.stats.funnel_* not implemented yet (issue 8)")
    p = points.set_index("practice_code")
    # A 50/200 = 25%, B 150/300 = 50%, overall 200/500 = 40%. 99.8% limits are
    # 40 -/+ 100 * 3.0902 * sqrt(0.4 * 0.6 / n): n=200 -> 29.3 to 50.7; n=300 -> 31.3 to 48.7.
    assert p.loc["P00001", "value"] == pytest.approx(25.0)
    assert p.loc["P00001", "significance"] == "Low (0.001)"
    assert p.loc["P00002", "significance"] == "High (0.001)"
    assert p.loc["P00001", "label"] == "Practice A"
    assert not limits.empty


def test_practice_funnel_uses_overdispersion_when_the_test_says_so(good):
    from jsna import stats

    test = hea.practice_overdispersion(good.data)
    # A 50/200, B 150/300: the units vary far more than chance -> additive adjustment, stated
    assert bool(test["overdispersed"]) and test["recommended"] == "additive"
    assert "widened" in test["note"]
    auto, lim_auto = hea.uptake_by_practice(good.data)
    std, lim_std = hea.uptake_by_practice(good.data, overdispersion=None)
    direct = stats.funnel_significance(pd.DataFrame({"served": [50.0, 150.0], "eligible": [200.0, 300.0]}),
                                       "served", "proportion", denom_col="eligible", overdispersion="additive")
    assert list(auto.sort_values("practice_code")["significance"]) == list(direct["significance"])
    assert list(std.sort_values("practice_code")["significance"]) == ["Low (0.001)", "High (0.001)"]
    assert "overdispersion" in lim_auto.columns and "overdispersion" not in lim_std.columns


# ------------------------------------------------------------------------ narrative
def qtable(values, lows, highs, eligible=None):
    n = len(values)
    return pd.DataFrame({"quintile": range(1, n + 1), "value": values, "lowercl": lows,
                         "uppercl": highs, "served": [10] * n,
                         "eligible": eligible or [100] * n})


def test_quintile_wording_follows_intervals():
    lower = qtable([20, 30, 40, 50, 60], [13, 22, 31, 40, 50], [29, 40, 50, 60, 69])
    s = nar.quintile_sentences(lower)[0]
    assert "20.0%" in s and "60.0%" in s and "40.0 percentage points lower" in s
    assert "significant" in s
    assert nar.quintile_title(lower).startswith("Uptake is lower in the most deprived")
    overlap = qtable([45, 50, 50, 50, 55], [35, 40, 40, 40, 45], [55, 60, 60, 60, 65])
    assert "no clear difference" in nar.quintile_sentences(overlap)[0]
    assert nar.quintile_title(overlap).startswith("No clear difference")
    higher = qtable([70, 50, 50, 50, 40], [65, 40, 40, 40, 35], [75, 60, 60, 60, 45])
    assert "higher" in nar.quintile_sentences(higher)[0]


def test_quintile_sentence_names_empty_quintiles():
    t = qtable([None, None, 40, 50, 60], [None, None, 31, 40, 50], [None, None, 50, 60, 69],
               eligible=[0, 0, 100, 100, 100])
    out = nar.quintile_sentences(t, place_name="Rutland")
    assert "quintile 3" in out[0] and "least deprived" in out[0]
    assert "2 quintiles (1 and 2)" in out[1] and "Rutland" in out[1]


def test_sii_sentence():
    s = nar.sii_sentence({"sii": 12.34, "sii_lowercl": 5.0, "sii_uppercl": 19.6, "rii": 1.3,
                          "significant": True})
    assert "12.3 percentage points" in s and "higher" in s and "1.30" in s
    s = nar.sii_sentence({"sii": 2.0, "sii_lowercl": -3.0, "sii_uppercl": 7.0, "significant": False})
    assert "includes zero" in s
    assert nar.sii_sentence({"sii": float("nan"), "note": "why"}) == "why"


def test_ethnicity_and_completeness_sentences():
    t = pd.DataFrame({"ethnicity": ["Asian or Asian British", "White", "Unknown"],
                      "value": [30.0, 55.0, 20.0], "lowercl": [25.0, 52.0, 15.0],
                      "uppercl": [35.0, 58.0, 26.0], "served": [60, 550, 20],
                      "eligible": [200, 1000, 100], "recorded": [True, True, False]})
    out = nar.ethnicity_sentences(t, overall=50.0)
    assert "30.0% (Asian or Asian British) to 55.0% (White)" in out[0]
    assert "below the overall figure for: Asian or Asian British" in out[1]
    assert "above the overall figure for: White" in out[2]
    assert "20.0% (20 of 100)" in out[3]
    comp = pd.Series({"not_recorded": 140, "eligible": 500, "value": 28.0, "lowercl": 24.2,
                      "uppercl": 32.1})
    s = nar.completeness_sentences(comp)
    assert "140 of 500" in s[0] and "28.0%" in s[0] and "above the 10%" in s[1]


def test_recommended_actions_from_results():
    q = qtable([20, 30, 40, 50, 60], [13, 22, 31, 40, 50], [29, 40, 50, 60, 69])
    eth = pd.DataFrame({"ethnicity": ["Black, Black British, Caribbean or African", "White"],
                        "value": [25.0, 45.0], "lowercl": [18.0, 42.0], "uppercl": [33.0, 48.0],
                        "recorded": [True, True]})
    comp = pd.Series({"value": 28.0})
    prac = pd.DataFrame({"label": ["Practice A", "Practice B"], "value": [25.0, 50.0],
                         "significance": ["Low (0.001)", "High (0.001)"]})
    from jsna.places import load_place

    acts = nar.recommended_actions(q, None, eth, 40.0, comp, prac, service="CGM",
                                   framework=load_place("leicester").framework)
    assert acts[0].startswith("Uptake in the most deprived fifth of England is 20.0% vs 60.0%")
    assert "target outreach for CGM" in acts[0]
    assert "Black, Black British, Caribbean or African (25.0%)" in acts[1]
    assert "28.0%" in acts[2] and "action 6 of Better health for all" in acts[2]
    neutral = nar.recommended_actions(q, None, eth, 40.0, comp, prac, service="CGM")  # a Place without one
    assert "improve recording so that" in neutral[2] and "action" not in neutral[2]
    assert "Practice A (25.0%)" in acts[3]
    flat = qtable([45, 50, 50, 50, 55], [35, 40, 40, 40, 45], [55, 60, 60, 60, 65])
    acts = nar.recommended_actions(flat, None, None, 50.0, pd.Series({"value": 5.0}), None)
    assert acts == ["No clear gap by deprivation: keep monitoring uptake by quintile each quarter."]


def test_practice_title_and_sentences():
    pts = pd.DataFrame({"label": ["A", "B", "C", "D"], "value": [10.0, 20.0, 50.0, 90.0],
                        "significance": ["Low (0.001)", "Low (0.025)", "Not significant",
                                         "High (0.001)"]})
    assert nar.practice_title(pts) == "1 practice has uptake below the 99.8% limit"
    assert nar.practice_title(pts.iloc[1:]) == ("No practice is below the 99.8% limit; 1 is "
                                                "below the 95% limit")
    assert nar.practice_title(pts.iloc[2:]) == "No practice has uptake below the funnel limits"
    s = nar.practice_sentences(pts, 50.0)
    assert s[0] == ("Of 4 practices, 2 have uptake below the funnel limits around the overall "
                    "50.0% and 1 above them.")
    assert "A (10.0%)" in s[1] and "B (20.0%)" in s[2]


def test_completeness_names_worst_practices_and_single_group_wording():
    comp = pd.Series({"not_recorded": 50, "eligible": 500, "value": 10.0, "lowercl": 7.7,
                      "uppercl": 12.9})
    byp = pd.DataFrame({"label": ["A", "B", "C"], "value": [30.0, 8.0, 25.0],
                        "lowercl": [20.0, 5.0, 12.0], "uppercl": [42.0, 12.0, 40.0]})
    s = nar.completeness_sentences(comp, byp)
    assert "within the 10%" in s[1]
    # A's (20-42) and C's (12-40) intervals lie wholly above the overall 10%; B's does not
    assert s[2] == ("2 practices record ethnicity significantly less often than the rest, the "
                    "worst being: A (30.0%) and C (25.0%).")
    one = pd.DataFrame({"ethnicity": ["White"], "value": [58.1], "lowercl": [50.2],
                        "uppercl": [65.5], "served": [90], "eligible": [155], "recorded": [True]})
    assert nar.ethnicity_sentences(one, 56.3)[0].startswith("Only one recorded ethnic group")


# ------------------------------------------------------------------------ charts and display
def test_quintile_chart_text_matches_table(good, dep):
    import matplotlib.pyplot as plt
    from jsna.palette import QUINTILE_COLOURS
    from jsna.topics.health_equity_audit import charts

    q = hea.suppress_small(hea.uptake_by_quintile(hea.attach_deprivation(good, dep)))
    fig, alt, desc = charts.quintile_chart(q, "Title", overall=40.0)
    assert "Values range from 20.0% to 60.0%" in alt
    assert "Quintile 1 (most deprived): 20.0% (95% confidence interval 13.3% to 28.9%), 20 of " \
           "100 people." in desc
    assert "Overall uptake is 40.0%" in desc
    # most deprived quintile drawn in the darkest palette colour
    dots = [ln for ln in fig.axes[0].lines if ln.get_marker() == "o"]
    assert dots[0].get_color().lower() == QUINTILE_COLOURS[0].lower()
    plt.close(fig)


def test_small_groups_suppressed_and_empty_groups_named():
    t = pd.DataFrame({"g": ["a", "b", "c"], "served": [0, 3, 10], "eligible": [0, 10, 20],
                      "value": [None, 30.0, 50.0], "lowercl": [None, 10.8, 29.9],
                      "uppercl": [None, 60.3, 70.1]})
    s = hea.suppress_small(t)
    assert list(s["suppressed"]) == [False, True, False]
    shown = tables.display_table(s, "g", "Group")
    assert list(shown.iloc[0]) == ["a", 0, 0, "nobody eligible", ""]
    assert list(shown.iloc[1]) == ["b"] + ["suppressed"] * 4
    assert list(shown.iloc[2]) == ["c", 10, 20, 50.0, "29.9 to 70.1"]


def test_error_table_for_readers():
    _, errors = sf.check_hea(FIX / "bad_rows.csv", lsoa_codes=BAD_LSOAS)
    t = tables.error_table(errors)
    assert list(t.columns) == ["Line", "Column", "Value", "Problem"]
    assert t["Line"].iloc[0] == "4"


def test_practice_names_made_consistent():
    df = frame([{"practice_code": "C82001", "practice_name": "Oak", "ethnicity": "White",
                 "eligible": "3", "served": "1"},
                {"practice_code": "C82001", "practice_name": "Oak Surgery", "ethnicity": "Asian",
                 "eligible": "3", "served": "1"}])
    data = sf.read_hea(df)
    assert set(data.data["practice_name"]) == {"Oak"}
    assert "more than one practice_name" in data.warnings[0]


def _mix_rows() -> pd.DataFrame:
    """Six practices: P1-P6 with 1..6 of 10 recorded patients in minority groups (10%..60%),
    plus one Unknown each (not in the share's denominator). Each practice serves 2 of its 11."""
    rows = []
    for k in range(1, 7):
        code = f"PRC00{k}"
        rows += [{"practice_code": code, "ethnicity": "Asian or Asian British", "eligible": k,
                  "served": 0},
                 {"practice_code": code, "ethnicity": "White", "eligible": 10 - k, "served": 2},
                 {"practice_code": code, "ethnicity": "Unknown", "eligible": 1, "served": 0}]
    return pd.DataFrame(rows)


def test_practice_ethnic_mix_and_groups():
    mix = hea.practice_ethnic_mix(_mix_rows()).set_index("practice_code")
    # PRC003: 3 minority of 10 recorded (the Unknown patient is not counted) = 30%
    assert mix.loc["PRC003", ["eligible", "recorded", "minority"]].tolist() == [11, 10, 3]
    assert mix.loc["PRC003", "minority_share"] == pytest.approx(30.0)
    # 6 practices < 5 x 3, so quartiles: i * 4 // 6 + 1 for i = 0..5 -> 1, 1, 2, 3, 3, 4
    g = hea.practice_mix_groups(mix.reset_index()).set_index("practice_code")["mix_group"]
    assert g.tolist() == [1, 1, 2, 3, 3, 4]
    assert hea.mix_group_label(4, 4) == "Quartile 4 (most minority ethnic patients)"


def test_uptake_by_practice_mix_wilson_and_reliability():
    t = hea.uptake_by_practice_mix(_mix_rows())
    # quartile 1 = PRC001 + PRC002: served 2 + 2 = 4 of 22 eligible
    first = t.iloc[0]
    assert (first["practices"], first["served"], first["eligible"]) == (2, 4, 22)
    lo, hi = wilson(4, 22)
    assert first["value"] == pytest.approx(100 * 4 / 22)
    assert (first["lowercl"], first["uppercl"]) == (pytest.approx(lo), pytest.approx(hi))
    # 2 and 1 practices and 22 / 11 people, 4 / 2 served: below every minimum, so no gap
    # is stated
    why = hea.practice_mix_reliability(t)
    assert len(why) == 3 and "at least 3" in why[0] and "fewer than 100" in why[1]


def test_no_difference_between_the_end_quintiles_is_stated_on_nine_people_served(good, dep):
    """Rutland's synthetic audit compared 9 of 40 with 8 of 26: the ends are shown, and the
    sentence says why no difference is stated (the series' minimum of 10 people served in each)."""
    q = hea.uptake_by_quintile(hea.attach_deprivation(good, dep))
    assert "statistically significant difference" in nar.quintile_sentences(q)[0]  # 20 vs 60 of 100
    q.loc[q["quintile"] == 1, ["served", "value"]] = [9, 9.0]
    s = nar.quintile_sentences(q)[0]
    assert "With only 9 people served in that group, the report states no difference" in s
    assert "significant" not in s and "at least 10 in each" in s


def test_a_sentence_about_a_synthetic_practice_is_still_labelled():
    """'Synthetic Rutland practice 40' names a synthetic practice; the sentence still gets the label."""
    out = nar.labelled(["1 practice records ethnicity less often: Synthetic Rutland practice 40 (23.1%).",
                        "Census 2021 residents of Rutland (real figures, not synthetic): ..."], True)
    assert out[0].startswith("Synthetic example: ") and out[1].startswith("Census 2021")
