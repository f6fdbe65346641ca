"""Render validation problems as a readable report, JSON, CSV, SARIF 2.1.0 or a SHACL report in Turtle.

The readable report gives counts by severity and by rule first, then one line per problem in the
stable order of :func:`kg.problems.sort_problems`. JSON and CSV carry every field of each problem
(``docs/validation-report.md`` documents them); SARIF lets code-scanning tools show the problems at
their file and line; the Turtle output is the SHACL validation report of the graph checks.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from urllib.parse import quote

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, parse, serialize

from kg import __version__
from kg.ontology.namespaces import PREFIXES
from kg.package.safe_input import spreadsheet_safe, terminal_safe
from kg.problems import Problem, Severity, count_by_severity, sort_problems

REPORT_FIELDS = (
    "severity",
    "rule",
    "file",
    "row",
    "column",
    "value",
    "expected",
    "suggestion",
    "message",
    "focus",
    "path",
    "component",
    "shape",
)
JSON_SCHEMA_VERSION = "1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVELS = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_SH = "http://www.w3.org/ns/shacl#"
_SHAPES_NS = "https://w3id.org/icgp/shapes#"
_REPORT_PREFIXES = {**PREFIXES, "icgpsh": _SHAPES_NS}


def shorten(iri: str) -> str:
    """An IRI as a CURIE with the project's prefixes (and ``icgpsh:`` for shapes), else ``<iri>``."""
    for prefix, namespace in _REPORT_PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri if iri.startswith("_:") else f"<{iri}>"


def _where(problem: Problem) -> str:
    """``file:row:column``; for graph problems without a row, the focus node and path as well."""
    if problem.row is None and problem.focus is not None:
        parts = [problem.file, shorten(problem.focus)]
        if problem.path is not None:
            parts.append(shorten(problem.path))
        return " ".join(parts)
    return problem.location


def render_text(problems: Sequence[Problem], source: str) -> str:
    """A readable report: summary counts, counts per rule, then every problem with its location."""
    ordered = sort_problems(problems)
    counts = count_by_severity(ordered)
    lines = [
        f"{source}: {counts[Severity.VIOLATION]} violation(s), {counts[Severity.WARNING]} warning(s), "
        f"{counts[Severity.INFO]} info"
    ]
    if not ordered:
        lines.append("no problems found")
        return "\n".join(lines) + "\n"
    by_rule = Counter((p.severity.rank, p.severity.value, p.rule) for p in ordered)
    lines.append("")
    lines += [f"  {n:>6}  {severity:<9}  {rule}" for (_, severity, rule), n in sorted(by_rule.items())]
    lines.append("")
    for problem in ordered:
        shown = (
            f" (value: {problem.value})" if problem.value is not None and problem.focus is not None else ""
        )
        lines.append(f"{_where(problem)}: {problem.severity.value} [{problem.rule}] {problem.message}{shown}")
    # Messages quote cells and file names: keep their control characters from acting on the terminal.
    return terminal_safe("\n".join(lines) + "\n")


def render_json(problems: Sequence[Problem], source: str) -> str:
    """The report as JSON: the input, whether it conforms, counts and every problem's fields."""
    ordered = sort_problems(problems)
    counts = count_by_severity(ordered)
    by_rule = Counter(p.rule for p in ordered)
    document = {
        "version": JSON_SCHEMA_VERSION,
        "input": source,
        "conforms": counts[Severity.VIOLATION] == 0,
        "counts": {severity.value: n for severity, n in counts.items()},
        "rules": {rule: by_rule[rule] for rule in sorted(by_rule)},
        "problems": [problem.as_dict() for problem in ordered],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_csv(problems: Sequence[Problem], source: str) -> str:
    """The report as CSV with a header row, one problem per row.

    A text field that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return) is written with a leading ``'``, as OWASP advises against CSV injection.
    """
    del source  # every row already names its file
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for problem in sort_problems(problems):
        record = problem.as_dict()
        writer.writerow({name: _csv_cell(record[name]) for name in REPORT_FIELDS})
    return buffer.getvalue()


def _csv_cell(value: object) -> object:
    """A field for the CSV report: numbers (the row) as they are, text guarded against formula injection."""
    if value is None:
        return ""
    return spreadsheet_safe(value) if isinstance(value, str) else value


def render_sarif(problems: Sequence[Problem], source: str) -> str:
    """The report as a SARIF 2.1.0 log: one run of icgp, one rule per rule id, one result per problem.

    Locations are relative to the package (``file``, ``row`` as the start line); the column name, the
    focus node and the SHACL details travel in each result's property bag.
    """
    ordered = sort_problems(problems)
    rule_ids = sorted({p.rule for p in ordered})
    index = {rule: i for i, rule in enumerate(rule_ids)}
    first = {rule: next(p for p in ordered if p.rule == rule) for rule in rule_ids}
    rules = []
    for rule in rule_ids:
        descriptor: dict[str, object] = {
            "id": rule,
            "shortDescription": {"text": first[rule].message},
            "defaultConfiguration": {"level": _SARIF_LEVELS[first[rule].severity]},
        }
        if first[rule].shape is not None:
            descriptor["helpUri"] = first[rule].shape
        rules.append(descriptor)
    results = []
    for problem in ordered:
        location: dict[str, object] = {
            "physicalLocation": {
                "artifactLocation": {"uri": quote(problem.file), "uriBaseId": "INPUT"},
                **(
                    {"region": {"startLine": problem.row}}
                    if problem.row is not None and problem.row > 0
                    else {}
                ),
            }
        }
        if problem.focus is not None:
            location["logicalLocations"] = [{"fullyQualifiedName": problem.focus, "kind": "resource"}]
        properties = {
            name: value
            for name, value in (
                ("column", problem.column),
                ("value", problem.value),
                ("expected", problem.expected),
                ("suggestion", problem.suggestion),
                ("focusNode", problem.focus),
                ("resultPath", problem.path),
                ("constraintComponent", problem.component),
                ("sourceShape", problem.shape),
            )
            if value is not None
        }
        result: dict[str, object] = {
            "ruleId": problem.rule,
            "ruleIndex": index[problem.rule],
            "level": _SARIF_LEVELS[problem.severity],
            "message": {"text": problem.message},
            "locations": [location],
        }
        if properties:
            result["properties"] = properties
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "icgp",
                        "version": __version__,
                        "informationUri": "https://w3id.org/icgp",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"INPUT": {"description": {"text": f"the validated input: {source}"}}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def render_turtle(
    problems: Sequence[Problem], source: str, value_terms: dict[tuple[str, str, str], str]
) -> str:
    """The SHACL validation report of the graph problems, in Turtle (blank-node results, stable order).

    ``value_terms`` maps (focus, shape, value) to the value in N-Triples syntax, to keep datatypes;
    ``sh:conforms`` is false when any graph problem is a violation. Table problems are not SHACL
    results and are left out (the other formats list them).
    """
    del source
    sh = _SH
    graph_problems = [p for p in sort_problems(problems) if p.focus is not None and p.shape is not None]
    report = BlankNode("report")
    quads = [
        Quad(
            report,
            NamedNode(sh + "conforms"),
            Literal(
                "false" if any(p.severity is Severity.VIOLATION for p in graph_problems) else "true",
                datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean"),
            ),
        ),
        Quad(
            report,
            NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            NamedNode(sh + "ValidationReport"),
        ),
    ]
    severities = {Severity.VIOLATION: "Violation", Severity.WARNING: "Warning", Severity.INFO: "Info"}
    for number, problem in enumerate(graph_problems, 1):
        assert problem.focus is not None and problem.shape is not None
        node = BlankNode(f"r{number}")
        quads += [
            Quad(report, NamedNode(sh + "result"), node),
            Quad(
                node,
                NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                NamedNode(sh + "ValidationResult"),
            ),
            Quad(node, NamedNode(sh + "focusNode"), _node(problem.focus)),
            Quad(node, NamedNode(sh + "resultSeverity"), NamedNode(sh + severities[problem.severity])),
            Quad(node, NamedNode(sh + "sourceShape"), _node(problem.shape)),
            Quad(node, NamedNode(sh + "resultMessage"), Literal(problem.message, language="en")),
        ]
        if problem.component is not None:
            quads.append(
                Quad(node, NamedNode(sh + "sourceConstraintComponent"), NamedNode(problem.component))
            )
        if problem.path is not None:
            quads.append(Quad(node, NamedNode(sh + "resultPath"), NamedNode(problem.path)))
        if problem.value is not None:
            term = value_terms.get((problem.focus, problem.shape, problem.value))
            value = _parse_term(term) if term is not None else Literal(problem.value)
            quads.append(Quad(node, NamedNode(sh + "value"), value))
    data = serialize([q.triple for q in quads], format=RdfFormat.TURTLE, prefixes=_REPORT_PREFIXES)
    assert data is not None  # no output stream given, so the bytes are returned
    return data.decode("utf-8")


def _node(text: str) -> NamedNode | BlankNode:
    return BlankNode(text[2:]) if text.startswith("_:") else NamedNode(text)


def _parse_term(text: str) -> NamedNode | BlankNode | Literal:
    if text.startswith("_:"):
        return BlankNode(text[2:])
    triple = next(iter(parse(f"<urn:s> <urn:p> {text} .".encode(), format=RdfFormat.N_TRIPLES)))
    obj = triple.object
    assert isinstance(obj, NamedNode | BlankNode | Literal)
    return obj
