"""trainer/ui imports one way: screens never reach back into the app, no module circles.

Every import counts, at module level and inside functions (a local import only
postpones a circle, it does not remove it), including ``TYPE_CHECKING`` ones.
"""

from __future__ import annotations

import ast
from pathlib import Path

import trainer.ui

UI_DIR = Path(trainer.ui.__file__).parent
PACKAGE = "trainer.ui"


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every .py under ``root``."""
    names: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join((package, *parts))] = path
    return names


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``name`` (at ``path``) imports anywhere in its body."""
    is_package = path.name == "__init__.py"
    here = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                # ``import a.b.c`` imports a.b.c; keep the longest known prefix
                parts = alias.name.split(".")
                for end in range(len(parts), 0, -1):
                    candidate = ".".join(parts[:end])
                    if candidate in known:
                        found.add(candidate)
                        break
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            for alias in node.names:
                submodule = f"{origin}.{alias.name}"
                if submodule in known:
                    found.add(submodule)
                elif origin in known:
                    found.add(origin)
    found.discard(name)
    return found


def import_graph(root: Path = UI_DIR, package: str = PACKAGE) -> dict[str, set[str]]:
    names = module_names(root, package)
    known = set(names)
    return {name: imported_modules(name, path, known) for name, path in names.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a path (first module repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module)
            if cycle:
                return cycle
    return None


def test_ui_import_graph_has_no_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 20, "the graph should cover every module of trainer/ui"
    cycle = find_cycle(graph)
    assert cycle is None, "import circle in trainer/ui: " + " -> ".join(cycle or [])


def test_no_screen_or_widget_imports_the_app() -> None:
    graph = import_graph()
    builders = {f"{PACKAGE}.app", f"{PACKAGE}.launch", f"{PACKAGE}.commands"}
    offenders = sorted(name for name, targets in graph.items() if f"{PACKAGE}.app" in targets)
    assert set(offenders) <= builders, f"these import the app: {offenders}"


def test_cycle_finder_sees_function_level_imports(tmp_path: Path) -> None:
    """The checker itself: a circle closed by an import inside a function is found."""
    package = tmp_path / "pkg"
    (package / "screens").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "screens" / "__init__.py").write_text("")
    (package / "app.py").write_text("from pkg.screens.home import Home\n")
    (package / "screens" / "home.py").write_text(
        "class Home:\n    def app(self):\n        from ..app import App\n"
    )
    graph = import_graph(package, "pkg")
    assert graph["pkg.screens.home"] == {"pkg.app"}
    assert find_cycle(graph) == ["pkg.app", "pkg.screens.home", "pkg.app"]
    (package / "screens" / "home.py").write_text("class Home:\n    pass\n")
    assert find_cycle(import_graph(package, "pkg")) is None
