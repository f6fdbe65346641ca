"""Reading the evidence of an assessment from a store or endpoint: clusters, indicators, network, roadmap.

Every number comes from a saved SPARQL query (``queries/gp_c*.rq`` for the criteria, the files of
``queries/assessment/`` for the rest), run on any :class:`~kg.query.run.Target`, so the same assessment
comes out of the embedded store and of a SPARQL endpoint. Each query runs once for all clusters, and
:func:`gather` reads each answer into per-cluster values as it comes, so that memory holds the evidence,
not every answer at once (issue 18: at 10 M triples a single answer is hundreds of megabytes).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from kg.assess.model import Model
from kg.assess.network import Member, Tie
from kg.errors import InputError
from kg.ontology import resources
from kg.query.catalogue import SavedQuery, load_query_file
from kg.query.parameters import did_you_mean, prepare
from kg.query.results import Cell, QueryResult
from kg.query.run import StoreTarget, Target
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
Pool = dict[str, str]
"""One string for every IRI read so far: the same evidence IRIs come back for many clusters (GP-C4 names
every SME it did not reach for each cluster), so each is kept once, not once per cluster."""

ENDPOINT_WORKERS = 4
"""Queries sent to an endpoint at once: it serves concurrent requests, and only the answers come here."""


def each_answer(
    target: Target, model: Model, period: Period | None, names: Iterable[str]
) -> Iterator[tuple[str, QueryResult]]:
    """Run the named queries (:func:`run_query`; the whole-data ones without the period) and yield each
    answer in the order named.

    The embedded store answers in this process, and every query in flight holds its own working memory
    (gigabytes for the largest at 10 M triples), so its queries run one after another in the calling
    thread, where the memory one query frees serves the next. An endpoint gets a few at a time. Either
    way only the answers in flight are held here, so a caller that reads each answer and lets it go
    holds one or a few at a time, not all of them."""
    queue = iter(dict.fromkeys(names))
    if isinstance(target, StoreTarget):
        for name in queue:
            yield name, run_query(target, model, name, None if name in _WHOLE_DATA else period)
        return
    with ThreadPoolExecutor(max_workers=ENDPOINT_WORKERS) as pool:
        pending: deque[tuple[str, Future[QueryResult]]] = deque()

        def submit() -> None:
            name = next(queue, None)
            if name is not None:
                dates = None if name in _WHOLE_DATA else period
                pending.append((name, pool.submit(run_query, target, model, name, dates)))

        for _ in range(ENDPOINT_WORKERS):
            submit()
        while pending:
            name, future = pending.popleft()
            answer = future.result()
            del future
            submit()
            yield name, answer
            del answer


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


def iris(cell: Cell | None, pool: Pool | None = None) -> frozenset[str]:
    """The IRIs of a space-joined evidence cell, each taken from ``pool`` when it is already there."""
    if cell is None:
        return frozenset()
    if pool is None:
        return frozenset(cell.value.split())
    return frozenset(pool.setdefault(iri, iri) for iri in cell.value.split())


def _date(cell: Cell | None) -> dt.date | None:
    if cell is None:
        return None
    try:
        return dt.date.fromisoformat(cell.value[:10])
    except ValueError:
        return None


def clusters(answers: Answers) -> list[ClusterInfo]:
    """Every cluster in the data with its study and the study's period (first study by IRI when several)."""
    return _clusters(answers["assessment/clusters"])


def _clusters(result: QueryResult) -> list[ClusterInfo]:
    found: dict[str, ClusterInfo] = {}
    for row in rows(result):
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


@dataclass
class CriterionAnswer:
    """What the indicators take from one criterion query's answer: its columns, and per cluster the
    values of the columns they read and the evidence IRIs."""

    variables: list[str]
    clusters: dict[str, tuple[dict[str, float | None], frozenset[str]]]


def read_criterion_answer(
    model: Model, name: str, result: QueryResult, pool: Pool | None = None
) -> CriterionAnswer:
    """The values and evidence the model's indicators read from the answer to criterion query ``name``
    (the last row of a cluster when it has several), its evidence IRIs taken from ``pool``."""
    columns = list(
        dict.fromkeys(i.column or "" for c in model.criteria for i in c.indicators if i.query == name)
    )
    found: dict[str, tuple[dict[str, float | None], frozenset[str]]] = {}
    for row in rows(result):
        if "cluster" in row:
            found[row["cluster"].value] = (
                {column: number(row.get(column)) for column in columns},
                iris(row.get("evidence"), pool),
            )
    return CriterionAnswer(list(result.variables), found)


def indicators_of(model: Model, read: Mapping[str, CriterionAnswer]) -> Indicators:
    """Every indicator's values and evidence for every cluster, from the model's criterion answers as
    :func:`read_criterion_answer` read them; a column that its query does not return raises InputError."""
    values: dict[str, dict[str, dict[str, float | None]]] = defaultdict(lambda: defaultdict(dict))
    evidence: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)
    for criterion in model.criteria:
        for indicator in criterion.indicators:
            if indicator.query is None:
                continue
            answer = read[indicator.query]
            if indicator.column not in answer.variables:
                raise InputError(
                    f"{model.path}: indicator {indicator.name} of {criterion.notation} reads column "
                    f"{indicator.column!r}, which query {indicator.query} does not return; its columns: "
                    + ", ".join(answer.variables)
                )
            for cluster, (numbers, items) in answer.clusters.items():
                values[cluster][criterion.notation][indicator.name] = numbers[indicator.column or ""]
                found = evidence[cluster]
                known = found.get(criterion.notation)
                # Shared, not copied, when nothing new is added: several indicators of a criterion usually
                # read one query's row, and GP-C4's sets hold thousands of IRIs for each cluster.
                if not known or known is items:
                    found[criterion.notation] = items
                elif not items <= known:
                    found[criterion.notation] = known | items
    return Indicators({c: dict(v) for c, v in values.items()}, {c: dict(e) for c, e in evidence.items()})


def indicators(model: Model, answers: Answers) -> Indicators:
    """Read every indicator's column of the criterion queries' answers for every cluster."""
    pool: Pool = {}
    read = {name: read_criterion_answer(model, name, answers[name], pool) for name in model.queries()}
    return indicators_of(model, read)


def network(answers: Answers) -> tuple[dict[str, list[Tie]], dict[str, list[Member]]]:
    """The ties and the members of every cluster in the period, for the network measures."""
    return _ties(answers["assessment/network_ties"]), _members(answers["assessment/members"])


def _ties(result: QueryResult) -> dict[str, list[Tie]]:
    ties: dict[str, list[Tie]] = defaultdict(list)
    for row in rows(result):
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
    # The stores return rows in any order; sorted, the graphs are built the same way from every store.
    return {c: sorted(found, key=lambda t: t.iri) for c, found in ties.items()}


def _members(result: QueryResult) -> dict[str, list[Member]]:
    members: dict[str, list[Member]] = defaultdict(list)
    for row in rows(result):
        members[row["cluster"].value].append(
            Member(
                row["member"].value, row["group"].value if "group" in row else "other", flag(row.get("core"))
            )
        )
    return {c: sorted(found, key=lambda m: m.iri) for c, found in members.items()}


def passages(answers: Answers) -> dict[str, str]:
    """The passage of each coded segment that shares it with another (two coders' codings of it)."""
    return _passages(answers["assessment/passages"])


def _passages(result: QueryResult) -> dict[str, str]:
    return {
        row["segment"].value: row["passage"].value
        for row in rows(result)
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
    return (
        _barriers(answers["assessment/roadmap_barriers"]),
        _remedies(answers["assessment/barrier_remedies"]),
        _offers(answers["assessment/cluster_offers"]),
    )


def _barriers(result: QueryResult, pool: Pool | None = None) -> dict[str, list[Barrier]]:
    barriers: dict[str, list[Barrier]] = defaultdict(list)
    for row in rows(result):
        barriers[row["cluster"].value].append(
            Barrier(
                iri=row["barrier"].value,
                label=row["barrierLabel"].value if "barrierLabel" in row else row["barrier"].value,
                notation=row["notation"].value if "notation" in row else "",
                passages=int(number(row.get("passages")) or 0),
                evidence=iris(row.get("evidence"), pool),
            )
        )
    for found in barriers.values():
        found.sort(key=lambda b: (-b.passages, b.notation, b.iri))
    return dict(barriers)


def _remedies(result: QueryResult) -> dict[str, list[Remedy]]:
    services: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    labels: dict[tuple[str, str], str] = {}
    for row in rows(result):
        key = (row["barrier"].value, row["activityType"].value)
        labels[key] = row["activityTypeLabel"].value if "activityTypeLabel" in row else key[1]
        if "service" in row:
            services[key][row["service"].value] = row["serviceLabel"].value if "serviceLabel" in row else ""
    remedies: dict[str, list[Remedy]] = defaultdict(list)
    for key in sorted(labels):
        remedies[key[0]].append(Remedy(key[0], key[1], labels[key], tuple(sorted(services[key].items()))))
    return dict(remedies)


def _offers(result: QueryResult) -> dict[str, set[str]]:
    offers: dict[str, set[str]] = defaultdict(set)
    for row in rows(result):
        offers[row["cluster"].value].add(row["activityType"].value)
    return dict(offers)


@dataclass
class Evidence:
    """Everything the assessment reads from the data, for all clusters at once."""

    clusters: list[ClusterInfo] = field(default_factory=list)
    criterion_answers: dict[str, CriterionAnswer] = field(default_factory=dict)
    ties: dict[str, list[Tie]] = field(default_factory=dict)
    members: dict[str, list[Member]] = field(default_factory=dict)
    barriers: dict[str, list[Barrier]] = field(default_factory=dict)
    remedies: dict[str, list[Remedy]] = field(default_factory=dict)
    offers: dict[str, set[str]] = field(default_factory=dict)
    passages: dict[str, str] = field(default_factory=dict)


QueryProgress = Callable[[str, int, int], None]
"""Told each query answered: its name, how many are answered and how many there are."""


def gather(
    target: Target, model: Model, period: Period | None, progress: QueryProgress | None = None
) -> Evidence:
    """Run every query the assessment reads (the model's and :data:`ASSESSMENT_QUERIES`), each once, and
    read each answer into :class:`Evidence` as it comes, letting it go before the next one is read.

    The indicators' columns are checked later, by :func:`indicators_of`, so that an unknown cluster or a
    missing period is reported first, as the assessment checks them first."""
    pool: Pool = {}
    criterion_queries = set(model.queries())
    found = Evidence()
    names = list(dict.fromkeys([*model.queries(), *ASSESSMENT_QUERIES]))
    done = 0  # counted by hand: enumerate() would keep the last answer alive in its result tuple
    for name, answer in each_answer(target, model, period, names):
        done += 1  # noqa: SIM113 (see above)
        if progress is not None:
            progress(name, done, len(names))
        if name in criterion_queries:
            found.criterion_answers[name] = read_criterion_answer(model, name, answer, pool)
        if name == "assessment/clusters":
            found.clusters = _clusters(answer)
        elif name == "assessment/network_ties":
            found.ties = _ties(answer)
        elif name == "assessment/members":
            found.members = _members(answer)
        elif name == "assessment/roadmap_barriers":
            found.barriers = _barriers(answer, pool)
        elif name == "assessment/barrier_remedies":
            found.remedies = _remedies(answer)
        elif name == "assessment/cluster_offers":
            found.offers = _offers(answer)
        elif name == "assessment/passages":
            found.passages = _passages(answer)
        # Let go before the next query runs, which the loop variable would otherwise keep alive.
        del answer
    return found


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
