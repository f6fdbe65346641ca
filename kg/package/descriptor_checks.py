"""Check the parsed ``datapackage.yaml`` of a study package and read it into a :class:`Descriptor`.

Every problem with the descriptor is reported as a :class:`kg.problems.Problem` pointing at the line of
the field, so that a contributor sees all of them in one run. The resources are checked last, by
:mod:`kg.package.descriptor_resources`: they decide which file holds each table. Whether the region is a
known NUTS code needs the vocabularies and is checked separately (:func:`check_region`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from kg.ontology.concepts import ConceptIndex
from kg.ontology.namespaces import DEFAULT_DATA_BASE
from kg.package.cells import iri_fault
from kg.package.descriptor import DESCRIPTOR, Contributor, Descriptor, License, slugify
from kg.package.descriptor_resources import closest, scalar_text, table_files
from kg.package.regions import EXPECTED as REGION_EXPECTED
from kg.package.regions import REGION_PATTERN, region_hint, resolve_region
from kg.problems import Problem, Severity

_NAME = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
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


# Longest text each descriptor field may hold, in characters. The study name and other ids end up in
# every IRI of the study, so a long one multiplies the size (and the memory) of everything built from
# it; they are bounded before any other check reads them. Fields not listed take MAX_TEXT_CHARS.
MAX_ID_CHARS = 200
"""Longest name, version, region, language and resource name or schema."""
MAX_IRI_CHARS = 2_000
"""Longest IRI (base, a licence's or contributor's path, a resource's path)."""
MAX_TEXT_CHARS = 1_000
"""Longest other text (title, licence and contributor fields, methods)."""
MAX_DESCRIPTION_CHARS = 100_000
"""Longest description."""
_LIMITS = {
    "name": MAX_ID_CHARS,
    "version": MAX_ID_CHARS,
    "region": MAX_ID_CHARS,
    "language": MAX_ID_CHARS,
    "base": MAX_IRI_CHARS,
    "path": MAX_IRI_CHARS,
    "schema": MAX_ID_CHARS,
    "description": MAX_DESCRIPTION_CHARS,
}


def _too_long(raw: dict[str, Any]) -> list[tuple[str, int, int]]:
    """Every text in the descriptor longer than its key allows, as (key path, length, limit).

    Walks the parsed YAML with a stack; the reader has already bounded its depth and refused aliases.
    Keys are matched on their last part, so ``resources.0.name`` is an id like ``name``.
    """
    found: list[tuple[str, int, int]] = []
    stack: list[tuple[str, Any]] = [(str(key), value) for key, value in raw.items()]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{path}.{key}", item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}.{number}", item) for number, item in enumerate(value))
        elif isinstance(value, str):
            last = path.rsplit(".", 1)[-1]
            limit = _LIMITS.get(last, MAX_TEXT_CHARS)
            if last.isdigit() or path.startswith("description."):
                limit = MAX_TEXT_CHARS
            if len(value) > limit:
                found.append((path, len(value), limit))
    return sorted(found)


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


class _DescriptorChecker:
    """Checks one descriptor field by field, collecting the problems and the file of each table."""

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
        if self._lengths():
            # Nothing else is read from a descriptor with an oversized text: the checks and the build
            # would each copy it many times over.
            return Descriptor(name="", title="", raw=self.raw, lines=self.lines)
        self._unknown_fields()
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
        quotes, responses, contacts = self._public()
        self.table_files = table_files(self.raw.get("resources"), self.files, self.problem)
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
            public_contacts=contacts,
            raw=self.raw,
            lines=self.lines,
        )

    def _lengths(self) -> bool:
        """A problem for each text longer than its field allows; True if there was one."""
        long = _too_long(self.raw)
        for path, length, limit in long:
            top = path.split(".", 1)[0]
            self.problem(
                "package.descriptor",
                top,
                f"{path} has {length} characters, more than the {limit} ICGP reads for it; shorten it",
                line_key=path if path in self.lines else top,
                value=f"{length} characters",
                expected=f"at most {limit} characters",
            )
        return bool(long)

    def _unknown_fields(self) -> None:
        """A warning for each field that looks like a misspelt field ICGP reads."""
        for key in self.raw:
            if key in _KNOWN_FIELDS or key in _TOLERATED_FIELDS:
                continue
            close = closest(key, _KNOWN_FIELDS)
            if close is not None and close not in self.raw:
                self.problem(
                    "package.descriptor",
                    key,
                    f"'{key}' is not a descriptor field ICGP reads; did you mean '{close}'?",
                    value=key,
                    expected="a descriptor field",
                    suggestion=close,
                    severity=Severity.WARNING,
                )

    # -- identity and text fields --

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
        text = scalar_text(value) or ""
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
        text = scalar_text(value)
        if value is None or text is None or not text.strip():
            self.problem(
                "package.descriptor",
                key,
                f"the descriptor has no {key}; add '{key}:' with {what}",
                value=value,
                expected="text",
            )
            return ""
        return text.strip()

    def _optional_text(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is None:
            return None
        text = scalar_text(value)
        if text is None:
            self.problem(
                "package.descriptor",
                key,
                f"{key} must be text, not a {type(value).__name__}",
                value=value,
                expected="text",
            )
        return text

    def _methods(self) -> tuple[str, ...]:
        value = self.raw.get("methods")
        if value is None:
            return ()
        items = value if isinstance(value, list) else None
        texts = [scalar_text(item) for item in items] if items is not None else []
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
        text = scalar_text(value)
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
        text = scalar_text(value)
        if text is None or not _HTTP_IRI.match(text) or not text.endswith(("/", "#")):
            self.problem(
                "package.descriptor",
                "base",
                f"base '{value}' must be an http(s) IRI ending in '/' or '#', e.g. {DEFAULT_DATA_BASE}",
                value=value,
                expected="an http(s) IRI ending in '/' or '#'",
            )
            return DEFAULT_DATA_BASE
        fault = iri_fault(text)
        if fault is not None:
            self.problem(
                "package.descriptor",
                "base",
                f"base '{text}' {fault}; every IRI of the study starts with it, so correct it "
                "(percent-encode such characters)",
                value=text,
                expected="a valid http(s) IRI ending in '/' or '#'",
            )
            return DEFAULT_DATA_BASE
        return text

    # -- licence and contributors --

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
        found = (self._license(number, entry) for number, entry in enumerate(value, start=1))
        return tuple(item for item in found if item is not None)

    def _license(self, number: int, entry: Any) -> License | None:
        """The licence of one ``licenses`` entry; None (and a problem) if it has no IRI."""
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
            return None
        path = scalar_text(entry.get("path"))
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
            return None
        fault = iri_fault(path)
        if fault is not None:
            self.problem(
                "package.licence",
                "licenses",
                f"licenses.{number - 1}.path '{path}' {fault}; give the licence's IRI, e.g. "
                "https://creativecommons.org/licenses/by/4.0/",
                line_key=key,
                value=path,
                expected="a valid http(s) IRI",
            )
            return None
        return License(path=path, name=scalar_text(entry.get("name")), title=scalar_text(entry.get("title")))

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
        found = (self._contributor(number, entry) for number, entry in enumerate(value, start=1))
        return tuple(item for item in found if item is not None)

    def _contributor(self, number: int, entry: Any) -> Contributor | None:
        """The contributor of one ``contributors`` entry; None (and a problem) if it has no title."""
        title = scalar_text(entry.get("title")) if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not title:
            self.problem(
                "package.descriptor",
                "contributors",
                f"contributor {number} needs a title (the person's or organisation's name)",
                line_key=f"contributors.{number - 1}",
                value=entry if not isinstance(entry, dict) else None,
                expected="a mapping with a title",
            )
            return None
        return Contributor(
            title=title,
            role=scalar_text(entry.get("role")),
            organization=scalar_text(entry.get("organization")),
            email=scalar_text(entry.get("email")),
            path=scalar_text(entry.get("path")),
        )

    # -- period and region --

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
        start = self._period_date(value, "start")
        end = self._period_date(value, "end")
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

    def _period_date(self, period: dict[str, Any], part: str) -> dt.date | None:
        """The ``start`` or ``end`` date of the period; None if absent or (with a problem) not a date."""
        raw = period.get(part)
        date = None if raw is None else _as_date(raw)
        if raw is not None and date is None:
            # PyYAML hands an impossible date such as 2020-02-30 over as text (see the reader).
            real = isinstance(raw, str) and _ISO_DATE.match(raw)
            self.problem(
                "package.descriptor",
                "period",
                f"period.{part} '{raw}' is not "
                + ("a real calendar date" if real else "a date as YYYY-MM-DD"),
                line_key=f"period.{part}",
                value=raw,
                expected="a date as YYYY-MM-DD",
            )
        return date

    def _region(self) -> str | None:
        value = self.raw.get("region")
        if value is None:
            return None
        text = scalar_text(value)
        if text is not None and not text.strip():
            # An empty region is an unknown one, as in the tables.
            return None
        if text is None or not REGION_PATTERN.match(text.strip()):
            self.problem(
                "package.descriptor",
                "region",
                f"region '{value}' is not a region code; give the code of the study region: "
                "a NUTS 2024 code (e.g. DE12), an ISO 3166-1 country (e.g. FR) or an ISO 3166-2 "
                "subdivision (e.g. US-CA)",
                value=value,
                expected=REGION_EXPECTED,
            )
            return None
        return text.strip().upper()

    # -- privacy flags --

    def _public(self) -> tuple[bool, bool, bool]:
        value = self.raw.get("public")
        if value is None:
            return False, False, False
        if not isinstance(value, dict):
            self.problem(
                "package.descriptor",
                "public",
                "public must be a mapping {quotes: true|false, responses: true|false, contacts: true|false}",
                value=value,
                expected="{quotes: boolean, responses: boolean, contacts: boolean}",
            )
            return False, False, False
        quotes = self._public_flag(value, "quotes")
        responses = self._public_flag(value, "responses")
        contacts = self._public_flag(value, "contacts")
        for key in value:
            if key not in ("quotes", "responses", "contacts"):
                self.problem(
                    "package.descriptor",
                    "public",
                    f"public has an unknown entry '{key}'; only quotes, responses and contacts are read",
                    line_key=f"public.{key}",
                    value=key,
                    expected="quotes, responses or contacts",
                    severity=Severity.WARNING,
                )
        return quotes, responses, contacts

    def _public_flag(self, public: dict[str, Any], part: str) -> bool:
        """The ``quotes``, ``responses`` or ``contacts`` flag: False if absent or (reported) not a boolean."""
        flag = public.get(part, False)
        if not isinstance(flag, bool):
            self.problem(
                "package.descriptor",
                "public",
                f"public {part} must be true or false, not '{flag}'",
                line_key=f"public.{part}",
                value=flag,
                expected="true or false",
            )
            return False
        return flag


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
    """A problem if the descriptor's region is not a known region code (needs the concept index)."""
    if descriptor.region is None or resolve_region(concepts, descriptor.region) is not None:
        return []
    suggestion = region_hint(concepts, descriptor.region)
    return [
        Problem(
            Severity.VIOLATION,
            "package.descriptor",
            f"region '{descriptor.region}' is not a known NUTS 2024 or ISO 3166 region code"
            + (f"; did you mean {suggestion}?" if suggestion else ""),
            DESCRIPTOR,
            row=descriptor.lines.get("region"),
            column="region",
            value=descriptor.region,
            expected=REGION_EXPECTED,
            suggestion=suggestion,
        )
    ]
