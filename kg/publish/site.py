"""The browsable linked-data site: written as static files by ``icgp release``, answered by ``icgp serve``.

Static layout (in a release folder, whose root stands for ``https://w3id.org/icgp/``)::

    id/index.html                       every entity, by type
    id/style.css                        the stylesheet of every page
    id/{study}/{kind}/{local-id}.html, .ttl, .jsonld, .nt

The files of an entity lie flat in its kind's folder (``id/mini/cluster/mobility.html``), not in a folder
of their own: a folder per entity made a release of the sample create 3,508 folders (692 now), a cost that
grows with the study. An entity whose path continues another's (``id/mini/segment/s1/position``) has its
files in the folder ``s1/`` beside ``s1.html``.

``icgp serve`` answers the same paths, and the entity's IRI path itself (``/id/mini/cluster/mobility``)
by content negotiation, plus the ontology and vocabulary docs (``/ontology/icgp.html``,
``/vocab/{scheme}.html``) and the growth-pole report (``/report/{study}.html``), which it makes on first
request from the served (privacy-filtered) data.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from pyoxigraph import Quad, Store

from kg.ontology import resources
from kg.publish.docs_html import labels_from, ontology_html, vocabulary_html
from kg.publish.entity_pages import (
    HTML_MEDIA,
    INDEX_PATH,
    RDF_FORMATS,
    SITE_FOLDER,
    STYLE,
    STYLE_PATH,
    ServedLinks,
    Site,
    StaticLinks,
    negotiate,
)

_HTML = f"{HTML_MEDIA}; charset=utf-8"


def write_site(site: Site, write: Callable[[str, bytes], object]) -> list[str]:
    """Write the static site of ``site`` through ``write(path, data)``; the paths written, in order.

    Entities are written in sorted order and every file is deterministic, so two releases of the same
    data carry the same bytes."""
    written = [INDEX_PATH, STYLE_PATH]
    write(INDEX_PATH, site.index(StaticLinks(SITE_FOLDER)).encode("utf-8"))
    write(STYLE_PATH, STYLE.encode("utf-8"))
    for iri, path in sorted(site.paths.items(), key=lambda item: item[1]):
        files = {f"{path}.html": site.page(iri, StaticLinks(path.rsplit("/", 1)[0])).encode("utf-8")}
        files |= {f"{path}.{suffix}": data for suffix, data in site.rdf_files(iri).items()}
        for name, data in files.items():
            write(name, data)
            written.append(name)
    return written


@dataclass(frozen=True)
class Reply:
    """An HTTP answer of the site: status, media type, body and extra headers."""

    status: int
    media: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def _doc_labels() -> dict[str, str]:
    return labels_from(
        [resources.ontology_file(), resources.alignments_file(), *resources.vocabulary_files()]
    )


@functools.lru_cache(maxsize=64)
def _doc_page(path: str) -> str | None:
    """The HTML docs at a site path (``ontology/icgp.html``, ``vocab/i40t.html``), or None."""
    if path == "ontology/icgp.html":
        return ontology_html(resources.ontology_file(), None, _doc_labels())
    if path == "ontology/alignments.html":
        return ontology_html(resources.alignments_file(), None, _doc_labels())
    for file in resources.vocabulary_files():
        if path == f"vocab/{file.stem}.html":
            return vocabulary_html(file, None, _doc_labels())
    return None


class ServedSite:
    """The site as ``icgp serve`` answers it, over the quads it may serve."""

    def __init__(self, quads: Sequence[Quad]) -> None:
        self._quads = quads
        self.site = Site(quads)  # reports unknown until asked for: clusters link their study's page
        self._links = ServedLinks()
        self._lock = threading.Lock()
        self._reports: tuple[dict[str, str], str | None] | None = None

    def reports(self) -> tuple[dict[str, str], str | None]:
        """The report pages by site path, made once from the served data (the reason when there are
        none). Quotes the study keeps private are not in the served data, so not in the report."""
        with self._lock:
            if self._reports is None:
                # Imported here: the report pulls in the assessment, which serve needs only on request.
                from kg.publish.report.write import release_pages
                from kg.query.run import StoreTarget

                store = Store()
                store.extend(self._quads)
                self._reports = release_pages(StoreTarget(store, "the served data"))
            return self._reports

    def answer(
        self, path: str, accept: Sequence[str], params: Mapping[str, Sequence[str]] | None = None
    ) -> Reply | None:
        """The reply to a GET of ``path`` with the Accept media types ``accept`` (best first) and the
        query-string ``params``, or None when the path is none of the site's (the caller's own 404)."""
        clean = path.strip("/")
        if clean in ("query", "static") or clean.startswith("static/"):
            return self._query_page(clean, params or {})
        if clean in (SITE_FOLDER, INDEX_PATH):
            return Reply(200, _HTML, self.site.index(self._links).encode("utf-8"))
        if clean == STYLE_PATH:
            return Reply(200, "text/css; charset=utf-8", STYLE.encode("utf-8"))
        if clean.startswith(("ontology/", "vocab/")):
            page = _doc_page(clean)
            return None if page is None else Reply(200, _HTML, page.encode("utf-8"))
        if clean.startswith("report/"):
            pages, reason = self.reports()
            if clean in pages:
                return Reply(200, _HTML, pages[clean].encode("utf-8"))
            message = reason or f"no report page {clean}; the pages are: {', '.join(sorted(pages))}"
            return Reply(404, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))
        if not clean.startswith(f"{SITE_FOLDER}/"):
            return None
        found = self.site.resolve(clean)
        if found is None:
            wants_page = negotiate(accept) == "html"
            body = self.site.not_found("/" + clean, self._links) if wants_page else f"no entity at /{clean}\n"
            return Reply(404, _HTML if wants_page else "text/plain; charset=utf-8", body.encode("utf-8"))
        iri, suffix = found
        headers = {"Link": f'<{iri}>; rel="describes"'}
        if suffix is None:  # the IRI's own path: negotiate
            headers["Vary"] = "Accept"
            chosen = negotiate(accept)
            if chosen is None:
                offered = ", ".join([HTML_MEDIA, *RDF_FORMATS.values()])
                return Reply(406, "text/plain; charset=utf-8", f"offered: {offered}\n".encode(), headers)
            suffix = chosen
        if suffix == "html":
            return Reply(200, _HTML, self.site.page(iri, self._links).encode("utf-8"), headers)
        media = RDF_FORMATS[suffix]
        return Reply(200, f"{media}; charset=utf-8", self.site.rdf(iri, suffix), headers)

    def _query_page(self, clean: str, params: Mapping[str, Sequence[str]]) -> Reply | None:
        """The saved-query gallery (``/query``) and its static files (``/static/...``)."""
        # Imported here: the gallery reads the query catalogue and the vocabularies on first use only.
        from kg.publish.gallery import CONTENT_SECURITY_POLICY, gallery_page, static_file

        if clean == "query":
            sites = {
                prefix: f"/{SITE_FOLDER}/{prefix[len(base) :]}" for prefix, base in self.site.prefixes.items()
            }
            status, page = gallery_page(params, sites)
            return Reply(
                status, _HTML, page.encode("utf-8"), {"Content-Security-Policy": CONTENT_SECURITY_POLICY}
            )
        found = static_file(clean.removeprefix("static/"))
        return None if found is None else Reply(200, found[0], found[1])
