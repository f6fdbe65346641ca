"""``icgp diff``: entity-level changes between two versions, exactly the edits made, as Markdown and RDF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from cli_runner import CliRunner
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from cli import app
from kg.build.serialize import to_rdflib
from kg.ontology.resources import sample_study_dir
from kg.publish.diff import CS, Diff, diff_paths, diff_quads, render_markdown, to_quads

ID = "https://w3id.org/icgp/id/stuttgart-i40-clusters/"
ICGP = "https://w3id.org/icgp/ontology#"
runner = CliRunner()


def edited_sample(target: Path) -> Path:
    """A copy of the sample with three known edits: org-02 employees 1320 -> 1400, interaction ix-002
    removed, activity act-99 added."""
    shutil.copytree(sample_study_dir(), target)
    orgs = target / "organisations.csv"
    text = orgs.read_text(encoding="utf-8")
    assert ",SC4,1320,1954," in text
    orgs.write_text(text.replace(",SC4,1320,1954,", ",SC4,1400,1954,"), encoding="utf-8")
    interactions = target / "interactions.csv"
    lines = interactions.read_text(encoding="utf-8").splitlines(keepends=True)
    interactions.write_text(
        "".join(line for line in lines if not line.startswith("ix-002,")), encoding="utf-8"
    )
    with (target / "activities.csv").open("a", encoding="utf-8") as stream:
        stream.write(
            "act-99,Robot welding clinic,CB01,org-58,neckar-smart-production,"
            "2021-03-01,2021-03-01,T05,,DE111\n"
        )
    return target


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return edited_sample(tmp_path_factory.mktemp("diff") / "edited")


@pytest.fixture(scope="module")
def diff(edited: Path) -> Diff:
    """The sample against its edited copy (both built at the fixed build time), read by several tests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        return diff_paths(sample_study_dir(), edited)


def test_diff_lists_exactly_the_edits(diff: Diff) -> None:
    assert [(e.status, e.key) for e in diff.entities] == [
        ("added", ID + "activity/act-99"),
        ("removed", ID + "interaction/ix-002"),
        ("changed", ID + "organisation/org-02"),
    ]
    changed = diff.by_status("changed")[0]
    assert [
        (c.predicate, [v.text for v in c.removed], [v.text for v in c.added]) for c in changed.changes
    ] == [
        (
            ICGP + "employees",
            ['"1320"^^<http://www.w3.org/2001/XMLSchema#integer>'],
            ['"1400"^^<http://www.w3.org/2001/XMLSchema#integer>'],
        )
    ]
    added = diff.by_status("added")[0]
    assert added.classes == (ICGP + "CapacityBuildingActivity",)
    assert added.label == "Robot welding clinic"
    assert diff.counts()[ICGP + "Interaction"] == {"added": 0, "removed": 1, "changed": 0}


def test_markdown_names_each_edit(diff: Diff) -> None:
    text = render_markdown(diff, title="test")
    assert "1 added, 1 removed, 1 changed" in text
    assert (
        "- `<https://w3id.org/icgp/id/stuttgart-i40-clusters/activity/act-99>` (Robot welding clinic)" in text
    )
    assert '| `icgp:employees` | `"1320"^^<http://www.w3.org/2001/XMLSchema#integer>` |' in text
    assert "| `icgp:Interaction` | 0 | 1 | 0 |" in text


def test_the_rdf_change_set_holds_the_same_edits(diff: Diff) -> None:
    graph = rdflib.Graph()
    for q in to_quads(diff):
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    rows = graph.query(
        f"""SELECT ?subject ?reason (COUNT(?add) AS ?adds) (COUNT(?del) AS ?dels) WHERE {{
              ?cs a <{CS}ChangeSet> ; <{CS}subjectOfChange> ?subject ; <{CS}changeReason> ?reason .
              OPTIONAL {{ ?cs <{CS}addition> ?add }} OPTIONAL {{ ?cs <{CS}removal> ?del }}
            }} GROUP BY ?subject ?reason ORDER BY ?subject"""
    )
    summary = [(str(r[0]).removeprefix(ID), str(r[1]), int(r[2]), int(r[3])) for r in rows]  # type: ignore[index]
    assert [s[:2] for s in summary] == [
        ("activity/act-99", "added"),
        ("interaction/ix-002", "removed"),
        ("organisation/org-02", "changed"),
    ]
    assert summary[2][2:] == (1, 1)


def test_blank_node_labels_do_not_count_as_changes() -> None:
    p = NamedNode("http://x/p")
    old = [Quad(NamedNode("http://x/a"), p, BlankNode("one")), Quad(BlankNode("one"), p, Literal("v"))]
    new = [Quad(NamedNode("http://x/a"), p, BlankNode("two")), Quad(BlankNode("two"), p, Literal("v"))]
    assert diff_quads(old, new).entities == []
    changed = [Quad(NamedNode("http://x/a"), p, BlankNode("two")), Quad(BlankNode("two"), p, Literal("w"))]
    entities = diff_quads(old, changed).entities
    assert [(e.status, e.key) for e in entities] == [("changed", "http://x/a")]


@pytest.mark.slow
def test_cli_exits_0_for_no_change_and_1_for_changes(edited: Path, tmp_path: Path) -> None:
    same = runner.invoke(app, ["diff", str(sample_study_dir()), str(sample_study_dir())])
    assert same.exit_code == 0, same.output
    assert "No entity was added, removed or changed." in same.stdout
    different = runner.invoke(app, ["diff", str(sample_study_dir()), str(edited), "--format", "ttl"])
    assert different.exit_code == 1
    assert "1 added, 1 removed, 1 changed" in different.stderr
    parsed = rdflib.Graph().parse(data=different.stdout, format="turtle")
    assert len(set(parsed.subjects(rdflib.RDF.type, rdflib.URIRef(CS + "ChangeSet")))) == 3


def test_diff_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", str(tmp_path / "nope.txt"), str(sample_study_dir())])
    assert result.exit_code == 2
    assert "is not a release folder, a store folder, a study package or an RDF file" in result.stderr
