"""Every key, screen by screen (F1 or ? anywhere)."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Everywhere",
        [
            ("? / F1", "this help"),
            ("U", "units: N, kgf, lbf; kPa with a contact"),
            ("B", "bell cue on/off (band entry, exit, phase change)"),
            ("Ctrl+P", "command palette: screens, actions, instructor tools, dark/light theme"),
            ("Ctrl+Q / Ctrl+C", "quit (a session in progress is saved as incomplete)"),
        ],
    ),
    (
        "Home",
        [
            ("Up / Down, Enter", "choose an exercise, start it"),
            ("Home / End", "the first / last exercise"),
            ("S", "start the highlighted exercise"),
            ("N", "type your name (Enter then starts the exercise)"),
            ("M", "live or blind mode"),
            ("H", "history"),
            ("I", "instructor tools (asks for the PIN once one is set)"),
            ("Q", "quit"),
        ],
    ),
    (
        "Live session",
        [
            ("Space", "start; then pause / carry on (the help and questions pause too)"),
            ("T", "tare: zero the pad (hands off)"),
            ("P", "peek at the force (self-controlled feedback; peeks are counted)"),
            ("A / Escape", "abort (asks first; what you did is saved)"),
            ("Q", "quit (asks first)"),
            ("Simulation:", ""),
            ("Up / Down", "press harder / lighter by 1 % of the gauge"),
            ("PgUp / PgDn", "by 5 % (also Shift+Up/Down, Right/Left)"),
            ("1 ... 9, 0", "aim at 10 % ... 90 %, 100 % of the gauge"),
            ("` (backtick)", "hands off"),
            ("Mouse wheel on the gauge", "harder / lighter; click aims there"),
        ],
    ),
    (
        "Results",
        [
            ("Up / Down, PgUp / PgDn", "scroll the results, every step's row included"),
            ("Home / End", "top / bottom"),
            ("Enter / Escape", "back"),
            ("R", "the same exercise again"),
            ("H", "history"),
        ],
    ),
    (
        "History",
        [
            ("Enter", "open a session's results"),
            ("Home / End", "the newest / oldest session"),
            ("F", "filter by technique"),
            ("Escape", "back"),
        ],
    ),
]


def keys_markdown() -> str:
    """The key list as Markdown tables, for the README."""
    lines: list[str] = []
    for section, keys in KEYS:
        lines += [f"**{section}**", "", "| key | what it does |", "|---|---|"]
        for key, what in keys:
            key = key.replace("`", "\\`")  # a literal backquote, not a code span
            lines.append(f"| {key} | {what} |" if what else f"| *{key.rstrip(':')}* | |")
        lines.append("")
    return "\n".join(lines)


def help_text() -> str:
    """The key list as Rich markup (also the README's key list)."""
    lines: list[str] = []
    for section, keys in KEYS:
        lines.append(f"[b]{section}[/b]")
        for key, what in keys:
            lines.append(f"  {key:<26} {what}" if what else f"  [i]{key}[/i]")
        lines.append("")
    lines.append("[dim]Escape closes this help.[/dim]")
    return "\n".join(lines)


def help_tables() -> Group:
    """The key list as one two-column table per screen (wraps cleanly at 80 columns)."""
    parts: list[Table] = []
    for section, keys in KEYS:
        table = Table(
            title=section,
            title_justify="left",
            title_style="bold",
            box=None,
            show_header=False,
            padding=(0, 1),
            expand=True,
        )
        table.add_column("key", style="bold", ratio=2, no_wrap=False)
        table.add_column("what", ratio=3)
        for key, what in keys:
            table.add_row(key, what) if what else table.add_row(f"[i]{key}[/i]", "")
        parts.append(table)
    return Group(*parts, "[dim]Escape closes this help.[/dim]")


class HelpScreen(ModalScreen[None]):
    """The key list; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(help_tables(), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
