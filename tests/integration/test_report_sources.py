"""Every built report names the sources its notebook read: in its "About the data" section, in
its footer (the attribution) and in the index's data-sources table."""

from __future__ import annotations

import html
import re

import pytest
from jsna.catalogue import load_catalogue
from jsna.runner.export import footer_attribution

pytestmark = pytest.mark.integration

TOPICS = ("deprivation", "two_babies", "covid_impact", "equity_dashboard", "health_equity_audit")


def _footer(page: str) -> str:
    m = re.search(r"<footer\b.*?</footer>", page, flags=re.S | re.I)
    assert m, "page has no footer"
    return html.unescape(m.group(0))


@pytest.mark.parametrize("topic", TOPICS)
def test_footer_and_index_list_every_source_the_notebook_read(rutland_reports, topic):
    page = (rutland_reports / "rutland" / f"{topic}.html").read_text(encoding="utf-8")
    about = re.findall(r'data-jsna-sources="([^"]*)"', page)
    assert about, f"{topic}: no 'About the data' section (report.about_the_data was not called)"
    ids = {s for a in about for s in a.split()}
    cat = load_catalogue()
    footer = _footer(page)
    index = html.unescape((rutland_reports / "index.html").read_text(encoding="utf-8"))
    for sid in sorted(ids):
        src = cat[sid]
        assert footer_attribution(src) in footer, f"{topic}: footer lacks the attribution of {sid}"
        assert src.title in index, f"index lacks the source {sid} ({src.title})"


def test_covid_footer_names_ukhsa_nhs_england_and_ons(rutland_reports):
    footer = _footer((rutland_reports / "rutland" / "covid_impact.html").read_text(encoding="utf-8"))
    for publisher in ("UKHSA", "NHS England", "Office for National Statistics"):
        assert publisher in footer, f"covid_impact footer does not name {publisher}"
