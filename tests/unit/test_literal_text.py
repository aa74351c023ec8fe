"""Text reaching matplotlib is never parsed as mathtext: "$5m and $6m" in a Place or practice name
draws literally, and "Dr $x^$ Ltd" (invalid mathtext) does not crash the chart."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import pytest
from jsna import palette
from jsna.report import figure_html

TITLE = "Rutland: $5m and $6m"
BROKEN = "Dr $x^$ Ltd"  # invalid mathtext: a ValueError when parsed


def _rendered(text_obj) -> tuple[str, bool]:
    """(string drawn, drawn as mathtext?) as the renderer gets it."""
    return text_obj._preprocess_math(text_obj.get_text())  # noqa: SLF001 - what draw() uses


def test_palette_import_makes_text_literal():
    palette.apply_style()
    fig, ax = plt.subplots()
    t = ax.set_title(TITLE)
    ax.set_xlabel(BROKEN)
    fig.canvas.draw()  # would raise for BROKEN with mathtext on
    assert _rendered(t) == (TITLE, False)
    assert matplotlib.rcParams["text.parse_math"] is False
    plt.close(fig)


def test_figure_html_renders_literally_even_if_rcparams_were_reset(monkeypatch):
    # a warm kernel restores the rcParams it started with between runs
    monkeypatch.setitem(matplotlib.rcParams, "text.parse_math", True)
    fig, ax = plt.subplots()
    t = ax.set_title(TITLE)
    ax.text(0.5, 0.5, BROKEN)
    with pytest.raises(ValueError):
        fig.canvas.draw()  # the bug: mathtext on, the chart crashes
    assert _rendered(t) == ("Rutland: $5m and $6m", True)
    html = figure_html(fig, alt=TITLE)
    assert html.startswith('<figure class="jsna-figure') and "<svg" in html  # rendered, no crash
    assert "$5m and $6m" in html  # the title is SVG text, drawn as written
    # literal; its text now heads the whole phone drawing (jsna.report.narrow_layout), drawn as written
    assert _rendered(t)[1] is False and html.count("$5m and $6m</text>") == 2
    palette.apply_style()
