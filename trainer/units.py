"""Force display units. Forces are newtons everywhere inside the program.

Besides the forces (N, kgf, lbf) there is one pressure, kPa: force per contact area,
as algometers report it for a probe of known area. A :class:`Contact` gives the area
(an exercise or a student chooses one: thumb, knuckle, elbow, tool); without one, kPa is
for the algometer's standard 1 cm² tip. 1 N on 1 cm² is 10 kPa.

Example::

    Unit.KPA.show(20.0, contact=CONTACTS["thumb"])   # '100 kPa' (20 N on 2 cm²)
    Unit.N.show(20.0)                                # '20.0 N'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

NEWTONS_PER_KGF = 9.80665
NEWTONS_PER_LBF = 4.448222
#: 1 kPa on 1 cm² is 0.1 N (1000 Pa x 0.0001 m²)
NEWTONS_PER_KPA_CM2 = 0.1
#: contact areas a pad can tell apart, in cm² (a fingertip to a forearm)
MIN_AREA_CM2, MAX_AREA_CM2 = 0.1, 100.0
# By the unit (a str), built once: the live screen formats forces every frame.
# kPa here is on the standard 1 cm² tip; a contact's area scales it.
_NEWTONS = {"N": 1.0, "kgf": NEWTONS_PER_KGF, "lbf": NEWTONS_PER_LBF, "kPa": NEWTONS_PER_KPA_CM2}
_DECIMALS = {"N": 1, "kgf": 2, "lbf": 1, "kPa": 0}


@dataclass(frozen=True, slots=True)
class Contact:
    """What presses the pad and over how much area: kPa is force over this area."""

    kind: str  # thumb, knuckle, elbow, tool (or the instructor's own word)
    area_cm2: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.area_cm2) and MIN_AREA_CM2 <= self.area_cm2 <= MAX_AREA_CM2):
            raise ValueError(
                f"a contact area of {self.area_cm2:g} cm² is not plausible: give "
                f"{MIN_AREA_CM2:g} to {MAX_AREA_CM2:g} cm²"
            )

    def describe(self) -> str:
        return f"{self.kind}, {self.area_cm2:g} cm²"


#: typical contact areas (estimates: a thumb spreads force over an area that varies with
#: the hand and the press; measure your own and give it as e.g. ``thumb 2.5``). The tool
#: is an algometer's standard 1 cm² tip, the one exact area.
CONTACTS: dict[str, Contact] = {
    "thumb": Contact("thumb", 2.0),
    "knuckle": Contact("knuckle", 1.5),
    "elbow": Contact("elbow", 4.0),
    "tool": Contact("tool", 1.0),
}
_CONTACT_TEXT = re.compile(r"^\s*([a-z][a-z -]*?)\s*(?:[ :=,]\s*([0-9.]+)\s*(?:cm2|cm²)?)?\s*$")


def parse_contact(text: str) -> Contact:
    """``'thumb'``, ``'tool 0.8'``, ``'elbow: 5 cm²'`` -> a :class:`Contact`.

    A known kind without an area takes its typical area; any other kind needs one.
    """
    match = _CONTACT_TEXT.match(text.strip().lower())
    if match is None:
        raise ValueError(
            f"{text!r} is not a contact: give thumb, knuckle, elbow or tool, "
            "optionally with an area in cm² (e.g. 'tool 0.8')"
        )
    kind, area = match.group(1).strip(), match.group(2)
    if area is None:
        if kind not in CONTACTS:
            raise ValueError(
                f"{kind!r} is not a known contact: use {', '.join(CONTACTS)}, or give its "
                "area in cm² (e.g. 'probe 0.5')"
            )
        return CONTACTS[kind]
    try:
        return Contact(kind, float(area))
    except ValueError as error:
        raise ValueError(str(error)) from None


class Unit(StrEnum):
    """A unit a student may choose to see forces in."""

    N = "N"
    KGF = "kgf"
    LBF = "lbf"
    KPA = "kPa"  # a pressure: force over the contact's area

    @property
    def newtons(self) -> float:
        """How many newtons one of this unit is (kPa: on the standard 1 cm² tip)."""
        return _NEWTONS[self]

    def newtons_on(self, contact: Contact | None) -> float:
        """How many newtons one of this unit is; kPa depends on the contact's area."""
        if contact is None or self is not Unit.KPA:
            return _NEWTONS[self]
        return NEWTONS_PER_KPA_CM2 * contact.area_cm2

    @property
    def is_pressure(self) -> bool:
        return self is Unit.KPA

    def from_newtons(self, force_n: float, contact: Contact | None = None) -> float:
        return force_n / self.newtons_on(contact)

    def to_newtons(self, value: float, contact: Contact | None = None) -> float:
        return value * self.newtons_on(contact)

    @property
    def decimals(self) -> int:
        """Decimal places of the unit's display resolution (0.1 N, 0.01 kgf, 0.1 lbf, 1 kPa).

        About a tenth of a newton in each unit, the noise of a hand on the pad (on a
        1 cm² tip that is 1 kPa).
        """
        return _DECIMALS[self]

    def number(
        self,
        value_n: float,
        *,
        signed: bool = False,
        compact: bool = False,
        contact: Contact | None = None,
    ) -> str:
        """A force (or a rate, N/s) as a number in this unit, rounded to its resolution.

        The one place every screen rounds a force for display. ``compact`` drops trailing
        zeros (``'20'``, ``'13.5'``: band edges, scale ticks); ``signed`` writes ``+`` for
        positive values. A value that rounds to zero is ``'0.0'``, never ``'-0.0'``.

        >>> Unit.LBF.number(60.0), Unit.N.number(-0.04, signed=True), Unit.N.number(20, compact=True)
        ('13.5', '0.0', '20')
        """
        places = self.decimals
        rounded = (
            round(self.from_newtons(value_n, contact), places) + 0.0
        )  # + 0.0 turns -0.0 into 0.0
        text = f"{rounded:+.{places}f}" if signed and rounded != 0 else f"{rounded:.{places}f}"
        if compact and "." in text:
            text = text.rstrip("0").rstrip(".")
        return text

    def show(
        self,
        force_n: float,
        *,
        signed: bool = False,
        compact: bool = False,
        contact: Contact | None = None,
    ) -> str:
        """``'12.3 N'``, ``'1.25 kgf'``, ``'100 kPa'``: :meth:`number` with the unit."""
        number = self.number(force_n, signed=signed, compact=compact, contact=contact)
        return f"{number} {self.value}"

    def show_rate(
        self, rate_n_per_s: float, *, compact: bool = True, contact: Contact | None = None
    ) -> str:
        """``'4.7 N/s'``: a rate of force, rounded like a force."""
        return f"{self.number(rate_n_per_s, compact=compact, contact=contact)} {self.value}/s"

    def next(self, contact: Contact | None = None) -> Unit:
        """The unit after this one, for a key that cycles units.

        kPa is in the cycle only with a contact: its area turns a force into a pressure
        (see :class:`Contact`).
        """
        units = [u for u in Unit if contact is not None or not u.is_pressure]
        return units[(units.index(self) + 1) % len(units)] if self in units else Unit.N

    def label(self, contact: Contact | None = None) -> str:
        """The unit as a screen names it: ``'N'``; kPa with its contact, ``'kPa (thumb 2 cm²)'``."""
        if self.is_pressure and contact is not None:
            return f"{self.value} ({contact.kind} {contact.area_cm2:g} cm²)"
        return self.value

    @classmethod
    def parse(cls, text: str) -> Unit:
        for unit in cls:
            if unit.value.lower() == text.strip().lower():
                return unit
        raise ValueError(f"unknown unit {text!r}; choose N, kgf, lbf or kPa")
