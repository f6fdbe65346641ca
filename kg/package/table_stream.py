"""Check a study package without holding its rows, and read the rows again when a build asks for them.

A build into an on-disk store streams its quads, so the parsed rows were what grew with the study: a
dict per row, some 800 MB for ten million triples. Here each table is checked in chunks of rows (cells,
unique keys, then its foreign keys and rules, the tables it points at having been read before it) and
the chunk is dropped; a checked table is parsed again, row by row, while the builder maps it. What is
kept per row is what the checks across tables need: the values of the columns that foreign keys point
at, and the rows of the few small tables that other tables' rules look values up in (sources, survey
items). The CSV text of each table stays in memory, as the package holds it.

The problems found are those of :func:`kg.package.table_checks.check_package` for a package without
violations. With violations the report is that of the full check, which names every problem exactly as
before (a build stops then, so reading the package twice costs nothing that matters).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from graphlib import TopologicalSorter
from pathlib import Path

from pyoxigraph import Triple

from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.package.descriptor_checks import check_region
from kg.package.imports_folder import read_imports
from kg.package.reader import StudyPackage, open_package
from kg.package.schemas import TableSchema, load_schemas
from kg.package.table_checks import CheckedPackage, check_package, report_order, require_schemes
from kg.package.table_links import LinkChecker
from kg.package.table_rows import ProblemLog, RereadRows, Row, TableReader, TableResult, referenced_columns
from kg.problems import has_violations

__all__ = ["check_package_streamed", "check_path_streamed"]


def _reading_order(schemas: Mapping[str, TableSchema], present: list[str]) -> list[str]:
    """The tables present, each after the tables its foreign keys point at (schema order otherwise)."""
    order = {table: index for index, table in enumerate(schemas)}
    graph = {
        table: {
            fk.resource
            for fk in schemas[table].foreign_keys
            if fk.resource != table and fk.resource in present
        }
        for table in present
    }
    sorter = TopologicalSorter(graph)
    sorter.prepare()
    ordered: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=order.__getitem__)
        ordered += ready
        sorter.done(*ready)
    return ordered


def _looked_up(schemas: Mapping[str, TableSchema]) -> set[str]:
    """Tables whose rows a rule of another table looks values up in (kept whole while checking)."""
    return {
        check.options["resource"]
        for schema in schemas.values()
        for check in schema.checks
        if "resource" in check.options
    }


def _compacted(keys: set[str]) -> set[str]:
    """The same keys as new strings, made one after another.

    Each key was read with the other cells of its row, which are all gone: the few survivors kept
    Python's memory blocks from being handed back (about 100 MB more resident at ten million triples).
    """
    return {key.encode().decode() for key in keys}


def _self_referencing(schema: TableSchema) -> bool:
    return any(fk.resource == schema.name for fk in schema.foreign_keys)


def check_package_streamed(package: StudyPackage, concepts: ConceptIndex | None = None) -> CheckedPackage:
    """Check an opened package as :func:`~kg.package.table_checks.check_package` does, keeping no rows.

    The result's ``tables`` are :class:`RereadRows`: each iteration parses the table again. With any
    violation, the result is the full check's (rows kept), so that the report is exactly the usual one."""
    concepts = concepts if concepts is not None else load_concepts()
    schemas = load_schemas()
    require_schemes(package, schemas, concepts)
    log = ProblemLog(package.problems)
    log.problems += check_region(package.descriptor, concepts)
    results: dict[str, TableResult] = {}
    checker = LinkChecker(results, package.table_files, log)
    counts: dict[str, int] = {}
    kept = _looked_up(schemas)

    def check_links(result: TableResult) -> None:
        counts[result.schema.name] = counts.get(result.schema.name, 0) + len(result.rows)
        checker.check_foreign_keys(result)
        checker.check_rules(result)

    present = [table for table in schemas if table in package.texts]
    # The rows of a table stay whole when others look them up, or its keys point into itself.
    held = {table for table in present if table in kept or _self_referencing(schemas[table])}
    for table in _reading_order(schemas, present):
        schema = schemas[table]
        reader = TableReader(schema, package.table_files[table], concepts, log)
        referenced = referenced_columns(schemas, table)
        whole = table in held
        result = reader.read(package.texts[table], referenced, None if whole else check_links)
        result.keys = {name: _compacted(keys) for name, keys in result.keys.items()}
        results[table] = result
        if whole and result.usable:
            check_links(result)
    checker.report_unchecked()
    problems = log.problems
    imports: dict[str, list[Triple]] = {}
    if package.imports:
        imports, imported = read_imports(package.imports)
        problems = [*problems, *imported]
    if has_violations(problems):
        return check_package(package, concepts)
    tables: dict[str, list[Row] | RereadRows] = {}
    for table, result in results.items():
        if table in held:
            tables[table] = result.rows
        else:
            text, file = package.texts[table], package.table_files[table]
            tables[table] = RereadRows(text, result.schema, file, concepts, counts.get(table, 0))
    checked = CheckedPackage(
        package=package,
        descriptor=package.descriptor,
        tables=tables,
        table_files=dict(package.table_files),
        checksums=dict(package.checksums),
        problems=report_order(problems),
    )
    return replace(checked, imports=imports) if imports else checked


def check_path_streamed(path: Path, concepts: ConceptIndex | None = None) -> CheckedPackage:
    """Open a package folder or .zip and check it with :func:`check_package_streamed`."""
    return check_package_streamed(open_package(path), concepts)
