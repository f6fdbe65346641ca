"""Assessments stored beside the study they assess: computed on a store or a fresh build, as quads."""

from __future__ import annotations

from pyoxigraph import Quad, Store

from kg.assess.assessment import AssessmentRun, assess
from kg.assess.model import Model
from kg.assess.rdf import assessment_quads
from kg.build.study import BuiltStudy, store_study
from kg.query.run import StoreTarget


def assess_store(store: Store, model: Model | None = None, description: str = "the study") -> AssessmentRun:
    """Assess every cluster of a store over its study period under the model (ICGP's by default)."""
    return assess(StoreTarget(store, description), model)


def assess_built(built: BuiltStudy, model: Model | None = None) -> list[Quad]:
    """The assessment quads of a freshly built study (every cluster, its study period), to store with it."""
    store = Store()
    store_study(store, built)
    return assessment_quads(assess_store(store, model, f"the study {built.checked.descriptor.name}"))
