"""Practising the calibration wizard on a laptop: a simulated load cell and pad.

``trainer calibrate --sim`` runs the real wizard (the same steps, checks and figures)
against :class:`PracticeLoadCell`: raw counts like an HX711's, with an unknown zero
offset, an unknown scale (either sign, as a reversed bridge gives) and reading noise.
The pad carries exactly the mass the instructor types at each step, and nothing while
taring. The calibration it makes is saved to a practice file, never over the real one.

Example::

    procedure = practice_procedure(capacity_n=490.0, rate_hz=80, seed=1)
    procedure.tare()
    procedure.place_mass(2.0)      # about 19.6 N on the simulated pad
"""

from __future__ import annotations

import random
import time

from trainer.calibration import STANDARD_GRAVITY, CalibrationProcedure, Measurement


class PracticeLoadCell:
    """Raw counts of a simulated HX711 and load cell, read at ``rate_hz``."""

    def __init__(self, *, rate_hz: int = 80, seed: int | None = None, realtime: bool = True):
        rng = random.Random(seed)
        self._rng = rng
        self.rate_hz = rate_hz
        self.realtime = realtime
        #: what a real cell would not tell you: the wizard has to find them
        self.zero_counts = rng.randint(-150_000, 150_000)
        self.counts_per_n = rng.uniform(380.0, 460.0) * rng.choice((1, -1))
        self.noise_counts = rng.uniform(12.0, 30.0)
        self.load_kg = 0.0
        self._next_at = time.monotonic()

    def place(self, mass_kg: float) -> None:
        """Put ``mass_kg`` on the simulated pad (0: take everything off)."""
        self.load_kg = mass_kg

    def read_raw(self) -> int:
        """One conversion's signed counts, paced like the chip when ``realtime``."""
        if self.realtime:
            self._next_at = max(self._next_at + 1 / self.rate_hz, time.monotonic() - 0.1)
            delay = self._next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        force_n = self.load_kg * STANDARD_GRAVITY
        counts = self.zero_counts + self.counts_per_n * force_n
        return round(counts + self._rng.gauss(0.0, self.noise_counts))


class PracticeProcedure(CalibrationProcedure):
    """The wizard's procedure on a :class:`PracticeLoadCell`: each step puts its mass on."""

    def __init__(self, cell: PracticeLoadCell, *, capacity_n: float, window: int | None = None):
        super().__init__(cell.read_raw, capacity_n=capacity_n, rate_hz=cell.rate_hz, window=window)
        self.cell = cell

    def tare(self) -> Measurement:
        self.cell.place(0.0)
        return super().tare()

    def place_mass(self, mass_kg: float) -> float:
        self.cell.place(mass_kg)
        return super().place_mass(mass_kg)

    def verify(self, mass_kg: float) -> float:
        self.cell.place(mass_kg)
        return super().verify(mass_kg)


def practice_procedure(
    *,
    capacity_n: float,
    rate_hz: int = 80,
    window: int | None = None,
    seed: int | None = None,
    realtime: bool = True,
) -> PracticeProcedure:
    """A calibration procedure on a fresh simulated load cell."""
    cell = PracticeLoadCell(rate_hz=rate_hz, seed=seed, realtime=realtime)
    return PracticeProcedure(cell, capacity_n=capacity_n, window=window)
