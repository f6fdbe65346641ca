"""Saved SPARQL queries: the catalogue, their grlc headers, BASIL parameters and safe binding.

A saved query is one ``.rq`` file in ``queries/``. Its leading ``#+`` comment lines form a YAML header
in grlc's decorator syntax (``summary``, ``description``, ``tags``, ``defaults``, ``enumerate``), so the
file stays valid SPARQL and grlc can serve the folder unchanged. Parameters follow the BASIL naming
convention: ``?_name`` is mandatory and ``?__name`` optional; a suffix gives the kind of RDF term
(``_iri``, ``_literal``, a language tag such as ``_en``, an XSD datatype such as ``_integer`` or
``_xsd_date``).

Values are never pasted into the query text. Each one is parsed into an RDF term (an IRI checked for
forbidden characters, or a literal checked against its datatype) and the terms are written into a
``VALUES`` block in N-Triples syntax, which escapes every quote, backslash and line break. The block
opens the query's top-level WHERE group, so the same bound text runs on the embedded store and on any
SPARQL 1.1 endpoint; every nested group that mentions a parameter gets a block of its own, so the
binding reaches sub-SELECTs too and query planners see the value where it is used.
:func:`binding_problems` lists the few uses that a VALUES binding cannot express.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import Literal, NamedNode

from kg.errors import InputError
from kg.ontology import resources
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.ontology.namespaces import PREFIXES, VOCAB_BASE

Term = NamedNode | Literal

XSD = "http://www.w3.org/2001/XMLSchema#"
# XSD datatypes a parameter suffix may name without the ``xsd_`` prefix (BASIL's short form).
_XSD_TYPES = {
    "string",
    "integer",
    "decimal",
    "double",
    "float",
    "boolean",
    "date",
    "dateTime",
    "gYear",
    "nonNegativeInteger",
    "positiveInteger",
    "int",
    "long",
    "anyURI",
}
_XSD_BY_LOWER = {name.lower(): name for name in _XSD_TYPES}
_LANGUAGE_SUFFIX = re.compile(r"^[a-z]{2}$")
_PARAM_VARIABLE = re.compile(r"^__?[A-Za-z0-9][A-Za-z0-9_]*$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
_IRI_FORBIDDEN = set(' <>"{}|\\^`')
_PREFIXED = re.compile(r"^([A-Za-z][A-Za-z0-9_\-]*):([^\s<>\"{}|\\^`/][^\s<>\"{}|\\^`]*)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DOUBLE = re.compile(r"^[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF|NaN)$")
_GYEAR = re.compile(r"^-?\d{4,}(Z|[+-]\d{2}:\d{2})?$")
_HEADER_KEYS = (
    "summary",
    "description",
    "tags",
    "defaults",
    "enumerate",
    "method",
    "endpoint",
    "endpoint_in_url",
    "pagination",
    "mime",
    "transform",
)
_QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


# -- lexing ---------------------------------------------------------------------------------------

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
    seen: dict[str, None] = {}
    for token in tokens(text):
        if token.kind == "var":
            seen.setdefault(token.text[1:], None)
    return list(seen)


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


# -- parameters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """One BASIL parameter of a saved query."""

    name: str
    variable: str
    kind: str  # "iri" or "literal"
    datatype: str | None = None  # full IRI for typed literals
    language: str | None = None
    optional: bool = False
    default: str | None = None
    enumerated: bool = False
    values: tuple[str, ...] = ()  # explicit allowed values from ``enumerate``
    scheme: str | None = None  # vocabulary scheme of an enumerated IRI parameter

    @property
    def type_label(self) -> str:
        """How the parameter's type is shown to users (``IRI``, ``xsd:integer``, ``@en``, ``string``)."""
        if self.kind == "iri":
            return f"IRI ({self.scheme} concept)" if self.scheme else "IRI"
        if self.language:
            return f"text@{self.language}"
        if self.datatype and self.datatype != XSD + "string":
            return "xsd:" + self.datatype.removeprefix(XSD)
        return "text"


def parse_parameter(variable: str) -> Parameter:
    """Read a BASIL variable name (``_region_iri``, ``__year_integer``, ...) into a parameter."""
    optional = variable.startswith("__")
    body = variable[2:] if optional else variable[1:]
    parts = body.split("_")
    kind = "literal"
    datatype: str | None = XSD + "string"
    language: str | None = None
    name = body
    if len(parts) >= 3 and parts[-2] == "xsd" and parts[-1].lower() in _XSD_BY_LOWER:
        datatype = XSD + _XSD_BY_LOWER[parts[-1].lower()]
        name = "_".join(parts[:-2])
    elif len(parts) >= 2:
        suffix = parts[-1]
        if suffix == "iri":
            kind, datatype = "iri", None
        elif suffix == "literal":
            pass
        elif suffix.lower() in _XSD_BY_LOWER:
            datatype = XSD + _XSD_BY_LOWER[suffix.lower()]
        elif _LANGUAGE_SUFFIX.match(suffix):
            datatype, language = None, suffix
        else:
            suffix = ""
        if suffix:
            name = "_".join(parts[:-1])
    return Parameter(
        name=name, variable=variable, kind=kind, datatype=datatype, language=language, optional=optional
    )


# -- saved queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedQuery:
    """A saved query: its name, text, header and parameters."""

    name: str
    text: str
    path: Path | None = None
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    method: str | None = None

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE."""
        return query_form(self.text)

    def parameter(self, name: str) -> Parameter | None:
        """The parameter called ``name``, or None."""
        for param in self.parameters:
            if param.name == name:
                return param
        return None


def _header(text: str, where: str) -> dict[str, Any]:
    """The YAML mapping of a query's leading ``#+`` lines (empty if there are none)."""
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#+"):
            lines.append(stripped[2:])
        elif stripped and not stripped.startswith("#"):
            break
    if not lines:
        return {}
    indent = min((len(x) - len(x.lstrip(" ")) for x in lines if x.strip()), default=0)
    try:
        data = yaml.safe_load("\n".join(x[indent:] for x in lines))
    except yaml.YAMLError as exc:
        raise InputError(f"{where}: the #+ header is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{where}: the #+ header must be 'key: value' lines (grlc decorators)")
    return data


def _pairs(value: Any, key: str, where: str) -> list[tuple[str, Any]]:
    """A grlc list of ``- name: value`` items (or a plain mapping) as (name, value) pairs."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [(str(k), v) for k, v in value.items()]
    if not isinstance(value, list):
        raise InputError(f"{where}: '#+ {key}:' must be a list of '- name: value' items")
    pairs: list[tuple[str, Any]] = []
    for item in value:
        if isinstance(item, dict):
            pairs += [(str(k), v) for k, v in item.items()]
        elif isinstance(item, str | int | float):
            pairs.append((str(item), None))
        else:
            raise InputError(f"{where}: '#+ {key}:' has an item that is not 'name' or 'name: value'")
    return pairs


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def parse_query(text: str, name: str, path: Path | None = None) -> SavedQuery:
    """Read a query text: its grlc header and its BASIL parameters (defaults and enumerations applied)."""
    where = str(path) if path is not None else name
    header = _header(text, where)
    unknown = sorted(set(header) - set(_HEADER_KEYS))
    if unknown:
        raise InputError(
            f"{where}: unknown #+ decorator(s) {', '.join(unknown)}; known: {', '.join(_HEADER_KEYS)}"
        )
    tags = header.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    defaults = {k: v for k, v in _pairs(header.get("defaults"), "defaults", where)}
    enumerations = {k: v for k, v in _pairs(header.get("enumerate"), "enumerate", where)}
    params: dict[str, Parameter] = {}
    for variable in variables(text):
        if not _PARAM_VARIABLE.match(variable):
            continue
        param = parse_parameter(variable)
        known = params.get(param.name)
        if known is not None:
            if known.variable != variable:
                raise InputError(
                    f"{where}: parameter {param.name!r} is written both as ?{known.variable} and ?{variable}"
                )
            continue
        params[param.name] = param
    for key in list(defaults) + list(enumerations):
        if key not in params:
            raise InputError(
                f"{where}: the header names {key!r}, which is not a parameter of the query"
                f"{_did_you_mean(key, list(params))}"
            )
    concepts: ConceptIndex | None = None
    finished: list[Parameter] = []
    for param in params.values():
        default = defaults.get(param.name)
        enumerated = param.name in enumerations
        values: tuple[str, ...] = ()
        scheme = None
        if enumerated:
            listed = enumerations[param.name]
            if isinstance(listed, list):
                values = tuple(_scalar(v) for v in listed)
            elif listed is not None:
                values = (_scalar(listed),)
            if param.kind == "iri" and not values:
                # grlc fills a bare enumeration from the data; here the vocabulary of the default says which.
                if default is None:
                    raise InputError(
                        f"{where}: enumerated IRI parameter {param.name!r} needs a default concept "
                        "(its scheme gives the allowed values) or a list of values"
                    )
                concepts = concepts or load_concepts()
                scheme = concepts.scheme_of(_expand(_scalar(default)))
                if scheme is None:
                    raise InputError(
                        f"{where}: the default of {param.name!r} is not a concept of an ICGP vocabulary"
                    )
            elif not values:
                raise InputError(f"{where}: enumerated parameter {param.name!r} lists no values")
        finished.append(
            Parameter(
                name=param.name,
                variable=param.variable,
                kind=param.kind,
                datatype=param.datatype,
                language=param.language,
                optional=param.optional,
                default=None if default is None else _scalar(default),
                enumerated=enumerated,
                values=values,
                scheme=scheme,
            )
        )
    method = header.get("method")
    return SavedQuery(
        name=name,
        text=text,
        path=path,
        summary=str(header.get("summary") or "").strip(),
        description=" ".join(str(header.get("description") or "").split()),
        tags=tuple(str(t) for t in tags),
        parameters=tuple(finished),
        method=None if method is None else str(method).upper(),
    )


def load_query_file(path: Path, name: str | None = None) -> SavedQuery:
    """Read one ``.rq`` file as a saved query named after the file (or ``name``)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"query file {path} does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the query file {path}: {exc}") from exc
    return parse_query(text, name or path.stem, path)


def catalogue() -> dict[str, SavedQuery]:
    """Every saved policy query shipped with ICGP, by name (the file name without ``.rq``)."""
    return {path.stem: load_query_file(path) for path in resources.saved_query_files()}


def find_query(name_or_file: str) -> SavedQuery:
    """A saved query by name, or a query file by path; unknown names suggest the closest ones."""
    names = [path.stem for path in resources.saved_query_files()]
    if name_or_file in names:
        return load_query_file(resources.resource_dir("queries") / f"{name_or_file}.rq")
    path = Path(name_or_file)
    if path.suffix.lower() in (".rq", ".sparql") or "/" in name_or_file or path.is_file():
        return load_query_file(path)
    raise InputError(
        f"no saved query named {name_or_file!r}{_did_you_mean(name_or_file, names)}; "
        "'icgp query list' shows them all; a query file must end in .rq"
    )


def _did_you_mean(text: str, choices: Sequence[str]) -> str:
    """`` (did you mean 'a', 'b'?)`` with the closest choices, or an empty string."""
    close = difflib.get_close_matches(text, list(choices), n=3, cutoff=0.5)
    if not close:
        lowered = text.lower()
        close = [c for c in choices if lowered in c.lower() or c.lower() in lowered][:3]
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


# -- values ---------------------------------------------------------------------------------------


def _prefixes() -> dict[str, str]:
    """Prefixes accepted in parameter values: the project's plus one per vocabulary scheme."""
    found = dict(PREFIXES)
    for path in resources.vocabulary_files():
        found.setdefault(path.stem, f"{VOCAB_BASE}{path.stem}/")
    return found


def _expand(text: str) -> str:
    """A prefixed name (``factor:skills-shortage``) as a full IRI; other text unchanged."""
    match = _PREFIXED.match(text)
    if match and not text.startswith(("http:", "https:", "urn:")):
        namespace = _prefixes().get(match.group(1))
        if namespace is not None:
            return namespace + match.group(2)
    return text


def iri_term(text: str, what: str) -> NamedNode:
    """An IRI from user text (full IRI or known prefixed name); anything else is an InputError."""
    value = _expand(text.strip())
    bad = sorted({c for c in value if c in _IRI_FORBIDDEN or ord(c) < 0x20})
    if bad or not _IRI.match(value):
        reason = f"it contains {' '.join(repr(c) for c in bad)}" if bad else "it is not an absolute IRI"
        raise InputError(
            f"{what}: {text!r} is not a valid IRI ({reason}); give a full IRI such as "
            "https://w3id.org/icgp/vocab/i40t/robotics-and-automation or a prefixed name such as i40t:T05"
        )
    try:
        return NamedNode(value)
    except ValueError as exc:
        raise InputError(f"{what}: {text!r} is not a valid IRI: {exc}") from exc


def literal_term(text: str, datatype: str | None, language: str | None, what: str) -> Literal:
    """A literal from user text, checked against its XSD datatype."""
    if language:
        return Literal(text, language=language)
    if datatype is None or datatype == XSD + "string":
        return Literal(text)
    local = datatype.removeprefix(XSD)
    value = text.strip()
    checks: dict[str, Any] = {
        "integer": _INTEGER,
        "int": _INTEGER,
        "long": _INTEGER,
        "nonNegativeInteger": _INTEGER,
        "positiveInteger": _INTEGER,
        "decimal": _DECIMAL,
        "double": _DOUBLE,
        "float": _DOUBLE,
        "gYear": _GYEAR,
    }
    ok = True
    if local in checks:
        ok = bool(checks[local].match(value))
        if ok and local == "nonNegativeInteger":
            ok = int(value) >= 0
        if ok and local == "positiveInteger":
            ok = int(value) > 0
        if ok and local == "decimal":
            try:
                Decimal(value)
            except InvalidOperation:
                ok = False
    elif local == "boolean":
        ok = value in ("true", "false", "1", "0")
    elif local == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            ok = False
    elif local == "dateTime":
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            ok = False
        ok = ok and "T" in value
    elif local == "anyURI":
        ok = not ({c for c in value if c in _IRI_FORBIDDEN or ord(c) < 0x20})
    if not ok:
        raise InputError(f"{what}: {text!r} is not a valid xsd:{local} value")
    return Literal(value, datatype=NamedNode(datatype))


def _concept_value(param: Parameter, text: str, concepts: ConceptIndex, what: str) -> NamedNode:
    """An enumerated IRI parameter: a concept of its scheme named by IRI, slug, notation or label."""
    assert param.scheme is not None
    scheme = param.scheme
    candidate = _expand(text.strip())
    if concepts.scheme_of(candidate) == scheme:
        return NamedNode(candidate)
    found = concepts.resolve(scheme, text)
    if found is not None:
        return NamedNode(found)
    suggestions = concepts.suggest(scheme, text) or _word_suggestions(concepts, scheme, text)
    hint = (
        f"; did you mean {', '.join(concepts.display(iri) for iri in suggestions)}?"
        if suggestions
        else f"; see the concepts of https://w3id.org/icgp/vocab/{scheme}"
    )
    raise InputError(f"{what}: {text!r} is not a concept of the '{scheme}' vocabulary{hint}")


def _word_suggestions(concepts: ConceptIndex, scheme: str, text: str, n: int = 3) -> list[str]:
    """Concepts one of whose name words is close to ``text`` (catches typos of a single word)."""
    wanted = text.strip().lower()
    scored: list[tuple[float, str]] = []
    for iri in concepts.concepts(scheme):
        names = [concepts.slug(iri), concepts.notation(iri) or "", concepts.label(iri) or ""]
        words = {w for name in names for w in re.split(r"[\s\-_/]+", name.lower()) if w}
        best = max((difflib.SequenceMatcher(None, wanted, w).ratio() for w in words), default=0.0)
        if best >= 0.75:
            scored.append((-best, iri))
    return [iri for _, iri in sorted(scored)[:n]]


def _local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def _listed_iri(param: Parameter, text: str, what: str) -> NamedNode:
    """An IRI parameter with listed values: one of them, by IRI, prefixed name or local name."""
    allowed = [_expand(v) for v in param.values]
    wanted = text.strip()
    by_local = [iri for iri in allowed if _local_name(iri).lower() == wanted.lower()]
    if len(by_local) == 1:
        return NamedNode(by_local[0])
    expanded = _expand(wanted)
    if expanded in allowed:
        return iri_term(expanded, what)
    locals_ = [_local_name(iri) for iri in allowed]
    raise InputError(
        f"{what}: {text!r} is not one of the allowed values {', '.join(locals_)}"
        f"{_did_you_mean(_local_name(expanded), locals_)} (give the name or the full IRI)"
    )


def term_for(param: Parameter, text: str, concepts: ConceptIndex | None = None) -> Term:
    """The RDF term a user's text stands for, validated against the parameter's type and enumeration."""
    what = f"parameter {param.name!r}"
    if param.kind == "iri":
        if param.scheme is not None:
            return _concept_value(param, text, concepts or load_concepts(), what)
        if param.values:
            return _listed_iri(param, text, what)
        return iri_term(text, what)
    literal = literal_term(text, param.datatype, param.language, what)
    if param.values and text.strip() not in param.values:
        raise InputError(
            f"{what}: {text!r} is not one of the allowed values "
            f"{', '.join(param.values)}{_did_you_mean(text, list(param.values))}"
        )
    return literal


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """``name=value`` strings from the command line as a mapping (a name may be given once)."""
    found: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"--param {item!r} must have the form name=value")
        if name in found:
            raise InputError(f"--param {name} is given twice")
        found[name] = value
    return found


def resolve_bindings(
    query: SavedQuery, given: Mapping[str, str], concepts: ConceptIndex | None = None
) -> dict[str, Term]:
    """The RDF term bound to each parameter variable: given values, else defaults; optional ones may stay
    unbound. Unknown names and missing mandatory parameters are InputErrors."""
    names = [p.name for p in query.parameters]
    for name in given:
        if name not in names:
            offered = ", ".join(names) if names else "none"
            raise InputError(
                f"query {query.name!r} has no parameter {name!r}{_did_you_mean(name, names)}; "
                f"its parameters: {offered}"
            )
    bound: dict[str, Term] = {}
    for param in query.parameters:
        text = given.get(param.name, param.default)
        if text is None:
            if not param.optional:
                raise InputError(
                    f"query {query.name!r} needs --param {param.name}=VALUE ({param.type_label})"
                )
            continue
        bound[param.variable] = term_for(param, text, concepts)
    return bound


def _group_kinds(toks: Sequence[Token]) -> list[str]:
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


def bind(text: str, bindings: Mapping[str, Term]) -> str:
    """The query text with its parameters bound by VALUES blocks built from RDF terms.

    A block binding every parameter opens the top-level WHERE group, and each nested group (OPTIONAL,
    UNION branch, FILTER EXISTS, sub-SELECT) that mentions a parameter opens with a block for the
    parameters it mentions, so the binding reaches every scope, and query planners see it where the
    parameter is used. Terms are written in N-Triples syntax by pyoxigraph, never as the user typed
    them."""
    if not bindings:
        return text
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise ValueError(f"not a variable name: {name!r}")
    toks = list(tokens(text))
    kinds = iter(_group_kinds(toks))
    top = where_group_start(text)
    inserts: dict[int, set[str]] = {top: set(bindings)}
    stack: list[tuple[str, int, set[str]]] = []
    for token in toks:
        if token.text == "{":
            stack.append((next(kinds), token.start + 1, set()))
        elif token.text == "}" and stack:
            kind, at, seen = stack.pop()
            if kind == "group" and seen:
                inserts.setdefault(at, set()).update(seen)
        elif token.kind == "var" and stack and token.text[1:] in bindings:
            stack[-1][2].add(token.text[1:])
    out = text
    for at in sorted(inserts, reverse=True):
        names = [name for name in bindings if name in inserts[at]]
        row = " ".join(str(bindings[name]) for name in names)
        block = f"\n  VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}\n"
        out = out[:at] + block + out[at:]
    return out


def prepare(query: SavedQuery, given: Mapping[str, str], concepts: ConceptIndex | None = None) -> str:
    """The runnable text of a saved query with its parameters bound."""
    return bind(query.text, resolve_bindings(query, given, concepts))


def binding_problems(query: SavedQuery) -> list[str]:
    """Uses of a parameter that a VALUES binding cannot express as a substitution of its value: as the
    target of ``AS``, in a VALUES header, or inside MINUS (whose shared variables would change)."""
    params = {p.variable for p in query.parameters}
    problems: list[str] = []
    toks = list(tokens(query.text))
    kinds = iter(_group_kinds(toks))
    minus_depth: list[int] = []
    pending_minus = False
    for index, token in enumerate(toks):
        word = token.text.upper() if token.kind == "word" else ""
        if word == "MINUS":
            pending_minus = True
        elif token.text == "{":
            next(kinds)
            if pending_minus:
                minus_depth.append(token.braces)
                pending_minus = False
        elif token.text == "}" and minus_depth and minus_depth[-1] == token.braces:
            minus_depth.pop()
        if token.kind != "var" or token.text[1:] not in params:
            continue
        previous = toks[index - 1] if index > 0 else None
        if previous is not None and previous.kind == "word" and previous.text.upper() == "AS":
            problems.append(f"{token.text} is assigned with AS")
        if minus_depth:
            problems.append(f"{token.text} is used inside MINUS")
    for index, token in enumerate(toks):
        if token.kind == "word" and token.text.upper() == "VALUES":
            for follower in toks[index + 1 :]:
                if follower.text == "{":
                    break
                if follower.kind == "var" and follower.text[1:] in params:
                    problems.append(f"{follower.text} is listed in a VALUES header")
    return sorted(set(problems))


def scoping_problems(query: SavedQuery) -> list[str]:
    """Former name of :func:`binding_problems` (kept for callers written against it)."""
    return binding_problems(query)
