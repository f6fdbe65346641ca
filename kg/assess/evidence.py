"""Reading the evidence of an assessment from a store or endpoint: clusters, indicators, network, roadmap.

Every number comes from a saved SPARQL query (``queries/gp_c*.rq`` for the criteria, the files of
``queries/assessment/`` for the rest), run on any :class:`~kg.query.run.Target`, so the same assessment
comes out of the embedded store and of a SPARQL endpoint. Each query runs once for all clusters.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from kg.assess.model import Model
from kg.assess.network import Member, Tie
from kg.errors import InputError
from kg.ontology import resources
from kg.query.catalogue import SavedQuery, load_query_file
from kg.query.parameters import did_you_mean, prepare
from kg.query.results import Cell, QueryResult
from kg.query.run import Target
from kg.query.sparql_text import without_order

Period = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class ClusterInfo:
    """A cluster as the assessment names it: IRI, label, local id, study and the study's period."""

    iri: str
    label: str
    identifier: str
    study: str | None
    study_period: Period | None


def parse_period(text: str) -> Period:
    """``FROM/TO`` as two ISO dates (``2020-01-01/2021-06-30``) or years (``2020/2021``, whole years)."""
    parts = text.split("/")
    if len(parts) != 2:
        raise InputError(f"--period {text!r} must be FROM/TO, for example 2020-01-01/2021-06-30 or 2020/2021")
    start, end = (_day(p.strip(), first=i == 0, text=text) for i, p in enumerate(parts))
    if start > end:
        raise InputError(
            f"--period {text!r} is empty: it ends before it starts; give FROM/TO with FROM <= TO"
        )
    return start, end


def _day(part: str, *, first: bool, text: str) -> dt.date:
    try:
        if len(part) == 4 and part.isdigit():
            return dt.date(int(part), 1, 1) if first else dt.date(int(part), 12, 31)
        return dt.date.fromisoformat(part)
    except ValueError:
        raise InputError(
            f"--period {text!r}: {part!r} is not a date; write YYYY-MM-DD or a year, "
            "as in 2020-01-01/2021-06-30"
        ) from None


def load_model_query(model: Model, name: str) -> SavedQuery:
    """A query the model names: beside the model file first, then among the shipped saved queries."""
    for folder in (model.path.parent, resources.resource_dir("queries")):
        path = folder / f"{name}.rq"
        if path.is_file():
            return load_query_file(path, name)
    raise InputError(
        f"{model.path}: the model names the query {name!r}, which is neither beside the model "
        f"({model.path.parent / (name + '.rq')}) nor among ICGP's saved queries"
    )


def run_query(target: Target, model: Model, name: str, period: Period | None) -> QueryResult:
    """Run one of the model's queries, with the period as its ``from``/``to`` parameters when given."""
    query = load_model_query(model, name)
    given = {}
    if period is not None:
        given = {"from": period[0].isoformat(), "to": period[1].isoformat()}
        given = {k: v for k, v in given.items() if query.parameter(k) is not None}
    # Every answer is read as a set of rows (results are sorted where order matters), so no store sorts.
    return target.run(without_order(prepare(query, given)))


ASSESSMENT_QUERIES = (
    "assessment/clusters",
    "assessment/network_ties",
    "assessment/members",
    "assessment/roadmap_barriers",
    "assessment/barrier_remedies",
    "assessment/cluster_offers",
    "assessment/passages",
)
"""The queries the assessment reads besides the model's indicator queries."""

_WHOLE_DATA = {"assessment/clusters", "assessment/barrier_remedies", "assessment/passages"}
Answers = Mapping[str, QueryResult]


def fetch(target: Target, model: Model, period: Period | None) -> dict[str, QueryResult]:
    """Every query the assessment reads (the model's and :data:`ASSESSMENT_QUERIES`), each run once.

    They run side by side, a few at a time: the embedded store answers on every core, and an endpoint
    serves concurrent requests, so the assessment takes about as long as its slowest queries."""
    names = [*model.queries(), *ASSESSMENT_QUERIES]
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {
            name: pool.submit(run_query, target, model, name, None if name in _WHOLE_DATA else period)
            for name in names
        }
        return {name: future.result() for name, future in futures.items()}


def rows(result: QueryResult) -> list[dict[str, Cell]]:
    """The answer's rows as dicts of bound cells by variable name."""
    return [
        {name: cell for name, cell in zip(result.variables, row, strict=True) if cell is not None}
        for row in result.rows
    ]


def number(cell: Cell | None) -> float | None:
    """A numeric cell's value; None for an unbound or non-numeric cell."""
    if cell is None or cell.kind != "literal":
        return None
    try:
        return float(cell.value)
    except ValueError:
        return None


def flag(cell: Cell | None) -> bool:
    """An xsd:boolean cell's truth."""
    return cell is not None and cell.value in ("true", "1")


def iris(cell: Cell | None) -> frozenset[str]:
    """The IRIs of a space-joined evidence cell."""
    return frozenset() if cell is None else frozenset(cell.value.split())


def _date(cell: Cell | None) -> dt.date | None:
    if cell is None:
        return None
    try:
        return dt.date.fromisoformat(cell.value[:10])
    except ValueError:
        return None


def clusters(answers: Answers) -> list[ClusterInfo]:
    """Every cluster in the data with its study and the study's period (first study by IRI when several)."""
    found: dict[str, ClusterInfo] = {}
    for row in rows(answers["assessment/clusters"]):
        iri = row["cluster"].value
        start, end = _date(row.get("studyStart")), _date(row.get("studyEnd"))
        study = row["study"].value if "study" in row else None
        info = ClusterInfo(
            iri=iri,
            label=row["clusterLabel"].value if "clusterLabel" in row else iri,
            identifier=row["identifier"].value if "identifier" in row else iri.rsplit("/", 1)[-1],
            study=study,
            study_period=(start, end) if start and end else None,
        )
        known = found.get(iri)
        if known is None or (study is not None and (known.study is None or study < known.study)):
            found[iri] = info
    return sorted(found.values(), key=lambda c: (c.label, c.iri))


@dataclass
class Indicators:
    """Raw indicator values and evidence of every cluster, as the criterion queries return them."""

    values: dict[str, dict[str, dict[str, float | None]]]  # cluster -> criterion -> indicator -> value
    evidence: dict[str, dict[str, frozenset[str]]]  # cluster -> criterion -> IRIs


def indicators(model: Model, answers: Answers) -> Indicators:
    """Read every indicator's column of the criterion queries' answers for every cluster."""
    by_cluster = {
        name: {row["cluster"].value: row for row in rows(answers[name]) if "cluster" in row}
        for name in model.queries()
    }
    values: dict[str, dict[str, dict[str, float | None]]] = defaultdict(lambda: defaultdict(dict))
    evidence: dict[str, dict[str, frozenset[str]]] = defaultdict(lambda: defaultdict(frozenset))
    for criterion in model.criteria:
        for indicator in criterion.indicators:
            if indicator.query is None:
                continue
            answer = answers[indicator.query]
            if indicator.column not in answer.variables:
                raise InputError(
                    f"{model.path}: indicator {indicator.name} of {criterion.notation} reads column "
                    f"{indicator.column!r}, which query {indicator.query} does not return; its columns: "
                    + ", ".join(answer.variables)
                )
            for cluster, row in by_cluster[indicator.query].items():
                values[cluster][criterion.notation][indicator.name] = number(row.get(indicator.column or ""))
                evidence[cluster][criterion.notation] |= iris(row.get("evidence"))
    return Indicators({c: dict(v) for c, v in values.items()}, {c: dict(e) for c, e in evidence.items()})


def network(answers: Answers) -> tuple[dict[str, list[Tie]], dict[str, list[Member]]]:
    """The ties and the members of every cluster in the period, for the network measures."""
    ties: dict[str, list[Tie]] = defaultdict(list)
    for row in rows(answers["assessment/network_ties"]):
        ties[row["cluster"].value].append(
            Tie(
                iri=row["tie"].value,
                source=row["source"].value,
                target=row["target"].value,
                source_group=row["sourceGroup"].value if "sourceGroup" in row else "other",
                target_group=row["targetGroup"].value if "targetGroup" in row else "other",
                source_member=flag(row.get("sourceMember")),
                target_member=flag(row.get("targetMember")),
            )
        )
    members: dict[str, list[Member]] = defaultdict(list)
    for row in rows(answers["assessment/members"]):
        members[row["cluster"].value].append(
            Member(
                row["member"].value, row["group"].value if "group" in row else "other", flag(row.get("core"))
            )
        )
    # The stores return rows in any order; sorted, the graphs are built the same way from every store.
    return (
        {c: sorted(found, key=lambda t: t.iri) for c, found in ties.items()},
        {c: sorted(found, key=lambda m: m.iri) for c, found in members.items()},
    )


def passages(answers: Answers) -> dict[str, str]:
    """The passage of each coded segment that shares it with another (two coders' codings of it)."""
    return {
        row["segment"].value: row["passage"].value
        for row in rows(answers["assessment/passages"])
        if "segment" in row and "passage" in row
    }


@dataclass(frozen=True)
class Barrier:
    """A barrier the cluster's SMEs cite, with the passages citing it (counted once across coders)."""

    iri: str
    label: str
    notation: str
    passages: int
    evidence: frozenset[str]


@dataclass(frozen=True)
class Remedy:
    """A capacity-building activity type that addresses a barrier, with its EDIH services."""

    barrier: str
    activity_type: str
    label: str
    services: tuple[tuple[str, str], ...]


def roadmap_facts(
    answers: Answers,
) -> tuple[dict[str, list[Barrier]], dict[str, list[Remedy]], dict[str, set[str]]]:
    """Barriers cited by each cluster's SMEs, the activity types that address each barrier anywhere in the
    data (with their EDIH services), and the activity types each cluster offers in the period."""
    barriers: dict[str, list[Barrier]] = defaultdict(list)
    for row in rows(answers["assessment/roadmap_barriers"]):
        barriers[row["cluster"].value].append(
            Barrier(
                iri=row["barrier"].value,
                label=row["barrierLabel"].value if "barrierLabel" in row else row["barrier"].value,
                notation=row["notation"].value if "notation" in row else "",
                passages=int(number(row.get("passages")) or 0),
                evidence=iris(row.get("evidence")),
            )
        )
    services: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    labels: dict[tuple[str, str], str] = {}
    for row in rows(answers["assessment/barrier_remedies"]):
        key = (row["barrier"].value, row["activityType"].value)
        labels[key] = row["activityTypeLabel"].value if "activityTypeLabel" in row else key[1]
        if "service" in row:
            services[key][row["service"].value] = row["serviceLabel"].value if "serviceLabel" in row else ""
    remedies: dict[str, list[Remedy]] = defaultdict(list)
    for key in sorted(labels):
        remedies[key[0]].append(Remedy(key[0], key[1], labels[key], tuple(sorted(services[key].items()))))
    offers: dict[str, set[str]] = defaultdict(set)
    for row in rows(answers["assessment/cluster_offers"]):
        offers[row["cluster"].value].add(row["activityType"].value)
    for found in barriers.values():
        found.sort(key=lambda b: (-b.passages, b.notation, b.iri))
    return dict(barriers), dict(remedies), dict(offers)


def period_of(info: ClusterInfo, period: Period | None) -> Period:
    """The period a cluster is assessed over: the one given, else its study's; InputError when neither."""
    if period is not None:
        return period
    if info.study_period is None:
        raise InputError(
            f"cluster {info.identifier!r} ({info.iri}) belongs to no study with a period, so there is no "
            "default assessment period; give one with --period FROM/TO"
        )
    return info.study_period


def select_clusters(found: Sequence[ClusterInfo], wanted: Sequence[str]) -> list[ClusterInfo]:
    """The clusters named by id, IRI or label (all when none are named); unknown names raise InputError."""
    if not wanted:
        if not found:
            raise InputError("the data hold no innovation cluster to assess (no icgp:InnovationCluster)")
        return list(found)
    chosen: list[ClusterInfo] = []
    names = [c.identifier for c in found]
    for name in wanted:
        match = [c for c in found if name in (c.identifier, c.iri) or name.casefold() == c.label.casefold()]
        if not match:
            listed = ", ".join(names) if names else "none"
            raise InputError(
                f"no cluster {name!r} in the data{did_you_mean(name, names)}; the clusters: {listed}"
            )
        chosen += [c for c in match if c not in chosen]
    return chosen
