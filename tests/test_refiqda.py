"""``icgp import qdpx`` and ``icgp import qdc``: exact counts, vendor quirks, mappings and safe reading."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import rdflib
from cli_runner import CliRunner
from pyoxigraph import Store
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from cli import app
from kg.build.study import BuiltStudy, build_package
from kg.errors import InputError
from kg.importers.refiqda_offsets import PositionMap, offset_unit
from kg.importers.refiqda_rdf import import_qdpx
from kg.importers.refiqda_schema import PROJECT_NS
from kg.ontology.declared_terms import declared_icgp_terms, undeclared_icgp_terms
from kg.ontology.loading import load_store
from kg.ontology.namespaces import ICGP, OA, PROV
from kg.package import safe_input

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "build" / "mini"
QUIRKS = FIXTURES / "imports" / "quirks"
EMOJI = FIXTURES / "imports" / "emoji"
runner = CliRunner()


@pytest.fixture(autouse=True)
def refi_qda_schema(monkeypatch: pytest.MonkeyPatch, external_data: Path) -> Path:
    """Point the importer at the REFI-QDA Project schema in the shared external data."""
    schema = external_data / "refi-qda-schema" / "schema.xsd"
    monkeypatch.setenv("ICGP_REFI_QDA_SCHEMA", str(schema))
    return schema


@pytest.fixture()
def study(tmp_path: Path) -> Path:
    """A fresh copy of the mini study package to import into."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture()
def demo(external_data: Path) -> Path:
    return external_data / "refi-qda-samples-qc" / "demo.qdpx"


@pytest.fixture(scope="module")
def demo_imported(tmp_path_factory: pytest.TempPathFactory, external_data: Path) -> tuple[Path, str]:
    """A copy of the mini study with demo.qdpx imported by ``icgp import qdpx``, and what the command
    printed (once, for the tests that only read them). Read the folder, never change it."""
    study = tmp_path_factory.mktemp("demo") / "mini"
    shutil.copytree(MINI, study)
    demo = external_data / "refi-qda-samples-qc" / "demo.qdpx"
    with pytest.MonkeyPatch.context() as patch:
        # The autouse fixture sets this per test; a module fixture runs before it.
        patch.setenv("ICGP_REFI_QDA_SCHEMA", str(external_data / "refi-qda-schema" / "schema.xsd"))
        result = runner.invoke(app, ["import", "qdpx", str(demo), "--into", str(study)])
    assert result.exit_code == 0, result.output
    return study, result.stdout


@pytest.fixture(scope="module")
def demo_graph(demo_imported: tuple[Path, str]) -> rdflib.Graph:
    """The file ``demo_imported`` wrote, parsed once. Read it, never change it."""
    return graph_of(demo_imported[0] / "imports" / "qdpx-demo.ttl")


@pytest.fixture(scope="module")
def demo_built(demo_imported: tuple[Path, str]) -> BuiltStudy:
    """The study of ``demo_imported`` built once. Read it, never change it."""
    return build_package(demo_imported[0])


def graph_of(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


def zip_folder(folder: Path, archive: Path, skip: tuple[str, ...] = ("mapping.yaml",)) -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name not in skip:
                out.write(path, path.relative_to(folder).as_posix())
    return archive


def qdpx_with(archive: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return archive


MINIMAL_PROJECT = (
    b'<?xml version="1.0"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="x"><CodeBook><Codes>'
    b'<Code guid="11111111-1111-4111-8111-111111111111" name="a" isCodable="true"/>'
    b"</Codes></CodeBook></Project>"
)


# --- the real sample -------------------------------------------------------------------------------


def test_demo_imports_exactly_its_codes_selections_and_codings(
    demo_imported: tuple[Path, str], demo_graph: rdflib.Graph, demo: Path
) -> None:
    study, stdout = demo_imported
    path = study / "imports" / "qdpx-demo.ttl"
    assert f"imported demo.qdpx into {path} (" in stdout
    assert "  codes: 262\n" in stdout
    assert "  selections: 158\n" in stdout
    assert "  codings: 205\n" in stdout
    assert "unmapped codes (262; link them with --map):\n  rq1_definition\n" in stdout

    # The same numbers, counted in the written RDF and in the XML itself.
    g = demo_graph
    codes = set(g.subjects(RDF.type, URIRef(ICGP.Code)))
    segments = set(g.subjects(RDF.type, URIRef(ICGP.CodedSegment)))
    bodies = list(g.triples((None, URIRef(OA.hasBody), None)))
    with zipfile.ZipFile(demo) as archive:
        root = ET.fromstring(archive.read("project.qde"))
    ns = {"q": PROJECT_NS}
    assert len(codes) == len(root.findall(".//q:Code", ns)) == 262
    assert len(segments) == len(root.findall(".//q:PlainTextSelection", ns)) == 158
    assert len(bodies) == len(root.findall(".//q:Coding", ns)) == 205
    assert len(set(g.subjects(RDF.type, URIRef(ICGP.SourceDocument)))) == 2
    assert len(set(g.subjects(RDF.type, URIRef(ICGP.Coder)))) == 1
    # Hierarchy: every code but the top ones has exactly one broader code.
    tops = set(g.objects(URIRef("https://example.org/id/mini/codebook/demo"), SKOS.hasTopConcept))
    assert all(len(list(g.objects(code, SKOS.broader))) == (0 if code in tops else 1) for code in codes)
    assert len(tops) == len(root.findall("q:CodeBook/q:Codes/q:Code", ns))


def test_demo_segment_has_offsets_quote_source_and_coder(demo_graph: rdflib.Graph) -> None:
    g = demo_graph
    base = "https://example.org/id/mini/"
    seg = URIRef(base + "segment/demo/board_2017/320-400")
    assert (seg, RDF.type, URIRef(ICGP.CodedSegment)) in g
    assert (seg, URIRef(OA.motivatedBy), URIRef(OA.classifying)) in g
    assert set(g.objects(seg, URIRef(OA.hasBody))) == {
        URIRef(base + "code/demo/rq2_curriculum_and_instruction/pedagogy/fun")
    }
    assert set(g.objects(seg, URIRef(PROV.wasAttributedTo))) == {URIRef(base + "coder/demo/C1")}
    target = URIRef(str(seg) + "/target")
    assert set(g.objects(target, URIRef(OA.hasSource))) == {URIRef(base + "source/demo/board_2017")}
    position = URIRef(str(seg) + "/position")
    assert int(g.value(position, URIRef(OA.start))) == 320
    assert int(g.value(position, URIRef(OA.end))) == 400
    text = "This district goal is engage every student in joyful, purposeful learning that \n"
    assert g.value(URIRef(str(seg) + "/quote"), URIRef(OA.exact)) == Literal(text, lang="en")
    length = g.value(URIRef(base + "source/demo/board_2017"), URIRef(ICGP.documentLength))
    assert int(length) == 52543
    # The user name 'cp' of the export is nowhere in the output.
    assert not any(isinstance(o, Literal) and str(o) == "cp" for o in g.objects())


def test_demo_package_builds_and_uses_only_declared_terms(
    demo_built: BuiltStudy, demo_graph: rdflib.Graph
) -> None:
    built = demo_built
    imported = [q for q in built.result.quads if built.source_map.locate(q.subject.value)]
    assert built.checked.imports and "imports/qdpx-demo.ttl" in built.checked.imports
    assert len(built.checked.imports["imports/qdpx-demo.ttl"]) == len(demo_graph)
    assert imported
    store = Store()
    store.extend(built.result.quads)
    declared = declared_icgp_terms(load_store(None))
    assert undeclared_icgp_terms(store, declared) == []


def test_demo_package_validates_under_the_shapes(demo_built: BuiltStudy, demo_graph: rdflib.Graph) -> None:
    from kg.build.store import ontology_quads
    from kg.problems import Severity
    from kg.validation import engines as shacl

    built = demo_built
    data = shacl.DataGraph.from_quads([*built.result.quads, *ontology_quads()])
    results = shacl.validate(data, shacl.load_shapes())
    assert [r for r in results if r.severity is Severity.VIOLATION] == []
    imported = [
        r for r in results if (built.source_map.locate(r.focus) or ("",))[0] == "imports/qdpx-demo.ttl"
    ]
    # The QDA project is a dcat:Dataset; it carries the package's licence, so nothing is left to warn about.
    assert imported == []
    project = URIRef("https://example.org/id/mini/qda-project/demo")
    g = demo_graph
    assert set(g.objects(project, DCTERMS.license)) == {
        URIRef("https://creativecommons.org/licenses/by/4.0/")
    }


def test_a_re_import_replaces_its_own_file_with_identical_bytes(study: Path, demo: Path) -> None:
    first = import_qdpx(demo, study).path.read_bytes()
    (study / "imports" / "other.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    second = import_qdpx(demo, study).path.read_bytes()
    assert first == second
    assert sorted(p.name for p in (study / "imports").iterdir()) == ["other.ttl", "qdpx-demo.ttl"]


def test_iris_do_not_depend_on_refi_guids(study: Path, demo: Path, tmp_path: Path) -> None:
    """A re-export with new GUIDs yields the same resources; only the icgp:refiGuid literals change."""
    with zipfile.ZipFile(demo) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    guid = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    # Reverse the digits of each group of every GUID: a consistent renaming, as a re-export would do.
    members["project.qde"] = guid.sub(
        lambda m: b"-".join(part[::-1] for part in m.group(0).split(b"-")), members["project.qde"]
    )
    reexport = qdpx_with(tmp_path / "demo.qdpx", members)
    original = graph_of(import_qdpx(demo, study).path)
    renamed = graph_of(import_qdpx(reexport, study, name="demo").path)
    guid_predicate = URIRef(ICGP.refiGuid)
    assert set(original.triples((None, guid_predicate, None))) != set(
        renamed.triples((None, guid_predicate, None))
    )
    for graph in (original, renamed):
        graph.remove((None, guid_predicate, None))
        graph.remove((None, URIRef(ICGP.sha256), None))  # the archive's checksum differs, of course
    assert set(original) == set(renamed)


# --- vendor quirks, cases, variables, mapping -----------------------------------------------------


def test_vendor_quirks_are_tolerated_with_warnings(study: Path, tmp_path: Path) -> None:
    archive = zip_folder(QUIRKS, tmp_path / "quirks.qdpx")
    result = runner.invoke(
        app, ["import", "qdpx", str(archive), "--into", str(study), "--map", str(QUIRKS / "mapping.yaml")]
    )
    assert result.exit_code == 0, result.output
    assert "the project file is named Trial.qde, not project.qde" in result.stderr
    assert "ignored 1 vendor-specific element(s) {urn:example:vendor}Highlight" in result.stderr
    assert "ignored the vendor-specific attribute weight (1 time(s))" in result.stderr
    assert "1 zero-length selection(s) kept without a quote: 'Focus group 1' at 0" in result.stderr
    assert "not imported: 1 uncoded selection(s)" in result.stderr
    assert "unmapped codes (2; link them with --map):\n  Barriers\n  Enablers\n" in result.stdout
    g = graph_of(study / "imports" / "qdpx-quirks.ttl")
    base = "https://example.org/id/mini/"
    source = URIRef(base + "source/quirks/Focus-group-1")
    # The GUID-named text under "Sources/" was found: its length and the quotes are there.
    assert int(g.value(source, URIRef(ICGP.documentLength))) == 146
    quote = URIRef(base + "segment/quirks/Focus-group-1/36-84/quote")
    assert str(g.value(quote, URIRef(OA.exact))) == "We simply have nobody who can program the robot."
    zero = URIRef(base + "segment/quirks/Focus-group-1/0-0")
    assert (zero, RDF.type, URIRef(ICGP.CodedSegment)) in g
    assert (URIRef(str(zero) + "/quote"), None, None) not in g
    both = URIRef(base + "segment/quirks/Focus-group-1/89-144")
    assert set(g.objects(both, URIRef(PROV.wasAttributedTo))) == {
        URIRef(base + "coder/quirks/C1"),
        URIRef(base + "coder/quirks/C2"),
    }
    assert len(list(g.objects(both, URIRef(OA.hasBody)))) == 2
    text = (study / "imports" / "qdpx-quirks.ttl").read_text(encoding="utf-8")
    for secret in ("Alice", "Bob", "someone", "C:\\Users"):
        assert secret not in text


def test_mapping_cases_and_variables(study: Path, tmp_path: Path) -> None:
    archive = zip_folder(QUIRKS, tmp_path / "quirks.qdpx")
    result = import_qdpx(archive, study, QUIRKS / "mapping.yaml")
    assert result.unmapped == ["Barriers", "Enablers"]
    assert result.unmapped_cases == []
    g = graph_of(result.path)
    base = "https://example.org/id/mini/"
    factor = "https://w3id.org/icgp/vocab/factor/"
    skills = URIRef(base + "code/quirks/Barriers/Skills-shortage")
    assert set(g.objects(skills, URIRef(ICGP.mapsToFactor))) == {URIRef(factor + "skills-shortage")}
    facilities = URIRef(base + "code/quirks/Enablers/Test-facilities")
    assert set(g.objects(facilities, URIRef(ICGP.mapsToFactor))) == {
        URIRef(factor + "shared-infrastructure-and-test-facilities")
    }
    assert set(g.objects(facilities, SKOS.closeMatch)) == {
        URIRef("https://w3id.org/icgp/vocab/i40t/robotics-and-automation")
    }
    assert g.value(URIRef(base + "source/quirks/Focus-group-1"), URIRef(ICGP.sourceKind)) == URIRef(
        "https://w3id.org/icgp/vocab/source-kind/focus-group"
    )
    acme_case = URIRef(base + "case/quirks/acme")
    assert g.value(acme_case, URIRef(ICGP.representsActor)) == URIRef(base + "organisation/acme")
    assert g.value(URIRef(base + "case/quirks/Supplier-B"), URIRef(ICGP.representsActor)) == URIRef(
        base + "organisation/bigco"
    )
    employees = URIRef(base + "case-variable/quirks/Employees")
    assert (employees, RDF.type, URIRef(ICGP.CaseVariable)) in g
    assert g.value(acme_case, employees).toPython() == 42
    assert g.value(URIRef(base + "source/quirks/Focus-group-1"), URIRef(ICGP.aboutCase)) == acme_case
    assert g.value(acme_case, URIRef(ICGP.caseSegment)) == URIRef(base + "segment/quirks/Focus-group-1/36-84")
    assert build_package(study).result.triples > 0


def test_mapping_errors_name_the_problem(study: Path, demo: Path, tmp_path: Path) -> None:
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("codes:\n  rq1_definition: skils-shortage\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "qdpx", str(demo), "--into", str(study), "--map", str(unknown)])
    assert result.exit_code == 2
    assert "'skils-shortage' is not a concept of the 'factor' scheme; did you mean 'skills-shortage'" in (
        result.stderr
    )
    ambiguous = tmp_path / "ambiguous.csv"
    ambiguous.write_text("code,target\nprogramming,F3.03\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "qdpx", str(demo), "--into", str(study), "--map", str(ambiguous)])
    assert result.exit_code == 2
    assert "'programming' names 2 codes" in result.stderr
    assert not (study / "imports").exists()


def test_demo_codes_map_through_a_csv_mapping(study: Path, demo: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(
        "code,target\nrq1_definition > competencies > programming,F3.03\nlife_skill,factor:F1.03\n",
        encoding="utf-8",
    )
    result = import_qdpx(demo, study, mapping)
    assert len(result.unmapped) == 260
    g = graph_of(result.path)
    code = URIRef("https://example.org/id/mini/code/demo/rq1_definition/competencies/programming")
    assert g.value(code, URIRef(ICGP.mapsToFactor)) == URIRef(
        "https://w3id.org/icgp/vocab/factor/skills-shortage"
    )


# --- schema --------------------------------------------------------------------------------------


def test_schema_errors_refuse_the_project_unless_lenient(study: Path, tmp_path: Path) -> None:
    bad = MINIMAL_PROJECT.replace(b' isCodable="true"', b"")
    archive = qdpx_with(tmp_path / "bad.qdpx", {"project.qde": bad})
    result = runner.invoke(app, ["import", "qdpx", str(archive), "--into", str(study)])
    assert result.exit_code == 2
    assert "does not conform to the REFI-QDA schema (1 error(s))" in result.stderr
    assert "isCodable" in result.stderr and "--lenient" in result.stderr
    result = runner.invoke(app, ["import", "qdpx", str(archive), "--into", str(study), "--lenient"])
    assert result.exit_code == 0, result.output
    assert "  codes: 1\n" in result.stdout


def test_a_codebook_imports_its_codes(study: Path, tmp_path: Path) -> None:
    qdc = tmp_path / "frame.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Example"><Codes>'
        '<Code guid="{11111111-1111-4111-8111-111111111111}" name="Barriers" isCodable="false">'
        '<Code guid="22222222-2222-4222-8222-222222222222" name="Skills shortage" isCodable="true">'
        "<Description>No one can program the robot.</Description></Code></Code>"
        "</Codes></CodeBook>",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "qdc", str(qdc), "--into", str(study)])
    assert result.exit_code == 0, result.output
    g = graph_of(study / "imports" / "qdc-frame.ttl")
    code = URIRef("https://example.org/id/mini/code/frame/Barriers/Skills-shortage")
    assert g.value(code, SKOS.notation) == Literal("Barriers > Skills shortage")
    assert g.value(code, SKOS.definition) == Literal("No one can program the robot.", lang="en")
    assert g.value(code, SKOS.broader) == URIRef("https://example.org/id/mini/code/frame/Barriers")
    assert len(set(g.subjects(RDF.type, URIRef(ICGP.Code)))) == 2
    qdc.write_text(qdc.read_text(encoding="utf-8").replace(' isCodable="true"', ""), encoding="utf-8")
    result = runner.invoke(app, ["import", "qdc", str(qdc), "--into", str(study)])
    assert result.exit_code == 2
    assert "does not conform to the REFI-QDA schema" in result.stderr


# --- selection offsets: code points and UTF-16 code units ------------------------------------------

SEGMENTS = "https://example.org/id/mini/segment/emoji/Focus-group-2/"
# The quotes of the emoji fixture by their spans in code points (see the comment in its project.qde).
EMOJI_QUOTES = {
    "11-34": "Wie läuft der 3D-Druck?",
    "51-59": "Super \U0001f44d\U0001f3fd",
    "61-85": "aber die Schulung fehlt.",
    "98-155": "Zoe\u0308 sagt, das Cafe\u0301 nebenan hilft \U0001f916\U0001f9be beim Programmieren.",
    "113-118": "Cafe\u0301",
}


def quotes_of(path: Path) -> dict[str, str]:
    """Every quote of an import, by the span part of its segment IRI."""
    g = graph_of(path)
    found = {}
    for quote, text in g.subject_objects(URIRef(OA.exact)):
        span = str(quote).removeprefix(SEGMENTS).removesuffix("/quote")
        found[span] = str(text)
    return found


def test_nvivo_offsets_count_utf16_code_units(study: Path, tmp_path: Path) -> None:
    """NVivo counts an emoji twice; every quote after the first emoji used to be shifted."""
    archive = zip_folder(EMOJI, tmp_path / "emoji.qdpx")
    result = runner.invoke(app, ["import", "qdpx", str(archive), "--into", str(study)])
    assert result.exit_code == 0, result.output
    path = study / "imports" / "qdpx-emoji.ttl"
    assert quotes_of(path) == EMOJI_QUOTES
    g = graph_of(path)
    # Positions are written in code points, as Web Annotation selectors count them.
    position = URIRef(SEGMENTS + "61-85/position")
    assert (int(g.value(position, URIRef(OA.start))), int(g.value(position, URIRef(OA.end)))) == (61, 85)
    source = URIRef("https://example.org/id/mini/source/emoji/Focus-group-2")
    assert int(g.value(source, URIRef(ICGP.documentLength))) == 156
    assert "  selections: 5\n" in result.stdout
    # The selection that starts between the two halves of the robot emoji is skipped, and said so.
    assert (
        "warning: 1 selection(s) start or end inside a character that takes two UTF-16 code units, with "
        "offsets read as utf16 (NVivo 14 exported the project, and it counts UTF-16 code units); skipped: "
        "'Focus group 2' 137-160. If the offsets count code points, import again with --offsets codepoints\n"
    ) in result.stderr
    assert "not imported: 1 selection(s)" in result.stderr


def test_the_offsets_option_overrides_the_exporting_software(study: Path, tmp_path: Path) -> None:
    folder = tmp_path / "qualcoder"
    shutil.copytree(EMOJI, folder)
    qde = folder / "project.qde"
    qde.write_text(
        qde.read_text(encoding="utf-8").replace('origin="NVivo 14"', 'origin="QualCoder 3.5"'),
        encoding="utf-8",
    )
    archive = zip_folder(folder, tmp_path / "emoji.qdpx")
    # QualCoder counts code points, so the same numbers now select other text; the import says where
    # the choice matters and how to choose otherwise.
    result = runner.invoke(app, ["import", "qdpx", str(archive), "--into", str(study)])
    assert result.exit_code == 0, result.output
    shifted = quotes_of(study / "imports" / "qdpx-emoji.ttl")
    assert shifted["64-88"] == "r die Schulung fehlt.\nTe"
    assert shifted["52-62"] == "uper \U0001f44d\U0001f3fd, a"
    assert (
        "warning: 1 source(s) contain characters outside the Basic Multilingual Plane (such as emoji), where "
        "tools count offsets differently: 'Focus group 2'. Offsets were read as codepoints (the default: "
        "QualCoder 3.5 exported the project); if quotes look shifted, import again with --offsets utf16\n"
    ) in result.stderr
    result = runner.invoke(app, ["import", "qdpx", str(archive), "--into", str(study), "--offsets", "utf16"])
    assert result.exit_code == 0, result.output
    assert quotes_of(study / "imports" / "qdpx-emoji.ttl") == EMOJI_QUOTES
    assert "offsets read as utf16 (as --offsets says); skipped" in result.stderr
    assert "Basic Multilingual Plane" not in result.stderr  # the unit was given, not assumed
    result = runner.invoke(app, ["import", "qdpx", str(archive), "--into", str(study), "--offsets", "bytes"])
    assert result.exit_code == 2
    assert "'bytes' is not one of 'codepoints', 'utf16'" in result.stderr


def test_positions_map_from_utf16_code_units_to_code_points() -> None:
    text = "a\U0001f680b\u0301c"  # a, rocket (two UTF-16 units), b, combining acute, c
    utf16 = PositionMap(text, "utf16")
    assert utf16.unit_length == 6 and utf16.length == 5
    assert [utf16.codepoint(p) for p in range(7)] == [0, 1, None, 2, 3, 4, 5]
    assert utf16.codepoint(9) == 8  # past the end: as far past the end as before
    codepoints = PositionMap(text, "codepoints")
    assert [codepoints.codepoint(p) for p in (0, 2, 7)] == [0, 2, 7]
    assert offset_unit("NVivo Pro 12", None).name == "utf16"
    assert offset_unit("ATLAS.ti Win 26.1.1", None).name == "codepoints"
    assert offset_unit(None, None).reason == "(the default: the project names no exporting software)"
    assert offset_unit("NVivo 14", "codepoints").name == "codepoints"
    with pytest.raises(InputError, match="--offsets must be one of codepoints, utf16, not 'chars'"):
        offset_unit(None, "chars")


# --- older codebooks, bare project files, language ------------------------------------------------

LEGACY_CODEBOOK = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<CodeBook xmlns="urn:QDA-XML:codebook:0:4" origin="ATLAS.ti Win 26.1.1"><Codes>'
    '<Code guid="11111111-1111-4111-8111-111111111111" name="Parent" isCodable="true">'
    "<Description>Comment</Description>"
    '<Code guid="22222222-2222-4222-8222-222222222222" name="Child" isCodable="true"/></Code>'
    "</Codes></CodeBook>"
)


def test_a_codebook_in_the_draft_namespace_is_read(study: Path, tmp_path: Path) -> None:
    """ATLAS.ti and MAXQDA write codebooks in urn:QDA-XML:codebook:0:4, with the elements of 1.0."""
    qdc = tmp_path / "atlas.qdc"
    qdc.write_text(LEGACY_CODEBOOK, encoding="utf-8")
    result = runner.invoke(app, ["import", "qdc", str(qdc), "--into", str(study)])
    assert result.exit_code == 0, result.output
    assert "  codes: 2\n" in result.stdout
    g = graph_of(study / "imports" / "qdc-atlas.ttl")
    child = URIRef("https://example.org/id/mini/code/atlas/Parent/Child")
    assert g.value(child, SKOS.notation) == Literal("Parent > Child")
    assert g.value(child, SKOS.broader) == URIRef("https://example.org/id/mini/code/atlas/Parent")
    # The same codes under a 1.0 root (a mixed file) are read too; vendor elements are reported.
    mixed = tmp_path / "mixed.qdc"
    mixed.write_text(
        LEGACY_CODEBOOK.replace(
            '<CodeBook xmlns="urn:QDA-XML:codebook:0:4"',
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" xmlns:o="urn:QDA-XML:codebook:0:4" '
            'xmlns:v="urn:example:vendor"',
        )
        .replace("<Codes>", "<o:Codes><v:Colour/>")
        .replace("</Codes>", "</o:Codes>"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "qdc", str(mixed), "--into", str(study)])
    assert result.exit_code == 0, result.output
    assert "  codes: 2\n" in result.stdout
    assert "warning: mixed.qdc: ignored 1 vendor-specific element(s) {urn:example:vendor}Colour\n" in (
        result.stderr
    )


def test_a_bare_project_file_is_imported_without_its_texts(study: Path, demo: Path, tmp_path: Path) -> None:
    bare = tmp_path / "project.qde"
    with zipfile.ZipFile(demo) as archive:
        bare.write_bytes(archive.read("project.qde"))
    result = runner.invoke(app, ["import", "qdpx", str(bare), "--into", str(study), "--name", "demo"])
    assert result.exit_code == 0, result.output
    assert "  codes: 262\n  mapped codes: 0\n  coders: 1\n  sources: 2\n  selections: 158\n" in result.stdout
    assert (
        "warning: project.qde is a bare project file, not a .qdpx archive, so the texts of 2 source(s) were "
        "not available ('board_2017', 'admin-1'); they were imported without quotes or length. Import the "
        ".qdpx export to get them\n"
    ) in result.stderr
    g = graph_of(study / "imports" / "qdpx-demo.ttl")
    assert len(set(g.subjects(RDF.type, URIRef(ICGP.CodedSegment)))) == 158
    assert list(g.triples((None, URIRef(OA.exact), None))) == []
    assert list(g.triples((None, URIRef(ICGP.documentLength), None))) == []
    text = tmp_path / "notes.qdpx"
    text.write_text("not a project", encoding="utf-8")
    result = runner.invoke(app, ["import", "qdpx", str(text), "--into", str(study)])
    assert result.exit_code == 2
    assert "is neither a REFI-QDA project archive (.qdpx, a zip file) nor a project.qde XML file" in (
        result.stderr
    )


def test_the_language_option_tags_the_imported_text(study: Path, tmp_path: Path) -> None:
    archive = zip_folder(EMOJI, tmp_path / "emoji.qdpx")
    result = runner.invoke(app, ["import", "qdpx", str(archive), "--into", str(study), "--language", "de-AT"])
    assert result.exit_code == 0, result.output
    g = graph_of(study / "imports" / "qdpx-emoji.ttl")
    assert g.value(URIRef(SEGMENTS + "61-85/quote"), URIRef(OA.exact)) == Literal(
        "aber die Schulung fehlt.", lang="de-AT"
    )
    code = URIRef("https://example.org/id/mini/code/emoji/Barriers/Skills-shortage")
    assert g.value(code, SKOS.prefLabel) == Literal("Skills shortage", lang="de-AT")
    qdc = tmp_path / "atlas.qdc"
    qdc.write_text(LEGACY_CODEBOOK, encoding="utf-8")
    result = runner.invoke(app, ["import", "qdc", str(qdc), "--into", str(study), "--language", "fr"])
    assert result.exit_code == 0, result.output
    g = graph_of(study / "imports" / "qdc-atlas.ttl")
    parent = URIRef("https://example.org/id/mini/code/atlas/Parent")
    assert g.value(parent, SKOS.definition) == Literal("Comment", lang="fr")
    result = runner.invoke(app, ["import", "qdc", str(qdc), "--into", str(study), "--language", "de_DE"])
    assert result.exit_code == 2
    assert (
        "--language 'de_DE' is not a BCP 47 language tag; give one such as en, de, de-AT or pt-BR"
        in result.stderr
    )


# --- safety ---------------------------------------------------------------------------------------


def test_an_external_entity_is_refused(study: Path, tmp_path: Path) -> None:
    evil = (
        b'<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>'
    )
    archive = qdpx_with(tmp_path / "xxe.qdpx", {"project.qde": evil})
    result = runner.invoke(app, ["import", "qdpx", str(archive), "--into", str(study)])
    assert result.exit_code == 2
    assert "declares the XML entity 'secret'; ICGP refuses XML with entity declarations" in result.stderr
    assert not (study / "imports").exists()


def test_entity_expansion_is_refused(study: Path, tmp_path: Path) -> None:
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>'
    )
    archive = qdpx_with(tmp_path / "laughs.qdpx", {"project.qde": laughs})
    result = runner.invoke(app, ["import", "qdpx", str(archive), "--into", str(study)])
    assert result.exit_code == 2
    assert "declares the XML entity 'a'" in result.stderr


def test_a_member_leaving_the_archive_is_refused(study: Path, tmp_path: Path) -> None:
    archive = qdpx_with(tmp_path / "slip.qdpx", {"project.qde": MINIMAL_PROJECT, "../x": b"escaped"})
    result = runner.invoke(app, ["import", "qdpx", str(archive), "--into", str(study)])
    assert result.exit_code == 2
    assert (
        "the member '../x' points outside the archive; refusing the whole REFI-QDA project" in result.stderr
    )
    assert not (tmp_path / "x").exists()
    assert not (study / "imports").exists()


def test_members_expanding_past_the_limit_are_refused(study: Path, tmp_path: Path) -> None:
    archive = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("project.qde", MINIMAL_PROJECT)
        with out.open("sources/big.txt", "w") as member:
            block = b"\0" * (1 << 20)
            for _ in range(safe_input.MAX_TOTAL_BYTES // len(block) + 1):
                member.write(block)
    assert archive.stat().st_size < 1_000_000  # it packs small, but unpacks past 200 MiB
    result = runner.invoke(app, ["import", "qdpx", str(archive), "--into", str(study)])
    assert result.exit_code == 2
    assert f"more than the limit of {safe_input.MAX_TOTAL_BYTES} bytes" in result.stderr
    assert "it may be a zip bomb" in result.stderr


def test_the_running_byte_count_catches_what_the_directory_hides(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = qdpx_with(
        tmp_path / "many.qdpx", {"project.qde": MINIMAL_PROJECT, "sources/a.txt": b"x" * 5000}
    )
    monkeypatch.setattr(safe_input, "MAX_TOTAL_BYTES", 4000)
    with pytest.raises(Exception, match="more than the limit of 4000 bytes"):
        safe_input.read_zip(archive)
    monkeypatch.setattr(safe_input, "MAX_TOTAL_BYTES", 200 * 1024 * 1024)
    monkeypatch.setattr(safe_input, "MAX_MEMBERS", 1)
    result = runner.invoke(app, ["import", "qdpx", str(archive), "--into", str(study)])
    assert result.exit_code == 2
    assert "lists 2 members, more than the 1" in result.stderr


def test_not_a_refi_archive(study: Path, tmp_path: Path) -> None:
    archive = qdpx_with(tmp_path / "empty.qdpx", {"readme.txt": b"hello"})
    result = runner.invoke(app, ["import", "qdpx", str(archive), "--into", str(study)])
    assert result.exit_code == 2
    assert "holds no project.qde at its top" in result.stderr
    result = runner.invoke(app, ["import", "qdpx", str(tmp_path / "missing.qdpx"), "--into", str(study)])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
