"""Text that came from a person or a file: limits on names, and safe echoing.

Names (students, classes, exercises, phases) are one line of at most
:data:`MAX_NAME_CHARS` characters without control characters. Anything read from a file
or the database is passed through :func:`printable` before it reaches a terminal, so a
stored escape sequence is shown, never obeyed; :func:`quote` also shortens it.

Example::

    name = check_name(typed, "a student's name")   # ValueError with the fix
    print(printable(row.student))
"""

from __future__ import annotations

import math
import reprlib
import unicodedata
from collections.abc import Iterable
from typing import Any

#: the longest name the program accepts (students, classes, exercises, phases)
MAX_NAME_CHARS = 60
#: how much of a bad value an error message quotes
QUOTE_CHARS = 40


def _is_control(char: str) -> bool:
    # Cc: C0/C1 controls (ESC, BEL, CR, LF, DEL...); Cf: format characters such as the
    # bidirectional overrides that reorder what a terminal shows; Zl/Zp: line breaks.
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


#: characters the screens read as styling ("[bold]", "[/]"): refused in names and texts
MARKUP_CHARS = "[]"


def has_markup(text: str) -> bool:
    """Whether ``text`` holds a square bracket, which the screens would take as styling."""
    return any(c in MARKUP_CHARS for c in text)


def has_control(text: str, *, allow_newlines: bool = False) -> bool:
    """Whether ``text`` holds a control character (line breaks allowed if asked)."""
    allowed = "\n\t" if allow_newlines else ""
    return any(_is_control(c) and c not in allowed for c in text)


def printable(text: object, *, keep: str = "") -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\n``).

    Characters in ``keep`` (say ``"\\n"`` for a whole report) pass unchanged.
    """
    value = str(text)
    if not any(_is_control(c) and c not in keep for c in value):
        return value
    return "".join(_escape(c) if _is_control(c) and c not in keep else c for c in value)


class EscapingStream:
    """A text stream that shows control characters as escapes instead of obeying them.

    The ``trainer`` command writes through one, so a student name or an exercise file
    holding terminal escapes cannot recolour, retitle or rewrite the user's terminal.
    Line breaks and tabs pass. Everything else (``fileno``, ``isatty``...) is the
    wrapped stream's.
    """

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(printable(text, keep="\n\t"))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _escape(char: str) -> str:
    escaped = repr(char)[1:-1]
    return escaped if escaped != char else f"\\u{ord(char):04x}"


def check_name(text: str, what: str, *, limit: int = MAX_NAME_CHARS) -> str:
    """``text`` stripped, or ``ValueError`` saying what is wrong with it as ``what``."""
    name = text.strip()
    if not name:
        raise ValueError(f"{what} cannot be empty")
    if has_control(name):
        raise ValueError(
            f"{what} {quote(name)} holds a control character or line break: "
            "use letters, digits, spaces and punctuation"
        )
    if len(name) > limit:
        raise ValueError(
            # quote() gives the length of a name this long: "'Ann...' (3000 characters)"
            f"{what} {quote(name)} is too long: use at most {limit} characters"
        )
    if has_markup(name):
        raise ValueError(
            f"{what} {quote(name)} holds a square bracket, which the screens read as "
            "styling: use round brackets ( ) instead"
        )
    return name


class _ShortRepr(reprlib.Repr):
    """A bounded ``repr``: deep or huge values are cut, never recursed into whole."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 2
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = 4
        self.maxstring = QUOTE_CHARS
        self.maxother = QUOTE_CHARS

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 100:  # str() of a huge int is slow or refused
            digits = math.floor(math.log10(abs(x))) + 1
            if 10 ** (digits - 1) > abs(x):  # log10 rounded up at 99...9
                digits -= 1
            return f"<a whole number of {digits} digits>"
        return super().repr_int(x, level)

    def repr_str(self, x: str, level: int) -> str:
        if len(x) <= QUOTE_CHARS:
            return printable(repr(x))
        return printable(repr(x[: QUOTE_CHARS - 3])[:-1] + "...'") + f" ({len(x)} characters)"


_SHORT = _ShortRepr()


def quote(value: object) -> str:
    """A short, escaped ``repr`` of ``value`` for an error message."""
    try:
        return _SHORT.repr(value)
    except (RecursionError, ValueError):
        return f"<a {type(value).__name__}>"
