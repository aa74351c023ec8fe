"""The gap over time as a chart (jsna.gaps.GapHistory): life expectancy of the Place and England, and OHID's
slope index of inequality of the Place and England, by sex, over every period held; the periods used in the
trend test are marked. The alt text and description are written from the same rows."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from jsna.palette import COMPARATOR, OKABE_ITO  # noqa: E402
from jsna.report import Chart, attach_data  # noqa: E402
from jsna.words import gap_over_time_sentences  # noqa: E402

__all__ = ["gap_over_time_chart", "CAPTION"]

SEX_COLOURS = {"Male": OKABE_ITO["blue"], "Female": OKABE_ITO["vermillion"]}
SEX_MARKERS = {"Male": "o", "Female": "s"}
SEX_WORDS = {"Male": "men", "Female": "women"}
CAPTION = ("Life expectancy at birth and the slope index of inequality in life expectancy (the gap between the most "
           "and least deprived ends of the deprivation gradient), the area (solid) against England (dashed), every "
           "three-year period held; filled markers: the non-overlapping periods used to test whether each gap is "
           "narrowing. Sources: OHID Fingertips, ONS.")


def _panel(ax, by_sex, place_name: str, ylabel: str, title: str) -> None:
    for sex, h in by_sex.items():
        if h is None or h.empty:
            continue
        x = list(range(len(h)))
        colour = SEX_COLOURS[sex]
        ax.plot(x, h["value"], color=colour, lw=1.8, label=f"{place_name}, {SEX_WORDS[sex]}")
        ax.plot(x, h["england"], color=colour, lw=1.2, ls="--", label=f"England, {SEX_WORDS[sex]}")
        kept = h["kept"].to_numpy(bool)
        ax.plot([i for i, k in zip(x, kept, strict=True) if k], h.loc[kept, "value"], ls="none",
                marker=SEX_MARKERS[sex], color=colour, markersize=6)
        ax.plot([i for i, k in zip(x, kept, strict=True) if not k], h.loc[~kept, "value"], ls="none",
                marker=SEX_MARKERS[sex], color=colour, markerfacecolor="white", markersize=5)
        ax.set_xticks(x, list(h["period"]), rotation=60, ha="right", fontsize=8)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.set_title(title, fontsize=10, loc="left")
    ax.grid(axis="y", color="#E3E3E3", lw=0.6)
    ax.tick_params(axis="y", labelsize=8, colors="#333333")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(COMPARATOR)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, frameon=False, loc="best")


def gap_over_time_chart(g, place_name: str) -> Chart:
    """Two panels (life expectancy; slope index of inequality) of one area's :class:`jsna.gaps.GapHistory`."""
    fig, axes = plt.subplots(2, 1, figsize=(6.4, 7.6))
    _panel(axes[0], g.le, place_name, "Years", "Life expectancy at birth")
    _panel(axes[1], g.sii, place_name, "Years", "Gap within the area (slope index of inequality)")
    fig.tight_layout()
    n_le = max((len(h) for h in g.le.values()), default=0)
    n_sii = max((len(h) for h in g.sii.values()), default=0)
    alt = (f"Two line charts for {place_name}: life expectancy at birth of men and women against England over "
           f"{n_le} three-year periods, and OHID's slope index of inequality against England's over {n_sii} "
           "periods.")
    attach_data(fig, g.data())
    return Chart(fig, alt, gap_over_time_sentences(g, place_name))
