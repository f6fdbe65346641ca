"""Run ``icgp`` on every hostile input listed in ``tests/fixtures/hostile/*/cases.yaml`` (issue 13).

Each area folder holds its input files and a ``cases.yaml``: a list of cases with ``id``, ``args``
(``{here}`` is the area folder, ``{tmp}`` a fresh empty folder per case), ``expect`` (a case-insensitive
part of the message on stderr), ``code`` (default 2) and ``one_line`` (default true: stderr is exactly one
line, starting with ``error:``). A case may not pass silently: every file is checked for unknown keys,
missing ones and duplicate ids before any case runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_runner import CliRunner

from cli import app

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
CASE_FILES = sorted(HOSTILE.glob("*/cases.yaml"))
KEYS = {"id", "args", "expect", "code", "one_line"}
REQUIRED = {"id", "args", "expect"}

runner = CliRunner()


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _cases() -> list[Any]:
    params = []
    for path in CASE_FILES:
        area = path.parent.name
        cases = _load(path)
        for case in cases if isinstance(cases, list) else []:
            if isinstance(case, dict) and "id" in case:
                params.append(pytest.param(path.parent, case, id=f"{area}/{case['id']}"))
    return params


def _problems_of(path: Path) -> list[str]:
    """What is wrong with one cases.yaml (empty when every case is well formed)."""
    cases = _load(path)
    if not isinstance(cases, list) or not cases:
        return [f"{path}: must be a non-empty list of cases"]
    problems = []
    seen: set[str] = set()
    for number, case in enumerate(cases, 1):
        where = f"{path.parent.name} case {number}"
        if not isinstance(case, dict):
            problems.append(f"{where}: not a mapping")
            continue
        if unknown := sorted(set(case) - KEYS):
            problems.append(f"{where}: unknown keys {unknown}")
        if missing := sorted(REQUIRED - set(case)):
            problems.append(f"{where}: missing keys {missing}")
        case_id = case.get("id")
        if not isinstance(case_id, str) or not case_id:
            problems.append(f"{where}: id must be a non-empty string")
        elif case_id in seen:
            problems.append(f"{where}: duplicate id {case_id!r}")
        else:
            seen.add(case_id)
        args = case.get("args")
        if not isinstance(args, list) or not args or not all(isinstance(a, (str, int)) for a in args):
            problems.append(f"{where}: args must be a non-empty list of strings")
        if "expect" in case and (not isinstance(case["expect"], str) or not case["expect"].strip()):
            problems.append(f"{where}: expect must be a non-empty string")
        if "code" in case and (not isinstance(case["code"], int) or isinstance(case["code"], bool)):
            problems.append(f"{where}: code must be an integer")
        if "one_line" in case and not isinstance(case["one_line"], bool):
            problems.append(f"{where}: one_line must be true or false")
    return problems


def test_corpus_is_not_empty() -> None:
    assert CASE_FILES, f"no cases.yaml under {HOSTILE}"


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.parent.name)
def test_cases_file_is_well_formed(path: Path) -> None:
    assert _problems_of(path) == []


def test_the_checker_catches_typos(tmp_path: Path) -> None:
    bad = tmp_path / "area" / "cases.yaml"
    bad.parent.mkdir()
    bad.write_text(
        "- {id: a, args: [build], expect: x, exepct: y}\n"
        "- {id: a, args: [build], expect: x}\n"
        "- {id: b, args: [], code: '2', one_line: 1}\n",
        encoding="utf-8",
    )
    assert _problems_of(bad) == [
        "area case 1: unknown keys ['exepct']",
        "area case 2: duplicate id 'a'",
        "area case 3: missing keys ['expect']",
        "area case 3: args must be a non-empty list of strings",
        "area case 3: code must be an integer",
        "area case 3: one_line must be true or false",
    ]


@pytest.mark.parametrize(("here", "case"), _cases())
def test_hostile_case(here: Path, case: dict[str, Any], tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    args = [str(a).replace("{here}", str(here)).replace("{tmp}", str(scratch)) for a in case["args"]]
    result = runner.invoke(app, args, catch_exceptions=True)
    shown = f"args: {args}\nexit: {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"icgp raised instead of reporting\n{shown}") from result.exception
    assert "Traceback" not in result.output and "Traceback" not in result.stderr, shown
    assert result.exit_code == case.get("code", 2), shown
    assert case["expect"].lower() in result.stderr.lower(), shown
    if case.get("one_line", True):
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), shown
