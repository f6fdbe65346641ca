"""Regions anywhere (issue 15): NUTS 2024, ISO 3166-1 and ISO 3166-2 codes, empty regions, clusters in
several regions or none, and the open actor types, on a US-style study (tests/fixtures/regions)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_runner import CliRunner
from pyoxigraph import NamedNode, Quad, RdfFormat, Store

from cli import app
from kg.build.study import BuiltStudy, build_package, store_study
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.ontology.iso3166 import REGIONS_GRAPH, iso_regions, region_quads
from kg.ontology.namespaces import DCTERMS, ICGP, NUTS, RDF, SKOS
from kg.ontology.resources import resource_dir
from kg.package.cells import CellError, converter
from kg.package.schemas import load_schemas
from kg.package.table_checks import check_path
from kg.query.catalogue import catalogue, find_query
from kg.query.parameters import prepare
from kg.query.run import StoreTarget
from kg.validation.validate import validate_package

US = Path(__file__).parent / "fixtures" / "regions" / "us-clusters"
ISO = "https://w3id.org/icgp/vocab/iso3166/"
DATA = "https://example.org/id/us-clusters/"
LOCATED_IN = NamedNode(str(ICGP.locatedIn))
SKOS_EXACT_MATCH = NamedNode(str(SKOS.exactMatch))
EXPECTED = (
    "a region code: NUTS 2024 (e.g. DE12), an ISO 3166-1 country (e.g. FR) or an ISO 3166-2 "
    "subdivision (e.g. US-CA)"
)
# Each accepted code and the region it names: ISO subdivisions, a NUTS region, a code both lists
# share (the NUTS country wins, as it always did), any letter case.
ACCEPTED = {
    "US-CA": ISO + "US-CA",
    "DZ-16": ISO + "DZ-16",
    "DE11": str(NUTS["DE11"]),
    "FR": str(NUTS["FR"]),
    "us-ca": ISO + "US-CA",
}
# Each refused code, the reason and the suggestion.
REFUSED = {
    "US-XX": (
        "is not a known NUTS 2024 or ISO 3166 region code; did you mean "
        "'US-TX' (Texas) or 'US-WY' (Wyoming) or 'US-WV' (West Virginia)?",
        "'US-TX' (Texas) or 'US-WY' (Wyoming) or 'US-WV' (West Virginia)",
    ),
    "DE1Z9": (
        "is not a known NUTS 2024 or ISO 3166 region code; did you mean "
        "'DEA19' (Solingen, Kreisfreie Stadt) or 'DE719' (Main-Kinzig-Kreis) or 'DE219' (Eichstätt)?",
        "'DEA19' (Solingen, Kreisfreie Stadt) or 'DE719' (Main-Kinzig-Kreis) or 'DE219' (Eichstätt)",
    ),
    "UK": (
        "is not a known NUTS 2024 or ISO 3166 region code; did you mean 'GB' (United Kingdom)?",
        "'GB' (United Kingdom)",
    ),
    "California": (
        f"is not {EXPECTED}; did you mean 'US-CA' (California) or 'ITF6' (Calabria)?",
        "'US-CA' (California) or 'ITF6' (Calabria)",
    ),
}


@pytest.fixture(scope="module")
def concepts() -> ConceptIndex:
    return load_concepts()


@pytest.fixture(scope="module")
def us_built() -> BuiltStudy:
    return build_package(US)


@pytest.fixture(scope="module")
def us_store(us_built: BuiltStudy) -> Store:
    store = Store()
    store_study(store, us_built)
    return store


def objects(quads: list[Quad], subject: str, predicate: NamedNode) -> set[str]:
    return {q.object.value for q in quads if q.subject == NamedNode(subject) and q.predicate == predicate}


def copy_with(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the US fixture with one text of one file replaced."""
    package = tmp_path / "package"
    shutil.copytree(US, package)
    path = package / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return package


# -- region cells ------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["organisations", "clusters"])
@pytest.mark.parametrize(("cell", "iri"), ACCEPTED.items())
def test_a_region_cell_takes_nuts_and_iso_codes(
    concepts: ConceptIndex, table: str, cell: str, iri: str
) -> None:
    convert = converter(load_schemas()[table].field("nuts"), concepts)
    assert convert(cell) == iri


@pytest.mark.parametrize("table", ["organisations", "clusters"])
@pytest.mark.parametrize(("cell", "refusal"), REFUSED.items())
def test_a_wrong_region_code_is_refused_with_a_suggestion(
    concepts: ConceptIndex, table: str, cell: str, refusal: tuple[str, str]
) -> None:
    convert = converter(load_schemas()[table].field("nuts"), concepts)
    with pytest.raises(CellError) as caught:
        convert(cell)
    assert (caught.value.reason, caught.value.suggestion, caught.value.expected) == (*refusal, EXPECTED)


def test_an_organisation_takes_one_region_only(concepts: ConceptIndex) -> None:
    convert = converter(load_schemas()["organisations"].field("nuts"), concepts)
    with pytest.raises(CellError) as caught:
        convert("US-CA;DE11")
    reason = "is a list, but this column takes one region"
    assert (caught.value.rule, caught.value.reason) == ("table.list", reason)


def test_the_region_columns_are_optional_and_clusters_take_a_list() -> None:
    schemas = load_schemas()
    organisations, clusters = schemas["organisations"].field("nuts"), schemas["clusters"].field("nuts")
    assert (organisations.required, organisations.is_list) == (False, False)
    assert (clusters.required, clusters.is_list) == (False, True)


@pytest.mark.parametrize(("code", "iri"), [*ACCEPTED.items(), ("", None)])
def test_the_descriptor_region_takes_the_same_codes(tmp_path: Path, code: str, iri: str | None) -> None:
    package = copy_with(tmp_path, "datapackage.yaml", "region: US\n", f"region: '{code}'\n")
    built = build_package(package)
    study = DATA + "study/us-clusters"
    assert objects(built.result.quads, study, NamedNode(str(DCTERMS.spatial))) == ({iri} if iri else set())


@pytest.mark.parametrize(("code", "refusal"), [(code, REFUSED[code]) for code in ("US-XX", "DE1Z9")])
def test_the_descriptor_refuses_unknown_codes_with_a_suggestion(
    tmp_path: Path, concepts: ConceptIndex, code: str, refusal: tuple[str, str]
) -> None:
    package = copy_with(tmp_path, "datapackage.yaml", "region: US\n", f"region: {code}\n")
    problems = [p for p in check_path(package, concepts).problems if p.column == "region"]
    assert [(p.rule, p.row, p.message, p.suggestion) for p in problems] == [
        ("package.descriptor", 12, f"region '{code}' {refusal[0]}", refusal[1])
    ]


# -- the US-style fixture --------------------------------------------------------------------------------


def test_the_us_fixture_validates_without_any_problem() -> None:
    assert validate_package(US).problems == []


def test_the_us_fixture_builds_its_regions(us_built: BuiltStudy) -> None:
    quads = us_built.result.quads
    located = {
        q.subject.value.removeprefix(DATA): q.object.value.removeprefix(ISO)
        for q in quads
        if q.predicate == LOCATED_IN and "/cluster/" not in q.subject.value
    }
    # The organisation without a state gets no region triple at all: its region is unknown.
    assert located == {
        "organisation/pacific-motion": "US-CA",
        "organisation/sierra-sensors": "US-NV",
        "organisation/bay-launch": "US-CA",
        "organisation/midwest-suppliers": "US-MI",
        "organisation/motor-city-makers": "US-MI",
        "activity/cobot-day": "US-CA",
    }
    # A cluster in two states has both.
    assert objects(quads, DATA + "cluster/great-lakes-automotive", LOCATED_IN) == {
        ISO + "US-MI",
        ISO + "US-OH",
    }
    assert objects(quads, DATA + "cluster/bay-area-robotics", LOCATED_IN) == {ISO + "US-CA"}
    assert objects(quads, DATA + "study/us-clusters", NamedNode(str(DCTERMS.spatial))) == {ISO + "US"}


def test_a_cluster_without_a_region_builds_without_one(tmp_path: Path) -> None:
    package = copy_with(tmp_path, "clusters.csv", "US-MI;US-OH", "")
    assert validate_package(package).problems == []
    quads = build_package(package).result.quads
    assert objects(quads, DATA + "cluster/great-lakes-automotive", LOCATED_IN) == set()
    # Five organisations, the activity and the Bay Area cluster.
    assert len([q for q in quads if q.predicate == LOCATED_IN]) == 7


def test_the_open_actor_types_map_to_classes_and_helix_sectors(us_built: BuiltStudy) -> None:
    quads = us_built.result.quads
    kind = NamedNode(str(RDF.type))
    assert objects(quads, DATA + "organisation/bay-launch", kind) == {str(ICGP.Intermediary)}
    assert objects(quads, DATA + "organisation/midwest-suppliers", kind) == {str(ICGP.Intermediary)}
    assert objects(quads, DATA + "organisation/motor-city-makers", kind) == {str(ICGP.Organisation)}
    # 'unknown' has no helix sector; its subtype keeps the source's words.
    assert objects(quads, DATA + "organisation/motor-city-makers", NamedNode(str(ICGP.helixSector))) == set()
    assert objects(quads, DATA + "organisation/motor-city-makers", NamedNode(str(ICGP.actorSubtype))) == {
        "fab lab"
    }
    assert objects(quads, DATA + "organisation/bay-launch", NamedNode(str(ICGP.helixSector))) == {
        "https://w3id.org/icgp/vocab/helix/industry"
    }


@pytest.mark.parametrize(
    ("name", "slug", "broader", "actor_class", "helix"),
    [
        ("Incubator", "incubator", "intermediary", "Intermediary", "industry"),
        ("accelerator", "accelerator", "intermediary", "Intermediary", "industry"),
        ("Coworking space", "coworking-space", "intermediary", "Intermediary", "industry"),
        ("Science park", "science-technology-park", "intermediary", "Intermediary", "academia"),
        ("Industry association", "industry-association", "intermediary", "Intermediary", "industry"),
        ("Chamber", "chamber-of-commerce", "intermediary", "Intermediary", "industry"),
        ("A13", "other", None, "Organisation", None),
        ("unknown", "unknown", None, "Organisation", None),
    ],
)
def test_the_new_actor_types(
    concepts: ConceptIndex, name: str, slug: str, broader: str | None, actor_class: str, helix: str | None
) -> None:
    base = "https://w3id.org/icgp/vocab/actor/"
    iri = concepts.resolve("actor", name)
    assert iri == base + slug
    assert concepts.value(iri, str(SKOS.broader)) == (base + broader if broader else None)
    assert concepts.value(iri, str(ICGP.actorClass)) == str(ICGP[actor_class])
    sector = concepts.value(iri, str(ICGP.typicalHelixSector))
    assert sector == ("https://w3id.org/icgp/vocab/helix/" + helix if helix else None)


# -- queries and assessment ------------------------------------------------------------------------------


def run(store: Store, name: str) -> list[tuple[str | None, ...]]:
    result = StoreTarget(store).run(prepare(find_query(name), {}))
    return [tuple(None if cell is None else cell.value for cell in row) for row in result.rows]


def test_the_spread_query_treats_an_empty_region_as_unknown(us_store: Store) -> None:
    bay, lakes = run(us_store, "gp_c4_spread_effects")
    # Bay Area: core California (an ISO region is its own core). cobot-day reached three SMEs: one in
    # California, one in Nevada (outside) and one whose state is unknown, which counts neither way: the
    # share outside is 1 of the 2 with a known state. Lakeshore is not a Bay Area member.
    assert bay[4:11] == (ISO + "US-CA", "California", "1", "3", "1", "0.5", "1")
    # Great Lakes: two states, so two cores (no single core IRI); no activity.
    assert lakes[4] is None
    assert sorted((lakes[5] or "").split("; ")) == ["Michigan", "Ohio"]
    assert lakes[6:11] == ("0", "0", "0", None, "0")


def test_smes_outside_the_core_leave_out_unknown_regions(us_store: Store) -> None:
    assert [(r[0], r[2], r[3], r[6], r[8]) for r in run(us_store, "smes_reached_outside_core")] == [
        (
            DATA + "cluster/bay-area-robotics",
            ISO + "US-CA",
            DATA + "organisation/sierra-sensors",
            ISO + "US-NV",
            "1",
        )
    ]


def spread_package(tmp_path: Path) -> Path:
    """The US fixture with a Greek cluster (ISO region GR) and two more SMEs, one in Ohio and one in the
    NUTS region EL30 (Attica), and an activity of each of the Great Lakes and Greek clusters."""
    package = copy_with(
        tmp_path, "clusters.csv", "2001\n", "2001\nhellas-robotics,Hellas Robotics,GR,,2020\n"
    )
    with (package / "organisations.csv").open("a", encoding="utf-8") as rows:
        rows.write("ohio-gears,Ohio Gears Inc.,small-enterprise,,small,20,2010,US-OH,,,\n")
        rows.write("attica-bots,Attica Bots,startup,,micro,5,2021,EL30,,,\n")
    with (package / "activities.csv").open("a", encoding="utf-8") as rows:
        rows.write(
            "lakes-expo,Lakes automation expo,CB03,midwest-suppliers,great-lakes-automotive,2022-09-01,,,,\n"
        )
        rows.write("athens-lab,Athens robot lab,CB03,attica-bots,hellas-robotics,2022-10-01,,,,\n")
    with (package / "participations.csv").open("a", encoding="utf-8") as rows:
        for sme in ("ohio-gears", "lakeshore-castings", "pacific-motion", "attica-bots"):
            rows.write(f"lakes-expo,{sme},beneficiary\n")
        for sme in ("attica-bots", "sierra-sensors"):
            rows.write(f"athens-lab,{sme},beneficiary\n")
    return package


def test_spread_queries_across_several_regions_and_both_hierarchies(tmp_path: Path) -> None:
    package = spread_package(tmp_path)
    assert validate_package(package).problems == []
    store = Store()
    store_study(store, build_package(package))
    rows = {row[0]: row for row in run(store, "gp_c4_spread_effects")}
    # Great Lakes (Michigan and Ohio) reached four SMEs: Ohio Gears inside, Lakeshore (no state) neither
    # way, and two outside (California, and Attica, a NUTS region): 2 of the 3 with a known region.
    # Lakeshore's unknown region must not match any core (it would count twice with two cores).
    lakes = rows[DATA + "cluster/great-lakes-automotive"]
    assert lakes[6:11] == ("1", "4", "2", "0.666666666666666666", "3")
    # Greece (ISO GR) is its own core; Attica (NUTS EL30) lies under it through NUTS EL, which NUTS links
    # to ISO GR; Nevada is outside.
    hellas = rows[DATA + "cluster/hellas-robotics"]
    assert hellas[4:11] == (ISO + "GR", "Greece", "1", "2", "1", "0.5", "2")
    assert [(r[0], r[2], r[3], r[6], r[8]) for r in run(store, "smes_reached_outside_core")] == [
        (
            DATA + "cluster/bay-area-robotics",
            ISO + "US-CA",
            DATA + "organisation/sierra-sensors",
            ISO + "US-NV",
            "1",
        ),
        (
            DATA + "cluster/great-lakes-automotive",
            None,
            DATA + "organisation/attica-bots",
            str(NUTS["EL30"]),
            "1",
        ),
        (
            DATA + "cluster/great-lakes-automotive",
            None,
            DATA + "organisation/pacific-motion",
            ISO + "US-CA",
            "1",
        ),
        (
            DATA + "cluster/hellas-robotics",
            ISO + "GR",
            DATA + "organisation/sierra-sensors",
            ISO + "US-NV",
            "1",
        ),
    ]


def test_the_cluster_overview_has_one_row_per_cluster(us_store: Store) -> None:
    found = run(us_store, "clusters_overview")
    assert [(r[0], r[2], r[3]) for r in found][:1] == [
        (DATA + "cluster/bay-area-robotics", ISO + "US-CA", "California")
    ]
    assert (found[1][0], found[1][2], sorted((found[1][3] or "").split("; "))) == (
        DATA + "cluster/great-lakes-automotive",
        None,
        ["Michigan", "Ohio"],
    )


def test_every_saved_query_runs_on_the_us_fixture(us_store: Store) -> None:
    for query in catalogue().values():
        StoreTarget(us_store).run(prepare(query, {}))


def test_icgp_assess_runs_on_the_us_fixture() -> None:
    result = CliRunner().invoke(app, ["assess", str(US), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"Bay Area Robotics Cluster"' in result.stdout
    assert '"Great Lakes Automotive Cluster"' in result.stdout


# -- the ISO 3166 vocabulary and the one hierarchy ---------------------------------------------------------


def test_iso_regions_and_nuts_countries_form_one_hierarchy() -> None:
    store = Store()
    store.load(path=str(resource_dir("ontology") / "vocab" / "nuts.ttl"), format=RdfFormat.TURTLE)
    used = [ISO + "US-CA", ISO + "FR-75C", str(NUTS["DE111"]), str(NUTS["EL30"]), str(NUTS["XK00"])]
    store.extend(region_quads(used))

    def up(code_iri: str, target: str) -> bool:
        ask = f"ASK {{ <{code_iri}> <{SKOS.broader}>* <{target}> }}"
        return bool(store.query(ask, use_default_graph_as_union=True))

    assert up(ISO + "US-CA", ISO + "US")
    assert up(ISO + "FR-75C", ISO + "FR-IDF") and up(ISO + "FR-75C", ISO + "FR")
    assert up(str(NUTS["DE111"]), ISO + "DE")
    # NUTS writes Greece EL; ISO writes it GR.
    assert up(str(NUTS["EL30"]), ISO + "GR")
    assert up(str(NUTS["EL"]), ISO + "GR")
    assert len(list(store.quads_for_pattern(NamedNode(str(NUTS["EL"])), SKOS_EXACT_MATCH, None))) == 1
    # Kosovo has a NUTS code but no ISO 3166-1 code: its NUTS concept stays unlinked.
    kosovo = NamedNode(str(NUTS["XK"]))
    assert list(store.quads_for_pattern(kosovo, NamedNode(str(SKOS.broader)), None)) == []
    assert list(store.quads_for_pattern(kosovo, SKOS_EXACT_MATCH, None)) == []
    # Only the regions asked for and their broader regions: US, US-CA, FR, FR-IDF, FR-75C, DE, GR.
    concepts = store.quads_for_pattern(None, NamedNode(str(SKOS.inScheme)), NamedNode(ISO[:-1]))
    assert sorted(quad.subject.value[len(ISO) :] for quad in concepts) == [
        "DE",
        "FR",
        "FR-75C",
        "FR-IDF",
        "GR",
        "US",
        "US-CA",
    ]


def test_the_concept_index_knows_every_iso_code_but_ships_no_file(concepts: ConceptIndex) -> None:
    assert len(concepts.concepts("iso3166")) == len(iso_regions()) > 5000
    assert not (resource_dir("ontology") / "vocab" / "iso3166.ttl").exists()
    assert concepts.label(ISO + "DZ-16") == "Alger"
    assert concepts.value(ISO + "DZ-16", str(SKOS.broader)) == ISO + "DZ"


def test_a_store_holds_only_the_regions_its_studies_use(us_built: BuiltStudy) -> None:
    store = Store()
    store_study(store, us_built)
    regions = [q for q in store.quads_for_pattern(None, None, None, NamedNode(REGIONS_GRAPH))]
    # The scheme (6 triples: type, title, description, rights, source, and one top concept, US) and five
    # concepts of 7 triples each (type, scheme, notation, label, definition, country code, and broader
    # or top concept): US, US-CA, US-NV, US-MI, US-OH. No NUTS region, so no NUTS-to-ISO link.
    assert len(regions) == 6 + 5 * 7
    # The study graph states nothing about the regions themselves.
    assert not list(store.quads_for_pattern(NamedNode(ISO + "US-CA"), None, None, us_built.result.graph))


def test_two_studies_in_one_region_give_each_row_once(tmp_path: Path, us_built: BuiltStudy) -> None:
    # A second study with the same regions (only its name differs): the regions graph is shared, so the
    # union default graph holds each region triple once and the rows do not double.
    other = copy_with(tmp_path, "datapackage.yaml", "name: us-clusters", "name: us-clusters-copy")
    store = Store()
    store_study(store, us_built)
    alone = run(store, "smes_reached_outside_core")
    store_study(store, build_package(other))
    label = store.query(
        f"SELECT ?label WHERE {{ <{ISO}US-CA> <{SKOS.prefLabel}> ?label }}", use_default_graph_as_union=True
    )
    assert [row["label"].value for row in label] == ["California"]
    both = run(store, "smes_reached_outside_core")
    assert len(both) == 2 * len(alone) == 2
    assert {row[3] for row in both} == {
        DATA + "organisation/sierra-sensors",
        "https://example.org/id/us-clusters-copy/organisation/sierra-sensors",
    }
