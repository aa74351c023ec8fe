"""Every built report names the sources its notebook read: in its "About the data" section, in
its footer (the attribution), in the index's data-sources table and in its dependency record, all
from the record of reads (jsna.reads); a changed input rebuilds exactly the reports that read it."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
import pytest
from jsna import paths
from jsna.catalogue import get_source, load_catalogue
from jsna.reads import READS_MIME
from jsna.runner.build import plan
from jsna.runner.export import footer_attribution

from tests.support.topics import published_topic_ids

pytestmark = pytest.mark.integration

TOPICS = published_topic_ids()

#: what the dashboard's statistical neighbours are computed from (ONS Census 2021 age and ethnicity by
#: district and by LSOA, IoD2025 with its LSOA 2021 -> LAD 2024 lookup, the April 2023 district ->
#: upper tier and region lookups, the 2021 rural-urban classification and the district boundaries, whose
#: areas give population density): before the record of reads, none of these was in its sources
NEIGHBOUR_INPUTS = {"census2021_age_ltla21", "census2021_ethnic_group_ltla21", "census2021_ethnic_group_lsoa21",
                    "imd2025_lsoa", "lookup_lsoa21_lad24", "ons_ltla23_utla23", "ons_lad24_region24",
                    "ons_ruc21_lsoa21", "lad24_boundaries_england"}


def _record(reports: Path, topic: str) -> list[str]:
    """The record of reads shown by the runner's last cell of the executed notebook."""
    nb = nbformat.read(str(reports / "rutland" / f"{topic}.ipynb"), as_version=4)
    found = [o["data"][READS_MIME]["sources"] for c in nb.cells for o in c.get("outputs", [])
             if READS_MIME in o.get("data", {})]
    assert len(found) == 1, f"{topic}: {len(found)} records of reads in the executed notebook (expected 1)"
    return found[0]


@pytest.mark.parametrize("topic", TOPICS)
def test_the_sources_listed_are_the_sources_read(rutland_reports, topic):
    read = _record(rutland_reports, topic)
    assert read, f"{topic}: read no catalogued source"
    page = (rutland_reports / "rutland" / f"{topic}.html").read_text(encoding="utf-8")
    listed = [s for a in re.findall(r'data-jsna-sources="([^"]*)"', page) for s in a.split()]
    assert sorted(listed) == sorted(read), f"{topic}: About the data lists {sorted(set(listed) ^ set(read))} wrongly"
    deps = json.loads((rutland_reports / ".build" / "deps.json").read_text(encoding="utf-8"))
    entry = deps["reports"][f"rutland/{topic}"]
    assert sorted(entry["sources"]) == sorted(read)
    assert set(read) <= set(entry["deps"]["inputs"]), f"{topic}: a source read is missing from its dependencies"


def test_the_dashboard_lists_the_inputs_of_its_statistical_neighbours(rutland_reports):
    read = set(_record(rutland_reports, "equity_dashboard"))
    assert read >= NEIGHBOUR_INPUTS, f"not recorded: {sorted(NEIGHBOUR_INPUTS - read)}"


def test_a_changed_neighbour_input_rebuilds_the_dashboard_and_only_the_reports_that_read_it(rutland_reports, tmp_path):
    """A new release of the Census 2021 age table by district (read only for the neighbours) in a copy of
    the data directory: the plan rebuilds the dashboard and the reports that read the table, nothing else."""
    raw = paths.raw_dir()
    changed = get_source("census2021_age_ltla21").path
    for f in raw.rglob("*"):
        if f.is_file():
            rel = f.relative_to(raw)
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            if rel.as_posix() == changed:
                (tmp_path / rel).write_bytes(f.read_bytes() + b"\n")  # new bytes, a new release
            else:
                (tmp_path / rel).symlink_to(f)
    unchanged = plan(["rutland"], reports_dir=rutland_reports)
    assert not unchanged.reasons, f"the test build is not up to date: {unchanged.reasons}"
    p = plan(["rutland"], reports_dir=rutland_reports, data_dir=tmp_path)
    readers = {f"rutland/{t}" for t in TOPICS if "census2021_age_ltla21" in _record(rutland_reports, t)}
    assert "rutland/equity_dashboard" in readers and "rutland/deprivation" not in readers
    assert set(p.reasons) == readers
    assert all("census2021_age_ltla21" in why for why in p.reasons.values())
    assert set(p.up_to_date) == {f"rutland/{t}" for t in TOPICS} - readers


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
    index = html.unescape((rutland_reports / "sources.html").read_text(encoding="utf-8"))  # the sources page
    for sid in sorted(ids):
        src = cat[sid]
        assert footer_attribution(src) in footer, f"{topic}: footer lacks the attribution of {sid}"
        assert src.title in index, f"index lacks the source {sid} ({src.title})"


def test_covid_footer_names_ukhsa_nhs_england_and_ons(rutland_reports):
    footer = _footer((rutland_reports / "rutland" / "covid_impact.html").read_text(encoding="utf-8"))
    for publisher in ("UKHSA", "NHS England", "Office for National Statistics"):
        assert publisher in footer, f"covid_impact footer does not name {publisher}"
