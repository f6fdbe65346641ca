"""Entity pages: a readable page, and the description as RDF, for every instance IRI of a study.

An instance IRI is ``{base}{study}/{kind}/{local-id}`` (docs/architecture.md). Its page lives at the site
path ``id/{study}/{kind}/{local-id}``: the base is mapped to the site's ``id/`` folder, so that with the
default base ``https://w3id.org/icgp/id/`` the site path is the IRI's path under ``https://w3id.org/icgp/``,
which is what the w3id redirect forwards. ``icgp serve`` answers at ``/`` + site path; a release writes
the site path plus ``.html``, ``.ttl``, ``.jsonld`` and ``.nt`` (``id/mini/cluster/mobility.html`` ...),
flat in the kind's folder.

A page shows the entity's label, its types, every statement about it (labels for the reader, IRIs in
``href``), the statements that link to it and, for a cluster, its members, activities, latest assessment
and a link to its section of the growth-pole report. The RDF of an entity is its outgoing triples, with
the statements about blank nodes it reaches (none in ICGP's own data): nothing else, so it parses to
exactly the entity's description. Labels of linked things are on the page, not in the RDF.

The site is built from the quads given: callers pass what they may publish (a release's stripped and
guarded graphs, ``icgp serve``'s servable quads), so quotes and survey answers that a study keeps private
are neither pages nor links. Pages are XHTML-compatible HTML5 sharing one stylesheet (``id/style.css``,
the report's styles and a few more): no script, nothing fetched from elsewhere.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from kg.build.serialize import serialize_ordered, sorted_triples
from kg.build.store import STAGING_PREFIX
from kg.ontology.namespaces import DCTERMS, FOAF, ICGP, ORG, RDF, RDFS, SCHEMA, SKOS
from kg.publish.report.style import CSS

SITE_FOLDER = "id"
INDEX_PATH = f"{SITE_FOLDER}/index.html"
STYLE_PATH = f"{SITE_FOLDER}/style.css"  # one stylesheet for every page
# The RDF formats of an entity: suffix -> media type.
RDF_FORMATS = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}
HTML_MEDIA = "text/html"
# Accept media types -> the suffix that answers them ("html" for the page).
MEDIA_FORMATS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    **{media: suffix for suffix, media in RDF_FORMATS.items()},
}
# The suffixes of the site's files: a path segment ending in one could be taken for a file of the site
# (``x.ttl`` is the Turtle of ``x``), and the folder ``x.ttl/`` of ``x.ttl/y`` would clash with that file.
FILE_SUFFIXES = ("html", "css", *RDF_FORMATS)
_SEGMENT = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*")
_FILE_NAME = re.compile(rf".*\.({'|'.join(FILE_SUFFIXES)})")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_INCOMING = 1000  # links to an entity listed on its page; the rest are counted

_TYPE = str(RDF.type)
_LABELS = (str(SKOS.prefLabel), str(RDFS.label), str(DCTERMS.title), str(SCHEMA.name), str(FOAF.name))
_CLUSTER = str(ICGP.InnovationCluster)
_SUBCLASS = str(RDFS.subClassOf)
_HAS_MEMBER = str(ORG.hasMember)
_MEMBER = str(ORG.member)
_ORGANIZATION = str(ORG.organization)
_ROLE = str(ORG.role)
_IN_CLUSTER = str(ICGP.organisedInCluster)
_ASSESSED = str(ICGP.assessedEntity)
_GROWTH_POLE_ASSESSMENT = str(ICGP.GrowthPoleAssessment)
_STUDIED_IN = str(ICGP.studiedIn)
_IDENTIFIER = str(DCTERMS.identifier)
_PERIOD = str(ICGP.assessmentPeriod)
_END = str(SCHEMA.endDate)
_GENERATED = "http://www.w3.org/ns/prov#generatedAtTime"
_ASSESSMENT_FACTS = (
    ("Verdict", str(ICGP.overallVerdict)),
    ("Roadmap stage reached", str(ICGP.roadmapStage)),
    ("Next stage", str(ICGP.nextStage)),
    ("Growth-pole index", str(ICGP.growthPoleIndex)),
)

STYLE = (
    CSS
    + """
p.iri { font-family: "DejaVu Sans Mono", monospace; font-size: 0.85rem; color: #444444;
  overflow-wrap: anywhere; }
nav.site { font-size: 0.9rem; }
ul.entities { columns: 2; }
td.value a, td a { overflow-wrap: anywhere; }
"""
)


def esc(text: object) -> str:
    """Text for an element or attribute: escaped, with characters XML forbids removed."""
    return html.escape(_NOT_XML.sub("", str(text)), quote=True)


def study_prefixes(graph_names: Iterable[str]) -> dict[str, str]:
    """The study prefix ``{base}{study}/`` of every study graph (``{base}{study}/graph`` and its
    assessments' ``{base}{study}/assessment/graph``), with its base ``{base}``."""
    found: dict[str, str] = {}
    for name in graph_names:
        if name.startswith(STAGING_PREFIX) or not name.endswith("/graph"):
            continue
        prefix = name.removesuffix("graph")
        prefix = prefix.removesuffix("assessment/") if prefix.endswith("/assessment/") else prefix
        base = prefix.rstrip("/").rsplit("/", 1)[0] + "/"
        if "://" in base and not base.endswith("://"):  # else no segment is left for the study
            found[prefix] = base
    return found


def site_path(iri: str, prefixes: dict[str, str]) -> str | None:
    """The site path of ``iri`` (``id/{study}/{kind}/{local-id}``), or None when it is no instance IRI of
    a study or cannot be a folder name (a segment outside ``A-Za-z0-9._~-``, a dot segment, one ending in
    the suffix of a file of the site: ``.html``, ``.css``, ``.ttl``, ``.jsonld``, ``.nt``)."""
    for prefix, base in prefixes.items():
        if iri.startswith(prefix) and len(iri) > len(prefix):
            segments = iri[len(base) :].split("/")
            if all(_SEGMENT.fullmatch(s) and not _FILE_NAME.fullmatch(s) for s in segments):
                return "/".join([SITE_FOLDER, *segments])
    return None


class Links(Protocol):
    """Where a page's links point: to other entities, to their RDF, and to other files of the site."""

    def entity(self, path: str) -> str:
        """The href of the page of the entity at site path ``path``."""
        ...

    def data(self, path: str, suffix: str) -> str:
        """The href of the entity's RDF in the format ``suffix``."""
        ...

    def file(self, path: str) -> str:
        """The href of a file of the site (``report/mini.html``, ``id/index.html``)."""
        ...


@dataclass(frozen=True)
class StaticLinks:
    """Links relative to the folder ``here`` of a static page (for an entity, the parent of its site
    path), to the files ``{path}.html``, ``{path}.ttl`` ...: the site can be moved and opened from disk."""

    here: str

    def entity(self, path: str) -> str:
        """See :class:`Links`."""
        return _relative(f"{path}.html", self.here)

    def data(self, path: str, suffix: str) -> str:
        """See :class:`Links`."""
        return _relative(f"{path}.{suffix}", self.here)

    def file(self, path: str) -> str:
        """See :class:`Links`."""
        return _relative(path, self.here)


def _relative(path: str, here: str) -> str:
    """``path`` relative to the folder ``here``, both site paths without dot segments (what
    ``posixpath.relpath`` gives, at a fraction of its cost on a release's thousands of links)."""
    target, start = path.split("/"), here.split("/")
    common = 0
    while common < min(len(target) - 1, len(start)) and target[common] == start[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:])


class ServedLinks:
    """Links of ``icgp serve``: absolute paths on the server, entities at their IRI's path."""

    def entity(self, path: str) -> str:
        """See :class:`Links`."""
        return f"/{path}"

    def data(self, path: str, suffix: str) -> str:
        """See :class:`Links`."""
        return f"/{path}.{suffix}"

    def file(self, path: str) -> str:
        """See :class:`Links`."""
        return f"/{path}"


def _rank(term: Literal) -> int:
    return {"en": 0, "": 1}.get(term.language or "", 2)


def report_anchor(cluster_id: str) -> str:
    """The id of a cluster's section in the growth-pole report (``cluster-`` and the cluster's id, with
    anything but letters, digits, ``_`` and ``-`` turned into ``-``, as the report writes it)."""
    return "cluster-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", cluster_id).strip("-") or "x")


def report_name(study: str) -> str:
    """The file name (without ``.html``) of a study's page of the growth-pole report: the last segment of
    its IRI, kept to safe characters, as the report names it."""
    name = study.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name).strip(".-")
    return safe or "study"


class Site:
    """The entity pages of every study in ``quads`` (published quads only: see the module docstring).

    ``reports`` are the site paths of the report pages that exist (``report/mini.html``); None means
    unknown (``icgp serve`` makes them on request), and a cluster page then links its study's page."""

    def __init__(self, quads: Iterable[Quad], reports: Iterable[str] | None = None) -> None:
        self.reports = None if reports is None else set(reports)
        self._links: dict[tuple[str, Links], str] = {}  # the HTML of a link, by target and link style
        outgoing: dict[str, set[Triple]] = defaultdict(set)
        incoming: dict[str, set[tuple[str, str]]] = defaultdict(set)
        graphs: set[str] = set()
        for quad in quads:
            if isinstance(quad.graph_name, NamedNode):
                graphs.add(quad.graph_name.value)
            key = _key(quad.subject)
            outgoing[key].add(quad.triple)
            if isinstance(quad.object, NamedNode) and isinstance(quad.subject, NamedNode):
                incoming[quad.object.value].add((quad.subject.value, quad.predicate.value))
        self._out = dict(outgoing)
        self._in = dict(incoming)
        self.prefixes = study_prefixes(graphs)
        self.labels = self._labels()
        clusters = self._subclasses(_CLUSTER)
        self.paths: dict[str, str] = {}
        for iri in sorted({*(k for k in self._out if not k.startswith("_:")), *self._in}):
            path = site_path(iri, self.prefixes)
            if path is not None:
                self.paths[iri] = path
        self.iris = {path: iri for iri, path in self.paths.items()}
        self.clusters = {iri for iri in self.paths if clusters & set(self.objects(iri, _TYPE))}

    def _labels(self) -> dict[str, str]:
        best: dict[str, tuple[int, int, str]] = {}
        for key, triples in self._out.items():
            for t in triples:
                if t.predicate.value in _LABELS and isinstance(t.object, Literal):
                    rank = (_LABELS.index(t.predicate.value), _rank(t.object), t.object.value)
                    if key not in best or rank < best[key]:
                        best[key] = rank
        return {key: rank[2] for key, rank in best.items()}

    def _subclasses(self, cls: str) -> set[str]:
        found, todo = {cls}, [cls]
        while todo:
            parent = todo.pop()
            for child, predicate in self._in.get(parent, ()):
                if predicate == _SUBCLASS and child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    def objects(self, subject: str, predicate: str) -> list[str]:
        """The values (IRIs or lexical forms) of ``predicate`` on ``subject``, sorted."""
        return sorted(_key(t.object) for t in self._out.get(subject, ()) if t.predicate.value == predicate)

    def subjects(self, predicate: str, obj: str) -> list[str]:
        """The IRIs that link to ``obj`` by ``predicate``, sorted."""
        return sorted(s for s, p in self._in.get(obj, ()) if p == predicate)

    def label(self, iri: str) -> str:
        """What a reader sees for ``iri``: its label; else, for an entity, its kind and local id
        (``membership mobility/acme/member``); else its local name."""
        if iri in self.labels:
            return self.labels[iri]
        path = self.paths.get(iri)
        if path is not None and path.count("/") >= 3:
            _, _, kind, local = path.split("/", 3)
            return f"{kind.replace('-', ' ')} {local}"
        local = re.split(r"[/#]", iri.rstrip("/#"))[-1]
        return local or iri

    def resolve(self, path: str) -> tuple[str, str | None] | None:
        """The entity IRI and the format that a server path names: None (by content negotiation) for the
        IRI's own path ``/id/.../x``, ``html`` or an RDF suffix for a file of the static layout
        (``/id/.../x.html``, ``/id/.../x.ttl`` ...)."""
        path = path.strip("/")
        if path in self.iris:
            return self.iris[path], None
        stem, _, suffix = path.rpartition(".")
        if (suffix in RDF_FORMATS or suffix == "html") and stem in self.iris:
            return self.iris[stem], suffix
        return None

    # -- RDF ------------------------------------------------------------------------------------------

    def description(self, iri: str) -> list[Triple]:
        """The entity's outgoing triples and those of the blank nodes they reach."""
        found: set[Triple] = set()
        todo, seen = [iri], {iri}
        while todo:
            for t in self._out.get(todo.pop(), ()):
                found.add(t)
                if isinstance(t.object, BlankNode) and _key(t.object) not in seen:
                    seen.add(_key(t.object))
                    todo.append(_key(t.object))
        return list(found)

    def rdf(self, iri: str, suffix: str) -> bytes:
        """The description of ``iri`` as Turtle (``ttl``), N-Triples (``nt``) or JSON-LD (``jsonld``),
        written deterministically. The JSON-LD is in expanded form, as pyoxigraph writes it (compacted
        with ICGP's context it would cost a release thousands of compactions)."""
        return self.rdf_files(iri, (suffix,))[suffix]

    def rdf_files(self, iri: str, suffixes: Iterable[str] = RDF_FORMATS) -> dict[str, bytes]:
        """``rdf(iri, suffix)`` for each of ``suffixes``, the description sorted once for all of them."""
        quads = [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in self.description(iri)]
        triples = sorted_triples(quads)
        return {
            suffix: (
                bytes(serialize(triples, format=RdfFormat.JSON_LD) or b"") + b"\n"
                if suffix == "jsonld"
                else serialize_ordered(triples, suffix)
            )
            for suffix in suffixes
        }

    # -- HTML -----------------------------------------------------------------------------------------

    def _link(self, iri: str, links: Links) -> str:
        # Pages of one folder link the same types, properties and neighbours over and over.
        key = (iri, links)
        found = self._links.get(key)
        if found is None:
            path = self.paths.get(iri)
            href = links.entity(path) if path is not None else iri
            found = self._links[key] = f'<a href="{esc(href)}" title="{esc(iri)}">{esc(self.label(iri))}</a>'
        return found

    def _value(self, term: NamedNode | BlankNode | Literal | Triple, links: Links, depth: int = 0) -> str:
        if isinstance(term, NamedNode):
            return self._link(term.value, links)
        if isinstance(term, Literal):
            lang = f' lang="{esc(term.language)}"' if term.language else ""
            return f"<span{lang}>{esc(term.value)}</span>"
        if isinstance(term, BlankNode) and depth < 3:
            rows = sorted(
                self._out.get(_key(term), ()), key=lambda t: (self.label(t.predicate.value), str(t))
            )
            items = "".join(
                f"<li>{self._link(t.predicate.value, links)}: {self._value(t.object, links, depth + 1)}</li>"
                for t in rows
            )
            return f"<ul>{items}</ul>" if items else "(blank node)"
        return esc(str(term))

    def page(self, iri: str, links: Links) -> str:
        """The HTML page of the entity ``iri`` (one of ``paths``)."""
        path = self.paths[iri]
        title = self.label(iri)
        types = self.objects(iri, _TYPE)
        alternates = [
            f'<link rel="alternate" type="{media}" href="{esc(links.data(path, suffix))}"/>'
            for suffix, media in RDF_FORMATS.items()
        ]
        formats = " · ".join(
            f'<a href="{esc(links.data(path, suffix))}" type="{media}">{name}</a>'
            for (suffix, media), name in zip(
                RDF_FORMATS.items(), ("Turtle", "JSON-LD", "N-Triples"), strict=True
            )
        )
        body = [
            "<header>",
            f'<nav class="site"><a href="{esc(links.file(INDEX_PATH))}">All entities</a></nav>',
            f"<h1>{esc(title)}</h1>",
            f'<p class="iri">{esc(iri)}</p>',
            "<p>Type: "
            + (", ".join(self._link(t, links) for t in sorted(types, key=self.label)) or "none stated")
            + f". Its description as {formats}.</p>",
            "</header>",
            "<main>",
        ]
        if iri in self.clusters:
            body += self._cluster(iri, links)
        body += self._properties(iri, links)
        body += self._incoming(iri, links)
        body.append("</main>")
        return _document(title, body, alternates, links)

    def _properties(self, iri: str, links: Links) -> list[str]:
        triples = sorted(
            (t for t in self._out.get(iri, ()) if t.predicate.value != _TYPE),
            key=lambda t: (self.label(t.predicate.value), t.predicate.value, _sort_text(self, t.object)),
        )
        rows = [
            f'<tr><th scope="row">{self._link(t.predicate.value, links)}</th>'
            f'<td class="value">{self._value(t.object, links)}</td></tr>'
            for t in triples
        ]
        return [
            '<section id="properties">',
            "<h2>Properties</h2>",
            *(
                [
                    '<table><thead><tr><th scope="col">property</th><th scope="col">value</th></tr></thead>',
                    "<tbody>",
                    *rows,
                    "</tbody></table>",
                ]
                if rows
                else ["<p>None but its type.</p>"]
            ),
            "</section>",
        ]

    def _incoming(self, iri: str, links: Links) -> list[str]:
        found = sorted(
            self._in.get(iri, ()), key=lambda sp: (self.label(sp[1]), sp[1], self.label(sp[0]), sp[0])
        )
        rows = [
            f"<tr><td>{self._link(s, links)}</td><td>{self._link(p, links)}</td></tr>"
            for s, p in found[:MAX_INCOMING]
        ]
        more = (
            [f'<p class="note">and {len(found) - MAX_INCOMING} more, not listed here.</p>']
            if len(found) > MAX_INCOMING
            else []
        )
        return [
            '<section id="incoming">',
            "<h2>Links to this</h2>",
            *(
                [
                    '<table><thead><tr><th scope="col">from</th><th scope="col">by</th></tr></thead>',
                    "<tbody>",
                    *rows,
                    "</tbody></table>",
                    *more,
                ]
                if rows
                else ["<p>Nothing in the data links here.</p>"]
            ),
            "</section>",
        ]

    def _cluster(self, iri: str, links: Links) -> list[str]:
        roles: dict[str, list[str]] = defaultdict(list)
        for membership in self.subjects(_ORGANIZATION, iri):
            for member in self.objects(membership, _MEMBER):
                roles[member] += [self.label(r) for r in self.objects(membership, _ROLE)]
        members = sorted({*self.objects(iri, _HAS_MEMBER), *roles}, key=lambda m: (self.label(m), m))
        member_items = [
            f"<li>{self._link(m, links)}"
            + (f" ({esc(', '.join(sorted(set(roles[m]))))})" if roles.get(m) else "")
            + "</li>"
            for m in members
        ]
        activities = sorted(self.subjects(_IN_CLUSTER, iri), key=lambda a: (self.label(a), a))
        lines = [
            '<section id="cluster">',
            f"<h2>Members ({len(members)})</h2>",
            f'<ul class="members">{"".join(member_items)}</ul>' if member_items else "<p>None recorded.</p>",
            f"<h2>Activities ({len(activities)})</h2>",
            (
                '<ul class="activities">'
                + "".join(f"<li>{self._link(a, links)}</li>" for a in activities)
                + "</ul>"
                if activities
                else "<p>None recorded.</p>"
            ),
            "<h2>Latest assessment</h2>",
        ]
        assessment = self.latest_assessment(iri)
        if assessment is None:
            lines.append("<p>Not assessed in these data.</p>")
        else:
            facts = [
                f'<tr><th scope="row">{esc(name)}</th><td>'
                + ", ".join(self._values(assessment, p, links))
                + "</td></tr>"
                for name, p in _ASSESSMENT_FACTS
                if self.objects(assessment, p)
            ]
            lines.append(f"<p>{self._link(assessment, links)}</p>")
            if facts:
                lines.append(f'<table class="assessment"><tbody>{"".join(facts)}</tbody></table>')
        report = self.report_link(iri)
        if report is not None:
            lines.append(
                f'<p><a class="report" href="{esc(links.file(report[0]) + "#" + report[1])}">'
                "This cluster in the growth-pole report</a></p>"
            )
        lines.append("</section>")
        return lines

    def _values(self, subject: str, predicate: str, links: Links) -> list[str]:
        values = sorted(
            (t.object for t in self._out.get(subject, ()) if t.predicate.value == predicate),
            key=lambda o: _sort_text(self, o),
        )
        return [self._value(v, links) for v in values]

    def latest_assessment(self, cluster: str) -> str | None:
        """The cluster's growth-pole assessment of the latest period (the latest made, on a tie)."""
        found = [
            a for a in self.subjects(_ASSESSED, cluster) if _GROWTH_POLE_ASSESSMENT in self.objects(a, _TYPE)
        ]

        def when(assessment: str) -> tuple[str, str, str]:
            ends = [e for p in self.objects(assessment, _PERIOD) for e in self.objects(p, _END)]
            made = self.objects(assessment, _GENERATED)
            return (max(ends, default=""), max(made, default=""), assessment)

        return max(found, key=when) if found else None

    def report_link(self, cluster: str) -> tuple[str, str] | None:
        """The report page (site path) and the anchor of the cluster's section, when the page exists."""
        studies = self.objects(cluster, _STUDIED_IN)
        page = f"report/{report_name(studies[0])}.html" if studies else "report/study.html"
        if self.reports is not None and page not in self.reports:
            return None
        identifiers = self.objects(cluster, _IDENTIFIER)
        return page, report_anchor(identifiers[0] if identifiers else cluster.rsplit("/", 1)[-1])

    def index(self, links: Links) -> str:
        """The page that lists every entity, grouped by type."""
        groups: dict[str, list[str]] = defaultdict(list)
        for iri in self.paths:
            for cls in self.objects(iri, _TYPE) or [""]:
                groups[cls].append(iri)
        body = ["<header>", "<h1>Entities of the knowledge graph</h1>"]
        body.append(f"<p>{len(self.paths)} entities, by type.</p>")
        body += ["</header>", "<main>"]
        for cls in sorted(groups, key=lambda c: (c == "", self.label(c) if c else "", c)):
            name = self.label(cls) if cls else "Without a type"
            items = sorted(groups[cls], key=lambda i: (self.label(i), i))
            body.append(f'<section id="type-{esc(_anchor(cls))}"><h2>{esc(name)} ({len(items)})</h2>')
            body.append(
                '<ul class="entities">'
                + "".join(f"<li>{self._link(i, links)}</li>" for i in items)
                + "</ul></section>"
            )
        body.append("</main>")
        return _document("Entities of the knowledge graph", body, [], links)

    def not_found(self, path: str, links: Links) -> str:
        """The page for a path that names no entity."""
        body = [
            "<header>",
            f'<nav class="site"><a href="{esc(links.file(INDEX_PATH))}">All entities</a></nav>',
            "<h1>Not found</h1>",
            "</header>",
            "<main>",
            f"<p>No entity of the served data has the path <code>{esc(path)}</code>. It may not exist, or it "
            "may be private (quotes and survey answers are published only where the study allows).</p>",
            "</main>",
        ]
        return _document("Not found", body, [], links)


def _key(term: NamedNode | BlankNode | Literal | Triple) -> str:
    """The index key of a term: an IRI, ``_:`` and a blank node's label, a literal's lexical form."""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return term.value if isinstance(term, NamedNode | Literal) else str(term)


def _sort_text(site: Site, term: NamedNode | BlankNode | Literal | Triple) -> str:
    return site.label(term.value) if isinstance(term, NamedNode) else str(term)


def _anchor(iri: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]).strip("-") or "other"


def _document(title: str, body: Sequence[str], head: Sequence[str], links: Links) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">',
            "<head>",
            '<meta charset="utf-8"/>',
            '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
            '<meta name="generator" content="ICGP"/>',
            f"<title>{esc(title)} · ICGP</title>",
            *head,
            f'<link rel="stylesheet" href="{esc(links.file(STYLE_PATH))}"/>',
            "</head>",
            "<body>",
            *body,
            '<footer><p class="note">Made by ICGP from the published data: quotes and survey answers appear '
            "only where the study makes them public.</p></footer>",
            "</body>",
            "</html>",
            "",
        ]
    )


def negotiate(accept: Sequence[str]) -> str | None:
    """The format (``html`` or an RDF suffix) for media types ranked best first (see serve's
    ``_accepts``): the first one offered; a wildcard or no Accept gives the page; None if nothing fits."""
    if not accept:
        return "html"
    for media in accept:
        if media in MEDIA_FORMATS:
            return MEDIA_FORMATS[media]
        if media in ("*/*", "text/*"):
            return "html"
        if media == "application/*":
            return "jsonld"
    return None


__all__ = [
    "HTML_MEDIA",
    "INDEX_PATH",
    "RDF_FORMATS",
    "SITE_FOLDER",
    "STYLE",
    "STYLE_PATH",
    "Links",
    "ServedLinks",
    "Site",
    "StaticLinks",
    "negotiate",
    "report_anchor",
    "site_path",
    "study_prefixes",
]
