"""The growth-pole queries gp_c1_dominance, gp_c2_propulsive_dynamism and gp_c3_linkage_intensity and the
assessment queries assessment/clusters and assessment/network_ties.

Their answers on the sample study are worked out here from its CSV files (organisations, memberships,
interactions, adoptions, clusters, datapackage.yaml) by a few lines of plain Python that follow the period
rules of queries/README.md, for the study period and for explicit periods. A small hand-written store
checks the edges of those rules (a membership ending on the first day, one starting on the last, undated
facts) and clusters without data, with every value written out.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Store
from rdflib import Graph
from rdflib.namespace import SKOS
from sample_tables import (
    PLACES,
    XSD,
    base,
    cluster_row,
    clusters_by_label,
    descriptor,
    designed_layout,
    expected_rows,
    head,
    layout,
    members_in,
    memberships,
    period_of,
    ratio,
    run,
    study_period,
    table,
    turtle_store,
    with_evidence_sets,
)

from kg.errors import InputError
from kg.query.catalogue import catalogue, find_query
from kg.query.parameters import binding_problems

ROOT = Path(__file__).resolve().parent.parent

# The codes the sample's tables use (ontology/vocab/adoption-status.ttl, linkage.ttl, actor.ttl; the roles
# in sample_tables).
CORE_ROLES = {"MR2", "MR3"}  # anchor, propulsive actor
USED = {"AS2", "AS3"}  # piloting, in use
# Actor types by the class of their concept: SME (A01.1-A01.3) and startup (A01.5) are the SME group,
# higher-education institutions (A02) and research organisations (A03) academia, A01.4 large firms.
GROUP = {"A01.1": "sme", "A01.2": "sme", "A01.3": "sme", "A01.5": "sme", "A02": "academia", "A03": "academia"}
GROUP["A01.4"] = "large"

# Two periods inside the study period (2020-01-01..2021-06-30) that change every answer: the last half year,
# and the second half of 2020 (which keeps all of 2020's ties, as they carry only a year).
PERIODS = [{}, {"from": "2021-01-01", "to": "2021-06-30"}, {"from": "2020-07-01", "to": "2020-12-31"}]


# -- the sample's tables -------------------------------------------------------------------------------------


@cache
def technology_slugs() -> dict[str, str]:
    """Technology notation (T03.8) to the slug its adoption IRI ends with, from the vocabulary file."""
    graph = Graph().parse(ROOT / "ontology" / "vocab" / "i40t.ttl")
    return {
        str(notation): str(concept).rsplit("/", 1)[-1]
        for concept, notation in graph.subject_objects(SKOS.notation)
    }


def core_in(cluster: str, start: date, end: date) -> set[str]:
    return {m.org for m in memberships(cluster) if m.role in CORE_ROLES and m.active_in(start, end)}


def year_in(year: str, start: date, end: date) -> bool:
    return not year or start.year <= int(year) <= end.year


def ties_in(start: date, end: date) -> list[dict[str, str]]:
    return [t for t in table("interactions") if year_in(t["year"], start, end)]


# -- what each query should answer ---------------------------------------------------------------------------


def expected_c1(cluster: dict[str, str], start: date, end: date) -> dict[str, Any]:
    members, core = members_in(cluster["id"], start, end), core_in(cluster["id"], start, end)
    internal = [t for t in ties_in(start, end) if t["source"] in members and t["target"] in members]
    from_core = sum(t["source"] in core for t in internal)
    to_core = sum(t["target"] in core for t in internal)
    return head(cluster, start, end) | {
        "internalTies": len(internal),
        "tiesFromCore": from_core,
        "shareFromCore": ratio(from_core, len(internal)),
        "coreActors": len(core),
        "tiesToCore": to_core,
        "outInRatio": ratio(from_core, to_core),
        "evidenceCount": len(internal),
        "evidence": {f"{base()}interaction/{t['id']}" for t in internal},
    }


def expected_c2(cluster: dict[str, str], start: date, end: date) -> dict[str, Any]:
    all_memberships = memberships(cluster["id"])
    core = [m for m in all_memberships if m.role in CORE_ROLES and m.active_in(start, end)]
    at_start = {m.org for m in all_memberships if m.active_at(start)}
    at_end = {m.org for m in all_memberships if m.active_at(end)}
    members = members_in(cluster["id"], start, end)
    adoptions = {
        f"{base()}adoption/{a['organisation']}/{technology_slugs()[a['technology']]}"
        for a in table("adoptions")
        if a["status"] in USED and year_in(a["year"], start, end) and a["organisation"] in members
    }
    counted = {m.iri for m in core} | {
        m.iri for m in all_memberships if m.active_at(start) or m.active_at(end)
    }
    return head(cluster, start, end) | {
        "coreActors": len({m.org for m in core}),
        "membersAtStart": len(at_start),
        "membersAtEnd": len(at_end),
        "memberGrowth": ratio(len(at_end) - len(at_start), len(at_start)),
        "adoptionsInPeriod": len(adoptions),
        "adoptionsPerMember": ratio(len(adoptions), len(at_end)),
        "anchors": len({m.org for m in core if m.role == "MR2"}),
        "propulsiveActors": len({m.org for m in core if m.role == "MR3"}),
        "evidenceCount": len(counted | adoptions),
        "evidence": counted | adoptions,
    }


def expected_c3(cluster: dict[str, str], start: date, end: date) -> dict[str, Any]:
    members = members_in(cluster["id"], start, end)
    links = [
        t for t in ties_in(start, end) if t["linkage"] and (t["source"] in members or t["target"] in members)
    ]
    intensities = [int(t["intensity"]) for t in links if t["intensity"]]
    return head(cluster, start, end) | {
        "members": len(members),
        "linkages": len(links),
        "internalLinkages": sum(t["source"] in members and t["target"] in members for t in links),
        "linkagesPerMember": ratio(len(links), len(members)),
        "meanIntensity": ratio(sum(intensities), len(intensities)),
        "backward": sum(t["linkage"] == "LK1" for t in links),
        "forward": sum(t["linkage"] == "LK2" for t in links),
        "knowledge": sum(t["linkage"] == "LK3" for t in links),
        "evidenceCount": len(links),
        "evidence": {f"{base()}interaction/{t['id']}" for t in links},
    }


EXPECTED = {
    "gp_c1_dominance": expected_c1,
    "gp_c2_propulsive_dynamism": expected_c2,
    "gp_c3_linkage_intensity": expected_c3,
}


# -- the sample study ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("params", PERIODS, ids=["study-period", "2021-H1", "2020-H2"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_criterion_query_on_the_sample(sample_store: Store, name: str, params: dict[str, str]) -> None:
    expected = expected_rows(EXPECTED[name], params)
    if params:  # the explicit period must matter, or the case proves nothing
        assert expected != expected_rows(EXPECTED[name], {})
    assert with_evidence_sets(run(sample_store, name, params)) == expected


def test_the_criterion_queries_answer_the_columns_of_the_design_in_order(sample_store: Store) -> None:
    designed = {
        "gp_c1_dominance": ["internalTies", "tiesFromCore", "shareFromCore", "coreActors"],
        "gp_c2_propulsive_dynamism": [
            "coreActors",
            "membersAtStart",
            "membersAtEnd",
            "memberGrowth",
            "adoptionsInPeriod",
            "adoptionsPerMember",
        ],
        "gp_c3_linkage_intensity": [
            "members",
            "linkages",
            "internalLinkages",
            "linkagesPerMember",
            "meanIntensity",
        ],
    }
    for name, indicators in designed.items():
        assert layout(sample_store, name, indicators) == designed_layout(indicators), name


def test_the_period_keeps_ties_by_year_and_memberships_by_date(sample_store: Store) -> None:
    # Worked out by hand from the CSV files for Ostalb in 2021-01-01..2021-06-30: all 14 memberships are
    # active (the earliest starts 2020-03-01, none ends); the one core actor is org-42 (MR3). Of the ties
    # dated 2021, these have both ends among them; none starts at org-42.
    ostalb = run(sample_store, "gp_c1_dominance", {"from": "2021-01-01", "to": "2021-06-30"})[1]
    ids = ["ix-074", "ix-075", "ix-129", "ix-131", "ix-151", "ix-180", "ix-182", "ix-183", "ix-184", "ix-189"]
    assert set(ostalb["evidence"].split(" ")) == {f"{base()}interaction/{i}" for i in ids}
    assert (ostalb["internalTies"], ostalb["tiesFromCore"], ostalb["coreActors"]) == (10, 0, 1)
    assert ostalb["shareFromCore"] == Decimal(0).quantize(PLACES)
    assert ostalb["outInRatio"] is None


def test_assessment_clusters_lists_each_cluster_with_its_study_period(sample_store: Store) -> None:
    start, end = study_period()
    study = f"{base()}study/{descriptor()['name']}"
    expected = [
        {
            "cluster": f"{base()}cluster/{c['id']}",
            "clusterLabel": c["name"],
            "identifier": c["id"],
            "study": study,
            "studyStart": start.isoformat(),
            "studyEnd": end.isoformat(),
        }
        for c in clusters_by_label()
    ]
    assert run(sample_store, "assessment/clusters") == expected


def expected_network_ties(start: date, end: date) -> list[tuple[Any, ...]]:
    types = {o["id"]: o["actor_type"] for o in table("organisations")}
    rows = []
    for cluster in table("clusters"):
        members, core = members_in(cluster["id"], start, end), core_in(cluster["id"], start, end)
        for t in ties_in(start, end):
            source, target = t["source"], t["target"]
            if source in members or target in members:
                rows.append(
                    (
                        f"{base()}cluster/{cluster['id']}",
                        f"{base()}interaction/{t['id']}",
                        f"{base()}organisation/{source}",
                        f"{base()}organisation/{target}",
                        GROUP.get(types[source], "other"),
                        GROUP.get(types[target], "other"),
                        source in members,
                        target in members,
                        source in core,
                        target in core,
                    )
                )
    return sorted(rows)


@pytest.mark.parametrize("params", PERIODS, ids=["study-period", "2021-H1", "2020-H2"])
def test_assessment_network_ties_on_the_sample(sample_store: Store, params: dict[str, str]) -> None:
    found = run(sample_store, "assessment/network_ties", params)
    assert [tuple(r.values()) for r in found] == expected_network_ties(*period_of(params))
    assert list(found[0]) == [
        "cluster",
        "tie",
        "source",
        "target",
        "sourceGroup",
        "targetGroup",
        "sourceMember",
        "targetMember",
        "sourceCore",
        "targetCore",
    ]


def test_the_network_of_the_study_period_leaves_out_the_earlier_ties(sample_store: Store) -> None:
    # The issue: 60 of the sample's 196 ties are dated before the study period.
    start, end = study_period()
    assert sum(not year_in(t["year"], start, end) for t in table("interactions")) == 60
    found = {r["tie"] for r in run(sample_store, "assessment/network_ties")}
    assert len(found) == len({r[1] for r in expected_network_ties(start, end)})
    assert all(
        int(t["year"]) >= 2020 for t in table("interactions") if f"{base()}interaction/{t['id']}" in found
    )


# -- the edges of the period rules, on a hand-written store --------------------------------------------------

EX = "https://example.org/id/edge/"
UNKNOWN = (None, None)  # the period of a cluster without a study, when no from/to is given
EDGE_TTL = f"""
@prefix icgp: <https://w3id.org/icgp/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix role: <https://w3id.org/icgp/vocab/role/> .
@prefix status: <https://w3id.org/icgp/vocab/adoption-status/> .
@prefix linkage: <https://w3id.org/icgp/vocab/linkage/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <{EX}> .

:study a icgp:Study ; schema:startDate "2020-01-01T00:00:00"^^xsd:dateTime ;
    schema:endDate "2020-12-31T00:00:00"^^xsd:dateTime .
:alpha a icgp:InnovationCluster ; rdfs:label "Alpha" ; icgp:studiedIn :study .
:empty a icgp:InnovationCluster ; rdfs:label "Empty" ; icgp:studiedIn :study .
:lost a icgp:InnovationCluster ; rdfs:label "Lost" .

:large icgp:actorClass icgp:LargeEnterprise .
:small icgp:actorClass icgp:SME .
:university icgp:actorClass icgp:HigherEducationInstitution .
:a icgp:actorType :large .
:b icgp:actorType :small .
:c icgp:actorType :university .

# a: anchor since before the period; b joins on its last day; c leaves on its first day (so is not a member
# in it); d joins after it; e has no dates at all.
:m1 org:organization :alpha ; org:member :a ; org:role role:anchor ;
    icgp:memberSince "2019-01-01T00:00:00"^^xsd:dateTime .
:m2 org:organization :alpha ; org:member :b ; org:role role:member ;
    icgp:memberSince "2020-12-31T00:00:00"^^xsd:dateTime .
:m3 org:organization :alpha ; org:member :c ; org:role role:member ;
    icgp:memberUntil "2020-01-01T00:00:00"^^xsd:dateTime .
:m4 org:organization :alpha ; org:member :d ; org:role role:member ;
    icgp:memberSince "2021-01-01T00:00:00"^^xsd:dateTime .
:m5 org:organization :alpha ; org:member :e ; org:role role:member .

:t1 a icgp:Interaction, icgp:Linkage ; icgp:fromActor :a ; icgp:toActor :b ; icgp:interactionYear 2020 ;
    icgp:linkageKind linkage:knowledge-linkage ; icgp:intensity 4 .
:t2 a icgp:Interaction ; icgp:fromActor :b ; icgp:toActor :a .
:t3 a icgp:Interaction, icgp:Linkage ; icgp:fromActor :a ; icgp:toActor :c ; icgp:interactionYear 2020 ;
    icgp:linkageKind linkage:backward-linkage ; icgp:intensity 2 .
:t4 a icgp:Interaction, icgp:Linkage ; icgp:fromActor :e ; icgp:toActor :a ; icgp:interactionYear 2019 ;
    icgp:linkageKind linkage:forward-linkage ; icgp:intensity 5 .
:t5 a icgp:Interaction, icgp:Linkage ; icgp:fromActor :e ; icgp:toActor :b ; icgp:interactionYear 2020 ;
    icgp:linkageKind linkage:forward-linkage .

:ad1 icgp:adopter :a ; icgp:adoptionStatus status:in-use ; icgp:adoptionYear 2020 .
:ad2 icgp:adopter :b ; icgp:adoptionStatus status:piloting .
:ad3 icgp:adopter :e ; icgp:adoptionStatus status:planned ; icgp:adoptionYear 2020 .
:ad4 icgp:adopter :d ; icgp:adoptionStatus status:in-use ; icgp:adoptionYear 2020 .
:ad5 icgp:adopter :a ; icgp:adoptionStatus status:in-use ; icgp:adoptionYear 2021 .
"""


@pytest.fixture(scope="module")
def edge() -> Store:
    return turtle_store(EDGE_TTL)


def edge_row(
    cluster: str, label: str, period: tuple[str | None, str | None], **values: Any
) -> dict[str, Any]:
    return cluster_row(EX + cluster, label, period, **values)


def evidence(*names: str) -> set[str]:
    return {EX + n for n in names}


def test_edges_of_gp_c1(edge: Store) -> None:
    # Members in 2020: a (core), b (joins 2020-12-31), e; c left on 2020-01-01. Internal ties: t1 a->b, the
    # undated t2 b->a, and t5 e->b; t3 ends at c, t4 is from 2019. One starts at the core, one ends there.
    third = ratio(1, 3)
    one = Decimal(1).quantize(PLACES)
    study = ("2020-01-01", "2020-12-31")
    assert with_evidence_sets(run(edge, "gp_c1_dominance")) == [
        edge_row("alpha", "Alpha", study, internalTies=3, tiesFromCore=1, shareFromCore=third, coreActors=1,
                 tiesToCore=1, outInRatio=one, evidenceCount=3, evidence=evidence("t1", "t2", "t5")),
        edge_row("empty", "Empty", study, internalTies=0, tiesFromCore=0, shareFromCore=None, coreActors=0,
                 tiesToCore=0, outInRatio=None, evidenceCount=0, evidence=set()),
        edge_row("lost", "Lost", UNKNOWN, internalTies=0, tiesFromCore=0, shareFromCore=None, coreActors=0,
                 tiesToCore=0, outInRatio=None, evidenceCount=0, evidence=set()),
    ]  # fmt: skip


def test_edges_of_gp_c2(edge: Store) -> None:
    # At 2020-01-01: a, e (c's membership ends that day). At 2020-12-31: a, b, e. Adoptions: ad1, and the
    # undated ad2 (kept); ad3 is only planned, ad4's adopter joins later, ad5 is from 2021.
    study = ("2020-01-01", "2020-12-31")
    assert with_evidence_sets(run(edge, "gp_c2_propulsive_dynamism")) == [
        edge_row("alpha", "Alpha", study, coreActors=1, membersAtStart=2, membersAtEnd=3,
                 memberGrowth=Decimal("0.5").quantize(PLACES), adoptionsInPeriod=2,
                 adoptionsPerMember=ratio(2, 3), anchors=1, propulsiveActors=0, evidenceCount=5,
                 evidence=evidence("m1", "m2", "m5", "ad1", "ad2")),
        edge_row("empty", "Empty", study, coreActors=0, membersAtStart=0, membersAtEnd=0, memberGrowth=None,
                 adoptionsInPeriod=0, adoptionsPerMember=None, anchors=0, propulsiveActors=0, evidenceCount=0,
                 evidence=set()),
        edge_row("lost", "Lost", UNKNOWN, coreActors=0, membersAtStart=0, membersAtEnd=0, memberGrowth=None,
                 adoptionsInPeriod=0, adoptionsPerMember=None, anchors=0, propulsiveActors=0, evidenceCount=0,
                 evidence=set()),
    ]  # fmt: skip


def test_edges_of_gp_c3(edge: Store) -> None:
    # Members a, b, e. Linkages of 2020 touching them: t1 (a->b, 4), t3 (a->c, 2), t5 (e->b, no intensity);
    # t4 is from 2019. Internal: t1 and t5.
    study = ("2020-01-01", "2020-12-31")
    assert with_evidence_sets(run(edge, "gp_c3_linkage_intensity")) == [
        edge_row("alpha", "Alpha", study, members=3, linkages=3, internalLinkages=2,
                 linkagesPerMember=Decimal(1).quantize(PLACES), meanIntensity=Decimal(3).quantize(PLACES),
                 backward=1, forward=1, knowledge=1, evidenceCount=3, evidence=evidence("t1", "t3", "t5")),
        edge_row("empty", "Empty", study, members=0, linkages=0, internalLinkages=0, linkagesPerMember=None,
                 meanIntensity=None, backward=0, forward=0, knowledge=0, evidenceCount=0, evidence=set()),
        edge_row("lost", "Lost", UNKNOWN, members=0, linkages=0, internalLinkages=0, linkagesPerMember=None,
                 meanIntensity=None, backward=0, forward=0, knowledge=0, evidenceCount=0, evidence=set()),
    ]  # fmt: skip


def test_no_evidence_is_unbound_not_an_empty_list(edge: Store) -> None:
    for name in EXPECTED:
        rows = run(edge, name)
        assert [r["evidence"] for r in rows[1:]] == [None, None], name


def test_a_given_period_applies_to_clusters_without_a_study(edge: Store) -> None:
    # 2020-06-01..2021-06-30 spans the years 2020 and 2021: a, b, d and e are members (d from 2021-01-01);
    # the internal ties are t1, t2 and t5; only t1 starts at the core (a).
    rows = run(edge, "gp_c1_dominance", {"from": "2020-06-01", "to": "2021-06-30"})
    assert [
        (r["clusterLabel"], r["periodStart"], r["periodEnd"], r["internalTies"], r["tiesFromCore"])
        for r in rows
    ] == [
        ("Alpha", "2020-06-01", "2021-06-30", 3, 1),
        ("Empty", "2020-06-01", "2021-06-30", 0, 0),
        ("Lost", "2020-06-01", "2021-06-30", 0, 0),
    ]
    # Only one end given: the other stays the study's.
    assert [
        (r["periodStart"], r["periodEnd"]) for r in run(edge, "gp_c1_dominance", {"to": "2020-06-30"})
    ] == [
        ("2020-01-01", "2020-06-30"),
        ("2020-01-01", "2020-06-30"),
        (None, "2020-06-30"),
    ]


def test_an_empty_period_counts_nothing(edge: Store) -> None:
    rows = run(edge, "gp_c3_linkage_intensity", {"from": "2020-12-31", "to": "2020-01-01"})
    assert [(r["members"], r["linkages"], r["evidence"]) for r in rows] == [(0, 0, None)] * 3


def test_edges_of_network_ties(edge: Store) -> None:
    # t1 and t3 start at the core actor a; c is no member in 2020; e has no actor type; t4 is from 2019.
    rows = [tuple(r.values()) for r in run(edge, "assessment/network_ties")]
    a, b, c, e = (EX + x for x in "abce")
    assert rows == [
        (EX + "alpha", EX + "t1", a, b, "large", "sme", True, True, True, False),
        (EX + "alpha", EX + "t2", b, a, "sme", "large", True, True, False, True),
        (EX + "alpha", EX + "t3", a, c, "large", "academia", True, False, True, False),
        (EX + "alpha", EX + "t5", e, b, "other", "sme", True, True, False, False),
    ]


def test_edges_of_assessment_clusters(edge: Store) -> None:
    assert [tuple(r.values()) for r in run(edge, "assessment/clusters")] == [
        (EX + "alpha", "Alpha", None, EX + "study", "2020-01-01", "2020-12-31"),
        (EX + "empty", "Empty", None, EX + "study", "2020-01-01", "2020-12-31"),
        (EX + "lost", "Lost", None, None, None, None),
    ]


# -- finding the assessment queries --------------------------------------------------------------------------


def test_assessment_queries_are_found_by_path_name_but_not_listed() -> None:
    query = find_query("assessment/network_ties")
    assert (query.name, [p.name for p in query.parameters]) == ("assessment/network_ties", ["from", "to"])
    assert all(p.optional and p.datatype == XSD + "date" for p in query.parameters)
    assert find_query(str(ROOT / "queries" / "assessment" / "clusters.rq")).name == "clusters"
    for name in ("assessment/clusters", "assessment/network_ties"):
        found = find_query(name)
        assert found.summary and found.description and found.tags, name
        assert binding_problems(found) == [], name
    listed = catalogue()
    assert "network_ties" not in listed and "clusters" not in listed
    assert not any("/" in name for name in listed)
    for name in ("gp_c1_dominance", "gp_c2_propulsive_dynamism", "gp_c3_linkage_intensity"):
        assert [(p.name, p.optional, p.default) for p in listed[name].parameters] == [
            ("from", True, None),
            ("to", True, None),
        ]


def test_a_missing_assessment_query_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="query file assessment/nothing does not exist"):
        find_query("assessment/nothing")
    with pytest.raises(InputError, match="does not exist"):
        find_query("../queries/assessment/clusters")
