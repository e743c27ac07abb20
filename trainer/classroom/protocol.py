"""The class protocol: MQTT topic names and the versioned JSON payloads, purely.

No network and no clock here: every payload is a frozen dataclass that encodes to UTF-8
JSON (``"v": 1``) and decodes with strict validation. Anything that does not fit (too
big, not UTF-8, not a JSON object, another protocol version, a missing or mistyped
field, a station name that is not ours) raises :class:`ProtocolError`, whose ``reason``
is a short counter key the hub shows. docs/classroom-protocol.md describes the wire
format for people.

Topic tree (``C`` the class, ``S`` a station id; both ``[a-z0-9-]``)::

    pressure-trainer/v1/C/stations/S/status    retained, QoS 1, last will "offline"
    pressure-trainer/v1/C/stations/S/live      QoS 0, ~10 Hz
    pressure-trainer/v1/C/stations/S/sessions  QoS 1, one finished/aborted session
    pressure-trainer/v1/C/stations/S/receipts  QoS 1, the hub: sessions it has stored
    pressure-trainer/v1/C/config               retained, QoS 1, written only by the hub

Example::

    topic = status_topic("monday", "station-01")
    payload = StationStatus(station="station-01", state="online", since=now).encode()
    kind, station = parse_topic("monday", topic)          # ("status", "station-01")
    status = decode_status(payload, station=station)      # raises ProtocolError if bad
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

#: the payload format's version; a payload with any other ``v`` is dropped
PROTOCOL_VERSION = 1
TOPIC_ROOT = "pressure-trainer/v1"

#: size caps in bytes: anything larger is dropped before it is parsed
MAX_CONFIG_BYTES = 1 << 20
MAX_SESSION_BYTES = 16 << 20
MAX_SMALL_BYTES = 16 << 10

NAME_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62})$")

StationKind = Literal["status", "live", "sessions", "receipts"]
#: what stations publish (receipts go the other way: hub to station)
STATION_KINDS: tuple[StationKind, ...] = ("status", "live", "sessions")
STATES = ("online", "offline")
SENSOR_STATES = ("ok", "disconnected", "overload", "simulated")
ZONES = ("below", "in", "above")
SESSION_STATUSES = ("complete", "incomplete", "aborted")
SESSION_KINDS = ("practice", "assessment", "demonstration")
#: the sample row as sent: the store's SAMPLE_COLUMNS
SAMPLE_FIELDS = ("seq", "t_s", "force_n", "raw_force_n", "counts", "flags", "phase")
MAX_MESSAGE_CHARS = 280
#: how many instructor messages a config keeps (oldest dropped first)
MAX_MESSAGES = 50


class ProtocolError(ValueError):
    """A payload or topic that does not follow the protocol.

    ``reason`` is one of: ``topic``, ``too-large``, ``not-utf8``, ``not-json``,
    ``version``, ``schema``, ``station`` (the payload names another station).
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def check_name(name: str, what: str = "name") -> str:
    """Return ``name`` if it is a valid class or station name, else raise ValueError."""
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise ValueError(
            f"{what} {name!r} is not usable: use 1-63 lower-case letters, digits and "
            "dashes, starting with a letter or digit (for example 'monday-am')"
        )
    return name


def station_id(number: int) -> str:
    """The id of the station numbered ``number``: ``station-01``, ``station-12``."""
    return f"station-{number:02d}"


# -- topics ------------------------------------------------------------------------


def class_prefix(class_name: str) -> str:
    return f"{TOPIC_ROOT}/{check_name(class_name, 'class')}"


def station_topic(class_name: str, station: str, kind: StationKind) -> str:
    return f"{class_prefix(class_name)}/stations/{check_name(station, 'station')}/{kind}"


def status_topic(class_name: str, station: str) -> str:
    return station_topic(class_name, station, "status")


def live_topic(class_name: str, station: str) -> str:
    return station_topic(class_name, station, "live")


def sessions_topic(class_name: str, station: str) -> str:
    return station_topic(class_name, station, "sessions")


def receipts_topic(class_name: str, station: str) -> str:
    return station_topic(class_name, station, "receipts")


def config_topic(class_name: str) -> str:
    return f"{class_prefix(class_name)}/config"


def stations_filter(class_name: str, kind: StationKind | Literal["+"] = "+") -> str:
    """A subscription filter for one kind (or every kind) of every station's topic."""
    return f"{class_prefix(class_name)}/stations/+/{kind}"


def parse_topic(class_name: str, topic: str) -> tuple[StationKind, str]:
    """``(kind, station)`` for a station topic of this class; ProtocolError otherwise."""
    prefix = class_prefix(class_name) + "/stations/"
    if not topic.startswith(prefix):
        raise ProtocolError("topic", f"{topic!r} is not a station topic of this class")
    parts = topic[len(prefix) :].split("/")
    if len(parts) != 2 or parts[1] not in STATION_KINDS or not NAME_PATTERN.match(parts[0]):
        raise ProtocolError("topic", f"{topic!r} is not a station topic of this class")
    kind: StationKind = parts[1]  # type: ignore[assignment]
    return kind, parts[0]


# -- decoding helpers ----------------------------------------------------------------


def _load(payload: bytes, limit: int) -> dict[str, Any]:
    if len(payload) > limit:
        raise ProtocolError("too-large", f"{len(payload)} bytes, the limit is {limit}")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("not-utf8", "the payload is not UTF-8 text") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise ProtocolError("not-json", "the payload is not valid JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError("not-json", "the payload is not a JSON object")
    version = data.get("v")
    if version != PROTOCOL_VERSION or isinstance(version, bool):
        raise ProtocolError(
            "version", f"protocol version {version!r}, this trainer speaks {PROTOCOL_VERSION}"
        )
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _dump(data: dict[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


class _Message:
    """A message sent over MQTT (a dataclass): its JSON object, encoded once, here."""

    __slots__ = ()

    def to_json(self) -> dict[str, Any]:
        """The protocol version and every field as it is (a message of plain values)."""
        data: dict[str, Any] = {"v": PROTOCOL_VERSION}
        for item in fields(self):  # type: ignore[arg-type]
            data[item.name] = getattr(self, item.name)
        return data

    def encode(self) -> bytes:
        return _dump(self.to_json())


class _Reader:
    """Typed access to a decoded JSON object; every failure is a ``schema`` error."""

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        self.data = data
        self.where = where

    def fail(self, key: str, expected: str) -> ProtocolError:
        value = self.data.get(key, "<missing>")
        shown = repr(value)
        if len(shown) > 40:
            shown = shown[:37] + "..."
        return ProtocolError("schema", f"{self.where}.{key} should be {expected}, got {shown}")

    def text(self, key: str, *, optional: bool = False, max_len: int = 200) -> Any:
        value = self.data.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or len(value) > max_len:
            raise self.fail(key, f"text (at most {max_len} characters)")
        return value

    def choice(self, key: str, allowed: Sequence[str | None]) -> Any:
        value = self.data.get(key)
        if value not in allowed:
            raise self.fail(key, "one of " + ", ".join(str(a) for a in allowed))
        return value

    def number(self, key: str, *, optional: bool = False) -> Any:
        value = self.data.get(key)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, "a number")
        if not math.isfinite(value):
            raise self.fail(key, "a finite number")
        return float(value)

    def integer(self, key: str, *, optional: bool = False, minimum: int = 0) -> Any:
        value = self.data.get(key)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(key, f"a whole number >= {minimum}")
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key)
        if not isinstance(value, bool):
            raise self.fail(key, "true or false")
        return value

    def mapping(self, key: str, *, optional: bool = False) -> Any:
        value = self.data.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, dict):
            raise self.fail(key, "an object")
        return value

    def sequence(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if not isinstance(value, list):
            raise self.fail(key, "a list")
        return value

    def station(self, key: str = "station") -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not NAME_PATTERN.match(value):
            raise self.fail(key, "a station id such as station-01")
        return value


def _check_station(found: str, expected: str | None) -> None:
    if expected is not None and found != expected:
        raise ProtocolError("station", f"payload of {found!r} on the topic of {expected!r}")


# -- status ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StationStatus(_Message):
    """Who a station is and whether it is there (retained; the last will says offline)."""

    station: str
    state: str  # "online" | "offline"
    since: float  # unix seconds
    student: str | None = None
    exercise_id: str | None = None
    sensor: str | None = None  # one of SENSOR_STATES
    config_version: int | None = None


def decode_status(payload: bytes, *, station: str | None = None) -> StationStatus:
    r = _Reader(_load(payload, MAX_SMALL_BYTES), "status")
    status = StationStatus(
        station=r.station(),
        state=r.choice("state", STATES),
        since=r.number("since"),
        student=r.text("student", optional=True),
        exercise_id=r.text("exercise_id", optional=True),
        sensor=r.choice("sensor", (*SENSOR_STATES, None)),
        config_version=r.integer("config_version", optional=True),
    )
    _check_station(status.station, station)
    return status


# -- live ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LiveReport(_Message):
    """One live snapshot of a station (~10 Hz, QoS 0).

    ``force_n`` always carries the force for the instructor; ``feedback_shown`` says
    whether the student sees it right now (a blind phase or a schedule may hide it).
    """

    station: str
    seq: int
    t: float  # unix seconds when the station took the snapshot
    student: str | None
    exercise_id: str | None
    exercise_name: str | None
    phase_index: int
    phase_count: int
    phase_name: str | None
    phase_kind: str | None
    band_low_n: float | None
    band_high_n: float | None
    force_n: float
    zone: str | None  # "below" | "in" | "above" | None where there is no band
    in_band_s: float
    phase_elapsed_s: float
    phase_remaining_s: float | None
    running: bool
    paused: bool
    feedback_shown: bool
    peeks: int = 0
    sensor: str | None = None
    overload: bool = False
    message_id_seen: int | None = None


def decode_live(payload: bytes, *, station: str | None = None) -> LiveReport:
    r = _Reader(_load(payload, MAX_SMALL_BYTES), "live")
    report = LiveReport(
        station=r.station(),
        seq=r.integer("seq"),
        t=r.number("t"),
        student=r.text("student", optional=True),
        exercise_id=r.text("exercise_id", optional=True),
        exercise_name=r.text("exercise_name", optional=True),
        phase_index=r.integer("phase_index"),
        phase_count=r.integer("phase_count"),
        phase_name=r.text("phase_name", optional=True),
        phase_kind=r.text("phase_kind", optional=True, max_len=20),
        band_low_n=r.number("band_low_n", optional=True),
        band_high_n=r.number("band_high_n", optional=True),
        force_n=r.number("force_n"),
        zone=r.choice("zone", (*ZONES, None)),
        in_band_s=r.number("in_band_s"),
        phase_elapsed_s=r.number("phase_elapsed_s"),
        phase_remaining_s=r.number("phase_remaining_s", optional=True),
        running=r.flag("running"),
        paused=r.flag("paused"),
        feedback_shown=r.flag("feedback_shown"),
        peeks=r.integer("peeks"),
        sensor=r.choice("sensor", (*SENSOR_STATES, None)),
        overload=r.flag("overload"),
        message_id_seen=r.integer("message_id_seen", optional=True),
    )
    _check_station(report.station, station)
    return report


# -- sessions --------------------------------------------------------------------------


def exercise_hash(snapshot: Mapping[str, Any]) -> str:
    """SHA-256 of an exercise snapshot's canonical JSON: same content, same hash."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SessionRecord(_Message):
    """A finished or aborted session with everything the station stored about it.

    ``samples`` are rows in :data:`SAMPLE_FIELDS` order; ``result`` is
    ``SessionResult.to_dict()`` (``None`` if the session never produced one);
    ``feedback`` the stored feedback schedule, peeks and report, if any.
    """

    uuid: str
    station: str
    student: str
    exercise: Mapping[str, Any]  # Exercise.snapshot()
    exercise_hash: str
    sensor: Mapping[str, Any]
    calibration: Mapping[str, Any] | None
    started_at: str
    ended_at: str | None
    status: str
    result: Mapping[str, Any] | None
    samples: Sequence[Sequence[Any]]
    feedback: Mapping[str, Any] | None = None
    kind: str = "practice"  # one of SESSION_KINDS

    @property
    def exercise_id(self) -> str:
        return str(self.exercise["id"])

    @property
    def score(self) -> float | None:
        return None if self.result is None else float(self.result["score"])

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    def to_json(self) -> dict[str, Any]:
        return {
            "v": PROTOCOL_VERSION,
            "uuid": self.uuid,
            "station": self.station,
            "student": self.student,
            "exercise": dict(self.exercise),
            "exercise_hash": self.exercise_hash,
            "sensor": dict(self.sensor),
            "calibration": None if self.calibration is None else dict(self.calibration),
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "status": self.status,
            "complete": self.complete,
            "score": self.score,
            "result": None if self.result is None else dict(self.result),
            "feedback": None if self.feedback is None else dict(self.feedback),
            "samples": [list(row) for row in self.samples],
            "kind": self.kind,
        }


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def decode_session(payload: bytes, *, station: str | None = None) -> SessionRecord:
    r = _Reader(_load(payload, MAX_SESSION_BYTES), "session")
    uuid = r.text("uuid", max_len=36)
    if not _UUID.match(uuid):
        raise r.fail("uuid", "a UUID")
    exercise = r.mapping("exercise")
    ex = _Reader(exercise, "session.exercise")
    ex.text("id")
    ex.text("name")
    ex.text("technique")
    phases = ex.sequence("phases")
    if not phases or not all(isinstance(p, dict) for p in phases):
        raise ex.fail("phases", "a list of phases")
    digest = r.text("exercise_hash", max_len=64)
    if digest != exercise_hash(exercise):
        raise r.fail("exercise_hash", "the SHA-256 of the exercise")
    result = r.mapping("result", optional=True)
    if result is not None:
        res = _Reader(result, "session.result")
        res.number("score")
        res.number("time_in_band_pct")
        if not isinstance(result.get("phases"), list):
            raise res.fail("phases", "a list")
    samples = r.sequence("samples")
    for row in samples:
        if (
            not isinstance(row, list)
            or len(row) != len(SAMPLE_FIELDS)
            or not all(
                (isinstance(x, int | float) and not isinstance(x, bool)) or (x is None and i == 4)
                for i, x in enumerate(row)
            )
        ):
            raise r.fail("samples", "rows of " + ", ".join(SAMPLE_FIELDS))
    record = SessionRecord(
        uuid=uuid,
        station=r.station(),
        student=r.text("student"),
        exercise=exercise,
        exercise_hash=digest,
        sensor=r.mapping("sensor"),
        calibration=r.mapping("calibration", optional=True),
        started_at=r.text("started_at", max_len=40),
        ended_at=r.text("ended_at", optional=True, max_len=40),
        status=r.choice("status", SESSION_STATUSES),
        result=result,
        samples=samples,
        feedback=r.mapping("feedback", optional=True),
        kind=r.choice("kind", SESSION_KINDS) if "kind" in r.data else "practice",
    )
    if not record.student.strip():
        raise r.fail("student", "a student's name")
    _check_station(record.station, station)
    return record


# -- class configuration ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assignment:
    """What the instructor asked a station (or everyone) to practise."""

    exercise_id: str
    blind: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"exercise_id": self.exercise_id, "blind": self.blind}


@dataclass(frozen=True, slots=True)
class InstructorMessage:
    """A short message shown on the stations it is addressed to (``to`` empty: all)."""

    id: int
    text: str
    sent_at: float
    to: tuple[str, ...] = ()

    def for_station(self, station: str) -> bool:
        return not self.to or station in self.to

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "sent_at": self.sent_at, "to": list(self.to)}


#: band overrides: exercise id -> target (a level name or "phase N") -> [low_n, high_n]
Bands = Mapping[str, Mapping[str, tuple[float, float]]]


@dataclass(frozen=True, slots=True)
class ClassConfig(_Message):
    """Everything the instructor decides for the class, published whole (retained).

    ``version`` only grows; a station applies a config whose version is newer than the
    one it has, whole or not at all. ``exercises`` maps an instructor exercise's id to its
    TOML text. ``schedules`` values are a FeedbackSchedule's stored JSON.
    ``paused`` is ``("all",)`` or the ids of the paused stations.
    """

    version: int
    issued_at: float
    class_name: str
    exercises: Mapping[str, str] = field(default_factory=dict)
    class_bands: Bands = field(default_factory=dict)
    student_bands: Mapping[str, Bands] = field(default_factory=dict)
    class_schedule: Mapping[str, Any] | None = None
    student_schedules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    pass_marks: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    assignment_all: Assignment | None = None
    assignments: Mapping[str, Assignment] = field(default_factory=dict)
    messages: tuple[InstructorMessage, ...] = ()
    paused: tuple[str, ...] = ()

    def assignment_for(self, station: str) -> Assignment | None:
        """The station's own assignment, else the one for everyone."""
        return self.assignments.get(station, self.assignment_all)

    def is_paused(self, station: str) -> bool:
        return "all" in self.paused or station in self.paused

    def messages_for(self, station: str) -> list[InstructorMessage]:
        return [m for m in self.messages if m.for_station(station)]

    def latest_message_for(self, station: str) -> InstructorMessage | None:
        found = self.messages_for(station)
        return found[-1] if found else None

    def to_json(self) -> dict[str, Any]:
        return {
            "v": PROTOCOL_VERSION,
            "version": self.version,
            "issued_at": self.issued_at,
            "class": self.class_name,
            "exercises": dict(self.exercises),
            "bands": {
                "class": _bands_json(self.class_bands),
                "students": {s: _bands_json(b) for s, b in self.student_bands.items()},
            },
            "schedules": {
                "class": None if self.class_schedule is None else dict(self.class_schedule),
                "students": {s: dict(v) for s, v in self.student_schedules.items()},
            },
            "pass_marks": {k: dict(v) for k, v in self.pass_marks.items()},
            "assignment": {
                "all": None if self.assignment_all is None else self.assignment_all.to_json(),
                "stations": {s: a.to_json() for s, a in self.assignments.items()},
            },
            "messages": [m.to_json() for m in self.messages],
            "paused": list(self.paused),
        }


def _bands_json(bands: Bands) -> dict[str, Any]:
    return {ex: {t: [lo, hi] for t, (lo, hi) in targets.items()} for ex, targets in bands.items()}


def _read_bands(value: Any, where: str) -> dict[str, dict[str, tuple[float, float]]]:
    if not isinstance(value, dict):
        raise ProtocolError("schema", f"{where} should be an object")
    bands: dict[str, dict[str, tuple[float, float]]] = {}
    for exercise_id, targets in value.items():
        if not isinstance(targets, dict):
            raise ProtocolError("schema", f"{where}.{exercise_id} should be an object")
        bands[exercise_id] = {}
        for target, pair in targets.items():
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in pair)
                or not 0 <= pair[0] < pair[1]
                or not all(math.isfinite(x) for x in pair)
            ):
                raise ProtocolError(
                    "schema", f"{where}.{exercise_id}.{target} should be [low_n, high_n]"
                )
            bands[exercise_id][target] = (float(pair[0]), float(pair[1]))
    return bands


def _read_assignment(value: Any, where: str) -> Assignment | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ProtocolError("schema", f"{where} should be an object or null")
    r = _Reader(value, where)
    return Assignment(exercise_id=r.text("exercise_id"), blind=r.flag("blind"))


def decode_config(payload: bytes, *, class_name: str | None = None) -> ClassConfig:
    r = _Reader(_load(payload, MAX_CONFIG_BYTES), "config")
    version = r.integer("version", minimum=1)
    issued_at = r.number("issued_at")
    name = r.text("class", max_len=63)
    if not NAME_PATTERN.match(name):
        raise r.fail("class", "a class name")
    if class_name is not None and name != class_name:
        raise ProtocolError("schema", f"config of class {name!r} on the topic of {class_name!r}")
    exercises = r.mapping("exercises")
    for exercise_id, text in exercises.items():
        if not isinstance(text, str):
            raise ProtocolError("schema", f"config.exercises.{exercise_id} should be TOML text")
    bands_r = _Reader(r.mapping("bands"), "config.bands")
    class_bands = _read_bands(bands_r.mapping("class"), "config.bands.class")
    student_bands = {
        student: _read_bands(value, f"config.bands.students.{student}")
        for student, value in bands_r.mapping("students").items()
    }
    sched_r = _Reader(r.mapping("schedules"), "config.schedules")
    class_schedule = sched_r.mapping("class", optional=True)
    student_schedules = sched_r.mapping("students")
    for student, value in [("class", class_schedule), *student_schedules.items()]:
        if value is not None and not isinstance(
            value.get("kind") if isinstance(value, dict) else None, str
        ):
            raise ProtocolError("schema", f"config.schedules.{student} should name a kind")
    pass_marks = r.mapping("pass_marks")
    for exercise_id, mark in pass_marks.items():
        if not isinstance(mark, dict):
            raise ProtocolError("schema", f"config.pass_marks.{exercise_id} should be an object")
    assign_r = _Reader(r.mapping("assignment"), "config.assignment")
    assignment_all = _read_assignment(assign_r.data.get("all"), "config.assignment.all")
    assignments: dict[str, Assignment] = {}
    for station, value in assign_r.mapping("stations").items():
        if not NAME_PATTERN.match(station):
            raise ProtocolError("schema", f"config.assignment.stations: bad station {station!r}")
        found = _read_assignment(value, f"config.assignment.stations.{station}")
        if found is not None:
            assignments[station] = found
    messages: list[InstructorMessage] = []
    for item in r.sequence("messages"):
        if not isinstance(item, dict):
            raise ProtocolError("schema", "config.messages should hold objects")
        m = _Reader(item, "config.messages[]")
        to = m.sequence("to")
        if not all(isinstance(s, str) and NAME_PATTERN.match(s) for s in to):
            raise m.fail("to", "a list of station ids")
        messages.append(
            InstructorMessage(
                id=m.integer("id"),
                text=m.text("text", max_len=MAX_MESSAGE_CHARS),
                sent_at=m.number("sent_at"),
                to=tuple(to),
            )
        )
    paused = r.sequence("paused")
    if not all(isinstance(s, str) and (s == "all" or NAME_PATTERN.match(s)) for s in paused):
        raise r.fail("paused", '"all" or station ids')
    return ClassConfig(
        version=version,
        issued_at=issued_at,
        class_name=name,
        exercises=dict(exercises),
        class_bands=class_bands,
        student_bands=student_bands,
        class_schedule=class_schedule,
        student_schedules=dict(student_schedules),
        pass_marks=dict(pass_marks),
        assignment_all=assignment_all,
        assignments=assignments,
        messages=tuple(messages),
        paused=tuple(paused),
    )


# -- receipts ---------------------------------------------------------------------------


#: how many UUIDs one receipt may carry
MAX_RECEIPT_UUIDS = 200


@dataclass(frozen=True, slots=True)
class Receipt(_Message):
    """The hub has these sessions in its records: the station may drop them from its outbox.

    The broker's PUBACK only says the broker has a session; a broker killed before it
    saved (or before the hub subscribed) could still lose it. The receipt closes that gap.
    """

    station: str
    uuids: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"v": PROTOCOL_VERSION, "station": self.station, "uuids": list(self.uuids)}


def decode_receipt(payload: bytes, *, station: str | None = None) -> Receipt:
    r = _Reader(_load(payload, MAX_SMALL_BYTES), "receipt")
    uuids = r.sequence("uuids")
    if len(uuids) > MAX_RECEIPT_UUIDS or not all(
        isinstance(u, str) and _UUID.match(u) for u in uuids
    ):
        raise r.fail("uuids", f"at most {MAX_RECEIPT_UUIDS} session UUIDs")
    receipt = Receipt(station=r.station(), uuids=tuple(uuids))
    _check_station(receipt.station, station)
    return receipt


#: the byte limit of each station topic's payloads
STATION_LIMITS: dict[StationKind, int] = {
    "status": MAX_SMALL_BYTES,
    "live": MAX_SMALL_BYTES,
    "sessions": MAX_SESSION_BYTES,
    "receipts": MAX_SMALL_BYTES,
}
