"""`icgp init`: a new study package whose example rows pass the table checks."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from cli_runner import CliRunner

from cli import app
from kg.errors import InputError
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.package.scaffold import init_package
from kg.package.schemas import load_schemas
from kg.package.table_checks import check_path

PACKAGES = Path(__file__).parent / "fixtures" / "packages"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "study-package.md"


def test_init_writes_descriptor_tables_and_guide(tmp_path: Path) -> None:
    target = tmp_path / "Rhine Neckar I40"
    written = init_package(target)
    schemas = load_schemas()
    names = ["datapackage.yaml", "README.md", *(f"{table}.csv" for table in schemas)]
    assert [path.name for path in written] == names
    assert sorted(path.name for path in target.iterdir()) == sorted(names)
    for table, schema in schemas.items():
        with (target / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == list(schema.field_names)
        assert len(rows) == (3 if table == "organisations" else 2)
    guide = (target / "README.md").read_text(encoding="utf-8")
    for table in schemas:
        assert f"`{table}.csv`" in guide
    assert "icgp validate" in guide


@pytest.mark.parametrize("vocabularies", ["fixture", "bundled"])
def test_the_example_package_passes_the_checks(tmp_path: Path, vocabularies: str) -> None:
    concepts = (
        ConceptIndex.from_files(sorted((PACKAGES / "vocab").glob("*.ttl")))
        if vocabularies == "fixture"
        else load_concepts()
    )
    init_package(tmp_path / "example")
    result = check_path(tmp_path / "example", concepts)
    assert result.problems == []
    assert result.descriptor.name == "example"
    assert all(len(rows) >= 1 for rows in result.tables.values())
    assert len(result.tables) == len(load_schemas())


def test_init_into_an_empty_folder_and_with_a_name(tmp_path: Path) -> None:
    init_package(tmp_path, name="my-study")
    assert "name: my-study " in (tmp_path / "datapackage.yaml").read_text(encoding="utf-8")


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        init_package(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path} is not empty; 'icgp init' writes only into a new or empty folder, "
        "so that nothing is overwritten"
    )
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]


def test_init_refuses_a_file_and_a_bad_name(tmp_path: Path) -> None:
    file = tmp_path / "file.txt"
    file.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="exists and is not a folder"):
        init_package(file)
    with pytest.raises(
        InputError, match=r"the study name 'My Study' is not a lowercase slug; use e\.g\. 'my-study'"
    ):
        init_package(tmp_path / "new", name="My Study")


def test_cli_init(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["init", str(tmp_path / "study")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "study" / "organisations.csv").is_file()
    assert str(tmp_path / "study" / "datapackage.yaml") in result.stdout
    again = runner.invoke(app, ["init", str(tmp_path / "study")])
    assert again.exit_code == 2
    assert again.stderr.strip() == (
        f"error: {tmp_path / 'study'} is not empty; 'icgp init' writes only into a new or empty folder, "
        "so that nothing is overwritten"
    )
    assert "Traceback" not in again.output


def test_docs_describe_every_table_and_column() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for table, schema in load_schemas().items():
        assert f"### {table}" in text, table
        section = text.split(f"### {table}", 1)[1].split("\n### ", 1)[0]
        for name in schema.field_names:
            assert f"| `{name}` |" in section, f"{table}.{name}"
