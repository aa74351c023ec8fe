"""The reports a build publishes for a Place: every discovered topic, a topic with variants (the
Health Equity Audit's audits/<name>.yaml) by its variants' names instead of its own."""

from __future__ import annotations

from jsna.runner.topics import discover_topics


def published_topic_ids() -> list[str]:
    """Page names (``<place>/<id>.html``) of a plain build: a topic whose variants are declared is
    published under each variant's id (``<topic>-<name>``), not its own."""
    ids = [t.id for t in discover_topics()]
    return [i for i in ids if not any(j.startswith(i + "-") for j in ids)]


def audit_example_id() -> str:
    """The page name of the shipped synthetic audit example (audits/synthetic-*.yaml)."""
    return next(i for i in published_topic_ids() if i.startswith("health_equity_audit-synthetic"))
