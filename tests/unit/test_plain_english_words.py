"""The topics' reader's text holds no build words, code-like names or statistical symbols (issue 25,
item 4): a cheap check of every string the topics' text.py and the shared wording modules write,
before any report is built (tests/support/vocabulary.py). Docstrings and comments are not read;
the appendices' method notes that keep their symbols on purpose are listed below."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.support.vocabulary import phrase_problems

ROOT = Path(__file__).resolve().parents[2]
TEXT_MODULES = sorted((ROOT / "lib" / "jsna" / "topics").glob("*/text.py")) + [
    ROOT / "lib" / "jsna" / "words.py", ROOT / "lib" / "jsna" / "indicators.py"]
#: (module, function) whose words are not the body's: the appendix's methods (symbols belong there)
#: and the nbval check lines (printed for the tests, never shown on the page)
NOT_BODY = {("health_equity_audit/text.py", "overdispersion_data"), ("health_equity_audit/text.py", "method_paragraphs"),
            *((f"{t}/text.py", "check_lines") for t in ("covid_impact", "deprivation", "equity_dashboard",
                                                          "health_equity_audit", "population", "two_babies"))}


def _strings(path: Path):
    """(function, text) of every string constant outside docstrings and error messages (``raise``:
    those are for whoever runs the build), f-string parts included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    skip |= {id(c) for n in ast.walk(tree) if isinstance(n, ast.Raise) for c in ast.walk(n)}
    owner = {id(c): n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) for c in ast.walk(n)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield owner.get(id(node), ""), node.value


@pytest.mark.parametrize("path", TEXT_MODULES, ids=lambda p: str(p.relative_to(ROOT / "lib" / "jsna")))
def test_reader_text_has_no_build_words_code_names_or_symbols(path):
    rel = "/".join(path.parts[-2:])
    found = set()
    for fn, text in _strings(path):
        if (rel, fn) in NOT_BODY or " " not in text.strip():
            continue  # single words are keys and column names, not sentences
        text = re.sub(r"\{[a-z_]+\}", "X", text)  # a str.format template's fields are filled with words
        found |= {f"{fn}: {p} in {text[:80]!r}" for p in phrase_problems(text)}
    assert not found, "\n".join(sorted(found))
