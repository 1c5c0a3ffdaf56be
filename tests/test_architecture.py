"""The shape docs/architecture.md promises: data flows one way, no import cycles, small modules.

Every ``import`` counts, at module level or inside a function (a lazy import is still an edge).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

SOURCE = ROOT / "src"
# The flow, first to last; a package may import only from packages before it (and itself).
FLOW = ("sources", "store", "query", "output", "progress", "cli")
# Modules every package may use: standard library only, or the schema of all.
SHARED = {
    "catalog",
    "catalog_progress",
    "catalog_sources",
    "errors",
    "files",
    "i18n",
    "locations",
    "names",
    "pinyin",
    "processes",
    "schema",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """The dutycli modules a file imports (``from dutycli.x import y`` counts x.y if a module)."""
    found: set[str] = set()
    package = (
        module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    )
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("dutycli")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            if not base.startswith("dutycli"):
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return found


FILES = sorted(SOURCE.rglob("*.py"))
MODULES = {module_name(path): path for path in FILES}
GRAPH = {name: imports_of(path) & set(MODULES) - {name} for name, path in MODULES.items()}


def test_there_are_modules_to_check() -> None:
    assert len(MODULES) > 40 and "dutycli.cli.app" in GRAPH


def test_no_import_cycles() -> None:
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = [*path[path.index(name) :], name]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        for target in sorted(GRAPH[name]):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(GRAPH):
        visit(name, [])


def stage(module: str) -> str | None:
    """The package of the flow a module belongs to; None for the shared and entry modules."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] in (*SHARED, "__main__"):
        return None
    return parts[1]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if stage(m) in FLOW))
def test_the_flow_goes_one_way(module: str) -> None:
    own = FLOW.index(stage(module) or "")
    for target in GRAPH[module]:
        other = stage(target)
        if other is None:
            continue  # a shared module
        assert other in FLOW[: own + 1] or (other == "completion" and stage(module) == "cli"), (
            f"{module} imports {target}, which comes later in the flow"
        )


def test_shared_modules_import_no_package() -> None:
    for module in MODULES:
        if stage(module) is None and module != "dutycli.__main__":
            assert all(stage(target) is None for target in GRAPH[module]), module


def test_completion_uses_no_later_stage_but_the_store_and_the_cli_internals() -> None:
    # Beside the flow: it reads datasets through the store (on a cache miss), builds its
    # table from the app (generate, names_table) and registers scripts through typer_internals.
    allowed = {"store", "completion"}
    for module in (m for m in MODULES if stage(m) == "completion"):
        for target in GRAPH[module]:
            if stage(target) in (None, *allowed):
                continue
            assert module.endswith(("generate", "names_table", "scripts")), (
                f"{module} imports {target}"
            )


def test_no_module_is_over_400_lines() -> None:
    long = {module_name(p): n for p in FILES if (n := len(p.read_text("utf-8").splitlines())) > 400}
    assert not long


def test_package_inits_import_nothing_heavy() -> None:
    heavy = ("polars", "rich", "yaml", "pydantic", "typer")
    for path in FILES:
        if path.name != "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                assert not any(n.split(".")[0] in heavy for n in names), path
