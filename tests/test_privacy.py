"""The privacy guard: private quotes and answers stay out, a release that names people is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_runner import CliRunner
from conftest import Release
from pyoxigraph import Literal, NamedNode, Quad

from cli import app
from kg.publish.privacy import Finding, Policy, find_personal_data, strip_private

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "build" / "mini"
runner = CliRunner()


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def package_with_import(tmp_path: Path, fixture: str, public: bool = False) -> Path:
    package = tmp_path / "study"
    shutil.copytree(MINI, package)
    (package / "imports").mkdir()
    shutil.copy(FIXTURES / "release" / fixture, package / "imports" / fixture)
    if public:
        with (package / "datapackage.yaml").open("a", encoding="utf-8") as stream:
            stream.write("public: {quotes: true, responses: true}\n")
    return package


def test_a_study_that_leaks_a_name_and_an_email_is_refused(tmp_path: Path) -> None:
    package = package_with_import(tmp_path, "leak.ttl", public=True)
    out = tmp_path / "release"
    result = runner.invoke(app, ["release", str(package), "--out", str(out), "--version", "1.0.0"])
    assert result.exit_code == 1
    assert "refusing to release: 2 resource(s)" in result.stderr
    assert "<https://example.org/id/mini/participant/P01>" in result.stderr
    assert "<https://example.org/id/mini/respondent/R01>" in result.stderr
    assert "'Erika Mustermann': names or reaches a person" in result.stderr
    assert "schema:email 'r01@example.org': names or reaches a person" in result.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["study"]  # no staging folder left behind


@pytest.mark.slow
def test_a_study_with_pseudonyms_only_is_released(tmp_path: Path) -> None:
    package = package_with_import(tmp_path, "pseudonyms.ttl", public=True)
    out = tmp_path / "release"
    result = runner.invoke(app, ["release", str(package), "--out", str(out), "--version", "1.0.0"])
    assert result.exit_code == 0, result.output
    data = (out / "data" / "mini.nq").read_text(encoding="utf-8")
    assert "Production manager, pseudonym P01" in data
    # public: quotes and answers are in
    assert "We simply have nobody who can program the robot." in data
    assert "<https://w3id.org/icgp/ontology#SurveyResponse>" in data


@pytest.mark.slow
def test_quotes_and_answers_stay_out_unless_the_descriptor_makes_them_public(mini_release: Release) -> None:
    # mini's descriptor makes neither quotes nor answers public; the run's shared release of it, unchanged.
    assert "left out as not public: 1 quote(s), 1 survey answer(s)" in mini_release.stderr
    data = (mini_release.folder / "data" / "mini.nq").read_text(encoding="utf-8")
    assert "We simply have nobody who can program the robot." not in data
    assert "TextQuoteSelector" not in data
    assert "/segment/s1/quote" not in data  # no dangling oa:hasSelector link either
    assert "SurveyResponse" not in data
    assert "<https://example.org/id/mini/segment/s1/position>" in data  # the coding itself stays
    assert "<https://example.org/id/mini/respondent/R01>" in data  # pseudonymous respondents stay


def test_strip_private_removes_resources_and_links() -> None:
    seg, quote = NamedNode("http://x/seg"), NamedNode("http://x/seg/quote")
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    quads = [
        Quad(quote, rdf_type, NamedNode("http://www.w3.org/ns/oa#TextQuoteSelector")),
        Quad(quote, NamedNode("http://www.w3.org/ns/oa#exact"), Literal("said")),
        Quad(seg, NamedNode("http://www.w3.org/ns/oa#hasSelector"), quote),
        Quad(seg, rdf_type, NamedNode("http://www.w3.org/ns/oa#SpecificResource")),
    ]
    stripped = strip_private(quads, Policy(public_quotes=False))
    assert stripped.quads == [quads[3]]
    assert stripped.quotes == 1
    assert strip_private(quads, Policy(public_quotes=True)).quads == quads


def test_find_personal_data_checks_person_classes_and_email_literals() -> None:
    person, org = NamedNode("http://x/p1"), NamedNode("http://x/org")
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    quads = [
        Quad(person, rdf_type, NamedNode("https://w3id.org/icgp/ontology#Coder")),
        Quad(person, label, Literal("Max")),
        Quad(org, label, Literal("Acme")),  # organisations may carry names
        Quad(org, NamedNode("http://xmlns.com/foaf/0.1/homepage"), NamedNode("mailto:info@acme.example")),
    ]
    classes = {"https://w3id.org/icgp/ontology#Coder"}
    assert find_personal_data(quads, classes) == [
        Finding(
            "http://x/org",
            "http://xmlns.com/foaf/0.1/homepage",
            "mailto:info@acme.example",
            "is an e-mail address",
        ),
        Finding(
            "http://x/p1", "http://www.w3.org/2000/01/rdf-schema#label", "Max", "names or reaches a person"
        ),
    ]
