"""Topic discovery: notebooks/*.ipynb whose metadata has a ``jsna`` entry."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jsna import paths


class BuildError(RuntimeError):
    """A build cannot start (no topics, unknown topic, bad arguments). The message says the fix."""


@dataclass(frozen=True)
class Topic:
    """A report topic: one notebook with a ``jsna`` metadata entry."""

    id: str
    title: str
    order: int
    description: str
    path: Path


def discover_topics(notebooks_dir: Path | None = None) -> list[Topic]:
    """Topics in ``notebooks_dir`` (default notebooks/): notebooks whose metadata has ``jsna``.

    Sorted by ``order`` then id. Raises BuildError naming the notebook when its metadata is
    ill-formed (missing title, non-integer order).
    """
    d = Path(notebooks_dir or paths.NOTEBOOKS_DIR)
    topics = []
    for nb_path in sorted(d.glob("*.ipynb")):
        try:
            meta = json.loads(nb_path.read_text(encoding="utf-8")).get("metadata", {})
        except (OSError, ValueError) as exc:
            raise BuildError(f"{nb_path}: cannot read notebook JSON: {exc}") from exc
        info = meta.get("jsna")
        if info is None:
            continue
        if not isinstance(info, dict) or not isinstance(info.get("title"), str) or not info["title"].strip():
            raise BuildError(f"{nb_path}: notebook metadata 'jsna' needs a non-empty 'title' "
                             '(e.g. "jsna": {"title": "...", "order": 1, "description": "..."})')
        order = info.get("order", 999)
        if isinstance(order, bool) or not isinstance(order, int):
            raise BuildError(f"{nb_path}: notebook metadata 'jsna.order' must be an integer, got {order!r}")
        topics.append(Topic(id=nb_path.stem, title=info["title"].strip(), order=order,
                            description=str(info.get("description", "")).strip(), path=nb_path))
    return sorted(topics, key=lambda t: (t.order, t.id))


def select_topics(topics: Sequence[Topic], wanted: Sequence[str] | None) -> list[Topic]:
    """The topics named in ``wanted`` (all when empty); an unknown name lists the valid ones."""
    if not wanted:
        return list(topics)
    by_id = {t.id: t for t in topics}
    unknown = [w for w in wanted if w not in by_id]
    if unknown:
        valid = ", ".join(by_id) or "(none: no notebook has 'jsna' metadata)"
        raise BuildError(f"Unknown topic(s) {', '.join(unknown)}. Valid topics: {valid}")
    return [by_id[w] for w in dict.fromkeys(wanted)]
