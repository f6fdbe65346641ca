"""Render validation problems as a readable report, JSON or CSV.

The readable report gives counts by severity and by rule first, then one line per problem in the
stable order of :func:`kg.problems.sort_problems`. JSON and CSV carry every field of each problem.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence

from kg.problems import Problem, Severity, count_by_severity, sort_problems

REPORT_FIELDS = ("severity", "rule", "file", "row", "column", "value", "expected", "suggestion", "message")


def render_text(problems: Sequence[Problem], source: str) -> str:
    """A readable report: summary counts, counts per rule, then every problem with its location."""
    ordered = sort_problems(problems)
    counts = count_by_severity(ordered)
    lines = [
        f"{source}: {counts[Severity.VIOLATION]} violation(s), {counts[Severity.WARNING]} warning(s), "
        f"{counts[Severity.INFO]} info"
    ]
    if not ordered:
        lines.append("no problems found")
        return "\n".join(lines) + "\n"
    by_rule = Counter((p.severity.rank, p.severity.value, p.rule) for p in ordered)
    lines.append("")
    lines += [f"  {n:>6}  {severity:<9}  {rule}" for (_, severity, rule), n in sorted(by_rule.items())]
    lines.append("")
    for problem in ordered:
        lines.append(f"{problem.location}: {problem.severity.value} [{problem.rule}] {problem.message}")
    return "\n".join(lines) + "\n"


def render_json(problems: Sequence[Problem], source: str) -> str:
    """The report as JSON: the input, whether it conforms, counts and every problem's fields."""
    ordered = sort_problems(problems)
    counts = count_by_severity(ordered)
    document = {
        "input": source,
        "conforms": counts[Severity.VIOLATION] == 0,
        "counts": {severity.value: n for severity, n in counts.items()},
        "problems": [problem.as_dict() for problem in ordered],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_csv(problems: Sequence[Problem], source: str) -> str:
    """The report as CSV with a header row, one problem per row."""
    del source  # every row already names its file
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for problem in sort_problems(problems):
        record = problem.as_dict()
        writer.writerow({name: "" if record[name] is None else record[name] for name in REPORT_FIELDS})
    return buffer.getvalue()
