"""The words a reader must not meet (issue 25, item 4), shared by the scan of built reports
(tests/integration/test_plain_english.py) and the unit check of the topics' wording
(tests/unit/test_plain_english_words.py).

* Build words anywhere on a page: "executed notebook", "built", "first-choice source", "pipeline",
  "extract"; "data held" at most once per report.
* Code-like names in the body: ``under_25``-style identifiers, "(s)" plurals, ISO dates (2021-03-04).
* Statistical symbols in the body: phi, tau, chi-squared, winsorised, d.f. (the appendix keeps them).
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

BUILD_WORDS = re.compile(r"executed notebook|\bbuilt\b|first-choice source|\bpipelines?\b|\bextract(?:s|ed)?\b",
                         re.IGNORECASE)
DATA_HELD = re.compile(r"\bdata held\b", re.IGNORECASE)
CODE_LIKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b|\w\(s\)|\b\d{4}-\d{2}-\d{2}\b")
SYMBOLS = re.compile(r"\bphi\b|\btau\b|tau\u00b2|chi-squared|chi\u00b2|\bwinsori[sz]ed\b|\bd\.f\.|[\u03c6\u03c4\u03c7]",
                     re.IGNORECASE)
URL = re.compile(r"https?://\S+")


def page_text(page: str) -> tuple[str, str]:
    """(all the visible text, the body's text): the body leaves out the Methods and sources appendix,
    the "For reviewers" section and the footer, where methods keep their symbols and sources their
    names; code written as code (``<code>``, e.g. a file's column names) is not prose."""
    soup = BeautifulSoup(page, "html.parser")
    for tag in soup(["script", "style", "svg", "code", "title"]):
        tag.decompose()
    everything = " ".join(URL.sub(" ", soup.get_text(" ")).split())
    for tag in soup.select("details.jsna-appendix, section.jsna-reviewers, footer, details.jsna-vintages"):
        tag.decompose()
    return everything, " ".join(URL.sub(" ", soup.get_text(" ")).split())


def _found(rx: re.Pattern, text: str) -> list[str]:
    return sorted({text[max(0, m.start() - 40):m.end() + 30] for m in rx.finditer(text)})


def problems(page: str) -> list[str]:
    """What a page says that a reader must not meet, each with its context."""
    everything, body = page_text(page)
    out = [f"build word: ...{c}..." for c in _found(BUILD_WORDS, everything)]
    held = DATA_HELD.findall(everything)
    if len(held) > 1:
        out.append(f"'data held' {len(held)} times (at most once): " + "; ".join(_found(DATA_HELD, everything)[:3]))
    out += [f"code-like name: ...{c}..." for c in _found(CODE_LIKE, body)]
    out += [f"statistical symbol outside the appendix: ...{c}..." for c in _found(SYMBOLS, body)]
    return out


def phrase_problems(text: str) -> list[str]:
    """The same checks on one sentence of reader's text (everything counts as body)."""
    out = [f"build word: {m.group(0)!r}" for m in BUILD_WORDS.finditer(text)]
    out += [f"'data held': {m.group(0)!r}" for m in DATA_HELD.finditer(text)]
    out += [f"code-like name: {m.group(0)!r}" for m in CODE_LIKE.finditer(text)]
    out += [f"statistical symbol: {m.group(0)!r}" for m in SYMBOLS.finditer(text)]
    return out
