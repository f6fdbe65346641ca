"""Look up vocabulary concepts by the names people write in table cells.

A cell may name a concept by its slug (the last part of its IRI), its ``skos:notation`` or an English
``skos:prefLabel``/``skos:altLabel``, in any letter case. The index is built once per process from the
bundled SKOS files (parsed with pyoxigraph, which reads the large NUTS file in a fraction of the time
rdflib needs) and also answers the per-concept properties the RDF builder needs.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph

from kg.errors import ResourceMissingError
from kg.files import FileStamp, file_stamp
from kg.ontology import resources
from kg.ontology.iso3166 import concept_statements, iso_regions
from kg.ontology.namespaces import VOCAB_BASE

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_IN_SCHEME = _SKOS + "inScheme"
_TOP_CONCEPT_OF = _SKOS + "topConceptOf"
_NOTATION = _SKOS + "notation"
_PREF_LABEL = _SKOS + "prefLabel"
_ALT_LABEL = _SKOS + "altLabel"
_HIDDEN_LABEL = _SKOS + "hiddenLabel"

# When two concepts of a scheme share a name, the stronger kind of name wins.
_PRIORITY_NOTATION, _PRIORITY_SLUG, _PRIORITY_PREF, _PRIORITY_ALT = range(4)

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The lookup key of a name: trimmed, case-folded, inner runs of spaces collapsed."""
    return _SPACES.sub(" ", text.strip()).casefold()


def scheme_iri(scheme: str) -> str:
    """The IRI of an ICGP scheme (``https://w3id.org/icgp/vocab/{scheme}``)."""
    return VOCAB_BASE + scheme


class ConceptIndex:
    """Concepts of the ICGP schemes, found by slug, notation or label, with their properties."""

    def __init__(self) -> None:
        self._keys: dict[str, dict[str, tuple[int, str]]] = {}
        self._concepts: dict[str, list[str]] = {}
        self._scheme_of: dict[str, str] = {}
        self._notation: dict[str, str] = {}
        self._label: dict[str, str] = {}
        self._props: dict[str, dict[str, list[str]]] = {}
        self._suggestions: dict[tuple[str, str, int], list[str]] = {}

    @classmethod
    def from_files(cls, paths: Iterable[Path], iso3166: bool = True) -> ConceptIndex:
        """Build an index from SKOS Turtle files; concepts belong to the scheme named by skos:inScheme.

        With ``iso3166`` (the default) the index also holds the ISO 3166 countries and subdivisions
        (scheme ``iso3166``), which come from pycountry rather than from a file."""
        index = cls()
        for path in paths:
            index._add_file(path)
        if iso3166:
            index._add_iso3166()
        index._finish()
        return index

    def _add_file(self, path: Path) -> None:
        try:
            triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
        except (OSError, SyntaxError) as exc:
            raise ResourceMissingError(f"the vocabulary file {path} could not be read: {exc}") from exc
        for triple in triples:
            subject = triple.subject
            if not isinstance(subject, pyoxigraph.NamedNode):
                continue
            obj = triple.object
            if isinstance(obj, pyoxigraph.NamedNode):
                self._add_statement(subject.value, triple.predicate.value, obj.value, None)
            elif isinstance(obj, pyoxigraph.Literal):
                self._add_statement(subject.value, triple.predicate.value, obj.value, obj.language)

    def _add_iso3166(self) -> None:
        # The ISO 3166 lists come from pycountry, not from a vocabulary file: see kg.ontology.iso3166.
        for region in iso_regions().values():
            for predicate, value, language, _ in concept_statements(region):
                self._add_statement(region.iri, predicate, value, language)

    def _add_statement(self, iri: str, predicate: str, text: str, language: str | None) -> None:
        self._props.setdefault(iri, {}).setdefault(predicate, []).append(text)
        if predicate in (_IN_SCHEME, _TOP_CONCEPT_OF) and text.startswith(VOCAB_BASE):
            self._scheme_of.setdefault(iri, text[len(VOCAB_BASE) :])
        elif predicate == _NOTATION:
            self._notation.setdefault(iri, text)
        elif predicate == _PREF_LABEL and (language == "en" or (language is None and iri not in self._label)):
            # An English label beats an untagged one.
            self._label[iri] = text

    def _finish(self) -> None:
        for iri in sorted(self._scheme_of):
            scheme = self._scheme_of[iri]
            self._concepts.setdefault(scheme, []).append(iri)
            keys = self._keys.setdefault(scheme, {})
            props = self._props.get(iri, {})
            names: list[tuple[int, str]] = [(_PRIORITY_SLUG, iri.rstrip("/").rsplit("/", 1)[-1])]
            names += [(_PRIORITY_NOTATION, n) for n in props.get(_NOTATION, [])]
            names += [(_PRIORITY_PREF, n) for n in props.get(_PREF_LABEL, [])]
            names += [(_PRIORITY_ALT, n) for n in props.get(_ALT_LABEL, []) + props.get(_HIDDEN_LABEL, [])]
            for priority, name in names:
                key = normalise(name)
                if not key:
                    continue
                known = keys.get(key)
                if known is None or priority < known[0]:
                    keys[key] = (priority, iri)

    def schemes(self) -> list[str]:
        """The names of the schemes that have at least one concept, sorted."""
        return sorted(self._concepts)

    def has_scheme(self, scheme: str) -> bool:
        """True if the scheme has at least one concept in the index."""
        return scheme in self._concepts

    def concepts(self, scheme: str) -> list[str]:
        """The IRIs of every concept of a scheme, sorted."""
        return list(self._concepts.get(scheme, []))

    def resolve(self, scheme: str, text: str) -> str | None:
        """The IRI of the concept of ``scheme`` named ``text`` (slug, notation or label, any case)."""
        found = self._keys.get(scheme, {}).get(normalise(text))
        return None if found is None else found[1]

    def suggest(self, scheme: str, text: str, n: int = 3) -> list[str]:
        """Up to ``n`` concept IRIs of ``scheme`` whose names are closest to ``text``, best first."""
        memo_key = (scheme, normalise(text), n)
        cached = self._suggestions.get(memo_key)
        if cached is not None:
            return list(cached)
        keys = self._keys.get(scheme, {})
        found: list[str] = []
        for key in difflib.get_close_matches(memo_key[1], list(keys), n=n * 4, cutoff=0.6):
            iri = keys[key][1]
            if iri not in found:
                found.append(iri)
            if len(found) == n:
                break
        self._suggestions[memo_key] = found
        return list(found)

    def scheme_of(self, iri: str) -> str | None:
        """The scheme a concept belongs to, or None if the IRI is not a known concept."""
        return self._scheme_of.get(iri)

    def notation(self, iri: str) -> str | None:
        """The skos:notation of a concept."""
        return self._notation.get(iri)

    def label(self, iri: str) -> str | None:
        """The English skos:prefLabel of a concept (an untagged one if there is no English label)."""
        return self._label.get(iri)

    def slug(self, iri: str) -> str:
        """The last part of a concept IRI (for NUTS regions, the NUTS code)."""
        return iri.rstrip("/").rsplit("/", 1)[-1]

    def display(self, iri: str) -> str:
        """How a concept is named in messages: ``'slug' (notation)``, or ``'CODE' (label)`` for NUTS."""
        slug = self.slug(iri)
        notation = self.notation(iri)
        if notation is None or notation == slug:
            label = self.label(iri)
            return f"'{slug}' ({label})" if label else f"'{slug}'"
        return f"'{slug}' ({notation})"

    def values(self, iri: str, predicate: str) -> list[str]:
        """Every value of a property of a concept, as IRIs or lexical forms, in file order."""
        return list(self._props.get(iri, {}).get(predicate, []))

    def value(self, iri: str, predicate: str) -> str | None:
        """The first value of a property of a concept, or None."""
        found = self._props.get(iri, {}).get(predicate)
        return found[0] if found else None

    def int_value(self, iri: str, predicate: str) -> int | None:
        """An integer property of a concept (e.g. icgp:maxEmployees, icgp:rank), or None."""
        found = self.value(iri, predicate)
        if found is None:
            return None
        try:
            return int(found)
        except ValueError:
            return None


@functools.lru_cache(maxsize=8)
def _cached_index(key: tuple[FileStamp, ...]) -> ConceptIndex:
    return ConceptIndex.from_files(Path(path) for path, _, _ in key)


def load_concepts(paths: Sequence[Path] | None = None) -> ConceptIndex:
    """The concept index of the given Turtle files (default: the bundled vocabularies), cached per process.

    The cache key includes each file's size and modification time, so an edited vocabulary is re-read.
    """
    files = resources.vocabulary_files() if paths is None else list(paths)
    key = []
    for path in files:
        try:
            key.append(file_stamp(path))
        except OSError as exc:
            raise ResourceMissingError(f"the vocabulary file {path} could not be read: {exc}") from exc
    return _cached_index(tuple(key))
