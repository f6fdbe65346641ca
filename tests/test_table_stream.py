"""Issue 18: a build into a store checks the tables without keeping their rows and reads them again
while it maps them; the problems and the rows must be exactly those of the usual check."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from kg.errors import IcgpError
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.ontology.resources import sample_study_dir
from kg.package.reader import open_package
from kg.package.schemas import load_schemas
from kg.package.table_checks import CheckedPackage, check_path
from kg.package.table_rows import ProblemLog, RereadRows, Row, TableReader, TableResult, text_lines
from kg.package.table_stream import check_path_streamed

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "build" / "mini"
BROKEN = sorted(p for p in (FIXTURES / "packages").iterdir() if (p / "datapackage.yaml").is_file())
GOOD = [
    MINI,
    sample_study_dir(),
    FIXTURES / "regions" / "us-clusters",
    FIXTURES / "regions" / "dz-incubators",
]


def rows_of(checked: CheckedPackage) -> dict[str, list[Row]]:
    return {table: list(rows) for table, rows in checked.tables.items()}


def assert_same_check(path: Path, concepts: ConceptIndex) -> CheckedPackage | None:
    try:
        full = check_path(path, concepts)
    except IcgpError as refused:  # a package that cannot be read at all is refused alike
        with pytest.raises(type(refused)) as again:
            check_path_streamed(path, concepts)
        assert str(again.value) == str(refused)
        return None
    streamed = check_path_streamed(path, concepts)
    assert streamed.problems == full.problems
    assert rows_of(streamed) == rows_of(full)
    assert {t: len(r) for t, r in streamed.tables.items()} == {t: len(r) for t, r in full.tables.items()}
    assert streamed.imports == full.imports
    assert streamed.checksums == full.checksums
    return streamed


@pytest.mark.parametrize("package", GOOD, ids=lambda p: p.name)
def test_a_valid_package_gives_the_same_rows_read_again(package: Path) -> None:
    streamed = assert_same_check(package, load_concepts())
    assert streamed is not None and streamed.ok
    # The large tables are read again, not held; the ones that rules look values up in are kept.
    assert isinstance(streamed.tables["organisations"], RereadRows)
    assert all(isinstance(streamed.tables[t], list) for t in ("sources", "codebook") if t in streamed.tables)


@pytest.mark.parametrize("package", BROKEN, ids=lambda p: p.name)
def test_a_broken_package_gets_the_usual_report(package: Path) -> None:
    stand_in = ConceptIndex.from_files(sorted((FIXTURES / "packages" / "vocab").glob("*.ttl")))
    assert_same_check(package, stand_in)


def test_warnings_found_chunk_by_chunk_are_the_usual_ones(tmp_path: Path) -> None:
    package = tmp_path / "mini"
    shutil.copytree(MINI, package)
    memberships = package / "memberships.csv"
    # An end before the start is a warning for a membership, and an item listed twice is one too.
    memberships.write_text(
        memberships.read_text(encoding="utf-8").replace("2015-06-15,", "2015-06-15,2014-01-01"),
        encoding="utf-8",
    )
    activities = package / "activities.csv"
    activities.write_text(
        activities.read_text(encoding="utf-8").replace(",T03.5,", ",T03.5;T03.5,"), encoding="utf-8"
    )
    streamed = assert_same_check(package, load_concepts())
    assert streamed is not None and streamed.ok
    assert [(p.rule, p.file, p.row, p.column) for p in streamed.problems] == [
        ("table.list", "activities.csv", 2, "technologies"),
        ("table.date", "memberships.csv", 3, "until"),
    ]


def test_a_reader_hands_on_its_rows_a_chunk_at_a_time_and_keeps_none() -> None:
    package = open_package(MINI)
    schema = load_schemas()["organisations"]
    whole = TableReader(schema, "organisations.csv", load_concepts(), ProblemLog()).read(
        package.texts["organisations"], ["id"]
    )
    assert len(whole.rows) == 3
    chunks: list[list[int]] = []

    def take(result: TableResult) -> None:
        chunks.append([row.line for row in result.rows])

    log = ProblemLog()
    reader = TableReader(schema, "organisations.csv", load_concepts(), log)
    result = reader.read(package.texts["organisations"], ["id"], take, chunk=2)
    assert chunks == [[2, 3], [4]]
    assert result.rows == []
    assert result.keys == whole.keys  # the keys the foreign keys need are still collected
    assert log.problems == []


def test_rows_read_again_are_parsed_anew_each_time() -> None:
    package = open_package(MINI)
    schema = load_schemas()["memberships"]
    again = RereadRows(package.texts["memberships"], schema, "memberships.csv", load_concepts(), 2)
    first, second = list(again), list(again)
    assert first == second == check_path(MINI).tables["memberships"]
    assert first[0] is not second[0]
    assert len(again) == 2 and bool(again)


@pytest.mark.parametrize(
    "text", ["", "a", "a\n", "a\r\nb\rc\nd", "a\n\n\r\r\n", "x\u2028y\x0cz\x85w\n", "\r", '"q\r\nq",1\r\n']
)
def test_text_lines_splits_where_a_csv_file_read_with_newline_empty_does(text: str) -> None:
    # Only "\r\n", "\r" and "\n" end a line: the other Unicode line breaks stay inside cells.
    assert list(text_lines(text)) == list(io.StringIO(text, newline=""))
