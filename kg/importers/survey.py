"""Import a wide survey export (one row per respondent, one column per item) as RDF Data Cube data.

The export is read together with a data dictionary that says which column holds the respondent id and
the actor type, and which columns are items (text, scale, construct, answer codes). Qualtrics exports
(three header rows: variable names, question texts, ``{"ImportId": ...}``) and LimeSurvey answer codes
(``A1`` ... ``A5``) are recognised. The result has two cubes:

- answers: one ``icgp:SurveyResponse`` observation per respondent and answered item, as the builder makes
  from the ``survey_responses`` table (dimensions ``icgp:respondent`` and ``icgp:surveyItem``, measure
  ``icgp:likertValue``);
- aggregates: one ``icgp:SurveyAggregate`` observation per actor type and item with the mean answer
  (``icgp:meanValue``) and the number of answers (``icgp:responseCount``).

Respondent ids are replaced by keyed hashes (:func:`kg.importers.target.pseudonym`) with a secret salt that is
never written out; an empty cell (or a declared missing-value code) is no answer, never zero.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from kg.errors import InputError
from kg.importers.target import (
    ImportResult,
    ImportTarget,
    Triples,
    import_name,
    open_target,
    pseudonym,
    resolve_salt,
    turtle,
    unique_local_names,
    write_import,
)
from kg.ontology.concepts import ConceptIndex, load_concepts, normalise
from kg.ontology.namespaces import DCTERMS, ICGP, QB, RDFS, SKOS, XSD

_SCALE = re.compile(r"^\s*(-?\d+)\s*(?:-|\.\.|to)\s*(-?\d+)\s*$")
_MEAN_PLACES = Decimal("0.0001")
_MAX_ERRORS = 5
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


# --- the export -----------------------------------------------------------------------------------


@dataclass
class Answer:
    """One respondent's answers, with the export line they came from."""

    line: int
    respondent: str
    actor_type: str | None
    organisation: str | None
    nuts: str | None
    values: dict[str, int]


def _header_rows(rows: list[list[str]], dictionary: Dictionary) -> int:
    if dictionary.header_rows is not None:
        return dictionary.header_rows
    # Qualtrics writes a third header row of JSON objects such as {"ImportId":"QID1_1"}.
    if len(rows) >= 3 and any(cell.lstrip().startswith('{"ImportId"') for cell in rows[2]):
        return 3
    return 1


def read_answers(
    data: bytes, where: str, dictionary: Dictionary, concepts: ConceptIndex, target: ImportTarget
) -> tuple[list[Answer], int, list[str]]:
    """Parse the export; return the answers, the number of header rows and warnings."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where} is not UTF-8 text (byte {exc.start}); export it as UTF-8 CSV") from exc
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InputError(f"{where} is empty")
    header = [cell.strip() for cell in rows[0]]
    skip = _header_rows(rows, dictionary)
    needed = [dictionary.respondent_id, dictionary.actor_type, *(i.column for i in dictionary.items)]
    needed += [c for c in (dictionary.organisation, dictionary.nuts) if c]
    position = {name: index for index, name in reversed(list(enumerate(header)))}
    absent = [name for name in needed if name not in position]
    if absent:
        hints = []
        for name in absent[:_MAX_ERRORS]:
            close = difflib.get_close_matches(name, header, n=1)
            hints.append(f"'{name}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        raise InputError(
            f"{where}: the dictionary names columns the export does not have: {', '.join(hints)}"
        )
    errors: list[str] = []
    warnings: list[str] = []
    answers: list[Answer] = []
    seen: dict[str, int] = {}

    def cell(row: list[str], column: str) -> str:
        index = position[column]
        return row[index].strip() if index < len(row) else ""

    for number, row in enumerate(rows[skip:], start=skip + 1):
        if not any(value.strip() for value in row):
            continue
        respondent = cell(row, dictionary.respondent_id)
        if not respondent:
            errors.append(f"{where}:{number}:{dictionary.respondent_id}: no respondent id")
            continue
        if respondent in seen:
            errors.append(
                f"{where}:{number}:{dictionary.respondent_id}: the respondent id is also on line "
                f"{seen[respondent]}"
            )
            continue
        seen[respondent] = number
        actor = _actor(cell(row, dictionary.actor_type), dictionary, concepts)
        if isinstance(actor, InputError):
            errors.append(f"{where}:{number}:{dictionary.actor_type}: {actor}")
            actor = None
        organisation = cell(row, dictionary.organisation) if dictionary.organisation else ""
        if organisation and organisation not in target.organisations:
            errors.append(
                f"{where}:{number}:{dictionary.organisation}: '{organisation}' is not an organisation id "
                "of the study package"
            )
        nuts = cell(row, dictionary.nuts).upper() if dictionary.nuts else ""
        nuts_iri = concepts.resolve("nuts", nuts) if nuts else None
        if nuts and nuts_iri is None:
            errors.append(f"{where}:{number}:{dictionary.nuts}: '{nuts}' is not a NUTS 2024 code")
        values: dict[str, int] = {}
        for item in dictionary.items:
            raw = cell(row, item.column)
            if not raw or normalise(raw) in dictionary.missing:
                continue
            value = _value(raw, item)
            if value is None:
                errors.append(
                    f"{where}:{number}:{item.column}: '{raw}' is not an answer on the scale "
                    f"{item.low}-{item.high}" + (" or one of its codes" if item.codes else "")
                )
            else:
                values[item.column] = value
        answers.append(Answer(number, respondent, actor, organisation or None, nuts_iri, values))
    if errors:
        shown = "; ".join(errors[:_MAX_ERRORS])
        more = f"; ... and {len(errors) - _MAX_ERRORS} more" if len(errors) > _MAX_ERRORS else ""
        raise InputError(f"{len(errors)} problem(s) in the survey export: {shown}{more}")
    if not answers:
        raise InputError(f"{where} has no respondent rows after its {skip} header row(s)")
    untyped = sum(1 for a in answers if a.actor_type is None)
    if untyped:
        warnings.append(f"{untyped} respondent(s) have no actor type and are left out of the aggregates")
    return answers, skip, warnings


def _actor(raw: str, dictionary: Dictionary, concepts: ConceptIndex) -> str | InputError | None:
    if not raw:
        return None
    coded = {normalise(k): v for k, v in dictionary.actor_types.items()}
    name = coded.get(normalise(raw), raw)
    found = concepts.resolve("actor", name)
    if found is not None:
        return found
    close = [concepts.display(iri) for iri in concepts.suggest("actor", name)]
    shown = f"'{raw}' (which actor_types maps to '{name}')" if name != raw else f"'{raw}'"
    return InputError(
        f"{shown} is not an actor type"
        + (f"; did you mean {' or '.join(close)}?" if close else "")
        + " (map answer codes to actor types under actor_types in the dictionary)"
    )


def _value(raw: str, item: Item) -> int | None:
    value = item.codes.get(normalise(raw))
    if value is None:
        try:
            number = Decimal(raw.replace(",", "."))
        except ArithmeticError:
            return None
        if not number.is_finite() or number != number.to_integral_value():
            return None
        value = int(number)
    return value if item.low <= value <= item.high else None


# --- RDF ------------------------------------------------------------------------------------------


def survey_triples(
    answers: list[Answer],
    dictionary: Dictionary,
    target: ImportTarget,
    key: str,
    salt: str,
    concepts: ConceptIndex,
    checksum: str,
) -> tuple[Triples, dict[str, int]]:
    """The two cubes (answers and aggregates by actor type) with the instrument and respondents."""
    t = Triples()
    lang = target.language
    instrument = target.iri("survey", key)
    t.type(instrument, str(ICGP.SurveyInstrument))
    t.text(instrument, str(RDFS.label), f"Survey {key}", lang)
    item_names = unique_local_names(item.column for item in dictionary.items)
    item_iri = {
        item.column: target.iri("survey-item", key, item_names[item.column]) for item in dictionary.items
    }
    for item in dictionary.items:
        iri = item_iri[item.column]
        t.type(iri, str(ICGP.SurveyItem))
        t.iri(instrument, str(ICGP.hasItem), iri)
        t.text(iri, str(SKOS.notation), item.column)
        t.text(iri, str(SKOS.prefLabel), item.text, lang)
        t.integer(iri, str(ICGP.scaleMin), item.low)
        t.integer(iri, str(ICGP.scaleMax), item.high)
        t.text(iri, str(ICGP.construct), item.construct)

    dataset = target.iri("survey-data", key)
    _cube(
        t,
        dataset,
        target.iri("survey-structure", key),
        f"Survey answers {key}",
        lang,
        [
            (str(ICGP.respondent), str(QB.dimension)),
            (str(ICGP.surveyItem), str(QB.dimension)),
            (str(ICGP.likertValue), str(QB.measure)),
        ],
    )
    t.text(dataset, str(ICGP.sha256), checksum)
    t.iri(dataset, str(DCTERMS.source), instrument)
    observations = 0
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    names: dict[str, str] = {}
    for answer in answers:
        alias = pseudonym(salt, answer.respondent)
        if alias in names and names[alias] != answer.respondent:
            raise InputError("two respondent ids got the same pseudonym; use another salt")
        names[alias] = answer.respondent
        person = target.iri("respondent", alias)
        t.type(person, str(ICGP.Respondent))
        t.text(person, str(DCTERMS.identifier), alias)
        t.iri(person, str(ICGP.actorType), answer.actor_type)
        if answer.organisation:
            t.iri(person, str(ICGP.affiliatedWith), target.iri("organisation", answer.organisation))
        t.iri(person, str(ICGP.locatedIn), answer.nuts)
        for item in dictionary.items:
            if item.column not in answer.values:
                continue
            value = answer.values[item.column]
            observation = target.iri("response", key, alias, item_names[item.column])
            t.type(observation, str(ICGP.SurveyResponse))
            t.iri(observation, str(QB.dataSet), dataset)
            t.iri(observation, str(ICGP.respondent), person)
            t.iri(observation, str(ICGP.surveyItem), item_iri[item.column])
            t.integer(observation, str(ICGP.likertValue), value)
            observations += 1
            if answer.actor_type:
                groups[(answer.actor_type, item.column)].append(value)

    aggregates = target.iri("survey-aggregates", key)
    _cube(
        t,
        aggregates,
        target.iri("survey-aggregate-structure", key),
        f"Survey answers {key}: mean and count by actor type",
        lang,
        [
            (str(ICGP.respondentType), str(QB.dimension)),
            (str(ICGP.surveyItem), str(QB.dimension)),
            (str(ICGP.meanValue), str(QB.measure)),
            (str(ICGP.responseCount), str(QB.measure)),
        ],
    )
    t.iri(aggregates, str(DCTERMS.source), dataset)
    for (actor, column), values in sorted(groups.items()):
        observation = target.iri("survey-aggregate", key, concepts.slug(actor), item_names[column])
        t.type(observation, str(ICGP.SurveyAggregate))
        t.iri(observation, str(QB.dataSet), aggregates)
        t.iri(observation, str(ICGP.respondentType), actor)
        t.iri(observation, str(ICGP.surveyItem), item_iri[column])
        mean = (Decimal(sum(values)) / Decimal(len(values))).quantize(_MEAN_PLACES)
        t.typed(observation, str(ICGP.meanValue), _decimal_text(mean), str(XSD.decimal))
        t.integer(observation, str(ICGP.responseCount), len(values))
    counts = {
        "respondents": len(answers),
        "items": len(dictionary.items),
        "observations": observations,
        "missing answers": len(answers) * len(dictionary.items) - observations,
        "aggregates": len(groups),
    }
    return t, counts


def _decimal_text(value: Decimal) -> str:
    """The canonical xsd:decimal form: no exponent, no trailing zeros, at least one decimal (3.0, 4.25)."""
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def _cube(
    t: Triples, dataset: str, dsd: str, label: str, lang: str, components: list[tuple[str, str]]
) -> None:
    t.type(dataset, str(QB.DataSet))
    t.text(dataset, str(RDFS.label), label, lang)
    t.iri(dataset, str(QB.structure), dsd)
    t.type(dsd, str(QB.DataStructureDefinition))
    for order, (component, kind) in enumerate(components, start=1):
        spec = f"{dsd}/{component.rsplit('#', 1)[-1]}"
        t.type(spec, str(QB.ComponentSpecification))
        t.iri(dsd, str(QB.component), spec)
        t.iri(spec, kind, component)
        t.integer(spec, str(QB.order), order)


def import_survey(
    file: Path,
    dictionary_file: Path,
    into: Path,
    salt: str | None = None,
    name: str | None = None,
) -> ImportResult:
    """Import a survey export with its data dictionary into ``into/imports/survey-{name}.ttl``."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"the survey export {file} could not be read: {exc.strerror or exc}") from exc
    secret = resolve_salt(salt, "the survey import")
    target = open_target(into)
    concepts = load_concepts()
    dictionary = load_dictionary(dictionary_file)
    key = import_name(name, file.stem, "survey")
    answers, header_rows, warnings = read_answers(data, file.name, dictionary, concepts, target)
    triples, counts = survey_triples(
        answers, dictionary, target, key, secret, concepts, hashlib.sha256(data).hexdigest()
    )
    if header_rows > 1:
        warnings.insert(0, f"{file.name}: skipped {header_rows - 1} extra header row(s) (Qualtrics layout)")
    header = (
        f"Survey import '{key}' from {file.name} (dictionary {dictionary_file.name}) "
        f"into study '{target.study}'.\n"
        "Respondent ids are pseudonymised with a secret salt that is not stored here.\n"
        "Written by 'icgp import'; re-run the import instead of editing this file."
    )
    path = write_import(target, f"survey-{key}.ttl", turtle(triples), header)
    return ImportResult(name=key, path=path, triples=len(triples), counts=counts, warnings=warnings)
