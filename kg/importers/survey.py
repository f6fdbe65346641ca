"""Import a wide survey export (one row per respondent, one column per item) as RDF Data Cube data.

The export is read together with a data dictionary (:mod:`kg.importers.survey_dictionary`) that says
which column holds the respondent id and the actor type, and which columns are items (text, scale,
construct, answer codes). Qualtrics exports (three header rows: variable names, question texts,
``{"ImportId": ...}``) and LimeSurvey answer codes (``A1`` ... ``A5``) are recognised. The result has
two cubes:

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
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from kg.errors import InputError
from kg.importers.survey_dictionary import Dictionary, Item, load_dictionary
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

_MEAN_PLACES = Decimal("0.0001")
_MAX_ERRORS = 5


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
