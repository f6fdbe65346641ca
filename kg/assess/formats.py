"""Assessments for people and programs: a JSON document, Markdown, and the plain-word sentences both use.

The CLI's table view is drawn from :func:`summary_rows` and :func:`verdict_sentence`, so every format
says the same thing in the same words.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from kg.assess.assessment import AssessmentRun, ClusterAssessment
from kg.assess.robustness import Flip
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.ontology.namespaces import VOCAB_BASE

_SHOWN_EVIDENCE = 10


def verdict_iri(verdict: str) -> str:
    """The verdict vocabulary concept of a verdict slug."""
    return f"{VOCAB_BASE}verdict/{verdict}"


def _label(concepts: ConceptIndex, iri: str) -> str:
    return concepts.label(iri) or iri


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}" if abs(value) >= 1e-4 or value == 0 else f"{value:.2e}"


def stage_label(run: AssessmentRun, notation: str | None, concepts: ConceptIndex) -> str:
    """``RM4 Build SME capacity``, or a note that no stage is reached."""
    if notation is None:
        return "no stage yet"
    iri = next(s.iri for s in run.model.stages if s.notation == notation)
    return f"{notation} {_label(concepts, iri)}"


def verdict_sentence(run: AssessmentRun, a: ClusterAssessment, concepts: ConceptIndex | None = None) -> str:
    """The verdict, stage and next step of one cluster in plain words."""
    concepts = concepts or load_concepts()
    o = a.outcome
    verdict = _label(concepts, verdict_iri(o.verdict)).lower()
    index = "" if o.index is None else f" (growth-pole index {o.index:.2f})"
    text = f"{a.cluster.label}, {a.period[0]} to {a.period[1]}: {verdict}{index}; "
    text += (
        f"roadmap stage {stage_label(run, o.stage, concepts)}."
        if o.stage
        else "not yet at the first roadmap stage."
    )
    if a.roadmap.next_stage:
        unmet = [n for n in a.roadmap.needs if not n.met]
        wants = "; ".join(
            f"{n.criterion} {_bound(run, n.criterion)} {n.threshold:g}"
            + (
                f" (now {n.score:.2f})"
                if n.score is not None and n.sufficient
                else " (too little evidence now)"
            )
            for n in unmet
        )
        text += f" Next: {stage_label(run, a.roadmap.next_stage, concepts)}" + (
            f", which needs {wants}." if wants else "."
        )
    return text


def _bound(run: AssessmentRun, notation: str) -> str:
    return "at most" if run.model.criterion(notation).negative else "at least"


def robustness_sentence(a: ClusterAssessment, concepts: ConceptIndex | None = None) -> str:
    """Whether the verdict survives moving each threshold and weight by 20 %, naming what would flip it."""
    concepts = concepts or load_concepts()
    if a.robustness.robust:
        return "The verdict is robust: no single threshold or weight of the model moved by 20 % changes it."
    flips = "; ".join(_flip(f, concepts) for f in a.robustness.verdict_flips)
    return f"The verdict is not robust: {flips}."


def _flip(flip: Flip, concepts: ConceptIndex) -> str:
    verdict = _label(concepts, verdict_iri(flip.verdict)).lower()
    return f"{flip.assumption} moved from {flip.value:g} to {flip.moved_to:g} gives {verdict}"


def to_json(run: AssessmentRun, concepts: ConceptIndex | None = None) -> dict[str, Any]:
    """The whole run as a JSON-ready dict: model, and per cluster scores, evidence, verdict and roadmap."""
    concepts = concepts or load_concepts()
    model = run.model
    return {
        "model": {
            "id": model.id,
            "version": model.version,
            "iri": model.iri,
            "file": str(model.path),
            "sha256": model.digest,
        },
        "generated": run.generated_at.isoformat(),
        "source": run.source,
        "period": None if run.period is None else {"from": str(run.period[0]), "to": str(run.period[1])},
        "clusters": [_cluster_json(run, a, concepts) for a in run.assessments],
    }


def _cluster_json(run: AssessmentRun, a: ClusterAssessment, concepts: ConceptIndex) -> dict[str, Any]:
    o = a.outcome
    stage = None
    if o.stage:
        stage_iri = next(s.iri for s in run.model.stages if s.notation == o.stage)
        stage = {"notation": o.stage, "iri": stage_iri, "label": _label(concepts, stage_iri)}
    return {
        "cluster": a.cluster.iri,
        "id": a.cluster.identifier,
        "label": a.cluster.label,
        "study": a.cluster.study,
        "period": {"from": str(a.period[0]), "to": str(a.period[1])},
        "verdict": {
            "id": o.verdict,
            "iri": verdict_iri(o.verdict),
            "label": _label(concepts, verdict_iri(o.verdict)),
        },
        "stage": stage,
        "index": o.index,
        "summary": verdict_sentence(run, a, concepts),
        "robust": a.robustness.robust,
        "robustness": robustness_sentence(a, concepts),
        "verdict_flips": [_flip_json(f) for f in a.robustness.verdict_flips],
        "stage_flips": [_flip_json(f) for f in a.robustness.stage_flips],
        "criteria": [
            {
                "criterion": c.notation,
                "iri": c.criterion.iri,
                "label": _label(concepts, c.criterion.iri),
                "negative": c.criterion.negative,
                "score": c.score,
                "holds": c.holds,
                "holds_at": c.criterion.holds_at,
                "sufficient_evidence": c.sufficient,
                "min_evidence": c.criterion.min_evidence,
                "evidence_count": c.evidence_count,
                "indicators": [
                    {
                        "name": i.indicator.name,
                        "source": i.indicator.source,
                        "value": i.value,
                        "score": i.score,
                        "low": i.indicator.low,
                        "high": i.indicator.high,
                        "weight": i.indicator.weight,
                    }
                    for i in c.indicators
                ],
                "evidence": list(c.evidence),
            }
            for c in o.criteria
        ],
        "roadmap": {
            "next_stage": a.roadmap.next_stage,
            "needs": [
                {"criterion": n.criterion, "threshold": n.threshold, "score": n.score, "met": n.met}
                for n in a.roadmap.needs
            ],
            "barriers": [
                {"iri": b.iri, "notation": b.notation, "label": b.label, "passages": b.passages}
                for b in a.roadmap.barriers
            ],
            "missing_activity_types": [
                {
                    "iri": r.activity_type,
                    "label": r.label,
                    "addresses": r.barrier,
                    "edih_services": [{"iri": s, "label": label} for s, label in r.services],
                }
                for r in a.roadmap.remedies
            ],
        },
        "brokers": [
            {"iri": b.iri, "betweenness": round(b.betweenness, 4), "roles": dict(sorted(b.roles.items()))}
            for b in a.brokers
        ],
    }


def _flip_json(flip: Flip) -> dict[str, Any]:
    return {
        "assumption": flip.assumption,
        "value": flip.value,
        "moved_to": flip.moved_to,
        "verdict": flip.verdict,
        "stage": flip.stage,
    }


def to_json_text(run: AssessmentRun, concepts: ConceptIndex | None = None) -> str:
    """The JSON document as text (two-space indent, final newline).

    The text is that of ``json.dumps(to_json(run), indent=2)``, encoded one cluster at a time: indented
    JSON is encoded in Python, one string per value, and a large study names millions of evidence IRIs,
    which encoded all at once took as much memory again as the text itself."""
    concepts = concepts or load_concepts()
    text = json.dumps(to_json(replace(run, assessments=()), concepts), indent=2, ensure_ascii=False)
    # The clusters are the document's last key, so their empty list closes the text.
    closing = '"clusters": []\n}'
    if not run.assessments or not text.endswith(closing):
        return json.dumps(to_json(run, concepts), indent=2, ensure_ascii=False) + "\n"
    parts = [text.removesuffix(closing), '"clusters": [\n']
    last = len(run.assessments) - 1
    for number, assessment in enumerate(run.assessments):
        cluster = json.dumps(_cluster_json(run, assessment, concepts), indent=2, ensure_ascii=False)
        # Two levels down, each line moves in by four spaces (a JSON string holds no raw line break, so
        # every line break is layout).
        parts += ["    ", cluster.replace("\n", "\n    "), ",\n" if number < last else "\n"]
    parts.append("  ]\n}\n")
    return "".join(parts)


def summary_rows(run: AssessmentRun, concepts: ConceptIndex | None = None) -> list[dict[str, str]]:
    """One row per cluster: label, period, verdict, stage, index, robust, and the six criterion scores."""
    concepts = concepts or load_concepts()
    found = []
    for a in run.assessments:
        o = a.outcome
        row = {
            "cluster": a.cluster.label,
            "period": f"{a.period[0]}/{a.period[1]}",
            "verdict": _label(concepts, verdict_iri(o.verdict)),
            "stage": o.stage or "-",
            "index": _number(o.index),
            "robust": "yes" if a.robustness.robust else "no",
        }
        for c in o.criteria:
            mark = "" if c.sufficient else " (thin)"
            row[c.notation] = _number(c.score) + mark
        found.append(row)
    return found


def to_markdown(run: AssessmentRun, concepts: ConceptIndex | None = None) -> str:
    """The run as Markdown: a summary table, then per cluster its verdict, scores, roadmap and evidence."""
    concepts = concepts or load_concepts()
    model = run.model
    lines = [
        "# Growth-pole assessment",
        "",
        f"Model {model.id} {model.version} ({model.iri}); "
        f"assessed {run.generated_at.date()} from {run.source}.",
        "",
    ]
    rows = summary_rows(run, concepts)
    if rows:
        header = list(rows[0])
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r[h] for h in header) + " |" for r in rows]
        lines.append("")
    for a in run.assessments:
        lines += [
            f"## {a.cluster.label}",
            "",
            verdict_sentence(run, a, concepts),
            "",
            robustness_sentence(a, concepts),
            "",
        ]
        lines += ["| criterion | score | holds | evidence | indicators |", "|---|---|---|---|---|"]
        for c in a.outcome.criteria:
            values = "; ".join(
                f"{i.indicator.name} {_number(i.value)} -> {_number(i.score)}" for i in c.indicators
            )
            evidence = f"{c.evidence_count}" + (
                "" if c.sufficient else f" (needs {c.criterion.min_evidence})"
            )
            label = f"{c.notation} {_label(concepts, c.criterion.iri)}"
            lines.append(
                f"| {label} | {_number(c.score)} | {'yes' if c.holds else 'no'} | {evidence} | {values} |"
            )
        lines.append("")
        roadmap = a.roadmap
        if roadmap.barriers:
            lines += ["Barriers the cluster's SMEs cite most (passages):", ""]
            lines += [f"- {b.notation} {b.label} ({b.passages})" for b in roadmap.barriers]
            lines.append("")
        if roadmap.remedies:
            lines += ["Activity types that address them and that the cluster does not offer yet:", ""]
            for r in roadmap.remedies:
                services = ", ".join(label for _, label in r.services) or "no EDIH service recorded"
                lines.append(f"- {r.label} (EDIH: {services})")
            lines.append("")
        lines += ["Evidence per criterion:", ""]
        for c in a.outcome.criteria:
            shown = ", ".join(f"<{e}>" for e in c.evidence[:_SHOWN_EVIDENCE])
            more = (
                f" and {len(c.evidence) - _SHOWN_EVIDENCE} more" if len(c.evidence) > _SHOWN_EVIDENCE else ""
            )
            lines.append(f"- {c.notation}: {shown or 'none'}{more}")
        lines.append("")
    return "\n".join(lines)
