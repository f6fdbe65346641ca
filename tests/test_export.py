"""``icgp export``: every format parses back to the store, output is byte-stable, inputs are told apart."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from cli_runner import CliRunner
from graph_compare import isomorphic
from pyoxigraph import CanonicalizationAlgorithm, Dataset, DefaultGraph, NamedNode, Quad, RdfFormat, Store

from cli import app
from kg.build.serialize import (
    FORMATS,
    context_document,
    jsonld_context,
    serialize_quads,
)
from kg.build.sources import open_source, select_quads
from kg.build.study import sorted_quads, write_graph
from kg.ontology.namespaces import ONTOLOGY_IRI
from kg.ontology.resources import resource_dir

MINI = Path(__file__).parent / "fixtures" / "build" / "mini"
MINI_GRAPH = "https://example.org/id/mini/graph"
RDFLIB_FORMATS = {
    "ttl": "turtle",
    "nt": "nt",
    "nq": "nquads",
    "trig": "trig",
    "jsonld": "json-ld",
    "xml": "xml",
}
runner = CliRunner()


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture(scope="module")
def mini_store() -> Store:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    return open_source(MINI).store


@pytest.fixture(scope="module")
def whole_store(mini_store: Store) -> tuple[list[Quad], dict[str, bytes]]:
    """Every quad of the mini store, and their export in each format (made once, read by several tests)."""
    quads = select_quads(mini_store)
    return quads, {fmt: serialize_quads(quads, fmt) for fmt in FORMATS}


def _canonical(quads: list[Quad]) -> set[Quad]:
    dataset = Dataset(quads)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def _merged(quads: list[Quad]) -> list[Quad]:
    return [Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_whole_store_export_parses_back_with_pyoxigraph_to_the_same_dataset(
    whole_store: tuple[list[Quad], dict[str, bytes]], fmt: str
) -> None:
    quads, exports = whole_store
    data = exports[fmt]
    parsed = Store()
    parsed.load(data, format=FORMATS[fmt])
    back = list(parsed.quads_for_pattern(None, None, None, None))
    expected = quads if FORMATS[fmt].supports_datasets else _merged(quads)
    assert _canonical(back) == _canonical(expected)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_parses_back_with_rdflib_to_an_isomorphic_graph_per_named_graph(
    mini_store: Store, fmt: str
) -> None:
    # The study graph (plain data) and the ontology graph (blank nodes in restrictions and lists).
    for graph in (MINI_GRAPH, ONTOLOGY_IRI):
        quads = select_quads(mini_store, [graph])
        data = serialize_quads(quads, fmt)
        parsed = rdflib.Dataset()
        parsed.parse(data=data, format=RDFLIB_FORMATS[fmt])
        triples = rdflib.Graph()
        names = set()
        for s, p, o, g in parsed.quads((None, None, None, None)):
            triples.add((s, p, o))
            names.add(str(g.identifier if isinstance(g, rdflib.Graph) else g))
        expected = rdflib.Graph().parse(data=serialize_quads(quads, "nt").decode("utf-8"), format="nt")
        assert len(triples) == len(quads)
        assert isomorphic(triples, expected)
        if FORMATS[fmt].supports_datasets:
            assert names == {graph}


@pytest.mark.slow
def test_the_same_input_gives_byte_identical_output(whole_store: tuple[list[Quad], dict[str, bytes]]) -> None:
    quads, exports = whole_store  # serialised in the fixture: this test makes the second, independent run
    reordered = list(reversed(quads))
    for fmt in FORMATS:
        assert exports[fmt] == serialize_quads(reordered, fmt), fmt


@pytest.mark.slow
def test_output_is_identical_across_processes_with_other_hash_seeds(tmp_path: Path) -> None:
    targets, runs = [], []
    for seed in ("1", "2"):  # the two processes share nothing, so they run at once
        target = tmp_path / f"mini-{seed}.jsonld"
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1700000000"}
        code = "from cli import app; app()"
        command = [sys.executable, "-c", code, "export", str(MINI), "--output", str(target)]
        cwd = Path(__file__).parent.parent
        runs.append(
            subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        )
        targets.append(target)
    for run in runs:
        _, stderr = run.communicate()
        assert run.returncode == 0, stderr
    outputs = [target.read_bytes() for target in targets]
    assert outputs[0] == outputs[1]


def test_jsonld_is_compacted_with_the_shipped_context(mini_store: Store) -> None:
    document = json.loads(serialize_quads(select_quads(mini_store, [MINI_GRAPH]), "jsonld"))
    assert document["@context"] == jsonld_context()
    assert document["@graph"][0]["@id"] == MINI_GRAPH
    acme = next(
        n
        for n in document["@graph"][0]["@graph"]
        if n["@id"] == "https://example.org/id/mini/organisation/acme"
    )
    assert acme["employees"] == "42"  # coerced to xsd:integer by the context, so a bare string
    assert acme["locatedIn"] == "nuts:DE111"


def test_the_shipped_context_matches_the_ontology() -> None:
    path = resource_dir("ontology") / "context.jsonld"
    assert path.read_text(encoding="utf-8") == context_document(), (
        "ontology/context.jsonld is out of date; regenerate it with "
        "python -c 'from kg.build.serialize import context_document; print(context_document(), end=\"\")' "
        "> ontology/context.jsonld"
    )
    context = jsonld_context()
    assert context["employees"] == {"@id": "icgp:employees", "@type": "xsd:integer"}
    assert context["locatedIn"] == {"@id": "icgp:locatedIn", "@type": "@id"}
    assert context["i40t"] == "https://w3id.org/icgp/vocab/i40t/"


def test_cli_export_to_stdout_and_to_a_file_give_the_same_bytes(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(MINI), "--format", "nt", "--graph", MINI_GRAPH])
    assert result.exit_code == 0, result.output
    output = tmp_path / "mini.nt"
    assert runner.invoke(app, ["export", str(MINI), "--graph", MINI_GRAPH, "-o", str(output)]).exit_code == 0
    assert output.read_bytes() == result.stdout_bytes
    assert result.stdout.count("\n") == 278


def test_a_store_folder_exports_the_same_bytes_as_its_package(mini_store_dir: Path) -> None:
    from_store = runner.invoke(app, ["export", str(mini_store_dir), "--format", "nq"])
    from_package = runner.invoke(app, ["export", str(MINI), "--format", "nq"])
    assert from_store.exit_code == 0, from_store.output
    assert from_store.stdout_bytes == from_package.stdout_bytes
    assert len(from_store.stdout_bytes) > 0


def test_default_input_is_the_bundled_sample() -> None:
    result = runner.invoke(
        app, ["export", "--format", "nt", "--graph", "https://w3id.org/icgp/id/stuttgart-i40-clusters/graph"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "<https://w3id.org/icgp/id/stuttgart-i40-clusters/cluster/neckar-smart-production>" in result.stdout
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "missing-folder"], "does not exist"),
        (["export", str(MINI / "organisations.csv")], "neither a study package"),
        (
            ["export", str(MINI), "--graph", "https://example.org/nope"],
            "no graph named <https://example.org/nope>",
        ),
        (["export", str(MINI), "--format", "n3"], "unknown format 'n3'"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_empty_folder_is_neither_package_nor_store(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(tmp_path)])
    assert result.exit_code == 2
    assert "neither a study package" in result.stderr


def test_build_keeps_its_public_names() -> None:
    quads = [
        Quad(NamedNode("http://x/b"), NamedNode("http://x/p"), NamedNode("http://x/o"), NamedNode("http://g"))
    ]
    quads.append(
        Quad(NamedNode("http://x/a"), NamedNode("http://x/p"), NamedNode("http://x/o"), NamedNode("http://g"))
    )
    assert [q.subject.value for q in sorted_quads(quads)] == ["http://x/a", "http://x/b"]
    assert (
        write_graph(quads, None, "nt")
        == b"<http://x/a> <http://x/p> <http://x/o> .\n<http://x/b> <http://x/p> <http://x/o> .\n"
    )


def _rapper() -> str | None:
    found = shutil.which("rapper")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("rapper (Debian package raptor2-utils) is missing in CI; .ci/run installs it")
    if found is None:
        pytest.skip("rapper (raptor2-utils) is not installed")
    return found


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "syntax"), [("ttl", "turtle"), ("nt", "ntriples"), ("xml", "rdfxml")])
def test_rapper_counts_the_same_number_of_triples(
    tmp_path: Path, whole_store: tuple[list[Quad], dict[str, bytes]], fmt: str, syntax: str
) -> None:
    rapper = _rapper()
    quads, exports = whole_store
    path = tmp_path / f"store.{fmt}"
    path.write_bytes(exports[fmt])
    expected = len({(q.subject, q.predicate, q.object) for q in quads})
    result = subprocess.run(
        [str(rapper), "-i", syntax, "-c", str(path)], capture_output=True, text=True, check=True
    )
    assert f"returned {expected} triples" in result.stderr


def test_rdf_formats_are_listed_once() -> None:
    assert set(FORMATS) == {"ttl", "nt", "nq", "trig", "jsonld", "xml"}
    assert FORMATS["xml"] is RdfFormat.RDF_XML
