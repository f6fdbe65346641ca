"""Parameter values that used to fail silently (issue 8): concepts named as in the study tables, IRIs
looked up in the data, and text values checked against the values the data holds.

``claim=F3.03`` was refused with a hint that did not work, ``claim=factor:F3.03`` gave 0 rows with exit
0, and ``area=EU27`` (for ``EU27_2020``) or ``size=10_49`` (for ``10-49``) answered nothing without a
word. Each test below fails on that behaviour.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cli_runner import CliRunner
from pyoxigraph import Literal, NamedNode, Quad, Store
from test_query_cli import qfix_store as shared_qfix_store

from cli import app
from kg.build.store import ontology_quads
from kg.build.study import build_package, write_graph
from kg.errors import InputError
from kg.importers.eurostat import import_eurostat
from kg.ontology.concepts import load_concepts
from kg.ontology.namespaces import VOCAB_BASE
from kg.query.catalogue import find_query, parse_query
from kg.query.parameters import near_misses, resolve_bindings
from kg.query.run import StoreTarget, check_values

FIXTURES = Path(__file__).parent / "fixtures"
QFIX = FIXTURES / "queries" / "qfix"
FACTOR = VOCAB_BASE + "factor/"
I40T = VOCAB_BASE + "i40t/"
SKILLS = NamedNode(FACTOR + "skills-shortage")
runner = CliRunner()


def icgp(*args: str) -> Any:
    return runner.invoke(app, list(args))


def refused(query_text: str, name: str = "q") -> str:
    """The message of the InputError that parsing a query text raises."""
    with pytest.raises(InputError) as info:
        parse_query(query_text, name, Path(f"{name}.rq"))
    return str(info.value)


BARE = parse_query("SELECT * WHERE { ?s ?p ?_thing_iri }", "bare")


# -- concepts by notation, slug or label, wherever a parameter names one -----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "F3.03",
        "f3.03",
        "skills-shortage",
        "Skills  SHORTAGE",
        "factor:F3.03",
        "factor:f3.03",
        "factor:skills-shortage",
        "factor:Skills%20shortage",
        FACTOR + "F3.03",
        FACTOR + "skills-shortage",
    ],
)
def test_a_claim_names_a_factor_as_the_study_tables_do(text: str) -> None:
    query = find_query("evidence_chain")
    assert resolve_bindings(query, {"claim": text}) == {"_claim_iri": SKILLS}


def test_a_claim_may_still_be_a_concept_of_another_vocabulary_or_any_iri() -> None:
    query = find_query("evidence_chain")
    assert resolve_bindings(query, {"claim": "i40t:T05"}) == {
        "_claim_iri": NamedNode(I40T + "robotics-and-automation")
    }
    code = "https://w3id.org/icgp/id/stuttgart-i40-clusters/code/BARRIER-SKILLS"
    assert resolve_bindings(query, {"claim": code}) == {"_claim_iri": NamedNode(code)}


def test_a_prefixed_name_in_a_vocabulary_namespace_resolves_within_that_vocabulary() -> None:
    # The parameter has no vocabulary of its own: the prefix says which one.
    for text, iri in [
        ("factor:F3.03", FACTOR + "skills-shortage"),
        ("i40t:T05", I40T + "robotics-and-automation"),
        ("i40t:Machine%20Learning", I40T + "machine-learning"),
        ("nuts:de11", "http://data.europa.eu/nuts/code/DE11"),
    ]:
        assert resolve_bindings(BARE, {"thing": text}) == {"_thing_iri": NamedNode(iri)}
    with pytest.raises(InputError) as info:
        resolve_bindings(BARE, {"thing": "factor:F3.3"})
    assert str(info.value) == (
        "parameter 'thing': 'factor:F3.3' is not a concept of the 'factor' vocabulary; did you mean "
        "'difficult-access-to-finance' (F3.13), 'skills-shortage' (F3.03), 'artificial-intelligence' (F9.03)?"
    )
    # NUTS regions are named by code, as in the tables: a name gets the codes it may mean.
    with pytest.raises(InputError) as info:
        resolve_bindings(BARE, {"thing": "nuts:Stuttgart"})
    assert str(info.value) == (
        "parameter 'thing': 'nuts:Stuttgart' is not a concept of the 'nuts' vocabulary; did you mean "
        "'DE11' (Stuttgart), 'DE111' (Stuttgart, Stadtkreis)?"
    )


def test_the_vocabulary_of_a_parameter_comes_from_the_header_its_default_or_its_name() -> None:
    claim = find_query("evidence_chain").parameter("claim")
    assert claim is not None
    assert (claim.scheme, claim.enumerated, claim.type_label) == (
        "factor",
        False,
        "IRI (factor concept or any IRI)",
    )
    technology = find_query("eurostat_sme_adoption_vs_baseline").parameter("technology")
    assert technology is not None and technology.scheme == "i40t"
    assert resolve_bindings(find_query("eurostat_sme_adoption_vs_baseline"), {"technology": "T05"}) == {
        "_indicator": Literal("E_DI3_GELO"),
        "__technology_iri": NamedNode(I40T + "robotics-and-automation"),
    }
    named = parse_query("SELECT * WHERE { ?s ?p ?_i40t_iri ; ?q ?__adoption_status_iri ; ?r ?_org_iri }", "n")
    assert [(p.name, p.scheme) for p in named.parameters] == [
        ("i40t", "i40t"),
        ("adoption_status", "adoption-status"),
        ("org", None),
    ]
    assert resolve_bindings(named, {"i40t": "t05", "adoption_status": "In use", "org": "urn:x"}) == {
        "_i40t_iri": NamedNode(I40T + "robotics-and-automation"),
        "__adoption_status_iri": NamedNode(VOCAB_BASE + "adoption-status/in-use"),
        "_org_iri": NamedNode("urn:x"),
    }


def test_a_concept_of_the_wrong_vocabulary_gets_suggestions_from_the_right_one() -> None:
    query = find_query("activities_for_barrier_and_technology")
    with pytest.raises(InputError) as info:
        resolve_bindings(query, {"barrier": "i40t:T05"})
    assert str(info.value) == (
        "parameter 'barrier': 'i40t:T05' is a concept of the 'i40t' vocabulary, but this parameter takes a "
        "concept of the 'factor' vocabulary; did you mean 'robotics-and-automation' (F9.05), "
        "'polarisation-and-attraction' (F7.06)?"
    )


def test_a_bare_name_for_a_parameter_without_a_vocabulary_points_at_the_concept() -> None:
    with pytest.raises(InputError) as info:
        resolve_bindings(BARE, {"thing": "F3.03"})
    assert str(info.value) == (
        "parameter 'thing': 'F3.03' is not a valid IRI (it is not an absolute IRI); did you mean "
        "factor:skills-shortage?"
    )
    with pytest.raises(InputError) as info:
        resolve_bindings(find_query("evidence_chain"), {"claim": "T05"})
    assert str(info.value) == (
        "parameter 'claim': 'T05' is not a valid IRI (it is not an absolute IRI); it names no concept of the "
        "'factor' vocabulary either; did you mean i40t:robotics-and-automation?"
    )


# -- hints show only examples that work ------------------------------------------------------------------


def test_the_iri_hint_shows_an_iri_and_a_prefixed_name_that_both_work() -> None:
    with pytest.raises(InputError) as info:
        resolve_bindings(BARE, {"thing": "not an iri"})
    message = str(info.value)
    found = re.fullmatch(
        r"parameter 'thing': 'not an iri' is not a valid IRI \(it contains ' '\); give a full IRI such as "
        r"(\S+) or a prefixed name such as (\S+)",
        message,
    )
    assert found is not None, message
    full, prefixed = found.groups()
    assert load_concepts().scheme_of(full) is not None
    for example in (full, prefixed):
        assert resolve_bindings(BARE, {"thing": example}) == {"_thing_iri": NamedNode(full)}


def test_the_concept_hint_uses_the_default_and_every_name_it_shows_works() -> None:
    query = find_query("evidence_chain")
    with pytest.raises(InputError) as info:
        resolve_bindings(query, {"claim": " "})
    assert str(info.value) == (
        "parameter 'claim' is empty; give the notation, slug or English label of a concept of the 'factor' "
        "vocabulary, such as F7.07, spread-effect, 'Spread effect' ('icgp vocab show factor' lists them), "
        "or any full IRI"
    )
    for name in ("F7.07", "spread-effect", "Spread effect"):
        assert resolve_bindings(query, {"claim": name}) == {"_claim_iri": NamedNode(FACTOR + "spread-effect")}
    technologies = find_query("activities_for_barrier_and_technology")
    with pytest.raises(InputError) as info:
        resolve_bindings(technologies, {"technology": "flurb"})
    assert str(info.value) == (
        "parameter 'technology': 'flurb' is not a concept of the 'i40t' vocabulary; give the notation, slug "
        "or English label of a concept of the 'i40t' vocabulary, such as T03, artificial-intelligence, "
        "'Artificial intelligence' ('icgp vocab show i40t' lists them)"
    )
    for name in ("T03", "artificial-intelligence", "Artificial intelligence"):
        bound = resolve_bindings(technologies, {"technology": name})
        assert bound["_technology_iri"] == NamedNode(I40T + "artificial-intelligence")


def test_a_typed_value_is_told_what_to_give() -> None:
    with pytest.raises(InputError) as info:
        resolve_bindings(find_query("actors_by_ties"), {"min_partners": "2.5"})
    assert str(info.value) == (
        "parameter 'min_partners': '2.5' is not a valid xsd:integer value; give a whole number such as 5"
    )


# -- header keys: schemes and data_values ---------------------------------------------------------------

BODY = "SELECT * WHERE { ?s ?p ?_thing_iri ; ?q ?_area }\n"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "#+ schemes:\n#+   - thing: factr\n",
            "q.rq: '#+ schemes:' gives 'thing' the vocabulary 'factr', which does not exist (did you mean "
            "'factor', 'actor', 'acatech'?); 'icgp vocab list' shows the vocabularies",
        ),
        (
            "#+ schemes:\n#+   - area: factor\n",
            "q.rq: '#+ schemes:' gives a vocabulary to 'area', which is not an IRI parameter; write it as "
            "?_area_iri",
        ),
        (
            "#+ defaults:\n#+   - thing: https://w3id.org/icgp/vocab/i40t/ai\n"
            "#+ schemes:\n#+   - thing: factor\n",
            "q.rq: the default of 'thing' (https://w3id.org/icgp/vocab/i40t/ai) is not a concept of the "
            "'factor' vocabulary that '#+ schemes:' gives it",
        ),
        (
            "#+ enumerate:\n#+   - thing\n",
            "q.rq: enumerated IRI parameter 'thing' needs its vocabulary: give it under '#+ schemes:' "
            "(e.g. '- thing: factor'), a default concept, or a list of values",
        ),
        (
            "#+ enumerate:\n#+   - area\n",
            "q.rq: enumerated parameter 'area' lists no values; list them under '#+ enumerate:', or give a "
            "query for the values found in the data under '#+ data_values:'",
        ),
        (
            "#+ data_values:\n#+   - thing: SELECT ?value WHERE { ?value ?p ?o }\n",
            "q.rq: '#+ data_values:' is for text parameters; 'thing' is an IRI parameter, checked against "
            "the data as it is",
        ),
        (
            "#+ data_values:\n#+   - area: SELECT ?v WHERE { ?s ?p ?v }\n",
            "q.rq: '#+ data_values:' of 'area' must be a SELECT query with a ?value column",
        ),
        (
            "#+ data_values:\n#+   - aera: SELECT ?value WHERE { ?s ?p ?value }\n",
            "q.rq: the header names 'aera', which is not a parameter of the query (did you mean 'area'?); "
            "fix '#+ data_values:' (the query's parameters: thing, area)",
        ),
    ],
)
def test_header_mistakes_in_schemes_and_data_values_name_the_file_and_the_fix(
    header: str, message: str
) -> None:
    assert refused(header + BODY) == message


def test_a_data_values_query_that_is_not_sparql_is_refused() -> None:
    message = refused("#+ data_values:\n#+   - area: SELECT ?value WHERE { ?s ?p }\n" + BODY)
    assert message.startswith("q.rq: '#+ data_values:' of 'area' is not a valid SPARQL query: ")


def test_data_values_queries_get_the_query_prefixes() -> None:
    query = parse_query(
        "#+ data_values:\n#+   - area: SELECT DISTINCT ?value WHERE { ?s ex:area ?value }\n"
        "PREFIX ex: <http://example.org/>\n# a comment\nSELECT ?s WHERE { ?s ex:area ?_area }\n",
        "q",
    )
    area = query.parameter("area")
    assert area is not None and area.enumerated
    assert area.data_values == (
        "PREFIX ex: <http://example.org/>\nSELECT DISTINCT ?value WHERE { ?s ex:area ?value }\n"
    )


# -- near misses ---------------------------------------------------------------------------------------------

AREAS = ["AT", "DE", "EA", "EU27_2020", "FR"]
SIZES = ["10-249", "10-49", "50-249", "GE10", "GE250", "SC2", "SC3", "SC4"]


@pytest.mark.parametrize(
    ("text", "choices", "expected"),
    [
        ("EU27", AREAS, ["EU27_2020"]),
        ("eu27_2020", AREAS, ["EU27_2020"]),
        ("10_49", SIZES, ["10-49"]),
        ("10 49", SIZES, ["10-49"]),
        ("E_DI3_GEL0", ["E_DI3_GELO", "E_DI3_HI", "E_DI4_GELO"], ["E_DI3_GELO", "E_DI4_GELO"]),
        ("cluster support", ["adoption-readiness", "cluster-support"], ["cluster-support"]),
        ("XX", AREAS, []),
        ("2024", ["2021", "2023", "2025"], []),
    ],
)
def test_near_misses(text: str, choices: list[str], expected: list[str]) -> None:
    assert near_misses(text, choices) == expected


# -- checking values against the data before the query runs ------------------------------------------------

CHECKED = parse_query(
    "#+ defaults:\n#+   - area: EU27\n"
    "#+ data_values:\n#+   - area: SELECT DISTINCT ?value WHERE { ?s ex:area ?value }\n"
    "PREFIX ex: <http://example.org/>\n"
    "SELECT ?s WHERE { ?s ex:area ?_area . OPTIONAL { ?s ex:in ?__place_iri } }\n",
    "checked",
)


@pytest.fixture(scope="module")
def little() -> StoreTarget:
    store = Store()
    for subject, area in (("obs1", "EU27_2020"), ("obs2", "DE")):
        store.add(
            Quad(
                NamedNode(f"http://example.org/{subject}"),
                NamedNode("http://example.org/area"),
                Literal(area),
            )
        )
    return StoreTarget(store, "the little store")


def checked(target: StoreTarget, given: dict[str, str]) -> list[str]:
    return check_values(target, CHECKED, resolve_bindings(CHECKED, given), given)


def test_a_near_miss_the_user_gave_is_refused_with_the_value_to_give(little: StoreTarget) -> None:
    with pytest.raises(InputError) as info:
        checked(little, {"area": "EU27"})
    assert str(info.value) == (
        "parameter 'area': 'EU27' does not occur in the data (the little store); did you mean 'EU27_2020'? "
        "(give --param area=EU27_2020)"
    )


def test_values_that_match_nothing_get_warnings(little: StoreTarget) -> None:
    assert checked(little, {}) == [
        "parameter 'area': 'EU27' (the query's default) does not occur in the data (the little store); "
        "did you mean 'EU27_2020'? (give --param area=EU27_2020)"
    ]
    assert checked(little, {"area": "XX", "place": "http://example.org/nowhere"}) == [
        "parameter 'area': 'XX' does not occur in the data (the little store), so nothing will match it; "
        "the values there: DE, EU27_2020",
        "parameter 'place': <http://example.org/nowhere> does not occur in the data (the little store), so "
        "nothing will match it; check the value (or the data queried)",
    ]
    # An IRI counts wherever it occurs: here as a subject.
    assert checked(little, {"area": "DE", "place": "http://example.org/obs1"}) == []
    assert checked(StoreTarget(Store(), "an empty store"), {"area": "DE"}) == [
        "parameter 'area': the data (an empty store) has no values for it, so nothing will match 'DE'"
    ]


# -- the command line ----------------------------------------------------------------------------------


def test_claim_by_notation_or_prefixed_notation_answers_like_the_concept_iri() -> None:
    expected = icgp("query", "run", "evidence_chain", "-p", "claim=factor:skills-shortage", "-f", "csv")
    assert expected.exit_code == 0
    assert len(expected.stdout.splitlines()) > 1
    for text in ("F3.03", "factor:F3.03", "skills shortage"):
        result = icgp("query", "run", "evidence_chain", "-p", f"claim={text}", "-f", "csv")
        assert (result.exit_code, result.stdout, result.stderr) == (0, expected.stdout, "")


@pytest.fixture(scope="module")
def qfix_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_qfix_store(tmp_path_factory)


def test_an_iri_that_occurs_nowhere_gets_a_warning_on_every_kind_of_target(
    qfix_store: Path, tmp_path: Path
) -> None:
    graph = tmp_path / "qfix.ttl"
    write_graph(build_package(QFIX).result.quads, graph, "ttl")
    nowhere = "https://example.org/id/qfix/code/NOWHERE"
    for source, description in [
        (["--package", str(QFIX)], f"the package {QFIX}"),
        (["--store", str(qfix_store)], f"the store at {qfix_store}"),
        (["--data", str(graph)], "the given files"),
        ([], "the bundled sample study"),
    ]:
        result = icgp("query", "run", "evidence_chain", *source, "-p", f"claim={nowhere}", "-f", "csv")
        assert result.exit_code == 0, result.output
        assert result.stderr == (
            f"warning: parameter 'claim': <{nowhere}> does not occur in the data ({description}), so nothing "
            "will match it; check the value (or the data queried)\n"
        )
    found = icgp("query", "run", "evidence_chain", "--package", str(QFIX), "-p", "claim=F3.03", "-f", "csv")
    assert (found.exit_code, found.stderr) == (0, "")
    assert len(found.stdout.splitlines()) > 1


class _AskStub(BaseHTTPRequestHandler):
    """An endpoint that knows no IRI: every ASK is false, every SELECT empty."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        query = self.path
        type(self).seen.append(query)
        if "ASK" in query:
            answer: dict[str, Any] = {"head": {}, "boolean": False}
        else:
            answer = {"head": {"vars": ["label"]}, "results": {"bindings": []}}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def ask_stub() -> Iterator[tuple[str, type[_AskStub]]]:
    handler = type("Handler", (_AskStub,), {"seen": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql", handler
    finally:
        server.shutdown()
        server.server_close()


def test_an_endpoint_is_asked_about_an_iri_before_the_query_runs(
    ask_stub: tuple[str, type[_AskStub]], tmp_path: Path
) -> None:
    url, handler = ask_stub
    query = tmp_path / "label.rq"
    query.write_text(
        "SELECT ?label WHERE { ?_org_iri <http://www.w3.org/2000/01/rdf-schema#label> ?label }\n"
    )
    result = icgp(
        "query", "run", str(query), "--endpoint", url, "-p", "org=https://example.org/org/x", "-f", "csv"
    )
    assert (result.exit_code, result.stdout) == (0, "label\n")
    assert result.stderr == (
        "warning: parameter 'org': <https://example.org/org/x> does not occur in the data "
        f"(the endpoint {url}), so nothing will match it; check the value (or the data queried)\n"
    )
    assert [("query=ASK" in seen, "query=SELECT" in seen) for seen in handler.seen] == [
        (True, False),
        (False, True),
    ]


@pytest.fixture(scope="module")
def eurostat_store(tmp_path_factory: pytest.TempPathFactory, external_data: Path) -> Path:
    """The mini study with Eurostat's digital-intensity table imported, built into an on-disk store."""
    root = tmp_path_factory.mktemp("eurostat")
    study = root / "mini"
    shutil.copytree(FIXTURES / "build" / "mini", study)
    import_eurostat(external_data / "eurostat-ict-enterprises" / "isoc_e_dii.csv", study)
    path = root / "store"
    built = build_package(study)
    # What store_study puts into an empty store, without its staging graphs (costly on disk).
    store = Store(str(path))
    store.bulk_extend([*ontology_quads(), *built.result.quads, *built.result.regions])
    store.flush()
    del store
    return path


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("area=EU27", "parameter 'area': 'EU27' does not occur in the data ({}); did you mean 'EU27_2020'? "
         "(give --param area=EU27_2020)"),
        ("size=10_49", "parameter 'size': '10_49' does not occur in the data ({}); did you mean '10-49'? "
         "(give --param size=10-49)"),
        ("indicator=e_di3_gelo", "parameter 'indicator': 'e_di3_gelo' does not occur in the data ({}); "
         "did you mean 'E_DI3_GELO'? (give --param indicator=E_DI3_GELO)"),
    ],
)  # fmt: skip
def test_a_eurostat_near_miss_exits_2_with_the_code_to_give(
    eurostat_store: Path, param: str, message: str
) -> None:
    result = icgp("query", "run", "eurostat_indicator_by_year", "--store", str(eurostat_store), "-p", param)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: " + message.format(f"the store at {eurostat_store}") + "\n"


def test_eurostat_codes_that_match_answer_and_others_are_named(eurostat_store: Path) -> None:
    # Checked by hand in isoc_e_dii.csv: EU27_2020, 10-49, E_DI3_GELO.
    ok = icgp("query", "run", "eurostat_indicator_by_year", "--store", str(eurostat_store), "-f", "csv")
    assert (ok.exit_code, ok.stderr) == (0, "")
    assert [line.split(",")[:2] for line in ok.stdout.splitlines()[1:]] == [
        ["2021", "51.79"],
        ["2023", "54.78"],
        ["2025", "68.85"],
    ]
    far = icgp(
        "query",
        "run",
        "eurostat_indicator_by_year",
        "--store",
        str(eurostat_store),
        "-p",
        "area=XX",
        "-f",
        "csv",
    )
    assert (far.exit_code, far.stdout) == (0, "year,value,flags,confidentiality,indicatorLabel,dataset\n")
    assert far.stderr == (
        f"warning: parameter 'area': 'XX' does not occur in the data (the store at {eurostat_store}), so "
        "nothing will match it; the values there: AT, BA, BE, BG, CY, CZ, DE, DK, EA, EE, ... (35 in all)\n"
    )


def test_without_eurostat_data_the_defaults_warn_and_the_answer_is_empty() -> None:
    result = icgp("query", "run", "eurostat_indicator_by_year", "-f", "csv")
    assert (result.exit_code, result.stdout) == (
        0,
        "year,value,flags,confidentiality,indicatorLabel,dataset\n",
    )
    assert result.stderr == "".join(
        f"warning: parameter '{name}': the data (the bundled sample study) has no values for it, so nothing "
        f"will match '{value}' (the query's default)\n"
        for name, value in (("indicator", "E_DI3_GELO"), ("size", "10-49"), ("area", "EU27_2020"))
    )


def test_a_survey_construct_near_miss_exits_2() -> None:
    result = icgp("query", "run", "survey_construct_means_by_actor_type", "-p", "construct=Cluster support")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "error: parameter 'construct': 'Cluster support' does not occur in the data (the bundled sample "
        "study); did you mean 'cluster-support'? (give --param construct=cluster-support)\n"
    )


def test_show_says_how_a_claim_may_be_named() -> None:
    result = icgp("query", "show", "evidence_chain")
    assert result.exit_code == 0
    assert (
        "  claim: IRI (factor concept or any IRI), default https://w3id.org/icgp/vocab/factor/spread-effect; "
        "give a concept of https://w3id.org/icgp/vocab/factor by IRI, notation or label ('icgp vocab show "
        "factor' lists them), or any other IRI\n" in result.stdout
    )
