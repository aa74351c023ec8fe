"""The record of reads: which catalogued sources the running report has read.

Every catalogued file is read through :func:`jsna.load.verify_input`, which calls :func:`note`.
The record is what a report lists in "About the data", its footer, the index's "Built from" and
its dependency record (``reports/.build/deps.json``), so a report's sources are never typed by hand
and a changed input always rebuilds the reports that read it.

In-process caches of anything built from catalogued files use :func:`recorded_cache` instead of
:func:`functools.lru_cache`: a cache hit notes again the sources its first call read, so a report
served from a warm kernel's cache records the same sources as one run in a fresh kernel.

The build runner resets the record before each run in a warm kernel
(:mod:`jsna.runner.kernel`) and appends one cell to each notebook that shows the final record
(:func:`display_record`, MIME type :data:`READS_MIME`); the worker takes the sources from there.

Examples
--------
>>> reset()
>>> note("imd2019_lsoa"); note("lookup_lsoa11_ew"); note("imd2019_lsoa")
>>> recorded()
['imd2019_lsoa', 'lookup_lsoa11_ew']
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

#: MIME type of the output that carries a run's record of reads into the executed notebook
READS_MIME = "application/vnd.jsna.reads+json"

_record: dict[str, None] = {}  # source ids in the order first read (a dict keeps insertion order)
_frames: list[dict[str, None]] = []  # open recorders of recorded_cache calls, innermost last

F = TypeVar("F", bound=Callable[..., Any])


def note(source_id: str) -> None:
    """Record that the running report read the catalogued source ``source_id``."""
    _record.setdefault(source_id, None)
    for frame in _frames:
        frame.setdefault(source_id, None)


def recorded() -> list[str]:
    """The catalogue ids read since the last :func:`reset`, in the order first read."""
    return list(_record)


def reset() -> None:
    """Start a new record (a new report in a warm kernel)."""
    _record.clear()


def recorded_cache(maxsize: int | None = 128) -> Callable[[F], F]:
    """Like :func:`functools.lru_cache`, for functions that read catalogued sources: a cache hit
    notes the sources the call that filled the entry read (:func:`note`), so the record of reads is
    the same whether a result was computed or served from the cache. Arguments must be hashable."""

    def deco(func: F) -> F:
        cache: dict[Hashable, tuple[Any, tuple[str, ...]]] = {}

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = (args, tuple(sorted(kwargs.items())))
            hit = cache.get(key)
            if hit is not None:
                cache[key] = cache.pop(key)  # most recently used last
                for sid in hit[1]:
                    note(sid)
                return hit[0]
            frame: dict[str, None] = {}
            _frames.append(frame)
            try:
                value = func(*args, **kwargs)
            finally:
                _frames.pop()  # calls nest: the innermost frame is this call's
            cache[key] = (value, tuple(frame))
            while maxsize is not None and len(cache) > maxsize:
                del cache[next(iter(cache))]
            return value

        wrapper.cache_clear = cache.clear  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return deco


def display_record() -> None:
    """Show the record of reads as a :data:`READS_MIME` output (the runner's last cell; the
    export drops it from the page, the executed notebook keeps it)."""
    from IPython.display import display

    display({READS_MIME: {"sources": recorded()}}, raw=True)
