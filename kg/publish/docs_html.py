"""HTML documentation of the ontology and of each SKOS vocabulary: one static page each, no JavaScript.

Why not pyLODE: its newest release (3.4.1) fails on import when installed from a wheel (it reads a
``pyproject.toml`` that wheels do not carry, RDFLib/pyLODE#260); 3.3.4 imports, but its vocabulary
profile lists no concepts and its ontology pages come out in a different order on each run, which would
break byte-identical releases; it also writes a cache file into its own install folder. This generator is
small, deterministic (everything sorted), offline and fast enough for the NUTS vocabulary.

Anchors equal the terms' local names, so ``https://w3id.org/icgp/ontology#Actor`` lands on ``#Actor``
and a concept ``.../vocab/i40t/machine-learning`` on ``i40t.html#machine-learning``.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, parse

from kg.ontology.namespaces import (
    BIBO,
    DCTERMS,
    FOAF,
    NUTS,
    ONTOLOGY_IRI,
    OWL,
    PREFIXES,
    RDF,
    RDFS,
    SKOS,
    VANN,
    VOCAB_BASE,
)

_TYPE = str(RDF.type)
_FIRST, _REST, _NIL = str(RDF.first), str(RDF.rest), str(RDF.nil)
_CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
body{color:#222}
h1{font-size:1.8rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin-bottom:.3rem}code{background:#f3f3f3;padding:0 .2rem;font-size:.9em}
table{border-collapse:collapse;margin:.5rem 0}th,td{text-align:left;vertical-align:top;padding:.2rem .6rem}
th{white-space:nowrap;color:#555;font-weight:600}section.term{border-top:1px solid #eee;padding-top:.4rem}
.kind{font-size:.75rem;color:#fff;background:#567;border-radius:.2rem;padding:0 .3rem;margin-left:.4rem}
ul.tree{list-style:none;padding-left:1.2rem}nav ul{columns:3}.deprecated{color:#a00}
""".strip()


class _Graph:
    """A small index over one graph: subject -> predicate -> objects, and the reverse links."""

    def __init__(self, quads: Iterable[Quad]) -> None:
        self.out: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        self.back: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for q in quads:
            self.out[q.subject][q.predicate.value].append(q.object)
            if isinstance(q.object, NamedNode):
                self.back[q.object.value][q.predicate.value].append(q.subject)

    def objects(self, subject: Any, predicate: str) -> list[Any]:
        """Objects of one subject and predicate, sorted by their text."""
        return sorted(self.out.get(subject, {}).get(predicate, []), key=str)

    def iris(self, subject: Any, predicate: str) -> list[str]:
        """IRI objects of one subject and predicate."""
        return [o.value for o in self.objects(subject, predicate) if isinstance(o, NamedNode)]

    def texts(self, subject: Any, predicate: str, lang: str = "en") -> list[str]:
        """Literal objects, those in ``lang`` (or without a language) only."""
        return [
            o.value
            for o in self.objects(subject, predicate)
            if isinstance(o, Literal) and (not o.language or o.language.startswith(lang))
        ]

    def subjects_of_type(self, cls: str) -> list[str]:
        """IRIs of the subjects typed ``cls``."""
        return sorted(s.value for s in self.back.get(cls, {}).get(_TYPE, []) if isinstance(s, NamedNode))

    def referrers(self, iri: str, predicate: str) -> list[str]:
        """IRI subjects that point at ``iri`` with ``predicate``."""
        return sorted(
            {s.value for s in self.back.get(iri, {}).get(predicate, []) if isinstance(s, NamedNode)}
        )


def _load(path: Path) -> _Graph:
    return _Graph(
        q if isinstance(q, Quad) else Quad(q.subject, q.predicate, q.object)
        for q in parse(path=str(path), format=RdfFormat.TURTLE)
    )


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def curie(iri: str, extra: Mapping[str, str] | None = None) -> str:
    """A prefixed name for ``iri`` when a known prefix fits, else the IRI itself."""
    for prefix, namespace in {**PREFIXES, **(extra or {})}.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def local_name(iri: str) -> str:
    """The fragment or last path segment of an IRI (the anchor of a term on its page)."""
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]


class _Page:
    """Links and labels for one page, ``here`` being ``ontology`` or ``vocab``."""

    def __init__(self, here: str, labels: Mapping[str, str]) -> None:
        self.here = here
        self.labels = labels

    def href(self, iri: str) -> str:
        up = "" if self.here == "vocab" else "../vocab/"
        if iri.startswith(ONTOLOGY_IRI + "#"):
            prefix = "" if self.here == "ontology" else "../ontology/"
            return f"{prefix}icgp.html#{local_name(iri)}"
        if iri.startswith(str(NUTS)):
            return f"{up}nuts.html#{local_name(iri)}"
        if iri.startswith(VOCAB_BASE):
            rest = iri[len(VOCAB_BASE) :]
            scheme, _, slug = rest.partition("/")
            return f"{up}{scheme}.html" + (f"#{slug}" if slug else "")
        return iri

    def link(self, iri: str) -> str:
        label = self.labels.get(iri) or curie(iri)
        return f'<a href="{_esc(self.href(iri))}" title="{_esc(iri)}">{_esc(label)}</a>'


def _expression(g: _Graph, node: Any, page: _Page, depth: int = 0) -> str:
    """An OWL class expression in words (``A or B``, ``p some C``...)."""
    if isinstance(node, NamedNode):
        return page.link(node.value)
    if isinstance(node, Literal):
        return f"<code>{_esc(str(node))}</code>"
    if depth > 6:
        return "…"

    def items(list_node: Any) -> list[str]:
        out, seen = [], set()
        while isinstance(list_node, BlankNode) and list_node not in seen:
            seen.add(list_node)
            out += [_expression(g, first, page, depth + 1) for first in g.objects(list_node, _FIRST)]
            rest = g.objects(list_node, _REST)
            list_node = rest[0] if rest else None
        return out

    for predicate, joiner in ((str(OWL.unionOf), " or "), (str(OWL.intersectionOf), " and ")):
        for lst in g.objects(node, predicate):
            return "(" + joiner.join(items(lst)) + ")"
    for lst in g.objects(node, str(OWL.oneOf)):
        return "{" + ", ".join(items(lst)) + "}"
    for inner in g.objects(node, str(OWL.complementOf)):
        return "not " + _expression(g, inner, page, depth + 1)
    on = g.objects(node, str(OWL.onProperty))
    if on:
        prop = _expression(g, on[0], page, depth + 1)
        restrictions = (
            (str(OWL.someValuesFrom), "some"),
            (str(OWL.allValuesFrom), "only"),
            (str(OWL.hasValue), "value"),
            (str(OWL.minCardinality), "min"),
            (str(OWL.maxCardinality), "max"),
            (str(OWL.cardinality), "exactly"),
            (str(OWL.minQualifiedCardinality), "min"),
            (str(OWL.maxQualifiedCardinality), "max"),
            (str(OWL.qualifiedCardinality), "exactly"),
        )
        for predicate, word in restrictions:
            for value in g.objects(node, predicate):
                text = (
                    _esc(value.value)
                    if isinstance(value, Literal)
                    else _expression(g, value, page, depth + 1)
                )
                qualifier = g.objects(node, str(OWL.onClass)) + g.objects(node, str(OWL.onDataRange))
                extra = f" {_expression(g, qualifier[0], page, depth + 1)}" if qualifier else ""
                return f"{prop} <em>{word}</em> {text}{extra}"
    return "<em>anonymous class</em>"


def _rows(rows: Sequence[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{_esc(name)}</th><td>{value}</td></tr>" for name, value in rows if value)
    return f"<table>{body}</table>" if body else ""


def _values(g: _Graph, subject: Any, predicate: str, page: _Page, sep: str = ", ") -> str:
    parts, expressions = [], []
    for value in g.objects(subject, predicate):
        if isinstance(value, NamedNode):
            parts.append(page.link(value.value))
        elif isinstance(value, Literal):
            parts.append(_esc(value.value))
        else:
            expressions.append(_expression(g, value, page))
    # Blank nodes get new labels on every parse, so anonymous classes are ordered by what they say.
    return sep.join(parts + sorted(expressions))


def _agent(g: _Graph, iri: str, page: _Page) -> str:
    names = g.texts(NamedNode(iri), str(FOAF.name)) or g.texts(NamedNode(iri), str(RDFS.label))
    return f'<a href="{_esc(iri)}">{_esc(names[0] if names else iri)}</a>'


def _header(g: _Graph, subject: NamedNode, page: _Page, downloads: Mapping[str, str]) -> str:
    agents = {
        key: ", ".join(_agent(g, iri, page) for iri in g.iris(subject, str(prop)))
        for key, prop in (("creator", DCTERMS.creator), ("contributor", DCTERMS.contributor))
    }
    agents["publisher"] = ", ".join(_agent(g, iri, page) for iri in g.iris(subject, str(DCTERMS.publisher)))
    licence = ", ".join(f'<a href="{_esc(i)}">{_esc(i)}</a>' for i in g.iris(subject, str(DCTERMS.license)))
    links = " · ".join(f'<a href="{_esc(href)}">{_esc(name)}</a>' for name, href in downloads.items())
    rows = [
        ("IRI", f"<code>{_esc(subject.value)}</code>"),
        ("Version IRI", ", ".join(f"<code>{_esc(i)}</code>" for i in g.iris(subject, str(OWL.versionIRI)))),
        ("Version", _values(g, subject, str(OWL.versionInfo), page)),
        ("Prior version", _values(g, subject, str(OWL.priorVersion), page)),
        ("Status", _values(g, subject, str(BIBO.status), page)),
        ("Creators", agents["creator"]),
        ("Contributors", agents["contributor"]),
        ("Publisher", agents["publisher"]),
        ("Licence", licence),
        ("Created", _values(g, subject, str(DCTERMS.created), page)),
        ("Modified", _values(g, subject, str(DCTERMS.modified), page)),
        ("Issued", _values(g, subject, str(DCTERMS.issued), page)),
        ("Preferred prefix", _values(g, subject, str(VANN.preferredNamespacePrefix), page)),
        ("Namespace", _values(g, subject, str(VANN.preferredNamespaceUri), page)),
        ("Imports", _values(g, subject, str(OWL.imports), page)),
        ("Cite as", _values(g, subject, str(DCTERMS.bibliographicCitation), page)),
        ("Download", links),
    ]
    description = "".join(f"<p>{_esc(t)}</p>" for t in g.texts(subject, str(DCTERMS.description)))
    comment = "".join(f"<p>{_esc(t)}</p>" for t in g.texts(subject, str(RDFS.comment)))
    return _rows(rows) + description + comment


def _document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_esc(title)}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<style>\n{_CSS}\n</style>\n</head>\n<body>\n{body}\n"
        "<footer><p>Generated by icgp from the RDF source; each anchor is the term's local name.</p>"
        "</footer>\n"
        "</body>\n</html>\n"
    )


def _label_of(g: _Graph, iri: str) -> str | None:
    for predicate in (str(RDFS.label), str(SKOS.prefLabel), str(DCTERMS.title)):
        texts = g.texts(NamedNode(iri), predicate)
        if texts:
            return texts[0]
    return None


def labels_from(paths: Iterable[Path]) -> dict[str, str]:
    """English labels (rdfs:label, skos:prefLabel, dcterms:title) of every IRI in the given Turtle files."""
    labels: dict[str, str] = {}
    for path in paths:
        g = _load(path)
        for subject in g.out:
            if isinstance(subject, NamedNode) and subject.value not in labels:
                label = _label_of(g, subject.value)
                if label:
                    labels[subject.value] = label
    return labels


# --------------------------------------------------------------------------------------------------
# Ontology page

_TERM_KINDS = (
    ("classes", "Classes", str(OWL.Class), "c"),
    ("object-properties", "Object properties", str(OWL.ObjectProperty), "op"),
    ("datatype-properties", "Datatype properties", str(OWL.DatatypeProperty), "dp"),
    ("annotation-properties", "Annotation properties", str(OWL.AnnotationProperty), "ap"),
)


def ontology_html(
    path: Path, downloads: Mapping[str, str] | None = None, labels: Mapping[str, str] | None = None
) -> str:
    """The documentation page of an OWL ontology file (Turtle): metadata, then every term it defines."""
    g = _load(path)
    ontologies = g.subjects_of_type(str(OWL.Ontology))
    if not ontologies:
        raise ValueError(f"{path} declares no owl:Ontology")
    subject = NamedNode(ontologies[0])
    namespace = (g.texts(subject, str(VANN.preferredNamespaceUri)) or [ONTOLOGY_IRI + "#"])[0]
    own_labels = {
        iri: label
        for iri in {s.value for s in g.out if isinstance(s, NamedNode)}
        if (label := _label_of(g, iri))
    }
    page = _Page("ontology", {**(labels or {}), **own_labels})
    title = (g.texts(subject, str(DCTERMS.title)) or [subject.value])[0]
    parts = [f"<h1>{_esc(title)}</h1>", _header(g, subject, page, downloads or {})]
    toc, sections = [], []
    for anchor, heading, cls, badge in _TERM_KINDS:
        terms = [iri for iri in g.subjects_of_type(cls) if iri.startswith(namespace)]
        if not terms:
            continue
        terms.sort(key=lambda iri: (page.labels.get(iri, local_name(iri)).lower(), iri))
        toc.append(f'<li><a href="#{anchor}">{heading}</a> ({len(terms)})</li>')
        sections.append(f'<h2 id="{anchor}">{heading}</h2>')
        sections.append(
            "<p>"
            + " · ".join(
                f'<a href="#{_esc(local_name(i))}">{_esc(page.labels.get(i, local_name(i)))}</a>'
                for i in terms
            )
            + "</p>"
        )
        sections += [_term(g, iri, page, badge, cls == str(OWL.Class)) for iri in terms]
    prefixes = "".join(
        f"<tr><th>{_esc(p)}</th><td><code>{_esc(ns)}</code></td></tr>" for p, ns in sorted(PREFIXES.items())
    )
    toc.append('<li><a href="#namespaces">Namespaces</a></li>')
    parts += ["<nav><h2>Contents</h2><ul>" + "".join(toc) + "</ul></nav>", *sections]
    parts += ['<h2 id="namespaces">Namespaces</h2>', f"<table>{prefixes}</table>"]
    return _document(title, "\n".join(parts))


def _term(g: _Graph, iri: str, page: _Page, badge: str, is_class: bool) -> str:
    node = NamedNode(iri)
    label = page.labels.get(iri, local_name(iri))
    deprecated = any(v.value in ("true", "1") for v in g.objects(node, str(OWL.deprecated)))
    rows: list[tuple[str, str]] = [
        ("IRI", f"<code>{_esc(iri)}</code>"),
        ("Definition", _values(g, node, str(SKOS.definition), page, "<br>")),
        ("Comment", _values(g, node, str(RDFS.comment), page, "<br>")),
        ("Example", _values(g, node, str(SKOS.example), page, "<br>")),
        ("Scope note", _values(g, node, str(SKOS.scopeNote), page, "<br>")),
    ]
    if is_class:
        rows += [
            ("Subclass of", _values(g, node, str(RDFS.subClassOf), page)),
            ("Equivalent to", _values(g, node, str(OWL.equivalentClass), page)),
            ("Disjoint with", _values(g, node, str(OWL.disjointWith), page)),
            ("Superclass of", ", ".join(page.link(s) for s in g.referrers(iri, str(RDFS.subClassOf)))),
            ("In domain of", ", ".join(page.link(s) for s in g.referrers(iri, str(RDFS.domain)))),
            ("In range of", ", ".join(page.link(s) for s in g.referrers(iri, str(RDFS.range)))),
        ]
    else:
        characteristics = [
            curie(c)
            for c in g.iris(node, _TYPE)
            if c.startswith(str(OWL))
            and not c.endswith(("ObjectProperty", "DatatypeProperty", "AnnotationProperty"))
        ]
        rows += [
            ("Subproperty of", _values(g, node, str(RDFS.subPropertyOf), page)),
            ("Superproperty of", ", ".join(page.link(s) for s in g.referrers(iri, str(RDFS.subPropertyOf)))),
            ("Domain", _values(g, node, str(RDFS.domain), page)),
            ("Range", _values(g, node, str(RDFS.range), page)),
            ("Inverse of", _values(g, node, str(OWL.inverseOf), page)),
            ("Characteristics", _esc(", ".join(characteristics))),
        ]
    rows += [
        ("See also", _values(g, node, str(RDFS.seeAlso), page)),
        ("Source", _values(g, node, str(DCTERMS.source), page)),
        ("Replaced by", _values(g, node, str(DCTERMS.isReplacedBy), page)),
    ]
    flag = ' <span class="deprecated">(deprecated)</span>' if deprecated else ""
    return (
        f'<section class="term" id="{_esc(local_name(iri))}"><h3>{_esc(label)}'
        f'<span class="kind">{badge}</span>{flag}</h3>{_rows(rows)}</section>'
    )


# --------------------------------------------------------------------------------------------------
# Vocabulary page

_CONCEPT_SHOWN = {
    _TYPE,
    str(SKOS.prefLabel),
    str(SKOS.altLabel),
    str(SKOS.notation),
    str(SKOS.definition),
    str(SKOS.inScheme),
    str(SKOS.topConceptOf),
    str(SKOS.broader),
    str(SKOS.narrower),
    str(DCTERMS.source),
    str(RDFS.isDefinedBy),
}


def vocabulary_html(
    path: Path, downloads: Mapping[str, str] | None = None, labels: Mapping[str, str] | None = None
) -> str:
    """The documentation page of a SKOS vocabulary file: metadata, the concept tree, every concept."""
    g = _load(path)
    schemes = g.subjects_of_type(str(SKOS.ConceptScheme))
    if not schemes:
        raise ValueError(f"{path} declares no skos:ConceptScheme")
    scheme = NamedNode(schemes[0])
    concepts = g.subjects_of_type(str(SKOS.Concept))
    own = {iri: label for iri in concepts if (label := _label_of(g, iri))}
    page = _Page("vocab", {**(labels or {}), **own})
    prefix = (g.texts(scheme, str(VANN.preferredNamespacePrefix)) or [local_name(scheme.value)])[0]
    title = (g.texts(scheme, str(DCTERMS.title)) or [scheme.value])[0]

    def order(iri: str) -> tuple[str, str]:
        notation = g.texts(NamedNode(iri), str(SKOS.notation))
        return (notation[0] if notation else page.labels.get(iri, iri).lower(), iri)

    children: dict[str, list[str]] = defaultdict(list)
    for iri in concepts:
        for parent in g.iris(NamedNode(iri), str(SKOS.broader)):
            children[parent].append(iri)
    tops = sorted(
        set(g.iris(scheme, str(SKOS.hasTopConcept))) | set(g.referrers(scheme.value, str(SKOS.topConceptOf))),
        key=order,
    )

    def tree(items: list[str], seen: frozenset[str]) -> str:
        entries = []
        for iri in sorted(items, key=order):
            if iri in seen:
                continue
            below = children.get(iri, [])
            inner = tree(below, seen | {iri}) if below else ""
            notation = g.texts(NamedNode(iri), str(SKOS.notation))
            code = f"<code>{_esc(notation[0])}</code> " if notation else ""
            anchor = f'<a href="#{_esc(local_name(iri))}">{_esc(page.labels.get(iri, iri))}</a>'
            entries.append(f"<li>{code}{anchor}{inner}</li>")
        return '<ul class="tree">' + "".join(entries) + "</ul>"

    parts = [f"<h1>{_esc(title)}</h1>", _header(g, scheme, page, downloads or {})]
    parts += [f'<h2 id="hierarchy">Concepts ({len(concepts)})</h2>', tree(tops, frozenset())]
    parts.append('<h2 id="concepts">Concept details</h2>')
    for iri in sorted(concepts, key=order):
        parts.append(_concept(g, iri, page, prefix))
    return _document(title, "\n".join(parts))


def _concept(g: _Graph, iri: str, page: _Page, prefix: str) -> str:
    node = NamedNode(iri)
    rows: list[tuple[str, str]] = [
        ("IRI", f"<code>{_esc(iri)}</code>"),
        ("Notation", _values(g, node, str(SKOS.notation), page)),
        ("Definition", _values(g, node, str(SKOS.definition), page, "<br>")),
        ("Also known as", _values(g, node, str(SKOS.altLabel), page, "; ")),
        ("Broader", _values(g, node, str(SKOS.broader), page)),
        (
            "Narrower",
            ", ".join(
                page.link(c)
                for c in sorted({*g.iris(node, str(SKOS.narrower)), *g.referrers(iri, str(SKOS.broader))})
            ),
        ),
        ("Source", _values(g, node, str(DCTERMS.source), page)),
    ]
    for predicate in sorted(g.out.get(node, {})):
        if predicate not in _CONCEPT_SHOWN:
            rows.append((curie(predicate), _values(g, node, predicate, page, "<br>")))
    label = page.labels.get(iri, local_name(iri))
    return f'<section class="term" id="{_esc(local_name(iri))}"><h3>{_esc(label)}</h3>{_rows(rows)}</section>'


def write_docs(pages: Mapping[Path, str]) -> None:
    """Write generated pages (UTF-8, ``\\n`` line ends) to their paths."""
    for path, text in pages.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


__all__ = ["curie", "labels_from", "local_name", "ontology_html", "vocabulary_html", "write_docs"]
