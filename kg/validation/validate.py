"""``icgp validate`` as a library call: table checks, then SHACL, every problem traced to its source.

A study package (folder or .zip) is checked table by table first (:mod:`kg.package.table_checks`); then
whatever could be built from it is validated with the shapes in ``shapes/``
(:mod:`kg.validation.engines`) over the study graph together with the ontology and the vocabularies, so
that ``sh:class`` sees ``rdfs:subClassOf`` and concept checks see ``skos:inScheme``. Each SHACL result on
a resource of the study is mapped through the builder's source map to file, row and column (resources
from ``imports/`` to their file); a result at a cell that the table checks already reported, or on a
reference to a row that the package lacks (a foreign-key problem of the tables), is not repeated. Results
on the ontology and the vocabularies themselves are not reported.

Any other file is read as RDF (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML, N3) and validated
the same way; its problems name the file and the focus node, path and value.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat

from kg.build.builder import SourceMap, cycle_collector_paused, stream_statements
from kg.build.store import ontology_quads
from kg.build.study import BuildProgress, no_progress
from kg.build.writer import Statement
from kg.errors import InputError
from kg.ontology.concepts import load_concepts
from kg.ontology.loading import parse_rdf
from kg.package.schemas import load_schemas
from kg.package.table_checks import CheckedPackage, check_path
from kg.problems import Problem, Severity, sort_problems
from kg.validation.engines import DEFAULT_ENGINE, DataGraph, ShaclResult, Shapes, load_shapes, validate

RDF_FORMATS: dict[str, RdfFormat] = {
    ".ttl": RdfFormat.TURTLE,
    ".turtle": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".nq": RdfFormat.N_QUADS,
    ".trig": RdfFormat.TRIG,
    ".jsonld": RdfFormat.JSON_LD,
    ".json": RdfFormat.JSON_LD,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
    ".xml": RdfFormat.RDF_XML,
    ".n3": RdfFormat.N3,
}
SHAPES_NS = "https://w3id.org/icgp/shapes#"


@dataclass
class Validation:
    """The outcome of validating one input: every problem, and the SHACL results behind the graph ones."""

    source: str
    problems: list[Problem]
    results: list[ShaclResult] = field(default_factory=list)
    engine: str = DEFAULT_ENGINE
    graph_checked: bool = True

    def failing(self, level: Severity) -> list[Problem]:
        """Problems at ``level`` or more serious."""
        return [p for p in self.problems if p.severity.rank <= level.rank]


def rule_name(shape: str) -> str:
    """The rule id of a shape in reports: ``shacl.`` and the shape's local name."""
    local = shape[len(SHAPES_NS) :] if shape.startswith(SHAPES_NS) else shape
    return f"shacl.{local}"


def validate_path(
    path: Path,
    engine: str = DEFAULT_ENGINE,
    shapes: Shapes | None = None,
    progress: BuildProgress | None = None,
) -> Validation:
    """Validate a study package (folder, .zip) or an RDF file; InputError if it cannot be read.

    ``progress`` is told each step ("checking", "mapping", "validating") and the triples written so far."""
    if not path.exists():
        raise InputError(f"{path} does not exist; give a study package (folder or .zip) or an RDF file")
    if path.is_file() and path.suffix.lower() in RDF_FORMATS:
        return validate_rdf_file(path, engine, shapes, progress)
    return validate_package(path, engine, shapes, progress)


def validate_rdf_file(
    path: Path,
    engine: str = DEFAULT_ENGINE,
    shapes: Shapes | None = None,
    progress: BuildProgress | None = None,
) -> Validation:
    """Validate the triples of one RDF file (all its graphs merged) with the bundled shapes."""
    tell = progress or no_progress
    tell("checking", 0)
    rdf_format = RDF_FORMATS.get(path.suffix.lower())
    if rdf_format is None:
        raise InputError(f"{path} is not a known RDF format; use one of {', '.join(sorted(RDF_FORMATS))}")
    try:
        triples = [q.triple for q in parse_rdf(path, rdf_format, base_iri=path.resolve().as_uri())]
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"{path} could not be read as {rdf_format.name}: {_one_line(exc)}") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    subjects = {_text(t.subject) for t in triples}
    data = DataGraph(chain((q.triple for q in ontology_quads()), triples))
    tell("validating", data.size)
    results = [r for r in validate(data, shapes or load_shapes(), engine) if r.focus in subjects]
    problems = [_problem(r, path.name, None, None) for r in results]
    return Validation(str(path), sort_problems(problems), results, engine)


def validate_package(
    path: Path,
    engine: str = DEFAULT_ENGINE,
    shapes: Shapes | None = None,
    progress: BuildProgress | None = None,
) -> Validation:
    """Check a study package's tables, build what can be built and validate it with SHACL."""
    # Reading the tables makes millions of objects too, and no reference cycles: with the collector on,
    # its sweeps over the growing tables took a twentieth of the time at 1M triples.
    with cycle_collector_paused():
        return _validate_package(path, engine, shapes, progress or no_progress)


def _validate_package(path: Path, engine: str, shapes: Shapes | None, tell: BuildProgress) -> Validation:
    tell("checking", 0)
    concepts = load_concepts()
    checked = check_path(path, concepts)
    buildable = _buildable(checked)
    if buildable is None:
        note = Problem(
            Severity.INFO,
            "graph.skipped",
            "the graph checks (SHACL) did not run because the descriptor or a table header has violations; "
            "fix those and validate again",
            "datapackage.yaml",
        )
        return Validation(str(path), sort_problems([*checked.problems, note]), [], engine, False)
    # Streamed into the data graph's file: the built graph is never held whole (the source map and the
    # set of subjects take memory per resource, which locating the problems needs).
    source_map = SourceMap()
    # The subjects as terms (hashed in native code) while the rows stream; as text once each, after.
    subject_terms: set[object] = set()
    # The fast engine's store is loaded in a thread while the rows are mapped.
    data = DataGraph((q.triple for q in ontology_quads()), preload=engine == "fast")

    def take(statements: list[Statement]) -> None:
        subject_terms.update(map(itemgetter(0), statements))
        data.add_statements(statements)
        tell("mapping", data.size)

    try:
        streamed = stream_statements(buildable, concepts, take, source_map=source_map)
        data.add(q.triple for q in streamed.regions)
        tell("validating", data.size)
        subjects = {_text(s) for s in subject_terms}
        results = [r for r in validate(data, shapes or load_shapes(), engine) if r.focus in subjects]
    finally:
        data.close()
    imported = _imported_origins(checked)
    flagged = {(p.file, p.row, p.column) for p in checked.problems if p.row is not None}
    study_prefix = f"{checked.descriptor.base}{checked.descriptor.name}/"
    problems = list(checked.problems)
    for result in results:
        if (
            not checked.ok
            and result.value is not None
            and result.value.startswith(study_prefix)
            and result.value not in source_map.origins
        ):
            continue  # a reference to a row the package lacks (or that was left out): a table problem already
        origin = imported.get((result.focus, result.path or ""))
        located = (origin, None, None) if origin else source_map.locate(result.focus, result.path)
        if located is None:
            continue
        file, row, column = located
        if row is not None and (file, row, column) in flagged:
            continue  # the table checks already reported this cell, in table terms
        problems.append(_problem(result, file, row, column))
    return Validation(str(path), sort_problems(problems), results, engine)


def _imported_origins(checked: CheckedPackage) -> dict[tuple[str, str], str]:
    """(subject, predicate) -> the imports/ file that holds the triple; the file wins over a table row."""
    origins: dict[tuple[str, str], str] = {}
    for name, triples in checked.imports.items():
        for triple in triples:
            origins.setdefault((_text(triple.subject), triple.predicate.value), name)
    return origins


def _buildable(checked: CheckedPackage) -> CheckedPackage | None:
    """The part of a checked package the builder can turn into RDF, or None if nothing sound is left.

    Rows that lack a required value, repeat a key or fill another framework's columns are left out (the
    table checks report them, so the shapes need not report them again); the descriptor and the headers
    must be free of violations, as the IRIs and columns depend on them.
    """
    if checked.ok:
        return checked
    blocking = {"table.header", "table.delimiter", "table.csv"}
    for problem in checked.problems:
        if problem.severity is not Severity.VIOLATION or problem.rule == "package.import":
            continue  # a broken imports/ file is simply not merged
        if (
            problem.rule in blocking
            or problem.rule.startswith("package.")
            or problem.file.startswith("datapackage.")
        ):
            return None
    if not checked.descriptor.name:
        return None
    schemas = load_schemas()
    left_out = {"table.unique", "table.required", "table.framework"}
    repeated = {(p.file, p.row) for p in checked.problems if p.rule in left_out}
    tables = {}
    for table, rows in checked.tables.items():
        schema = schemas.get(table)
        required = [f.name for f in schema.fields if f.required] if schema else []
        file = checked.table_files.get(table, f"{table}.csv")
        tables[table] = [
            row
            for row in rows
            if all(row.values.get(name) is not None for name in required) and (file, row.line) not in repeated
        ]
    kept = [p for p in checked.problems if p.severity is not Severity.VIOLATION]
    return dataclasses.replace(checked, tables=tables, problems=kept)


def _problem(result: ShaclResult, file: str, row: int | None, column: str | None) -> Problem:
    return Problem(
        severity=result.severity,
        rule=rule_name(result.shape),
        message=result.message or f"the data does not conform to the shape {result.shape}",
        file=file,
        row=row,
        column=column,
        value=result.value,
        focus=result.focus,
        path=result.path,
        component=result.component,
        shape=result.shape,
    )


def _text(term: object) -> str:
    if isinstance(term, NamedNode):
        return term.value
    return f"_:{getattr(term, 'value', term)}"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


__all__ = ["RDF_FORMATS", "Validation", "rule_name", "validate_package", "validate_path", "validate_rdf_file"]
