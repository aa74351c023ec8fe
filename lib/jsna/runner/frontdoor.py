"""Front doors: the figures a Place's page and the series index lead with, and "What this means".

Every figure is a headline record a report declared (:func:`jsna.report.headline` with ``kind`` and
``direction``), stored with the published report: the front door repeats the verdict the report shows
and links to it, so there is one source of truth per figure. Nothing here names a topic or a Place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jsna.words import join_names, plural

#: the order in which the front door takes one figure of each kind, round after round
KIND_ORDER = ("gap", "comparator", "trend", "size")
#: how many figures a front door shows (issue 24: 8 to 10 on the first screen)
FRONT_DOOR_FIGURES = 10


def front_door_records(reports: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The front-door candidates of a Place's reports (each ``{"href", "title", "headlines"}``): every
    headline record with a ``kind``, with the link and title of the report that explains it."""
    out = []
    for r in reports:
        for h in r.get("headlines") or []:
            if isinstance(h, dict) and h.get("kind") and h.get("direction") and h.get("value") is not None:
                href = r["href"] + (f"#{h['section']}" if h.get("section") else "")
                out.append({**h, "href": href, "report": r["title"]})
    return out


#: directions that are no finding (no clear difference, no clear change): shown only when too few findings
QUIET_DIRECTIONS = ("similar", "no clear change", "not compared")


def choose(records: Sequence[Mapping[str, Any]], limit: int = FRONT_DOOR_FIGURES) -> list[dict[str, Any]]:
    """Up to ``limit`` figures: one of each kind in :data:`KIND_ORDER` per round (the best ranked first), so
    a front door shows gap, comparison, trend and size before a second of any; findings (a direction other
    than :data:`QUIET_DIRECTIONS`) before the rest; ties keep the reports' order."""
    chosen: list[dict[str, Any]] = []
    seen: set[str] = set()
    for quiet in (False, True):
        by_kind = {k: sorted((dict(r) for r in records if r.get("kind") == k
                              and (r["direction"] in QUIET_DIRECTIONS) == quiet), key=lambda r: r.get("rank", 999))
                   for k in KIND_ORDER}
        while len(chosen) < limit and any(by_kind.values()):
            for k in KIND_ORDER:
                while by_kind[k]:
                    # the best-ranked figure of an area shown least so far (a group's councils take turns)
                    r = min(by_kind[k], key=lambda c: sum(_area(x) == _area(c) for x in chosen))
                    by_kind[k].remove(r)
                    key = f"{r['href']}|{r['id']}"
                    if key not in seen:
                        seen.add(key)
                        chosen.append(r)
                        break
                if len(chosen) >= limit:
                    break
    return chosen


def _area(rec: Mapping[str, Any]) -> str:
    """The area a figure's label names before its colon ('Leicester: Adults who smoke' -> 'Leicester')."""
    return str(rec["label"]).split(": ", 1)[0] if ": " in str(rec["label"]) else ""


def direction_phrase(rec: Mapping[str, Any]) -> str:
    """The figure's direction as symbol and word together ('▼ worse than England (62.1)')."""
    sym, d, who = rec.get("symbol", ""), rec["direction"], rec.get("compared_with") or ""
    if rec["kind"] == "trend":
        return f"{sym} {d} (recent trend)"
    if rec["kind"] == "gap" and d in ("worse", "better", "similar"):  # the most against the least deprived fifth
        return (f"{sym} no clear difference between the fifths" if d == "similar"
                else f"{sym} {d} in the most deprived fifth")
    if d == "similar":
        return f"{sym} similar to {who}" if who else f"{sym} similar"
    if d == "not compared":
        return f"{sym} not compared"
    return f"{sym} {d} than {who}" if who else f"{sym} {d}"


def value_text(rec: Mapping[str, Any]) -> str:
    """The value as published with its unit ('62.1 per 100,000', '23.4%')."""
    unit = str(rec.get("unit") or "")
    if rec.get("text") == "not available":
        return "not available"
    return f"{rec['text']}{unit}" if unit == "%" else f"{rec['text']} {unit}".strip()


def _in_sentence(label: str, place_name: str) -> str:
    """A figure's label inside a sentence: without the Place's own name in front ('Tower Hamlets: Adults
    who smoke' -> 'adults who smoke'); another area's name (a council of a group) stays."""
    own = label.removeprefix(f"{place_name}: ")
    if own == label:
        return label
    return own[:1].lower() + own[1:] if own[:2] != own[:2].upper() else own


def what_this_means(records: Sequence[Mapping[str, Any]], place_name: str) -> list[str]:
    """Two to four sentences written from every front-door figure of a Place: how its indicators compare
    with England, what is getting worse or better, where the gap between fifths is clear, and its size."""
    out = []
    comp = [r for r in records if r["kind"] == "comparator"]
    if comp:
        n = {w: sum(r["direction"] == w for r in comp) for w in ("worse", "better", "similar")}
        other = len(comp) - sum(n.values())
        parts = [f"{n['worse']} worse", f"{n['better']} better", f"{n['similar']} similar"]
        if other:
            parts.append(f"{other} higher or lower, with no side better")
        out.append(f"Of the {plural(len(comp), 'current indicator')} compared with England for {place_name}, "
                   f"{join_names(parts)}.")
        worst = sorted((r for r in comp if r["direction"] == "worse"), key=lambda r: r.get("rank", 999))[:3]
        if worst:
            out.append("Worse than England: " + join_names([f"{_in_sentence(r['label'], place_name)} ({r['period']})" for r in worst])
                       + (", among others." if n["worse"] > len(worst) else "."))
    trends = [r for r in records if r["kind"] == "trend"]
    for word in ("getting worse", "getting better"):
        these = [r for r in trends if r["direction"] == word]
        if these:
            out.append(f"{plural(len(these), 'indicator')} {'is' if len(these) == 1 else 'are'} {word} over recent "
                       f"years: " + join_names([_in_sentence(r["label"], place_name).removesuffix(", recent trend") for r in these[:3]])
                       + (", among others." if len(these) > 3 else "."))
    if trends and not any(r["direction"] != "no clear change" for r in trends):
        out.append(f"None of the {plural(len(trends), 'indicator')} with a recent trend is clearly getting better "
                   "or worse.")
    gaps = [r for r in records if r["kind"] == "gap"]
    clear = [r for r in gaps if r["direction"] == "worse"]
    if clear:
        out.append("The most deprived fifth of neighbourhoods fares clearly worse than the least deprived on "
                   + join_names([_in_sentence(r["label"], place_name).split(":")[0] for r in clear[:3]]) + ".")
    sizes = sorted((r for r in records if r["kind"] == "size" and r["direction"] in ("higher", "lower")),
                   key=lambda r: r.get("rank", 999))
    if sizes:
        s = sizes[0]
        what = _in_sentence(s["label"], place_name)
        out.append(f"{what[:1].upper()}{what[1:]} is {value_text(s)}, {s['direction']} than {s['compared_with']} "
                   f"({s['period']}).")
    return out


def place_front_door(place: Mapping[str, Any]) -> dict[str, Any]:
    """What a Place's front door shows: its chosen figures and its "What this means" sentences."""
    records = front_door_records(place["reports"])
    figures = choose(records)
    for f in figures:
        f["value_shown"], f["direction_shown"] = value_text(f), direction_phrase(f)
    return {"figures": figures, "meaning": what_this_means(records, place["name"]), "n_candidates": len(records)}


def report_lead(report: Mapping[str, Any]) -> dict[str, Any] | None:
    """The one figure a report shows in the series' Place x topic grid: its best-ranked front-door figure."""
    chosen = choose(front_door_records([report]), limit=1)
    if not chosen:
        return None
    f = chosen[0]
    return {**f, "value_shown": value_text(f), "direction_shown": direction_phrase(f)}
