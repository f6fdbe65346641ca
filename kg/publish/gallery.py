"""The query page of ``icgp serve`` (``/query``): YASGUI, with the saved queries as a gallery.

Each saved query of the catalogue is offered with its question (the ``summary``), its description and a
form for its parameters: a vocabulary parameter is a pick list of its scheme's concepts, an enumerated
one a pick list of its values, any other a text field holding its default. Sending the form asks the
server for ``/query?name=NAME&p.PARAM=VALUE...``: the server binds the values as ``icgp query run``
does (``kg.query.parameters.prepare``, with the same checks and messages) and the page opens YASGUI on
this server's endpoint with the bound query, which it runs at once. The answer's IRIs are links; those
of a served study lead to its entity pages here.

YASGUI is the build of ``@zazuko/yasgui`` vendored in ``kg/publish/static/yasgui/`` (with its licence).
Its completers that ask web services (classes and properties) are switched off, and the page's Content
Security Policy lets scripts, styles and connections come from this server only.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from kg.errors import InputError
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.query.catalogue import SavedQuery, catalogue
from kg.query.parameters import Parameter, prepare

STATIC = Path(__file__).parent / "static"
STATIC_FILES = {
    "yasgui/yasgui.min.js": "text/javascript; charset=utf-8",
    "yasgui/yasgui.min.css": "text/css; charset=utf-8",
    "yasgui/LICENSE": "text/plain; charset=utf-8",
    "gallery.js": "text/javascript; charset=utf-8",
}
QUERY_PATH = "/query"
PARAM_PREFIX = "p."  # form fields of parameters: p.family, p.technology ...
# Scripts, styles, images, fonts and connections from this server only: nothing the page or YASGUI
# does can reach another host. YASGUI sets element styles and adds style elements, hence 'unsafe-inline'
# for styles (never for scripts).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_CSS = """
body { font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; }
header { padding: 0.8rem 1.5rem; border-bottom: 2px solid #0072B2; }
header h1 { margin: 0; font-size: 1.4rem; }
div.layout { display: grid; grid-template-columns: minmax(16rem, 24rem) minmax(0, 1fr); }
nav.gallery { padding: 0.5rem 1rem; border-right: 1px solid #cccccc; max-height: calc(100vh - 5rem);
  overflow-y: auto; font-size: 0.9rem; }
nav.gallery details { margin: 0.4rem 0; }
nav.gallery summary { cursor: pointer; font-weight: bold; }
nav.gallery label { display: block; margin: 0.3rem 0; }
nav.gallery select, nav.gallery input[type=text] { max-width: 100%; }
main { padding: 0.5rem 1.5rem; min-width: 0; }
p.error { color: #a00000; font-weight: bold; white-space: pre-wrap; }
"""


def static_file(name: str) -> tuple[str, bytes] | None:
    """The media type and bytes of a file of the query page (``yasgui/yasgui.min.js`` ...), or None."""
    media = STATIC_FILES.get(name)
    if media is None:
        return None
    return media, (STATIC / name).read_bytes()


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _options(param: Parameter, concepts: ConceptIndex, chosen: str | None) -> list[tuple[str, str]] | None:
    """The (value, shown) pairs of a parameter's pick list, or None for a text field."""
    if param.scheme is not None and concepts.has_scheme(param.scheme):
        iris = concepts.concepts(param.scheme)

        def shown(iri: str) -> str:
            notation, label = concepts.notation(iri), concepts.label(iri) or concepts.slug(iri)
            return f"{notation} {label}" if notation and notation != label else label

        pairs = sorted(((iri, shown(iri)) for iri in iris), key=lambda pair: (pair[1].casefold(), pair[0]))
    elif param.values:
        pairs = [(v, v.rsplit("#", 1)[-1].rsplit("/", 1)[-1]) for v in param.values]
    else:
        return None
    if chosen and chosen not in {value for value, _ in pairs}:
        pairs.insert(0, (chosen, chosen))  # a value typed into the address keeps its place
    return [("", "(any)"), *pairs] if param.optional else pairs


def _form(query: SavedQuery, given: Mapping[str, str], concepts: ConceptIndex, is_open: bool) -> str:
    fields = []
    for param in query.parameters:
        chosen = given.get(param.name, param.default or "")
        name = _esc(PARAM_PREFIX + param.name)
        options = _options(param, concepts, chosen)
        if options is None:
            control = (
                f'<input type="text" name="{name}" value="{_esc(chosen)}" '
                f'placeholder="{_esc(param.type_label)}"/>'
            )
        else:
            items = "".join(
                f'<option value="{_esc(v)}"{" selected" if v == chosen else ""}>{_esc(s)}</option>'
                for v, s in options
            )
            control = f'<select name="{name}">{items}</select>'
        fields.append(f"<label>{_esc(param.name)} ({_esc(param.type_label)}) {control}</label>")
    anchor = "q-" + query.name.replace("/", "-")
    return (
        f'<details id="{_esc(anchor)}"{" open" if is_open else ""}>'
        f"<summary>{_esc(query.summary or query.name)}</summary><p>{_esc(query.description)}</p>"
        f'<form method="get" action="{QUERY_PATH}">'
        f'<input type="hidden" name="name" value="{_esc(query.name)}"/>'
        + "".join(fields)
        + '<button type="submit">Run</button></form></details>'
    )


def _without_header(text: str) -> str:
    """The query without its leading ``#+`` header lines (the page shows the question and description)."""
    lines = text.splitlines()
    while lines and lines[0].startswith("#+"):
        lines.pop(0)
    return "\n".join(lines).strip() + "\n"


def gallery_page(params: Mapping[str, Sequence[str]], sites: Mapping[str, str]) -> tuple[int, str]:
    """The status and HTML of ``/query`` for the request parameters ``params`` (``name`` and ``p.*``);
    ``sites`` maps the IRI prefix of each served study to the server path of its entity pages."""
    queries = catalogue()
    concepts = load_concepts()
    names = params.get("name") or []
    selected = names[0] if names else None
    given = {
        key.removeprefix(PARAM_PREFIX): values[0]
        for key, values in params.items()
        if key.startswith(PARAM_PREFIX) and values and values[0].strip()
    }
    status, error, text, title = 200, "", "", "Choose a saved query, or write your own"
    if selected is not None:
        query = queries.get(selected)
        if query is None:
            status, error = 404, f"there is no saved query named {selected!r}"
        else:
            title = query.summary or query.name
            try:
                text = _without_header(prepare(query, given, concepts))
            except InputError as exc:
                status, error = 400, str(exc)
    settings = {"endpoint": "/sparql", "query": text, "run": bool(text), "sites": dict(sites)}
    gallery = "".join(
        _form(q, given if name == selected else {}, concepts, name == selected)
        for name, q in sorted(queries.items())
    )
    page = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        "<title>ICGP saved queries</title>",
        '<link rel="stylesheet" href="/static/yasgui/yasgui.min.css"/>',
        f"<style>{_CSS}</style></head><body>",
        '<header><h1>ICGP saved queries</h1><p><a href="/">Plain query page</a> · '
        '<a href="/id/">Entities</a> · <a href="/ontology/icgp.html">Ontology</a> · '
        '<a href="/static/yasgui/LICENSE">YASGUI licence</a></p></header>',
        '<div class="layout"><nav class="gallery"><h2>Gallery</h2>',
        gallery,
        "</nav><main>",
        f'<h2 id="question">{_esc(title)}</h2>',
        f'<p class="error" id="error">{_esc(error)}</p>' if error else "",
        '<div id="yasgui"></div></main></div>',
        # A data block, not a script: '<' is escaped so that no text can close the element.
        '<script type="application/json" id="icgp-query-settings">'
        + json.dumps(settings).replace("<", "\\u003c")
        + "</script>",
        '<script src="/static/yasgui/yasgui.min.js"></script>',
        '<script src="/static/gallery.js"></script>',
        "</body></html>",
        "",
    ]
    return status, "\n".join(page)
