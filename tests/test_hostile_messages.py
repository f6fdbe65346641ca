"""Messages that lead to the cause (issue 13, item 10).

A quote left open is reported first, and the references it breaks are summed up in one line instead of
hundreds; problems come as structure, then cells, then links between tables; digits of other scripts,
year 0000 and ids made of dots are refused at the cell; a descriptor key given twice and a zip with two
descriptors are refused; a cell over the csv module's size limit is named by file, row and column.
The small inputs are also cases of the hostile corpus (``tests/fixtures/hostile/messages``).
"""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pytest
from cli_runner import CliRunner

from cli import app
from kg.package.table_checks import check_path
from kg.problems import Severity

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "data"
HERE = Path(__file__).parent / "fixtures" / "hostile" / "messages"
TINY = Path(__file__).parent / "fixtures" / "hostile" / "commands" / "tiny-package"
HEADER = "id,name,actor_type,size_class,employees,founded,nuts,nace,website,wikidata"
LIMIT = 131_072

runner = CliRunner()


def _build(path: Path) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["build", str(path)])
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stderr.splitlines()


def _tiny(tmp_path: Path, organisations: list[str], **tables: list[str]) -> Path:
    """A copy of the one-organisation package with these organisations rows and further tables."""
    package = tmp_path / "package"
    package.mkdir()
    shutil.copy(TINY / "datapackage.yaml", package)
    (package / "organisations.csv").write_text("\n".join([HEADER, *organisations]) + "\n", encoding="utf-8")
    for table, lines in tables.items():
        (package / f"{table}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return package


# --- 1. root causes first ------------------------------------------------------------------------------


def test_open_quote_in_the_sample_comes_first_and_its_knock_on_errors_are_summed_up(tmp_path: Path) -> None:
    package = tmp_path / "sample"
    shutil.copytree(SAMPLE, package)
    table = package / "organisations.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    assert lines[3].startswith("org-03,Trelmond Electronics GmbH,")
    lines[3] = lines[3].replace(",Trelmond", ',"Trelmond')
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The sample has no other quote: the open one runs to the last line.
    last = len(lines)

    code, stderr = _build(package)

    assert code == 2
    assert stderr[0] == (
        'organisations.csv:4: violation: row has 2 cells but the header has 10; a quote (") seems to be '
        f"left open in column 'name' at row 4: rows 4 to {last} were read as one row; close the quote or "
        "remove it"
    )
    assert stderr[1].startswith("organisations.csv:4: warning: ")
    assert stderr[1].endswith(
        'name no row read from it and were not checked, because a quote (") seems to be left open at '
        "row 4; fix that first"
    )
    assert stderr[2] == f"error: {package} has 1 violation(s); nothing was built. Fix them and build again."
    assert len(stderr) == 3
    assert not any("is not an id" in line for line in stderr)


def test_open_quote_in_a_small_package(tmp_path: Path) -> None:
    checked = check_path(HERE / "open-quote")
    assert [(p.severity, p.rule, p.file, p.row, p.column, p.message) for p in checked.problems] == [
        (
            Severity.VIOLATION,
            "table.ragged",
            "organisations.csv",
            3,
            None,
            "row has 2 cells but the header has 10; a quote (\") seems to be left open in column 'name' "
            "at row 3: rows 3 to 5 were read as one row; close the quote or remove it",
        ),
        (
            # gamma from clusters.csv, gamma and delta from memberships.csv; acme was read.
            Severity.WARNING,
            "table.foreign-key",
            "organisations.csv",
            3,
            None,
            "3 references to organisations.csv (from clusters.csv, memberships.csv) name no row read from "
            'it and were not checked, because a quote (") seems to be left open at row 3; fix that first',
        ),
    ]


def test_validate_lists_the_open_quote_and_one_summary_line() -> None:
    result = runner.invoke(app, ["validate", str(HERE / "open-quote")])
    assert result.exit_code == 1
    found = [line for line in result.stdout.splitlines() if line.startswith("organisations.csv")]
    assert [line.split(" [")[0] for line in found] == [
        "organisations.csv:3: violation",
        "organisations.csv:3: warning",
    ]


def test_problems_come_as_structure_then_cells_then_links(tmp_path: Path) -> None:
    # File order alone would put memberships.csv before organisations.csv, and row 2 before row 4.
    package = _tiny(
        tmp_path,
        [
            "acme,Acme Tools,small-enterprise,small,many,1998,DE111,28.4,,",
            "beta,Beta Robotics,small-enterprise,small,12,2005,DE111,28.4,,",
            "gamma,Gamma Labs,small-enterprise",
        ],
        clusters=[
            "id,name,nuts,specialisations,managed_by,founded,lifecycle_stage,excellence_label",
            "c1,C,DE11,,,,,",
        ],
        memberships=["cluster,organisation,role,since,until", "c1,acm,,,"],
    )
    code, stderr = _build(package)
    assert code == 2
    assert stderr == [
        "organisations.csv:4: violation: row has 3 cells but the header has 10",
        "organisations.csv:2:employees: violation: employees 'many' is not a whole number",
        "memberships.csv:2:organisation: violation: organisation 'acm' is not an id in organisations.csv; "
        "did you mean 'acme'?",
        f"error: {package} has 3 violation(s); nothing was built. Fix them and build again.",
    ]


# --- 2. digits of other scripts ----------------------------------------------------------------------------


def test_digits_of_other_scripts_are_refused_in_build() -> None:
    code, stderr = _build(HERE / "unicode-digits")
    assert code == 2
    assert stderr[:2] == [
        "organisations.csv:2:employees: violation: employees '\u0663' is not a whole number",
        "organisations.csv:3:nace: violation: nace '\uff128.4' is not a NACE Rev. 2 code: an optional "
        "section letter, two digits and up to two decimals, e.g. 28, 28.4 or C28.41",
    ]


def test_digits_of_other_scripts_are_refused_by_validate_the_same_way() -> None:
    result = runner.invoke(app, ["validate", str(HERE / "unicode-digits")])
    assert result.exit_code == 1
    assert (
        "organisations.csv:2:employees: violation [table.type] employees '\u0663' is not a whole number"
        in (result.stdout)
    )
    assert "organisations.csv:3:nace: violation [table.type] nace '\uff128.4' is not a NACE Rev. 2 code" in (
        result.stdout
    )


@pytest.mark.parametrize(
    ("column", "cell"),
    [
        ("nace", "28.\u0664"),
        ("nace", "C\uff128"),
        ("wikidata", "Q\uff14\uff12"),
        ("wikidata", "Q4\u0662"),
        ("founded", "\uff11\uff19\uff19\uff18"),
    ],
)
def test_every_digit_pattern_takes_ascii_only(tmp_path: Path, column: str, cell: str) -> None:
    good = ["acme", "Acme", "small-enterprise", "small", "42", "1998", "DE111", "28.4", "", ""]
    cells = dict(zip(HEADER.split(","), good, strict=True))
    cells[column] = cell
    package = _tiny(tmp_path, [",".join(cells.values())])
    problems = check_path(package).problems
    assert [(p.row, p.column, p.value) for p in problems] == [(2, column, cell)]


# --- 3. year 0000 ------------------------------------------------------------------------------------


def test_year_zero_is_refused() -> None:
    code, stderr = _build(HERE / "year-zero")
    assert code == 2
    assert stderr[0] == (
        "organisations.csv:2:founded: violation: founded '0000' has year 0000; the calendar has no year 0, "
        "so write a year from 0001 on"
    )


def test_date_in_year_zero_is_refused(tmp_path: Path) -> None:
    package = _tiny(
        tmp_path,
        ["acme,Acme Tools,small-enterprise,small,42,1998,DE111,28.4,,"],
        clusters=[
            "id,name,nuts,specialisations,managed_by,founded,lifecycle_stage,excellence_label",
            "c1,C,DE11,,,,,",
        ],
        memberships=["cluster,organisation,role,since,until", "c1,acme,,0000-05-01,0001-01-01"],
    )
    problems = check_path(package).problems
    assert [(p.rule, p.row, p.column, p.message) for p in problems] == [
        (
            "table.date",
            2,
            "since",
            "since '0000-05-01' has year 0000; the calendar has no year 0, so write a year from 0001 on",
        )
    ]


# --- 4. ids made of dots ------------------------------------------------------------------------------


def test_ids_made_only_of_dots_are_refused_at_the_cell() -> None:
    code, stderr = _build(HERE / "dot-ids")
    assert code == 2
    reason = (
        "is made only of dots; in a web address '.' and '..' mean this and the parent folder, so use at "
        "least one letter or digit"
    )
    # v1.2 on row 5 is a good id.
    assert stderr == [
        f"organisations.csv:2:id: violation: id '.' {reason}",
        f"organisations.csv:3:id: violation: id '..' {reason}",
        f"organisations.csv:4:id: violation: id '...' {reason}",
        f"error: {HERE / 'dot-ids'} has 3 violation(s); nothing was built. Fix them and build again.",
    ]


# --- 5. duplicate YAML keys, two descriptors in a zip ------------------------------------------------------


def test_duplicate_top_level_key() -> None:
    code, stderr = _build(HERE / "duplicate-keys")
    assert (code, stderr) == (
        2,
        [
            "error: datapackage.yaml has the key 'language' twice (lines 15 and 17); keep one of them "
            "(YAML would otherwise use only the last)"
        ],
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "region: DE11\n",
            "region: DE11\npublic:\n  quotes: false\n  quotes: true\n",
            "'public.quotes' twice (lines 15 and 16)",
        ),
        (
            "    title: Creative Commons Attribution 4.0\n",
            "    title: Creative Commons Attribution 4.0\n    name: MIT\n",
            "'licenses.0.name' twice (lines 6 and 9)",
        ),
    ],
)
def test_duplicate_nested_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    package = _tiny(tmp_path, ["acme,Acme Tools,small-enterprise,small,42,1998,DE111,28.4,,"])
    descriptor = package / "datapackage.yaml"
    text = descriptor.read_text(encoding="utf-8")
    assert old in text
    descriptor.write_text(text.replace(old, new), encoding="utf-8")
    code, stderr = _build(package)
    assert code == 2
    assert len(stderr) == 1
    assert message in stderr[0]


@pytest.mark.parametrize(
    ("archive", "names"),
    [
        ("two-descriptors-same-path.zip", "'datapackage.yaml' and 'datapackage.yaml' (the same path twice)"),
        ("two-descriptors-nested.zip", "'datapackage.yaml' and 'old/datapackage.yaml'"),
    ],
)
def test_zip_with_two_descriptors_is_refused(archive: str, names: str) -> None:
    code, stderr = _build(HERE / archive)
    assert (code, stderr) == (
        2,
        [
            f"error: {HERE / archive} holds more than one datapackage.yaml: {names}; a package has "
            "exactly one, so zip the one package folder again"
        ],
    )


def test_zip_with_one_descriptor_in_a_top_folder_still_builds(tmp_path: Path) -> None:
    archive = tmp_path / "tiny.zip"
    with zipfile.ZipFile(archive, "w") as opened:
        for member in ("datapackage.yaml", "organisations.csv"):
            opened.write(TINY / member, f"tiny/{member}")
    code, stderr = _build(archive)
    assert code == 0, stderr


# --- 6. the cell size limit ------------------------------------------------------------------------------


def test_the_limit_is_the_csv_modules_default() -> None:
    assert csv.field_size_limit() == LIMIT


@pytest.mark.parametrize("quoted", [False, True])
def test_a_cell_over_the_limit_is_named_by_file_row_and_column(tmp_path: Path, quoted: bool) -> None:
    long = "x" * (LIMIT + 1)
    cell = f'"{long[:10]}\n{long[11:]}"' if quoted else long
    package = _tiny(
        tmp_path,
        [
            "acme,Acme Tools,small-enterprise,small,42,1998,DE111,28.4,,",
            f"beta,Beta,small-enterprise,small,12,2005,DE111,28.4,{cell},",
        ],
    )
    code, stderr = _build(package)
    assert code == 2
    assert stderr[0] == (
        "organisations.csv:3:website: violation: organisations.csv: the cell in column 'website' of row 3 is "
        "longer than 131,072 characters, the most a cell may hold; shorten it (or check for a quote left "
        "open before it)"
    )


def test_a_cell_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    package = _tiny(tmp_path, ["acme," + "A" * LIMIT + ",small-enterprise,small,42,1998,DE111,28.4,,"])
    checked = check_path(package)
    assert checked.problems == []
    assert len(str(checked.tables["organisations"][0].values["name"])) == LIMIT
