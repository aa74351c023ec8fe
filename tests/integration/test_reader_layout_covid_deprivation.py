"""The reader meets the findings first in covid_impact and deprivation too (built Rutland reports):
methods, data notes and About the data sit in the one collapsible "Methods and sources" appendix at
the end, after every key-findings box, chart and table of results; the sizes of small areas quoted
are those of jsna.words.SMALL_AREAS for the geography each report uses."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from jsna.words import small_area_words

pytestmark = pytest.mark.integration

TOPICS = ("covid_impact", "deprivation")


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
    assert app.select(".jsna-about") and len(main.select(".jsna-about")) == 1
    body = str(main)
    start = body.index('class="jsna-appendix"')
    for box in main.select(".jsna-summary, figure.jsna-figure, table"):
        if box.find_parent("details", class_="jsna-appendix") is None:
            assert body.index(str(box)[:200]) < start
    if topic == "covid_impact":
        assert "Data notes" in [h.get_text(strip=True) for h in app.select("h3")]


@pytest.mark.parametrize(("topic", "words"), [("covid_impact", small_area_words("MSOA")),
                                              ("deprivation", small_area_words("LSOA", boundaries=2021))])
def test_small_area_sizes_are_those_of_the_geography_used(rutland_reports, topic, words):
    text = " ".join(_main(rutland_reports, topic).get_text(" ").split())
    assert f"{words} each" in text
    assert "about 7,000 people" not in text and "about 1,500 residents" not in text
