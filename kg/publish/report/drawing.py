"""Drawing the report's charts: each chart is first described, then all are drawn together, on several
cores when there are many.

Drawing is most of a large report's time (a hundred clusters give several hundred charts), and each chart
is independent of the others, so they are drawn in worker processes and put back in page order. A chart
drawn in a worker is the same SVG, byte for byte, as one drawn in this process: the figure functions read
nothing but their arguments and the fixed chart style.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import pickle
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ParamSpec

P = ParamSpec("P")

PARALLEL_FROM = 48
"""The fewest charts worth starting worker processes for (each costs about a second to start)."""
MAX_WORKERS = 4


@dataclass(frozen=True)
class Chart:
    """A chart to draw later: a module-level figure function and its arguments (picklable, so that a worker
    process can draw it)."""

    draw: Callable[..., str]
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def drawn(self) -> str:
        """The chart's SVG text."""
        return self.draw(*self.args, **self.kwargs)


def chart(draw: Callable[P, str], *args: P.args, **kwargs: P.kwargs) -> Chart:
    """The chart ``draw(*args, **kwargs)`` would give, drawn when the page is finished."""
    return Chart(draw, args, kwargs)


def default_workers(charts: int) -> int:
    """How many processes draw ``charts`` charts: one for a small report, else one per available core (at
    most :data:`MAX_WORKERS`)."""
    if charts < PARALLEL_FROM:
        return 1
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0))))


def _drawn(one: Chart) -> str:
    return one.drawn()


@functools.lru_cache(maxsize=256)
def _drawn_from(description: bytes) -> str:
    chart: Chart = pickle.loads(description)  # our own pickle of a Chart, made just now
    return chart.drawn()


def drawn_once(one: Chart) -> str:
    """The chart's SVG, drawn once per process for the same figure function and arguments.

    A process that writes several reports of the same data (a test run makes dozens of releases of one
    study) draws each chart once: a chart depends on nothing but its description and the fixed chart
    style. The description's pickle is the key; a chart that cannot be pickled is drawn every time."""
    try:
        key = pickle.dumps(one, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return one.drawn()
    return _drawn_from(key)


def draw_all(charts: Sequence[Chart], workers: int | None = None) -> list[str]:
    """The SVG of every chart, in order; ``workers`` processes draw them (default: :func:`default_workers`).

    Workers are started fresh ("spawn"), never forked: the caller may hold an open store and threads."""
    count = default_workers(len(charts)) if workers is None else workers
    if count <= 1:
        return [drawn_once(one) for one in charts]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(count, mp_context=context) as pool:
        # Chunks of a few charts keep the pickling overhead small while the cores stay evenly loaded.
        return list(pool.map(_drawn, charts, chunksize=4))
