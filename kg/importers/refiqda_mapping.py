"""The mapping file of a REFI-QDA import: project codes to concepts, cases to organisations, sources to
kinds.

A YAML file (``codes``, ``cases``, ``sources``) or a CSV with the columns ``code,target``. Targets are
resolved against the bundled vocabularies and case organisations against the study package; unknown
ones stop the import with the closest names.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kg.errors import InputError
from kg.importers.refiqda_records import PATH_SEPARATOR, Code
from kg.ontology.concepts import ConceptIndex, normalise


@dataclass
class Mapping:
    """Links from project codes to vocabulary concepts, and from case names to organisations."""

    codes: dict[str, list[str]] = field(default_factory=dict)
    cases: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    file: str = ""


def _resolve_target(text: str, concepts: ConceptIndex, where: str) -> str:
    value = text.strip()
    if value.startswith(("http://", "https://")):
        return value
    scheme, _, name = value.partition(":")
    if not name or not concepts.has_scheme(scheme):
        scheme, name = "factor", value
    found = concepts.resolve(scheme, name)
    if found is None:
        close = [concepts.display(iri) for iri in concepts.suggest(scheme, name)]
        raise InputError(
            f"{where}: '{value}' is not a concept of the '{scheme}' scheme"
            + (f"; did you mean {' or '.join(close)}?" if close else "")
            + " (write scheme:name for other vocabularies, e.g. i40t:machine-learning)"
        )
    return found


def load_mapping(path: Path, concepts: ConceptIndex) -> Mapping:
    """Read a mapping file: YAML ``{codes: {code: target(s)}, cases: {case: organisation id}}`` or a CSV
    with the columns ``code`` and ``target`` (one row per link).

    A code is named by its path (``parent > child``) or, when unique, its name; a target by a concept's
    notation, slug or label, as ``scheme:name`` for schemes other than the coding frame (``factor``).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"the mapping file {path} could not be read as UTF-8 text: {exc}") from exc
    mapping = Mapping(file=path.name)
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or not {"code", "target"} <= set(reader.fieldnames):
            raise InputError(f"{path.name} needs the columns code and target (header: code,target)")
        for line, row in enumerate(reader, start=2):
            code, target = (row.get("code") or "").strip(), (row.get("target") or "").strip()
            if code and target:
                iri = _resolve_target(target, concepts, f"{path.name}:{line}")
                mapping.codes.setdefault(code, []).append(iri)
        return mapping
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{path.name} is not valid YAML: {exc}") from exc
    if data is None:
        return mapping
    if not isinstance(data, dict) or not set(data) <= {"codes", "cases", "sources"}:
        raise InputError(f"{path.name} must be a mapping with the keys codes, cases and/or sources")
    codes = data.get("codes") or {}
    cases = data.get("cases") or {}
    sources = data.get("sources") or {}
    if not all(isinstance(part, dict) for part in (codes, cases, sources)):
        raise InputError(f"{path.name}: codes, cases and sources must each map names to values")
    for source, kind in sources.items():
        mapping.sources[normalise(str(source))] = source_kind(str(kind), concepts, f"{path.name}: sources")
    for code, targets in codes.items():
        values = targets if isinstance(targets, list) else [targets]
        for target in values:
            if not isinstance(target, str | int | float):
                raise InputError(f"{path.name}: the target of '{code}' must be a concept name")
            iri = _resolve_target(str(target), concepts, f"{path.name}: codes: {code}")
            mapping.codes.setdefault(str(code), []).append(iri)
    for case, organisation in cases.items():
        mapping.cases[str(case)] = str(organisation).strip()
    return mapping


def source_kind(text: str, concepts: ConceptIndex, where: str) -> str:
    """The source-kind concept (focus-group, interview, survey-wave, document) named by ``text``."""
    found = concepts.resolve("source-kind", text)
    if found is None:
        names = ", ".join(concepts.slug(iri) for iri in concepts.concepts("source-kind"))
        raise InputError(f"{where}: '{text}' is not a kind of source; use one of {names}")
    return found


def match_codes(mapping: Mapping, codes: list[Code], warnings: list[str]) -> dict[str, list[str]]:
    """Targets by code GUID; a key names a code by its path or (if unique) its name."""
    by_path = {normalise(PATH_SEPARATOR.join(c.path)): c for c in codes}
    by_name: dict[str, list[Code]] = {}
    for each in codes:
        by_name.setdefault(normalise(each.name), []).append(each)
    matched: dict[str, list[str]] = {}
    code: Code | None
    for key, targets in mapping.codes.items():
        wanted = normalise(PATH_SEPARATOR.join(part.strip() for part in key.split(">")))
        code = by_path.get(wanted)
        if code is None:
            named = by_name.get(normalise(key), [])
            if len(named) > 1:
                paths = ", ".join(f"'{c.key}'" for c in named)
                raise InputError(
                    f"{mapping.file}: '{key}' names {len(named)} codes ({paths}); write the code path instead"
                )
            code = named[0] if named else None
        if code is None:
            close = difflib.get_close_matches(wanted, list(by_path), n=1, cutoff=0.6)
            warnings.append(
                f"{mapping.file}: '{key}' matches no code of the project"
                + (f" (closest: '{by_path[close[0]].key}')" if close else "")
            )
            continue
        for target in targets:
            if target not in matched.setdefault(code.guid, []):
                matched[code.guid].append(target)
    return matched


def case_organisations(mapping: Mapping | None, organisations: frozenset[str]) -> dict[str, str]:
    """Organisation ids by normalised case name, from the mapping; each must exist in the package."""
    wanted = {normalise(name): org for name, org in (mapping.cases if mapping else {}).items()}
    for name, organisation in sorted(wanted.items()):
        if organisation not in organisations:
            close = difflib.get_close_matches(organisation, sorted(organisations), n=1)
            raise InputError(
                f"{mapping.file if mapping else 'mapping'}: case '{name}' maps to '{organisation}', which "
                "is not an organisation id of the study package"
                + (f"; did you mean '{close[0]}'?" if close else "")
            )
    return wanted
