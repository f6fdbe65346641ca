"""What every importer shares: the target study package, IRIs, pseudonyms and writing ``imports/*.ttl``.

An importer reads a foreign file (a REFI-QDA project, a survey export, a Eurostat table), turns it into
triples with IRIs under the study's base (``{base}{study}/{kind}/...``) and writes them as one sorted
Turtle file into the package's ``imports/`` folder, which ``icgp build`` merges into the study graph.
Nothing is written until the whole input has been read, and the file is replaced atomically, so a failed
import leaves the package as it was and a repeated import replaces its own file only.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from kg.errors import InputError
from kg.files import write_atomically
from kg.ontology.namespaces import PREFIXES, RDF, XSD
from kg.package.reader import IMPORTS_FOLDER, open_package, slugify
from kg.problems import Severity

# SDMX-RDF namespaces used by the statistics importers, added to the prefixes of the written files.
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_MEASURE = "http://purl.org/linked-data/sdmx/2009/measure#"
SDMX_ATTRIBUTE = "http://purl.org/linked-data/sdmx/2009/attribute#"
SDMX_CODE = "http://purl.org/linked-data/sdmx/2009/code#"
IMPORT_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "sdmx-dimension": SDMX_DIMENSION,
    "sdmx-measure": SDMX_MEASURE,
    "sdmx-attribute": SDMX_ATTRIBUTE,
    "sdmx-code": SDMX_CODE,
}

# The environment variable that holds the secret salt for pseudonyms (never written to any output).
SALT_VARIABLE = "ICGP_PSEUDONYM_SALT"

_IMPORT_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._~-]+")

Term = NamedNode | Literal


@dataclass(frozen=True)
class ImportTarget:
    """The study package an importer writes into: its folder, study id, IRI base, language, the
    organisation ids of its tables and the licence IRIs of its descriptor."""

    folder: Path
    study: str
    base: str
    language: str
    organisations: frozenset[str] = frozenset()
    licenses: tuple[str, ...] = ()

    def iri(self, kind: str, *parts: str) -> str:
        """An instance IRI ``{base}{study}/{kind}/{part}/...``; the parts must already be IRI-safe."""
        return f"{self.base}{self.study}/{kind}" + "".join("/" + part for part in parts)

    @property
    def imports_folder(self) -> Path:
        """The package's ``imports/`` folder (it may not exist yet)."""
        return self.folder / IMPORTS_FOLDER.rstrip("/")


def open_target(path: Path) -> ImportTarget:
    """Open the study package folder an import goes into (``--into``); a .zip cannot be written to."""
    if path.is_file():
        raise InputError(
            f"{path} is a file; --into needs the folder of a study package (unzip a packaged study first)"
        )
    package = open_package(path)
    name = package.descriptor.name
    if not name or not _IMPORT_NAME.match(name):
        raise InputError(
            f"{path / 'datapackage.yaml'} has no valid study name, which the imported IRIs need; "
            "run 'icgp validate' on the package and fix the name first"
        )
    bad_base = [p for p in package.problems if p.column == "base" and p.severity is Severity.VIOLATION]
    if bad_base:
        raise InputError(f"{path / 'datapackage.yaml'}: {bad_base[0].message}")
    organisations: set[str] = set()
    text = package.texts.get("organisations")
    if text:
        for row in csv.DictReader(io.StringIO(text)):
            value = (row.get("id") or "").strip()
            if value:
                organisations.add(value)
    return ImportTarget(
        folder=package.location,
        study=name,
        base=package.descriptor.base,
        language=package.descriptor.language or "en",
        organisations=frozenset(organisations),
        licenses=tuple(licence.path for licence in package.descriptor.licenses if licence.path),
    )


def import_name(requested: str | None, default: str, kind: str) -> str:
    """The name of an import (its file is ``imports/{kind}-{name}.ttl``): given, or made from ``default``."""
    name = requested if requested is not None else slugify(default)
    if not name or not _IMPORT_NAME.match(name):
        raise InputError(
            f"'{requested if requested is not None else default}' cannot name the {kind} import; "
            "give --name with lowercase letters, digits, '.', '_' or '-'"
        )
    return name


def local_name(text: str) -> str:
    """An IRI path segment for a natural key: kept as is when safe, else with unsafe runs turned to '-'."""
    stripped = text.strip()
    if _SAFE_LOCAL.match(stripped):
        return stripped
    cleaned = _UNSAFE_RUN.sub("-", stripped).strip("-.~")
    return cleaned or "x"


def short_hash(text: str, length: int = 8) -> str:
    """The first hex digits of the SHA-256 of a text (stable across runs and machines)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def unique_local_names(texts: Iterable[str]) -> dict[str, str]:
    """IRI segments for a set of texts, unique among them and independent of their order.

    Texts whose safe form clashes with another text's get a short hash of themselves appended, so the
    same set of texts always yields the same segments.
    """
    distinct = sorted(set(texts))
    by_local: dict[str, list[str]] = {}
    for text in distinct:
        by_local.setdefault(local_name(text), []).append(text)
    names: dict[str, str] = {}
    for local, group in by_local.items():
        for text in group:
            names[text] = local if len(group) == 1 else f"{local}-{short_hash(text)}"
    return names


def pseudonym(salt: str, value: str, length: int = 16) -> str:
    """A stable pseudonym of an identifier: a keyed hash (HMAC-SHA-256) with a secret salt, in hex.

    The same salt and value always give the same pseudonym; without the salt it cannot be recomputed
    from a guessed identifier.
    """
    return hmac.new(salt.encode("utf-8"), value.strip().encode("utf-8"), hashlib.sha256).hexdigest()[:length]


def resolve_salt(option: str | None, required_for: str) -> str:
    """The pseudonym salt: the option's value, else the ``ICGP_PSEUDONYM_SALT`` environment variable."""
    salt = option if option else os.environ.get(SALT_VARIABLE, "")
    if not salt:
        raise InputError(
            f"{required_for} needs a secret salt for pseudonyms: set the environment variable "
            f"{SALT_VARIABLE} (or pass --salt); keep it secret and reuse it so that ids stay stable"
        )
    if len(salt) < 8:
        raise InputError("the pseudonym salt is shorter than 8 characters; use a longer secret")
    return salt


class Triples:
    """A set of triples under construction, with small helpers for typed literals."""

    def __init__(self) -> None:
        self._triples: set[Triple] = set()
        self._nodes: dict[str, NamedNode] = {}

    def __len__(self) -> int:
        return len(self._triples)

    def node(self, iri: str) -> NamedNode:
        """A cached named node."""
        found = self._nodes.get(iri)
        if found is None:
            found = self._nodes[iri] = NamedNode(iri)
        return found

    def add(self, subject: str, predicate: str, obj: Term) -> None:
        """Add one triple; the subject and predicate are IRIs."""
        self._triples.add(Triple(self.node(subject), self.node(predicate), obj))

    def iri(self, subject: str, predicate: str, obj: str | None) -> None:
        """Add a triple whose object is an IRI (nothing if it is None or empty)."""
        if obj:
            self.add(subject, predicate, self.node(obj))

    def type(self, subject: str, *classes: str) -> None:
        """Type a resource."""
        for cls in classes:
            self.add(subject, str(RDF.type), self.node(cls))

    def text(self, subject: str, predicate: str, value: str | None, lang: str | None = None) -> None:
        """Add a plain or language-tagged string (nothing if empty)."""
        if value is None or value == "":
            return
        self.add(subject, predicate, Literal(value, language=lang) if lang else Literal(value))

    def typed(self, subject: str, predicate: str, value: str, datatype: str) -> None:
        """Add a literal with an XSD (or other) datatype."""
        self.add(subject, predicate, Literal(value, datatype=self.node(datatype)))

    def integer(self, subject: str, predicate: str, value: int, datatype: str = str(XSD.integer)) -> None:
        """Add an integer literal (xsd:integer unless another integer type is given)."""
        self.typed(subject, predicate, str(value), datatype)

    def sorted(self) -> list[Triple]:
        """Every triple, in a stable order (by their N-Triples text)."""
        return sorted(self._triples, key=str)


def turtle(triples: Triples) -> bytes:
    """The triples as sorted Turtle with the project's prefixes."""
    ordered = triples.sorted()
    text = "\n".join(str(triple) for triple in ordered)
    # Declare only the prefixes the file uses, so that each import file stays readable.
    used = {prefix: ns for prefix, ns in IMPORT_PREFIXES.items() if f"<{ns}" in text}
    data = serialize(ordered, format=RdfFormat.TURTLE, prefixes=used)
    assert data is not None  # serialize returns the bytes when no output is given
    return data if data.endswith(b"\n") else data + b"\n"


def write_import(target: ImportTarget, file_name: str, data: bytes, header: str) -> Path:
    """Write ``imports/{file_name}`` atomically (temporary file, then rename) and return its path.

    ``header`` becomes a comment block at the top saying what was imported from where; it must not
    contain secrets.
    """
    folder = target.imports_folder
    folder.mkdir(exist_ok=True)
    path = folder / file_name
    # A linked imports/ folder (or file) must not carry the import out of the package.
    home = target.folder.resolve()
    landing = path.resolve()
    if not landing.is_relative_to(home):
        raise InputError(
            f"{path} leads to {landing}, outside the package folder {home}; replace the link "
            f"'{IMPORTS_FOLDER.rstrip('/')}' with a real folder inside the package"
        )
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    write_atomically(path, comment.encode("utf-8") + data)
    return path


@dataclass
class ImportResult:
    """What an import wrote: the file, its triple count, counts by kind, warnings and unmapped items."""

    name: str
    path: Path
    triples: int
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    unmapped_cases: list[str] = field(default_factory=list)
