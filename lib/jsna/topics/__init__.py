"""One package per report topic, named as its notebook in notebooks/.

Each package's ``__init__`` declares its :class:`TopicSpec` as ``TOPIC``: id, title, order, a
one-line description, its parameters (:class:`Param`: type, default, help) and whether it applies
to a Place. The runner knows topics only through these specs (:func:`discover`), so it names no
topic and no Place. Under the spec each topic holds its computation (``compute``), figures
(``charts``) and wording (``text``) over the shared layers (``jsna.load``, ``jsna.stats``,
``jsna.report``, ``jsna.maps``, ``jsna.palette``, ``jsna.words``). No topic package imports another.

A spec module imports nothing heavy (no pandas): a no-op build reads every spec.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: kinds of topic parameter: a word from a fixed list, a file (its checksum is a dependency), free text
PARAM_KINDS = ("choice", "file", "text")


@dataclass(frozen=True)
class Param:
    """One parameter of a topic notebook, settable per build with ``--param <topic>.<name>=<value>``."""

    name: str
    kind: str  # one of PARAM_KINDS
    help: str
    default: Any = None  # None: the notebook's own default (e.g. the Place's params)
    choices: tuple[str, ...] = ()
    alias: str = ""  # a documented shorter option of `python -m jsna build`, e.g. "hea-input"

    def check(self, value: str) -> str:
        """The value as passed to the notebook (a file: its resolved path); ValueError saying the fix."""
        if self.kind == "choice" and value not in self.choices:
            raise ValueError(f"{value!r} is not one of {', '.join(self.choices)}")
        if self.kind == "file":
            p = Path(value).expanduser().resolve()
            if not p.is_file():
                what = "is a directory" if p.is_dir() else "does not exist" if not p.exists() else "is not a file"
                raise ValueError(f"{value} {what}: give the path of a file")
            return str(p)
        return value


#: applies_to(place, data_dir, params) -> None when the topic applies, else a note for the index
AppliesTo = Callable[[Any, Path | None, dict[str, str]], str | None]


@dataclass(frozen=True)
class Variant:
    """One named, remembered report of a topic (e.g. one service's audit, from its spec file): built
    as ``<place>/<topic>-<name>.html`` with ``params`` for each of its ``places`` until the file that
    declares it is removed. ``problem`` (the declaring file is invalid) makes its runs fail with that
    message instead of building."""

    name: str  # lower-case letters, digits and '-': part of the report's file name
    title: str
    params: dict[str, str] = field(default_factory=dict)  # the notebook's parameters (file kind: a path)
    places: tuple[str, ...] = ()  # Place ids it is built for (empty: every Place built)
    description: str = ""
    problem: str = ""


#: variants(root) -> the topic's named reports declared under the folder ``root`` (the repository
#: root by default, ``--variants-dir``), each with its parameters
Variants = Callable[[Path], list[Variant]]


@dataclass(frozen=True)
class TopicSpec:
    """What the runner needs to know of a topic (its notebook is ``notebooks/<id>.ipynb``)."""

    id: str
    title: str
    order: int
    description: str
    params: tuple[Param, ...] = ()
    applies_to: AppliesTo | None = field(default=None, compare=False)
    #: named reports of the topic besides its plain one (:class:`Variant`), e.g. one per audit spec
    variants: Variants | None = field(default=None, compare=False)

    def param(self, name: str) -> Param:
        """The named parameter; KeyError listing the valid names."""
        for p in self.params:
            if p.name == name:
                return p
        valid = ", ".join(p.name for p in self.params) or "none"
        raise KeyError(f"topic {self.id!r} has no parameter {name!r} (its parameters: {valid})")

    def skip_reason(self, place: Any, data_dir: Path | None, params: dict[str, str]) -> str | None:
        """None when the topic applies to ``place``, else why not (a note for the index)."""
        return self.applies_to(place, data_dir, params) if self.applies_to else None

    def variant_list(self, root: Path) -> list[Variant]:
        """The topic's variants declared under ``root`` (none without a ``variants`` hook)."""
        return list(self.variants(Path(root))) if self.variants else []


def discover() -> dict[str, TopicSpec]:
    """Every topic package's ``TOPIC``, keyed by id, in order then id."""
    specs = []
    for mod in pkgutil.iter_modules(__path__):
        if mod.ispkg:
            spec = getattr(importlib.import_module(f"{__name__}.{mod.name}"), "TOPIC", None)
            if isinstance(spec, TopicSpec):
                if spec.id != mod.name:
                    raise ValueError(f"jsna.topics.{mod.name}: TOPIC.id is {spec.id!r}; it must be the package name")
                specs.append(spec)
    return {s.id: s for s in sorted(specs, key=lambda s: (s.order, s.id))}


def results(topic_id: str, place: Any, data_dir: Path | None = None, params_dir: Path | None = None,
            **params: Any) -> Any:
    """The one call a topic notebook makes: ``compute(place, inputs.load(place, data_dir, **params))`` of
    the topic package ``topic_id`` (``place`` a Place or its id, loaded from ``params_dir``)."""
    from jsna.places import load_place

    if isinstance(place, str):
        place = load_place(place, params_dir)
    inputs = importlib.import_module(f"{__name__}.{topic_id}.inputs")
    compute = importlib.import_module(f"{__name__}.{topic_id}.compute")
    return compute.compute(place, inputs.load(place, data_dir, **params))
