"""Import Eurostat SDMX-CSV tables (ICT usage in enterprises and alike) as RDF Data Cube observations.

Eurostat's SDMX-CSV 2.0 export has one observation per row: structure columns (``STRUCTURE``,
``STRUCTURE_ID``, ``STRUCTURE_NAME``), one column per dimension (``freq``, ``size_emp``, ``nace_r2``,
``indic_is``, ``unit``, ``geo``, ``TIME_PERIOD``), the value (``OBS_VALUE``) and the attributes
``OBS_FLAG`` and ``CONF_STATUS``; in the "with labels" variant each code column is followed by a column
of English labels. SDMX-CSV 1.0 (a ``DATAFLOW`` column) and exports without labels are read too.

Each row becomes one ``qb:Observation``: the area as a NUTS concept (``http://data.europa.eu/nuts/code/AT``)
or, for aggregates such as ``EU27_2020``, a concept of the study's Eurostat code lists; the size class as
a concept of the ICGP size vocabulary where it is one of the EU size classes (``10-49`` small, ``50-249``
medium, ``GE250`` large, ``0-9`` micro) and as a code-list concept otherwise (``10-249``, ``GE10``...);
the year as ``xsd:gYear``. Flags are kept as attributes. A row without a value stays an observation
with its flags but without ``sdmx-measure:obsValue`` (or is skipped with ``missing="skip"``); it never
becomes 0.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.importers.target import (
    SDMX_ATTRIBUTE,
    SDMX_CODE,
    SDMX_DIMENSION,
    SDMX_MEASURE,
    ImportResult,
    ImportTarget,
    Triples,
    import_name,
    local_name,
    open_target,
    turtle,
    write_import,
)
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.ontology.namespaces import DCTERMS, ICGP, NUTS, QB, RDF, RDFS, SKOS, XSD, vocab

# Columns that describe the structure or the row, not a dimension.
_STRUCTURE_COLUMNS = {"STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "DATAFLOW", "ACTION", "LAST UPDATE"}
_VALUE, _FLAG, _CONF, _TIME = "OBS_VALUE", "OBS_FLAG", "CONF_STATUS", "TIME_PERIOD"
_CODE_COLUMN = re.compile(r"^(?:[a-z][a-z0-9_]*|[A-Z][A-Z0-9_]*)$")
_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_STRUCTURE_ID = re.compile(r"^(?:(?P<agency>[A-Za-z0-9_.]+):)?(?P<id>[A-Za-z0-9_]+)")

# Dimensions with a shared property, so that saved queries work across studies and tables.
DIMENSIONS: dict[str, str] = {
    "geo": SDMX_DIMENSION + "refArea",
    _TIME: SDMX_DIMENSION + "refPeriod",
    "freq": SDMX_DIMENSION + "freq",
    "size_emp": str(ICGP.employmentSizeClass),
    "sizen_r2": str(ICGP.employmentSizeClass),
    "indic_is": str(ICGP.statisticalIndicator),
    "unit": str(ICGP.unitOfMeasure),
    "nace_r2": str(ICGP.economicActivity),
}
OBS_VALUE = SDMX_MEASURE + "obsValue"
OBS_STATUS = SDMX_ATTRIBUTE + "obsStatus"
CONF_STATUS = SDMX_ATTRIBUTE + "confStatus"

# Eurostat size classes (persons employed) that are exactly an EU size class of the ICGP vocabulary.
SIZE_CLASSES = {"0-9": "micro", "10-49": "small", "50-249": "medium", "GE250": "large"}
# SDMX confidentiality codes (sdmx-code:confStatus-X); others become code-list concepts.
_SDMX_CONF = {"F", "N", "C", "D", "S"}
# Eurostat's observation flags, for labels when the export has none.
FLAG_LABELS = {
    "b": "break in time series",
    "c": "confidential",
    "d": "definition differs (see metadata)",
    "e": "estimated",
    "f": "forecast",
    "n": "not significant",
    "p": "provisional",
    "r": "revised",
    "s": "Eurostat estimate",
    "u": "low reliability",
    "z": "not applicable",
}
_EUROSTAT = "http://publications.europa.eu/resource/authority/corporate-body/ESTAT"
_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
_MISSING_MARKS = {"", ":"}
MISSING_POLICIES = ("keep", "skip")


@dataclass
class Layout:
    """Where the code and label columns of an SDMX-CSV header are."""

    code: dict[str, int]
    label: dict[str, int]
    dimensions: list[str]
    extra: list[str] = field(default_factory=list)


def read_layout(header: list[str], where: str) -> Layout:
    """Classify the header: code columns, their label columns, and the dimensions in file order.

    A label column follows its code column and has a header that is not a code (it has spaces or mixed
    case, e.g. ``Time frequency`` or ``Time``).
    """
    code: dict[str, int] = {}
    label: dict[str, int] = {}
    previous: str | None = None
    for index, raw in enumerate(header):
        name = raw.strip()
        if name == "STRUCTURE_NAME":
            label["STRUCTURE_ID"] = index
            previous = None
        elif name in _STRUCTURE_COLUMNS or _CODE_COLUMN.match(name):
            if name in code:
                raise InputError(f"{where}: the column {name} appears twice in the header")
            code[name] = index
            previous = name
        elif previous is not None and previous not in label:
            label[previous] = index
        # Anything else (an unlabelled free-text column) is ignored.
    for needed in ("geo", _TIME, _VALUE):
        if needed not in code:
            raise InputError(
                f"{where} has no {needed} column; it does not look like a Eurostat SDMX-CSV table "
                "(download the table as SDMX-CSV from the Eurostat data browser)"
            )
    dimensions = [
        name
        for name in code
        if name not in _STRUCTURE_COLUMNS and name not in (_VALUE, _FLAG, _CONF) and not name.isupper()
    ]
    dimensions.append(_TIME)
    extra = [name for name in dimensions if name not in DIMENSIONS]
    return Layout(code, label, dimensions, extra)


def _time(value: str) -> tuple[str, str | None]:
    if re.fullmatch(r"\d{4}", value):
        return value, str(XSD.gYear)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return value, str(XSD.gYearMonth)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value, str(XSD.date)
    return value, None


class _CodeLists:
    """Concepts for the codes of one study's Eurostat tables: ``{base}{study}/eurostat/{dim}/{code}``."""

    def __init__(self, t: Triples, target: ImportTarget) -> None:
        self.t = t
        self.target = target
        # The triples of a concept depend only on these arguments and every row repeats most of them:
        # adding them once gives the same set of triples without redoing the work per row.
        self._schemes: dict[tuple[str, str | None], str] = {}
        self._concepts: dict[tuple[str, str, str | None, str | None], str] = {}

    def scheme(self, dimension: str, label: str | None) -> str:
        found = self._schemes.get((dimension, label))
        if found is not None:
            return found
        iri = self.target.iri("eurostat", local_name(dimension))
        self.t.type(iri, str(SKOS.ConceptScheme))
        self.t.text(iri, str(SKOS.notation), dimension)
        self.t.text(iri, str(RDFS.label), label or f"Eurostat code list {dimension}", "en")
        self._schemes[(dimension, label)] = iri
        return iri

    def concept(self, dimension: str, code: str, label: str | None, header: str | None) -> str:
        found = self._concepts.get((dimension, code, label, header))
        if found is not None:
            return found
        iri = self.target.iri("eurostat", local_name(dimension), local_name(code))
        self.t.type(iri, str(SKOS.Concept))
        self.t.iri(iri, str(SKOS.inScheme), self.scheme(dimension, header))
        self.t.text(iri, str(SKOS.notation), code)
        self.t.text(iri, str(SKOS.prefLabel), label, "en")
        self._concepts[(dimension, code, label, header)] = iri
        return iri


def _flag_labels(code: str, label: str | None) -> list[tuple[str, str | None]]:
    """Single flags of a (possibly combined) Eurostat flag such as ``bu``, with their labels."""
    letters = list(code)
    parts = [part.strip() for part in label.split(",")] if label else []
    if len(parts) == len(letters):
        return list(zip(letters, parts, strict=True))
    return [(letter, FLAG_LABELS.get(letter)) for letter in letters]


def table_triples(
    rows: list[list[str]],
    layout: Layout,
    header: list[str],
    target: ImportTarget,
    key: str,
    concepts: ConceptIndex,
    where: str,
    missing: str,
    checksum: str,
) -> tuple[Triples, dict[str, int], list[str]]:
    """The data set, its structure, the code-list concepts and one observation per row."""
    t = Triples()
    lists = _CodeLists(t, target)
    warnings: list[str] = []
    counts: Counter[str] = Counter()

    def cell(row: list[str], column: str) -> str:
        index = layout.code.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    def label(row: list[str], column: str) -> str | None:
        index = layout.label.get(column)
        value = row[index].strip() if index is not None and index < len(row) else ""
        return value or None

    def header_label(column: str) -> str | None:
        index = layout.label.get(column)
        return header[index].strip() if index is not None else None

    structures = {cell(row, "STRUCTURE_ID") or cell(row, "DATAFLOW") for row in rows}
    structures.discard("")
    if len(structures) > 1:
        raise InputError(
            f"{where} mixes {len(structures)} tables ({', '.join(sorted(structures))}); import one"
        )
    structure = next(iter(structures), "")
    match = _STRUCTURE_ID.match(structure)
    table_code = match.group("id") if match else key.upper()
    title = next((label(row, "STRUCTURE_ID") for row in rows if label(row, "STRUCTURE_ID")), None)

    dataset = target.iri("statistics", key)
    dsd = target.iri("statistics-structure", key)
    t.type(dataset, str(QB.DataSet))
    t.text(dataset, str(RDFS.label), title or f"Eurostat table {table_code}", "en")
    t.text(dataset, str(DCTERMS.title), title, "en")
    t.text(dataset, str(DCTERMS.identifier), table_code)
    t.iri(dataset, str(DCTERMS.publisher), _EUROSTAT)
    t.iri(dataset, str(DCTERMS.license), _LICENCE)
    t.iri(
        dataset,
        str(DCTERMS.source),
        f"https://ec.europa.eu/eurostat/databrowser/view/{table_code.lower()}/default/table",
    )
    t.text(dataset, str(DCTERMS.bibliographicCitation), f"Source: Eurostat ({table_code.lower()})")
    t.text(dataset, str(ICGP.sha256), checksum)
    t.iri(dataset, str(QB.structure), dsd)
    t.type(dsd, str(QB.DataStructureDefinition))

    properties: dict[str, str] = {}
    for order, column in enumerate(layout.dimensions, start=1):
        prop = DIMENSIONS.get(column)
        if prop is None:
            # A dimension without a shared property gets one in the study's namespace.
            prop = target.iri("eurostat-dimension", local_name(column))
            t.type(prop, str(QB.DimensionProperty), str(RDF.Property))
            t.text(prop, str(RDFS.label), header_label(column) or column, "en")
            t.text(prop, str(SKOS.notation), column)
            t.iri(prop, str(RDFS.range), str(SKOS.Concept))
            t.iri(prop, str(QB.codeList), lists.scheme(column, header_label(column)))
            warnings.append(f"{where}: the dimension {column} has no shared property; it gets {prop}")
        properties[column] = prop
        _component(t, dsd, column, str(QB.dimension), prop, order)
    order = len(layout.dimensions)
    _component(t, dsd, _VALUE, str(QB.measure), OBS_VALUE, order + 1)
    if _FLAG in layout.code:
        _component(t, dsd, _FLAG, str(QB.attribute), OBS_STATUS, order + 2, required=False)
    if _CONF in layout.code:
        _component(t, dsd, _CONF, str(QB.attribute), CONF_STATUS, order + 3, required=False)

    seen: dict[str, int] = {}
    size_scheme = vocab("size")
    for line, row in rows_with_lines(rows):
        codes = {column: cell(row, column) for column in layout.dimensions}
        empty = [column for column, value in codes.items() if not value]
        if empty:
            raise InputError(f"{where}:{line}:{empty[0]}: the dimension has no code")
        raw_value = cell(row, _VALUE)
        if raw_value in _MISSING_MARKS and missing == "skip":
            counts["skipped rows without a value"] += 1
            continue
        if raw_value not in _MISSING_MARKS and not _DECIMAL.match(raw_value):
            raise InputError(f"{where}:{line}:{_VALUE}: '{raw_value}' is not a number")
        observation = target.iri(
            "observation", key, *(local_name(codes[column]) for column in layout.dimensions)
        )
        if observation in seen:
            raise InputError(f"{where}:{line}: the same dimension codes as line {seen[observation]}")
        seen[observation] = line
        t.type(observation, str(QB.Observation))
        t.iri(observation, str(QB.dataSet), dataset)
        for column in layout.dimensions:
            code = codes[column]
            prop = properties[column]
            if column == _TIME:
                value, datatype = _time(code)
                if datatype:
                    t.typed(observation, prop, value, datatype)
                else:
                    t.text(observation, prop, value)
                continue
            if column == "freq":
                t.iri(observation, prop, f"{SDMX_CODE}freq-{code}")
                continue
            own = lists.concept(column, code, label(row, column), header_label(column))
            value_iri = own
            if column == "geo":
                found = concepts.resolve("nuts", code)
                if found is not None and concepts.slug(found) == code:
                    value_iri = str(NUTS[code])
                    t.iri(own, str(SKOS.exactMatch), value_iri)
            elif prop == str(ICGP.employmentSizeClass) and code in SIZE_CLASSES:
                value_iri = f"{size_scheme}{SIZE_CLASSES[code]}"
                t.iri(own, str(SKOS.exactMatch), value_iri)
            elif column == "indic_is":
                t.type(own, str(ICGP.Indicator))
            t.iri(observation, prop, value_iri)
        if raw_value in _MISSING_MARKS:
            counts["observations without a value"] += 1
        else:
            t.typed(observation, OBS_VALUE, raw_value, str(XSD.decimal))
            counts["observations with a value"] += 1
        flag = cell(row, _FLAG)
        if flag:
            counts["flagged observations"] += 1
            for letter, text in _flag_labels(flag, label(row, _FLAG)):
                t.iri(observation, OBS_STATUS, lists.concept("obs_flag", letter, text, header_label(_FLAG)))
        conf = cell(row, _CONF)
        if conf:
            counts[
                "confidential observations" if conf == "C" else "observations with a confidentiality status"
            ] += 1
            if conf in _SDMX_CONF:
                t.iri(observation, CONF_STATUS, f"{SDMX_CODE}confStatus-{conf}")
            else:
                t.iri(observation, CONF_STATUS, lists.concept("conf_status", conf, label(row, _CONF), None))
        counts["observations"] += 1
    counts["rows"] = len(rows_with_lines(rows))
    first = ["rows", "observations", "observations with a value", "observations without a value"]
    ordered = {what: counts[what] for what in first}
    ordered.update(sorted((what, n) for what, n in counts.items() if what not in first))
    return t, ordered, warnings


def rows_with_lines(rows: list[list[str]]) -> list[tuple[int, list[str]]]:
    """Data rows with their file line numbers (the header is line 1), blank rows left out."""
    return [(index, row) for index, row in enumerate(rows, start=2) if any(cell.strip() for cell in row)]


def _component(
    t: Triples, dsd: str, column: str, kind: str, prop: str, order: int, required: bool = True
) -> None:
    spec = f"{dsd}/{local_name(column)}"
    t.type(spec, str(QB.ComponentSpecification))
    t.iri(dsd, str(QB.component), spec)
    t.iri(spec, kind, prop)
    t.integer(spec, str(QB.order), order)
    if not required:
        t.typed(spec, str(QB.componentRequired), "false", str(XSD.boolean))


def read_table(data: bytes, where: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of an SDMX-CSV file (UTF-8, comma or semicolon separated)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where} is not UTF-8 text (byte {exc.start}); download it again as SDMX-CSV"
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise InputError(f"{where} is empty")
    return rows[0], rows[1:]


def import_eurostat(file: Path, into: Path, name: str | None = None, missing: str = "keep") -> ImportResult:
    """Import a Eurostat SDMX-CSV table into ``into/imports/eurostat-{name}.ttl``.

    ``missing`` says what happens to rows without a value: ``keep`` them as observations without a
    measure (their flags stay queryable) or ``skip`` them.
    """
    if missing not in MISSING_POLICIES:
        raise InputError(f"unknown policy '{missing}' for rows without a value; use keep or skip")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"the Eurostat table {file} could not be read: {exc.strerror or exc}") from exc
    target = open_target(into)
    header, rows = read_table(data, file.name)
    layout = read_layout(header, file.name)
    structure = ""
    for row in rows:
        index = layout.code.get("STRUCTURE_ID", layout.code.get("DATAFLOW"))
        if index is not None and index < len(row) and row[index].strip():
            structure = row[index].strip()
            break
    match = _STRUCTURE_ID.match(structure)
    key = import_name(name, match.group("id").lower() if match else file.stem, "eurostat")
    triples, counts, warnings = table_triples(
        rows,
        layout,
        header,
        target,
        key,
        load_concepts(),
        file.name,
        missing,
        hashlib.sha256(data).hexdigest(),
    )
    header_text = (
        f"Eurostat import '{key}' from {file.name} into study '{target.study}'.\n"
        "Source: Eurostat; reuse under the Commission's reuse policy (CC BY 4.0).\n"
        "Written by 'icgp import'; re-run the import instead of editing this file."
    )
    path = write_import(target, f"eurostat-{key}.ttl", turtle(triples), header_text)
    return ImportResult(name=key, path=path, triples=len(triples), counts=counts, warnings=warnings)
