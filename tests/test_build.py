"""``icgp build``: exact graphs, determinism, graph replacement, atomic failure and clear errors."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
import rdflib
from cli_runner import CliRunner
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store
from rdflib.compare import isomorphic

from cli import app
from kg.build.study import OUTPUT_FORMATS, BuiltStudy, build_package, store_study, write_graph
from kg.ontology.declared_terms import declared_icgp_terms, undeclared_icgp_terms
from kg.ontology.loading import load_store
from kg.ontology.namespaces import ICGP, ONTOLOGY_IRI
from kg.ontology.resources import sample_study_dir

FIXTURES = Path(__file__).parent / "fixtures" / "build"
MINI = FIXTURES / "mini"
EPOCH = "1700000000"
runner = CliRunner()


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def as_rdflib(quads: list[Quad]) -> rdflib.Graph:
    data = write_graph(quads, None, "nt")
    assert data is not None
    return rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")


def test_mini_package_builds_to_exactly_the_expected_triples() -> None:
    built = build_package(MINI)
    expected = rdflib.Graph().parse(FIXTURES / "mini.expected.ttl")
    actual = as_rdflib(built.result.quads)
    assert len(actual) == len(expected) == 278
    assert isomorphic(actual, expected)
    assert built.result.graph == NamedNode("https://example.org/id/mini/graph")


def test_two_builds_give_the_identical_set_of_quads(sample_built: BuiltStudy) -> None:
    first = sample_built.result.quads  # built once per run, at the same fixed build time
    second = build_package(sample_study_dir()).result.quads
    assert set(first) == set(second)
    assert len(first) == len(set(first))


def test_without_a_fixed_epoch_only_the_two_build_times_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = set(build_package(MINI).result.quads)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    now = set(build_package(MINI).result.quads)
    changed = {q.predicate.value for q in fixed ^ now}
    assert changed == {"http://www.w3.org/ns/prov#startedAtTime", "http://www.w3.org/ns/prov#endedAtTime"}
    assert len(fixed ^ now) == 4


def test_built_graph_has_no_blank_nodes_and_one_named_graph(sample_built: BuiltStudy) -> None:
    quads = sample_built.result.quads
    graphs = {q.graph_name for q in quads}
    assert graphs == {NamedNode("https://w3id.org/icgp/id/stuttgart-i40-clusters/graph")}
    assert not any(isinstance(term, BlankNode) for q in quads for term in (q.subject, q.object))


def test_every_icgp_term_of_the_sample_graph_is_declared(sample_built: BuiltStudy) -> None:
    declared = declared_icgp_terms(load_store(None))
    sample = Store()
    sample.extend(sample_built.result.quads)
    assert undeclared_icgp_terms(sample, declared) == []


def test_source_map_points_at_file_row_and_column() -> None:
    built = build_package(MINI)
    org = "https://example.org/id/mini/organisation/bigco"
    assert built.source_map.locate(org) == ("organisations.csv", 3, None)
    assert built.source_map.locate(org, str(ICGP.employees)) == ("organisations.csv", 3, "employees")
    segment = "https://example.org/id/mini/segment/s1/position"
    assert built.source_map.locate(segment, "http://www.w3.org/ns/oa#end") == ("segments.csv", 2, "end")


def test_rebuilding_replaces_the_study_graph_and_nothing_else(tmp_path: Path, mini_store_dir: Path) -> None:
    store_dir = shutil.copytree(mini_store_dir, tmp_path / "store")  # MINI built by icgp build --store
    store = Store(str(store_dir))
    other = NamedNode("https://example.org/other")
    store.add(Quad(other, other, other, other))
    graph = NamedNode("https://example.org/id/mini/graph")
    before = set(store.quads_for_pattern(None, None, None, graph))
    del store
    result = runner.invoke(app, ["build", str(MINI), "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    store = Store(str(store_dir))
    assert set(store.quads_for_pattern(None, None, None, graph)) == before
    assert list(store.quads_for_pattern(None, None, None, other)) == [Quad(other, other, other, other)]
    names = {g.value for g in store.named_graphs()}
    assert {ONTOLOGY_IRI, "https://w3id.org/icgp/vocab/i40t", "https://w3id.org/icgp/vocab/nuts"} <= names


def test_a_failing_build_leaves_store_and_output_untouched(tmp_path: Path, mini_store_dir: Path) -> None:
    store_dir, output = tmp_path / "store", tmp_path / "out.nq"
    shutil.copytree(mini_store_dir, store_dir)  # MINI built by icgp build --store
    output.write_bytes(b"previous content\n")
    before = set(Store(str(store_dir)).quads_for_pattern(None, None, None, None))
    broken = tmp_path / "broken"
    shutil.copytree(MINI, broken)
    (broken / "organisations.csv").write_text(
        "id,name,actor_type,size_class,employees,founded,nuts,nace,website,wikidata\n"
        "acme,Acme Tools,small-enterprise,small,many,1998,DE111,28.4,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["build", str(broken), "--store", str(store_dir), "--output", str(output)])
    assert result.exit_code == 2
    assert "organisations.csv:2:employees" in result.stderr
    assert "nothing was built" in result.stderr
    assert output.read_bytes() == b"previous content\n"
    assert set(Store(str(store_dir)).quads_for_pattern(None, None, None, None)) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.nq")] == []


@pytest.mark.parametrize("fmt", sorted(OUTPUT_FORMATS))
def test_every_output_format_parses_back_to_the_same_graph(tmp_path: Path, fmt: str) -> None:
    built = build_package(MINI)
    output = tmp_path / f"mini.{fmt}"
    result = runner.invoke(app, ["build", str(MINI), "--output", str(output), "--format", fmt])
    assert result.exit_code == 0, result.output
    rdflib_format = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}
    parsed = rdflib.Dataset()
    parsed.parse(output, format=rdflib_format.get(fmt, "xml"))
    triples = rdflib.Graph()
    for s, p, o, _ in parsed.quads((None, None, None, None)):
        triples.add((s, p, o))
    # The file holds the study graph and the regions it needs (ISO Germany and the NUTS-DE link), so that
    # it can be queried and validated on its own.
    assert isomorphic(triples, as_rdflib(built.result.quads + built.result.regions))
    # pyoxigraph reads it back too, with the same number of statements: 278 of the study, 15 of regions.
    store = Store()
    store.load(path=str(output), format=OUTPUT_FORMATS[fmt])
    assert len(list(store.quads_for_pattern(None, None, None, None))) == 278 + 15


def test_output_to_stdout_keeps_the_summary_on_stderr() -> None:
    result = runner.invoke(app, ["build", str(MINI), "--output", "-", "--format", "nt"])
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 278 + 15  # the study graph and its regions
    assert "278 triples" in result.stderr


def test_build_prints_counts_for_the_sample() -> None:
    result = runner.invoke(app, ["build", str(sample_study_dir())])
    assert result.exit_code == 0, result.output
    assert "built study 'stuttgart-i40-clusters'" in result.stdout
    assert "306  icgp:CodedSegment" in result.stdout
    assert "196  icgp:Interaction" in result.stdout


def test_a_zip_builds_the_same_graph_as_its_folder(tmp_path: Path) -> None:
    archive = tmp_path / "mini.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(MINI.iterdir()):
            zf.write(path, f"mini/{path.name}")
    assert set(build_package(archive).result.quads) == set(build_package(MINI).result.quads)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing", "does not exist"),
        (lambda tmp: _write(tmp / "notes.txt", b"hello"), "neither a folder nor a .zip"),
        (lambda tmp: _mkdir(tmp / "empty"), "datapackage.yaml"),
        (lambda tmp: _latin1_package(tmp), "UTF-8"),
    ],
)
def test_unreadable_input_exits_2_with_one_clear_line(tmp_path: Path, make: object, message: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    result = runner.invoke(app, ["build", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_unknown_output_format_exits_2() -> None:
    result = runner.invoke(app, ["build", str(MINI), "--format", "pdf"])
    assert result.exit_code == 2
    assert "unknown format 'pdf'" in result.stderr


def test_store_study_loads_ontology_and_vocabulary_graphs() -> None:
    store = Store()
    store_study(store, build_package(MINI))
    assert store.contains_named_graph(NamedNode(ONTOLOGY_IRI))
    assert store.contains_named_graph(NamedNode("https://w3id.org/icgp/vocab/factor"))
    ask = "ASK { GRAPH <https://w3id.org/icgp/vocab/nuts> { <http://data.europa.eu/nuts/code/DE11> ?p ?o } }"
    assert store.query(ask)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def _latin1_package(tmp: Path) -> Path:
    folder = tmp / "latin1"
    shutil.copytree(MINI, folder)
    (folder / "organisations.csv").write_bytes(
        "id,name,actor_type,nuts\nacme,Acme Büro,small-enterprise,DE111\n".encode("latin-1")
    )
    return folder


def _with_import(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "with-import"
    shutil.copytree(MINI, folder)
    (folder / "imports").mkdir()
    (folder / "imports" / "extra.ttl").write_text(text, encoding="utf-8")
    return folder


def test_imported_rdf_joins_the_study_graph(tmp_path: Path) -> None:
    folder = _with_import(
        tmp_path,
        '<https://example.org/id/mini/code/X> <http://www.w3.org/2004/02/skos/core#notation> "X" .\n',
    )
    built = build_package(folder)
    extra = Quad(
        NamedNode("https://example.org/id/mini/code/X"),
        NamedNode("http://www.w3.org/2004/02/skos/core#notation"),
        Literal("X"),
        NamedNode("https://example.org/id/mini/graph"),
    )
    assert extra in set(built.result.quads)
    assert len(built.result.quads) == 278 + 1 + 5  # the triple, and the file as a PROV entity used
    assert built.source_map.locate("https://example.org/id/mini/code/X") == ("imports/extra.ttl", None, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[] <http://www.w3.org/2004/02/skos/core#notation> "X" .\n', "blank nodes"),
        ("<a> <b> .\n", "is not valid RDF"),
        # Regression: a triple term reached `icgp validate`, whose N-Triples had no brackets around it,
        # and the SHACL engine stopped with a traceback.
        (
            "<https://example.org/a> <https://example.org/b> "
            '<<( <https://example.org/s> <https://example.org/p> "o" )>> .\n',
            "has 1 triple(s) with a triple term",
        ),
    ],
)
def test_imported_rdf_with_blank_nodes_or_bad_syntax_is_a_violation(
    tmp_path: Path, text: str, message: str
) -> None:
    result = runner.invoke(app, ["build", str(_with_import(tmp_path, text))])
    assert result.exit_code == 2
    assert "imports/extra.ttl: violation:" in result.stderr
    assert message in result.stderr


def test_validate_reports_an_imported_triple_term_instead_of_failing(tmp_path: Path) -> None:
    text = (
        "<https://example.org/a> <https://example.org/b> "
        '<<( <https://example.org/s> <https://example.org/p> "o" )>> .\n'
    )
    result = runner.invoke(app, ["validate", str(_with_import(tmp_path, text))])
    assert result.exit_code == 1, result.output
    assert "imports/extra.ttl: violation [package.import]" in result.stdout
    assert "Traceback" not in result.output


def test_a_built_store_is_settled_into_table_files(mini_store_dir: Path) -> None:
    # Regression: `icgp build --store` left everything in RocksDB's write-ahead log (*.log), which every
    # read-only open replayed. Settled, the quads sit in table files (*.sst): unsettled, those hold about
    # a kilobyte of bookkeeping while the log holds megabytes.
    sizes = {
        suffix: sum(p.stat().st_size for p in mini_store_dir.glob(f"*{suffix}"))
        for suffix in (".sst", ".log")
    }
    assert sizes[".sst"] > sizes[".log"] / 10 > 0
