"""What a vocabulary allows: its schemes and, per scheme, every concept with the names a cell may use."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from kg.errors import InputError
from kg.ontology.concepts import ConceptIndex, load_concepts, scheme_iri
from kg.ontology.namespaces import DCTERMS, SKOS

_NUMBERED = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Scheme:
    """One SKOS scheme: its short name (as in table schemas), title and number of concepts."""

    name: str
    title: str
    concepts: int


@dataclass(frozen=True)
class Entry:
    """One concept as a contributor names it in a cell: slug, notation or label."""

    slug: str
    notation: str
    label: str
    broader: str  # the slug of the broader concept, or "" for a top concept
    iri: str


def _natural(text: str) -> tuple[object, ...]:
    # T03.10 sorts after T03.9, as a reader expects.
    return tuple(int(part) if part.isdigit() else part.lower() for part in _NUMBERED.split(text))


def schemes(index: ConceptIndex | None = None) -> list[Scheme]:
    """Every scheme with at least one concept, by name."""
    index = index or load_concepts()
    found = []
    for name in index.schemes():
        iri = scheme_iri(name)
        title = index.value(iri, str(DCTERMS.title)) or index.value(iri, str(SKOS.prefLabel)) or name
        found.append(Scheme(name, title, len(index.concepts(name))))
    return found


def entries(scheme: str, index: ConceptIndex | None = None) -> list[Entry]:
    """Every concept of ``scheme`` in notation order; an unknown scheme raises InputError with suggestions."""
    index = index or load_concepts()
    if not index.has_scheme(scheme):
        names = index.schemes()
        close = difflib.get_close_matches(scheme.lower(), names, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise InputError(f"no vocabulary named '{scheme}'; {hint}the vocabularies are: {', '.join(names)}")
    rows = []
    for iri in index.concepts(scheme):
        broader = index.value(iri, str(SKOS.broader))
        rows.append(
            Entry(
                slug=index.slug(iri),
                notation=index.notation(iri) or "",
                label=index.label(iri) or "",
                broader=index.slug(broader) if broader and index.scheme_of(broader) == scheme else "",
                iri=iri,
            )
        )
    return sorted(rows, key=lambda e: (_natural(e.notation or e.slug), e.slug))
