"""Topic discovery: the topic packages' specs (:mod:`jsna.topics`), each with its notebook."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
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
    #: a variant of a topic (:class:`jsna.topics.Variant`): the topic it is of, the parameters it
    #: always gets, the Places it is for (empty: every Place) and why it cannot be built ('' = it can)
    base: str = ""
    preset: dict[str, str] = field(default_factory=dict, compare=False)
    places: tuple[str, ...] = ()
    problem: str = ""

    @property
    def package(self) -> str:
        """The topic whose notebook and parameters this report uses (itself, or a variant's topic)."""
        return self.base or self.id

    def for_place(self, place_id: str) -> bool:
        """Whether this report is built for the Place (a variant only for its own Places)."""
        return not self.places or place_id in self.places

    def skip_reason(self, place: Any, data_dir: Path | None, params: dict[str, str]) -> str | None:
        """None when the topic applies to ``place`` (see :meth:`jsna.topics.TopicSpec.skip_reason`);
        a variant applies to each of its own Places."""
        if self.base:
            return None
        return self.spec.skip_reason(place, data_dir, params) if self.spec else None


def variant_topics(topic: Topic, variants_dir: Path | None = None) -> list[Topic]:
    """The variants of ``topic`` declared under ``variants_dir`` (default: the repository root), each a
    report of its own: id ``<topic>-<name>``, the variant's title, parameters and Places."""
    if topic.spec is None:
        return []
    out = []
    for v in topic.spec.variant_list(Path(variants_dir or paths.ROOT)):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", v.name):
            raise BuildError(f"{topic.id}: variant name {v.name!r} must be lower-case letters, digits and '-' "
                             "(it names the report's file): rename the file that declares it")
        preset, problem = {}, v.problem
        names = {p.name: p for p in topic.params}
        try:  # a file that has gone fails the variant's runs, not the build
            preset = {n: names[n].check(str(val)) if n in names else str(val) for n, val in v.params.items()}
        except ValueError as exc:
            problem = problem or str(exc)
        out.append(Topic(id=f"{topic.id}-{v.name}", title=v.title, order=topic.order,
                         description=v.description or topic.description, path=topic.path, params=topic.params,
                         spec=topic.spec, base=topic.id, preset=preset, places=tuple(v.places), problem=problem))
    return out


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


def discover_topics(notebooks_dir: Path | None = None, variants_dir: Path | None = None) -> list[Topic]:
    """Topics in ``notebooks_dir`` (default notebooks/): each notebook named as a topic package of
    :mod:`jsna.topics` takes that package's ``TOPIC``; any other notebook whose metadata has a
    ``jsna`` entry (title, order, description) is a topic too, its parameters those of its
    ``parameters`` cell. A topic's variants (:func:`variant_topics`, declared under ``variants_dir``)
    follow it. Sorted by ``order`` then id. Raises BuildError naming the notebook when its
    metadata is ill-formed (missing title, non-integer order)."""
    from jsna.topics import discover

    d = Path(notebooks_dir or paths.NOTEBOOKS_DIR)
    specs = discover()
    topics = []
    for nb_path in sorted(d.glob("*.ipynb")):
        spec = specs.get(nb_path.stem)
        if spec is not None:
            topic = Topic(id=spec.id, title=spec.title, order=spec.order, description=spec.description,
                          path=nb_path, params=spec.params, spec=spec)
            topics += [topic, *variant_topics(topic, variants_dir)]
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
    for t in topics:  # a variant's own parameters, checked when it was declared
        if not t.problem:
            out[t.id] = dict(t.preset)
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
    """The topics named in ``wanted`` (all when empty), a topic with its variants; an unknown name
    lists the valid ones."""
    if not wanted:
        return list(topics)
    by_id = {t.id: t for t in topics}
    unknown = [w for w in wanted if w not in by_id]
    if unknown:
        valid = ", ".join(by_id) or "(none: no notebook has 'jsna' metadata)"
        raise BuildError(f"Unknown topic(s) {', '.join(unknown)}. Valid topics: {valid}")
    return list({t.id: t for w in dict.fromkeys(wanted) for t in topics if w in (t.id, t.base)}.values())
