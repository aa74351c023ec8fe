"""Every number in a generated sentence appears in the table or chart data it describes.

Shared by the topic tests (unit tests on fixtures, integration tests on a built report)::

    from tests.support.numbers import assert_numbers_shown

    assert_numbers_shown(sentences, table, chart_data, allow={95})

:func:`numbers_in` reads the numbers a reader sees in a sentence ("1,234", "-2.0", "3.3",
"95%", "12th"), leaving out what is not a figure: years and periods ("2019", "2016-20",
"2017/18", "2020/21-24/25", "mid-2015", "4 March 2021"), the confidence level of an interval
("95% CI", "the 99.8% level") and every piece of text that is itself a cell of the data (an
indicator's name such as "Obesity at Year 6 (age 10-11)", an area's name, a period label).
:func:`unmatched` returns the numbers no value of the data gives at the precision shown: 4.8
matches 4.8 or 4.83 (rounded to one decimal), a gap stated without its sign matches -4.8, a
percentage matches the same number in a column of percentages, and a number read from a cell of
text ("7.9 to 11.1", "2021/22: 86.2", "12th of 16") matches within the rounding of both. A whole
number may also be a count of the table's rows (:func:`tallies`: "better on 7 of 20 indicators")
or a column's total, and a gap or ratio may be that of two numbers the same sentence shows
("36.4% against 13.7%: 22.7 percentage points"), worked out from them as shown.
Numbers that are part of a name ("aged 0-15", "deciles 1 and 2", "Year 6") are not figures.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
#: periods and dates: never figures (checked against the data's period labels when given)
PERIOD = re.compile(
    r"\b(?:19|20)\d{2}(?:/\d{2}(?:\s?-\s?\d{2}/\d{2})?|\s?-\s?(?:19|20)?\d{2}(?!\d|\.\d|%))?\b"
    r"|\b\d{1,2}\s(?:" + _MONTHS + r")\b"
    r"|\b(?:" + _MONTHS + r")(?:-(?:" + _MONTHS + r"))?\s(?:19|20)\d{2}\b")
#: the confidence level of an interval or test, not a figure
LEVEL = re.compile(r"\b(?:95|99\.8)%(?=\s(?:CI\b|confidence|level|intervals?|Wilson|limits?|control)|\))"
                   r"|\bp [<>] 0\.0*1\b")
#: a unit, not a figure
UNIT = re.compile(r"\bper (?:1|10|100),000\b")
#: numbers that are part of a name: age bands, deciles, quintiles, fifths, school years, stages
NAMED = re.compile(r"\b(?:aged?|ages?) \d+(?:\s?(?:-|to)\s?\d+|\+)?|\b\d+\s?-\s?\d+ year olds\b"
                   r"|\b(?:deciles?|quintiles?|fifths?|quartiles?|Year|stages?|action|under)[- ]\d+"
                   r"(?:(?:,| and| or|-) \d+)*\b|\btype [12]\b|\b(?:most|least) deprived \d+%|\bcovid-19\b", re.IGNORECASE)
NUMBER = re.compile(r"(?<![\w.])([-\u2212+]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%|st\b|nd\b|rd\b|th\b)?")


@dataclass(frozen=True)
class Shown:
    """A number as a sentence shows it."""

    text: str
    value: float
    decimals: int
    percent: bool


def _strip(sentence: str, labels: Iterable[str]) -> str:
    text = sentence
    for lab in sorted({str(s) for s in labels if s and len(str(s)) >= 3}, key=len, reverse=True):
        # a name or label holding numbers ("Year 6 (age 10-11)"), never a number written as text
        if any(ch.isdigit() for ch in lab) and any(ch.isalpha() for ch in lab):
            # a whole label only: "5 (least deprived)" is not the end of "33,755 (least deprived)"
            text = re.sub(rf"(?<![\w,.]){re.escape(lab)}", " ", text, flags=re.IGNORECASE)
    text = NAMED.sub(" ", UNIT.sub(" ", LEVEL.sub(" ", text)))
    return PERIOD.sub(" ", text)


def numbers_in(sentence: str, labels: Iterable[str] = ()) -> list[Shown]:
    """The figures of a sentence, leaving out periods, confidence levels and any of ``labels``
    (text cells of the data: names, periods) that the sentence quotes."""
    out = []
    for m in NUMBER.finditer(_strip(sentence, labels)):
        sign, whole, frac, tail = m.groups()
        value = float(whole.replace(",", "") + ("." + frac if frac else ""))
        if sign in ("-", "\u2212"):
            value = -value
        out.append(Shown(m.group(0), value, len(frac or ""), tail == "%"))
    return out


@dataclass(frozen=True)
class Candidate:
    value: float
    decimals: int | None  # None: an unrounded value of the data


def _from_text(text: str) -> list[Candidate]:
    return [Candidate(s.value, s.decimals) for s in numbers_in(text)]


def _key(v: object) -> str:
    """A cell as a tally counts it: '▲ better (old data)' -> 'better'."""
    text = re.sub(r"\s*\(.*?\)", "", str(v)).strip()
    return re.sub(r"^[^\w]+", "", text).strip().lower()


def tallies(*sources: object) -> set[int]:
    """The counts a sentence may state about the rows of a table: 0, the number of rows, and for
    every column how many rows hold each value (ignoring symbols and bracketed notes, so 'better'
    counts '▲ better (old data)') and how many do not."""
    out = {0}
    for src in sources:
        if not isinstance(src, pd.DataFrame) or src.empty:
            continue
        key = ("tallies", id(src))
        if key not in _LABELS or _LABELS[key][0] is not src:
            n = len(src)
            mine = {n}
            for col in src.columns:
                values = src[col]
                present = values.notna() & ~values.astype(str).isin(["", "not available", "nan", "None"])
                k = int(present.sum())
                mine |= {k, n - k}
                counts = values[present].map(_key).value_counts()
                mine |= {int(c) for c in counts} | {int(n - c) for c in counts} | {int(k - c) for c in counts}
            _LABELS[key] = (src, mine)
        out |= _LABELS[key][1]
    return out


#: candidates and row names of the tables of the check under way (cleared by each assert_*)
_CACHE: dict[int, tuple[pd.DataFrame, list[Candidate], list[str]]] = {}
_LABELS: dict[tuple, tuple[pd.DataFrame, list]] = {}


def candidates(*sources: object) -> tuple[list[Candidate], list[str]]:
    """Every number in the sources (data frames, mappings, numbers, text) and their text cells."""
    nums: list[Candidate] = []
    labels: list[str] = []

    def add(v: object) -> None:
        if v is None or isinstance(v, bool):
            return
        if isinstance(v, int | float):
            if not (isinstance(v, float) and math.isnan(v)):
                nums.append(Candidate(float(v), None))
            return
        if hasattr(v, "item") and not isinstance(v, str):  # numpy scalar
            add(v.item())
            return
        if isinstance(v, str):
            labels.append(v)
            nums.extend(_from_text(v))

    for src in sources:
        if isinstance(src, pd.DataFrame) and id(src) in _CACHE and _CACHE[id(src)][0] is src:
            nums.extend(_CACHE[id(src)][1])
            labels.extend(_CACHE[id(src)][2])
            continue
        if isinstance(src, pd.DataFrame):
            n0, l0 = len(nums), len(labels)
            labels.extend(str(c) for c in src.columns)
            for col in src.columns:
                for v in src[col].tolist():
                    add(v)
                if pd.api.types.is_numeric_dtype(src[col]) and src[col].notna().any():
                    add(float(src[col].sum()))  # a table's total
            _CACHE[id(src)] = (src, nums[n0:], labels[l0:])
        elif isinstance(src, pd.Series):
            for v in src.tolist():
                add(v)
        elif isinstance(src, Mapping):
            for v in src.values():
                add(v)
        elif isinstance(src, str):
            add(src)
        elif isinstance(src, Iterable):
            for v in src:
                add(v)
        else:
            add(src)
    return nums, labels


def _matches(x: Shown, c: Candidate) -> bool:
    for target in (c.value, -c.value):
        if c.decimals is None:
            if round(target, x.decimals) == x.value or abs(target - x.value) < 1e-9:
                return True
        else:
            # shown more coarsely than the cell: within the rounding of both (3.75 may read 3.7 or 3.8)
            tol = 0.5 * 10 ** -x.decimals + 0.5 * 10 ** -c.decimals + 1e-9
            if c.decimals > x.decimals and abs(target - x.value) <= tol:
                return True
            if c.decimals <= x.decimals and abs(target - x.value) < 1e-9:
                return True
    return False


#: a text cell names a row when it is this long (an indicator's or a group's name, not "England")
LABEL_MIN_CHARS = 12


def described_rows(sentence: str, *sources: object, not_labels: Iterable[str] = ()) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """The rows a sentence names, per table: (table, its named rows) for every table one of whose
    distinctive text cells (at least LABEL_MIN_CHARS long, held by at most two rows of its column,
    such as an indicator's name) the sentence quotes; in such a table, rows named by a shorter
    distinctive cell ("White") count as named too. ``not_labels`` (the Place's name, which most
    sentences quote) never name a row."""
    low = sentence.lower()
    for name in not_labels:
        low = re.sub(rf"(?<!\w){re.escape(str(name).lower())}(?!\w)", " ", low)
    out = []
    for src in sources:
        if not isinstance(src, pd.DataFrame) or src.empty:
            continue
        key = ("labels", id(src))
        if key not in _LABELS or _LABELS[key][0] is not src:
            found = []
            for col in src.columns:
                text = src[col].astype(str)
                for v, n in text.value_counts().items():
                    if n <= 2 and len(v) >= 4 and re.search(r"[^\W\d_]{3,}", v):  # "54.8 to 113.1" names no row
                        found.append((v.lower(), len(v) >= LABEL_MIN_CHARS, (text == v).to_numpy()))
            _LABELS[key] = (src, found)
        hit = np.zeros(len(src), dtype=bool)
        short = np.zeros(len(src), dtype=bool)
        for v, long_, mask in _LABELS[key][1]:
            if v in low and re.search(rf"(?<![\w-]){re.escape(v)}(?![\w-])", low):
                if long_:
                    hit |= mask
                else:
                    short |= mask
        if hit.any():  # a table the sentence is about: its shorter names ("White") count too
            out.append((src, src[hit | short]))
    return out


def unmatched(sentence: str, *sources: object, allow: Iterable[float] = (), by_row: bool = True,
              not_labels: Iterable[str] = ()) -> list[str]:
    """The figures of ``sentence`` that no value of ``sources`` gives at the precision shown
    (``allow``: constants the sentence may state, e.g. a reliability minimum).

    A sentence that names rows of a table (:func:`described_rows`, e.g. by the indicator's name)
    is held to those rows; one that names several rows of a table (a chart's description listing
    its groups), to that whole table; one that names none, or any sentence with ``by_row=False``
    (a chart's description checked against that chart's own data), to all the data given."""
    _, labels = candidates(*sources)
    other = [s for s in sources if not isinstance(s, pd.DataFrame)]
    named = described_rows(sentence, *sources, not_labels=not_labels) if by_row else []
    if named:
        tiers = [[rows for _, rows in named] + other,
                 [table for table, rows in named if len(rows) >= 2] + other]
    else:
        tiers = [list(sources)]
    pools = []
    for tier in tiers:
        nums, _ = candidates(*tier)
        pools.append(nums + [Candidate(float(a), None) for a in allow])
    counts = tallies(*sources)
    shown = numbers_in(sentence, labels)
    found = [x for x in shown if any(any(_matches(x, c) for c in pool) for pool in pools)
             or (x.decimals == 0 and not x.percent and x.value in counts)]
    # a gap or ratio of two numbers the sentence itself shows, worked out from them as shown
    derived = {round(abs(a.value - b.value), d) for a in found for b in found for d in range(4)}
    derived |= {round(a.value / b.value, d) for a in found for b in found if b.value for d in range(4)}
    return [x.text for x in shown if x not in found and abs(x.value) not in derived]


def assert_numbers_shown(sentences: str | Iterable[str], *sources: object, allow: Iterable[float] = (),
                         by_row: bool = True) -> None:
    """Fail, naming each sentence and number, when a figure of a sentence is in none of the sources."""
    items = [sentences] if isinstance(sentences, str) else list(sentences)
    allow = list(allow)
    _CACHE.clear()
    _LABELS.clear()
    bad = [(s, u) for s in items if (u := unmatched(s, *sources, allow=allow, by_row=by_row))]
    assert not bad, "numbers not in the data they describe:\n" + "\n".join(f"  {u}: {s}" for s, u in bad)


# ------------------------------------------------------------------ a built report (HTML)
def _soup(page: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(page, "html.parser")


#: what in a report's <main> is not a generated sentence: the notebook's own prose (markdown
#: cells), the methods-and-sources appendix, links to the data and to other reports
NOT_SENTENCES = ("details.jsna-appendix", ".jp-MarkdownCell", "script", "style", "svg", "nav",
                 "p.jsna-data-link", "p.jsna-see-also", "figcaption", "table")


def report_sentences(page: str) -> list[str]:
    """The generated sentences of a built report: paragraphs, list items (the summary box) and
    notes written by the notebook's code, chart text descriptions included."""
    main = _soup(page).find("main")
    for el in main.select(", ".join(NOT_SENTENCES)):
        el.decompose()
    out = []
    for el in main.select("p, li, div.jsna-note"):
        if el.find(["p", "li"]):
            continue  # a container: its paragraphs are read one by one
        text = " ".join(el.get_text(" ", strip=True).split())
        if text:
            out.append(text)
    return out


def _csv(a) -> pd.DataFrame:
    import base64
    import io

    raw = base64.b64decode(a["href"].split(",", 1)[1]).decode("utf-8-sig")
    return pd.read_csv(io.StringIO(raw))


def _text(el) -> str:
    return " ".join(el.get_text(" ", strip=True).split())


def description_checks(page: str) -> list[tuple[str, pd.DataFrame]]:
    """Each chart's text description (paragraph by paragraph) with that chart's own data: the
    "Download the data (CSV)" that follows the figure."""
    main = _soup(page).find("main")
    for el in main.select("details.jsna-appendix"):
        el.decompose()
    out = []
    for det in main.select("details.jsna-description"):
        link = det.find_next("a", href=lambda h: bool(h) and h.startswith("data:text/csv"))
        data = _csv(link) if link is not None else pd.DataFrame()
        out += [(_text(p), data) for p in det.find_all("p") if _text(p)]
    return out


def area_names() -> list[str]:
    """The names of every Place of the series and of its upper-tier authorities, and England's: most
    sentences quote one, so none of them names a row of a table."""
    try:
        from jsna.places import available_places, load_place
    except ImportError:  # pragma: no cover - the helper also works without the package
        return ["England"]
    names = {"England"}
    for pid in available_places():
        place = load_place(pid)
        names |= {place.name, *(a.name for a in place.upper_tier)}
    return sorted(names, key=len, reverse=True)


def assert_report_numbers_shown(page: str, allow: Iterable[float] = ()) -> None:
    """The whole check on a built report: each chart description against its chart's data, every
    other generated sentence against the tables and data of the page (held to the rows it names)."""
    allow = list(allow)
    _CACHE.clear()
    _LABELS.clear()
    data = report_data(page)
    descriptions = description_checks(page)
    described = {s for s, _ in descriptions}
    banner = _soup(page).select_one(".jsna-banner-place")
    places = ([banner.get_text(strip=True)] if banner else []) + area_names()
    bad = [(s, u) for s, d in descriptions if (u := unmatched(s, d, allow=allow, by_row=False))]
    bad += [(s, u) for s in report_sentences(page) if s not in described
            and (u := unmatched(s, *data, allow=allow, not_labels=places))]
    assert not bad, "numbers not in the data they describe:\n" + "\n".join(f"  {u}: {s[:300]}" for s, u in bad)


def report_data(page: str) -> list[pd.DataFrame]:
    """The data a built report shows: every table (cells as shown) and every chart's and table's
    "Download the data (CSV)" (unrounded)."""
    soup = _soup(page)
    frames = []
    for table in soup.select("main table"):
        head = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        rows = [[td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])]
                for tr in table.select("tbody tr")]
        frames.append(pd.DataFrame(rows, columns=head if rows and len(head) == len(rows[0]) else None))
        cap = table.find("caption")
        if cap:
            frames.append(pd.DataFrame({"caption": [cap.get_text(" ", strip=True)]}))
    for a in soup.select('main a[href^="data:text/csv"]'):
        frames.append(_csv(a))
    return frames
