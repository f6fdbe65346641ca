"""Import REFI-QDA projects and codebooks into a study package as RDF (``imports/*.ttl``).

:mod:`kg.importers.refiqda_xml` reads the project and :mod:`kg.importers.refiqda_mapping` the mapping file
(project codes to the reference coding frame and vocabularies, case names to organisations); this module
writes codebook, sources, coded segments, coders, cases and case variables with IRIs derived from natural
keys.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.importers.refiqda_mapping import Mapping, case_organisations, load_mapping, match_codes, source_kind
from kg.importers.refiqda_records import Code, Coding, Project, Selection, Source, VariableValue
from kg.importers.refiqda_schema import find_schema
from kg.importers.refiqda_xml import load_codebook, load_project
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

# A BCP 47 tag as far as study data needs one: a 2-3 letter language, then optional script, region and
# variants (de, pt-BR, zh-Hant-TW, es-419, de-CH-1901); extensions and private use are not expected.
_LANGUAGE_TAG = re.compile(
    r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"
)


def language_tag(text: str) -> str:
    """``--language``: a BCP 47 language tag such as ``de`` or ``pt-BR``; bad tags are an InputError."""
    tag = text.strip()
    if not _LANGUAGE_TAG.match(tag):
        raise InputError(
            f"--language '{text}' is not a BCP 47 language tag; give one such as en, de, de-AT or pt-BR"
        )
    return tag


# --- RDF ------------------------------------------------------------------------------------------


@dataclass
class _Out:
    """What the parts of a project's RDF share while they are written."""

    target: ImportTarget
    key: str
    warnings: list[str]
    skipped: Counter[str]
    t: Triples = field(default_factory=Triples)
    counts: Counter[str] = field(default_factory=Counter)
    zero: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.target.language

    def iri(self, kind: str, *parts: str) -> str:
        return self.target.iri(kind, self.key, *parts)


@dataclass
class _Links:
    """IRIs of what was written, by REFI GUID, for the parts that refer back to it."""

    project: str
    codes: dict[str, str] = field(default_factory=dict)
    coders: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    selections: dict[str, str] = field(default_factory=dict)
    variables: dict[str, tuple[str, str]] = field(default_factory=dict)


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
    out = _Out(target, key, list(project.warnings), project.skipped)
    default_source_kind = source_kind(default_kind, concepts, "--source-kind")
    links = _Links(_describe_project(out, project, file))
    unmapped = _codebook(out, project, links, mapping, concepts)
    _coders(out, project, links)
    kinds = mapping.sources if mapping else {}
    names, seen = unique_local_names(s.name for s in project.sources), Counter[str]()
    for source in project.sources:
        local = _source_local(out, names, seen, source)
        _source(out, source, local, links, kinds.get(normalise(source.name)) or default_source_kind)
    _selection_notes(out)
    links.variables = _variables(out, project)
    for source in project.sources:
        _values(out.t, links.sources[source.guid], source.variables, links.variables)
    unmatched = _cases(out, project, mapping, links)
    out.counts["cases"] = len(project.cases)
    out.counts["variables"] = len(project.variables)
    _sets(out, project, links)
    out.counts["sets"] = len(project.sets)
    for what, number in sorted(project.skipped.items()):
        if number:
            out.warnings.append(f"not imported: {number} {what}(s)")
    return out.t, dict(out.counts), out.warnings, unmapped, unmatched


def _describe_project(out: _Out, project: Project, file: Path) -> str:
    """The ``icgp:QdaProject``: name, checksum, dates, and the licences of the package it is part of."""
    t = out.t
    iri = out.target.iri("qda-project", out.key)
    t.type(iri, str(ICGP.QdaProject))
    t.text(iri, str(DCTERMS.identifier), out.key)
    t.text(iri, str(RDFS.label), project.name)
    t.text(iri, str(DCTERMS.title), project.name, out.lang)
    t.text(iri, str(ICGP.sha256), _sha256(file))
    origin = f" by {project.origin}" if project.origin else ""
    t.text(iri, str(RDFS.comment), f"Exported{origin} as {file.name}; imported by icgp.", "en")
    if project.created:
        t.typed(iri, str(DCTERMS.created), project.created, str(XSD.dateTime))
    if project.modified:
        t.typed(iri, str(DCTERMS.modified), project.modified, str(XSD.dateTime))
    # A QDA project is a dcat:Dataset (ontology alignment); imported into the package, it is offered
    # under the package's licences, which the shapes ask every data set to state.
    for licence in out.target.licenses:
        t.iri(iri, str(DCTERMS.license), licence)
    return iri


def _codebook(
    out: _Out, project: Project, links: _Links, mapping: Mapping | None, concepts: ConceptIndex
) -> list[str]:
    """The codebook and its codes with their hierarchy and mapped concepts; returns the unmapped paths."""
    t, lang = out.t, out.lang
    codebook = out.target.iri("codebook", out.key)
    t.type(codebook, str(ICGP.Codebook))
    t.text(codebook, str(RDFS.label), f"Codebook of {project.name}", lang)
    t.iri(codebook, str(DCTERMS.isPartOf), links.project)
    segments = _code_segments(project.codes, out.warnings)
    links.codes = {code.guid: out.iri("code", *segments[code.guid]) for code in project.codes}
    matched = match_codes(mapping, project.codes, out.warnings) if mapping else {}
    unmapped: list[str] = []
    for code in project.codes:
        iri = links.codes[code.guid]
        t.type(iri, str(ICGP.Code))
        t.iri(iri, str(SKOS.inScheme), codebook)
        t.text(iri, str(SKOS.notation), code.key)
        t.text(iri, str(SKOS.prefLabel), code.name, lang)
        t.text(iri, str(SKOS.definition), code.description, lang)
        t.typed(iri, str(ICGP.isCodable), "true" if code.is_codable else "false", str(XSD.boolean))
        t.text(iri, str(ICGP.refiGuid), code.guid)
        if code.parent is not None:
            parent = links.codes[code.parent.guid]
            t.iri(iri, str(SKOS.broader), parent)
            t.iri(parent, str(SKOS.narrower), iri)
        else:
            t.iri(iri, str(SKOS.topConceptOf), codebook)
            t.iri(codebook, str(SKOS.hasTopConcept), iri)
        targets = matched.get(code.guid, [])
        for concept in targets:
            in_frame = concepts.scheme_of(concept) == "factor"
            t.iri(iri, str(ICGP.mapsToFactor if in_frame else SKOS.closeMatch), concept)
        if not targets:
            unmapped.append(code.key)
    out.counts["codes"] = len(project.codes)
    out.counts["mapped codes"] = len(project.codes) - len(unmapped)
    return unmapped


def _coders(out: _Out, project: Project, links: _Links) -> None:
    """Coders numbered C1, C2, ... in a stable order; user names never leave this function."""
    users = sorted(project.users, key=lambda guid: (project.users[guid], guid))
    used = {c.user for s in project.sources for sel in s.selections for c in sel.codings if c.user}
    used |= {c.user for s in project.sources for c in s.codings if c.user}
    users += sorted(u for u in used if u not in project.users)
    links.coders = {guid: out.iri("coder", f"C{number}") for number, guid in enumerate(users, start=1)}
    for number, guid in enumerate(users, start=1):
        if guid in used:
            out.t.type(links.coders[guid], str(ICGP.Coder))
            out.t.text(links.coders[guid], str(DCTERMS.identifier), f"C{number}")
    out.counts["coders"] = len(used)


def _source_local(out: _Out, names: dict[str, str], seen: Counter[str], source: Source) -> str:
    """The IRI segment of a source: its name made safe, with -2, -3... for later sources of a name."""
    seen[source.name] += 1
    if seen[source.name] == 2:
        out.warnings.append(f"two sources are named '{source.name}'; the second gets -2")
    return names[source.name] + (f"-{seen[source.name]}" if seen[source.name] > 1 else "")


def _source(out: _Out, source: Source, local: str, links: _Links, kind: str) -> None:
    """A source document with its coded selections and its codings as a whole."""
    t = out.t
    iri = links.sources[source.guid] = out.iri("source", local)
    t.type(iri, str(ICGP.SourceDocument))
    t.text(iri, str(DCTERMS.identifier), local)
    t.text(iri, str(DCTERMS.title), source.name, out.lang)
    t.iri(iri, str(ICGP.sourceKind), kind)
    t.text(iri, str(ICGP.refiGuid), source.guid)
    t.iri(iri, str(DCTERMS.isPartOf), links.project)
    if source.text is not None:
        t.integer(iri, str(ICGP.documentLength), len(source.text))
    out.counts["sources"] += 1
    if source.other_selections:
        out.skipped[f"{source.kind} selection"] += source.other_selections
    ranges: Counter[str] = Counter()
    for selection in sorted(source.selections, key=lambda s: (s.start, s.end, s.guid)):
        _selection(out, source, local, selection, ranges, links)
    if source.codings:
        _whole_source(out, source, local, links)


def _selection(
    out: _Out, source: Source, local: str, selection: Selection, ranges: Counter[str], links: _Links
) -> None:
    """One coded selection as a coded segment (offsets in code points, as the records hold them)."""
    if not selection.codings:
        out.skipped["uncoded selection"] += 1
        return
    start, end = selection.start, selection.end
    if start < 0 or end < start:
        out.warnings.append(f"'{source.name}': the selection {start}-{end} has impossible offsets; skipped")
        out.skipped["selection"] += 1
        return
    span = f"{start}-{end}"
    ranges[span] += 1
    if ranges[span] > 1:
        span = f"{span}-{ranges[span]}"
    seg = out.iri("segment", local, span)
    links.selections[selection.guid] = seg
    _segment(out.t, seg, links.sources[source.guid], start, end, source.text, out.lang)
    out.t.text(seg, str(DCTERMS.identifier), f"{local}/{span}")
    out.t.text(seg, str(RDFS.label), selection.name)
    out.t.text(seg, str(ICGP.refiGuid), selection.guid)
    if start == end:
        out.zero.append(f"'{source.name}' at {start}")
    if source.text is not None and end > len(source.text):
        out.outside.append(f"'{source.name}' {start}-{end} (length {len(source.text)})")
    out.counts["selections"] += 1
    out.counts["codings"] += _codings(out, seg, selection.codings, links)


def _whole_source(out: _Out, source: Source, local: str, links: _Links) -> None:
    """Codings of a source as a whole: a segment from 0 to its length, without a quote."""
    if source.text is None:
        out.warnings.append(f"'{source.name}' is coded as a whole but its length is unknown; skipped")
        out.skipped["document coding"] += len(source.codings)
        return
    seg = out.iri("segment", local, "document")
    _segment(out.t, seg, links.sources[source.guid], 0, len(source.text), None, out.lang)
    out.t.text(seg, str(DCTERMS.identifier), f"{local}/document")
    out.counts["document codings"] += _codings(out, seg, source.codings, links)


def _selection_notes(out: _Out) -> None:
    if out.zero:
        out.warnings.append(
            f"{len(out.zero)} zero-length selection(s) kept without a quote: "
            + ", ".join(out.zero[:_MAX_LISTED])
        )
    if out.outside:
        out.warnings.append(
            f"{len(out.outside)} selection(s) end past their document: "
            + ", ".join(out.outside[:_MAX_LISTED])
        )


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


def _codings(out: _Out, seg: str, codings: list[Coding], links: _Links) -> int:
    count = 0
    for coding in codings:
        code = links.codes.get(coding.code)
        if code is None:
            out.warnings.append(f"a coding refers to the unknown code {coding.code}; skipped")
            continue
        out.t.iri(seg, str(OA.hasBody), code)
        if coding.user and coding.user in links.coders:
            out.t.iri(seg, str(PROV.wasAttributedTo), links.coders[coding.user])
        if coding.created:
            out.t.typed(seg, str(DCTERMS.created), coding.created, str(XSD.dateTime))
        count += 1
    return count


def _variables(out: _Out, project: Project) -> dict[str, tuple[str, str]]:
    names = unique_local_names(v.name for v in project.variables)
    found: dict[str, tuple[str, str]] = {}
    for variable in project.variables:
        iri = out.iri("case-variable", names[variable.name])
        found[variable.guid] = (iri, variable.datatype)
        out.t.type(iri, str(ICGP.CaseVariable), str(OWL.DatatypeProperty))
        out.t.text(iri, str(RDFS.label), variable.name, out.lang)
        out.t.iri(iri, str(RDFS.range), variable.datatype)
        out.t.text(iri, str(SKOS.definition), variable.description, out.lang)
    return found


def _values(
    t: Triples, subject: str, values: list[VariableValue], variables: dict[str, tuple[str, str]]
) -> None:
    for value in values:
        found = variables.get(value.variable)
        if found is not None:
            t.typed(subject, found[0], value.value, value.datatype)


def _cases(out: _Out, project: Project, mapping: Mapping | None, links: _Links) -> list[str]:
    """Cases with their links; returns the names of cases that match no organisation of the package."""
    t, target = out.t, out.target
    names = unique_local_names(case.name for case in project.cases)
    wanted = case_organisations(mapping, target.organisations)
    unmatched: list[str] = []
    for case in project.cases:
        iri = out.iri("case", names[case.name])
        t.type(iri, str(ICGP.Case))
        t.text(iri, str(DCTERMS.identifier), case.name)
        t.text(iri, str(RDFS.comment), case.description, out.lang)
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
            t.iri(iri, str(ICGP.caseCode), links.codes.get(code))
        for source in case.sources:
            if source in links.sources:
                t.iri(links.sources[source], str(ICGP.aboutCase), iri)
        for selection in case.selections:
            t.iri(iri, str(ICGP.caseSegment), links.selections.get(selection))
        _values(t, iri, case.variables, links.variables)
    return unmatched


def _sets(out: _Out, project: Project, links: _Links) -> None:
    t, lang = out.t, out.lang
    names = unique_local_names(s.name for s in project.sets)
    for member_set in project.sets:
        local = names[member_set.name]
        codes = [links.codes[c] for c in member_set.codes if c in links.codes]
        sources = [links.sources[s] for s in member_set.sources if s in links.sources]
        if codes:
            iri = out.iri("code-set", local)
            t.type(iri, str(SKOS.Collection))
            t.text(iri, str(SKOS.prefLabel), member_set.name, lang)
            t.text(iri, str(SKOS.definition), member_set.description, lang)
            for code in codes:
                t.iri(iri, str(SKOS.member), code)
        if sources:
            iri = out.iri("source-set", local)
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
    target: ImportTarget,
    name: str | None,
    mapping_file: Path | None,
    default_kind: str = "document",
) -> ImportResult:
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


def _open(into: Path, language: str | None) -> ImportTarget:
    """The package to import into, with the language of the imported text (``--language`` or the study's)."""
    target = open_target(into)
    return target if language is None else dataclasses.replace(target, language=language_tag(language))


def import_qdpx(
    file: Path,
    into: Path,
    mapping: Path | None = None,
    name: str | None = None,
    schema: Path | None = None,
    lenient: bool = False,
    source_kind: str = "document",
    language: str | None = None,
    offsets: str | None = None,
) -> ImportResult:
    """Import a REFI-QDA project archive (or a bare ``project.qde``) into ``into/imports/qdpx-{name}.ttl``.

    Sources get the kind ``source_kind`` (a source-kind concept) unless the mapping names another. Text is
    tagged with ``language`` (default: the study's). ``offsets`` (``codepoints`` or ``utf16``) says what
    the selection offsets count; by default the exporting software decides
    (:func:`kg.importers.refiqda_offsets.offset_unit`).
    """
    if not file.is_file():
        raise InputError(f"{file} does not exist; give a REFI-QDA project archive (.qdpx)")
    target = _open(into, language)
    project = load_project(file, find_schema(schema), lenient, offsets)
    return _import("qdpx", project, file, target, name, mapping, source_kind)


def import_qdc(
    file: Path,
    into: Path,
    mapping: Path | None = None,
    name: str | None = None,
    schema: Path | None = None,
    lenient: bool = False,
    language: str | None = None,
) -> ImportResult:
    """Import a REFI-QDA codebook into ``into/imports/qdc-{name}.ttl`` (text tagged with ``language``)."""
    if not file.is_file():
        raise InputError(f"{file} does not exist; give a REFI-QDA codebook (.qdc)")
    target = _open(into, language)
    project = load_codebook(file, find_schema(schema), lenient)
    return _import("qdc", project, file, target, name, mapping)
