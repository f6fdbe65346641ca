"""The static linked-data site of a release: four flat files per instance IRI (its page and its RDF) in
its kind's folder, strict HTML, no broken link, nothing private, and .htaccess rules that reach the files."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import html5lib
import pytest
import rdflib
from conftest import released_once
from graph_compare import isomorphic
from pyoxigraph import NamedNode, RdfFormat, parse

from kg.publish.release_pages import htaccess

MINI = Path(__file__).resolve().parent / "fixtures" / "build" / "mini"
FILES_URL = "https://files.example.org/icgp/"
SITE = "http://site.invalid/"  # stands for the release folder when resolving links
ID = "https://example.org/id/mini/"
QUOTE = "We simply have nobody who can program the robot."


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``icgp release MINI --assess --files-url FILES_URL`` at SOURCE_DATE_EPOCH 1700000000, made once per
    test run however the tests of this module are spread over the workers. Read it, never change it."""
    args = [str(MINI), "--assess", "--version", "1.0.0", "--files-url", FILES_URL]
    return released_once(tmp_path_factory, "mini-site-release", args).folder


def _pages(folder: Path) -> Iterator[Path]:
    return iter(sorted((folder / "id").rglob("*.html")))


def _released(folder: Path) -> rdflib.Graph:
    """Every statement of the release's data graphs, merged."""
    graph = rdflib.Graph()
    for path in sorted((folder / "data").glob("*.nq")):
        for quad in parse(path=str(path), format=RdfFormat.N_QUADS):
            graph.parse(data=f"{quad.subject} {quad.predicate} {quad.object} .\n", format="nt")
    return graph


def _entities(folder: Path) -> set[str]:
    """The site path below ``id/`` of every entity page: the HTML files but the index."""
    pages = {p.relative_to(folder / "id").as_posix() for p in (folder / "id").rglob("*.html")}
    return {page.removesuffix(".html") for page in pages - {"index.html"}}


def test_every_entity_has_its_page_and_rdf_as_files_in_its_kinds_folder(release: Path) -> None:
    entities = _entities(release)
    files = {p.relative_to(release / "id").as_posix() for p in (release / "id").rglob("*") if p.is_file()}
    assert files == {"index.html", "style.css"} | {
        f"{entity}.{suffix}" for entity in entities for suffix in ("html", "ttl", "jsonld", "nt")
    }
    # the folders are those the entity paths pass through, not one per entity
    made = {p.relative_to(release / "id").as_posix() for p in (release / "id").rglob("*") if p.is_dir()}
    assert made == {entity.rsplit("/", i)[0] for entity in entities for i in range(1, entity.count("/") + 1)}
    assert {"mini/cluster", "mini/segment/s1", "mini/membership/mobility/acme"} <= made
    assert "mini/cluster/mobility" not in made
    assert (release / "id/mini/cluster/mobility.html").is_file()
    # an entity whose path continues another's: in the folder beside the other's files
    assert (release / "id/mini/segment/s1.html").is_file()
    assert (release / "id/mini/segment/s1/position.html").is_file()
    for wanted in (
        "mini/cluster/mobility",
        "mini/organisation/acme",
        "mini/organisation/bigco",
        "mini/organisation/uni",
        "mini/activity/a1",
        "mini/source/fg1",
        "mini/code/BAR-SKILLS",
        "mini/assessment/mobility/icgp-growth-pole-1.0.0/2021-01-01_2021-12-31",
    ):
        assert wanted in entities
    # every IRI under the study's space that the released data mention, and no other
    released = _released(release)
    mentioned = {
        str(term)
        for triple in released
        for term in (triple[0], triple[2])
        if isinstance(term, rdflib.URIRef) and str(term).startswith(ID) and str(term) != ID
    }
    assert {f"{ID}{entity.removeprefix('mini/')}" for entity in entities} == mentioned
    # 50 resources of the mini graph (15 package files, 4 parts of the coded segment ...) and 24 of its
    # assessment (the assessment, 6 criterion scores, 15 indicator values, its period and run), less the
    # private quote and survey answer
    assert len(entities) == 50 + 24 - 2


def test_private_quotes_and_answers_have_no_page_and_appear_nowhere(release: Path) -> None:
    assert not list((release / "id/mini/segment").rglob("quote*"))
    assert not list((release / "id/mini").glob("response*"))
    assert (release / "id/mini/segment/s1.html").is_file()  # the coded segment itself is public
    for path in (release / "id").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert QUOTE not in text, path
            assert "segment/s1/quote" not in text, path
            assert "response/R01" not in text, path


def test_every_page_is_strict_html_and_no_internal_link_is_broken(release: Path) -> None:
    iris: set[str] = set()
    for path in [*release.glob("data/*.nq"), *release.glob("ontology/*.nt"), *release.glob("vocab/*.nt")]:
        fmt = RdfFormat.N_QUADS if path.suffix == ".nq" else RdfFormat.N_TRIPLES
        for quad in parse(path=str(path), format=fmt):
            iris |= {t.value for t in (quad.subject, quad.predicate, quad.object) if isinstance(t, NamedNode)}
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    ids: dict[str, set[str]] = {}
    fragments: set[str] = set()
    checked = 0
    for page in _pages(release):
        here = page.relative_to(release).as_posix()
        tree = parser.parse(page.read_bytes())  # raises on the first parse error
        ids.setdefault(here, {e.get("id", "") for e in tree.iter() if e.get("id")})
        for element in tree.iter():
            if element.tag not in ("a", "link") or element.get("href") is None:
                continue
            href = element.get("href", "")
            target = urljoin(SITE + here, href)
            if not target.startswith(SITE):
                assert urlsplit(href).scheme in ("http", "https") and href in iris, (here, href)
                continue
            file, _, fragment = target.removeprefix(SITE).partition("#")
            assert (release / unquote(file)).is_file(), (here, href)
            if fragment:
                if file not in ids:
                    ids[file] = {
                        e.get("id", "")
                        for e in parser.parse((release / file).read_bytes()).iter()
                        if e.get("id")
                    }
                assert fragment in ids[file], (here, href)
                fragments.add(f"{file}#{fragment}")
            checked += 1
    # each of the 72 entity pages links the stylesheet, the index and its three RDF files, besides
    # its properties and links
    assert checked > 72 * 5
    assert "report/mini.html#cluster-mobility" in fragments


def test_the_cluster_page_shows_members_activities_assessment_and_report_section(release: Path) -> None:
    text = (release / "id/mini/cluster/mobility.html").read_text(encoding="utf-8")
    tree = ET.fromstring(text.removeprefix("<!DOCTYPE html>\n"))  # XHTML: well-formed XML as well
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    assert tree.findtext("h:body/h:header/h:h1", namespaces=ns) == "Mobility Cluster"
    members = tree.findall(".//h:ul[@class='members']/h:li", ns)
    assert [ET.tostring(li, encoding="unicode", method="text") for li in members] == [
        "Acme Tools (Member)",
        "BigCo Motors (Anchor)",
    ]
    assert [li.find("h:a", ns).get("href") for li in members] == [  # type: ignore[union-attr]
        "../organisation/acme.html",
        "../organisation/bigco.html",
    ]
    activities = tree.findall(".//h:ul[@class='activities']/h:li/h:a", ns)
    assert [(a.text, a.get("href")) for a in activities] == [("AI bootcamp", "../activity/a1.html")]
    facts = {
        row.findtext("h:th", namespaces=ns): ET.tostring(
            row.find("h:td", ns), encoding="unicode", method="text"
        )  # type: ignore[arg-type]
        for row in tree.findall(".//h:table[@class='assessment']//h:tr", ns)
    }
    assert facts == {
        "Verdict": "Insufficient evidence",
        "Next stage": "Mobilise actors",
        "Growth-pole index": "1",
    }
    report = tree.find(".//h:a[@class='report']", ns)
    assert report is not None and report.get("href") == "../../../report/mini.html#cluster-mobility"
    # the properties link vocabulary concepts by their IRIs, shown by their labels
    assert '<a href="https://w3id.org/icgp/vocab/i40t/machine-learning"' in text
    assert ">Machine learning</a>" in text


def test_the_rdf_beside_each_page_is_exactly_the_entitys_statements(release: Path) -> None:
    released = _released(release)
    entities = sorted(_entities(release))
    assert len(entities) == 72
    for entity in entities:
        iri = rdflib.URIRef(ID + entity.removeprefix("mini/"))
        expected = rdflib.Graph()
        for triple in released.triples((iri, None, None)):
            expected.add(triple)
        assert len(expected) > 0, iri
        for suffix, fmt in (("nt", "nt"), ("ttl", "turtle"), ("jsonld", "json-ld")):
            got = rdflib.Graph().parse(release / "id" / f"{entity}.{suffix}", format=fmt)
            assert isomorphic(got, expected), (entity, suffix)


def _expand(pattern: str, target: str, path: str) -> str | None:
    """The bundle path that the rule ``pattern -> target`` sends ``path`` to, or None if it does not match."""
    match = re.match(pattern, path)
    if match is None:
        return None
    return match.expand(target.replace("$", "\\")).removeprefix(f"{FILES_URL}1.0.0/")


def test_htaccess_sends_instance_iris_to_the_files_by_accept(release: Path) -> None:
    text = (release / ".htaccess").read_text(encoding="utf-8")
    assert text == htaccess(FILES_URL, "1.0.0")
    rules = re.findall(
        r"^((?:RewriteCond %\{HTTP_ACCEPT\} (\S+)\n)?)RewriteRule (\^id\S*) (\S+) \[", text, re.M
    )
    by_accept = {accept: (pattern, target) for _, accept, pattern, target in rules}
    assert set(by_accept) == {
        "",
        "text/html",
        "application/ld\\+json",
        "text/turtle",
        "application/n-triples",
    }
    entity = "id/mini/cluster/mobility"
    for accept, suffix in (
        ("text/html", "html"),
        ("application/ld\\+json", "jsonld"),
        ("text/turtle", "ttl"),
        ("application/n-triples", "nt"),
    ):
        pattern, target = by_accept[accept]
        path = _expand(pattern, target, entity)
        assert path == f"{entity}.{suffix}"
        assert (release / path).is_file()
    # no Accept that a rule names: the page (the last rule)
    assert _expand(*by_accept[""], entity) == f"{entity}.html"
    # the rules without Accept, in order: the first that matches wins ([L])
    plain = [(p, t) for _, a, p, t in rules if a == ""]

    def first(path: str) -> str | None:
        return next(found for p, t in plain if (found := _expand(p, t, path)) is not None)

    for suffix in ("html", "ttl", "jsonld", "nt"):  # a suffix on the IRI names the file
        assert first(f"{entity}.{suffix}") == f"{entity}.{suffix}"
    position = "id/mini/segment/s1/position"  # an entity whose path continues another's
    assert _expand(*by_accept["text/turtle"], position) == f"{position}.ttl"
    assert first(f"{position}.jsonld") == f"{position}.jsonld"
    assert (release / f"{position}.jsonld").is_file() and (release / f"{position}.ttl").is_file()
    for path, file in (("id", "id/index.html"), ("id/", "id/index.html"), ("id/index.html", "id/index.html")):
        assert first(path) == file
    assert first("id/style.css") == "id/style.css"
    for file in ("id/index.html", "id/style.css"):
        assert (release / file).is_file()


def test_the_site_is_in_the_checksums_and_linked_from_the_landing_page(release: Path) -> None:
    listed = {
        line.split("  ", 1)[1] for line in (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    }
    site = {p.relative_to(release).as_posix() for p in (release / "id").rglob("*") if p.is_file()}
    assert len(site) == 2 + 4 * 72  # the index, the stylesheet and four files per entity
    assert site <= listed
    assert '<a href="id/index.html">' in (release / "index.html").read_text(encoding="utf-8")
