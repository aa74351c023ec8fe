"""Two babies computations on small synthetic inputs whose answers are worked out by hand."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from jsna.indicators import REGISTRY, STAGES, get_indicator, indicators
from jsna.places import Area, Place
from jsna.topics.two_babies import compute as tb
from jsna.topics.two_babies import tables
from jsna.topics.two_babies.inputs import Inputs

DIST = "E06000099"  # a made-up district: 10 LSOAs, 5 MSOAs
Z = 1.959963984540054


def wilson(x: float, n: float, z: float = Z) -> tuple[float, float]:
    """Wilson score interval written out (Newcombe 1998, method 3)."""
    p = x / n
    centre = (2 * n * p + z**2) / (2 * (n + z**2))
    half = z * math.sqrt(z**2 + 4 * n * p * (1 - p)) / (2 * (n + z**2))
    return centre - half, centre + half


COPIES = 3  # each made-up neighbourhood three times, so every fifth meets the reliability minimum


def lsoa_frame(copies: int = COPIES) -> pd.DataFrame:
    """10 LSOA types of 1,000 people; type i has IMD score 10 - i, so types 0-1 are the most
    deprived fifth of residents and 8-9 the least; MSOA type k holds LSOA types 2k and 2k+1.
    Each type appears ``copies`` times (LSOA L{i}_{c} in MSOA M{k}_{c}), so with 3 copies each
    fifth holds 6 LSOAs, 3 MSOAs and 6,000 residents (jsna.reliability: at least 3 areas and
    5,000 residents). Copies leave every rate and mean unchanged; counts scale by ``copies``."""
    n = 10
    base = pd.DataFrame({
        "lsoa11cd": [f"L{i}" for i in range(n)],
        "lad19cd": DIST,
        "msoa11cd": [f"M{i // 2}" for i in range(n)],
        "utla19cd": DIST,
        "imd_score": [10.0 - i for i in range(n)],
        "imd_decile": [1, 1, 2, 3, 5, 6, 8, 9, 10, 10],
        "pop_total": 1000.0,
        "pop_0_15": 200.0,
        "pop_60_plus": 250.0,
        "pop_working_age": 600.0,
        "income_score": [0.30, 0.20, 0.15, 0.15, 0.10, 0.10, 0.08, 0.08, 0.05, 0.05],
        "idaci_score": [0.40, 0.30, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05],
        "health_score": [1.0, 0.5, 0.2, 0.2, 0.0, 0.0, -0.2, -0.2, -1.0, -0.5],
    })
    if copies == 1:
        return base
    parts = [base.assign(lsoa11cd=base["lsoa11cd"] + f"_{c}", msoa11cd=base["msoa11cd"] + f"_{c}")
             for c in range(copies)]
    return pd.concat(parts, ignore_index=True)


def le_frame(copies: int = COPIES, limits: bool = False) -> pd.DataFrame:
    """MSOA life expectancy shaped like OHID Local Health's (value only; ``limits`` adds +/- 1 year, as the
    HLE and DFLE files publish). Every MSOA has 2,000 residents, so the area averages 77.8 (boys) and 82.0."""
    rows = []
    for k, (m, f) in enumerate([(75.0, 80.0), (77.0, 81.0), (78.0, 82.0), (79.0, 83.0), (80.0, 84.0)]):
        for c in range(copies):
            code = f"M{k}" if copies == 1 else f"M{k}_{c}"
            for sex, v in (("Male", m), ("Female", f)):
                rows.append({"msoa11cd": code, "sex": sex, "value": v, "period": "2015-19",
                             **({"lowercl": v - 1.0, "uppercl": v + 1.0} if limits else {})})
    return pd.DataFrame(rows)


def published_le(male: float = 77.8, female: float = 82.0) -> pd.DataFrame:
    """The authority's published life expectancy (OHID Local Health council table, 2015-19)."""
    return pd.DataFrame({"area_code": DIST, "area_name": "Testshire", "area_type": "UTLA (2021)",
                         "sex": ["Male", "Female"], "value": [male, female], "period": "2015-19"})


def la_frame() -> pd.DataFrame:
    base = {"indicator_id": "percentage_of_physically_active_adults", "source_id": "trafford_themes_active_adults",
            "sex": "Persons", "category": pd.NA, "lower_ci95": np.nan, "upper_ci95": np.nan,
            "count": np.nan, "denominator": np.nan, "compared_to_england": pd.NA, "note": pd.NA,
            "lower_ci998": np.nan, "upper_ci998": np.nan}
    rows = [
        {**base, "area_code": DIST, "period": "2019/20", "period_start": pd.Timestamp("2019-04-01"),
         "period_end": pd.Timestamp("2020-03-31"), "value": 60.0},
        {**base, "area_code": DIST, "period": "2020/21", "period_start": pd.Timestamp("2020-04-01"),
         "period_end": pd.Timestamp("2021-03-31"), "value": 58.0,
         "lower_ci95": 55.0, "upper_ci95": 61.0},
        {**base, "area_code": "E92000001", "period": "2020/21", "period_start": pd.Timestamp("2020-04-01"),
         "period_end": pd.Timestamp("2021-03-31"),
         "value": 65.0, "lower_ci95": 64.8, "upper_ci95": 65.2},
        {**base, "area_code": "E92000001", "period": "2021/22", "period_start": pd.Timestamp("2021-04-01"),
         "period_end": pd.Timestamp("2022-03-31"),
         "value": 66.0},
    ]
    # England's published life expectancy (the check of England's MSOA average): 2016-18, the three years
    # centred nearest 2015-19, is the one used; 2021-23 is further away
    le = {**base, "indicator_id": "life_expectancy_at_birth", "source_id": "trafford_themes_life_expectancy",
          "area_code": "E92000001"}
    for sex, v16, v21 in (("Male", 77.8, 70.0), ("Female", 82.0, 70.0)):
        rows.append({**le, "sex": sex, "period": "2016-18", "period_start": pd.Timestamp("2016-01-01"),
                     "period_end": pd.Timestamp("2018-12-31"), "value": v16})
        rows.append({**le, "sex": sex, "period": "2021-23", "period_start": pd.Timestamp("2021-01-01"),
                     "period_end": pd.Timestamp("2023-12-31"), "value": v21})
    return pd.DataFrame(rows)


def inputs(**kw) -> Inputs:
    args = {"lsoas": lsoa_frame(), "le": le_frame(), "le_published": published_le(), "la": la_frame()}
    args.update(kw)
    return Inputs(**args)


# ----------------------------------------------------------------------------- registry


def test_registry_covers_every_stage_with_valid_entries():
    assert {i.stage for i in REGISTRY} == set(STAGES)
    assert len({i.id for i in REGISTRY}) == len(REGISTRY)
    assert get_indicator("le_male").sex == "Male"
    assert all(i.kind == "la" for i in indicators(kind="la"))
    with pytest.raises(KeyError, match="Known"):
        get_indicator("nope")


def test_indicator_validation_names_the_field():
    from jsna.indicators import Indicator

    with pytest.raises(ValueError, match="stage"):
        Indicator("x", "X", "Middle age", "lsoa_mean", "LSOA", "%", "low_is_good", "2019", "m", source="s")
    with pytest.raises(ValueError, match="polarity"):
        Indicator("x", "X", "Live well", "lsoa_mean", "LSOA", "%", "high_is_bad", "2019", "m", source="s")
    with pytest.raises(ValueError, match="needs sources"):
        Indicator("x", "X", "Live well", "la", "LA", "%", "low_is_good", "2019", "m")


# ----------------------------------------------------------------------------- groups


def test_population_weighted_quintiles_put_the_highest_scores_in_q1():
    area = tb.place_lsoas(lsoa_frame(copies=1), [DIST])
    q = dict(zip(area["lsoa11cd"], area["local_quintile"], strict=True))
    assert (q["L0"], q["L1"]) == (1, 1)
    assert (q["L8"], q["L9"]) == (5, 5)
    # national quintile from the decile: 1-2 -> 1 (Core20), 9-10 -> 5
    nq = dict(zip(area["lsoa11cd"], area["national_quintile"], strict=True))
    assert nq["L0"] == 1 and nq["L2"] == 1 and nq["L9"] == 5


def test_msoa_groups_weight_scores_by_population():
    lsoas = lsoa_frame(copies=1)
    lsoas.loc[0, "pop_total"] = 3000.0  # M0 = (10*3000 + 9*1000) / 4000 = 9.75
    m = tb.msoa_groups(lsoas).set_index("msoa11cd")
    assert m.loc["M0", "imd_score"] == pytest.approx(9.75)
    assert m.loc["M0", "pop_total"] == 4000
    assert m.loc["M0", "local_quintile"] == 1 and m.loc["M4", "local_quintile"] == 5


def test_bad_lsoa_frame_names_missing_columns():
    with pytest.raises(ValueError, match="imd_score"):
        tb.place_lsoas(lsoa_frame().drop(columns="imd_score"), [DIST])
    with pytest.raises(ValueError, match="district code"):
        tb.place_lsoas(lsoa_frame(), ["E07000001"])


# ----------------------------------------------------------------------------- values


def test_imd_rate_is_a_wilson_proportion_of_rate_times_population():
    area = tb.place_lsoas(lsoa_frame(copies=1), [DIST])
    vals = tb.imd_rate_values(get_indicator("income"), area, "local_quintile").set_index("group")
    # Q1: (0.30 + 0.20) x 1000 = 500 of 2000 -> 25%; Q5: 100 of 2000 -> 5%
    assert vals.loc[1, "numerator"] == pytest.approx(500)
    assert vals.loc[1, "value"] == pytest.approx(25.0)
    lo, hi = wilson(500, 2000)
    assert vals.loc[1, "lower"] == pytest.approx(100 * lo, abs=1e-6)
    assert vals.loc[1, "upper"] == pytest.approx(100 * hi, abs=1e-6)
    assert vals.loc[5, "value"] == pytest.approx(5.0)


def test_weighted_mean_of_msoa_life_expectancy_and_its_interval():
    d = pd.DataFrame({"msoa11cd": ["A", "B"], "g": [1, 1], "value": [70.0, 80.0],
                      "lowercl": [70 - Z, 80 - Z], "uppercl": [70 + Z, 80 + Z]})
    out = tb.msoa_le_values(d, pd.Series([1.0, 3.0]), "g").iloc[0]
    # (70*1 + 80*3) / 4 = 77.5; se_i = 1 -> se = sqrt(1^2 + 3^2) / 4
    se = math.sqrt(10) / 4
    assert out["value"] == pytest.approx(77.5)
    assert out["lower"] == pytest.approx(77.5 - Z * se)
    assert out["upper"] == pytest.approx(77.5 + Z * se)


def test_blank_msoa_values_are_left_out_and_counted():
    d = pd.DataFrame({"msoa11cd": ["A", "B"], "value": [70.0, np.nan], "lowercl": [69.0, np.nan],
                      "uppercl": [71.0, np.nan]})
    out = tb.msoa_le_values(d, pd.Series([1.0, 1.0]), None).iloc[0]
    assert out["value"] == 70.0
    assert "1 MSOA value not available (blank in the source)" in out["note"]


# ----------------------------------------------------------------------------- comparison


@pytest.mark.parametrize(("a", "b", "expected"), [
    ((10, 9, 11), (5, 4, 6), "higher"),
    ((5, 4, 6), (10, 9, 11), "lower"),
    ((10, 8, 12), (11, 9, 13), "no clear difference"),
    ((10, 9, 11), (10, 10, 10), "no clear difference"),  # touching limits overlap
    ((10, np.nan, np.nan), (5, 4, 6), "not tested"),
])
def test_compare_uses_interval_overlap(a, b, expected):
    assert tb.compare(*a, *b) == expected


def test_worse_group_follows_polarity():
    bad_high, good_high = get_indicator("income"), get_indicator("le_male")
    assert tb.worse_group(bad_high, "higher", 20, 5) == "a"
    assert tb.worse_group(good_high, "lower", 75, 80) == "a"
    assert tb.worse_group(good_high, "higher", 80, 75) == "b"
    assert tb.worse_group(bad_high, "no clear difference", 20, 19) is None


def test_the_one_verdict_against_england_in_this_reports_words():
    from jsna.indicators import england_verdict

    ind = get_indicator("active_adults")  # high is good
    for published, sig, worse in (("Similar", "no clear difference", None), ("Worse", "lower", "a"),
                                  ("Not compared", "not tested", "a")):  # lower, untested
        row = {"a_value": 60.0, "b_value": 65.0}
        tb.apply_verdict(row, ind, england_verdict(60.0, None, None, 65.0, ind.polarity, published))
        assert (row["significance"], row["worse_group"]) == (sig, worse), published
    # ONS healthy life expectancy, Leicester males 2022-24: 57.8 (54.7 to 60.8) against England 60.9; the
    # interval excludes England's value, so lower and worse (two intervals' overlap would have said no difference)
    row = {"a_value": 57.8, "b_value": 60.9}
    tb.apply_verdict(row, get_indicator("hle_la_male"), england_verdict(57.8, 54.7, 60.8, 60.9, "high_is_good"))
    assert (row["vs_england"], row["significance"], row["worse_group"]) == ("worse", "lower", "a")


# ----------------------------------------------------------------------------- table


def table_for(ids, inp=None, la_codes=(DIST,)):
    return tb.babies_table(inp or inputs(), [DIST], list(la_codes), "Testshire",
                           [get_indicator(i) for i in ids]).set_index("indicator_id")


def test_table_rows_have_gap_ratio_and_significance():
    t = table_for(["income", "le_male", "health_deprivation"])
    inc = t.loc["income"]
    assert (inc["a_value"], inc["b_value"]) == (pytest.approx(25.0), pytest.approx(5.0))
    assert inc["gap"] == pytest.approx(20.0) and inc["ratio"] == pytest.approx(5.0)
    assert inc["significance"] == "higher" and inc["worse_group"] == "a"
    # Place = all 10 LSOAs: (0.30+0.20+0.15+0.15+0.10+0.10+0.08+0.08+0.05+0.05) x 1000 / 10000
    assert inc["place_value"] == pytest.approx(12.6)
    le = t.loc["le_male"]  # MSOA M0 (Q1) 75, M4 (Q5) 80, published without intervals
    assert (le["a_value"], le["b_value"], le["gap"]) == (75.0, 80.0, -5.0)
    assert np.isnan(le["a_lower"]) and np.isnan(le["b_upper"])  # no interval is invented
    assert le["significance"] == "not tested" and le["worse_group"] == "a"  # the gap is descriptive
    assert le["place_value"] == pytest.approx(np.mean([75, 77, 78, 79, 80]))
    assert le["england_value"] == pytest.approx(np.mean([75, 77, 78, 79, 80]))
    h = t.loc["health_deprivation"]  # weighted mean, no interval
    assert h["a_value"] == pytest.approx(0.75) and h["b_value"] == pytest.approx(-0.75)
    assert h["significance"] == "not tested"


def test_la_row_uses_latest_period_held_for_the_area():
    r = table_for(["active_adults"]).loc["active_adults"]
    assert r["period"] == "2020/21"
    assert (r["a_value"], r["b_value"]) == (58.0, 65.0)
    assert r["significance"] == "lower" and r["worse_group"] == "a"  # 55-61 vs 64.8-65.2
    assert r["comparison"] == "Whole area vs England"


def test_la_row_for_a_group_place_says_why_not_available():
    r = table_for(["active_adults"], la_codes=(DIST, "E06000098")).loc["active_adults"]
    assert not r["available"] and "each upper-tier authority" in r["note"]


def test_a_quintile_without_data_is_not_available_with_reason():
    lsoas = lsoa_frame()
    lsoas.loc[lsoas["lsoa11cd"].str.split("_").str[0].isin(["L8", "L9"]), "idaci_score"] = np.nan
    r = table_for(["idaci"], inputs(lsoas=lsoas)).loc["idaci"]
    assert not r["available"]
    assert "quintile 5" in r["note"] and "no population or no data" in r["note"]


def test_msoa_source_not_covering_the_area_is_explained():
    r = table_for(["hle_male"]).loc["hle_male"]
    assert not r["available"] and "could not be loaded" in r["note"]
    hle = le_frame(limits=True).assign(measure="hle")
    hle["msoa11cd"] = hle["msoa11cd"].str.replace("M", "X")
    r = table_for(["hle_male"], inputs(hle=hle)).loc["hle_male"]
    assert "not available for this area" in r["note"]


def test_small_covid_counts_are_never_compared():
    # deaths per MSOA type 1, 10, 10, 10, 12 (x 3 copies): the most deprived fifth has 3 deaths,
    # suppressed as fewer than 5 and below the 10 events jsna.reliability needs, so the fifths are not
    # compared and the whole area is shown
    covid = pd.DataFrame({"msoa11cd": [f"M{k}_{c}" for k in range(5) for c in range(COPIES)],
                          "deaths": [d for d in (1, 10, 10, 10, 12) for _ in range(COPIES)],
                          "population": 5000})
    r = table_for(["covid_mortality"], inputs(covid=covid)).loc["covid_mortality"]
    assert r["comparison"] == "Whole area vs England"
    # the publisher's suppression (fewer than 5 deaths) leaves the count unknown: it fails the rule too
    assert "too few events for a stable rate (a suppressed count in the most deprived fifth" in r["note"]
    # the whole area: (1 + 10 + 10 + 10 + 12) x 3 = 129 deaths / 75,000 x 100,000 = 172.0
    assert r["a_value"] == pytest.approx(172.0)
    assert not r["available"]  # no England value in the LLR-only file

def test_not_available_lists_every_missing_row():
    t = tb.babies_table(inputs(), [DIST], [DIST], "Testshire",
                        [get_indicator(i) for i in ("income", "hle_male", "smoking")])
    na = tables.not_available(t)
    assert list(na["Indicator"]) == [get_indicator("hle_male").name, get_indicator("smoking").name]
    assert na["Reason"].notna().all()


def test_core20_counts_residents_in_national_deciles_1_and_2():
    c = tb.core20(tb.place_lsoas(lsoa_frame(copies=1), [DIST]))
    assert (c["n_core20"], c["pop_core20"], c["share"]) == (3, 3000.0, pytest.approx(30.0))
    assert c["n_least20"] == 3


def test_le_sii_matches_hand_regression():
    """Five MSOA quintiles of equal population at ranks 0.1..0.9 with LE 75, 77, 78, 79, 80:
    x - 0.5 = -0.4, -0.2, 0, 0.2, 0.4; y - 77.8 = -2.8, -0.8, 0.2, 1.2, 2.2;
    least-squares slope = (1.12 + 0.16 + 0 + 0.24 + 0.88) / (0.16 + 0.04 + 0 + 0.04 + 0.16)
    = 2.4 / 0.4 = 6.0 years."""
    s = tb.le_sii(tb.place_lsoas(lsoa_frame(), [DIST]), inputs(), "Male", seed=1, repetitions=2000,
                  la_codes=[DIST])
    assert s["value"] == pytest.approx(6.0)
    # OHID publishes no intervals: the slope is descriptive, with no limits
    assert s["descriptive"] and np.isnan(s["lowercl"]) and np.isnan(s["uppercl"])
    failing = tb.le_sii(tb.place_lsoas(lsoa_frame(), [DIST]), inputs(le_published=published_le(male=76.0)),
                        "Male", seed=1, repetitions=2000, la_codes=[DIST])
    assert np.isnan(failing["value"]) and "not stated" in failing["note"]


def test_msoa_life_expectancy_without_published_limits_has_no_interval():
    d = pd.DataFrame({"msoa11cd": ["A", "B"], "value": [70.0, 80.0]})
    out = tb.msoa_le_values(d, pd.Series([1.0, 3.0]), None).iloc[0]
    assert out["value"] == pytest.approx(77.5)  # (70 x 1 + 80 x 3) / 4
    assert np.isnan(out["lower"]) and np.isnan(out["upper"])


@pytest.mark.parametrize(("male", "stated"), [(77.8, True), (78.7, True), (76.7, False), (79.0, False)])
def test_msoa_life_expectancy_levels_are_stated_only_within_a_year_of_the_published_value(male, stated):
    """The area's MSOAs average 77.8 for boys (equal populations): a published 78.7 is 0.9 years away, 76.7 is
    1.1 and 79.0 is 1.2, more than the 1-year tolerance, so no level is stated and the note says why."""
    r = table_for(["le_male"], inputs(le_published=published_le(male=male))).loc["le_male"]
    assert bool(r["available"]) is stated
    if not stated:
        assert np.isnan(r["a_value"]) and np.isnan(r["place_value"])
        assert f"{male:.1f} published for Testshire" not in r["note"]  # the name is the authority's
        assert "average 77.8 years" in r["note"] and "not stated" in r["note"]


def test_no_published_value_means_no_level():
    r = table_for(["le_male"], inputs(le_published=published_le().iloc[0:0], la=la_frame())).loc["le_male"]
    assert not r["available"] and "no published life expectancy" in r["note"]


def test_england_level_is_checked_against_england_published_value():
    """England's MSOAs (here the same 15) average 77.8; the published 2016-18 value (77.8) is the period centred
    nearest 2015-19, so England's value is shown; with England at 70.0 in every period it is not."""
    t = tb.england_table(inputs()).set_index("indicator_id")
    assert t.loc["le_male", "place_value"] == pytest.approx(77.8)
    la = la_frame()
    la.loc[la["indicator_id"] == "life_expectancy_at_birth", "value"] = 70.0
    t = tb.england_table(inputs(la=la)).set_index("indicator_id")
    assert not t.loc["le_male", "available"] and "not stated" in t.loc["le_male", "note"]


# ----------------------------------------------------------------------------- charts


def test_life_course_figure_description_is_written_from_the_rows():
    import matplotlib.pyplot as plt
    from jsna.topics.two_babies.charts import life_course_figure

    t = tb.babies_table(inputs(), [DIST], [DIST], "Testshire",
                        [get_indicator(i) for i in ("income", "le_male", "hle_male", "active_adults")])
    fig, alt, desc = life_course_figure(t, "Testshire")
    try:
        # one axes per indicator plus one header per stage present (Live well, Age well, Die well)
        # one axes: every indicator shares the ratio scale
        assert len(fig.axes) == 1
        assert "across 3 life stages on one ratio scale" in alt
        # income is clearly worse; life expectancy (OHID, no intervals) is worse but not tested
        assert "1 of 2 available small-area indicators are clearly worse" in alt
        assert "Life expectancy at birth, males (2015-19): Most deprived fifth 75.0 years, Least deprived fifth " \
               "80.0 years, gap 5.0 years, no interval to test" in " ".join(desc)
        text = " ".join(desc)
        assert "People in income deprivation (IoD2019): Most deprived fifth 25.0%, Least deprived fifth 5.0%, " \
               "gap 20.0 percentage points, clear difference" in text
        assert "Physically active adults (2020/21): Testshire 58.0%, England 65.0%" in text
        assert "Healthy life expectancy at birth, males: not available" in text
    finally:
        plt.close(fig)


def test_gap_chart_lists_every_authority_and_england():
    import matplotlib.pyplot as plt
    from jsna.topics.two_babies.charts import gap_chart

    inds = [get_indicator(i) for i in ("income", "le_male")]
    a = tb.babies_table(inputs(), [DIST], [DIST], "A", inds)
    ov = tb.overview({"A": a, "B": a}, a)
    fig, alt, desc = gap_chart(ov, ["A", "B"])
    plt.close(fig)
    assert desc[0] == ("People in income deprivation (%), gap most minus least deprived fifth: "
                       "A 20.0; B 20.0; England 20.0.")
    assert "A, B" in alt


def test_chart_label_has_no_empty_period_slot():
    """A whole-area row whose period is not held read '(, whole area)' on the life-course chart."""
    import pandas as pd
    from jsna.topics.two_babies import charts

    row = pd.Series({"name": "School readiness", "period": None, "comparison": charts.WHOLE_AREA})
    assert " ".join(charts._name(row).split()) == "School readiness (whole area)"  # wrapped to fit
    row["period"] = "2022/23"
    assert " ".join(charts._name(row).split()) == "School readiness (2022/23, whole area)"
    row["comparison"], row["period"] = "Most vs least deprived fifth", ""
    assert charts._name(row) == "School readiness"
    named = pd.Series({"name": "Deaths, Mar-Dec 2020", "period": "Mar-Dec 2020", "comparison": charts.WHOLE_AREA})
    assert " ".join(charts._name(named).split()) == "Deaths, Mar-Dec 2020 (whole area)"  # the period once


def test_side_by_side_gaps_are_those_each_authority_report_shows():
    """Employment deprivation 5.64% against 3.68%: each authority's own report shows 5.6 and 3.7 and
    a gap of 1.9, so the side-by-side table of a group Place shows 1.9 too (not 2.0 or 1.96)."""
    import pandas as pd

    row = {"indicator_id": "employment", "name": "Employment deprivation", "stage": "Live well", "unit": "%",
           "dp": 1, "comparison": tb.FIFTHS, "kind": "imd_rate", "gap": 5.64 - 3.68, "a_value": 5.64,
           "b_value": 3.68, "significance": "clearly higher"}
    t = pd.DataFrame([row])
    ov = tb.overview({"Rutland": t, "Leicester": t.assign(a_value=10.0, b_value=4.04, gap=5.96)},
                     t[["indicator_id", "gap"]])
    shown = tables.overview_display(ov, ["Rutland", "Leicester"]).iloc[0]
    assert shown["Rutland: gap"] == "1.9" and shown["Leicester: gap"] == "6.0"
    assert shown["England: gap"] == "2.0"  # England's 1.96 at the indicator's precision


# ----------------------------------------------------------------------------- map of life expectancy


def test_le_bands_are_two_years_wide_and_shortest_first():
    from jsna.topics.two_babies.charts import le_band, le_band_labels

    b = le_band(pd.Series([70.0, 76.0, 77.9, 85.99, 86.0, np.nan]))
    assert b.iloc[:5].tolist() == [1.0, 2.0, 2.0, 6.0, 7.0] and np.isnan(b.iloc[5])
    assert le_band_labels()[0] == "under 76" and le_band_labels()[-1] == "86 and over" and len(le_band_labels()) == 7


def test_le_map_values_drop_a_sex_whose_levels_fail_the_check():
    """Boys average 77.8 (published 79.0: 1.2 years apart, refused); girls 82.0 (published 82.0, mapped)."""
    place = Place(id="testshire", name="Testshire", kind="upper_tier", upper_tier=(Area(DIST, "Testshire"),),
                  districts=(Area(DIST, "Testshire"),))
    area = tb.place_lsoas(lsoa_frame(), [DIST])
    vals, refused = tb.le_map_values(place, area, inputs(le_published=published_le(male=79.0)))
    assert "male" not in vals.columns and set(refused) == {"Male"} and "not stated" in refused["Male"]
    assert len(vals) == 15 and vals.set_index("msoa11cd").at["M0_0", "female"] == 80.0


def test_le_map_describes_the_extremes_of_each_sex():
    import geopandas as gpd
    import matplotlib.pyplot as plt
    from jsna.topics.two_babies.charts import le_map
    from shapely.geometry import box

    place = Place(id="testshire", name="Testshire", kind="upper_tier", upper_tier=(Area(DIST, "Testshire"),),
                  districts=(Area(DIST, "Testshire"),))
    area = tb.place_lsoas(lsoa_frame(), [DIST])
    vals, refused = tb.le_map_values(place, area, inputs())
    geo = gpd.GeoDataFrame({"msoa11cd": vals["msoa11cd"]},
                           geometry=[box(i * 1000, 0, i * 1000 + 900, 900) for i in range(len(vals))], crs=27700)
    r = SimpleNamespace(le_map=vals, le_map_refused=refused, boundaries=geo, place=place)
    chart = le_map(r)
    plt.close(chart.fig)
    from jsna.topics.two_babies.charts import has_le_map

    assert has_le_map(r) and not has_le_map(SimpleNamespace(**{**vars(r), "boundaries": None}))
    # boys 75 (M0) to 80 (M4), girls 80 to 84: the first of each in file order is named
    assert chart.description[0] == "Boys: from 75.0 years in M0_0 to 80.0 in M4_0."
    assert chart.description[1] == "Girls: from 80.0 years in M0_0 to 84.0 in M4_0."
