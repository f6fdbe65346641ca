"""``icgp query run`` tables people read: IRIs as labels or prefixed names, wrapped to the terminal width."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cli_runner import CliRunner
from pyoxigraph import Store

from cli import app
from kg.query.results import Cell, QueryResult, column_widths, render
from kg.query.run import StoreTarget, file_store, labels_of

SAMPLE_ID = "https://w3id.org/icgp/id/stuttgart-i40-clusters/"
NECKAR = SAMPLE_ID + "cluster/neckar-smart-production"
runner = CliRunner()


def icgp(*args: str, columns: int = 200) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": str(columns)})
    return result.exit_code, result.stdout, result.stderr


@dataclass
class CountingTarget:
    """A real store target that also records the queries it answered."""

    store: Store
    description: str = "a counting store"
    queries: list[str] = field(default_factory=list)

    def run(self, text: str, graphs: Sequence[str] = ()) -> QueryResult:
        self.queries.append(text)
        return StoreTarget(self.store).run(text, graphs)


def test_a_table_shows_labels_of_vocabulary_concepts(sample_store_dir: Path) -> None:
    code, out, _ = icgp("query", "run", "technology_adoption_by_technology", "--store", str(sample_store_dir))
    assert code == 0
    # The sample's SME adoptions (technology_adoption_by_technology in tests/test_queries.py).
    assert out.splitlines()[:4] == [
        "technology                         technologyLabel                    "
        "planned  piloting  inUse  abandoned  adopters",
        "---------------------------------  ---------------------------------  "
        "-------  --------  -----  ---------  --------",
        "Sensors and actuators              Sensors and actuators                    "
        "6         3      2          0        11",
        "Real-time monitoring dashboards    Real-time monitoring dashboards          "
        "3         4      3          1        11",
    ]


def test_a_table_shows_labels_of_study_data(sample_store_dir: Path) -> None:
    code, out, _ = icgp(
        "query", "run", "anchors_and_brokers", "--store", str(sample_store_dir), "--limit", "1", columns=300
    )
    assert code == 0
    row = out.splitlines()[2].split("  ")
    cells = [cell.strip() for cell in row if cell.strip()]
    assert cells == [
        "Neckar Smart Production Cluster",
        "Neckar Smart Production Cluster",
        "Anchor",
        "Anchor",
        "Korvelin Drive Systems AG",
        "Korvelin Drive Systems AG",
        "Large enterprise",
        "Industry",
        "29",
        "25",
    ]
    assert "https://" not in out


def test_iris_without_a_label_become_prefixed_names_else_stay_whole(tmp_path: Path) -> None:
    query = tmp_path / "three.rq"
    query.write_text(
        "SELECT ?thing WHERE { VALUES ?thing { <https://w3id.org/icgp/ontology#SME> "
        "<https://w3id.org/icgp/ontology#noSuchTerm> <https://example.org/nothing/here> } }\n",
        encoding="utf-8",
    )
    (tmp_path / "empty.ttl").write_text("", encoding="utf-8")
    code, out, _ = icgp("query", "run", str(query), "--data", str(tmp_path / "empty.ttl"))
    assert code == 0
    assert out == (
        "thing\n"
        "--------------------------------\n"
        "Small or medium-sized enterprise\n"
        "icgp:noSuchTerm\n"
        "https://example.org/nothing/here\n"
        "(3 rows)\n"
    )
    code, out, _ = icgp("query", "run", str(query), "--data", str(tmp_path / "empty.ttl"), "--iris")
    assert out.splitlines()[2:5] == [
        "https://w3id.org/icgp/ontology#SME",
        "https://w3id.org/icgp/ontology#noSuchTerm",
        "https://example.org/nothing/here",
    ]


def test_english_labels_first_then_preferred_labels(tmp_path: Path) -> None:
    data = tmp_path / "labels.ttl"
    data.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://example.org/a> rdfs:label "Deutsch"@de, "English"@en .\n'
        '<https://example.org/b> rdfs:label "plain" ; skos:prefLabel "preferred" .\n'
        '<https://example.org/c> rdfs:label "English"@en ; skos:prefLabel "Français"@fr .\n'
        '<https://example.org/d> rdfs:label "Deutsch"@de .\n'
        '<https://example.org/e> rdfs:label "British"@en-GB, "untagged" .\n',
        encoding="utf-8",
    )
    target = CountingTarget(file_store([data]))
    result = QueryResult(
        ["x", "y"],
        [
            (Cell("uri", f"https://example.org/{name}"), Cell("uri", "https://example.org/a"))
            for name in ("a", "b", "c", "d", "e", "f")
        ]
        + [(Cell("literal", "https://example.org/a"), None)],
    )
    assert labels_of(target, result) == {
        "https://example.org/a": "English",
        "https://example.org/b": "preferred",
        "https://example.org/c": "English",
        "https://example.org/d": "Deutsch",
        "https://example.org/e": "British",
    }
    assert len(target.queries) == 1  # one query for all IRIs, not one per IRI
    assert "VALUES ?iri" in target.queries[0]


def test_the_labels_of_an_answer_come_in_one_query(sample_store: Store) -> None:
    target = CountingTarget(sample_store)
    answer = target.run(
        "SELECT ?cluster ?class WHERE { ?cluster a ?class "
        "VALUES ?class { <https://w3id.org/icgp/ontology#InnovationCluster> } } ORDER BY ?cluster"
    )
    assert len(answer.rows) == 2
    labels = labels_of(target, answer)
    assert len(target.queries) == 2
    assert labels[NECKAR] == "Neckar Smart Production Cluster"
    assert labels["https://w3id.org/icgp/ontology#InnovationCluster"] == "Innovation cluster"


def test_the_table_wraps_to_the_terminal_width(sample_store_dir: Path) -> None:
    for columns in (60, 100):
        code, out, _ = icgp(
            "query", "run", "gp_c1_dominance", "--store", str(sample_store_dir), columns=columns
        )
        assert code == 0
        lines = out.splitlines()
        assert max(len(line) for line in lines) <= columns
        assert lines[-1] == "(2 rows)"
    code, out, _ = icgp(
        "query", "run", "technology_adoption_by_technology", "--store", str(sample_store_dir), columns=80
    )
    # 80 - 12 for the gaps leaves 68. The longest words need 69 (16 for "Interoperability" in both label
    # columns, 37 for the counts), so the two label columns are cut to 15 and the counts stay whole.
    assert out.splitlines()[:7] == [
        "technology       technologyLabel  planned  piloting  inUse  abandoned  adopters",
        "---------------  ---------------  -------  --------  -----  ---------  --------",
        "Sensors and      Sensors and            6         3      2          0        11",
        "actuators        actuators",
        "Real-time        Real-time              3         4      3          1        11",
        "monitoring       monitoring",
        "dashboards       dashboards",
    ]
    assert "Interoperabilit  Interoperabilit        0         0      4          0         4" in out


def test_csv_tsv_and_json_keep_the_iris(sample_store_dir: Path) -> None:
    code, out, _ = icgp(
        "query", "run", "anchors_and_brokers", "--store", str(sample_store_dir), "-f", "csv", "--limit", "1"
    )
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[1][:6] == [
        NECKAR,
        "Neckar Smart Production Cluster",
        "https://w3id.org/icgp/vocab/role/anchor",
        "Anchor",
        SAMPLE_ID + "organisation/org-01",
        "Korvelin Drive Systems AG",
    ]
    _, tsv, _ = icgp("query", "run", "anchors_and_brokers", "--store", str(sample_store_dir), "-f", "tsv")
    assert tsv.splitlines()[1].split("\t")[0] == NECKAR


def test_markdown_shows_labels_and_is_not_wrapped(sample_store_dir: Path) -> None:
    code, out, _ = icgp(
        "query",
        "run",
        "technology_adoption_by_technology",
        "--store",
        str(sample_store_dir),
        "-f",
        "md",
        "--limit",
        "1",
        columns=40,
    )
    assert code == 0
    assert out.splitlines()[2] == "| Sensors and actuators | Sensors and actuators | 6 | 3 | 2 | 0 | 11 |"


def test_render_without_a_width_keeps_lines_whole() -> None:
    result = QueryResult(["name", "n"], [(Cell("literal", "a b c d e f"), Cell("literal", "7", XSD_INT))])
    assert render(result, "table") == "name         n\n-----------  -\na b c d e f  7\n(1 row)\n"
    # 9 - 2 for the gap leaves 7: "n" keeps 1, the text column gets 6 and wraps at a space.
    assert render(result, "table", width=9) == "name    n\n------  -\na b c   7\nd e f\n(1 row)\n"


XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"


@pytest.mark.parametrize(
    ("natural", "minimum", "available", "widths"),
    [
        ([5, 10], [5, 10], 20, [5, 10]),  # fits: unchanged
        # 30 to share: 10 + 4 words, 16 spare shared 12:4 between the wants of 12 and 4.
        ([22, 8], [10, 4], 30, [22, 8]),
        ([22, 8], [10, 4], 26, [19, 7]),  # spare 12 split 9:3
        ([40, 3, 30], [40, 3, 30], 33, [15, 3, 15]),  # words too long: the wide columns cut to 15
        ([4, 4, 4], [4, 4, 4], 2, [1, 1, 1]),  # narrower than the columns: one character each
    ],
)
def test_column_widths(natural: list[int], minimum: list[int], available: int, widths: list[int]) -> None:
    assert column_widths(natural, minimum, available) == widths
