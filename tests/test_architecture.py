"""The packages import one way: core <- instructor <- classroom <- ui <- cli.

docs/ARCHITECTURE.md states the same rule. Every import counts, at module level and
inside functions (a local import only postpones the dependency), TYPE_CHECKING ones too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import trainer

ROOT = Path(trainer.__file__).parent

#: higher layers may import lower ones, never the reverse; everything else is the core
LAYERS = {"instructor": 1, "classroom": 2, "ui": 3, "cli": 4}


def layer(top: str) -> int:
    return LAYERS.get(top, 0)


def trainer_imports(path: Path) -> set[str]:
    """The top-level parts of ``trainer`` (``ui``, ``engine``, ...) that ``path`` imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "trainer":  # from trainer import cli
                names += [f"trainer.{alias.name}" for alias in node.names]
        found |= {name.split(".")[1] for name in names if name.startswith("trainer.")}
    return found


def upward_imports() -> list[str]:
    wrong = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        here = parts[0].removesuffix(".py")
        for top in sorted(trainer_imports(path)):
            if layer(top) > layer(here):
                wrong.append(f"{path.relative_to(ROOT.parent)} imports trainer.{top}")
    return wrong


def test_no_package_imports_a_layer_above_it() -> None:
    assert upward_imports() == []


def test_the_core_knows_nothing_of_the_ui_or_the_command_line() -> None:
    for part in ("sensors", "engine.py", "scoring.py", "exercises.py", "units.py"):
        files = [ROOT / part] if part.endswith(".py") else list((ROOT / part).rglob("*.py"))
        for path in files:
            assert not trainer_imports(path) & {"ui", "cli", "classroom", "instructor"}, path


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    engine = tmp_path / "engine.py"
    engine.write_text("def f():\n    from trainer.ui.app import TrainerApp\n")
    assert trainer_imports(engine) == {"ui"}
    engine.write_text("from trainer import cli\n")
    assert trainer_imports(engine) == {"cli"}
