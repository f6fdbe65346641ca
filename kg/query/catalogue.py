"""Saved SPARQL queries: the catalogue and the grlc headers of its queries.

A saved query is one ``.rq`` file in ``queries/``. Its leading ``#+`` comment lines form a YAML header
in grlc's decorator syntax (``summary``, ``description``, ``tags``, ``defaults``, ``enumerate``), so the
file stays valid SPARQL and grlc can serve the folder unchanged. Two keys of ICGP's own, which grlc
ignores, say what a parameter's values are: ``schemes`` gives the vocabulary whose concepts an IRI
parameter names (so ``F3.03`` or ``skills shortage`` can stand for a factor), and ``data_values`` a
SELECT whose ``?value`` column lists the values a text parameter can match in the data (so that a
near miss such as ``EU27`` for ``EU27_2020`` is caught before the query runs). The ``chart-*`` keys
(:data:`CHART_KEYS`, also ICGP's own) name the columns ``icgp query run --chart`` plots. Its parameters
are the BASIL variables it mentions (see :mod:`kg.query.parameters`, which also binds them).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import Store

from kg.errors import InputError
from kg.ontology import resources
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.query.parameters import Parameter, binding_problems, did_you_mean, expand_name, parse_parameter
from kg.query.sparql_text import prologue, query_form, variables, where_group_start

_PARAM_VARIABLE = re.compile(r"^__?[A-Za-z0-9][A-Za-z0-9_]*$")
# A query in a subfolder of the bundled queries, named by its path without .rq (never outside the folder).
_SUBFOLDER_NAME = re.compile(r"[A-Za-z0-9_]+(?:/[A-Za-z0-9_]+)+")
_HEADER_KEYS = (
    "summary",
    "description",
    "tags",
    "defaults",
    "enumerate",
    "schemes",
    "data_values",
    "method",
    "endpoint",
    "endpoint_in_url",
    "pagination",
    "mime",
    "transform",
)
# The columns a chart of the query's answer plots (see ChartSpec); written with a hyphen, as grlc's own
# keys never are, so that they cannot clash with a future grlc decorator.
CHART_KEYS = (
    "chart-x",
    "chart-y",
    "chart-series",
    "chart-rows",
    "chart-cols",
    "chart-value",
    "chart-title",
)


@dataclass(frozen=True)
class ChartSpec:
    """The columns of a query's answer that its charts plot, from the ``#+ chart-*`` header keys.

    A bar or line chart needs ``x`` (one bar or point per value) and ``y`` (one or more numeric
    columns); ``series`` splits a single ``y`` column into one group of bars or one line per value. A
    heatmap needs ``rows``, ``cols`` and the numeric ``value`` of each cell.
    """

    x: str | None = None
    y: tuple[str, ...] = ()
    series: str | None = None
    rows: str | None = None
    cols: str | None = None
    value: str | None = None
    title: str | None = None

    def kinds(self) -> tuple[str, ...]:
        """The chart kinds the header supports: bar and line, heatmap, both or none."""
        found: tuple[str, ...] = ("bar", "line") if self.x and self.y else ()
        if self.rows and self.cols and self.value:
            found += ("heatmap",)
        return found

    def columns(self) -> tuple[str, ...]:
        """Every column the keys name."""
        named = (self.x, *self.y, self.series, self.rows, self.cols, self.value)
        return tuple(c for c in named if c)


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
    chart: ChartSpec = field(default_factory=ChartSpec)

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


def _scheme(
    param: Parameter, named: Any, default: str | None, enumerated: bool, concepts: ConceptIndex, where: str
) -> str | None:
    """The vocabulary whose concepts an IRI parameter names: the one '#+ schemes:' gives, else that of
    its default concept, else the scheme the parameter is named after (``?_i40t_iri``), else None."""
    of_default = None if default is None else concepts.scheme_of(expand_name(default))
    if named is not None:
        scheme = _scalar(named).strip()
        if not concepts.has_scheme(scheme):
            raise InputError(
                f"{where}: '#+ schemes:' gives {param.name!r} the vocabulary {scheme!r}, which does not exist"
                f"{did_you_mean(scheme, concepts.schemes())}; 'icgp vocab list' shows the vocabularies"
            )
        if default is not None and of_default != scheme:
            raise InputError(
                f"{where}: the default of {param.name!r} ({default}) is not a concept of the '{scheme}' "
                "vocabulary that '#+ schemes:' gives it"
            )
        return scheme
    if of_default is not None:
        return of_default
    if enumerated:
        raise InputError(
            f"{where}: enumerated IRI parameter {param.name!r} needs its vocabulary: give it under "
            f"'#+ schemes:' (e.g. '- {param.name}: factor'), a default concept, or a list of values"
        )
    by_name = param.name.replace("_", "-")
    return by_name if concepts.has_scheme(by_name) else None


def _values_query(text: str, body: Any, name: str, where: str) -> str:
    """The runnable query listing a text parameter's values in the data: the query's own prefixes and
    the SELECT of '#+ data_values:', checked to be valid SPARQL with a ?value column."""
    select = _scalar(body).strip() if body is not None else ""
    what = f"{where}: '#+ data_values:' of {name!r}"
    if not select:
        raise InputError(f"{what} is empty; give a SELECT query with a ?value column")
    full = prologue(text) + select + "\n"
    try:
        form = query_form(full)
        Store().query(full)
    except (InputError, SyntaxError) as exc:
        raise InputError(f"{what} is not a valid SPARQL query: {exc}") from exc
    if form != "SELECT" or "value" not in variables(full):
        raise InputError(f"{what} must be a SELECT query with a ?value column")
    return full


def _column(value: Any, key: str, where: str) -> str:
    """A column named under a ``chart-*`` key: a variable name, with or without its ``?``."""
    if not isinstance(value, str) or not value.strip().lstrip("?$"):
        raise InputError(f"{where}: '#+ {key}:' must name one column of the answer, such as 'count'")
    return value.strip().lstrip("?$")


def _chart(header: dict[str, Any], text: str, where: str) -> ChartSpec:
    """The ``chart-*`` keys checked: complete for some chart kind, naming variables of the query."""
    if not any(key in header for key in CHART_KEYS):
        return ChartSpec()
    one = {
        key: _column(header[key], key, where) if header.get(key) is not None else None
        for key in ("chart-x", "chart-series", "chart-rows", "chart-cols", "chart-value")
    }
    raw_y = header.get("chart-y")
    listed = raw_y if isinstance(raw_y, list) else [] if raw_y is None else [raw_y]
    y = tuple(_column(v, "chart-y", where) for v in listed)
    title = header.get("chart-title")
    spec = ChartSpec(
        x=one["chart-x"],
        y=y,
        series=one["chart-series"],
        rows=one["chart-rows"],
        cols=one["chart-cols"],
        value=one["chart-value"],
        title=None if title is None else " ".join(_scalar(title).split()),
    )
    if bool(spec.x) != bool(spec.y):
        raise InputError(f"{where}: a bar or line chart needs both '#+ chart-x:' and '#+ chart-y:'")
    heatmap = [k for k in ("chart-rows", "chart-cols", "chart-value") if one[k]]
    if heatmap and len(heatmap) != 3:
        raise InputError(
            f"{where}: a heatmap needs all of '#+ chart-rows:', '#+ chart-cols:' and '#+ chart-value:'"
        )
    if spec.series and len(spec.y) != 1:
        raise InputError(f"{where}: '#+ chart-series:' splits one column: give exactly one '#+ chart-y:'")
    if not spec.kinds():
        raise InputError(
            f"{where}: the chart keys name no chart; add '#+ chart-x:' and '#+ chart-y:' (bar, line) or "
            "'#+ chart-rows:', '#+ chart-cols:' and '#+ chart-value:' (heatmap)"
        )
    known = variables(text)
    for column in spec.columns():
        if column not in known:
            raise InputError(
                f"{where}: the chart keys name {column!r}, which is not a variable of the query"
                f"{did_you_mean(column, list(known))}"
            )
    return spec


def parse_query(text: str, name: str, path: Path | None = None) -> SavedQuery:
    """Read a query text: its grlc header and its BASIL parameters (defaults and enumerations applied)."""
    return _parse(text, name, path)[0]


def _parse(text: str, name: str, path: Path | None) -> tuple[SavedQuery, ConceptIndex | None]:
    """``parse_query``, and the concept index it read (None when no parameter needed one)."""
    where = str(path) if path is not None else name
    header = _header(text, where)
    unknown = sorted(set(header) - set(_HEADER_KEYS) - set(CHART_KEYS))
    if unknown:
        raise InputError(
            f"{where}: unknown #+ decorator(s) {', '.join(unknown)}; known: "
            f"{', '.join(_HEADER_KEYS + CHART_KEYS)}"
        )
    try:
        Store().query(text)  # parsed only: the store is empty
    except SyntaxError as exc:
        raise InputError(f"{where}: the query is not valid SPARQL: {exc}") from exc
    tags = header.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    defaults = {k: v for k, v in _pairs(header.get("defaults"), "defaults", where)}
    enumerations = {k: v for k, v in _pairs(header.get("enumerate"), "enumerate", where)}
    schemes = {k: v for k, v in _pairs(header.get("schemes"), "schemes", where)}
    data_values = {k: v for k, v in _pairs(header.get("data_values"), "data_values", where)}
    params: dict[str, Parameter] = {}
    for variable in variables(text):
        if not _PARAM_VARIABLE.match(variable):
            continue
        param = parse_parameter(variable)
        known = params.get(param.name)
        if known is not None:
            if known.variable != variable:
                raise InputError(
                    f"{where}: parameter {param.name!r} is written both as ?{known.variable} and "
                    f"?{variable}; write it the same way everywhere"
                )
            continue
        params[param.name] = param
    if params:
        try:
            where_group_start(text)
        except InputError as exc:
            raise InputError(f"{where}: {exc}; add a WHERE {{ }} clause that uses them") from exc
    for key, named in (
        ("defaults", defaults),
        ("enumerate", enumerations),
        ("schemes", schemes),
        ("data_values", data_values),
    ):
        for unknown_name in (n for n in named if n not in params):
            raise InputError(
                f"{where}: the header names {unknown_name!r}, which is not a parameter of the query"
                f"{did_you_mean(unknown_name, list(params))}; fix '#+ {key}:' (the query's parameters: "
                f"{', '.join(params) or 'none'})"
            )
    concepts: ConceptIndex | None = None
    finished: list[Parameter] = []
    for param in params.values():
        default = None if defaults.get(param.name) is None else _scalar(defaults[param.name])
        enumerated = param.name in enumerations
        values: tuple[str, ...] = ()
        if enumerated:
            listed = enumerations[param.name]
            if isinstance(listed, list):
                values = tuple(_scalar(v) for v in listed)
            elif listed is not None:
                values = (_scalar(listed),)
        scheme: str | None = None
        values_query: str | None = None
        if param.kind == "iri":
            if param.name in data_values:
                raise InputError(
                    f"{where}: '#+ data_values:' is for text parameters; {param.name!r} is an IRI parameter, "
                    "checked against the data as it is"
                )
            if values and param.name in schemes:
                raise InputError(
                    f"{where}: {param.name!r} has both a list of values and a vocabulary under "
                    "'#+ schemes:'; keep one of them"
                )
            if not values:
                concepts = concepts or load_concepts()
                scheme = _scheme(param, schemes.get(param.name), default, enumerated, concepts, where)
        else:
            if param.name in schemes:
                raise InputError(
                    f"{where}: '#+ schemes:' gives a vocabulary to {param.name!r}, which is not an IRI "
                    f"parameter; write it as ?{'__' if param.optional else '_'}{param.name}_iri"
                )
            if param.name in data_values:
                values_query = _values_query(text, data_values[param.name], param.name, where)
            elif enumerated and not values:
                raise InputError(
                    f"{where}: enumerated parameter {param.name!r} lists no values; list them under "
                    "'#+ enumerate:', or give a query for the values found in the data under "
                    "'#+ data_values:'"
                )
        finished.append(
            Parameter(
                name=param.name,
                variable=param.variable,
                kind=param.kind,
                datatype=param.datatype,
                language=param.language,
                optional=param.optional,
                default=default,
                enumerated=enumerated or values_query is not None,
                values=values,
                scheme=scheme,
                data_values=values_query,
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
        chart=_chart(header, text, where),
    ), concepts


# Saved queries parsed so far, by text, name and path, with the concept index each one read. A command
# or a test run reads the same files many times (every assessment reads each of its model's queries), and
# parsing one costs far more than reading it; an edited file or vocabulary is parsed again.
_PARSED: dict[tuple[str, str, Path], tuple[SavedQuery, ConceptIndex | None]] = {}
_PARSED_LIMIT = 512


def _parsed_file(text: str, name: str, path: Path) -> SavedQuery:
    key = (text, name, path)
    known = _PARSED.get(key)
    if known is not None and (known[1] is None or known[1] is load_concepts()):
        return known[0]
    parsed = _parse(text, name, path)
    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.clear()
    _PARSED[key] = parsed
    return parsed[0]


def load_query_file(path: Path, name: str | None = None) -> SavedQuery:
    """Read one ``.rq`` file as a saved query named after the file (or ``name``)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(
            f"query file {path} does not exist; give the path of a .rq file, or the name of a saved query "
            "('icgp query list' shows them)"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the query file {path}: {exc}") from exc
    return _parsed_file(text, name or path.stem, path)


def catalogue() -> dict[str, SavedQuery]:
    """Every saved policy query shipped with ICGP, by name (the file name without ``.rq``)."""
    return {path.stem: load_query_file(path) for path in resources.saved_query_files()}


def find_query(name_or_file: str) -> SavedQuery:
    """A saved query by name, or a query file by path; unknown names suggest the closest ones.

    A name with a slash, such as ``assessment/network_ties``, names a query in a subfolder of the
    bundled queries: such queries serve other commands (``icgp assess``) and are not in the catalogue.
    """
    names = [path.stem for path in resources.saved_query_files()]
    if name_or_file in names:
        return load_query_file(resources.resource_dir("queries") / f"{name_or_file}.rq")
    if _SUBFOLDER_NAME.fullmatch(name_or_file):
        bundled = resources.resource_dir("queries") / f"{name_or_file}.rq"
        if bundled.is_file():
            return load_query_file(bundled, name_or_file)
    path = Path(name_or_file)
    if path.suffix.lower() in (".rq", ".sparql") or "/" in name_or_file or path.is_file():
        return load_query_file(path)
    raise InputError(
        f"no saved query named {name_or_file!r}{did_you_mean(name_or_file, names)}; "
        "'icgp query list' shows them all; a query file must end in .rq"
    )


def scoping_problems(query: SavedQuery) -> list[str]:
    """Former name of :func:`binding_problems` (kept for callers written against it)."""
    return binding_problems(query)
