"""The build summary counts every resource of the study graph, imported ones included, and is honest about
what the build did not check."""

from __future__ import annotations

import shutil
from pathlib import Path

from cli_runner import CliRunner

from cli import app
from kg.build.builder import class_counts
from kg.build.study import build_package

runner = CliRunner()
MINI = Path(__file__).parent / "fixtures" / "build" / "mini"
QB = "http://purl.org/linked-data/cube#"
OA = "http://www.w3.org/ns/oa#"
IMPORTED = f"""\
<https://example.org/id/mini/obs/1> a <{QB}Observation> .
<https://example.org/id/mini/obs/2> a <{QB}Observation> .
<https://example.org/id/mini/obs/2> a <{QB}Observation> .
<https://example.org/id/mini/note/1> a <{OA}Annotation> .
"""


def with_import(tmp_path: Path) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    (folder / "imports").mkdir()
    (folder / "imports" / "extra.ttl").write_text(IMPORTED, encoding="utf-8")
    return folder


def test_imported_resources_are_counted_per_class(tmp_path: Path) -> None:
    classes = build_package(with_import(tmp_path)).result.classes
    assert classes[QB + "Observation"] == 2  # the repeated triple is one resource
    assert classes[OA + "Annotation"] == 1
    # Linkages are typed by the builder without going through its subject() helper; they count too.
    assert classes["https://w3id.org/icgp/ontology#Linkage"] == 1


def test_the_summary_lists_imported_classes_and_says_which_checks_ran(tmp_path: Path) -> None:
    folder = with_import(tmp_path)
    result = runner.invoke(app, ["build", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "          2  qb:Observation" in lines
    assert "          1  oa:Annotation" in lines
    assert (
        f"  {build_package(folder).result.triples} triples, 0 warning(s) from the table checks "
        f"(the graph's shapes are checked by 'icgp validate {folder}')"
    ) in lines


def test_class_counts_count_distinct_subjects() -> None:
    quads = build_package(MINI).result.quads
    counts = class_counts(quads + quads)
    assert counts == class_counts(quads)
    assert counts["https://w3id.org/icgp/ontology#Study"] == 1
