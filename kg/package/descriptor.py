"""The ``datapackage.yaml`` descriptor of a study package: the records it is read into.

The descriptor follows the Frictionless Data Package style (name, title, description, licenses,
contributors, resources) and adds the study's period, region, methods, language, base IRI and privacy
flags. :mod:`kg.package.descriptor_checks` reads the parsed YAML into these records and reports every
problem with it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.ontology.namespaces import DEFAULT_DATA_BASE

DESCRIPTOR = "datapackage.yaml"


@dataclass(frozen=True)
class License:
    """A licence of the study data (Frictionless ``licenses`` entry)."""

    path: str
    name: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Contributor:
    """A person or organisation credited for the study (Frictionless ``contributors`` entry)."""

    title: str
    role: str | None = None
    organization: str | None = None
    email: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class Descriptor:
    """The study described by ``datapackage.yaml``, with defaults filled in.

    Fields that were missing or wrong hold a fallback (empty text, None); the descriptor problems say
    which. ``region`` is the NUTS code as written (upper-cased); ``raw`` is the parsed YAML mapping and
    ``lines`` the line of each top-level field (``key.sub`` for nested entries).
    """

    name: str
    title: str
    description: str | None = None
    version: str | None = None
    licenses: tuple[License, ...] = ()
    contributors: tuple[Contributor, ...] = ()
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    region: str | None = None
    methods: tuple[str, ...] = ()
    language: str | None = None
    base: str = DEFAULT_DATA_BASE
    public_quotes: bool = False
    public_responses: bool = False
    public_contacts: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)


def slugify(text: str) -> str:
    """A lowercase slug of ASCII letters and digits joined by ``-`` (empty if nothing is left)."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))
