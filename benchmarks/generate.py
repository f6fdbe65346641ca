#!/usr/bin/env python3
"""Generate a synthetic ICGP study package of any size, for benchmarks.

    python benchmarks/generate.py OUT_DIR --organisations 50000 [--seed 1] [--density 0.2]

Every table of the study package is written, with sizes proportional to the number of organisations
(see :func:`plan_sizes`). The content is random but valid: ids are unique, foreign keys resolve,
concept cells use vocabulary notations, dates are ordered and segment offsets lie inside their
source. The same arguments always give byte-identical files. Standard library only.

``--density`` scales every table that grows with the organisations (memberships, interactions, ...);
the default is tuned so that 50,000 organisations build to about one million triples.
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from itertools import accumulate
from pathlib import Path

from kg.package.schemas import TABLES, load_schemas

DEFAULT_SEED = 1
DEFAULT_DENSITY = 0.2
MAX_DENSITY = 10.0  # keeps every (organisation, technology) and (cluster, organisation) pair unique

# Rows per organisation at density 1.0 (clusters, codebook and survey items do not scale with density).
RATIOS = {
    "memberships": 1.0,
    "interactions": 2.0,
    "adoptions": 1.5,
    "activities": 0.1,
    "participations": 0.5,
    "segments": 0.5,
    "respondents": 0.1,
}
# SMEs and startups with a digital maturity assessment (EDIH DMA) at two dates, per organisation at
# density 1.0; each writes 2 x 6 rows of maturity.csv.
MATURITY_FIRMS = 0.05
DMA_DIMENSIONS = ("DMA1", "DMA2", "DMA3", "DMA4", "DMA5", "DMA6")
SME_GROUP = ("A01.1", "A01.2", "A01.3", "A01.5")
SEGMENTS_PER_SOURCE = 100
PARTICIPANTS_PER_SOURCE = 5

# Actor types with their share of organisations; the first 18 organisations take one of each, so that
# even a tiny package covers the whole actor scheme.
ACTOR_SHARES = [
    ("A01", 2), ("A01.1", 30), ("A01.2", 24), ("A01.3", 12), ("A01.4", 3), ("A01.5", 8), ("A01.6", 5),
    ("A02", 1.5), ("A03", 1.5), ("A04", 1), ("A05", 1), ("A06", 1), ("A07", 2.5), ("A08", 1.5),
    ("A09", 0.5), ("A10", 1.5), ("A11", 1.5), ("A12", 1),
]  # fmt: skip
EMPLOYEES = {
    "A01.1": (1, 9),
    "A01.2": (10, 49),
    "A01.3": (50, 249),
    "A01.4": (250, 20000),
    "A01.5": (1, 40),
    "A01.6": (5, 400),
}
OTHER_EMPLOYEES = (1, 3000)
ENTERPRISES = ("A01", "A01.1", "A01.2", "A01.3", "A01.4", "A01.5", "A01.6")
PROVIDER_TYPES = ("A02", "A03", "A04", "A05", "A06", "A07", "A11")

# Real NUTS-3 codes (NUTS 2024) of Baden-Württemberg and its NUTS-2 regions.
NUTS3 = (
    [f"DE11{c}" for c in "123456789ABCD"]
    + [f"DE12{c}" for c in "123456789ABC"]
    + [f"DE13{c}" for c in "123456789A"]
    + [f"DE14{c}" for c in "123456789"]
)
NUTS2 = ("DE11", "DE12", "DE13", "DE14")
NACE = (
    "25.62", "25.61", "28.41", "28.99", "26.51", "27.12", "22.29", "29.32", "62.01", "62.02", "72.19",
    "85.42", "94.11", "70.22", "64.30", "84.13", "85.59", "33.12", "46.69", "C28.15",
)  # fmt: skip

TECH_TOPS = [f"T{i:02d}" for i in range(1, 13)]
TECH_NARROWER = {
    "T01": 5, "T02": 5, "T03": 8, "T04": 5, "T05": 5, "T06": 3,
    "T07": 3, "T08": 2, "T09": 3, "T10": 4, "T11": 4, "T12": 3,
}  # fmt: skip
TECHNOLOGIES = TECH_TOPS + [f"{top}.{k}" for top, n in TECH_NARROWER.items() for k in range(1, n + 1)]
BARRIERS = [f"F3.{k:02d}" for k in range(1, 16)]
CB_TYPES = [f"CB{k:02d}" for k in range(1, 19)]
# interaction type -> linkage kinds it may carry ("" = none)
INTERACTION_LINKAGE = {
    "IT01": ("LK3",), "IT02": ("LK1", "LK2"), "IT03": ("LK3",), "IT04": ("LK3",), "IT05": ("",),
    "IT06": ("", "LK3"), "IT07": ("LK2", "LK3"), "IT08": ("",),
}  # fmt: skip
STATUS_WEIGHTS = {"A01.4": (5, 15, 75, 5), "A01.6": (0, 10, 90, 0)}
SME_STATUS_WEIGHTS = (40, 30, 25, 5)

# A small codebook: (code, parent, polarity, maps_to)
CODEBOOK = [
    ("ENABLERS", "", "PO1", "F1"),
    ("ENABLER-ANCHOR", "ENABLERS", "PO1", "F1.01"),
    ("ENABLER-RESEARCH", "ENABLERS", "PO1", "F1.02"),
    ("ENABLER-FUNDING", "ENABLERS", "PO1", "F1.05"),
    ("ENABLER-CMO", "ENABLERS", "PO1", "F1.06"),
    ("ENABLER-TRUST", "ENABLERS", "PO1", "F1.07"),
    ("ENABLER-FACILITIES", "ENABLERS", "PO1", "F1.10"),
    ("BARRIERS", "", "PO2", "F3"),
    ("BARRIER-COST", "BARRIERS", "PO2", "F3.01"),
    ("BARRIER-ROI", "BARRIERS", "PO2", "F3.02"),
    ("BARRIER-SKILLS", "BARRIERS", "PO2", "F3.03"),
    ("BARRIER-AWARENESS", "BARRIERS", "PO2", "F3.04"),
    ("BARRIER-SECURITY", "BARRIERS", "PO2", "F3.06"),
    ("BARRIER-INTEROP", "BARRIERS", "PO2", "F3.08"),
    ("BARRIER-FINANCE", "BARRIERS", "PO2", "F3.13"),
    ("CLUSTER-BARRIERS", "", "PO2", "F2"),
    ("CLBAR-FRAGMENTATION", "CLUSTER-BARRIERS", "PO2", "F2.01"),
    ("CLBAR-FUNDING", "CLUSTER-BARRIERS", "PO2", "F2.03"),
    ("GROWTH-POLE", "", "PO3", "F7"),
    ("GP-DOMINANCE", "GROWTH-POLE", "PO3", "F7.01"),
    ("GP-PROPULSION", "GROWTH-POLE", "PO1", "F7.02"),
    ("GP-SPREAD", "GROWTH-POLE", "PO1", "F7.07"),
    ("GP-BACKWASH", "GROWTH-POLE", "PO2", "F7.08"),
    ("POLICY", "", "PO3", "F8"),
    ("POLICY-FUNDING", "POLICY", "PO3", "F8.01"),
    ("POLICY-SKILLS", "POLICY", "PO3", "F8.04"),
]
LEAF_CODES = [code for code, parent, _, _ in CODEBOOK if parent]
CONSTRUCTS = ("cluster-support", "adoption-readiness", "barriers", "collaboration")

# Generated organisations have one site each: no sites.csv.
TABLE_ORDER = [name for name in TABLES if name != "sites"]

# Column order of every table, from the Table Schemas that also drive the checks.
HEADERS = {name: [f.name for f in schema.fields] for name, schema in load_schemas().items()}

Rows = list[list[str]]


def plan_sizes(organisations: int, density: float = DEFAULT_DENSITY) -> dict[str, int]:
    """Rows per table for ``organisations`` organisations at ``density`` (sources and participants
    follow the number of segments; survey_responses is respondents x 12 items)."""
    n = organisations

    def scaled(table: str) -> int:
        return max(1, round(n * RATIOS[table] * density))

    clusters = n // 500 + 2
    sizes = {
        "organisations": n,
        "clusters": clusters,
        "memberships": min(scaled("memberships"), n * clusters),
        "interactions": scaled("interactions"),
        "adoptions": scaled("adoptions"),
        "maturity": 2 * len(DMA_DIMENSIONS) * max(1, round(n * MATURITY_FIRMS * density)),
        "activities": scaled("activities"),
        "segments": scaled("segments"),
        "respondents": scaled("respondents"),
        "codebook": len(CODEBOOK),
        "survey_items": 12,
    }
    sizes["participations"] = min(scaled("participations"), sizes["activities"] * n)
    text_sources = max(3, -(-sizes["segments"] // SEGMENTS_PER_SOURCE))
    sizes["sources"] = text_sources + 1  # plus the survey wave
    sizes["participants"] = text_sources * PARTICIPANTS_PER_SOURCE
    sizes["survey_responses"] = sizes["respondents"] * 12
    return {name: sizes[name] for name in TABLE_ORDER}


ACTOR_NAMES = [name for name, _ in ACTOR_SHARES]
ACTOR_CUMULATIVE = list(accumulate(share for _, share in ACTOR_SHARES))


def actor_type_of(index: int, rng: random.Random) -> str:
    """Actor type of organisation ``index``: one of each type first, then drawn by share."""
    if index < len(ACTOR_NAMES):
        return ACTOR_NAMES[index]
    return rng.choices(ACTOR_NAMES, cum_weights=ACTOR_CUMULATIVE)[0]


def size_class(actor: str, employees: int | None) -> str:
    """EU size class of an enterprise by head count (empty for other actors)."""
    if actor not in ENTERPRISES or employees is None:
        return ""
    return "SC1" if employees < 10 else "SC2" if employees < 50 else "SC3" if employees < 250 else "SC4"


def random_date(rng: random.Random, first_year: int, last_year: int) -> str:
    """A random ISO date between 1 January of ``first_year`` and 28 December of ``last_year``."""
    return f"{rng.randint(first_year, last_year)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


class Generator:
    """Builds the tables of one synthetic package from a seeded random generator."""

    def __init__(self, organisations: int, seed: int, density: float) -> None:
        self.rng = random.Random(seed)
        self.n = organisations
        self.seed = seed
        self.sizes = plan_sizes(organisations, density)
        self.org_ids = [f"org-{k:06d}" for k in range(organisations)]
        self.org_types: list[str] = []
        self.founded: list[int] = []

    # -- actors ---------------------------------------------------------------------------------
    def organisations(self) -> Rows:
        """Organisations of every actor type with plausible size, age, place and sector."""
        rng = self.rng
        rows = []
        for k, org in enumerate(self.org_ids):
            actor = actor_type_of(k, rng)
            self.org_types.append(actor)
            low, high = EMPLOYEES.get(actor, OTHER_EMPLOYEES)
            employees = None if actor == "A01" else rng.randint(low, high)
            founded = rng.randint(2012, 2021) if actor == "A01.5" else rng.randint(1900, 2018)
            self.founded.append(founded)
            website = f"https://example.org/{org}" if k % 5 == 0 else ""
            row = {
                "id": org,
                "name": f"Synthetic organisation {k}",
                "actor_type": actor,
                "size_class": size_class(actor, employees),
                "employees": "" if employees is None else str(employees),
                "founded": str(founded),
                "nuts": rng.choice(NUTS3),
                "nace": rng.choice(NACE),
                "website": website,
            }
            # By column name: the optional columns the generator leaves empty may grow.
            rows.append([row.get(column, "") for column in HEADERS["organisations"]])
        self.enterprises = [k for k, t in enumerate(self.org_types) if t in ENTERPRISES]
        self.providers = [k for k, t in enumerate(self.org_types) if t in PROVIDER_TYPES]
        self.cmos = [k for k, t in enumerate(self.org_types) if t == "A04"]
        return rows

    def clusters(self) -> Rows:
        """Clusters, each managed by a cluster organisation where there is one."""
        rng = self.rng
        rows = []
        for c in range(self.sizes["clusters"]):
            specialisations = ";".join(sorted(rng.sample(TECH_TOPS, rng.randint(1, 3))))
            managed_by = self.org_ids[self.cmos[c % len(self.cmos)]] if self.cmos else ""
            label = rng.choice(("", "", "EL1", "EL2", "EL3"))
            rows.append(
                [
                    f"cl-{c:04d}",
                    f"Synthetic cluster {c}",
                    rng.choice(NUTS2),
                    specialisations,
                    managed_by,
                    str(rng.randint(1995, 2020)),
                    f"LC{rng.randint(1, 5)}",
                    label,
                ]
            )
        return rows

    def memberships(self) -> Rows:
        """Memberships: organisation k % n joins cluster (offset + k // n), so pairs never repeat."""
        rng = self.rng
        clusters = self.sizes["clusters"]
        order = list(range(self.n))
        rng.shuffle(order)
        rows = []
        for k in range(self.sizes["memberships"]):
            org = order[k % self.n]
            cluster = (org + k // self.n) % clusters
            role = rng.choices(("MR1", "MR2", "MR3", "MR4"), cum_weights=(92, 94, 97, 100))[0]
            until = random_date(rng, 2021, 2022) if rng.random() < 0.05 else ""
            rows.append([f"cl-{cluster:04d}", self.org_ids[org], role, random_date(rng, 2010, 2020), until])
        return rows

    def interactions(self, source_ids: Sequence[str]) -> Rows:
        """Directed ties; a tenth of the organisations are hubs that take part in half of them."""
        rng = self.rng
        hubs = rng.sample(range(self.n), max(1, self.n // 10))
        types = list(INTERACTION_LINKAGE)
        rows = []
        for k in range(self.sizes["interactions"]):
            source = rng.choice(hubs) if rng.random() < 0.5 else rng.randrange(self.n)
            target = rng.randrange(self.n - 1)
            target += target >= source  # never the source itself
            itype = rng.choice(types)
            rows.append(
                [
                    f"ix-{k:07d}",
                    self.org_ids[source],
                    self.org_ids[target],
                    itype,
                    rng.choice(INTERACTION_LINKAGE[itype]),
                    str(rng.randint(1, 5)),
                    str(rng.randint(2015, 2021)),
                    rng.choice(source_ids),
                ]
            )
        return rows

    def adoptions(self, source_ids: Sequence[str]) -> Rows:
        """Adoption k goes to enterprise k % E with technology (offset + k // E), so pairs never repeat."""
        rng = self.rng
        enterprises = self.enterprises
        if not enterprises:
            return []
        offsets = [rng.randrange(len(TECHNOLOGIES)) for _ in enterprises]
        statuses = ("AS1", "AS2", "AS3", "AS4")
        rows = []
        for k in range(self.sizes["adoptions"]):
            slot = k % len(enterprises)
            org = enterprises[slot]
            tech = TECHNOLOGIES[(offsets[slot] + k // len(enterprises)) % len(TECHNOLOGIES)]
            weights = STATUS_WEIGHTS.get(self.org_types[org], SME_STATUS_WEIGHTS)
            status = rng.choices(statuses, weights=weights)[0]
            rows.append(
                # Never before the organisation existed (the shapes warn about that).
                [
                    self.org_ids[org],
                    tech,
                    status,
                    str(rng.randint(max(2015, self.founded[org]), 2021)),
                    rng.choice(source_ids),
                ]
            )
        return rows

    def maturity(self) -> Rows:
        """DMA scores of six dimensions at T0 (2019-2020) and T1 (2021) for a share of SMEs and startups.

        Drawn after every other table, so that adding them left the other tables as they were.
        """
        rng = self.rng
        smes = [k for k, t in enumerate(self.org_types) if t in SME_GROUP]
        firms = sorted(rng.sample(smes, min(len(smes), self.sizes["maturity"] // 12)))
        rows = []
        for org in firms:
            t0 = [rng.randint(10, 70) for _ in DMA_DIMENSIONS]
            gain = rng.randint(0, 20)
            t1 = [max(0, min(100, score + gain + rng.randint(-5, 5))) for score in t0]
            for date, scores in ((random_date(rng, 2019, 2020), t0), (random_date(rng, 2021, 2021), t1)):
                for dimension, score in zip(DMA_DIMENSIONS, scores, strict=True):
                    rows.append([self.org_ids[org], date, "DMA", dimension, str(score), "", ""])
        return rows

    def activities(self) -> Rows:
        """Capacity-building activities run by universities, RTOs, cluster organisations, hubs..."""
        rng = self.rng
        providers = self.providers or list(range(self.n))
        rows = []
        for k in range(self.sizes["activities"]):
            year, month, day = rng.randint(2016, 2021), rng.randint(1, 12), rng.randint(1, 28)
            end_month = min(12, month + rng.choice((0, 0, 1, 3, 6)))
            cluster = f"cl-{rng.randrange(self.sizes['clusters']):04d}" if rng.random() < 0.8 else ""
            techs = ";".join(sorted(rng.sample(TECHNOLOGIES, rng.randint(1, 2))))
            addresses = ";".join(sorted(rng.sample(BARRIERS, rng.randint(1, 2))))
            rows.append(
                [
                    f"act-{k:05d}",
                    f"Synthetic activity {k}",
                    rng.choice(CB_TYPES),
                    self.org_ids[rng.choice(providers)],
                    cluster,
                    f"{year}-{month:02d}-{day:02d}",
                    f"{year}-{end_month:02d}-{day:02d}",
                    techs,
                    addresses,
                    rng.choice(NUTS3),
                ]
            )
        return rows

    def participations(self) -> Rows:
        """Participation k joins activity k % A and organisation (base + k // A), so pairs never repeat."""
        rng = self.rng
        activities = self.sizes["activities"]
        bases = [rng.randrange(self.n) for _ in range(activities)]
        rows = []
        for k in range(self.sizes["participations"]):
            act = k % activities
            org = (bases[act] + k // activities) % self.n
            role = rng.choices(("PR1", "PR2", "PR3", "PR4"), cum_weights=(85, 90, 96, 100))[0]
            rows.append([f"act-{act:05d}", self.org_ids[org], role])
        return rows

    # -- qualitative data -----------------------------------------------------------------------
    def sources_participants_segments(self) -> tuple[Rows, Rows, Rows]:
        """Focus groups and interviews with their speakers and coded segments, plus the survey wave."""
        rng = self.rng
        text_sources = self.sizes["sources"] - 1
        source_ids = [f"src-{s:05d}" for s in range(text_sources)]
        participants: Rows = []
        speakers: list[list[str]] = []
        for s, sid in enumerate(source_ids):
            mine = []
            for p in range(PARTICIPANTS_PER_SOURCE):
                pid = f"P{s * PARTICIPANTS_PER_SOURCE + p:06d}"
                if rng.random() < 0.8:
                    org = rng.randrange(self.n)
                    participants.append([pid, self.org_ids[org], self.org_types[org], sid])
                else:
                    participants.append([pid, "", rng.choice(("A01.1", "A01.2", "A01.3")), sid])
                mine.append(pid)
            speakers.append(mine)
        cursor = [0] * text_sources
        segments: Rows = []
        for k in range(self.sizes["segments"]):
            s = k % text_sources
            codes = rng.sample(LEAF_CODES, 2 if rng.random() < 0.15 else 1)
            quote = f"Synthetic statement {k} about {codes[0].lower().replace('-', ' ')}."
            start = cursor[s] + rng.randint(20, 400)
            end = start + len(quote)
            cursor[s] = end
            segments.append(
                [
                    f"seg-{k:07d}",
                    source_ids[s],
                    ";".join(codes),
                    rng.choice(speakers[s]),
                    str(start),
                    str(end),
                    quote,
                    rng.choice(("C1", "C2")),
                ]
            )
        sources: Rows = []
        for s, sid in enumerate(source_ids):
            kind = "SK1" if s % 3 == 0 else "SK2"
            count = PARTICIPANTS_PER_SOURCE if kind == "SK1" else 1
            sources.append(
                [
                    sid,
                    kind,
                    f"Synthetic {'focus group' if kind == 'SK1' else 'interview'} {s}",
                    random_date(rng, 2019, 2021),
                    str(count),
                    "en",
                    str(cursor[s] + 500),
                ]
            )
        sources.append(
            [
                "survey-1",
                "SK3",
                "Synthetic survey wave",
                "2021-03-31",
                str(self.sizes["respondents"]),
                "en",
                "",
            ]
        )
        return sources, participants, segments

    def codebook(self) -> Rows:
        """The fixed codebook."""
        return [
            [
                code,
                code.replace("-", " ").capitalize(),
                parent,
                f"Synthetic code {code}.",
                polarity,
                maps_to,
                "",
                "",
                "",
            ]
            for code, parent, polarity, maps_to in CODEBOOK
        ]

    def survey(self) -> tuple[Rows, Rows, Rows]:
        """Twelve Likert items (three per construct), respondents and one answer per item."""
        rng = self.rng
        items = [
            [
                f"Q{i + 1:02d}",
                f"Synthetic statement {i + 1} on {CONSTRUCTS[i // 3]}.",
                "1-5",
                CONSTRUCTS[i // 3],
            ]
            for i in range(12)
        ]
        respondents: Rows = []
        responses: Rows = []
        for r in range(self.sizes["respondents"]):
            rid = f"R{r:06d}"
            if rng.random() < 0.5:
                org = rng.randrange(self.n)
                respondents.append([rid, self.org_types[org], self.org_ids[org], rng.choice(NUTS3)])
            else:
                respondents.append(
                    [rid, rng.choice(("A01.1", "A01.2", "A01.3", "A01.5")), "", rng.choice(NUTS3)]
                )
            for item in items:
                responses.append([rid, item[0], str(rng.randint(1, 5))])
        return items, respondents, responses

    def tables(self) -> dict[str, tuple[list[str], Rows]]:
        """Every table, generated in a fixed order from the one seeded generator."""
        orgs = self.organisations()
        clusters = self.clusters()
        memberships = self.memberships()
        sources, participants, segments = self.sources_participants_segments()
        evidence = [row[0] for row in sources]
        interactions = self.interactions(evidence)
        adoptions = self.adoptions(evidence)
        activities = self.activities()
        participations = self.participations()
        items, respondents, responses = self.survey()
        maturity = self.maturity()
        return {
            name: (HEADERS[name], rows)
            for name, rows in zip(
                TABLE_ORDER,
                [
                    orgs,
                    clusters,
                    memberships,
                    interactions,
                    adoptions,
                    maturity,
                    activities,
                    participations,
                    sources,
                    participants,
                    self.codebook(),
                    segments,
                    items,
                    respondents,
                    responses,
                ],
                strict=True,
            )
        }


def descriptor(organisations: int, seed: int, density: float) -> str:
    """The datapackage.yaml text of a synthetic package."""
    name = f"synthetic-n{organisations}-s{seed}"
    lines = [
        "# Synthetic study package written by benchmarks/generate.py; random content for benchmarks.",
        f"name: {name}",
        f"title: Synthetic ICGP study with {organisations} organisations (seed {seed}, density {density:g})",
        "description: Random but valid data for measuring the ICGP toolkit; it describes no real study.",
        "version: 1.0.0",
        "licenses:",
        "  - name: CC-BY-4.0",
        "    path: https://creativecommons.org/licenses/by/4.0/",
        "    title: Creative Commons Attribution 4.0",
        "contributors:",
        "  - title: ICGP benchmark generator",
        "    role: author",
        "period:",
        "  start: 2015-01-01",
        "  end: 2021-12-31",
        "region: DE1",
        "methods: [focus-group, interview, survey, content-analysis]",
        "language: en",
        "resources:",
    ]
    for table in TABLE_ORDER:
        lines += [f"  - name: {table}", f"    path: {table}.csv", f"    schema: {table}"]
    return "\n".join(lines) + "\n"


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    """Write one UTF-8 CSV table with LF line ends."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate(
    out: Path, organisations: int, seed: int = DEFAULT_SEED, density: float = DEFAULT_DENSITY
) -> dict[str, int]:
    """Write a synthetic package into ``out`` and return the number of rows per table."""
    if organisations < len(ACTOR_SHARES):
        raise ValueError(f"--organisations must be at least {len(ACTOR_SHARES)} (one of each actor type)")
    if not 0 < density <= MAX_DENSITY:
        raise ValueError(f"--density must be above 0 and at most {MAX_DENSITY}")
    out.mkdir(parents=True, exist_ok=True)
    tables = Generator(organisations, seed, density).tables()
    (out / "datapackage.yaml").write_text(
        descriptor(organisations, seed, density), encoding="utf-8", newline="\n"
    )
    for name in TABLE_ORDER:
        header, rows = tables[name]
        write_csv(out / f"{name}.csv", header, rows)
    return {name: len(tables[name][1]) for name in TABLE_ORDER}


def ensure_package(out: Path, organisations: int) -> Path:
    """``out``, with a package of ``organisations`` generated into it unless its datapackage.yaml is there.

    For the benchmarks, which reuse a package between runs. The script runs in a child process so that the
    benchmark's own process does not carry the generator's memory into what it measures next.
    """
    if not (out / "datapackage.yaml").exists():
        print(f"generating {out} ...", file=sys.stderr, flush=True)
        command = [sys.executable, str(Path(__file__).resolve()), str(out), "-n", str(organisations)]
        subprocess.run(command, check=True)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: print rows per table and the time taken to stderr."""
    parser = argparse.ArgumentParser(description="Write a synthetic ICGP study package.")
    parser.add_argument("out", type=Path, help="output folder (created if missing)")
    parser.add_argument("--organisations", "-n", type=int, required=True, help="number of organisations")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--density",
        type=float,
        default=DEFAULT_DENSITY,
        help=f"rows per organisation multiplier for the other tables (default {DEFAULT_DENSITY})",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        counts = generate(args.out, args.organisations, args.seed, args.density)
    except ValueError as error:
        parser.error(str(error))
    elapsed = time.perf_counter() - started
    for name, count in counts.items():
        print(f"{name:>18} {count:>9}", file=sys.stderr)
    print(f"{'total rows':>18} {sum(counts.values()):>9}  ({elapsed:.2f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
