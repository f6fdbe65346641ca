"""The growth-pole queries gp_c4_spread_effects, gp_c5_polarisation and gp_c6_backwash_risk and the assessment
queries assessment/roadmap_barriers, assessment/barrier_remedies and assessment/cluster_offers.

Their answers on the sample study are worked out here from its CSV files (organisations, memberships,
activities, participations, segments, codebook, participants, sources, maturity, datapackage.yaml) by a few
lines of plain Python that follow the period rules of queries/README.md, for the study period and for periods
given as parameters. Vocabulary IRIs and labels are read from the vocabulary files. A small hand-written store
checks the edges: a passage coded twice, a segment without offsets, an undated source, a cluster without a
region or a study, maturity gains of reached and unreached SMEs, with every value written out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Store
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SKOS
from sample_tables import (
    PLACES,
    base,
    cluster_row,
    clusters_by_label,
    day,
    designed_layout,
    expected_rows,
    head,
    iri_set,
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

ROOT = Path(__file__).resolve().parent.parent
ICGP = Namespace("https://w3id.org/icgp/ontology#")

# The codes the sample's tables use (ontology/vocab/actor.ttl, participation-role.ttl).
SME_GROUP = {"A01.1", "A01.2", "A01.3", "A01.5"}  # micro, small, medium enterprises and startups
STARTUP = "A01.5"
INVESTORS = {"A08", "A09"}  # investor, funding agency
BENEFICIARY = "PR1"
# The factors of the risk and polarisation indicators, by notation.
BACKWASH, EXCLUSION, DEPENDENCE, POLARISATION = "F7.08", "F2.07", "F5.09b", "F7.06"

# Periods inside the study period (2020-01-01..2021-06-30) that change the answers: from March 2020 (some
# T0 maturity assessments and the first activity drop out), and the second half of 2020 (which loses the first
# focus group and has no maturity gains).
PERIODS = [{}, {"from": "2020-03-01"}, {"from": "2020-07-01", "to": "2020-12-31"}]
PERIOD_IDS = ["study-period", "from-2020-03", "2020-H2"]


# -- the sample's tables -------------------------------------------------------------------------------------


def actor_type(org: str) -> str:
    return {o["id"]: o["actor_type"] for o in table("organisations")}[org]


def quantized(number: Decimal | None) -> Decimal | None:
    return None if number is None else number.quantize(PLACES)


# -- factors and coded segments ------------------------------------------------------------------------------


def lineage(notation: str) -> list[str]:
    """A factor notation and those of its ancestors: F5.09b, F5.09, F5 (the frame's numbering)."""
    chain = [notation]
    while "." in chain[-1] or chain[-1][-1].isalpha():
        last = chain[-1]
        chain.append(last[:-1] if last[-1].isalpha() else last.rsplit(".", 1)[0])
    return chain


def factors_of(code: str) -> set[str]:
    """The factors a study code stands for: its own mapping, else that of its nearest mapped ancestor."""
    codebook = {row["code"]: row for row in table("codebook")}
    while code:
        if codebook[code]["maps_to"]:
            return set(codebook[code]["maps_to"].split(";"))
        code = codebook[code]["parent"]
    return set()


@dataclass(frozen=True)
class Segment:
    id: str
    source: str
    start: str
    end: str
    factors: frozenset[str]
    org: str | None
    collected: date

    @property
    def iri(self) -> str:
        return f"{base()}segment/{self.id}"

    @property
    def passage(self) -> tuple[str, str, str]:
        return self.source, self.start, self.end

    def cites(self, factor: str) -> bool:
        return any(factor in lineage(f) for f in self.factors)


@cache
def segments() -> tuple[Segment, ...]:
    speakers = {p["id"]: p["organisation"] or None for p in table("participants")}
    collected = {s["id"]: day(s["date"]) for s in table("sources")}  # every sample source has a date
    return tuple(
        Segment(
            s["id"],
            s["source"],
            s["start"],
            s["end"],
            frozenset(f for code in s["codes"].split(";") for f in factors_of(code)),
            speakers.get(s["speaker"]),
            collected[s["source"]],
        )
        for s in table("segments")
    )


def member_segments(cluster: str, start: date, end: date) -> list[Segment]:
    members = members_in(cluster, start, end)
    return [s for s in segments() if s.org in members and start <= s.collected <= end]


# -- activities and maturity ---------------------------------------------------------------------------------


def activities_in(cluster: str, start: date, end: date) -> list[dict[str, str]]:
    return [
        a
        for a in table("activities")
        if a["cluster"] == cluster
        and (not a["start"] or (day(a["start"]) <= end and day(a["end"] or a["start"]) >= start))
    ]


def reach(cluster: str, start: date, end: date) -> dict[str, set[str]]:
    """The SME-group beneficiaries of the cluster's activities in the period, each with its participations."""
    ids = {a["id"] for a in activities_in(cluster, start, end)}
    found: dict[str, set[str]] = {}
    for p in table("participations"):
        org = p["organisation"]
        if (
            p["activity"] in ids
            and (p["role"] or BENEFICIARY) == BENEFICIARY
            and actor_type(org) in SME_GROUP
        ):
            found.setdefault(org, set()).add(f"{base()}participation/{p['activity']}/{org}")
    return found


def dma_scores(org: str, start: date, end: date) -> dict[date, Decimal]:
    """An organisation's overall DMA score per date in the period: the mean of the dimension scores, stored
    by the builder rounded half up to two decimals."""
    by_date: dict[date, list[Decimal]] = {}
    for row in table("maturity"):
        when = day(row["date"])
        if row["organisation"] == org and row["framework"] == "DMA" and start <= when <= end:
            by_date.setdefault(when, []).append(Decimal(row["score"]))
    return {
        when: (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        for when, scores in by_date.items()
    }


def gains(orgs: Iterable[str], start: date, end: date) -> tuple[Decimal | None, set[str]]:
    """The mean maturity gain (unrounded) of the organisations with two DMA dates in the period, and the
    assessments it was computed from."""
    found, used = [], set()
    for org in orgs:
        scores = dma_scores(org, start, end)
        if len(scores) >= 2:
            first, last = min(scores), max(scores)
            found.append(scores[last] - scores[first])
            used |= {
                f"{base()}maturity/{org}/dma/{first.isoformat()}",
                f"{base()}maturity/{org}/dma/{last.isoformat()}",
            }
    return (sum(found, Decimal(0)) / len(found) if found else None), used


def core_of(cluster: dict[str, str], level: int) -> str:
    """The cluster's NUTS code cut to the level (NUTS codes grow by one character per level after two)."""
    return cluster["nuts"][: 2 + level]


# -- what each query should answer ---------------------------------------------------------------------------


def expected_c4(cluster: dict[str, str], start: date, end: date, level: int = 2) -> dict[str, Any]:
    places = {o["id"]: o["nuts"] for o in table("organisations")}
    activities = activities_in(cluster["id"], start, end)
    reached = reach(cluster["id"], start, end)
    members = members_in(cluster["id"], start, end)
    core = core_of(cluster, level)
    outside = {org for org in reached if places[org] and not places[org].startswith(core)}
    # Not reached: every SME or startup with DMA data that the cluster's activities did not reach.
    assessed = {row["organisation"] for row in table("maturity") if row["framework"] == "DMA"}
    unreached = {org for org in assessed if actor_type(org) in SME_GROUP and org not in reached}
    reached_gain, reached_used = gains(reached, start, end)
    unreached_gain, unreached_used = gains(unreached, start, end)
    # The activities are prov:Activity: the participations, not the activities, are the evidence.
    # The maturity assessments count only when both groups have gains, so the gap could be computed.
    gap_known = reached_gain is not None and unreached_gain is not None
    evidence = (reached_used | unreached_used) if gap_known else set()
    evidence |= {iri for items in reached.values() for iri in items}
    return head(cluster, start, end) | {
        "core": f"http://data.europa.eu/nuts/code/{core}",
        "activities": len(activities),
        "smesReached": len(reached),
        "outsideCore": len(outside),
        "shareOutsideCore": ratio(len(outside), len(reached)),
        "nonMembersReached": len(set(reached) - members),
        "reachedGain": quantized(reached_gain),
        "notReachedGain": quantized(unreached_gain),
        "maturityGainGap": None
        if reached_gain is None or unreached_gain is None
        else quantized(reached_gain - unreached_gain),
        "evidenceCount": len(evidence),
        "evidence": evidence,
    }


def expected_c5(cluster: dict[str, str], start: date, end: date) -> dict[str, Any]:
    founded = {o["id"]: int(o["founded"]) for o in table("organisations") if o["founded"]}
    members = members_in(cluster["id"], start, end)
    new = [m for m in memberships(cluster["id"]) if m.since is not None and start <= m.since <= end]
    startups = {org for org in members if actor_type(org) == STARTUP}
    polarised = [s for s in member_segments(cluster["id"], start, end) if s.cites(POLARISATION)]
    evidence = {m.iri for m in new} | {s.iri for s in polarised}
    return head(cluster, start, end) | {
        "members": len(members),
        "newMembersInPeriod": len({m.org for m in new}),
        "newMemberShare": ratio(len({m.org for m in new}), len(members)),
        "startupMembers": len(startups),
        "startupsSinceFounding": sum(founded.get(org, 0) >= int(cluster["founded"]) for org in startups),
        "investorMembers": sum(actor_type(org) in INVESTORS for org in members),
        "polarisationPassages": len({s.passage for s in polarised}),
        "evidenceCount": len(evidence),
        "evidence": evidence,
    }


def expected_c6(cluster: dict[str, str], start: date, end: date) -> dict[str, Any]:
    spoken = member_segments(cluster["id"], start, end)
    risky = [s for s in spoken if s.cites(BACKWASH) or s.cites(EXCLUSION) or s.cites(DEPENDENCE)]
    all_passages = {s.passage for s in spoken}
    return head(cluster, start, end) | {
        "backwashPassages": len({s.passage for s in spoken if s.cites(BACKWASH)}),
        "smeExclusionPassages": len({s.passage for s in spoken if s.cites(EXCLUSION)}),
        "dependencePassages": len({s.passage for s in spoken if s.cites(DEPENDENCE)}),
        "memberPassages": len(all_passages),
        "riskPassages": len({s.passage for s in risky}),
        "riskShare": ratio(len({s.passage for s in risky}), len(all_passages)),
        # The share is computed from all member passages, so every member segment is evidence.
        "evidenceCount": len({s.iri for s in spoken}),
        "evidence": {s.iri for s in spoken},
    }


EXPECTED = {
    "gp_c4_spread_effects": expected_c4,
    "gp_c5_polarisation": expected_c5,
    "gp_c6_backwash_risk": expected_c6,
}
DESIGNED = {
    "gp_c4_spread_effects": [
        "activities",
        "smesReached",
        "outsideCore",
        "shareOutsideCore",
        "nonMembersReached",
        "reachedGain",
        "notReachedGain",
        "maturityGainGap",
    ],
    "gp_c5_polarisation": [
        "members",
        "newMembersInPeriod",
        "newMemberShare",
        "startupMembers",
        "startupsSinceFounding",
        "polarisationPassages",
    ],
    "gp_c6_backwash_risk": [
        "backwashPassages",
        "smeExclusionPassages",
        "dependencePassages",
        "memberPassages",
        "riskPassages",
        "riskShare",
    ],
}


# -- the criterion queries on the sample ---------------------------------------------------------------------


@pytest.mark.parametrize("params", PERIODS, ids=PERIOD_IDS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_criterion_query_on_the_sample(sample_store: Store, name: str, params: dict[str, str]) -> None:
    expected = expected_rows(EXPECTED[name], params)
    if params:  # the explicit period must matter, or the case proves nothing
        assert expected != expected_rows(EXPECTED[name], {})
    found = with_evidence_sets(run(sample_store, name, params))
    if name == "gp_c4_spread_effects":
        assert [r.pop("coreLabel") for r in found] == ["Stuttgart", "Stuttgart"]
    assert found == expected


def test_gp_c4_at_nuts_level_1_finds_no_sme_outside_baden_wuerttemberg(sample_store: Store) -> None:
    start, end = study_period()
    found = run(sample_store, "gp_c4_spread_effects", {"level": "1"})
    expected = [expected_c4(c, start, end, level=1) for c in clusters_by_label()]
    assert [(r["core"], r["coreLabel"], r["outsideCore"], r["shareOutsideCore"]) for r in found] == [
        (e["core"], "Baden-Württemberg", 0, Decimal(0).quantize(PLACES)) for e in expected
    ]
    assert [e["outsideCore"] for e in expected] == [0, 0]


def test_gp_c4_tells_the_sample_story(sample_store: Store) -> None:
    # data/README.md: the established cluster's activities reached 32 SMEs and startups, 6 of them outside
    # DE11; the emerging one's 10, 1 outside. Firms reached by the established cluster gained 15.2 points on
    # the mean DMA score; the firms it did not reach (those only the emerging network reached) 5.2, so its
    # support shows a gap of about ten points. The emerging network's own firms gained less than the rest.
    neckar, ostalb = run(sample_store, "gp_c4_spread_effects")
    reach = (neckar["smesReached"], neckar["outsideCore"], ostalb["smesReached"], ostalb["outsideCore"])
    assert reach == (32, 6, 10, 1)
    assert round(neckar["reachedGain"], 1) == Decimal("15.2")
    assert round(neckar["notReachedGain"], 1) == Decimal("5.2")
    assert round(neckar["maturityGainGap"], 1) == Decimal("10.0")
    assert ostalb["maturityGainGap"] < 0
    assert ostalb["maturityGainGap"] == ostalb["reachedGain"] - ostalb["notReachedGain"]


def test_gp_c5_evidence_from_september_2020_by_hand(sample_store: Store) -> None:
    # memberships.csv: of the Neckar cluster's memberships only org-15's (since 2020-11-01) starts in
    # 2020-09-01..2021-06-30; the polarisation passages (code GP-POLARISATION: seg-096, seg-136, seg-143/144)
    # are spoken by people of org-69, org-54 and org-42, none of them a Neckar member.
    neckar = run(sample_store, "gp_c5_polarisation", {"from": "2020-09-01"})[0]
    counts = (neckar["newMembersInPeriod"], neckar["polarisationPassages"], neckar["evidenceCount"])
    assert counts == (1, 0, 1)
    assert neckar["evidence"] == f"{base()}membership/neckar-smart-production/org-15/member"


def test_gp_c6_counts_a_doubly_coded_passage_once(sample_store: Store) -> None:
    # segments.csv: seg-014 (C1) and seg-015 (C2) mark the same stretch of FG1 and both cite weak SME
    # involvement (F2.07): one passage, two pieces of evidence.
    by_id = {s.id: s for s in segments()}
    assert by_id["seg-014"].passage == by_id["seg-015"].passage and by_id["seg-014"].cites(EXCLUSION)
    neckar = run(sample_store, "gp_c6_backwash_risk")[0]
    assert {f"{base()}segment/seg-014", f"{base()}segment/seg-015"} <= iri_set(neckar["evidence"])
    spoken = member_segments("neckar-smart-production", *study_period())
    assert neckar["smeExclusionPassages"] == len({s.passage for s in spoken if s.cites(EXCLUSION)})
    assert neckar["smeExclusionPassages"] < len({s.id for s in spoken if s.cites(EXCLUSION)})


def test_the_criterion_queries_answer_the_columns_of_the_design_in_order(sample_store: Store) -> None:
    for name, indicators in DESIGNED.items():
        assert layout(sample_store, name, indicators) == designed_layout(indicators), name


# -- the assessment queries on the sample --------------------------------------------------------------------


@cache
def vocabulary(name: str) -> Graph:
    return Graph().parse(ROOT / "ontology" / "vocab" / f"{name}.ttl")


def concept(scheme: str, notation: str) -> URIRef:
    matches = {str(c) for c, n in vocabulary(scheme).subject_objects(SKOS.notation) if str(n) == notation}
    assert len(matches) == 1, (scheme, notation)
    return URIRef(matches.pop())


def label(scheme: str, iri: URIRef) -> str:
    return str(vocabulary(scheme).value(iri, SKOS.prefLabel))


def is_roadmap_barrier(notation: str) -> bool:
    # Every factor numbered F2.xx or F3.xx has the polarity barrier (ontology/vocab/factor.ttl); the
    # families F2 and F3 themselves are left out.
    return lineage(notation)[-1] in ("F2", "F3") and notation not in ("F2", "F3")


def expected_roadmap_barriers(start: date, end: date) -> list[tuple[Any, ...]]:
    rows = []
    for cluster in table("clusters"):
        spoken = [
            s for s in member_segments(cluster["id"], start, end) if s.org and actor_type(s.org) in SME_GROUP
        ]
        cited = sorted({f for s in spoken for f in s.factors if is_roadmap_barrier(f)})
        for notation in cited:
            citing = [s for s in spoken if notation in s.factors]
            iri = concept("factor", notation)
            rows.append(
                (
                    f"{base()}cluster/{cluster['id']}",
                    str(iri),
                    label("factor", iri),
                    notation,
                    len({s.passage for s in citing}),
                    {s.iri for s in citing},
                )
            )
    return sorted(rows, key=lambda r: (r[0], -r[4], r[3]))


# Every text source was collected after March 2020, so the roadmap periods start later.
ROADMAP_PERIODS = [{}, {"from": "2020-09-01"}, {"from": "2020-07-01", "to": "2020-12-31"}]


@pytest.mark.parametrize("params", ROADMAP_PERIODS, ids=["study-period", "from-2020-09", "2020-H2"])
def test_roadmap_barriers_on_the_sample(sample_store: Store, params: dict[str, str]) -> None:
    expected = expected_roadmap_barriers(*period_of(params))
    if params:
        assert expected != expected_roadmap_barriers(*study_period())
    found = run(sample_store, "assessment/roadmap_barriers", params)
    assert list(found[0]) == ["cluster", "barrier", "barrierLabel", "notation", "passages", "evidence"]
    assert [(*list(r.values())[:-1], iri_set(r["evidence"])) for r in found] == expected


def test_roadmap_barriers_of_the_emerging_network_by_hand(sample_store: Store) -> None:
    # Ostalb's SME and startup members speak only in FG3, through P17 (org-42, startup) and P18 (org-22,
    # small firm). Their barrier codes: BARRIER-SKILLS (F3.03) or its child BARRIER-SKILLS-DATA on seg-125,
    # seg-140, seg-155 and the passage of seg-171 and seg-172 (coded by both coders); CLBAR-CRITICAL-MASS
    # (F2.05) on the passage of seg-173 and seg-174.
    rows = run(sample_store, "assessment/roadmap_barriers")
    ostalb = [r for r in rows if r["cluster"] == f"{base()}cluster/ostalb-ai-robotics"]
    assert [(r["notation"], r["passages"], iri_set(r["evidence"])) for r in ostalb] == [
        ("F3.03", 4, {f"{base()}segment/seg-{n}" for n in ("125", "140", "155", "171", "172")}),
        ("F2.05", 1, {f"{base()}segment/seg-{n}" for n in ("173", "174")}),
    ]


def test_barrier_remedies_on_the_sample(sample_store: Store) -> None:
    cb, edih = vocabulary("cb"), vocabulary("edih")
    pairs = {
        (factor, activity["activity_type"])
        for activity in table("activities")
        for addressed in activity["addresses"].split(";")
        for factor in lineage(addressed)
        if is_roadmap_barrier(factor)
    }
    expected = []
    for notation, type_notation in sorted(pairs):
        activity_type = concept("cb", type_notation)
        services: list[str | None] = []
        services += sorted(str(s) for s in cb.objects(activity_type, ICGP.edihService))
        for service in services or [None]:
            expected.append(
                (
                    str(concept("factor", notation)),
                    str(activity_type),
                    label("cb", activity_type),
                    service,
                    None if service is None else label("edih", URIRef(service)),
                )
            )
    assert len(edih) > 0  # the service labels are there to be read
    found = run(sample_store, "assessment/barrier_remedies")
    assert list(found[0]) == ["barrier", "activityType", "activityTypeLabel", "service", "serviceLabel"]
    assert [tuple(r.values()) for r in found] == expected


def expected_offers(start: date, end: date) -> list[tuple[str, str]]:
    return sorted(
        {
            (f"{base()}cluster/{c['id']}", str(concept("cb", a["activity_type"])))
            for c in table("clusters")
            for a in activities_in(c["id"], start, end)
        }
    )


@pytest.mark.parametrize("params", PERIODS, ids=PERIOD_IDS)
def test_cluster_offers_on_the_sample(sample_store: Store, params: dict[str, str]) -> None:
    expected = expected_offers(*period_of(params))
    if params:
        assert expected != expected_offers(*study_period())
    found = run(sample_store, "assessment/cluster_offers", params)
    assert [(r["cluster"], r["activityType"]) for r in found] == expected


def test_cluster_offers_lose_the_early_awareness_event_in_2021(sample_store: Store) -> None:
    # activities.csv: Neckar's awareness events (CB01) are act-01 (2020-02-12) only (act-19 belongs to no
    # cluster), so from 2021 on the cluster no longer offers that type; Ostalb's act-24 ends 2020-12-10.
    cb01 = str(concept("cb", "CB01"))
    found = run(sample_store, "assessment/cluster_offers", {"from": "2021-01-01"})
    assert cb01 not in {r["activityType"] for r in found}
    offering = {
        r["cluster"] for r in run(sample_store, "assessment/cluster_offers") if r["activityType"] == cb01
    }
    assert offering == {
        f"{base()}cluster/neckar-smart-production",
        f"{base()}cluster/ostalb-ai-robotics",
    }


# -- the edges, on a hand-written store ----------------------------------------------------------------------

EX = "https://example.org/id/edge46/"
EDGE_TTL = f"""
@prefix icgp: <https://w3id.org/icgp/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix factor: <https://w3id.org/icgp/vocab/factor/> .
@prefix polarity: <https://w3id.org/icgp/vocab/polarity/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <{EX}> .

:study a icgp:Study ; schema:startDate "2020-01-01T00:00:00"^^xsd:dateTime ;
    schema:endDate "2020-12-31T00:00:00"^^xsd:dateTime .
:alpha a icgp:InnovationCluster ; rdfs:label "Alpha" ; icgp:studiedIn :study ; icgp:foundingYear 2015 ;
    icgp:locatedIn :DE11 .
:lost a icgp:InnovationCluster ; rdfs:label "Lost" .

# A two-level region chain and the actor classes (the vocabularies are not loaded).
:DE1 icgp:nutsLevel 1 ; skos:prefLabel "Region one"@en .
:DE11 icgp:nutsLevel 2 ; skos:broader :DE1 ; skos:prefLabel "Region one-one"@en .
:DE12 icgp:nutsLevel 2 ; skos:broader :DE1 .
:small icgp:actorClass icgp:SME .
:young icgp:actorClass icgp:Startup .
:large icgp:actorClass icgp:LargeEnterprise .
:s1 icgp:actorType :small ; icgp:locatedIn :DE11 .
:s2 icgp:actorType :young ; icgp:locatedIn :DE12 ; icgp:foundingYear 2018 .
:s3 icgp:actorType :small .
:big icgp:actorType :large ; icgp:locatedIn :DE11 .

# s1 has been a member for long, s2 joined in the period, s3 left on its first day; big is a member.
:m1 org:organization :alpha ; org:member :s1 ; icgp:memberSince "2019-01-01T00:00:00"^^xsd:dateTime .
:m2 org:organization :alpha ; org:member :s2 ; icgp:memberSince "2020-06-01T00:00:00"^^xsd:dateTime .
:m3 org:organization :alpha ; org:member :s3 ; icgp:memberUntil "2020-01-01T00:00:00"^^xsd:dateTime .
:m4 org:organization :alpha ; org:member :big .

# a1 reaches s1 (recorded as a participation) and s3, big only as a beneficiary; a2 ended in 2019.
:a1 icgp:organisedInCluster :alpha ; icgp:activityType :workshop ; icgp:beneficiary :s1, :s3, :big ;
    schema:startDate "2019-12-01T00:00:00"^^xsd:dateTime ;
    schema:endDate "2020-01-15T00:00:00"^^xsd:dateTime ;
    icgp:addressesFactor factor:skills-shortage .
:p1 icgp:inActivity :a1 ; icgp:participatingActor :s1 .
:a2 icgp:organisedInCluster :alpha ; icgp:activityType :course ; icgp:beneficiary :s2 ;
    schema:startDate "2019-03-01T00:00:00"^^xsd:dateTime ;
    icgp:addressesFactor factor:cluster-level-barriers .
:workshop icgp:edihService :training .

# DMA scores: s1 gains 10 (two dates in the period; a third is after it), s2 (unreached) 4, s3 has one date.
:d1 icgp:assessedEntity :s1 ; icgp:maturityModel <https://w3id.org/icgp/vocab/dma> ; icgp:maturityScore 40.0 ;
    prov:generatedAtTime "2020-02-01T00:00:00"^^xsd:dateTime .
:d2 icgp:assessedEntity :s1 ; icgp:maturityModel <https://w3id.org/icgp/vocab/dma> ; icgp:maturityScore 50.0 ;
    prov:generatedAtTime "2020-11-01T00:00:00"^^xsd:dateTime .
:d3 icgp:assessedEntity :s1 ; icgp:maturityModel <https://w3id.org/icgp/vocab/dma> ; icgp:maturityScore 90.0 ;
    prov:generatedAtTime "2021-03-01T00:00:00"^^xsd:dateTime .
:d4 icgp:assessedEntity :s2 ; icgp:maturityModel <https://w3id.org/icgp/vocab/dma> ; icgp:maturityScore 30.5 ;
    prov:generatedAtTime "2020-03-01T00:00:00"^^xsd:dateTime .
:d5 icgp:assessedEntity :s2 ; icgp:maturityModel <https://w3id.org/icgp/vocab/dma> ; icgp:maturityScore 34.5 ;
    prov:generatedAtTime "2020-09-01T00:00:00"^^xsd:dateTime .
:d6 icgp:assessedEntity :s3 ; icgp:maturityModel <https://w3id.org/icgp/vocab/dma> ; icgp:maturityScore 20.0 ;
    prov:generatedAtTime "2020-05-01T00:00:00"^^xsd:dateTime .

# Codes: BW stands for backwash, WEAK for weak SME involvement, POL for polarisation, COST (under BAR, which
# maps to the F3 family) for high investment cost.
:BW a icgp:Code ; icgp:mapsToFactor factor:backwash-effect .
:WEAK a icgp:Code ; icgp:mapsToFactor factor:weak-sme-involvement .
:POL a icgp:Code ; icgp:mapsToFactor factor:polarisation-and-attraction .
:BAR a icgp:Code ; icgp:mapsToFactor factor:sme-industry-4-0-adoption-barriers .
:COST a icgp:Code ; skos:broader :BAR ; icgp:mapsToFactor factor:high-investment-cost .
:OTHER a icgp:Code ; skos:broader :BAR .
factor:backwash-effect skos:broader factor:growth-pole-mechanisms .
factor:polarisation-and-attraction skos:broader factor:growth-pole-mechanisms .
factor:weak-sme-involvement skos:broader factor:cluster-level-barriers ; icgp:polarity polarity:barrier ;
    skos:notation "F2.07" .
factor:high-investment-cost skos:broader factor:sme-industry-4-0-adoption-barriers ;
    icgp:polarity polarity:barrier ; skos:notation "F3.01" .
factor:skills-shortage skos:broader factor:sme-industry-4-0-adoption-barriers ;
    icgp:polarity polarity:barrier .

:P1 icgp:affiliatedWith :s1 .
:P2 icgp:affiliatedWith :s2 .
:P3 icgp:affiliatedWith :s3 .
:fg icgp:sourceKind :focus ; prov:wasGeneratedBy :fgEvent .
:fgEvent schema:startDate "2020-05-01T00:00:00"^^xsd:dateTime .
:late prov:wasGeneratedBy :lateEvent .
:lateEvent schema:startDate "2021-02-01T00:00:00"^^xsd:dateTime .
:memo icgp:sourceKind :document .

# g1 and g2 are one passage of fg coded twice (backwash, then weak SME involvement, both by s1's speaker); g3
# is a passage of the undated memo (kept) on polarisation and cost; g4 has no offsets; g5 is after the period;
# g6 is spoken by s3, no member in the period.
:g1 a icgp:CodedSegment ; oa:hasBody :BW ; icgp:speaker :P1 ; oa:hasTarget :g1t .
:g1t oa:hasSource :fg ; oa:hasSelector :g1s .
:g1s oa:start 10 ; oa:end 20 .
:g2 a icgp:CodedSegment ; oa:hasBody :WEAK, :COST ; icgp:speaker :P1 ; oa:hasTarget :g2t .
:g2t oa:hasSource :fg ; oa:hasSelector :g2s .
:g2s oa:start 10 ; oa:end 20 .
:g3 a icgp:CodedSegment ; oa:hasBody :POL, :COST ; icgp:speaker :P2 ; oa:hasTarget :g3t .
:g3t oa:hasSource :memo ; oa:hasSelector :g3s .
:g3s oa:start 0 ; oa:end 5 .
:g4 a icgp:CodedSegment ; oa:hasBody :OTHER ; icgp:speaker :P2 ; oa:hasTarget :g4t .
:g4t oa:hasSource :fg .
:g5 a icgp:CodedSegment ; oa:hasBody :BW ; icgp:speaker :P1 ; oa:hasTarget :g5t .
:g5t oa:hasSource :late ; oa:hasSelector :g5s .
:g5s oa:start 0 ; oa:end 9 .
:g6 a icgp:CodedSegment ; oa:hasBody :BW ; icgp:speaker :P3 ; oa:hasTarget :g6t .
:g6t oa:hasSource :fg ; oa:hasSelector :g6s .
:g6s oa:start 30 ; oa:end 40 .
"""


@pytest.fixture(scope="module")
def edge() -> Store:
    return turtle_store(EDGE_TTL)


def ex(*names: str) -> set[str]:
    return {EX + n for n in names}


def dec(text: str) -> Decimal:
    return Decimal(text).quantize(PLACES)


STUDY = ("2020-01-01", "2020-12-31")
THIRD = (Decimal(1) / 3).quantize(PLACES)


def edge_row(
    cluster: str, label: str, period: tuple[str | None, str | None], **values: Any
) -> dict[str, Any]:
    return cluster_row(EX + cluster, label, period, **values)


def test_edges_of_gp_c4(edge: Store) -> None:
    # Members in 2020: s1, s2, big (s3 left on 2020-01-01). a1 overlaps the period (ends 2020-01-15), a2 ended
    # before it. Reached SMEs: s1 (in DE11) and s3 (no place: not outside), s3 no member. Gains: s1 reached,
    # 50 - 40 (d3 is after the period); s2 unreached member, 34.5 - 30.5; s3 has one date. big is no SME.
    rows = with_evidence_sets(run(edge, "gp_c4_spread_effects"))
    assert rows == [
        edge_row("alpha", "Alpha", STUDY, core=EX + "DE11", coreLabel="Region one-one", activities=1,
                 smesReached=2, outsideCore=0, shareOutsideCore=dec("0"), nonMembersReached=1,
                 reachedGain=dec("10"), notReachedGain=dec("4"), maturityGainGap=dec("6"), evidenceCount=6,
                 evidence=ex("p1", "s3", "d1", "d2", "d4", "d5")),
        edge_row("lost", "Lost", (None, None), core=None, coreLabel=None, activities=0, smesReached=0,
                 outsideCore=None, shareOutsideCore=None, nonMembersReached=0, reachedGain=None,
                 notReachedGain=None, maturityGainGap=None, evidenceCount=0, evidence=set()),
    ]  # fmt: skip
    # At level 1 the core is DE1. From 2019 on, a2 reaches s2 (in DE12, inside DE1) too, s3 is a member
    # (until 2020-01-01), and d4, d5 move to the reached group: (10 + 4) / 2 = 7, no unreached SME is left.
    rows = run(edge, "gp_c4_spread_effects", {"from": "2019-01-01", "level": "1"})
    columns = (
        "core",
        "activities",
        "smesReached",
        "outsideCore",
        "nonMembersReached",
        "reachedGain",
        "notReachedGain",
        "maturityGainGap",
    )
    assert [tuple(r[c] for c in columns) for r in rows] == [
        (EX + "DE1", 2, 3, 0, 0, dec("7"), None, None),
        (None, 0, 0, None, 0, None, None, None),
    ]  # fmt: skip


def test_edges_of_gp_c5(edge: Store) -> None:
    # Members in 2020: s1, s2, big; s2, a startup founded in 2018 (the cluster in 2015), joined on
    # 2020-06-01. Polarisation: g3 from the undated memo (kept), spoken by s2's P2.
    rows = with_evidence_sets(run(edge, "gp_c5_polarisation"))
    assert rows == [
        edge_row("alpha", "Alpha", STUDY, members=3, newMembersInPeriod=1, newMemberShare=THIRD,
                 startupMembers=1, startupsSinceFounding=1, investorMembers=0, polarisationPassages=1,
                 evidenceCount=2, evidence=ex("m2", "g3")),
        edge_row("lost", "Lost", (None, None), members=0, newMembersInPeriod=0, newMemberShare=None,
                 startupMembers=0, startupsSinceFounding=0, investorMembers=0, polarisationPassages=0,
                 evidenceCount=0, evidence=set()),
    ]  # fmt: skip


def test_edges_of_gp_c6(edge: Store) -> None:
    # Passages spoken by members in 2020: fg 10-20 (g1 and g2, two coders), the memo's 0-5 (g3), g4 (no
    # offsets, counted by itself); g5 is from 2021, g6's speaker belongs to s3. Risk: the fg passage, on
    # backwash (g1) and weak SME involvement (g2).
    rows = with_evidence_sets(run(edge, "gp_c6_backwash_risk"))
    assert rows == [
        edge_row("alpha", "Alpha", STUDY, backwashPassages=1, smeExclusionPassages=1, dependencePassages=0,
                 memberPassages=3, riskPassages=1, riskShare=THIRD, evidenceCount=4,
                 evidence=ex("g1", "g2", "g3", "g4")),
        edge_row("lost", "Lost", (None, None), backwashPassages=0, smeExclusionPassages=0,
                 dependencePassages=0, memberPassages=0, riskPassages=0, riskShare=None, evidenceCount=0,
                 evidence=set()),
    ]  # fmt: skip
    # In 2021 alone g5 (backwash, s1's speaker) comes in, and the undated g3 stays.
    rows = run(edge, "gp_c6_backwash_risk", {"from": "2021-01-01", "to": "2021-12-31"})
    assert [
        (r["backwashPassages"], r["memberPassages"], r["riskShare"], iri_set(r["evidence"])) for r in rows
    ] == [
        (1, 2, dec("0.5"), ex("g3", "g5")),
        (0, 0, None, set()),
    ]


def test_edges_of_the_roadmap_queries(edge: Store) -> None:
    # SME-group members' barriers in 2020: cost (F3.01) in the fg passage (g2) and in the memo's (g3), weak
    # SME involvement (F2.07) in g2; g4's code maps only to the F3 family, which is no barrier of its own.
    rows = [(r["cluster"], r["barrier"], r["notation"], r["passages"], iri_set(r["evidence"]))
            for r in run(edge, "assessment/roadmap_barriers")]  # fmt: skip
    factor = "https://w3id.org/icgp/vocab/factor/"
    assert rows == [
        (EX + "alpha", factor + "high-investment-cost", "F3.01", 2, ex("g2", "g3")),
        (EX + "alpha", factor + "weak-sme-involvement", "F2.07", 1, ex("g2")),
    ]
    # a1 (a workshop) addresses the skills shortage; a2 (a course with no EDIH service) only the F2 family.
    assert [tuple(r.values()) for r in run(edge, "assessment/barrier_remedies")] == [
        (factor + "skills-shortage", EX + "workshop", None, EX + "training", None),
    ]
    assert [tuple(r.values()) for r in run(edge, "assessment/cluster_offers")] == [
        (EX + "alpha", EX + "workshop")
    ]
    assert [tuple(r.values()) for r in run(edge, "assessment/cluster_offers", {"from": "2019-01-01"})] == [
        (EX + "alpha", EX + "course"),
        (EX + "alpha", EX + "workshop"),
    ]
