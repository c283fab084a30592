"""The package's layers (docs/architecture.md): imports only go down, no cycles.

An AST scan of every module of ``evocompose``: each import (at module level,
inside a function, or under ``TYPE_CHECKING``) is an edge to the module it
names. The test fails on

* an edge to a higher layer (type-only imports included: a lower layer must
  not even name a higher one's types);
* a cycle among the edges that run (type-only imports aside);
* an import inside a function without a one-line reason (a ``# deferred:``
  comment on its line), which is allowed only where start-up time or an
  optional extra needs it;
* ``ortools`` imported outside ``evocompose.solvers``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "evocompose"

#: Layer of each module, by the longest matching prefix (see docs/architecture.md).
LAYERS: dict[str, int] = {
    # 1: errors, names, fields, weights, rule dataclasses
    "evocompose.errors": 1,
    "evocompose._html": 1,
    "evocompose.limits": 1,
    "evocompose.gc_pause": 1,
    "evocompose.vocabulary": 1,
    "evocompose.fields": 1,
    "evocompose.weights": 1,
    "evocompose.constraints": 1,
    "evocompose.language": 1,
    # 2: data and composition
    "evocompose.data": 2,
    "evocompose.composition": 2,
    # 3: the independent yardstick, and facts about a problem (closed-form bounds)
    "evocompose.objective": 3,
    "evocompose.check": 3,
    "evocompose.bounds": 3,
    # 4: results and the records they carry
    "evocompose.result": 4,
    "evocompose.audit": 4,
    "evocompose.diagnosis": 4,
    "evocompose.process": 4,
    # 5: solvers
    "evocompose.solvers": 5,
    # 6: entry points, io, metrics, workflows, plots, CLI, datasets
    "evocompose.solve": 6,
    "evocompose.io": 6,
    "evocompose.metrics": 6,
    "evocompose.compare": 6,
    "evocompose.improve": 6,
    "evocompose.report": 6,
    "evocompose.wording": 6,
    "evocompose.diagnose": 6,
    "evocompose.recompose": 6,
    "evocompose.explain": 6,
    "evocompose.renew": 6,
    "evocompose.reproduce": 6,
    "evocompose.handpicked": 6,
    "evocompose.plotting": 6,
    "evocompose.cli": 6,
    "evocompose.datasets": 6,
    "evocompose.batch": 6,
    "evocompose.sweep": 6,
    "evocompose.pareto": 6,
    "evocompose.lottery": 6,
    # 7: the public API
    "evocompose": 7,
}


def layer(module: str) -> int:
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS[best]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    type_only: bool
    in_function: bool
    reason: bool


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _known(name: str, modules: set[str]) -> str | None:
    """The longest known module that ``name`` is or lies inside."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


class _Imports(ast.NodeVisitor):
    """Collects the imports of one module, with where they sit."""

    def __init__(self, src: str, is_pkg: bool, lines: list[str], modules: set[str]) -> None:
        self.src, self.is_pkg, self.lines, self.modules = src, is_pkg, lines, modules
        self.type_only = False
        self.in_function = False
        self.edges: list[Edge] = []
        self.foreign: list[Edge] = []

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            self.generic_visit(node)
            return
        before, self.type_only = self.type_only, True
        for stmt in node.body:
            self.visit(stmt)
        self.type_only = before
        for stmt in node.orelse:
            self.visit(stmt)

    def _function(self, node: ast.AST) -> None:
        before, self.in_function = self.in_function, True
        self.generic_visit(node)
        self.in_function = before

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_Import(self, node: ast.Import) -> None:
        self._record(node, [a.name for a in node.names])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            pkg = self.src if self.is_pkg else self.src.rpartition(".")[0]
            for _ in range(node.level - 1):
                pkg = pkg.rpartition(".")[0]
            base = f"{pkg}.{base}" if base else pkg
        self._record(node, [f"{base}.{a.name}" for a in node.names] or [base])

    def _record(self, node: ast.Import | ast.ImportFrom, names: list[str]) -> None:
        reason = "# deferred:" in self.lines[node.lineno - 1]
        for name in names:
            if name.split(".")[0] != "evocompose":
                self.foreign.append(
                    Edge(self.src, name, node.lineno, self.type_only, self.in_function, reason)
                )
                continue
            target = _known(name, self.modules)
            if target is not None and target != self.src:
                edge = Edge(self.src, target, node.lineno, self.type_only, self.in_function, reason)
                self.edges.append(edge)


def scan() -> tuple[list[Edge], set[str], list[Edge]]:
    """Edges between evocompose modules, the module names, and third-party imports."""
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(f) for f in files}
    edges: list[Edge] = []
    foreign: list[Edge] = []
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        visitor = _Imports(module_name(path), path.name == "__init__.py", lines, modules)
        visitor.visit(ast.parse("\n".join(lines), filename=str(path)))
        edges += visitor.edges
        foreign += visitor.foreign
    return edges, modules, foreign


EDGES, MODULES, FOREIGN = scan()


def test_every_module_has_a_layer() -> None:
    for m in MODULES:
        assert layer(m) >= 1


def test_imports_only_go_down() -> None:
    upward = [
        f"{e.source} (layer {layer(e.source)}) imports {e.target} (layer {layer(e.target)}) "
        f"on line {e.line}"
        for e in EDGES
        if layer(e.target) > layer(e.source)
    ]
    assert upward == []


def test_no_import_cycles() -> None:
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for e in EDGES:
        if not e.type_only:
            graph.add_edge(e.source, e.target)
    # a package's __init__ importing its own submodules is not a cycle of code
    cycles = [c for c in nx.simple_cycles(graph) if len(c) > 1]
    assert cycles == []


def test_imports_inside_functions_say_why() -> None:
    missing = sorted(
        {f"{e.source} line {e.line}" for e in EDGES + FOREIGN if e.in_function and not e.reason}
    )
    assert missing == []


def test_only_solvers_import_ortools() -> None:
    outside = [
        f"{e.source} line {e.line}"
        for e in FOREIGN
        if e.target.startswith("ortools") and not e.source.startswith("evocompose.solvers")
    ]
    assert outside == []


def test_the_scan_sees_imports() -> None:
    """The scan finds known edges of each kind (so that the tests above can fail)."""
    assert any(
        e.source == "evocompose.check" and e.target == "evocompose.vocabulary" for e in EDGES
    )
    assert any(
        e.source == "evocompose.check" and e.target == "evocompose.data" and e.type_only
        for e in EDGES
    )
    assert any(e.in_function and e.reason for e in EDGES)
    assert any(
        e.source == "evocompose.solvers.cpsat.rules"
        and e.target == "evocompose.solvers.cpsat.model"
        for e in EDGES
    )  # a relative import
    assert any(e.target.startswith("ortools") for e in FOREIGN)
    assert any(e.target.startswith("matplotlib") and e.type_only for e in FOREIGN)


@pytest.mark.parametrize(
    ("module", "expected"),
    [("evocompose.solvers.cpsat.rules", 5), ("evocompose.io.networks", 6), ("evocompose", 7)],
)
def test_layer_lookup(module: str, expected: int) -> None:
    assert layer(module) == expected
