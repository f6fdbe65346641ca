"""Quality rules for the ontology and its vocabularies, kept as SPARQL files in ``queries/qc/``.

Each rule is one ``SELECT ?entity ?property ?value`` query (``?value``, and for whole-graph findings also
``?entity`` or ``?property``, may be unbound) with a comment header that names the problem, why it matters,
how to fix it and its level::

    # title: Missing label
    # level: error
    # source: ROBOT missing_label; OOPS P08; FOOPS VOC3
    # problem: ...
    # why: ...
    # fix: ...

A header value may continue on the following comment lines when they are indented (``#   more text``).
The rules are modelled on ROBOT's report queries, the OOPS! pitfall catalogue and the FOOPS! checks that
can run offline, plus two that keep the graph in OWL 2 DL (``non_owl2_datatype``, ``undeclared_term``).
Rules run on a pyoxigraph store holding the merged graph (ontology, alignments and all vocabularies by
default, the bundled stand-ins of the ontologies they import, and any study data given), which keeps the
whole check to a second or two.

JSON shape (``report_to_dict``), stable across versions with the same ``format`` value::

    {
      "format": "icgp-ontology-check/1",
      "files": ["/path/icgp.ttl", ...],          # the inputs, in load order
      "triples": 15234,                           # size of the merged graph
      "fail_on": "error",                          # the level that makes the check fail
      "passed": true,                              # nothing at or above fail_on, reasoner verdict clean
      "counts": {"error": 0, "warn": 2, "info": 7},
      "rules": [{"name", "title", "level", "source", "problem", "why", "fix", "findings": 0}, ...],
      "findings": [{"rule", "level", "entity", "property", "value"}, ...],
      "reasoner": null | {"reasoner": "HermiT", "consistent": true, "unsatisfiable": [], "seconds": 1.9,
                          "adjustments": ["..."], "message": "", "clashes": []},
      "owl_rl": null | {... the same keys, "reasoner": "OWL-RL"; "clashes" lists owlrl's messages},
      "imports": ["/path/ontology/imports/prov.ttl", ...],   # files loaded for owl:imports
      "unresolved_imports": ["https://example.org/x"],       # imported IRIs with no file
      "data": ["/path/study"],                                # --data inputs reasoned over
      "axioms": {"classes": 80, "disjoint_classes": 6, "inverse_properties": 9, "restrictions": 12, ...}
    }

``axioms`` counts the OWL axioms of the checked files and data (the bundled imports left out), by kind:
declarations, class axioms, restrictions, property axioms and property characteristics.

``entity`` and ``property`` are IRIs (``_:id`` for a blank node) or null; ``value`` is null or an RDF term
in the SPARQL 1.1 JSON results encoding (``{"type": "uri"|"literal"|"bnode", "value": ...,
"xml:lang"?: ..., "datatype"?: ...}``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import pyoxigraph as ox

from kg.errors import InputError
from kg.ontology import resources
from kg.ontology.loading import (
    ImportClosure,
    default_files,
    import_graph,
    load_with_imports,
    triple_count,
)
from kg.ontology.loading import (
    load_store as load_store,  # re-exported: callers load files through this module
)
from kg.ontology.namespaces import ICGP, PREFIXES

if TYPE_CHECKING:
    from kg.ontology.reasoning import ReasonerResult

Level = Literal["error", "warn", "info"]
LEVELS: tuple[Level, ...] = ("error", "warn", "info")
REPORT_FORMAT = "icgp-ontology-check/1"
HEADER_FIELDS = ("title", "level", "source", "problem", "why", "fix")

_ICGP_NS = str(ICGP)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


# --------------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class Rule:
    """One quality rule: its header fields and the SPARQL query that finds the offending triples."""

    name: str
    title: str
    level: Level
    source: str
    problem: str
    why: str
    fix: str
    query: str


def parse_rule(text: str, name: str) -> Rule:
    """Read a rule from the text of its ``.rq`` file; ``name`` is used in messages and as the rule's id."""
    values: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break  # the header ends at the first line of the query itself
        body = stripped[1:]
        match = re.match(r"\s?([a-z]+):\s*(.*)$", body)
        if match and match.group(1) in HEADER_FIELDS:
            current = match.group(1)
            values[current] = match.group(2).strip()
        elif current is not None and body.startswith(("  ", "\t")):
            values[current] = f"{values[current]} {body.strip()}".strip()
        else:
            current = None
    missing = [key for key in HEADER_FIELDS if not values.get(key)]
    if missing:
        raise InputError(
            f"quality rule {name}: header lacks {', '.join(missing)}; "
            f"start the file with '# key: value' lines for {', '.join(HEADER_FIELDS)}"
        )
    level = values["level"].lower()
    if level not in LEVELS:
        raise InputError(
            f"quality rule {name}: level {values['level']!r} is not one of {', '.join(LEVELS)}; "
            "fix its header"
        )
    return Rule(
        name=name,
        title=values["title"],
        level=level,
        source=values["source"],
        problem=values["problem"],
        why=values["why"],
        fix=values["fix"],
        query=text,
    )


def load_rules(paths: Iterable[Path] | None = None) -> list[Rule]:
    """Read the rules from ``paths`` (default: the bundled ``queries/qc/*.rq``), sorted by name."""
    rule_paths = list(resources.qc_query_files() if paths is None else paths)
    rules = []
    for path in rule_paths:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read quality rule {path}: {exc.strerror or exc}") from exc
        rules.append(parse_rule(text, path.stem))
    return sorted(rules, key=lambda rule: rule.name)


# --------------------------------------------------------------------------------------------------
# Findings and report


@dataclass(frozen=True, order=True)
class Term:
    """An RDF term found by a rule, kept with its kind so a literal and an IRI never look alike."""

    kind: Literal["uri", "literal", "bnode"]
    value: str
    language: str | None = None
    datatype: str | None = None

    def n3(self) -> str:
        """The term in N-Triples syntax (``<iri>``, ``"text"@en``, ``"5"^^<...#integer>``, ``_:id``)."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        escaped = (
            self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        )
        if self.language:
            return f'"{escaped}"@{self.language}'
        if self.datatype and self.datatype != _XSD_STRING:
            return f'"{escaped}"^^<{self.datatype}>'
        return f'"{escaped}"'

    def as_json(self) -> dict[str, str]:
        """The term in the SPARQL 1.1 query results JSON encoding."""
        out = {"type": self.kind, "value": self.value}
        if self.language:
            out["xml:lang"] = self.language
        elif self.datatype and self.datatype != _XSD_STRING:
            out["datatype"] = self.datatype
        return out


@dataclass(frozen=True)
class Finding:
    """One row a rule returned: the offending entity, the property concerned and the value, if any."""

    rule: str
    level: Level
    entity: str | None
    property: str | None
    value: Term | None

    def row(self) -> tuple[str | None, str | None, str | None]:
        """(entity, property, value in N-Triples syntax): the shape tests and tables compare."""
        return (self.entity, self.property, None if self.value is None else self.value.n3())


@dataclass(frozen=True)
class Report:
    """The outcome of running the quality rules on one merged graph."""

    files: tuple[str, ...]
    triples: int
    rules: tuple[Rule, ...]
    findings: tuple[Finding, ...]
    counts: dict[Level, int] = field(default_factory=dict)
    imports: tuple[str, ...] = ()
    unresolved_imports: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    axioms: dict[str, int] = field(default_factory=dict)

    def by_rule(self, name: str) -> list[Finding]:
        """The findings of one rule."""
        return [finding for finding in self.findings if finding.rule == name]

    def failing(self, fail_on: Level) -> int:
        """How many findings are at ``fail_on`` or more severe."""
        threshold = LEVELS.index(fail_on)
        return sum(self.counts.get(level, 0) for level in LEVELS[: threshold + 1])


def _term(node: Any) -> Term | None:
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return Term("uri", node.value)
    if isinstance(node, ox.BlankNode):
        return Term("bnode", node.value)
    if isinstance(node, ox.Literal):
        datatype = node.datatype.value
        if node.language:
            return Term("literal", node.value, language=node.language)
        return Term("literal", node.value, datatype=None if datatype == _XSD_STRING else datatype)
    return Term("literal", str(node))  # triple terms (RDF 1.2) are out of scope; keep their text


def _resource(node: Any) -> str | None:
    """Entity and property as plain strings: an IRI, ``_:id`` for a blank node, or a literal's text."""
    term = _term(node)
    if term is None:
        return None
    return f"_:{term.value}" if term.kind == "bnode" else term.value


def run_rule(store: ox.Store, rule: Rule) -> list[Finding]:
    """Run one rule on ``store`` and return its findings, sorted and without repeats."""
    try:
        solutions = store.query(rule.query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise InputError(f"quality rule {rule.name}: the query does not parse: {exc}") from exc
    if not isinstance(solutions, ox.QuerySolutions):
        raise InputError(
            f"quality rule {rule.name}: must be a SELECT query returning ?entity ?property ?value"
        )
    names = {variable.value for variable in solutions.variables}
    if not {"entity", "property", "value"} <= names:
        raise InputError(f"quality rule {rule.name}: must select ?entity ?property ?value")
    found = {
        Finding(
            rule=rule.name,
            level=rule.level,
            entity=_resource(solution["entity"]),
            property=_resource(solution["property"]),
            value=_term(solution["value"]),
        )
        for solution in solutions
    }
    return sorted(found, key=_finding_key)


def _finding_key(finding: Finding) -> tuple[str, str, str]:
    return (finding.entity or "", finding.property or "", "" if finding.value is None else finding.value.n3())


def check_store(
    store: ox.Store,
    rules: Sequence[Rule] | None = None,
    files: Sequence[Path] = (),
    *,
    closure: ImportClosure | None = None,
    data: Sequence[str] = (),
) -> Report:
    """Run ``rules`` (default: all bundled rules) on ``store`` and gather the findings into a report.

    ``closure`` says which imported files :func:`~kg.ontology.loading.resolve_imports` added (their
    axioms are left out of the axiom counts); ``data`` names the study inputs loaded beside the files.
    """
    chosen = load_rules() if rules is None else list(rules)
    findings: list[Finding] = []
    for rule in chosen:
        findings.extend(run_rule(store, rule))
    counts: dict[Level, int] = dict.fromkeys(LEVELS, 0)
    for finding in findings:
        counts[finding.level] += 1
    imported = closure or ImportClosure()
    return Report(
        files=tuple(str(path) for path in files),
        triples=triple_count(store),
        rules=tuple(chosen),
        findings=tuple(findings),
        counts=counts,
        imports=tuple(str(path) for path in imported.files),
        unresolved_imports=imported.unresolved,
        data=tuple(data),
        axioms=count_axioms(store, skip_graphs=[import_graph(path) for path in imported.files]),
    )


def check_files(files: Sequence[Path] | None = None, rules: Sequence[Rule] | None = None) -> Report:
    """Load ``files`` (default: the bundled ontology, alignments and vocabularies) and the ontologies
    they import, then run the rules."""
    paths = default_files() if files is None else list(files)
    store, closure = load_with_imports(paths)
    return check_store(store, rules, paths, closure=closure)


# --------------------------------------------------------------------------------------------------
# Axiom counts

_OWL = "http://www.w3.org/2002/07/owl#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _typed(kind: str) -> str:
    return f"?s a <{kind}> . FILTER(isIRI(?s)) BIND(?s AS ?o)"


def _pairs(predicate: str) -> str:
    return f"?s <{predicate}> ?o ."


def _nodes(kind: str) -> str:
    return f"?s a <{kind}> . BIND(?s AS ?o)"


# Each pattern binds ?s and ?o; the count is the number of distinct (?s, ?o) pairs. The names follow the
# OWL 2 axiom types (restrictions are class expressions, counted because reviewers look for them).
AXIOM_PATTERNS: dict[str, str] = {
    "classes": _typed(_OWL + "Class"),
    "object_properties": _typed(_OWL + "ObjectProperty"),
    "datatype_properties": _typed(_OWL + "DatatypeProperty"),
    "annotation_properties": _typed(_OWL + "AnnotationProperty"),
    "subclass_of": _pairs(_RDFS + "subClassOf"),
    "equivalent_classes": _pairs(_OWL + "equivalentClass"),
    "disjoint_classes": (
        f"{{ {_pairs(_OWL + 'disjointWith')} }} UNION {{ {_nodes(_OWL + 'AllDisjointClasses')} }}"
    ),
    "disjoint_unions": _pairs(_OWL + "disjointUnionOf"),
    "restrictions": _nodes(_OWL + "Restriction"),
    "subproperty_of": _pairs(_RDFS + "subPropertyOf"),
    "equivalent_properties": _pairs(_OWL + "equivalentProperty"),
    "inverse_properties": _pairs(_OWL + "inverseOf"),
    "disjoint_properties": (
        f"{{ {_pairs(_OWL + 'propertyDisjointWith')} }} UNION {{ {_nodes(_OWL + 'AllDisjointProperties')} }}"
    ),
    "property_chains": _pairs(_OWL + "propertyChainAxiom"),
    "domains": _pairs(_RDFS + "domain"),
    "ranges": _pairs(_RDFS + "range"),
    "functional": _typed(_OWL + "FunctionalProperty"),
    "inverse_functional": _typed(_OWL + "InverseFunctionalProperty"),
    "transitive": _typed(_OWL + "TransitiveProperty"),
    "symmetric": _typed(_OWL + "SymmetricProperty"),
    "asymmetric": _typed(_OWL + "AsymmetricProperty"),
    "reflexive": _typed(_OWL + "ReflexiveProperty"),
    "irreflexive": _typed(_OWL + "IrreflexiveProperty"),
    "has_keys": _pairs(_OWL + "hasKey"),
}


def count_axioms(store: ox.Store, skip_graphs: Sequence[str] = ()) -> dict[str, int]:
    """How many axioms of each kind of :data:`AXIOM_PATTERNS` the store holds outside ``skip_graphs``."""
    skipped = set(skip_graphs)
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    for graph in store.named_graphs():
        if not (isinstance(graph, ox.NamedNode) and graph.value in skipped):
            graphs.append(graph)
    counts: dict[str, int] = {}
    for name, pattern in AXIOM_PATTERNS.items():
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ {pattern} }} }}"
        solutions = cast(ox.QuerySolutions, store.query(query, default_graph=graphs))
        counts[name] = next(int(cast(ox.Literal, row["n"]).value) for row in solutions)
    return counts


def passed(
    report: Report,
    fail_on: Level = "error",
    reasoner: ReasonerResult | None = None,
    owl_rl: ReasonerResult | None = None,
) -> bool:
    """True when no finding is at or above ``fail_on`` and the reasoners that ran found nothing wrong."""
    if report.failing(fail_on):
        return False
    return all(result is None or result.ok for result in (reasoner, owl_rl))


def _verdict(result: ReasonerResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "reasoner": result.reasoner,
        "consistent": result.consistent,
        "unsatisfiable": list(result.unsatisfiable),
        "seconds": round(result.seconds, 3),
        "adjustments": list(result.adjustments),
        "message": result.message,
        "clashes": list(result.clashes),
    }


def report_to_dict(
    report: Report,
    fail_on: Level = "error",
    reasoner: ReasonerResult | None = None,
    owl_rl: ReasonerResult | None = None,
) -> dict[str, Any]:
    """The report as plain JSON-ready data, in the shape documented at the top of this module."""
    per_rule = {rule.name: 0 for rule in report.rules}
    for finding in report.findings:
        per_rule[finding.rule] = per_rule.get(finding.rule, 0) + 1
    return {
        "format": REPORT_FORMAT,
        "files": list(report.files),
        "triples": report.triples,
        "fail_on": fail_on,
        "passed": passed(report, fail_on, reasoner, owl_rl),
        "counts": {level: report.counts.get(level, 0) for level in LEVELS},
        "rules": [
            {
                "name": rule.name,
                "title": rule.title,
                "level": rule.level,
                "source": rule.source,
                "problem": rule.problem,
                "why": rule.why,
                "fix": rule.fix,
                "findings": per_rule[rule.name],
            }
            for rule in report.rules
        ],
        "findings": [
            {
                "rule": finding.rule,
                "level": finding.level,
                "entity": finding.entity,
                "property": finding.property,
                "value": None if finding.value is None else finding.value.as_json(),
            }
            for finding in report.findings
        ],
        "reasoner": _verdict(reasoner),
        "owl_rl": _verdict(owl_rl),
        "imports": list(report.imports),
        "unresolved_imports": list(report.unresolved_imports),
        "data": list(report.data),
        "axioms": dict(report.axioms),
    }


def shorten(iri: str) -> str:
    """Write an IRI as ``prefix:local`` when a known prefix covers it (for readable reports)."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            local = iri[len(namespace) :]
            if re.fullmatch(r"[A-Za-z0-9_][\w.\-]*", local) and not local.endswith("."):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri
