"""The plain Python records a REFI-QDA project or codebook is read into.

:mod:`kg.importers.refiqda_xml` fills them from the XML (offsets already converted to code points);
:mod:`kg.importers.refiqda_rdf` and :mod:`kg.importers.refiqda_mapping` read them. They reference one
another by REFI GUID (a coding's ``code``, a case's ``sources``), except a code's ``parent``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.importers.refiqda_offsets import CODEPOINTS

PATH_SEPARATOR = " > "
"""Joins the names of a code and its ancestors into the code path (``skos:notation``)."""


@dataclass
class Code:
    """A code of the codebook, with its path of names from the top."""

    guid: str
    name: str
    path: tuple[str, ...]
    is_codable: bool
    description: str | None
    parent: Code | None
    segments: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The code path, e.g. ``rq1_definition > concepts > algorithms``."""
        return PATH_SEPARATOR.join(self.path)


@dataclass
class Coding:
    """One application of a code, by a user."""

    code: str
    user: str | None
    created: str | None


@dataclass
class Selection:
    """A plain-text selection (character offsets) with its codings."""

    guid: str
    name: str | None
    start: int
    end: int
    codings: list[Coding]
    created: str | None


@dataclass
class VariableValue:
    """The value of a case or source variable, with its XSD datatype."""

    variable: str
    value: str
    datatype: str


@dataclass
class Source:
    """A source document: its name, plain text if available, selections and document-level codings."""

    guid: str
    name: str
    kind: str
    text: str | None
    selections: list[Selection]
    codings: list[Coding]
    variables: list[VariableValue]
    other_selections: int


@dataclass
class Variable:
    """A case or source variable declared by the project."""

    guid: str
    name: str
    datatype: str
    description: str | None


@dataclass
class Case:
    """A case: a unit of analysis with codes, sources, selections and variable values."""

    guid: str
    name: str
    description: str | None
    codes: list[str]
    sources: list[str]
    selections: list[str]
    variables: list[VariableValue]


@dataclass
class MemberSet:
    """A set (group) of codes and/or sources."""

    guid: str
    name: str
    description: str | None
    codes: list[str]
    sources: list[str]


@dataclass
class Project:
    """What was read from a project or codebook file."""

    name: str
    origin: str | None
    created: str | None
    modified: str | None
    users: dict[str, str]
    codes: list[Code]
    sources: list[Source] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    sets: list[MemberSet] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    offsets: str = CODEPOINTS
    """The unit the selection offsets were read in; the records hold code points whatever it was."""


def code_paths(codes: Iterable[Code]) -> list[str]:
    """The code paths of some codes, in order (for reports and tests)."""
    return [code.key for code in codes]
