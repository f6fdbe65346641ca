"""Reading RDF files of the ontology and vocabularies into one in-memory store for checks and reasoning."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from kg.errors import InputError, ResourceMissingError
from kg.ontology import resources

# File name endings read as RDF (pyoxigraph alone would also take .txt as N-Triples, which hides mistakes).
_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "n3": ox.RdfFormat.N3,
    "rdf": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def default_files() -> list[Path]:
    """The bundled files the check reads by default: ontology, alignments (if present), vocabularies."""
    try:
        ontology = resources.ontology_file()
    except ResourceMissingError as exc:
        raise InputError(f"{exc}; or pass the files to check") from exc
    if not ontology.is_file():
        raise InputError(
            f"the bundled ontology {ontology} is missing; reinstall icgp or pass the files to check "
            "(e.g. icgp ontology check my-ontology.ttl)"
        )
    files = [ontology]
    if resources.alignments_file().exists():
        files.append(resources.alignments_file())
    files.extend(resources.vocabulary_files())
    return files


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a file, from its name ending; raise InputError for endings we cannot read."""
    found = _FORMATS.get(path.suffix.lower().lstrip("."))
    if found is None:
        raise InputError(
            f"{path}: cannot tell the RDF syntax from the ending '{path.suffix}'; "
            "use .ttl, .nt, .rdf/.owl (RDF/XML), .jsonld, .trig, .nq or .n3"
        )
    return found


def load_store(files: Sequence[Path] | None = None) -> ox.Store:
    """Load ``files`` (default: :func:`default_files`) into one in-memory store, merged in its default graph.

    Raises InputError naming the file (and the parser's line and column) when a file is missing or broken.
    """
    paths = default_files() if files is None else list(files)
    if not paths:
        raise InputError("no input files to check; pass Turtle, RDF/XML or N-Triples files")
    store = ox.Store()
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file; check the path")
        fmt = rdf_format(path)
        try:
            # Quads files keep their graph names; the rules query the union of all graphs.
            store.load(path=path, format=fmt, base_iri=path.resolve().as_uri())
        except SyntaxError as exc:
            raise InputError(f"{path}: not valid {fmt.name}: {exc.msg}; fix the file and try again") from exc
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: cannot be read: {exc}") from exc
    return store


def triple_count(store: ox.Store) -> int:
    """Number of distinct triples in the union of the store's graphs."""
    result = cast(
        ox.QuerySolutions,
        store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
            use_default_graph_as_union=True,
        ),
    )
    for solution in result:
        return int(cast(ox.Literal, solution["n"]).value)
    return 0
