"""The Frictionless Table Schemas of the study-package tables, read into typed records.

The JSON files in ``kg/package/tableschemas/`` follow the Frictionless Table Schema format (fields with name,
type, format and constraints; primaryKey; foreignKeys) and add a few keys of their own, all prefixed
``icgp:``: ``icgp:scheme`` (the cell names a concept of that vocabulary), ``icgp:list`` (the cell holds
a ``;``-separated list), ``icgp:default`` (the concept meant by an empty cell), ``icgp:format``
(``scale`` for ``MIN-MAX`` cells), ``icgp:expected`` (what a pattern means, in words) and, per table,
``icgp:checks`` (rules between columns or tables: ``order``, ``within-length``, ``within-scale``,
``together``).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from typing import Any

# Every table of a study package, in the order reports and documentation list them.
TABLES: tuple[str, ...] = (
    "organisations",
    "sites",
    "clusters",
    "memberships",
    "interactions",
    "adoptions",
    "maturity",
    "activities",
    "participations",
    "sources",
    "participants",
    "codebook",
    "segments",
    "survey_items",
    "respondents",
    "survey_responses",
)

# The only table a package must have.
REQUIRED_TABLES: tuple[str, ...] = ("organisations",)

FIELD_TYPES = ("string", "integer", "number", "date", "year", "boolean")


@dataclass(frozen=True)
class FieldSpec:
    """One column of a table: its type, constraints and ICGP extensions."""

    name: str
    type: str
    description: str = ""
    title: str | None = None
    format: str | None = None
    example: str | None = None
    required: bool = False
    unique: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    scheme: str | None = None
    is_list: bool = False
    default: str | None = None
    expected: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    """A column whose values (or list items) must be values of a column of another (or the same) table."""

    field: str
    resource: str
    reference: str


@dataclass(frozen=True)
class TableCheck:
    """A rule between columns or tables (``order``, ``within-length``, ``within-scale``)."""

    kind: str
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TableSchema:
    """The schema of one study-package table."""

    name: str
    title: str
    description: str
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    checks: tuple[TableCheck, ...] = ()

    @property
    def file_name(self) -> str:
        """The default file name of the table in a package."""
        return f"{self.name}.csv"

    @property
    def field_names(self) -> tuple[str, ...]:
        """The column names, in schema order."""
        return tuple(spec.name for spec in self.fields)

    def field(self, name: str) -> FieldSpec:
        """The column called ``name`` (KeyError if there is none)."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)


def _one_field(name: str, table: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0]
    raise ValueError(f"table schema {table}: only single-column foreign keys are supported ({name})")


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def parse_schema(data: dict[str, Any]) -> TableSchema:
    """Turn a Table Schema JSON object into a :class:`TableSchema` (ValueError if it is malformed)."""
    name = str(data["name"])
    fields = []
    for raw in data["fields"]:
        constraints = raw.get("constraints", {})
        kind = str(raw.get("type", "string"))
        if kind not in FIELD_TYPES:
            raise ValueError(f"table schema {name}: field {raw['name']} has unsupported type {kind!r}")
        enum = constraints.get("enum")
        fields.append(
            FieldSpec(
                name=str(raw["name"]),
                type=kind,
                description=str(raw.get("description", "")),
                title=raw.get("title"),
                format=raw.get("icgp:format", raw.get("format")),
                example=raw.get("example"),
                required=bool(constraints.get("required", False)),
                unique=bool(constraints.get("unique", False)),
                minimum=_number(constraints.get("minimum")),
                maximum=_number(constraints.get("maximum")),
                pattern=constraints.get("pattern"),
                enum=None if enum is None else tuple(str(item) for item in enum),
                scheme=raw.get("icgp:scheme"),
                is_list=bool(raw.get("icgp:list", False)),
                default=raw.get("icgp:default"),
                expected=raw.get("icgp:expected"),
            )
        )
    primary = data.get("primaryKey", [])
    primary_key = (primary,) if isinstance(primary, str) else tuple(str(part) for part in primary)
    foreign_keys = []
    for raw in data.get("foreignKeys", []):
        reference = raw["reference"]
        foreign_keys.append(
            ForeignKey(
                field=_one_field("fields", name, raw["fields"]),
                # An empty resource name points at the table itself (Frictionless convention).
                resource=str(reference.get("resource") or name),
                reference=_one_field("reference.fields", name, reference["fields"]),
            )
        )
    checks = tuple(
        TableCheck(kind=str(raw["check"]), options={k: str(v) for k, v in raw.items() if k != "check"})
        for raw in data.get("icgp:checks", [])
    )
    return TableSchema(
        name=name,
        title=str(data.get("title", name)),
        description=str(data.get("description", "")),
        fields=tuple(fields),
        primary_key=primary_key,
        foreign_keys=tuple(foreign_keys),
        checks=checks,
    )


def schema_json(table: str) -> str:
    """The Table Schema JSON text of a table as shipped in ``kg/package/tableschemas``."""
    if table not in TABLES:
        raise KeyError(table)
    return (importlib_resources.files("kg.package") / "tableschemas" / f"{table}.json").read_text(
        encoding="utf-8"
    )


@functools.cache
def load_schemas() -> dict[str, TableSchema]:
    """Every table's schema, keyed by table name, in :data:`TABLES` order."""
    return {table: parse_schema(json.loads(schema_json(table))) for table in TABLES}
