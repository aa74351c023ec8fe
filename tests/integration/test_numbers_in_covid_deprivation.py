"""Every number in a generated sentence of the built Rutland covid_impact and deprivation reports
appears in the table or chart data it describes (the check of tests/integration/
test_numbers_in_reports.py, tests/support/numbers.py). Run on a build of Rutland's two topics:

    python -m jsna build --place rutland --topic covid_impact --reports-dir DIR --no-pdf
    python -m jsna build --place rutland --topic deprivation --reports-dir DIR --no-pdf
    JSNA_TEST_REPORTS_DIR=DIR pytest tests/integration/test_numbers_in_covid_deprivation.py
"""

from __future__ import annotations

import pytest
from jsna import reliability
from jsna.words import SMALL_AREAS

from tests.support.numbers import assert_report_numbers_shown, report_data, report_sentences

pytestmark = pytest.mark.integration

CONSTANTS = [95, 99.8, reliability.MIN_AREAS_PER_GROUP, reliability.MIN_POPULATION_PER_GROUP,
             reliability.MIN_EVENTS_PER_GROUP, *(round(a.mean_residents, -2) for a in SMALL_AREAS.values())]
#: the publisher's suppression of weeks with 0-2 cases (a rule of the file, not a figure of the data)
SUPPRESSED_UP_TO = 2


def _page(reports, topic: str) -> str:
    path = reports / "rutland" / f"{topic}.html"
    if not path.exists():
        pytest.fail(f"{path} was not built")
    return path.read_text(encoding="utf-8")


def test_every_number_in_a_covid_sentence_is_in_the_data_it_describes(rutland_reports):
    page = _page(rutland_reports, "covid_impact")
    assert len(report_sentences(page)) > 20
    # the share of suppressed MSOA-weeks, recomputed from the case map's data (its column totals are the counts)
    weeks = next(d for d in report_data(page) if "MSOA-weeks suppressed (0-2 cases)" in d.columns)
    share = round(100 * weeks["MSOA-weeks suppressed (0-2 cases)"].sum() / weeks["MSOA-weeks"].sum())
    assert_report_numbers_shown(page, allow=[*CONSTANTS, SUPPRESSED_UP_TO, share])


def test_every_number_in_a_deprivation_sentence_is_in_the_data_it_describes(rutland_reports):
    page = _page(rutland_reports, "deprivation")
    assert len(report_sentences(page)) > 20
    # the number of England's LSOAs on the edition's boundaries (the range of national ranks)
    assert_report_numbers_shown(page, allow=[*CONSTANTS, SMALL_AREAS["LSOA21"].england_count])
