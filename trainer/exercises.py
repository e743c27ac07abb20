"""The exercise model, and loading and validating exercise files (TOML).

An exercise is an ordered list of phases; each phase has a kind (ramp, hold, release,
rest), a target band in newtons, how it ends, and a feedback mode. Files are described
in ``exercises/README.md``.

Example::

    library = ExerciseLibrary.load()
    exercise = library.get("ischemic-compression")
    for phase in exercise.phases:
        print(phase.kind, phase.band)
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from trainer.safe_text import MAX_NAME_CHARS, has_control, has_markup, printable, quote
from trainer.units import CONTACTS, Contact, parse_contact

#: a 50 kg bar load cell, the size the hardware guide recommends for a pad
DEFAULT_CAPACITY_N = 490.0

ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")
#: the longest id: it names a file, and fits in a table column
MAX_ID_CHARS = 60

# Limits every exercise keeps, named in the errors. A phase shorter than half a second
# cannot be seen, let alone felt; a class period is a few hours at most.
MIN_PHASE_S = 0.5
MAX_PHASE_S = 3600.0
MAX_EXERCISE_S = 3 * 3600.0
#: phases after repeats are expanded
MAX_PHASES = 300
MAX_REPEAT = 100
#: narrower than this, no hand (and no load cell's noise) can stay inside a band
MIN_BAND_WIDTH_N = 0.5
#: a ramp slower than this is a hold; faster than this is a slap, not a ramp
MIN_RATE_N_PER_S = 0.5
MAX_RATE_N_PER_S = 200.0
MIN_RATE_TOLERANCE_N_PER_S = 0.1
MAX_CUE_CHARS = 120
MAX_INSTRUCTIONS_CHARS = 2000


class PhaseKind(StrEnum):
    """What the student does in a phase."""

    RAMP = "ramp"  # raise (or lower) the force at a steady rate into the band
    HOLD = "hold"  # keep the force inside the band
    RELEASE = "release"  # ease off into a low band
    REST = "rest"  # hands off; not scored


class FeedbackMode(StrEnum):
    """Whether the student sees the force during the phase."""

    LIVE = "live"
    BLIND = "blind"  # gauge hidden; knowledge of results only afterwards


DEFAULT_CUES: dict[PhaseKind, str] = {
    PhaseKind.RAMP: "Press in slowly and steadily",
    PhaseKind.HOLD: "Hold steady inside the band",
    PhaseKind.RELEASE: "Ease off slowly",
    PhaseKind.REST: "Hands off the pad and relax",
}


@dataclass(frozen=True, slots=True)
class TargetBand:
    """A force range in newtons, ``low <= force <= high``."""

    low_n: float
    high_n: float
    level: str | None = None  # the named level it came from, if any
    #: who set it when not the exercise file: "class <name>" or "student" (records say
    #: which bands a score was judged against); not part of the band's value
    source: str = field(default="", compare=False)

    @property
    def centre_n(self) -> float:
        return (self.low_n + self.high_n) / 2

    @property
    def width_n(self) -> float:
        return self.high_n - self.low_n

    def distance_n(self, force_n: float) -> float:
        """Signed distance to the band: negative below, 0 inside, positive above."""
        if force_n < self.low_n:
            return force_n - self.low_n
        if force_n > self.high_n:
            return force_n - self.high_n
        return 0.0

    def label(self) -> str:
        text = f"{self.low_n:g}-{self.high_n:g} N"
        return f"{self.level} ({text})" if self.level else text


@dataclass(frozen=True, slots=True)
class Phase:
    """One step of an exercise, after repeats are expanded.

    Ending: a fixed ``duration_s``; or, for holds, once ``hold_s`` seconds were spent
    inside the band (at most ``max_s``); ramps end on reaching the band, releases on
    dropping into theirs, each at most ``max_s``.
    """

    kind: PhaseKind
    name: str
    band: TargetBand | None
    cue: str
    feedback: FeedbackMode = FeedbackMode.LIVE
    duration_s: float | None = None
    hold_s: float | None = None
    max_s: float | None = None
    rate_n_per_s: float | None = None
    rate_tolerance_n_per_s: float | None = None
    repetition: int | None = None  # 1-based repeat number inside a repeated group

    @property
    def scored(self) -> bool:
        return self.kind is not PhaseKind.REST and self.band is not None

    @property
    def nominal_s(self) -> float:
        """How long the phase is planned to take (for timelines and summaries)."""
        if self.duration_s is not None:
            return self.duration_s
        if self.hold_s is not None:
            return self.hold_s
        if self.kind is PhaseKind.RAMP and self.band and self.rate_n_per_s:
            return min(self.max_s or math.inf, self.band.low_n / self.rate_n_per_s)
        return self.max_s or 0.0

    @property
    def limit_s(self) -> float:
        """The longest the phase can last."""
        if self.duration_s is not None:
            return self.duration_s
        assert self.max_s is not None
        return self.max_s


@dataclass(frozen=True, slots=True)
class Exercise:
    """A technique drill: identity, instructions and the expanded phase list."""

    id: str
    name: str
    technique: str
    instructions: str
    phases: tuple[Phase, ...]
    levels: Mapping[str, TargetBand] = field(default_factory=dict)
    source: str = ""  # the file it was read from
    builtin: bool = True
    #: content hash of the definition it was loaded from (see :func:`content_version`);
    #: computed when left blank, and kept by copies with other bands or feedback, so a
    #: session records the version of the exercise it was judged against
    version: str = ""
    #: what presses the pad and its area, for showing kPa (None: not said)
    contact: Contact | None = None

    def __post_init__(self) -> None:
        if not self.version:
            object.__setattr__(self, "version", content_version(self._definition()))

    @property
    def nominal_s(self) -> float:
        return sum(p.nominal_s for p in self.phases)

    def _definition(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "technique": self.technique,
            "instructions": self.instructions,
            "phases": [_phase_to_json(p) for p in self.phases],
        }

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy of the exercise as used, for the session record."""
        return self._definition() | {
            "source": self.source,
            "builtin": self.builtin,
            "version": self.version,
            "contact": None
            if self.contact is None
            else {"kind": self.contact.kind, "area_cm2": self.contact.area_cm2},
        }

    @classmethod
    def from_snapshot(cls, snap: Mapping[str, Any]) -> Exercise:
        """Rebuild an exercise from :meth:`snapshot` output (a stored session)."""
        phases = []
        for p in snap["phases"]:
            band = p.get("band")
            phases.append(
                Phase(
                    kind=PhaseKind(p["kind"]),
                    name=p["name"],
                    band=_band_from_snapshot(band),
                    cue=p["cue"],
                    feedback=FeedbackMode(p["feedback"]),
                    duration_s=p.get("duration_s"),
                    hold_s=p.get("hold_s"),
                    max_s=p.get("max_s"),
                    rate_n_per_s=p.get("rate_n_per_s"),
                    rate_tolerance_n_per_s=p.get("rate_tolerance_n_per_s"),
                    repetition=p.get("repetition"),
                )
            )
        return cls(
            id=snap["id"],
            name=snap["name"],
            technique=snap["technique"],
            instructions=snap["instructions"],
            phases=tuple(phases),
            source=snap.get("source", ""),
            builtin=snap.get("builtin", True),
            version=snap.get("version") or content_version(snap),
            contact=_contact_from_snapshot(snap.get("contact")),
        )


def _contact_from_snapshot(value: Any) -> Contact | None:
    if not isinstance(value, dict):
        return None
    try:
        return Contact(str(value.get("kind", "contact")), float(value["area_cm2"]))
    except (KeyError, TypeError, ValueError):
        return None


def content_version(definition: Mapping[str, Any]) -> str:
    """A short hash of what judges a session: id, name, technique, instructions, phases.

    Where the file sits, and its comments and layout, do not count; any change to a
    phase, band or name does. ``definition`` is an :meth:`Exercise.snapshot` (stored
    sessions) or the same without its ``source``, ``builtin`` and ``version``.
    """
    content = {k: definition.get(k) for k in ("id", "name", "technique", "instructions", "phases")}
    phases = content["phases"]
    if isinstance(phases, list):  # who set a band is not part of the exercise
        content["phases"] = [_without_band_source(p) for p in phases]
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _without_band_source(phase: Any) -> Any:
    band = phase.get("band") if isinstance(phase, dict) else None
    if not isinstance(band, dict) or "source" not in band:
        return phase
    return phase | {"band": {k: v for k, v in band.items() if k != "source"}}


def _band_from_snapshot(band: Any) -> TargetBand | None:
    # Records written before bands had to be finite may hold null bounds: no band then.
    if not isinstance(band, dict):
        return None
    low, high = _finite(band.get("low_n")), _finite(band.get("high_n"))
    if low is None or high is None:
        return None
    source = band.get("source")
    return TargetBand(low, high, band.get("level"), source if isinstance(source, str) else "")


def _phase_to_json(phase: Phase) -> dict[str, Any]:
    data = asdict(phase)
    data["kind"] = phase.kind.value
    data["feedback"] = phase.feedback.value
    return data


# -- validation ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExerciseProblem:
    """One thing wrong in an exercise file, located as precisely as possible."""

    file: str
    where: str  # "phase 2", "phase 3, step 1", or "" for the file itself
    field: str
    value: Any
    allowed: str

    def __str__(self) -> str:
        place = ", ".join(part for part in (self.file, self.where) if part)
        value = self.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # show 10, as the instructor wrote it, not 10.0
        if value is _MISSING:
            shown = "missing"
        elif isinstance(value, ParserWords):
            shown = printable(value)  # the parser's words, whole: they say what is wrong
        else:
            shown = quote(value)
        return f"{place}: {quote_key(self.field)} = {shown}: {self.allowed}"


class ParserWords(str):
    """What the TOML parser said was wrong: shown whole, unlike a value from the file."""


def quote_key(key: str) -> str:
    """A field name from a file, shortened and escaped if it is not a plain word."""
    if len(key) <= MAX_NAME_CHARS and not has_control(key):
        return key
    return quote(key)


class ExerciseError(Exception):
    """An exercise file is invalid; ``problems`` lists every error found."""

    def __init__(self, problems: list[ExerciseProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


_MISSING: Any = type("Missing", (), {"__repr__": lambda self: "missing"})()

_PHASE_KEYS = {
    "kind",
    "name",
    "band",
    "cue",
    "feedback",
    "duration_s",
    "hold_s",
    "max_s",
    "rate_n_per_s",
    "rate_tolerance_n_per_s",
}
#: an exercise file's top-level keys, in the order files are written
TOP_KEYS_ORDER = (
    "id",
    "name",
    "technique",
    "instructions",
    "feedback",
    "contact",
    "levels",
    "phases",
)
_TOP_KEYS = set(TOP_KEYS_ORDER)


class _Checker:
    """Collects problems while parsing one file, so all are reported at once."""

    def __init__(self, file: str, capacity_n: float) -> None:
        self.file = file
        self.capacity_n = capacity_n
        self.problems: list[ExerciseProblem] = []
        #: the file's named levels, which a phase's band may name (filled by :func:`_levels`)
        self.levels: dict[str, TargetBand] = {}
        #: levels named in [levels] whose band is invalid (reported there, once)
        self.broken_levels: set[str] = set()

    def problem(self, where: str, field_name: str, value: Any, allowed: str) -> None:
        self.problems.append(ExerciseProblem(self.file, where, field_name, value, allowed))

    def text(
        self,
        table: Mapping[str, Any],
        key: str,
        where: str,
        required: bool,
        *,
        limit: int = MAX_NAME_CHARS,
        multiline: bool = False,
    ) -> str | None:
        value = table.get(key, _MISSING)
        if value is _MISSING:
            if required:
                self.problem(where, key, value, "required: a text in quotes")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(where, key, value, "must be a non-empty text in quotes")
            return None
        value = value.strip()
        if has_control(value, allow_newlines=multiline):
            breaks = "" if multiline else " or line break"
            self.problem(where, key, value, f"must not hold a control character{breaks}")
            return None
        if len(value) > limit:
            self.problem(where, key, value, f"must be at most {limit} characters")
            return None
        if has_markup(value):
            self.problem(
                where, key, value, "must not hold [ or ] (the screens read them as styling)"
            )
            return None
        return value

    def number(
        self,
        table: Mapping[str, Any],
        key: str,
        where: str,
        *,
        minimum: float,
        maximum: float,
        unit: str,
    ) -> float | None:
        value = table.get(key, _MISSING)
        if value is _MISSING:
            return None
        number = _finite(value)
        if number is None or not minimum <= number <= maximum:
            self.problem(
                where, key, value, f"must be a number from {minimum:g} to {maximum:g} {unit}"
            )
            return None
        return number

    def band(self, value: Any, where: str, key: str) -> TargetBand | None:
        in_levels = where == "[levels]"  # a level is two numbers, never another level's name
        if isinstance(value, str) and not in_levels:
            if value in self.levels:
                return self.levels[value]
            if value in self.broken_levels:
                self.problem(where, key, value, "this level's band is invalid: fix it in [levels]")
                return None
            known = ", ".join(sorted(self.levels)) or "none defined in [levels]"
            self.problem(where, key, value, f"unknown level; known levels: {known}")
            return None
        bounds = [_finite(v) for v in value] if isinstance(value, list) else []
        if len(bounds) != 2 or None in bounds:
            either = "" if in_levels else ", or a level name from [levels]"
            self.problem(
                where, key, value, f"must be [low, high]: two finite numbers of newtons{either}"
            )
            return None
        low, high = float(bounds[0] or 0.0), float(bounds[1] or 0.0)
        ok = True
        if low < 0 or high > self.capacity_n:
            self.problem(
                where,
                key,
                value,
                f"forces must lie within 0..{self.capacity_n:g} N (the load cell's capacity)",
            )
            ok = False
        if low >= high:
            self.problem(where, key, value, "low must be less than high")
            ok = False
        elif high - low < MIN_BAND_WIDTH_N:
            self.problem(
                where, key, value, f"the band must be at least {MIN_BAND_WIDTH_N:g} N wide"
            )
            ok = False
        return TargetBand(low, high) if ok else None


def _finite(value: Any) -> float | None:
    """``value`` as a finite float, or ``None`` if it is no number or not finite."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)  # a huge int overflows
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def parse_exercise(
    raw: Mapping[str, Any],
    file: str = "<exercise>",
    *,
    capacity_n: float = DEFAULT_CAPACITY_N,
    builtin: bool = False,
) -> Exercise:
    """Build an :class:`Exercise` from parsed TOML; raise :class:`ExerciseError` with all problems."""
    check = _Checker(file, capacity_n)
    for key in sorted(set(raw) - _TOP_KEYS):
        check.problem("", key, raw[key], f"unknown field; allowed: {', '.join(sorted(_TOP_KEYS))}")

    ex_id = check.text(raw, "id", "", required=True, limit=MAX_ID_CHARS)
    if ex_id is not None and not set(ex_id) <= ID_CHARS:
        check.problem("", "id", ex_id, "use lower-case letters, digits, '-' and '_' only")
    name = check.text(raw, "name", "", required=True)
    technique = check.text(raw, "technique", "", required=True)
    instructions = check.text(
        raw, "instructions", "", required=True, limit=MAX_INSTRUCTIONS_CHARS, multiline=True
    )
    default_feedback = _feedback(check, raw, "", FeedbackMode.LIVE)
    contact = _contact(check, raw.get("contact"))
    _levels(check, raw.get("levels", {}))

    phases: list[Phase] = []
    raw_phases = raw.get("phases", _MISSING)
    if not isinstance(raw_phases, list) or not raw_phases:
        check.problem("", "phases", raw_phases, "at least one [[phases]] table is required")
        raw_phases = []
    elif len(raw_phases) > MAX_PHASES:
        check.problem(
            "", "phases", f"{len(raw_phases)} phases", f"an exercise has at most {MAX_PHASES}"
        )
        raw_phases = []
    for index, entry in enumerate(raw_phases, start=1):
        where = f"phase {index}"
        if not isinstance(entry, dict):
            check.problem(where, "phases", entry, "each phase must be a [[phases]] table")
            continue
        if "repeat" in entry or "steps" in entry:
            room = MAX_PHASES - len(phases) - (len(raw_phases) - index)
            phases.extend(_repeat_group(check, entry, where, default_feedback, room))
        else:
            phase = _phase(check, entry, where, default_feedback)
            if phase is not None:
                phases.append(phase)

    if not check.problems:
        total_s = sum(p.limit_s for p in phases)
        if total_s > MAX_EXERCISE_S:
            check.problem(
                "",
                "phases",
                f"up to {total_s / 3600:.1f} hours",
                f"an exercise lasts at most {MAX_EXERCISE_S / 3600:g} hours; "
                "shorten its phases or split it",
            )
    if check.problems:
        raise ExerciseError(check.problems)
    assert ex_id and name and technique and instructions
    return Exercise(
        id=ex_id,
        name=name,
        technique=technique,
        instructions=instructions,
        phases=tuple(phases),
        levels=check.levels,
        source=file,
        builtin=builtin,
        contact=contact,
    )


def _contact(check: _Checker, value: Any) -> Contact | None:
    """``contact = "thumb"``, ``"tool 0.8"`` or ``{ kind = "tool", area_cm2 = 0.8 }``."""
    if value is None:
        return None
    allowed = (
        f"{', '.join(CONTACTS)}, optionally with an area in cm² ('tool 0.8'), "
        'or { kind = "tool", area_cm2 = 0.8 }'
    )
    try:
        if isinstance(value, str):
            return parse_contact(value)
        if isinstance(value, dict) and set(value) <= {"kind", "area_cm2"}:
            area = value.get("area_cm2")
            kind = value.get("kind")
            if isinstance(kind, str) and area is None:
                return parse_contact(kind)
            if (
                isinstance(kind, str)
                and isinstance(area, int | float)
                and not isinstance(area, bool)
            ):
                return Contact(kind.strip().lower() or "contact", float(area))
    except ValueError as error:
        check.problem("", "contact", value, str(error))
        return None
    check.problem("", "contact", value, allowed)
    return None


def _levels(check: _Checker, raw_levels: Any) -> None:
    """The named levels into ``check.levels``: valid bands, distinct names, none overlapping."""
    levels = check.levels
    if not isinstance(raw_levels, dict):
        check.problem("", "levels", raw_levels, "must be a table such as light = [10, 20]")
        return
    if len(raw_levels) > MAX_PHASES:
        check.problem("", "levels", f"{len(raw_levels)} levels", f"at most {MAX_PHASES}")
        return
    for level_name, value in raw_levels.items():
        if (
            not level_name.strip()
            or len(level_name) > MAX_NAME_CHARS
            or has_control(level_name)
            or has_markup(level_name)
        ):
            check.problem(
                "[levels]",
                "level name",
                level_name,
                f"a level name is one line of 1 to {MAX_NAME_CHARS} characters, without [ ]",
            )
            continue
        band = check.band(value, "[levels]", level_name)
        if band is None:
            check.broken_levels.add(level_name)
            continue
        for other in levels.values():
            if band.low_n < other.high_n and other.low_n < band.high_n:
                check.problem(
                    "[levels]",
                    level_name,
                    value,
                    f"overlaps {other.level} ({other.low_n:g}-{other.high_n:g} N): "
                    "levels must not share forces, or a student cannot tell them apart",
                )
                check.broken_levels.add(level_name)
                break
        else:
            levels[level_name] = TargetBand(band.low_n, band.high_n, level_name)


def _feedback(
    check: _Checker, table: Mapping[str, Any], where: str, default: FeedbackMode
) -> FeedbackMode:
    value = table.get("feedback", _MISSING)
    if value is _MISSING:
        return default
    try:
        return FeedbackMode(value)
    except ValueError:
        check.problem(where, "feedback", value, 'must be "live" or "blind"')
        return default


def _repeat_group(
    check: _Checker,
    entry: Mapping[str, Any],
    where: str,
    default_feedback: FeedbackMode,
    room: int,
) -> list[Phase]:
    """A repeat group expanded, if it fits in the ``room`` phases left in the exercise."""
    for key in sorted(set(entry) - {"repeat", "steps", "feedback"}):
        check.problem(where, key, entry[key], "a repeat group holds only repeat, steps, feedback")
    times = entry.get("repeat", _MISSING)
    if isinstance(times, bool) or not isinstance(times, int) or not 1 <= times <= MAX_REPEAT:
        check.problem(where, "repeat", times, f"must be a whole number from 1 to {MAX_REPEAT}")
        times = 0
    feedback = _feedback(check, entry, where, default_feedback)
    steps = entry.get("steps", _MISSING)
    if not isinstance(steps, list) or not steps:
        check.problem(where, "steps", steps, "a repeat group needs [[phases.steps]] tables")
        return []
    if times * len(steps) > room:
        check.problem(
            where,
            "repeat",
            times,
            f"{times} x {len(steps)} steps is more than the {MAX_PHASES} phases "
            "an exercise may have",
        )
        return []
    group: list[Phase] = []
    for step_index, step in enumerate(steps, start=1):
        step_where = f"{where}, step {step_index}"
        if not isinstance(step, dict):
            check.problem(step_where, "steps", step, "each step must be a table")
            continue
        phase = _phase(check, step, step_where, feedback)
        if phase is not None:
            group.append(phase)
    expanded: list[Phase] = []
    for repetition in range(1, times + 1):
        for phase in group:
            expanded.append(_with_repetition(phase, repetition, times))
    return expanded


def _with_repetition(phase: Phase, repetition: int, times: int) -> Phase:
    return replace(phase, name=f"{phase.name} {repetition}/{times}", repetition=repetition)


def _phase(
    check: _Checker,
    entry: Mapping[str, Any],
    where: str,
    default_feedback: FeedbackMode,
) -> Phase | None:
    before = len(check.problems)
    for key in sorted(set(entry) - _PHASE_KEYS):
        check.problem(
            where, key, entry[key], f"unknown field; allowed: {', '.join(sorted(_PHASE_KEYS))}"
        )
    raw_kind = entry.get("kind", _MISSING)
    try:
        kind = PhaseKind(raw_kind)
    except ValueError:
        check.problem(where, "kind", raw_kind, "must be one of ramp, hold, release, rest")
        return None

    band: TargetBand | None = None
    if "band" in entry:
        band = check.band(entry["band"], where, "band")
    elif kind is not PhaseKind.REST:
        check.problem(where, "band", _MISSING, f"a {kind} phase needs a target band")

    duration_s, hold_s, max_s = (
        check.number(entry, key, where, minimum=MIN_PHASE_S, maximum=MAX_PHASE_S, unit="s")
        for key in ("duration_s", "hold_s", "max_s")
    )
    rate = check.number(
        entry,
        "rate_n_per_s",
        where,
        minimum=MIN_RATE_N_PER_S,
        maximum=MAX_RATE_N_PER_S,
        unit="N/s",
    )
    tolerance = check.number(
        entry,
        "rate_tolerance_n_per_s",
        where,
        minimum=MIN_RATE_TOLERANCE_N_PER_S,
        maximum=MAX_RATE_N_PER_S,
        unit="N/s",
    )
    feedback = _feedback(check, entry, where, default_feedback)

    if duration_s is not None and (hold_s is not None or max_s is not None):
        check.problem(
            where, "duration_s", duration_s, "give either duration_s, or hold_s/max_s, not both"
        )
    if hold_s is not None and kind is not PhaseKind.HOLD:
        check.problem(where, "hold_s", hold_s, "only hold phases end after time in the band")
    if hold_s is not None and max_s is not None and max_s < hold_s:
        check.problem(where, "max_s", max_s, f"must be at least hold_s ({hold_s:g})")
    if duration_s is None and max_s is None and "duration_s" not in entry and "max_s" not in entry:
        if kind in (PhaseKind.HOLD, PhaseKind.REST) and hold_s is None:
            check.problem(where, "duration_s", _MISSING, "give duration_s, or hold_s with max_s")
        elif kind in (PhaseKind.RAMP, PhaseKind.RELEASE) or hold_s is not None:
            check.problem(
                where, "max_s", _MISSING, f"a {kind} phase needs max_s (or duration_s) as a limit"
            )
    if kind is PhaseKind.RAMP:
        if rate is None and "rate_n_per_s" not in entry:
            check.problem(where, "rate_n_per_s", _MISSING, "a ramp needs a target rate in N/s")
        if tolerance is not None and rate is not None and tolerance >= rate:
            check.problem(
                where, "rate_tolerance_n_per_s", tolerance, f"must be less than the rate ({rate:g})"
            )
    elif rate is not None or tolerance is not None:
        check.problem(where, "rate_n_per_s", rate, "only ramp phases have a target rate")

    name = check.text(entry, "name", where, required=False)
    cue = check.text(entry, "cue", where, required=False, limit=MAX_CUE_CHARS)
    if len(check.problems) > before:
        return None
    if kind is PhaseKind.RAMP and tolerance is None and rate is not None:
        tolerance = round(rate * 0.3, 3)
    default_name = kind.value.capitalize()
    if band is not None and band.level:
        default_name = f"{default_name} {band.level}"
    return Phase(
        kind=kind,
        name=name or default_name,
        band=band,
        cue=cue or DEFAULT_CUES[kind],
        feedback=feedback,
        duration_s=duration_s,
        hold_s=hold_s,
        max_s=max_s,
        rate_n_per_s=rate,
        rate_tolerance_n_per_s=tolerance,
    )


def load_exercise_file(
    path: Path, *, capacity_n: float = DEFAULT_CAPACITY_N, builtin: bool = False
) -> Exercise:
    """Read and validate one TOML file; raise :class:`ExerciseError` naming every problem."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExerciseError(
            [ExerciseProblem(name, "", "file", _MISSING, "no such file: check the path")]
        ) from None
    except UnicodeDecodeError as error:
        raise ExerciseError(
            [
                ExerciseProblem(
                    name,
                    "",
                    "file",
                    f"byte 0x{error.object[error.start]:02x} at position {error.start}",
                    "not UTF-8 text: save the file as UTF-8",
                )
            ]
        ) from None
    except OSError as error:
        raise ExerciseError(
            [ExerciseProblem(name, "", "file", error.strerror, "the file cannot be read")]
        ) from None
    raw = parse_toml(text, name)
    try:
        return parse_exercise(raw, name, capacity_n=capacity_n, builtin=builtin)
    except RecursionError:
        raise ExerciseError(
            [ExerciseProblem(name, "", "file", "nested too deeply", "not an exercise file")]
        ) from None


_TOML_PLACE = re.compile(r"^(.*) \(at (line \d+, column \d+|end of document)\)$", re.S)


def parse_toml(text: str, file: str) -> dict[str, Any]:
    """The TOML table in ``text``; every way it can fail is an :class:`ExerciseError`."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # "Illegal character '\\n' (at line 1, column 10)": the place goes where places go.
        said = _TOML_PLACE.match(str(error))
        words, where = (said.group(1), said.group(2)) if said else (str(error), "")
        problem = ExerciseProblem(
            file, where, "TOML syntax", ParserWords(words[:120]), "fix the file's TOML syntax"
        )
    except RecursionError:
        problem = ExerciseProblem(
            file, "", "file", "nested too deeply", "arrays and tables nest a few levels at most"
        )
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        problem = ExerciseProblem(file, "", "a value", str(error), "use ordinary numbers")
    raise ExerciseError([problem])


# -- the library -------------------------------------------------------------------


def refuse_duplicate(exercise: Exercise, seen: Mapping[str, Exercise]) -> None:
    """Two files (of one folder) with the same id: the later one is refused, naming both."""
    first = seen.get(exercise.id)
    if first is not None:
        raise ExerciseError(
            [
                ExerciseProblem(
                    exercise.source,
                    "",
                    "id",
                    exercise.id,
                    f"the same id as {first.source}; give each exercise its own id",
                )
            ]
        )


def builtin_exercise_dir() -> Path:
    """The shipped technique library: inside the wheel, or ``exercises/`` in a checkout."""
    packaged = Path(__file__).parent / "builtin_exercises"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "exercises"


def user_exercise_dir() -> Path:
    """Instructors' own exercises (``TRAINER_EXERCISES`` overrides the platform folder)."""
    override = os.environ.get("TRAINER_EXERCISES")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("pressure-trainer", appauthor=False)) / "exercises"


@dataclass
class ExerciseLibrary:
    """Built-in exercises plus the user folder; a user file overrides a built-in by id.

    Broken files never stop the rest from loading: they are kept in ``errors``.
    """

    exercises: dict[str, Exercise]
    errors: list[ExerciseError]

    @classmethod
    def load(
        cls,
        builtin_dir: Path | None = None,
        user_dir: Path | None = None,
        *,
        capacity_n: float = DEFAULT_CAPACITY_N,
    ) -> ExerciseLibrary:
        exercises: dict[str, Exercise] = {}
        errors: list[ExerciseError] = []
        sources: Iterable[tuple[Path, bool]] = (
            (builtin_dir or builtin_exercise_dir(), True),
            (user_dir or user_exercise_dir(), False),
        )
        for folder, builtin in sources:
            try:
                paths = sorted(folder.glob("*.toml")) if folder.is_dir() else []
            except OSError as error:
                problem = ExerciseProblem(
                    str(folder),
                    "",
                    "folder",
                    error.strerror,
                    "cannot be read: check its permissions",
                )
                errors.append(ExerciseError([problem]))
                continue
            seen: dict[str, Exercise] = {}
            for path in paths:
                try:
                    exercise = load_exercise_file(path, capacity_n=capacity_n, builtin=builtin)
                    refuse_duplicate(exercise, seen)
                except ExerciseError as error:
                    errors.append(error)
                    continue
                seen[exercise.id] = exercises[exercise.id] = exercise
        return cls(exercises, errors)

    def get(self, exercise_id: str) -> Exercise:
        """The exercise with this id; ``KeyError`` with the known ids otherwise."""
        try:
            return self.exercises[exercise_id]
        except KeyError:
            known = ", ".join(sorted(self.exercises)) or "none"
            raise KeyError(f"no exercise with id {exercise_id!r}; known ids: {known}") from None

    def sorted(self) -> list[Exercise]:
        """Every exercise, by name."""
        return sorted(self.exercises.values(), key=lambda e: e.name)
