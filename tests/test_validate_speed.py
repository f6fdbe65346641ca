"""Issue 18: the faster paths of ``icgp validate`` give exactly what the plain ones gave.

The streamed build hands validation term tuples (no quads), which are written as N-Triples by hand; the
SPARQL-based rules get small focus sets as ``VALUES`` instead of a sub-select; shacl-rust runs in a thread
beside Oxigraph; Oxigraph's store is loaded in a thread while the rows are mapped. Each is checked against
the plain path or against results written down by hand.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, CanonicalizationAlgorithm, Dataset, Literal, NamedNode, Store, Triple
from test_shapes import AREAS, FIXTURES, expected, results

from kg.build.builder import build_study, stream_statements
from kg.ontology.concepts import load_concepts
from kg.ontology.resources import sample_study_dir
from kg.package.table_checks import check_path
from kg.validation import engines
from kg.validation import validate as validate_module
from kg.validation.engines import DataGraph, Shapes, load_shapes, validate
from kg.validation.validate import validate_package

MINI = Path(__file__).parent / "fixtures" / "build" / "mini"
REGIONS = Path(__file__).parent / "fixtures" / "regions"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FOAF_NAME = NamedNode("http://xmlns.com/foaf/0.1/name")
CODER = NamedNode("https://w3id.org/icgp/ontology#Coder")
NO_PERSONAL_DATA = "https://w3id.org/icgp/shapes#Pseudonymised-noPersonalData"


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


@pytest.mark.parametrize("package", [MINI, sample_study_dir(), REGIONS / "us-clusters"], ids=lambda p: p.name)
def test_the_streamed_statements_are_the_built_triples_in_order(package: Path) -> None:
    concepts = load_concepts()
    checked = check_path(package, concepts)
    whole = build_study(checked, concepts)
    batches: list[list[tuple[object, object, object]]] = []
    streamed = stream_statements(checked, concepts, lambda rows: batches.append(list(rows)), batch=5)
    assert [row for batch in batches for row in batch] == [
        (q.subject, q.predicate, q.object) for q in whole.quads
    ]
    assert all(len(batch) == 5 for batch in batches[:-1])
    assert (streamed.graph, streamed.triples, streamed.regions) == (whole.graph, whole.triples, whole.regions)


def test_statements_are_written_as_the_serialiser_writes_them() -> None:
    s, p = NamedNode("https://example.org/ü/s"), NamedNode("https://example.org/p")
    objects = [
        Literal('a "quoted"\nline\\ with\ttab and \r', language="de"),
        Literal("0042", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        Literal("bell \u0007 delete \u007f emoji \U0001f600"),
        BlankNode("b1"),
        NamedNode("https://example.org/o?q=1#f"),
    ]
    by_hand, serialised = DataGraph(), DataGraph()
    by_hand.add_statements([(s, p, o) for o in objects] + [(BlankNode("b1"), p, s)])
    serialised.add([Triple(s, p, o) for o in objects] + [Triple(BlankNode("b1"), p, s)])
    assert by_hand.ntriples == serialised.ntriples
    assert by_hand.ntriples.count(b"\n") == 6
    assert by_hand.size == serialised.size == 6


@pytest.mark.parametrize("share", [0, 10**12], ids=["always-values", "never-values"])
@pytest.mark.parametrize("area", AREAS)
def test_the_sparql_rules_give_the_expected_results_with_values_or_the_sub_select(
    area: str, share: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engines, "_VALUES_SHARE", share)
    assert results(FIXTURES / f"{area}.invalid.ttl", "fast") == expected(area)


def test_a_small_focus_set_of_iris_goes_in_as_values_and_one_with_a_blank_node_does_not() -> None:
    carl, anna = NamedNode("https://example.org/carl"), BlankNode("anna")
    named = DataGraph([Triple(carl, RDF_TYPE, CODER), Triple(carl, FOAF_NAME, Literal("Carl"))] * 60)
    targets = next(rule.targets for rule in load_shapes().rules if rule.shape == NO_PERSONAL_DATA)
    small = engines._focus_nodes(named, targets)
    assert (small.count, small.nodes(named), small.values) == (
        1,
        {"https://example.org/carl"},
        "\nVALUES ?this { <https://example.org/carl> }",
    )
    # One focus node in 99 triples is more than a hundredth of the graph: the sub-select stays, and the
    # nodes are only counted, not read into Python, until a rule asks for them.
    dense = DataGraph([Triple(carl, RDF_TYPE, CODER)] * 99)
    large = engines._focus_nodes(dense, targets)
    assert (large.count, large.values, large._nodes) == (1, None, None)
    assert large.nodes(dense) == {"https://example.org/carl"}
    mixed = DataGraph(
        [
            Triple(carl, RDF_TYPE, CODER),
            Triple(anna, RDF_TYPE, CODER),
            Triple(anna, FOAF_NAME, Literal("Anna")),
        ]
        * 100
    )
    blank = engines._focus_nodes(mixed, targets)
    assert blank.count == 2 and blank.values is None
    found = [
        (r.shape, r.path, r.value) for r in validate(mixed, load_shapes()) if r.shape == NO_PERSONAL_DATA
    ]
    assert found == [(NO_PERSONAL_DATA, FOAF_NAME.value, "Anna")]


def test_a_rule_the_focus_nodes_cannot_be_joined_into_keeps_only_focus_nodes(tmp_path: Path) -> None:
    # A SELECT without the WHERE keyword gets no focus join, so its rows are filtered by the focus nodes.
    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
<https://example.org/Named> a sh:NodeShape ;
  sh:targetClass <https://example.org/Coder> ;
  sh:sparql [ sh:select "SELECT $this ?value { $this <http://xmlns.com/foaf/0.1/name> ?value }" ] .
""",
        encoding="utf-8",
    )
    shapes = load_shapes([shapes_file])
    assert [rule.focus_join for rule in shapes.rules] == [""]
    carl, dave = NamedNode("https://example.org/carl"), NamedNode("https://example.org/dave")
    coder = NamedNode("https://example.org/Coder")
    data = DataGraph(
        [
            Triple(carl, RDF_TYPE, coder),
            Triple(carl, FOAF_NAME, Literal("Carl")),
            Triple(dave, FOAF_NAME, Literal("Dave")),
        ]
    )
    assert [(r.focus, r.value) for r in validate(data, shapes)] == [("https://example.org/carl", "Carl")]


def test_a_failure_of_shacl_rust_in_its_thread_reaches_the_caller() -> None:
    data = DataGraph([Triple(NamedNode("https://example.org/s"), RDF_TYPE, CODER)])
    with pytest.raises(ValueError, match="Parse error"):
        validate(data, Shapes([], "this is not N-Triples"))


@pytest.mark.parametrize("preload", [False, True], ids=["plain", "preloaded"])
def test_when_both_engines_fail_shacl_rust_s_error_is_raised_as_before(preload: bool) -> None:
    data = DataGraph(preload=preload)
    data.add_statements([(NamedNode("https://example.org/s"), RDF_TYPE, "not a term")])
    with pytest.raises(ValueError, match="Parse error"):
        validate(data, load_shapes())


EX = "https://example.org/"
P, Q = NamedNode(EX + "p"), NamedNode(EX + "q")


def _canonical(store: Store) -> Dataset:
    dataset = Dataset(store)
    dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def _blank_nodes(store: Store) -> int:
    return len({t for q in store for t in (q.subject, q.object) if isinstance(t, BlankNode)})


# The first chunk stands for the ontology (blank nodes of its own); the later ones for the study rows
# and an imports/ file whose blank node _:t has its triples in two chunks.
FIRST = [Triple(BlankNode("o"), P, Literal("ontology")), Triple(NamedNode(EX + "a"), Q, BlankNode("o"))]
ROWS = [(NamedNode(EX + "row"), P, Literal("no blank node here"))]
TAIL = [[(BlankNode("t"), P, Literal("one"))], [(BlankNode("t"), Q, NamedNode(EX + "b"))]]


@pytest.mark.parametrize(
    ("later", "tail", "whole", "blank_nodes"),
    [
        ([ROWS], False, False, 1),
        ([ROWS, *TAIL], True, False, 2),
        # _:o again after the first chunk: one node with the ontology's, so the whole file is loaded
        ([ROWS, [(BlankNode("o"), Q, Literal("again"))]], True, True, 1),
        ([*TAIL, ROWS, [(NamedNode(EX + "c"), P, BlankNode("o"))]], True, True, 2),
        # text in a literal that reads like the label: taken for one, which only costs the reload
        ([[(NamedNode(EX + "c"), P, Literal("_:o and more"))]], True, True, 1),
    ],
    ids=[
        "no-blank-nodes-later",
        "blank-node-spanning-chunks",
        "label-of-the-first-chunk",
        "same-in-the-tail",
        "label-in-a-literal",
    ],
)
def test_the_preloaded_store_holds_the_graph_the_whole_file_gives(
    later: list[list[tuple[object, object, object]]], tail: bool, whole: bool, blank_nodes: int
) -> None:
    preloaded, plain = DataGraph(FIRST, preload=True), DataGraph(FIRST)
    for chunk in later:
        preloaded.add_statements(chunk)
        plain.add_statements(chunk)
    loader = preloaded._loader
    assert loader is not None
    store = preloaded.store
    assert (loader._tail_from is not None, loader._whole) == (tail, whole)
    assert _blank_nodes(store) == _blank_nodes(plain.store) == blank_nodes
    assert _canonical(store) == _canonical(plain.store)
    preloaded.close()


def test_an_error_of_the_store_loader_reaches_the_caller() -> None:
    data = DataGraph(preload=True)
    data.add_statements([(NamedNode(EX + "s"), RDF_TYPE, "not a term")])
    data.add_statements([(NamedNode(EX + "s"), RDF_TYPE, CODER)])  # accepted: the error waits for .store
    loader = data._loader
    assert loader is not None
    with pytest.raises(SyntaxError, match="must be an IRI, a blank node or a literal"):
        _ = data.store
    assert not loader._thread.is_alive()
    data.close()


def test_a_package_validates_as_without_the_preload_when_blank_node_text_comes_late(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "late"
    shutil.copytree(MINI, package)
    organisations = package / "organisations.csv"
    organisations.write_text(
        organisations.read_text("utf-8").replace("Acme Tools", "Acme _:o Tools"), "utf-8"
    )
    (package / "imports").mkdir()
    (package / "imports" / "contacts.ttl").write_text(
        "<https://example.org/id/mini/participant/P01> <http://xmlns.com/foaf/0.1/mbox> "
        "<mailto:p01@example.org> .\n",
        encoding="utf-8",
    )
    # Blank nodes in imports/ are refused (and the file left out), so study rows bring none; text that
    # reads like one still sends the rest of the file into one load at the end.
    (package / "imports" / "blank.ttl").write_text(
        '[] <http://xmlns.com/foaf/0.1/name> "Anna" ; <http://xmlns.com/foaf/0.1/nick> "A" .\n', "utf-8"
    )
    monkeypatch.setattr(validate_module, "stream_statements", functools.partial(stream_statements, batch=2))
    stores: list[Dataset] = []
    tails: list[bool] = []

    def recording(data: DataGraph, shapes: Shapes, engine: str) -> list[engines.ShaclResult]:
        loader = data._loader
        found = validate(data, shapes, engine)
        tails.append(loader is not None and loader._tail_from is not None and not loader._whole)
        stores.append(_canonical(data.store))
        return found

    monkeypatch.setattr(validate_module, "validate", recording)
    preloaded = validate_package(package)
    monkeypatch.setattr(validate_module, "DataGraph", lambda triples, preload: DataGraph(triples))
    plain = validate_package(package)
    assert tails == [True, False]
    assert stores[0] == stores[1]
    assert (preloaded.results, preloaded.problems) == (plain.results, plain.problems)
    assert [(p.rule, p.file, p.row, p.focus, p.path, p.value) for p in preloaded.problems] == [
        ("package.import", "imports/blank.ttl", None, None, None, "2"),
        (
            "shacl.Pseudonymised-noPersonalData",
            "imports/contacts.ttl",
            None,
            "https://example.org/id/mini/participant/P01",
            "http://xmlns.com/foaf/0.1/mbox",
            "mailto:p01@example.org",
        ),
    ]


def test_a_data_graph_leaves_no_file_behind_even_when_its_process_is_killed(tmp_path: Path) -> None:
    program = """
import os, signal
from pyoxigraph import NamedNode, Store, RdfFormat, Triple
from kg.validation.engines import DataGraph
node = NamedNode("https://example.org/s")
data = DataGraph([Triple(node, node, node)])
store = Store()
store.load(path=data.path, format=RdfFormat.N_TRIPLES)  # opened by its path, as the engines do
assert len(store) == 1
os.kill(os.getpid(), signal.SIGKILL)
"""
    done = subprocess.run(
        [sys.executable, "-c", program], env={**os.environ, "TMPDIR": str(tmp_path)}, capture_output=True
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert list(tmp_path.iterdir()) == []
