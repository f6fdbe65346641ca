"""Privacy-guard misses found by the hardening run (issue 13, item 5): hidden e-mail addresses, names in
ids and free text, and survey aggregates over too few respondents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_runner import CliRunner
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, parse

from cli import app
from kg.importers.target import pseudonym
from kg.publish.privacy import (
    MIN_CELL_SIZE,
    Finding,
    Policy,
    find_personal_data,
    has_email,
    person_classes,
    strip_private,
)

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "hostile" / "privacy"
MINI = FIXTURES / "build" / "mini"
ID = "https://example.org/id/mini/"
ICGP = "https://w3id.org/icgp/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
HASHED = pseudonym("salt", "jane.doe")  # 16 hex digits, as the survey importer names respondents
UUID = "5f0c6e1a-8d2b-4c3e-9a7f-0123456789ab"
runner = CliRunner()


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def quads_of(name: str) -> list[Quad]:
    with (HOSTILE / name).open("rb") as stream:
        return [Quad(t.subject, t.predicate, t.object) for t in parse(stream, format=RdfFormat.TURTLE)]


def package_with_import(tmp_path: Path, fixture: str) -> Path:
    package = tmp_path / "study"
    shutil.copytree(MINI, package)
    (package / "imports").mkdir()
    shutil.copy(HOSTILE / fixture, package / "imports" / fixture)
    return package


def test_every_hidden_e_mail_address_is_found() -> None:
    found = {(f.resource, f.reason) for f in find_personal_data(quads_of("emails.ttl"), person_classes())}
    assert found == {
        (f"{ID}organisation/acme", "holds an e-mail address"),
        (f"{ID}organisation/beta", "holds an e-mail address"),
        ("mailto:jane.doe@example.com", "is named by an IRI holding an e-mail address"),
        (f"{ID}code/a", "contains an e-mail address"),
        (f"{ID}code/b", "contains an e-mail address"),
        (f"{ID}code/c", "contains an e-mail address"),
        (f"{ID}code/d", "contains an e-mail address"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "available at zenodo.org",
        "we met at the cluster office at 10.30",
        "the robot at station 4 stood idle",
        "P01 and R001 answered; C1 coded it.",
        "at example dot com",  # no local part
    ],
)
def test_prose_with_at_and_dot_is_no_address(text: str) -> None:
    assert not has_email(text)


def test_names_in_ids_and_in_free_text_are_found() -> None:
    coder = f"{ID}coder/jane-doe"
    # sorted by resource, property and value: ".../code/BARRIER" sorts before ".../coder/..."
    assert find_personal_data(quads_of("names.ttl"), person_classes()) == [
        Finding(
            f"{ID}code/BARRIER",
            f"{SKOS}definition",
            "A barrier, as JANE  DOE defined it.",
            "contains the name of a person",
        ),
        Finding(
            f"{ID}code/BARRIER",
            f"{SKOS}example",
            "Jane Doe said the robot stood idle.",
            "contains the name of a person",
        ),
        Finding(
            coder,
            "http://purl.org/dc/terms/identifier",
            "Jane Doe",
            "identifies a person by other than a pseudonym",
        ),
        Finding(coder, RDF_TYPE, coder, "is a person's IRI that does not end in a pseudonym"),
        Finding(
            f"{ID}source/FG9",
            "http://purl.org/dc/terms/title",
            "Interview with Jane Doe",
            "contains the name of a person",
        ),
    ]


def test_pseudonyms_and_undeclared_words_are_not_names() -> None:
    coder, code = NamedNode(f"{ID}coder/C1"), NamedNode(f"{ID}code/X")
    quads = [
        Quad(coder, NamedNode(RDF_TYPE), NamedNode(f"{ICGP}Coder")),
        Quad(coder, NamedNode("http://purl.org/dc/terms/identifier"), Literal("C1")),
        Quad(
            NamedNode(f"{ID}participant/FG1-P03"), NamedNode(RDF_TYPE), NamedNode(f"{ICGP}StudyParticipant")
        ),
        # the survey importer's keyed hash and a UUID are pseudonyms too
        Quad(NamedNode(f"{ID}respondent/{HASHED}"), NamedNode(RDF_TYPE), NamedNode(f"{ICGP}Respondent")),
        Quad(NamedNode(f"{ID}coder/{UUID}"), NamedNode(RDF_TYPE), NamedNode(f"{ICGP}Coder")),
        # "Jane Doe" is declared nowhere as a person's name
        Quad(code, NamedNode(f"{SKOS}example"), Literal("C1 coded what Jane Doe said.")),
    ]
    assert find_personal_data(quads, person_classes()) == []


def test_a_person_as_a_blank_node_is_still_a_person() -> None:
    person = BlankNode("p")
    quads = [
        Quad(person, NamedNode(RDF_TYPE), NamedNode("http://xmlns.com/foaf/0.1/Person")),
        Quad(person, NamedNode("http://xmlns.com/foaf/0.1/name"), Literal("Erika Mustermann")),
    ]
    assert [f.reason for f in find_personal_data(quads, person_classes())] == ["names or reaches a person"]


def test_aggregates_over_fewer_than_five_respondents_are_left_out() -> None:
    assert MIN_CELL_SIZE == 5
    quads = quads_of("small-cells.ttl")
    stripped = strip_private(quads, Policy())
    subjects = {q.subject.value for q in stripped.quads} | {q.object.value for q in stripped.quads}
    assert f"{ID}survey-aggregate/five" in subjects
    for small in ("one", "four", "uncounted"):
        assert f"{ID}survey-aggregate/{small}" not in subjects  # nor the qb:observation link to it
    assert (
        len(stripped.quads) == 1 + 4
    )  # the data set's type and the four statements of the aggregate over five
    assert stripped.small_cells == 3
    assert stripped.notes() == [
        "left out 3 survey aggregate(s) over fewer than 5 respondents (or stating no count): "
        "their means would give away the answers"
    ]
    # Public answers: the aggregates give nothing away that is not published anyway.
    assert strip_private(quads, Policy(public_responses=True)).quads == quads
    # The minimum is the policy's.
    assert strip_private(quads, Policy(min_cell_size=1)).small_cells == 1  # the uncounted one


def test_a_blank_node_quote_is_stripped_with_its_link() -> None:
    segment, quote = NamedNode(f"{ID}segment/s1"), BlankNode("q")
    quads = [
        Quad(quote, NamedNode(RDF_TYPE), NamedNode("http://www.w3.org/ns/oa#TextQuoteSelector")),
        Quad(quote, NamedNode("http://www.w3.org/ns/oa#exact"), Literal("what P01 said")),
        Quad(segment, NamedNode("http://www.w3.org/ns/oa#hasSelector"), quote),
    ]
    assert strip_private(quads, Policy()).quads == []


@pytest.mark.slow
def test_a_release_with_names_in_free_text_is_refused(tmp_path: Path) -> None:
    package = package_with_import(tmp_path, "names.ttl")
    out = tmp_path / "release"
    result = runner.invoke(app, ["release", str(package), "--out", str(out), "--version", "1.0.0"])
    assert result.exit_code == 1
    assert "refusing to release: 3 resource(s)" in result.stderr
    assert "'Interview with Jane Doe': contains the name of a person" in result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_a_release_leaves_out_small_survey_cells(tmp_path: Path) -> None:
    package = package_with_import(tmp_path, "small-cells.ttl")
    out = tmp_path / "release"
    result = runner.invoke(app, ["release", str(package), "--out", str(out), "--version", "1.0.0"])
    assert result.exit_code == 0, result.output
    data = (out / "data" / "mini.nq").read_text(encoding="utf-8")
    assert f"<{ID}survey-aggregate/five>" in data
    for small in ("one", "four", "uncounted"):
        assert f"<{ID}survey-aggregate/{small}>" not in data
