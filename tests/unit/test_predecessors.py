"""data/predecessors.yaml: each new council covers exactly the area of the council it replaced, checked
against the ONS lookups (the April 2019 districts of the earlier council are exactly those the new council's
April 2023 districts were made from)."""

from __future__ import annotations

import pytest
from jsna import geo
from jsna.indicators import IndicatorError, predecessors


@pytest.mark.integration  # reads the ONS lookups in data/raw
def test_every_predecessor_covers_the_same_area():
    entries = predecessors()
    assert entries, "data/predecessors.yaml lists no council"
    c19 = geo.councils(2019).set_index("code")
    c23 = geo.councils(2023).set_index("code")
    bridge = geo.district_bridge()
    for code, p in entries.items():
        old = {d for d, _ in c19.loc[p.predecessor, "districts"]}
        new = {d for d, _ in c23.loc[code, "districts"]}
        came_from = set(bridge.loc[bridge["lad23cd"].isin(new), "lad19cd"])
        assert came_from == old, (code, p.predecessor, sorted(came_from ^ old))
        assert set(bridge.loc[bridge["lad19cd"].isin(old), "lad23cd"]) == new, code
        assert p.source.strip() and p.predecessor_name.strip()


def test_a_bad_entry_is_refused(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("- {code: E06000065, name: North Yorkshire Council, predecessor: E10000023}\n", encoding="utf-8")
    with pytest.raises(IndicatorError, match="must have exactly the fields"):
        predecessors(f)
