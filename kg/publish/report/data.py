"""The numbers of the growth-pole report: the assessment, and what its charts need beside it.

Every number the assessment gives (scores, thresholds, verdicts, brokers, barriers, indicator values) is
taken from the assessment's JSON document (:func:`kg.assess.formats.to_json`), so the report says what
``icgp assess --format json`` says. The rest comes from saved queries run on the same target: the actor
network (``assessment/network_ties``, ``assessment/members``), the spread split and maturity gains
(``gp_c4_spread_effects``), barriers by firm group and adoption by firm group (across the study and per
cluster) and the Eurostat baseline; and labels, so that a reader sees names, not IRIs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from kg.assess.assessment import assess
from kg.assess.evidence import Period, network, number, rows, run_query
from kg.assess.formats import to_json
from kg.assess.model import Model, load_model
from kg.assess.network import Member, Tie
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.query.results import Cell, QueryResult
from kg.query.run import Target

# Saved queries the report reads besides the assessment's own (names as in queries/).
NETWORK_QUERIES = ("assessment/network_ties", "assessment/members")
SPREAD_QUERY = "gp_c4_spread_effects"
BARRIER_QUERY = "barrier_frequencies_by_firm_group"
ADOPTION_QUERY = "technology_adoption_by_status"
BASELINE_QUERY = "eurostat_sme_adoption_vs_baseline"
CLUSTER_BARRIER_QUERY = "barrier_frequencies_by_firm_group_per_cluster"
CLUSTER_ADOPTION_QUERY = "technology_adoption_by_status_per_cluster"
_WHOLE_DATA = (BARRIER_QUERY, ADOPTION_QUERY, BASELINE_QUERY, CLUSTER_BARRIER_QUERY, CLUSTER_ADOPTION_QUERY)
# The study-wide queries take no period; these do.
_PERIOD_QUERIES = (*NETWORK_QUERIES, SPREAD_QUERY)

EVIDENCE_SHOWN = 10
"""How many evidence items the report names per criterion (the JSON and Markdown give them all)."""

_ICGP = "https://w3id.org/icgp/ontology#"
_SME_CLASSES = {_ICGP + "SME": "sme", _ICGP + "Startup": "sme", _ICGP + "LargeEnterprise": "large"}
_LABEL_BATCH = 400


@dataclass(frozen=True)
class Spread:
    """What the spread chart adds to the assessment's GP-C4 values: the split of the reached SMEs by
    region and the two mean maturity gains whose difference is the assessment's gap."""

    outside_core: int | None
    reached_gain: float | None
    not_reached_gain: float | None
    core_label: str | None


@dataclass(frozen=True)
class BarrierRow:
    """A barrier of the coding frame, with the passages of SMEs and startups and of large firms citing it,
    out of all passages each group spoke."""

    iri: str
    label: str
    sme_passages: int
    sme_total: int
    large_passages: int
    large_total: int


@dataclass(frozen=True)
class AdoptionRow:
    """A firm group's technology adoptions by status."""

    group: str
    label: str
    planned: int
    piloting: int
    in_use: int
    abandoned: int
    adopters: int


@dataclass(frozen=True)
class BaselineRow:
    """The study's share of enterprises using a technology against the national Eurostat share."""

    size_label: str
    country: str
    enterprises: int
    study_share: float
    baseline_share: float
    year: str


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence as a reader sees it: what it is, in words, and its quote when public."""

    kind: str
    text: str
    quote: str | None = None


@dataclass
class StudyReport:
    """Everything the page of one study shows."""

    study: str | None
    identifier: str
    title: str
    generated: dt.datetime
    model: dict[str, Any]
    clusters: list[dict[str, Any]]  # the assessment JSON of each cluster of the study
    networks: dict[str, tuple[list[Tie], list[Member]]]
    spread: dict[str, Spread]
    labels: dict[str, str]
    evidence: dict[str, EvidenceItem]
    quotes_public: bool
    stages: dict[str, str] = field(default_factory=dict)  # roadmap stage notation -> label
    barriers: list[BarrierRow] = field(default_factory=list)
    adoption: list[AdoptionRow] = field(default_factory=list)
    baseline: list[BaselineRow] = field(default_factory=list)
    # The same two comparisons within each cluster (its members' people and adoptions), by cluster IRI.
    cluster_barriers: dict[str, list[BarrierRow]] = field(default_factory=dict)
    cluster_adoption: dict[str, list[AdoptionRow]] = field(default_factory=dict)


def gather(
    target: Target,
    model: Model | None = None,
    period: Period | None = None,
    concepts: ConceptIndex | None = None,
) -> list[StudyReport]:
    """Assess every cluster and read what the report shows beside it; one :class:`StudyReport` per study
    (the clusters without a study share one), sorted by identifier."""
    model = model or load_model()
    concepts = concepts or load_concepts()
    run = assess(target, model, (), period)
    document = to_json(run, concepts)
    answers = _fetch(target, model, period)
    ties, members = network(answers)
    quotes_public = _quotes_public(target)
    spread = _spread(answers[SPREAD_QUERY])
    barriers = _barriers(rows(answers[BARRIER_QUERY]))
    adoption = _adoption(rows(answers[ADOPTION_QUERY]))
    cluster_barriers = {c: _barriers(r) for c, r in _by_cluster(answers[CLUSTER_BARRIER_QUERY]).items()}
    cluster_adoption = {c: _adoption(r) for c, r in _by_cluster(answers[CLUSTER_ADOPTION_QUERY]).items()}
    baseline = _baseline(answers[BASELINE_QUERY])
    by_study: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for cluster in document["clusters"]:
        by_study[cluster["study"]].append(cluster)
    wanted = {study for study in by_study if study is not None}
    evidence_iris: list[str] = []
    for cluster in document["clusters"]:
        for criterion in cluster["criteria"]:
            evidence_iris += criterion["evidence"][:EVIDENCE_SHOWN]
        wanted.update(b["iri"] for b in cluster["brokers"])
        wanted.update(m.iri for m in members.get(cluster["cluster"], []) if m.core)
    labels = labels_of(target, sorted(wanted))
    evidence = describe_evidence(target, sorted(set(evidence_iris)), quotes_public)
    reports = []
    for study, clusters in by_study.items():
        identifier = _identifier(study)
        reports.append(
            StudyReport(
                study=study,
                identifier=identifier,
                title=labels.get(study or "", identifier),
                generated=run.generated_at,
                model={k: document["model"][k] for k in ("id", "version", "iri")},
                clusters=clusters,
                networks={
                    c["cluster"]: (ties.get(c["cluster"], []), members.get(c["cluster"], []))
                    for c in clusters
                },
                spread={
                    c["cluster"]: spread.get(c["cluster"], Spread(None, None, None, None)) for c in clusters
                },
                labels=labels,
                evidence=evidence,
                quotes_public=quotes_public,
                stages={s.notation: concepts.label(s.iri) or s.notation for s in model.stages},
                barriers=barriers,
                adoption=adoption,
                baseline=baseline,
                cluster_barriers={c["cluster"]: cluster_barriers.get(c["cluster"], []) for c in clusters},
                cluster_adoption={c["cluster"]: cluster_adoption.get(c["cluster"], []) for c in clusters},
            )
        )
    return sorted(reports, key=lambda r: r.identifier)


def _identifier(study: str | None) -> str:
    """A study's file name: the last segment of its IRI, kept to safe characters."""
    if study is None:
        return "study"
    name = study.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name).strip(".-")
    return safe or "study"


def _fetch(target: Target, model: Model, period: Period | None) -> dict[str, QueryResult]:
    names = [*_PERIOD_QUERIES, *_WHOLE_DATA]
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {
            name: pool.submit(run_query, target, model, name, period if name in _PERIOD_QUERIES else None)
            for name in names
        }
        return {name: future.result() for name, future in futures.items()}


def _int(value: float | None) -> int:
    return int(value) if value is not None else 0


def _spread(result: QueryResult) -> dict[str, Spread]:
    found = {}
    for row in rows(result):
        if "cluster" not in row:
            continue
        outside = number(row.get("outsideCore"))
        found[row["cluster"].value] = Spread(
            outside_core=None if outside is None else int(outside),
            reached_gain=number(row.get("reachedGain")),
            not_reached_gain=number(row.get("notReachedGain")),
            core_label=row["coreLabel"].value if "coreLabel" in row else None,
        )
    return found


def _by_cluster(result: QueryResult) -> dict[str, list[dict[str, Cell]]]:
    """The rows of an answer with a ``cluster`` column, by cluster IRI (rows without one are dropped)."""
    found: dict[str, list[dict[str, Cell]]] = defaultdict(list)
    for row in rows(result):
        if "cluster" in row:
            found[row["cluster"].value].append(row)
    return found


def _barriers(answer: Iterable[dict[str, Cell]]) -> list[BarrierRow]:
    """SMEs and startups together against large firms, per barrier, ordered by the small firms' passages."""
    cited: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    names: dict[str, str] = {}
    for row in answer:
        group = _SME_CLASSES.get(row["group"].value) if "group" in row else None
        if group is None or "barrier" not in row:
            continue
        barrier = row["barrier"].value
        names[barrier] = row["barrierLabel"].value if "barrierLabel" in row else barrier
        cited[barrier][group] += _int(number(row.get("passages")))
        # Each of the two small-firm classes has its own total; the group's total is their sum.
        totals[group][row["group"].value] = _int(number(row.get("groupPassages")))
    sme_total = sum(totals["sme"].values())
    large_total = sum(totals["large"].values())
    found = [
        BarrierRow(b, names[b], counts["sme"], sme_total, counts["large"], large_total)
        for b, counts in cited.items()
        if counts["sme"] or counts["large"]
    ]
    return sorted(found, key=lambda r: (-r.sme_passages, -r.large_passages, r.label, r.iri))


def _adoption(answer: Iterable[dict[str, Cell]]) -> list[AdoptionRow]:
    """The adoptions of SMEs, startups and large enterprises by status, in that order."""
    order = [_ICGP + "SME", _ICGP + "Startup", _ICGP + "LargeEnterprise"]
    found = []
    for row in answer:
        group = row["group"].value if "group" in row else ""
        if group not in order:
            continue
        found.append(
            AdoptionRow(
                group=group,
                label=row["groupLabel"].value if "groupLabel" in row else group.rsplit("#", 1)[-1],
                planned=_int(number(row.get("planned"))),
                piloting=_int(number(row.get("piloting"))),
                in_use=_int(number(row.get("inUse"))),
                abandoned=_int(number(row.get("abandoned"))),
                adopters=_int(number(row.get("adopters"))),
            )
        )
    return sorted(found, key=lambda r: order.index(r.group))


def _baseline(result: QueryResult) -> list[BaselineRow]:
    found = []
    for row in rows(result):
        baseline, share = number(row.get("baselineShare")), number(row.get("studyShare"))
        if baseline is None or share is None:
            continue
        country = row["country"].value.rsplit("/", 1)[-1] if "country" in row else ""
        size = row["sizeLabel"].value if "sizeLabel" in row else row["sizeClass"].value.rsplit("/", 1)[-1]
        found.append(
            BaselineRow(
                size, country, _int(number(row.get("enterprises"))), share, baseline, row["year"].value
            )
        )
    return found


def _quotes_public(target: Target) -> bool:
    """True only when every privacy flag the data record for quotes says public (as a release decides):
    a study built from a package records its descriptor's flag; no flag at all means private."""
    answer = target.run(f"SELECT DISTINCT ?public WHERE {{ ?dataset <{_ICGP}publicQuotes> ?public }}")
    values = {row["public"].value for row in rows(answer) if "public" in row}
    return bool(values) and values <= {"true", "1"}


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris if ">" not in iri and " " not in iri)


def _batches(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _LABEL_BATCH):
        yield items[start : start + _LABEL_BATCH]


def labels_of(target: Target, iris: Sequence[str]) -> dict[str, str]:
    """The label of each IRI that has one (rdfs:label, skos:prefLabel, dcterms:title; the least by text
    when there are several, so every run picks the same)."""
    found: dict[str, str] = {}
    for batch in _batches(iris):
        answer = target.run(
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
            f"SELECT ?s (MIN(STR(?l)) AS ?label) WHERE {{ VALUES ?s {{ {_values(batch)} }} "
            "?s rdfs:label|skos:prefLabel|dcterms:title ?l } GROUP BY ?s"
        )
        for row in rows(answer):
            if "s" in row and "label" in row:
                found[row["s"].value] = row["label"].value
    return found


_EVIDENCE_QUERY = """PREFIX icgp: <https://w3id.org/icgp/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?s (MIN(STR(?typeLabel)) AS ?kind) (MIN(STR(?id)) AS ?identifier) (MIN(STR(?fromL)) AS ?from)
  (MIN(STR(?toL)) AS ?to) (MIN(STR(?whoL)) AS ?who) (MIN(STR(?whatL)) AS ?what) (MIN(STR(?whereL)) AS ?where)
  (GROUP_CONCAT(DISTINCT STR(?codeL); separator="\u001f") AS ?codes) (MIN(STR(?exact)) AS ?quote)
WHERE {
  VALUES ?s { %s }
  OPTIONAL { ?s a ?type . ?type rdfs:label ?typeLabel . FILTER(STRSTARTS(STR(?type), STR(icgp:))) }
  OPTIONAL { ?s dcterms:identifier ?id }
  OPTIONAL { ?s icgp:fromActor/rdfs:label ?fromL }
  OPTIONAL { ?s icgp:toActor/rdfs:label ?toL }
  OPTIONAL {
    ?s (org:member|icgp:adopter|icgp:participatingActor|icgp:assessedEntity|icgp:beneficiary)/rdfs:label ?whoL
  }
  OPTIONAL { ?s (icgp:technology|org:role|icgp:interactionType)/skos:prefLabel ?whatL }
  OPTIONAL { ?s (org:organization|icgp:inActivity)/rdfs:label ?whereL }
  OPTIONAL { ?s oa:hasBody/(skos:prefLabel|rdfs:label) ?codeL }
  %s
}
GROUP BY ?s"""
_CODE_SEPARATOR = "\u001f"  # the codes' labels as the query joins them; no label holds this character
_QUOTE_PART = "OPTIONAL { ?s oa:hasTarget/oa:hasSelector/oa:exact ?exact }"


def describe_evidence(target: Target, iris: Sequence[str], quotes_public: bool) -> dict[str, EvidenceItem]:
    """Each evidence item in words (its kind, who and what it involves); a coded passage's quote only when
    ``quotes_public``, since otherwise the query does not even read it."""
    found: dict[str, EvidenceItem] = {}
    for batch in _batches(iris):
        answer = target.run(_EVIDENCE_QUERY % (_values(batch), _QUOTE_PART if quotes_public else ""))
        for row in rows(answer):
            if "s" not in row:
                continue
            iri = row["s"].value
            value = {k: c.value for k, c in row.items()}
            kind = value.get("kind") or "evidence"
            name = value.get("identifier")
            parts = []
            if "from" in value or "to" in value:
                parts.append(f"{value.get('from', '?')} to {value.get('to', '?')}")
            parts += [value[k] for k in ("who", "what", "where") if value.get(k)]
            if value.get("codes"):
                # GROUP_CONCAT joins in no fixed order: sorted, two releases of the same data say the same.
                parts.append(f"coded {'; '.join(sorted(value['codes'].split(_CODE_SEPARATOR)))}")
            text = ", ".join(parts)
            if name:
                text = f"{name}: {text}" if text else name
            # An item the data say nothing about is still named, by the end of its IRI.
            text = text or iri.rstrip("/").rsplit("/", 1)[-1]
            found[iri] = EvidenceItem(kind, text, value.get("quote") if quotes_public else None)
    return found
