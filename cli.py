"""The ``icgp`` command line: argument parsing and rendering only; the work happens in ``kg``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from kg import __version__
from kg.errors import InputError
from kg.scaffold import init_package

app = typer.Typer(
    name="icgp",
    help="Innovation Clusters as Growth Poles: ontology, knowledge graph and policy queries.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
ontology_app = typer.Typer(help="Check the bundled ontology and vocabularies.", no_args_is_help=True)
app.add_typer(ontology_app, name="ontology")

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one error line to stderr and leave with ``code`` (2: bad input or bad call)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def user_errors(func: F) -> F:
    """Turn the library's InputError into a one-line message and exit code 2, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            fail(str(exc))

    return wrapper  # type: ignore[return-value]


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"icgp {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Innovation Clusters as Growth Poles: ontology, knowledge graph and policy queries."""


@app.command("init")
@user_errors
def init_command(
    directory: Annotated[Path, typer.Argument(help="New or empty folder to create the study package in.")],
    name: Annotated[
        str | None,
        typer.Option("--name", help="Study id (lowercase slug); default: the folder's name."),
    ] = None,
) -> None:
    """Start a study package: descriptor, every table with an example row, and a short guide."""
    written = init_package(directory, name)
    for path in written:
        typer.echo(str(path))
    typer.echo(
        f"Created a study package with {len(written)} files in {directory}; "
        f"replace the example rows, then run: icgp validate {directory}",
        err=True,
    )


# --------------------------------------------------------------------------------------------------
# icgp ontology check


class CheckFormat(StrEnum):
    """Output formats of ``icgp ontology check``."""

    text = "text"
    json = "json"


class CheckLevel(StrEnum):
    """Finding levels, most severe first."""

    error = "error"
    warn = "warn"
    info = "info"


@ontology_app.command("check")
@user_errors
def ontology_check(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="RDF files to check (default: the bundled ontology, alignments and vocabularies)."
        ),
    ] = None,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="Report format: readable text or JSON.")
    ] = CheckFormat.text,
    fail_on: Annotated[
        CheckLevel, typer.Option("--fail-on", help="Exit 1 when a finding is at this level or above.")
    ] = CheckLevel.error,
    no_reasoner: Annotated[
        bool, typer.Option("--no-reasoner", help="Skip the HermiT consistency check (no Java needed).")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file instead of stdout.")
    ] = None,
) -> None:
    """Run the quality rules (queries/qc) and HermiT on the ontology.

    Exit 0 when nothing is at or above --fail-on and the reasoner is satisfied, 1 otherwise, 2 on bad input.
    """
    from kg import ontology_check as oc
    from kg import reasoning

    paths = list(files) if files else oc.default_files()
    level = fail_on.value
    progress = sys.stderr.isatty()  # progress lines on a terminal only; pipes and logs stay quiet
    if progress:
        typer.echo(f"checking {len(paths)} file(s) with the quality rules...", err=True)
    store = oc.load_store(paths)
    report = oc.check_store(store, files=paths)
    verdict = None
    if not no_reasoner:
        if progress:
            typer.echo(f"running {reasoning.REASONER} (needs Java)...", err=True)
        verdict = reasoning.reason(store)
    if output_format is CheckFormat.json:
        text = json.dumps(oc.report_to_dict(report, level, verdict), indent=2, ensure_ascii=False) + "\n"
    else:
        text = _render_check(report, level, verdict)
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write the report to {output}: {exc.strerror or exc}")
        if progress:
            typer.echo(f"report written to {output}", err=True)
    raise typer.Exit(0 if oc.passed(report, level, verdict) else 1)


def _render_check(report: Any, fail_on: str, verdict: Any) -> str:
    """The readable report: counts first, then findings grouped by rule with the fix, then the reasoner."""
    from kg.ontology_check import LEVELS, passed, shorten

    def show(value: str | None) -> str:
        return "-" if value is None else shorten(value)

    counts = report.counts
    lines = [
        f"ICGP ontology check: {len(report.files)} file(s), {report.triples} triples, "
        f"{len(report.rules)} rules",
        f"errors: {counts['error']}  warnings: {counts['warn']}  info: {counts['info']}",
    ]
    rules = sorted(report.rules, key=lambda rule: (LEVELS.index(rule.level), rule.name))
    for rule in rules:
        findings = report.by_rule(rule.name)
        if not findings:
            continue
        lines += ["", f"{rule.level.upper():5} {rule.name}: {rule.title} ({len(findings)})"]
        for finding in findings:
            value = "-" if finding.value is None else finding.value.n3()
            if finding.value is not None and finding.value.kind == "uri":
                value = shorten(finding.value.value)
            lines.append(f"  {show(finding.entity)}  {show(finding.property)}  {value}")
        lines.append(f"  fix: {rule.fix}")
    lines.append("")
    if verdict is None:
        lines.append("reasoner: skipped (--no-reasoner)")
    elif not verdict.consistent:
        lines.append(
            f"reasoner ({verdict.reasoner}, {verdict.seconds:.1f} s): INCONSISTENT - {verdict.message}"
        )
    elif verdict.unsatisfiable:
        lines.append(
            f"reasoner ({verdict.reasoner}, {verdict.seconds:.1f} s): consistent, "
            f"{len(verdict.unsatisfiable)} unsatisfiable class(es):"
        )
        lines += [f"  {shorten(iri)}" for iri in verdict.unsatisfiable]
    else:
        lines.append(
            f"reasoner ({verdict.reasoner}, {verdict.seconds:.1f} s): consistent, no unsatisfiable class"
        )
    outcome = "passed" if passed(report, fail_on, verdict) else "FAILED"
    lines.append(f"result: {outcome} (fail-on {fail_on})")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# icgp build


def _curie(iri: str) -> str:
    """Shorten an IRI with the project's prefixes for display."""
    from kg.namespaces import PREFIXES

    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _print_problems(problems: list[Any], limit: int = 50) -> None:
    """List problems on stderr, one line each: location, severity, message."""
    for problem in problems[:limit]:
        typer.echo(f"{problem.location}: {problem.severity.value}: {problem.message}", err=True)
    if len(problems) > limit:
        typer.echo(f"... and {len(problems) - limit} more", err=True)


@app.command("build")
@user_errors
def build_command(
    path: Annotated[Path, typer.Argument(help="Study package: a folder or a .zip with datapackage.yaml.")],
    store: Annotated[
        Path | None, typer.Option("--store", help="Build into the on-disk Oxigraph store in this folder.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Also write the study graph to this file ('-' for stdout)."),
    ] = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="ttl, nt, nq, trig, jsonld or xml (default: from the suffix, else nq)."
        ),
    ] = None,
) -> None:
    """Check a study package and build it into a named graph (in memory unless --store is given).

    Exit 0 when built, 2 when the package could not be read or has violations (nothing is written then).
    """
    from kg.build import InvalidPackageError, build_package, format_for, store_study, write_graph
    from kg.store import open_store

    to_stdout = output is not None and str(output) == "-"
    fmt = format_for(None if to_stdout else output, output_format)
    try:
        built = build_package(path)
    except InvalidPackageError as exc:
        _print_problems(exc.problems)
        fail(str(exc))
    if built.warnings:
        _print_problems(built.warnings, limit=20)
    target = open_store(store)
    data = write_graph(built.result.quads, None if to_stdout or output is None else output, fmt)
    store_study(target, built)
    if to_stdout and data is not None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    result = built.result
    lines = [
        f"built study '{built.checked.descriptor.name}' into graph <{result.graph.value}>"
        + (f" in the store at {store}" if store else " (in memory)"),
        f"  {result.triples} triples, {len(built.warnings)} warning(s)",
        "  resources per class:",
    ]
    for cls, count in sorted(result.classes.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"    {count:>7}  {_curie(cls)}")
    if output is not None and not to_stdout:
        lines.append(f"  written to {output} ({fmt})")
    typer.echo("\n".join(lines), err=to_stdout)


# --------------------------------------------------------------------------------------------------
# icgp validate


class ReportFormat(StrEnum):
    """Output formats of ``icgp validate``."""

    text = "text"
    json = "json"
    csv = "csv"


class FailLevel(StrEnum):
    """The lowest severity that makes ``icgp validate`` exit 1."""

    violation = "violation"
    warning = "warning"
    info = "info"


@app.command("validate")
@user_errors
def validate_command(
    path: Annotated[Path, typer.Argument(help="Study package: a folder or a .zip with datapackage.yaml.")],
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format: text, json or csv.")
    ] = ReportFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file instead of stdout.")
    ] = None,
    fail_on: Annotated[
        FailLevel, typer.Option("--fail-on", help="Exit 1 when a problem is at this severity or above.")
    ] = FailLevel.violation,
) -> None:
    """Check a study package's descriptor and tables and list every problem with file, row and column.

    Exit 0 when nothing is at or above --fail-on, 1 otherwise, 2 when the package cannot be read.
    """
    from kg.report import render_csv, render_json, render_text
    from kg.tablecheck import check_path

    checked = check_path(path)
    problems = checked.problems
    renderers = {ReportFormat.text: render_text, ReportFormat.json: render_json, ReportFormat.csv: render_csv}
    text = renderers[output_format](problems, str(path))
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write the report to {output}: {exc.strerror or exc}")
    ranks = {FailLevel.violation: 0, FailLevel.warning: 1, FailLevel.info: 2}
    failing = [p for p in problems if p.severity.rank <= ranks[fail_on]]
    raise typer.Exit(1 if failing else 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
