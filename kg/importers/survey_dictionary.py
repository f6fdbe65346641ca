"""The data dictionary of a survey export: which column is what, and each item's scale and answer codes.

A dictionary is YAML or CSV (docs/importers.md shows both layouts). It names the column that holds the
respondent id and the one that holds the actor type (optionally the organisation and the NUTS region),
and for each item column its question text, scale (``MIN-MAX``), construct and answer codes; answer
codes may be shared by all items, value labels let a cell hold an answer's text instead of its number,
and missing-value codes mark no answer. :func:`load_dictionary` reads and checks one;
:mod:`kg.importers.survey` reads the export with it.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.errors import InputError
from kg.ontology.concepts import normalise

_SCALE = re.compile(r"^\s*(-?\d+)\s*(?:-|\.\.|to)\s*(-?\d+)\s*$")
_ROLES = ("item", "respondent_id", "actor_type", "organisation", "nuts")


@dataclass
class Item:
    """A survey item: its column, question text, scale, construct and answer codes."""

    column: str
    text: str | None
    low: int
    high: int
    construct: str | None = None
    codes: dict[str, int] = field(default_factory=dict)


@dataclass
class Dictionary:
    """The data dictionary of a survey export."""

    respondent_id: str
    actor_type: str
    items: list[Item]
    actor_types: dict[str, str] = field(default_factory=dict)
    organisation: str | None = None
    nuts: str | None = None
    missing: frozenset[str] = frozenset()
    header_rows: int | None = None


def _scale(value: Any, where: str) -> tuple[int, int]:
    match = _SCALE.match(str(value)) if value is not None else None
    if match is None:
        raise InputError(f"{where}: the scale '{value}' is not MIN-MAX, e.g. 1-5")
    low, high = int(match.group(1)), int(match.group(2))
    if high <= low:
        raise InputError(f"{where}: the scale {low}-{high} must go from a lower to a higher number")
    return low, high


def _code_table(value: Any, where: str) -> dict[str, str]:
    """Answer codes as a mapping (YAML) or ``A1=1;A2=2`` (CSV)."""
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return {str(k).strip(): str(v).strip() for k, v in value.items()}
    if isinstance(value, str):
        table = {}
        for part in value.split(";"):
            if not part.strip():
                continue
            code, sep, number = part.partition("=")
            if not sep:
                raise InputError(f"{where}: '{part.strip()}' is not CODE=VALUE (write e.g. A1=1;A2=2)")
            table[code.strip()] = number.strip()
        return table
    raise InputError(f"{where}: answer codes must be a mapping or CODE=VALUE;CODE=VALUE")


def _integer_codes(table: dict[str, str], where: str) -> dict[str, int]:
    codes = {}
    for code, number in table.items():
        try:
            codes[normalise(code)] = int(number)
        except ValueError as exc:
            raise InputError(f"{where}: the code '{code}' must stand for an integer, not '{number}'") from exc
    return codes


def _item(column: str, spec: dict[str, Any], where: str) -> Item:
    low, high = _scale(spec.get("scale"), f"{where}: {column}")
    codes = _integer_codes(_code_table(spec.get("codes"), f"{where}: {column}"), f"{where}: {column}")
    # Value labels let a cell hold the answer's text (a common export choice) as well as its number.
    for number, label in _code_table(spec.get("labels"), f"{where}: {column}").items():
        try:
            codes.setdefault(normalise(label), int(number))
        except ValueError as exc:
            raise InputError(f"{where}: {column}: the label key '{number}' must be an integer") from exc
    text = spec.get("text")
    construct = spec.get("construct")
    return Item(
        column=column,
        text=str(text).strip() if text else None,
        low=low,
        high=high,
        construct=str(construct).strip() if construct else None,
        codes=codes,
    )


def load_dictionary(path: Path) -> Dictionary:
    """Read a data dictionary (YAML or CSV; see docs/importers.md for both layouts)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"the data dictionary {path} could not be read as UTF-8 text: {exc}") from exc
    where = path.name
    if path.suffix.lower() == ".csv":
        return _csv_dictionary(text, where)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{where} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f"{where} must be a mapping with respondent_id, actor_type and items")
    items = data.get("items")
    if not isinstance(items, dict) or not items:
        raise InputError(f"{where}: items must map each item column to its text and scale")
    global_codes = _code_table(data.get("codes"), f"{where}: codes")
    parsed = []
    for column, spec in items.items():
        if not isinstance(spec, dict):
            raise InputError(f"{where}: the item {column} needs at least a scale, e.g. {{scale: 1-5}}")
        merged = {**spec, "codes": {**global_codes, **_code_table(spec.get("codes"), f"{where}: {column}")}}
        parsed.append(_item(str(column), merged, where))
    missing = data.get("missing") or []
    if not isinstance(missing, list):
        missing = [missing]
    header_rows = data.get("header_rows")
    if header_rows is not None and (not isinstance(header_rows, int) or header_rows < 1):
        raise InputError(f"{where}: header_rows must be a positive integer")
    return Dictionary(
        respondent_id=_required(data, "respondent_id", where),
        actor_type=_required(data, "actor_type", where),
        items=parsed,
        actor_types=_code_table(data.get("actor_types"), f"{where}: actor_types"),
        organisation=_optional(data, "organisation"),
        nuts=_optional(data, "nuts"),
        missing=frozenset(normalise(str(m)) for m in missing),
        header_rows=header_rows,
    )


def _required(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str | int) or not str(value).strip():
        raise InputError(f"{where}: {key} must name the column that holds the {key.replace('_', ' ')}")
    return str(value).strip()


def _optional(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return str(value).strip() if value not in (None, "") else None


def _csv_dictionary(text: str, where: str) -> Dictionary:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"column", "role"} <= set(reader.fieldnames):
        raise InputError(
            f"{where} needs the columns column and role (and text, scale, construct, codes, labels)"
        )
    roles: dict[str, str] = {}
    items = []
    actor_types: dict[str, str] = {}
    missing: set[str] = set()
    for line, row in enumerate(reader, start=2):
        column = (row.get("column") or "").strip()
        role = (row.get("role") or "").strip().lower()
        here = f"{where}:{line}"
        if not column and role != "missing":
            continue
        if role == "missing":
            missing |= {normalise(code) for code in (row.get("codes") or "").split(";") if code.strip()}
        elif role == "item":
            items.append(_item(column, dict(row), here))
        elif role in _ROLES:
            if role in roles:
                raise InputError(f"{here}: a second column has the role {role}")
            roles[role] = column
            if role == "actor_type":
                actor_types = _code_table(row.get("codes"), here)
        else:
            close = difflib.get_close_matches(role, [*_ROLES, "missing"], n=1)
            raise InputError(
                f"{here}: unknown role '{role}'" + (f"; did you mean '{close[0]}'?" if close else "")
            )
    for role in ("respondent_id", "actor_type"):
        if role not in roles:
            raise InputError(f"{where}: no column has the role {role}; add a row for it")
    if not items:
        raise InputError(f"{where}: no column has the role item")
    return Dictionary(
        respondent_id=roles["respondent_id"],
        actor_type=roles["actor_type"],
        items=items,
        actor_types=actor_types,
        organisation=roles.get("organisation"),
        nuts=roles.get("nuts"),
        missing=frozenset(missing),
    )
