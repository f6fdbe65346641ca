"""Read REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``) into plain Python records.

The REFI-QDA exchange format is what NVivo, ATLAS.ti, MAXQDA, QualCoder and other QDA tools export.
This module reads it safely (:mod:`kg.package.safe_input`), has it checked against the REFI-QDA
Project schema (:mod:`kg.importers.refiqda_schema`) and converts selection offsets to code points
(:mod:`kg.importers.refiqda_offsets`); :mod:`kg.importers.refiqda_rdf` turns the records
(:mod:`kg.importers.refiqda_records`) into the same RDF the builder makes from the ``codebook`` and
``segments`` tables:

- codes are ``icgp:Code`` concepts of an ``icgp:Codebook`` (nesting gives ``skos:broader``), with the
  code path (names joined by `` > ``) as ``skos:notation``;
- each text selection with at least one coding is one ``icgp:CodedSegment`` (a Web Annotation) with one
  ``oa:hasBody`` per code and a target holding a text-position and a text-quote selector;
- users become ``icgp:Coder`` resources named C1, C2, ... (no user names are written);
- cases become ``icgp:Case`` resources, linked to organisations of the package where they match.

IRIs come from natural keys (code path, document name, offsets), never from REFI GUIDs alone, since QDA
tools regenerate GUIDs on every export; the GUIDs are kept as ``icgp:refiGuid`` literals.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element

from kg.errors import InputError
from kg.importers.refiqda_offsets import (
    CODEPOINTS,
    UTF16,
    OffsetUnit,
    PositionMap,
    has_astral,
    offset_unit,
)
from kg.importers.refiqda_records import (
    Case,
    Code,
    Coding,
    MemberSet,
    Project,
    Selection,
    Source,
    Variable,
    VariableValue,
)
from kg.importers.refiqda_schema import (
    CODEBOOK_NS,
    LEGACY_CODEBOOK_NS,
    PROJECT_NS,
    check_schema,
    codebook_as_project,
    foreign_warnings,
    rename_namespace,
    strip_foreign,
)
from kg.ontology.namespaces import XSD
from kg.package.safe_input import MAX_TOTAL_BYTES, parse_xml, read_zip

_XSD_TYPES = {
    "Text": str(XSD.string),
    "Boolean": str(XSD.boolean),
    "Integer": str(XSD.integer),
    "Float": str(XSD.decimal),
    # Dates become xsd:dateTime at midnight, as the builder writes them: OWL 2 has no xsd:date.
    "Date": str(XSD.dateTime),
    "DateTime": str(XSD.dateTime),
}
_VALUE_TAGS = {
    "TextValue": str(XSD.string),
    "BooleanValue": str(XSD.boolean),
    "IntegerValue": str(XSD.integer),
    "FloatValue": str(XSD.decimal),
    "DateValue": str(XSD.date),  # rewritten as xsd:dateTime at midnight by _typed_value
    "DateTimeValue": str(XSD.dateTime),
}
_SOURCE_KINDS = ("TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource")
_OTHER_SELECTIONS = ("PDFSelection", "PictureSelection", "AudioSelection", "VideoSelection", "Transcript")

# The unit of a reader that meets no selections (a codebook).
_NO_SELECTIONS = OffsetUnit(CODEPOINTS, "")

_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")


class _Reader:
    """Reads the elements of one namespace from a parsed project or codebook, collecting warnings."""

    def __init__(
        self,
        namespace: str,
        where: str,
        files: dict[str, bytes] | None = None,
        unit: OffsetUnit = _NO_SELECTIONS,
    ) -> None:
        self.ns = namespace
        self.where = where
        self.files = files  # None for a bare project.qde, which has no sources folder
        self.unit = unit
        self.warnings: list[str] = []
        self.skipped: Counter[str] = Counter()
        self.outside_archive: list[str] = []
        self.split: list[str] = []

    def q(self, tag: str) -> str:
        return "{" + self.ns + "}" + tag

    def all(self, element: Element | None, tag: str) -> list[Element]:
        return [] if element is None else element.findall(self.q(tag))

    def one(self, element: Element | None, tag: str) -> Element | None:
        return None if element is None else element.find(self.q(tag))

    def text(self, element: Element | None, tag: str) -> str | None:
        found = self.one(element, tag)
        if found is None or found.text is None:
            return None
        return found.text.strip() or None

    def codes(self, container: Element | None, parent: Code | None, into: list[Code]) -> None:
        for element in self.all(container, "Code"):
            name = (element.get("name") or "").strip()
            guid = element.get("guid") or ""
            if not name:
                self.warnings.append(
                    f"{self.where}: a code without a name (guid {guid}) was named '(unnamed)'"
                )
                name = "(unnamed)"
            path = (*parent.path, name) if parent else (name,)
            code = Code(
                guid=guid,
                name=name,
                path=path,
                is_codable=(element.get("isCodable") or "true").strip().lower() in ("true", "1"),
                description=self.text(element, "Description"),
                parent=parent,
            )
            into.append(code)
            self.codes(element, code, into)

    def codings(self, element: Element) -> list[Coding]:
        found = []
        for coding in self.all(element, "Coding"):
            ref = self.one(coding, "CodeRef")
            if ref is None or not ref.get("targetGUID"):
                continue
            found.append(
                Coding(str(ref.get("targetGUID")), coding.get("creatingUser"), coding.get("creationDateTime"))
            )
        return found

    def variable_values(self, element: Element) -> list[VariableValue]:
        values = []
        for value in self.all(element, "VariableValue"):
            ref = self.one(value, "VariableRef")
            if ref is None or not ref.get("targetGUID"):
                continue
            for tag, datatype in _VALUE_TAGS.items():
                found = self.one(value, tag)
                if found is not None and found.text is not None and found.text.strip():
                    text, datatype = _typed_value(found.text.strip(), datatype)
                    values.append(VariableValue(str(ref.get("targetGUID")), text, datatype))
                    break
        return values

    def refs(self, element: Element, tag: str) -> list[str]:
        return [str(ref.get("targetGUID")) for ref in self.all(element, tag) if ref.get("targetGUID")]


def _typed_value(text: str, datatype: str) -> tuple[str, str]:
    """A date value as xsd:dateTime at midnight (inside OWL 2's datatype map); other values as given."""
    if datatype == str(XSD.date) and len(text) == 10:
        return f"{text}T00:00:00", str(XSD.dateTime)
    return text, datatype


def _find_member(files: dict[str, bytes], reference: str) -> str | None:
    """The archive member a source path refers to: ``internal://`` names, GUID names, any casing of the
    sources folder, or (a quirk of some tools) a bare file name."""
    name = reference
    for scheme in ("internal://", "internal:"):
        if name.lower().startswith(scheme):
            name = name[len(scheme) :]
            break
    name = name.replace("\\", "/").lstrip("/")
    if name in files:
        return name
    folded = {member.lower(): member for member in files}
    for candidate in (name, f"sources/{name}", f"sources/{PurePosixPath(name).name}"):
        found = folded.get(candidate.lower())
        if found is not None:
            return found
    return None


def _decode_text(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def read_project(
    root: Element, files: dict[str, bytes] | None, where: str, offsets: str | None = None
) -> Project:
    """Read a parsed ``project.qde`` (namespace ``urn:QDA-XML:project:1.0``) and its source files.

    ``files`` are the archive's members (None for a bare ``project.qde``); ``offsets`` is the unit of
    the selection offsets (``codepoints`` or ``utf16``), None to choose it from the project's origin.
    """
    r = _Reader(PROJECT_NS, where, files, offset_unit(root.get("origin"), offsets))
    project = Project(
        name=(root.get("name") or "").strip() or "REFI-QDA project",
        origin=root.get("origin"),
        created=root.get("creationDateTime"),
        modified=root.get("modifiedDateTime"),
        users={},
        codes=[],
    )
    project.offsets = r.unit.name
    for user in r.all(r.one(root, "Users"), "User"):
        guid = user.get("guid")
        if guid:
            # Only used to order users stably; names never leave this function's data.
            project.users[guid] = user.get("id") or user.get("name") or guid
    r.codes(r.one(r.one(root, "CodeBook"), "Codes"), None, project.codes)
    for variable in r.all(r.one(root, "Variables"), "Variable"):
        project.variables.append(
            Variable(
                guid=variable.get("guid") or "",
                name=(variable.get("name") or "").strip() or "variable",
                datatype=_XSD_TYPES.get(variable.get("typeOfVariable") or "Text", str(XSD.string)),
                description=r.text(variable, "Description"),
            )
        )
    project.cases = [_read_case(r, case) for case in r.all(r.one(root, "Cases"), "Case")]
    sources = r.one(root, "Sources")
    for element in [] if sources is None else list(sources):
        kind = element.tag.split("}", 1)[-1] if isinstance(element.tag, str) else ""
        if kind in _SOURCE_KINDS:
            project.sources.append(_read_source(r, element, kind))
    project.skipped = r.skipped
    project.skipped["note"] += len(r.all(r.one(root, "Notes"), "Note"))
    project.skipped["link"] += len(r.all(r.one(root, "Links"), "Link"))
    project.skipped["graph"] += len(r.all(r.one(root, "Graphs"), "Graph"))
    for member_set in r.all(r.one(root, "Sets"), "Set"):
        project.sets.append(_read_set(r, member_set))
    project.warnings += r.warnings + _offset_warnings(r, project, offsets is None)
    return project


def _read_case(r: _Reader, case: Element) -> Case:
    return Case(
        guid=case.get("guid") or "",
        name=(case.get("name") or "").strip() or (case.get("guid") or "case"),
        description=r.text(case, "Description"),
        codes=r.refs(case, "CodeRef"),
        sources=r.refs(case, "SourceRef"),
        selections=r.refs(case, "SelectionRef"),
        variables=r.variable_values(case),
    )


def _read_source(r: _Reader, element: Element, kind: str) -> Source:
    path = element.get("plainTextPath") or element.get("path") or element.get("richTextPath") or ""
    name = (element.get("name") or "").strip()
    if not name:
        name = PurePosixPath(path.split("://", 1)[-1]).stem or (element.get("guid") or "source")
        if _GUID.match(name):
            r.warnings.append(
                f"{r.where}: the {kind} {name} has neither a name nor a meaningful file name; its IRI uses "
                "the GUID, which changes with every export (give the source a name in the QDA software)"
            )
    text = _source_text(r, element, name) if kind == "TextSource" else None
    return Source(
        guid=element.get("guid") or "",
        name=name,
        kind=kind,
        text=text,
        selections=_read_selections(r, element, name, text),
        codings=r.codings(element),
        variables=r.variable_values(element),
        other_selections=sum(len(r.all(element, tag)) for tag in _OTHER_SELECTIONS),
    )


def _source_text(r: _Reader, element: Element, name: str) -> str | None:
    """The plain text of a text source: inline, or from the archive; None (with a warning) if unknown."""
    content = r.one(element, "PlainTextContent")
    if content is not None and content.text is not None:
        return content.text
    reference = element.get("plainTextPath")
    if not reference:
        r.warnings.append(f"{r.where}: '{name}' has no plain text; imported without quotes or length")
        return None
    if reference.lower().startswith(("relative://", "absolute://")):
        r.warnings.append(
            f"{r.where}: the text of '{name}' lies outside the archive ({reference.split('://', 1)[0]}"
            " path); imported without quotes or length"
        )
        return None
    if r.files is None:
        r.outside_archive.append(name)
        return None
    member = _find_member(r.files, reference)
    if member is None:
        r.warnings.append(
            f"{r.where}: the text of '{name}' ({reference}) is not in the archive; imported without quotes "
            "or length"
        )
        return None
    text = _decode_text(r.files[member])
    if text is None:
        r.warnings.append(
            f"{r.where}: the text of '{name}' ({member}) is neither UTF-8 nor UTF-16; imported without "
            "quotes or length"
        )
    return text


def _read_selections(r: _Reader, element: Element, name: str, text: str | None) -> list[Selection]:
    """The plain-text selections of a source, their offsets converted to code points of ``text``."""
    positions = PositionMap(text, r.unit.name) if text is not None else None
    selections = []
    for selection in r.all(element, "PlainTextSelection"):
        try:
            start = int(str(selection.get("startPosition")).strip())
            end = int(str(selection.get("endPosition")).strip())
        except ValueError:
            r.warnings.append(
                f"{r.where}: the selection {selection.get('guid')} in '{name}' has no integer start and end "
                "positions; skipped"
            )
            r.skipped["selection"] += 1
            continue
        if positions is not None:
            first, last = positions.codepoint(start), positions.codepoint(end)
            if first is None or last is None:
                r.split.append(f"'{name}' {start}-{end}")
                r.skipped["selection"] += 1
                continue
            start, end = first, last
        selections.append(
            Selection(
                guid=selection.get("guid") or "",
                name=(selection.get("name") or "").strip() or None,
                start=start,
                end=end,
                codings=r.codings(selection),
                created=selection.get("creationDateTime"),
            )
        )
    return selections


def _offset_warnings(r: _Reader, project: Project, inferred: bool) -> list[str]:
    """Say which texts a bare project file lacks, which selections split a character, and (when the
    unit was not given) which unit was assumed for texts where the choice matters."""
    warnings = []
    if r.outside_archive:
        warnings.append(
            f"{r.where} is a bare project file, not a .qdpx archive, so the texts of "
            f"{len(r.outside_archive)} source(s) were not available ({_listed(r.outside_archive)}); they "
            "were imported without quotes or length. Import the .qdpx export to get them"
        )
    if r.split:  # only UTF-16 offsets can fall between the two halves of a character
        warnings.append(
            f"{len(r.split)} selection(s) start or end inside a character that takes two UTF-16 code units, "
            f"with offsets read as {r.unit.name} {r.unit.reason}; skipped: {', '.join(r.split[:5])}"
            f"{' ...' if len(r.split) > 5 else ''}. If the offsets count code points, import again with "
            "--offsets codepoints"
        )
    astral = [s.name for s in project.sources if s.selections and s.text is not None and has_astral(s.text)]
    if inferred and astral and not r.split:
        other = UTF16 if r.unit.name == CODEPOINTS else CODEPOINTS
        warnings.append(
            f"{len(astral)} source(s) contain characters outside the Basic Multilingual Plane (such as "
            f"emoji), where tools count offsets differently: {_listed(astral)}. Offsets were read as "
            f"{r.unit.name} {r.unit.reason}; if quotes look shifted, import again with --offsets {other}"
        )
    return warnings


def _listed(names: list[str], most: int = 5) -> str:
    shown = ", ".join(f"'{name}'" for name in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _read_set(r: _Reader, element: Element) -> MemberSet:
    return MemberSet(
        guid=element.get("guid") or "",
        name=(element.get("name") or "").strip() or (element.get("guid") or "set"),
        description=r.text(element, "Description"),
        codes=r.refs(element, "MemberCode"),
        sources=r.refs(element, "MemberSource"),
    )


def load_project(
    path: Path, schema: Path | None, lenient: bool = False, offsets: str | None = None
) -> Project:
    """Read a ``.qdpx`` archive (or a bare ``project.qde``) safely, check its XML and read it.

    ``offsets`` is the unit of the selection offsets; None chooses it from the project's ``origin``
    (:func:`kg.importers.refiqda_offsets.offset_unit`).
    """
    warnings = []
    files: dict[str, bytes] | None = None
    if zipfile.is_zipfile(path):
        files = read_zip(path, "REFI-QDA project")
        name = _project_member(path, files)
        where, data = f"{path.name}:{name}", files[name]
        if name != "project.qde":
            warnings.append(
                f"{path.name}: the project file is named {name}, not project.qde (a known vendor quirk)"
            )
    else:
        where, data = path.name, _read_bare(path)
    root = parse_xml(data, where)
    if root.tag != "{" + PROJECT_NS + "}Project":
        raise InputError(
            f"{where}: the root element is {root.tag}, not a REFI-QDA Project in namespace {PROJECT_NS}"
        )
    warnings += check_schema(root, schema, where, lenient)
    project = read_project(root, files, where, offsets)
    project.warnings[:0] = warnings
    return project


def _project_member(path: Path, files: dict[str, bytes]) -> str:
    """The one ``.qde`` file at the top of a project archive."""
    qde = sorted(name for name in files if "/" not in name and name.lower().endswith(".qde"))
    if not qde:
        nested = sorted(name for name in files if name.lower().endswith(".qde"))
        hint = f" (found {nested[0]}, which is not at the top)" if nested else ""
        raise InputError(
            f"{path} holds no project.qde at its top{hint}; it is not a REFI-QDA project archive. "
            "Export the project again as REFI-QDA (.qdpx)"
        )
    if len(qde) > 1:
        raise InputError(f"{path} holds {len(qde)} .qde files at its top ({', '.join(qde)}); expected one")
    return qde[0]


def _read_bare(path: Path) -> bytes:
    """The bytes of a project file given without its archive; refuses anything that is not XML."""
    try:
        if path.stat().st_size > MAX_TOTAL_BYTES:
            raise InputError(
                f"{path} is larger than the limit of {MAX_TOTAL_BYTES} bytes for a REFI-QDA project"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path} could not be read: {exc.strerror or exc}") from exc
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise InputError(
            f"{path} is neither a REFI-QDA project archive (.qdpx, a zip file) nor a project.qde XML file; "
            "export the project again as REFI-QDA (.qdpx)"
        )
    return data


def load_codebook(path: Path, schema: Path | None, lenient: bool = False) -> Project:
    """Read a ``.qdc`` codebook; its codes are checked with the code types of Project.xsd.

    Codebooks in the draft namespace ``urn:QDA-XML:codebook:0:4`` (ATLAS.ti, MAXQDA) are read as 1.0:
    their elements are the same.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path} could not be read: {exc.strerror or exc}") from exc
    root = parse_xml(data, path.name)
    rename_namespace(root, LEGACY_CODEBOOK_NS, CODEBOOK_NS)
    if root.tag != "{" + CODEBOOK_NS + "}CodeBook":
        raise InputError(
            f"{path.name}: the root element is {root.tag}, not a REFI-QDA CodeBook in namespace {CODEBOOK_NS}"
        )
    warnings = foreign_warnings(strip_foreign(root, CODEBOOK_NS), path.name)
    warnings += check_schema(codebook_as_project(root), schema, path.name, lenient)
    r = _Reader(CODEBOOK_NS, path.name)
    project = Project(
        name=path.stem, origin=root.get("origin"), created=None, modified=None, users={}, codes=[]
    )
    r.codes(r.one(root, "Codes"), None, project.codes)
    for member_set in r.all(r.one(root, "Sets"), "Set"):
        project.sets.append(_read_set(r, member_set))
    project.warnings = warnings + r.warnings
    return project
