"""The growth-pole assessment model: a versioned YAML file, read and checked into typed records.

The shipped model is ``queries/assessment/model.yaml``; ``icgp assess --model FILE`` reads a user's own.
Every problem in a model file is an :class:`InputError` naming the file, the line and the key, because a
model is edited by hand and a reviewer must be able to fix it from the message alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.errors import InputError
from kg.ontology import resources
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.ontology.namespaces import ICGP

NETWORK_MEASURES = ("degree_centralisation", "sme_academia_reach", "ties_reaching_smes")
"""The network measures an indicator may name (computed by :mod:`kg.assess.network`)."""

VERDICTS = ("pole", "emerging-pole", "non-pole", "insufficient-evidence")
"""The verdict vocabulary's concepts, by the last segment of their IRIs."""

MODEL_BASE = "https://w3id.org/icgp/model/"


@dataclass(frozen=True)
class Indicator:
    """One measured quantity of a criterion and how its raw value becomes a 0-1 score."""

    name: str
    low: float
    high: float
    weight: float = 1.0
    query: str | None = None
    column: str | None = None
    network: str | None = None
    rationale: str = ""

    @property
    def source(self) -> str:
        """Where the value comes from, as a reader would name it."""
        return (
            f"network measure {self.network}" if self.network else f"query {self.query}, column {self.column}"
        )


@dataclass(frozen=True)
class Criterion:
    """A growth-pole criterion of the model: its indicators, weight and thresholds."""

    notation: str
    iri: str
    indicators: tuple[Indicator, ...]
    weight: float
    holds_at: float
    min_evidence: int
    negative: bool = False


@dataclass(frozen=True)
class VerdictRule:
    """A verdict and the conditions under which it is given."""

    verdict: str
    min_index: float
    min_holding: int
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stage:
    """A roadmap stage and the score each of its marking criteria must reach."""

    notation: str
    iri: str
    requires: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Model:
    """A whole assessment model, as read from its YAML file."""

    id: str
    version: str
    title: str
    description: str
    criteria: tuple[Criterion, ...]
    min_criteria_with_evidence: int
    rules: tuple[VerdictRule, ...]
    otherwise: str
    stages: tuple[Stage, ...]
    top_barriers: int
    path: Path
    digest: str

    @property
    def iri(self) -> str:
        """The IRI of this version of the model (a prov:Plan in the assessments' provenance)."""
        return f"{MODEL_BASE}{self.id}/{self.version}"

    def criterion(self, notation: str) -> Criterion:
        """The criterion with this notation (``GP-C1`` ...)."""
        for criterion in self.criteria:
            if criterion.notation == notation:
                return criterion
        raise KeyError(notation)

    def queries(self) -> list[str]:
        """The names of the queries the model's indicators read, each once, in model order."""
        return list(dict.fromkeys(i.query for c in self.criteria for i in c.indicators if i.query))


def default_model_file() -> Path:
    """The model shipped with ICGP."""
    return resources.resource_dir("queries") / "assessment" / "model.yaml"


class _Reader:
    """Walks the parsed YAML with the line of every key at hand, for messages that point at it."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data: Any = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            line = mark.line + 1 if mark is not None else 1
            raise InputError(f"{path}:{line}: the model is not valid YAML: {exc.problem}") from exc
        except yaml.YAMLError as exc:
            raise InputError(f"{path}: the model is not valid YAML: {exc}") from exc
        self.lines: dict[str, int] = {}
        if node is not None:
            self._index(node, "")

    def _index(self, node: yaml.Node, prefix: str) -> None:
        self.lines.setdefault(prefix, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                path = f"{prefix}.{key.value}" if prefix else str(key.value)
                self.lines[path] = key.start_mark.line + 1
                self._index(value, path)
        elif isinstance(node, yaml.SequenceNode):
            for number, item in enumerate(node.value):
                self._index(item, f"{prefix}[{number}]")

    def fail(self, key: str, message: str) -> InputError:
        line = self.lines.get(key)
        while line is None and key:
            key_parent = key.rsplit(".", 1)[0] if "." in key else key.rsplit("[", 1)[0]
            if key_parent == key:
                break
            key, line = key_parent, self.lines.get(key_parent)
        where = f"{self.path}:{line or 1}"
        return InputError(f"{where}: {message}")

    def mapping(self, value: Any, key: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"{key or 'the model'} must be a mapping of keys to values")
        return value

    def items(self, value: Any, key: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, f"{key} must be a non-empty list")
        return value

    def number(self, parent: Mapping[str, Any], name: str, key: str, default: float | None = None) -> float:
        value = parent.get(name, default)
        path = f"{key}.{name}"
        if value is None:
            raise self.fail(key, f"{path} is missing: give a number")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"{path} must be a number, not {value!r}")
        return float(value)

    def count(self, parent: Mapping[str, Any], name: str, key: str, default: int | None = None) -> int:
        value = parent.get(name, default)
        path = f"{key}.{name}"
        if value is None:
            raise self.fail(key, f"{path} is missing: give a whole number")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(path, f"{path} must be a whole number of 0 or more, not {value!r}")
        return value

    def text(self, parent: Mapping[str, Any], name: str, key: str, default: str | None = None) -> str:
        value = parent.get(name, default)
        path = f"{key}.{name}" if key else name
        if value is None or not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(key if value is None else path, f"{path} is missing or not text")
        return " ".join(str(value).split())

    def unknown_keys(self, parent: Mapping[str, Any], allowed: set[str], key: str) -> None:
        for name in parent:
            if name not in allowed:
                path = f"{key}.{name}" if key else str(name)
                offered = ", ".join(sorted(allowed))
                raise self.fail(path, f"unknown key {path!r}; the keys allowed here: {offered}")


# Models read so far, by file and content, with the concept index they were checked against: reading one
# (YAML with the line of every key, every concept resolved) costs more than a small assessment, and a
# process may assess many times. A model is immutable, so every caller may share one.
_MODELS: dict[tuple[Path, bytes], tuple[Model, ConceptIndex]] = {}


def load_model(path: Path | None = None, concepts: ConceptIndex | None = None) -> Model:
    """Read and check a model file (the shipped one by default); problems raise InputError with file:line."""
    path = path or default_model_file()
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"model file {path} does not exist; give the path of a model YAML file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the model file {path}: {exc}") from exc
    concepts = concepts or load_concepts()
    known = _MODELS.get((path, raw))
    if known is not None and known[1] is concepts:
        return known[0]
    r = _Reader(path, text)
    top = r.mapping(r.data, "")
    r.unknown_keys(
        top,
        {"model", "version", "title", "description", "criteria", "verdict", "roadmap", "top_barriers"},
        "",
    )
    criteria = tuple(_criteria(r, top, concepts))
    named: dict[str, str] = {}
    for number, criterion in enumerate(criteria):
        for place, indicator in enumerate(criterion.indicators):
            # Indicators are published as {model}/indicator/{name}: one name, one indicator.
            if indicator.name in named:
                raise r.fail(
                    f"criteria[{number}].indicators[{place}].name",
                    f"indicator {indicator.name!r} is already an indicator of {named[indicator.name]}; "
                    "give each indicator of the model its own name",
                )
            named[indicator.name] = criterion.notation
    verdict = r.mapping(top.get("verdict"), "verdict")
    r.unknown_keys(verdict, {"min_criteria_with_evidence", "rules", "otherwise"}, "verdict")
    notations = {c.notation for c in criteria}
    rules = tuple(_rules(r, verdict, notations))
    otherwise = r.text(verdict, "otherwise", "verdict", "non-pole")
    if otherwise not in VERDICTS:
        raise r.fail("verdict.otherwise", f"verdict.otherwise must be one of {', '.join(VERDICTS)}")
    model = Model(
        id=r.text(top, "model", ""),
        version=r.text(top, "version", ""),
        title=r.text(top, "title", "", ""),
        description=r.text(top, "description", "", ""),
        criteria=criteria,
        min_criteria_with_evidence=r.count(verdict, "min_criteria_with_evidence", "verdict"),
        rules=rules,
        otherwise=otherwise,
        stages=tuple(_stages(r, top, notations, concepts)),
        top_barriers=r.count(top, "top_barriers", "top_barriers", 3) if "top_barriers" in top else 3,
        path=path,
        digest=hashlib.sha256(raw).hexdigest(),
    )
    for name in (model.id, model.version):
        if not name or "/" in name or " " in name:
            raise r.fail("model", "model and version must be short names without spaces or slashes")
    if len(_MODELS) >= 16:
        _MODELS.clear()
    _MODELS[(path, raw)] = (model, concepts)
    return model


def _criteria(r: _Reader, top: Mapping[str, Any], concepts: ConceptIndex) -> Iterator[Criterion]:
    seen: set[str] = set()
    for number, item in enumerate(r.items(top.get("criteria"), "criteria")):
        key = f"criteria[{number}]"
        entry = r.mapping(item, key)
        r.unknown_keys(
            entry, {"criterion", "direction", "weight", "holds_at", "min_evidence", "indicators"}, key
        )
        notation = r.text(entry, "criterion", key)
        iri = concepts.resolve("gpc", notation)
        if iri is None:
            known = ", ".join(sorted(filter(None, (concepts.notation(c) for c in concepts.concepts("gpc")))))
            raise r.fail(
                f"{key}.criterion", f"{key}.criterion {notation!r} is not a criterion; known: {known}"
            )
        notation = concepts.notation(iri) or notation
        if notation in seen:
            raise r.fail(f"{key}.criterion", f"criterion {notation} appears twice; give each criterion once")
        seen.add(notation)
        direction = r.text(entry, "direction", key, "positive")
        if direction not in ("positive", "negative"):
            raise r.fail(f"{key}.direction", f"{key}.direction must be positive or negative")
        yield Criterion(
            notation=notation,
            iri=iri,
            indicators=tuple(_indicators(r, entry, key)),
            weight=_positive(r, entry, "weight", key, 1.0),
            holds_at=_share(r, entry, "holds_at", key),
            min_evidence=r.count(entry, "min_evidence", key),
            negative=direction == "negative",
        )
    missing = sorted(
        n for c in concepts.concepts("gpc") if (n := concepts.notation(c)) is not None and n not in seen
    )
    if missing:
        raise r.fail(
            "criteria", f"the model has no criterion {', '.join(missing)}: every criterion needs an entry"
        )


def _indicators(r: _Reader, entry: Mapping[str, Any], key: str) -> Iterator[Indicator]:
    names: set[str] = set()
    for number, item in enumerate(r.items(entry.get("indicators"), f"{key}.indicators")):
        at = f"{key}.indicators[{number}]"
        spec = r.mapping(item, at)
        r.unknown_keys(spec, {"name", "query", "column", "network", "low", "high", "weight", "rationale"}, at)
        name = r.text(spec, "name", at)
        if name in names:
            raise r.fail(f"{at}.name", f"indicator {name!r} appears twice in {key}")
        names.add(name)
        network = spec.get("network")
        query = spec.get("query")
        if (network is None) == (query is None):
            raise r.fail(at, f"{at} needs exactly one of 'query' (with 'column') or 'network'")
        if network is not None and network not in NETWORK_MEASURES:
            raise r.fail(
                f"{at}.network", f"{at}.network {network!r} is unknown; known: {', '.join(NETWORK_MEASURES)}"
            )
        low, high = r.number(spec, "low", at), r.number(spec, "high", at)
        if low == high:
            raise r.fail(f"{at}.high", f"{at}: low and high must differ (the score runs from low to high)")
        yield Indicator(
            name=name,
            low=low,
            high=high,
            weight=_positive(r, spec, "weight", at, 1.0),
            query=None if query is None else r.text(spec, "query", at),
            column=None if query is None else r.text(spec, "column", at),
            network=None if network is None else str(network),
            rationale=r.text(spec, "rationale", at, ""),
        )


def _rules(r: _Reader, verdict: Mapping[str, Any], notations: set[str]) -> Iterator[VerdictRule]:
    for number, item in enumerate(r.items(verdict.get("rules"), "verdict.rules")):
        at = f"verdict.rules[{number}]"
        spec = r.mapping(item, at)
        r.unknown_keys(spec, {"verdict", "min_index", "min_holding", "requires"}, at)
        name = r.text(spec, "verdict", at)
        if name not in VERDICTS:
            raise r.fail(f"{at}.verdict", f"{at}.verdict must be one of {', '.join(VERDICTS)}, not {name!r}")
        requires = spec.get("requires") or []
        if not isinstance(requires, list) or any(str(n) not in notations for n in requires):
            raise r.fail(
                f"{at}.requires",
                f"{at}.requires must list criteria of the model ({', '.join(sorted(notations))})",
            )
        yield VerdictRule(
            verdict=name,
            min_index=_share(r, spec, "min_index", at),
            min_holding=r.count(spec, "min_holding", at),
            requires=tuple(str(n) for n in requires),
        )


def _stages(
    r: _Reader, top: Mapping[str, Any], notations: set[str], concepts: ConceptIndex
) -> Iterator[Stage]:
    marked = str(ICGP.markedByCriterion)
    expected = [c for c in concepts.concepts("roadmap")]
    expected.sort(key=lambda c: concepts.notation(c) or c)
    items = r.items(top.get("roadmap"), "roadmap")
    if len(items) != len(expected):
        raise r.fail(
            "roadmap", f"roadmap must list the {len(expected)} stages of the roadmap vocabulary in order"
        )
    for number, (item, stage_iri) in enumerate(zip(items, expected, strict=True)):
        at = f"roadmap[{number}]"
        spec = r.mapping(item, at)
        r.unknown_keys(spec, {"stage", "requires"}, at)
        notation = r.text(spec, "stage", at)
        if concepts.resolve("roadmap", notation) != stage_iri:
            raise r.fail(
                f"{at}.stage", f"{at}.stage should be {concepts.notation(stage_iri)}, the stage in this place"
            )
        requires = r.mapping(spec.get("requires"), f"{at}.requires")
        wanted = {concepts.notation(c) for c in concepts.values(stage_iri, marked)}
        if set(requires) != wanted:
            raise r.fail(
                f"{at}.requires",
                f"{at}.requires must name exactly the criteria that mark {notation} in the roadmap "
                "vocabulary: " + ", ".join(sorted(n for n in wanted if n)),
            )
        pairs = []
        for name in sorted(requires):
            if name not in notations:
                raise r.fail(f"{at}.requires", f"{at}.requires names {name}, which the model does not define")
            pairs.append((name, _share(r, requires, name, f"{at}.requires")))
        yield Stage(notation=concepts.notation(stage_iri) or notation, iri=stage_iri, requires=tuple(pairs))


def _positive(r: _Reader, parent: Mapping[str, Any], name: str, key: str, default: float) -> float:
    value = r.number(parent, name, key, default)
    if value <= 0:
        raise r.fail(f"{key}.{name}", f"{key}.{name} must be above 0")
    return value


def _share(r: _Reader, parent: Mapping[str, Any], name: str, key: str) -> float:
    value = r.number(parent, name, key)
    if not 0 <= value <= 1:
        raise r.fail(f"{key}.{name}", f"{key}.{name} must be between 0 and 1 (scores run from 0 to 1)")
    return value


def replace_assumption(model: Model, key: str, value: float) -> Model:
    """A copy of the model with one assumption (as named by :func:`assumptions`) set to ``value``."""
    head, _, rest = key.partition(".")
    if head == "verdict":
        verdict = rest.split(".")[0]
        rules = tuple(
            dataclasses.replace(rule, min_index=value) if rule.verdict == verdict else rule
            for rule in model.rules
        )
        return dataclasses.replace(model, rules=rules)
    if head == "roadmap":
        stage_name, marking = rest.split(".")
        stages = tuple(
            dataclasses.replace(s, requires=tuple((n, value if n == marking else t) for n, t in s.requires))
            if s.notation == stage_name
            else s
            for s in model.stages
        )
        return dataclasses.replace(model, stages=stages)
    criteria: list[Criterion] = []
    for criterion in model.criteria:
        if criterion.notation != head:
            criteria.append(criterion)
        elif rest == "weight":
            criteria.append(dataclasses.replace(criterion, weight=value))
        elif rest == "holds_at":
            criteria.append(dataclasses.replace(criterion, holds_at=value))
        else:
            name, field = rest.rsplit(".", 1)
            indicators = tuple(_moved(i, field, value) if i.name == name else i for i in criterion.indicators)
            criteria.append(dataclasses.replace(criterion, indicators=indicators))
    return dataclasses.replace(model, criteria=tuple(criteria))


def _moved(indicator: Indicator, field: str, value: float) -> Indicator:
    if field == "low":
        return dataclasses.replace(indicator, low=value)
    if field == "high":
        return dataclasses.replace(indicator, high=value)
    return dataclasses.replace(indicator, weight=value)


def assumptions(model: Model) -> list[tuple[str, float]]:
    """Every threshold and weight of the model, by key (``GP-C1.shareFromCore.low``, ``GP-C4.weight``,
    ``verdict.pole.min_index``, ``roadmap.RM3.GP-C3``), with its value. Whole-number counts (minimum
    evidence, criteria holding) are rules of counting rather than calibrated thresholds and are left out."""
    found: list[tuple[str, float]] = []
    for c in model.criteria:
        for i in c.indicators:
            found += [(f"{c.notation}.{i.name}.low", i.low), (f"{c.notation}.{i.name}.high", i.high)]
            found.append((f"{c.notation}.{i.name}.weight", i.weight))
        found += [(f"{c.notation}.weight", c.weight), (f"{c.notation}.holds_at", c.holds_at)]
    found += [(f"verdict.{rule.verdict}.min_index", rule.min_index) for rule in model.rules]
    found += [(f"roadmap.{s.notation}.{n}", t) for s in model.stages for n, t in s.requires]
    return found
