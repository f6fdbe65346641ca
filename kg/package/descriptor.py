"""The ``datapackage.yaml`` descriptor of a study package: its fields and their checks.

The descriptor follows the Frictionless Data Package style (name, title, description, licenses,
contributors, resources) and adds the study's period, region, methods, language, base IRI and privacy
flags. Every problem with it is reported as a :class:`kg.problems.Problem` pointing at the line of the
field, so that a contributor sees all of them in one run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from kg.ontology.concepts import ConceptIndex
from kg.ontology.namespaces import DEFAULT_DATA_BASE
from kg.package.safe_input import is_safe_path
from kg.package.schemas import REQUIRED_TABLES, TABLES
from kg.problems import Problem, Severity

DESCRIPTOR = "datapackage.yaml"

_NAME = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
_NUTS = re.compile(r"^[A-Za-z]{2}[A-Za-z0-9]{0,3}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_HTTP_IRI = re.compile(r"^https?://[^\s/?#<>\"]+[^\s<>\"]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Descriptor fields ICGP reads, plus the Frictionless ones it tolerates without reading.
_KNOWN_FIELDS = (
    "name",
    "title",
    "description",
    "version",
    "licenses",
    "contributors",
    "period",
    "region",
    "methods",
    "language",
    "base",
    "public",
    "resources",
)
_TOLERATED_FIELDS = (
    "$schema",
    "profile",
    "id",
    "homepage",
    "keywords",
    "image",
    "created",
    "sources",
    "funding",
)


@dataclass(frozen=True)
class License:
    """A licence of the study data (Frictionless ``licenses`` entry)."""

    path: str
    name: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Contributor:
    """A person or organisation credited for the study (Frictionless ``contributors`` entry)."""

    title: str
    role: str | None = None
    organization: str | None = None
    email: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class Descriptor:
    """The study described by ``datapackage.yaml``, with defaults filled in.

    Fields that were missing or wrong hold a fallback (empty text, None); the descriptor problems say
    which. ``region`` is the NUTS code as written (upper-cased); ``raw`` is the parsed YAML mapping and
    ``lines`` the line of each top-level field (``key.sub`` for nested entries).
    """

    name: str
    title: str
    description: str | None = None
    version: str | None = None
    licenses: tuple[License, ...] = ()
    contributors: tuple[Contributor, ...] = ()
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    region: str | None = None
    methods: tuple[str, ...] = ()
    language: str | None = None
    base: str = DEFAULT_DATA_BASE
    public_quotes: bool = False
    public_responses: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)


def _closest(word: str, candidates: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def slugify(text: str) -> str:
    """A lowercase slug of ASCII letters and digits joined by ``-`` (empty if nothing is left)."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _text(value: Any) -> str | None:
    """A scalar as text (YAML reads ``version: 1.0`` as a number); None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value)
    return None


class _DescriptorChecker:
    def __init__(self, raw: dict[str, Any], lines: dict[str, int], files: tuple[str, ...]) -> None:
        self.raw = raw
        self.lines = lines
        self.files = files
        self.problems: list[Problem] = []
        self.table_files: dict[str, str] = {}

    def problem(
        self,
        rule: str,
        column: str,
        message: str,
        *,
        line_key: str | None = None,
        value: Any = None,
        expected: str | None = None,
        suggestion: str | None = None,
        severity: Severity = Severity.VIOLATION,
        file: str = DESCRIPTOR,
    ) -> None:
        row = self.lines.get(line_key or column) if file == DESCRIPTOR else None
        self.problems.append(
            Problem(
                severity,
                rule,
                message,
                file,
                row=row,
                column=column if file == DESCRIPTOR else None,
                value=None if value is None else str(value),
                expected=expected,
                suggestion=suggestion,
            )
        )

    def check(self) -> Descriptor:
        raw = self.raw
        for key in raw:
            if key in _KNOWN_FIELDS or key in _TOLERATED_FIELDS:
                continue
            close = _closest(key, _KNOWN_FIELDS)
            if close is not None and close not in raw:
                self.problem(
                    "package.descriptor",
                    key,
                    f"'{key}' is not a descriptor field ICGP reads; did you mean '{close}'?",
                    value=key,
                    expected="a descriptor field",
                    suggestion=close,
                    severity=Severity.WARNING,
                )
        name = self._name()
        title = self._required_text("title", "the study's title")
        description = self._optional_text("description")
        version = self._optional_text("version")
        licenses = self._licenses()
        contributors = self._contributors()
        start, end = self._period()
        region = self._region()
        methods = self._methods()
        language = self._language()
        base = self._base()
        quotes, responses = self._public()
        self._resources()
        return Descriptor(
            name=name,
            title=title,
            description=description,
            version=version,
            licenses=licenses,
            contributors=contributors,
            period_start=start,
            period_end=end,
            region=region,
            methods=methods,
            language=language,
            base=base,
            public_quotes=quotes,
            public_responses=responses,
            raw=raw,
            lines=self.lines,
        )

    def _name(self) -> str:
        value = self.raw.get("name")
        if value is None or value == "":
            self.problem(
                "package.descriptor",
                "name",
                "the descriptor has no name; add 'name:' with the study id, a lowercase slug such as "
                "rhine-neckar-i40 (it is used in IRIs)",
                expected="a lowercase slug",
            )
            return ""
        text = _text(value) or ""
        if not _NAME.match(text):
            fixed = slugify(text)
            self.problem(
                "package.descriptor",
                "name",
                f"name '{value}' is not a lowercase slug; use lowercase letters and digits joined by "
                "'-', '_' or '.'" + (f", e.g. '{fixed}'" if fixed else ""),
                value=value,
                expected="a lowercase slug",
                suggestion=fixed or None,
            )
        return text

    def _required_text(self, key: str, what: str) -> str:
        value = self.raw.get(key)
        text = _text(value)
        if value is None or text is None or not text.strip():
            self.problem(
                "package.descriptor",
                key,
                f"the descriptor has no {key}; add '{key}:' with {what}",
                value=None if value is None else value,
                expected="text",
            )
            return ""
        return text.strip()

    def _optional_text(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is None:
            return None
        text = _text(value)
        if text is None:
            self.problem(
                "package.descriptor",
                key,
                f"{key} must be text, not a {type(value).__name__}",
                value=value,
                expected="text",
            )
        return text

    def _licenses(self) -> tuple[License, ...]:
        value = self.raw.get("licenses")
        if not value:
            self.problem(
                "package.licence",
                "licenses",
                "the descriptor states no licence; add 'licenses:' with at least one entry that has a "
                "path, e.g. {name: CC-BY-4.0, path: https://creativecommons.org/licenses/by/4.0/}",
                expected="a list of licences",
            )
            return ()
        if not isinstance(value, list):
            self.problem(
                "package.licence",
                "licenses",
                "licenses must be a list of entries such as "
                "{name: CC-BY-4.0, path: https://creativecommons.org/licenses/by/4.0/}",
                expected="a list of licences",
            )
            return ()
        licenses = []
        for number, entry in enumerate(value, start=1):
            key = f"licenses.{number - 1}"
            if not isinstance(entry, dict):
                self.problem(
                    "package.licence",
                    "licenses",
                    f"licence {number} must be a mapping with name, path and title",
                    line_key=key,
                    value=entry,
                    expected="a mapping with a path IRI",
                )
                continue
            path = _text(entry.get("path"))
            if path is None or not _HTTP_IRI.match(path):
                self.problem(
                    "package.licence",
                    "licenses",
                    f"licence {number} needs a path with the licence's IRI, e.g. "
                    "https://creativecommons.org/licenses/by/4.0/",
                    line_key=key,
                    value=entry.get("path"),
                    expected="an http(s) IRI",
                )
                continue
            licenses.append(
                License(path=path, name=_text(entry.get("name")), title=_text(entry.get("title")))
            )
        return tuple(licenses)

    def _contributors(self) -> tuple[Contributor, ...]:
        value = self.raw.get("contributors")
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(
                "package.descriptor",
                "contributors",
                "contributors must be a list of entries such as {title: Jane Doe, role: author}",
                value=value,
                expected="a list of contributors",
            )
            return ()
        found = []
        for number, entry in enumerate(value, start=1):
            title = _text(entry.get("title")) if isinstance(entry, dict) else None
            if not isinstance(entry, dict) or not title:
                self.problem(
                    "package.descriptor",
                    "contributors",
                    f"contributor {number} needs a title (the person's or organisation's name)",
                    line_key=f"contributors.{number - 1}",
                    value=entry if not isinstance(entry, dict) else None,
                    expected="a mapping with a title",
                )
                continue
            found.append(
                Contributor(
                    title=title,
                    role=_text(entry.get("role")),
                    organization=_text(entry.get("organization")),
                    email=_text(entry.get("email")),
                    path=_text(entry.get("path")),
                )
            )
        return tuple(found)

    def _period(self) -> tuple[dt.date | None, dt.date | None]:
        value = self.raw.get("period")
        if value is None:
            return None, None
        if not isinstance(value, dict):
            self.problem(
                "package.descriptor",
                "period",
                "period must be a mapping {start: YYYY-MM-DD, end: YYYY-MM-DD}",
                value=value,
                expected="{start: date, end: date}",
            )
            return None, None
        dates: dict[str, dt.date | None] = {}
        for part in ("start", "end"):
            raw = value.get(part)
            dates[part] = None if raw is None else _as_date(raw)
            if raw is not None and dates[part] is None:
                self.problem(
                    "package.descriptor",
                    "period",
                    f"period {part} '{raw}' is not a date as YYYY-MM-DD",
                    line_key=f"period.{part}",
                    value=raw,
                    expected="a date as YYYY-MM-DD",
                )
        start, end = dates["start"], dates["end"]
        if start is not None and end is not None and end < start:
            self.problem(
                "package.descriptor",
                "period",
                f"period end {end.isoformat()} is before its start {start.isoformat()}",
                line_key="period.end",
                value=end.isoformat(),
                expected=f"a date on or after {start.isoformat()}",
            )
        return start, end

    def _region(self) -> str | None:
        value = self.raw.get("region")
        if value is None:
            return None
        text = _text(value)
        if text is None or not _NUTS.match(text.strip()):
            self.problem(
                "package.descriptor",
                "region",
                f"region '{value}' is not a NUTS code; give the NUTS 2024 code of the study region, "
                "e.g. DE12",
                value=value,
                expected="a NUTS 2024 code",
            )
            return None
        return text.strip().upper()

    def _methods(self) -> tuple[str, ...]:
        value = self.raw.get("methods")
        if value is None:
            return ()
        items = value if isinstance(value, list) else None
        texts = [_text(item) for item in items] if items is not None else []
        if items is None or any(not text for text in texts):
            self.problem(
                "package.descriptor",
                "methods",
                "methods must be a list of words, e.g. [focus-group, interview, survey]",
                value=value,
                expected="a list of methods",
            )
            return ()
        return tuple(text for text in texts if text)

    def _language(self) -> str | None:
        value = self.raw.get("language")
        if value is None:
            return None
        text = _text(value)
        if text is None or not _LANGUAGE.match(text):
            self.problem(
                "package.descriptor",
                "language",
                f"language '{value}' is not a BCP 47 language tag such as en or de-AT",
                value=value,
                expected="a BCP 47 language tag",
            )
            return None
        return text

    def _base(self) -> str:
        value = self.raw.get("base")
        if value is None:
            return DEFAULT_DATA_BASE
        text = _text(value)
        if text is None or not _HTTP_IRI.match(text) or not text.endswith(("/", "#")):
            self.problem(
                "package.descriptor",
                "base",
                f"base '{value}' must be an http(s) IRI ending in '/' or '#', e.g. {DEFAULT_DATA_BASE}",
                value=value,
                expected="an http(s) IRI ending in '/' or '#'",
            )
            return DEFAULT_DATA_BASE
        return text

    def _public(self) -> tuple[bool, bool]:
        value = self.raw.get("public")
        if value is None:
            return False, False
        if not isinstance(value, dict):
            self.problem(
                "package.descriptor",
                "public",
                "public must be a mapping {quotes: true|false, responses: true|false}",
                value=value,
                expected="{quotes: boolean, responses: boolean}",
            )
            return False, False
        flags = []
        for part in ("quotes", "responses"):
            flag = value.get(part, False)
            if not isinstance(flag, bool):
                self.problem(
                    "package.descriptor",
                    "public",
                    f"public {part} must be true or false, not '{flag}'",
                    line_key=f"public.{part}",
                    value=flag,
                    expected="true or false",
                )
                flag = False
            flags.append(flag)
        for key in value:
            if key not in ("quotes", "responses"):
                self.problem(
                    "package.descriptor",
                    "public",
                    f"public has an unknown entry '{key}'; only quotes and responses are read",
                    line_key=f"public.{key}",
                    value=key,
                    expected="quotes or responses",
                    severity=Severity.WARNING,
                )
        return flags[0], flags[1]

    def _resources(self) -> None:
        value = self.raw.get("resources")
        declared: dict[str, str] = {}
        if value is not None and not isinstance(value, list):
            self.problem(
                "package.resource",
                "resources",
                "resources must be a list of entries such as {name: organisations, path: organisations.csv}",
                value=value,
                expected="a list of resources",
            )
        for number, entry in enumerate(value if isinstance(value, list) else [], start=1):
            key = f"resources.{number - 1}"
            name = _text(entry.get("name")) if isinstance(entry, dict) else None
            path = _text(entry.get("path")) if isinstance(entry, dict) else None
            if name is None or path is None:
                self.problem(
                    "package.resource",
                    "resources",
                    f"resource {number} needs a name (the table) and a path (its file), "
                    "e.g. {name: organisations, path: organisations.csv}",
                    line_key=key,
                    expected="a mapping with name and path",
                )
                continue
            if name not in TABLES:
                close = _closest(name, TABLES)
                self.problem(
                    "package.resource",
                    "resources",
                    f"resource {number} names the table '{name}', which study packages do not have"
                    + (f"; did you mean '{close}'?" if close else f"; the tables are {', '.join(TABLES)}"),
                    line_key=key,
                    value=name,
                    expected="a study-package table",
                    suggestion=close,
                )
                continue
            if name in declared:
                self.problem(
                    "package.resource",
                    "resources",
                    f"the table '{name}' is listed twice in resources; keep one entry",
                    line_key=key,
                    value=name,
                    expected="each table once",
                )
                continue
            if not is_safe_path(path) or not path.lower().endswith(".csv"):
                self.problem(
                    "package.resource",
                    "resources",
                    f"resource '{name}' has the path '{path}'; give a .csv file inside the package, "
                    "relative to datapackage.yaml",
                    line_key=key,
                    value=path,
                    expected="a relative path to a .csv file",
                )
                continue
            declared[name] = PurePosixPath(path.replace("\\", "/")).as_posix()
        files = set(self.files)
        for table in TABLES:
            path = declared.get(table)
            if path is not None:
                if path in files:
                    self.table_files[table] = path
                else:
                    self.problem(
                        "package.missing-file",
                        "resources",
                        f"the resource '{table}' points to {path}, which is not in the package",
                        line_key=f"resources.{list(declared).index(table)}",
                        value=path,
                        expected="an existing file",
                    )
            elif f"{table}.csv" in files:
                self.table_files[table] = f"{table}.csv"
            elif table in REQUIRED_TABLES:
                self.problem(
                    "package.missing-file",
                    "",
                    f"{table}.csv is missing; every study package needs it",
                    file=f"{table}.csv",
                    expected="a file",
                )
        used = set(self.table_files.values())
        defaults = [f"{table}.csv" for table in TABLES if table not in self.table_files]
        for name in sorted(files):
            if "/" in name or not name.lower().endswith(".csv") or name in used:
                continue
            close = _closest(name, defaults)
            self.problem(
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


def check_descriptor(
    raw: dict[str, Any], lines: dict[str, int], files: tuple[str, ...]
) -> tuple[Descriptor, dict[str, str], list[Problem]]:
    """Check a parsed descriptor against the package's files.

    ``lines`` gives the line of each field (``key.sub`` for nested entries) and ``files`` every file in
    the package. Returns the descriptor with defaults filled in, each table's file, and the problems.
    """
    checker = _DescriptorChecker(raw, lines, files)
    descriptor = checker.check()
    return descriptor, checker.table_files, checker.problems


def check_region(descriptor: Descriptor, concepts: ConceptIndex) -> list[Problem]:
    """A problem if the descriptor's region is not a known NUTS code (needs the concept index)."""
    if descriptor.region is None or concepts.resolve("nuts", descriptor.region) is not None:
        return []
    close = [concepts.display(iri) for iri in concepts.suggest("nuts", descriptor.region)]
    suggestion = " or ".join(close) if close else None
    return [
        Problem(
            Severity.VIOLATION,
            "package.descriptor",
            f"region '{descriptor.region}' is not a known NUTS 2024 region"
            + (f"; did you mean {suggestion}?" if suggestion else ""),
            DESCRIPTOR,
            row=descriptor.lines.get("region"),
            column="region",
            value=descriptor.region,
            expected="a NUTS 2024 code",
            suggestion=suggestion,
        )
    ]
