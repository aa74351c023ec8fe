"""Topic discovery: the topic packages' specs (:mod:`jsna.topics`), each with its notebook."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsna import paths
from jsna.topics import Param, TopicSpec


class BuildError(RuntimeError):
    """A build cannot start (no topics, unknown topic, bad arguments). The message says the fix."""


#: parameters every topic notebook gets from the runner, never from ``--param``
RUNNER_PARAMS = ("place", "data_dir", "params_dir")


@dataclass(frozen=True)
class Topic:
    """A report topic: its notebook and its spec (:class:`jsna.topics.TopicSpec`)."""

    id: str
    title: str
    order: int
    description: str
    path: Path
    params: tuple[Param, ...] = ()
    spec: TopicSpec | None = None

    def skip_reason(self, place: Any, data_dir: Path | None, params: dict[str, str]) -> str | None:
        """None when the topic applies to ``place`` (see :meth:`jsna.topics.TopicSpec.skip_reason`)."""
        return self.spec.skip_reason(place, data_dir, params) if self.spec else None


def notebook_parameters(nb_path: Path) -> list[str]:
    """The names the notebook's ``parameters`` cell assigns (as papermill injects them)."""
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    for cell in nb.get("cells", []):
        if "parameters" in (cell.get("metadata", {}).get("tags") or []):
            text = "".join(cell.get("source") or [])
            return re.findall(r"^([A-Za-z_]\w*)\s*=", text, flags=re.M)
    return []


def discover_topics(notebooks_dir: Path | None = None) -> list[Topic]:
    """Topics in ``notebooks_dir`` (default notebooks/): each notebook named as a topic package of
    :mod:`jsna.topics` takes that package's ``TOPIC``; any other notebook whose metadata has a
    ``jsna`` entry (title, order, description) is a topic too, its parameters those of its
    ``parameters`` cell. Sorted by ``order`` then id. Raises BuildError naming the notebook when its
    metadata is ill-formed (missing title, non-integer order)."""
    from jsna.topics import discover

    d = Path(notebooks_dir or paths.NOTEBOOKS_DIR)
    specs = discover()
    topics = []
    for nb_path in sorted(d.glob("*.ipynb")):
        spec = specs.get(nb_path.stem)
        if spec is not None:
            topics.append(Topic(id=spec.id, title=spec.title, order=spec.order, description=spec.description,
                                path=nb_path, params=spec.params, spec=spec))
            continue
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
        params = tuple(Param(n, "text", "a parameter of the notebook") for n in notebook_parameters(nb_path)
                       if n not in RUNNER_PARAMS)
        topics.append(Topic(id=nb_path.stem, title=info["title"].strip(), order=order,
                            description=str(info.get("description", "")).strip(), path=nb_path, params=params))
    return sorted(topics, key=lambda t: (t.order, t.id))


def topic_params(topics: Sequence[Topic], given: dict[str, dict[str, str]] | None) -> dict[str, dict[str, str]]:
    """``{topic id: {name: value}}`` checked against each topic's parameters (a file's value becomes its
    resolved path); BuildError naming the topic, the parameter and the fix. Topics not selected are
    refused too: a parameter for a topic not built is a typing error, not a no-op."""
    by_id = {t.id: t for t in topics}
    out: dict[str, dict[str, str]] = {t.id: {} for t in topics}
    for tid, values in (given or {}).items():
        if tid not in by_id:
            raise BuildError(f"--param {tid}.…: no topic {tid!r} in this build. Topics: {', '.join(by_id)}")
        names = {p.name: p for p in by_id[tid].params}
        for name, value in values.items():
            if name not in names:
                valid = ", ".join(names) or "none"
                raise BuildError(f"--param {tid}.{name}: topic {tid!r} has no parameter {name!r} "
                                 f"(its parameters: {valid})")
            try:
                out[tid][name] = names[name].check(str(value))
            except ValueError as exc:
                raise BuildError(f"--param {tid}.{name}: {exc}") from exc
    return out


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
