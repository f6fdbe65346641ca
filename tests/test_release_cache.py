"""A process that makes several releases serialises the ontology and vocabularies once (regression: the
cache was smaller than one release's files, so every release evicted what the next one needed)."""

from __future__ import annotations

from pathlib import Path

from cli_runner import CliRunner

from cli import app
from kg.ontology import resources
from kg.publish import release

MINI = Path(__file__).parent / "fixtures" / "build" / "mini"


def test_a_second_release_serialises_no_ontology_or_vocabulary_file_again(tmp_path: Path) -> None:
    runner = CliRunner()
    release._serialised_resource.cache_clear()
    first = runner.invoke(app, ["release", str(MINI), "--out", str(tmp_path / "1"), "--version", "1.0.0"])
    assert first.exit_code == 0, first.output
    made = release._serialised_resource.cache_info()
    # Every vocabulary in four formats, plus the ontology and its alignments in theirs.
    assert made.misses >= 4 * len(resources.vocabulary_files()) and made.hits == 0
    second = runner.invoke(app, ["release", str(MINI), "--out", str(tmp_path / "2"), "--version", "1.0.0"])
    assert second.exit_code == 0, second.output
    again = release._serialised_resource.cache_info()
    assert (again.misses, again.hits) == (made.misses, made.misses)
    for name in ("vocab/nuts.ttl", "vocab/actor.jsonld", "ontology/icgp.owl"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()
