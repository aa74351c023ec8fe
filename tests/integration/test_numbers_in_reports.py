"""Every number in a generated sentence of the built Rutland reports appears in the table or chart
data it describes (issue 12, item 7): the two babies, the health-equity dashboard and the Health
Equity Audit. Each chart's text description is checked against that chart's own data (its
"Download the data (CSV)"); every other sentence the notebook writes against the page's tables
and data, held to the rows it names (tests/support/numbers.py). The same check runs on fixtures in
tests/unit/test_numbers_in_sentences.py; other topics can call assert_report_numbers_shown too.
"""

from __future__ import annotations

import html

import pytest
from jsna import reliability
from jsna.words import SMALL_AREAS

from tests.support.numbers import assert_report_numbers_shown, report_sentences

pytestmark = pytest.mark.integration

#: constants a sentence may state that no table holds: the confidence levels, the series'
#: reliability minimums and the mean residents of an LSOA and an MSOA (jsna.words.SMALL_AREAS)
CONSTANTS = [95, 99.8, reliability.MIN_AREAS_PER_GROUP, reliability.MIN_POPULATION_PER_GROUP,
             reliability.MIN_EVENTS_PER_GROUP, *(round(a.mean_residents, -2) for a in SMALL_AREAS.values())]


def _page(reports, topic: str) -> str:
    path = reports / "rutland" / f"{topic}.html"
    if not path.exists():
        pytest.fail(f"{path} was not built")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("topic", ["two_babies", "equity_dashboard"])
def test_every_number_in_a_sentence_is_in_the_data_it_describes(rutland_reports, topic):
    page = _page(rutland_reports, topic)
    assert len(report_sentences(page)) > 20  # the check reads the report's sentences
    assert_report_numbers_shown(page, allow=CONSTANTS)


def test_every_number_in_an_audit_sentence_is_in_its_data_or_the_input_file(rutland_reports):
    """The audit also describes its input file (rows left out as outside the Place): those counts
    come from the file itself, recomputed here."""
    from jsna.places import load_place
    from jsna.topics.health_equity_audit import inputs

    from tests.support.topics import audit_example_id

    run = inputs.load(load_place("rutland"))
    assert_report_numbers_shown(_page(rutland_reports, audit_example_id()),
                                allow=[*CONSTANTS, run.dropped["rows"], run.dropped["eligible"]])


def test_the_check_finds_a_number_that_is_not_in_the_data(rutland_reports):
    page = _page(rutland_reports, "equity_dashboard")
    sentence = next(s for s in report_sentences(page) if ": Rutland 5.0, England 10.4" in s)
    # a value in none of the chart's data, in place of Rutland's 5.0
    value = "5.03"
    shown = html.escape(sentence)  # as the page holds it
    wrong = page.replace(shown, shown.replace("Rutland 5.0", f"Rutland {value}"))
    assert wrong != page
    with pytest.raises(AssertionError, match=value):
        assert_report_numbers_shown(wrong, allow=CONSTANTS)


def test_a_sentence_is_held_to_the_row_it_names(rutland_reports):
    """A wrong gap is caught although the same number is elsewhere on the page: the sentence that
    names an indicator is checked against that indicator's row."""
    page = _page(rutland_reports, "two_babies")
    sentence = next(s for s in report_sentences(page) if s.startswith("People in income deprivation: higher"))
    gap = sentence.split("a gap of ")[1].split(" ")[0]
    other = "5.5"  # adults with low or no qualifications: 27.4% against 21.9%, a gap of 5.5 points
    assert other != gap and f"{other}" in page
    shown = html.escape(sentence)  # as the page holds it ("Rutland&#x27;s")
    wrong = page.replace(shown, shown.replace(f"a gap of {gap}", f"a gap of {other}"))
    assert wrong != page
    with pytest.raises(AssertionError, match="People in income deprivation"):
        assert_report_numbers_shown(wrong, allow=CONSTANTS)
