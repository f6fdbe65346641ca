"""The problem record shared by every validation level (package, tables, graph).

A problem says what is wrong in plain language, which rule fired, how serious it is and where it came
from. Package and table problems point at ``file:row:column``; graph problems may use the file of the
RDF input and leave row and column empty; they also name the focus node, the result path, the SHACL
constraint component and the shape that produced them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How serious a problem is; a build refuses input with violations."""

    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for violations, 1 for warnings, 2 for infos (most serious first)."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, with its location and a way to fix it."""

    severity: Severity
    rule: str
    message: str
    file: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    suggestion: str | None = None
    focus: str | None = None
    path: str | None = None
    component: str | None = None
    shape: str | None = None

    @property
    def location(self) -> str:
        """``file:row:column``, leaving out the parts that are unknown."""
        parts = [self.file]
        if self.row is not None:
            parts.append(str(self.row))
        if self.column is not None:
            parts.append(self.column)
        return ":".join(parts)

    def sort_key(self) -> tuple[str, int, str, int, str, str, str]:
        """Order by file, row, column, then severity, rule and message (stable across runs)."""
        return (
            self.file,
            -1 if self.row is None else self.row,
            self.column or "",
            self.severity.rank,
            self.rule,
            self.value or "",
            self.message,
        )

    def as_dict(self) -> dict[str, str | int | None]:
        """A plain mapping for JSON or CSV output (severity as its string value)."""
        return {
            "severity": self.severity.value,
            "rule": self.rule,
            "message": self.message,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "expected": self.expected,
            "suggestion": self.suggestion,
            "focus": self.focus,
            "path": self.path,
            "component": self.component,
            "shape": self.shape,
        }


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in report order: by file, row, column, severity, rule, value and message."""
    return sorted(problems, key=Problem.sort_key)


def count_by_severity(problems: Iterable[Problem]) -> dict[Severity, int]:
    """How many problems there are of each severity (every severity present, zero if none)."""
    counts = dict.fromkeys(Severity, 0)
    for problem in problems:
        counts[problem.severity] += 1
    return counts


def has_violations(problems: Iterable[Problem]) -> bool:
    """True if any problem is a violation."""
    return any(problem.severity is Severity.VIOLATION for problem in problems)
