"""Read REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``) into plain Python records.

The REFI-QDA exchange format is what NVivo, ATLAS.ti, MAXQDA, QualCoder and other QDA tools export.
This module reads it safely (:mod:`kg.package.safe_input`) and checks the XML against the REFI-QDA Project
schema; :mod:`kg.importers.refiqda_rdf` turns the records into the same RDF the builder makes from the
``codebook`` and ``segments`` tables:

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

import functools
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from kg.errors import InputError
from kg.ontology.namespaces import XSD
from kg.package.safe_input import parse_xml, read_zip

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PATH_SEPARATOR = " > "
"""Joins the names of a code and its ancestors into the code path (``skos:notation``)."""

SCHEMA_VARIABLE = "ICGP_REFI_QDA_SCHEMA"
"""Environment variable naming the REFI-QDA ``Project.xsd`` when ``--schema`` is not given."""

_XSD_TYPES = {
    "Text": str(XSD.string),
    "Boolean": str(XSD.boolean),
    "Integer": str(XSD.integer),
    "Float": str(XSD.decimal),
    "Date": str(XSD.date),
    "DateTime": str(XSD.dateTime),
}
_VALUE_TAGS = {
    "TextValue": str(XSD.string),
    "BooleanValue": str(XSD.boolean),
    "IntegerValue": str(XSD.integer),
    "FloatValue": str(XSD.decimal),
    "DateValue": str(XSD.date),
    "DateTimeValue": str(XSD.dateTime),
}
_SOURCE_KINDS = ("TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource")
_OTHER_SELECTIONS = ("PDFSelection", "PictureSelection", "AudioSelection", "VideoSelection", "Transcript")

_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")


# --- the project as read --------------------------------------------------------------------------


@dataclass
class Code:
    """A code of the codebook, with its path of names from the top."""

    guid: str
    name: str
    path: tuple[str, ...]
    is_codable: bool
    description: str | None
    parent: Code | None
    segments: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The code path, e.g. ``rq1_definition > concepts > algorithms``."""
        return PATH_SEPARATOR.join(self.path)


@dataclass
class Coding:
    """One application of a code, by a user."""

    code: str
    user: str | None
    created: str | None


@dataclass
class Selection:
    """A plain-text selection (character offsets) with its codings."""

    guid: str
    name: str | None
    start: int
    end: int
    codings: list[Coding]
    created: str | None


@dataclass
class VariableValue:
    """The value of a case or source variable, with its XSD datatype."""

    variable: str
    value: str
    datatype: str


@dataclass
class Source:
    """A source document: its name, plain text if available, selections and document-level codings."""

    guid: str
    name: str
    kind: str
    text: str | None
    selections: list[Selection]
    codings: list[Coding]
    variables: list[VariableValue]
    other_selections: int


@dataclass
class Variable:
    """A case or source variable declared by the project."""

    guid: str
    name: str
    datatype: str
    description: str | None


@dataclass
class Case:
    """A case: a unit of analysis with codes, sources, selections and variable values."""

    guid: str
    name: str
    description: str | None
    codes: list[str]
    sources: list[str]
    selections: list[str]
    variables: list[VariableValue]


@dataclass
class MemberSet:
    """A set (group) of codes and/or sources."""

    guid: str
    name: str
    description: str | None
    codes: list[str]
    sources: list[str]


@dataclass
class Project:
    """What was read from a project or codebook file."""

    name: str
    origin: str | None
    created: str | None
    modified: str | None
    users: dict[str, str]
    codes: list[Code]
    sources: list[Source] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    sets: list[MemberSet] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


# --- schema ---------------------------------------------------------------------------------------


def find_schema(explicit: Path | None = None) -> Path | None:
    """The REFI-QDA Project schema to check against: ``--schema``, else ``$ICGP_REFI_QDA_SCHEMA``;
    None when neither is given (the import then says it skipped the schema check)."""
    if explicit is not None:
        if not explicit.is_file():
            raise InputError(f"the REFI-QDA schema {explicit} does not exist; give the path of Project.xsd")
        return explicit
    configured = os.environ.get(SCHEMA_VARIABLE)
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise InputError(
                f"{SCHEMA_VARIABLE} names {path}, which does not exist; give the path of Project.xsd"
            )
        return path
    return None


@functools.lru_cache(maxsize=4)
def _load_schema(path: str) -> Any:
    import xmlschema  # imported here: loading the library and the schema takes a noticeable moment

    try:
        return xmlschema.XMLSchema(path)
    except (xmlschema.XMLSchemaException, OSError) as exc:
        raise InputError(f"the REFI-QDA schema {path} could not be loaded: {exc}") from exc


def _short_path(path: str | None) -> str:
    if not path:
        return "/"
    return "/".join(part.split("}", 1)[-1] for part in path.split("/"))


def _strip_foreign(root: Element, namespace: str) -> Counter[str]:
    """Remove elements of other namespaces (vendor extensions) in place; count them by tag."""
    removed: Counter[str] = Counter()
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            if not tag.startswith("{" + namespace + "}"):
                removed[tag] += 1
                parent.remove(child)
    return removed


def check_schema(root: Element, schema: Path | None, where: str, lenient: bool) -> list[str]:
    """Validate a project against the REFI-QDA schema; return warnings, raise on real schema errors.

    Vendor extras (elements of other namespaces, attributes the schema does not know) are warnings. Any
    other deviation is an error unless ``lenient`` is set, in which case it is a warning too.
    """
    warnings: list[str] = []
    removed = _strip_foreign(root, PROJECT_NS)
    for tag, count in sorted(removed.items()):
        warnings.append(f"{where}: ignored {count} vendor-specific element(s) {tag}")
    if schema is None:
        warnings.append(
            f"{where}: not checked against the REFI-QDA schema (Project.xsd not found; pass --schema or set "
            f"{SCHEMA_VARIABLE})"
        )
        return warnings
    validator = _load_schema(str(schema))
    extras: Counter[str] = Counter()
    errors: list[str] = []
    for error in validator.iter_errors(root):
        reason = str(error.reason or error.message)
        if "attribute not allowed" in reason:
            extras[reason.split(" attribute", 1)[0].strip("'")] += 1
        else:
            errors.append(f"{_short_path(error.path)}: {reason}")
    for attribute, count in sorted(extras.items()):
        warnings.append(f"{where}: ignored the vendor-specific attribute {attribute} ({count} time(s))")
    if errors and not lenient:
        shown = "; ".join(errors[:3]) + (f"; ... and {len(errors) - 3} more" if len(errors) > 3 else "")
        raise InputError(
            f"{where} does not conform to the REFI-QDA schema ({len(errors)} error(s)): {shown}. "
            "Export it again, or pass --lenient to import what can be read"
        )
    warnings += [f"{where}: schema: {message}" for message in errors]
    return warnings


# --- reading --------------------------------------------------------------------------------------


class _Reader:
    """Reads the elements of one namespace from a parsed project or codebook."""

    def __init__(self, namespace: str, where: str) -> None:
        self.ns = namespace
        self.where = where
        self.warnings: list[str] = []

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
                    values.append(VariableValue(str(ref.get("targetGUID")), found.text.strip(), datatype))
                    break
        return values

    def refs(self, element: Element, tag: str) -> list[str]:
        return [str(ref.get("targetGUID")) for ref in self.all(element, tag) if ref.get("targetGUID")]


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


def read_project(root: Element, files: dict[str, bytes], where: str) -> Project:
    """Read a parsed ``project.qde`` (namespace ``urn:QDA-XML:project:1.0``) and its source files."""
    r = _Reader(PROJECT_NS, where)
    project = Project(
        name=(root.get("name") or "").strip() or "REFI-QDA project",
        origin=root.get("origin"),
        created=root.get("creationDateTime"),
        modified=root.get("modifiedDateTime"),
        users={},
        codes=[],
    )
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
    for case in r.all(r.one(root, "Cases"), "Case"):
        project.cases.append(
            Case(
                guid=case.get("guid") or "",
                name=(case.get("name") or "").strip() or (case.get("guid") or "case"),
                description=r.text(case, "Description"),
                codes=r.refs(case, "CodeRef"),
                sources=r.refs(case, "SourceRef"),
                selections=r.refs(case, "SelectionRef"),
                variables=r.variable_values(case),
            )
        )
    sources = r.one(root, "Sources")
    for element in [] if sources is None else list(sources):
        kind = element.tag.split("}", 1)[-1] if isinstance(element.tag, str) else ""
        if kind not in _SOURCE_KINDS:
            continue
        project.sources.append(_read_source(r, element, kind, files, where, project.skipped))
    project.skipped["note"] += len(r.all(r.one(root, "Notes"), "Note"))
    project.skipped["link"] += len(r.all(r.one(root, "Links"), "Link"))
    project.skipped["graph"] += len(r.all(r.one(root, "Graphs"), "Graph"))
    for member_set in r.all(r.one(root, "Sets"), "Set"):
        project.sets.append(_read_set(r, member_set))
    project.warnings += r.warnings
    return project


def _read_source(
    r: _Reader, element: Element, kind: str, files: dict[str, bytes], where: str, skipped: Counter[str]
) -> Source:
    path = element.get("plainTextPath") or element.get("path") or element.get("richTextPath") or ""
    name = (element.get("name") or "").strip()
    if not name:
        name = PurePosixPath(path.split("://", 1)[-1]).stem or (element.get("guid") or "source")
        if _GUID.match(name):
            r.warnings.append(
                f"{where}: the {kind} {name} has neither a name nor a meaningful file name; its IRI uses the "
                "GUID, which changes with every export (give the source a name in the QDA software)"
            )
    text: str | None = None
    if kind == "TextSource":
        content = r.one(element, "PlainTextContent")
        if content is not None and content.text is not None:
            text = content.text
        elif element.get("plainTextPath"):
            reference = str(element.get("plainTextPath"))
            if reference.lower().startswith(("relative://", "absolute://")):
                r.warnings.append(
                    f"{where}: the text of '{name}' lies outside the archive ({reference.split('://', 1)[0]}"
                    " path); imported without quotes or length"
                )
            else:
                member = _find_member(files, reference)
                if member is None:
                    r.warnings.append(
                        f"{where}: the text of '{name}' ({reference}) is not in the archive; imported "
                        "without quotes or length"
                    )
                else:
                    text = _decode_text(files[member])
                    if text is None:
                        r.warnings.append(
                            f"{where}: the text of '{name}' ({member}) is neither UTF-8 nor UTF-16; imported "
                            "without quotes or length"
                        )
        else:
            r.warnings.append(f"{where}: '{name}' has no plain text; imported without quotes or length")
    selections = []
    for selection in r.all(element, "PlainTextSelection"):
        try:
            start = int(str(selection.get("startPosition")).strip())
            end = int(str(selection.get("endPosition")).strip())
        except ValueError:
            r.warnings.append(
                f"{where}: the selection {selection.get('guid')} in '{name}' has no integer start and end "
                "positions; skipped"
            )
            skipped["selection"] += 1
            continue
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
    other = sum(len(r.all(element, tag)) for tag in _OTHER_SELECTIONS)
    return Source(
        guid=element.get("guid") or "",
        name=name,
        kind=kind,
        text=text,
        selections=selections,
        codings=r.codings(element),
        variables=r.variable_values(element),
        other_selections=other,
    )


def _read_set(r: _Reader, element: Element) -> MemberSet:
    return MemberSet(
        guid=element.get("guid") or "",
        name=(element.get("name") or "").strip() or (element.get("guid") or "set"),
        description=r.text(element, "Description"),
        codes=r.refs(element, "MemberCode"),
        sources=r.refs(element, "MemberSource"),
    )


def _as_project_namespace(root: Element) -> Element:
    """A copy of a ``.qdc`` codebook as a minimal project, so that Project.xsd can check its codes."""

    def copy(element: Element, parent: Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.startswith("{" + CODEBOOK_NS + "}"):
            tag = "{" + PROJECT_NS + "}" + tag.split("}", 1)[1]
        clone = SubElement(parent, tag, dict(element.attrib))
        clone.text, clone.tail = element.text, element.tail
        for child in element:
            copy(child, clone)

    project = Element("{" + PROJECT_NS + "}Project", {"name": "codebook"})
    book = SubElement(project, "{" + PROJECT_NS + "}CodeBook")
    for child in root:
        if child.tag == "{" + CODEBOOK_NS + "}Codes":
            copy(child, book)
    for child in root:
        if child.tag == "{" + CODEBOOK_NS + "}Sets":
            copy(child, project)
    return project


def load_project(path: Path, schema: Path | None, lenient: bool = False) -> Project:
    """Read a ``.qdpx`` archive safely, check its project XML and read it (sources included)."""
    files = read_zip(path, "REFI-QDA project")
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
    where = f"{path.name}:{qde[0]}"
    warnings = []
    if qde[0] != "project.qde":
        warnings.append(
            f"{path.name}: the project file is named {qde[0]}, not project.qde (a known vendor quirk)"
        )
    root = parse_xml(files[qde[0]], where)
    if root.tag != "{" + PROJECT_NS + "}Project":
        raise InputError(
            f"{where}: the root element is {root.tag}, not a REFI-QDA Project in namespace {PROJECT_NS}"
        )
    warnings += check_schema(root, schema, where, lenient)
    project = read_project(root, files, where)
    project.warnings[:0] = warnings
    return project


def load_codebook(path: Path, schema: Path | None, lenient: bool = False) -> Project:
    """Read a ``.qdc`` codebook; its codes are checked with the code types of Project.xsd."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path} could not be read: {exc.strerror or exc}") from exc
    root = parse_xml(data, path.name)
    if root.tag != "{" + CODEBOOK_NS + "}CodeBook":
        raise InputError(
            f"{path.name}: the root element is {root.tag}, not a REFI-QDA CodeBook in namespace {CODEBOOK_NS}"
        )
    _strip_foreign(root, CODEBOOK_NS)
    warnings = check_schema(_as_project_namespace(root), schema, path.name, lenient)
    r = _Reader(CODEBOOK_NS, path.name)
    project = Project(
        name=path.stem, origin=root.get("origin"), created=None, modified=None, users={}, codes=[]
    )
    r.codes(r.one(root, "Codes"), None, project.codes)
    for member_set in r.all(r.one(root, "Sets"), "Set"):
        project.sets.append(_read_set(r, member_set))
    project.warnings = warnings + r.warnings
    return project


def code_paths(codes: Iterable[Code]) -> list[str]:
    """The code paths of some codes, in order (for reports and tests)."""
    return [code.key for code in codes]
