"""``icgp import survey``: exact observations, pseudonyms, Qualtrics and LimeSurvey layouts, errors."""

from __future__ import annotations

import hashlib
import hmac
import shutil
from pathlib import Path

import pytest
import rdflib
from cli_runner import CliRunner
from rdflib import RDF, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from cli import app
from kg.build.study import build_package
from kg.importers.survey import import_survey
from kg.importers.target import SALT_VARIABLE, pseudonym
from kg.ontology.namespaces import ICGP

FIXTURES = Path(__file__).parent / "fixtures"
SURVEY = FIXTURES / "imports" / "survey"
SALT = "fixture-salt-not-secret"
BASE = "https://example.org/id/mini/"
runner = CliRunner()


@pytest.fixture()
def study(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "build" / "mini", target)
    return target


@pytest.fixture(autouse=True)
def salt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SALT_VARIABLE, SALT)


def survey(export: Path, dictionary: Path, study: Path) -> list[str]:
    """The arguments of ``icgp import survey``."""
    return ["import", "survey", str(export), "--dictionary", str(dictionary), "--into", str(study)]


def observations(graph: rdflib.Graph) -> dict[tuple[str, str], int]:
    """(respondent pseudonym, item notation) -> answer."""
    found = {}
    for obs in graph.subjects(RDF.type, URIRef(ICGP.SurveyResponse)):
        person = str(graph.value(obs, URIRef(ICGP.respondent))).rsplit("/", 1)[-1]
        item = graph.value(obs, URIRef(ICGP.surveyItem))
        notation = str(graph.value(item, rdflib.namespace.SKOS.notation))
        found[(person, notation)] = int(graph.value(obs, URIRef(ICGP.likertValue)))
    return found


def test_three_respondents_by_four_items_give_exactly_the_expected_graph(study: Path) -> None:
    result = runner.invoke(
        app,
        survey(SURVEY / "qualtrics.csv", SURVEY / "dictionary.yaml", study),
    )
    assert result.exit_code == 0, result.output
    assert "  respondents: 3\n  items: 4\n  observations: 12\n  missing answers: 0\n  aggregates: 8\n" in (
        result.stdout
    )
    assert "skipped 2 extra header row(s) (Qualtrics layout)" in result.stderr
    actual = rdflib.Graph().parse(study / "imports" / "survey-qualtrics.ttl")
    expected = rdflib.Graph().parse(SURVEY / "qualtrics.expected.ttl")
    if not isomorphic(actual, expected):
        _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        pytest.fail(f"missing: {sorted(missing)[:5]}\nextra: {sorted(extra)[:5]}")
    assert len(actual) == 186
    ids = {
        "R_1a2B3c4D5e6F7g8": (4, 5, 3, 2),
        "R_2h9I0j1K2l3M4n5": (2, 4, 3, 5),
        "R_3o6P7q8R9s0T1u2": (5, 5, 1, 4),
    }
    expected_answers = {
        (pseudonym(SALT, rid), item): value
        for rid, values in ids.items()
        for item, value in zip(("Q1_1", "Q1_2", "Q1_3", "Q2"), values, strict=True)
    }
    assert observations(actual) == expected_answers


def test_pseudonyms_are_salted_stable_and_hide_the_ids(study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alias = hmac.new(SALT.encode(), b"R_1a2B3c4D5e6F7g8", hashlib.sha256).hexdigest()[:16]
    assert pseudonym(SALT, "R_1a2B3c4D5e6F7g8") == alias == "93ada52be6e9b102"
    first = import_survey(SURVEY / "qualtrics.csv", SURVEY / "dictionary.yaml", study).path.read_bytes()
    second = import_survey(SURVEY / "qualtrics.csv", SURVEY / "dictionary.yaml", study).path.read_bytes()
    assert first == second
    text = first.decode("utf-8")
    assert "R_1a2B3c4D5e6F7g8" not in text and SALT not in text
    other = import_survey(
        SURVEY / "qualtrics.csv", SURVEY / "dictionary.yaml", study, salt="another-secret-salt"
    )
    assert alias not in other.path.read_text(encoding="utf-8")
    monkeypatch.delenv(SALT_VARIABLE)
    result = runner.invoke(
        app,
        survey(SURVEY / "qualtrics.csv", SURVEY / "dictionary.yaml", study),
    )
    assert result.exit_code == 2
    assert f"set the environment variable {SALT_VARIABLE}" in result.stderr


def test_limesurvey_codes_missing_answers_and_a_csv_dictionary(study: Path) -> None:
    result = import_survey(SURVEY / "limesurvey.csv", SURVEY / "limesurvey-dictionary.csv", study)
    # 3 respondents x 3 items, less one empty cell and one declared missing code (N/A): never zero.
    assert result.counts == {
        "respondents": 3,
        "items": 3,
        "observations": 7,
        "missing answers": 2,
        "aggregates": 6,
    }
    g = rdflib.Graph().parse(result.path)
    a, b, c = (pseudonym(SALT, rid) for rid in ("1001", "1002", "1003"))
    assert observations(g) == {
        (a, "Q1[SQ001]"): 4,
        (a, "Q1[SQ002]"): 5,
        (a, "Q2"): 3,
        (b, "Q1[SQ001]"): 2,
        (c, "Q1[SQ001]"): 1,
        (c, "Q1[SQ002]"): 3,
        (c, "Q2"): 5,
    }
    aggregate = URIRef(BASE + "survey-aggregate/limesurvey/small-enterprise/Q1-SQ001")
    assert g.value(aggregate, URIRef(ICGP.meanValue)).toPython() == pytest.approx(3.0)
    assert g.value(aggregate, URIRef(ICGP.responseCount)).toPython() == 2
    rto = URIRef(BASE + "respondent/" + c)
    assert g.value(rto, URIRef(ICGP.actorType)) == URIRef(
        "https://w3id.org/icgp/vocab/actor/research-technology-organisation"
    )
    assert build_package(study).result.triples > 0


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("7", "limesurvey.csv:2:Q2: '7' is not an answer on the scale 1-5 or one of its codes"),
        ("A9", "limesurvey.csv:2:Q2: 'A9' is not an answer on the scale 1-5"),
    ],
)
def test_answers_off_the_scale_are_refused_with_their_place(
    study: Path, tmp_path: Path, cell: str, message: str
) -> None:
    export = tmp_path / "limesurvey.csv"
    text = (SURVEY / "limesurvey.csv").read_text(encoding="utf-8")
    export.write_text(text.replace("A5,A3\n", f"A5,{cell}\n", 1), encoding="utf-8")
    result = runner.invoke(
        app,
        survey(export, SURVEY / "limesurvey-dictionary.csv", study),
    )
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (study / "imports").exists()


def test_unknown_actor_types_and_columns_are_named(study: Path, tmp_path: Path) -> None:
    dictionary = tmp_path / "dictionary.yaml"
    text = (SURVEY / "dictionary.yaml").read_text(encoding="utf-8")
    dictionary.write_text(text.replace("3: higher-education-institution", "3: universty"), encoding="utf-8")
    result = runner.invoke(
        app,
        survey(SURVEY / "qualtrics.csv", dictionary, study),
    )
    assert result.exit_code == 2
    assert (
        "qualtrics.csv:6:Q_type: '3' (which actor_types maps to 'universty') is not an actor type"
        in result.stderr
    )
    dictionary.write_text(text.replace("Q1_3:", "Q1_33:"), encoding="utf-8")
    result = runner.invoke(
        app,
        survey(SURVEY / "qualtrics.csv", dictionary, study),
    )
    assert result.exit_code == 2
    assert "the dictionary names columns the export does not have: 'Q1_33' (did you mean 'Q1_3'?)" in (
        result.stderr
    )
