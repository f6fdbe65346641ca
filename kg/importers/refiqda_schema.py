"""The REFI-QDA namespaces and the check of a project or codebook against the Project schema.

:mod:`kg.importers.refiqda_xml` calls :func:`check_schema` before it reads anything. The schema file
(``Project.xsd``, QDA-XML 1.0) is not bundled: ``--schema`` or ``$ICGP_REFI_QDA_SCHEMA`` names it, and
without it the import goes on with a warning. A codebook is checked with the code types of the same
schema (:func:`codebook_as_project`), because the published ``Codebook.xsd`` is broken.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from kg.errors import InputError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
LEGACY_CODEBOOK_NS = "urn:QDA-XML:codebook:0:4"
"""The draft codebook namespace that ATLAS.ti and MAXQDA still write; its elements are those of 1.0."""

SCHEMA_VARIABLE = "ICGP_REFI_QDA_SCHEMA"
"""Environment variable naming the REFI-QDA ``Project.xsd`` when ``--schema`` is not given."""


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


def strip_foreign(root: Element, namespace: str) -> Counter[str]:
    """Remove elements of other namespaces (vendor extensions) in place; count them by tag."""
    removed: Counter[str] = Counter()
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            if not tag.startswith("{" + namespace + "}"):
                removed[tag] += 1
                parent.remove(child)
    return removed


def foreign_warnings(removed: Counter[str], where: str) -> list[str]:
    """One warning per kind of vendor element that :func:`strip_foreign` removed."""
    return [
        f"{where}: ignored {count} vendor-specific element(s) {tag}" for tag, count in sorted(removed.items())
    ]


def rename_namespace(root: Element, old: str, new: str) -> int:
    """Move every element of namespace ``old`` into ``new`` in place; return how many moved."""
    moved = 0
    prefix = "{" + old + "}"
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith(prefix):
            element.tag = "{" + new + "}" + element.tag[len(prefix) :]
            moved += 1
    return moved


def check_schema(root: Element, schema: Path | None, where: str, lenient: bool) -> list[str]:
    """Validate a project against the REFI-QDA schema; return warnings, raise on real schema errors.

    Vendor extras (elements of other namespaces, attributes the schema does not know) are warnings. Any
    other deviation is an error unless ``lenient`` is set, in which case it is a warning too.
    """
    warnings = foreign_warnings(strip_foreign(root, PROJECT_NS), where)
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


def codebook_as_project(root: Element) -> Element:
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
