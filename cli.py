"""The ``icgp`` command line: argument parsing and rendering only; the work happens in ``kg``."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
import typer.core

from kg import __version__
from kg.errors import InputError
from kg.package.safe_input import terminal_safe
from kg.package.scaffold import init_package

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


def _one_line_usage_error(exc: Exception, ctx: typer.Context) -> NoReturn:
    """Report a wrong call (unknown option or command, missing argument) on one line with exit 2.

    Usage errors (click's UsageError, vendored by recent Typer) carry exit code 2 and a message; any
    other exception is not ours to format and is raised again.
    """
    format_message = getattr(exc, "format_message", None)
    if getattr(exc, "exit_code", None) != 2 or format_message is None:
        raise exc
    where = ctx.command_path or "icgp"
    typer.echo(f"error: {format_message()} (see: {where} --help)", err=True)
    raise typer.Exit(2) from None


class _OneLineCommand(typer.core.TyperCommand):
    """A command whose usage errors are one line, not a usage box."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:
            _one_line_usage_error(exc, ctx)


class _OneLineGroup(typer.core.TyperGroup):
    """A command group whose usage errors (an unknown command, say) are one line."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:
            _one_line_usage_error(exc, ctx)

    def resolve_command(self, ctx: typer.Context, args: list[str]) -> tuple[str | None, Any, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except Exception as exc:
            _one_line_usage_error(exc, ctx)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one error line to stderr and leave with ``code`` (2: bad input or bad call)."""
    # Messages quote file names and cells: their control characters must not act on the terminal.
    typer.echo(terminal_safe(f"error: {message}"), err=True)
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


class CheckReasoner(StrEnum):
    """Which reasoners ``icgp ontology check`` runs."""

    auto = "auto"
    all = "all"
    hermit = "hermit"
    owl_rl = "owl-rl"


@ontology_app.command("check")
@user_errors
def ontology_check(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="RDF files to check (default: the bundled ontology, alignments and vocabularies)."
        ),
    ] = None,
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data",
            help="A study package (built first) or RDF file to reason over with the ontology; repeatable.",
        ),
    ] = None,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="Report format: readable text or JSON.")
    ] = CheckFormat.text,
    fail_on: Annotated[
        CheckLevel, typer.Option("--fail-on", help="Exit 1 when a finding is at this level or above.")
    ] = CheckLevel.error,
    reasoner: Annotated[
        CheckReasoner,
        typer.Option(
            "--reasoner",
            help="HermiT (needs Java), OWL-RL (pure Python, slower), or both; auto: both with --data, "
            "else HermiT.",
        ),
    ] = CheckReasoner.auto,
    no_reasoner: Annotated[
        bool, typer.Option("--no-reasoner", help="Skip the reasoners: quality rules only (no Java needed).")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file instead of stdout.")
    ] = None,
) -> None:
    """Run the quality rules (queries/qc), HermiT and OWL-RL on the ontology and the ontologies it imports.

    With --data, a study's graph is checked and reasoned over together with them.

    Exit 0 when nothing is at or above --fail-on and the graph is consistent, 1 otherwise, 2 on bad input.
    """
    from kg.ontology import quality as oc
    from kg.ontology import reasoning
    from kg.ontology.loading import resolve_imports

    paths = list(files) if files else oc.default_files()
    level = fail_on.value
    progress = sys.stderr.isatty()  # progress lines on a terminal only; pipes and logs stay quiet
    if progress:
        typer.echo(f"checking {len(paths)} file(s) with the quality rules...", err=True)
    store = oc.load_store(paths)
    data_paths = list(data or [])
    _load_data(store, data_paths)
    closure = resolve_imports(store)
    report = oc.check_store(store, files=paths, closure=closure, data=[str(path) for path in data_paths])
    hermit = owl_rl = None
    if reasoner is CheckReasoner.auto:
        # A second reasoner earns its minute where clashes arise: data typed by several imported ontologies.
        reasoner = CheckReasoner.all if data_paths else CheckReasoner.hermit
    if not no_reasoner and reasoner is not CheckReasoner.owl_rl:
        if progress:
            typer.echo(f"running {reasoning.REASONER} (needs Java)...", err=True)
        hermit = reasoning.reason(store)
    if not no_reasoner and reasoner is not CheckReasoner.hermit:
        if progress:
            typer.echo(f"running {reasoning.OWL_RL} (this takes a while on a whole study)...", err=True)
        owl_rl = reasoning.reason_owl_rl(store)
    if output_format is CheckFormat.json:
        data_out = oc.report_to_dict(report, level, hermit, owl_rl)
        text = json.dumps(data_out, indent=2, ensure_ascii=False) + "\n"
    else:
        text = _render_check(report, level, hermit, owl_rl)
    if output is None:
        typer.echo(text, nl=False)
    else:
        from kg.files import write_atomically

        write_atomically(output, text)
        if progress:
            typer.echo(f"report written to {output}", err=True)
    raise typer.Exit(0 if oc.passed(report, level, hermit, owl_rl) else 1)


def _load_data(store: Any, paths: list[Path]) -> None:
    """Add each --data input to the store: a study package is checked and built first, an RDF file read."""
    from kg.build.sources import is_package
    from kg.build.study import InvalidPackageError, build_package
    from kg.ontology.loading import add_files

    for path in paths:
        if not path.exists():
            fail(f"{path}: no such file or folder; give a study package or an RDF file to --data")
        if path.is_dir() and not is_package(path):
            fail(f"{path}: a folder without datapackage.yaml; give a study package or an RDF file to --data")
        if not is_package(path):
            add_files(store, [path])
            continue
        try:
            built = build_package(path)
        except InvalidPackageError as exc:
            _print_problems(exc.problems)
            fail(f"{exc} (see: icgp validate {path})")
        store.extend(built.result.quads + built.result.regions)


# The axiom counts of the report (kg.ontology.quality.AXIOM_PATTERNS), grouped for the text rendering.
_AXIOM_LINES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "class axioms",
        (
            ("subclass_of", "subclass-of"),
            ("equivalent_classes", "equivalent-class"),
            ("disjoint_classes", "disjoint-class"),
            ("disjoint_unions", "disjoint-union"),
            ("restrictions", "restrictions"),
        ),
    ),
    (
        "property axioms",
        (
            ("subproperty_of", "sub-property"),
            ("equivalent_properties", "equivalent-property"),
            ("inverse_properties", "inverse pairs"),
            ("disjoint_properties", "disjoint-property"),
            ("property_chains", "chains"),
            ("domains", "domains"),
            ("ranges", "ranges"),
            ("has_keys", "keys"),
        ),
    ),
    (
        "characteristics",
        (
            ("functional", "functional"),
            ("inverse_functional", "inverse functional"),
            ("transitive", "transitive"),
            ("symmetric", "symmetric"),
            ("asymmetric", "asymmetric"),
            ("reflexive", "reflexive"),
            ("irreflexive", "irreflexive"),
        ),
    ),
)


def _render_axioms(axioms: dict[str, int]) -> list[str]:
    """The axiom counts in four lines: declarations, class axioms, property axioms, characteristics."""
    if not axioms:
        return []
    lines = [
        f"axioms: {axioms['classes']} classes, {axioms['object_properties']} object, "
        f"{axioms['datatype_properties']} datatype and {axioms['annotation_properties']} annotation "
        "properties"
    ]
    for title, parts in _AXIOM_LINES:
        lines.append(f"  {title}: " + ", ".join(f"{axioms[key]} {label}" for key, label in parts))
    return lines


def _render_verdict(verdict: Any) -> list[str]:
    """One reasoner's verdict, then what it names (unsatisfiable classes, clashes) and what was adjusted."""
    from kg.ontology.quality import shorten

    head = f"reasoner ({verdict.reasoner}, {verdict.seconds:.1f} s)"
    if not verdict.consistent:
        lines = [f"{head}: INCONSISTENT - {verdict.message}"]
        lines += [f"  {clash}" for clash in verdict.clashes]
    elif verdict.unsatisfiable:
        lines = [f"{head}: consistent, {len(verdict.unsatisfiable)} unsatisfiable class(es):"]
        lines += [f"  {shorten(iri)}" for iri in verdict.unsatisfiable]
    elif verdict.reasoner == "HermiT":
        lines = [f"{head}: consistent, no unsatisfiable class"]
    else:
        lines = [f"{head}: consistent, no clash"]
    lines += [f"  changed before reasoning: {note}" for note in verdict.adjustments]
    return lines


def _render_check(report: Any, fail_on: str, hermit: Any, owl_rl: Any = None) -> str:
    """The readable report: counts and what was loaded, findings grouped by rule with the fix, reasoners."""
    from kg.ontology.quality import LEVELS, passed, shorten

    def show(value: str | None) -> str:
        return "-" if value is None else shorten(value)

    counts = report.counts
    lines = [
        f"ICGP ontology check: {len(report.files)} file(s), {report.triples} triples, "
        f"{len(report.rules)} rules",
        f"errors: {counts['error']}  warnings: {counts['warn']}  info: {counts['info']}",
    ]
    if report.imports:
        names = ", ".join(Path(name).name for name in report.imports)
        lines.append(f"imports: {len(report.imports)} bundled file(s) for owl:imports: {names}")
    if report.unresolved_imports:
        lines.append(
            "imports not found (their terms are missing from the check): "
            + ", ".join(report.unresolved_imports)
        )
    if report.data:
        lines.append(f"data: {', '.join(report.data)}")
    lines += _render_axioms(report.axioms)
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
    if hermit is None and owl_rl is None:
        lines.append("reasoner: skipped (--no-reasoner)")
    for verdict in (hermit, owl_rl):
        if verdict is not None:
            lines += _render_verdict(verdict)
    outcome = "passed" if passed(report, fail_on, hermit, owl_rl) else "FAILED"
    lines.append(f"result: {outcome} (fail-on {fail_on})")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# icgp build


def _progress_bar() -> Any:
    """A rich progress display on stderr while a terminal watches; logs and pipes get only the closing
    lines. A task with a total shows a bar and done/total, one without a spinner-like pulse."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not sys.stderr.isatty(),
    )


@contextmanager
def _steps(unit: str, first: str = "checking tables") -> Iterator[Callable[[str, int], None]]:
    """A progress line on stderr (on a terminal) for a command told its step and a running count."""
    with _progress_bar() as bar:
        task = bar.add_task(first, total=None)

        def progress(step: str, count: int) -> None:
            bar.update(task, description=f"{step}: {count:,} {unit}" if count else step)

        yield progress


@contextmanager
def _counted(step: str) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr (on a terminal) for a command told each item done, of how many."""
    with _progress_bar() as bar:
        task = bar.add_task(step, total=None)

        def progress(item: str, done: int, total: int) -> None:
            bar.update(task, description=f"{step}: {item}", completed=done, total=total)

        yield progress


def _curie(iri: str) -> str:
    """Shorten an IRI with the project's prefixes for display."""
    from kg.ontology.namespaces import PREFIXES

    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _print_problems(problems: list[Any], limit: int = 50) -> None:
    """List problems on stderr, one line each, root causes first: location, severity, message."""
    from kg.package.table_checks import report_order

    problems = report_order(problems)
    for problem in problems[:limit]:
        line = f"{problem.location}: {problem.severity.value}: {problem.message}"
        typer.echo(terminal_safe(line), err=True)
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
    with_assessment: Annotated[
        bool,
        typer.Option(
            "--assess",
            help="Also assess every cluster as a growth pole (ICGP's model, the study period) and store "
            "the assessment in its own graph beside the study.",
        ),
    ] = False,
) -> None:
    """Check a study package and build it into a named graph (in memory unless --store is given).

    Exit 0 when built, 2 when the package could not be read or has violations (nothing is written then).
    """
    from kg.build.rebuild import can_swap
    from kg.build.store import open_store, settle_store
    from kg.build.study import (
        BuiltStudy,
        InvalidPackageError,
        StoredStudy,
        build_package,
        build_to_store,
        format_for,
        store_built,
        store_study,
        write_graph,
    )

    to_stdout = output is not None and str(output) == "-"
    fmt = format_for(None if to_stdout else output, output_format)
    # Into a store that can be rebuilt beside itself, the graph is streamed and never held whole;
    # an output file or an assessment needs it in memory.
    streamed = store is not None and output is None and not with_assessment and can_swap(store)
    try:
        if streamed and store:
            with _steps("quads") as progress:
                outcome: BuiltStudy | StoredStudy = build_to_store(path, store, progress)
        else:
            outcome = build_package(path)
    except InvalidPackageError as exc:
        _print_problems(exc.problems)
        fail(str(exc))
    if outcome.warnings:
        _print_problems(outcome.warnings, limit=20)
    if isinstance(outcome, BuiltStudy):
        swap = store is not None and can_swap(store)
        # A store written in place is opened before any output, so that a store that cannot be opened
        # leaves no output file behind.
        target = open_store(store) if store is not None and not swap else None
        extra: list[Any] = []
        if with_assessment:
            from kg.assess.stored import assess_built

            extra = assess_built(outcome)
        # Serialise only when asked: a file is written atomically before the store changes, stdout after.
        data = None
        if output is not None:
            data = write_graph(
                outcome.result.quads + outcome.result.regions + extra, None if to_stdout else output, fmt
            )
        # Without --store the graph goes nowhere but the summary (and --output): no store to fill.
        if swap and store is not None:
            store_built(store, outcome, extra)
        elif target is not None:
            store_study(target, outcome, extra)
            settle_store(target)
        if data is not None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    lines = [
        f"built study '{outcome.checked.descriptor.name}' into graph <{outcome.graph.value}>"
        + (f" in the store at {store}" if store else " (in memory)"),
        # The build runs the table checks only; saying "0 warnings" would hide what the shapes find.
        f"  {outcome.triples} triples, {len(outcome.warnings)} warning(s) from the table checks "
        f"(the graph's shapes are checked by 'icgp validate {path}')",
        "  resources per class:",
    ]
    for cls, count in sorted(outcome.classes.items(), key=lambda item: (-item[1], item[0])):
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
    sarif = "sarif"
    ttl = "ttl"


class FailLevel(StrEnum):
    """The lowest severity that makes ``icgp validate`` exit 1."""

    violation = "violation"
    warning = "warning"
    info = "info"


class ShaclEngine(StrEnum):
    """SHACL engines of ``icgp validate`` (see kg/validation/engines.py)."""

    fast = "fast"
    pyshacl = "pyshacl"


@app.command("validate")
@user_errors
def validate_command(
    path: Annotated[
        Path,
        typer.Argument(help="Study package (folder or .zip with datapackage.yaml) or an RDF file to check."),
    ],
    output_format: Annotated[
        ReportFormat,
        typer.Option(
            "--format", "-f", help="Report format: text, json, csv, sarif (2.1.0) or ttl (SHACL report)."
        ),
    ] = ReportFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file instead of stdout.")
    ] = None,
    fail_on: Annotated[
        FailLevel, typer.Option("--fail-on", help="Exit 1 when a problem is at this severity or above.")
    ] = FailLevel.violation,
    engine: Annotated[
        ShaclEngine,
        typer.Option(
            "--engine", help="SHACL engine: fast (shacl-rust + Oxigraph) or pyshacl (the reference)."
        ),
    ] = ShaclEngine.fast,
) -> None:
    """Check a study package (tables, then SHACL shapes over its graph) or an RDF file (SHACL shapes).

    Every problem is listed with its place: file, row and column for packages; file, focus node, path and
    value for RDF files. Exit 0 when nothing is at or above --fail-on, 1 otherwise, 2 when the input cannot
    be read or the call is wrong.
    """
    from kg.problems import Severity
    from kg.validation.report_formats import render_csv, render_json, render_sarif, render_text, render_turtle
    from kg.validation.validate import validate_path

    with _steps("triples") as progress:
        outcome = validate_path(path, engine.value, progress=progress)
    problems = outcome.problems
    if output_format is ReportFormat.ttl:
        terms = {
            (r.focus, r.shape, r.value or ""): r.value_term or "" for r in outcome.results if r.value_term
        }
        text = render_turtle(problems, str(path), terms)
    else:
        renderers = {
            ReportFormat.text: render_text,
            ReportFormat.json: render_json,
            ReportFormat.csv: render_csv,
            ReportFormat.sarif: render_sarif,
        }
        text = renderers[output_format](problems, str(path))
    if output is None:
        typer.echo(text, nl=False)
    else:
        from kg.files import write_atomically

        write_atomically(output, text)
    raise typer.Exit(1 if outcome.failing(Severity(fail_on.value)) else 0)


# --------------------------------------------------------------------------------------------------
# icgp import qdpx|qdc|survey|eurostat

import_app = typer.Typer(
    help="Import REFI-QDA projects, survey exports and Eurostat tables into a study package's imports/.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

_INTO = typer.Option("--into", help="The study package folder to import into (writes imports/NAME.ttl).")
_NAME = typer.Option("--name", help="Name of the import (default: from the file); re-importing replaces it.")


def _report_import(result: Any, source: Path) -> None:
    """Counts and unmapped items on stdout, warnings on stderr."""
    lines = [f"imported {source.name} into {result.path} ({result.triples} triples)"]
    lines += [f"  {what}: {count}" for what, count in result.counts.items()]
    if result.unmapped:
        lines.append(f"unmapped codes ({len(result.unmapped)}; link them with --map):")
        lines += [f"  {code}" for code in result.unmapped]
    if result.unmapped_cases:
        lines.append(f"cases without an organisation ({len(result.unmapped_cases)}):")
        lines += [f"  {case}" for case in result.unmapped_cases]
    typer.echo("\n".join(lines))
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)


_SCHEMA = typer.Option("--schema", help="REFI-QDA Project.xsd (default: $ICGP_REFI_QDA_SCHEMA).")
_LENIENT = typer.Option("--lenient", help="Import despite schema errors (they become warnings).")
_LANGUAGE = typer.Option("--language", help="BCP 47 tag of the imported text, e.g. de (default: study's).")


class OffsetUnit(StrEnum):
    """What the selection offsets of a REFI-QDA project count."""

    codepoints = "codepoints"
    utf16 = "utf16"


@import_app.command("qdpx")
@user_errors
def import_qdpx_command(
    file: Annotated[Path, typer.Argument(help="REFI-QDA project archive (.qdpx), or its bare project.qde.")],
    into: Annotated[Path, _INTO],
    mapping: Annotated[
        Path | None, typer.Option("--map", help="YAML or CSV linking project codes (and cases) to concepts.")
    ] = None,
    name: Annotated[str | None, _NAME] = None,
    schema: Annotated[Path | None, _SCHEMA] = None,
    lenient: Annotated[bool, _LENIENT] = False,
    source_kind: Annotated[
        str,
        typer.Option("--source-kind", help="Kind of the sources: focus-group, interview or document."),
    ] = "document",
    language: Annotated[str | None, _LANGUAGE] = None,
    offsets: Annotated[
        OffsetUnit | None,
        typer.Option(
            "--offsets",
            help="What selection offsets count (default: utf16 for NVivo exports, else codepoints).",
        ),
    ] = None,
) -> None:
    """Import codebook, sources, coded segments, coders and cases of a REFI-QDA project.

    Exit 0 when imported, 2 when the file is unsafe, not REFI-QDA, or the mapping is wrong (nothing written).
    """
    from kg.importers.refiqda_rdf import import_qdpx

    unit = offsets.value if offsets is not None else None
    result = import_qdpx(file, into, mapping, name, schema, lenient, source_kind, language, unit)
    _report_import(result, file)


@import_app.command("qdc")
@user_errors
def import_qdc_command(
    file: Annotated[Path, typer.Argument(help="REFI-QDA codebook (.qdc).")],
    into: Annotated[Path, _INTO],
    mapping: Annotated[
        Path | None, typer.Option("--map", help="YAML or CSV linking codes to concepts of the coding frame.")
    ] = None,
    name: Annotated[str | None, _NAME] = None,
    schema: Annotated[Path | None, _SCHEMA] = None,
    lenient: Annotated[bool, _LENIENT] = False,
    language: Annotated[str | None, _LANGUAGE] = None,
) -> None:
    """Import the codes of a REFI-QDA codebook (exit 2 on unsafe or invalid input; nothing written)."""
    from kg.importers.refiqda_rdf import import_qdc

    _report_import(import_qdc(file, into, mapping, name, schema, lenient, language), file)


@import_app.command("survey")
@user_errors
def import_survey_command(
    file: Annotated[Path, typer.Argument(help="Survey export: CSV, one row per respondent.")],
    dictionary: Annotated[
        Path, typer.Option("--dictionary", help="Data dictionary (YAML or CSV): id, actor type and items.")
    ],
    into: Annotated[Path, _INTO],
    salt: Annotated[
        str | None,
        typer.Option("--salt", help="Secret salt for pseudonyms (better: set ICGP_PSEUDONYM_SALT)."),
    ] = None,
    name: Annotated[str | None, _NAME] = None,
) -> None:
    """Import survey answers as RDF Data Cube observations plus means by actor type.

    Respondent ids are replaced by salted hashes; the salt is never written. Exit 2 on bad input.
    """
    from kg.importers.survey import import_survey

    _report_import(import_survey(file, dictionary, into, salt, name), file)


class MissingPolicy(StrEnum):
    """What happens to Eurostat rows without a value."""

    keep = "keep"
    skip = "skip"


@import_app.command("eurostat")
@user_errors
def import_eurostat_command(
    file: Annotated[Path, typer.Argument(help="Eurostat table as SDMX-CSV (with or without labels).")],
    into: Annotated[Path, _INTO],
    name: Annotated[str | None, _NAME] = None,
    missing: Annotated[
        MissingPolicy,
        typer.Option("--missing", help="Rows without a value: keep them (flags, no value) or skip them."),
    ] = MissingPolicy.keep,
) -> None:
    """Import a Eurostat SDMX-CSV table as RDF Data Cube observations (exit 2 on bad input)."""
    from kg.importers.eurostat import import_eurostat

    _report_import(import_eurostat(file, into, name, missing.value), file)


# --------------------------------------------------------------------------------------------------
# icgp export / release / diff / serve (publishing)

_SOURCE_HELP = (
    "Study package (folder or .zip with datapackage.yaml) or an Oxigraph store folder made by "
    "'icgp build --store'; default: the bundled sample study."
)


@app.command("export")
@user_errors
def export_command(
    source: Annotated[Path | None, typer.Argument(help=_SOURCE_HELP)] = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="ttl, nt, nq, trig, jsonld or xml (default: from the suffix, else nq)."
        ),
    ] = None,
    graph: Annotated[
        list[str] | None, typer.Option("--graph", "-g", help="Export only this named graph (repeatable).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Write the whole store, or chosen graphs, in a deterministic order (same input, same bytes).

    Triple formats (ttl, nt, xml) merge the graphs; JSON-LD is compacted with the shipped context.
    Exit 0 when written, 2 on bad input.
    """
    from kg.build.serialize import format_for, write_quads
    from kg.build.sources import open_source, select_quads

    fmt = format_for(output, output_format)
    opened = open_source(source)
    quads = select_quads(opened.store, graph)
    data = write_quads(quads, output, fmt)
    if data is not None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        typer.echo(f"wrote {len(quads)} statements ({fmt}) to {output}", err=True)


@app.command("release")
@user_errors
def release_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="New (or empty) folder for the release bundle.")],
    version: Annotated[str, typer.Option("--version", "-v", help="Release version, X.Y.Z.")],
    source: Annotated[Path | None, typer.Argument(help=_SOURCE_HELP)] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous", help="Previous release (folder, store or package) for the CHANGELOG entry."
        ),
    ] = None,
    files_url: Annotated[
        str | None,
        typer.Option(
            "--files-url", help="Where the bundle will be hosted (base URL; the version is appended)."
        ),
    ] = None,
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", help="Public SPARQL endpoint URL for the service description.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out folder if it is not empty.")
    ] = False,
    doi: Annotated[
        str | None,
        typer.Option(
            "--doi", help="DOI minted for this release (10.xxxx/...); goes into the ontology header."
        ),
    ] = None,
    with_assessment: Annotated[
        bool,
        typer.Option(
            "--assess",
            help="Also release the growth-pole assessment of every cluster (a package; a store releases "
            "what 'icgp build --assess' stored).",
        ),
    ] = False,
) -> None:
    """Write a versioned release bundle: ontology, vocabularies and data, docs, metadata and checksums.

    The bundle holds RDF in several formats, HTML docs, VoID/DCAT/SPARQL service descriptions, PROV
    provenance, SHA-256 checksums, an .htaccess and a CHANGELOG entry. Nothing is written unless it all works.

    Exit 0 when written, 1 when the privacy guard refuses (names or e-mail addresses in a public graph),
    2 on bad input.
    """
    from kg.publish.privacy import PrivacyError
    from kg.publish.release import DEFAULT_ENDPOINT, DEFAULT_FILES_URL, make_release

    try:
        with _steps("files", "reading") as progress:
            report = make_release(
                source,
                out,
                version,
                previous=previous,
                files_url=files_url or DEFAULT_FILES_URL,
                endpoint=endpoint or DEFAULT_ENDPOINT,
                force=force,
                doi=doi,
                assess=with_assessment,
                progress=progress,
            )
    except PrivacyError as exc:
        for finding in exc.findings[:50]:
            typer.echo(
                f"  <{finding.resource}> {_curie(finding.predicate)} {finding.value!r}: {finding.reason}",
                err=True,
            )
        fail(str(exc), code=1)
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)
    if report.stripped_quotes or report.stripped_responses:
        typer.echo(
            f"left out as not public: {report.stripped_quotes} quote(s), "
            f"{report.stripped_responses} survey answer(s)",
            err=True,
        )
    typer.echo(f"release {version} written to {out} ({len(report.files)} files)")


class DiffFormat(StrEnum):
    """Output formats of ``icgp diff``."""

    md = "md"
    ttl = "ttl"
    nt = "nt"
    jsonld = "jsonld"


@app.command("diff")
@user_errors
def diff_command(
    old: Annotated[Path, typer.Argument(help="Old release folder, store folder, study package or RDF file.")],
    new: Annotated[Path, typer.Argument(help="New release folder, store folder, study package or RDF file.")],
    output_format: Annotated[
        DiffFormat,
        typer.Option("--format", "-f", help="md (Markdown) or the change set as RDF (ttl, nt, jsonld)."),
    ] = DiffFormat.md,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """List the entities (resources and terms) added, removed and changed between two versions.

    Changed entities come with their changed properties and the old and new values.

    Exit 0 when there is no difference, 1 when there are differences (like diff(1)), 2 on bad input.
    """
    from kg.build.serialize import serialize_quads
    from kg.files import write_atomically
    from kg.publish.diff import diff_paths, render_markdown, to_quads

    result = diff_paths(old, new)
    if output_format is DiffFormat.md:
        data = render_markdown(result).encode("utf-8")
    else:
        data = serialize_quads(to_quads(result), output_format.value)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomically(output, data)
    counts = {s: len(result.by_status(s)) for s in ("added", "removed", "changed")}
    typer.echo(f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} changed", err=True)
    raise typer.Exit(1 if result.entities else 0)


@app.command("serve")
@user_errors
def serve_command(
    source: Annotated[Path | None, typer.Argument(help=_SOURCE_HELP)] = None,
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="TCP port (0 picks a free one).")
    ] = 7878,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to bind; other than loopback exposes the data to the network."),
    ] = "127.0.0.1",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not log requests to stderr.")] = False,
    timeout: Annotated[
        float,
        typer.Option("--timeout", min=0.1, help="Seconds a query may run before it is stopped (503)."),
    ] = 30.0,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Most rows (or triples) an answer may have (else 400).")
    ] = 100_000,
    allow_service: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-service",
            metavar="URL",
            help="A SERVICE endpoint queries may call (repeatable); SERVICE is refused otherwise.",
        ),
    ] = None,
    cors: Annotated[
        list[str] | None,
        typer.Option(
            "--cors",
            metavar="ORIGIN",
            help="An origin (https://example.org) whose web pages may read the answers (repeatable).",
        ),
    ] = None,
) -> None:
    """Serve a read-only SPARQL endpoint (SPARQL 1.1 protocol) with a query page, until Ctrl-C.

    Also serves the saved queries in YASGUI (/query), the entity pages with content negotiation (/id/),
    the ontology docs and the growth-pole report (docs/linked-data.md).

    Prints the endpoint URL as the only line on stdout (so scripts can read it); request logs go to
    stderr. Updates are refused with 403, SERVICE with 403 unless --allow-service names the endpoint;
    quotes and survey answers the study keeps private are not served. Exit 0 after Ctrl-C (or SIGTERM),
    2 on bad input.
    """
    import signal

    from kg.build.sources import open_source
    from kg.publish.privacy import Policy
    from kg.publish.serve import Server, Settings, is_loopback
    from kg.publish.serve_guard import check_origin, check_service_url

    settings = Settings(
        timeout=timeout,
        max_rows=max_rows,
        allowed_services=frozenset(check_service_url(url) for url in allow_service or []),
        cors=frozenset(check_origin(origin) for origin in cors or []),
    )
    opened = open_source(source)
    policy = None
    if opened.built is not None:
        descriptor = opened.built.checked.descriptor
        policy = Policy(
            descriptor.public_quotes, descriptor.public_responses, public_contacts=descriptor.public_contacts
        )
    server = Server(
        opened.store,
        host,
        port,
        log=None if quiet else lambda line: typer.echo(line, err=True),
        policy=policy,
        settings=settings,
    )
    if not is_loopback(host):
        typer.echo(f"warning: listening on {host}, reachable from other machines", err=True)
    for note in server.notes:
        typer.echo(f"note: {note}", err=True)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:  # a Ctrl-C right after the URL is printed must stop cleanly too
        typer.echo(server.url)
        sys.stdout.flush()
        root = server.url.rsplit("/", 1)[0]
        typer.echo(
            f"query page: {root}/, saved queries: {root}/query, entities: {root}/id/  (Ctrl-C stops)",
            err=True,
        )
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    typer.echo("stopped", err=True)


# --------------------------------------------------------------------------------------------------
# icgp query list | show | run, icgp publish

query_app = typer.Typer(
    help="Saved policy queries: list them, show one, run one on the sample, a store, files or an endpoint.",
    no_args_is_help=True,
)
app.add_typer(query_app, name="query")


class QueryFormat(StrEnum):
    """Output formats of ``icgp query run``."""

    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    md = "md"


class ListFormat(StrEnum):
    """Output formats of ``icgp query list``."""

    table = "table"
    json = "json"


def _write_output(output: Path | None, text: str) -> None:
    """Print ``text``, or write it whole to ``output`` (a temporary file beside it, then a rename)."""
    from kg.files import write_atomically

    if output is None or str(output) == "-":
        typer.echo(text, nl=False)
        return
    write_atomically(output, text)


@query_app.command("list")
@user_errors
def query_list_command(
    tag: Annotated[str | None, typer.Option("--tag", help="Only queries with this tag.")] = None,
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table (default) or json.")
    ] = ListFormat.table,
) -> None:
    """List the saved queries: name, parameters and the question each one answers."""
    from kg.query.catalogue import catalogue

    queries = [q for q in catalogue().values() if tag is None or tag in q.tags]
    if output_format is ListFormat.json:
        items = [
            {
                "name": q.name,
                "summary": q.summary,
                "tags": list(q.tags),
                "parameters": [
                    {"name": p.name, "type": p.type_label, "optional": p.optional, "default": p.default}
                    for p in q.parameters
                ],
            }
            for q in queries
        ]
        typer.echo(json.dumps(items, indent=2, ensure_ascii=False))
        return
    width = max((len(q.name) for q in queries), default=4)
    for q in queries:
        params = ", ".join(p.name + ("?" if p.optional else "") for p in q.parameters)
        typer.echo(f"{q.name.ljust(width)}  {q.summary}" + (f"  [{params}]" if params else ""))
    typer.echo(f"{len(queries)} saved quer{'y' if len(queries) == 1 else 'ies'}", err=True)


@query_app.command("show")
@user_errors
def query_show_command(
    name: Annotated[str, typer.Argument(help="Name of a saved query (see 'icgp query list') or a .rq file.")],
) -> None:
    """Show a saved query: its question, description, parameters (type, default, allowed values) and text."""
    from kg.query.catalogue import find_query

    query = find_query(name)
    lines = [query.name, f"  {query.summary}"]
    if query.description:
        lines += ["", *_wrap(query.description, "  ")]
    if query.tags:
        lines += ["", f"tags: {', '.join(query.tags)}"]
    lines += ["", "parameters:" if query.parameters else "parameters: none"]
    for p in query.parameters:
        detail = p.type_label + (", optional" if p.optional else "")
        if p.default is not None:
            detail += f", default {p.default}"
        if p.values:
            detail += f", one of {', '.join(p.values)}"
        elif p.scheme and p.enumerated:
            detail += f"; give a concept of https://w3id.org/icgp/vocab/{p.scheme} by IRI, notation or label"
        elif p.scheme:
            detail += (
                f"; give a concept of https://w3id.org/icgp/vocab/{p.scheme} by IRI, notation or label "
                f"('icgp vocab show {p.scheme}' lists them), or any other IRI"
            )
        elif p.data_values:
            detail += "; checked against the values found in the data before the query runs"
        lines.append(f"  {p.name}: {detail}")
    lines += ["", f"file: {query.path}" if query.path else "", "", query.text.rstrip()]
    typer.echo("\n".join(lines))


def _wrap(text: str, indent: str) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=100, initial_indent=indent, subsequent_indent=indent)


_ENDPOINT_HELP = (
    "Run on this SPARQL 1.1 query endpoint instead (SPARQLWrapper; POST for long queries). Credentials "
    "come from the environment only: ICGP_ENDPOINT_TOKEN (bearer), or ICGP_ENDPOINT_USER and "
    "ICGP_ENDPOINT_PASSWORD (basic)."
)


@query_app.command("run")
@user_errors
def query_run_command(
    name: Annotated[str, typer.Argument(help="Name of a saved query (see 'icgp query list') or a .rq file.")],
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", "-p", help="NAME=VALUE, repeatable; bound as an RDF term, never pasted into the query."
        ),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Query the on-disk store in this folder (opened read-only)."),
    ] = None,
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help="Query these RDF files (with the bundled vocabularies); repeatable."),
    ] = None,
    package: Annotated[
        Path | None, typer.Option("--package", help="Query this study package, built in memory.")
    ] = None,
    endpoint: Annotated[str | None, typer.Option("--endpoint", help=_ENDPOINT_HELP)] = None,
    graph: Annotated[
        list[str] | None,
        typer.Option(
            "--graph",
            help="Query only these study graphs (plus the ontology and vocabulary graphs); repeatable.",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for an endpoint's answer.", min=1)
    ] = 60.0,
    output_format: Annotated[
        QueryFormat,
        typer.Option("--format", "-f", help="table (default), csv, tsv, json (SPARQL 1.1 results) or md."),
    ] = QueryFormat.table,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Return at most this many rows.", min=0)
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the answer to this file instead of stdout.")
    ] = None,
    show_query: Annotated[
        bool, typer.Option("--show-query", help="Print the query as sent (parameters bound) to stderr.")
    ] = False,
    iris: Annotated[
        bool,
        typer.Option(
            "--iris", help="Show IRIs whole in tables and charts, instead of labels or prefixed names."
        ),
    ] = False,
    chart: Annotated[
        str | None,
        typer.Option(
            "--chart",
            help="Draw the answer as an SVG chart: bar, line or heatmap, with the columns the query's "
            "'#+ chart-*' header keys name; written to --output, else to stdout.",
        ),
    ] = None,
) -> None:
    """Answer a saved query on the bundled sample (default), a store, RDF files, a package or an endpoint.

    Before the query runs, each IRI value is looked up in the data and each text value with a known set
    of values checked against it: a value that occurs nowhere gets a warning on stderr, a near miss
    (EU27 for EU27_2020) the value to give instead. Exit 0 with the answer (also when it has no rows),
    1 when the endpoint fails, 2 on bad input (unknown query or parameter, invalid value, a near miss,
    unreadable source, a chart the query's header does not describe).

    The table and md formats show IRIs as their labels (asked of the same data in one more query), else
    as prefixed names, and the table wraps to the terminal width (COLUMNS); --iris shows them whole. The
    csv, tsv and json formats are data and always give the IRIs.
    """
    import shutil

    from kg.query import results
    from kg.query import run as sparql
    from kg.query.catalogue import find_query
    from kg.query.parameters import bind, iri_term, parse_assignments, resolve_bindings
    from kg.query.sparql_text import with_limit

    sources = [s for s in (store, data, package, endpoint) if s]
    if len(sources) > 1:
        fail("give at most one of --store, --data, --package and --endpoint")
    if chart is not None:
        # matplotlib takes a second to import: only a chart pays for it.
        from kg.publish.query_charts import CHART_KINDS, chart_svg, require_chart

        if chart not in CHART_KINDS:
            fail(f"--chart {chart!r}: choose one of {', '.join(CHART_KINDS)}")
        if output_format is not QueryFormat.table:
            fail("give either --chart (an SVG chart) or --format (a table), not both")
    query = find_query(name)
    if chart is not None:
        require_chart(query, chart)  # before the query runs: a missing header key needs no data to show
    if query.form not in ("SELECT", "ASK"):
        fail(f"{query.name} is a {query.form} query; only SELECT and ASK answers can be shown as a table")
    given = parse_assignments(param or [])
    bindings = resolve_bindings(query, given)
    text = bind(query.text, bindings)
    if limit is not None:
        text = with_limit(text, limit)
    for graph_name in graph or ():
        iri_term(graph_name, "--graph", "give the full IRI of a study graph, as 'icgp build' prints it")
    if show_query:
        typer.echo(text, err=True)
    target: sparql.Target
    if endpoint:
        target = sparql.EndpointTarget(endpoint, timeout)
    elif store is not None:
        target = sparql.StoreTarget(sparql.read_only_store(store), f"the store at {store}")
    elif data:
        target = sparql.StoreTarget(sparql.file_store(data), "the given files")
    elif package is not None:
        target = sparql.StoreTarget(sparql.package_store(package), f"the package {package}")
    else:
        target = sparql.StoreTarget(sparql.sample_store(), "the bundled sample study")
    try:
        for warning in sparql.check_values(target, query, bindings, given, graph or ()):
            typer.echo(f"warning: {warning}", err=True)
        result = target.run(text, graph or ())
    except results.EndpointError as exc:
        fail(str(exc), 1)
    shown = result.limited(limit)
    labels: dict[str, str] | None = None
    if not iris and shown.boolean is None and (chart or output_format.value in ("table", "md")):
        try:
            labels = sparql.labels_of(target, shown, graph or ())
        except results.EndpointError as exc:
            # The answer came: show it with prefixed names rather than lose it over its labels.
            typer.echo(f"warning: no labels, IRIs shown as prefixed names: {exc}", err=True)
    if chart is not None:
        _write_output(output, chart_svg(query, shown, chart, labels, iris=iris))
        return
    width = shutil.get_terminal_size().columns if output_format is QueryFormat.table else None
    _write_output(output, results.render(shown, output_format.value, labels=labels, iris=iris, width=width))
    if result.boolean is None and sys.stderr.isatty():
        count = len(result.limited(limit).rows)
        typer.echo(f"{count} row{'s' if count != 1 else ''} from {target.description}", err=True)


@app.command("publish")
@user_errors
def publish_command(
    source: Annotated[
        Path, typer.Argument(help="A study package (folder or .zip), an on-disk store folder or an RDF file.")
    ],
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            help="Graph Store Protocol endpoint (for Oxigraph: http://HOST:PORT/store). Credentials come "
            "from ICGP_ENDPOINT_TOKEN, or ICGP_ENDPOINT_USER and ICGP_ENDPOINT_PASSWORD.",
        ),
    ],
    graph: Annotated[
        str | None,
        typer.Option("--graph", help="Graph to fill (default: each study graph keeps its own name)."),
    ] = None,
    append: Annotated[
        bool, typer.Option("--append", help="Add to the graph (HTTP POST) instead of replacing it (PUT).")
    ] = False,
    no_vocabularies: Annotated[
        bool,
        typer.Option("--no-vocabularies", help="Do not also upload the ontology and vocabulary graphs."),
    ] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait per upload.", min=1)] = 300.0,
    chunk_size: Annotated[
        int,
        typer.Option(
            "--chunk-size",
            help="Most triples per request (requests also stay near 512 KiB); a larger graph goes in "
            "several requests.",
            min=1,
        ),
    ] = 100_000,
) -> None:
    """Upload study data through the SPARQL 1.1 Graph Store Protocol, replacing the graph by default.

    The ontology and vocabulary graphs go too (the saved queries need them). Exit 0 when every upload
    succeeded, 1 when one failed (the message gives the HTTP status and the server's answer), 2 on bad
    input.
    """
    from kg.publish.graph_store import PublishError, publish

    bar = _progress_bar()
    tasks: dict[str, Any] = {}

    def sent(name: str, done: int, total: int) -> None:
        if name not in tasks:
            tasks[name] = bar.add_task(f"<{name}>", total=total)
        bar.update(tasks[name], completed=done)

    try:
        with bar:
            report = publish(
                source,
                endpoint,
                graph,
                replace=not append,
                vocabularies=not no_vocabularies,
                timeout=timeout,
                chunk=chunk_size,
                sent=sent,
            )
    except PublishError as exc:
        fail(str(exc), 1)
    verb = "replaced" if report.replace else "added to"
    for upload in report.uploads:
        if not upload.reference:
            typer.echo(f"{upload.triples} triples {verb} graph <{upload.graph}> (HTTP {upload.status})")
    references = [u for u in report.uploads if u.reference]
    if references:
        typer.echo(
            f"{report.reference_triples} triples of the ontology and vocabularies in {len(references)} graphs"
        )
    typer.echo(
        f"sent {report.study_triples + report.reference_triples} triples to {report.endpoint}", err=True
    )


# --------------------------------------------------------------------------------------------------
# icgp vocab list|show

vocab_app = typer.Typer(
    help="The SKOS vocabularies: which schemes there are and the values a table cell may use.",
    no_args_is_help=True,
)
app.add_typer(vocab_app, name="vocab")


class VocabFormat(StrEnum):
    """Output formats of ``icgp vocab``."""

    table = "table"
    csv = "csv"
    json = "json"


def _render_rows(header: list[str], rows: list[list[str]], fmt: VocabFormat) -> str:
    """Rows as aligned text columns, CSV or a JSON list of objects."""
    if fmt is VocabFormat.json:
        records = [dict(zip(header, row, strict=True)) for row in rows]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if fmt is VocabFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue()
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n"
        for row in [header, *rows]
    )


_VOCAB_FORMAT = typer.Option("--format", "-f", help="table (default), csv or json.")


@vocab_app.command("list")
@user_errors
def vocab_list_command(output_format: Annotated[VocabFormat, _VOCAB_FORMAT] = VocabFormat.table) -> None:
    """List the vocabularies: the name a table schema uses, the title and the number of concepts."""
    from kg.ontology.vocabularies import schemes

    rows = [[s.name, str(s.concepts), s.title] for s in schemes()]
    typer.echo(_render_rows(["scheme", "concepts", "title"], rows, output_format), nl=False)


@vocab_app.command("show")
@user_errors
def vocab_show_command(
    scheme: Annotated[str, typer.Argument(help="A vocabulary such as actor or i40t (icgp vocab list).")],
    output_format: Annotated[VocabFormat, _VOCAB_FORMAT] = VocabFormat.table,
) -> None:
    """Every value of one vocabulary: a cell may name it by slug, notation or label, in any case."""
    from kg.ontology.vocabularies import entries

    rows = [[e.slug, e.notation, e.label, e.broader] for e in entries(scheme)]
    typer.echo(_render_rows(["slug", "notation", "label", "broader"], rows, output_format), nl=False)


# --------------------------------------------------------------------------------------------------
# icgp assess


class AssessFormat(StrEnum):
    """Output formats of ``icgp assess``."""

    table = "table"
    json = "json"
    md = "md"
    ttl = "ttl"
    trig = "trig"
    nq = "nq"


# The arguments `assess` and `report` share.
_StudySource = Annotated[
    Path | None,
    typer.Argument(help="A study package (folder or .zip) or a store folder; the bundled sample if omitted."),
]
_Period = Annotated[
    str | None,
    typer.Option(
        "--period",
        help="FROM/TO dates or years (2020-01-01/2021-06-30, 2020/2021); "
        "default: each cluster's study period.",
    ),
]
_Model = Annotated[
    Path | None, typer.Option("--model", help="An assessment model YAML file (default: ICGP's model).")
]


@app.command("assess")
@user_errors
def assess_command(
    path: _StudySource = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Assess the on-disk store in this folder (opened read-only)."),
    ] = None,
    endpoint: Annotated[str | None, typer.Option("--endpoint", help=_ENDPOINT_HELP)] = None,
    cluster: Annotated[
        list[str] | None,
        typer.Option("--cluster", "-c", help="Assess only this cluster (id, IRI or name); repeatable."),
    ] = None,
    period: _Period = None,
    model: _Model = None,
    output_format: Annotated[
        AssessFormat,
        typer.Option("--format", "-f", help="table (default), json, md, or RDF as ttl, trig or nq."),
    ] = AssessFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the assessment to this file instead of stdout."),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for an endpoint's answer.", min=1)
    ] = 60.0,
) -> None:
    """Assess each cluster as a growth pole: criterion scores with their evidence, verdict, roadmap stage,
    what the next stage needs and whether the verdict survives moving the model's assumptions.

    Exit 0 with the assessment, 1 when an endpoint fails, 2 on bad input (unknown cluster, empty or
    data-less period, a malformed model, unreadable source).
    """
    from kg.assess.assessment import assess
    from kg.assess.evidence import parse_period
    from kg.assess.formats import (
        robustness_sentence,
        summary_rows,
        to_json_text,
        to_markdown,
        verdict_sentence,
    )
    from kg.assess.model import load_model
    from kg.assess.rdf import assessment_quads
    from kg.build.serialize import serialize_quads
    from kg.build.sources import open_source
    from kg.query import results
    from kg.query import run as sparql

    if len([s for s in (path, store, endpoint) if s]) > 1:
        fail("give at most one of PATH, --store and --endpoint")
    chosen_period = parse_period(period) if period else None
    the_model = load_model(model)
    target: sparql.Target
    if endpoint:
        target = sparql.EndpointTarget(endpoint, timeout)
    elif store is not None:
        target = sparql.StoreTarget(sparql.read_only_store(store), f"the store at {store}")
    else:
        source = open_source(path)
        where = "the bundled sample study" if path is None else f"the {source.kind} {path}"
        target = sparql.StoreTarget(source.store, where)
    try:
        with _counted("assessing") as progress:
            run = assess(target, the_model, cluster or (), chosen_period, progress=progress)
    except results.EndpointError as exc:
        fail(str(exc), 1)
    if output_format is AssessFormat.json:
        text = to_json_text(run)
    elif output_format is AssessFormat.md:
        text = to_markdown(run)
    elif output_format in (AssessFormat.ttl, AssessFormat.trig, AssessFormat.nq):
        text = serialize_quads(assessment_quads(run), output_format.value).decode("utf-8")
    else:
        rows = summary_rows(run)
        header = list(rows[0]) if rows else ["cluster"]
        text = _render_rows(header, [[r[h] for h in header] for r in rows], VocabFormat.table)
        for a in run.assessments:
            text += "\n" + verdict_sentence(run, a) + "\n" + robustness_sentence(a) + "\n"
            for barrier in a.roadmap.barriers:
                plural = "" if barrier.passages == 1 else "s"
                cited = f"{barrier.notation} {barrier.label} ({barrier.passages} passage{plural})"
                text += f"  barrier cited by its SMEs: {cited}\n"
            for remedy in a.roadmap.remedies:
                services = ", ".join(label for _, label in remedy.services) or "no EDIH service recorded"
                text += f"  not offered yet: {remedy.label} (EDIH: {services})\n"
    _write_output(output, text)


@app.command("report")
@user_errors
def report_command(
    path: _StudySource = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Report on the on-disk store in this folder (opened read-only)."),
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder for the pages, <study-id>.html each (created if missing)."),
    ] = Path("report"),
    period: _Period = None,
    model: _Model = None,
) -> None:
    """Write the growth-pole report: one self-contained HTML page per study (charts as inline SVG, no
    script, nothing fetched), with a summary across clusters and a printable section per cluster.

    Exit 0 with the pages written, 2 on bad input (unreadable source, bad period or model) with nothing
    written.
    """
    from kg.assess.evidence import parse_period
    from kg.assess.model import load_model
    from kg.build.sources import open_source
    from kg.publish.report.write import write_reports
    from kg.query import run as sparql

    if path is not None and store is not None:
        fail("give at most one of PATH and --store")
    chosen_period = parse_period(period) if period else None
    the_model = load_model(model)
    target: sparql.Target
    if store is not None:
        target = sparql.StoreTarget(sparql.read_only_store(store), f"the store at {store}")
    else:
        source = open_source(path)
        where = "the bundled sample study" if path is None else f"the {source.kind} {path}"
        target = sparql.StoreTarget(source.store, where)
    for page in write_reports(target, out, the_model, chosen_period):
        plural = "" if page.clusters == 1 else "s"
        typer.echo(terminal_safe(f"wrote {page.path} ({page.study}, {page.clusters} cluster{plural})"))


# Every command and group of the CLI reports a wrong call on one line (set here, after all are defined).
for _typer_app in (app, ontology_app, import_app, query_app, vocab_app):
    _typer_app.info.cls = _OneLineGroup
    for _command in _typer_app.registered_commands:
        _command.cls = _OneLineCommand


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
