"""Consistency and unsatisfiable classes under HermiT (the jar owlready2 ships), and consistency under OWL-RL.

Two reasoners look at the same merged graph (ontology, the bundled stand-ins of the ontologies it
imports, vocabularies and, with ``icgp ontology check --data``, a study's graph):

* :func:`reason` runs HermiT, a complete OWL 2 DL reasoner (needs Java);
* :func:`reason_owl_rl` computes the OWL 2 RL closure with the ``owlrl`` package (pure Python) and calls
  the graph consistent when the closure derives no clash: no member of ``owl:Nothing``, no individual in
  two disjoint classes, no ``owl:sameAs`` between different individuals, no ill-typed literal.

HermiT finds every inconsistency of an OWL 2 DL graph; OWL-RL is a second opinion that needs no Java and
names the clashing individuals, which helps to find the triple to fix.

HermiT reads an N-Triples dump of the merged graph, prepared on pyoxigraph terms (no rdflib copy):

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

import functools
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from owlrl import OWLRL_Semantics
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

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
_XSD = str(XSD)
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


def prepare_graph(graph: Graph) -> tuple[Graph, tuple[str, ...]]:
    """Return a copy of ``graph`` that HermiT accepts, and the list of changes made.

    A literal typed ``xsd:string`` comes back without a datatype, which in RDF 1.1 is the same literal.
    """
    triples, notes = _prepare_triples(_ox_triples(graph))
    prepared = Graph()
    for subject, predicate, obj in triples:
        prepared.add((_rdflib_term(subject), _rdflib_term(predicate), _rdflib_term(obj)))
    return prepared, notes


_OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
_OxTriple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, _OxTerm]
_IMPORTS, _TYPE, _CLASS = (
    ox.NamedNode(str(OWL.imports)),
    ox.NamedNode(str(RDF.type)),
    ox.NamedNode(str(OWL.Class)),
)
_XSD_DATE, _XSD_DATE_TIME = ox.NamedNode(str(XSD.date)), ox.NamedNode(str(XSD.dateTime))
_RDFS_LITERAL = ox.NamedNode(str(RDFS.Literal))
_OBJECT_PROPERTY = ox.NamedNode(str(OWL.ObjectProperty))
# Where OWL expects a class: both ends of these predicates, the objects of those, and (for object
# properties only) the objects of rdfs:range and of the restrictions' owl:someValuesFrom/allValuesFrom.
_CLASS_BOTH_ENDS = frozenset(
    ox.NamedNode(str(iri)) for iri in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith)
)
_CLASS_OBJECT = frozenset(ox.NamedNode(str(iri)) for iri in (RDFS.domain, RDF.type, OWL.onClass))
_RANGE, _ON_PROPERTY = ox.NamedNode(str(RDFS.range)), ox.NamedNode(str(OWL.onProperty))
_FILLERS = frozenset(ox.NamedNode(str(iri)) for iri in (OWL.someValuesFrom, OWL.allValuesFrom))
_DECLARING = frozenset(ox.NamedNode(str(iri)) for iri in (OWL.Class, RDFS.Datatype))


def _store_triples(store: ox.Store) -> set[_OxTriple]:
    """The union of a store's graphs as a set of triples, with terms as :func:`graph_from_store` has them."""
    triples: set[_OxTriple] = set()
    for quad in store.quads_for_pattern(None, None, None, None):
        subject, obj = quad.subject, quad.object
        if isinstance(subject, ox.Triple) or isinstance(obj, ox.Triple):
            raise InputError(f"RDF 1.2 triple terms are not supported by the reasoner step: {quad}")
        if isinstance(obj, ox.Literal) and obj.direction:  # rdflib has no base direction: keep the language
            obj = ox.Literal(obj.value, language=obj.language)
        triples.add((subject, quad.predicate, obj))
    return triples


def _ox_triples(graph: Graph) -> set[_OxTriple]:
    """An rdflib graph's triples as pyoxigraph terms."""
    term = functools.cache(_ox_term)  # each node converted once
    triples: set[_OxTriple] = set()
    for s, p, o in graph:
        subject, predicate = term(s), term(p)
        if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
            raise InputError(
                f"the reasoner step reads RDF triples only, not the generalised triple {s} {p} {o}"
            )
        triples.add((subject, predicate, term(o)))
    return triples


def _ox_term(node: object) -> _OxTerm:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        try:
            return ox.BlankNode(str(node))
        except ValueError:  # an rdflib label N-Triples cannot carry: a fresh one names the same node
            return ox.BlankNode()
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is None:
            return ox.Literal(str(node))
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
    raise InputError(f"the reasoner step reads IRIs, blank nodes and literals, not {node!r}")


def _prepare_triples(triples: set[_OxTriple]) -> tuple[set[_OxTriple], tuple[str, ...]]:
    """The triples HermiT is given (see the module docstring), and the list of changes made."""
    notes = _Notes()
    prepared: set[_OxTriple] = set()
    for subject, predicate, obj in triples:
        if predicate == _IMPORTS:
            notes.add("owl:imports statements dropped (the given files are reasoned over instead)")
            continue
        if isinstance(obj, ox.Literal):
            datatype = obj.datatype
            if datatype.value not in OWL2_DATATYPES:
                date = _DATE.match(obj.value) if datatype == _XSD_DATE else None
                if date is None:
                    notes.add(
                        f"literals of datatype <{datatype.value}> dropped (not in the OWL 2 datatype map)"
                    )
                    continue
                # rdflib writes the value in its normal form ("Z" becomes "+00:00"), as the rdflib-based
                # preparation did; the rare date is worth the call
                midnight = Literal(f"{date.group(1)}T00:00:00{date.group(2) or ''}", datatype=XSD.dateTime)
                obj = ox.Literal(str(midnight), datatype=_XSD_DATE_TIME)
                notes.add("xsd:date literals turned into xsd:dateTime")
        elif isinstance(obj, ox.NamedNode) and obj.value.startswith(_XSD) and obj.value not in OWL2_DATATYPES:
            notes.add(f"datatype <{obj.value}> replaced where used as a data range")
            obj = _XSD_DATE_TIME if obj == _XSD_DATE else _RDFS_LITERAL
        prepared.add((subject, predicate, obj))

    missing = {
        node
        for node in _class_positions(prepared)
        if isinstance(node, ox.NamedNode) and not node.value.startswith(_BUILT_IN)
    }
    missing -= {subject for subject, predicate, obj in prepared if predicate == _TYPE and obj in _DECLARING}
    prepared.update((node, _TYPE, _CLASS) for node in missing)
    if missing:
        notes.add("owl:Class declarations added for classes used but not declared", len(missing))
    return prepared, notes.lines()


def _class_positions(triples: set[_OxTriple]) -> Iterator[_OxTerm]:
    """Every node the triples use where OWL expects a class."""
    object_properties: set[_OxTerm] = set()
    ranges: list[tuple[_OxTerm, _OxTerm]] = []
    on_property: list[tuple[_OxTerm, _OxTerm]] = []
    fillers: dict[_OxTerm, list[_OxTerm]] = {}
    for subject, predicate, obj in triples:
        if predicate in _CLASS_BOTH_ENDS:
            yield subject
            yield obj
        elif predicate in _CLASS_OBJECT:
            yield obj
            if predicate == _TYPE and obj == _OBJECT_PROPERTY:
                object_properties.add(subject)
        elif predicate == _RANGE:
            ranges.append((subject, obj))
        elif predicate == _ON_PROPERTY:
            on_property.append((subject, obj))
        elif predicate in _FILLERS:
            fillers.setdefault(subject, []).append(obj)
    yield from (obj for prop, obj in ranges if prop in object_properties)
    for restriction, prop in on_property:
        if prop in object_properties:
            yield from fillers.get(restriction, ())


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
    prepared, adjustments = _prepare_triples(_as_triples(source))
    with tempfile.TemporaryDirectory(prefix="icgp-hermit-") as folder:
        ntriples = Path(folder) / "merged.nt"
        ox.serialize((ox.Triple(*triple) for triple in prepared), ntriples, ox.RdfFormat.N_TRIPLES)
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

    def store_triple(self, triple: tuple[str, str, str]) -> None:
        subject, predicate, obj = triple
        # str's == first: rdflib's own == is Python code, and most stored triples are not owl:sameAs
        if str.__eq__(predicate, _SAME_AS) is True and predicate == _SAME_AS and subject == obj:
            return
        super().store_triple(triple)

    def rules(self, triple: tuple[str, str, str], cycle_num: int) -> None:
        """owlrl's ``rules``, skipping the triples no rule reads as a premise (see ``_is_inert``).

        The blank nodes are still collected from every triple in the first cycle, into a set beside
        owlrl's list (its ``not in`` on the list compared each node with all the others).
        """
        if cycle_num == 1:
            seen = self.__dict__.setdefault("_seen_bnodes", set())
            for node in triple:
                if isinstance(node, BNode) and node not in seen:
                    seen.add(node)
                    self.bnodes.append(node)
        if _is_inert(triple):
            return
        self._properties(triple, cycle_num)
        self._equality(triple, cycle_num)
        self._classes(triple, cycle_num)
        self._class_axioms(triple, cycle_num)
        self._schema_vocabulary(triple, cycle_num)


_RULE_VOCABULARY = (str(OWL), str(RDF), str(RDFS))
_RDF_TYPE = str(RDF.type)


def _is_inert(triple: tuple[str, str, str]) -> bool:
    """Whether owlrl's rules, given ``triple`` as the triple of the cycle, can do nothing with it.

    Each rule of owlrl 7's ``OWLRL_Semantics`` starts from a triple whose predicate is an OWL, RDF or
    RDFS term and, for ``rdf:type``, whose object is one too (``owl:Class``, ``owl:FunctionalProperty``,
    ...); a triple such as ``ex:a ex:memberOf ex:c`` or ``ex:a rdf:type ex:Firm`` is read by the rules
    only through graph lookups from those triples. The one rule that fires on any triple, eq-ref, adds
    only ``x owl:sameAs x``, which :meth:`_RLClosure.store_triple` drops. Strings are compared, so
    the test errs on the side of running the rules (a blank node labelled like an OWL term is not inert).
    """
    _, predicate, obj = triple
    if not str.startswith(predicate, _RULE_VOCABULARY):
        return True
    # str's own == and startswith: rdflib's terms compare in Python code, and this runs per triple and cycle
    return str.__eq__(predicate, _RDF_TYPE) is True and not str.startswith(obj, _RULE_VOCABULARY)


def prepare_rl_graph(graph: Graph) -> tuple[IndexedGraph, tuple[str, ...]]:
    """A copy of ``graph`` for the OWL-RL closure: without ``owl:imports`` and annotation assertions.

    Annotations carry no meaning in OWL 2's Direct Semantics, which HermiT uses; OWL-RL's rules would
    still apply the domain or range of an annotation property. Leaving them out keeps both reasoners
    judging the same axioms (and the closure smaller).
    """
    return _rl_graph(graph, set(graph.subjects(RDF.type, OWL.AnnotationProperty)))


_ANNOTATION_PROPERTY = ox.NamedNode(str(OWL.AnnotationProperty))


def _rl_graph_from_triples(triples: set[_OxTriple]) -> tuple[IndexedGraph, tuple[str, ...]]:
    """:func:`prepare_rl_graph` on pyoxigraph triples, without an intermediate rdflib graph.

    Equal terms become one rdflib object, so the closure's index lookups mostly match by identity.
    """
    term = functools.cache(_rdflib_term)
    annotation: set[Node] = {term(s) for s, p, o in triples if p == _TYPE and o == _ANNOTATION_PROPERTY}
    return _rl_graph(((term(s), term(p), term(o)) for s, p, o in triples), annotation)


def _rl_graph(
    triples: Iterable[tuple[Node, Node, Node]], annotation: set[Node]
) -> tuple[IndexedGraph, tuple[str, ...]]:
    notes = _Notes()
    annotation = annotation | _BUILT_IN_ANNOTATIONS
    imports = OWL.imports
    prepared = IndexedGraph()
    for subject, predicate, obj in triples:
        if predicate == imports:
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
    if isinstance(source, Graph):
        prepared, adjustments = prepare_rl_graph(source)
    else:
        prepared, adjustments = _rl_graph_from_triples(_as_triples(source))
    with plain_namespaces(prepared):
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


def _as_triples(source: Graph | ox.Store | Sequence[Path]) -> set[_OxTriple]:
    """The merged graph as pyoxigraph triples (of a store, an rdflib graph, or files and their imports)."""
    if isinstance(source, Graph):
        return _ox_triples(source)
    if isinstance(source, ox.Store):
        return _store_triples(source)
    store, _ = load_with_imports(list(source))
    return _store_triples(store)


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
