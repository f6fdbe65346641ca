"""From indicator values to criterion scores, a verdict and a roadmap stage, as the model says.

Everything here is a pure function of the model, the raw indicator values and the evidence, so the
robustness check can re-run it with moved thresholds without asking the data again. Scores are rounded
to four decimals before they are compared with thresholds: what the output shows is what decided.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kg.assess.model import Criterion, Indicator, Model

PLACES = 4
_QUANTUM = Decimal(1).scaleb(-PLACES)


@dataclass(frozen=True)
class IndicatorScore:
    """An indicator's raw value (None when the data do not allow it) and its 0-1 score."""

    indicator: Indicator
    value: float | None
    score: float | None


@dataclass(frozen=True)
class CriterionOutcome:
    """A criterion's score, evidence and whether it holds."""

    criterion: Criterion
    indicators: tuple[IndicatorScore, ...]
    score: float | None
    evidence: tuple[str, ...]
    evidence_count: int
    sufficient: bool
    holds: bool

    @property
    def notation(self) -> str:
        """The criterion's notation (GP-C1 ...)."""
        return self.criterion.notation


@dataclass(frozen=True)
class Outcome:
    """The scored criteria, the index, the verdict (a verdict slug) and the stage reached (or None)."""

    criteria: tuple[CriterionOutcome, ...]
    index: float | None
    verdict: str
    stage: str | None

    def criterion(self, notation: str) -> CriterionOutcome:
        """The outcome of one criterion."""
        return next(c for c in self.criteria if c.notation == notation)


def _rounded(value: Decimal) -> float:
    # Decimal arithmetic rounds a tie such as 0.28845 half up, as a reader working by hand would; binary
    # floats would land on either side of it.
    return float(value.quantize(_QUANTUM, rounding=ROUND_HALF_UP))


@functools.lru_cache(maxsize=4096)
def _decimal(value: float) -> Decimal:
    # Scores, thresholds and weights repeat thousands of times in the robustness re-runs.
    return Decimal(repr(value))


def indicator_score(indicator: Indicator, value: float | None) -> float | None:
    """0 at the indicator's ``low``, 1 at its ``high``, linear between and clamped; None without a value."""
    if value is None:
        return None
    low, high = _decimal(indicator.low), _decimal(indicator.high)
    share = (_decimal(value) - low) / (high - low)
    return _rounded(min(Decimal(1), max(Decimal(0), share)))


def _weighted_mean(pairs: list[tuple[float, float]]) -> float | None:
    total = sum((_decimal(weight) for _, weight in pairs), Decimal(0))
    if not pairs or total == 0:
        return None
    return _rounded(sum((_decimal(v) * _decimal(w) for v, w in pairs), Decimal(0)) / total)


def meets(criterion: Criterion, score: float | None, threshold: float) -> bool:
    """Whether a score satisfies a threshold: reaches it, or for a negative criterion stays at or below it."""
    if score is None:
        return False
    return score <= threshold if criterion.negative else score >= threshold


def score_criterion(
    criterion: Criterion,
    values: Mapping[str, float | None],
    evidence: frozenset[str],
    passage_of: Mapping[str, str] | None = None,
    count: int | None = None,
) -> CriterionOutcome:
    """Score one criterion from its indicators' raw values (by indicator name) and its evidence; segments
    that ``passage_of`` maps to one passage (two coders' codings of it) count once against the minimum."""
    scored = tuple(
        IndicatorScore(i, values.get(i.name), indicator_score(i, values.get(i.name)))
        for i in criterion.indicators
    )
    score = _weighted_mean([(s.score, s.indicator.weight) for s in scored if s.score is not None])
    if count is None:
        passage_of = passage_of or {}
        count = len({passage_of.get(item, item) for item in evidence})
    sufficient = score is not None and count >= criterion.min_evidence and count > 0
    return CriterionOutcome(
        criterion=criterion,
        indicators=scored,
        score=score,
        evidence=tuple(sorted(evidence)),
        evidence_count=count,
        sufficient=sufficient,
        holds=sufficient and meets(criterion, score, criterion.holds_at),
    )


def evaluate(
    model: Model,
    values: Mapping[str, Mapping[str, float | None]],
    evidence: Mapping[str, frozenset[str]],
    passage_of: Mapping[str, str] | None = None,
) -> Outcome:
    """The outcome of the model for one cluster: ``values`` maps a criterion notation to its indicators'
    raw values by name, ``evidence`` a criterion notation to its evidence IRIs, ``passage_of`` a doubly
    coded segment to its passage."""
    outcomes = tuple(
        score_criterion(
            c,
            values.get(c.notation, {}),
            evidence.get(c.notation, frozenset()),
            passage_of,
        )
        for c in model.criteria
    )
    return conclude(model, outcomes)


def conclude(model: Model, outcomes: tuple[CriterionOutcome, ...]) -> Outcome:
    """The index, verdict and stage that scored criteria give under the model's rules."""
    usable = [o for o in outcomes if o.sufficient and o.score is not None]
    index = _weighted_mean(
        [
            (float(1 - _decimal(o.score)) if o.criterion.negative else o.score, o.criterion.weight)
            for o in usable
            if o.score is not None
        ]
    )
    return Outcome(outcomes, index, _verdict(model, outcomes, index), _stage(model, outcomes))


def _verdict(model: Model, outcomes: tuple[CriterionOutcome, ...], index: float | None) -> str:
    if sum(o.sufficient for o in outcomes) < model.min_criteria_with_evidence or index is None:
        return "insufficient-evidence"
    holding = {o.notation for o in outcomes if o.holds}
    for rule in model.rules:
        if index >= rule.min_index and len(holding) >= rule.min_holding and set(rule.requires) <= holding:
            return rule.verdict
    return model.otherwise


def stage_conditions(
    model: Model, outcomes: tuple[CriterionOutcome, ...], stage_index: int
) -> list[tuple[str, float, bool]]:
    """For one stage of the model: each marking criterion, the score it needs and whether it has it."""
    by_notation = {o.notation: o for o in outcomes}
    found = []
    for notation, threshold in model.stages[stage_index].requires:
        outcome = by_notation[notation]
        found.append(
            (notation, threshold, outcome.sufficient and meets(outcome.criterion, outcome.score, threshold))
        )
    return found


def _stage(model: Model, outcomes: tuple[CriterionOutcome, ...]) -> str | None:
    reached = None
    for number, stage in enumerate(model.stages):
        if not all(ok for _, _, ok in stage_conditions(model, outcomes, number)):
            break
        reached = stage.notation
    return reached
