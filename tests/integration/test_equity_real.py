"""Real-data checks for the Fingertips loaders, the equity dashboard and the Core20 view."""

from __future__ import annotations

import pandas as pd
import pytest
from jsna.catalogue import get_source
from jsna.paths import default_mirror

pytestmark = pytest.mark.integration

LEICESTER, LEICS, RUTLAND, ENGLAND = "E06000016", "E10000018", "E06000017", "E92000001"


@pytest.fixture(scope="module")
def ind() -> pd.DataFrame:
    from jsna.load.fingertips import la_indicators

    return la_indicators()


@pytest.fixture(scope="module")
def mirror_catalogue() -> pd.DataFrame:
    """The mirror's own index of its Fingertips files (not a catalogued input, so not in data/raw)."""
    mirror = default_mirror()
    if mirror is None or not (mirror / "fingertips" / "catalogue.csv").is_file():
        pytest.skip("no data mirror with fingertips/catalogue.csv (set JSNA_DATA_MIRROR)")
    return pd.read_csv(mirror / "fingertips" / "catalogue.csv")


def test_row_counts_match_mirror_catalogue(ind, mirror_catalogue):
    """Rows per area per file equal the counts in the mirror's catalogue.csv (before filling)."""
    from jsna.load.fingertips import LA_READERS, fingertips_source_ids, read_indicator_source

    # the mirror's catalogue.csv predates the life-expectancy files of 2026-12-07 (LA_READERS)
    by_path = {get_source(s).path.removeprefix("fingertips/"): s for s in fingertips_source_ids()
               if s not in LA_READERS}
    assert set(by_path) == set(mirror_catalogue["file"])
    for _, row in mirror_catalogue.iterrows():
        sid = by_path[row["file"]]
        df = read_indicator_source(sid)
        if sid.startswith("fingertips_api_"):
            continue  # API exports repeat areas under each parent; checked below
        for code, col in ((LEICESTER, "rows_leicester_E06000016"), (LEICS, "rows_leicestershire_E10000018"),
                          (RUTLAND, "rows_rutland_E06000017"), (ENGLAND, "rows_england_E92000001")):
            assert (df["area_code"] == code).sum() == row[col], (sid, code)


def test_every_period_normalised(ind):
    assert ind["period"].notna().all() and ind["period_start"].notna().all()
    assert (ind["period_end"] > ind["period_start"]).all()


def test_leicestershire_filled_only_where_missing_and_values_agree(ind):
    from jsna.load.fingertips import fills, fingertips_source_ids

    filled = fills(fingertips_source_ids())
    assert len(filled) == 4 and all(f["areas"] == [LEICS] for f in filled.values())
    for target, f in filled.items():
        ons_id, sex_map = f["from"], f["indicators"]
        county = ind[(ind["source_id"] == target) & (ind["area_code"] == LEICS)]
        assert len(county) > 0, target
        assert county["note"].str.contains(ons_id).all()
        # The same indicator: Leicester's values agree between the Trafford file and the ONS file
        for sex, name in sex_map.items():
            a = ind[(ind["source_id"] == target) & (ind["area_code"] == LEICESTER) & (ind["sex"] == sex)]
            b = ind[(ind["source_id"] == ons_id) & (ind["area_code"] == LEICESTER)
                    & (ind["indicator_name"] == name)]
            j = a.set_index("period")["value"].to_frame("t").join(b.set_index("period")["value"].rename("o"),
                                                                 how="inner").dropna()
            assert len(j) >= 3, target
            assert (j["t"] - j["o"]).abs().max() <= 0.15, target  # Trafford rounds to 1 dp


def test_byars_reproduces_published_campylobacter_limits(ind):
    """jsna.stats rate limits from count/denominator match the published Fingertips 95% limits."""
    from jsna.indicators import add_limits

    rows = ind[(ind["source_id"] == "fingertips_api_93356") & ind["count"].ge(10) & ind["lower_ci95"].notna()]
    assert len(rows) > 500
    got = add_limits(rows.reset_index(drop=True), "byars")
    assert (got["lower95"] - got["lower_ci95"]).abs().max() < 0.01
    assert (got["upper95"] - got["upper_ci95"]).abs().max() < 0.01


def test_dashboard_for_all_places(ind):
    from jsna.topics.equity_dashboard.compute import dashboard, dashboard_indicators

    metrics = dashboard_indicators()
    d = dashboard(ind, metrics, [LEICESTER, LEICS, RUTLAND])
    assert len(d) == 3 * len(metrics)
    for code in (LEICESTER, LEICS, RUTLAND):
        assert d.loc[d["area_code"] == code, "value"].notna().sum() >= 15, code
    # Published figure (ONS Explore local statistics): Leicestershire cancers diagnosed at stage 1-2,
    # 2022 = 55.91883%, 95% CI 54.02525-57.79534; England 2022 = 56.75578% -> similar.
    c = d[(d["indicator_id"] == "cancer_early_stage") & (d["area_code"] == LEICS)].iloc[0]
    assert (c["period"], round(c["value"], 5), c["sig95"]) == ("2022", 55.91883, "similar")


def test_core20_against_plain_pandas_recomputation():
    """Core20 shares from jsna.topics.equity_dashboard.core20 equal a direct recomputation from File 6 and File 2 deciles."""
    from jsna.areas import core20_summary, england_lsoas, lsoas
    from jsna.places import load_place

    f6 = pd.read_csv(get_source("imd2019_population_file6").raw_path(), encoding="utf-8-sig")
    f2 = pd.read_csv(get_source("imd2019_domains_file2").raw_path(), encoding="utf-8-sig")
    dec_col = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
    pop_col = "Total population: mid 2015 (excluding prisoners)"
    both = f6.merge(f2[["LSOA code (2011)", dec_col]], on="LSOA code (2011)")
    both["core"] = both[dec_col] <= 2
    # England total population published in the IoD2019 (File 6): 54,728,204
    assert both[pop_col].sum() == 54_728_204
    eng_lsoas = england_lsoas()
    eng = core20_summary(eng_lsoas).iloc[0]
    assert eng["pop_core20"] == both.loc[both["core"], pop_col].sum()
    assert eng["share_core20"] == pytest.approx(100 * both.loc[both["core"], pop_col].sum() / 54_728_204)

    place = load_place("llr")
    pop = core20_summary(lsoas(place), by=("utla19cd", "utla19nm"), total_name=place.name).set_index("area_code")
    county = [f"E0700013{i}" for i in range(5)] + ["E07000135"]
    groups = {LEICESTER: [LEICESTER], RUTLAND: [RUTLAND], LEICS: county + ["E07000129"]}
    for code, lads in groups.items():
        sub = both[both["Local Authority District code (2019)"].isin(lads)]
        assert pop.loc[code, "pop_total"] == sub[pop_col].sum()
        assert pop.loc[code, "pop_core20"] == sub.loc[sub["core"], pop_col].sum()
        assert pop.loc[code, "share_core20"] == pytest.approx(
            100 * sub.loc[sub["core"], pop_col].sum() / sub[pop_col].sum())
    # LSOA counts published in ../imd2019/SOURCES.md: Leicester 192, Leicestershire 396, Rutland 23
    assert (pop.loc[LEICESTER, "lsoas"], pop.loc[LEICS, "lsoas"], pop.loc[RUTLAND, "lsoas"]) == (192, 396, 23)


def test_same_indicator_same_value_and_period_in_two_babies_and_dashboard(ind):
    """Through both topics' public functions: every indicator the two reports share shows the same
    value, period and source for Leicester and Leicestershire; the Leicestershire dashboard says
    "not in the data held" for what the extracts lack."""
    from jsna import areas
    from jsna.indicators import NOT_AVAILABLE, NOT_HELD, indicators
    from jsna.topics.equity_dashboard.compute import (
        dashboard,
        dashboard_indicators,
    )
    from jsna.topics.equity_dashboard.tables import dashboard_display
    from jsna.topics.equity_dashboard.text import dashboard_sentences
    from jsna.topics.two_babies import compute as tb
    from jsna.topics.two_babies.inputs import Inputs as BabiesInputs

    shared = [i for i in indicators(report="two_babies", kind="la") if "equity_dashboard" in i.reports]
    assert {"smoking", "obesity_reception", "active_adults", "hle_la_male"} <= {i.id for i in shared}
    inputs = BabiesInputs(lsoas=areas.england_lsoas(), la=ind)
    dash = dashboard(ind, dashboard_indicators(), [LEICESTER, LEICS])
    for code, districts in ((LEICESTER, ["E06000016"]), (LEICS, sorted(
            inputs.lsoas.loc[inputs.lsoas["utla19cd"] == LEICS, "lad19cd"].unique()))):
        babies = tb.babies_table(inputs, districts, [code], code, shared).set_index("indicator_id")
        d = dash[dash["area_code"] == code].set_index("indicator_id")
        for i in shared:
            b, r = babies.loc[i.id], d.loc[i.id]
            if pd.isna(r["value"]):
                assert pd.isna(b["a_value"]) and b["note"] == r["note"], (code, i.id)
                continue
            assert (b["a_value"], b["period"], b["source_id"]) == (r["value"], r["period"], r["source_id"]), \
                (code, i.id)
    # the values the issue quoted, now one per area
    assert dash.set_index(["indicator_id", "area_code"]).loc[("smoking", LEICESTER), "period"] == "2024"
    assert dash.set_index(["indicator_id", "area_code"]).loc[("smoking", LEICS), "period"] == "2023"
    leics = dash[dash["area_code"] == LEICS]
    le = leics.set_index("indicator_id").loc["le_la_male"]
    # issue 23, item 3: the county's own life expectancy, OHID Local Health 2015-19 (males 80.8: the data
    # mirror's small_area/SOURCES.md, file 6), unless the live Fingertips file has been downloaded
    if le["source_id"] == "ohid_localhealth_le_la_2015_19":
        assert (le["value"], le["period"]) == (80.8, "2015-19")
    assert le["value"] > 75
    # what only a live Fingertips source would give is "not available" (listed once, in the report's box),
    # not repeated in the area's key points
    na = leics[leics["value"].isna()]
    assert set(na["note"]) <= {NOT_AVAILABLE, NOT_HELD} or na["note"].str.startswith(NOT_HELD).all()
    text = " ".join(dashboard_sentences(leics, "Leicestershire"))
    assert NOT_AVAILABLE not in text and "Not published" not in text
    shown = " ".join(str(v) for v in dashboard_display(leics)["Note"])
    assert (na["note"] == NOT_AVAILABLE).any() == (NOT_AVAILABLE in shown)
