"""Check the tables of a study package against their schemas and hand the parsed rows to the builder.

Every problem of the whole package is reported in one run: encoding, delimiter, header, ragged rows,
types, required values, unique keys, foreign keys, vocabulary concepts, dates, list cells and the rules
between columns and tables. Each table is read in a single pass (:mod:`kg.package.table_rows`), then
the tables are checked against each other (:mod:`kg.package.table_links`); the checks stay linear in the
size of the package, and the Table Schemas are interpreted here rather than by a per-row validator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from pyoxigraph import Triple

from kg.errors import ResourceMissingError
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.package.cells import SCHEME_NOUNS
from kg.package.descriptor import Descriptor
from kg.package.descriptor_checks import check_region
from kg.package.imports_folder import read_imports
from kg.package.reader import StudyPackage, open_package
from kg.package.schemas import TableSchema, load_schemas
from kg.package.table_links import check_links
from kg.package.table_rows import ProblemLog, RereadRows, Row, read_tables
from kg.problems import Problem, has_violations

# Problems that stop a file or table from being read as a whole: they come first in a report, since the
# problems of its cells and the references into it are often only their knock-on effects.
_STRUCTURE_RULES = frozenset(
    {"table.csv", "table.encoding", "table.delimiter", "table.header", "table.ragged"}
)
# Problems between tables, reported last.
_LINK_RULES = frozenset({"table.foreign-key", "table.framework"})


def _stage(problem: Problem) -> int:
    if problem.rule.startswith("package.") or problem.rule in _STRUCTURE_RULES:
        return 0
    return 2 if problem.rule in _LINK_RULES else 1


def report_order(problems: Iterable[Problem]) -> list[Problem]:
    """Problems with root causes first: package and file structure, then cells, then links between tables.

    Within each stage the order is that of :func:`kg.problems.sort_problems` (file, row, column, ...).
    """
    return sorted(problems, key=lambda problem: (_stage(problem), problem.sort_key()))


@dataclass(frozen=True)
class CheckedPackage:
    """The outcome of the checks: the problems and, for the builder, the parsed tables.

    ``tables`` holds the rows of each table present (rows with the wrong number of cells are left out;
    after :func:`kg.package.table_stream.check_package_streamed`, rows parsed again when iterated),
    ``table_files`` each table's file inside the package and ``checksums`` the SHA-256 of every file read.
    """

    package: StudyPackage
    descriptor: Descriptor
    tables: Mapping[str, list[Row] | RereadRows]
    table_files: dict[str, str]
    checksums: dict[str, str]
    problems: list[Problem]
    imports: dict[str, list[Triple]] = field(default_factory=dict)
    """Triples of the RDF files under ``imports/``, by file (see :mod:`kg.package.imports_folder`)."""

    @property
    def ok(self) -> bool:
        """True if no problem is a violation (warnings and infos do not block a build)."""
        return not has_violations(self.problems)


def require_schemes(
    package: StudyPackage, schemas: Mapping[str, TableSchema], concepts: ConceptIndex
) -> None:
    """Raise ResourceMissingError if a vocabulary that the package's tables need is not installed."""
    needed = {
        spec.scheme for table in package.texts for spec in schemas[table].fields if spec.scheme is not None
    }
    if package.descriptor.region is not None:
        needed.add("nuts")
    missing = sorted(scheme for scheme in needed if not concepts.has_scheme(scheme))
    if missing:
        raise ResourceMissingError(
            "the vocabularies " + ", ".join(missing) + " are not among the bundled vocabularies; "
            "reinstall icgp"
        )


def _check_tables(package: StudyPackage, concepts: ConceptIndex) -> CheckedPackage:
    schemas = load_schemas()
    require_schemes(package, schemas, concepts)
    log = ProblemLog(package.problems)
    log.problems += check_region(package.descriptor, concepts)
    results = read_tables(package.texts, package.table_files, schemas, concepts, log)
    check_links(results, package.table_files, log)
    return CheckedPackage(
        package=package,
        descriptor=package.descriptor,
        tables={table: result.rows for table, result in results.items()},
        table_files=dict(package.table_files),
        checksums=dict(package.checksums),
        problems=report_order(log.problems),
    )


def check_package(package: StudyPackage, concepts: ConceptIndex | None = None) -> CheckedPackage:
    """Check every table of an opened package; problems come in :func:`report_order`.

    ``concepts`` defaults to the bundled vocabularies. Raises ResourceMissingError if a vocabulary the
    tables need is not installed.
    """
    checked = _check_tables(package, concepts if concepts is not None else load_concepts())
    if not package.imports:
        return checked
    imports, problems = read_imports(package.imports)
    return replace(checked, imports=imports, problems=report_order([*checked.problems, *problems]))


def check_path(path: Path, concepts: ConceptIndex | None = None) -> CheckedPackage:
    """Open a package folder or .zip and check it (InputError if it cannot be read at all)."""
    return check_package(open_package(path), concepts)


__all__ = [
    "SCHEME_NOUNS",
    "CheckedPackage",
    "Row",
    "check_package",
    "check_path",
    "report_order",
    "require_schemes",
]
