"""``icgp release``: layout, byte-identical rebuilds, checksums, metadata, conneg rules, docs, CHANGELOG."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import rdflib
from cli_runner import CliRunner
from conftest import MINI
from pyoxigraph import RdfFormat, Store

from cli import app
from kg.ontology import resources
from kg.publish.release_pages import htaccess

FILES_URL = "https://files.example.org/icgp/"
STUDY_GRAPH = "https://w3id.org/icgp/id/stuttgart-i40-clusters/graph"
runner = CliRunner()
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_the_bundle_has_the_promised_layout(sample_releases: tuple[Path, Path]) -> None:
    names = set(files_of(sample_releases[0]))
    top = {".htaccess", "CHANGELOG.md", "README.md", "SHA256SUMS", "catalog.ttl", "index.html"}
    top |= {"provenance.ttl", "service.ttl", "void.ttl"}
    assert top <= names
    for stem in ("icgp", "alignments"):
        assert {f"ontology/{stem}.{s}" for s in ("ttl", "owl", "jsonld", "nt", "html")} <= names
    assert "ontology/context.jsonld" in names
    for path in resources.vocabulary_files():
        assert {f"vocab/{path.stem}.{s}" for s in ("ttl", "rdf", "jsonld", "nt", "html")} <= names
    assert {f"data/stuttgart-i40-clusters.{s}" for s in ("ttl", "nq", "jsonld")} <= names
    assert "changes.ttl" not in names  # only with --previous


def test_two_releases_of_the_same_input_differ_only_in_the_provenance_file(
    sample_releases: tuple[Path, Path],
) -> None:
    first, second = (files_of(r) for r in sample_releases)
    assert first.keys() == second.keys()
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == ["provenance.ttl"]
    assert b"2023-11-14T22:13:20Z" in first["provenance.ttl"]
    assert b"2027-01-15T08:00:00Z" in second["provenance.ttl"]


def test_every_timestamp_sits_in_the_provenance_file(sample_releases: tuple[Path, Path]) -> None:
    for name, data in files_of(sample_releases[0]).items():
        if name != "provenance.ttl":
            assert b"2023-11-14" not in data, name
            # dates of the study are midnight xsd:dateTime values (OWL 2 has no xsd:date); any other time of
            # day would be a timestamp that belongs in provenance.ttl
            assert not re.search(rb'\d{4}-\d{2}-\d{2}T(?!00:00:00")[0-9:.]+(Z|[+-]\d{2}:\d{2})?"', data), name
    build = "https://w3id.org/icgp/id/stuttgart-i40-clusters/build/stuttgart-i40-clusters"
    prov = rdflib.Graph().parse(sample_releases[0] / "provenance.ttl")
    started = prov.value(rdflib.URIRef(build), rdflib.URIRef("http://www.w3.org/ns/prov#startedAtTime"))
    assert started is not None
    assert started.toPython() == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)  # type: ignore[union-attr]


def test_checksums_cover_every_file_but_themselves_and_the_dated_record(
    sample_releases: tuple[Path, Path],
) -> None:
    folder = sample_releases[0]
    listed = {}
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = files_of(folder)
    assert set(listed) == set(files) - {"SHA256SUMS", "provenance.ttl"}
    for name, digest in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    # The dated record names the checksum list it belongs to.
    prov = rdflib.Graph().parse(folder / "provenance.ttl")
    recorded = {str(o) for o in prov.objects(None, rdflib.URIRef("https://w3id.org/icgp/ontology#sha256"))}
    assert hashlib.sha256(files["SHA256SUMS"]).hexdigest() in recorded


def test_data_files_hold_the_study_graph_without_build_times(sample_releases: tuple[Path, Path]) -> None:
    store = Store()
    store.load(path=str(sample_releases[0] / "data/stuttgart-i40-clusters.nq"), format=RdfFormat.N_QUADS)
    assert {g.value for g in store.named_graphs()} == {STUDY_GRAPH}
    # the 16156 quads of the build minus its two timestamps (the maturity assessments keep their dates)
    assert len(store) == 16154
    times = store.query("ASK { GRAPH ?g { ?s <http://www.w3.org/ns/prov#startedAtTime> ?t } }")
    assert not bool(times)


def test_void_describes_partitions_counts_licence_and_dumps(sample_releases: tuple[Path, Path]) -> None:
    void = rdflib.Graph().parse(sample_releases[0] / "void.ttl")
    dataset = rdflib.URIRef("https://w3id.org/icgp/id/stuttgart-i40-clusters/dataset/stuttgart-i40-clusters")
    assert int(void.value(dataset, VOID.triples)) == 16154  # type: ignore[arg-type]
    partitions = {
        str(void.value(p, VOID["class"])): int(void.value(p, VOID.entities))  # type: ignore[arg-type]
        for p in void.objects(dataset, VOID.classPartition)
    }
    assert partitions["https://w3id.org/icgp/ontology#InnovationCluster"] == 2
    assert partitions["https://w3id.org/icgp/ontology#CodedSegment"] == 306
    properties = {str(void.value(p, VOID.property)) for p in void.objects(dataset, VOID.propertyPartition)}
    assert "https://w3id.org/icgp/ontology#employees" in properties
    dumps = {str(o) for o in void.objects(dataset, VOID.dataDump)}
    assert f"{FILES_URL}1.0.0/data/stuttgart-i40-clusters.nq" in dumps
    top = rdflib.URIRef("https://w3id.org/icgp/releases/1.0.0#void")
    assert (top, VOID.subset, dataset) in void
    assert void.value(top, rdflib.DCTERMS.license) == rdflib.URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert str(void.value(top, VOID.sparqlEndpoint)) == "http://127.0.0.1:7878/sparql"


def test_dcat_distributions_match_the_files(sample_releases: tuple[Path, Path]) -> None:
    folder = sample_releases[0]
    catalog = rdflib.Graph().parse(folder / "catalog.ttl")
    distributions = list(catalog.subjects(rdflib.RDF.type, DCAT.Distribution))
    assert len(distributions) > 100
    for dist in distributions:
        url = str(catalog.value(dist, DCAT.downloadURL))
        path = folder / url.removeprefix(f"{FILES_URL}1.0.0/")
        assert path.is_file(), url
        assert int(catalog.value(dist, DCAT.byteSize)) == path.stat().st_size  # type: ignore[arg-type]
        checksum = catalog.value(dist, SPDX.checksum)
        assert (
            str(catalog.value(checksum, SPDX.checksumValue)) == hashlib.sha256(path.read_bytes()).hexdigest()
        )
        assert catalog.value(dist, DCAT.mediaType) is not None
    ontology = rdflib.URIRef("https://w3id.org/icgp/ontology")
    assert (rdflib.URIRef("https://w3id.org/icgp/releases/1.0.0"), DCAT.dataset, ontology) in catalog
    assert catalog.value(ontology, DCAT.landingPage) == rdflib.URIRef(f"{FILES_URL}1.0.0/ontology/icgp.html")


def test_service_description_names_the_endpoint_and_graphs(sample_releases: tuple[Path, Path]) -> None:
    sd = rdflib.Graph().parse(sample_releases[0] / "service.ttl")
    service = next(sd.subjects(rdflib.RDF.type, SD.Service))
    assert str(sd.value(service, SD.endpoint)) == "http://127.0.0.1:7878/sparql"
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in sd
    names = {str(o) for o in sd.objects(None, SD.name)}
    assert {STUDY_GRAPH, "https://w3id.org/icgp/ontology", "https://w3id.org/icgp/vocab/nuts"} <= names


def test_htaccess_serves_five_formats_from_files_in_the_bundle(sample_releases: tuple[Path, Path]) -> None:
    folder = sample_releases[0]
    text = (folder / ".htaccess").read_text(encoding="utf-8")
    for media in (
        "text/html",
        "application/ld\\+json",
        "text/turtle",
        "application/n-triples",
        "application/rdf\\+xml",
    ):
        assert f"RewriteCond %{{HTTP_ACCEPT}} {media}" in text
    targets = re.findall(r"^RewriteRule \S+ (\S+) \[", text, flags=re.MULTILINE)
    assert len(targets) > 20
    assert f"RewriteRule ^releases/([0-9.]+)/(.*)$ {FILES_URL}$1/$2 [R=303,L]" in text
    for target in targets:
        if not target.startswith(f"{FILES_URL}1.0.0/"):
            continue
        path = target.removeprefix(f"{FILES_URL}1.0.0/").split("#", 1)[0]
        if path.startswith("id/") and "$" in path:
            continue  # an instance IRI pattern: tests/test_static_site.py expands it for real entities
        if "$" in path:  # a vocabulary pattern: check it for every scheme
            for scheme in resources.vocabulary_files():
                assert (folder / path.replace("$1", scheme.stem)).is_file(), path
        else:
            assert (folder / path).is_file(), path
    assert htaccess(FILES_URL, "1.0.0") == text


def test_html_docs_have_an_anchor_for_each_term(sample_releases: tuple[Path, Path]) -> None:
    folder = sample_releases[0]
    ontology = (folder / "ontology/icgp.html").read_text(encoding="utf-8")
    for anchor in ("Actor", "InnovationCluster", "employees", "locatedIn"):
        assert f'id="{anchor}"' in ontology
    vocab = (folder / "vocab/i40t.html").read_text(encoding="utf-8")
    assert 'id="machine-learning"' in vocab
    nuts = (folder / "vocab/nuts.html").read_text(encoding="utf-8")
    assert 'id="DE11"' in nuts


def test_a_first_release_gets_an_initial_changelog_entry(sample_releases: tuple[Path, Path]) -> None:
    text = (sample_releases[0] / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 1.0.0 (initial release)" in text
    assert "| `icgp:InnovationCluster` | 2 | 0 | 0 |" in text


@pytest.mark.slow
def test_a_release_with_previous_gets_the_diff_in_its_changelog(
    sample_releases: tuple[Path, Path], tmp_path: Path
) -> None:
    from test_diff import edited_sample

    edited = edited_sample(tmp_path / "edited")
    out = tmp_path / "second"
    # The DOI of the previous release too, so that the study's three edits are the only changes.
    args = ["--version", "1.1.0", "--previous", str(sample_releases[0]), "--doi", "10.5281/zenodo.1234567"]
    result = runner.invoke(app, ["release", str(edited), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    text = (out / "CHANGELOG.md").read_text(encoding="utf-8")
    # The entry names the previous release by its version, not by the folder it was read from.
    assert "## 1.1.0 (changes since 1.0.0)" in text
    assert "1 added, 1 removed, 1 changed" in text
    assert "(Robot welding clinic)" in text
    changes = rdflib.Graph().parse(out / "changes.ttl")
    assert (
        len(
            set(
                changes.subjects(
                    rdflib.RDF.type, rdflib.URIRef("http://purl.org/vocab/changeset/schema#ChangeSet")
                )
            )
        )
        == 3
    )


@pytest.mark.slow
def test_a_store_folder_releases_without_private_material(tmp_path: Path, mini_store_dir: Path) -> None:
    out = tmp_path / "from-store"
    result = runner.invoke(app, ["release", str(mini_store_dir), "--out", str(out), "--version", "1.0.0"])
    assert result.exit_code == 0, result.output
    assert "records no privacy flags" not in result.stderr  # the build recorded them: both private
    assert "left out as not public: 1 quote(s), 1 survey answer(s)" in result.stderr
    data = (out / "data/mini.nq").read_text(encoding="utf-8")
    assert "TextQuoteSelector" not in data and "SurveyResponse" not in data
    assert "<https://example.org/id/mini/organisation/acme>" in data


@pytest.mark.slow
def test_a_store_keeps_the_descriptors_public_flags(tmp_path: Path) -> None:
    package = tmp_path / "public-mini"
    shutil.copytree(Path(__file__).parent / "fixtures" / "build" / "mini", package)
    descriptor = package / "datapackage.yaml"
    descriptor.write_text(
        descriptor.read_text(encoding="utf-8") + "public: {quotes: true, responses: true}\n", encoding="utf-8"
    )
    store = tmp_path / "store"
    assert runner.invoke(app, ["build", str(package), "--store", str(store)]).exit_code == 0
    out = tmp_path / "from-store"
    result = runner.invoke(app, ["release", str(store), "--out", str(out), "--version", "1.0.0"])
    assert result.exit_code == 0, result.output
    assert "left out as not public" not in result.stderr
    data = (out / "data/mini.nq").read_text(encoding="utf-8")
    assert "We simply have nobody who can program the robot." in data
    assert "SurveyResponse" in data


def test_a_doi_must_be_a_bare_doi_name(tmp_path: Path) -> None:
    mini = Path(__file__).parent / "fixtures" / "build" / "mini"
    out = tmp_path / "out"
    args = ["release", str(mini), "--out", str(out), "--version", "1.0.0", "--doi", "https://doi.org/10.1/x"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "is not a DOI name" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--version", "1.0"], "is not of the form X.Y.Z"),
        (["--version", "1.0.0", "missing-package"], "does not exist"),
    ],
)
def test_bad_calls_exit_2_and_write_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["release", "--out", str(out), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_a_non_empty_out_folder_is_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    mini = Path(__file__).parent / "fixtures" / "build" / "mini"
    result = runner.invoke(app, ["release", str(mini), "--out", str(out), "--version", "1.0.0"])
    assert result.exit_code == 2
    assert "exists and is not empty" in result.stderr
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    forced = runner.invoke(app, ["release", str(mini), "--out", str(out), "--version", "1.0.0", "--force"])
    assert forced.exit_code == 0, forced.output
    assert not (out / "keep.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left behind


def _rapper() -> str:
    found = shutil.which("rapper")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("rapper (Debian package raptor2-utils) is missing in CI; .ci/run installs it")
    if found is None:
        pytest.skip("rapper (raptor2-utils) is not installed")
    return found


@pytest.mark.parametrize(
    ("name", "syntax"),
    [
        ("ontology/icgp.ttl", "turtle"),
        ("ontology/icgp.nt", "ntriples"),
        ("ontology/icgp.owl", "rdfxml"),
        ("data/stuttgart-i40-clusters.ttl", "turtle"),
        ("vocab/i40t.rdf", "rdfxml"),
    ],
)
def test_rapper_counts_the_released_triples(
    sample_releases: tuple[Path, Path], name: str, syntax: str
) -> None:
    rapper = _rapper()
    path = sample_releases[0] / name
    expected = len(
        rdflib.Graph().parse(path, format={"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml"}[syntax])
    )
    result = subprocess.run(
        [rapper, "-i", syntax, "-c", str(path)], capture_output=True, text=True, check=True
    )
    assert f"returned {expected} triples" in result.stderr


def test_a_release_tells_each_file_it_writes(tmp_path: Path) -> None:
    from kg.publish.release import make_release

    told: list[tuple[str, int]] = []
    out = tmp_path / "release"
    report = make_release(MINI, out, "1.0.0", progress=lambda step, files: told.append((step, files)))
    on_disk = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert report.files == on_disk
    assert told == [("reading", 0), *(("writing", n) for n in range(1, len(on_disk) + 1))]
