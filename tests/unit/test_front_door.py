"""A front door per Place and one for the series (issue 24, items 5-6): the figures come from the headline
records the reports declare (kind, direction, period, link), the index is a Place x topic grid, sources and
licences have their own page linked from every footer, and no command line or other council's words reach
a reader's page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsna.report import HEADLINE_DIRECTIONS, headline_record
from jsna.runner import frontdoor, publish
from jsna.runner.changes import read_deps, record_published

LLR_WORDS = ("Leicester", "Leicestershire", "Rutland", "LLR", "Better health for all", "Integrated Care Board",
             "ICB")
COMMAND_LINES = ("--", "make ", "python -m")


def _fig(id_: str, kind: str, direction: str, rank: int, label: str = "", value: float = 1.0, **kw) -> dict:
    return headline_record(id_, value, kw.pop("unit", "%"), kw.pop("period", "2023"), label or id_, kind=kind,
                           direction=direction, compared_with=kw.pop("compared_with", "England (10.0)"), rank=rank)


def test_a_front_door_figure_needs_a_direction_word_from_the_list():
    rec = headline_record("x", 62.14, "per 100,000", "2022-24", "Under-75 mortality", kind="comparator",
                          direction="worse", compared_with="England (50.0)", rank=3)
    assert (rec["text"], rec["symbol"], rec["kind"], rec["rank"]) == ("62.1", "▼", "comparator", 3)
    assert "kind" not in headline_record("y", 1, "people", "2021", "Residents")  # an ordinary headline
    with pytest.raises(ValueError, match="needs its direction"):
        headline_record("x", 1.0, "%", "2023", "X", kind="gap")
    with pytest.raises(ValueError, match="direction must be one of"):
        headline_record("x", 1.0, "%", "2023", "X", kind="gap", direction="improving")
    with pytest.raises(ValueError, match="kind must be one of"):
        headline_record("x", 1.0, "%", "2023", "X", kind="headline", direction="worse")
    # every direction has its own symbol: the word and the symbol always travel together
    assert len(set(HEADLINE_DIRECTIONS.values())) == len(HEADLINE_DIRECTIONS)


def test_choose_takes_one_of_each_kind_per_round_best_ranked_first():
    recs = [_fig(f"c{i}", "comparator", "worse", 300 + i) for i in range(8)]
    recs += [_fig("t1", "trend", "getting worse", 100), _fig("t2", "trend", "no clear change", 700),
             _fig("g1", "gap", "worse", 10), _fig("s1", "size", "higher", 200)]
    reports = [{"href": "dash.html", "title": "Dashboard", "headlines": recs}]
    chosen = frontdoor.choose(frontdoor.front_door_records(reports))
    # round 1: gap, comparator, trend, size; then the comparators left: findings first, so the trend with
    # no clear change (t2) comes only after every finding
    assert [r["id"] for r in chosen] == ["g1", "c0", "t1", "s1", "c1", "c2", "c3", "c4", "c5", "c6"]
    assert [r["id"] for r in frontdoor.choose(frontdoor.front_door_records(reports), limit=12)][-2:] == ["c7", "t2"]
    assert all(r["href"] == "dash.html" and r["report"] == "Dashboard" for r in chosen)
    assert len(frontdoor.choose(frontdoor.front_door_records(reports), limit=8)) == 8


def test_direction_phrases_carry_symbol_and_word():
    worse = _fig("a", "comparator", "worse", 1, compared_with="England (145.8)")
    assert frontdoor.direction_phrase(worse) == "▼ worse than England (145.8)"
    assert frontdoor.direction_phrase(_fig("b", "comparator", "similar", 1)) == "● similar to England (10.0)"
    assert frontdoor.direction_phrase(_fig("c", "trend", "getting worse", 1)) == "↘ getting worse (recent trend)"
    assert frontdoor.direction_phrase(_fig("d", "gap", "worse", 1)) == "▼ worse in the most deprived fifth"
    assert frontdoor.direction_phrase(_fig("e", "gap", "similar", 1)) == "● no clear difference between the fifths"
    assert frontdoor.direction_phrase(_fig("s", "gap", "lower", 1, compared_with="England's gap (10.4)")) == \
        "▽ lower than England's gap (10.4)"
    assert frontdoor.direction_phrase(_fig("f", "size", "lower", 1, compared_with="England (19.9%)")) == \
        "▽ lower than England (19.9%)"
    assert frontdoor.value_text(_fig("g", "size", "lower", 1, value=12.45)) == "12.4%"  # as headline_record rounds
    assert frontdoor.value_text(_fig("h", "comparator", "worse", 1, value=191.6, unit="per 100,000")) == \
        "191.6 per 100,000"


def test_what_this_means_counts_by_hand():
    recs = [_fig("a", "comparator", "worse", 300, "Place: Physically active adults", period="2024/25"),
            _fig("b", "comparator", "worse", 301, "Place: Employment rate", period="2023"),
            _fig("c", "comparator", "better", 400, "Place: Adults who smoke"),
            _fig("d", "comparator", "similar", 600, "Place: Adults living with obesity"),
            _fig("e", "trend", "getting worse", 100, "Place: Adults living with obesity, recent trend"),
            _fig("f", "size", "lower", 200, "Place: share of residents in the most deprived 20%", value=12.4,
                 compared_with="England (19.9%)", period="IMD 2019")]
    text = frontdoor.what_this_means([{**r, "href": "x.html", "report": "X"} for r in recs], "Place")
    assert text[0] == "Of the 4 current indicators compared with England for Place, 2 worse, 1 better and 1 similar."
    assert text[1] == "Worse than England: physically active adults (2024/25) and employment rate (2023)."
    assert text[2] == "1 indicator is getting worse over recent years: adults living with obesity."
    assert text[3] == "Share of residents in the most deprived 20% is 12.4%, lower than England (19.9%) (IMD 2019)."


def _published(tmp: Path, places: dict[str, tuple[str, str]], headlines: dict[str, list[dict]]) -> Path:
    """A reports folder as a build leaves it: status record, dependency record, one page per report."""
    status, deps = {}, {}
    for key, hl in headlines.items():
        pid, topic = key.split("/")
        name, kind = places[pid]
        (tmp / pid).mkdir(parents=True, exist_ok=True)
        (tmp / pid / f"{topic}.html").write_text("<html></html>")
        status[key] = {"place": pid, "place_name": name, "place_kind": kind, "framework": None, "topic": topic,
                       "title": topic.replace("_", " ").capitalize(), "description": "", "order": 1, "ok": True,
                       "built": "2026-12-01T10:00:00+00:00", "sources": []}
        deps[key] = {"deps": {}, "sources": [], "inputs": [], "headlines": hl, "build_date": "1 December 2026",
                     "code_version": "abc", "title": status[key]["title"], "place_name": name, "order": 1}
    (tmp / ".build").mkdir(exist_ok=True)
    (tmp / ".build" / "status.json").write_text(json.dumps({"reports": status}))
    for key, entry in deps.items():  # as publishing records each report
        record_published(tmp, key, entry)
    assert read_deps(tmp)[1] == ""
    return tmp


def test_index_is_a_grid_and_each_place_has_a_front_door(tmp_path):
    figs = [_fig(f"c{i}", "comparator", "worse" if i % 2 else "better", 300 + i, f"Tower Hamlets: indicator {i}")
            for i in range(9)] + [_fig("g", "gap", "worse", 10, "Smoking: gap between the fifths")]
    reports = _published(tmp_path, {"E09000030": ("Tower Hamlets", "upper_tier"), "E06000057": ("Northumberland",
                                                                                                 "upper_tier")},
                         {"E09000030/dashboard": figs, "E09000030/people": [],
                          "E06000057/dashboard": figs[:3]})
    publish.write_index(reports, "1 December 2026")
    index = (reports / "index.html").read_text()
    # the grid: a row per Place, a column per topic, the lead figure in each cell with symbol and word
    assert re.search(r'<th scope="col">Dashboard</th><th scope="col">People</th>', index)
    assert index.count("data-jsna-place=") == 2 and 'href="E09000030/index.html"' in index
    assert "Smoking: gap between the fifths: 1.0%, ▼ worse in the most deprived fifth (2023)" in index
    assert index.count("not produced") == 1  # Northumberland has no 'people' report
    assert 'href="sources.html"' in index and "Data sources, periods and licences" not in index
    door = (reports / "E09000030" / "index.html").read_text()
    assert door.count('data-jsna-figure="') == 10 and door.index('data-jsna-figure="g"') < door.index('data-jsna-figure="c0"')
    assert 'href="dashboard.html"' in door and 'href="../sources.html"' in door
    assert "What this means" in door and "Of the 9 current indicators compared with England for Tower Hamlets, " \
        "4 worse, 5 better and 0 similar." in door
    sources = (reports / "sources.html").read_text()
    assert "Sources and licences" in sources and "Open Government Licence" in sources
    for page in (index, door, sources, (reports / "E06000057" / "index.html").read_text()):
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
        assert not [w for w in LLR_WORDS if w in text]
        assert not [c for c in COMMAND_LINES if c in re.sub(r"<[^>]+>", " ", text)]


def test_a_groups_councils_take_turns():
    recs = [_fig(f"a{i}", "comparator", "worse", 300 + i, f"Ay: indicator {i}") for i in range(4)]
    recs += [_fig("b0", "comparator", "worse", 310, "Bee: indicator 0"), _fig("c0", "comparator", "better", 400,
                                                                          "Cee: indicator 0")]
    chosen = frontdoor.choose(frontdoor.front_door_records([{"href": "d.html", "title": "D", "headlines": recs}]),
                              limit=4)
    assert [r["id"] for r in chosen] == ["a0", "b0", "c0", "a1"]
