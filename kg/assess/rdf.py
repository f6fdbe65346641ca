"""Assessments as RDF: one ``icgp:GrowthPoleAssessment`` per cluster, in a named graph of its own.

Each assessment holds its criterion scores (score, whether the criterion holds, the evidence count and
the raw indicator values with their scores), the verdict, the roadmap stage reached and the next one, the
growth-pole index and the robustness of the verdict. It is ``prov:wasDerivedFrom`` its evidence and
``prov:wasGeneratedBy`` a scoring run that used the model (a ``prov:Plan`` named with its version).
IRIs are derived from the cluster, the model version and the period, so re-assessing the same period
under the same model replaces the same resources, and two runs give identical RDF.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Quad

from kg.assess.assessment import AssessmentRun, ClusterAssessment
from kg.assess.model import Model
from kg.build.builder import boolean_literal, timestamp_literal
from kg.ontology.namespaces import DCTERMS, ICGP, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, VOCAB_BASE, XSD

_TIME_INTERVAL = "http://www.w3.org/2006/time#Interval"


def _study_prefix(assessment: ClusterAssessment) -> str:
    """Where the assessment's IRIs live: beside the study's (``{base}{study}/``), else under the cluster."""
    study = assessment.cluster.study
    if study and "/study/" in study:
        return study.rsplit("/study/", 1)[0] + "/"
    return assessment.cluster.iri + "/"


def assessment_graph(assessment: ClusterAssessment) -> str:
    """The named graph that holds a study's assessments (derived data, replaceable on its own)."""
    return _study_prefix(assessment) + "assessment/graph"


def assessment_iri(model: Model, assessment: ClusterAssessment) -> str:
    """The IRI of one cluster's assessment for one period under one model version."""
    start, end = assessment.period
    cluster = assessment.cluster.identifier
    return f"{_study_prefix(assessment)}assessment/{cluster}/{model.id}-{model.version}/{start}_{end}"


def _decimal(value: float) -> Literal:
    text = format(Decimal(str(round(value, 6))), "f")
    return Literal(text if "." in text else text + ".0", datatype=NamedNode(str(XSD.decimal)))


def _day(day: dt.date) -> Literal:
    # Periods are days; OWL 2 has no xsd:date, so a day is its midnight, as the builder writes dates.
    return Literal(f"{day.isoformat()}T00:00:00", datatype=NamedNode(str(XSD.dateTime)))


def model_quads(model: Model, graph: NamedNode) -> list[Quad]:
    """The model as a ``prov:Plan`` and each of its indicators as an ``icgp:Indicator``."""
    plan = NamedNode(model.iri)
    quads = [
        Quad(plan, NamedNode(str(RDF.type)), NamedNode(str(PROV.Plan)), graph),
        Quad(plan, NamedNode(str(RDFS.label)), Literal(model.title or model.id, language="en"), graph),
        Quad(plan, NamedNode(str(DCTERMS.identifier)), Literal(model.id), graph),
        Quad(plan, NamedNode(str(OWL.versionInfo)), Literal(model.version), graph),
        # The digest tells an edited model from the published one when someone forgot to bump the version.
        Quad(plan, NamedNode(str(ICGP.sha256)), Literal(model.digest), graph),
    ]
    for criterion in model.criteria:
        for indicator in criterion.indicators:
            node = NamedNode(f"{model.iri}/indicator/{indicator.name}")
            quads += [
                Quad(node, NamedNode(str(RDF.type)), NamedNode(str(ICGP.Indicator)), graph),
                Quad(node, NamedNode(str(SKOS.prefLabel)), Literal(indicator.name, language="en"), graph),
                Quad(
                    node,
                    NamedNode(str(SKOS.definition)),
                    Literal(
                        f"Indicator of {criterion.notation} read from the {indicator.source}; scored 0 at "
                        f"{indicator.low:g} and 1 at {indicator.high:g}.",
                        language="en",
                    ),
                    graph,
                ),
            ]
            if indicator.rationale:
                quads.append(
                    Quad(
                        node, NamedNode(str(RDFS.comment)), Literal(indicator.rationale, language="en"), graph
                    )
                )
    return quads


def assessment_quads(run: AssessmentRun) -> list[Quad]:
    """Every assessment of a run, with the model and the scoring runs, as quads in the assessment graphs."""
    quads: list[Quad] = []
    model = run.model
    graphs: set[str] = set()
    for assessment in run.assessments:
        graph = NamedNode(assessment_graph(assessment))
        if graph.value not in graphs:
            graphs.add(graph.value)
            quads += model_quads(model, graph)
        quads += _one(run, assessment, graph)
    return quads


def _one(run: AssessmentRun, a: ClusterAssessment, graph: NamedNode) -> list[Quad]:
    model, outcome = run.model, a.outcome
    iri = assessment_iri(model, a)
    node = NamedNode(iri)
    out: list[Quad] = []

    def add(subject: NamedNode, predicate: str, obj: NamedNode | Literal) -> None:
        out.append(Quad(subject, NamedNode(predicate), obj, graph))

    start, end = a.period
    add(node, str(RDF.type), NamedNode(str(ICGP.GrowthPoleAssessment)))
    add(
        node,
        str(RDFS.label),
        Literal(f"Growth-pole assessment of {a.cluster.label}, {start} to {end}", language="en"),
    )
    add(node, str(ICGP.assessedEntity), NamedNode(a.cluster.iri))
    add(node, str(ICGP.overallVerdict), NamedNode(f"{VOCAB_BASE}verdict/{outcome.verdict}"))
    if outcome.stage:
        add(node, str(ICGP.roadmapStage), NamedNode(_stage_iri(model, outcome.stage)))
    if a.roadmap.next_stage:
        add(node, str(ICGP.nextStage), NamedNode(_stage_iri(model, a.roadmap.next_stage)))
    if outcome.index is not None:
        add(node, str(ICGP.growthPoleIndex), _decimal(outcome.index))
    add(node, str(ICGP.robustVerdict), boolean_literal(a.robustness.robust))
    for key in sorted({f.assumption for f in a.robustness.verdict_flips}):
        add(node, str(ICGP.verdictSensitiveTo), Literal(key))
    add(node, str(PROV.generatedAtTime), timestamp_literal(run.generated_at.astimezone(dt.UTC)))
    period = NamedNode(f"{iri}/period")
    add(node, str(ICGP.assessmentPeriod), period)
    add(period, str(RDF.type), NamedNode(_TIME_INTERVAL))
    add(period, str(SCHEMA.startDate), _day(start))
    add(period, str(SCHEMA.endDate), _day(end))
    activity = NamedNode(f"{iri}/run")
    add(node, str(PROV.wasGeneratedBy), activity)
    add(activity, str(RDF.type), NamedNode(str(PROV.Activity)))
    add(activity, str(RDFS.label), Literal(f"Scoring run of {model.id} {model.version}", language="en"))
    add(activity, str(PROV.used), NamedNode(model.iri))
    add(activity, str(PROV.endedAtTime), timestamp_literal(run.generated_at.astimezone(dt.UTC)))
    derived: set[str] = set()
    for c in outcome.criteria:
        score = NamedNode(f"{iri}/{c.notation}")
        add(node, str(ICGP.hasCriterionScore), score)
        add(score, str(RDF.type), NamedNode(str(ICGP.CriterionScore)))
        add(score, str(ICGP.criterion), NamedNode(c.criterion.iri))
        add(score, str(ICGP.partOfAssessment), node)
        if c.score is not None:
            add(score, str(ICGP.score), _decimal(c.score))
        add(score, str(ICGP.criterionHolds), boolean_literal(c.holds))
        add(score, str(ICGP.sufficientEvidence), boolean_literal(c.sufficient))
        add(
            score,
            str(ICGP.evidenceCount),
            Literal(str(c.evidence_count), datatype=NamedNode(str(XSD.integer))),
        )
        for item in c.evidence:
            add(score, str(PROV.wasDerivedFrom), NamedNode(item))
            derived.add(item)
        for i in c.indicators:
            value = NamedNode(f"{iri}/{c.notation}/{i.indicator.name}")
            add(score, str(ICGP.hasIndicatorValue), value)
            add(value, str(RDF.type), NamedNode(str(ICGP.IndicatorValue)))
            add(value, str(ICGP.indicator), NamedNode(f"{model.iri}/indicator/{i.indicator.name}"))
            if i.value is not None:
                add(value, str(ICGP.rawValue), _decimal(i.value))
            if i.score is not None:
                add(value, str(ICGP.indicatorScore), _decimal(i.score))
    for item in sorted(derived):
        add(node, str(PROV.wasDerivedFrom), NamedNode(item))
    return out


def _stage_iri(model: Model, notation: str) -> str:
    return next(s.iri for s in model.stages if s.notation == notation)
