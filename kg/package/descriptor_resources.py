"""Check the ``resources`` list of a study package's descriptor and decide the file of each table.

A table's file is the one its ``resources`` entry names, else ``TABLE.csv`` at the top of the package.
:mod:`kg.package.descriptor_checks` runs :func:`table_files` after every other descriptor field and hands
it the function that records a problem, so the problems keep the order of the fields. The two small
value helpers (:func:`closest`, :func:`scalar_text`) live here because both modules need them and
this one must not import the checker.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any, Protocol

from kg.package.safe_input import is_safe_path
from kg.package.schemas import REQUIRED_TABLES, TABLES
from kg.problems import Severity


class Report(Protocol):
    """Records one problem with the descriptor, at the line of ``line_key`` (default: ``column``)."""

    def __call__(
        self,
        rule: str,
        column: str,
        message: str,
        *,
        line_key: str | None = ...,
        value: Any = ...,
        expected: str | None = ...,
        suggestion: str | None = ...,
        severity: Severity = ...,
        file: str = ...,
    ) -> None: ...


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to a (perhaps misspelt) word, or None if none is close."""
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def scalar_text(value: Any) -> str | None:
    """A scalar as text (YAML reads ``version: 1.0`` as a number); None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value)
    return None


def table_files(resources: Any, files: tuple[str, ...], report: Report) -> dict[str, str]:
    """Each table's file, from the descriptor's ``resources`` value and every file in the package.

    Malformed entries, files that do not exist, missing required tables and top-level CSV files that
    are no table's file are passed to ``report``, in that order.
    """
    declared = _declared_resources(resources, report)
    present = set(files)
    found = _match_tables(declared, present, report)
    _unknown_files(found, present, report)
    return found


def _declared_resources(value: Any, report: Report) -> dict[str, tuple[str, int]]:
    """The file each well-formed ``resources`` entry gives its table, with the entry's place in the list."""
    declared: dict[str, tuple[str, int]] = {}
    if value is not None and not isinstance(value, list):
        report(
            "package.resource",
            "resources",
            "resources must be a list of entries such as {name: organisations, path: organisations.csv}",
            value=value,
            expected="a list of resources",
        )
    for number, entry in enumerate(value if isinstance(value, list) else [], start=1):
        resource = _resource(number, entry, declared, report)
        if resource is not None:
            name, path = resource
            declared[name] = (PurePosixPath(path.replace("\\", "/")).as_posix(), number - 1)
    return declared


def _resource(
    number: int, entry: Any, declared: dict[str, tuple[str, int]], report: Report
) -> tuple[str, str] | None:
    """The table and path of one ``resources`` entry; None (and a problem) if it cannot be used."""
    key = f"resources.{number - 1}"
    name = scalar_text(entry.get("name")) if isinstance(entry, dict) else None
    path = scalar_text(entry.get("path")) if isinstance(entry, dict) else None
    if name is None or path is None:
        report(
            "package.resource",
            "resources",
            f"resource {number} needs a name (the table) and a path (its file), "
            "e.g. {name: organisations, path: organisations.csv}",
            line_key=key,
            expected="a mapping with name and path",
        )
        return None
    if name not in TABLES:
        close = closest(name, TABLES)
        report(
            "package.resource",
            "resources",
            f"resource {number} names the table '{name}', which study packages do not have"
            + (f"; did you mean '{close}'?" if close else f"; the tables are {', '.join(TABLES)}"),
            line_key=key,
            value=name,
            expected="a study-package table",
            suggestion=close,
        )
        return None
    if name in declared:
        report(
            "package.resource",
            "resources",
            f"the table '{name}' is listed twice in resources; keep one entry",
            line_key=key,
            value=name,
            expected="each table once",
        )
        return None
    if not is_safe_path(path) or not path.lower().endswith(".csv"):
        report(
            "package.resource",
            "resources",
            f"resource '{name}' has the path '{path}'; give a .csv file inside the package, "
            "relative to datapackage.yaml",
            line_key=key,
            value=path,
            expected="a relative path to a .csv file",
        )
        return None
    return name, path


def _match_tables(declared: dict[str, tuple[str, int]], files: set[str], report: Report) -> dict[str, str]:
    """Each table's file: the declared one if it exists, else ``TABLE.csv``; required tables need one."""
    found: dict[str, str] = {}
    for table in TABLES:
        if table in declared:
            path, position = declared[table]
            if path in files:
                found[table] = path
            else:
                report(
                    "package.missing-file",
                    "resources",
                    f"the resource '{table}' points to {path}, which is not in the package",
                    # The entry's own place in the list: rejected entries before it still count.
                    line_key=f"resources.{position}",
                    value=path,
                    expected="an existing file",
                )
        elif f"{table}.csv" in files:
            found[table] = f"{table}.csv"
        elif table in REQUIRED_TABLES:
            report(
                "package.missing-file",
                "",
                f"{table}.csv is missing; every study package needs it",
                file=f"{table}.csv",
                expected="a file",
            )
    return found


def _unknown_files(found: dict[str, str], files: set[str], report: Report) -> None:
    """A warning for each top-level CSV file that is no table's file (perhaps a misspelt name)."""
    used = set(found.values())
    defaults = [f"{table}.csv" for table in TABLES if table not in found]
    for name in sorted(files):
        if "/" in name or not name.lower().endswith(".csv") or name in used:
            continue
        close = closest(name, defaults)
        report(
            "package.unknown-file",
            "",
            f"{name} is not a table of a study package and is ignored"
            + (f"; did you mean {close}?" if close else ""),
            file=name,
            value=name,
            expected="a table file such as organisations.csv",
            suggestion=close,
            severity=Severity.WARNING,
        )
