"""Network measures of a cluster's interactions within the assessment period, computed with networkx.

The ties come from ``queries/assessment/network_ties.rq``: every interaction in the period with at least
one end a member of the cluster, with each end's firm group (``sme``, ``academia``, ``large``,
``other``) and whether it is a member and a core actor. Three measures feed the model's indicators:

- degree centralisation (Freeman 1979) of the members' internal network: dominance (GP-C1);
- SME-academia reach through brokers (Gould and Fernandez 1989): linkage and bridging (GP-C3);
- the share of ties that end at an SME or startup: spread (GP-C4).

Betweenness centrality and each broker's Gould-Fernandez roles are kept as details for the roadmap and
the report: they name the actors who hold the network together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx

SME, ACADEMIA = "sme", "academia"


@dataclass(frozen=True)
class Tie:
    """One interaction of the period, as the network query returns it."""

    iri: str
    source: str
    target: str
    source_group: str
    target_group: str
    source_member: bool
    target_member: bool


@dataclass(frozen=True)
class Member:
    """A member of the cluster in the period, with its firm group and whether it is a core actor."""

    iri: str
    group: str
    core: bool = False


@dataclass(frozen=True)
class Measure:
    """A network measure's value (None when it cannot be computed) and the ties it was computed from."""

    value: float | None
    evidence: frozenset[str] = frozenset()


@dataclass
class Broker:
    """An actor on the path between others: betweenness and Gould-Fernandez roles."""

    iri: str
    betweenness: float
    roles: Counter[str] = field(default_factory=Counter)


def degree_centralisation(ties: Iterable[Tie], members: Sequence[Member]) -> Measure:
    """Freeman's degree centralisation of the members' undirected network (members without a tie in the
    period count with degree 0): the sum over members of (highest degree - degree), over its maximum
    (n-1)(n-2), reached by a star. None with fewer than three members."""
    internal = [t for t in ties if t.source_member and t.target_member and t.source != t.target]
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(m.iri for m in members)
    graph.add_edges_from((t.source, t.target) for t in internal)
    n = graph.number_of_nodes()
    evidence = frozenset(t.iri for t in internal)
    if n < 3:
        return Measure(None, evidence)
    degrees = [d for _, d in graph.degree()]
    top = max(degrees)
    return Measure(sum(top - d for d in degrees) / ((n - 1) * (n - 2)), evidence)


def ties_reaching_smes(ties: Iterable[Tie]) -> Measure:
    """The share of the cluster's ties whose target is an SME or startup; None without ties."""
    ties = list(ties)
    if not ties:
        return Measure(None)
    reaching = [t for t in ties if t.target_group == SME]
    return Measure(len(reaching) / len(ties), frozenset(t.iri for t in reaching))


def _directed(ties: Iterable[Tie]) -> nx.DiGraph[str]:
    graph: nx.DiGraph[str] = nx.DiGraph()
    for t in ties:
        if t.source == t.target:
            continue
        if graph.has_edge(t.source, t.target):
            graph[t.source][t.target]["ties"].add(t.iri)
        else:
            graph.add_edge(t.source, t.target, ties={t.iri})
    return graph


def gould_fernandez_role(source_group: str, broker_group: str, target_group: str) -> str:
    """The Gould-Fernandez role of a broker on the path source -> broker -> target, by the three groups."""
    if source_group == broker_group == target_group:
        return "coordinator"
    if source_group == target_group:
        return "itinerant"  # also called consultant: both ends in one group, the broker outside it
    if broker_group == target_group:
        return "gatekeeper"
    if broker_group == source_group:
        return "representative"
    return "liaison"


def sme_academia_reach(ties: Sequence[Tie], members: Sequence[Member]) -> Measure:
    """The share of the cluster's SME and startup members tied to a university or research organisation,
    directly (either direction) or through one broker on a directed two-step path without a direct tie
    between the ends; None when the cluster has no SME members. Evidence: the ties on those paths."""
    smes = [m.iri for m in members if m.group == SME]
    if not smes:
        return Measure(None)
    graph = _directed(ties)
    groups = _groups(ties)
    reached: set[str] = set()
    evidence: set[str] = set()
    for sme in smes:
        if sme not in graph:
            continue
        for ties_used in _reaching(graph, sme, groups):
            reached.add(sme)
            evidence |= ties_used
    return Measure(len(reached) / len(smes), frozenset(evidence))


def _groups(ties: Iterable[Tie]) -> dict[str, str]:
    groups: dict[str, str] = {}
    for t in ties:
        groups[t.source] = t.source_group
        groups[t.target] = t.target_group
    return groups


def _reaching(graph: nx.DiGraph[str], sme: str, groups: dict[str, str]) -> Iterable[set[str]]:
    """The ties on each way the SME reaches an academic actor: directly, or through one broker."""
    for n in graph.successors(sme):
        if groups.get(n) == ACADEMIA:
            yield set(graph[sme][n]["ties"])
    for n in graph.predecessors(sme):
        if groups.get(n) == ACADEMIA:
            yield set(graph[n][sme]["ties"])
    # SME -> broker -> academia, and academia -> broker -> SME: a brokered path needs no direct tie.
    for broker in graph.successors(sme):
        for end in graph.successors(broker):
            if end != sme and groups.get(end) == ACADEMIA and not _linked(graph, sme, end):
                yield graph[sme][broker]["ties"] | graph[broker][end]["ties"]
    for broker in graph.predecessors(sme):
        for start in graph.predecessors(broker):
            if start != sme and groups.get(start) == ACADEMIA and not _linked(graph, start, sme):
                yield graph[start][broker]["ties"] | graph[broker][sme]["ties"]


def _linked(graph: nx.DiGraph[str], a: str, b: str) -> bool:
    return bool(graph.has_edge(a, b) or graph.has_edge(b, a))


def brokers(ties: Sequence[Tie], limit: int = 5) -> list[Broker]:
    """The actors with the highest betweenness centrality (networkx, normalised, directed), each with the
    counts of its Gould-Fernandez roles on open two-step paths (no tie either way between the ends, as in
    :func:`sme_academia_reach`); actors with no betweenness are left out."""
    graph = _directed(ties)
    if graph.number_of_nodes() < 3:
        return []
    groups = _groups(ties)
    centrality = nx.betweenness_centrality(graph, normalized=True)
    ranked = sorted((c, n) for n, c in centrality.items() if c > 0)
    ranked.sort(key=lambda pair: (-pair[0], pair[1]))
    found = []
    for value, node in ranked[:limit]:
        broker = Broker(node, value)
        for start in graph.predecessors(node):
            for end in graph.successors(node):
                if start != end and not _linked(graph, start, end):
                    broker.roles[gould_fernandez_role(groups[start], groups[node], groups[end])] += 1
        found.append(broker)
    return found
