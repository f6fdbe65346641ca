"""The sample study's CSV tables and descriptor, read for the query tests, and saved queries run on a store.

The query tests work out their expected answers from the sample's tables by plain Python and compare them
with what the saved query answers. What they share lives here: reading a table or the descriptor, the study
period and the period a query's ``from``/``to`` parameters give, the memberships of a cluster, the first
columns of a per-cluster row, and running a query with its cells turned into Python values.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import RdfFormat, Store

from kg.ontology.resources import sample_study_dir
from kg.query.catalogue import find_query
from kg.query.parameters import prepare
from kg.query.results import Cell
from kg.query.run import StoreTarget

XSD = "http://www.w3.org/2001/XMLSchema#"
PLACES = Decimal("1e-12")  # the decimals the queries answer are compared at twelve places

# The membership roles of the sample's tables (ontology/vocab/role.ttl) and the slug their IRIs end with.
ROLE_SLUG = {"MR1": "member", "MR2": "anchor", "MR3": "propulsive-actor", "MR4": "broker"}
# The columns every criterion query answers first and last (queries/README.md).
HEAD_COLUMNS = ["cluster", "clusterLabel", "periodStart", "periodEnd"]
TAIL_COLUMNS = ["evidenceCount", "evidence"]

Expected = Callable[[dict[str, str], date, date], dict[str, Any]]


# -- the sample's tables -------------------------------------------------------------------------------------


@cache
def table(name: str, folder: Path | None = None) -> tuple[dict[str, str], ...]:
    """The rows of ``name``.csv in ``folder`` (the sample study by default).

    Each table is read once and the rows are shared by every caller, so no caller may change them.
    """
    with ((folder or sample_study_dir()) / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


@cache
def descriptor() -> dict[str, Any]:
    """The sample's datapackage.yaml."""
    data = yaml.safe_load((sample_study_dir() / "datapackage.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def base() -> str:
    """The namespace of the sample's instance IRIs."""
    return f"{descriptor()['base']}{descriptor()['name']}/"


def day(value: Any) -> date:
    """A date, or its ISO text (YAML reads unquoted dates as dates already)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def study_period() -> tuple[date, date]:
    """The first and last day of the sample's study period."""
    period = descriptor()["period"]
    return day(period["start"]), day(period["end"])


def period_of(params: dict[str, str]) -> tuple[date, date]:
    """The period a query's ``from`` and ``to`` parameters give; a missing end is the study's."""
    start, end = study_period()
    return day(params.get("from", start)), day(params.get("to", end))


def clusters_by_label() -> list[dict[str, str]]:
    """The sample's clusters in the order the criterion queries answer them: by label."""
    return sorted(table("clusters"), key=lambda c: c["name"])


def ratio(numerator: int | Decimal, denominator: int) -> Decimal | None:
    """A share as the queries answer it: None for a zero denominator, else twelve places."""
    return None if denominator == 0 else (Decimal(numerator) / Decimal(denominator)).quantize(PLACES)


@dataclass(frozen=True)
class Membership:
    """One row of memberships.csv; a missing role is a plain member."""

    cluster: str
    org: str
    role: str
    since: date | None
    until: date | None

    @property
    def iri(self) -> str:
        return f"{base()}membership/{self.cluster}/{self.org}/{ROLE_SLUG[self.role]}"

    def active_in(self, start: date, end: date) -> bool:
        """Active on some day of the period: a membership ends on the day its ``until`` names."""
        return (self.since is None or self.since <= end) and (self.until is None or self.until > start)

    def active_at(self, when: date) -> bool:
        return (self.since is None or self.since <= when) and (self.until is None or self.until > when)


def memberships(cluster: str) -> list[Membership]:
    """The memberships of one cluster."""
    return [
        Membership(
            r["cluster"],
            r["organisation"],
            r["role"] or "MR1",
            day(r["since"]) if r["since"] else None,
            day(r["until"]) if r["until"] else None,
        )
        for r in table("memberships")
        if r["cluster"] == cluster
    ]


def members_in(cluster: str, start: date, end: date) -> set[str]:
    """The organisations with a membership of the cluster active in the period."""
    return {m.org for m in memberships(cluster) if m.active_in(start, end)}


# -- what a criterion query should answer --------------------------------------------------------------------


def cluster_row(
    cluster: str, label: str, period: tuple[str | None, str | None], **values: Any
) -> dict[str, Any]:
    """A criterion query's row: the cluster IRI, its label and the period, then ``values``."""
    return {
        "cluster": cluster,
        "clusterLabel": label,
        "periodStart": period[0],
        "periodEnd": period[1],
    } | values


def head(cluster: dict[str, str], start: date, end: date) -> dict[str, Any]:
    """The first columns of the row of a sample cluster (a row of clusters.csv) for the period."""
    return cluster_row(
        f"{base()}cluster/{cluster['id']}", cluster["name"], (start.isoformat(), end.isoformat())
    )


def expected_rows(expected: Expected, params: dict[str, str]) -> list[dict[str, Any]]:
    """A criterion query's expected rows on the sample for the period of ``params``, clusters by label."""
    start, end = period_of(params)
    return [expected(cluster, start, end) for cluster in clusters_by_label()]


# -- running a query -----------------------------------------------------------------------------------------


def value(cell: Cell | None) -> Any:
    """A cell as a Python value: IRIs and plain strings as str, numbers as int or Decimal (12 places)."""
    if cell is None:
        return None
    datatype = (cell.datatype or "").removeprefix(XSD)
    if datatype == "integer":
        return int(cell.value)
    if datatype == "decimal":
        return Decimal(cell.value).quantize(PLACES)
    if datatype == "boolean":
        return {"true": True, "false": False}[cell.value]
    return cell.value


def run(store: Store, name: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The rows a saved query (``assessment/...`` for those in the subfolder) answers, as Python values."""
    result = StoreTarget(store).run(prepare(find_query(name), params or {}))
    return [{v: value(c) for v, c in zip(result.variables, row, strict=True)} for row in result.rows]


def iri_set(text: str | None) -> set[str]:
    """An evidence column (IRIs joined by single spaces, in any order) as a set."""
    if text is None:
        return set()
    items = text.split(" ")
    assert "" not in items and len(items) == len(set(items)), text
    return set(items)


def with_evidence_sets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with the evidence list as a set of IRIs (the query joins them in no particular order)."""
    return [r | {"evidence": iri_set(r["evidence"])} for r in rows]


def layout(store: Store, name: str, indicators: list[str]) -> tuple[list[str], ...]:
    """What the design fixes of a criterion query's answer on ``store``: its first four columns, its
    ``indicators`` in the order it answers them, its last two columns, and the datatypes of the first row's
    period cells."""
    result = StoreTarget(store).run(prepare(find_query(name), {}))
    columns = result.variables
    period_types = [cell.datatype if cell is not None else "unbound" for cell in result.rows[0][2:4]]
    return columns[:4], [c for c in columns if c in indicators], columns[-2:], period_types


def designed_layout(indicators: list[str]) -> tuple[list[str], ...]:
    """The :func:`layout` the design asks for."""
    return HEAD_COLUMNS, indicators, TAIL_COLUMNS, [XSD + "date", XSD + "date"]


def turtle_store(text: str) -> Store:
    """An in-memory store holding a hand-written Turtle graph."""
    store = Store()
    store.load(text.encode("utf-8"), format=RdfFormat.TURTLE)
    return store
