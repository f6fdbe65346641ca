"""`icgp vocab list|show` and the contributor guide: the allowed values of every coded column."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runner import CliRunner

from cli import app
from kg.package.scaffold import init_package
from kg.package.schemas import load_schemas

runner = CliRunner()


def test_vocab_list_names_each_scheme_with_its_size_and_title() -> None:
    result = runner.invoke(app, ["vocab", "list", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "scheme,concepts,title"
    assert "polarity,3,Factor polarities" in lines
    assert "size,4,Enterprise size classes" in lines
    assert "verdict,4,Growth-pole verdicts" in lines
    # every scheme a table schema names is listed
    listed = {line.split(",")[0] for line in lines[1:]}
    used = {spec.scheme for schema in load_schemas().values() for spec in schema.fields if spec.scheme}
    assert used <= listed


def test_vocab_show_lists_slug_notation_label_and_broader_in_notation_order() -> None:
    result = runner.invoke(app, ["vocab", "show", "polarity", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "slug,notation,label,broader\nenabler,PO1,Enabler,\nbarrier,PO2,Barrier,\nneutral,PO3,Neutral,\n"
    )


def test_vocab_show_table_is_aligned() -> None:
    result = runner.invoke(app, ["vocab", "show", "polarity"])
    assert result.stdout.splitlines() == [
        "slug     notation  label    broader",
        "enabler  PO1       Enabler",
        "barrier  PO2       Barrier",
        "neutral  PO3       Neutral",
    ]


def test_vocab_show_gives_broader_concepts_as_slugs() -> None:
    result = runner.invoke(app, ["vocab", "show", "i40t", "--format", "json"])
    rows = json.loads(result.stdout)
    assert len(rows) == 62
    assert rows[0] == {
        "slug": "connectivity-and-industrial-iot",
        "notation": "T01",
        "label": "Connectivity and industrial IoT",
        "broader": "",
    }
    assert rows[1]["broader"] == "connectivity-and-industrial-iot"


def test_an_unknown_vocabulary_gets_suggestions_and_exit_2() -> None:
    result = runner.invoke(app, ["vocab", "show", "actr"])
    assert result.exit_code == 2
    assert "no vocabulary named 'actr'; did you mean actor, factor" in result.output
    assert "Traceback" not in result.output


def test_the_contributor_guide_lists_every_column_and_the_allowed_values(tmp_path: Path) -> None:
    init_package(tmp_path / "study")
    guide = (tmp_path / "study" / "README.md").read_text(encoding="utf-8")
    # The guide stands alone: an installed wheel has no docs/ folder to point to.
    assert "docs/study-package.md" not in guide
    for schema in load_schemas().values():
        section = guide.split(f"### `{schema.file_name}`", 1)[1].split("###", 1)[0]
        for spec in schema.fields:
            assert f"| `{spec.name}` |" in section, (schema.name, spec.name)
    role = "| `role` |  | The organisation's role in the cluster; empty means member. | one of `role`: "
    assert role + "`member`, `anchor`, `propulsive-actor`, `broker` |" in guide
    assert "| `cluster` | yes | The cluster. | the `id` of a row of `clusters.csv` |" in guide
    assert "a concept of `nuts` (2087: `icgp vocab show nuts`)" in guide
