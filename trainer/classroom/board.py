"""The class board: what the instructor's class screen shows about every station, purely.

Built from the protocol's messages (station status, live reports, finished sessions) with
the time passed in by the caller: no clock, no threads, no MQTT, no Textual. The class
screen feeds it from the hub and draws :meth:`ClassBoard.view`; the tests feed it
hand-made message sequences.

Alerts (:class:`Condition`), as the instructor sees them:

- *pressing too hard*: the force above the band's top by the instructor's margin
  (default 50 %) for more than 2 s, timed on the station's own clock (not in a release,
  which starts above its band by design);
- *sensor*: the station reports its sensor disconnected or overloaded;
- *offline*: the station's last will (or status) says offline, or a practising station
  has gone silent for ``AlertRules.offline_after_s``;
- *outside the band*: out of the band for most of a phase (more than half of the phase's
  whole length, or of its time so far when the phase has no fixed length); it stays
  until the phase ends.

An alert lasts while its condition holds, until the instructor acknowledges it; an
acknowledged alert comes back only when its condition clears and arises again.

Example::

    board = ClassBoard(["station-01", "station-02"])
    board.on_status(status, now=1000.0)
    board.on_live(report, now=1000.1)
    view = board.view(now=1003.0)
    for alert in view.alerts:
        print(alert_line(alert))          # "ALERT Station 1 (Ana): pressing too hard ..."
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Any, TextIO

from trainer.classroom.protocol import LiveReport, SessionRecord, StationStatus
from trainer.exercises import Exercise
from trainer.instructor.assessment import PassMark, PassVerdict, judge
from trainer.instructor.reports import spreadsheet_text
from trainer.scoring import SessionResult
from trainer.units import Unit


class Condition(StrEnum):
    """Why a station needs the instructor, most urgent first."""

    OVERSHOOT = "overshoot"
    SENSOR = "sensor"
    OFFLINE = "offline"
    OUTSIDE_BAND = "outside-band"


#: phases no alert judges: a release starts above its band by design (it eases off)
UNJUDGED_KINDS = frozenset({"release", "rest"})

#: the order alerts are listed in (a safety matter first)
URGENCY = {condition: rank for rank, condition in enumerate(Condition)}


class Presence(StrEnum):
    """What a station is doing, as far as the board knows."""

    UNKNOWN = "unknown"  # never heard from
    IDLE = "idle"  # online, not practising
    PRACTISING = "practising"
    PAUSED = "paused"
    SILENT = "silent"  # was practising, no live report for a few seconds
    OFFLINE = "offline"


class ProjectorNames(StrEnum):
    """How students are named in projector mode."""

    NUMBERS = "numbers"
    INITIALS = "initials"


@dataclass(frozen=True, slots=True)
class AlertRules:
    """The thresholds the instructor can change; forces in N, times in s."""

    #: pressing too hard: above the band's top by this share of the top
    margin_pct: float = 50.0
    #: ... for longer than this
    overshoot_s: float = 2.0
    #: outside the band for more than this share of the phase
    outside_share: float = 0.5
    #: a phase without a fixed length is judged only after this long
    outside_min_s: float = 10.0
    #: a practising station with no live report for this long is shown greyed
    silent_after_s: float = 3.0
    #: ... and for this long counts as offline
    offline_after_s: float = 10.0

    def __post_init__(self) -> None:
        if not 0 <= self.margin_pct <= 500:
            raise ValueError("the alert margin is from 0 to 500 % above the band's top")

    def limit_n(self, band_high_n: float) -> float:
        """The force above which a station is pressing too hard."""
        return band_high_n * (1 + self.margin_pct / 100)


@dataclass(frozen=True, slots=True)
class Alert:
    """One station's need for the instructor; ``detail`` says what, in words."""

    station: str
    label: str  # the station as the screen names it (projector mode aware)
    condition: Condition
    since: float
    detail: str
    acknowledged: bool = False


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One finished or stopped session, as the end-of-class table lists it."""

    uuid: str
    station: str
    student: str
    exercise_id: str
    exercise_name: str
    started_at: str
    ended_at: str | None
    status: str
    score: float | None
    time_in_band_pct: float | None
    pass_mark: str = ""
    passed: bool | None = None  # None: the exercise has no pass mark (or no result)


def summarise(record: SessionRecord, marks: Mapping[str, PassMark]) -> SessionSummary:
    """The table row of a session record, judged against the class's pass marks."""
    return summary_of(
        uuid=record.uuid,
        station=record.station,
        student=record.student,
        exercise=record.exercise,
        started_at=record.started_at,
        ended_at=record.ended_at,
        status=record.status,
        result=record.result,
        marks=marks,
    )


def summary_of(
    *,
    uuid: str,
    station: str,
    student: str,
    exercise: Mapping[str, Any],
    started_at: str,
    ended_at: str | None,
    status: str,
    result: Mapping[str, Any] | None,
    marks: Mapping[str, PassMark],
) -> SessionSummary:
    """A table row from a session's parts (a record on the wire or a row of the records)."""
    exercise_id = str(exercise.get("id", ""))
    mark = marks.get(exercise_id)
    verdict: PassVerdict | None = None
    if mark is not None and result is not None:
        verdict = judge(
            mark, Exercise.from_snapshot(dict(exercise)), SessionResult.from_dict(dict(result))
        )
    return SessionSummary(
        uuid=uuid,
        station=station,
        student=student,
        exercise_id=exercise_id,
        exercise_name=str(exercise.get("name", exercise_id)),
        started_at=started_at,
        ended_at=ended_at,
        status=status,
        score=None if result is None else float(result["score"]),
        time_in_band_pct=None if result is None else float(result["time_in_band_pct"]),
        pass_mark=mark.describe() if mark else "",
        passed=None if verdict is None else verdict.passed,
    )


@dataclass(frozen=True, slots=True)
class StationView:
    """Everything a tile shows about one station (names and scores already masked)."""

    station: str
    number: int
    label: str  # "3 · Ana Lima"; in projector mode "Station 3" or "3 · A.L."
    student: str | None  # None in projector mode
    presence: Presence
    exercise: str  # the exercise's name, "" when none
    phase: str  # "Hold 2/4", "" when not practising
    force_n: float | None
    band_n: tuple[float, float] | None
    zone: str | None  # "below" | "in" | "above" | None (no band, rest, not practising)
    in_band_s: float | None
    feedback_shown: bool  # False: the student practises blind right now
    last_score: float | None  # None in projector mode or before the first session
    note: str  # "offline since 10:42", "PAUSED", "sensor disconnected", ...
    alerts: tuple[Alert, ...]  # unacknowledged ones

    @property
    def alerting(self) -> bool:
        return bool(self.alerts)

    @property
    def greyed(self) -> bool:
        return self.presence in (Presence.SILENT, Presence.OFFLINE, Presence.UNKNOWN)


@dataclass(frozen=True, slots=True)
class BoardView:
    """The whole class at one moment: tiles (alerting first) and the alert bar's lines."""

    stations: tuple[StationView, ...]
    alerts: tuple[Alert, ...]
    projector: bool
    rules: AlertRules

    def counts(self) -> dict[Presence, int]:
        found: dict[Presence, int] = {}
        for view in self.stations:
            found[view.presence] = found.get(view.presence, 0) + 1
        return found


@dataclass
class _Track:
    """What the board remembers about one station."""

    station: str
    number: int
    status: StationStatus | None = None
    live: LiveReport | None = None
    live_at: float | None = None  # board time of the last live report
    heard_at: float | None = None  # board time of the last message of any kind
    offline_since: float | None = None
    above_since: float | None = None  # station time the force first went over the limit
    outside_phase: tuple[str | None, int] | None = None  # the phase judged mostly outside
    active: dict[Condition, float] = field(default_factory=dict)
    details: dict[Condition, str] = field(default_factory=dict)
    acknowledged: set[Condition] = field(default_factory=set)
    last_score: float | None = None
    student: str | None = None  # the last one named (a last will may not say)
    #: recent live points (station time, force, band low, band high) for a full-size trace
    trace: deque[tuple[float, float, float | None, float | None]] = field(
        default_factory=lambda: deque(maxlen=TRACE_POINTS)
    )


#: live points kept per station: 30 s at 10 reports a second
TRACE_POINTS = 300

_NUMBER = re.compile(r"(\d+)$")


def station_number(station: str, fallback: int) -> int:
    """``station-07`` -> 7; other names get ``fallback``."""
    found = _NUMBER.search(station)
    return int(found.group(1)) if found else fallback


def initials(name: str) -> str:
    """``'Ana Lima'`` -> ``'A.L.'``; ``'Demo 3'`` -> ``'D.3'``."""
    parts = name.split()
    if not parts:
        return "?"
    return "".join(p[0].upper() + ("." if p[0].isalpha() else "") for p in parts[:3])


def clock_text(t: float, tz: tzinfo | None = None) -> str:
    """``'10:42'`` in the given time zone (the machine's when None)."""
    return datetime.fromtimestamp(t, tz).strftime("%H:%M")


class ClassBoard:
    """The class as the instructor's screen sees it (see the module docstring).

    Feed it with :meth:`on_status`, :meth:`on_live` and :meth:`on_session`; call
    :meth:`view` (it also re-evaluates the time-based alerts) to draw.
    """

    def __init__(
        self,
        stations: Iterable[str] = (),
        rules: AlertRules | None = None,
        *,
        tz: tzinfo | None = None,
        unit: Unit = Unit.N,
    ) -> None:
        self.rules = rules or AlertRules()
        self.tz = tz
        self.unit = unit
        self.projector = False
        self.projector_names = ProjectorNames.NUMBERS
        self._tracks: dict[str, _Track] = {}
        self._sessions: dict[str, SessionSummary] = {}
        self._messages_sent: dict[str, int] = {}
        for station in stations:
            self._track(station)

    # -- input -------------------------------------------------------------------------
    def _track(self, station: str) -> _Track:
        track = self._tracks.get(station)
        if track is None:
            track = _Track(station, station_number(station, len(self._tracks) + 1))
            self._tracks[station] = track
        return track

    @property
    def station_ids(self) -> list[str]:
        return sorted(self._tracks, key=lambda s: (self._tracks[s].number, s))

    def on_status(self, status: StationStatus, now: float) -> None:
        """A station's (retained) status: online, or offline by its last will."""
        track = self._track(status.station)
        was = track.status
        track.status = status
        track.heard_at = now
        track.student = status.student or track.student
        if status.state == "offline":
            if track.offline_since is None:
                # A retained status read at start-up says when it went; a fresh one is now.
                fresh = was is not None and was.state == "online"
                track.offline_since = now if fresh else status.since
        else:
            track.offline_since = None
        self._evaluate(track, now)

    def on_live(self, report: LiveReport, now: float) -> None:
        """A live report (about 10 a second while a station practises)."""
        track = self._track(report.station)
        previous = track.live
        if previous is not None and report.t < previous.t and report.seq <= previous.seq:
            return  # a late QoS 0 report overtaken by a newer one
        track.live = report
        track.live_at = now
        track.student = report.student or track.student
        if report.running:
            track.trace.append((report.t, report.force_n, report.band_low_n, report.band_high_n))
        track.heard_at = now
        if track.status is not None and track.status.state == "offline":
            # Live data beats a stale retained "offline": the station is evidently back.
            track.status = replace(track.status, state="online", since=now)
            track.offline_since = None
        self._overshoot(track, report)
        self._evaluate(track, now)

    def on_session(self, summary: SessionSummary) -> None:
        """A finished session stored by the hub (idempotent by UUID)."""
        self._sessions[summary.uuid] = summary
        track = self._track(summary.station)
        if summary.score is not None:
            latest = max(
                (s for s in self._sessions.values() if s.station == summary.station),
                key=lambda s: s.ended_at or s.started_at,
            )
            track.last_score = latest.score if latest.score is not None else track.last_score

    def apply(self, message: StationStatus | LiveReport | SessionSummary, now: float) -> None:
        """Any of the messages above, as it arrived at ``now``."""
        if isinstance(message, LiveReport):
            self.on_live(message, now)
        elif isinstance(message, StationStatus):
            self.on_status(message, now)
        else:
            self.on_session(message)

    def trace(self, station: str) -> list[tuple[float, float, float | None, float | None]]:
        """The station's recent live points, oldest first (station time)."""
        track = self._tracks.get(station)
        return list(track.trace) if track is not None else []

    def student_at(self, station: str) -> str | None:
        """The student last named by the station (its status or live reports)."""
        track = self._tracks.get(station)
        return track.student if track is not None else None

    def live_report(self, station: str) -> LiveReport | None:
        """The station's last live report (for a full-size view)."""
        track = self._tracks.get(station)
        return track.live if track is not None else None

    def message_sent(self, stations: Sequence[str] | str, message_id: int) -> None:
        """The instructor sent message ``message_id`` to these stations (or ``"all"``):
        practising tiles say whether the station shows it yet (its live reports tell)."""
        targets = self.station_ids if stations == "all" else list(stations)
        for station in targets:
            self._track(station)
            self._messages_sent[station] = message_id

    def set_margin(self, margin_pct: float) -> None:
        """The instructor's margin above the band's top before 'pressing too hard'."""
        self.rules = replace(self.rules, margin_pct=margin_pct)
        for track in self._tracks.values():
            if track.live is not None:  # judged again against the new limit
                self._overshoot(track, track.live)

    def acknowledge(self, station: str, now: float) -> int:
        """Acknowledge the station's active alerts; return how many."""
        track = self._tracks.get(station)
        if track is None:
            return 0
        self._evaluate(track, now)
        fresh = set(track.active) - track.acknowledged
        track.acknowledged |= fresh
        return len(fresh)

    def acknowledge_all(self, now: float) -> int:
        return sum(self.acknowledge(station, now) for station in list(self._tracks))

    # -- alerts ------------------------------------------------------------------------
    def _overshoot(self, track: _Track, report: LiveReport) -> None:
        """Start or stop the overshoot timer from one report (station time)."""
        high = report.band_high_n
        over = (
            report.running
            and not report.paused
            and high is not None
            and report.phase_kind not in UNJUDGED_KINDS
            and report.force_n > self.rules.limit_n(high)
        )
        if not over:
            track.above_since = None
        elif track.above_since is None:
            track.above_since = report.t

    def _presence(self, track: _Track, now: float) -> Presence:
        status, live = track.status, track.live
        if status is not None and status.state == "offline":
            return Presence.OFFLINE
        if live is not None and live.running and track.live_at is not None:
            silent_s = now - track.live_at
            if silent_s >= self.rules.offline_after_s:
                return Presence.OFFLINE
            if silent_s >= self.rules.silent_after_s:
                return Presence.SILENT
            return Presence.PAUSED if live.paused else Presence.PRACTISING
        if status is None and live is None:
            return Presence.UNKNOWN
        return Presence.IDLE

    def _evaluate(self, track: _Track, now: float) -> None:
        """Bring the station's active conditions up to date at ``now``."""
        rules, unit = self.rules, self.unit
        found: dict[Condition, str] = {}
        presence = self._presence(track, now)
        live = track.live
        if presence is Presence.OFFLINE:
            since = track.offline_since
            if since is None and track.live_at is not None:
                since = track.live_at
            found[Condition.OFFLINE] = (
                f"offline since {clock_text(since, self.tz)}" if since is not None else "offline"
            )
        fresh_live = live is not None and presence in (Presence.PRACTISING, Presence.PAUSED)
        sensor = None
        if fresh_live and live is not None:
            sensor = "overload" if live.overload else live.sensor
        elif track.status is not None and presence is not Presence.OFFLINE:
            sensor = track.status.sensor
        if sensor == "disconnected":
            found[Condition.SENSOR] = "sensor disconnected: check the pad's cable"
        elif sensor == "overload":
            found[Condition.SENSOR] = "sensor overloaded: too much force for the load cell"
        if fresh_live and live is not None and track.above_since is not None:
            held_s = live.t - track.above_since
            high = live.band_high_n
            if held_s > rules.overshoot_s and high is not None:
                over_pct = (live.force_n / high - 1) * 100 if high > 0 else 0.0
                found[Condition.OVERSHOOT] = (
                    f"pressing too hard: {unit.show(live.force_n)}, {over_pct:.0f} % over "
                    f"the band's top ({unit.show(high, compact=True)}) "
                    f"for {held_s:.0f} s"
                )
        outside = self._outside(track) if fresh_live else None
        if outside is not None:
            found[Condition.OUTSIDE_BAND] = outside
        for condition in list(track.active):
            if condition not in found:
                del track.active[condition]
                track.acknowledged.discard(condition)
        for condition in found:
            track.active.setdefault(condition, now)
        track.details = found

    def _outside(self, track: _Track) -> str | None:
        """'outside the band for most of the phase', or None; kept until the phase ends."""
        live = track.live
        if live is None or not live.running:
            track.outside_phase = None
            return None
        key = (live.exercise_id, live.phase_index)
        if track.outside_phase is not None and track.outside_phase != key:
            track.outside_phase = None
        if live.band_low_n is None or live.band_high_n is None or live.phase_kind in UNJUDGED_KINDS:
            return None
        out_s = max(0.0, live.phase_elapsed_s - live.in_band_s)
        if live.phase_remaining_s is not None:
            whole_s = live.phase_elapsed_s + live.phase_remaining_s
            judged = out_s > self.rules.outside_share * whole_s
        else:
            judged = (
                live.phase_elapsed_s >= self.rules.outside_min_s
                and out_s > self.rules.outside_share * live.phase_elapsed_s
            )
        if judged:
            track.outside_phase = key
        if track.outside_phase != key:
            return None
        phase = live.phase_name or f"phase {live.phase_index + 1}"
        return f"outside the band for most of {phase} ({out_s:.0f} of {live.phase_elapsed_s:.0f} s)"

    # -- output ------------------------------------------------------------------------
    def label(self, station: str, student: str | None) -> str:
        """How the screen names a station: ``'3 · Ana Lima'``, or ``'Station 3'`` /
        ``'3 · A.L.'`` in projector mode (and before a student is known)."""
        number = self._track(station).number
        if student and not self.projector:
            return f"{number} · {student}"
        if student and self.projector_names is ProjectorNames.INITIALS:
            return f"{number} · {initials(student)}"
        return f"Station {number}"

    def view(self, now: float) -> BoardView:
        """Every station and the alert bar at ``now`` (alerting stations first)."""
        views: list[StationView] = []
        for station in self.station_ids:
            track = self._tracks[station]
            self._evaluate(track, now)
            views.append(self._station_view(track, now))
        alerts = sorted(
            (a for v in views for a in v.alerts),
            key=lambda a: (URGENCY[a.condition], a.since, a.station),
        )
        first_alert = {a.station: i for i, a in reversed(list(enumerate(alerts)))}
        views.sort(key=lambda v: (first_alert.get(v.station, len(alerts)), v.number, v.station))
        return BoardView(tuple(views), tuple(alerts), self.projector, self.rules)

    def _station_view(self, track: _Track, now: float) -> StationView:
        status, live = track.status, track.live
        presence = self._presence(track, now)
        student = track.student
        label = self.label(track.station, student)
        practising = presence in (Presence.PRACTISING, Presence.PAUSED, Presence.SILENT)
        exercise = ""
        phase = ""
        force_n: float | None = None
        band: tuple[float, float] | None = None
        zone: str | None = None
        in_band_s: float | None = None
        feedback_shown = True
        if live is not None and practising:
            exercise = live.exercise_name or live.exercise_id or ""
            name = (live.phase_name or live.phase_kind or "phase").capitalize()
            phase = f"{name} ({live.phase_index + 1}/{live.phase_count})"
            force_n = live.force_n
            if live.band_low_n is not None and live.band_high_n is not None:
                band = (live.band_low_n, live.band_high_n)
                zone = live.zone
                in_band_s = live.in_band_s
            feedback_shown = live.feedback_shown
        elif status is not None and status.exercise_id:
            exercise = status.exercise_id
        note = self._note(track, presence)
        alerts = tuple(
            Alert(track.station, label, condition, since, track.details[condition])
            for condition, since in track.active.items()
            if condition not in track.acknowledged
        )
        return StationView(
            station=track.station,
            number=track.number,
            label=label,
            student=None if self.projector else student,
            presence=presence,
            exercise=exercise,
            phase=phase,
            force_n=force_n,
            band_n=band,
            zone=zone,
            in_band_s=in_band_s,
            feedback_shown=feedback_shown,
            last_score=None if self.projector else track.last_score,
            note=note,
            alerts=alerts,
        )

    def _note(self, track: _Track, presence: Presence) -> str:
        if presence is Presence.OFFLINE:
            return track.details.get(Condition.OFFLINE, "offline")
        if presence is Presence.SILENT and track.live_at is not None:
            return f"no news since {clock_text(track.live_at, self.tz)}"
        if Condition.SENSOR in track.details:
            return track.details[Condition.SENSOR].split(":")[0]
        if presence is Presence.PAUSED:
            return "PAUSED"
        if presence is Presence.UNKNOWN:
            return "not connected yet"
        if presence is Presence.IDLE:
            return "ready, not practising"
        sent = self._messages_sent.get(track.station)
        if sent is not None and track.live is not None:
            seen = track.live.message_id_seen
            return "message on screen" if seen is not None and seen >= sent else "message sent"
        return ""

    # -- the end of class --------------------------------------------------------------
    def sessions(self) -> list[SessionSummary]:
        """Every session the board has seen, in the order they started."""
        return sorted(self._sessions.values(), key=lambda s: (s.started_at, s.station, s.uuid))

    def table(self) -> list[list[str]]:
        """The end-of-class table as shown (projector mode hides names and scores)."""
        rows = []
        for s in self.sessions():
            number = self._track(s.station).number
            hide = self.projector
            rows.append(
                [
                    f"{number}",
                    self.label(s.station, s.student) if hide else s.student,
                    s.exercise_name,
                    _hhmm(s.started_at, self.tz),
                    s.status,
                    "" if hide or s.score is None else f"{s.score:.0f}",
                    "" if hide or s.time_in_band_pct is None else f"{s.time_in_band_pct:.0f}%",
                    s.pass_mark,
                    "" if hide or s.passed is None else ("yes" if s.passed else "not yet"),
                ]
            )
        return rows


TABLE_HEADINGS = (
    "Station",
    "Student",
    "Exercise",
    "Started",
    "Status",
    "Score",
    "In band",
    "Pass mark",
    "Passed",
)

DAY_CSV_COLUMNS = (
    "station",
    "student",
    "session_uuid",
    "exercise_id",
    "exercise_name",
    "started_at",
    "ended_at",
    "status",
    "score",
    "time_in_band_pct",
    "pass_mark",
    "passed",
)


def _hhmm(iso: str, tz: tzinfo | None) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso[:16]
    return moment.astimezone(tz).strftime("%H:%M") if moment.tzinfo else moment.strftime("%H:%M")


def write_day_csv(sessions: Sequence[SessionSummary], out: TextIO) -> int:
    """The day's sessions, one row each (full names and scores); return the row count.

    Names arrive from the stations as typed: a leading formula character is neutralised
    so the instructor's spreadsheet shows ``=HYPERLINK(...)`` as text.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DAY_CSV_COLUMNS)
    for s in sessions:
        writer.writerow(
            [
                spreadsheet_text(s.station),
                spreadsheet_text(s.student),
                s.uuid,
                spreadsheet_text(s.exercise_id),
                spreadsheet_text(s.exercise_name),
                s.started_at,
                s.ended_at or "",
                s.status,
                "" if s.score is None else f"{s.score:.1f}",
                "" if s.time_in_band_pct is None else f"{s.time_in_band_pct:.1f}",
                s.pass_mark,
                "" if s.passed is None else ("yes" if s.passed else "no"),
            ]
        )
    return len(sessions)


def alert_line(alert: Alert) -> str:
    """The alert bar's line: ``'ALERT  3 · Ana Lima: pressing too hard: ...'``."""
    return f"ALERT  {alert.label}: {alert.detail}"
