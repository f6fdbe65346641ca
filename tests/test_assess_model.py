"""The assessment model file, the scoring rules and the network measures, on values worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg.assess import network as nw
from kg.assess.evidence import parse_period
from kg.assess.model import assumptions, default_model_file, load_model, replace_assumption
from kg.assess.robustness import check_robustness
from kg.assess.scoring import evaluate, indicator_score
from kg.errors import InputError

MODEL_TEXT = default_model_file().read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def _values(risk_share: float) -> dict[str, dict[str, float | None]]:
    """Indicator values whose scores under the shipped model are worked out by hand, per criterion; only
    GP-C6's risk share differs between the tests."""
    return {
        # GP-C1: (0.35 -> 0.5, 0.3 -> 0.5) => 0.5, holds at 0.5
        "GP-C1": {"shareFromCore": 0.35, "degreeCentralisation": 0.3},
        # GP-C2: coreActors 1 -> 0.5, memberGrowth 0.1 -> 0.5, adoptionsPerMember 0.25 -> 0.5 => 0.5
        "GP-C2": {"coreActors": 1, "memberGrowth": 0.1, "adoptionsPerMember": 0.25},
        # GP-C3: linkagesPerMember 1.5 -> 1, smeAcademiaReach 0.5 -> 1 => 1
        "GP-C3": {"linkagesPerMember": 1.5, "smeAcademiaReach": 0.5},
        # GP-C4: 15 -> 1, 0.3 -> 1, maturity gap unknown, 0.4 -> 1 => 1
        "GP-C4": {
            "smesReached": 15,
            "shareOutsideCore": 0.3,
            "maturityGainGap": None,
            "tiesReachingSmes": 0.4,
        },
        # GP-C5: 0.1 -> 0.5, 0 -> 0, 3 -> 1 => 0.5
        "GP-C5": {"newMemberShare": 0.1, "startupsSinceFounding": 0, "polarisationPassages": 3},
        "GP-C6": {"riskShare": risk_share},
    }


def _evidence(values: dict[str, dict[str, float | None]]) -> dict[str, frozenset[str]]:
    """Five evidence IRIs for each criterion: enough for every stage."""
    return {n: frozenset(f"https://example.org/{n}/{i}" for i in range(5)) for n in values}


def test_shipped_model_reads_with_six_criteria_and_six_stages() -> None:
    model = load_model()
    assert [c.notation for c in model.criteria] == ["GP-C1", "GP-C2", "GP-C3", "GP-C4", "GP-C5", "GP-C6"]
    assert [s.notation for s in model.stages] == ["RM1", "RM2", "RM3", "RM4", "RM5", "RM6"]
    assert model.criterion("GP-C6").negative and not model.criterion("GP-C1").negative
    assert model.iri == "https://w3id.org/icgp/model/icgp-growth-pole/1.0.0"
    assert dict(model.stages[4].requires) == {"GP-C1": 0.5, "GP-C2": 0.5}
    assert [r.verdict for r in model.rules] == ["pole", "emerging-pole"]


def test_a_model_missing_a_criterion_names_it_with_file_and_line(tmp_path: Path) -> None:
    start = MODEL_TEXT.index("  - criterion: GP-C6")
    end = MODEL_TEXT.index("verdict:")
    text = MODEL_TEXT[:start] + MODEL_TEXT[end:]
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_model(path)
    assert str(caught.value) == (
        f"{path}:{_line_of(text, 'criteria:')}: the model has no criterion GP-C6: "
        "every criterion needs an entry"
    )


def test_a_threshold_that_is_not_a_number_points_at_its_line(tmp_path: Path) -> None:
    text = MODEL_TEXT.replace(
        "        low: 0.2\n        high: 0.5\n", "        low: twenty\n        high: 0.5\n", 1
    )
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_model(path)
    line = _line_of(text, "low: twenty")
    assert str(caught.value) == (
        f"{path}:{line}: criteria[0].indicators[0].low must be a number, not 'twenty'"
    )


def test_unknown_keys_invalid_yaml_and_stage_mismatch_are_input_errors(tmp_path: Path) -> None:
    path = _write(
        tmp_path, MODEL_TEXT.replace("    holds_at: 0.5\n", "    holds_at: 0.5\n    treshold: 1\n", 1)
    )
    with pytest.raises(InputError, match=r"model.yaml:\d+: unknown key 'criteria\[0\].treshold'"):
        load_model(path)
    path = _write(tmp_path, "criteria: [\n")
    with pytest.raises(InputError, match=r"model.yaml:\d+: the model is not valid YAML"):
        load_model(path)
    path = _write(tmp_path, MODEL_TEXT.replace("requires: {GP-C3: 0.5}", "requires: {GP-C4: 0.5}"))
    with pytest.raises(
        InputError, match=r"roadmap\[2\]\.requires must name exactly the criteria that mark RM3"
    ):
        load_model(path)
    with pytest.raises(InputError, match="does not exist"):
        load_model(tmp_path / "missing.yaml")


def test_indicator_scores_are_linear_between_low_and_high_and_clamped() -> None:
    share = load_model().criterion("GP-C1").indicators[0]  # low 0.2, high 0.5
    assert (share.low, share.high) == (0.2, 0.5)
    assert indicator_score(share, 0.35) == 0.5
    assert indicator_score(share, 0.1) == 0.0
    assert indicator_score(share, 0.9) == 1.0
    assert indicator_score(share, None) is None


def test_evaluate_scores_verdict_and_stage_by_hand() -> None:
    model = load_model()
    values = _values(risk_share=0.02)  # GP-C6: riskShare 0.02 -> 0 => 0 (no risk)
    evidence = _evidence(values)
    outcome = evaluate(model, values, evidence)
    assert [c.score for c in outcome.criteria] == [0.5, 0.5, 1.0, 1.0, 0.5, 0.0]
    assert [c.holds for c in outcome.criteria] == [True] * 6
    # index: (0.5 + 0.5 + 1 + 1.5 * 1 + 0.5 + (1 - 0)) / 6.5 = 5 / 6.5 = 0.769230...
    assert outcome.index == 0.7692
    assert outcome.verdict == "pole"
    assert outcome.stage == "RM6"
    # Too little evidence for GP-C5 (needs 3): RM1 fails, so no stage; 5 criteria with evidence remain.
    thin = dict(evidence, **{"GP-C5": frozenset({"https://example.org/one"})})
    outcome = evaluate(model, values, thin)
    assert outcome.stage is None
    assert outcome.criterion("GP-C5").sufficient is False
    assert outcome.verdict == "pole"  # index (0.5 + 0.5 + 1 + 1.5 + 1) / 5.5 = 0.8182, five criteria hold
    assert outcome.index == 0.8182
    empty = evaluate(model, {}, {})
    assert (empty.verdict, empty.stage, empty.index) == ("insufficient-evidence", None, None)


def test_robustness_names_the_threshold_that_flips_the_verdict() -> None:
    model = load_model()
    values = _values(risk_share=0.2)  # GP-C6 scores 1: high backwash risk, so it does not hold
    evidence = _evidence(values)
    outcome = evaluate(model, values, evidence)
    # Scores 0.5, 0.5, 1, 1, 0.5, 1; five criteria hold; index (0.5 + 0.5 + 1 + 1.5 + 0.5 + 0) / 6.5 = 0.6154.
    assert (outcome.verdict, outcome.index) == ("pole", 0.6154)
    robustness = check_robustness(model, outcome, values)
    flipped = {(f.assumption, f.moved_to): f.verdict for f in robustness.verdict_flips}
    # GP-C1 at 0.5 no longer holds at 0.6: four criteria hold, an emerging pole.
    assert flipped[("GP-C1.holds_at", 0.6)] == "emerging-pole"
    # The index 0.6154 falls short of a pole's minimum moved from 0.6 to 0.72.
    assert flipped[("verdict.pole.min_index", 0.72)] == "emerging-pole"
    # GP-C4's weight 1.5 moved to 1.2: (0.5 + 0.5 + 1 + 1.2 + 0.5) / 6.2 = 0.5968 < 0.6.
    assert flipped[("GP-C4.weight", 1.2)] == "emerging-pole"
    # GP-C6's weight moved to 1.2 counts its zero more: 4 / 6.7 = 0.597 < 0.6.
    assert flipped[("GP-C6.weight", 1.2)] == "emerging-pole"
    # GP-C3's weight either way keeps the index above 0.6 (4.2 / 6.7 = 0.6269; 3.8 / 6.3 = 0.6032).
    assert not any(key == "GP-C3.weight" for key, _ in flipped)
    assert not robustness.robust
    moved = replace_assumption(model, "GP-C1.holds_at", 0.6)
    assert moved.criterion("GP-C1").holds_at == 0.6 and model.criterion("GP-C1").holds_at == 0.5
    keys = [k for k, _ in assumptions(model)]
    assert (
        "GP-C1.shareFromCore.low" in keys and "verdict.pole.min_index" in keys and "roadmap.RM6.GP-C6" in keys
    )


def _tie(n: int, source: str, target: str, groups: dict[str, str], members: set[str]) -> nw.Tie:
    return nw.Tie(
        f"t{n}", source, target, groups[source], groups[target], source in members, target in members
    )


def test_network_measures_on_small_graphs_by_hand() -> None:
    groups = {"a": "large", "b": "sme", "c": "sme", "d": "academia", "x": "other"}
    members = {"a", "b", "c", "d"}
    everyone = [nw.Member(m, groups[m]) for m in sorted(members)]
    star = [_tie(i, "a", t, groups, members) for i, t in enumerate("bcd")]
    assert nw.degree_centralisation(star, everyone).value == 1.0
    path = [
        _tie(1, "a", "b", groups, members),
        _tie(2, "b", "c", groups, members),
        _tie(3, "c", "d", groups, members),
    ]
    # degrees 1, 2, 2, 1: (1 + 0 + 0 + 1) / (3 * 2) = 1/3
    assert nw.degree_centralisation(path, everyone).value == pytest.approx(1 / 3)
    # One tie a-b among four members: degrees 1, 1, 0, 0: (0 + 0 + 1 + 1) / 6 = 1/3; two members: None
    assert nw.degree_centralisation(path[:1], everyone).value == pytest.approx(1 / 3)
    assert nw.degree_centralisation(path[:1], everyone[:2]).value is None
    # ties ending at an SME: a->b and b->c of three
    assert nw.ties_reaching_smes(path).value == pytest.approx(2 / 3)
    assert nw.ties_reaching_smes(path).evidence == {"t1", "t2"}
    # c reaches d directly; b reaches d through c (b->c->d, no tie between b and d); a is not an SME
    reach = nw.sme_academia_reach(path, [nw.Member(m, groups[m]) for m in sorted(members)])
    assert reach.value == 1.0
    assert reach.evidence == {"t2", "t3"}
    lonely = nw.sme_academia_reach(path[:1], [nw.Member("b", "sme"), nw.Member("c", "sme")])
    assert lonely.value == 0.0
    assert nw.gould_fernandez_role("sme", "other", "academia") == "liaison"
    assert nw.gould_fernandez_role("sme", "sme", "sme") == "coordinator"
    assert nw.gould_fernandez_role("sme", "academia", "academia") == "gatekeeper"
    assert nw.gould_fernandez_role("sme", "sme", "academia") == "representative"
    assert nw.gould_fernandez_role("sme", "other", "sme") == "itinerant"
    brokers = nw.brokers(path)
    assert [b.iri for b in brokers] == ["b", "c"]
    assert dict(brokers[1].roles) == {"representative": 1}  # b -> c -> d: sme, sme, academia


def test_periods_parse_as_dates_or_years_and_empty_ones_are_refused() -> None:
    assert parse_period("2020/2021") == (dt.date(2020, 1, 1), dt.date(2021, 12, 31))
    assert parse_period("2020-03-01/2020-03-31") == (dt.date(2020, 3, 1), dt.date(2020, 3, 31))
    with pytest.raises(InputError, match="is empty: it ends before it starts"):
        parse_period("2021-01-01/2020-01-01")
    with pytest.raises(InputError, match="is not a date"):
        parse_period("2020-13-01/2021-01-01")
    with pytest.raises(InputError, match="must be FROM/TO"):
        parse_period("2020")


def test_a_model_file_is_read_once_until_it_changes(tmp_path: Path) -> None:
    text = default_model_file().read_text(encoding="utf-8")
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    first = load_model(path)
    assert load_model(path) is first  # the same file: read once, shared
    path.write_text(text.replace("\nversion: 1.0.0\n", "\nversion: 1.1.0\n"), encoding="utf-8")
    edited = load_model(path)
    assert (first.version, edited.version) == ("1.0.0", "1.1.0")
    assert edited.digest != first.digest
    path.write_text(text.replace("\nversion: 1.0.0\n", "\nversion: 1 0\n"), encoding="utf-8")
    with pytest.raises(InputError, match="model and version must be short names"):
        load_model(path)
