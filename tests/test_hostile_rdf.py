"""Issue 13, RDF inputs and outputs: parser bombs, huge literals, unwritable outputs, release URLs, and
no checksum of a private file in a release.

Every hostile input ends in exit 2 and one ``error:`` line, with no traceback and nothing written. The big
inputs (200,000 nested RDF/XML elements, a literal over 16 MiB) are made here in ``tmp_path``; the small
ones live in ``tests/fixtures/hostile/rdf/`` and also run in the hostile corpus.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from cli_runner import CliRunner
from conftest import Release
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat

import kg.files
from cli import app
from kg.errors import InputError
from kg.ontology.loading import MAX_LITERAL_BYTES, MAX_NESTING_DEPTH, parse_rdf

runner = CliRunner()
HERE = Path(__file__).parent / "fixtures" / "hostile" / "rdf"
MINI = Path(__file__).parent / "fixtures" / "build" / "mini"
SMALL = HERE / "small.ttl"
RDF_NS = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/"'


def one_literal(text: str) -> str:
    """RDF/XML stating one triple whose object is the literal ``text``."""
    subject = '<rdf:Description rdf:about="urn:x:s">'
    return f"<rdf:RDF {RDF_NS}>{subject}<ex:p>{text}</ex:p></rdf:Description></rdf:RDF>"


def refused(args: list[str], expect: str) -> str:
    """Run icgp; assert exit 2, one ``error:`` line holding ``expect``, no traceback. Return the line."""
    result = runner.invoke(app, args)
    shown = f"args: {args}\nexit: {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    assert result.exit_code == 2, shown
    assert "Traceback" not in result.output + result.stderr, shown
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), shown
    assert expect.lower() in lines[0].lower(), shown
    return lines[0]


def readers(path: Path) -> list[list[str]]:
    """Every command that reads an RDF file given by the user, on ``path``."""
    return [
        ["ontology", "check", "--no-reasoner", "--data", str(path)],
        ["validate", str(path)],
        ["diff", str(SMALL), str(path)],
        ["publish", str(path), "--endpoint", "http://127.0.0.1:9/store", "--graph", "urn:x:g"],
    ]


READER_IDS = ["ontology-check-data", "validate", "diff", "publish"]


# -- 1. entity bombs and deep nesting -------------------------------------------------------------------


@pytest.mark.parametrize("args", readers(HERE / "entity-bomb.rdf"), ids=READER_IDS)
def test_an_entity_bomb_in_rdf_xml_is_refused_before_it_expands(args: list[str]) -> None:
    refused(args, "RDF/XML that declares entities")


@pytest.fixture(scope="module")
def nested_200k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RDF/XML with 200,000 nested elements (about 4.8 MB); Oxigraph took minutes over it."""
    levels = 100_000  # each level is a node element and a property element
    path = tmp_path_factory.mktemp("deep") / "nested.rdf"
    path.write_text(
        f"<rdf:RDF {RDF_NS}>"
        + "<rdf:Description><ex:p>" * levels
        + "x"
        + "</ex:p></rdf:Description>" * levels
        + "</rdf:RDF>",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("command", range(4), ids=READER_IDS)
def test_rdf_xml_nested_200000_levels_is_refused_at_once(nested_200k: Path, command: int) -> None:
    started = time.monotonic()
    line = refused(readers(nested_200k)[command], f"nested more than {MAX_NESTING_DEPTH} levels")
    assert str(nested_200k) in line
    assert time.monotonic() - started < 30  # unguarded, 20,000 levels alone took 4 s, 200,000 minutes


def test_the_nesting_bound_is_256_and_256_levels_still_parse() -> None:
    assert MAX_NESTING_DEPTH == 256
    pairs = (MAX_NESTING_DEPTH - 1) // 2  # rdf:RDF plus pairs of node and property elements: 255 levels

    def document(inner: str) -> bytes:
        body = "<rdf:Description><ex:p>" * pairs + inner + "</ex:p></rdf:Description>" * pairs
        return f"<rdf:RDF {RDF_NS}>{body}</rdf:RDF>".encode()

    assert len(parse_rdf(document("text"), RdfFormat.RDF_XML)) == pairs
    assert len(parse_rdf(document("<rdf:Description/>"), RdfFormat.RDF_XML)) == pairs  # 256 levels
    with pytest.raises(InputError, match="nested more than 256 levels"):  # 257 levels
        parse_rdf(document("<rdf:Description><ex:p>y</ex:p></rdf:Description>"), RdfFormat.RDF_XML)


def test_deep_json_ld_is_refused_instead_of_crashing_the_process(tmp_path: Path) -> None:
    # 50,000 nested objects overflowed the stack of Oxigraph's JSON-LD parser: a segmentation fault,
    # so this runs in a child process that a regression cannot take the test run down with.
    levels = 50_000
    path = tmp_path / "deep.jsonld"
    path.write_text(
        '{"@id": "urn:x:s", "urn:x:p": ' + '{"urn:x:p": ' * levels + '"x"' + "}" * levels + "}",
        encoding="utf-8",
    )
    code = "import sys; from cli import app; sys.argv = ['icgp', 'validate', sys.argv[1]]; app()"
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"error: {path}: JSON-LD objects or arrays nested more than 256 levels deep; flatten the document "
        "(give nested nodes an @id of their own) or use Turtle"
    ]


def test_brackets_inside_json_strings_do_not_count_as_nesting() -> None:
    text = '{"@id": "urn:x:s", "urn:x:p": "' + "[{" * 1000 + '\\"]}"}'
    (quad,) = parse_rdf(text.encode(), RdfFormat.JSON_LD)
    assert quad.object == Literal("[{" * 1000 + '"]}')


# -- 2. literals over 16 MiB ----------------------------------------------------------------------------


def test_the_literal_bound_is_16_mib() -> None:
    assert MAX_LITERAL_BYTES == 16 * 1024 * 1024 == 16_777_216


@pytest.fixture(scope="module")
def big_literals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("big")
    text = "x" * (MAX_LITERAL_BYTES + 1)
    nt = folder / "big.nt"
    nt.write_text(f'<urn:x:s> <urn:x:p> "{text}" .\n', encoding="utf-8")
    rdf = folder / "big.rdf"
    rdf.write_text(one_literal(text), encoding="utf-8")
    return {"nt": nt, "rdf": rdf}


@pytest.mark.parametrize("command", range(4), ids=READER_IDS)
@pytest.mark.parametrize("syntax", ["nt", "rdf"])
def test_a_literal_over_16_mib_is_refused(big_literals: dict[str, Path], syntax: str, command: int) -> None:
    # N-Triples hit Oxigraph's own 16 MiB token buffer (a bare MemoryError before); RDF/XML has no such
    # buffer and took the literal whole.
    line = refused(readers(big_literals[syntax])[command], "over the limit of 16,777,216 bytes (16 MiB)")
    assert str(big_literals[syntax]) in line


def test_a_literal_of_exactly_16_mib_in_rdf_xml_is_read() -> None:
    text = "é" * (MAX_LITERAL_BYTES // 2)  # two bytes each in UTF-8: exactly at the bound
    document = one_literal(text)
    (quad,) = parse_rdf(document.encode(), RdfFormat.RDF_XML)
    assert quad.object == Literal(text)
    with pytest.raises(InputError, match=r"a literal of 16,777,218 bytes \(subject <urn:x:s>"):
        parse_rdf(document.replace(text, text + "é").encode(), RdfFormat.RDF_XML, name="x.rdf")


def test_a_literal_over_16_mib_in_imports_is_a_problem_of_that_file(tmp_path: Path) -> None:
    package = tmp_path / "mini"
    shutil.copytree(MINI, package)
    (package / "imports").mkdir()
    (package / "imports" / "big.nt").write_text(
        f'<urn:x:s> <urn:x:p> "{"x" * (MAX_LITERAL_BYTES + 1)}" .\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["build", str(package)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output + result.stderr
    assert "imports/big.nt: a literal or IRI is over the limit of 16,777,216 bytes (16 MiB)" in result.stderr


# -- 3. outputs that cannot be written -------------------------------------------------------------------

OUTPUT_COMMANDS = {
    "ontology-check": ["ontology", "check", "--no-reasoner", str(SMALL), "-o", "{out}"],
    "build": ["build", str(MINI), "-o", "{out}"],
    "validate": ["validate", str(MINI), "--format", "json", "-o", "{out}"],
    "export": ["export", str(MINI), "-o", "{out}"],
    "diff": ["diff", str(SMALL), str(SMALL), "-o", "{out}"],
    "query-run": ["query", "run", "clusters_overview", "--package", str(MINI), "-o", "{out}"],
    "assess": ["assess", str(MINI), "-f", "json", "-o", "{out}"],
}


def _args(name: str, out: Path) -> list[str]:
    return [part.replace("{out}", str(out)) for part in OUTPUT_COMMANDS[name]]


@pytest.mark.parametrize("name", OUTPUT_COMMANDS)
def test_output_to_a_folder_is_refused(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    line = refused(_args(name, folder), "is a folder; give a file name inside it")
    assert (
        line
        == f"error: cannot write {folder}: it is a folder; give a file name inside it (nothing was written)"
    )
    assert list(folder.iterdir()) == []


class _FullDisk:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, fd: int, *args: Any, **kwargs: Any) -> None:
        self.fd = fd

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *args: object) -> None:
        os.close(self.fd)

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("name", OUTPUT_COMMANDS)
def test_output_to_a_full_disk_leaves_the_old_file(tmp_path: Path, name: str, monkeypatch: Any) -> None:
    out = tmp_path / "result.out"
    out.write_text("previous\n", encoding="utf-8")
    monkeypatch.setattr(kg.files.os, "fdopen", _FullDisk)
    line = refused(_args(name, out), "the disk is full")
    assert line == f"error: cannot write {out}: the disk is full; free some space or write elsewhere " + (
        "(nothing was written)"
    )
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.out"]  # no temporary file left


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0o555 folder anyway")
@pytest.mark.parametrize("name", ["diff", "export"])
def test_output_into_a_read_only_folder_is_refused(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        refused(_args(name, folder / "x.out"), "permission denied")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_a_release_onto_a_full_disk_leaves_nothing(tmp_path: Path, monkeypatch: Any) -> None:
    out = tmp_path / "release"
    original = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if self.name == "README.md":  # some files are written, then the disk fills
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    line = refused(["release", str(MINI), "--out", str(out), "--version", "1.0.0"], "the disk is full")
    assert line.startswith(f"error: cannot write {out}/README.md: the disk is full")
    assert list(tmp_path.iterdir()) == []  # neither the release nor its staging folder


# -- 4. release URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "url", "expect"),
    [
        ("--files-url", "https://example.org/my files/", "contains a space or a control character"),
        ("--files-url", "javascript:alert(1)//", "must be an http:// or https:// URL"),
        ("--files-url", "ftp://example.org/releases/", "must be an http:// or https:// URL"),
        ("--files-url", "https:///releases/", "names no host"),
        ("--endpoint", "javascript:alert(1)", "must be an http:// or https:// URL"),
        ("--endpoint", "http://example.org/sparql\n", "contains a space or a control character"),
    ],
)
def test_a_release_refuses_urls_that_would_end_up_in_htaccess_void_and_dcat(
    tmp_path: Path, option: str, url: str, expect: str
) -> None:
    out = tmp_path / "release"
    line = refused(["release", str(MINI), "--out", str(out), "--version", "1.0.0", option, url], expect)
    assert line.startswith(f"error: {option} {url!r} ")
    assert list(tmp_path.iterdir()) == []


# -- 5. no checksum of a private file ---------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_a_release_lists_no_checksum_of_a_file_it_keeps_private(mini_release: Release) -> None:
    # The run's shared `icgp release tests/fixtures/build/mini --version 1.0.0`, read only.
    assert "left out as not public: 1 quote(s), 1 survey answer(s)" in mini_release.stderr
    released = b"".join(p.read_bytes() for p in sorted(mini_release.folder.rglob("*")) if p.is_file())
    # mini's descriptor keeps quotes (segments.csv) and survey answers (survey_responses.csv) private.
    for private in ("segments.csv", "survey_responses.csv"):
        assert _sha256(MINI / private).encode() not in released, private
    for shipped in ("organisations.csv", "respondents.csv", "datapackage.yaml"):
        assert _sha256(MINI / shipped).encode() in released, shipped


def test_a_private_table_under_another_file_name_keeps_its_checksum_out(tmp_path: Path) -> None:
    # Regression: the hash was dropped by file name only, so segments kept in quotes.csv leaked it.
    package = tmp_path / "mini"
    shutil.copytree(MINI, package)
    (package / "segments.csv").rename(package / "quotes.csv")
    descriptor = package / "datapackage.yaml"
    descriptor.write_text(
        descriptor.read_text(encoding="utf-8") + "resources:\n  - {name: segments, path: quotes.csv}\n",
        encoding="utf-8",
    )
    out = tmp_path / "release"
    result = runner.invoke(app, ["release", str(package), "--out", str(out), "--version", "1.0.0"])
    assert result.exit_code == 0, result.output
    released = b"".join(p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file())
    assert _sha256(package / "quotes.csv").encode() not in released
    assert _sha256(package / "organisations.csv").encode() in released


def test_checksums_of_private_sources_are_dropped_by_the_policy() -> None:
    from kg.publish.privacy import Policy
    from kg.publish.release import _without_private_checksums

    icgp, g = "https://w3id.org/icgp/ontology#", NamedNode("urn:x:g")
    typ = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    sha = NamedNode(icgp + "sha256")
    entity = NamedNode("http://www.w3.org/ns/prov#Entity")
    quads: list[Quad] = []
    subjects = {
        "segments": ("segments.csv", entity),
        "responses": ("survey_responses.csv", entity),
        "imported": ("imports/survey.ttl", entity),
        "orgs": ("organisations.csv", entity),
        "qda": ("project", NamedNode(icgp + "QdaProject")),
        "answers": ("answers", NamedNode("http://purl.org/linked-data/cube#DataSet")),
    }
    for key, (name, kind) in subjects.items():
        node = NamedNode(f"urn:x:{key}")
        quads += [
            Quad(node, typ, kind, g),
            Quad(node, label, Literal(name), g),
            Quad(node, sha, Literal(key), g),
        ]
    answer = NamedNode("urn:x:answer")
    quads += [
        Quad(answer, typ, NamedNode(icgp + "SurveyResponse"), g),
        Quad(answer, NamedNode("http://purl.org/linked-data/cube#dataSet"), NamedNode("urn:x:answers"), g),
    ]

    def kept_sums(policy: Policy) -> list[str]:
        return sorted(
            q.object.value for q in _without_private_checksums(quads, quads, policy) if q.predicate == sha
        )

    everything = ["answers", "imported", "orgs", "qda", "responses", "segments"]
    assert kept_sums(Policy(public_quotes=True, public_responses=True)) == everything
    assert kept_sums(Policy(public_quotes=False, public_responses=True)) == ["answers", "orgs", "responses"]
    assert kept_sums(Policy(public_quotes=True, public_responses=False)) == ["orgs", "qda", "segments"]
    assert kept_sums(Policy()) == ["orgs"]
