"""Robustness of a verdict: which single assumption of the model, moved by 20 %, would change it.

Each threshold and weight of the model (:func:`kg.assess.model.assumptions`) is moved down and up by
20 % of its value, one at a time, and the cluster is scored again on the same indicator values and
evidence. A verdict is robust when no such move changes it; the assumptions that do are named, and
moves that change the roadmap stage are listed beside them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kg.assess.model import Model, assumptions, replace_assumption
from kg.assess.scoring import Outcome, conclude, score_criterion

SHIFT = 0.2


@dataclass(frozen=True)
class Flip:
    """One moved assumption and what it changed the verdict or stage to."""

    assumption: str
    value: float
    moved_to: float
    verdict: str
    stage: str | None


@dataclass(frozen=True)
class Robustness:
    """The flips of one cluster's verdict and stage under the +-20 % moves."""

    verdict_flips: tuple[Flip, ...]
    stage_flips: tuple[Flip, ...]

    @property
    def robust(self) -> bool:
        """Whether no single move changes the verdict."""
        return not self.verdict_flips


def check_robustness(
    model: Model,
    outcome: Outcome,
    values: Mapping[str, Mapping[str, float | None]],
) -> Robustness:
    """Move every assumption by -20 % and +20 % (a share stays within 0..1), score the same raw values
    again and record what flips."""
    # The evidence does not move: its count per criterion is taken once, and a move re-scores only the
    # criterion it belongs to (a verdict or roadmap threshold re-scores none).
    verdict_flips: list[Flip] = []
    stage_flips: list[Flip] = []
    for key, value in assumptions(model):
        for factor in (1 - SHIFT, 1 + SHIFT):
            moved = round(value * factor, 6)
            if _is_share(key):
                moved = min(1.0, max(0.0, moved))
            if moved == value or not _valid(model, key, moved):
                continue
            again = _again(replace_assumption(model, key, moved), outcome, values, key.split(".", 1)[0])
            flip = Flip(key, value, moved, again.verdict, again.stage)
            if again.verdict != outcome.verdict:
                verdict_flips.append(flip)
            if again.stage != outcome.stage:
                stage_flips.append(flip)
    return Robustness(tuple(verdict_flips), tuple(stage_flips))


def _again(
    model: Model, outcome: Outcome, values: Mapping[str, Mapping[str, float | None]], moved: str
) -> Outcome:
    """The outcome under a model in which only criterion ``moved`` (or no criterion) has changed."""
    criteria = tuple(
        score_criterion(
            model.criterion(c.notation),
            values.get(c.notation, {}),
            frozenset(),
            count=c.evidence_count,
        )
        if c.notation == moved
        else c
        for c in outcome.criteria
    )
    return conclude(model, criteria)


def _is_share(key: str) -> bool:
    return key.endswith((".holds_at", ".min_index")) or key.startswith("roadmap.")


def _valid(model: Model, key: str, moved: float) -> bool:
    """A move that would make an indicator's low equal its high has no score scale, so it is skipped."""
    parts = key.split(".")
    if len(parts) == 3 and parts[2] in ("low", "high") and not key.startswith(("verdict.", "roadmap.")):
        indicator = next(i for i in model.criterion(parts[0]).indicators if i.name == parts[1])
        other = indicator.high if parts[2] == "low" else indicator.low
        return moved != other
    return True
