"""Force display units. Forces are newtons everywhere inside the program."""

from __future__ import annotations

from enum import StrEnum

NEWTONS_PER_KGF = 9.80665
NEWTONS_PER_LBF = 4.448222
# By the unit (a str), built once: the live screen formats forces every frame.
_NEWTONS = {"N": 1.0, "kgf": NEWTONS_PER_KGF, "lbf": NEWTONS_PER_LBF}
_DECIMALS = {"N": 1, "kgf": 2, "lbf": 1}


class Unit(StrEnum):
    """A unit a student may choose to see forces in."""

    N = "N"
    KGF = "kgf"
    LBF = "lbf"

    @property
    def newtons(self) -> float:
        """How many newtons one of this unit is."""
        return _NEWTONS[self]

    def from_newtons(self, force_n: float) -> float:
        return force_n / self.newtons

    def to_newtons(self, value: float) -> float:
        return value * self.newtons

    @property
    def decimals(self) -> int:
        """Decimal places of the unit's display resolution (0.1 N, 0.01 kgf, 0.1 lbf).

        About a tenth of a newton in each unit, the noise of a hand on the pad.
        """
        return _DECIMALS[self]

    def number(self, value_n: float, *, signed: bool = False, compact: bool = False) -> str:
        """A force (or a rate, N/s) as a number in this unit, rounded to its resolution.

        The one place every screen rounds a force for display. ``compact`` drops trailing
        zeros (``'20'``, ``'13.5'``: band edges, scale ticks); ``signed`` writes ``+`` for
        positive values. A value that rounds to zero is ``'0.0'``, never ``'-0.0'``.

        >>> Unit.LBF.number(60.0), Unit.N.number(-0.04, signed=True), Unit.N.number(20, compact=True)
        ('13.5', '0.0', '20')
        """
        places = self.decimals
        rounded = round(self.from_newtons(value_n), places) + 0.0  # + 0.0 turns -0.0 into 0.0
        text = f"{rounded:+.{places}f}" if signed and rounded != 0 else f"{rounded:.{places}f}"
        if compact and "." in text:
            text = text.rstrip("0").rstrip(".")
        return text

    def show(self, force_n: float, *, signed: bool = False, compact: bool = False) -> str:
        """``'12.3 N'``, ``'1.25 kgf'``: :meth:`number` with the unit."""
        return f"{self.number(force_n, signed=signed, compact=compact)} {self.value}"

    def show_rate(self, rate_n_per_s: float, *, compact: bool = True) -> str:
        """``'4.7 N/s'``: a rate of force, rounded like a force."""
        return f"{self.number(rate_n_per_s, compact=compact)} {self.value}/s"

    def next(self) -> Unit:
        """The unit after this one, for a key that cycles units."""
        units = list(Unit)
        return units[(units.index(self) + 1) % len(units)]

    @classmethod
    def parse(cls, text: str) -> Unit:
        for unit in cls:
            if unit.value.lower() == text.strip().lower():
                return unit
        raise ValueError(f"unknown unit {text!r}; choose N, kgf or lbf")
