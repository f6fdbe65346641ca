"""The report's charts, drawn with matplotlib as inline SVG that reads aloud and is the same on every run.

Each function takes plain numbers and labels and returns SVG text (see :func:`inline_svg`); the caller
keeps the numbers for the chart's data table, so chart and table show the same data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from kg.assess.network import Member, Tie
from kg.publish.charts import chart_style, new_figure, svg_of

# Colours that stay apart for the common colour-vision deficiencies (Okabe and Ito 2008).
GROUP_COLOURS = {"sme": "#E69F00", "academia": "#0072B2", "large": "#CC79A7", "other": "#999999"}
GROUP_NAMES = {
    "sme": "SMEs and startups",
    "academia": "Universities and research",
    "large": "Large enterprises",
    "other": "Other actors",
}
HOLDS, FAILS, THIN = "#0072B2", "#9ECAE9", "#DDDDDD"
NETWORK_LIMIT = 150
"""The most nodes a network chart draws: beyond it, the ones with the highest betweenness."""

_SEED = 7  # the layout seed: the same network is drawn the same way every time
_ID = re.compile(r'(\bid="|url\(#|href="#)')


def inline_svg(figure: Figure, chart_id: str, title: str, description: str) -> str:
    """The figure as SVG to place inside HTML: ids prefixed with ``chart_id`` (many charts share one page),
    ``role="img"`` with a ``<title>`` and ``<desc>`` that name and describe it, no metadata block."""
    with chart_style():
        text = svg_of(figure)
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.DOTALL)
    text = _ID.sub(lambda m: f"{m.group(1)}{chart_id}-", text)
    head, rest = text.split(">", 1)
    aria = f' role="img" aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc"'
    return (
        f'{head}{aria}>\n <title id="{chart_id}-title">{html.escape(title)}</title>\n'
        f' <desc id="{chart_id}-desc">{html.escape(description)}</desc>{rest}'
    )


# Margins are set by hand from the labels' lengths: matplotlib's constrained layout would measure every
# text by drawing the figure once more, which on a study of a hundred clusters is most of the time spent.
_CHAR = 0.066  # inches: the mean width of a 9-point DejaVu Sans character
_LABEL_CHARS = 48  # longer tick labels are cut, so that one long name does not squeeze the bars


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "\u2026"


def _place(figure: Figure, axes: Axes, rect: tuple[float, float, float, float]) -> None:
    """Put ``axes`` at ``rect`` = (left, bottom, right, top) inches from the figure's lower left corner."""
    width, height = figure.get_size_inches()
    left, bottom, right, top = rect
    axes.set_position((left / width, bottom / height, (right - left) / width, (top - bottom) / height))


def _figure(width: float, height: float, labels: Sequence[str] = ()) -> tuple[Figure, Axes]:
    """A figure with one axes, leaving room on the left for the longest of ``labels``."""
    with chart_style():
        figure = new_figure(width, height)
        figure.set_layout_engine(None)
        axes = figure.add_subplot()
        left = 0.25 + _CHAR * max((len(_short(t)) for t in labels), default=0)
        _place(figure, axes, (left, 0.5, width - 0.2, height - 0.1))
        return figure, axes


def _bar_height(count: float) -> float:
    return max(1.6, 0.32 * count + 0.9)


@dataclass(frozen=True)
class Score:
    """One criterion on the profile chart."""

    notation: str
    label: str
    score: float | None
    threshold: float
    holds: bool
    sufficient: bool
    negative: bool


def profile_chart(scores: Sequence[Score], chart_id: str, title: str, description: str) -> str:
    """Horizontal bars of the criterion scores (0..1) with each criterion's threshold as a black tick."""
    with chart_style():
        names = [f"{s.notation} {s.label}" + (" (lower is better)" if s.negative else "") for s in scores]
        figure, axes = _figure(6.4, _bar_height(len(scores)), names)
        positions = list(range(len(scores)))[::-1]
        colours = [HOLDS if s.holds else FAILS if s.sufficient else THIN for s in scores]
        axes.barh(positions, [s.score or 0.0 for s in scores], color=colours, height=0.6)
        axes.scatter(
            [s.threshold for s in scores], positions, marker="|", s=260, color="black", zorder=3, linewidths=2
        )
        for y, s in zip(positions, scores, strict=True):
            if s.score is None:
                axes.text(0.01, y, "no score", va="center", fontsize=8)
        axes.set_yticks(positions, [_short(t) for t in names])
        axes.set_xlim(0, 1)
        axes.set_xlabel("score (bar) against the threshold (black tick)")
        return inline_svg(figure, chart_id, title, description)


def hbar_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    chart_id: str,
    title: str,
    description: str,
    xlabel: str,
    *,
    stacked: bool = False,
    colours: Sequence[str] = ("#E69F00", "#CC79A7", "#0072B2", "#999999"),
) -> str:
    """Horizontal bars of one or more series per label, side by side or stacked, with a legend when
    there is more than one series."""
    with chart_style():
        rows = len(labels) * (1 if stacked else max(1, len(series)) * 0.7)
        figure, axes = _figure(6.4, _bar_height(rows), labels)
        positions = list(range(len(labels)))[::-1]
        count = len(series)
        height = 0.7 if stacked or count == 1 else 0.8 / count
        left = [0.0] * len(labels)
        for index, (name, values) in enumerate(series.items()):
            colour = colours[index % len(colours)]
            if stacked:
                axes.barh(positions, values, left=left, height=height, color=colour, label=name)
                left = [a + b for a, b in zip(left, values, strict=True)]
            else:
                offset = (index - (count - 1) / 2) * height
                axes.barh([p - offset for p in positions], values, height=height, color=colour, label=name)
        axes.set_yticks(positions, [_short(t) for t in labels])
        axes.set_xlabel(xlabel)
        if count > 1:
            axes.legend(loc="lower right", frameon=False, fontsize=8)
        return inline_svg(figure, chart_id, title, description)


def spread_chart(
    inside: int | None,
    outside: int | None,
    reached_gain: float | None,
    not_reached_gain: float | None,
    chart_id: str,
    title: str,
    description: str,
) -> str:
    """Two panels: the SMEs reached inside and outside the core region; the mean maturity gain T0 to T1 of
    the SMEs reached and not reached (a missing number is drawn as no bar and said in words)."""
    with chart_style():
        figure = new_figure(6.4, 2.0)
        figure.set_layout_engine(None)
        left, right = figure.subplots(1, 2)
        _place(figure, left, (1.3, 0.5, 3.1, 1.9))
        _place(figure, right, (4.2, 0.5, 6.2, 1.9))
        for axes, names, values, xlabel in (
            (left, ["inside the core", "outside the core"], [inside, outside], "SMEs and startups reached"),
            (right, ["reached", "not reached"], [reached_gain, not_reached_gain], "mean DMA gain (points)"),
        ):
            positions = [1, 0]
            axes.barh(positions, [v or 0 for v in values], color=["#0072B2", "#E69F00"], height=0.6)
            for y, v in zip(positions, values, strict=True):
                if v is None:
                    axes.text(0, y, " no data", va="center", fontsize=8)
            axes.set_yticks(positions, names)
            axes.set_xlabel(xlabel)
            axes.axvline(0, color="black", linewidth=0.6)
        return inline_svg(figure, chart_id, title, description)


@dataclass(frozen=True)
class NetworkSize:
    """What a network chart shows: how many actors and ties the network has, how many actors have a tie and
    how many the chart draws."""

    actors: int
    ties: int
    connected: int
    shown: int


def _network(ties: Sequence[Tie], members: Sequence[Member]) -> tuple[nx.DiGraph[str], dict[str, str]]:
    """The directed actor network of ``members`` and ``ties`` (self-ties left out), and each actor's group."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    groups: dict[str, str] = {m.iri: m.group for m in members}
    graph.add_nodes_from(sorted(m.iri for m in members))
    for t in ties:
        groups.setdefault(t.source, t.source_group)
        groups.setdefault(t.target, t.target_group)
        if t.source != t.target:
            graph.add_edge(t.source, t.target)
    return graph, groups


def network_size(ties: Sequence[Tie], members: Sequence[Member]) -> NetworkSize:
    """The counts :func:`network_chart` draws from, without drawing (for the caption)."""
    graph, _ = _network(ties, members)
    connected = sum(1 for n in graph.nodes if graph.degree(n) > 0)
    return NetworkSize(
        graph.number_of_nodes(), graph.number_of_edges(), connected, min(connected, NETWORK_LIMIT)
    )


def network_chart(
    ties: Sequence[Tie],
    members: Sequence[Member],
    named: Mapping[str, str],
    chart_id: str,
    title: str,
    description: str,
) -> str:
    """The actor network: nodes coloured by group, sized by betweenness (directed, normalised, as the
    assessment computes it), the ``named`` actors (anchors and brokers) labelled. Above
    :data:`NETWORK_LIMIT` actors only those with the highest betweenness are drawn."""
    graph, groups = _network(ties, members)
    centrality = nx.betweenness_centrality(graph, normalized=True) if graph.number_of_nodes() > 2 else {}
    # Members without a tie in the period would only be scattered around the drawing's edge.
    linked = [n for n in graph.nodes if graph.degree(n) > 0]
    nodes = sorted(linked, key=lambda n: (-centrality.get(n, 0.0), n not in named, n))
    shown = sorted(nodes[:NETWORK_LIMIT])
    sub = nx.DiGraph(graph.subgraph(shown))
    undirected: nx.Graph[str] = nx.Graph()
    undirected.add_nodes_from(shown)
    undirected.add_edges_from(sorted(sub.edges))
    layout = nx.spring_layout(undirected, seed=_SEED) if shown else {}
    with chart_style():
        figure, axes = _figure(6.4, 4.8)
        _place(figure, axes, (0.1, 0.1, 5.3, 4.7))  # room on the right for the last labels
        axes.set_axis_off()
        # One collection for all ties: an artist per tie would make big networks slow to draw.
        segments = [(tuple(layout[s]), tuple(layout[t])) for s, t in sorted(sub.edges)]
        axes.add_collection(LineCollection(segments, colors="#BBBBBB", linewidths=0.5, zorder=1))
        for group in GROUP_COLOURS:
            chosen = [n for n in shown if groups.get(n, "other") == group]
            if not chosen:
                continue
            axes.scatter(
                [layout[n][0] for n in chosen],
                [layout[n][1] for n in chosen],
                s=[
                    20 + 600 * centrality.get(n, 0.0) / max(max(centrality.values(), default=0), 1e-9)
                    for n in chosen
                ],
                color=GROUP_COLOURS[group],
                edgecolors="white",
                linewidths=0.5,
                zorder=2,
                label=GROUP_NAMES[group],
            )
        for node in shown:
            if node in named:
                x, y = layout[node]
                axes.annotate(named[node], (x, y), fontsize=7, xytext=(4, 4), textcoords="offset points")
        if shown:
            axes.legend(loc="lower left", frameon=False, fontsize=7, markerscale=0.6)
        else:
            axes.text(0.5, 0.5, "no ties in the period", ha="center", va="center", transform=axes.transAxes)
        return inline_svg(figure, chart_id, title, description)
