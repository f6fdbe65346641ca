"""RDF that importers (REFI-QDA, surveys, statistics) left in a study package's ``imports/`` folder.

A build merges these triples into the study's graph. They are checked like the tables: a file that
does not parse, that holds blank nodes (instance data must have stable IRIs) or RDF 1.2 triple terms,
is a violation reported at that file.
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Quad, RdfFormat, Triple

from kg.errors import InputError
from kg.ontology.loading import parse_rdf
from kg.problems import Problem, Severity

_FORMATS = {".ttl": RdfFormat.TURTLE, ".nt": RdfFormat.N_TRIPLES}


def read_imports(files: dict[str, bytes]) -> tuple[dict[str, list[Triple]], list[Problem]]:
    """Parse each imported file; return its triples and the problems found, file by file."""
    triples: dict[str, list[Triple]] = {}
    problems: list[Problem] = []
    for name, data in sorted(files.items()):
        rdf_format = _FORMATS[name[name.rfind(".") :].lower()]
        try:
            parsed = parse_rdf(data, rdf_format, name=name)
        except InputError as exc:  # a size limit: the message already names the file
            problems.append(Problem(Severity.VIOLATION, "package.import", str(exc), name))
            continue
        except SyntaxError as exc:
            problems.append(
                Problem(
                    Severity.VIOLATION,
                    "package.import",
                    f"{name} is not valid RDF ({exc}); re-run the importer that wrote it",
                    name,
                )
            )
            continue
        refused = _refused_terms(name, parsed)
        if refused is not None:
            problems.append(refused)
            continue
        triples[name] = [Triple(t.subject, t.predicate, t.object) for t in parsed]
    return triples, problems


# Terms an imported file may not hold: blank nodes (a rebuild would name them anew) and RDF 1.2 triple
# terms (neither the SHACL engines nor RDF/XML, JSON-LD 1.1 or most SPARQL stores take them, so a graph
# holding one could not be validated, exported or published). With what the report says of each.
_REFUSED: tuple[tuple[type, str, str], ...] = (
    (
        BlankNode,
        "with blank nodes; imported data needs IRIs for every resource so that rebuilds are identical",
        "no blank nodes",
    ),
    (
        Triple,
        "with a triple term (<<( ... )>>); ICGP's graphs are RDF 1.1: state the quoted triple as a "
        "resource of its own (e.g. an rdf:Statement)",
        "no triple terms",
    ),
)


def _refused_terms(name: str, parsed: list[Quad]) -> Problem | None:
    """The violation of the first kind of term in :data:`_REFUSED` that ``parsed`` holds, or None."""
    for kind, why, expected in _REFUSED:
        count = sum(1 for t in parsed if isinstance(t.subject, kind) or isinstance(t.object, kind))
        if count:
            return Problem(
                Severity.VIOLATION,
                "package.import",
                f"{name} has {count} triple(s) {why}",
                name,
                value=str(count),
                expected=expected,
            )
    return None
