"""The growth-pole assessment of each cluster: evidence in, scores, verdict, stage and roadmap out.

:func:`assess` reads the evidence once for all clusters (:mod:`kg.assess.evidence`), computes the network
measures (:mod:`kg.assess.network`), scores each cluster as the model says (:mod:`kg.assess.scoring`),
checks the verdict's robustness and lists what the next roadmap stage needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.assess import network as nw
from kg.assess.evidence import (
    Barrier,
    ClusterInfo,
    Period,
    QueryProgress,
    Remedy,
    gather,
    indicators_of,
    period_of,
    select_clusters,
)
from kg.assess.model import Model, load_model
from kg.assess.robustness import Robustness, check_robustness
from kg.assess.scoring import Outcome, evaluate, stage_conditions
from kg.build.builder import build_timestamp
from kg.errors import InputError
from kg.query.run import Target


@dataclass(frozen=True)
class Need:
    """A condition of the next stage: the criterion, the score it needs, the score it has."""

    criterion: str
    threshold: float
    score: float | None
    sufficient: bool
    met: bool


@dataclass(frozen=True)
class Roadmap:
    """What moves the cluster to its next stage: the unmet conditions, the barriers its SMEs cite most,
    and the activity types (with their EDIH services) that address them and that it does not yet offer."""

    next_stage: str | None
    needs: tuple[Need, ...]
    barriers: tuple[Barrier, ...]
    remedies: tuple[Remedy, ...]


@dataclass(frozen=True)
class ClusterAssessment:
    """One cluster's assessment over one period under one model."""

    cluster: ClusterInfo
    period: Period
    outcome: Outcome
    values: dict[str, dict[str, float | None]]
    evidence: dict[str, frozenset[str]]
    brokers: tuple[nw.Broker, ...]
    robustness: Robustness
    roadmap: Roadmap


@dataclass(frozen=True)
class AssessmentRun:
    """The assessments of one run, with the model and the time they were made."""

    model: Model
    assessments: tuple[ClusterAssessment, ...]
    generated_at: dt.datetime
    source: str = ""
    period: Period | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def assess(
    target: Target,
    model: Model | None = None,
    cluster_names: Sequence[str] = (),
    period: Period | None = None,
    generated_at: dt.datetime | None = None,
    progress: QueryProgress | None = None,
) -> AssessmentRun:
    """Assess the named clusters (all by default) over the period (each cluster's study period by default).

    ``progress`` is told each query the assessment has run (see :data:`QueryProgress`)."""
    model = model or load_model()
    gathered = gather(target, model, period, progress)
    chosen = select_clusters(gathered.clusters, cluster_names)
    periods = {c.iri: period_of(c, period) for c in chosen}
    found = indicators_of(model, gathered.criterion_answers)
    ties, members = gathered.ties, gathered.members
    barriers, remedies, offers = gathered.barriers, gathered.remedies, gathered.offers
    passage_of = gathered.passages
    results = []
    for info in chosen:
        values = {k: dict(v) for k, v in found.values.get(info.iri, {}).items()}
        evidence = dict(found.evidence.get(info.iri, {}))
        cluster_ties = ties.get(info.iri, [])
        measures = {
            "degree_centralisation": nw.degree_centralisation(cluster_ties, members.get(info.iri, [])),
            "sme_academia_reach": nw.sme_academia_reach(cluster_ties, members.get(info.iri, [])),
            "ties_reaching_smes": nw.ties_reaching_smes(cluster_ties),
        }
        for criterion in model.criteria:
            for indicator in criterion.indicators:
                if indicator.network is not None:
                    measure = measures[indicator.network]
                    values.setdefault(criterion.notation, {})[indicator.name] = measure.value
                    evidence[criterion.notation] = (
                        evidence.get(criterion.notation, frozenset()) | measure.evidence
                    )
        outcome = evaluate(model, values, evidence, passage_of)
        results.append(
            ClusterAssessment(
                cluster=info,
                period=periods[info.iri],
                outcome=outcome,
                values=values,
                evidence=evidence,
                brokers=tuple(nw.brokers(cluster_ties)),
                robustness=check_robustness(model, outcome, values),
                roadmap=_roadmap(
                    model, outcome, barriers.get(info.iri, []), remedies, offers.get(info.iri, set())
                ),
            )
        )
    if period is not None and not any(any(e for e in r.evidence.values()) for r in results):
        raise InputError(
            f"the period {period[0]}/{period[1]} holds no data of the clusters assessed (no interaction, "
            "membership, adoption, activity or coded passage falls in it); give a period the study covers"
        )
    return AssessmentRun(model, tuple(results), generated_at or build_timestamp(), target.description, period)


def _roadmap(
    model: Model,
    outcome: Outcome,
    barriers: Sequence[Barrier],
    remedies: dict[str, list[Remedy]],
    offered: set[str],
) -> Roadmap:
    stages = [s.notation for s in model.stages]
    position = stages.index(outcome.stage) + 1 if outcome.stage else 0
    needs: tuple[Need, ...] = ()
    next_stage = None
    if position < len(stages):
        next_stage = stages[position]
        needs = tuple(
            Need(n, t, outcome.criterion(n).score, outcome.criterion(n).sufficient, ok)
            for n, t, ok in stage_conditions(model, outcome.criteria, position)
        )
    top = tuple(barriers[: model.top_barriers])
    missing: dict[str, Remedy] = {}
    for barrier in top:
        for remedy in remedies.get(barrier.iri, []):
            if remedy.activity_type not in offered:
                missing.setdefault(remedy.activity_type, remedy)
    return Roadmap(next_stage, needs, top, tuple(missing.values()))
