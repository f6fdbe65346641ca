"""Entity pages: the IRI scheme, content negotiation, and ``icgp serve`` answering entity IRIs by Accept."""

from __future__ import annotations

import json
import posixpath
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from cli_runner import CliRunner
from graph_compare import isomorphic
from pyoxigraph import Literal, NamedNode, Quad, Store
from served import icgp_serve

from cli import app
from kg.ontology.namespaces import ICGP, OA, RDF
from kg.publish.entity_pages import (
    ServedLinks,
    Site,
    StaticLinks,
    negotiate,
    report_anchor,
    report_name,
    site_path,
    study_prefixes,
)
from kg.publish.serve import _accepts
from kg.publish.serve_guard import servable_quads
from kg.publish.site import write_site
from kg.query.catalogue import catalogue

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "build" / "mini"
CLUSTER = "https://example.org/id/mini/cluster/mobility"
PREFIXES = {"https://example.org/id/mini/": "https://example.org/id/"}
QUOTE = "We simply have nobody who can program the robot."
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
ORIGIN = "http://app.example.org"
# The cluster's statements in tests/fixtures/build/mini (clusters.csv, memberships.csv), written by hand.
CLUSTER_TURTLE = """
@prefix icgp: <https://w3id.org/icgp/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix id: <https://example.org/id/mini/> .
id:cluster\\/mobility a icgp:InnovationCluster ;
    <http://www.w3.org/2000/01/rdf-schema#label> "Mobility Cluster" ;
    <http://purl.org/dc/terms/identifier> "mobility" ;
    icgp:foundingYear 2012 ;
    icgp:locatedIn <http://data.europa.eu/nuts/code/DE11> ;
    icgp:lifeCycleStage <https://w3id.org/icgp/vocab/lifecycle/growth> ;
    icgp:specialisation <https://w3id.org/icgp/vocab/i40t/machine-learning>,
        <https://w3id.org/icgp/vocab/i40t/robotics-and-automation> ;
    icgp:studiedIn id:study\\/mini ;
    org:hasMember id:organisation\\/acme, id:organisation\\/bigco .
"""


# -- the IRI scheme and negotiation, without a server ------------------------------------------------


def test_study_prefixes_come_from_the_study_and_assessment_graphs() -> None:
    names = [
        "https://example.org/id/mini/graph",
        "https://example.org/id/mini/assessment/graph",
        "https://w3id.org/icgp/id/stuttgart/graph",
        "https://w3id.org/icgp/ontology",  # not a study graph
        "urn:icgp:staging:x/graph",  # what an interrupted build left
    ]
    assert study_prefixes(names) == {
        "https://example.org/id/mini/": "https://example.org/id/",
        "https://w3id.org/icgp/id/stuttgart/": "https://w3id.org/icgp/id/",
    }


@pytest.mark.parametrize(
    ("iri", "path"),
    [
        (CLUSTER, "id/mini/cluster/mobility"),
        ("https://example.org/id/mini/file/activities.csv", "id/mini/file/activities.csv"),
        (
            "https://example.org/id/mini/assessment/m/a-1.0.0/2021_2022",
            "id/mini/assessment/m/a-1.0.0/2021_2022",
        ),
        ("https://example.org/id/mini/", None),  # the study's space itself
        ("https://example.org/id/other/cluster/x", None),  # another study's space
        ("https://example.org/id/mini/cluster/a%20b", None),  # an escape: no safe folder name
        ("https://example.org/id/mini/cluster/../x", None),
        ("https://example.org/id/mini/cluster/.hidden", None),
        ("https://example.org/id/mini/x/index.html", None),  # the site's own file names
        ("https://example.org/id/mini/x/style.css", None),
        # a segment ending in a file suffix of the site: taken for the file of another entity
        ("https://example.org/id/mini/cluster/mobility.html", None),
        ("https://example.org/id/mini/cluster/mobility.ttl", None),
        ("https://example.org/id/mini/cluster/mobility.jsonld", None),
        ("https://example.org/id/mini/cluster/mobility.nt", None),
        ("https://example.org/id/mini/file/data.ttl/part", None),  # a folder beside the file data.ttl
        ("https://example.org/id/mini/index.html/x", None),  # a kind folder named like the index
        ("https://example.org/id/mini/cluster/index", "id/mini/cluster/index"),  # index.html of its kind
        ("https://example.org/id/mini/file/data.ttl.gz", "id/mini/file/data.ttl.gz"),
        ("https://example.org/id/mini/cluster/x?y=1", None),
    ],
)
def test_site_paths_map_the_base_to_the_id_folder(iri: str, path: str | None) -> None:
    assert site_path(iri, PREFIXES) == path


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        (None, "html"),
        (BROWSER, "html"),
        ("*/*", "html"),
        ("text/turtle", "ttl"),
        ("text/turtle;q=0.5, application/ld+json", "jsonld"),
        ("application/n-triples;q=0.9, text/html;q=0.1", "nt"),
        ("text/html;q=0, text/turtle;q=0.2", "ttl"),  # q=0 means "not this"
        ("application/rdf+xml, application/n-triples;q=0.5", "nt"),
        ("application/rdf+xml", None),
        ("image/png", None),
    ],
)
def test_negotiation_honours_q_values(accept: str | None, fmt: str | None) -> None:
    assert negotiate(_accepts(accept)) == fmt


@pytest.mark.parametrize(
    ("path", "here"),
    [
        ("id/mini/organisation/acme.html", "id/mini/cluster"),
        ("id/mini/cluster/mobility.ttl", "id/mini/cluster"),
        ("report/mini.html", "id/mini/cluster"),
        ("id/style.css", "id"),
        ("id/mini/segment/s1.html", "id/mini/segment/s1"),
        ("id/mini/segment/s1/quote.html", "id/mini/segment"),
        ("id/a/b.html", "id/a/bb"),
    ],
)
def test_static_links_are_what_relpath_gives(path: str, here: str) -> None:
    assert StaticLinks(here).file(path) == posixpath.relpath(path, here)


def test_static_links_lead_to_the_flat_files_from_the_pages_folder() -> None:
    links = StaticLinks("id/mini/cluster")  # the folder of id/mini/cluster/mobility.html
    assert links.entity("id/mini/organisation/acme") == "../organisation/acme.html"
    assert links.entity("id/mini/cluster/other") == "other.html"
    assert links.entity("id/mini/cluster/mobility/acme/member") == "mobility/acme/member.html"
    assert links.data("id/mini/cluster/mobility", "jsonld") == "mobility.jsonld"
    assert links.file("id/index.html") == "../../index.html"
    assert StaticLinks("id").entity("id/mini/cluster/mobility") == "mini/cluster/mobility.html"


def test_no_entity_is_named_like_a_file_of_the_site(tmp_path: Path) -> None:
    """Entities whose ids end in a file suffix of the site have no page: ``x.ttl`` would be the Turtle of
    ``x``, and the folder of ``x.ttl/y`` would clash with that file. The rest are written as real files."""
    graph = NamedNode("https://example.org/id/mini/graph")
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    ids = ["cluster/x", "cluster/x.ttl", "cluster/x.html", "cluster/x.nt/y", "cluster/x/y", "file/a.jsonld"]
    site = Site([Quad(NamedNode(f"https://example.org/id/mini/{i}"), label, Literal(i), graph) for i in ids])
    assert sorted(site.paths.values()) == ["id/mini/cluster/x", "id/mini/cluster/x/y"]
    written: list[str] = []

    def write(path: str, data: bytes) -> None:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
        written.append(path)

    assert write_site(site, write) == written
    assert written == [
        "id/index.html",
        "id/style.css",
        *(f"id/mini/cluster/x.{suffix}" for suffix in ("html", "ttl", "jsonld", "nt")),
        *(f"id/mini/cluster/x/y.{suffix}" for suffix in ("html", "ttl", "jsonld", "nt")),
    ]
    assert "<h1>cluster/x</h1>" in (tmp_path / "id/mini/cluster/x.html").read_text(encoding="utf-8")
    assert site.resolve("id/mini/cluster/x.ttl") == ("https://example.org/id/mini/cluster/x", "ttl")
    assert site.resolve("id/mini/cluster/x.html") == ("https://example.org/id/mini/cluster/x", "html")
    assert site.resolve("id/mini/cluster/x") == ("https://example.org/id/mini/cluster/x", None)
    assert site.resolve("id/mini/cluster/x/index.html") is None  # the folder layout is gone


def test_report_names_and_anchors_are_the_reports() -> None:
    assert report_name("https://example.org/id/mini/study/mini") == "mini"
    assert report_anchor("mobility") == "cluster-mobility"
    assert report_anchor("Neckar Smart/Production!") == "cluster-Neckar-Smart-Production"
    assert report_anchor("***") == "cluster-x"


def test_an_unlabelled_entity_is_named_by_its_kind_and_id() -> None:
    graph = NamedNode("https://example.org/id/mini/graph")
    membership = NamedNode("https://example.org/id/mini/membership/mobility/acme/member")
    site = Site([Quad(membership, NamedNode("http://www.w3.org/ns/org#member"), NamedNode(CLUSTER), graph)])
    assert site.label(membership.value) == "membership mobility/acme/member"
    assert site.label("http://www.w3.org/ns/org#member") == "member"  # no label, not an entity
    assert site.paths == {
        membership.value: "id/mini/membership/mobility/acme/member",
        CLUSTER: "id/mini/cluster/mobility",
    }


# Private, the quote goes with every link to it: here the segment's only statement, so only the data set
# is left.
@pytest.mark.parametrize(("public", "pages"), [("true", 3), ("false", 1)])
def test_a_quote_has_a_page_only_where_the_recorded_flags_make_it_public(public: str, pages: int) -> None:
    """The site of ``icgp serve`` is built from what serve may serve: the graph's recorded flags decide."""
    graph = NamedNode("https://example.org/id/mini/graph")
    dataset, segment, quote = (
        NamedNode(f"https://example.org/id/mini/{x}")
        for x in ("dataset/mini", "segment/s1", "segment/s1/quote")
    )
    xsd_boolean = NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
    store = Store()
    store.extend(
        [
            Quad(dataset, NamedNode(str(ICGP.publicQuotes)), Literal(public, datatype=xsd_boolean), graph),
            Quad(segment, NamedNode(str(OA.hasSelector)), quote, graph),
            Quad(quote, NamedNode(str(RDF.type)), NamedNode(str(OA.TextQuoteSelector)), graph),
            Quad(quote, NamedNode(str(OA.exact)), Literal(QUOTE), graph),
        ]
    )
    site = Site(servable_quads(store)[0])
    assert len(site.paths) == pages
    assert (quote.value in site.paths) is (public == "true")
    shown = "".join(site.page(iri, ServedLinks()) + site.rdf(iri, "nt").decode() for iri in site.paths)
    assert (QUOTE in shown) is (public == "true")


# -- icgp serve ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``icgp serve`` over the mini study built with its assessment; the root URL."""
    store = tmp_path_factory.mktemp("entity-pages") / "store"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        result = CliRunner().invoke(app, ["build", str(MINI), "--store", str(store), "--assess"])
    assert result.exit_code == 0, result.output
    with icgp_serve(store, "--cors", ORIGIN, env={"SOURCE_DATE_EPOCH": "1700000000"}) as url:
        yield url.removesuffix("sparql")


def get(url: str, accept: str | None = None, **headers: str) -> tuple[int, dict[str, str], bytes]:
    if accept is not None:
        headers["Accept"] = accept
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def expected_cluster() -> rdflib.Graph:
    return rdflib.Graph().parse(data=CLUSTER_TURTLE, format="turtle")


@pytest.mark.parametrize(
    ("path", "accept", "media", "fmt"),
    [
        ("id/mini/cluster/mobility", "text/turtle", "text/turtle", "turtle"),
        (
            "id/mini/cluster/mobility",
            "text/html;q=0.2, application/ld+json",
            "application/ld+json",
            "json-ld",
        ),
        ("id/mini/cluster/mobility", "application/n-triples", "application/n-triples", "nt"),
        ("id/mini/cluster/mobility.ttl", BROWSER, "text/turtle", "turtle"),  # a suffix wins over Accept
        ("id/mini/cluster/mobility.jsonld", None, "application/ld+json", "json-ld"),
        ("id/mini/cluster/mobility.nt", None, "application/n-triples", "nt"),
    ],
)
def test_an_entity_iri_answers_its_triples_by_accept_or_suffix(
    server: str, path: str, accept: str | None, media: str, fmt: str
) -> None:
    status, headers, body = get(server + path, accept)
    assert status == 200
    assert headers["Content-Type"] == f"{media}; charset=utf-8"
    assert isomorphic(rdflib.Graph().parse(data=body, format=fmt), expected_cluster())
    if "." not in path.rsplit("/", 1)[-1]:
        assert headers["Vary"] == "Origin, Accept"  # Origin: the server runs with --cors


def test_a_browser_gets_the_page_with_links_to_follow(server: str) -> None:
    status, headers, body = get(server + "id/mini/cluster/mobility", BROWSER)
    assert (status, headers["Content-Type"], headers["Vary"]) == (
        200,
        "text/html; charset=utf-8",
        "Origin, Accept",
    )
    page = body.decode("utf-8")
    assert "<h1>Mobility Cluster</h1>" in page
    acme = "https://example.org/id/mini/organisation/acme"
    assert f'<a href="/id/mini/organisation/acme" title="{acme}">Acme Tools</a>' in page
    assert '<a class="report" href="/report/mini.html#cluster-mobility">' in page
    assert '<a href="/id/mini/cluster/mobility.ttl" type="text/turtle">Turtle</a>' in page
    status, _, body = get(server + "id/mini/organisation/acme", BROWSER)
    assert status == 200 and b"<h1>Acme Tools</h1>" in body
    status, headers, _ = get(server + "id/mini/cluster/mobility")  # no Accept at all: the page
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    # the static layout's page file: the page whatever Accept says, so nothing varies by Accept
    status, headers, body = get(server + "id/mini/cluster/mobility.html", "text/turtle")
    assert (status, headers["Content-Type"], headers["Vary"]) == (200, "text/html; charset=utf-8", "Origin")
    assert "<h1>Mobility Cluster</h1>" in body.decode()
    status, _, _ = get(server + "id/mini/cluster/mobility/index.html", BROWSER)  # the old folder layout
    assert status == 404


def test_unknown_and_private_iris_get_a_404_page(server: str) -> None:
    for path in ("id/mini/cluster/nowhere", "id/mini/segment/s1/quote", "id/mini/response/R01/Q1"):
        status, headers, body = get(server + path, BROWSER)
        assert (status, headers["Content-Type"]) == (404, "text/html; charset=utf-8"), path
        assert b"<h1>Not found</h1>" in body
        status, headers, body = get(server + path, "text/turtle")
        assert (status, headers["Content-Type"]) == (404, "text/plain; charset=utf-8"), path
    status, _, body = get(server + "id/mini/segment/s1", BROWSER)
    assert status == 200
    assert QUOTE.encode() not in body and b"segment/s1/quote" not in body
    status, _, body = get(server + "id/mini/segment/s1.nt")
    assert status == 200 and b"quote" not in body.lower()


def test_a_type_nothing_offers_gets_406(server: str) -> None:
    status, headers, body = get(server + "id/mini/cluster/mobility", "application/rdf+xml")
    assert (status, headers["Vary"]) == (406, "Origin, Accept")
    assert body == b"offered: text/html, text/turtle, application/ld+json, application/n-triples\n"


def test_vary_names_both_origin_and_accept_for_an_allowed_origin(server: str) -> None:
    status, headers, _ = get(server + "id/mini/cluster/mobility", "text/turtle", Origin=ORIGIN)
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert headers["Vary"] == "Origin, Accept"


def test_the_index_docs_report_and_stylesheet_are_served(server: str) -> None:
    status, _, body = get(server + "id/", BROWSER)
    assert status == 200
    assert f'<a href="/id/mini/cluster/mobility" title="{CLUSTER}">Mobility Cluster</a>' in body.decode()
    status, headers, body = get(server + "id/style.css")
    assert (status, headers["Content-Type"]) == (200, "text/css; charset=utf-8")
    status, _, body = get(server + "ontology/icgp.html")
    assert status == 200 and b'id="InnovationCluster"' in body
    status, _, body = get(server + "vocab/i40t.html")
    assert status == 200 and b'id="machine-learning"' in body
    status, _, body = get(server + "report/mini.html")
    assert status == 200 and b'id="cluster-mobility"' in body and QUOTE.encode() not in body
    status, _, body = get(server + "report/other.html")
    assert status == 404 and body == b"no report page report/other.html; the pages are: report/mini.html\n"
    status, _, _ = get(server + "vocab/nothing.html")
    assert status == 404


# -- the query gallery ------------------------------------------------------------------------------


def _settings(page: bytes) -> dict[str, Any]:
    """The settings the query page hands its script (the JSON data block)."""
    found = re.search(
        r'<script type="application/json" id="icgp-query-settings">(.*?)</script>', page.decode()
    )
    assert found is not None
    settings: dict[str, Any] = json.loads(found.group(1))
    return settings


def test_the_gallery_offers_every_saved_query_with_pick_lists(server: str) -> None:
    status, headers, body = get(server + "query", BROWSER)
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert "connect-src 'self'" in headers["Content-Security-Policy"]
    assert "script-src 'self';" in headers["Content-Security-Policy"]
    page = body.decode("utf-8")
    for name in catalogue():
        assert f'<input type="hidden" name="name" value="{name}"/>' in page
    # a vocabulary parameter is a pick list of its scheme's concepts, its default chosen
    shortage = "https://w3id.org/icgp/vocab/factor/skills-shortage"
    assert f'<option value="{shortage}" selected>F3.03 Skills shortage</option>' in page
    assert '<input type="text" name="p.min_partners" value="5" placeholder="xsd:integer"/>' in page
    assert (_settings(body)["query"], _settings(body)["run"]) == ("", False)  # nothing chosen: nothing runs


def test_the_gallery_binds_the_chosen_values(server: str) -> None:
    barrier = "https://w3id.org/icgp/vocab/factor/skills-shortage"
    technology = "https://w3id.org/icgp/vocab/i40t/machine-learning"
    url = f"{server}query?name=activities_for_barrier_and_technology&p.barrier={barrier}&p.technology=T03.5"
    status, _, body = get(url, BROWSER)
    assert status == 200
    settings = _settings(body)
    assert f"VALUES (?_barrier_iri ?_technology_iri) {{ (<{barrier}> <{technology}>) }}" in settings["query"]
    assert settings["query"].startswith("PREFIX icgp:")  # the #+ header is the page's question instead
    assert (settings["run"], settings["sites"]) == (True, {"https://example.org/id/mini/": "/id/mini/"})


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("name=nothing", 404, "there is no saved query named &#x27;nothing&#x27;"),
        (
            "name=actors_by_ties&p.min_partners=%3C/script%3E%3Cscript%3Ealert(1)%3C/script%3E",
            400,
            "parameter &#x27;min_partners&#x27;",
        ),
    ],
)
def test_the_gallery_explains_what_it_cannot_run(server: str, query: str, status: int, message: str) -> None:
    got, _, body = get(f"{server}query?{query}", BROWSER)
    page = body.decode("utf-8")
    assert got == status
    assert message in page
    assert page.count("</script>") == 3  # the settings block and two script files: nothing injected
    assert _settings(body)["run"] is False


def test_the_vendored_yasgui_and_its_licence_are_served(server: str) -> None:
    status, headers, body = get(server + "static/yasgui/yasgui.min.js")
    assert (status, headers["Content-Type"]) == (200, "text/javascript; charset=utf-8")
    assert len(body) == 1012309
    status, headers, body = get(server + "static/yasgui/LICENSE")
    assert status == 200 and b"MIT License" in body and b"@zazuko/yasgui 4.6.2" in body
    assert get(server + "static/../serve.py")[0] == 404
    assert get(server + "static/yasgui/")[0] == 404
