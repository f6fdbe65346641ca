"""The bundled sample study (data/): acceptance counts, the story it tells, and byte-exact regeneration.

The tables are read with the csv module only, so these tests hold whatever the builder does with them.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
import sys
from collections import Counter, defaultdict, deque
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SCRIPT = ROOT / "scripts" / "make_sample_study.py"

TABLES = [
    "organisations", "clusters", "memberships", "interactions", "adoptions", "maturity", "activities",
    "participations", "sources", "participants", "codebook", "segments", "survey_items", "respondents",
    "survey_responses",
]  # fmt: skip
ACTOR_TYPES = {"A01", "A01.1", "A01.2", "A01.3", "A01.4", "A01.5", "A01.6"} | {
    f"A{k:02d}" for k in range(2, 13)
}
SMES = {"A01.1", "A01.2", "A01.3"}
SMES_AND_STARTUPS = SMES | {"A01.5"}
ACADEMIA = {"A02", "A03"}
LOCAL_ID = re.compile(r"^[A-Za-z0-9._-]+$")
ESTABLISHED = "neckar-smart-production"
EMERGING = "ostalb-ai-robotics"
CORE = "DE11"

Table = list[dict[str, str]]


def read(name: str, folder: Path = DATA) -> Table:
    """Rows of one CSV table as dictionaries."""
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def t() -> dict[str, Table]:
    return {name: read(name) for name in TABLES}


@pytest.fixture(scope="module")
def orgs(t: dict[str, Table]) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in t["organisations"]}


def date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# -- acceptance counts ---------------------------------------------------------------------------------


def test_every_table_of_the_contract_is_present_with_its_descriptor_and_readme() -> None:
    names = {path.name for path in DATA.iterdir()}
    assert names == {f"{name}.csv" for name in TABLES} | {"datapackage.yaml", "README.md"}
    descriptor = (DATA / "datapackage.yaml").read_text(encoding="utf-8")
    assert "\nname: stuttgart-i40-clusters\n" in descriptor
    assert "\nregion: DE11\n" in descriptor
    assert "  - name: CC-BY-4.0\n" in descriptor
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert "**This is an invented study.** It is NOT the data of the study in the seed paper" in readme


def test_table_sizes(t: dict[str, Table]) -> None:
    sizes = {name: len(rows) for name, rows in t.items()}
    assert sizes == {
        "organisations": 72, "clusters": 2, "memberships": 61, "interactions": 196, "adoptions": 131,
        "maturity": 476, "activities": 30, "participations": 179, "sources": 11, "participants": 27,
        "codebook": 63, "segments": 306, "survey_items": 12, "respondents": 40, "survey_responses": 480,
    }  # fmt: skip


def test_organisations_cover_every_actor_type_with_matching_sizes(orgs: dict[str, dict[str, str]]) -> None:
    assert len(orgs) >= 60
    assert {o["actor_type"] for o in orgs.values()} == ACTOR_TYPES
    assert len({o["name"] for o in orgs.values()}) == len(orgs)
    bounds = {"SC1": (0, 9), "SC2": (10, 49), "SC3": (50, 249), "SC4": (250, 10**6)}
    fixed = {"A01.1": "SC1", "A01.2": "SC2", "A01.3": "SC3", "A01.4": "SC4"}
    for org in orgs.values():
        assert re.fullmatch(r"^[A-U]?\d{2}(\.\d{1,2})?$", org["nace"]), org
        assert org["wikidata"] == ""
        assert org["website"] in ("", f"https://example.org/{org['id']}")
        if org["size_class"]:
            low, high = bounds[org["size_class"]]
            assert low <= int(org["employees"]) <= high, org
        if org["actor_type"] in fixed:
            assert org["size_class"] == fixed[org["actor_type"]], org
    startups = [o for o in orgs.values() if o["actor_type"] == "A01.5"]
    assert all(int(o["founded"]) >= 2017 for o in startups)


def test_every_id_is_a_local_id(t: dict[str, Table]) -> None:
    id_columns = {"organisations": "id", "clusters": "id", "interactions": "id", "activities": "id",
                  "sources": "id", "participants": "id", "codebook": "code", "segments": "id",
                  "survey_items": "item", "respondents": "id"}  # fmt: skip
    for table, column in id_columns.items():
        ids = [row[column] for row in t[table]]
        assert len(set(ids)) == len(ids), table
        assert all(LOCAL_ID.fullmatch(i) for i in ids), table


def test_organisations_sit_in_real_nuts3_regions_some_outside_the_core(
    orgs: dict[str, dict[str, str]],
) -> None:
    nuts = Counter(o["nuts"][:4] for o in orgs.values())
    assert all(len(o["nuts"]) == 5 for o in orgs.values())
    assert nuts == {"DE11": 65, "DE12": 4, "DE14": 3}


def test_clusters_one_established_with_label_one_emerging(t: dict[str, Table], orgs: dict) -> None:
    clusters = {c["id"]: c for c in t["clusters"]}
    assert set(clusters) == {ESTABLISHED, EMERGING}
    est, emg = clusters[ESTABLISHED], clusters[EMERGING]
    assert (est["lifecycle_stage"], est["excellence_label"]) == ("LC3", "EL3")
    assert (emg["lifecycle_stage"], emg["excellence_label"]) == ("LC1", "")
    assert orgs[est["managed_by"]]["actor_type"] == "A04"
    roles = {(m["cluster"], m["organisation"]): m["role"] for m in t["memberships"]}
    anchors = sorted(
        org for (cluster, org), role in roles.items() if cluster == ESTABLISHED and role == "MR2"
    )
    assert anchors == ["org-01", "org-53"]
    assert [orgs[a]["actor_type"] for a in anchors] == ["A01.4", "A02"]
    assert roles[(ESTABLISHED, est["managed_by"])] == "MR4"
    assert not any(role == "MR2" for (cluster, _), role in roles.items() if cluster == EMERGING)


def test_memberships_have_every_role_and_cross_cluster_members(t: dict[str, Table]) -> None:
    keys = [(m["cluster"], m["organisation"], m["role"]) for m in t["memberships"]]
    assert len(set(keys)) == len(keys)
    assert Counter(m["role"] for m in t["memberships"]) == {"MR1": 53, "MR2": 2, "MR3": 2, "MR4": 4}
    by_cluster = defaultdict(set)
    for m in t["memberships"]:
        by_cluster[m["cluster"]].add(m["organisation"])
        if m["until"]:
            assert date(m["until"]) > date(m["since"])
    assert sorted(by_cluster[ESTABLISHED] & by_cluster[EMERGING]) == ["org-07", "org-39", "org-60"]


def test_interactions_are_typed_and_backed_by_sources(t: dict[str, Table]) -> None:
    sources = {s["id"] for s in t["sources"]}
    rows = t["interactions"]
    assert len(rows) >= 150
    assert {r["interaction_type"] for r in rows} == {f"IT0{k}" for k in range(1, 9)}
    assert {r["linkage"] for r in rows} == {"", "LK1", "LK2", "LK3"}
    for r in rows:
        assert r["source"] != r["target"]
        assert 1 <= int(r["intensity"]) <= 5
        assert 2018 <= int(r["year"]) <= 2021
        assert set(r["evidence"].split(";")) <= sources


def test_adoptions_span_many_technologies(t: dict[str, Table], orgs: dict) -> None:
    rows = t["adoptions"]
    assert len(rows) >= 80
    assert len({(r["organisation"], r["technology"]) for r in rows}) == len(rows)
    tops = {r["technology"].split(".")[0] for r in rows}
    assert len(tops) >= 8
    assert tops == {f"T{k:02d}" for k in range(1, 13)}
    assert {r["status"] for r in rows} == {"AS1", "AS2", "AS3", "AS4"}
    assert all(orgs[r["organisation"]]["actor_type"].startswith("A01") for r in rows)


def test_activities_of_many_types_with_ordered_dates(t: dict[str, Table], orgs: dict) -> None:
    rows = t["activities"]
    assert len(rows) >= 25
    assert len({r["activity_type"] for r in rows}) == 18
    for r in rows:
        assert date(r["end"]) >= date(r["start"])
        assert date("2020-01-01") <= date(r["start"]) and date(r["end"]) <= date("2021-06-30")
        assert all(re.fullmatch(r"F[23]\.\d\d", f) for f in r["addresses"].split(";"))
    assert Counter(r["cluster"] for r in rows) == {ESTABLISHED: 21, EMERGING: 7, "": 2}
    providers = Counter(orgs[r["provider"]]["actor_type"] for r in rows)
    assert {"A02", "A03", "A04", "A05", "A06", "A07", "A08", "A09", "A11"} <= set(providers)


def test_participations_mostly_smes_and_startups(t: dict[str, Table], orgs: dict) -> None:
    rows = t["participations"]
    assert len(rows) >= 120
    assert len({(r["activity"], r["organisation"]) for r in rows}) == len(rows)
    beneficiaries = [r for r in rows if r["role"] == "PR1"]
    assert len(beneficiaries) == 157
    assert all(orgs[r["organisation"]]["actor_type"] in SMES_AND_STARTUPS for r in beneficiaries)
    outside = {
        r["organisation"] for r in beneficiaries if not orgs[r["organisation"]]["nuts"].startswith(CORE)
    }
    assert sorted(outside) == ["org-12", "org-25", "org-26", "org-27", "org-35", "org-36", "org-44"]
    assert Counter(r["role"] for r in rows if r["role"] != "PR1") == {"PR2": 9, "PR3": 8, "PR4": 5}


def test_sources_three_focus_groups_six_interviews_inside_the_period(t: dict[str, Table]) -> None:
    kinds = Counter(s["kind"] for s in t["sources"])
    assert kinds == {"SK1": 3, "SK2": 6, "SK3": 1, "SK4": 1}
    for s in t["sources"]:
        assert date("2020-01-01") <= date(s["date"]) <= date("2021-06-30")
        if s["kind"] in ("SK1", "SK2"):
            assert int(s["length"]) > 10000
            assert int(s["participants"]) == (1 if s["kind"] == "SK2" else sum(
                1 for p in t["participants"] if p["source"] == s["id"]))  # fmt: skip


def test_participants_are_pseudonyms_some_linked_to_organisations(t: dict[str, Table], orgs: dict) -> None:
    rows = t["participants"]
    assert [p["id"] for p in rows] == [f"P{k:02d}" for k in range(1, 28)]
    linked = [p for p in rows if p["organisation"]]
    assert len(linked) == 25
    assert all(orgs[p["organisation"]]["actor_type"] == p["actor_type"] for p in linked)


def test_codebook_maps_onto_the_reference_frame(t: dict[str, Table]) -> None:
    codes = {c["code"]: c for c in t["codebook"]}
    for c in codes.values():
        assert c["parent"] == "" or c["parent"] in codes
        assert c["polarity"] in ("PO1", "PO2", "PO3")
    targets = {f for c in codes.values() for f in c["maps_to"].split(";")}
    assert {"F7.07", "F7.08", "F3.01", "F3.03"} <= targets
    assert {f.split(".")[0] for f in targets} == {"F1", "F2", "F3", "F4", "F5", "F7", "F8"}
    assert codes["BARRIER-SKILLS"]["maps_to"] == "F3.03"
    assert codes["BARRIER-SKILLS-DATA"]["parent"] == "BARRIER-SKILLS"


def test_segments_lie_inside_their_sources_and_are_spoken_by_their_participants(t: dict[str, Table]) -> None:
    rows = t["segments"]
    assert len(rows) >= 250
    lengths = {s["id"]: int(s["length"]) for s in t["sources"] if s["length"]}
    speakers = {p["id"]: p["source"] for p in t["participants"]}
    codes = {c["code"] for c in t["codebook"]}
    for s in rows:
        start, end = int(s["start"]), int(s["end"])
        assert 0 <= start < end <= lengths[s["source"]]
        assert end - start == len(s["quote"])
        assert speakers[s["speaker"]] == s["source"]
        assert set(s["codes"].split(";")) <= codes
        assert s["coder"] in ("C1", "C2")
        assert s["quote"][0].isupper() and s["quote"].endswith((".", "?"))
    assert Counter(s["source"] for s in rows if s["source"].startswith("FG")) == {
        "FG1": 64,
        "FG2": 60,
        "FG3": 52,
    }


def test_coding_has_co_occurrence_double_coding_and_single_coder_codes(t: dict[str, Table]) -> None:
    rows = t["segments"]
    assert sum(1 for s in rows if ";" in s["codes"]) == 24
    spans = Counter((s["source"], s["start"], s["end"]) for s in rows)
    double = [span for span, n in spans.items() if n == 2]
    assert len(double) == 32
    coders = defaultdict(set)
    for s in rows:
        for code in s["codes"].split(";"):
            coders[code].add(s["coder"])
    single = sorted(code for code, who in coders.items() if len(who) == 1)
    assert len(single) == 16
    assert "GP-BACKWASH" not in single and "BARRIER-SKILLS" not in single


def test_survey_has_twelve_items_and_forty_respondents(t: dict[str, Table], orgs: dict) -> None:
    assert [i["item"] for i in t["survey_items"]] == [f"Q{k:02d}" for k in range(1, 13)]
    assert all(i["scale"] == "1-5" for i in t["survey_items"])
    assert Counter(i["construct"] for i in t["survey_items"]) == {
        "cluster-support": 3, "adoption-readiness": 3, "barriers": 3, "collaboration": 3}  # fmt: skip
    assert len(t["respondents"]) == 40
    pairs = [(r["respondent"], r["item"]) for r in t["survey_responses"]]
    assert len(set(pairs)) == 480
    assert all(1 <= int(r["value"]) <= 5 for r in t["survey_responses"])
    for r in t["respondents"]:
        if r["organisation"]:
            assert orgs[r["organisation"]]["actor_type"] == r["actor_type"]
            assert orgs[r["organisation"]]["nuts"] == r["nuts"]


# -- the story the sample tells ------------------------------------------------------------------------


def partners(t: dict[str, Table]) -> dict[str, set[str]]:
    """Undirected interaction partners of each organisation."""
    ties: dict[str, set[str]] = defaultdict(set)
    for r in t["interactions"]:
        ties[r["source"]].add(r["target"])
        ties[r["target"]].add(r["source"])
    return ties


def test_anchors_have_the_most_interaction_partners(t: dict[str, Table]) -> None:
    ties = partners(t)
    ranking = sorted(ties, key=lambda o: (-len(ties[o]), o))
    assert [(o, len(ties[o])) for o in ranking[:4]] == [("org-01", 29), ("org-53", 22), ("org-60", 21),
                                                         ("org-58", 16)]  # fmt: skip
    anchors = {m["organisation"] for m in t["memberships"] if m["role"] == "MR2"}
    assert set(ranking[:2]) == anchors


def brokerage(t: dict[str, Table], orgs: dict[str, dict[str, str]]) -> Counter[str]:
    """Betweenness restricted to paths from SMEs and startups to universities and RTOs (Brandes)."""
    ties = partners(t)
    academia = {o for o, row in orgs.items() if row["actor_type"] in ACADEMIA}
    score: Counter[str] = Counter()
    for source in sorted(o for o, row in orgs.items() if row["actor_type"] in SMES_AND_STARTUPS):
        dist, sigma, preds, order = {source: 0}, Counter({source: 1}), defaultdict(list), []
        queue = deque([source])
        while queue:
            v = queue.popleft()
            order.append(v)
            for w in sorted(ties[v]):
                if w not in dist:
                    dist[w] = dist[v] + 1
                    queue.append(w)
                if dist[w] == dist[v] + 1:
                    sigma[w] += sigma[v]
                    preds[w].append(v)
        delta: Counter[float] = Counter()
        for w in reversed(order):
            reached = 1.0 if w in academia and dist[w] > 1 else 0.0
            for v in preds[w]:
                delta[v] += sigma[v] / sigma[w] * (reached + delta[w])
            if w != source:
                score[w] += delta[w]
    return score


def test_the_hub_bridges_smes_and_academia(t: dict[str, Table], orgs: dict) -> None:
    score = brokerage(t, orgs)
    best = [(o, round(v, 1)) for o, v in score.most_common(4)]
    assert best == [("org-60", 91.2), ("org-53", 27.9), ("org-01", 25.1), ("org-58", 22.6)]
    roles = {(m["cluster"], m["organisation"]): m["role"] for m in t["memberships"]}
    assert roles[(ESTABLISHED, "org-60")] == roles[(EMERGING, "org-60")] == "MR4"
    academia = {o for o, row in orgs.items() if row["actor_type"] in ACADEMIA}
    assert academia <= partners(t)["org-60"]


def test_smes_cite_skills_and_cost_barriers_more_than_large_firms(t: dict[str, Table]) -> None:
    speaker_type = {p["id"]: p["actor_type"] for p in t["participants"]}
    maps = {c["code"]: c["maps_to"] for c in t["codebook"]}
    seen: Counter[str] = Counter()
    cited: Counter[str] = Counter()
    for s in t["segments"]:
        actor = speaker_type[s["speaker"]]
        group = "sme" if actor in SMES_AND_STARTUPS else "large" if actor == "A01.4" else None
        if group:
            seen[group] += 1
            cited[group] += any(maps[c] in ("F3.01", "F3.03") for c in s["codes"].split(";"))
    assert (cited["sme"], seen["sme"]) == (32, 126)
    assert (cited["large"], seen["large"]) == (0, 37)


def test_backwash_evidence_comes_from_smes_and_the_periphery(t: dict[str, Table]) -> None:
    speaker_type = {p["id"]: p["actor_type"] for p in t["participants"]}
    backwash = [s for s in t["segments"] if "GP-BACKWASH" in s["codes"].split(";")]
    assert len(backwash) == 9
    assert sum(speaker_type[s["speaker"]] in SMES_AND_STARTUPS for s in backwash) == 8
    assert sum(s["source"] == "FG3" for s in backwash) == 3


def test_large_firms_use_what_smes_only_plan(t: dict[str, Table], orgs: dict) -> None:
    status: dict[str, Counter[str]] = {"sme": Counter(), "large": Counter()}
    for r in t["adoptions"]:
        actor = orgs[r["organisation"]]["actor_type"]
        if actor in SMES or actor == "A01.4":
            status["sme" if actor in SMES else "large"][r["status"]] += 1
    assert status["large"] == {"AS3": 15, "AS2": 4, "AS4": 1}
    assert status["sme"] == {"AS1": 29, "AS2": 19, "AS3": 21, "AS4": 4}
    share = {g: (c["AS1"] + c["AS2"]) / sum(c.values()) for g, c in status.items()}
    assert (round(share["sme"], 2), share["large"]) == (0.66, 0.2)
    assert share["sme"] > 3 * share["large"]


def test_the_established_cluster_spreads_further_than_the_emerging_one(
    t: dict[str, Table], orgs: dict
) -> None:
    cluster_of = {a["id"]: a["cluster"] for a in t["activities"]}
    reached: dict[str, set[str]] = defaultdict(set)
    for p in t["participations"]:
        if p["role"] == "PR1" and cluster_of[p["activity"]]:
            reached[cluster_of[p["activity"]]].add(p["organisation"])
    outside = {c: sorted(o for o in v if not orgs[o]["nuts"].startswith(CORE)) for c, v in reached.items()}
    assert (len(reached[ESTABLISHED]), len(outside[ESTABLISHED])) == (32, 6)
    assert (len(reached[EMERGING]), outside[EMERGING]) == (10, ["org-27"])


def test_survey_means_differ_sensibly_by_actor_type(t: dict[str, Table]) -> None:
    construct = {i["item"]: i["construct"] for i in t["survey_items"]}
    actor = {r["id"]: r["actor_type"] for r in t["respondents"]}
    values: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in t["survey_responses"]:
        values[(actor[r["respondent"]], construct[r["item"]])].append(int(r["value"]))

    def mean(a: str, c: str) -> float:
        return round(sum(values[(a, c)]) / len(values[(a, c)]), 2)

    barriers = [mean(a, "barriers") for a in ("A01.1", "A01.2", "A01.3", "A01.4")]
    readiness = [mean(a, "adoption-readiness") for a in ("A01.1", "A01.2", "A01.3", "A01.4")]
    assert barriers == sorted(barriers, reverse=True)
    assert readiness == sorted(readiness)
    assert (barriers[0], barriers[-1]) == (4.38, 2.11)
    assert (readiness[0], readiness[-1]) == (1.83, 4.22)
    assert mean("A02", "collaboration") > mean("A01.1", "collaboration")


# -- regeneration and the table checks -----------------------------------------------------------------


def test_the_script_reproduces_the_package_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True, capture_output=True)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in DATA.iterdir())
    for name in written:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_the_table_checks_find_no_violation() -> None:
    tablecheck = pytest.importorskip("kg.package.table_checks")
    checked = tablecheck.check_path(DATA)
    violations = [p for p in checked.problems if p.severity == "violation"]
    assert violations == []
