"""The assessment in bounded memory (issue 18): each answer is read and let go before the next query runs
on the embedded store, and an evidence IRI named for many clusters is kept once."""

from __future__ import annotations

import gc
import json
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
import yaml
from pyoxigraph import Store

from kg.assess.assessment import assess
from kg.assess.evidence import ASSESSMENT_QUERIES, gather
from kg.assess.formats import to_json, to_json_text
from kg.assess.model import default_model_file, load_model
from kg.errors import InputError
from kg.query.results import Cell, QueryResult
from kg.query.run import StoreTarget


@dataclass
class WatchedStore(StoreTarget):
    """The sample store, noting how many queries run at once and how many earlier answers are still alive
    whenever a query starts."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    running: int = 0
    most_running: int = 0
    most_alive: int = 0
    texts: list[str] = field(default_factory=list)
    answers: list[weakref.ref[QueryResult]] = field(default_factory=list)

    def run(self, text: str, graphs: Sequence[str] = ()) -> QueryResult:
        gc.collect()
        with self.lock:
            self.running += 1
            self.most_running = max(self.most_running, self.running)
            self.most_alive = max(self.most_alive, sum(ref() is not None for ref in self.answers))
            self.texts.append(text)
        try:
            answer = super().run(text, graphs)
        finally:
            with self.lock:
                self.running -= 1
        self.answers.append(weakref.ref(answer))
        return answer


def test_the_store_answers_one_query_at_a_time_and_each_answer_is_let_go(sample_store: Store) -> None:
    target = WatchedStore(sample_store)
    model = load_model()
    run = assess(target, model)
    assert len(run.assessments) == 2
    # Six criterion queries and seven of the assessment's own, each once.
    assert len(target.texts) == len(model.queries()) + len(ASSESSMENT_QUERIES) == 13
    assert target.most_running == 1
    # When a query starts, every earlier answer has been read and let go.
    assert target.most_alive == 0
    gc.collect()
    assert all(ref() is None for ref in target.answers)


def test_an_evidence_iri_named_for_two_clusters_is_one_string(sample_store: Store) -> None:
    model = load_model()
    found = gather(StoreTarget(sample_store), model, None)
    gp_c4 = found.criterion_answers["gp_c4_spread_effects"].clusters
    assert len(gp_c4) == 2
    (_, first), (_, second) = gp_c4.values()
    shared = first & second
    # The maturity assessments of SMEs reached by neither cluster count for both.
    assert shared
    by_text = {item: item for item in first}
    assert all(by_text[item] is item for item in second if item in by_text)
    assert all(any(kept is item for kept in first) for item in shared)


def test_an_unknown_cluster_is_reported_before_a_missing_column(sample_store: Store, tmp_path: Path) -> None:
    # Both are wrong; the cluster is checked first, as before the answers were read one by one.
    data = yaml.safe_load(default_model_file().read_text(encoding="utf-8"))
    data["criteria"][0]["indicators"][0]["column"] = "noSuchColumn"
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    model = load_model(path)
    target = StoreTarget(sample_store)
    with pytest.raises(InputError, match="no cluster 'nowhere' in the data"):
        assess(target, model, ["nowhere"])
    with pytest.raises(InputError, match="reads column 'noSuchColumn'"):
        assess(target, model)


def test_a_cell_has_no_per_instance_dict() -> None:
    assert not hasattr(Cell("uri", "https://example.org/a"), "__dict__")


@pytest.mark.parametrize(
    "clusters", [(), ("neckar-smart-production",), ("ostalb-ai-robotics", "neckar-smart-production")]
)
def test_the_json_text_is_written_cluster_by_cluster_as_one_dump_writes_it(
    sample_store: Store, clusters: tuple[str, ...]
) -> None:
    run = assess(StoreTarget(sample_store), load_model(), clusters or ("neckar-smart-production",))
    if not clusters:
        run = replace(run, assessments=())
    text = to_json_text(run)
    assert text == json.dumps(to_json(run), indent=2, ensure_ascii=False) + "\n"
    assert [c["id"] for c in json.loads(text)["clusters"]] == list(clusters)
