"""Counting honestly: a passage coded by two coders counts once, and the coders' agreement is reported.

A passage is what a coded segment points at: a source and a text range (start and end offsets). 32 of
the sample's 274 passages were coded by both coders (two segment rows, coder C1 and C2, on the same
source and offsets). Every saved query that counts coded evidence must count such a passage once.

The expected answers on the sample are computed here from the CSV files (segments, codebook,
participants, organisations, memberships, clusters, activities, participations, sources) with short
Python loops, never by running a query; only the concept hierarchy, notations and actor classes are read
from the vocabularies in the store. The coder-agreement query is also checked on a tiny hand-made study
whose kappas are worked out by hand below.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import NamedNode, Store
from sample_tables import table
from test_queries import FIXTURE, answer

from kg.query.run import package_store

SKOS = "http://www.w3.org/2004/02/skos/core#"
ICGP = "https://w3id.org/icgp/ontology#"
VOCAB = "https://w3id.org/icgp/vocab/"
F3 = "factor:sme-industry-4-0-adoption-barriers"
BACKWASH = "factor:backwash-effect"

Passage = tuple[str, str, str]  # source, start, end


SEGMENTS = table("segments")
CODEBOOK = {r["code"]: r for r in table("codebook")}
PARTICIPANTS = {r["id"]: r for r in table("participants")}
ORGANISATIONS = {r["id"]: r for r in table("organisations")}
CLUSTERS = {r["id"]: r for r in table("clusters")}


def passage(segment: dict[str, str]) -> Passage:
    return (segment["source"], segment["start"], segment["end"])


def codes(segment: dict[str, str]) -> list[str]:
    return segment["codes"].split(";")


def mapped_factors(code: str) -> list[str]:
    """Factor notations of a code: its own mapping, else its nearest broader code's."""
    while code and not CODEBOOK[code]["maps_to"]:
        code = CODEBOOK[code]["parent"]
    return CODEBOOK[code]["maps_to"].split(";") if code else []


def clusters_of(organisation: str) -> set[str]:
    """The clusters the organisation is a member of at any time (none for no organisation)."""
    return {m["cluster"] for m in table("memberships") if m["organisation"] == organisation}


def speaker_organisation(segment: dict[str, str]) -> str:
    return PARTICIPANTS[segment["speaker"]]["organisation"] if segment["speaker"] else ""


def speaker_type(segment: dict[str, str]) -> str:
    """Actor-type notation of the speaker: their own, else their organisation's."""
    if not segment["speaker"]:
        return ""
    own = PARTICIPANTS[segment["speaker"]]["actor_type"]
    organisation = speaker_organisation(segment)
    return own or (ORGANISATIONS[organisation]["actor_type"] if organisation else "")


@dataclass
class Concepts:
    """What the queries read from the vocabularies, as 'scheme:slug' names (as test_queries shows them)."""

    by_notation: dict[tuple[str, str], str] = field(default_factory=dict)
    notation: dict[str, str] = field(default_factory=dict)
    broader: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    actor_class: dict[str, str] = field(default_factory=dict)
    helix: dict[str, str] = field(default_factory=dict)
    rank: dict[str, int] = field(default_factory=dict)
    families: set[str] = field(default_factory=set)

    def of(self, scheme: str, notation: str) -> str:
        return self.by_notation[(scheme, notation)]

    def within(self, concept: str, ancestor: str) -> bool:
        """skos:broader* : the concept itself or one of its ancestors is ``ancestor``."""
        todo, seen = [concept], set()
        while todo:
            current = todo.pop()
            if current == ancestor:
                return True
            seen.add(current)
            todo.extend(self.broader[current] - seen)
        return False

    def factors(self, code: str) -> list[str]:
        return [self.of("factor", n) for n in mapped_factors(code)]

    def cited(self, segment: dict[str, str]) -> list[str]:
        """The factors the segment's codes stand for."""
        return [f for code in codes(segment) for f in self.factors(code)]


def vshort(iri: str) -> str:
    if iri.startswith(VOCAB):
        scheme, slug = iri[len(VOCAB) :].split("/", 1)
        return f"{scheme}:{slug}"
    return "icgp:" + iri[len(ICGP) :] if iri.startswith(ICGP) else iri


@pytest.fixture(scope="module")
def concepts(sample_store: Store) -> Concepts:
    c = Concepts()

    def triples(predicate: str) -> Iterator[tuple[str, Any]]:
        for q in sample_store.quads_for_pattern(None, NamedNode(predicate), None, None):
            if isinstance(q.subject, NamedNode) and q.subject.value.startswith(VOCAB):
                yield q.subject.value, q.object

    for s, o in triples(SKOS + "notation"):
        name = vshort(s)
        c.notation[name] = o.value
        c.by_notation[(name.split(":")[0], o.value)] = name
    for s, o in triples(SKOS + "broader"):
        c.broader[vshort(s)].add(vshort(o.value))
    for s, o in triples(ICGP + "actorClass"):
        c.actor_class[vshort(s)] = vshort(o.value)
    for s, o in triples(ICGP + "typicalHelixSector"):
        c.helix[vshort(s)] = vshort(o.value)
    for s, o in triples(ICGP + "rank"):
        c.rank[vshort(s)] = int(o.value)
    c.families = {vshort(s) for s, o in triples(SKOS + "topConceptOf") if o.value == VOCAB + "factor"}
    return c


def counted(groups: dict[Any, set[Any]]) -> dict[Any, int]:
    return {key: len(members) for key, members in groups.items()}


# -- the sample is double-coded -------------------------------------------------------------------------


def test_the_sample_has_passages_coded_by_both_coders() -> None:
    by_passage: dict[Passage, set[str]] = defaultdict(set)
    for s in SEGMENTS:
        by_passage[passage(s)].add(s["coder"])
    assert (len(SEGMENTS), len(by_passage)) == (306, 274)
    assert sum(1 for coders in by_passage.values() if coders == {"C1", "C2"}) == 32


# -- barrier queries on the sample ------------------------------------------------------------------------


def test_barriers_by_actor_type_counts_passages(sample_store: Store, concepts: Concepts) -> None:
    cited: dict[tuple[str, str], set[Passage]] = defaultdict(set)
    for s in SEGMENTS:
        actor = speaker_type(s)
        for factor in concepts.cited(s):
            if actor and concepts.within(factor, F3):
                cited[(concepts.of("actor", actor), factor)].add(passage(s))
    n = concepts.notation
    expected = sorted(
        ((a, f, k) for (a, f), k in counted(cited).items()), key=lambda r: (n[r[0]], -r[2], n[r[1]])
    )
    found = [(r[0], r[2], r[4]) for r in answer(sample_store, "barriers_by_actor_type")]
    assert found == expected
    # Micro-enterprises cite the skills shortage in 7 segments but 6 passages (seg-016/017 are one).
    assert found[0] == ("actor:micro-enterprise", "factor:skills-shortage", 6)


def test_barriers_by_cluster_counts_passages(sample_store: Store, concepts: Concepts) -> None:
    cited: dict[tuple[str, str], set[Passage]] = defaultdict(set)
    organisations: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s in SEGMENTS:
        organisation = speaker_organisation(s)
        for cluster in clusters_of(organisation):
            for factor in concepts.cited(s):
                if concepts.within(factor, F3):
                    cited[(cluster, factor)].add(passage(s))
                    organisations[(cluster, factor)].add(organisation)
    n = concepts.notation
    expected = sorted(
        ((f"cluster/{c}", f, len(p), len(organisations[(c, f)])) for (c, f), p in cited.items()),
        key=lambda r: (CLUSTERS[r[0][8:]]["name"], r[0], -r[2], n[r[1]]),
    )
    assert [(r[0], r[2], r[4], r[5]) for r in answer(sample_store, "barriers_by_cluster")] == expected


def test_barriers_by_region_counts_passages(sample_store: Store, concepts: Concepts) -> None:
    # Default: SMEs (actor class icgp:SME; nothing in the ontology is narrower), NUTS level 2 (4 characters).
    cited: dict[tuple[str, str], set[Passage]] = defaultdict(set)
    for s in SEGMENTS:
        organisation = speaker_organisation(s)
        actor = speaker_type(s)
        if not organisation or concepts.actor_class[concepts.of("actor", actor)] != "icgp:SME":
            continue
        for factor in concepts.cited(s):
            if concepts.within(factor, F3):
                cited[("nuts:" + ORGANISATIONS[organisation]["nuts"][:4], factor)].add(passage(s))
    n = concepts.notation
    expected = sorted(
        ((r, f, k) for (r, f), k in counted(cited).items()), key=lambda row: (row[0], -row[2], n[row[1]])
    )
    assert [(r[0], r[2], r[4]) for r in answer(sample_store, "barriers_by_region")] == expected


def firm_group_expectation(concepts: Concepts) -> list[tuple[Any, ...]]:
    groups = ("icgp:SME", "icgp:Startup", "icgp:LargeEnterprise")
    spoken: dict[str, set[Passage]] = defaultdict(set)
    cited: dict[tuple[str, str], set[Passage]] = defaultdict(set)
    for s in SEGMENTS:
        group = concepts.actor_class[concepts.of("actor", speaker_type(s))]
        if group not in groups:
            continue
        spoken[group].add(passage(s))
        for factor in concepts.cited(s):
            if concepts.within(factor, F3):
                cited[(group, factor)].add(passage(s))
    factors = sorted({f for _, f in cited}, key=lambda f: concepts.notation[f])
    return [
        (g, f, len(cited[(g, f)]), len(spoken[g]), round(len(cited[(g, f)]) / len(spoken[g]), 6))
        for f in factors
        for g in groups
    ]


def test_barrier_frequencies_by_firm_group_counts_passages(sample_store: Store, concepts: Concepts) -> None:
    found = answer(sample_store, "barrier_frequencies_by_firm_group")
    assert [(r[0], r[2], r[4], r[5], r[6]) for r in found] == firm_group_expectation(concepts)
    # SMEs spoke 79 segments but 67 passages, startups 47 but 41; no large firm's passage was double-coded.
    assert {r[0]: r[5] for r in found} == {"icgp:SME": 67, "icgp:Startup": 41, "icgp:LargeEnterprise": 37}


def test_barrier_families_by_lifecycle_stage_counts_passages(sample_store: Store, concepts: Concepts) -> None:
    cited: dict[tuple[str, str], set[Passage]] = defaultdict(set)
    clusters: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s in SEGMENTS:
        for cluster in clusters_of(speaker_organisation(s)):
            stage = concepts.of("lifecycle", CLUSTERS[cluster]["lifecycle_stage"])
            for factor in concepts.cited(s):
                for family in (f for f in concepts.families if concepts.within(factor, f)):
                    cited[(stage, family)].add(passage(s))
                    clusters[(stage, family)].add(cluster)
    n, rank = concepts.notation, concepts.rank
    expected = sorted(
        ((s, f, len(p), len(clusters[(s, f)])) for (s, f), p in cited.items()),
        key=lambda r: (rank[r[0]], -r[2], n[r[1]]),
    )
    found = answer(sample_store, "barrier_families_by_lifecycle_stage")
    assert [(r[0], r[2], r[4], r[5]) for r in found] == expected


def test_capacity_building_gaps_counts_passages(sample_store: Store, concepts: Concepts) -> None:
    cited: dict[str, set[Passage]] = defaultdict(set)
    for s in SEGMENTS:
        for factor in concepts.cited(s):
            if concepts.within(factor, F3):
                cited[factor].add(passage(s))
    beneficiaries: dict[str, set[str]] = defaultdict(set)
    for p in table("participations"):
        if p["role"] in ("", "PR1"):  # PR1 is the beneficiary role, also the default
            beneficiaries[p["activity"]].add(p["organisation"])
    activities: dict[str, set[str]] = defaultdict(set)
    reached: dict[str, set[str]] = defaultdict(set)
    for a in table("activities"):
        for notation in filter(None, a["addresses"].split(";")):
            factor = concepts.of("factor", notation)
            if concepts.within(factor, F3):
                activities[factor].add(a["id"])
                reached[factor] |= beneficiaries[a["id"]]
    n = concepts.notation
    expected = sorted(
        ((f, len(cited[f]), len(activities[f]), len(reached[f])) for f in set(cited) | set(activities)),
        key=lambda r: (-r[1], r[2], n[r[0]]),
    )
    assert [(r[0], r[2], r[3], r[4]) for r in answer(sample_store, "capacity_building_gaps")] == expected


def test_backwash_evidence_by_stakeholder_counts_passages(sample_store: Store, concepts: Concepts) -> None:
    cited: dict[tuple[str, str], set[Passage]] = defaultdict(set)
    speakers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s in SEGMENTS:
        if any(concepts.within(f, BACKWASH) for f in concepts.cited(s)):
            actor = concepts.of("actor", speaker_type(s))
            cited[(concepts.helix[actor], actor)].add(passage(s))
            speakers[(concepts.helix[actor], actor)].add(s["speaker"])
    n = concepts.notation
    expected = sorted(
        ((h, a, len(p), len(speakers[(h, a)]), len({q[0] for q in p})) for (h, a), p in cited.items()),
        key=lambda r: (n[r[0]], -r[2], n[r[1]]),
    )
    found = answer(sample_store, "backwash_evidence_by_stakeholder")
    assert [(r[0], r[2], r[4], r[5], r[6]) for r in found] == expected


# -- coding queries on the sample ------------------------------------------------------------------------


def test_co_occurring_codes_counts_passages_and_not_two_coders_choices(sample_store: Store) -> None:
    same: dict[tuple[str, str], set[Passage]] = defaultdict(set)
    for s in SEGMENTS:  # one coder applied both codes to the passage
        for a in codes(s):
            for b in codes(s):
                if a < b:
                    same[(a, b)].add(passage(s))
    on_passage: dict[Passage, set[str]] = defaultdict(set)
    for s in SEGMENTS:
        on_passage[passage(s)].update(codes(s))
    overlapping: dict[tuple[str, str], set[tuple[Passage, Passage]]] = defaultdict(set)
    for p in on_passage:  # two different passages of one source whose ranges overlap
        for q in on_passage:
            if p != q and p[0] == q[0] and int(p[1]) <= int(q[1]) < int(p[2]):
                for a in on_passage[p]:
                    for b in on_passage[q] - {a}:
                        overlapping[(min(a, b), max(a, b))].add((min(p, q), max(p, q)))
    label = {c: r["label"] for c, r in CODEBOOK.items()}
    pairs = set(same) | set(overlapping)
    expected = sorted(
        ((f"code/{a}", f"code/{b}", len(same[(a, b)]), len(overlapping[(a, b)])) for a, b in pairs),
        key=lambda r: (-(r[2] + r[3]), label[r[0][5:]], label[r[1][5:]], r[0], r[1]),
    )
    found = answer(sample_store, "co_occurring_codes")
    assert [(r[0], r[2], r[4], r[5]) for r in found] == expected
    assert all(r[6] == r[4] + r[5] for r in found)
    # C1 coded three passages BARRIER-SKILLS where C2 chose BARRIER-SKILLS-DATA: a disagreement, not a pair.
    assert not [r for r in found if (r[0], r[2]) == ("code/BARRIER-SKILLS", "code/BARRIER-SKILLS-DATA")]


def test_evidence_base_by_source_kind_counts_passages_and_segments(
    sample_store: Store, concepts: Concepts
) -> None:
    kinds: dict[str, list[dict[str, str]]] = defaultdict(list)
    for source in table("sources"):
        kinds[source["kind"]].append(source)
    expected = []
    for kind in sorted(kinds):
        sources = kinds[kind]
        ids = {s["id"] for s in sources}
        segments = [s for s in SEGMENTS if s["source"] in ids]
        expected.append(
            (
                concepts.of("source-kind", kind),
                len(sources),
                sum(int(s["participants"] or 0) for s in sources),
                min(s["date"] for s in sources),
                max(s["date"] for s in sources),
                len({passage(s) for s in segments}),
                len(segments),
                len({s["speaker"] for s in segments}),
                len({s["coder"] for s in segments}),
            )
        )
    found = answer(sample_store, "evidence_base_by_source_kind")
    assert [(r[0], *r[2:]) for r in found] == expected
    # The focus groups: 176 segments, 144 passages (32 coded twice).
    assert found[0][6:8] == (144, 176)


def test_single_coder_codes_reports_segments_passages_and_double_coded_passages(
    sample_store: Store,
) -> None:
    coders_of: dict[str, set[str]] = defaultdict(set)
    for s in SEGMENTS:
        for code in codes(s):
            coders_of[code].add(s["coder"])
    coders_on: dict[Passage, set[str]] = defaultdict(set)
    for s in SEGMENTS:
        coders_on[passage(s)].add(s["coder"])
    rows = []
    for code, coders in coders_of.items():
        if len(coders) == 1:
            mine = [s for s in SEGMENTS if code in codes(s)]
            passages = {passage(s) for s in mine}
            double = {p for p in passages if len(coders_on[p]) > 1}
            rows.append((f"code/{code}", code, f"coder/{min(coders)}", len(mine), len(passages), len(double)))
    expected = sorted(rows, key=lambda r: (-r[4], r[1]))
    found = answer(sample_store, "single_coder_codes")
    assert [(r[0], r[1], r[3], r[5], r[6], r[7]) for r in found] == expected


def agreement_expectation(segments: Sequence[dict[str, str]]) -> list[tuple[Any, ...]]:
    """coder_agreement's rows without labels, from a segments table, with exact fractions."""
    applied: dict[tuple[Passage, str], set[str]] = defaultdict(set)
    coders_on: dict[Passage, set[str]] = defaultdict(set)
    for s in segments:
        coders_on[passage(s)].add(s["coder"])
        applied[(passage(s), s["coder"])].update(codes(s))
    rows = []
    coders = sorted({s["coder"] for s in segments})
    for first in coders:
        for second in (c for c in coders if c > first):
            shared = [p for p, c in coders_on.items() if {first, second} <= c]
            if not shared:
                continue
            n = len(shared)
            for code in sorted({c for p in shared for c in applied[(p, first)] | applied[(p, second)]}):
                by_first = {p for p in shared if code in applied[(p, first)]}
                by_second = {p for p in shared if code in applied[(p, second)]}
                both, only_first, only_second = (
                    len(by_first & by_second),
                    len(by_first - by_second),
                    len(by_second - by_first),
                )
                neither = n - both - only_first - only_second
                observed = Fraction(both + neither, n)
                p1, p2 = Fraction(len(by_first), n), Fraction(len(by_second), n)
                expected = p1 * p2 + (1 - p1) * (1 - p2)
                kappa = None if expected == 1 else round(float((observed - expected) / (1 - expected)), 6)
                rows.append(
                    (
                        f"coder/{first}",
                        f"coder/{second}",
                        f"code/{code}",
                        n,
                        both,
                        only_first,
                        only_second,
                        neither,
                        round(float(observed), 6),
                        round(float(expected), 6),
                        kappa,
                    )
                )
    return rows


def agreement_found(store: Store) -> list[tuple[Any, ...]]:
    return [(r[0], r[2], r[4], *r[7:]) for r in answer(store, "coder_agreement")]


def test_coder_agreement_on_the_sample(sample_store: Store) -> None:
    found = agreement_found(sample_store)
    assert found == agreement_expectation(SEGMENTS)
    # C1 coded three shared passages BARRIER-SKILLS where C2 chose the narrower BARRIER-SKILLS-DATA:
    # a = 1, b = 3, c = 0, d = 28 of 32; po = 29/32, pe = (4 * 1 + 28 * 31) / 32^2 = 872/1024,
    # kappa = (928 - 872) / (1024 - 872) = 56/152 = 7/19.
    skills = next(r for r in found if r[2] == "code/BARRIER-SKILLS")
    assert skills[3:] == (32, 1, 3, 0, 28, 0.90625, 0.851562, round(7 / 19, 6))
    labels = {r[4]: (r[5], r[6]) for r in answer(sample_store, "coder_agreement")}
    assert labels["code/GP-SPREAD"] == ("GP-SPREAD", "Spread effect")


# -- a tiny hand-made study: two coders, three shared passages -----------------------------------------------

# The query fixture's study with its segments replaced. Passages q1 (fg1 0-40), q2 (fg1 100-150) and
# q3 (fg1 200-260) are coded by both C1 and C2; r1 (int1 0-30) only by C1 and r2 (int1 20-50, overlapping
# r1) only by C2, so neither is shared.
#
#   passage  C1                       C2
#   q1       BAR-COST, GP-POL         BAR-COST, GP-POL
#   q2       BAR-COST, BAR-SKILLS, GP-POL   BAR-SKILLS, GP-POL
#   q3       GP-SPREAD, GP-POL        BAR-SKILLS, GP-POL
#
# Per code over the n = 3 shared passages, with a = both, b = only C1, c = only C2, d = neither,
# po = (a + d) / n, pe = pC1 * pC2 + (1 - pC1) * (1 - pC2), kappa = (po - pe) / (1 - pe):
#   BAR-COST:   a 1 (q1), b 1 (q2), c 0, d 1 (q3). po = 2/3; pC1 = 2/3, pC2 = 1/3;
#               pe = 2/9 + 2/9 = 4/9; kappa = (6/9 - 4/9) / (5/9) = 2/5 = 0.4.
#   BAR-SKILLS: a 1 (q2), b 0, c 1 (q3), d 1 (q1). po = 2/3; pC1 = 1/3, pC2 = 2/3; pe = 4/9; kappa 0.4.
#   GP-POL:     a 3, b 0, c 0, d 0. po = 1, pe = 1 * 1 + 0 * 0 = 1: kappa undefined (unbound).
#   GP-SPREAD:  a 0, b 1 (q3), c 0, d 2. po = 2/3; pC1 = 1/3, pC2 = 0; pe = 0 + 2/3 * 1 = 2/3;
#               kappa = (2/3 - 2/3) / (1/3) = 0.
# POL (r1) and the BAR-COST of r2 are on passages only one coder coded, so they take no part.
HAND_MADE = """\
id,source,codes,speaker,start,end,quote,coder
k1,fg1,BAR-COST;GP-POL,P1,0,40,Machines cost too much for a shop like ours.,C1
k2,fg1,BAR-COST;GP-POL,P1,0,40,Machines cost too much for a shop like ours.,C2
k3,fg1,BAR-COST;BAR-SKILLS;GP-POL,P2,100,150,The robot cell was dear and nobody could program it.,C1
k4,fg1,BAR-SKILLS;GP-POL,P2,100,150,The robot cell was dear and nobody could program it.,C2
k5,fg1,GP-SPREAD;GP-POL,P3,200,260,Our suppliers learnt it from us and now all engineers want to come.,C1
k6,fg1,BAR-SKILLS;GP-POL,P3,200,260,Our suppliers learnt it from us and now all engineers want to come.,C2
r1,int1,POL,P4,0,30,Policy should pay for training.,C1
r2,int1,BAR-COST,P4,20,50,Training is too expensive for small firms.,C2
"""


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    package = tmp_path_factory.mktemp("passages") / "qfix"
    shutil.copytree(FIXTURE, package)
    (package / "segments.csv").write_text(HAND_MADE, encoding="utf-8")
    return package


@pytest.fixture(scope="module")
def hand_made_store(hand_made: Path) -> Store:
    return package_store(hand_made)


def test_coder_agreement_worked_out_by_hand(hand_made_store: Store, hand_made: Path) -> None:
    pair = ("coder/C1", "C1", "coder/C2", "C2")
    third, ninths = round(2 / 3, 6), round(4 / 9, 6)
    assert answer(hand_made_store, "coder_agreement") == [
        (*pair, "code/BAR-COST", "BAR-COST", "Cost", 3, 1, 1, 0, 1, third, ninths, 0.4),
        (*pair, "code/BAR-SKILLS", "BAR-SKILLS", "Skills", 3, 1, 0, 1, 1, third, ninths, 0.4),
        (*pair, "code/GP-POL", "GP-POL", "Polarisation", 3, 3, 0, 0, 0, 1.0, 1.0, None),
        (*pair, "code/GP-SPREAD", "GP-SPREAD", "Spread", 3, 0, 1, 0, 2, third, third, 0.0),
    ]
    # The same rows from the generic computation used on the sample.
    assert agreement_found(hand_made_store) == agreement_expectation(table("segments", hand_made))


def test_hand_made_double_coding_counts_once(hand_made_store: Store) -> None:
    # P1 (small enterprise) has k1 and k2 on q1: one passage; P2 (startup) q2; P3 (large) q3; P4 (no
    # type of their own, the university's HEI) r2.
    assert [(r[0], r[2], r[4]) for r in answer(hand_made_store, "barriers_by_actor_type")] == [
        ("actor:small-enterprise", "factor:high-investment-cost", 1),
        ("actor:large-enterprise", "factor:skills-shortage", 1),
        ("actor:startup", "factor:high-investment-cost", 1),
        ("actor:startup", "factor:skills-shortage", 1),
        ("actor:higher-education-institution", "factor:high-investment-cost", 1),
    ]
    # Pairs one coder applied together, once per passage: BAR-COST + GP-POL on q1 (both coders) and q2;
    # BAR-SKILLS + GP-POL on q2 (both coders) and q3 (C2); BAR-COST + BAR-SKILLS on q2; GP-POL +
    # GP-SPREAD on q3. C2's BAR-SKILLS beside C1's GP-SPREAD on q3 is no pair. r1 (POL) and r2
    # (BAR-COST) overlap: one pair of passages.
    assert [(r[0], r[2], r[4], r[5], r[6]) for r in answer(hand_made_store, "co_occurring_codes")] == [
        ("code/BAR-COST", "code/GP-POL", 2, 0, 2),
        ("code/BAR-SKILLS", "code/GP-POL", 2, 0, 2),
        ("code/BAR-COST", "code/POL", 0, 1, 1),
        ("code/BAR-COST", "code/BAR-SKILLS", 1, 0, 1),
        ("code/GP-POL", "code/GP-SPREAD", 1, 0, 1),
    ]
    # Growth-pole mechanisms (F7): GP-POL on q1 (P1, both coders), q2 (P2) and q3 (P3), GP-SPREAD on q3.
    assert [r[2:] for r in answer(hand_made_store, "backwash_evidence_by_stakeholder", effect="F7")] == [
        ("actor:small-enterprise", "Small enterprise", 1, 1, 1),
        ("actor:large-enterprise", "Large enterprise", 1, 1, 1),
        ("actor:startup", "Startup", 1, 1, 1),
    ]
    # GP-SPREAD: only C1, on q3, which C2 coded too (a disagreement); POL: only C1, on r1, which nobody
    # else coded.
    assert [(r[0], r[3], r[5], r[6], r[7]) for r in answer(hand_made_store, "single_coder_codes")] == [
        ("code/GP-SPREAD", "coder/C1", 1, 1, 1),
        ("code/POL", "coder/C1", 1, 1, 0),
    ]


def test_a_segment_without_offsets_is_a_passage_of_its_own(hand_made: Path) -> None:
    store = package_store(hand_made)
    # Drop k2's text position: it no longer shares q1 with k1, so P1 cites high cost in two passages.
    position = NamedNode("https://example.org/id/qfix/segment/k2/position")
    for quad in list(store.quads_for_pattern(position, None, None, None)):
        store.remove(quad)
    assert next((r[0], r[2], r[4]) for r in answer(store, "barriers_by_actor_type")) == (
        "actor:small-enterprise",
        "factor:high-investment-cost",
        2,
    )
