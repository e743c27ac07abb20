"""Load cell calibration: counts to newtons, the wizard's arithmetic, and zero tracking.

A :class:`Calibration` says how many ADC counts one newton makes (``scale``) and what
the empty pad reads (``offset``), plus the cell's capacity and the noise measured while
calibrating. It is saved as JSON and validated on load: a missing or damaged file is a
:class:`CalibrationError` that tells the user to run ``trainer calibrate``, never a
silently wrong force.

The wizard (TUI or plain) drives a :class:`CalibrationProcedure`: tare while the reading
is steady, place a known mass, verify with a second mass (or the same again), save.

Example::

    calibration = load_calibration(path)
    force_n = calibration.force_n(counts)
"""

from __future__ import annotations

import json
import math
import os
import re
import statistics
import tempfile
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trainer.safe_text import quote
from trainer.sensors.base import SensorNotCalibrated

STANDARD_GRAVITY = 9.80665
FORMAT_VERSION = 1
FULL_SCALE_COUNTS = 1 << 23
#: a calibration older than this is reported by ``trainer doctor``
STALE_AFTER_DAYS = 90
#: a tare is refused while the reading drifts more than this many noise SDs over the window
MAX_DRIFT_SDS = 3.0
# What a stored calibration can hold and still be right: the ADC's whole range spread
# over less than a newton is no load cell; pads use cells of a few kg to 2 t.
MAX_SCALE_COUNTS_PER_N = float(FULL_SCALE_COUNTS)
MIN_CAPACITY_N = 1.0
MAX_CAPACITY_N = 2000 * STANDARD_GRAVITY
MAX_NOISE_FRACTION = 0.05
#: a calibration file is a few hundred bytes; anything much larger is not one
MAX_FILE_BYTES = 64 * 1024


class CalibrationError(SensorNotCalibrated):
    """No usable calibration; the message says what is wrong and to recalibrate."""


@dataclass(frozen=True, slots=True)
class Calibration:
    """How raw ADC counts become newtons, and how trustworthy that is.

    ``adc`` is the converter that measured it ("hx711", read by any HX711 backend, or
    "nau7802"): counts from one mean nothing to the other.
    """

    created: datetime
    scale_counts_per_n: float  # negative if the cell is mounted upside down
    offset_counts: float  # the empty pad's reading
    capacity_n: float
    noise_n: float  # standard deviation of the empty pad's reading
    channel: str = "A"
    gain: int = 128
    rate_hz: int = 80
    linearity_pct: float | None = None  # error at the verification mass, % of that load
    repeatability_n: float | None = None  # difference between two placements of one mass
    adc: str = "hx711"

    def force_n(self, counts: float, offset_counts: float | None = None) -> float:
        """Newtons for ``counts``, against the calibration's zero or ``offset_counts``."""
        zero = self.offset_counts if offset_counts is None else offset_counts
        return (counts - zero) / self.scale_counts_per_n

    def counts_for(self, force_n: float) -> float:
        return self.offset_counts + force_n * self.scale_counts_per_n

    def age_days(self, now: datetime | None = None) -> float:
        return ((now or datetime.now(UTC)) - self.created).total_seconds() / 86400

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, also stored with each session."""
        data = asdict(self)
        data["created"] = self.created.isoformat(timespec="seconds")
        data["format"] = FORMAT_VERSION
        return data

    @classmethod
    def from_dict(cls, data: object, where: str = "the calibration") -> Calibration:
        """Validate ``data``; raise :class:`CalibrationError` naming the bad field."""

        def bad(problem: str) -> CalibrationError:
            return CalibrationError(
                f"{where} {problem}; run 'trainer calibrate' to measure the load cell again"
            )

        if not isinstance(data, dict):
            raise bad("is not a calibration record")
        version = data.get("format")
        if isinstance(version, bool) or version != FORMAT_VERSION:
            raise bad(f"has format {quote(version)}, not {FORMAT_VERSION}")
        try:
            created = datetime.fromisoformat(str(data["created"]))
        except KeyError:
            raise bad("has no date") from None
        except ValueError:
            raise bad(f"has an unreadable date {quote(data['created'])}") from None
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        if created > datetime.now(UTC).replace(microsecond=0) + _ONE_DAY:
            raise bad(f"is dated in the future ({created:%Y-%m-%d})")

        def number(name: str, optional: bool = False) -> float | None:
            value = data.get(name)
            if value is None and optional:
                return None
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise bad(f"has no number for {name}")
            try:
                number = float(value)
            except OverflowError:  # an integer of hundreds of digits
                number = math.inf
            if not math.isfinite(number):
                raise bad(f"has {name} = {quote(value)}")
            return number

        scale = number("scale_counts_per_n")
        offset = number("offset_counts")
        capacity = number("capacity_n")
        noise = number("noise_n")
        assert scale is not None and offset is not None
        assert capacity is not None and noise is not None
        if abs(scale) < 1.0:
            raise bad(f"has a scale of {scale:g} counts per newton, too small for a load cell")
        if abs(scale) > MAX_SCALE_COUNTS_PER_N:
            raise bad(
                f"has a scale of {scale:g} counts per newton: the ADC's whole range would be "
                "less than a newton"
            )
        if abs(offset) >= FULL_SCALE_COUNTS:
            raise bad(f"has a zero of {offset:g} counts, outside the ADC's range")
        if not MIN_CAPACITY_N <= capacity <= MAX_CAPACITY_N:
            raise bad(
                f"has a capacity of {capacity:g} N; a pad's load cell holds "
                f"{MIN_CAPACITY_N:g} to {MAX_CAPACITY_N:g} N"
            )
        if noise < 0:
            raise bad(f"has a negative noise of {noise:g} N")
        if noise > MAX_NOISE_FRACTION * capacity:
            raise bad(
                f"has a noise of {noise:g} N; a working cell's noise is at most "
                f"{MAX_NOISE_FRACTION:.0%} of its capacity ({MAX_NOISE_FRACTION * capacity:g} N)"
            )
        channel = data.get("channel", "A")
        gain = data.get("gain", 128)
        rate = data.get("rate_hz", 80)
        adc = data.get("adc", "hx711")
        if adc == "nau7802":
            gains: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64, 128)
            pairs = {("A", g) for g in gains}
            rates: tuple[int, ...] = (10, 20, 40, 80, 320)
        elif adc == "hx711":
            pairs = {("A", 128), ("A", 64), ("B", 32)}
            rates = (10, 80)
        else:
            raise bad(f"was made with an unknown converter {quote(adc)}")
        pair = (channel, gain)
        if not (
            isinstance(channel, str)
            and isinstance(gain, int)
            and not isinstance(gain, bool)
            and pair in pairs
        ):
            raise bad(f"has channel {quote(channel)} with gain {quote(gain)}")
        if isinstance(rate, bool) or not isinstance(rate, int) or rate not in rates:
            raise bad(f"has a rate of {quote(rate)} samples per second")
        linearity = number("linearity_pct", optional=True)
        if linearity is not None and not 0 <= linearity <= 100:
            raise bad(f"has a linearity of {linearity:g} %; it lies from 0 to 100 %")
        repeatability = number("repeatability_n", optional=True)
        if repeatability is not None and not 0 <= repeatability <= capacity:
            raise bad(f"has a repeatability of {repeatability:g} N; it lies from 0 to the capacity")
        return cls(
            created=created,
            scale_counts_per_n=scale,
            offset_counts=offset,
            capacity_n=capacity,
            noise_n=noise,
            channel=channel,
            gain=gain,
            rate_hz=rate,
            linearity_pct=linearity,
            repeatability_n=repeatability,
            adc=adc,
        )

    def matches(self, channel: str, gain: int, adc: str = "hx711") -> bool:
        """True if the calibration was made with this converter, channel and gain."""
        return (self.adc, self.channel, self.gain) == (adc, channel, gain)


_ONE_DAY = datetime(2000, 1, 2) - datetime(2000, 1, 1)


def save_calibration(calibration: Calibration, path: Path) -> None:
    """Write atomically: a crash mid-write leaves the old file, never half a new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".calibration-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(calibration.to_dict(), handle, indent=2, allow_nan=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_calibration(path: Path) -> Calibration:
    """Read and validate the calibration file."""
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise CalibrationError(
            f"the load cell is not calibrated yet (no {path}); run 'trainer calibrate' "
            "with the pad empty and a known mass at hand"
        ) from None
    except OSError as error:
        raise CalibrationError(
            f"cannot read the calibration {path} ({error.strerror}); fix its permissions or "
            "run 'trainer calibrate'"
        ) from None
    try:
        if len(content) > MAX_FILE_BYTES:
            raise ValueError("too large")
        data = json.loads(content.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, numbers of 5,000 digits
        raise CalibrationError(
            f"the calibration file {path} is damaged (not a calibration's JSON); run "
            "'trainer calibrate' to measure the load cell again"
        ) from None
    return Calibration.from_dict(data, where=f"the calibration file {path}")


# -- masses -------------------------------------------------------------------------------

_MASS = re.compile(
    r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*(g|gram|grams|kg|kilo|kilos|kilograms?)\s*$", re.I
)


def parse_mass_kg(text: str) -> float:
    """``'500 g'`` or ``'2.5 kg'`` in kilograms; ``ValueError`` with the fix otherwise."""
    match = _MASS.match(text)
    if not match:
        raise ValueError(
            f"{text.strip()!r} is not a mass; type it with its unit, e.g. '500 g' or '2 kg'"
        )
    value = float(match.group(1).replace(",", "."))
    kg = value / 1000 if match.group(2).lower().startswith("g") else value
    if kg <= 0:
        raise ValueError("the mass must be more than zero; type e.g. '500 g' or '2 kg'")
    return kg


def describe_mass(kg: float) -> str:
    return f"{kg * 1000:g} g" if kg < 1 else f"{kg:g} kg"


# -- measuring ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measurement:
    """A stretch of raw readings: their mean, spread and drift."""

    mean_counts: float
    sd_counts: float
    drift_counts: float  # change of a straight-line fit from first to last reading
    n: int

    @classmethod
    def of(cls, counts: Sequence[float]) -> Measurement:
        n = len(counts)
        if n < 3:
            raise ValueError("need at least three readings")
        mean = statistics.fmean(counts)
        sd = statistics.stdev(counts)
        # Least-squares slope over the sample index, times the span.
        mid = (n - 1) / 2
        den = sum((i - mid) ** 2 for i in range(n))
        slope = sum((i - mid) * (c - mean) for i, c in enumerate(counts)) / den
        return cls(mean, sd, slope * (n - 1), n)

    def steady(self, noise_counts: float) -> bool:
        """False while the reading creeps (a hand on the pad, a settling mass)."""
        bound = MAX_DRIFT_SDS * max(noise_counts, 1.0)
        return abs(self.drift_counts) <= bound and self.sd_counts <= 2 * max(noise_counts, 1.0)


class NotSteady(Exception):
    """The reading drifted while the wizard wanted it still; the message says what to do."""


ReadRaw = Callable[[], int]


class CalibrationProcedure:
    """The calibration wizard's steps, independent of the screen that shows them.

    ``read_raw`` returns one conversion's signed counts (any load cell backend's
    ``read_raw``); ``adc`` names the converter, saved with the result.
    Each step averages ``window`` readings and refuses while they drift.
    """

    def __init__(
        self,
        read_raw: ReadRaw,
        *,
        capacity_n: float,
        rate_hz: int = 80,
        channel: str = "A",
        gain: int = 128,
        window: int | None = None,
        adc: str = "hx711",
    ) -> None:
        self.read_raw = read_raw
        self.adc = adc
        self.capacity_n = capacity_n
        self.rate_hz = rate_hz
        self.channel = channel
        self.gain = gain
        self.window = window or max(10, 2 * rate_hz)  # two seconds of readings
        self.zero: Measurement | None = None
        self.loaded: Measurement | None = None
        self.mass_kg: float | None = None
        self.scale: float | None = None
        self.verify_mass_kg: float | None = None
        self.verify_error_n: float | None = None

    def measure(self) -> Measurement:
        return Measurement.of([self.read_raw() for _ in range(self.window)])

    def tare(self) -> Measurement:
        """Measure the empty pad; refuse while the reading drifts."""
        first = self.measure()
        # The noise floor is the spread after removing the drift; a steady pad shows it.
        second = self.measure()
        noise = min(first.sd_counts, second.sd_counts)
        if not (first.steady(noise) and second.steady(noise)) or (
            abs(first.mean_counts - second.mean_counts) > MAX_DRIFT_SDS * max(noise, 1.0)
        ):
            raise NotSteady(
                "the reading is still changing; take your hands off the pad, wait a moment "
                "and tare again"
            )
        combined = Measurement(
            (first.mean_counts + second.mean_counts) / 2,
            noise,
            second.mean_counts - first.mean_counts,
            first.n + second.n,
        )
        self.zero = combined
        return combined

    def place_mass(self, mass_kg: float) -> float:
        """Measure with ``mass_kg`` on the pad; return the scale in counts per newton."""
        if self.zero is None:
            raise RuntimeError("tare first")
        loaded = self.measure()
        if not loaded.steady(self.zero.sd_counts):
            raise NotSteady(
                "the reading is still changing; let the mass settle without touching it, "
                "then measure again"
            )
        force_n = mass_kg * STANDARD_GRAVITY
        scale = (loaded.mean_counts - self.zero.mean_counts) / force_n
        if abs(scale) * force_n < 20 * max(self.zero.sd_counts, 1.0):
            raise NotSteady(
                f"the reading hardly changed with {describe_mass(mass_kg)} on the pad; check "
                "that the mass rests on the pad only and the cell is wired, then measure again"
            )
        self.loaded, self.mass_kg, self.scale = loaded, mass_kg, scale
        return scale

    def verify(self, mass_kg: float) -> float:
        """Weigh ``mass_kg`` with the new scale; return the error in newtons."""
        if self.zero is None or self.scale is None:
            raise RuntimeError("measure the first mass before verifying")
        measured = self.measure()
        if not measured.steady(self.zero.sd_counts):
            raise NotSteady("the reading is still changing; let the mass settle, then verify again")
        force = (measured.mean_counts - self.zero.mean_counts) / self.scale
        self.verify_mass_kg = mass_kg
        self.verify_error_n = force - mass_kg * STANDARD_GRAVITY
        return self.verify_error_n

    def result(self, now: datetime | None = None) -> Calibration:
        """The calibration to save."""
        if self.zero is None or self.scale is None:
            raise RuntimeError("tare and measure a mass first")
        linearity = repeatability = None
        if self.verify_error_n is not None and self.verify_mass_kg is not None:
            if self.verify_mass_kg == self.mass_kg:
                repeatability = abs(self.verify_error_n)
            else:
                linearity = (
                    100 * abs(self.verify_error_n) / (self.verify_mass_kg * STANDARD_GRAVITY)
                )
        return Calibration(
            created=(now or datetime.now(UTC)).replace(microsecond=0),
            scale_counts_per_n=self.scale,
            offset_counts=self.zero.mean_counts,
            capacity_n=self.capacity_n,
            noise_n=self.zero.sd_counts / abs(self.scale),
            channel=self.channel,
            gain=self.gain,
            rate_hz=self.rate_hz,
            linearity_pct=linearity,
            repeatability_n=repeatability,
            adc=self.adc,
        )


# -- zero tracking --------------------------------------------------------------------------


class ZeroTracker:
    """Slow automatic re-zero while the pad is unloaded and steady.

    Temperature makes a load cell's zero creep by a fraction of a newton over minutes.
    While the force stays within ``band_n`` of zero and steady for ``window_s``, the zero
    moves toward the reading at no more than ``rate_n_per_s``, and never further than
    ``limit_n`` from where the last tare put it, so a light touch held still is not
    zeroed away and a real offset is reported rather than hidden.

    Example::

        tracker = ZeroTracker(scale_counts_per_n=2800, zero_counts=84_000)
        zero = tracker.update(t_s, counts)   # the zero to subtract now
    """

    def __init__(
        self,
        scale_counts_per_n: float,
        zero_counts: float,
        *,
        band_n: float = 0.5,
        window_s: float = 2.0,
        rate_n_per_s: float = 0.05,
        limit_n: float = 2.0,
    ) -> None:
        self.scale = scale_counts_per_n
        self.band_n = band_n
        self.window_s = window_s
        self.rate_n_per_s = rate_n_per_s
        self.limit_n = limit_n
        self.reset(zero_counts)

    def reset(self, zero_counts: float) -> None:
        """A new tare: track around this zero from now on."""
        self.anchor_counts = zero_counts
        self.zero_counts = zero_counts
        self._window: deque[tuple[float, float]] = deque()
        self._last_t: float | None = None

    @property
    def correction_n(self) -> float:
        """How far tracking has moved the zero since the last tare."""
        return (self.zero_counts - self.anchor_counts) / self.scale

    def update(self, t_s: float, counts: float) -> float:
        """Feed one reading; return the zero (in counts) to use for it."""
        force = (counts - self.zero_counts) / self.scale
        window = self._window
        if abs(force) > self.band_n:
            window.clear()  # loaded: start the steady window again
        else:
            window.append((t_s, counts))
            while window and window[0][0] < t_s - self.window_s:
                window.popleft()
        last, self._last_t = self._last_t, t_s
        if last is None or not window or window[-1][0] - window[0][0] < self.window_s * 0.9:
            return self.zero_counts
        values = [c for _, c in window]
        spread_n = (max(values) - min(values)) / abs(self.scale)
        if spread_n > self.band_n:
            return self.zero_counts  # moving, not resting
        target = statistics.fmean(values)
        step = self.rate_n_per_s * max(0.0, t_s - last) * abs(self.scale)
        moved = max(-step, min(step, target - self.zero_counts))
        limit = self.limit_n * abs(self.scale)
        self.zero_counts = max(
            self.anchor_counts - limit, min(self.anchor_counts + limit, self.zero_counts + moved)
        )
        return self.zero_counts


def with_offset(calibration: Calibration, offset_counts: float) -> Calibration:
    """The calibration with a new zero (after a tare), for the session record."""
    return replace(calibration, offset_counts=offset_counts)
