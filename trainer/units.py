"""Force display units. Forces are newtons everywhere inside the program."""

from __future__ import annotations

from enum import StrEnum

NEWTONS_PER_KGF = 9.80665
NEWTONS_PER_LBF = 4.448222


class Unit(StrEnum):
    """A unit a student may choose to see forces in."""

    N = "N"
    KGF = "kgf"
    LBF = "lbf"

    @property
    def newtons(self) -> float:
        """How many newtons one of this unit is."""
        return {Unit.N: 1.0, Unit.KGF: NEWTONS_PER_KGF, Unit.LBF: NEWTONS_PER_LBF}[self]

    def from_newtons(self, force_n: float) -> float:
        return force_n / self.newtons

    def to_newtons(self, value: float) -> float:
        return value * self.newtons

    def show(self, force_n: float, decimals: int | None = None) -> str:
        """``'12.3 N'``, ``'1.25 kgf'``: precision suited to the unit."""
        places = decimals if decimals is not None else (1 if self is Unit.N else 2)
        return f"{self.from_newtons(force_n):.{places}f} {self.value}"

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
