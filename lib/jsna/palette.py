"""The one palette of the series. Colour-blind safe; deprivation runs darkest (most deprived)
to lightest (least deprived). Significance is always shown by symbol and word too, never by
colour alone.
"""

from __future__ import annotations

import matplotlib
from matplotlib import colormaps
from matplotlib.colors import to_hex


def apply_style() -> None:
    """The series' matplotlib settings; idempotent. Text is never read as mathtext: a Place or
    practice name such as "$5m and $6m" must draw literally, and "$\\x" must not crash a chart.
    Run at import of this module (every chart module imports it); a warm kernel that restores
    rcParams between runs must call it again after the restore (jsna.runner.kernel.snapshot_state does)."""
    matplotlib.rcParams["text.parse_math"] = False


def literal_text(fig, texts=None) -> None:
    """Make every Text of an existing figure (or the given ``texts`` of it) literal (no mathtext),
    whatever rcParams said when it was made: the last line of defence, applied by jsna.report
    before a figure is rendered."""
    from matplotlib.text import Text

    for t in fig.findobj(Text) if texts is None else texts:
        t.set_parse_math(False)


apply_style()

# Okabe & Ito (2008) colour-universal-design palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# The two babies / most vs least deprived comparisons.
MOST_DEPRIVED = OKABE_ITO["vermillion"]
LEAST_DEPRIVED = OKABE_ITO["blue"]
PLACE = OKABE_ITO["black"]
COMPARATOR = "#767676"  # England benchmark grey (4.5:1 contrast on white)

_DEPRIVATION_MAP = "viridis"  # perceptually uniform, colour-blind safe, prints in greyscale


def deprivation_colours(n: int) -> list[str]:
    """n colours for ordered deprivation groups, group 1 (most deprived) darkest."""
    cmap = colormaps[_DEPRIVATION_MAP]
    if n == 1:
        return [to_hex(cmap(0.0))]
    return [to_hex(cmap(0.95 * i / (n - 1))) for i in range(n)]


DECILE_COLOURS = deprivation_colours(10)
QUINTILE_COLOURS = deprivation_colours(5)
DEPRIVATION_CMAP = _DEPRIVATION_MAP

# Benchmark comparison (spine charts): colour + marker + word.
SIGNIFICANCE = {
    "better": {"colour": OKABE_ITO["blue"], "marker": "^", "symbol": "▲", "label": "Better than England"},
    "similar": {"colour": OKABE_ITO["orange"], "marker": "o", "symbol": "●", "label": "Similar to England"},
    "worse": {"colour": OKABE_ITO["vermillion"], "marker": "v", "symbol": "▼", "label": "Worse than England"},
    "not compared": {"colour": "#BBBBBB", "marker": "s", "symbol": "■", "label": "Not compared"},
}

SERIES = [OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple",
                                 "sky_blue", "black")]
