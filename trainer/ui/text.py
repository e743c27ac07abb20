"""Short texts the screens share: forces in the chosen unit, bands, times, targets.

Names and texts from the records or from files go through :func:`literal` (or
:func:`styled` inside styled text): Textual reads a plain string as styling (``"Ana [/]"``
would crash a label), so the screens show them as content, control characters escaped.
"""

from __future__ import annotations

import re
import textwrap

from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.notifications import SeverityLevel

from trainer.exercises import Exercise, Phase, PhaseKind, TargetBand
from trainer.safe_text import has_control, printable
from trainer.units import Contact, Unit


def literal(value: object) -> Content:
    """``value`` for a label, shown as written: no styling read into it, control characters
    escaped (line breaks kept: a label may hold several lines)."""
    return Content(printable(value, keep="\n"))


def literal_text(value: Text) -> Text:
    """A :class:`~rich.text.Text` (built on purpose, so its styling stays) with its control
    characters escaped, if it holds any besides line breaks."""
    if not has_control(value.plain, allow_newlines=True):
        return value
    return Text(printable(value.plain, keep="\n\t"), style=value.style)


def styled(markup: str, **values: object) -> Content:
    """Styling written here with names from the records or files put in as written.

    ``styled("[b]$name[/b] finished", name=student)``: each ``$value`` shows every
    character as written (a bracket or a backslash before one is never read as styling,
    and never breaks the styling around it), control characters escaped, line breaks kept.
    Escaping into the markup string cannot do this: Textual has no escape for a backslash
    before a tag (``"[b]C:\\temp\\[/b]"``).
    """
    return Content.from_markup(
        markup, **{name: printable(value, keep="\n") for name, value in values.items()}
    )


class NoticesAsWritten(App[None]):
    """An app whose notifications show their words as written, never as styling.

    Notifications quote names from the records and files (``"Saved for Ana [/]"``).
    """

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        super().notify(
            printable(message, keep="\n"),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )


def force(unit: Unit, force_n: float) -> str:
    """``'12.3 N'``, ``'1.25 kgf'``."""
    return unit.show(force_n)


def band(
    unit: Unit, target: TargetBand | tuple[float, float], contact: Contact | None = None
) -> str:
    """``'light 10-20 N'``, ``'1.02-2.04 kgf'``: edges as the gauge's ticks show them."""
    if isinstance(target, TargetBand):
        low, high, level = target.low_n, target.high_n, target.level
    else:
        (low, high), level = target, None
    low_text = unit.number(low, compact=True, contact=contact)
    text = f"{low_text}-{unit.number(high, compact=True, contact=contact)} {unit.value}"
    return f"{level} {text}" if level else text


def packed(parts: list[str], width: int, separator: str = " | ") -> str:
    """``parts`` joined by ``separator`` on as few lines of ``width`` as they need.

    A line breaks only between parts, so ``'bias +2.0 N'`` or ``'6 s'`` is never split
    across two lines; a part wider than ``width`` has a line of its own.

    >>> packed(["in band 78%", "bias +2.0 N", "6 s"], 26)
    'in band 78% | bias +2.0 N\n6 s'
    """
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + len(separator) + len(part) <= width:
            lines[-1] += separator + part
        else:
            lines.append(part)
    return "\n".join(lines)


#: the space between a number and its unit ("15.0 N", "0.33 kgf", "8 N/s", "6 s", "2 cm²")
_SPACE_BEFORE_UNIT = re.compile(r"(?<=\d) (?=(?:N|kgf|lbf|kPa|s|cm²)(?!\w))")
#: holds a number and its unit together while wrapping (textwrap breaks at ASCII spaces only)
_NO_BREAK = "\u00a0"


def wrapped(paragraph: str, width: int, bullet: str = "") -> list[str]:
    """``paragraph`` in lines of ``width``, behind ``bullet`` with its other lines under
    its first word.

    A line never breaks between a number and its unit: ``15.0`` at the end of one line
    and ``N`` at the start of the next reads as a different number.

    >>> wrapped("You overshot by up to 15.0 N over the band.", 28, "• ")
    ['• You overshot by up to', '  15.0 N over the band.']
    """
    wrapper = textwrap.TextWrapper(
        width=max(width, len(bullet) + 1),
        initial_indent=bullet,
        subsequent_indent=" " * len(bullet),
        break_long_words=False,
        break_on_hyphens=False,
    )
    glued = _SPACE_BEFORE_UNIT.sub(_NO_BREAK, paragraph.replace(_NO_BREAK, " "))
    return [line.replace(_NO_BREAK, " ") for line in wrapper.wrap(glued)]


def seconds(value_s: float) -> str:
    """``'42 s'`` or ``'1:05'``."""
    value = max(0, round(value_s))
    return f"{value} s" if value < 60 else f"{value // 60}:{value % 60:02d}"


def target_summary(exercise: Exercise, unit: Unit) -> str:
    """The distinct bands of the scored phases, in the chosen unit."""
    bands: list[str] = []
    for phase in exercise.phases:
        if phase.kind in (PhaseKind.RAMP, PhaseKind.HOLD) and phase.band is not None:
            text = band(unit, (phase.band.low_n, phase.band.high_n))
            if text not in bands:
                bands.append(text)
    summary = ", ".join(bands[:3]) + (" ..." if len(bands) > 3 else "")
    rates = sorted({p.rate_n_per_s for p in exercise.phases if p.rate_n_per_s})
    if rates:
        summary += "; ramp " + "/".join(unit.number(r, compact=True) for r in rates)
        summary += f" {unit.value}/s"
    return summary


def phase_goal(phase: Phase, unit: Unit) -> str:
    """What ends the phase, in words: ``'hold 6 s'``, ``'30 s in the band'``."""
    if phase.kind is PhaseKind.REST:
        return f"rest {seconds(phase.limit_s)}"
    if phase.duration_s is not None:
        return f"{phase.kind.value} {seconds(phase.duration_s)}"
    if phase.hold_s is not None:
        return f"{seconds(phase.hold_s)} in the band"
    if phase.kind is PhaseKind.RAMP and phase.rate_n_per_s:
        return f"ramp at {unit.show_rate(phase.rate_n_per_s)}"
    return phase.kind.value


def sentence(error: object) -> str:
    """An error message as a sentence: first letter upper-case, ending in a full stop.

    (``str.capitalize`` would lower-case the names inside it.)
    """
    text = str(error).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
