"""The privacy guard of public releases.

Two rules:

1. Coded quotes (the ``oa:TextQuoteSelector`` resources of coded segments, with their ``oa:exact`` text)
   and respondent-level survey answers (``icgp:SurveyResponse`` observations) are left out of a release
   unless the study descriptor marks them public (``public: {quotes: true, responses: true}``).
2. A release refuses to go out when a public graph names people: a person resource (``icgp:Person`` and
   its sub-classes, ``foaf:Person``, ``schema:Person``) with a name, label or mailbox, or any literal that
   looks like an e-mail address, or a ``mailto:`` IRI anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Quad, Store

from kg.build.serialize import node_value, select
from kg.errors import IcgpError
from kg.ontology.namespaces import FOAF, ICGP, OA, RDF, RDFS, SCHEMA

_TYPE = str(RDF.type)
_QUOTE_CLASS = str(OA.TextQuoteSelector)
_HAS_SELECTOR = str(OA.hasSelector)
_RESPONSE_CLASS = str(ICGP.SurveyResponse)
_PERSON_CLASSES = {str(FOAF.Person), str(SCHEMA.Person), "http://schema.org/Person", str(ICGP.Person)}
# Properties that name or reach a person; any of them on a person resource is a leak.
PERSONAL_PROPERTIES = frozenset(
    {
        str(FOAF.name),
        str(FOAF.mbox),
        str(FOAF.mbox_sha1sum),
        str(FOAF.givenName),
        str(FOAF.familyName),
        str(FOAF.firstName),
        str(FOAF.lastName),
        str(FOAF.nick),
        str(SCHEMA.name),
        str(SCHEMA.email),
        str(SCHEMA.givenName),
        str(SCHEMA.familyName),
        "http://schema.org/name",
        "http://schema.org/email",
        str(RDFS.label),
        "http://www.w3.org/2006/vcard/ns#fn",
        "http://www.w3.org/2006/vcard/ns#hasEmail",
    }
)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


_PUBLIC_QUOTES = str(ICGP.publicQuotes)
_PUBLIC_RESPONSES = str(ICGP.publicResponses)


@dataclass(frozen=True)
class Policy:
    """What the study descriptor allows to be published."""

    public_quotes: bool = False
    public_responses: bool = False


def recorded_policy(quads: Sequence[Quad]) -> Policy | None:
    """The privacy flags a built study graph records on its data set, or None if it records none."""
    flags: dict[str, bool] = {}
    for quad in quads:
        if quad.predicate.value in (_PUBLIC_QUOTES, _PUBLIC_RESPONSES) and isinstance(quad.object, Literal):
            flags[quad.predicate.value] = quad.object.value == "true"
    if not flags:
        return None
    return Policy(flags.get(_PUBLIC_QUOTES, False), flags.get(_PUBLIC_RESPONSES, False))


@dataclass(frozen=True)
class Finding:
    """One statement that would publish personal data: the resource, the property and the value."""

    resource: str
    predicate: str
    value: str
    reason: str


class PrivacyError(IcgpError):
    """A public graph would carry personal data; ``findings`` lists every offending statement."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        resources = sorted({f.resource for f in self.findings})
        shown = ", ".join(f"<{r}>" for r in resources[:10])
        more = f" and {len(resources) - 10} more" if len(resources) > 10 else ""
        super().__init__(
            f"refusing to release: {len(resources)} resource(s) in a public graph carry personal names or "
            f"e-mail addresses: {shown}{more}. Remove the names (keep pseudonyms such as P01) and "
            "build again."
        )


@dataclass(frozen=True)
class Stripped:
    """Quads kept for publication and how many private resources were left out, by kind."""

    quads: list[Quad]
    quotes: int
    responses: int


def _typed(quads: Iterable[Quad], classes: set[str]) -> set[str]:
    return {
        node_value(q.subject)
        for q in quads
        if q.predicate.value == _TYPE
        and isinstance(q.object, NamedNode)
        and q.object.value in classes
        and isinstance(q.subject, NamedNode)
    }


def strip_private(quads: Sequence[Quad], policy: Policy) -> Stripped:
    """Drop quotes and survey answers the policy does not make public (every statement about them and
    every link to them)."""
    quotes = set() if policy.public_quotes else _typed(quads, {_QUOTE_CLASS})
    responses = set() if policy.public_responses else _typed(quads, {_RESPONSE_CLASS})
    private = quotes | responses
    if not private:
        return Stripped(list(quads), 0, 0)
    kept = [
        q
        for q in quads
        if node_value(q.subject) not in private
        and not (isinstance(q.object, NamedNode) and q.object.value in private)
    ]
    return Stripped(kept, len(quotes), len(responses))


def person_classes(ontology: Store | None = None) -> set[str]:
    """The person classes: the fixed list plus every sub-class of them in ``ontology`` (if given)."""
    classes = set(_PERSON_CLASSES)
    if ontology is not None:
        query = """
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT DISTINCT ?c WHERE { ?c rdfs:subClassOf+ ?person . VALUES ?person { %s } }
        """ % " ".join(f"<{c}>" for c in sorted(_PERSON_CLASSES))  # noqa: UP031 - SPARQL braces
        rows = select(ontology, query, use_default_graph_as_union=True)
        classes |= {node_value(row["c"]) for row in rows}
    return classes


def find_personal_data(quads: Sequence[Quad], classes: set[str] | None = None) -> list[Finding]:
    """Statements in ``quads`` that would publish a person's name or an e-mail address, sorted."""
    persons = _typed(quads, classes if classes is not None else person_classes())
    findings: set[Finding] = set()
    for q in quads:
        subject, predicate, value = node_value(q.subject), q.predicate.value, q.object
        if subject in persons and predicate in PERSONAL_PROPERTIES:
            findings.add(Finding(subject, predicate, node_value(value), "names or reaches a person"))
        elif isinstance(value, Literal) and EMAIL.search(value.value):
            findings.add(Finding(subject, predicate, value.value, "contains an e-mail address"))
        elif isinstance(value, NamedNode) and value.value.lower().startswith("mailto:"):
            findings.add(Finding(subject, predicate, value.value, "is an e-mail address"))
    return sorted(findings, key=lambda f: (f.resource, f.predicate, f.value))


def guard(quads: Sequence[Quad], classes: set[str] | None = None) -> None:
    """Raise ``PrivacyError`` when ``quads`` (meant for a public graph) carry personal data."""
    findings = find_personal_data(quads, classes)
    if findings:
        raise PrivacyError(findings)
