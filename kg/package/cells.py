"""Parse and check single cells of study-package tables: types, patterns, ranges and concepts.

Each column of a Table Schema gets a converter that turns a cell into its value (int, float, date,
concept IRI, list...) or raises :class:`CellError` with what the report needs: the rule, the reason,
what was expected and, where one exists, the closest valid value.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode

from kg.ontology.concepts import ConceptIndex
from kg.package.regions import EXPECTED as REGION_EXPECTED
from kg.package.regions import REGION_PATTERN, region_hint, resolve_region
from kg.package.schemas import FieldSpec
from kg.problems import Severity

# What a concept of each scheme is called in messages.
SCHEME_NOUNS: dict[str, str] = {
    "actor": "actor type",
    "size": "enterprise size class",
    "i40t": "Industry 4.0 technology",
    "cb": "capacity-building activity type",
    "factor": "code of the ICGP coding frame",
    "lifecycle": "cluster life-cycle stage",
    "excellence-label": "cluster excellence label",
    "role": "membership role",
    "interaction": "interaction type",
    "linkage": "linkage kind",
    "adoption-status": "adoption status",
    "participation-role": "participation role",
    "source-kind": "source kind",
    "polarity": "polarity",
    "dma": "DMA dimension",
    "acatech": "acatech maturity stage",
    "nuts": "region",
}

# The icgp:scheme that marks a region column. Its name predates ISO 3166 regions and stays, so that
# existing table schemas and packages keep working; see kg.package.regions.
REGION_SCHEME = "nuts"

# Suggestions cost a fuzzy search; past this many distinct wrong values in one column, none are offered.
SUGGESTION_BUDGET = 500
# Reference tables larger than this are searched for suggestions by single-edit neighbours only.
_FUZZY_LIMIT = 2000

# Whole numbers in a table (head counts, founding years, scale ends) have at most this many digits:
# 18 digits always fit a signed 64-bit integer, and a bound keeps Python's int() (which refuses strings
# past 4,300 digits and is slow well before) away from hostile cells.
MAX_INTEGER_DIGITS = 18
# A decimal number's text is bounded for the same reason (float() accepts any length).
MAX_NUMBER_CHARS = 64

_INTEGER = re.compile(rf"^[+-]?[0-9]{{1,{MAX_INTEGER_DIGITS}}}$")
_DIGITS = re.compile(r"^[+-]?[0-9]+$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_YEAR = re.compile(r"^[0-9]{4}$")
_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_DAY_FIRST = re.compile(r"^([0-9]{1,2})[./]([0-9]{1,2})[./]([0-9]{4})$")
_SLASHED = re.compile(r"^([0-9]{4})[/.]([0-9]{1,2})[/.]([0-9]{1,2})$")
_URL = re.compile(r"^https?://[^\s/?#<>\"]+[^\s<>\"]*$")
_SCALE = re.compile(rf"^(-?[0-9]{{1,{MAX_INTEGER_DIGITS}}})-(-?[0-9]{{1,{MAX_INTEGER_DIGITS}}})$")
_WIKIDATA_URL = re.compile(r"^https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/(Q[0-9]+)$")
_TRUE = frozenset({"true", "yes", "1"})
# xsd:gYear and xsd:date as ICGP writes them have no year 0 (and no years before it).
_NO_YEAR_ZERO = "has year 0000; the calendar has no year 0, so write a year from 0001 on"
_FALSE = frozenset({"false", "no", "0"})


# RFC 3987 allows these ASCII characters nowhere in an IRI (besides controls and space, which _CONTROL
# and the URL pattern catch): they must be percent-encoded.
_IRI_FORBIDDEN_ASCII = frozenset('<>"{}|\\^`')
# Non-ASCII code points an IRI may hold (RFC 3987 ``ucschar``); ``iprivate`` ones only in the query.
_UCSCHAR = (
    (0xA0, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFEF),
    *((plane << 16, (plane << 16) + 0xFFFD) for plane in range(1, 14)),
    (0xE1000, 0xEFFFD),
)
_IPRIVATE = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _within(code: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _iri_character_fault(text: str) -> str | None:
    """Why ``text`` holds a character or escape no IRI may hold (RFC 3987), or None.

    Checks what makes an RDF writer refuse an IRI: a ``%`` not followed by two hex digits, ASCII
    characters an IRI may not hold (space, controls, ``<>"{}|\\^```), and code points outside the
    allowed Unicode ranges (non-characters such as U+FFFE or U+FDD0, tag characters U+E0000..E0FFF,
    surrogates, C1 controls, private use outside the query). Anything else wrong with its structure
    (a port that is not a number, a second ``#``) is left to :func:`iri_fault`.
    """
    bad = _PERCENT.search(text)
    if bad is not None:
        return f"has a '%' at position {bad.start() + 1} that is not followed by two hex digits"
    query = text.find("?")
    for position, char in enumerate(text):
        code = ord(char)
        if code < 0x80:
            if code <= 0x20 or code == 0x7F or char in _IRI_FORBIDDEN_ASCII:
                shown = repr(char) if 0x20 < code < 0x7F else f"U+{code:04X}"
                return f"has the character {shown} at position {position + 1}, which an IRI may not hold"
        elif not _within(code, _UCSCHAR) and not (0 <= query < position and _within(code, _IPRIVATE)):
            return (
                f"has the code point U+{code:04X} at position {position + 1}, which an IRI may not hold "
                "(a non-character, tag, control or private-use code point)"
            )
    return None


def iri_fault(text: str) -> str | None:
    """Why ``text`` is not a valid IRI (RFC 3987), or None if it is one.

    The characters and escapes are checked here, for a message that points at the culprit; the
    structure (scheme, host, port, one fragment) by the RDF library's own parser, whose refusal would
    otherwise surface as a crash while the graph is built.
    """
    fault = _iri_character_fault(text)
    if fault is not None:
        return fault
    try:
        NamedNode(text)
    except ValueError as exc:
        # The parser's message names the offending part; keep only printable characters of it.
        return f"is not a valid IRI ({str(exc).encode('ascii', 'backslashreplace').decode()})"
    return None


class CellError(Exception):
    """A cell that does not fit its column; carries what the report needs."""

    def __init__(
        self,
        rule: str,
        reason: str,
        expected: str,
        suggestion: str | None = None,
        value: str | None = None,
        severity: Severity = Severity.VIOLATION,
    ) -> None:
        super().__init__(reason)
        self.rule = rule
        self.reason = reason
        self.expected = expected
        self.suggestion = suggestion
        self.value = value
        self.severity = severity


def quoted(values: Sequence[str]) -> str:
    """Values in single quotes, joined by 'or' (for messages)."""
    return " or ".join(f"'{value}'" for value in values)


class Nearest:
    """Closest existing ids for a wrong reference: same text in another case, else close spellings.

    Small id sets are searched with difflib. Large ones (tens of thousands of organisations) would make
    that slow, so they are indexed once by single-character deletions, which finds every id one edit
    away (a typo, a missing or extra character, two swapped characters) with dictionary lookups.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        self._keys = sorted(keys)
        self._folded: dict[str, str] | None = None
        self._deletions: dict[str, list[str]] | None = None

    def suggest(self, value: str, n: int = 3) -> list[str]:
        if self._folded is None:
            self._folded = {}
            for key in self._keys:
                self._folded.setdefault(key.casefold(), key)
        same = self._folded.get(value.casefold())
        if same is not None:
            return [same]
        if len(self._keys) <= _FUZZY_LIMIT:
            return difflib.get_close_matches(value, self._keys, n=n, cutoff=0.6)
        if self._deletions is None:
            self._deletions = {}
            for key in self._keys:
                for variant in _deletions(key.casefold()):
                    self._deletions.setdefault(variant, []).append(key)
        found: set[str] = set()
        for variant in _deletions(value.casefold()):
            found.update(self._deletions.get(variant, ()))
        ranked = sorted(found, key=lambda key: (-difflib.SequenceMatcher(None, value, key).ratio(), key))
        return ranked[:n]


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


# --- cell converters -------------------------------------------------------------------------------

Converter = Callable[[str], object]


@dataclass
class Column:
    """A schema column bound to its position in the file and to a converter for its cells."""

    spec: FieldSpec
    index: int | None
    convert: Converter
    default: object = None


def _integer(spec: FieldSpec) -> Converter:
    low, high = spec.minimum, spec.maximum

    def convert(cell: str) -> object:
        if not _INTEGER.match(cell):
            if _DIGITS.match(cell):
                raise CellError(
                    "table.range",
                    f"has {len(cell.lstrip('+-'))} digits, more than the {MAX_INTEGER_DIGITS} a whole "
                    "number may have here; check the cell",
                    f"a whole number of at most {MAX_INTEGER_DIGITS} digits",
                )
            raise CellError("table.type", "is not a whole number", "a whole number such as 42")
        number = int(cell)
        _check_range(number, low, high)
        return number

    return convert


def _number(spec: FieldSpec) -> Converter:
    low, high = spec.minimum, spec.maximum

    def convert(cell: str) -> object:
        if not _NUMBER.match(cell):
            hint = f"; use '.' as the decimal mark: {cell.replace(',', '.')}" if "," in cell else ""
            raise CellError("table.type", "is not a number" + hint, "a number such as 4.2")
        number = float(cell)
        if len(cell) > MAX_NUMBER_CHARS or not math.isfinite(number):
            raise CellError(
                "table.range",
                f"is too long or too large a number (at most {MAX_NUMBER_CHARS} characters and finite)",
                "a number such as 4.2",
            )
        _check_range(number, low, high)
        return number

    return convert


def _check_range(number: float, low: float | None, high: float | None) -> None:
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            expected = f"a value from {low:g} to {high:g}"
        elif low is not None:
            expected = f"a value of at least {low:g}"
        else:
            expected = f"a value of at most {high:g}"
        raise CellError("table.range", f"is out of range; expected {expected}", expected)


def _year(spec: FieldSpec) -> Converter:
    def convert(cell: str) -> object:
        if not _YEAR.match(cell):
            raise CellError("table.type", "is not a year; write four digits such as 2021", "a year as YYYY")
        year = int(cell)
        if year < 1:
            raise CellError("table.range", _NO_YEAR_ZERO, "a year from 0001 to 9999")
        return year

    return convert


def _parse_date(cell: str) -> dt.date:
    """A date written as YYYY-MM-DD; the error carries a rewritten date where one is clear."""
    match = _DATE.match(cell)
    if match is None:
        suggestion = None
        day_first = _DAY_FIRST.match(cell)
        slashed = _SLASHED.match(cell)
        try:
            if day_first is not None:
                day, month, year = (int(part) for part in day_first.groups())
                suggestion = dt.date(year, month, day).isoformat()
            elif slashed is not None:
                year, month, day = (int(part) for part in slashed.groups())
                suggestion = dt.date(year, month, day).isoformat()
        except ValueError:
            suggestion = None
        reason = "is not a date as YYYY-MM-DD" + (f"; did you mean {suggestion}?" if suggestion else "")
        raise CellError("table.date", reason, "a date as YYYY-MM-DD", suggestion)
    year, month, day = (int(part) for part in match.groups())
    if year < 1:
        raise CellError("table.date", _NO_YEAR_ZERO, "a date from 0001-01-01 on")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError("table.date", "is not a real calendar date", "a real date as YYYY-MM-DD") from None


def _date(spec: FieldSpec) -> Converter:
    return _parse_date


def _boolean(spec: FieldSpec) -> Converter:
    def convert(cell: str) -> object:
        folded = cell.casefold()
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
        raise CellError("table.type", "is not true or false", "true or false")

    return convert


def _string(spec: FieldSpec) -> Converter:
    checks: list[Callable[[str], None]] = []
    if spec.format == "uri":

        def url(cell: str) -> None:
            if _URL.match(cell):
                fault = iri_fault(cell)
                if fault is not None:
                    raise CellError(
                        "table.type",
                        f"{fault}; percent-encode it or correct the web address",
                        "a valid web address (IRI)",
                    )
            else:
                fix = f"https://{cell}" if "://" not in cell and "." in cell and " " not in cell else None
                raise CellError(
                    "table.type",
                    "is not a web address starting with http:// or https://"
                    + (f"; did you mean '{fix}'?" if fix else ""),
                    "a URL starting with http:// or https://",
                    fix,
                )

        checks.append(url)
    if spec.pattern is not None:
        # ASCII: in Python's re, \d and \w also match other scripts' digits and letters (Arabic-Indic,
        # fullwidth...), which would then reach codes and IRIs that only ever hold ASCII.
        pattern = re.compile(spec.pattern, re.ASCII)
        expected = spec.expected or f"text matching {spec.pattern}"
        column = spec.name

        def matches(cell: str) -> None:
            if not pattern.match(cell):
                raise CellError(
                    "table.type", f"is not {expected}", expected, _pattern_fix(column, cell, pattern)
                )
            if not cell.strip("."):
                # An id becomes a path segment of an IRI, where '.' and '..' name the current and the
                # parent folder: the IRI would resolve to another resource.
                raise CellError(
                    "table.type",
                    "is made only of dots; in a web address '.' and '..' mean this and the parent "
                    "folder, so use at least one letter or digit",
                    expected,
                )

        checks.append(matches)
    # Allowed values are matched in any letter case, like concept cells, and read as the schema spells them.
    spelled = {} if spec.enum is None else {value.casefold(): value for value in spec.enum}
    if spec.enum is not None:
        expected_enum = "one of " + ", ".join(spec.enum)

        def member(cell: str) -> None:
            if cell.casefold() not in spelled:
                close = difflib.get_close_matches(cell.casefold(), list(spelled), n=1, cutoff=0.5)
                fix = spelled[close[0]] if close else None
                hint = f"; did you mean '{fix}'?" if fix else ""
                raise CellError("table.type", f"is not {expected_enum}{hint}", expected_enum, fix)

        checks.append(member)
    scale = spec.format == "scale"
    if not checks and not scale:
        return str
    memo: dict[str, object] = {}

    def convert(cell: str) -> object:
        known = memo.get(cell)
        if known is not None:
            return known
        for check in checks:
            check(cell)
        value: object = spelled.get(cell.casefold(), cell)
        if scale:
            match = _SCALE.match(cell)
            if match is None:
                raise CellError("table.type", "is not a scale as MIN-MAX", "a scale as MIN-MAX, e.g. 1-5")
            low, high = int(match.group(1)), int(match.group(2))
            if low >= high:
                raise CellError(
                    "table.range", "has its minimum not below its maximum", "a scale as MIN-MAX, MIN < MAX"
                )
            value = (low, high)
        if len(memo) < 10_000:
            memo[cell] = value
        return value

    return convert


def _pattern_fix(column: str, cell: str, pattern: re.Pattern[str]) -> str | None:
    """A corrected cell for the common slips (spaces in ids, a Wikidata URL, lower-case NACE letters)."""
    candidates = [
        cell.replace(" ", "-"),
        cell.upper(),
        cell.replace(",", "."),
    ]
    wikidata = _WIKIDATA_URL.match(cell)
    if wikidata is not None:
        candidates.insert(0, wikidata.group(1))
    for candidate in candidates:
        if candidate != cell and pattern.match(candidate):
            return candidate
    return None


_TYPES: dict[str, Callable[[FieldSpec], Converter]] = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "year": _year,
    "date": _date,
    "boolean": _boolean,
}


def _concept(spec: FieldSpec, concepts: ConceptIndex) -> Converter:
    scheme = spec.scheme
    assert scheme is not None
    noun = SCHEME_NOUNS.get(scheme, f"concept of the '{scheme}' vocabulary")
    article = "an" if noun[0].lower() in "aeiou" else "a"
    expected = f"{article} {noun}: its slug, notation or English label"
    memo: dict[str, str] = {}
    failures: dict[str, tuple[str, str, str, str | None]] = {}
    budget = [SUGGESTION_BUDGET]

    def suggest(cell: str) -> str | None:
        if budget[0] <= 0:
            return None
        budget[0] -= 1
        found = [concepts.display(iri) for iri in concepts.suggest(scheme, cell)]
        return " or ".join(found) if found else None

    def fail(cell: str) -> tuple[str, str, str, str | None]:
        parts = [part.strip() for part in cell.split(";")]
        if len(parts) > 1 and all(concepts.resolve(scheme, part) for part in parts):
            return "table.list", f"is a list, but this column takes one {noun}", f"one {noun}", None
        hint = suggest(cell)
        reason = f"is not a known {noun}" + (f"; did you mean {hint}?" if hint else "")
        return "table.concept", reason, expected, hint

    def convert(cell: str) -> object:
        known = memo.get(cell)
        if known is not None:
            return known
        failed = failures.get(cell)
        if failed is None:
            iri = concepts.resolve(scheme, cell)
            if iri is not None:
                if len(memo) < 100_000:
                    memo[cell] = iri
                return iri
            failed = fail(cell)
            if len(failures) < 10_000:
                failures[cell] = failed
        rule, reason, wanted, hint = failed
        raise CellError(rule, reason, wanted, hint)

    return convert


def _region(concepts: ConceptIndex) -> Converter:
    """Cells naming a region by its NUTS 2024, ISO 3166-1 or ISO 3166-2 code (see kg.package.regions)."""
    memo: dict[str, str] = {}
    failures: dict[str, tuple[str, str, str | None]] = {}
    budget = [SUGGESTION_BUDGET]

    def fail(cell: str) -> tuple[str, str, str | None]:
        parts = [part.strip() for part in cell.split(";")]
        if len(parts) > 1 and all(part and resolve_region(concepts, part) for part in parts):
            return "table.list", "is a list, but this column takes one region", None
        hint = None
        if budget[0] > 0:
            budget[0] -= 1
            hint = region_hint(concepts, cell)
        did_you_mean = f"; did you mean {hint}?" if hint else ""
        if not REGION_PATTERN.match(cell):
            # Most often a region's name instead of its code: point at the code.
            return "table.type", f"is not {REGION_EXPECTED}" + did_you_mean, hint
        return "table.concept", "is not a known NUTS 2024 or ISO 3166 region code" + did_you_mean, hint

    def convert(cell: str) -> object:
        known = memo.get(cell)
        if known is not None:
            return known
        failed = failures.get(cell)
        if failed is None:
            iri = resolve_region(concepts, cell) if REGION_PATTERN.match(cell) else None
            if iri is not None:
                if len(memo) < 100_000:
                    memo[cell] = iri
                return iri
            failed = fail(cell)
            if len(failures) < 10_000:
                failures[cell] = failed
        rule, reason, hint = failed
        raise CellError(rule, reason, REGION_EXPECTED, hint)

    return convert


def converter(spec: FieldSpec, concepts: ConceptIndex) -> Converter:
    """The function that parses and checks one column's cells (raising CellError on a bad cell)."""
    if spec.scheme == REGION_SCHEME:
        return _region(concepts)
    base = _TYPES[spec.type](spec)
    if spec.scheme is not None:
        return _concept(spec, concepts)
    return base
