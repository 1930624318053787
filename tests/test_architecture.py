"""The package map of docs/architecture.md, enforced: no package imports one above it, and no
module import cycle (type-only imports included: a cycle in the types is a cycle in the design).

The map is data here and prose in the docs; `test_the_docs_show_this_map` keeps them in step.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNNER = ROOT / "runner"

# Bottom to top. A package may import its own layer's modules only if it is the same package,
# and any package of a lower layer. `runner.sim` stands apart: it may import only the core
# values and config (it is written from the API facts, not from the client).
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "runner",
        "runner.errors",
        "runner.findings",
        "runner.domain",
        "runner.money",
        "runner.durations",
        "runner.console",
        "runner.interrupts",
        "runner.redact",
        "runner.base_url",
        "runner.values",
    ),
    ("runner.config", "runner.plan", "runner.notify"),
    ("runner.compiler",),
    ("runner.exchange",),
    ("runner.account", "runner.saved_plan", "runner.records"),
    ("runner.sim",),
    ("runner.session",),
    ("runner.pipeline", "runner.doctor"),
    ("runner.execute",),
    ("runner.render", "runner.notify_run"),
    ("runner.commands",),
    ("runner.cli",),
    ("runner.__main__",),
)
SIM_MAY_IMPORT = {"runner", "runner.errors", "runner.config", "runner.sim"}


def package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def rank(package: str) -> int:
    for number, layer in enumerate(LAYERS):
        if package in layer:
            return number
    raise AssertionError(f"{package} is not in the architecture map: add it to LAYERS and docs")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def imports(path: Path, known: Mapping[str, Path]) -> Iterator[str]:
    """Every runner module ``path`` imports (lazy and type-only imports included)."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("runner"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("runner"):
                continue
            subs = [f"{node.module}.{a.name}" for a in node.names]
            named = [s for s in subs if s in known]
            yield from named
            if len(named) < len(subs):
                yield node.module


def graph(root: Path) -> dict[str, set[str]]:
    known = modules(root)
    return {m: {i for i in imports(p, known) if i != m} for m, p in known.items()}


def upward_imports(edges: Mapping[str, set[str]]) -> list[str]:
    problems = []
    for module, targets in sorted(edges.items()):
        here = package_of(module)
        for target in sorted(targets):
            there = package_of(target)
            if here == there:
                continue
            if here == "runner.sim" and there not in SIM_MAY_IMPORT:
                problems.append(f"{module} -> {target} (the simulator imports runner code)")
            elif rank(there) > rank(here) or (rank(there) == rank(here) != 0):
                problems.append(f"{module} -> {target} (imports a package above or beside it)")
    return problems


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_package_imports_one_above_it() -> None:
    assert upward_imports(graph(RUNNER)) == []


def test_no_import_cycles() -> None:
    assert cycles(graph(RUNNER)) == []


def test_every_package_is_on_the_map() -> None:
    for module in modules(RUNNER):
        rank(package_of(module))


def _plant(tmp_path: Path, files: Mapping[str, str]) -> Path:
    root = tmp_path / "runner"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {
                "__init__.py": "",
                "plan/__init__.py": "",
                "plan/model.py": "import runner.execute\n",
                "execute/__init__.py": "",
            },
            "runner.plan.model -> runner.execute",
            id="plan-imports-execute",
        ),
        pytest.param(
            {
                "__init__.py": "",
                "compiler/__init__.py": "",
                "compiler/x.py": "from runner.exchange.requests import request_for\n",
                "exchange/__init__.py": "",
                "exchange/requests.py": "",
            },
            "runner.compiler.x -> runner.exchange.requests",
            id="compiler-imports-exchange",
        ),
        pytest.param(
            {
                "__init__.py": "",
                "sim/__init__.py": "",
                "sim/server.py": "from runner.exchange import signing\n",
                "exchange/__init__.py": "",
                "exchange/signing.py": "",
            },
            "runner.sim.server -> runner.exchange.signing",
            id="sim-imports-client-signing",
        ),
    ],
)
def test_a_planted_upward_import_is_caught(
    tmp_path: Path, files: Mapping[str, str], expected: str
) -> None:
    problems = upward_imports(graph(_plant(tmp_path, files)))
    assert any(p.startswith(expected) for p in problems), problems


def test_a_planted_type_only_cycle_is_caught(tmp_path: Path) -> None:
    root = _plant(
        tmp_path,
        {
            "__init__.py": "",
            "exchange/__init__.py": "",
            "exchange/a.py": "from runner.exchange.b import B\n",
            "exchange/b.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from runner.exchange.a import A\n",
        },
    )
    assert cycles(graph(root)) == [["runner.exchange.a", "runner.exchange.b"]]


def test_the_docs_show_this_map() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    table = re.search(r"<!-- layers -->(.*?)<!-- /layers -->", text, re.S)
    assert table is not None, "docs/architecture.md lost its layer table markers"
    rows = [line for line in table.group(1).splitlines() if line.startswith("| ") and "`" in line]
    documented = [tuple(re.findall(r"`(runner[\w.]*)`", row.split("|")[2])) for row in rows]
    assert documented == list(reversed(LAYERS))
