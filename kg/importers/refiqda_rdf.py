"""Import REFI-QDA projects and codebooks into a study package as RDF (``imports/*.ttl``).

:mod:`kg.importers.refiqda_xml` reads the project; this module applies the mapping file (project codes to the
reference coding frame and vocabularies, case names to organisations) and writes codebook, sources,
coded segments, coders, cases and case variables with IRIs derived from natural keys.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kg.errors import InputError
from kg.importers.refiqda_xml import (
    PATH_SEPARATOR,
    Code,
    Coding,
    Project,
    VariableValue,
    find_schema,
    load_codebook,
    load_project,
)
from kg.importers.target import (
    ImportResult,
    ImportTarget,
    Triples,
    import_name,
    local_name,
    open_target,
    turtle,
    unique_local_names,
    write_import,
)
from kg.ontology.concepts import ConceptIndex, load_concepts, normalise
from kg.ontology.namespaces import DCTERMS, ICGP, OA, OWL, PROV, RDFS, SKOS, XSD

_MAX_LISTED = 5

# --- mapping file ---------------------------------------------------------------------------------


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


def _match_codes(mapping: Mapping, codes: list[Code], warnings: list[str]) -> dict[str, list[str]]:
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


# --- RDF ------------------------------------------------------------------------------------------


@dataclass
class _Ids:
    target: ImportTarget
    key: str

    def __call__(self, kind: str, *parts: str) -> str:
        return self.target.iri(kind, self.key, *parts)


def _code_segments(codes: list[Code], warnings: list[str]) -> dict[str, tuple[str, ...]]:
    """IRI path segments of each code (by GUID): unique local names among siblings, parent first."""
    siblings: dict[str | None, list[Code]] = {}
    for code in codes:
        siblings.setdefault(code.parent.guid if code.parent else None, []).append(code)
    segments: dict[str, tuple[str, ...]] = {}
    for code in codes:  # parents come before their children
        group = siblings[code.parent.guid if code.parent else None]
        names = unique_local_names(c.name for c in group)
        same = [c for c in group if c.name == code.name]
        local = names[code.name]
        if len(same) > 1:
            position = same.index(code)
            if position == 0:
                warnings.append(
                    f"the code path '{code.key}' occurs {len(same)} times; later ones get -2, -3..."
                )
            else:
                local = f"{local}-{position + 1}"
        parent = segments[code.parent.guid] if code.parent else ()
        segments[code.guid] = (*parent, local)
    return segments


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def project_triples(
    project: Project,
    target: ImportTarget,
    key: str,
    file: Path,
    mapping: Mapping | None,
    concepts: ConceptIndex,
    default_kind: str = "document",
) -> tuple[Triples, dict[str, int], list[str], list[str], list[str]]:
    """The RDF of a project; also counts, warnings, unmapped code paths and unmatched case names."""
    t = Triples()
    ids = _Ids(target, key)
    lang = target.language
    warnings = list(project.warnings)
    counts: Counter[str] = Counter()

    project_iri = target.iri("qda-project", key)
    t.type(project_iri, str(ICGP.QdaProject))
    t.text(project_iri, str(DCTERMS.identifier), key)
    t.text(project_iri, str(RDFS.label), project.name)
    t.text(project_iri, str(DCTERMS.title), project.name, lang)
    t.text(project_iri, str(ICGP.sha256), _sha256(file))
    origin = f" by {project.origin}" if project.origin else ""
    t.text(project_iri, str(RDFS.comment), f"Exported{origin} as {file.name}; imported by icgp.", "en")
    if project.created:
        t.typed(project_iri, str(DCTERMS.created), project.created, str(XSD.dateTime))
    if project.modified:
        t.typed(project_iri, str(DCTERMS.modified), project.modified, str(XSD.dateTime))

    # Codebook and codes.
    default_source_kind = source_kind(default_kind, concepts, "--source-kind")
    codebook = target.iri("codebook", key)
    t.type(codebook, str(ICGP.Codebook))
    t.text(codebook, str(RDFS.label), f"Codebook of {project.name}", lang)
    t.iri(codebook, str(DCTERMS.isPartOf), project_iri)
    segments = _code_segments(project.codes, warnings)
    code_iri = {code.guid: ids("code", *segments[code.guid]) for code in project.codes}
    matched = _match_codes(mapping, project.codes, warnings) if mapping else {}
    factor_scheme = "factor"
    unmapped: list[str] = []
    for code in project.codes:
        iri = code_iri[code.guid]
        t.type(iri, str(ICGP.Code))
        t.iri(iri, str(SKOS.inScheme), codebook)
        t.text(iri, str(SKOS.notation), code.key)
        t.text(iri, str(SKOS.prefLabel), code.name, lang)
        t.text(iri, str(SKOS.definition), code.description, lang)
        t.typed(iri, str(ICGP.isCodable), "true" if code.is_codable else "false", str(XSD.boolean))
        t.text(iri, str(ICGP.refiGuid), code.guid)
        if code.parent is not None:
            parent = code_iri[code.parent.guid]
            t.iri(iri, str(SKOS.broader), parent)
            t.iri(parent, str(SKOS.narrower), iri)
        else:
            t.iri(iri, str(SKOS.topConceptOf), codebook)
            t.iri(codebook, str(SKOS.hasTopConcept), iri)
        targets = matched.get(code.guid, [])
        for concept in targets:
            in_frame = concepts.scheme_of(concept) == factor_scheme
            t.iri(iri, str(ICGP.mapsToFactor if in_frame else SKOS.closeMatch), concept)
        if not targets:
            unmapped.append(code.key)
    counts["codes"] = len(project.codes)
    counts["mapped codes"] = len(project.codes) - len(unmapped)

    # Coders: numbered in a stable order; user names never leave this function.
    users = sorted(project.users, key=lambda guid: (project.users[guid], guid))
    used = {c.user for s in project.sources for sel in s.selections for c in sel.codings if c.user}
    used |= {c.user for s in project.sources for c in s.codings if c.user}
    users += sorted(u for u in used if u not in project.users)
    coder_iri = {guid: ids("coder", f"C{number}") for number, guid in enumerate(users, start=1)}
    for number, guid in enumerate(users, start=1):
        if guid in used:
            t.type(coder_iri[guid], str(ICGP.Coder))
            t.text(coder_iri[guid], str(DCTERMS.identifier), f"C{number}")
    counts["coders"] = len(used)

    # Sources and coded segments.
    source_names = unique_local_names(source.name for source in project.sources)
    source_iri: dict[str, str] = {}
    selection_iri: dict[str, str] = {}
    seen_names: Counter[str] = Counter()
    zero: list[str] = []
    outside: list[str] = []
    for source in project.sources:
        seen_names[source.name] += 1
        local = source_names[source.name] + (
            f"-{seen_names[source.name]}" if seen_names[source.name] > 1 else ""
        )
        if seen_names[source.name] == 2:
            warnings.append(f"two sources are named '{source.name}'; the second gets -2")
        iri = source_iri[source.guid] = ids("source", local)
        t.type(iri, str(ICGP.SourceDocument))
        t.text(iri, str(DCTERMS.identifier), local)
        t.text(iri, str(DCTERMS.title), source.name, lang)
        kinds = mapping.sources if mapping else {}
        t.iri(iri, str(ICGP.sourceKind), kinds.get(normalise(source.name)) or default_source_kind)
        t.text(iri, str(ICGP.refiGuid), source.guid)
        t.iri(iri, str(DCTERMS.isPartOf), project_iri)
        length = len(source.text) if source.text is not None else None
        if length is not None:
            t.integer(iri, str(ICGP.documentLength), length)
        counts["sources"] += 1
        if source.other_selections:
            project.skipped[f"{source.kind} selection"] += source.other_selections
        ranges: Counter[str] = Counter()
        for selection in sorted(source.selections, key=lambda s: (s.start, s.end, s.guid)):
            if not selection.codings:
                project.skipped["uncoded selection"] += 1
                continue
            if selection.start < 0 or selection.end < selection.start:
                warnings.append(
                    f"'{source.name}': the selection {selection.start}-{selection.end} has impossible "
                    "offsets; skipped"
                )
                project.skipped["selection"] += 1
                continue
            span = f"{selection.start}-{selection.end}"
            ranges[span] += 1
            if ranges[span] > 1:
                span = f"{span}-{ranges[span]}"
            seg = ids("segment", local, span)
            selection_iri[selection.guid] = seg
            _segment(t, seg, iri, selection.start, selection.end, source.text, lang)
            t.text(seg, str(DCTERMS.identifier), f"{local}/{span}")
            t.text(seg, str(RDFS.label), selection.name)
            t.text(seg, str(ICGP.refiGuid), selection.guid)
            if selection.start == selection.end:
                zero.append(f"'{source.name}' at {selection.start}")
            if length is not None and selection.end > length:
                outside.append(f"'{source.name}' {selection.start}-{selection.end} (length {length})")
            counts["selections"] += 1
            counts["codings"] += _codings(t, seg, selection.codings, code_iri, coder_iri, warnings)
        if source.codings:
            if length is None:
                warnings.append(f"'{source.name}' is coded as a whole but its length is unknown; skipped")
                project.skipped["document coding"] += len(source.codings)
            else:
                seg = ids("segment", local, "document")
                _segment(t, seg, iri, 0, length, None, lang)
                t.text(seg, str(DCTERMS.identifier), f"{local}/document")
                counts["document codings"] += _codings(t, seg, source.codings, code_iri, coder_iri, warnings)
    if zero:
        warnings.append(
            f"{len(zero)} zero-length selection(s) kept without a quote: " + ", ".join(zero[:_MAX_LISTED])
        )
    if outside:
        warnings.append(
            f"{len(outside)} selection(s) end past their document: " + ", ".join(outside[:_MAX_LISTED])
        )

    # Variables, cases and sets.
    variable_iri = _variables(t, project, ids, lang)
    for source in project.sources:
        _values(t, source_iri[source.guid], source.variables, variable_iri)
    unmatched = _cases(t, project, ids, target, mapping, code_iri, source_iri, selection_iri, variable_iri)
    counts["cases"] = len(project.cases)
    counts["variables"] = len(project.variables)
    _sets(t, project, ids, lang, code_iri, source_iri)
    counts["sets"] = len(project.sets)
    for what, number in sorted(project.skipped.items()):
        if number:
            warnings.append(f"not imported: {number} {what}(s)")
    return t, dict(counts), warnings, unmapped, unmatched


def _segment(t: Triples, seg: str, source: str, start: int, end: int, text: str | None, lang: str) -> None:
    """A coded segment's annotation frame: motivation, target, position and (if known) quote."""
    t.type(seg, str(ICGP.CodedSegment))
    t.iri(seg, str(OA.motivatedBy), str(OA.classifying))
    target = seg + "/target"
    t.iri(seg, str(OA.hasTarget), target)
    t.type(target, str(OA.SpecificResource))
    t.iri(target, str(OA.hasSource), source)
    position = seg + "/position"
    t.iri(target, str(OA.hasSelector), position)
    t.type(position, str(OA.TextPositionSelector))
    t.integer(position, str(OA.start), start, str(XSD.nonNegativeInteger))
    t.integer(position, str(OA.end), end, str(XSD.nonNegativeInteger))
    if text is not None and end > start and end <= len(text):
        quote = seg + "/quote"
        t.iri(target, str(OA.hasSelector), quote)
        t.type(quote, str(OA.TextQuoteSelector))
        t.text(quote, str(OA.exact), text[start:end], lang)


def _codings(
    t: Triples,
    seg: str,
    codings: list[Coding],
    code_iri: dict[str, str],
    coder_iri: dict[str, str],
    warnings: list[str],
) -> int:
    count = 0
    for coding in codings:
        code = code_iri.get(coding.code)
        if code is None:
            warnings.append(f"a coding refers to the unknown code {coding.code}; skipped")
            continue
        t.iri(seg, str(OA.hasBody), code)
        if coding.user and coding.user in coder_iri:
            t.iri(seg, str(PROV.wasAttributedTo), coder_iri[coding.user])
        if coding.created:
            t.typed(seg, str(DCTERMS.created), coding.created, str(XSD.dateTime))
        count += 1
    return count


def _variables(t: Triples, project: Project, ids: _Ids, lang: str) -> dict[str, tuple[str, str]]:
    names = unique_local_names(v.name for v in project.variables)
    found: dict[str, tuple[str, str]] = {}
    for variable in project.variables:
        iri = ids("case-variable", names[variable.name])
        found[variable.guid] = (iri, variable.datatype)
        t.type(iri, str(ICGP.CaseVariable), str(OWL.DatatypeProperty))
        t.text(iri, str(RDFS.label), variable.name, lang)
        t.iri(iri, str(RDFS.range), variable.datatype)
        t.text(iri, str(SKOS.definition), variable.description, lang)
    return found


def _values(
    t: Triples, subject: str, values: list[VariableValue], variables: dict[str, tuple[str, str]]
) -> None:
    for value in values:
        found = variables.get(value.variable)
        if found is not None:
            t.typed(subject, found[0], value.value, value.datatype)


def _cases(
    t: Triples,
    project: Project,
    ids: _Ids,
    target: ImportTarget,
    mapping: Mapping | None,
    code_iri: dict[str, str],
    source_iri: dict[str, str],
    selection_iri: dict[str, str],
    variable_iri: dict[str, tuple[str, str]],
) -> list[str]:
    """Cases with their links; returns the names of cases that match no organisation of the package."""
    names = unique_local_names(case.name for case in project.cases)
    wanted = {normalise(name): org for name, org in (mapping.cases if mapping else {}).items()}
    for name, organisation in sorted(wanted.items()):
        if organisation not in target.organisations:
            close = difflib.get_close_matches(organisation, sorted(target.organisations), n=1)
            raise InputError(
                f"{mapping.file if mapping else 'mapping'}: case '{name}' maps to '{organisation}', which "
                "is not an organisation id of the study package"
                + (f"; did you mean '{close[0]}'?" if close else "")
            )
    unmatched: list[str] = []
    for case in project.cases:
        iri = ids("case", names[case.name])
        t.type(iri, str(ICGP.Case))
        t.text(iri, str(DCTERMS.identifier), case.name)
        t.text(iri, str(RDFS.comment), case.description, target.language)
        t.text(iri, str(ICGP.refiGuid), case.guid)
        found: str | None = wanted.get(normalise(case.name))
        if found is None:
            for candidate in (case.name.strip(), local_name(case.name), local_name(case.name).lower()):
                if candidate in target.organisations:
                    found = candidate
                    break
        if found is None:
            unmatched.append(case.name)
        else:
            t.iri(iri, str(ICGP.representsActor), target.iri("organisation", found))
        for code in case.codes:
            t.iri(iri, str(ICGP.caseCode), code_iri.get(code))
        for source in case.sources:
            if source in source_iri:
                t.iri(source_iri[source], str(ICGP.aboutCase), iri)
        for selection in case.selections:
            t.iri(iri, str(ICGP.caseSegment), selection_iri.get(selection))
        _values(t, iri, case.variables, variable_iri)
    return unmatched


def _sets(
    t: Triples,
    project: Project,
    ids: _Ids,
    lang: str,
    code_iri: dict[str, str],
    source_iri: dict[str, str],
) -> None:
    names = unique_local_names(s.name for s in project.sets)
    for member_set in project.sets:
        local = names[member_set.name]
        codes = [code_iri[c] for c in member_set.codes if c in code_iri]
        sources = [source_iri[s] for s in member_set.sources if s in source_iri]
        if codes:
            iri = ids("code-set", local)
            t.type(iri, str(SKOS.Collection))
            t.text(iri, str(SKOS.prefLabel), member_set.name, lang)
            t.text(iri, str(SKOS.definition), member_set.description, lang)
            for code in codes:
                t.iri(iri, str(SKOS.member), code)
        if sources:
            iri = ids("source-set", local)
            t.type(iri, str(PROV.Collection))
            t.text(iri, str(RDFS.label), member_set.name, lang)
            t.text(iri, str(RDFS.comment), member_set.description, lang)
            for source in sources:
                t.iri(iri, str(PROV.hadMember), source)


# --- entry points ---------------------------------------------------------------------------------


def _import(
    kind: str,
    project: Project,
    file: Path,
    into: Path,
    name: str | None,
    mapping_file: Path | None,
    default_kind: str = "document",
) -> ImportResult:
    target = open_target(into)
    concepts = load_concepts()
    mapping = load_mapping(mapping_file, concepts) if mapping_file is not None else None
    key = import_name(name, file.stem, kind)
    triples, counts, warnings, unmapped, unmatched = project_triples(
        project, target, key, file, mapping, concepts, default_kind
    )
    header = (
        f"REFI-QDA {kind} import '{key}' from {file.name} into study '{target.study}'.\n"
        "Written by 'icgp import'; re-run the import instead of editing this file."
    )
    path = write_import(target, f"{kind}-{key}.ttl", turtle(triples), header)
    return ImportResult(
        name=key,
        path=path,
        triples=len(triples),
        counts=counts,
        warnings=warnings,
        unmapped=unmapped,
        unmapped_cases=unmatched,
    )


def import_qdpx(
    file: Path,
    into: Path,
    mapping: Path | None = None,
    name: str | None = None,
    schema: Path | None = None,
    lenient: bool = False,
    source_kind: str = "document",
) -> ImportResult:
    """Import a REFI-QDA project archive into ``into/imports/qdpx-{name}.ttl``.

    Sources get the kind ``source_kind`` (a source-kind concept) unless the mapping names another.
    """
    if not file.is_file():
        raise InputError(f"{file} does not exist; give a REFI-QDA project archive (.qdpx)")
    project = load_project(file, find_schema(schema), lenient)
    return _import("qdpx", project, file, into, name, mapping, source_kind)


def import_qdc(
    file: Path,
    into: Path,
    mapping: Path | None = None,
    name: str | None = None,
    schema: Path | None = None,
    lenient: bool = False,
) -> ImportResult:
    """Import a REFI-QDA codebook into ``into/imports/qdc-{name}.ttl``."""
    if not file.is_file():
        raise InputError(f"{file} does not exist; give a REFI-QDA codebook (.qdc)")
    project = load_codebook(file, find_schema(schema), lenient)
    return _import("qdc", project, file, into, name, mapping)
