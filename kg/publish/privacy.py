"""The privacy guard of public releases.

Two rules:

1. Coded quotes (the ``oa:TextQuoteSelector`` resources of coded segments, with their ``oa:exact`` text)
   and respondent-level survey answers (``icgp:SurveyResponse`` observations) are left out of a release
   unless the study descriptor marks them public (``public: {quotes: true, responses: true}``).
   Survey aggregates over fewer than ``MIN_CELL_SIZE`` respondents (``icgp:responseCount``) would expose
   those answers, so they are left out with them (an aggregate that states no count is left out too).
2. A release refuses to go out when a public graph names people:

   - a person resource (``icgp:Person`` and its sub-classes such as participants, respondents and
     coders, ``foaf:Person``, ``schema:Person``) with a name, label or mailbox, or with an identifier
     (``dcterms:identifier``, ``skos:notation``, the last segment of its IRI) that is not a pseudonym
     such as P01, R001 or C1;
   - an e-mail address anywhere: in a literal or an IRI (``mailto:``, a query such as ``?mail=a@b.org``,
     percent-encoded), with look-alikes such as the fullwidth at sign U+FF20 (text is NFKC-normalised
     first), or spelled out (``jane dot doe at example dot com``, ``jane [at] example [dot] com``);
   - any literal (codebook examples and definitions, titles, descriptions ...) that contains a name the
     same graph declares for a person, as a name property or a non-pseudonym identifier of a person.

   Free text is not searched for names the graph does not declare: telling an unknown personal name
   from an organisation or a place needs a list of names the study does not give.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store

from kg.build.serialize import node_value, select
from kg.errors import IcgpError
from kg.ontology.namespaces import DCTERMS, FOAF, ICGP, OA, RDF, RDFS, SCHEMA, SKOS

_TYPE = str(RDF.type)
_QUOTE_CLASS = str(OA.TextQuoteSelector)
_HAS_SELECTOR = str(OA.hasSelector)
_RESPONSE_CLASS = str(ICGP.SurveyResponse)
# ICGP's own person roles are listed too, so that the guard knows them without the ontology at hand.
_PERSON_CLASSES = {str(FOAF.Person), str(SCHEMA.Person), "http://schema.org/Person", str(ICGP.Person)} | {
    str(ICGP.StudyParticipant),
    str(ICGP.Respondent),
    str(ICGP.Coder),
}
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
# A local part is at most 64 characters (RFC 5321); the bound keeps the search linear on long words.
EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Spelled-out addresses. A bracketed "[at]"/"(at)" is enough to mark one; a bare " at " also needs a
# spelled dot in the domain, so that "available at zenodo.org" in prose is no address. Only the last
# word of the local part is matched: enough to find an address, and the search stays linear.
_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+)"
_ANY_DOT = rf"(?:{_DOT}|\.)"
_WORD = r"[A-Za-z0-9_%+-]{1,64}"
SPELLED_EMAIL = re.compile(
    rf"(?<![A-Za-z0-9_%+-]){_WORD}"
    rf"(?:\s*[\[({{<]\s*at\s*[\])}}>]\s*{_WORD}(?:{_ANY_DOT}{_WORD})*{_ANY_DOT}[A-Za-z]{{2,}}"
    rf"|\s+at\s+{_WORD}(?:{_ANY_DOT}{_WORD})*{_DOT}[A-Za-z]{{2,}})\b",
    re.IGNORECASE,
)
# What a person's identifier may look like: a pseudonym of at most four letters and a number (P01, R001,
# C1), or a hex key such as the survey importer's keyed hash or a UUID, in one or more parts (FG1-P03).
# Anything else (jane, jane-doe, JDoe) may be a name.
_PSEUDONYM_PART = r"(?:[A-Za-z]{0,4}[-_]?[0-9]+|[0-9a-fA-F]{4,64})"
PSEUDONYM = re.compile(rf"(?:[A-Za-z]{{0,4}}[-_]?[0-9]+|[0-9a-fA-F]{{8,64}})(?:[-_.]{_PSEUDONYM_PART})*")
# Properties that identify a resource; on a person they must hold pseudonyms.
IDENTIFIER_PROPERTIES = frozenset(
    {str(DCTERMS.identifier), str(SKOS.notation), str(SCHEMA.identifier), "http://schema.org/identifier"}
)
# Properties whose values are a person's name wherever they appear.
_NAME_PROPERTIES = frozenset(
    {str(FOAF.givenName), str(FOAF.familyName), str(FOAF.firstName), str(FOAF.lastName)}
    | {str(SCHEMA.givenName), str(SCHEMA.familyName), "http://www.w3.org/2006/vcard/ns#fn"}
)
# The smallest number of respondents a published survey aggregate may summarise (a minimum cell size):
# the mean of fewer answers gives away what the few respondents answered.
MIN_CELL_SIZE = 5
_AGGREGATE_CLASS = str(ICGP.SurveyAggregate)
_RESPONSE_COUNT = str(ICGP.responseCount)


_PUBLIC_QUOTES = str(ICGP.publicQuotes)
_PUBLIC_RESPONSES = str(ICGP.publicResponses)
_PUBLIC_CONTACTS = str(ICGP.publicContacts)
# An organisation's contact person and e-mail: personal data, built as a resource of this class.
_CONTACT_CLASSES = {str(SCHEMA.ContactPoint), "http://schema.org/ContactPoint"}


@dataclass(frozen=True)
class Policy:
    """What the study descriptor allows to be published."""

    public_quotes: bool = False
    public_responses: bool = False
    # Survey aggregates over fewer respondents are left out unless survey answers are public anyway.
    min_cell_size: int = MIN_CELL_SIZE
    public_contacts: bool = False


def recorded_policy(quads: Sequence[Quad]) -> Policy | None:
    """The privacy flags a stored study graph records, or None if it records none.

    A flag holds only when every value recorded for it is true: the builder records the descriptor's
    flags, so a statement from elsewhere in the graph (imported RDF in a store built before imports were
    refused from stating them) can narrow what is published but never widen it."""
    values: dict[str, set[str]] = {}
    flags = (_PUBLIC_QUOTES, _PUBLIC_RESPONSES, _PUBLIC_CONTACTS)
    for quad in quads:
        if quad.predicate.value in flags and isinstance(quad.object, Literal):
            values.setdefault(quad.predicate.value, set()).add(quad.object.value)
    if not values:
        return None
    holds = {name: values.get(name, {"false"}) == {"true"} for name in flags}
    return Policy(holds[_PUBLIC_QUOTES], holds[_PUBLIC_RESPONSES], public_contacts=holds[_PUBLIC_CONTACTS])


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
    small_cells: int = 0
    min_cell_size: int = MIN_CELL_SIZE
    contacts: int = 0

    def notes(self) -> list[str]:
        """What a release report should say about the survey aggregates and contact points left out."""
        notes = []
        if self.small_cells:
            notes.append(
                f"left out {self.small_cells} survey aggregate(s) over fewer than {self.min_cell_size} "
                "respondents (or stating no count): their means would give away the answers"
            )
        if self.contacts:
            notes.append(
                f"left out {self.contacts} contact point(s) (contact persons and e-mail addresses): personal "
                "data, published only when the descriptor says public: {contacts: true}"
            )
        return notes


def _typed(quads: Iterable[Quad], classes: set[str]) -> set[str]:
    return {
        node_value(q.subject)
        for q in quads
        if q.predicate.value == _TYPE
        and isinstance(q.object, NamedNode)
        and q.object.value in classes
        # blank nodes too: an imported quote or person need not have an IRI to be private
        and isinstance(q.subject, NamedNode | BlankNode)
    }


def small_cells(quads: Sequence[Quad], minimum: int = MIN_CELL_SIZE) -> set[str]:
    """Survey aggregates (and any resource with an ``icgp:responseCount``) over fewer than ``minimum``
    respondents. An aggregate with no count, or a count that is not a whole number, counts as small."""
    counts: dict[str, list[str]] = {}
    for q in quads:
        if q.predicate.value == _RESPONSE_COUNT and isinstance(q.object, Literal):
            counts.setdefault(node_value(q.subject), []).append(q.object.value)
    small = {s for s in _typed(quads, {_AGGREGATE_CLASS}) if s not in counts}
    for subject, values in counts.items():
        for value in values:
            text = value.strip()
            if not (text.isascii() and text.isdigit()) or int(text) < minimum:
                small.add(subject)
    return small


def strip_private(quads: Sequence[Quad], policy: Policy) -> Stripped:
    """Drop quotes, survey answers and contact points the policy does not make public, and survey
    aggregates over fewer than ``policy.min_cell_size`` respondents unless answers are public (every
    statement about them and every link to them)."""
    quotes = set() if policy.public_quotes else _typed(quads, {_QUOTE_CLASS})
    responses = set() if policy.public_responses else _typed(quads, {_RESPONSE_CLASS})
    cells = set() if policy.public_responses else small_cells(quads, policy.min_cell_size) - responses
    contacts = set() if policy.public_contacts else _typed(quads, _CONTACT_CLASSES)
    private = quotes | responses | cells | contacts
    if not private:
        return Stripped(list(quads), 0, 0, 0, policy.min_cell_size)
    kept = [
        q
        for q in quads
        if node_value(q.subject) not in private
        and not (isinstance(q.object, NamedNode | BlankNode) and q.object.value in private)
    ]
    return Stripped(kept, len(quotes), len(responses), len(cells), policy.min_cell_size, len(contacts))


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


def _normal(text: str) -> str:
    """``text`` as a reader sees it: percent-escapes decoded, look-alikes (fullwidth at, U+FF20) folded."""
    return unicodedata.normalize("NFKC", unquote(text))


def has_email(text: str) -> bool:
    """Whether ``text`` holds an e-mail address, written plainly, escaped, with look-alikes or spelled out."""
    normal = _normal(text)
    return bool(EMAIL.search(normal) or SPELLED_EMAIL.search(normal))


@lru_cache(maxsize=8192)  # a subject recurs in many statements
def _iri_has_email(iri: str) -> bool:
    return iri.lower().startswith("mailto:") or has_email(iri)


def _last_segment(iri: str) -> str:
    return re.split(r"[/#:]", iri.rstrip("/#"))[-1]


def _name_pattern(names: set[str]) -> re.Pattern[str] | None:
    """A pattern matching any of ``names`` as whole words, whatever the spacing and case."""
    parts = sorted(
        {" ".join(n.split()) for n in names if len(n.strip()) > 1 and not PSEUDONYM.fullmatch(n.strip())},
        key=len,
        reverse=True,
    )
    if not parts:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in p.split(" ")) for p in parts)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def find_personal_data(
    quads: Sequence[Quad], classes: set[str] | None = None, public_contacts: bool = False
) -> list[Finding]:
    """Statements in ``quads`` that would publish a person's name or an e-mail address, sorted.

    With ``public_contacts`` (the descriptor made contacts public), the contact points' own statements
    are allowed; an e-mail address anywhere else is still a finding."""
    persons = _typed(quads, classes if classes is not None else person_classes())
    allowed = _typed(quads, _CONTACT_CLASSES) if public_contacts else set()
    if allowed:
        quads = [q for q in quads if node_value(q.subject) not in allowed]
    findings: set[Finding] = set()
    names: set[str] = set()
    for person in persons:
        if "://" in person and not PSEUDONYM.fullmatch(_last_segment(person)):  # blank nodes have no IRI
            findings.add(Finding(person, _TYPE, person, "is a person's IRI that does not end in a pseudonym"))
    for q in quads:
        subject, predicate, value = node_value(q.subject), q.predicate.value, q.object
        text = node_value(value)
        if subject in persons and predicate in PERSONAL_PROPERTIES:
            findings.add(Finding(subject, predicate, text, "names or reaches a person"))
            if isinstance(value, Literal):
                names.add(value.value)
        elif (
            subject in persons
            and predicate in IDENTIFIER_PROPERTIES
            and not PSEUDONYM.fullmatch(text.strip())
        ):
            findings.add(Finding(subject, predicate, text, "identifies a person by other than a pseudonym"))
            names.add(text)
        elif predicate in _NAME_PROPERTIES:
            findings.add(Finding(subject, predicate, text, "is a person's name"))
            names.add(text)
        elif isinstance(value, Literal) and has_email(value.value):
            findings.add(Finding(subject, predicate, value.value, "contains an e-mail address"))
        elif isinstance(value, NamedNode) and value.value.lower().startswith("mailto:"):
            findings.add(Finding(subject, predicate, value.value, "is an e-mail address"))
        elif isinstance(value, NamedNode) and has_email(value.value):
            findings.add(Finding(subject, predicate, value.value, "holds an e-mail address"))
        if isinstance(q.subject, NamedNode) and _iri_has_email(subject):
            findings.add(Finding(subject, predicate, text, "is named by an IRI holding an e-mail address"))
    pattern = _name_pattern(names)
    if pattern is not None:
        flagged = {(f.resource, f.predicate, f.value) for f in findings}
        for q in quads:
            subject, predicate, value = node_value(q.subject), q.predicate.value, q.object
            if (
                isinstance(value, Literal)
                and (subject, predicate, value.value) not in flagged
                and pattern.search(_normal(value.value))
            ):
                findings.add(Finding(subject, predicate, value.value, "contains the name of a person"))
    return sorted(findings, key=lambda f: (f.resource, f.predicate, f.value))


def guard(quads: Sequence[Quad], classes: set[str] | None = None, public_contacts: bool = False) -> None:
    """Raise ``PrivacyError`` when ``quads`` (meant for a public graph) carry personal data (see
    :func:`find_personal_data`)."""
    findings = find_personal_data(quads, classes, public_contacts)
    if findings:
        raise PrivacyError(findings)
