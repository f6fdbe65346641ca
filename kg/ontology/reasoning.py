"""Consistency and unsatisfiable classes under HermiT (the jar owlready2 ships), and consistency under OWL-RL.

Two reasoners look at the same merged graph (ontology, the bundled stand-ins of the ontologies it
imports, vocabularies and, with ``icgp ontology check --data``, a study's graph):

* :func:`reason` runs HermiT, a complete OWL 2 DL reasoner (needs Java);
* :func:`reason_owl_rl` computes the OWL 2 RL closure with the ``owlrl`` package (pure Python) and calls
  the graph consistent when the closure derives no clash: no member of ``owl:Nothing``, no individual in
  two disjoint classes, no ``owl:sameAs`` between different individuals, no ill-typed literal.

HermiT finds every inconsistency of an OWL 2 DL graph; OWL-RL is a second opinion that needs no Java and
names the clashing individuals, which helps to find the triple to fix.

HermiT reads an N-Triples dump of the merged graph, which is first prepared with rdflib:

* ``owl:imports`` are dropped, so nothing is fetched from the network (the files to reason over are
  passed explicitly);
* literals whose datatype is outside the OWL 2 datatype map are rewritten or dropped: HermiT refuses
  such datatypes even in annotations. ``xsd:date`` values become ``xsd:dateTime`` at midnight (same
  timezone, if any); other such literals (``xsd:gYear``, ``xsd:duration``...) are dropped. An unsupported
  datatype used as a range becomes ``xsd:dateTime`` (for ``xsd:date``) or ``rdfs:Literal``. Such a graph
  is not OWL 2 DL: the quality rule ``non_owl2_datatype`` reports every such literal as an error, and the
  report lists these changes, so the verdict is never given silently on a rewritten graph;
* IRIs used as classes (superclasses, equivalent and disjoint classes, domains, object property ranges,
  restriction fillers, types of individuals) get an ``owl:Class`` declaration when they lack one, so
  that they are read as classes whatever a parser infers from their use.

Every change is listed in :attr:`ReasonerResult.adjustments`. A Java runtime is needed; without one the
check raises :class:`ReasonerUnavailableError` (an :class:`~kg.errors.InputError`) with a clear message.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from owlrl import OWLRL_Semantics
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.errors import InputError
from kg.ontology.loading import load_with_imports
from kg.ontology.rl_graph import IndexedGraph, plain_namespaces

REASONER = "HermiT"
OWL_RL = "OWL-RL"

# The OWL 2 datatype map (OWL 2 Structural Specification, section 4) plus rdf:langString, which is how
# RDF 1.1 names the type of language-tagged strings.
OWL2_DATATYPES = frozenset(
    str(iri)
    for iri in (
        OWL.real, OWL.rational, XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.nonPositiveInteger,
        XSD.positiveInteger, XSD.negativeInteger, XSD.long, XSD.int, XSD.short, XSD.byte,
        XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte, XSD.double, XSD.float,
        XSD.string, XSD.normalizedString, XSD.token, XSD.language, XSD.Name, XSD.NCName, XSD.NMTOKEN,
        XSD.boolean, XSD.hexBinary, XSD.base64Binary, XSD.anyURI, XSD.dateTime, XSD.dateTimeStamp,
        RDF.XMLLiteral, RDF.PlainLiteral, RDF.langString, RDFS.Literal,
    )
)  # fmt: skip

_BUILT_IN = (str(OWL), str(RDF), str(RDFS), str(XSD))
_DATE = re.compile(r"^(-?\d{4,}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")


class ReasonerUnavailableError(InputError):
    """The reasoner cannot run here (no Java runtime); the message says how to fix or skip it."""


@dataclass(frozen=True)
class ReasonerResult:
    """What the reasoner concluded about the merged graph."""

    consistent: bool
    unsatisfiable: tuple[str, ...] = ()
    seconds: float = 0.0
    adjustments: tuple[str, ...] = ()
    message: str = ""
    reasoner: str = REASONER
    clashes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Consistent and without unsatisfiable classes."""
        return self.consistent and not self.unsatisfiable


@dataclass
class _Notes:
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, note: str, n: int = 1) -> None:
        self.counts[note] += n

    def lines(self) -> tuple[str, ...]:
        return tuple(f"{note}: {n}" for note, n in sorted(self.counts.items()))


def _is_unsupported_datatype(iri: URIRef) -> bool:
    return str(iri).startswith(str(XSD)) and str(iri) not in OWL2_DATATYPES


def _class_positions(graph: Graph) -> Iterator[object]:
    """Every node the graph uses where OWL expects a class."""
    for predicate in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith):
        for subject, obj in graph.subject_objects(predicate):
            yield subject
            yield obj
    yield from graph.objects(None, RDFS.domain)
    yield from graph.objects(None, RDF.type)
    yield from graph.objects(None, OWL.onClass)
    object_properties = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    for prop, obj in graph.subject_objects(RDFS.range):
        if prop in object_properties:
            yield obj
    for restriction, prop in graph.subject_objects(OWL.onProperty):
        if prop in object_properties:
            yield from graph.objects(restriction, OWL.someValuesFrom)
            yield from graph.objects(restriction, OWL.allValuesFrom)


def prepare_graph(graph: Graph) -> tuple[Graph, tuple[str, ...]]:
    """Return a copy of ``graph`` that HermiT accepts, and the list of changes made."""
    notes = _Notes()
    prepared = Graph()
    for subject, predicate, obj in graph:
        if predicate == OWL.imports:
            notes.add("owl:imports statements dropped (the given files are reasoned over instead)")
            continue
        if isinstance(obj, Literal) and obj.datatype is not None and str(obj.datatype) not in OWL2_DATATYPES:
            date = _DATE.match(str(obj)) if obj.datatype == XSD.date else None
            if date is None:
                notes.add(f"literals of datatype <{obj.datatype}> dropped (not in the OWL 2 datatype map)")
                continue
            obj = Literal(f"{date.group(1)}T00:00:00{date.group(2) or ''}", datatype=XSD.dateTime)
            notes.add("xsd:date literals turned into xsd:dateTime")
        elif isinstance(obj, URIRef) and _is_unsupported_datatype(obj):
            notes.add(f"datatype <{obj}> replaced where used as a data range")
            obj = XSD.dateTime if obj == XSD.date else RDFS.Literal
        prepared.add((subject, predicate, obj))

    declared = set(prepared.subjects(RDF.type, OWL.Class)) | set(prepared.subjects(RDF.type, RDFS.Datatype))
    missing = {
        node
        for node in _class_positions(prepared)
        if isinstance(node, URIRef) and node not in declared and not str(node).startswith(_BUILT_IN)
    }
    for node in missing:
        prepared.add((node, RDF.type, OWL.Class))
    if missing:
        notes.add("owl:Class declarations added for classes used but not declared", len(missing))
    return prepared, notes.lines()


def graph_from_store(store: ox.Store) -> Graph:
    """Copy the union of a pyoxigraph store's graphs into an rdflib graph (graph names are dropped)."""
    graph = Graph()
    for quad in store.quads_for_pattern(None, None, None, None):
        graph.add((_rdflib_term(quad.subject), _rdflib_term(quad.predicate), _rdflib_term(quad.object)))
    return graph


def _rdflib_term(term: object) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        # normalize=False keeps the lexical form as written (rdflib would drop a date's timezone)
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value, normalize=False)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise InputError(f"RDF 1.2 triple terms are not supported by the reasoner step: {term}")


def java_executable() -> str | None:
    """The Java runtime owlready2 will call, or None when none is installed."""
    import owlready2

    return shutil.which(str(owlready2.JAVA_EXE))


# A HermiT run on the bundled files or a study lasts seconds, too short for the JIT's optimising compiler
# and the parallel collector to pay off: without them the Java process used half the CPU time (measured on
# the bundled files and the test fixtures, with the same verdicts).
_JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
_NOTHING = str(OWL.Nothing)
_UNSATISFIABLE_HEADER = f"Classes equivalent to '{_NOTHING}':"  # as written under -N (no prefixes)


def _hermit_command(java: str, ntriples: Path) -> list[str]:
    """The command line asking HermiT (the jar owlready2 ships) for the classes equivalent to owl:Nothing.

    Only that question is asked (``-U``): classifying the properties and realising every individual, as
    owlready2's ``sync_reasoner_hermit`` does, answers nothing the verdict needs. ``-N`` writes full IRIs.
    """
    import owlready2.reasoning

    hermit = Path(owlready2.__file__).parent / "hermit"
    classpath = os.pathsep.join((str(hermit), str(hermit / "HermiT.jar")))
    memory = f"-Xmx{owlready2.reasoning.JAVA_MEMORY}M"
    command = [java, memory, *_JVM_FLAGS, "-cp", classpath, "org.semanticweb.HermiT.cli.CommandLine"]
    return [*command, "-N", "-U", ntriples.resolve().as_uri()]


def reason(source: Graph | ox.Store | Sequence[Path]) -> ReasonerResult:
    """Run HermiT on ``source`` (an rdflib graph, a pyoxigraph store, or RDF files and what they import).

    Returns whether the merged graph is consistent and which named classes are unsatisfiable. Raises
    ReasonerUnavailableError without a Java runtime and InputError when HermiT cannot read the ontology.
    """
    started = time.perf_counter()
    java = java_executable()
    if java is None:
        raise ReasonerUnavailableError(
            "the HermiT reasoner needs a Java runtime, and 'java' was not found on PATH; "
            "install Java 11 or later (e.g. apt install default-jre) or skip this step with --no-reasoner"
        )
    prepared, adjustments = prepare_graph(_as_graph(source))
    with tempfile.TemporaryDirectory(prefix="icgp-hermit-") as folder:
        ntriples = Path(folder) / "merged.nt"
        prepared.serialize(ntriples, format="nt", encoding="utf-8")
        run = subprocess.run(_hermit_command(java, ntriples), capture_output=True, text=True, check=False)
    consistent, message = True, ""
    unsatisfiable: tuple[str, ...] = ()
    if run.returncode != 0 and "InconsistentOntologyException" in run.stderr:
        consistent = False
        message = "HermiT found the ontology inconsistent: no interpretation satisfies all axioms"
    elif run.returncode != 0 or _UNSATISFIABLE_HEADER not in run.stdout:
        # HermiT exits 0 when it cannot load its input ("It all went pear-shaped"), hence the header test.
        raise InputError(f"HermiT could not process the ontology: {_java_reason(run.stderr + run.stdout)}")
    else:
        unsatisfiable = _unsatisfiable(run.stdout)
    return ReasonerResult(
        consistent=consistent,
        unsatisfiable=unsatisfiable,
        seconds=time.perf_counter() - started,
        adjustments=adjustments,
        message=message,
    )


def _unsatisfiable(output: str) -> tuple[str, ...]:
    """The named classes HermiT lists as equivalent to owl:Nothing (one IRI per indented line)."""
    listed = output.split(_UNSATISFIABLE_HEADER, 1)[1].splitlines()
    iris = (line.strip().removeprefix("<").removesuffix(">") for line in listed if line.startswith("\t"))
    return tuple(sorted(iri for iri in iris if iri and iri != _NOTHING))


# Annotation properties OWL 2 knows without a declaration.
_BUILT_IN_ANNOTATIONS = frozenset(
    {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo, OWL.deprecated,
     OWL.priorVersion, OWL.backwardCompatibleWith, OWL.incompatibleWith}
)  # fmt: skip


_SAME_AS = OWL.sameAs  # read once: rdflib checks the name on every attribute access


class _RLClosure(OWLRL_Semantics):  # type: ignore[misc]
    """owlrl's OWL 2 RL rules without materialising ``x owl:sameAs x`` for every node (rule eq-ref).

    Those triples add no information, yet owlrl then copies every statement about each node onto itself
    in every cycle (rules eq-rep-*), which makes the closure of a study several times slower.
    """

    def store_triple(self, triple: tuple[object, object, object]) -> None:
        subject, predicate, obj = triple
        if predicate == _SAME_AS and subject == obj:
            return
        super().store_triple(triple)


def prepare_rl_graph(graph: Graph) -> tuple[Graph, tuple[str, ...]]:
    """A copy of ``graph`` for the OWL-RL closure: without ``owl:imports`` and annotation assertions.

    Annotations carry no meaning in OWL 2's Direct Semantics, which HermiT uses; OWL-RL's rules would
    still apply the domain or range of an annotation property. Leaving them out keeps both reasoners
    judging the same axioms (and the closure smaller).
    """
    notes = _Notes()
    annotation = set(graph.subjects(RDF.type, OWL.AnnotationProperty)) | _BUILT_IN_ANNOTATIONS
    prepared = IndexedGraph()
    for subject, predicate, obj in graph:
        if predicate == OWL.imports:
            notes.add("owl:imports statements dropped (the given files are reasoned over instead)")
        elif predicate in annotation:
            notes.add("annotation assertions left out (they carry no meaning for consistency)")
        else:
            prepared.add((subject, predicate, obj))
    return prepared, notes.lines()


def reason_owl_rl(source: Graph | ox.Store | Sequence[Path]) -> ReasonerResult:
    """Compute the OWL 2 RL closure of ``source`` with owlrl and report the clashes it derives.

    The graph is consistent under OWL-RL when the closure records no error and makes nothing a member of
    ``owl:Nothing``. ``unsatisfiable`` stays empty: OWL-RL does not decide class satisfiability.
    """
    started = time.perf_counter()
    prepared, adjustments = prepare_rl_graph(_as_graph(source))
    with plain_namespaces():
        closure = _RLClosure(prepared, False, False, False)
        closure.closure()
    clashes = set(closure.error_messages)
    for member in prepared.subjects(RDF.type, OWL.Nothing):
        clashes.add(f"{member} is a member of owl:Nothing")
    for node, other in prepared.subject_objects(OWL.differentFrom):
        if node == other:  # eq-diff1 on the owl:sameAs that _RLClosure does not materialise
            clashes.add(f"{node} is declared different from itself")
    ordered = tuple(sorted(clashes))
    return ReasonerResult(
        consistent=not ordered,
        seconds=time.perf_counter() - started,
        adjustments=adjustments,
        message=(
            f"the OWL-RL closure derives {len(ordered)} clash(es): no interpretation satisfies all axioms"
            if ordered
            else ""
        ),
        reasoner=OWL_RL,
        clashes=ordered,
    )


def _as_graph(source: Graph | ox.Store | Sequence[Path]) -> Graph:
    if isinstance(source, Graph):
        return source
    if isinstance(source, ox.Store):
        return graph_from_store(source)

    store, _ = load_with_imports(list(source))
    return graph_from_store(store)


def _java_reason(text: str) -> str:
    """The most telling line of a Java stack trace (the first exception message)."""
    for line in text.splitlines():
        stripped = line.strip()
        if "Exception" in stripped or "Error" in stripped:
            return stripped
    return text.strip().splitlines()[0] if text.strip() else "no message"


__all__ = [
    "OWL2_DATATYPES",
    "OWL_RL",
    "REASONER",
    "ReasonerResult",
    "ReasonerUnavailableError",
    "graph_from_store",
    "java_executable",
    "prepare_graph",
    "prepare_rl_graph",
    "reason",
    "reason_owl_rl",
]
