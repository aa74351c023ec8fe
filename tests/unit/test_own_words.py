"""Any council in its own words (issue 24, item 4): a local framework comes from the Place's params, never
from the code, so another council's index and dashboard carry no LLR words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jsna.places import Framework, PlaceError, load_place
from jsna.runner.publish import series_purpose
from jsna.topics.equity_dashboard import text

ROOT = Path(__file__).resolve().parents[2]
LLR_WORDS = ("LLR", "Leicester", "Better health for all")


def _derby(tmp_path: Path, framework: object = None) -> Path:
    raw = yaml.safe_load((ROOT / "params" / "rutland.yaml").read_text())
    raw.update(id="derby", name="Derby", labels={"possessive": "Derby's", "short_name": "Derby"},
               upper_tier=[{"code": "E06000015", "name": "Derby"}], districts=[{"code": "E06000015", "name": "Derby"}])
    raw.pop("framework", None)
    if framework is not None:
        raw["framework"] = framework
    (tmp_path / "derby.yaml").write_text(yaml.safe_dump(raw))
    return tmp_path


def test_the_llr_places_name_their_framework_and_another_council_none(tmp_path):
    for pid in ("leicester", "leicestershire", "rutland", "llr"):
        fw = load_place(pid).framework
        assert isinstance(fw, Framework) and fw.name == "Better health for all" and fw.dashboard_action == 7
    assert load_place("derby", _derby(tmp_path)).framework is None


def test_a_bad_framework_block_names_the_field(tmp_path):
    with pytest.raises(PlaceError, match=r"framework.colour.*unknown key"):
        load_place("derby", _derby(tmp_path, {"name": "X", "description": "d", "audience": "a", "colour": 1}))
    with pytest.raises(PlaceError, match=r"framework.audience.*non-empty"):
        load_place("derby", _derby(tmp_path, {"name": "X", "description": "d"}))


def test_the_index_purpose_is_written_from_the_places_built():
    llr = {"name": "Leicester, Leicestershire and Rutland", "kind": "group",
           "framework": load_place("llr").framework.as_dict()}
    parts = [{"name": n, "kind": "upper_tier", "framework": llr["framework"]}
             for n in ("Leicester", "Leicestershire", "Rutland")]
    p = series_purpose([llr, *parts])
    assert p["title"] == "Joint Strategic Needs Assessment: Leicester, Leicestershire and Rutland"
    assert "under Better health for all, the Leicester, Leicestershire and Rutland health inequalities" in p["paragraphs"][0]
    assert "for each of its 3 upper-tier councils" in p["paragraphs"][0]
    others = series_purpose([{"name": n, "kind": "upper_tier", "framework": None}
                             for n in ("North Yorkshire", "Tower Hamlets", "Northumberland")])
    assert others["title"] == "Joint Strategic Needs Assessment: North Yorkshire, Tower Hamlets and Northumberland"
    words = others["title"] + " ".join(others["paragraphs"])
    assert not any(w in words for w in LLR_WORDS) and "--" not in words
    mixed = series_purpose([parts[0], {"name": "Derby", "kind": "upper_tier", "framework": None}])
    assert "Better health for all" not in " ".join(mixed["paragraphs"])  # named only when every Place has it


def test_the_dashboard_names_a_framework_only_for_a_place_that_has_one(tmp_path):
    llr_words = " ".join(text.how_to_read(load_place("leicester")) + text.method_paragraphs(load_place("leicester")))
    assert "Better health for all" in llr_words and "action 7" in llr_words
    derby = load_place("derby", _derby(tmp_path))
    words = " ".join(text.how_to_read(derby) + text.method_paragraphs(derby))
    assert not any(w in words for w in LLR_WORDS)
    assert "The period nearest 2021, the series' fixed point" in words
