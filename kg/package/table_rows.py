"""Read the tables of a study package into typed rows, checking each table on its own.

Each CSV is read in a single pass with the standard ``csv`` module: the header is matched against the
table's schema, every cell goes through its column's converter (:mod:`kg.package.cells`), list cells are
split at ``;``, rows with the wrong number of cells are reported and left out, and unique columns and
composite primary keys are checked as the rows go by. The values of the columns that foreign keys point
at are collected for the checks across tables (:mod:`kg.package.table_links`).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from kg.ontology.concepts import ConceptIndex
from kg.package.cells import SCHEME_NOUNS, CellError, Column, converter
from kg.package.schemas import FieldSpec, TableSchema
from kg.problems import Problem, Severity


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its 1-based line in the file and its parsed values by column name.

    Every schema column is present. Empty or wrong cells are None (or the column's default concept);
    integers and years are int, numbers float, dates ``datetime.date``, scales ``(min, max)``, concept
    cells concept IRIs, list cells lists, and every other cell the trimmed text.
    """

    line: int
    values: dict[str, object]


@dataclass
class TableResult:
    """What one table's pass leaves for the cross-table checks."""

    schema: TableSchema
    file: str
    rows: list[Row] = field(default_factory=list)
    columns: dict[str, Column] = field(default_factory=dict)
    usable: bool = True
    # Values of each column (from every row, ragged rows included) for foreign keys into this table.
    keys: dict[str, set[str]] = field(default_factory=dict)
    # (line, column) of the cells that were filled in but wrong (their value is None, like an empty cell's).
    invalid: set[tuple[int, str]] = field(default_factory=set)
    # The row where rows of the table began to be lost and why (a quote left open, a read that stopped),
    # or None. A reference into a damaged table is not reported as unknown: its row may be among the lost.
    damaged: tuple[int, str] | None = None


class RereadRows:
    """The rows of one checked table, parsed again from its CSV text each time they are iterated (see
    :mod:`kg.package.table_stream`); ``len`` is the number of rows the check read."""

    def __init__(self, text: str, schema: TableSchema, file: str, concepts: ConceptIndex, count: int) -> None:
        self._text, self._schema, self._file, self._concepts = text, schema, file, concepts
        self._count = count

    def __iter__(self) -> Iterator[Row]:
        return TableReader(self._schema, self._file, self._concepts, ProblemLog()).rows(self._text)

    def __len__(self) -> int:
        return self._count


class ProblemLog:
    """The problems of a package's tables, in the order the checks find them."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        self.problems: list[Problem] = list(problems)

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
        """Record one problem of ``file``."""
        self.problems.append(Problem(severity, rule, message, file, row, column, value, expected, suggestion))


def read_tables(
    texts: Mapping[str, str],
    table_files: Mapping[str, str],
    schemas: Mapping[str, TableSchema],
    concepts: ConceptIndex,
    log: ProblemLog,
) -> dict[str, TableResult]:
    """Read each table present in ``texts`` (in schema order), adding its problems to ``log``."""
    results: dict[str, TableResult] = {}
    for table, schema in schemas.items():
        text = texts.get(table)
        if text is not None:
            referenced = referenced_columns(schemas, table)
            results[table] = TableReader(schema, table_files[table], concepts, log).read(text, referenced)
    return results


def referenced_columns(schemas: Mapping[str, TableSchema], table: str) -> list[str]:
    """The columns of ``table`` that foreign keys point at (their values are collected)."""
    found = {
        fk.reference for schema in schemas.values() for fk in schema.foreign_keys if fk.resource == table
    }
    return sorted(found)


class TableReader:
    """One table's pass: its header, then each row's cells, list items and unique keys."""

    def __init__(self, schema: TableSchema, file: str, concepts: ConceptIndex, log: ProblemLog) -> None:
        self.schema = schema
        self.file = file
        self.concepts = concepts
        self.log = log
        self.result = TableResult(schema=schema, file=file)
        self.width = 0
        self.positions: dict[str, int] = {}
        self.columns: list[Column] = []
        self.absent: dict[str, object] = {}
        self.key_columns: list[tuple[str, int]] = []
        self.unique: list[str] = []
        self.seen_unique: dict[str, dict[object, int]] = {}
        self.composite: tuple[str, ...] = ()
        self.seen_composite: dict[tuple[object, ...], int] = {}
        # Set when the table was checked before: the unique keys are not tracked again.
        self.trusted = False

    def read(
        self,
        text: str,
        referenced: list[str],
        on_rows: Callable[[TableResult], None] | None = None,
        chunk: int = 20_000,
    ) -> TableResult:
        """Check the table's CSV text and parse its rows; ``referenced`` columns have their values kept.

        With ``on_rows`` the rows are not kept: every ``chunk`` rows (and once at the end) it is called
        with the result holding the rows read since the last call, which are dropped after it returns."""
        result = self.result
        for _ in self._records(text, referenced):
            if on_rows is not None and len(result.rows) >= chunk:
                on_rows(result)
                result.rows.clear()
        if on_rows is not None and result.usable:
            on_rows(result)
            result.rows.clear()
        return result

    def rows(self, text: str) -> Iterator[Row]:
        """The rows of a table that was checked already, parsed again one by one.

        Nothing is reported (problems go to this reader's log) and no keys are kept: this is for
        reading a checked table a second time, as a build that does not hold its rows does."""
        self.trusted = True
        rows = self.result.rows
        for _ in self._records(text, []):
            if rows:
                yield from rows
                rows.clear()

    def _records(self, text: str, referenced: list[str]) -> Iterator[None]:
        """Read the header, then each record into ``result.rows``; yield after each record."""
        file, result = self.file, self.result
        reader = csv.reader(text_lines(text))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            self._csv_error(exc, text, 0, [])
            result.usable = False
            return
        if header is None or not any(cell.strip() for cell in header):
            self.log.add(
                file,
                "table.header",
                f"{file} has no header row; its first line must name the columns",
                row=1,
                expected="a header row",
            )
            result.usable = False
            return
        positions = self._check_header(header)
        if positions is None:
            result.usable = False
            return
        self._prepare(positions, len(header), referenced)
        previous_line = reader.line_num
        try:
            for record in reader:
                line = previous_line + 1
                previous_line = reader.line_num
                self._row(line, record, previous_line)
                yield
        except csv.Error as exc:
            self._csv_error(exc, text, previous_line, header)

    def _csv_error(self, exc: csv.Error, text: str, done: int, header: list[str]) -> None:
        """Report a record the csv module refused; the rows after it are lost.

        ``done`` is the number of lines read before the record. A cell over the csv module's field size
        limit is named by row and column (the module's own message names neither).
        """
        file, row = self.file, done + 1
        self.result.damaged = (row, f"it could not be read past row {done}")
        limit = csv.field_size_limit()
        found = _long_cell(text, done, limit) if "field limit" in str(exc) else None
        if found is None:
            where = f"after row {done}" if done else "(its header row)"
            self.log.add(file, "table.csv", f"{file} could not be read as CSV {where}: {exc}", row=row)
            return
        index, start = found
        column = header[index].strip() if index < len(header) else None
        named = f"column '{column}'" if column else f"column {index + 1}"
        self.log.add(
            file,
            "table.csv",
            f"{file}: the cell in {named} of row {start} is longer than {limit:,} characters, the most "
            f"a cell may hold; shorten it (or check for a quote left open before it)",
            row=start,
            column=column,
            expected=f"at most {limit:,} characters per cell",
        )

    def _check_header(self, header: list[str]) -> dict[str, int] | None:
        """Map column names to positions; None if the table cannot be read further."""
        schema, file, add = self.schema, self.file, self.log.add
        names = [name.strip() for name in header]
        if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
            used = ";" if names[0].count(";") >= names[0].count("\t") else "\t"
            shown = "';'" if used == ";" else "a tab"
            add(
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
                add(
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
                add(
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
            add(
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
                add(
                    file,
                    "table.header",
                    f"{file} has no column '{spec.name}', which {schema.name} requires",
                    row=1,
                    column=spec.name,
                    expected=f"a column '{spec.name}'",
                )
        return positions

    def _prepare(self, positions: dict[str, int], width: int, referenced: list[str]) -> None:
        """Bind the schema's columns to the header's positions and set up the key bookkeeping."""
        schema, result = self.schema, self.result
        self.width, self.positions = width, positions
        for spec in schema.fields:
            column = Column(spec, positions.get(spec.name), converter(spec, self.concepts))
            if spec.default is not None and spec.scheme is not None:
                column.default = self.concepts.resolve(spec.scheme, spec.default)
            result.columns[spec.name] = column
            if column.index is not None:
                self.columns.append(column)
        self.absent = {spec.name: result.columns[spec.name].default for spec in schema.fields}
        self.key_columns = [(name, positions[name]) for name in referenced if name in positions]
        for name, _ in self.key_columns:
            result.keys[name] = set()
        self.unique = [
            c.spec.name for c in self.columns if c.spec.unique or (schema.primary_key == (c.spec.name,))
        ]
        composite = schema.primary_key if len(schema.primary_key) > 1 else ()
        if self.trusted:
            self.unique = []
        elif all(name in positions for name in composite):
            self.composite = composite
        self.seen_unique = {name: {} for name in self.unique}

    def _row(self, line: int, record: list[str], last: int) -> None:
        """Check one CSV record (lines ``line`` to ``last``); keep it unless its width is wrong."""
        result = self.result
        if len(record) != self.width:
            if not record:
                return  # a blank line
            # Keep the row's id so that references to it do not fail as well.
            for name, index in self.key_columns:
                if index < len(record) and record[index].strip():
                    result.keys[name].add(record[index].strip())
            self._ragged(line, record, last)
            return
        if not any(record):
            return  # a row of empty cells
        values = self._values(line, record)
        for name, index in self.key_columns:
            cell = record[index].strip()
            if cell:
                result.keys[name].add(cell)
        self._check_unique(line, values)
        if self.composite:
            self._check_composite(line, record, values)
        result.rows.append(Row(line, values))

    def _values(self, line: int, record: list[str]) -> dict[str, object]:
        """The parsed value of each column of a full-width record; empty or wrong cells are reported."""
        file, schema = self.file, self.schema
        values = dict(self.absent)
        for column in self.columns:
            cell = record[column.index].strip()  # type: ignore[index]
            spec = column.spec
            if not cell:
                if spec.required:
                    self.log.add(
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
                    values[spec.name] = self._list(line, column, cell)
                else:
                    values[spec.name] = column.convert(cell)
            except CellError as bad:
                self.result.invalid.add((line, spec.name))
                self._bad(line, spec, cell, bad)
        return values

    def _check_unique(self, line: int, values: dict[str, object]) -> None:
        """Report values of unique columns that an earlier row already has."""
        for name in self.unique:
            value = values[name]
            if value is None:
                continue
            first = self.seen_unique[name].setdefault(value, line)
            if first != line:
                self.log.add(
                    self.file,
                    "table.unique",
                    f"{name} '{value}' is used twice (also on row {first}); each {name} must be "
                    f"unique in {self.schema.name}",
                    row=line,
                    column=name,
                    value=str(value),
                    expected=f"{article(name)} {name} not used before in {self.file}",
                )

    def _check_composite(self, line: int, record: list[str], values: dict[str, object]) -> None:
        """Report a composite primary key that an earlier row already has.

        An empty cell of an optional key column is a value of its own (acatech rows of maturity.csv have
        no dimension); a wrong cell, or an empty required one, leaves the row out of the check.
        """
        composite, positions = self.composite, self.positions
        key = tuple(values[name] for name in composite)
        for name, value in zip(composite, key, strict=True):
            if value is None and (self.schema.field(name).required or record[positions[name]].strip()):
                return
        first = self.seen_composite.setdefault(key, line)
        if first != line:
            shown = ", ".join(
                f"{name} '{_key_cell(record[positions[name]], self.schema.field(name))}'"
                for name in composite
            )
            self.log.add(
                self.file,
                "table.unique",
                f"the combination {shown} appears twice (also on row {first}); merge the two rows",
                row=line,
                column=composite[0],
                value=" | ".join(record[positions[name]].strip() for name in composite),
                expected="a combination not used before in " + self.file,
            )

    def _ragged(self, line: int, record: list[str], last: int) -> None:
        count, width = len(record), self.width
        hint = ""
        if count == 1 and (";" in record[0] or "\t" in record[0]):
            hint = "; its cells seem to be separated by ';' or a tab instead of ','"
        elif count < width and any("\n" in cell or "\r" in cell for cell in record):
            # The first cell with a line break is where the quote opened: the rows after it, up to the next
            # quote, were swallowed into that cell and are lost to the checks.
            index = next(i for i, cell in enumerate(record) if "\n" in cell or "\r" in cell)
            names = {position: name for name, position in self.positions.items()}
            column = f" in column '{names[index]}'" if index in names else ""
            span = f": rows {line} to {last} were read as one row" if last > line else ""
            hint = (
                f'; a quote (") seems to be left open{column} at row {line}{span}; '
                "close the quote or remove it"
            )
            if self.result.damaged is None:
                self.result.damaged = (line, f'a quote (") seems to be left open at row {line}')
        elif count > width:
            hint = "; put quotes around cells that contain ','"
        self.log.add(
            self.file,
            "table.ragged",
            f"row has {count} cell{'s' if count != 1 else ''} but the header has {width}{hint}",
            row=line,
            value=f"{count} cells",
            expected=f"{width} cells",
        )

    def _bad(self, line: int, spec: FieldSpec, cell: str, bad: CellError) -> None:
        value = bad.value if bad.value is not None else cell
        where = f"{spec.name} item" if bad.value is not None else spec.name
        self.log.add(
            self.file,
            bad.rule,
            f"{where} '{value}' {bad.reason}",
            row=line,
            column=spec.name,
            value=value,
            expected=bad.expected,
            suggestion=bad.suggestion,
            severity=bad.severity,
        )

    def _list(self, line: int, column: Column, cell: str) -> list[object]:
        spec = column.spec
        items = [item.strip() for item in cell.split(";")]
        kept = [item for item in items if item]
        if len(kept) != len(items):
            self.log.add(
                self.file,
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
                self._bad(line, spec, cell, bad)
                continue
            if value in parsed:
                self.log.add(
                    self.file,
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


# A line and its end, as io.StringIO(text, newline="") splits them: at "\r\n", "\r" or "\n" only.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def text_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their line ends, one at a time, as the csv module wants them.

    Not ``io.StringIO``: it copies the text into four bytes per character first, 160 MB for the
    organisations of a ten-million-triple study."""
    return (match.group() for match in _LINE.finditer(text))


def _long_cell(text: str, done: int, limit: int) -> tuple[int, int] | None:
    """The position (0-based) and starting line of the first cell longer than ``limit`` after ``done`` lines.

    Scans the CSV text as the csv module's default dialect reads it ('"' quotes, doubled inside quotes),
    since the module stops at such a cell without saying which one it was. None if no cell is too long.
    """
    lines = io.StringIO(text, newline="")
    offset = sum(len(lines.readline()) for _ in range(done))
    index = length = 0
    line = start = done + 1
    quoted, at_start = False, True
    position, end = offset, len(text)
    while position < end:
        char = text[position]
        position += 1
        if quoted:
            if char == '"':
                if position < end and text[position] == '"':
                    position += 1
                    length += 1
                else:
                    quoted = False
                continue
            if char == "\n" or (char == "\r" and text[position : position + 1] != "\n"):
                line += 1
            length += 1
        elif char == '"' and at_start:
            quoted = True
        elif char == ",":
            index, length, start = index + 1, 0, line
            at_start = True
            continue
        elif char in "\r\n":
            return None  # the record ended without a cell over the limit
        else:
            length += 1
        at_start = False
        if length > limit:
            return index, start
    return None


def _key_cell(cell: str, spec: FieldSpec) -> str:
    """A key cell as messages show it: its text, or what an empty cell stands for."""
    return cell.strip() or ("(default)" if spec.default is not None else "(empty)")


def article(noun: str) -> str:
    """The indefinite article for ``noun`` ("an" before a vowel)."""
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _describe(spec: FieldSpec) -> str:
    """What a column expects, in words, for the ``expected`` part of a report."""
    if spec.scheme == "nuts":
        return "a NUTS 2024 code, e.g. DE12"
    if spec.scheme is not None:
        noun = SCHEME_NOUNS.get(spec.scheme, spec.scheme)
        return f"{'a list of ' if spec.is_list else article(noun) + ' '}{noun}{'s' if spec.is_list else ''}"
    if spec.expected:
        return spec.expected
    return {
        "integer": "a whole number",
        "number": "a number",
        "year": "a year as YYYY",
        "date": "a date as YYYY-MM-DD",
        "boolean": "true or false",
    }.get(spec.type, "text")
