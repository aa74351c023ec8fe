"""The reader meets the findings first (issue 12, items 2, 6 and 8), on the built Rutland reports:
methods, data notes and sources sit in one collapsible "Methods and sources" appendix at the end of
every topic, after every key-findings box, chart and table of results; the two reports that explain
the life-expectancy gap link each other; the Start well stage says which first-1,001-days
indicators are not in the data held; and the sizes of small areas the reports quote are those of
the data held (jsna.words.SMALL_AREAS) for the geography each report uses."""

from __future__ import annotations

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from jsna.words import SMALL_AREAS, small_area_words

from tests.support.topics import published_topic_ids

pytestmark = pytest.mark.integration

TOPICS = published_topic_ids()


def _main(reports, topic):
    page = (reports / "rutland" / f"{topic}.html").read_text(encoding="utf-8")
    return BeautifulSoup(page, "html.parser").find("main")


@pytest.mark.parametrize("topic", TOPICS)
def test_methods_and_sources_are_one_folded_appendix_after_the_findings(rutland_reports, topic):
    main = _main(rutland_reports, topic)
    appendices = main.select("details.jsna-appendix")
    assert len(appendices) == 1
    app = appendices[0]
    assert app.summary.h2.get_text(strip=True) == "Methods and sources" and not app.has_attr("open")
    # the sources (About the data) are inside it, and nowhere else
    assert app.select(".jsna-about") and len(main.select(".jsna-about")) == 1
    # every finding comes before it: the key findings box, the charts and the tables of results
    body = str(main)
    start = body.index('class="jsna-appendix"')
    # covid_impact and deprivation: every table outside the appendix too (their data notes' tables
    # sit inside it)
    tables = topic in ("covid_impact", "deprivation")
    for box in main.select(".jsna-summary, figure.jsna-figure" + (", table" if tables else "")):
        if not tables or box.find_parent("details", class_="jsna-appendix") is None:
            assert body.index(str(box)[:200]) < start
    if topic == "covid_impact":
        assert "Data notes" in [h.get_text(strip=True) for h in app.select("h3")]
    # the methods and sources that were about half of the two babies and the dashboard (44-55%) are
    # folded away: the appendix holds at least a third of those pages' words
    if topic in ("two_babies", "equity_dashboard"):
        text_all = len(main.get_text(" ", strip=True))
        assert len(app.get_text(" ", strip=True)) > text_all / 3


def test_the_two_explanations_of_the_life_expectancy_gap_link_each_other(rutland_reports):
    links = {t: [a["href"] for a in _main(rutland_reports, t).select("p.jsna-see-also a")]
             for t in ("two_babies", "equity_dashboard")}
    assert "equity_dashboard.html" in links["two_babies"]
    assert "two_babies.html" in links["equity_dashboard"]
    assert (rutland_reports / "rutland" / "equity_dashboard.html").exists()
    texts = [" ".join(_main(rutland_reports, t).get_text(" ").split()) for t in ("two_babies", "equity_dashboard")]
    phrase = "Two measures of the life-expectancy gap by deprivation appear in this series"
    assert all(t.count(phrase) == 1 for t in texts)


@pytest.mark.parametrize("topic", ["two_babies", "equity_dashboard"])
def test_start_well_lists_the_indicators_not_in_the_data_held(rutland_reports, topic):
    text = " ".join(_main(rutland_reports, topic).get_text(" ").split())
    if topic == "two_babies":
        assert "Start well indicators not in this report's sources: low birth weight of term babies" in text
    else:  # the dashboard carries the Start well set (issue 23): shown, or listed once until refreshed
        assert "Start well indicators not in this report's sources: a good level of development at the end of " \
               "Reception for all children" in text
        box = "These indicators were not available when this report was produced:"
        assert text.count(box) <= 1
        assert "Low birth weight of term babies" in text
    assert "Early years: at the expected level in literacy" in text
    assert "England about 100" not in text


def test_small_area_sizes_are_those_of_the_data_held():
    """jsna.words.SMALL_AREAS (counts and mean residents of England's 2011 LSOAs and MSOAs)
    recomputed from IoD2019 File 6 populations and the ONS lookup."""
    from jsna.load.geography import lsoa_lookup
    from jsna.load.imd import imd2019_lsoa

    imd = imd2019_lsoa()
    lk = lsoa_lookup()
    lk = lk[lk["lsoa11cd"].str.startswith("E")]
    m = imd.merge(lk[["lsoa11cd", "msoa11cd"]], on="lsoa11cd", validate="1:1")
    by_msoa = m.groupby("msoa11cd")["pop_total"].sum()
    assert SMALL_AREAS["LSOA"].england_count == imd["lsoa11cd"].nunique() == 32_844
    assert SMALL_AREAS["MSOA"].england_count == len(by_msoa) == 6_791
    assert SMALL_AREAS["LSOA"].mean_residents == round(imd["pop_total"].sum() / len(imd))
    assert SMALL_AREAS["MSOA"].mean_residents == round(float(pd.Series(by_msoa).mean()))


@pytest.mark.parametrize(("topic", "words"), [("covid_impact", small_area_words("MSOA")),
                                              ("deprivation", small_area_words("LSOA", boundaries=2021))])
def test_small_area_sizes_are_those_of_the_geography_used(rutland_reports, topic, words):
    text = " ".join(_main(rutland_reports, topic).get_text(" ").split())
    assert f"{words} each" in text
    assert "about 7,000 people" not in text and "about 1,500 residents" not in text
