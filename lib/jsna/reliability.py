"""The series' reliability rule: when a gap, ratio or slope between groups of small areas may be stated.

A comparison between deprivation groups of a Place's small areas (local fifths of LSOAs or MSOAs)
is stated only when every group compared meets all three minimums:

* **areas**: at least :data:`MIN_AREAS_PER_GROUP` small areas. With fewer, a "fifth" is one or two
  named neighbourhoods, and a difference describes those places (a care home, a barracks, a
  prison, a university campus) rather than deprivation.
* **population**: at least :data:`MIN_POPULATION_PER_GROUP` residents, the population below which
  PHE's life-expectancy method (PHEindicatormethods ``phe_life_expectancy``) gives no result.
* **events**: at least :data:`MIN_EVENTS_PER_GROUP` events (deaths, cases) for a rate, the count
  below which OHID does not publish a directly standardised rate and uses exact limits for crude
  rates, because a handful of events makes the rate unstable.

A slope index of inequality needs every one of the five groups to pass. OHID follows the same
logic when it publishes no life-expectancy SII for its smallest authorities (e.g. Rutland, the
Isles of Scilly, the City of London). Below the minimums the report says why, in the sentence where
the finding would have been, and points to what the data can support: the whole area against
England, national deprivation groups, and the small-area map.

The rule names no Place: it is applied to the counts of whatever authority a report is built for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jsna.words import fmt_number, join_names, possessive

MIN_AREAS_PER_GROUP = 3
MIN_POPULATION_PER_GROUP = 5_000
MIN_EVENTS_PER_GROUP = 10

GROUP_NAMES = {1: "the most deprived fifth", 5: "the least deprived fifth"}
#: the groups a slope index uses: every fifth must be there and pass
ALL_FIFTHS = (1, 2, 3, 4, 5)


def rule_text() -> str:
    """The rule in one paragraph, for a report's methods section."""
    return (f"Reliability rule: a gap, ratio or slope between the most and least deprived fifths of an area's "
            f"neighbourhoods is stated only when each fifth compared holds at least {MIN_AREAS_PER_GROUP} small "
            f"areas and {fmt_number(MIN_POPULATION_PER_GROUP)} residents, and, for a rate, at least "
            f"{MIN_EVENTS_PER_GROUP} events (deaths or cases); a slope across the gradient needs all five fifths "
            "to pass. Below these minimums a difference would describe particular places, so the report says "
            "why and shows the whole area against England instead. The minimums follow PHE and OHID practice: "
            "life expectancy is not calculated for fewer than 5,000 people, rates rest on at least 10 events, "
            "and no slope index is published for the smallest authorities.")


@dataclass(frozen=True)
class Verdict:
    """Whether a comparison between groups may be stated, and if not, why (plain English)."""

    ok: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)

    def sentence(self, place_name: str, what: str) -> str:
        """The sentence that stands where the finding would have been."""
        if self.ok:
            return ""
        return (f"The report does not compare {what} between the most and least deprived fifths of "
                f"{possessive(place_name)} neighbourhoods: {join_names(list(self.reasons))}. A difference between "
                "so few areas or people would describe particular places rather than deprivation, so "
                "this report shows the whole area against England and the national picture instead.")


def _group_name(g: object) -> str:
    try:
        return GROUP_NAMES.get(int(g), f"fifth {int(g)}")  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(g)


def too_few_to_divide(n_areas: int, area_word: str = "neighbourhood") -> Verdict | None:
    """The verdict for an area with fewer small areas than fifths (e.g. the City of London's one MSOA):
    it cannot be divided into fifths at all. None when it has at least five (then :func:`assess` decides)."""
    if n_areas >= 5:
        return None
    held = "no" if n_areas == 0 else f"only {n_areas}"
    word = area_word if n_areas == 1 else f"{area_word}s"
    return Verdict(ok=False, reasons=(f"it has {held} {word}, too few to divide into fifths (the series needs at "
                                      f"least {MIN_AREAS_PER_GROUP} in each fifth)",))


def assess(groups: pd.DataFrame, group_col: str, n_areas_col: str, population_col: str,
           events_col: str | None = None, area_word: str = "neighbourhood",
           compared: Sequence[object] | None = (1, 5)) -> Verdict:
    """Apply the rule to one row per group (``compared``: the groups a gap compares, e.g. (1, 5);
    :data:`ALL_FIFTHS` for a slope index; None = every group present). Missing groups fail."""
    wanted = list(groups[group_col]) if compared is None else list(compared)
    g = groups.set_index(group_col)
    reasons: list[str] = []
    absent = [w for w in wanted if w not in g.index]
    if absent:
        reasons.append(f"{join_names([_group_name(a) for a in absent])} "
                       f"{'has' if len(absent) == 1 else 'have'} no {area_word}s with data")
    present = [w for w in wanted if w in g.index]
    few = [w for w in present if int(g.at[w, n_areas_col]) < MIN_AREAS_PER_GROUP]
    if few:
        n = sorted({int(g.at[w, n_areas_col]) for w in few})
        held = " or ".join(str(x) for x in n)
        word = area_word if max(n) == 1 else f"{area_word}s"
        who = "each fifth" if len(few) == len(present) else join_names([_group_name(w) for w in few])
        reasons.append(f"{who} {'holds' if len(few) == 1 or who == 'each fifth' else 'hold'} only {held} {word} "
                       f"(the series needs at least {MIN_AREAS_PER_GROUP} in each)")
    small = [w for w in present if float(g.at[w, population_col]) < MIN_POPULATION_PER_GROUP]
    if small:
        reasons.append(f"{join_names([_group_name(w) for w in small])} "
                       f"{'holds' if len(small) == 1 else 'hold'} fewer than "
                       f"{fmt_number(MIN_POPULATION_PER_GROUP)} residents")
    if events_col is not None:
        # a suppressed (missing) count fails too: it is known only to be small
        rare = [w for w in present if not float(g.at[w, events_col]) >= MIN_EVENTS_PER_GROUP]
        if rare:
            counts = join_names([f"{fmt_number(g.at[w, events_col], na='a suppressed count')} in {_group_name(w)}"
                                 for w in rare])
            reasons.append(f"there are too few events for a stable rate ({counts}; at least "
                           f"{MIN_EVENTS_PER_GROUP} are needed in each)")
    return Verdict(ok=not reasons, reasons=tuple(reasons))


#: the most that a Place's population-weighted small-area life expectancy may differ from the published value
#: for the Place, in years, before its small-area levels are not stated (issue 23: a table running 2-4 years high)
LE_LEVEL_TOLERANCE = 1.0


@dataclass(frozen=True)
class LevelCheck:
    """Whether small-area life expectancy levels may be stated for an area (:func:`check_small_area_levels`)."""

    ok: bool
    weighted_mean: float | None
    published: float | None
    reason: str  # "" when ok; else why no level is stated, in plain words


def check_small_area_levels(values: pd.Series, weights: pd.Series, published: float | None, area_name: str,
                            tolerance: float = LE_LEVEL_TOLERANCE) -> LevelCheck:
    """Plausibility of small-area life expectancy before any level is quoted: the population-weighted mean of
    the area's small-area values must be within ``tolerance`` years of the published value for the area
    (nearest period). Areas with no value are left out of the mean (their weight too).

    Examples
    --------
    >>> import pandas as pd
    >>> check_small_area_levels(pd.Series([76.0, 80.0]), pd.Series([1000, 3000]), 79.3, "Somewhere").ok
    True
    >>> check_small_area_levels(pd.Series([81.0, 83.0]), pd.Series([1000, 1000]), 79.3, "Somewhere").reason[:60]
    "Somewhere's neighbourhood life expectancies average 82.0 yea"
    """
    v = pd.to_numeric(values, errors="coerce").to_numpy(float)
    w = pd.to_numeric(weights, errors="coerce").to_numpy(float)
    keep = ~(np.isnan(v) | np.isnan(w))
    if not keep.any() or w[keep].sum() <= 0:
        return LevelCheck(False, None, published, f"no neighbourhood life expectancy is held for {area_name}")
    mean = float((v[keep] * w[keep]).sum() / w[keep].sum())
    if published is None or not np.isfinite(published):
        return LevelCheck(False, mean, None, f"no published life expectancy for {area_name} as a whole is held to "
                                             "check the neighbourhood values against")
    if abs(mean - published) > tolerance:
        return LevelCheck(False, mean, float(published),
                          f"{possessive(area_name)} neighbourhood life expectancies average {mean:.1f} years, against "
                          f"{published:.1f} published for {area_name} as a whole: more than {tolerance:g} year "
                          "apart, so the neighbourhood levels are not stated")
    return LevelCheck(True, mean, float(published), "")
