"""The synthetic package generator (benchmarks/generate.py): sizes, validity and determinism."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from scripts import load_script

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "generate.py"


gen = load_script(SCRIPT, "icgp_benchmark_generate")


def read(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic-500")
    gen.generate(out, 500, seed=7)
    return out


def test_sizes_at_the_default_density(package: Path) -> None:
    expected = {
        "organisations": 500, "clusters": 3, "memberships": 100, "interactions": 200, "adoptions": 150,
        "maturity": 60, "activities": 10, "participations": 50, "sources": 4, "participants": 15,
        "codebook": 26, "segments": 50, "survey_items": 12, "respondents": 10, "survey_responses": 120,
    }  # fmt: skip
    assert gen.plan_sizes(500) == expected
    assert {table: len(read(package, table)) for table in expected} == expected


def test_sizes_at_density_one_follow_the_ratios() -> None:
    sizes = gen.plan_sizes(500, density=1.0)
    assert sizes == {
        "organisations": 500, "clusters": 3, "memberships": 500, "interactions": 1000, "adoptions": 750,
        "maturity": 300, "activities": 50, "participations": 250, "sources": 4, "participants": 15,
        "codebook": 26, "segments": 250, "survey_items": 12, "respondents": 50, "survey_responses": 600,
    }  # fmt: skip
    assert gen.plan_sizes(50_000, density=1.0)["clusters"] == 102
    assert gen.plan_sizes(50_000)["segments"] == 5000


def test_the_package_is_internally_consistent(package: Path) -> None:
    t = {table: read(package, table) for table in gen.TABLE_ORDER}
    orgs = {o["id"] for o in t["organisations"]}
    assert len(orgs) == 500
    assert len({o["actor_type"] for o in t["organisations"]}) == 18
    clusters = {c["id"] for c in t["clusters"]}
    assert {c["managed_by"] for c in t["clusters"]} <= orgs
    assert all(m["cluster"] in clusters and m["organisation"] in orgs for m in t["memberships"])
    assert len({(m["cluster"], m["organisation"], m["role"]) for m in t["memberships"]}) == len(
        t["memberships"]
    )
    sources = {s["id"]: s for s in t["sources"]}
    for r in t["interactions"]:
        assert r["source"] in orgs and r["target"] in orgs and r["source"] != r["target"]
        assert r["evidence"] in sources
    assert len({(a["organisation"], a["technology"]) for a in t["adoptions"]}) == len(t["adoptions"])
    activities = {a["id"] for a in t["activities"]}
    assert all(a["provider"] in orgs and a["end"] >= a["start"] for a in t["activities"])
    pairs = [(p["activity"], p["organisation"]) for p in t["participations"]]
    assert len(set(pairs)) == len(pairs) and {a for a, _ in pairs} <= activities
    speakers = {p["id"]: p["source"] for p in t["participants"]}
    codes = {c["code"] for c in t["codebook"]}
    for s in t["segments"]:
        assert speakers[s["speaker"]] == s["source"]
        assert 0 <= int(s["start"]) < int(s["end"]) <= int(sources[s["source"]]["length"])
        assert set(s["codes"].split(";")) <= codes
    # Five SMEs or startups, each with the six DMA dimensions scored at two dates.
    smes = {o["id"] for o in t["organisations"] if o["actor_type"] in ("A01.1", "A01.2", "A01.3", "A01.5")}
    assessed = Counter((m["organisation"], m["date"]) for m in t["maturity"])
    assert set(assessed.values()) == {6}
    firms = Counter(org for org, _ in assessed)
    assert len(firms) == 5 and set(firms.values()) == {2} and set(firms) <= smes
    assert all(0 <= float(m["score"]) <= 100 and m["framework"] == "DMA" for m in t["maturity"])
    answers = Counter(r["respondent"] for r in t["survey_responses"])
    assert set(answers.values()) == {12} and len(answers) == len(t["respondents"])


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not(package: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    gen.generate(again, 500, seed=7)
    gen.generate(other, 500, seed=8)
    names = sorted(p.name for p in package.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    assert len(names) == 16
    for name in names:
        assert (again / name).read_bytes() == (package / name).read_bytes(), name
    assert (other / "organisations.csv").read_bytes() != (package / "organisations.csv").read_bytes()


def test_the_command_line_writes_the_same_package(package: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path), "--organisations", "500", "--seed", "7"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert "organisations       500" in done.stderr
    for name in ("organisations.csv", "segments.csv", "datapackage.yaml"):
        assert (tmp_path / name).read_bytes() == (package / name).read_bytes()


def test_the_command_line_refuses_too_few_organisations(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path), "--organisations", "5"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "--organisations must be at least 18" in done.stderr


def test_the_table_checks_find_no_violation(package: Path) -> None:
    tablecheck = pytest.importorskip("kg.package.table_checks")
    checked = tablecheck.check_path(package)
    violations = [p for p in checked.problems if p.severity == "violation"]
    assert violations == []
