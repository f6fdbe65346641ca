"""Region codes anywhere: NUTS 2024 regions, ISO 3166-1 countries and ISO 3166-2 subdivisions.

A region cell (and the descriptor's ``region``) names one region by its code only: names are ambiguous
across levels and countries. NUTS is tried first, so a code both classifications share (``FR``, ``DE``)
means the NUTS country, as it always has; the NUTS country is linked to the ISO country in the ISO
vocabulary, so roll-ups along ``skos:broader*`` reach the same top either way.
"""

from __future__ import annotations

import difflib
import re

from kg.ontology.concepts import ConceptIndex, normalise

# The vocabularies a region code may come from, in the order a code is looked up.
REGION_SCHEMES: tuple[str, ...] = ("nuts", "iso3166")

# A NUTS code (two letters and up to three letters or digits) or an ISO 3166-2 code (a country code,
# '-' and up to three letters or digits). ISO 3166-1 alpha-2 codes are NUTS-shaped.
REGION_PATTERN = re.compile(r"^[A-Za-z]{2}(?:[A-Za-z0-9]{0,3}|-[A-Za-z0-9]{1,3})$", re.ASCII)

EXPECTED = (
    "a region code: NUTS 2024 (e.g. DE12), an ISO 3166-1 country (e.g. FR) or an ISO 3166-2 "
    "subdivision (e.g. US-CA)"
)

# Codes people write for a country whose ISO 3166-1 code differs (NUTS uses EL for Greece and, before
# 2020, UK for the United Kingdom). EL is a NUTS code and resolves as one; UK is in neither list.
_COUNTRY_ALIASES = {"UK": "GB"}


def resolve_region(concepts: ConceptIndex, code: str) -> str | None:
    """The IRI of the region whose code is ``code`` (any letter case), or None.

    Only codes count: a region's name resolves to nothing here (see :func:`suggest_regions`).
    """
    wanted = code.strip().casefold()
    for scheme in REGION_SCHEMES:
        iri = concepts.resolve(scheme, wanted)
        if iri is not None and concepts.slug(iri).casefold() == wanted:
            return iri
    return None


def suggest_regions(concepts: ConceptIndex, text: str, n: int = 3) -> list[str]:
    """Up to ``n`` region IRIs that ``text`` may have meant, best first.

    A region named by its name (``California``) gives that region; a mistyped ISO 3166-2 code gives
    close codes of the same country where there are any; otherwise the closest codes and names, NUTS
    before ISO unless the text has the ISO 3166-2 shape.
    """
    cleaned = text.strip()
    alias = _COUNTRY_ALIASES.get(cleaned.upper())
    aliased = resolve_region(concepts, alias) if alias is not None else None
    if aliased is not None:
        return [aliased]
    # A region's exact name first (any classification), then close codes and names.
    found = [iri for scheme in REGION_SCHEMES if (iri := concepts.resolve(scheme, cleaned)) is not None]
    country, dash, _ = cleaned.partition("-")
    if dash and len(country) == 2 and not found:
        prefix = country.upper() + "-"
        slugs = (concepts.slug(iri) for iri in concepts.concepts("iso3166"))
        codes = [code for code in slugs if code.startswith(prefix)]
        close = difflib.get_close_matches(cleaned.upper(), codes, n=n, cutoff=0.6)
        found = [iri for code in close if (iri := resolve_region(concepts, code)) is not None]
        if found:
            return found
    fuzzy: list[str] = []
    for scheme in REGION_SCHEMES[::-1] if dash else REGION_SCHEMES:
        fuzzy = concepts.suggest(scheme, normalise(cleaned), n)
        if fuzzy:
            break
    for iri in fuzzy:
        if iri not in found:
            found.append(iri)
    return found[:n]


def region_hint(concepts: ConceptIndex, text: str) -> str | None:
    """The regions ``text`` may have meant, as a message shows them (``'US-CA' (California)``), or None."""
    found = [concepts.display(iri) for iri in suggest_regions(concepts, text)]
    return " or ".join(found) if found else None
