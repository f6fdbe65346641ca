"""Answers to SPARQL queries: the records they come back as, and how they are rendered as text.

:class:`QueryResult` and its cells mirror the SPARQL 1.1 JSON results format, so the renderers give
identical output whichever target (the embedded store or an endpoint) answered.

The formats people read (``table``, ``md``) show an IRI as its label when one is given
(:func:`kg.query.run.labels_of` looks them up), else as a prefixed name, else whole; ``iris=True``
shows every IRI whole. The data formats (``csv``, ``tsv``, ``json``) always give the IRIs.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from kg.errors import IcgpError, InputError
from kg.ontology import resources
from kg.ontology.iso3166 import ISO_BASE
from kg.ontology.namespaces import PREFIXES, VOCAB_BASE
from kg.package.safe_input import spreadsheet_safe, terminal_safe

XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NUMERIC = {XSD + t for t in ("decimal", "double", "float")}


# Defined here, not in kg.query.run, because reading an endpoint's JSON answer below raises it too.
class EndpointError(IcgpError):
    """A remote endpoint could not be reached or refused a request; the message says why."""


# Slots: a large answer has a million cells, and a cell without a __dict__ takes a third less memory.
@dataclass(frozen=True, slots=True)
class Cell:
    """One value of an answer row, as in the SPARQL 1.1 JSON results format."""

    kind: str  # "uri", "literal" or "bnode"
    value: str
    datatype: str | None = None  # None for plain and language-tagged strings
    language: str | None = None

    @classmethod
    def from_term(cls, term: Any) -> Cell:
        """A cell from a pyoxigraph term."""
        if isinstance(term, NamedNode):
            return cls("uri", term.value)
        if isinstance(term, BlankNode):
            return cls("bnode", term.value)
        if isinstance(term, Literal):
            language = term.language or None
            datatype: str | None = term.datatype.value
            if language or datatype in (_XSD_STRING, _LANG_STRING):
                datatype = None
            return cls("literal", term.value, datatype, language)
        raise TypeError(f"unsupported term in a query answer: {term!r}")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cell:
        """A cell from one binding of the SPARQL 1.1 JSON results format."""
        kind = data.get("type")
        value = str(data.get("value", ""))
        if kind == "uri":
            return cls("uri", value)
        if kind == "bnode":
            return cls("bnode", value)
        if kind in ("literal", "typed-literal"):
            language = data.get("xml:lang") or None
            datatype = data.get("datatype") or None
            if language or datatype in (_XSD_STRING, _LANG_STRING):
                datatype = None
            return cls("literal", value, datatype, language)
        raise EndpointError(f"the endpoint answered a value of unknown type {kind!r}")

    def to_json(self) -> dict[str, str]:
        """This cell as one binding of the SPARQL 1.1 JSON results format."""
        data = {"type": self.kind, "value": self.value}
        if self.language:
            data["xml:lang"] = self.language
        elif self.datatype:
            data["datatype"] = self.datatype
        return data

    def n3(self) -> str:
        """The cell in N-Triples/Turtle syntax (used where a value must be unambiguous)."""
        if self.kind == "uri":
            return str(NamedNode(self.value))
        if self.kind == "bnode":
            return f"_:{self.value}"
        if self.language:
            return str(Literal(self.value, language=self.language))
        if self.datatype:
            return str(Literal(self.value, datatype=NamedNode(self.datatype)))
        return str(Literal(self.value))


Row = tuple[Cell | None, ...]


@dataclass
class QueryResult:
    """The answer to a SELECT (variables and rows) or an ASK query (boolean)."""

    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None

    def to_json(self) -> dict[str, Any]:
        """The answer in the SPARQL 1.1 Query Results JSON Format."""
        if self.boolean is not None:
            return {"head": {}, "boolean": self.boolean}
        bindings = [
            {name: cell.to_json() for name, cell in zip(self.variables, row, strict=True) if cell is not None}
            for row in self.rows
        ]
        return {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}

    @classmethod
    def from_json(cls, data: Any, *, ask: bool = False) -> QueryResult:
        """An answer from the SPARQL 1.1 Query Results JSON Format.

        ``ask`` says the query was an ASK: Virtuoso answers one in JSON as a table with one column
        (``__ASK_RETVAL``) holding one row of ``1`` for true and no rows for false, which is read as the
        boolean it stands for."""
        if not isinstance(data, dict):
            raise EndpointError("the endpoint did not answer in the SPARQL JSON results format")
        if "boolean" in data:
            value = data["boolean"]
            return cls(boolean=value.lower() == "true" if isinstance(value, str) else bool(value))
        if ask:
            table = cls.from_json(data)
            return cls(
                boolean=any(
                    cell is not None and cell.value not in ("0", "false")
                    for row in table.rows
                    for cell in row
                )
            )
        try:
            names = [str(v) for v in data["head"]["vars"]]
            rows = [
                tuple(Cell.from_json(b[name]) if name in b else None for name in names)
                for b in data["results"]["bindings"]
            ]
        except (KeyError, TypeError) as exc:
            raise EndpointError(f"the endpoint's JSON answer lacks {exc}") from exc
        return cls(names, rows)

    def limited(self, limit: int | None) -> QueryResult:
        """The first ``limit`` rows (all rows when ``limit`` is None)."""
        if limit is None or self.boolean is not None:
            return self
        return QueryResult(list(self.variables), self.rows[:limit], None)

    def values(self) -> list[tuple[str | None, ...]]:
        """Rows as plain strings (IRIs and lexical forms; None when unbound): handy for comparisons."""
        return [tuple(None if c is None else c.value for c in row) for row in self.rows]


# -- rendering ------------------------------------------------------------------------------------

OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "md")


def _all_prefixes() -> dict[str, str]:
    found = {f"{p.stem}": f"{VOCAB_BASE}{p.stem}/" for p in resources.vocabulary_files()}
    found["iso3166"] = ISO_BASE  # made from pycountry, not a file
    found.update(PREFIXES)
    return found


def shorten(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """An IRI as a prefixed name when a known namespace matches (longest namespace first)."""
    table = prefixes if prefixes is not None else _all_prefixes()
    best = ""
    for prefix, namespace in table.items():
        if iri.startswith(namespace) and len(namespace) > len(table.get(best, "")):
            rest = iri[len(namespace) :]
            if rest and all(c not in rest for c in "/#?"):
                best = prefix
    return f"{best}:{iri[len(table[best]) :]}" if best else iri


def _number(text: str) -> str:
    """A decimal or double shown with at most three decimals, trailing zeros dropped."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    rounded = value.quantize(Decimal("0.001"))
    shown = format(rounded, "f").rstrip("0").rstrip(".")
    return "0" if shown in ("-0", "") else shown


def display(
    cell: Cell | None,
    prefixes: dict[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """How a cell reads in a table: IRIs as their label (from ``labels``) or shortened, numbers rounded,
    text as it is."""
    if cell is None:
        return ""
    if cell.kind == "uri":
        if labels is not None and cell.value in labels:
            return labels[cell.value]
        return shorten(cell.value, prefixes)
    if cell.kind == "bnode":
        return f"_:{cell.value}"
    if cell.datatype in _NUMERIC:
        return _number(cell.value)
    return cell.value


def reader(labels: Mapping[str, str] | None = None, *, iris: bool = False) -> Callable[[Cell | None], str]:
    """The function that shows a cell to a person: :func:`display` with ``labels``, or with every IRI
    whole when ``iris`` is set."""
    if iris:
        return lambda cell: cell.value if cell is not None and cell.kind == "uri" else display(cell, {})
    prefixes = _all_prefixes()
    return lambda cell: display(cell, prefixes, labels)


def _flatten(text: str) -> str:
    return " ".join(text.replace("\t", " ").splitlines())


def _one_line(text: str) -> str:
    # Shown on a terminal: control characters become visible escapes instead of acting on it.
    return terminal_safe(_flatten(text))


# The lexical form of an XSD number (decimal, integer or double without INF/NaN).
_NUMBER_LEXICAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _plain(cell: Cell | None, *, bnode_prefix: bool = True) -> str:
    """A cell's plain value for CSV and TSV, protected against spreadsheet formula injection.

    A typed number such as ``-3.5`` is data and is written as it is; any other value that a spreadsheet
    would read as a formula (``=``, ``+``, ``-``, ``@`` ...) gets a leading ``'``.
    """
    if cell is None:
        return ""
    if cell.kind == "bnode":
        return f"_:{cell.value}" if bnode_prefix else cell.value
    if cell.kind == "literal" and _is_number(cell) and _NUMBER_LEXICAL.fullmatch(cell.value):
        return cell.value
    return spreadsheet_safe(cell.value)


# Two spaces between columns, as before wrapping existed.
_GAP = 2


def column_widths(natural: Sequence[int], minimum: Sequence[int], available: int) -> list[int]:
    """Widths for columns whose longest values are ``natural`` and longest words ``minimum`` characters,
    adding up to at most ``available``.

    When even the longest words do not fit, the widest columns are cut down to a common width (short
    columns, such as counts, keep theirs) and their words broken. Otherwise every column gets its
    longest word, and the rest of the space goes to the columns that want more, in proportion to how
    much more. Every column keeps at least one character, so with more columns than ``available``
    characters the sum exceeds it."""
    count = len(natural)
    if sum(natural) <= available:
        return list(natural)
    low = [min(m, n) for m, n in zip(minimum, natural, strict=True)]
    if sum(low) >= available:
        # The highest common cap that fits: the columns below it keep their words whole.
        cap = max(1, available // max(1, count))
        while sum(min(w, cap + 1) for w in low) <= available and cap < max(low):
            cap += 1
        return [max(1, min(w, cap)) for w in low]
    spare = available - sum(low)
    wants = [n - w for n, w in zip(natural, low, strict=True)]
    total = sum(wants)
    shares = [spare * want // total for want in wants]
    # What the rounding down left over goes one character each to the largest remainders.
    left = spare - sum(shares)
    order = sorted(range(count), key=lambda i: (-(spare * wants[i] % total), i))
    for i in order[:left]:
        shares[i] += 1
    return [w + extra for w, extra in zip(low, shares, strict=True)]


def _wrap(text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=True) or [""]


def render_table(
    result: QueryResult,
    *,
    labels: Mapping[str, str] | None = None,
    iris: bool = False,
    width: int | None = None,
) -> str:
    """A plain aligned text table (the default output), IRIs shown as :func:`reader` shows them.

    With ``width``, values wrap onto further lines so that no line is longer (unless there are more
    columns than characters); without it, long values are kept whole."""
    if result.boolean is not None:
        return ("true" if result.boolean else "false") + "\n"
    show = reader(labels, iris=iris)
    cells = [[_one_line(show(c)) for c in row] for row in result.rows]
    natural = [len(v) for v in result.variables]
    for row in cells:
        natural = [max(w, len(v)) for w, v in zip(natural, row, strict=True)]
    widths = natural
    if width is not None and natural:
        words = [max((len(w) for w in v.split()), default=0) for v in result.variables]
        for row in cells:
            words = [max(w, *(len(x) for x in v.split()), 0) for w, v in zip(words, row, strict=True)]
        widths = column_widths(natural, words, width - _GAP * (len(natural) - 1))
    numeric = [
        all(c is None or (c.kind == "literal" and c.datatype is not None and _is_number(c)) for c in column)
        and any(c is not None for c in column)
        for column in zip(*result.rows, strict=True)
    ] or [False] * len(result.variables)

    def lines(values: Sequence[str]) -> list[str]:
        wrapped = [_wrap(v, w) for v, w in zip(values, widths, strict=True)]
        height = max((len(parts) for parts in wrapped), default=1)
        out: list[str] = []
        for number in range(height):
            parts = [
                (part.rjust(w) if right else part.ljust(w))
                for part, w, right in (
                    (chunks[number] if number < len(chunks) else "", w, right)
                    for chunks, w, right in zip(wrapped, widths, numeric, strict=True)
                )
            ]
            out.append((" " * _GAP).join(parts).rstrip())
        return out

    out = [*lines(result.variables), (" " * _GAP).join("-" * w for w in widths)]
    for row in cells:
        out += lines(row)
    out.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _is_number(cell: Cell) -> bool:
    return (cell.datatype or "").removeprefix(XSD) in {
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "nonNegativeInteger",
        "positiveInteger",
    }


def number_of(cell: Cell | None) -> float | None:
    """A numeric literal's value (xsd:integer, decimal, double ...); None for anything else, unbound
    cells, and INF or NaN."""
    if cell is None or cell.kind != "literal" or not _is_number(cell):
        return None
    try:
        value = float(cell.value)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def render_markdown(
    result: QueryResult, *, labels: Mapping[str, str] | None = None, iris: bool = False
) -> str:
    """A GitHub-flavoured Markdown table (pipes in values escaped), IRIs shown as :func:`reader` shows
    them."""
    if result.boolean is not None:
        return ("true" if result.boolean else "false") + "\n"
    show = reader(labels, iris=iris)

    def esc(text: str) -> str:
        return _one_line(text).replace("\\", "\\\\").replace("|", "\\|")

    lines = [
        "| " + " | ".join(result.variables) + " |",
        "|" + "|".join("---" for _ in result.variables) + "|",
    ]
    for row in result.rows:
        lines.append("| " + " | ".join(esc(show(c)) for c in row) + " |")
    return "\n".join(lines) + "\n"


def render_csv(result: QueryResult) -> str:
    """The SPARQL 1.1 Query Results CSV format: a header of variable names, then plain values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.boolean is not None:
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_plain(c) for c in row])
    return buffer.getvalue()


def render_tsv(result: QueryResult) -> str:
    """Plain values separated by tabs, one row a line (tabs and line breaks inside values become spaces)."""
    if result.boolean is not None:
        return "boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(result.variables)]
    for row in result.rows:
        lines.append("\t".join(_flatten(_plain(c, bnode_prefix=False)) for c in row))
    return "\n".join(lines) + "\n"


def render_json(result: QueryResult) -> str:
    """The SPARQL 1.1 Query Results JSON format."""
    return json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"


def render(
    result: QueryResult,
    fmt: str,
    *,
    labels: Mapping[str, str] | None = None,
    iris: bool = False,
    width: int | None = None,
) -> str:
    """The answer in one of :data:`OUTPUT_FORMATS`.

    ``labels`` (IRI to label) and ``iris`` change how the tables people read show IRIs, ``width`` the
    width the ``table`` format wraps to; the data formats ignore all three."""
    if fmt == "table":
        return render_table(result, labels=labels, iris=iris, width=width)
    if fmt == "md":
        return render_markdown(result, labels=labels, iris=iris)
    renderers = {"csv": render_csv, "tsv": render_tsv, "json": render_json}
    if fmt not in renderers:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
    return renderers[fmt](result)
