"""Every public jsna.stats function has numpy-style "References" and "Examples" sections, and its
Example runs under doctest with the printed output shown in the docstring.

The examples run with empty globals (each imports what it uses) and with StatsWarning as an
error, so a documented example is self-contained and shows a clean result.
"""

from __future__ import annotations

import doctest
import inspect
import io
import warnings

import pytest
from jsna import stats

PUBLIC_FUNCTIONS = sorted(name for name in stats.__all__ if inspect.isfunction(getattr(stats, name)))


def _section(doc: str, title: str) -> str | None:
    """Text of the numpy-style section `title` (heading underlined with dashes), or None."""
    lines = doc.splitlines()
    for i, (line, rule) in enumerate(zip(lines, lines[1:], strict=False)):
        if line.strip() == title and rule.strip() == "-" * len(title):
            body = []
            for nxt, after in zip(lines[i + 2:], [*lines[i + 3:], ""], strict=True):
                if after.strip() and set(after.strip()) == {"-"} and nxt.strip():
                    break  # the next section's heading
                body.append(nxt)
            return "\n".join(body)
    return None


def test_public_functions_are_listed():
    assert {"proportion", "rate", "mean", "dsr", "isr", "isratio", "quantiles", "sii",
            "life_expectancy", "funnel_limits", "funnel_significance",
            "wilson_limits", "byars_limits", "exact_limits"} <= set(PUBLIC_FUNCTIONS)


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_docstring_has_references_and_examples(name):
    doc = inspect.getdoc(getattr(stats, name)) or ""
    refs = _section(doc, "References")
    examples = _section(doc, "Examples")
    assert refs is not None, f"jsna.stats.{name}: docstring has no 'References' section"
    assert examples is not None, f"jsna.stats.{name}: docstring has no 'Examples' section"
    # the R function mirrored, or a statement that PHEindicatormethods has none
    assert "PHEindicatormethods" in refs, f"jsna.stats.{name}: References do not name the R function"
    assert ">>> " in examples, f"jsna.stats.{name}: Examples section has no doctest example"


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_docstring_example_runs(name):
    func = getattr(stats, name)
    tests = doctest.DocTestFinder(recurse=False).find(func, f"jsna.stats.{name}", globs={})
    assert tests and any(t.examples for t in tests), f"jsna.stats.{name}: no doctest examples"
    runner = doctest.DocTestRunner(verbose=False)
    report = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error", stats.StatsWarning)
        for test in tests:
            runner.run(test, out=report.write)
    assert runner.summarize(verbose=False).failed == 0, report.getvalue()
