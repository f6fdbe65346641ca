"""Check the tables of a study package against their schemas and hand the parsed rows to the builder.

Every problem of the whole package is reported in one run: encoding, delimiter, header, ragged rows,
types, required values, unique keys, foreign keys, vocabulary concepts, dates, list cells and the rules
between columns and tables. The checks are a single pass over each CSV with the standard ``csv``
module, precompiled regular expressions and dictionary lookups, so they stay linear in the size of the
package; the Table Schemas are interpreted here rather than by a per-row validator.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

from pyoxigraph import Triple

from kg.errors import ResourceMissingError
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.package.cells import SCHEME_NOUNS, SUGGESTION_BUDGET, CellError, Column, Nearest, converter, quoted
from kg.package.imports_folder import read_imports
from kg.package.reader import Descriptor, StudyPackage, check_region, open_package
from kg.package.schemas import FieldSpec, TableSchema, load_schemas
from kg.problems import Problem, Severity, has_violations, sort_problems


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its 1-based line in the file and its parsed values by column name.

    Every schema column is present. Empty or wrong cells are None (or the column's default concept);
    integers and years are int, numbers float, dates ``datetime.date``, scales ``(min, max)``, concept
    cells concept IRIs, list cells lists, and every other cell the trimmed text.
    """

    line: int
    values: dict[str, object]


@dataclass(frozen=True)
class CheckedPackage:
    """The outcome of the checks: the problems and, for the builder, the parsed tables.

    ``tables`` holds the rows of each table present (rows with the wrong number of cells are left out),
    ``table_files`` each table's file inside the package and ``checksums`` the SHA-256 of every file read.
    """

    package: StudyPackage
    descriptor: Descriptor
    tables: dict[str, list[Row]]
    table_files: dict[str, str]
    checksums: dict[str, str]
    problems: list[Problem]
    imports: dict[str, list[Triple]] = field(default_factory=dict)
    """Triples of the RDF files under ``imports/``, by file (see :mod:`kg.package.imports_folder`)."""

    @property
    def ok(self) -> bool:
        """True if no problem is a violation (warnings and infos do not block a build)."""
        return not has_violations(self.problems)


# --- one table -------------------------------------------------------------------------------------


@dataclass
class _TableResult:
    """What one table's pass leaves for the cross-table checks."""

    schema: TableSchema
    file: str
    rows: list[Row] = field(default_factory=list)
    columns: dict[str, Column] = field(default_factory=dict)
    usable: bool = True
    # Values of each column (from every row, ragged rows included) for foreign keys into this table.
    keys: dict[str, set[str]] = field(default_factory=dict)


class _Checker:
    def __init__(self, package: StudyPackage, concepts: ConceptIndex) -> None:
        self.package = package
        self.concepts = concepts
        self.schemas = load_schemas()
        self.problems: list[Problem] = list(package.problems)
        self.results: dict[str, _TableResult] = {}

    def add(
        self,
        file: str,
        rule: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        expected: str | None = None,
        suggestion: str | None = None,
        severity: Severity = Severity.VIOLATION,
    ) -> None:
        self.problems.append(Problem(severity, rule, message, file, row, column, value, expected, suggestion))

    def run(self) -> CheckedPackage:
        needed = {
            spec.scheme
            for table in self.package.texts
            for spec in self.schemas[table].fields
            if spec.scheme is not None
        }
        if self.package.descriptor.region is not None:
            needed.add("nuts")
        missing = sorted(scheme for scheme in needed if not self.concepts.has_scheme(scheme))
        if missing:
            raise ResourceMissingError(
                "the vocabularies " + ", ".join(missing) + " are not among the bundled vocabularies; "
                "reinstall icgp"
            )
        self.problems += check_region(self.package.descriptor, self.concepts)
        for table, schema in self.schemas.items():
            text = self.package.texts.get(table)
            if text is not None:
                self.results[table] = self.check_table(schema, self.package.table_files[table], text)
        for result in self.results.values():
            if result.usable:
                self.check_foreign_keys(result)
                self.check_rules(result)
        return CheckedPackage(
            package=self.package,
            descriptor=self.package.descriptor,
            tables={table: result.rows for table, result in self.results.items()},
            table_files=dict(self.package.table_files),
            checksums=dict(self.package.checksums),
            problems=sort_problems(self.problems),
        )

    # -- header and rows --

    def check_header(self, schema: TableSchema, file: str, header: list[str]) -> dict[str, int] | None:
        """Map column names to positions; None if the table cannot be read further."""
        names = [name.strip() for name in header]
        if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
            used = ";" if names[0].count(";") >= names[0].count("\t") else "\t"
            shown = "';'" if used == ";" else "a tab"
            self.add(
                file,
                "table.delimiter",
                f"{file} separates its columns with {shown}; save it with ',' between columns "
                "(in Excel: 'CSV UTF-8 (comma delimited)')",
                row=1,
                value=used,
                expected=",",
                suggestion=",",
            )
            return None
        known = schema.field_names
        positions: dict[str, int] = {}
        unknown: list[tuple[int, str]] = []
        for index, name in enumerate(names):
            if name in positions:
                self.add(
                    file,
                    "table.header",
                    f"column '{name}' appears twice in the header (columns {positions[name] + 1} and "
                    f"{index + 1}); keep one, only the first is read",
                    row=1,
                    column=name,
                    value=name,
                    expected="each column once",
                )
            elif name in known:
                positions[name] = index
            else:
                unknown.append((index, name))
        missing = [spec for spec in schema.fields if spec.name not in positions]
        missing_names = [spec.name for spec in missing]
        explained: set[str] = set()
        for index, name in unknown:
            if not name:
                self.add(
                    file,
                    "table.header",
                    f"column {index + 1} has no name in the header; name it or delete the column",
                    row=1,
                    value="",
                    expected="a column name",
                    severity=Severity.WARNING,
                )
                continue
            close = difflib.get_close_matches(name, missing_names, n=1, cutoff=0.6)
            close_known = close or difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
            is_required = bool(close) and schema.field(close[0]).required
            if close:
                explained.add(close[0])
            hint = f"; did you mean '{close_known[0]}'?" if close_known else ""
            self.add(
                file,
                "table.header",
                f"column '{name}' is not a column of {schema.name}{hint}"
                + ("" if is_required else " (its cells are ignored)"),
                row=1,
                column=name,
                value=name,
                expected="one of " + ", ".join(known),
                suggestion=close_known[0] if close_known else None,
                severity=Severity.VIOLATION if is_required else Severity.WARNING,
            )
        for spec in missing:
            if spec.required and spec.name not in explained:
                self.add(
                    file,
                    "table.header",
                    f"{file} has no column '{spec.name}', which {schema.name} requires",
                    row=1,
                    column=spec.name,
                    expected=f"a column '{spec.name}'",
                )
        return positions

    def check_table(self, schema: TableSchema, file: str, text: str) -> _TableResult:
        result = _TableResult(schema=schema, file=file)
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            self.add(file, "table.csv", f"{file} could not be read as CSV: {exc}", row=1)
            result.usable = False
            return result
        if header is None or not any(cell.strip() for cell in header):
            self.add(
                file,
                "table.header",
                f"{file} has no header row; its first line must name the columns",
                row=1,
                expected="a header row",
            )
            result.usable = False
            return result
        positions = self.check_header(schema, file, header)
        if positions is None:
            result.usable = False
            return result
        width = len(header)
        columns = []
        for spec in schema.fields:
            column = Column(spec, positions.get(spec.name), converter(spec, self.concepts))
            if spec.default is not None and spec.scheme is not None:
                column.default = self.concepts.resolve(spec.scheme, spec.default)
            result.columns[spec.name] = column
            if column.index is not None:
                columns.append(column)
        absent = {spec.name: result.columns[spec.name].default for spec in schema.fields}
        key_columns = [(name, positions[name]) for name in self._referenced(schema.name) if name in positions]
        for name, _ in key_columns:
            result.keys[name] = set()
        unique = [c for c in columns if c.spec.unique or (schema.primary_key == (c.spec.name,))]
        seen_unique: dict[str, dict[object, int]] = {c.spec.name: {} for c in unique}
        composite = schema.primary_key if len(schema.primary_key) > 1 else ()
        composite_ok = all(name in positions for name in composite)
        seen_composite: dict[tuple[object, ...], int] = {}
        add = self.add
        previous_line = reader.line_num
        rows = result.rows
        try:
            for record in reader:
                line = previous_line + 1
                previous_line = reader.line_num
                if len(record) != width:
                    if not record:
                        continue  # a blank line
                    # Keep the row's id so that references to it do not fail as well.
                    for name, index in key_columns:
                        if index < len(record) and record[index].strip():
                            result.keys[name].add(record[index].strip())
                    self._ragged(file, line, record, width)
                    continue
                if not any(record):
                    continue  # a row of empty cells
                values = dict(absent)
                for column in columns:
                    cell = record[column.index].strip()  # type: ignore[index]
                    spec = column.spec
                    if not cell:
                        if spec.required:
                            add(
                                file,
                                "table.required",
                                f"{spec.name} is empty; {schema.name} needs a value in every row",
                                row=line,
                                column=spec.name,
                                expected=_describe(spec),
                            )
                        continue
                    try:
                        if spec.is_list:
                            values[spec.name] = self._list(file, line, column, cell)
                        else:
                            values[spec.name] = column.convert(cell)
                    except CellError as bad:
                        self._bad(file, line, spec, cell, bad)
                for name, index in key_columns:
                    cell = record[index].strip()
                    if cell:
                        result.keys[name].add(cell)
                for column in unique:
                    name = column.spec.name
                    value = values[name]
                    if value is None:
                        continue
                    first = seen_unique[name].setdefault(value, line)
                    if first != line:
                        add(
                            file,
                            "table.unique",
                            f"{name} '{value}' is used twice (also on row {first}); each {name} must be "
                            f"unique in {schema.name}",
                            row=line,
                            column=name,
                            value=str(value),
                            expected=f"{_article(name)} {name} not used before in {file}",
                        )
                if composite and composite_ok:
                    key = tuple(values[name] for name in composite)
                    if None not in key:
                        first = seen_composite.setdefault(key, line)
                        if first != line:
                            shown = ", ".join(
                                f"{name} '{record[positions[name]].strip() or '(default)'}'"
                                for name in composite
                            )
                            add(
                                file,
                                "table.unique",
                                f"the combination {shown} appears twice (also on row {first}); "
                                "merge the two rows",
                                row=line,
                                column=composite[0],
                                value=" | ".join(record[positions[name]].strip() for name in composite),
                                expected="a combination not used before in " + file,
                            )
                rows.append(Row(line, values))
        except csv.Error as exc:
            add(
                file,
                "table.csv",
                f"{file} could not be read as CSV after row {previous_line}: {exc}",
                row=previous_line + 1,
            )
        return result

    def _referenced(self, table: str) -> list[str]:
        """The columns of ``table`` that foreign keys point at (their values are collected)."""
        found = {
            fk.reference
            for schema in self.schemas.values()
            for fk in schema.foreign_keys
            if fk.resource == table
        }
        return sorted(found)

    def _ragged(self, file: str, line: int, record: list[str], width: int) -> None:
        count = len(record)
        hint = ""
        if count == 1 and (";" in record[0] or "\t" in record[0]):
            hint = "; its cells seem to be separated by ';' or a tab instead of ','"
        elif count < width and any("\n" in cell for cell in record):
            hint = '; a quote (") seems to be left open'
        elif count > width:
            hint = "; put quotes around cells that contain ','"
        self.add(
            file,
            "table.ragged",
            f"row has {count} cell{'s' if count != 1 else ''} but the header has {width}{hint}",
            row=line,
            value=f"{count} cells",
            expected=f"{width} cells",
        )

    def _bad(self, file: str, line: int, spec: FieldSpec, cell: str, bad: CellError) -> None:
        value = bad.value if bad.value is not None else cell
        where = f"{spec.name} item" if bad.value is not None else spec.name
        self.add(
            file,
            bad.rule,
            f"{where} '{value}' {bad.reason}",
            row=line,
            column=spec.name,
            value=value,
            expected=bad.expected,
            suggestion=bad.suggestion,
            severity=bad.severity,
        )

    def _list(self, file: str, line: int, column: Column, cell: str) -> list[object]:
        spec = column.spec
        items = [item.strip() for item in cell.split(";")]
        kept = [item for item in items if item]
        if len(kept) != len(items):
            self.add(
                file,
                "table.list",
                f"{spec.name} '{cell}' has an empty list item; remove the extra ';'",
                row=line,
                column=spec.name,
                value=cell,
                expected="items separated by single ';'",
                suggestion=";".join(kept),
                severity=Severity.WARNING,
            )
        parsed: list[object] = []
        for item in kept:
            try:
                value = column.convert(item)
            except CellError as error:
                bad = error
                if "," in item and spec.scheme is not None:
                    parts = [part.strip() for part in item.split(",")]
                    if all(part and self.concepts.resolve(spec.scheme, part) for part in parts):
                        bad = CellError(
                            "table.list",
                            "separates list items with ','; use ';' between items",
                            "items separated by ';'",
                            ";".join(parts),
                        )
                bad.value = item
                self._bad(file, line, spec, cell, bad)
                continue
            if value in parsed:
                self.add(
                    file,
                    "table.list",
                    f"{spec.name} lists '{item}' twice; keep it once",
                    row=line,
                    column=spec.name,
                    value=item,
                    expected="each item once",
                    severity=Severity.WARNING,
                )
                continue
            parsed.append(value)
        return parsed

    # -- across tables --

    def check_foreign_keys(self, result: _TableResult) -> None:
        schema = result.schema
        for fk in schema.foreign_keys:
            column = result.columns[fk.field]
            if column.index is None:
                continue
            target = self.results.get(fk.resource)
            target_file = self.package.table_files.get(fk.resource, f"{fk.resource}.csv")
            if target is None:
                first = next((row for row in result.rows if row.values[fk.field]), None)
                if first is not None:
                    self.add(
                        result.file,
                        "table.foreign-key",
                        f"{fk.field} refers to {target_file}, which the package does not have; add "
                        f"{target_file} or leave {fk.field} empty",
                        row=first.line,
                        column=fk.field,
                        value=_shown(first.values[fk.field]),
                        expected=f"an existing {fk.reference} of {target_file}",
                    )
                continue
            if not target.usable or fk.reference not in target.keys:
                continue
            keys = target.keys[fk.reference]
            nearest: Nearest | None = None
            suggested: dict[str, str | None] = {}
            for row in result.rows:
                value = row.values[fk.field]
                if value is None:
                    continue
                items = value if isinstance(value, list) else [value]
                for item in items:
                    if not isinstance(item, str) or item in keys:
                        continue
                    parts = [part.strip() for part in item.split(",")]
                    if len(parts) > 1 and all(part in keys for part in parts):
                        self.add(
                            result.file,
                            "table.list",
                            f"{fk.field} item '{item}' separates list items with ','; use ';' between items",
                            row=row.line,
                            column=fk.field,
                            value=item,
                            expected="items separated by ';'",
                            suggestion=";".join(parts),
                        )
                        continue
                    if item in suggested:
                        suggestion = suggested[item]
                    elif len(suggested) < SUGGESTION_BUDGET:
                        nearest = nearest or Nearest(keys)
                        found = nearest.suggest(item)
                        suggestion = suggested[item] = quoted(found) if found else None
                    else:
                        suggestion = None
                    what = f"{fk.field} item" if isinstance(value, list) else fk.field
                    self.add(
                        result.file,
                        "table.foreign-key",
                        f"{what} '{item}' is not {_article(fk.reference)} {fk.reference} in {target_file}"
                        + (f"; did you mean {suggestion}?" if suggestion else ""),
                        row=row.line,
                        column=fk.field,
                        value=item,
                        expected=f"an existing {fk.reference} of {target_file}",
                        suggestion=suggestion,
                    )

    def check_rules(self, result: _TableResult) -> None:
        for check in result.schema.checks:
            options = check.options
            if check.kind == "order":
                self._order(
                    result, options["start"], options["end"], Severity(options.get("severity", "violation"))
                )
            elif check.kind == "within-length":
                self._within_length(result, options)
            elif check.kind == "within-scale":
                self._within_scale(result, options)
            else:  # pragma: no cover - a schema error, caught by the schema tests
                raise ValueError(f"unknown check {check.kind!r} in the {result.schema.name} schema")

    def _order(self, result: _TableResult, start: str, end: str, severity: Severity) -> None:
        is_date = result.schema.field(end).type == "date"
        for row in result.rows:
            first, last = row.values[start], row.values[end]
            if isinstance(first, dt.date) and isinstance(last, dt.date):
                wrong = last < first
                shown_first, shown_last = first.isoformat(), last.isoformat()
            elif isinstance(first, int) and isinstance(last, int):
                wrong = last < first
                shown_first, shown_last = str(first), str(last)
            else:
                continue
            if wrong:
                self.add(
                    result.file,
                    "table.date" if is_date else "table.range",
                    f"{end} {shown_last} is before {start} {shown_first}",
                    row=row.line,
                    column=end,
                    value=shown_last,
                    expected=f"{'a date' if is_date else 'a value'} not before {start} ({shown_first})",
                    severity=severity,
                )

    def _lookup(self, result: _TableResult, options: dict[str, str], wanted: str) -> dict[str, object] | None:
        target = self.results.get(options["resource"])
        if target is None or not target.usable:
            return None
        key = next(fk.reference for fk in result.schema.foreign_keys if fk.field == options["via"])
        return {
            str(row.values[key]): row.values[wanted]
            for row in target.rows
            if row.values[key] is not None and row.values[wanted] is not None
        }

    def _within_length(self, result: _TableResult, options: dict[str, str]) -> None:
        lengths = self._lookup(result, options, options["lengthField"])
        if lengths is None:
            return
        name, via = options["field"], options["via"]
        for row in result.rows:
            value, length = row.values[name], lengths.get(str(row.values[via]))
            if isinstance(value, int) and isinstance(length, int) and value > length:
                self.add(
                    result.file,
                    "table.range",
                    f"{name} {value} lies beyond the end of {via} '{row.values[via]}', which is {length} "
                    "characters long",
                    row=row.line,
                    column=name,
                    value=str(value),
                    expected=f"at most {length}",
                )

    def _within_scale(self, result: _TableResult, options: dict[str, str]) -> None:
        scales = self._lookup(result, options, options["scaleField"])
        if scales is None:
            return
        name, via = options["field"], options["via"]
        for row in result.rows:
            value, scale = row.values[name], scales.get(str(row.values[via]))
            if isinstance(value, int) and isinstance(scale, tuple):
                low, high = scale
                if not low <= value <= high:
                    self.add(
                        result.file,
                        "table.range",
                        f"{name} {value} is outside the scale {low}-{high} of {via} '{row.values[via]}'",
                        row=row.line,
                        column=name,
                        value=str(value),
                        expected=f"a whole number from {low} to {high}",
                    )


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)


def _describe(spec: FieldSpec) -> str:
    """What a column expects, in words, for the ``expected`` part of a report."""
    if spec.scheme == "nuts":
        return "a NUTS 2024 code, e.g. DE12"
    if spec.scheme is not None:
        noun = SCHEME_NOUNS.get(spec.scheme, spec.scheme)
        return f"{'a list of ' if spec.is_list else _article(noun) + ' '}{noun}{'s' if spec.is_list else ''}"
    if spec.expected:
        return spec.expected
    return {
        "integer": "a whole number",
        "number": "a number",
        "year": "a year as YYYY",
        "date": "a date as YYYY-MM-DD",
        "boolean": "true or false",
    }.get(spec.type, "text")


def check_package(package: StudyPackage, concepts: ConceptIndex | None = None) -> CheckedPackage:
    """Check every table of an opened package; problems are sorted by file, row and column.

    ``concepts`` defaults to the bundled vocabularies. Raises ResourceMissingError if a vocabulary the
    tables need is not installed.
    """
    checked = _Checker(package, concepts if concepts is not None else load_concepts()).run()
    if not package.imports:
        return checked
    imports, problems = read_imports(package.imports)
    return replace(checked, imports=imports, problems=sort_problems([*checked.problems, *problems]))


def check_path(path: Path, concepts: ConceptIndex | None = None) -> CheckedPackage:
    """Open a package folder or .zip and check it (InputError if it cannot be read at all)."""
    return check_package(open_package(path), concepts)


__all__ = [
    "SCHEME_NOUNS",
    "CheckedPackage",
    "Row",
    "check_package",
    "check_path",
]
