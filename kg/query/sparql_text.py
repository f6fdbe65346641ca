"""SPARQL query text: a small lexer and the few facts about a query that binding and running need.

The lexer knows enough of SPARQL 1.1 to tell comments, strings, IRIs, variables and brackets apart, so
``#`` inside an IRI or a string is never taken for a comment and a brace inside a string never changes
the nesting depth. Nothing here parses a query fully: pyoxigraph does that when the query runs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kg.errors import InputError

_QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<open>[{(])
  | (?P<close>[})])
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One lexical token of a query: its kind, text, offset and the brace/paren depth it sits at."""

    kind: str
    text: str
    start: int
    braces: int
    parens: int
    subquery: bool


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of a SPARQL text (comments and spaces dropped), with nesting depths.

    ``subquery`` is true for tokens inside a nested SELECT's braces."""
    braces = parens = 0
    # Brace depths at which a sub-SELECT's group opened; a SELECT seen at depth > 0 arms the next "{".
    sub_depths: list[int] = []
    armed = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("comment", "space"):
            continue
        value = match.group()
        if kind == "close":
            if value == "}":
                braces -= 1
                if sub_depths and sub_depths[-1] == braces:
                    sub_depths.pop()
            else:
                parens -= 1
        yield Token(kind, value, match.start(), braces, parens, bool(sub_depths))
        if kind == "open":
            if value == "{":
                if armed:
                    sub_depths.append(braces)
                    armed = False
                braces += 1
            else:
                parens += 1
        elif kind == "word" and value.upper() == "SELECT" and braces > 0:
            armed = True


def strip_comments(text: str) -> str:
    """The query without its comments (``#`` outside IRIs and strings) and without blank lines."""
    kept: list[str] = []
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "comment":
            kept.append(match.group())
    return "\n".join(line for line in "".join(kept).splitlines() if line.strip()) + "\n"


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of a query text."""
    for token in tokens(text):
        if token.kind == "word" and token.braces == 0 and token.text.upper() in _QUERY_FORMS:
            return token.text.upper()
    raise InputError("the query has no SELECT, ASK, CONSTRUCT or DESCRIBE clause")


def prologue(text: str) -> str:
    """The query's BASE and PREFIX declarations (the text before its form keyword), without comments."""
    for token in tokens(text):
        if token.kind == "word" and token.braces == 0 and token.text.upper() in _QUERY_FORMS:
            return strip_comments(text[: token.start]).lstrip("\n")
    raise InputError("the query has no SELECT, ASK, CONSTRUCT or DESCRIBE clause")


def where_group_start(text: str) -> int:
    """Offset just after the ``{`` that opens the query's top-level WHERE group."""
    form = None
    skip_template = False
    previous: Token | None = None
    for token in tokens(text):
        if form is None and token.kind == "word" and token.braces == 0:
            if token.text.upper() in _QUERY_FORMS:
                form = token.text.upper()
        elif (
            form == "CONSTRUCT"
            and previous is not None
            and previous.kind == "word"
            and previous.text.upper() == "CONSTRUCT"
        ):
            skip_template = token.text == "{"
        if form and token.text == "{" and token.braces == 0 and token.parens == 0:
            if skip_template:
                skip_template = False
            else:
                return token.start + 1
        previous = token
    raise InputError("the query has no WHERE group to bind parameters in")


def variables(text: str) -> list[str]:
    """Names (without ``?``) of every variable the text mentions, in order of first appearance."""
    return list(_variables(text))


# The same texts are lexed again and again (each saved query on every run, each assessment query once per
# cluster set), so the two facts asked most often are kept per text.
@functools.lru_cache(maxsize=256)
def _variables(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for token in tokens(text):
        if token.kind == "var":
            seen.setdefault(token.text[1:], None)
    return tuple(seen)


def has_top_level_limit(text: str) -> bool:
    """True if the outermost query has its own LIMIT clause."""
    return any(t.kind == "word" and t.braces == 0 and t.text.upper() == "LIMIT" for t in tokens(text))


def with_limit(text: str, limit: int) -> str:
    """The query with ``LIMIT limit`` added, unless it already has a top-level LIMIT (then unchanged)."""
    if has_top_level_limit(text):
        return text
    group_closed = False
    for token in tokens(text):
        if token.text == "}" and token.braces == 0:
            group_closed = True
        elif group_closed and token.kind == "word" and token.braces == 0 and token.text.upper() == "VALUES":
            # A trailing VALUES block comes after the solution modifiers.
            return f"{text[: token.start]}LIMIT {limit}\n{text[token.start :]}"
    return f"{text.rstrip()}\nLIMIT {limit}\n"


@functools.lru_cache(maxsize=256)
def without_order(text: str) -> str:
    """The query without its top-level ORDER BY clause (unchanged when it has none, or a LIMIT or OFFSET
    that the order decides): for callers that read the answer as a set, where sorting is wasted work."""
    group_closed = False
    start = None
    for token in tokens(text):
        if token.text == "}" and token.braces == 0:
            group_closed, start = True, None
        elif group_closed and token.kind == "word" and token.braces == 0:
            word = token.text.upper()
            if word == "ORDER" and start is None:
                start = token.start
            elif start is not None and word in ("LIMIT", "OFFSET"):
                return text  # which rows a limit keeps depends on the order
            elif start is not None and word == "VALUES":
                return text[:start] + text[token.start :]
    return text if start is None else text[:start].rstrip() + "\n"


def group_kinds(toks: Sequence[Token]) -> list[str]:
    """For each ``{`` token (in order): 'group' (a graph pattern), 'subquery' (a group that only wraps a
    sub-SELECT), 'data' (a VALUES block) or 'template' (a CONSTRUCT template)."""
    kinds: list[str] = []
    values_header = False
    form: str | None = None
    for index, token in enumerate(toks):
        word = token.text.upper() if token.kind == "word" else ""
        if word == "VALUES":
            values_header = True
        if form is None and word in _QUERY_FORMS and token.braces == 0:
            form = word
        if token.text != "{":
            continue
        following = toks[index + 1] if index + 1 < len(toks) else None
        previous = toks[index - 1] if index > 0 else None
        if values_header:
            kinds.append("data")
            values_header = False
        elif form == "CONSTRUCT" and previous is not None and previous.text.upper() == "CONSTRUCT":
            kinds.append("template")
        elif following is not None and following.kind == "word" and following.text.upper() == "SELECT":
            kinds.append("subquery")
        else:
            kinds.append("group")
    return kinds


@dataclass(frozen=True)
class Ordering:
    """A query's top-level ORDER BY split off, so that a client can put the rows in order itself."""

    unordered: str  # the query without its ORDER BY, LIMIT and OFFSET (a trailing VALUES kept)
    conditions: str  # the ORDER BY conditions as written
    slice: str  # the LIMIT and OFFSET clauses as written, or ""


def split_order(text: str) -> Ordering | None:
    """The query's top-level ORDER BY conditions and LIMIT/OFFSET, and the query without them; None when
    it has no ORDER BY. The LIMIT and OFFSET go with the order: which rows they keep depends on it."""
    toks = list(tokens(text))
    group_closed = False
    order = conditions_start = slice_start = values_start = None
    for index, token in enumerate(toks):
        if token.text == "}" and token.braces == 0:
            group_closed = True
            continue
        if not group_closed or token.kind != "word" or token.braces or token.parens:
            continue
        if index > 0 and toks[index - 1].text == ":":
            continue  # the local part of a prefixed name (ex:limit), not a keyword
        word = token.text.upper()
        if word == "ORDER" and order is None and index + 1 < len(toks):
            order = token.start
            by = toks[index + 1]
            conditions_start = by.start + len(by.text)
        elif word in ("LIMIT", "OFFSET") and slice_start is None:
            slice_start = token.start
        elif word == "VALUES":
            values_start = token.start
            break
    if order is None or conditions_start is None:
        return None
    end = values_start if values_start is not None else len(text)
    conditions_end = slice_start if slice_start is not None and slice_start > order else end
    head = text[: min(order, slice_start if slice_start is not None else order)].rstrip() + "\n"
    return Ordering(
        unordered=head + (text[values_start:] if values_start is not None else ""),
        conditions=text[conditions_start:conditions_end].strip(),
        slice=text[slice_start:end].strip() if slice_start is not None else "",
    )
