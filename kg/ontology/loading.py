"""Reading RDF files of the ontology and vocabularies into one in-memory store for checks and reasoning.

The ontologies ICGP imports (PROV-O, ORG, SKOS, ...) cannot be fetched at check time, so the axioms ICGP
relies on are shipped in ``ontology/imports/``; ``catalog-v001.xml`` there maps each imported IRI to its
file, as Protege and ROBOT catalogs do. :func:`load_with_imports` follows ``owl:imports`` through it.

Every RDF file a user gives (``--data``, ``validate``, ``diff``, ``publish``, a package's ``imports/``)
is read through :func:`parse_rdf`, which refuses what would make the parsers run out of time or memory:
RDF/XML that declares entities (a few hundred bytes can expand to gigabytes), RDF/XML or JSON-LD nested
deeper than :data:`MAX_NESTING_DEPTH` (Oxigraph's RDF/XML parser slows down with the square of the depth;
its JSON-LD parser overflows the stack, killing the process, at some ten thousand levels), and any
literal longer than :data:`MAX_LITERAL_BYTES`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from defusedxml import DefusedXmlException, ElementTree

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


#: Deepest nesting accepted in RDF/XML (elements) and JSON-LD (objects and arrays); real files stay
#: below 20 levels.
MAX_NESTING_DEPTH = 256
#: Longest literal accepted in an RDF input (16 MiB of UTF-8); longer texts belong in files beside the data.
MAX_LITERAL_BYTES = 16 * 1024 * 1024


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


def imports_dir() -> Path:
    """The folder of the bundled stand-ins for imported ontologies and their catalog."""
    return resources.resource_dir("ontology") / "imports"


def _catalog_key(iri: str) -> str:
    # An import may name an ontology with or without its namespace separator (prov-o vs prov-o#).
    return iri.rstrip("#/")


def import_catalog() -> dict[str, Path]:
    """Imported ontology IRI (without a trailing ``#`` or ``/``) -> the bundled file standing in for it."""
    catalog = imports_dir() / "catalog-v001.xml"
    try:
        root = ElementTree.parse(catalog).getroot()
    except (OSError, ElementTree.ParseError) as exc:
        raise InputError(f"{catalog}: cannot read the import catalog: {exc}; reinstall icgp") from exc
    if root is None:
        raise InputError(f"{catalog}: the import catalog is empty; reinstall icgp")
    mapping: dict[str, Path] = {}
    for element in root.iter("{urn:oasis:names:tc:entity:xmlns:xml:catalog}uri"):
        name, target = element.get("name"), element.get("uri")
        if name and target:
            mapping[_catalog_key(name)] = catalog.parent / target
    return mapping


@dataclass(frozen=True)
class ImportClosure:
    """What following ``owl:imports`` added to a store.

    ``files`` are the bundled files loaded for imported ontologies, in load order; ``unresolved`` are
    imported IRIs that are neither among the loaded ontologies nor in the catalog (their terms are then
    missing from the check, which the undeclared-term rule will show).
    """

    files: tuple[Path, ...] = ()
    unresolved: tuple[str, ...] = ()


_IMPORTS_QUERY = """
SELECT DISTINCT ?o WHERE { ?s <http://www.w3.org/2002/07/owl#imports> ?o FILTER(isIRI(?o)) }"""
_ONTOLOGIES_QUERY = """
SELECT DISTINCT ?o WHERE {
  { ?o a <http://www.w3.org/2002/07/owl#Ontology> }
  UNION { ?s <http://www.w3.org/2002/07/owl#versionIRI> ?o }
  FILTER(isIRI(?o))
}"""


def _iris(store: ox.Store, query: str) -> set[str]:
    solutions = cast(ox.QuerySolutions, store.query(query, use_default_graph_as_union=True))
    return {cast(ox.NamedNode, solution["o"]).value for solution in solutions}


def resolve_imports(store: ox.Store) -> ImportClosure:
    """Load into ``store`` the bundled files of every ontology its graphs import, transitively.

    Imports of ontologies already in the store (by ontology IRI or version IRI) need nothing; the others
    are looked up in the catalog of :func:`imports_dir`. Nothing is fetched from the network.
    """
    catalog = import_catalog()
    loaded: list[Path] = []
    unresolved: set[str] = set()
    while True:
        present = {_catalog_key(iri) for iri in _iris(store, _ONTOLOGIES_QUERY)}
        present.update(_catalog_key(name) for name, path in catalog.items() if path in loaded)
        wanted = {iri for iri in _iris(store, _IMPORTS_QUERY) if _catalog_key(iri) not in present}
        to_load = sorted({catalog[_catalog_key(iri)] for iri in wanted if _catalog_key(iri) in catalog})
        unresolved.update(iri for iri in wanted if _catalog_key(iri) not in catalog)
        if not to_load:
            return ImportClosure(tuple(loaded), tuple(sorted(unresolved)))
        for path in to_load:
            # Each imported file gets a graph of its own, so reports can tell ICGP's axioms from them.
            _load_file(store, path, ox.NamedNode(import_graph(path)))
            loaded.append(path)


def load_with_imports(files: Sequence[Path] | None = None) -> tuple[ox.Store, ImportClosure]:
    """:func:`load_store`, then the bundled files of the ontologies those files import."""
    store = load_store(files)
    return store, resolve_imports(store)


def add_files(store: ox.Store, files: Sequence[Path]) -> None:
    """Load more RDF files (a study's graph, say) into ``store``, with the messages of :func:`load_store`."""
    for path in files:
        _load_file(store, path)


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
        _load_file(store, path)
    return store


def import_graph(path: Path) -> str:
    """The name of the graph :func:`resolve_imports` loads an imported file into (its file URI)."""
    return path.resolve().as_uri()


def _check_xml(source: Path | bytes, label: str) -> None:
    """Refuse RDF/XML with entity declarations or elements nested deeper than :data:`MAX_NESTING_DEPTH`.

    Runs before Oxigraph sees the file: its RDF/XML parser expands internal entities without a bound
    and takes time quadratic in the nesting depth. Broken XML is left for Oxigraph to report.
    """
    depth = 0
    stream = str(source) if isinstance(source, Path) else io.BytesIO(source)
    try:
        for event, element in ElementTree.iterparse(stream, events=("start", "end"), forbid_entities=True):
            if event == "start":
                depth += 1
                if depth > MAX_NESTING_DEPTH:
                    raise InputError(
                        f"{label}: RDF/XML elements nested more than {MAX_NESTING_DEPTH} levels deep; "
                        "flatten the file (give nested resources IRIs of their own) or use Turtle"
                    )
            else:
                depth -= 1
                element.clear()  # only the open path is needed; keeps memory flat
    except DefusedXmlException as exc:
        raise InputError(
            f"{label}: RDF/XML that declares entities ({type(exc).__name__}) is refused, as entities "
            "can expand to gigabytes; write the values out in full or use Turtle"
        ) from exc
    except ElementTree.ParseError:
        return


# A JSON string (escapes included) or one bracket: enough to measure nesting without a JSON parser.
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def _check_json(data: bytes, label: str) -> None:
    """Refuse JSON-LD whose objects and arrays nest deeper than :data:`MAX_NESTING_DEPTH`."""
    depth = 0
    for token in _JSON_TOKEN.finditer(data):
        bracket = token.group()
        if bracket in (b"{", b"["):
            depth += 1
            if depth > MAX_NESTING_DEPTH:
                raise InputError(
                    f"{label}: JSON-LD objects or arrays nested more than {MAX_NESTING_DEPTH} levels deep; "
                    "flatten the document (give nested nodes an @id of their own) or use Turtle"
                )
        elif bracket in (b"}", b"]"):
            depth -= 1


def parse_rdf(
    source: Path | bytes,
    fmt: ox.RdfFormat,
    *,
    name: str | None = None,
    base_iri: str | None = None,
    rename_blank_nodes: bool = False,
) -> list[ox.Quad]:
    """The quads of an RDF file (or its bytes), read within the limits of the module docstring.

    Triples come back in the default graph. A limit broken raises :class:`InputError` naming ``name``
    (default: the path); ``SyntaxError``, ``ValueError`` and ``OSError`` of the parser pass through, so
    each caller keeps its own wording for a broken or unreadable file.
    """
    label = name or str(source if isinstance(source, Path) else "the RDF input")
    if fmt == ox.RdfFormat.RDF_XML:
        _check_xml(source, label)
    elif fmt == ox.RdfFormat.JSON_LD:
        source = source.read_bytes() if isinstance(source, Path) else source
        _check_json(source, label)
    if isinstance(source, Path):
        quads = ox.parse(path=source, format=fmt, base_iri=base_iri, rename_blank_nodes=rename_blank_nodes)
    else:
        quads = ox.parse(source, format=fmt, base_iri=base_iri, rename_blank_nodes=rename_blank_nodes)
    found: list[ox.Quad] = []
    try:
        for quad in quads:
            found.append(_within_limit(quad, label))
    except MemoryError as exc:
        # Oxigraph's text parsers stop at a 16 MiB token themselves, with a bare MemoryError.
        raise InputError(
            f"{label}: a literal or IRI is over the limit of {MAX_LITERAL_BYTES:,} bytes (16 MiB); keep long "
            "texts in files beside the data and link to them"
        ) from exc
    return found


def _within_limit(quad: ox.Quad, label: str) -> ox.Quad:
    """``quad``, or InputError if its object is a literal over :data:`MAX_LITERAL_BYTES`."""
    value = quad.object
    # A character is at most 4 bytes of UTF-8, so short values need no encoding to be measured.
    if (
        isinstance(value, ox.Literal)
        and len(value.value) > MAX_LITERAL_BYTES // 4
        and (size := len(value.value.encode("utf-8"))) > MAX_LITERAL_BYTES
    ):
        subject = str(quad.subject)[:200]
        raise InputError(
            f"{label}: a literal of {size:,} bytes (subject {subject}, property <{quad.predicate.value}>) "
            f"is over the limit of {MAX_LITERAL_BYTES:,} bytes (16 MiB); keep long texts in files "
            "beside the data and link to them"
        )
    return quad


def _load_file(store: ox.Store, path: Path, graph: ox.NamedNode | None = None) -> None:
    if not path.is_file():
        raise InputError(f"{path}: no such file; check the path")
    fmt = rdf_format(path)
    try:
        # Quads files keep their graph names; the rules query the union of all graphs.
        quads = parse_rdf(path, fmt, base_iri=path.resolve().as_uri(), rename_blank_nodes=True)
        if graph is not None:
            quads = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads]
        store.extend(quads)
    except SyntaxError as exc:
        raise InputError(f"{path}: not valid {fmt.name}: {exc.msg}; fix the file and try again") from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot be read: {exc}") from exc


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
