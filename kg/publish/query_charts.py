"""Charts of saved-query answers: ``icgp query run NAME --chart bar|line|heatmap``.

The query's ``#+ chart-*`` header keys (:class:`kg.query.catalogue.ChartSpec`) name the columns to
plot. Categories are shown as people read them in a table (labels, else prefixed names; see
:func:`kg.query.results.reader`), and every chart is deterministic SVG from :mod:`kg.publish.charts`.
Each bar, line and heatmap is an SVG group with an id of its own (``bar-3``, ``line-1``, ``heatmap``),
so that the drawn marks can be counted and found.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from kg.errors import InputError
from kg.publish.charts import chart_style, new_figure, svg_of
from kg.query.catalogue import SavedQuery
from kg.query.results import Cell, QueryResult, number_of, reader

CHART_KINDS = ("bar", "line", "heatmap")
_KEYS = {
    "bar": "'#+ chart-x: COLUMN' and '#+ chart-y: NUMERIC_COLUMN'",
    "line": "'#+ chart-x: COLUMN' and '#+ chart-y: NUMERIC_COLUMN'",
    "heatmap": "'#+ chart-rows: COLUMN', '#+ chart-cols: COLUMN' and '#+ chart-value: NUMERIC_COLUMN'",
}
# Bars of one category share this much of the space between two categories.
_GROUP_WIDTH = 0.8


@dataclass(frozen=True)
class _Table:
    """The answer's rows as the chart sees them: cells by column name."""

    query: SavedQuery
    result: QueryResult
    show: Callable[[Cell | None], str]

    def column(self, name: str) -> list[Cell | None]:
        if name not in self.result.variables:
            raise InputError(
                f"{self.query.name}: the chart keys name {name!r}, which is not a column of the answer "
                f"(columns: {', '.join(self.result.variables)}); fix the '#+ chart-*' header keys"
            )
        index = self.result.variables.index(name)
        return [row[index] for row in self.result.rows]

    def text(self, name: str) -> list[str]:
        """The column as text for axes and legends (``$`` escaped: matplotlib reads ``$...$`` as maths)."""
        return [" ".join(self.show(c).split()).replace("$", r"\$") for c in self.column(name)]

    def numbers(self, name: str, key: str) -> list[float | None]:
        """A numeric column's values (None where unbound); a bound value that is not a number is refused."""
        values: list[float | None] = []
        for number, cell in enumerate(self.column(name), start=1):
            value = number_of(cell)
            if cell is not None and value is None:
                raise InputError(
                    f"{self.query.name}: column {name!r} is not numeric (row {number}: {cell.value[:40]!r}); "
                    f"name numeric columns under '#+ {key}:'"
                )
            values.append(value)
        return values


def _in_order(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _shown(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))


def _empty(axes: Axes) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, "The query answered no rows.", ha="center", va="center", transform=axes.transAxes)


def _bar(figure: Figure, table: _Table) -> None:
    spec = table.query.chart
    assert spec.x is not None
    categories = table.text(spec.x)
    axes = figure.add_subplot()
    if spec.series:
        series = table.text(spec.series)
        values = table.numbers(spec.y[0], "chart-y")
        groups = _in_order(categories)
        names = _in_order(series)
        bars = [
            (groups.index(c), names.index(s), v) for c, s, v in zip(categories, series, values, strict=True)
        ]
        legend = names
        ticks = groups
    else:
        columns = [table.numbers(y, "chart-y") for y in spec.y]
        bars = [(row, k, col[row]) for row in range(len(categories)) for k, col in enumerate(columns)]
        legend = list(spec.y)
        ticks = categories
    height = _GROUP_WIDTH / len(legend)
    colours = [f"C{k % 10}" for k in range(len(legend))]
    drawn = 0
    for k, name in enumerate(legend):
        # One barh call per legend entry gives one legend handle each; unbound values get no bar.
        mine = [(pos, v) for pos, key, v in bars if key == k and v is not None]
        offset = (k - (len(legend) - 1) / 2) * height
        container = axes.barh(
            [pos + offset for pos, _ in mine],
            [v for _, v in mine],
            height=height,
            color=colours[k],
            label=name,
        )
        for patch in container.patches:
            drawn += 1
            patch.set_gid(f"bar-{drawn}")
        axes.bar_label(container, labels=[_shown(v) for _, v in mine], padding=2, fontsize=7)
    axes.set_yticks(range(len(ticks)), ticks)
    axes.set_ylim(len(ticks) - 0.5, -0.5)  # the first row on top, as in the table
    axes.set_xlabel(spec.y[0] if len(spec.y) == 1 else "value")
    axes.set_ylabel(spec.x)
    if len(legend) > 1:
        axes.legend(title=spec.series, fontsize=7, title_fontsize=7)


def _line(figure: Figure, table: _Table) -> None:
    spec = table.query.chart
    assert spec.x is not None
    axes = figure.add_subplot()
    x_cells = table.column(spec.x)
    x_numbers = [number_of(c) for c in x_cells]
    categorical = any(v is None for v in x_numbers)
    labels = table.text(spec.x)
    positions: list[float]
    if categorical:
        order = _in_order(labels)
        positions = [float(order.index(label)) for label in labels]
        axes.set_xticks(range(len(order)), order, rotation=30, ha="right")
    else:
        positions = [v for v in x_numbers if v is not None]
    if spec.series:
        series = table.text(spec.series)
        values = table.numbers(spec.y[0], "chart-y")
        lines = [
            (name, [(p, v) for p, s, v in zip(positions, series, values, strict=True) if s == name])
            for name in _in_order(series)
        ]
    else:
        lines = [(y, list(zip(positions, table.numbers(y, "chart-y"), strict=True))) for y in spec.y]
    for number, (name, points) in enumerate(lines, start=1):
        kept = sorted((p, v) for p, v in points if v is not None)
        (line,) = axes.plot([p for p, _ in kept], [v for _, v in kept], marker="o", label=name)
        line.set_gid(f"line-{number}")
    axes.set_xlabel(spec.x)
    axes.set_ylabel(spec.y[0] if len(spec.y) == 1 else "value")
    if not categorical and all(v is not None and v.is_integer() for v in x_numbers):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, not 2020.5
    if len(lines) > 1:
        axes.legend(title=spec.series, fontsize=7, title_fontsize=7)


def _heatmap(figure: Figure, table: _Table) -> None:
    spec = table.query.chart
    assert spec.rows is not None and spec.cols is not None and spec.value is not None
    rows, cols = table.text(spec.rows), table.text(spec.cols)
    values = table.numbers(spec.value, "chart-value")
    row_names, col_names = _in_order(rows), _in_order(cols)
    grid = [[math.nan] * len(col_names) for _ in row_names]
    for number, (r, c, v) in enumerate(zip(rows, cols, values, strict=True), start=1):
        cell = (row_names.index(r), col_names.index(c))
        if not math.isnan(grid[cell[0]][cell[1]]):
            raise InputError(
                f"{table.query.name}: row {number} gives a second value for ({r}, {c}); a heatmap needs "
                "one row per pair of '#+ chart-rows:' and '#+ chart-cols:' values"
            )
        grid[cell[0]][cell[1]] = math.nan if v is None else v
    axes = figure.add_subplot()
    mesh = axes.pcolormesh(grid, cmap="Blues", edgecolors="white", linewidth=0.5)
    mesh.set_gid("heatmap")
    known = [v for v in values if v is not None]
    low, high = (min(known), max(known)) if known else (0.0, 0.0)
    for i, line in enumerate(grid):
        for j, v in enumerate(line):
            if math.isnan(v):
                continue
            dark = high > low and (v - low) / (high - low) > 0.6
            axes.text(j + 0.5, i + 0.5, _shown(v), ha="center", va="center", fontsize=7,
                      color="white" if dark else "black")  # fmt: skip
    axes.set_xticks([j + 0.5 for j in range(len(col_names))], col_names, rotation=30, ha="right")
    axes.set_yticks([i + 0.5 for i in range(len(row_names))], row_names)
    axes.set_ylim(len(row_names), 0)
    axes.set_xlabel(spec.cols)
    axes.set_ylabel(spec.rows)
    figure.colorbar(mesh, ax=axes, label=spec.value)


def _size(kind: str, table: _Table) -> tuple[float, float]:
    """Inches: bar charts grow with their bars, heatmaps with their rows, so labels never overlap."""
    spec = table.query.chart
    count = len(table.result.rows)
    if kind == "bar" and spec.x:
        categories = len(_in_order(table.text(spec.x)))
        per = len(_in_order(table.text(spec.series))) if spec.series else len(spec.y)
        return 6.4, max(2.4, 1.2 + 0.22 * categories * max(1, per * 0.7))
    if kind == "heatmap" and spec.rows:
        return 6.4, max(2.4, 1.6 + 0.3 * len(_in_order(table.text(spec.rows))))
    return 6.4, 3.6 if count else 2.4


def require_chart(query: SavedQuery, kind: str) -> None:
    """Raise an InputError naming the header keys to add unless ``query`` can be drawn as ``kind``."""
    if kind not in CHART_KINDS:
        raise InputError(f"unknown chart kind {kind!r}; choose one of {', '.join(CHART_KINDS)}")
    if kind not in query.chart.kinds():
        raise InputError(
            f"{query.name} has no {kind} chart: add {_KEYS[kind]} to its #+ header "
            "(see queries/README.md, 'Charts')"
        )


def chart_svg(
    query: SavedQuery,
    result: QueryResult,
    kind: str,
    labels: Mapping[str, str] | None = None,
    *,
    iris: bool = False,
) -> str:
    """The answer to ``query`` drawn as a ``kind`` chart (bar, line or heatmap), as SVG text.

    ``labels`` (IRI to label, see :func:`kg.query.run.labels_of`) name the categories; ``iris`` shows
    IRIs whole instead. A kind the header does not support, a column the answer lacks and a value
    column that is not numeric are InputErrors that say which header key to add or fix."""
    require_chart(query, kind)
    if result.boolean is not None:
        raise InputError(f"{query.name} is an ASK query; only SELECT answers can be charted")
    table = _Table(query, result, reader(labels, iris=iris))
    title = query.chart.title or query.summary or query.name
    with chart_style():
        figure = new_figure(*_size(kind, table))
        if not result.rows:
            _empty(figure.add_subplot())
        else:
            {"bar": _bar, "line": _line, "heatmap": _heatmap}[kind](figure, table)
        figure.suptitle(title.replace("$", r"\$"), fontsize=10)
        return svg_of(figure, title)


__all__ = ["CHART_KINDS", "chart_svg", "require_chart"]
