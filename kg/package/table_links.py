"""Check the parsed rows of a study package's tables against each other and against the schemas' rules.

These checks run once every table has been read (:mod:`kg.package.table_rows`): a foreign key needs the
values of the table it points at, the ``within-length`` and ``within-scale`` rules look a value up in
another table, and the ``order`` rule compares two columns of a row once both are parsed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from kg.package.cells import SUGGESTION_BUDGET, Nearest, quoted
from kg.package.schemas import ForeignKey
from kg.package.table_rows import ProblemLog, TableResult, article
from kg.problems import Severity


def check_links(results: Mapping[str, TableResult], table_files: Mapping[str, str], log: ProblemLog) -> None:
    """Check the foreign keys and rules of every table that could be read, adding problems to ``log``.

    ``results`` are the tables read, by name; ``table_files`` gives each table's file in the package (a
    missing table is named by its default file).
    """
    checker = LinkChecker(results, table_files, log)
    for result in results.values():
        if result.usable:
            checker.check_foreign_keys(result)
            checker.check_rules(result)
    checker.report_unchecked()


class LinkChecker:
    """The checks between tables, table by table: a table's foreign keys need the tables it points at read
    (their keys collected), its ``within-length`` and ``within-scale`` rules their rows."""

    def __init__(
        self, results: Mapping[str, TableResult], table_files: Mapping[str, str], log: ProblemLog
    ) -> None:
        self.results = results
        self.table_files = table_files
        self.log = log
        self.add = log.add
        # References into damaged tables that are not among the rows read: target table -> files -> count.
        self.unchecked: dict[str, dict[str, int]] = {}

    def check_foreign_keys(self, result: TableResult) -> None:
        """Report the values of ``result``'s rows that the tables they point at lack."""
        for fk in result.schema.foreign_keys:
            if result.columns[fk.field].index is None:
                continue
            target = self.results.get(fk.resource)
            target_file = self.table_files.get(fk.resource, f"{fk.resource}.csv")
            if target is None:
                self._missing_table(result, fk, target_file)
            elif target.usable and fk.reference in target.keys:
                if target.damaged is not None:
                    self._count_unchecked(result, fk, target.keys[fk.reference], fk.resource)
                else:
                    self._unknown_references(result, fk, target.keys[fk.reference], target_file)

    def _count_unchecked(self, result: TableResult, fk: ForeignKey, keys: set[str], target: str) -> None:
        """Count the references a damaged table may have lost the rows of, instead of reporting each."""
        missing = 0
        for row in result.rows:
            value = row.values[fk.field]
            items = value if isinstance(value, list) else [value]
            missing += sum(1 for item in items if isinstance(item, str) and item not in keys)
        if missing:
            files = self.unchecked.setdefault(target, {})
            files[result.file] = files.get(result.file, 0) + missing

    def report_unchecked(self) -> None:
        """One line per damaged table saying how many references to it were left unchecked and why."""
        for table, files in self.unchecked.items():
            target = self.results[table]
            assert target.damaged is not None
            row, why = target.damaged
            count = sum(files.values())
            self.add(
                target.file,
                "table.foreign-key",
                f"{count} reference{'s' if count != 1 else ''} to {target.file} (from "
                + ", ".join(sorted(files))
                + f") name no row read from it and were not checked, because {why}; fix that first",
                row=row,
                expected=f"{target.file} read completely",
                severity=Severity.WARNING,
            )

    def _missing_table(self, result: TableResult, fk: ForeignKey, target_file: str) -> None:
        """One problem, on the first row that uses the key, when the table it points at is absent."""
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

    def _unknown_references(
        self, result: TableResult, fk: ForeignKey, keys: set[str], target_file: str
    ) -> None:
        """A problem for each value (or list item) of the key that ``keys`` lacks, with the closest key."""
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
                    f"{what} '{item}' is not {article(fk.reference)} {fk.reference} in {target_file}"
                    + (f"; did you mean {suggestion}?" if suggestion else ""),
                    row=row.line,
                    column=fk.field,
                    value=item,
                    expected=f"an existing {fk.reference} of {target_file}",
                    suggestion=suggestion,
                )

    def check_rules(self, result: TableResult) -> None:
        """Apply the table's own rules (``order``, ``within-length``, ...) to ``result``'s rows."""
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
            elif check.kind == "framework-columns":
                self._framework_columns(result, options)
            elif check.kind == "together":
                self._together(result, options["first"], options["second"])
            else:  # pragma: no cover - a schema error, caught by the schema tests
                raise ValueError(f"unknown check {check.kind!r} in the {result.schema.name} schema")

    def _order(self, result: TableResult, start: str, end: str, severity: Severity) -> None:
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

    def _together(self, result: TableResult, first: str, second: str) -> None:
        # Half a pair (a latitude without its longitude) places nothing: say which cell is missing. A cell
        # that was given but refused (out of range) is reported already and counts as given.
        flagged = {(p.row, p.column) for p in self.log.problems if p.file == result.file}
        for row in result.rows:
            given = {
                name: row.values.get(name) is not None or (row.line, name) in flagged
                for name in (first, second)
            }
            if given[first] != given[second]:
                missing = second if given[first] else first
                present = first if given[first] else second
                self.add(
                    result.file,
                    "table.required",
                    f"{missing} is empty while {present} is given; give both or neither",
                    row=row.line,
                    column=missing,
                    value="",
                    expected=f"{missing} together with {present}",
                )

    def _lookup(self, result: TableResult, options: dict[str, str], wanted: str) -> dict[str, object] | None:
        target = self.results.get(options["resource"])
        if target is None or not target.usable:
            return None
        key = next(fk.reference for fk in result.schema.foreign_keys if fk.field == options["via"])
        return {
            str(row.values[key]): row.values[wanted]
            for row in target.rows
            if row.values[key] is not None and row.values[wanted] is not None
        }

    def _within_length(self, result: TableResult, options: dict[str, str]) -> None:
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

    def _within_scale(self, result: TableResult, options: dict[str, str]) -> None:
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

    def _framework_columns(self, result: TableResult, options: dict[str, str]) -> None:
        """Each row fills the columns its framework needs and leaves the other frameworks' columns empty.

        ``options`` name the framework column (``field``) and, per framework value, its ``;``-separated
        columns. A wrong cell was reported already, so it counts as filled in.
        """
        name = options["field"]
        needs = {key: value.split(";") for key, value in options.items() if key not in ("field", "check")}
        known = [column for columns in needs.values() for column in columns if column in result.columns]
        for row in result.rows:
            framework = row.values[name]
            if not isinstance(framework, str) or framework not in needs:
                continue
            wanted = needs[framework]
            for column in known:
                if result.columns[column].index is None:
                    filled = False
                else:
                    filled = row.values[column] is not None or (row.line, column) in result.invalid
                if column in wanted and not filled:
                    self.add(
                        result.file,
                        "table.required",
                        f"{column} is empty; {framework} rows of {result.file} need "
                        f"{article(column)} {column}",
                        row=row.line,
                        column=column,
                        expected=f"{article(column)} {column} for {framework}",
                    )
                elif column not in wanted and filled:
                    owners = " and ".join(key for key, columns in needs.items() if column in columns)
                    self.add(
                        result.file,
                        "table.framework",
                        f"{column} is given on {article(framework)} {framework} row; only {owners} rows "
                        f"have {article(column)} {column}, so leave it empty or change the {name}",
                        row=row.line,
                        column=column,
                        value=_shown(row.values[column]) if row.values[column] is not None else None,
                        expected=f"an empty cell for {framework}",
                    )


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)
