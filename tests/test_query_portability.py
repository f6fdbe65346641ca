"""The same answers on three SPARQL stores: every saved query, the assessment's queries and the quality
rules, run on the embedded store, a real ``oxigraph serve`` and a real OpenLink Virtuoso.

Each server starts with an empty database and gets the sample study published to it with the ontology
and every vocabulary, as ``icgp publish`` sends them (Virtuoso through its authenticated Graph Store
endpoint with Digest credentials): ``oxigraph serve`` once per module and worker, Virtuoso once per
test run, shared by every xdist worker (the ``virtuoso_server`` fixture in ``conftest.py``). Each query
then runs on the three targets and the answers must be equal, compared as follows:

- **rows as a multiset**: the order is not compared (the embedded tests pin it; stores order ties and
  mixed types differently), but a row that comes back twice, or not at all, is a difference, whether
  or not the query says DISTINCT;
- **IRIs and strings exactly** (with their language tag); a blank node only as "a blank node", since
  each store names them its own way;
- **numbers as decimals rounded to 6 places**, whatever their datatype: ``2`` (integer), ``2.0``
  (decimal) and ``2.0E0`` (double) are the same answer, ``0`` for ``1/3`` is not;
- **booleans as the numbers 1 and 0**, since Virtuoso gives a boolean expression as the integer
  ``1`` or ``0``;
- other typed literals (dates) by lexical form and datatype;
- a column joined with ``GROUP_CONCAT`` (the evidence lists, the Eurostat flags) as the multiset of
  its items, since the order of the items is the order the store met them in.

The cases: every saved query as ``icgp query run`` sends it (ORDER BY included) with its defaults, and
again with a half-year period and NUTS level 3 where it takes them; the queries ``icgp assess`` reads,
as it sends them (without ORDER BY), over the studies' periods and over the half-year; every quality
rule over the published sample's graphs (named, as ``--graph`` sends them) and over its own defect
fixture, put in a graph of its own for that one test and named by ``default-graph-uri``. Findings are
compared as sets, as ``icgp ontology check`` reports them.

A case with no rows on the embedded store fails unless :data:`EMPTY_ON_THE_SAMPLE` says why the sample
has none, so that no comparison is of empty with empty by accident. The cases where Virtuoso still
differs are expected failures (:data:`VIRTUOSO_DIFFERS`, :data:`VIRTUOSO_HANGS`); ``oxigraph serve``
must agree everywhere.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from cli_runner import CliRunner
from pyoxigraph import Store
from test_endpoint import free_port, oxigraph_binary
from virtuoso import PASSWORD, USER, reading, run_folder, writing

from cli import app
from kg.assess.evidence import ASSESSMENT_QUERIES
from kg.assess.model import load_model
from kg.build.study import BuiltStudy
from kg.errors import IcgpError
from kg.ontology import quality
from kg.ontology.resources import sample_study_dir
from kg.publish.graph_store import send_graph
from kg.query.catalogue import catalogue, find_query
from kg.query.parameters import prepare
from kg.query.results import Cell, QueryResult
from kg.query.run import EndpointTarget, StoreTarget, Target
from kg.query.sparql_text import without_order

runner = CliRunner()
XSD = "http://www.w3.org/2001/XMLSchema#"
PLACES = Decimal("0.000001")
NUMERIC = {
    XSD + t
    for t in (
        "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
        "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    )
}  # fmt: skip
STUDY_GRAPH = "https://w3id.org/icgp/id/stuttgart-i40-clusters/graph"
# The second parameter set: a half-year period, and NUTS 3 for the queries with a level.
HALF_YEAR = {"from": "2021-01-01", "to": "2021-06-30"}
LEVEL_3 = {"level": "3"}
QC_FIXTURES = Path(__file__).parent / "fixtures" / "qc"
# Saved queries with no rows on the sample study, and why: their comparison shows only that every store
# agrees there is nothing (the other parameter set, or the fixture tests, cover their logic).
EMPTY_ON_THE_SAMPLE: dict[str, str] = {
    "assessment_evidence": "the sample stores no assessment (icgp assess --store writes one)",
    "assessment_history": "the sample stores no assessment",
    "assessments_by_cluster": "the sample stores no assessment",
    "eurostat_indicator_by_year": "the sample's Eurostat rows are for Germany, the default area is EU27",
    "organisations_in_bounding_box": "the sample has no coordinates (test_places.py checks its exact rows)",
    "assess:assessment/roadmap_barriers[from=2021-01-01][to=2021-06-30]": "no SME passage was collected then",
}


# -- comparing answers ----------------------------------------------------------------------------


def concatenated_columns(text: str) -> dict[str, str]:
    """The columns a query joins with ``GROUP_CONCAT``, with their separators (the evidence lists are
    also built from such columns with CONCAT, and are named ``evidence``)."""
    found = {
        match.group(2): match.group(1)
        for match in re.finditer(
            r'GROUP_CONCAT\(.*?separator\s*=\s*"([^"]*)"\s*\)\s+AS\s+\?(\w+)', text, re.I | re.S
        )
    }
    found.setdefault("evidence", " ")
    return found


def canonical(cell: Cell | None, separator: str | None = None) -> object:
    """A cell as it is compared across stores (see the module docstring)."""
    if cell is None:
        return None
    if cell.kind == "bnode":
        return ("bnode",)
    if cell.kind == "uri":
        return ("uri", cell.value)
    if separator is not None and cell.datatype is None and cell.language is None:
        items = [item for item in cell.value.split(separator) if item] if separator.strip() else []
        if not separator.strip():
            items = cell.value.split()
        return ("items", tuple(sorted(items)))
    if cell.datatype == XSD + "boolean":
        return ("number", Decimal(1 if cell.value in ("true", "1") else 0))
    if cell.datatype in NUMERIC:
        try:
            value = Decimal(cell.value)
        except InvalidOperation:
            return ("literal", cell.value, cell.datatype)
        if value.is_finite():
            return ("number", value.quantize(PLACES, rounding=ROUND_HALF_EVEN) + 0)
    return ("literal", cell.value, cell.datatype, cell.language)


def comparable(result: QueryResult, text: str) -> object:
    """An answer as it is compared: ASK as its boolean, SELECT as its variables and multiset of rows."""
    if result.boolean is not None:
        return result.boolean
    lists = concatenated_columns(text)
    rows = Counter(
        tuple(canonical(cell, lists.get(name)) for name, cell in zip(result.variables, row, strict=True))
        for row in result.rows
    )
    return (tuple(result.variables), rows)


def differences(expected: object, got: object, limit: int = 6) -> str:
    """What differs between two comparable answers, shortly."""
    if not isinstance(expected, tuple) or not isinstance(got, tuple):
        return f"expected {expected!r}, got {got!r}"
    if expected[0] != got[0]:
        return f"columns {expected[0]} != {got[0]}"
    missing = list((expected[1] - got[1]).elements())
    extra = list((got[1] - expected[1]).elements())
    return (
        f"{len(missing)} rows missing, {len(extra)} extra; "
        f"missing {missing[:limit]!r}; extra {extra[:limit]!r}"
    )


# -- the three targets ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory, sample_built: BuiltStudy) -> Iterator[str]:
    """``oxigraph serve`` (union default graph) with the sample published to it; yields the query URL."""
    location = tmp_path_factory.mktemp("oxigraph-portability")
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail("the oxigraph server stopped at start")
            try:
                with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail("the oxigraph server did not answer within 30 s")
            time.sleep(0.1)
        publish(f"{base}/store")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def reading_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Held by a test that reads the shared Virtuoso's union default graph (see ``virtuoso.reading``)."""
    with reading(run_folder(tmp_path_factory)):
        yield


def publish(endpoint: str) -> None:
    """The sample study, the ontology and every vocabulary, published as ``icgp publish`` does, at the
    build time the ``sample_store`` fixture was built with (so that the build's own triples agree)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        result = runner.invoke(app, ["publish", str(sample_study_dir()), "--endpoint", endpoint])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def targets(sample_store: Store, oxigraph_server: str, virtuoso_server: str) -> dict[str, Target]:
    """The three targets by name: the embedded store and the two servers' query endpoints."""
    return {
        "embedded": StoreTarget(sample_store),
        "oxigraph serve": EndpointTarget(f"{oxigraph_server}/query", timeout=120),
        "virtuoso": EndpointTarget(f"{virtuoso_server}/sparql", timeout=120),
    }


def assert_same_everywhere(
    targets: dict[str, Target],
    text: str,
    compare: Callable[[QueryResult, str], object] | None = None,
    graphs: Sequence[str] = (),
) -> QueryResult:
    """Run ``text`` on every target (over ``graphs`` and the vocabularies when given, as ``--graph``
    does); fail naming each target whose answer differs from the embedded one (compared with
    ``compare``, by default :func:`comparable`). Returns the embedded answer."""
    compare = compare or comparable
    expected_result = targets["embedded"].run(text, graphs)
    expected = compare(expected_result, text)
    failures: list[str] = []
    for name, target in targets.items():
        if name == "embedded":
            continue
        try:
            got = compare(target.run(text, graphs), text)
        except IcgpError as exc:  # the store refused the query or timed out: the message says why
            failures.append(f"{name}: {exc}")
            continue
        if got != expected:
            failures.append(f"{name}: {differences(expected, got)}")
    raise_failures(failures)
    return expected_result


class VirtuosoDiffersError(AssertionError):
    """Only Virtuoso's answer differs: the one failure a known deviation is allowed (``xfail(raises=)``)."""


def raise_failures(failures: list[str]) -> None:
    """Fail with every store's difference; as :class:`VirtuosoDiffersError` when Virtuoso alone differs."""
    if failures and all(f.startswith("virtuoso:") for f in failures):
        raise VirtuosoDiffersError("\n".join(failures))
    assert not failures, "\n".join(failures)


# -- the cases ------------------------------------------------------------------------------------

# Cases whose answer on Virtuoso still differs, with the store's error or the rows that differ.
# queries/README.md ("Store deviations") says what Virtuoso does. The marks are not strict: some of
# Virtuoso's wrong answers come and go between runs (with the plan it picks), so a case that passes shows
# as XPASS in the summary (-rX).
VIRTUOSO_DIFFERS: dict[str, str] = {
    # Not the query: Virtuoso stores an xsd:duration as a number, so "P2Y" comes back as 24.
    "qcfix:non_owl2_datatype": "the xsd:duration finding's value is 24 on Virtuoso, P2Y as loaded",
}
# Cases that Virtuoso 7.2 does not answer (no CPU used, the server's thread stays taken, and after a few
# such queries the server answers nothing more), so they are not sent.
VIRTUOSO_HANGS: dict[str, str] = {}


def catalogue_cases() -> list[tuple[str, dict[str, str]]]:
    """Every saved query with its defaults, and again with a half-year period and NUTS level 3 where it
    takes them."""
    cases: list[tuple[str, dict[str, str]]] = []
    for name, query in sorted(catalogue().items()):
        cases.append((name, {}))
        second: dict[str, str] = {}
        if query.parameter("from") is not None:
            second.update(HALF_YEAR)
        if query.parameter("level") is not None:
            second.update(LEVEL_3)
        if second:
            cases.append((name, second))
    return cases


def assessment_cases() -> list[tuple[str, dict[str, str]]]:
    """The queries ``icgp assess`` reads (the model's indicators and its own), over the studies' periods
    and over a half-year, given only to the queries that take a period (as the assessment does)."""
    names = sorted({*load_model().queries(), *ASSESSMENT_QUERIES})
    cases: list[tuple[str, dict[str, str]]] = []
    for name in names:
        cases.append((name, {}))
        if find_query(name).parameter("from") is not None:
            cases.append((name, dict(HALF_YEAR)))
    return cases


def case_id(case: tuple[str, dict[str, str]]) -> str:
    """A case's test id: the query's name and the parameters given."""
    name, given = case
    return name + "".join(f"[{k}={v}]" for k, v in sorted(given.items()))


def marked(cases: list[tuple[str, dict[str, str]]], prefix: str = "") -> list[Any]:
    """The cases as pytest parameters, the known Virtuoso deviations marked."""
    params = []
    for case in cases:
        params.append(pytest.param(case, id=case_id(case), marks=virtuoso_marks(prefix + case_id(case))))
    return params


def virtuoso_marks(key: str) -> list[pytest.MarkDecorator]:
    """The xfail mark of a case listed in :data:`VIRTUOSO_HANGS` or :data:`VIRTUOSO_DIFFERS`."""
    if key in VIRTUOSO_HANGS:
        return [pytest.mark.xfail(reason="Virtuoso hangs: " + VIRTUOSO_HANGS[key], run=False)]
    if key in VIRTUOSO_DIFFERS:
        reason = "Virtuoso differs: " + VIRTUOSO_DIFFERS[key]
        return [pytest.mark.xfail(reason=reason, raises=VirtuosoDiffersError, strict=False)]
    return []


def assert_rows_unless_known_empty(answer: QueryResult, key: str) -> None:
    """A comparison of empty with empty proves little: every case has rows unless listed as empty."""
    if key in EMPTY_ON_THE_SAMPLE:
        assert not answer.rows, f"{key} has rows on the sample now: take it off EMPTY_ON_THE_SAMPLE"
    else:
        assert answer.rows, f"{key} has no rows on the sample, so its comparison proves little"


@pytest.mark.slow
@pytest.mark.parametrize("case", marked(catalogue_cases()))
def test_a_saved_query_gives_the_same_answer_on_every_store(
    targets: dict[str, Target], reading_virtuoso: None, case: tuple[str, dict[str, str]]
) -> None:
    name, given = case
    # As ``icgp query run NAME --param ...`` sends it, ORDER BY included.
    answer = assert_same_everywhere(targets, prepare(find_query(name), given))
    assert_rows_unless_known_empty(answer, case_id(case))


@pytest.mark.slow
@pytest.mark.parametrize("case", marked(assessment_cases(), "assess:"))
def test_an_assessment_query_gives_the_same_answer_on_every_store(
    targets: dict[str, Target], reading_virtuoso: None, case: tuple[str, dict[str, str]]
) -> None:
    name, given = case
    # As kg.assess.evidence.run_query sends it: the answer is read as a set, so without ORDER BY.
    answer = assert_same_everywhere(targets, without_order(prepare(find_query(name), given)))
    assert_rows_unless_known_empty(answer, "assess:" + case_id(case))


RULES = {rule.name: rule for rule in quality.load_rules()}
# Quality rules with findings on the published sample (ontology, vocabularies and study together).
RULES_WITH_FINDINGS_ON_THE_SAMPLE = {"undeclared_term"}


def findings(result: QueryResult, text: str) -> object:
    """A rule's answer as its columns and the set of findings it reports (``icgp ontology check`` drops
    repeats)."""
    answer = comparable(result, text)
    assert isinstance(answer, tuple)
    return (answer[0], Counter(set(answer[1])))


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(n, marks=virtuoso_marks("qc:" + n)) for n in sorted(RULES)])
def test_a_quality_rule_finds_the_same_on_the_published_sample(
    targets: dict[str, Target], reading_virtuoso: None, name: str
) -> None:
    # With the graphs named, as `icgp query run --graph` sends them: Virtuoso's default graph also holds
    # its own system graphs, whose terms the rules would report (queries/README.md, Store deviations).
    answer = assert_same_everywhere(targets, RULES[name].query, findings, [STUDY_GRAPH])
    assert bool(answer.rows) == (name in RULES_WITH_FINDINGS_ON_THE_SAMPLE)


def over_graph(url: str, text: str, graph: str) -> QueryResult:
    """Ask ``text`` of the endpoint with ``graph`` alone as the default graph, by the protocol's
    ``default-graph-uri`` (``oxigraph serve --union-default-graph`` ignores a query's FROM clause)."""
    body = urllib.parse.urlencode({"query": text, "default-graph-uri": graph}).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Accept": "application/sparql-results+json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        return QueryResult.from_json(json.load(answer))


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(n, marks=virtuoso_marks("qcfix:" + n)) for n in sorted(RULES)])
def test_a_quality_rule_finds_the_same_defects_on_every_store(
    oxigraph_server: str, virtuoso_server: str, tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    # The rule's defect fixture goes to a graph of its own on each server, for this test only: the
    # saved queries, which read the union of all graphs, must never see it.
    store = quality.load_store([QC_FIXTURES / f"{name}.ttl"])
    triples = [quad.triple for quad in store]
    text = RULES[name].query
    expected = findings(StoreTarget(store).run(text), text)
    assert expected, f"the fixture of {name} has no findings"
    graph = f"urn:icgp:test:qc:{name}"
    servers = {
        "oxigraph serve": (f"{oxigraph_server}/store", f"{oxigraph_server}/query"),
        "virtuoso": (f"{virtuoso_server}/sparql-graph-crud-auth", f"{virtuoso_server}/sparql"),
    }
    # The Virtuoso is shared with the other workers' tests: none reads it until the graph is gone again.
    with writing(run_folder(tmp_path_factory)), pytest.MonkeyPatch.context() as patch:
        patch.setenv("ICGP_ENDPOINT_USER", USER)  # Virtuoso's writes; Oxigraph ignores them
        patch.setenv("ICGP_ENDPOINT_PASSWORD", PASSWORD)
        for store_url, _ in servers.values():
            send_graph(store_url, graph, triples, replace=True, timeout=60)
        try:
            failures: list[str] = []
            for label, (_, query_url) in servers.items():
                try:
                    got = findings(over_graph(query_url, text, graph), text)
                except urllib.error.HTTPError as exc:
                    answer = exc.read().decode("utf-8", "replace")[:300]
                    failures.append(f"{label}: HTTP {exc.code}: {answer}")
                    continue
                if got != expected:
                    failures.append(f"{label}: {differences(expected, got)}")
        finally:
            for store_url, _ in servers.values():
                send_graph(store_url, graph, [], replace=True, timeout=60)
    raise_failures(failures)


# -- ASK on Virtuoso ------------------------------------------------------------------------------


def test_virtuoso_answers_ask_as_a_boolean(targets: dict[str, Target], reading_virtuoso: None) -> None:
    # Regression: Virtuoso answers ASK in JSON as a one-column table (one row of 1, or none), which was
    # read as a table with no boolean, so every ASK counted as false.
    org = "https://w3id.org/icgp/id/stuttgart-i40-clusters/organisation/org-60"
    for name, target in targets.items():
        assert target.run(f"ASK {{ <{org}> ?p ?o }}").boolean is True, name
        assert target.run("ASK { <urn:icgp:test:nothing> ?p ?o }").boolean is False, name


def test_a_parameter_value_found_on_virtuoso_gives_no_warning(
    virtuoso_server: str, reading_virtuoso: None
) -> None:
    # The check that a parameter's IRI occurs in the data is an ASK: before the fix it warned that every
    # value "does not occur" on Virtuoso.
    result = runner.invoke(
        app,
        ["query", "run", "evidence_chain", "--endpoint", f"{virtuoso_server}/sparql", "-p", "claim=F3.03",
         "-f", "csv"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "does not occur" not in result.stderr


def test_virtuoso_json_for_ask_reads_as_its_boolean() -> None:
    table = {"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": []}}
    true_row = {"__ASK_RETVAL": {"type": "typed-literal", "datatype": XSD + "integer", "value": "1"}}
    assert QueryResult.from_json(table, ask=True).boolean is False
    assert QueryResult.from_json({**table, "results": {"bindings": [true_row]}}, ask=True).boolean is True
    assert QueryResult.from_json({"head": {}, "boolean": False}, ask=True).boolean is False
    assert QueryResult.from_json({"head": {}, "boolean": "true"}).boolean is True
    # A SELECT answer stays a table.
    assert QueryResult.from_json(table).boolean is None


# -- sorting on the client ------------------------------------------------------------------------


def test_a_query_virtuoso_cannot_sort_runs_from_the_cli_in_the_querys_order(
    virtuoso_server: str, reading_virtuoso: None, sample_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    # Regression: gp_c1's evidence lists are longer than Virtuoso can sort (SR319), so the command failed.
    # Now the rows come unordered and are sorted on the client, in the order the embedded store gives.
    command = ["query", "run", "gp_c1_dominance", "-f", "csv"]
    result = runner.invoke(app, [*command, "--endpoint", f"{virtuoso_server}/sparql"])
    assert result.exit_code == 0, result.output
    assert "SR319" in caplog.text and "sorted on the client" in caplog.text
    embedded = StoreTarget(sample_store).run(prepare(find_query("gp_c1_dominance"), {}))
    clusters = [line.split(",", 1)[0] for line in result.stdout.splitlines()[1:]]
    assert clusters == [row[0].value for row in embedded.rows if row[0] is not None]
    assert len(clusters) == 2
