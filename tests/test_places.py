"""Places, identifiers and contacts (issue 15): coordinates as GeoSPARQL points, street addresses,
identifiers in other registers and contact persons kept out of public releases, on an Algerian-style
list of incubators (tests/fixtures/regions/dz-incubators)."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import rdflib
from cli_runner import CliRunner
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse

from cli import app
from kg.build.serialize import serialize_quads
from kg.build.study import BuiltStudy, build_package, store_study
from kg.build.tables import wkt_point
from kg.publish.privacy import EMAIL, PrivacyError
from kg.publish.release import make_release
from kg.query.catalogue import catalogue, find_query
from kg.query.parameters import prepare
from kg.query.run import StoreTarget
from kg.validation.validate import validate_package

DZ = Path(__file__).parent / "fixtures" / "regions" / "dz-incubators"
DATA = "https://example.org/id/dz-incubators/"
ISO = "https://w3id.org/icgp/vocab/iso3166/"
GEO = "http://www.opengis.net/ont/geosparql#"
ADMS = "http://www.w3.org/ns/adms#"
SKOS_NOTATION = "http://www.w3.org/2004/02/skos/core#notation"
WKT_POINT = re.compile(r"^POINT\((-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)\)$")


@pytest.fixture(scope="module")
def dz_built() -> BuiltStudy:
    return build_package(DZ)


@pytest.fixture(scope="module")
def dz_store(dz_built: BuiltStudy) -> Store:
    store = Store()
    store_study(store, dz_built)
    return store


def copy_with(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the fixture with one text of one file replaced."""
    package = tmp_path / "package"
    shutil.copytree(DZ, package)
    path = package / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return package


def objects(quads: list[Quad], subject: str, predicate: str) -> set[str]:
    return {
        q.object.value for q in quads if q.subject == NamedNode(subject) and q.predicate.value == predicate
    }


def run(store: Store, name: str, given: dict[str, str] | None = None) -> list[tuple[str | None, ...]]:
    result = StoreTarget(store).run(prepare(find_query(name), given or {}))
    return [tuple(None if cell is None else cell.value for cell in row) for row in result.rows]


# -- the fixture ----------------------------------------------------------------------------------------


def test_the_fixture_validates_without_any_problem() -> None:
    assert validate_package(DZ).problems == []


def test_the_fixture_builds_its_places_identifiers_and_contacts(dz_built: BuiltStudy) -> None:
    quads = dz_built.result.quads
    org = DATA + "organisation/alger-tech-incubator"
    geometry = DATA + "geometry/organisation/alger-tech-incubator"
    assert objects(quads, org, GEO + "hasGeometry") == {geometry}
    assert objects(quads, geometry, GEO + "asWKT") == {"POINT(3.0588 36.7538)"}
    address = DATA + "address/organisation/alger-tech-incubator"
    assert objects(quads, org, "https://schema.org/address") == {address}
    assert objects(quads, address, "https://schema.org/streetAddress") == {"12 rue des Oliviers, 16000 Alger"}
    # Two identifiers; the register number's '/' is escaped in the identifier's IRI.
    identifiers = objects(quads, org, ADMS + "identifier")
    assert identifiers == {
        DATA + "identifier/alger-tech-incubator/source/INC-001",
        DATA + "identifier/alger-tech-incubator/register/16%2F00-0123456",
    }
    assert {n for i in identifiers for n in objects(quads, i, SKOS_NOTATION)} == {"INC-001", "16/00-0123456"}
    assert {a for i in identifiers for a in objects(quads, i, ADMS + "schemeAgency")} == {
        "The source database of the study",
        "National company register",
    }
    contact = DATA + "contact/alger-tech-incubator"
    assert objects(quads, org, "https://schema.org/contactPoint") == {contact}
    assert objects(quads, contact, "https://schema.org/email") == {"contact@alger-tech.example.org"}
    assert objects(quads, contact, "https://schema.org/name") == {"Amina Benali"}
    # Five organisations and two sites have coordinates, two organisations and a site an address, four
    # organisations a contact point, all six an identifier.
    kinds = {
        GEO + "hasGeometry": 5 + 2,
        "https://schema.org/address": 2 + 1,
        "https://schema.org/contactPoint": 4,
        ADMS + "identifier": 7,
    }
    for predicate, count in kinds.items():
        assert len([q for q in quads if q.predicate.value == predicate]) == count, predicate
    sites = objects(quads, org, "http://www.w3.org/ns/org#hasSite")
    assert sites == {DATA + "site/alger-tech-oran", DATA + "site/alger-tech-setif"}
    oran = DATA + "site/alger-tech-oran"
    assert objects(quads, oran, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == {
        "http://www.w3.org/ns/org#Site"
    }
    assert objects(quads, oran, "https://w3id.org/icgp/ontology#locatedIn") == {ISO + "DZ-31"}
    assert objects(quads, DATA + "geometry/site/alger-tech-oran", GEO + "asWKT") == {"POINT(-0.64 35.7)"}
    # The wilayas the study uses, with Algeria above them: DZ, DZ-09, DZ-16, DZ-19 (a site), DZ-25, DZ-31.
    regions = sorted(
        q.subject.value[len(ISO) :]
        for q in dz_built.result.regions
        if q.predicate.value == "http://www.w3.org/2004/02/skos/core#inScheme"
    )
    assert regions == ["DZ", "DZ-09", "DZ-16", "DZ-19", "DZ-25", "DZ-31"]


@pytest.mark.parametrize("fmt", ["nt", "ttl", "nq"])
def test_the_points_come_back_as_wkt_in_rdflib_and_pyoxigraph(dz_built: BuiltStudy, fmt: str) -> None:
    data = serialize_quads(dz_built.result.quads, fmt)
    wkt = rdflib.URIRef(GEO + "wktLiteral")
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format={"nt": "nt", "ttl": "turtle", "nq": "nquads"}[fmt])
    found = dataset.quads((None, rdflib.URIRef(GEO + "asWKT"), None, None))
    from_rdflib = sorted(
        str(o) for _, _, o, _ in found if isinstance(o, rdflib.Literal) and o.datatype == wkt
    )
    oxigraph_format = {"nt": RdfFormat.N_TRIPLES, "ttl": RdfFormat.TURTLE, "nq": RdfFormat.N_QUADS}[fmt]
    from_oxigraph = sorted(
        t.object.value
        for t in parse(data, format=oxigraph_format)
        if t.predicate.value == GEO + "asWKT" and t.object.datatype.value == GEO + "wktLiteral"
    )
    assert from_rdflib == from_oxigraph
    points = [WKT_POINT.match(text) for text in from_rdflib]
    assert [(float(m.group(1)), float(m.group(2))) for m in points if m] == [
        (-0.6308, 35.6971),
        (-0.64, 35.7),
        (2.8277, 36.47),
        (3.0588, 36.7538),
        (3.06, 36.785),
        (5.41, 36.19),
        (6.6147, 36.365),
    ]


def test_wkt_points_put_longitude_first_and_drop_trailing_zeros() -> None:
    assert wkt_point(3.05880, 36.75) == "POINT(3.0588 36.75)"
    assert wkt_point(-0.0, 0.0) == "POINT(0 0)"
    assert wkt_point(-179.99999999, -90.0) == "POINT(-180 -90)"


def test_every_saved_query_runs_on_the_fixture(dz_store: Store) -> None:
    for query in catalogue().values():
        StoreTarget(dz_store).run(prepare(query, {}))


def test_icgp_assess_runs_on_the_fixture() -> None:
    result = CliRunner().invoke(app, ["assess", str(DZ), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"Algiers Digital Ecosystem"' in result.stdout


def test_the_spread_query_counts_the_wilayas(dz_store: Store) -> None:
    (row,) = run(dz_store, "gp_c4_spread_effects")
    # The bootcamp reached three SMEs: Casbah in Algiers (inside), Mitidja in Blida (outside) and Sahara
    # Solar, whose wilaya is unknown; Mitidja and Sahara are not members.
    assert row[4:11] == (ISO + "DZ-16", "Alger", "1", "3", "1", "0.5", "2")


# -- the bounding-box query ------------------------------------------------------------------------------


def test_the_bounding_box_query_lists_the_organisations_inside(dz_store: Store) -> None:
    # Around Algiers and Blida: Oran (west) and Constantine (east) are outside; Sahara Solar has no point.
    box = {"west": "2.5", "east": "3.5", "south": "36.4", "north": "37"}
    assert run(dz_store, "organisations_in_bounding_box", box) == [
        (
            DATA + "organisation/alger-tech-incubator",
            "Alger Tech Incubator",
            "Incubator",
            None,
            ISO + "DZ-16",
            "POINT(3.0588 36.7538)",
            "3.0588",
            "36.7538",
        ),
        (
            DATA + "organisation/casbah-logiciels",
            "Casbah Logiciels SARL",
            "Small enterprise",
            None,
            ISO + "DZ-16",
            "POINT(3.06 36.785)",
            "3.06",
            "36.785",
        ),
        (
            DATA + "organisation/mitidja-agritech",
            "Mitidja Agritech",
            "Startup",
            None,
            ISO + "DZ-09",
            "POINT(2.8277 36.47)",
            "2.8277",
            "36.47",
        ),
    ]
    # The default box is the whole world: five organisations' points and two sites'; an edge counts.
    world = run(dz_store, "organisations_in_bounding_box")
    assert len(world) == 7
    assert [(r[3], r[4]) for r in world if r[3]] == [
        (DATA + "site/alger-tech-oran", ISO + "DZ-31"),
        (DATA + "site/alger-tech-setif", ISO + "DZ-19"),
    ]
    edge = {"west": "-0.6308", "east": "-0.6308", "south": "35.6971", "north": "35.6971"}
    assert [r[1] for r in run(dz_store, "organisations_in_bounding_box", edge)] == ["Oran Cowork"]


# -- cell checks ------------------------------------------------------------------------------------------


def problems(package: Path) -> list[tuple[str, str, int | None, str | None]]:
    return [(p.rule, p.file, p.row, p.column) for p in validate_package(package).problems]


def test_a_latitude_out_of_range_is_a_cell_error(tmp_path: Path) -> None:
    package = copy_with(tmp_path, "organisations.csv", "36.365,6.6147", "96.365,6.6147")
    found = validate_package(package).problems
    assert [(p.rule, p.file, p.row, p.column, p.value) for p in found] == [
        ("table.range", "organisations.csv", 5, "latitude", "96.365")
    ]
    assert "from -90 to 90" in found[0].message


def test_a_longitude_without_its_latitude_is_refused(tmp_path: Path) -> None:
    package = copy_with(tmp_path, "organisations.csv", "36.365,6.6147", ",6.6147")
    assert problems(package) == [("table.required", "organisations.csv", 5, "latitude")]


def test_an_identifier_of_an_unknown_scheme_is_refused(tmp_path: Path) -> None:
    package = copy_with(tmp_path, "organisations.csv", "source:ENT-014", "duns:123456789")
    found = validate_package(package).problems
    assert [(p.rule, p.row, p.column, p.value) for p in found] == [
        ("table.type", 3, "identifiers", "duns:123456789")
    ]
    assert "SCHEME one of wikidata, ror, lei, opencorporates, register, source" in found[0].message


def test_a_site_of_an_unknown_organisation_is_refused(tmp_path: Path) -> None:
    package = copy_with(
        tmp_path, "sites.csv", "alger-tech-setif,alger-tech-incubator", "alger-tech-setif,alger-tek"
    )
    found = validate_package(package).problems
    assert [(p.rule, p.file, p.row, p.column, p.value) for p in found] == [
        ("table.foreign-key", "sites.csv", 3, "organisation", "alger-tek")
    ]


def test_a_contact_email_that_is_no_address_is_refused(tmp_path: Path) -> None:
    package = copy_with(tmp_path, "organisations.csv", "info@cirta.example.org", "info at cirta")
    assert problems(package) == [("table.type", "organisations.csv", 5, "contact_email")]


# -- contacts and privacy --------------------------------------------------------------------------------


def release_texts(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): p.read_text(encoding="utf-8", errors="replace")
        for p in out.rglob("*")
        if p.is_file()
    }


def test_a_release_contains_no_email_address(tmp_path: Path) -> None:
    out = tmp_path / "release"
    report = make_release(DZ, out, "1.0.0")
    texts = release_texts(out)
    assert len(texts) > 100
    assert [name for name, text in texts.items() if EMAIL.search(text) or "Amina Benali" in text] == []
    assert any("left out 4 contact point(s)" in note for note in report.notes)
    # Nor the checksum of the table that holds them, which would let a guessed address be confirmed.
    digest = hashlib.sha256((DZ / "organisations.csv").read_bytes()).hexdigest()
    control = hashlib.sha256((DZ / "clusters.csv").read_bytes()).hexdigest()
    assert [name for name, text in texts.items() if digest in text] == []
    assert [name for name, text in texts.items() if control in text]
    # The places and identifiers are public and stay.
    data = texts["data/dz-incubators.nq"]
    assert '"POINT(3.0588 36.7538)"^^<http://www.opengis.net/ont/geosparql#wktLiteral>' in data
    assert '"INC-001"' in data


def test_the_descriptor_may_make_contacts_public(tmp_path: Path) -> None:
    package = copy_with(
        tmp_path, "datapackage.yaml", "language: en\n", "language: en\npublic: {contacts: true}\n"
    )
    out = tmp_path / "release"
    make_release(package, out, "1.0.0")
    data = (out / "data" / "dz-incubators.nq").read_text(encoding="utf-8")
    assert '"contact@alger-tech.example.org"' in data and '"Amina Benali"' in data


def test_an_email_address_in_another_column_stops_the_release(tmp_path: Path) -> None:
    # Contacts public or not, an address written into a column that is not a contact is found.
    package = copy_with(
        tmp_path,
        "organisations.csv",
        "12 rue des Oliviers, 16000 Alger",
        "12 rue des Oliviers, amina@example.dz",
    )
    with pytest.raises(PrivacyError) as refused:
        make_release(package, tmp_path / "release", "1.0.0")
    assert [(f.resource, f.value) for f in refused.value.findings] == [
        (DATA + "address/organisation/alger-tech-incubator", "12 rue des Oliviers, amina@example.dz")
    ]
    assert not (tmp_path / "release").exists()
