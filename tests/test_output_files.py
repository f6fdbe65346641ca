"""Files ICGP writes: ordinary permissions, no folders made up for a mistyped path, honest headers."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from cli_runner import CliRunner

from cli import app
from kg.errors import InputError
from kg.files import write_atomically
from kg.importers.target import open_target, write_import
from kg.ontology import resources

runner = CliRunner()
MINI = Path(__file__).parent / "fixtures" / "build" / "mini"


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_files_get_the_mode_an_ordinary_open_gives(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "out.ttl"
    write_atomically(target, "x")
    assert mode(target) == 0o644
    os.umask(0o077)
    private = tmp_path / "private.ttl"
    write_atomically(private, b"x")
    assert mode(private) == 0o600
    assert private.read_bytes() == b"x"


def test_exports_and_reports_are_readable_by_others(tmp_path: Path, umask_022: None) -> None:
    export = tmp_path / "mini.ttl"
    report = tmp_path / "report.json"
    assert runner.invoke(app, ["export", str(MINI), "-o", str(export)]).exit_code == 0
    assert runner.invoke(app, ["validate", str(MINI), "--format", "json", "-o", str(report)]).exit_code == 0
    answer = tmp_path / "answer.csv"
    result = runner.invoke(
        app, ["query", "run", "clusters_overview", "--package", str(MINI), "-f", "csv", "-o", str(answer)]
    )
    assert result.exit_code == 0, result.output
    assert {p.name: mode(p) for p in (export, report, answer)} == {
        "mini.ttl": 0o644,
        "report.json": 0o644,
        "answer.csv": 0o644,
    }


def test_imported_rdf_files_are_readable_by_others(tmp_path: Path, umask_022: None) -> None:
    package = tmp_path / "mini"
    shutil.copytree(MINI, package)
    path = write_import(open_target(package), "extra.ttl", b"", "test import")
    assert path == package / "imports" / "extra.ttl"
    assert mode(path) == 0o644


@pytest.mark.parametrize(
    "command",
    [
        ["export", str(MINI), "-o", "{out}"],
        ["validate", str(MINI), "--format", "json", "-o", "{out}"],
        ["query", "run", "clusters_overview", "--package", str(MINI), "-o", "{out}"],
        ["diff", str(MINI), str(MINI), "-o", "{out}"],
    ],
    ids=["export", "validate", "query", "diff"],
)
def test_a_missing_output_folder_is_refused_not_created(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "no" / "such"
    args = [part.replace("{out}", str(missing / "x.out")) for part in command]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert f"the folder {missing} does not exist" in result.output
    assert not (tmp_path / "no").exists()


def test_a_release_into_a_missing_parent_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "no" / "release"
    result = runner.invoke(app, ["release", str(MINI), "--out", str(out), "--version", "1.0.0"])
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.output
    assert not (tmp_path / "no").exists()


def test_write_atomically_names_the_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="create it first"):
        write_atomically(tmp_path / "gone" / "x.ttl", "x")


def test_the_team_agent_has_a_label() -> None:
    graph = rdflib.Graph().parse(resources.ontology_file())
    team = rdflib.URIRef("https://w3id.org/icgp/team")
    assert list(graph.objects(team, rdflib.RDFS.label)) == [rdflib.Literal("ICGP developers", lang="en")]


# /proc exists but no file can be made in it, even by root: a folder that refuses writes.
UNWRITABLE = Path("/proc")


@pytest.mark.skipif(not UNWRITABLE.is_dir(), reason="needs Linux's /proc as a folder that refuses writes")
@pytest.mark.parametrize(
    "command",
    [
        ["export", str(MINI), "-o", "/proc/x.ttl"],
        ["build", str(MINI), "-o", "/proc/x.ttl"],
        ["diff", str(MINI), str(MINI), "-o", "/proc/x.md"],
        ["validate", str(MINI), "-o", "/proc/x.txt"],
        ["release", str(MINI), "--out", "/proc/release", "--version", "1.0.0"],
    ],
    ids=["export", "build", "diff", "validate", "release"],
)
def test_a_folder_that_refuses_writes_gives_a_message_not_a_traceback(command: list[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 2, result.output
    assert "error: cannot write " in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
