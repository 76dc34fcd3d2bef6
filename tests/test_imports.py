"""No import cycles in the packages, counting imports made inside functions.

A cycle means two modules each need the other: the pure part both need belongs in a module
of its own (as ``proofs.graph_ad`` and ``proofs.relu_network`` are).  The graph is read from
the source with ``ast``, so an import hidden in a function body counts as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("hw2check", "proofs", "properties")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, modules: set[str]) -> set[str]:
    """The project modules a module's tree imports (``from a import b`` counts a.b when b
    is a module, else a)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                if name in modules:
                    found.add(name)
                elif node.module in modules:
                    found.add(node.module)
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(path): path for pkg in PACKAGES for path in (ROOT / pkg).glob("*.py")}
    modules = set(files)
    return {
        name: imported(ast.parse(path.read_text("utf-8")), modules) - {name}
        for name, path in files.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle found by depth-first search, each as the path that closes it."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_packages_have_no_import_cycle() -> None:
    graph = import_graph()
    assert {"hw2check.cli", "proofs.autodiff", "properties.autodiff"} <= set(graph)
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_through_an_import_inside_a_function() -> None:
    tree = ast.parse("import os\n\ndef f():\n    from a.b import c\n")
    assert imported(tree, {"a.b", "a.b.c", "os"}) == {"os", "a.b.c"}
    assert imported(ast.parse("from a.b import x\n"), {"a.b"}) == {"a.b"}
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
