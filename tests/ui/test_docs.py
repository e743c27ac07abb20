"""The README section for the UI stays in step with the keys and has its screenshot."""

from __future__ import annotations

from pathlib import Path

from trainer.ui.screens.help import KEYS, keys_markdown

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"


def test_the_key_list_in_the_docs_is_the_help_screens() -> None:
    text = README.read_text(encoding="utf-8")
    assert keys_markdown() in text
    assert sum(len(keys) for _section, keys in KEYS) > 20


def test_the_live_screen_screenshot_is_there() -> None:
    svg = (DOCS / "live-screen.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg") and "SIMULATION" in svg
    assert "docs/live-screen.svg" in README.read_text(encoding="utf-8")
