"""Hostile study packages that used to crash ``icgp build`` and ``icgp validate`` (issue 13, item 8).

Each case edits a copy of the bundled sample package. ``build`` must end in exit 2 with the problem (or a
one-line ``error:``) naming the file, row and column or the descriptor key, and write nothing;
``validate`` reports the same problem (exit 1, the package does not conform) or, for a descriptor it
cannot read at all, the same one-line error (exit 2). Never a traceback. The limits are listed in
docs/security.md, "Package limits".
"""

from __future__ import annotations

import io
import shutil
import struct
import time
import zipfile
from pathlib import Path

import pytest
from cli_runner import CliRunner

from cli import app
from kg.ontology.resources import sample_study_dir
from kg.package import reader
from kg.package.cells import CellError, converter, iri_fault
from kg.package.schemas import FieldSpec

runner = CliRunner()

WEBSITE = "https://example.org/org-01"
BASE = "base: https://w3id.org/icgp/id/"
LICENCE = "path: https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A fresh copy of the sample study package."""
    copy = tmp_path / "pkg"
    shutil.copytree(sample_study_dir(), copy)
    return copy


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A fresh copy of the one-organisation package of the hostile corpus (quick to check and build)."""
    copy = tmp_path / "tiny"
    shutil.copytree(Path(__file__).parent / "fixtures" / "hostile" / "commands" / "tiny-package", copy)
    return copy


def _edit(package: Path, name: str, old: str, new: str) -> None:
    path = package / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _build_fails(package: Path, *expected: str) -> str:
    """Run ``icgp build``; assert exit 2, the message parts on stderr, no traceback, nothing written."""
    out = package.parent / "out.ttl"
    result = runner.invoke(app, ["build", str(package), "-o", str(out)])
    shown = f"exit {result.exit_code}\nstdout: {result.stdout[:2000]}\nstderr: {result.stderr[:2000]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    assert result.exit_code == 2, shown
    assert "Traceback" not in result.output + result.stderr, shown
    for part in expected:
        assert part in result.stderr, shown
    assert not out.exists()
    return result.stderr


def _validate_reports(package: Path, *expected: str, code: int = 1) -> None:
    """Run ``icgp validate``; assert the exit code and the message parts (report or error line)."""
    result = runner.invoke(app, ["validate", str(package)])
    shown = f"exit {result.exit_code}\nstdout: {result.stdout[:2000]}\nstderr: {result.stderr[:2000]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    assert result.exit_code == code, shown
    assert "Traceback" not in result.output + result.stderr, shown
    where = result.stdout if code == 1 else result.stderr
    for part in expected:
        assert part in where, shown


def _one_error_line(stderr: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), stderr


# --- 1. whole numbers -------------------------------------------------------------------------------


def test_employees_with_5000_digits_is_a_problem_at_the_cell(package: Path) -> None:
    _edit(package, "organisations.csv", ",4850,", "," + "9" * 5000 + ",")
    message = "has 5000 digits, more than the 18 a whole number may have here"
    _build_fails(package, "organisations.csv:2:employees: violation: employees '999", message)
    _validate_reports(package, "organisations.csv:2:employees: violation [table.range]", message)


def test_whole_numbers_are_bounded_at_18_digits() -> None:
    convert = converter(FieldSpec("employees", "integer"), None)  # type: ignore[arg-type]
    assert convert("9" * 18) == 999_999_999_999_999_999
    assert convert("-" + "1" * 18) == -111_111_111_111_111_111
    with pytest.raises(CellError) as caught:
        convert("1" + "0" * 18)
    assert (caught.value.rule, caught.value.expected) == (
        "table.range",
        "a whole number of at most 18 digits",
    )
    with pytest.raises(CellError) as caught:
        convert("12a")
    assert caught.value.reason == "is not a whole number"


def test_numbers_must_be_short_and_finite() -> None:
    convert = converter(FieldSpec("score", "number"), None)  # type: ignore[arg-type]
    assert convert("4.25") == 4.25
    for cell in ("1e999", "9" * 65):
        with pytest.raises(CellError) as caught:
            convert(cell)
        assert caught.value.rule == "table.range"


def test_scale_ends_are_bounded() -> None:
    convert = converter(FieldSpec("scale", "string", format="scale"), None)  # type: ignore[arg-type]
    assert convert("1-5") == (1, 5)
    with pytest.raises(CellError) as caught:
        convert("1-" + "9" * 5000)
    assert caught.value.reason == "is not a scale as MIN-MAX"


# --- 2. website cells that are not IRIs -----------------------------------------------------------

BAD_IRI_CHARACTERS = [
    ("%zz", "has a '%' at position 24 that is not followed by two hex digits"),
    ("{", "has the character '{' at position 24, which an IRI may not hold"),
    ("|", "has the character '|' at position 24"),
    ("^", "has the character '^' at position 24"),
    ("`", "has the character '`' at position 24"),
    ("\x7f", "has the character U+007F at position 24"),
    ("\ufffe", "has the code point U+FFFE at position 24"),
    ("\ufdd0", "has the code point U+FDD0 at position 24"),
    ("\U0010ffff", "has the code point U+10FFFF at position 24"),
    ("\U000e0001", "has the code point U+E0001 at position 24"),
    ("\U000e007f", "has the code point U+E007F at position 24"),
]


@pytest.mark.parametrize(("inserted", "message"), BAD_IRI_CHARACTERS, ids=lambda v: repr(v)[:12])
def test_website_that_is_not_an_iri_is_a_problem_at_the_cell(tiny: Path, inserted: str, message: str) -> None:
    _edit(tiny, "organisations.csv", "https://acme.example.org/", f"https://example.org/org{inserted}01")
    _build_fails(tiny, "organisations.csv:2:website: violation: website 'https://example.org/org", message)
    _validate_reports(tiny, "organisations.csv:2:website: violation [table.type]", message)


def test_iri_fault_accepts_valid_iris_and_names_structural_faults() -> None:
    for good in (
        "https://example.org/a%20b",
        "https://example.org/K\u00f6ln",
        "https://example.org/?q=\ue000",
        "https://example.org/\U0001f600",
        "http://example.org:8080/a?b=c#d",
    ):
        assert iri_fault(good) is None, good
    assert iri_fault("https://example.org/\ue000") == (
        "has the code point U+E000 at position 21, which an IRI may not hold "
        "(a non-character, tag, control or private-use code point)"
    )
    # Left to the RDF library's parser: the structure.
    fault = iri_fault("https://example.org/#a#b")
    assert fault is not None and fault.startswith("is not a valid IRI (")


# --- 3. descriptor IRIs ----------------------------------------------------------------------------


_AT_BASE = ("datapackage.yaml:25:base: violation", "[package.descriptor] base '")
_AT_LICENCE = ("datapackage.yaml:12:licenses: violation", "[package.licence] licenses.0.path '")


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        (BASE, "base: https://w3id.org/{icgp}/id/", _AT_BASE, "'{' at position 18"),
        (BASE, 'base: "https://w3id.org/ic\\x7fgp/id/"', _AT_BASE, "U+007F at position 20"),
        (LICENCE, "path: https://creativecommons.org/{licenses}/by/4.0/", _AT_LICENCE, "'{' at position 29"),
        (
            LICENCE,
            'path: "https://creativecommons.org/licenses/by/4.0/\\x7f"',
            _AT_LICENCE,
            "U+007F at position 45",
        ),
    ],
    ids=["base-brace", "base-del", "licence-brace", "licence-del"],
)
def test_descriptor_iri_with_forbidden_character_names_the_key(
    package: Path, old: str, new: str, at: tuple[str, str], message: str
) -> None:
    _edit(package, "datapackage.yaml", old, new)
    where, rule_and_key = at
    key = rule_and_key.split("] ", 1)[1]
    _build_fails(package, f"{where}: {key}", f"has the character {message}, which an IRI may not hold")
    _validate_reports(package, f"{where} {rule_and_key}", f"has the character {message}")


# --- 4. nesting depth ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nested", "line"),
    [
        ("keywords: " + "[" * 5000 + "]" * 5000 + "\n", 76),
        ("keywords:\n" + "- " * 5000 + "x\n", 77),
        ("keywords: " + "{a: " * 5000 + "x" + "}" * 5000 + "\n", 76),
    ],
    ids=["flow-lists", "block-lists", "flow-mappings"],
)
def test_descriptor_nested_5000_levels_is_refused(package: Path, nested: str, line: int) -> None:
    with (package / "datapackage.yaml").open("a", encoding="utf-8") as out:
        out.write(nested)
    message = f"datapackage.yaml nests lists and mappings more than 64 levels deep (at line {line})"
    _one_error_line(_build_fails(package, message))
    _validate_reports(package, message, code=2)


def test_descriptor_at_the_depth_limit_is_read(package: Path) -> None:
    # The descriptor itself is level 1, so 63 more levels of lists make 64.
    with (package / "datapackage.yaml").open("a", encoding="utf-8") as out:
        out.write("keywords: " + "[" * 63 + "]" * 63 + "\n")
    assert reader.open_package(package).descriptor.name == "stuttgart-i40-clusters"


def test_descriptor_with_a_yaml_alias_is_refused(package: Path) -> None:
    # Ten aliases of ten aliases: a billion values for any code that walks them.
    laughs = "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]\n" for n in range(1, 10))
    with (package / "datapackage.yaml").open("a", encoding="utf-8") as out:
        out.write("funding:\n  l0: &l0 [lol]\n" + "".join("  " + line for line in laughs.splitlines(True)))
    message = "datapackage.yaml uses the YAML alias '*l0' at line 78"
    _one_error_line(_build_fails(package, message))
    _validate_reports(package, message, code=2)


# --- 5. impossible dates ---------------------------------------------------------------------------


def test_impossible_period_start_names_period_start(package: Path) -> None:
    _edit(package, "datapackage.yaml", "start: 2020-01-01", "start: 2020-02-30")
    message = "period.start '2020-02-30' is not a real calendar date"
    _build_fails(package, f"datapackage.yaml:20:period: violation: {message}")
    _validate_reports(package, f"datapackage.yaml:20:period: violation [package.descriptor] {message}")


def test_huge_whole_number_in_the_descriptor_is_a_problem_at_its_key(package: Path) -> None:
    _edit(package, "datapackage.yaml", "version: 1.0.0", "version: " + "9" * 5000)
    _build_fails(
        package, "datapackage.yaml:10:version: violation: version has 5000 characters, more than the 200"
    )


# --- 6. long descriptor texts and big descriptors -------------------------------------------------


def test_one_megabyte_name_is_refused_quickly(package: Path) -> None:
    _edit(package, "datapackage.yaml", "name: stuttgart-i40-clusters", "name: " + "a" * 1_000_000)
    started = time.monotonic()
    message = "name has 1000000 characters, more than the 200 ICGP reads for it; shorten it"
    _build_fails(package, f"datapackage.yaml:3:name: violation: {message}")
    _validate_reports(package, message)
    # Before the bound, a 100 KB name took minutes and 6.9 GB: the bound is checked before the rest.
    assert time.monotonic() - started < 60


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("title: Industry", "title: " + "x" * 1001 + " Industry", "title has 1"),
        ("    title: Creative", "    title: " + "x" * 1001 + " Creative", "licenses.0.title has 1"),
        (
            "  - title: ICGP developers",
            "  - title: " + "x" * 1001,
            "contributors.0.title has 1001 characters",
        ),
        ("  - name: organisations", "  - name: " + "o" * 201, "resources.0.name has 201 characters"),
    ],
    ids=["title", "licence-title", "contributor", "resource-name"],
)
def test_descriptor_texts_are_bounded(package: Path, old: str, new: str, message: str) -> None:
    _edit(package, "datapackage.yaml", old, new)
    _build_fails(package, message)


def test_descriptor_over_one_mebibyte_is_refused(package: Path) -> None:
    with (package / "datapackage.yaml").open("a", encoding="utf-8") as out:
        out.write("# " + "x" * (1024 * 1024) + "\n")
    size = (package / "datapackage.yaml").stat().st_size
    stderr = _build_fails(package, f"datapackage.yaml has {size} bytes, more than the 1048576 bytes (1 MiB)")
    _one_error_line(stderr)
    _validate_reports(package, "more than the 1048576 bytes (1 MiB)", code=2)


# --- 7. what one package may expand to -------------------------------------------------------------


def _padded_zip(package: Path, rows: int) -> Path:
    """The package zipped, its organisations table padded with ``rows`` repeated rows."""
    table = (package / "organisations.csv").read_text(encoding="utf-8")
    padding = "".join(f"pad-{n:08d},Padding AG,A01.4,SC4,1,2000,DE116,29.32,,\n" for n in range(rows))
    archive = package.parent / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for path in sorted(package.iterdir()):
            data = table + padding if path.name == "organisations.csv" else path.read_text(encoding="utf-8")
            out.writestr(path.name, data)
    return archive


def test_the_package_limit_is_256_mib() -> None:
    assert reader.MAX_PACKAGE_BYTES == 256 * 1024 * 1024


def test_zip_expanding_past_the_limit_is_refused_from_its_declared_sizes(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "MAX_PACKAGE_BYTES", 2 * 1024 * 1024)
    archive = _padded_zip(package, 50_000)  # about 3 MB of rows
    assert archive.stat().st_size < 1024 * 1024
    stderr = _build_fails(archive, "more than the limit of 2097152 bytes; refusing the study package")
    _one_error_line(stderr)
    _validate_reports(archive, "more than the limit of 2097152 bytes", code=2)


def test_zip_that_lies_about_its_sizes_is_refused_while_inflating(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "MAX_PACKAGE_BYTES", 2 * 1024 * 1024)
    archive = _padded_zip(package, 50_000)
    data = bytearray(archive.read_bytes())
    # Declare 1 KiB for the table in the central directory (and its local header).
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as opened:
        info = opened.getinfo("organisations.csv")
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == b"organisations.csv":
            struct.pack_into("<I", data, central + 24, 1024)
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, info.header_offset + 22, 1024)
    archive.write_bytes(bytes(data))
    stderr = _build_fails(archive, "the member 'organisations.csv' could not be read")
    _one_error_line(stderr)


def test_folder_past_the_limit_is_refused_before_reading(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "MAX_PACKAGE_BYTES", 2 * 1024 * 1024)
    with (package / "organisations.csv").open("a", encoding="utf-8") as out:
        out.write("".join(f"pad-{n:08d},Padding AG,A01.4,SC4,1,2000,DE116,29.32,,\n" for n in range(50_000)))
    message = "the files of the package add up to more than 2097152 bytes (2 MiB)"
    _one_error_line(_build_fails(package, message))
    _validate_reports(package, message, code=2)


def test_the_sample_package_is_within_every_limit(package: Path) -> None:
    opened = reader.open_package(package)
    assert opened.problems == ()
