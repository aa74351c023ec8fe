"""Every number in a generated sentence appears in the table or chart data it describes (issue 12,
item 7), on fixtures, for the two babies, the health-equity dashboard and the Health Equity Audit;
and the shared checker itself (tests/support/numbers.py) finds what it looks for.

The same check runs on the real Rutland build in tests/integration/test_numbers_in_reports.py.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from jsna import reliability
from jsna.words import SMALL_AREAS

from tests.support.frames import tidy_la
from tests.support.numbers import assert_numbers_shown, numbers_in, unmatched

matplotlib.use("Agg")

#: constants a sentence may state that no table holds: the confidence levels, the series'
#: reliability minimums and the mean residents of an LSOA and an MSOA (jsna.words.SMALL_AREAS)
CONSTANTS = [95, 99.8, reliability.MIN_AREAS_PER_GROUP, reliability.MIN_POPULATION_PER_GROUP,
             reliability.MIN_EVENTS_PER_GROUP,
             *(round(a.mean_residents, -2) for a in SMALL_AREAS.values())]


# ------------------------------------------------------------------------------- the checker
def test_numbers_in_reads_figures_and_leaves_out_periods_levels_and_units():
    s = ("Boys: 4.9 years fewer (76.4 vs 81.2 years, 2016-20); 1,234 people, -2.0 (95% CI -4.0 to -0.1), "
         "3.3%, 12th of 16, mid-2015, 2017/18, 2020/21-24/25, 2015 - 17, 4 March 2021, Mar-Dec 2020, "
         "at the 99.8% level, 230.3 per 100,000, IMD 2019")
    assert [(n.text, n.value, n.decimals) for n in numbers_in(s)] == [
        ("4.9", 4.9, 1), ("76.4", 76.4, 1), ("81.2", 81.2, 1), ("1,234", 1234.0, 0), ("-2.0", -2.0, 1),
        ("-4.0", -4.0, 1), ("-0.1", -0.1, 1), ("3.3%", 3.3, 1), ("12th", 12.0, 0), ("16", 16.0, 0),
        ("230.3", 230.3, 1)]
    assert numbers_in("95% of people") [0].percent  # a percentage that is a figure is kept


def test_text_quoted_from_the_data_is_not_read_as_figures():
    table = pd.DataFrame({"Indicator": ["Obesity at Year 6 (age 10-11)"], "Value": [24.04]})
    assert unmatched("Obesity at Year 6 (age 10-11): 24.0% in Leicester.", table) == []
    assert unmatched("obesity at year 6 (age 10-11): 24.1% in Leicester.", table) == ["24.1%"]


def test_rounding_signs_and_numbers_inside_text_cells():
    row = {"a": 76.43, "b": 81.24, "gap": -4.81, "ci": "75.6 to 77.1", "rank": "12th of 16"}
    assert unmatched("A gap of 4.8 years (76.4 vs 81.2; 95% CI 75.6 to 77.1), 12th of 16.", row) == []
    assert unmatched("A gap of 4.9 years (76.4 vs 81.2).", row) == ["4.9"]
    # a number read from text matches within the rounding of both: 3.75 shown as 3.8 (or 3.7)
    assert unmatched("3.8 times as high", {"ratio": "3.75"}) == []
    assert unmatched("3.9 times as high", {"ratio": "3.75"}) == ["3.9"]
    with pytest.raises(AssertionError, match="4.9"):
        assert_numbers_shown(["A gap of 4.9 years (76.4 vs 81.2)."], row)


# ------------------------------------------------------------------------------- two babies
def _babies_row(**kw) -> dict:
    base = {"indicator_id": "income", "name": "People in income deprivation", "stage": "Live well", "unit": "%",
            "dp": 1, "period": "IoD2019", "comparison": "Most vs least deprived fifth", "kind": "imd_rate",
            "geography": "LSOA", "source_id": "imd2019_lsoa", "a_label": "Most deprived fifth",
            "b_label": "Least deprived fifth", "a_value": 33.62, "a_lower": 33.3, "a_upper": 34.0,
            "b_value": 8.66, "b_lower": 8.5, "b_upper": 8.9, "significance": "higher", "worse_group": "a",
            "available": True, "note": None, "old": False, "place_value": 20.1, "england_value": 12.9}
    base.update(kw)
    base["gap"] = (base["a_value"] - base["b_value"]) if base["a_value"] is not None else np.nan
    base["ratio"] = (base["a_value"] / base["b_value"]) if base["a_value"] is not None else np.nan
    return base


@pytest.fixture
def babies_table() -> pd.DataFrame:
    rows = [
        _babies_row(),
        _babies_row(indicator_id="early_years_communication", stage="Start well", kind="la", geography="LA",
                    name="Early years: at the expected level in communication and language",
                    comparison="Whole area vs England", a_label="Leicester", b_label="England",
                    a_value=74.7, a_lower=np.nan, a_upper=np.nan, b_value=79.5, b_lower=np.nan, b_upper=np.nan,
                    significance="not tested", worse_group=None, period="2024/25", source_id="ons_early_years",
                    place_value=74.7, england_value=79.5),
        _babies_row(indicator_id="cyp_education", name="Children and young people education score", unit="score",
                    dp=2, stage="Grow well", a_value=1.144, a_lower=np.nan, a_upper=np.nan, b_value=-0.587,
                    b_lower=np.nan, b_upper=np.nan, significance="not tested", kind="lsoa_mean"),
        _babies_row(indicator_id="le_male", name="Life expectancy at birth, males", unit="years", stage="Die well",
                    kind="msoa_le", geography="MSOA", period="2015-19", a_value=76.36, a_lower=75.6, a_upper=77.1,
                    b_value=81.22, b_lower=80.6, b_upper=81.8, significance="lower", worse_group="a",
                    source_id="ohid_localhealth_le_msoa_2015_19", place_value=79.9, england_value=81.8),
        _babies_row(indicator_id="hle_female", name="Healthy life expectancy at birth, females", unit="years",
                    stage="Age well", kind="msoa_le", geography="MSOA", period="2009-13", a_value=None,
                    a_lower=np.nan, a_upper=np.nan, b_value=np.nan, b_lower=np.nan, b_upper=np.nan,
                    significance="not tested", worse_group=None, available=False,
                    note="each fifth holds only 1 neighbourhood (the series needs at least 3 in each)"),
    ]
    return pd.DataFrame(rows)


def test_two_babies_sentences_state_only_numbers_of_their_table_and_chart(babies_table):
    from jsna.topics.two_babies import charts, tables, text

    shown = tables.display_table(babies_table)
    chart = charts.life_course_figure(babies_table, "Leicester")
    sentences = ([text.indicator_sentence(r, "Leicester's") for _, r in babies_table.iterrows()]
                 + text.headline_sentences(babies_table, "Leicester's") + list(chart.description)
                 + [text.le_gap_paragraph(babies_table, {"value": 8.6, "period": "2022-24"})])
    assert_numbers_shown(sentences, shown, charts.life_course_data(babies_table),
                         {"OHID SII": 8.6, "period": "2022-24"}, allow=CONSTANTS)
    import matplotlib.pyplot as plt

    plt.close(chart.fig)


def test_two_babies_published_obesity_sentences_match_their_tables():
    from jsna.topics.two_babies import tables, text

    ob = pd.DataFrame({"indicator": ["Obesity at Year 6 (age 10-11)"], "area_code": ["E92000001"],
                       "area_name": ["England"], "period": ["2020/21-24/25"], "most": [28.94], "least": [14.46],
                       "gap": [14.48]})
    assert_numbers_shown(text.obesity_deprivation_sentences(ob, "Rutland", ["E06000017"]),
                         tables.obesity_display(ob))


# ------------------------------------------------------------------------------- dashboard


def test_dashboard_sentences_state_only_numbers_of_its_table_and_chart():
    from jsna.indicators import Indicator, LaSource
    from jsna.topics.equity_dashboard import charts, tables, text
    from jsna.topics.equity_dashboard.compute import dashboard, quintile_gaps

    periods = ["2019", "2020", "2021", "2022", "2023"]
    codes = ["E92000001", "E06000016"]
    la = tidy_la(source_id="src", indicator_id="le", indicator_name="LE", area_code=sum(([c] * 5 for c in codes), []),
               area_name="n", period=periods * 2, period_start=[pd.Timestamp(int(p), 1, 1) for p in periods] * 2,
               period_end=[pd.Timestamp(int(p), 12, 31) for p in periods] * 2, sex="Persons",
               value=[79.1, 79.3, 79.6, 79.7, 79.74] + [75.9, 76.2, 76.64, 77.0, 77.46],
               lower_ci95=[np.nan] * 5 + [75.4, 75.7, 76.1, 76.5, 77.0],
               upper_ci95=[np.nan] * 5 + [76.4, 76.7, 77.2, 77.5, 77.9])
    sii = tidy_la(source_id="src_sii", indicator_id="sii", indicator_name="SII", area_code=codes, area_name="n",
                period="2022-24", period_start=pd.Timestamp(2022, 1, 1), period_end=pd.Timestamp(2024, 12, 31),
                sex="Persons", value=[10.42, 8.61])
    inds = [Indicator("le_la_male", "Life expectancy at birth, males", "Die well", "la", "LA", "years",
                      "high_is_good", "3 years pooled", "m", sources=(LaSource("src", "le"),), baseline="2021",
                      inequality="sii_le_male"),
            Indicator("sii_le_male", "Gap in male life expectancy (slope index of inequality)", "Die well", "la",
                      "LA", "years", "low_is_good", "3 years pooled", "m", sources=(LaSource("src_sii", "sii"),))]
    d = dashboard(pd.concat([la, sii], ignore_index=True), inds, ["E06000016"], today=pd.Timestamp("2024-06-30"))
    spine = charts.spine_chart(d, "Leicester")
    q = tidy_la(source_id="src_q", indicator_name="Year 6 obesity, 5 years combined", area_code=["E92000001"] * 2,
              period="2020/21-24/25", period_start=pd.Timestamp(2020, 4, 1),
              category=["Most deprived quintile", "Least deprived quintile"], value=[28.94, 14.46])
    gaps = quintile_gaps(q, [Indicator("q", "Q", "Grow well", "la", "LA", "%", "low_is_good", "year", "m",
                                       sources=(LaSource("src_q"),))], "E06000016")
    sentences = (text.dashboard_sentences(d, "Leicester") + text.inequality_sentences(d, "Leicester")
                 + list(spine.description) + text.quintile_gap_sentences(gaps, "Leicester"))
    assert_numbers_shown(sentences, tables.dashboard_display(d), tables.quintile_gap_display(gaps, "Leicester"),
                         getattr(spine.fig, "jsna_data", (pd.DataFrame(),))[0], allow=CONSTANTS)
    # the change since the baseline is that of the values shown: 2021 76.6 to 2023 77.5 is +0.9
    change = tables.dashboard_display(d).loc[0, "Change since baseline"]
    assert change.startswith("+0.9"), change
    import matplotlib.pyplot as plt

    plt.close(spine.fig)


def test_core20_sentences_match_the_core20_table():
    from jsna.areas import core20_summary
    from jsna.topics.equity_dashboard import tables, text

    lsoas = pd.DataFrame({"lsoa11cd": [f"E0100000{i}" for i in range(4)], "lad19cd": "E06000016",
                          "lad19nm": "Leicester", "imd_decile": [1, 2, 5, 9], "pop_total": [1500, 1600, 1700, 1800],
                          "pop_0_15": [300, 320, 340, 360], "utla19cd": "E06000016", "utla19nm": "Leicester"})
    lsoas["core20"] = lsoas["imd_decile"] <= 2
    lsoas["national_quintile"] = (lsoas["imd_decile"] + 1) // 2
    pop = core20_summary(lsoas, by=("utla19cd", "utla19nm"), total_name="Leicester")
    assert_numbers_shown(text.core20_sentences(pop, 19.94, "Leicester"), tables.core20_display(pop),
                         {"England share": 19.94})


# ------------------------------------------------------------------------------- Health Equity Audit
def _hea_rows() -> pd.DataFrame:
    rows = []
    for q, (eligible, served) in enumerate([(509, 148), (527, 150), (307, 101), (137, 49), (36, 14)], start=1):
        rows.append({"national_quintile": q, "local_quintile": q, "eligible": eligible, "served": served,
                     "ethnicity": "White" if q % 2 else "Asian or Asian British"})
    return pd.DataFrame(rows)


def test_hea_sentences_state_only_numbers_of_their_tables_and_charts():
    from jsna.topics.health_equity_audit import charts, tables, text
    from jsna.topics.health_equity_audit import compute as hea

    df = _hea_rows()
    q = hea.suppress_small(hea.uptake_by_quintile(df, "national_quintile"))
    overall = 100 * df["served"].sum() / df["eligible"].sum()
    chart = charts.quintile_chart(q, "Uptake", overall, "national")
    data, meta = chart.fig.jsna_data
    sentences = (text.quintile_sentences(q, "national", "Leicester") + [chart.description]
                 + [text.published_deprivation(q)])
    assert_numbers_shown(sentences, tables.display_table(q, "quintile", "Quintile", charts.QUINTILE_LABELS), data, meta,
                         text.PUBLISHED_AUDIT, allow=CONSTANTS)
    eth = hea.suppress_small(hea.uptake_by_ethnicity(df))
    echart = charts.ethnicity_chart(eth, "Uptake by ethnic group", overall)
    edata, emeta = echart.fig.jsna_data
    assert_numbers_shown(text.ethnicity_sentences(eth, overall) + [echart.description], edata, emeta)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_hea_gap_is_that_of_the_values_shown():
    from jsna.topics.health_equity_audit import text

    # 30.84 and 11.68 are shown as 30.8% and 11.7%: the gap stated is 19.1, not 19.2 (19.16 unrounded)
    q = pd.DataFrame({"quintile": [1, 5], "value": [30.84, 11.68], "lowercl": [27.0, 7.3], "uppercl": [35.0, 18.1],
                      "served": [157, 16], "eligible": [509, 137]})
    s = text.quintile_sentences(q, "national", "Leicester")[0]
    assert "19.1 percentage points higher" in s and "19.2" not in s


# ------------------------------------------------------------------------------- covid_impact
def test_covid_gap_and_uptake_sentences_state_only_numbers_of_their_charts():
    from jsna.topics.covid_impact import charts, text

    byq = pd.DataFrame({"quintile": [1, 2, 3, 4, 5], "value": [126.04, 118.2, 114.9, 111.3, 109.36],
                        "lowercl": [110.2, 103.0, 99.5, 96.1, 94.7], "uppercl": [143.4, 134.7, 131.6, 128.0, 125.6]})
    gap = {"most": 126.04, "least": 109.36, "most_lower": 110.2, "most_upper": 143.4, "least_lower": 94.7,
           "least_upper": 125.6}
    chart = charts.quintile_chart(byq, "Deaths per 100,000", "Deaths", "crude death rate per 100,000")
    data, _ = chart.fig.jsna_data
    assert_numbers_shown([text.gap_sentence("Leicester", gap, "death rates"), *chart.description], data,
                         allow=CONSTANTS)
    uv = np.array([66.44, 72.0, 78.1, 82.3, 85.81])
    up = byq.assign(dose=1, age_group="16+", value=uv, lowercl=uv - 0.4, uppercl=uv + 0.4)
    ugap = {"most": 66.44, "least": 85.81, "most_lower": 66.0, "most_upper": 66.9, "least_lower": 85.4,
            "least_upper": 86.2}
    uchart = charts.uptake_chart(up, "Uptake")
    udata, _ = uchart.fig.jsna_data
    s = text.uptake_gap_sentence("Leicester", ugap)
    assert "19.4 percentage points lower" in s  # 85.8 - 66.4 as shown
    assert_numbers_shown([s, *uchart.description], udata, allow=CONSTANTS)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_covid_group_place_split_sentence_matches_its_table():
    from types import SimpleNamespace

    from jsna.topics.covid_impact import compute, tables, text

    ma = pd.DataFrame({"msoa11cd": list("abcd"), "local_quintile": [1, 1, 5, 5],
                       "utla19cd": ["L", "S", "S", "R"], "utla19nm": ["Leicester", "Leicestershire", "Leicestershire",
                                                                     "Rutland"],
                       "pop_total": [9090, 910, 8900, 1100]})
    split = compute.fifth_split(ma)
    s = text.fifth_mix_sentence(SimpleNamespace(name="LLR", kind="group"), SimpleNamespace(fifth_split=split))
    assert_numbers_shown([s], tables.fifth_split_table(split), allow=CONSTANTS)


# ------------------------------------------------------------------------------- deprivation
def test_deprivation_key_findings_state_only_numbers_of_the_key_figures_table():
    from jsna.topics.deprivation import compute, tables, text

    place = compute.Headline("Rutland", 26, 41059, 9.851, 0, 0.0, 0, 0.0, 0, 30.8, edition="iod2025",
                             published_rank=276, n_districts=296)
    england = compute.Headline("England", 33755, 56490108, 21.84, 3376, 10.0, 11298022, 20.0, 6751, 10.0,
                               edition="iod2025")
    assert_numbers_shown(text.headline_sentences(place, england, "Rutland's"), tables.headline_table(place, england),
                         allow=CONSTANTS)
