"""Writing the report: every study's page rendered first, then each written whole (``kg/files``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.assess.evidence import Period
from kg.assess.model import Model
from kg.errors import InputError
from kg.files import write_atomically
from kg.publish.report.data import gather
from kg.publish.report.html import render
from kg.query.run import Target


@dataclass(frozen=True)
class Written:
    """One page written: where, for which study, and how many cluster sections it holds."""

    path: Path
    study: str
    clusters: int


def release_pages(target: Target) -> tuple[dict[str, str], str | None]:
    """The pages a release carries, by path in the bundle (``report/<study-id>.html``), without the
    generation time (two releases of the same data carry the same pages); none, with the reason, when
    the data cannot be assessed (no cluster, or a cluster without a study period): a release does not
    depend on its report."""
    try:
        reports = gather(target)
    except InputError as exc:
        return {}, f"the release holds no growth-pole report: {exc}"
    return {f"report/{r.identifier}.html": render(r, dated=False) for r in reports}, None


def write_reports(
    target: Target, out: Path, model: Model | None = None, period: Period | None = None
) -> list[Written]:
    """Write ``<out>/<study-id>.html`` for every study of the target; ``out`` is created when its parent
    exists. Every page is rendered before the first is written, so bad input leaves no file behind, and
    each file is written whole or not at all."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file; --out takes a folder for the report pages")
    if not out.exists() and not out.parent.is_dir():
        raise InputError(f"cannot write the report to {out}: the folder {out.parent} does not exist")
    reports = gather(target, model, period)
    pages = [(report, render(report)) for report in reports]
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {out}: {exc.strerror or exc}") from exc
    written = []
    for report, text in pages:
        path = out / f"{report.identifier}.html"
        write_atomically(path, text)
        written.append(Written(path, report.title, len(report.clusters)))
    return written
