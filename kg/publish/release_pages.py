"""The text files of a release: ``.htaccess`` content negotiation, ``README.md`` and ``index.html``.

None of them carries a date, so two releases of the same input give the same bytes.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from kg.publish.describe import Part, ReleaseInfo
from kg.publish.entity_pages import FILE_SUFFIXES
from kg.publish.privacy import Policy

PROVENANCE_FILE = "provenance.ttl"
CHECKSUMS_FILE = "SHA256SUMS"
LOGO_FILE = "ontology/logo.svg"


_CONNEG = (
    ("text/html", "html"),
    ("application/ld\\+json", "jsonld"),
    ("text/turtle", "ttl"),
    ("application/n-triples", "nt"),
    ("application/rdf\\+xml", "xml"),
)


# Instance IRIs have no RDF/XML; a request that names none of these gets the page.
_INSTANCE_CONNEG = (
    ("text/html", "html"),
    ("application/ld\\+json", "jsonld"),
    ("text/turtle", "ttl"),
    ("application/n-triples", "nt"),
)


def htaccess(files_root: str, version: str) -> str:
    """Apache rules for the ``https://w3id.org/icgp/`` folder: 303 redirects to the file of release
    ``version`` (under ``files_root``) that matches the Accept header (HTML, JSON-LD, Turtle, N-Triples,
    RDF/XML; RDF/XML for anything else). An instance IRI ``id/...`` goes to its entity page or the RDF
    beside it (``id/....{html,jsonld,ttl,nt}``; the page for anything else), and a path that names a
    file of the site (``id/....ttl``, ``.jsonld``, ``.nt``, ``.html``, ``id/style.css``) to that file."""
    files_url = f"{files_root}{version}/"
    lines = [
        "# Content negotiation for https://w3id.org/icgp/ (made by icgp release).",
        f"# Files are served from {files_url}",
        "Options -MultiViews",
        "RewriteEngine on",
        "",
    ]

    def negotiate(pattern: str, stem: str, rdfxml: str, anchor: str = "") -> None:
        suffixes = {"html": "html", "jsonld": "jsonld", "ttl": "ttl", "nt": "nt", "xml": rdfxml}
        for accept, fmt in _CONNEG:
            lines.append(f"RewriteCond %{{HTTP_ACCEPT}} {accept}")
            target = f"{files_url}{stem}.{suffixes[fmt]}" + (anchor if fmt == "html" else "")
            lines.append(f"RewriteRule {pattern} {target} [R=303,NE,L]")
        lines.append(f"RewriteRule {pattern} {files_url}{stem}.{rdfxml} [R=303,L]")
        lines.append("")

    lines.append("# The ontology, its version IRI and the alignments module")
    negotiate("^ontology/?$", "ontology/icgp", "owl")
    negotiate("^ontology/[0-9]+\\.[0-9]+\\.[0-9]+$", "ontology/icgp", "owl")
    negotiate("^ontology/alignments(/[0-9]+\\.[0-9]+\\.[0-9]+)?$", "ontology/alignments", "owl")
    lines += [
        "# The JSON-LD context and the logo",
        f"RewriteRule ^context\\.jsonld$ {files_url}ontology/context.jsonld [R=303,L]",
        f"RewriteRule ^logo\\.svg$ {files_url}{LOGO_FILE} [R=303,L]",
        "",
    ]
    lines.append("# Vocabularies, their version IRIs and their concepts (HTML jumps to the concept)")
    negotiate("^vocab/([a-z0-9-]+)(/[0-9]+\\.[0-9]+\\.[0-9]+)?$", "vocab/$1", "rdf")
    negotiate("^vocab/([a-z0-9-]+)/([A-Za-z0-9._-]+)$", "vocab/$1", "rdf", "#$2")
    lines += [
        "# Instance IRIs (https://w3id.org/icgp/id/...): the entity pages, with their RDF beside them.",
        "# No path segment of an entity ends in a file suffix of the site, so such a path names a file.",
        f"RewriteRule ^id/?$ {files_url}id/index.html [R=303,L]",
        f"RewriteRule ^id/(.+\\.({'|'.join(FILE_SUFFIXES)}))$ {files_url}id/$1 [R=303,L]",
    ]
    for accept, suffix in _INSTANCE_CONNEG:
        lines.append(f"RewriteCond %{{HTTP_ACCEPT}} {accept}")
        lines.append(f"RewriteRule ^id/(.+?)/?$ {files_url}id/$1.{suffix} [R=303,NE,L]")
    lines += [
        f"RewriteRule ^id/(.+?)/?$ {files_url}id/$1.html [R=303,L]",
        "",
        "# Files of any release",
        f"RewriteRule ^releases/([0-9.]+)/(.*)$ {files_root}$1/$2 [R=303,L]",
        "",
    ]
    return "\n".join(lines)


def readme(
    version: str, parts: Sequence[Part], policy: Policy, files_url: str, stripped: tuple[int, int]
) -> str:
    """The release's README.md: what is where, the data graphs, and what the privacy policy left out
    (``stripped`` counts the quotes and answers)."""
    data = [p for p in parts if p.kind == "data"]
    lines = [
        f"# ICGP release {version}",
        "",
        "The ICGP ontology (Innovation Clusters as Growth Poles), its SKOS vocabularies and the knowledge",
        "graph built from the study data, with documentation and machine-readable descriptions.",
        "",
        "| path | what |",
        "|---|---|",
        "| `ontology/icgp.*` | the ontology: Turtle, RDF/XML (`.owl`), JSON-LD, N-Triples, HTML docs |",
        "| `ontology/alignments.*` | alignments to other vocabularies, same formats |",
        "| `ontology/context.jsonld` | the JSON-LD context used by every `.jsonld` file |",
        "| `vocab/{scheme}.*` | each SKOS vocabulary: Turtle, RDF/XML (`.rdf`), JSON-LD, N-Triples, HTML |",
        "| `data/{name}.*` | each data graph: Turtle, N-Quads (with the graph name), JSON-LD |",
        "| `catalog.ttl` | DCAT catalog: datasets, distributions with size, SHA-256 and media type |",
        "| `void.ttl` | VoID: statistics, class and property partitions, dumps |",
        "| `service.ttl` | SPARQL service description (serve locally with `icgp serve`) |",
        "| `provenance.ttl` | PROV record of the release and of the builds: the only file with dates |",
        "| `SHA256SUMS` | checksums of every file but itself and `provenance.ttl` |",
        "| `CHANGELOG.md` | this version's changes, made by `icgp diff` |",
        "| `report/{study}.html` | each study's growth-pole report (when its clusters can be assessed) |",
        "| `id/index.html` | every entity of the data graphs (clusters, organisations, activities ...) |",
        "| `id/{study}/{kind}/{id}.html` | one entity's page; its RDF beside it: `{id}.{ttl,jsonld,nt}` |",
        "| `.htaccess` | content negotiation rules for the `https://w3id.org/icgp/` redirect |",
        "",
        f"Files are meant to be served from {files_url}.",
        "",
        "## Data graphs",
        "",
    ]
    for part in data:
        lines.append(f"- `{part.graph}`: {part.title} ({part.stats.triples} triples)")
    if not data:
        lines.append("- none")
    lines += [
        "",
        "## Privacy",
        "",
        f"Coded quotes are {'included' if policy.public_quotes else 'left out'} and respondent-level survey "
        f"answers are {'included' if policy.public_responses else 'left out'}, as the study descriptor says "
        f"(left out here: {stripped[0]} quote(s), {stripped[1]} answer(s)).",
        "",
    ]
    return "\n".join(lines)


def index_html(
    info: ReleaseInfo, parts: Sequence[Part], reports: Sequence[str] = (), entities: str | None = None
) -> str:
    """The release's landing page: one row per dataset with links to its files, a link to each page
    of the growth-pole report (``reports``: their paths in the bundle, ``report/<study-id>.html``) and
    one to the list of entity pages (``entities``, its path in the bundle)."""
    rows = []
    for part in parts:
        links = " · ".join(
            f'<a href="{html.escape(d.path)}">{html.escape(d.path.rsplit(".", 1)[-1])}</a>'
            for d in part.distributions
        )
        rows.append(
            f"<tr><td>{html.escape(part.title)}</td><td>{part.kind}</td><td>{part.stats.triples}</td>"
            f"<td>{links}</td></tr>"
        )
    files = " · ".join(
        f'<a href="{name}">{name}</a>'
        for name in (
            "README.md",
            "CHANGELOG.md",
            "catalog.ttl",
            "void.ttl",
            "service.ttl",
            PROVENANCE_FILE,
            CHECKSUMS_FILE,
        )
    )
    report = (
        "<p>Growth-pole report: "
        + " · ".join(f'<a href="{html.escape(path)}">{html.escape(path)}</a>' for path in sorted(reports))
        + "</p>\n"
        if reports
        else ""
    )
    if entities is not None:
        report += f'<p>Entity pages: <a href="{html.escape(entities)}">every entity of the data</a></p>\n'
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(info.title)}</title>\n</head>\n<body>\n"
        f"<h1>{html.escape(info.title)}</h1>\n<p>{html.escape(info.description)}</p>\n<p>{files}</p>\n{report}"
        "<table>\n<tr><th>dataset</th><th>kind</th><th>triples</th><th>files</th></tr>\n"
        + "\n".join(rows)
        + f'\n</table>\n<p>Licence: <a href="{info.licence}">{info.licence}</a></p>\n</body>\n</html>\n'
    )
