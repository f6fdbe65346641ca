"""The library's layout: stage subpackages in data-flow order, no import circles, no terminal code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"

# The stages of the data flow, earliest first; a module may import its own stage and earlier ones.
# What every stage shares sits at the top of kg/ and counts as stage 0: the error and problem records,
# the version, and the all-or-nothing file writer.
STAGES = ("ontology", "package", "importers", "build", "validation", "query", "assess", "publish")
TERMINAL_LIBRARIES = ("typer", "rich", "click")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(KG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def stage_of(module: str) -> int:
    parts = module.split(".")
    return STAGES.index(parts[1]) + 1 if len(parts) > 1 and parts[1] in STAGES else 0


def imports_of(path: Path) -> set[str]:
    """Every module imported anywhere in the file, function-local imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # ``from kg.ontology import resources`` imports the submodule kg.ontology.resources
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def kg_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in KG.rglob("*.py")}
    return {
        name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_every_module_sits_in_a_stage_or_is_a_shared_record() -> None:
    top = sorted(module_name(p) for p in KG.glob("*.py"))
    assert top == ["kg", "kg.errors", "kg.files", "kg.problems"]
    assert {p.name for p in KG.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))} <= set(STAGES)


def test_no_import_circle_inside_kg() -> None:
    assert find_cycle(kg_graph()) is None


def test_no_stage_imports_a_later_one() -> None:
    graph = kg_graph()
    backwards = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if stage_of(target) > stage_of(module)
    )
    assert backwards == []


def test_the_library_has_no_terminal_imports() -> None:
    offenders = sorted(
        f"{module_name(path)} imports {name}"
        for path in KG.rglob("*.py")
        for name in imports_of(path)
        if name.split(".")[0] in TERMINAL_LIBRARIES
    )
    assert offenders == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"a2"}, "a2": {"b"}, "b": {"a2"}}, ["a2", "b", "a2"]),
    ],
)
def test_the_circle_finder_finds_circles(graph: dict[str, set[str]], expected: list[str] | None) -> None:
    assert find_cycle(graph) == expected


def test_stage_order_is_read_from_the_subpackage() -> None:
    assert stage_of("kg.errors") == 0
    assert stage_of("kg.ontology.resources") < stage_of("kg.package.reader") < stage_of("kg.build.study")
    assert stage_of("kg.query.run") < stage_of("kg.publish.release")
