"""A practice station in a class: its MQTT link, its outbox sender, its class configuration.

:class:`StationLink` connects a station to the class broker (paho-mqtt 2, MQTT 5) and
never blocks practice: without a broker the station works on its own and catches up
later. It

- publishes the station's status (retained) with a last will saying *offline*;
- publishes live reports (QoS 0) when asked, dropped while offline;
- sends every ended session from the outbox in the station's own database (QoS 1); the
  broker's PUBACK stops the sending, the hub's receipt (it has the session in its records)
  removes it from the outbox; re-sends after a reconnect, a restart, the hub's
  configuration or a receipt overdue;
- receives the class configuration (retained), validates it whole, writes it into the
  station's records in one transaction, keeps it on disk for offline use, and tells its
  listeners.

:func:`run_simulated_station` is a whole station with a virtual student practising in
real time (or faster): the class demo, the tests and ``bench/classroom.py`` use it,
in-process or as processes (``python -m trainer.classroom.station``).

Example::

    link = StationLink(load_class_file("class.toml"), Path("trainer.db"), library=library)
    link.start()
    link.set_activity(student="Ana", exercise_id="ischemic-compression")
    link.publish_live(report)            # ~10 Hz while practising
    link.session_ended()                 # after Store.finish_session: send the outbox now
    link.stop()
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import queue
import random
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import MQTTErrorCode
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from trainer.classroom.broker import ClassFile, ClassSetupError, load_class_file
from trainer.classroom.link import ClassLink
from trainer.classroom.listeners import Listeners
from trainer.classroom.protocol import (
    ClassConfig,
    InstructorMessage,
    LiveReport,
    ProtocolError,
    StationStatus,
    config_topic,
    decode_config,
    decode_receipt,
    live_topic,
    receipts_topic,
    sessions_topic,
    status_topic,
)
from trainer.classroom.records import ConfigRejected, apply_config, check_config, enrol
from trainer.classroom.records import session_record as build_session_record
from trainer.engine import LiveState, Zone
from trainer.exercises import Exercise, ExerciseLibrary
from trainer.store import Store, StoreError

log = logging.getLogger(__name__)

KEEPALIVE_S = 10
#: the outbox is checked at least this often even without a wake-up
OUTBOX_POLL_S = 2.0
LIVE_HZ = 10.0
#: a session the broker acknowledged but the hub has not confirmed is sent again after
#: this long, doubling each time (a duplicate is dropped by the hub)
RECEIPT_WAIT_S = 20.0
RECEIPT_WAIT_MAX_S = 600.0
#: refusals that mean the station's account is wrong, not that the broker is away
_AUTH_FAILURES = {"Bad user name or password", "Not authorized"}


@dataclass(frozen=True, slots=True)
class ConnectionChanged:
    """The station's link to the class came up or went down (``problem`` says why)."""

    connected: bool
    problem: str | None


@dataclass(frozen=True, slots=True)
class ConfigApplied:
    """A new class configuration is in force at this station."""

    config: ClassConfig
    exercises: dict[str, Exercise]


@dataclass(frozen=True, slots=True)
class ConfigRefused:
    """A class configuration arrived but was not applied (the previous one stays)."""

    version: int | None
    reason: str


StationEvent = ConnectionChanged | ConfigApplied | ConfigRefused


@dataclass
class LinkCounters:
    """What the link did, for logs, status and tests."""

    live_sent: int = 0
    sessions_published: int = 0
    sessions_acknowledged: int = 0  # PUBACK from the broker
    sessions_confirmed: int = 0  # receipt from the hub: out of the outbox
    configs_applied: int = 0
    configs_refused: int = 0


class StationLink(ClassLink[StationEvent]):
    """One station's connection to its class; see the module docstring."""

    UNREACHABLE = (
        "the class broker {host}:{port} is not reachable: "
        "practising on its own; results are sent when it is back"
    )
    LOST = (
        "lost the class broker ({reason}): practising on its own; results are sent when it is back"
    )
    TAKEN_OVER = (
        "the class broker keeps dropping this station as soon as it connects: is {file} in "
        "use on another computer too? Each computer needs its own station file; practising "
        "on its own meanwhile"
    )

    def __init__(
        self,
        class_file: ClassFile,
        db_path: Path,
        *,
        library: ExerciseLibrary,
        sensor: str | None = None,
        keepalive_s: int = KEEPALIVE_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(class_file, Listeners("class"))
        self.station = class_file.station
        self.db_path = Path(db_path)
        self.library = library
        self.clock = clock
        self.keepalive_s = keepalive_s
        self.counters = LinkCounters()
        #: the class configuration in force (the last good one, from disk when offline)
        self.config: ClassConfig | None = None
        self.class_exercises: dict[str, Exercise] = {}
        self._work: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._inflight: dict[int, int] = {}  # MQTT message id -> session id
        #: sessions the broker acknowledged: session id -> (resend after, attempts)
        self._published: dict[int, tuple[float, int]] = {}
        self._worker: threading.Thread | None = None
        self._status_lock = threading.Lock()
        self._status = StationStatus(
            station=self.station, state="online", since=clock(), sensor=sensor
        )
        self._live_seq = 0
        self._connected_since = clock()
        self._load_cached_config()
        self.client = self._make_station_client()

    # -- set-up ------------------------------------------------------------------------
    def _make_station_client(self) -> mqtt.Client:
        client = self._make_client(f"{self.class_name}-{self.station}")
        client.will_set(
            status_topic(self.class_name, self.station),
            self._status_payload("offline"),
            qos=1,
            retain=True,
        )
        client.on_publish = self._on_publish
        return client

    def start(self) -> None:
        """Connect in the background; practice goes on whatever happens to the network."""
        self._worker = threading.Thread(
            target=self._work_loop, name=f"class-{self.station}", daemon=True
        )
        self._worker.start()
        self.client.connect_async(
            self.class_file.host, self.class_file.port, keepalive=self.keepalive_s
        )
        self.client.loop_start()

    def stop(self, flush_timeout_s: float = 2.0) -> None:
        """Send what the outbox holds (for a moment), say offline, disconnect."""
        deadline = time.monotonic() + flush_timeout_s
        if self.connected:
            self.session_ended()
            while time.monotonic() < deadline and self.pending_sessions() > 0:
                time.sleep(0.05)
            with contextlib.suppress(Exception):
                info = self.client.publish(
                    status_topic(self.class_name, self.station),
                    self._status_payload("offline"),
                    qos=1,
                    retain=True,
                )
                info.wait_for_publish(max(0.1, deadline - time.monotonic()))
        self._stopping.set()
        self._work.put(("stop", None))
        with contextlib.suppress(Exception):
            self.client.disconnect()
        self.client.loop_stop()
        if self._worker is not None:
            self._worker.join(timeout=5.0)

    # -- what practice tells the link ----------------------------------------------------
    def set_activity(
        self,
        *,
        student: str | None = None,
        exercise_id: str | None = None,
        sensor: str | None = None,
    ) -> None:
        """Who practises what now; republished (retained) when it changed."""
        with self._status_lock:
            changed = (student, exercise_id, sensor or self._status.sensor) != (
                self._status.student,
                self._status.exercise_id,
                self._status.sensor,
            )
            if not changed:
                return
            self._status = replace(
                self._status,
                student=student,
                exercise_id=exercise_id,
                sensor=sensor or self._status.sensor,
            )
        self._publish_status()

    def publish_live(self, report: LiveReport) -> bool:
        """Send one live report (QoS 0); False (dropped) while offline."""
        if not self.connected:
            return False
        info = self.client.publish(live_topic(self.class_name, self.station), report.encode())
        if info.rc == MQTTErrorCode.MQTT_ERR_SUCCESS:
            self.counters.live_sent += 1
            return True
        return False

    def next_live_seq(self) -> int:
        self._live_seq += 1
        return self._live_seq

    def session_ended(self) -> None:
        """A session was ended and queued in the outbox: send it now if connected."""
        self._work.put(("send", None))

    def pending_sessions(self) -> int:
        """Sessions in the outbox not yet acknowledged by the broker."""
        try:
            with contextlib.closing(_connect_readonly(self.db_path)) as db:
                row = db.execute("SELECT COUNT(*) FROM outbox").fetchone()
        except Exception:
            return -1
        return int(row[0])

    @property
    def latest_message(self) -> InstructorMessage | None:
        config = self.config
        return None if config is None else config.latest_message_for(self.station)

    @property
    def paused(self) -> bool:
        config = self.config
        return config is not None and config.is_paused(self.station)

    # -- MQTT callbacks (the network thread) -----------------------------------------------
    def _refused(self, reason: str) -> None:
        if reason in _AUTH_FAILURES:
            self.problem = (
                f"the class broker refused {self.station}'s password ({reason}): copy "
                f"{self.class_file.path.name} again from the instructor's class folder"
            )
        else:
            self.problem = f"the class broker refused the station: {reason}"
        log.warning("%s: %s", self.station, self.problem)
        self._listeners.emit(ConnectionChanged(False, self.problem))

    def _connected(self, client: mqtt.Client) -> None:
        self._connected_since = self.clock()
        log.info("%s: connected to %s:%s", self.station, self.class_file.host, self.class_file.port)
        client.subscribe(
            [
                (config_topic(self.class_name), 1),
                (receipts_topic(self.class_name, self.station), 1),
            ]
        )
        with self._status_lock:
            self._status = replace(self._status, since=self._connected_since)
        self._publish_status()
        self._work.put(("connected", None))
        self._listeners.emit(ConnectionChanged(True, None))

    def _went_offline(self, problem: str) -> None:
        was = self.connected
        self.connected = False
        if self.problem is None or not self.problem.startswith("the class broker refused"):
            self.problem = problem
        if was:
            log.warning("%s: %s", self.station, problem)
            self._listeners.emit(ConnectionChanged(False, self.problem))

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        if message.topic == config_topic(self.class_name):
            self._work.put(("config", bytes(message.payload)))
        elif message.topic == receipts_topic(self.class_name, self.station):
            self._work.put(("receipt", bytes(message.payload)))

    def _on_publish(
        self,
        client: mqtt.Client,
        userdata: Any,
        mid: int,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self._work.put(("acked", (mid, not reason.is_failure)))

    def _status_payload(self, state: str) -> bytes:
        with self._status_lock:
            status = self._status
        since = status.since if state == "online" else self.clock()
        return replace(status, state=state, since=since).encode()

    def _publish_status(self) -> None:
        if self.connected:
            self.client.publish(
                status_topic(self.class_name, self.station),
                self._status_payload("online"),
                qos=1,
                retain=True,
            )

    # -- the worker: outbox and configuration (its own database connection) ---------------
    def _work_loop(self) -> None:
        try:
            store = Store.open(self.db_path)
        except StoreError as error:
            log.error("%s: the class link cannot open the records: %s", self.station, error)
            return
        store.station = self.station
        try:
            if self.config is not None:
                self._apply_to_store(store, self.config)
            while not self._stopping.is_set():
                try:
                    kind, value = self._work.get(timeout=OUTBOX_POLL_S)
                except queue.Empty:
                    kind, value = "send", None
                if kind == "stop":
                    break
                if kind == "connected":
                    # Resend all that is not confirmed: a duplicate is dropped by the hub.
                    self._inflight.clear()
                    self._published.clear()
                elif kind == "config":
                    self._receive_config(store, value)
                elif kind == "receipt":
                    self._receive_receipt(store, value)
                elif kind == "acked":
                    mid, ok = value
                    session_id = self._inflight.pop(mid, None)
                    if session_id is not None and ok:
                        attempts = self._published.get(session_id, (0.0, 0))[1]
                        wait = min(RECEIPT_WAIT_S * 2**attempts, RECEIPT_WAIT_MAX_S)
                        self._published[session_id] = (time.monotonic() + wait, attempts + 1)
                        self.counters.sessions_acknowledged += 1
                self._send_outbox(store)
        except Exception:
            log.exception("%s: the class link stopped", self.station)
        finally:
            store.close()

    def _send_outbox(self, store: Store) -> None:
        if not self.connected:
            return
        waiting = set(self._inflight.values())
        now = time.monotonic()
        for session_id in store.outbox():
            if session_id in waiting or self._published.get(session_id, (0.0, 0))[0] > now:
                continue
            try:
                record = build_session_record(store, session_id, self.station)
            except (StoreError, ValueError, KeyError) as error:
                log.error("%s: session %s cannot be sent: %s", self.station, session_id, error)
                continue
            info = self.client.publish(
                sessions_topic(self.class_name, self.station), record.encode(), qos=1
            )
            if info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
                return  # disconnected meanwhile: the next connect sends it
            self._inflight[info.mid] = session_id
            self.counters.sessions_published += 1

    def _receive_receipt(self, store: Store, payload: bytes) -> None:
        try:
            receipt = decode_receipt(payload, station=self.station)
        except ProtocolError as error:
            log.warning("%s: dropped a receipt: %s", self.station, error)
            return
        queued = set(store.outbox())
        for session_uuid in receipt.uuids:
            session_id = store.session_by_uuid(session_uuid)
            if session_id is None or session_id not in queued:
                continue
            store.remove_from_outbox(session_id)
            self._published.pop(session_id, None)
            self.counters.sessions_confirmed += 1

    def _receive_config(self, store: Store, payload: bytes) -> None:
        try:
            config = decode_config(payload, class_name=self.class_name)
        except ProtocolError as error:
            self._refuse(None, f"unreadable ({error})")
            return
        # The hub publishes its configuration whenever it connects. A session the broker
        # took before the hub had subscribed (a broker restarted without its saved state)
        # reached nobody: send every unconfirmed one again now rather than after the
        # receipt wait. A duplicate is dropped by the hub.
        self._published.clear()
        current = self.config
        if current is not None and config.version <= current.version:
            if config.version < current.version:
                log.info(
                    "%s: class configuration %d is older than %d: kept %d",
                    self.station,
                    config.version,
                    current.version,
                    current.version,
                )
            return
        try:
            exercises = check_config(config, self.library)
            apply_config(store, config)
        except (ConfigRejected, StoreError) as error:
            self._refuse(config.version, str(error))
            return
        self._save_cached_config(payload)
        self.config = config
        self.class_exercises = exercises
        self.counters.configs_applied += 1
        with self._status_lock:
            self._status = replace(self._status, config_version=config.version)
        self._publish_status()
        log.info("%s: class configuration %d applied", self.station, config.version)
        self._listeners.emit(ConfigApplied(config, exercises))

    def _apply_to_store(self, store: Store, config: ClassConfig) -> None:
        try:
            self.class_exercises = check_config(config, self.library)
            apply_config(store, config)
        except (ConfigRejected, StoreError) as error:
            log.warning("%s: the saved class configuration is not used: %s", self.station, error)

    def _refuse(self, version: int | None, reason: str) -> None:
        self.counters.configs_refused += 1
        log.warning(
            "%s: class configuration %s not applied, keeping %s: %s",
            self.station,
            version if version is not None else "?",
            self.config.version if self.config is not None else "none",
            reason,
        )
        self._listeners.emit(ConfigRefused(version, reason))

    # -- the last good configuration on disk --------------------------------------------------
    @property
    def config_cache(self) -> Path:
        return self.class_file.config_cache

    def _load_cached_config(self) -> None:
        path = self.config_cache
        if not path.exists():
            return
        try:
            self.config = decode_config(path.read_bytes(), class_name=self.class_name)
            self.class_exercises = check_config(self.config, self.library)
        except (OSError, ProtocolError, ConfigRejected) as error:
            log.warning("%s: the saved class configuration is not used: %s", self.station, error)
            self.config = None

    def _save_cached_config(self, payload: bytes) -> None:
        path = self.config_cache
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_bytes(payload)
            os.replace(tmp, path)
        except OSError as error:
            log.warning("%s: cannot keep the class configuration on disk: %s", self.station, error)


def _connect_readonly(path: Path) -> Any:
    import sqlite3

    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2.0)


# -- live reports -------------------------------------------------------------------------------


def live_report(
    *,
    station: str,
    seq: int,
    t: float,
    student: str | None,
    exercise: Exercise | None,
    state: LiveState,
    running: bool,
    feedback_shown: bool,
    peeks: int = 0,
    sensor: str | None = None,
    overload: bool = False,
    message_id_seen: int | None = None,
) -> LiveReport:
    """The live report for the engine's state (the force always; ``feedback_shown`` apart)."""
    phase = state.phase
    band = state.band if phase is not None and phase.scored else None
    zone = None if band is None or state.zone is Zone.NONE else state.zone.value
    return LiveReport(
        station=station,
        seq=seq,
        t=t,
        student=student,
        exercise_id=exercise.id if exercise is not None else None,
        exercise_name=exercise.name if exercise is not None else None,
        phase_index=state.phase_index,
        phase_count=state.phase_count,
        phase_name=phase.name if phase is not None else None,
        phase_kind=phase.kind.value if phase is not None else None,
        band_low_n=band.low_n if band is not None else None,
        band_high_n=band.high_n if band is not None else None,
        force_n=round(state.force_n, 3),
        zone=zone,
        in_band_s=round(state.in_band_s, 3),
        phase_elapsed_s=round(state.elapsed_s, 3),
        phase_remaining_s=None if state.time_left_s is None else round(state.time_left_s, 3),
        running=running,
        paused=state.paused,
        feedback_shown=feedback_shown,
        peeks=peeks,
        sensor=sensor,
        overload=overload,
        message_id_seen=message_id_seen,
    )


# -- a simulated station -----------------------------------------------------------------------

#: exercises a simulated station practises in turn when nothing is assigned
DEFAULT_ROTATION = ("blind-levels", "precision-drill", "ischemic-compression", "graded-levels")


@dataclass
class SimulatedStationResult:
    """What a simulated station did: the UUIDs of the sessions it ended."""

    station: str
    session_uuids: list[str] = field(default_factory=list)
    sessions_pending: int = 0
    #: why the station stopped practising before it was told to (a full disk), if it did
    save_error: str | None = None


def run_simulated_station(
    class_file: ClassFile | Path,
    profile: str,
    seed: int,
    stop: threading.Event,
    *,
    db: Path | None = None,
    student: str | None = None,
    speed: float = 1.0,
    sessions: int | None = None,
    rotation: Sequence[str] = DEFAULT_ROTATION,
    live_hz: float = LIVE_HZ,
    rest_s: float = 2.0,
    library: ExerciseLibrary | None = None,
    flush_timeout_s: float = 5.0,
    on_link: Callable[[StationLink], None] | None = None,
    config_wait_s: float = 3.0,
) -> SimulatedStationResult:
    """Run one station with a virtual student until ``stop`` is set (or ``sessions`` done).

    The student practises the assigned exercise (or ``rotation`` in turn), at ``speed``
    times real time, with live reports at ``live_hz`` (wall clock) and every session sent
    through the outbox. ``db`` defaults to ``<station>.db`` beside the station file.
    """
    from trainer.instructor.practice import plan_practice
    from trainer.sensors.base import EndOfStream, SensorError
    from trainer.sensors.students import PROFILES, VirtualStudent
    from trainer.session import PracticeSession, finish_or_keep

    if isinstance(class_file, Path):
        class_file = load_class_file(class_file)
    if profile not in PROFILES:
        raise ValueError(f"no virtual student {profile!r}: use one of {', '.join(PROFILES)}")
    station = class_file.station
    db = db or class_file.path.with_name(f"{station}.db")
    library = library or ExerciseLibrary.load()
    store = Store.open(db)
    store.station = station
    link = StationLink(class_file, db, library=library, sensor="simulated")
    if on_link is not None:
        on_link(link)
    link.start()
    name = student or f"{station} {profile}"
    rng = random.Random(seed)
    result = SimulatedStationResult(station)
    live_every_s = 1.0 / live_hz if live_hz > 0 else float("inf")
    turn = 0
    try:
        # Like a student who looks at the screen first: take the instructor's assignment
        # if the class answers within a moment; practise anyway if it does not.
        waited = time.monotonic() + config_wait_s
        while link.config is None and time.monotonic() < waited and not stop.wait(0.05):
            pass
        while not stop.is_set() and (sessions is None or len(result.session_uuids) < sessions):
            exercise = _next_exercise(link, library, rotation, turn)
            turn += 1
            enrol(store, class_file.class_name, name)
            try:
                plan = plan_practice(store, exercise, name)
            except Exception as error:  # damaged settings must not stop practice
                log.warning("%s: practising with the exercise's own bands: %s", station, error)
                plan = None
            judged = plan.exercise if plan is not None else exercise
            virtual = VirtualStudent(PROFILES[profile], seed=rng.randrange(1 << 30))
            sensor = virtual.sensor(rate_hz=80.0, speed=speed)
            session = PracticeSession.begin(
                store, judged, name, sensor.describe() | {"student_profile": profile}, rate_hz=80.0
            )
            engine = session.engine
            link.set_activity(student=name, exercise_id=judged.id, sensor="simulated")
            next_live = 0.0
            limit = 2 * sum(p.limit_s for p in judged.phases) * 80.0 + 10
            count = 0
            status: str | None = None
            with sensor:
                virtual.observe(engine.state)
                while not engine.finished and count < limit:
                    if stop.is_set():
                        status = "aborted"
                        break
                    paused = link.paused
                    if paused and not engine.paused:
                        engine.pause()
                    elif not paused and engine.paused:
                        engine.resume()
                    try:
                        sample = sensor.read(timeout_s=1.0)
                    except EndOfStream:
                        break
                    except SensorError:
                        continue
                    events = session.process(sample)
                    if plan is not None and events:
                        plan.controller.observe(events)
                    state = engine.state
                    visible = not state.blind and (
                        plan is None or plan.controller.gauge_visible(state)
                    )
                    virtual.observe(state if visible or state.blind else _as_blind(state))
                    count += 1
                    now = time.monotonic()
                    if now >= next_live:
                        # Keep the cadence (samples come every 12.5 ms): 10 a second on average.
                        next_live = max(next_live + live_every_s, now - live_every_s)
                        message = link.latest_message
                        link.publish_live(
                            live_report(
                                station=station,
                                seq=link.next_live_seq(),
                                t=time.time(),
                                student=name,
                                exercise=judged,
                                state=state,
                                running=True,
                                feedback_shown=visible,
                                peeks=plan.controller.report.peeks if plan is not None else 0,
                                sensor="simulated",
                                message_id_seen=message.id if message is not None else None,
                            )
                        )
            if plan is not None:
                with contextlib.suppress(StoreError):
                    plan.finish(store, session.session_id)
            try:
                finish_or_keep(session, status)
            except StoreError as error:
                # The disk is full: what was not saved is in a recovery file (named in the
                # message); practising on would only lose more.
                log.error("%s: stopped practising: %s", station, error)
                result.save_error = str(error)
                break
            result.session_uuids.append(store.session(session.session_id)["uuid"])
            link.session_ended()
            link.set_activity(student=name, exercise_id=None, sensor="simulated")
            if rest_s > 0 and not stop.is_set():
                stop.wait(rest_s / max(speed, 1.0) if speed > 0 else 0)
    finally:
        link.stop(flush_timeout_s=flush_timeout_s)
        result.sessions_pending = len(store.outbox())
        store.close()
    return result


def _as_blind(state: LiveState) -> LiveState:
    from trainer.exercises import FeedbackMode

    if state.phase is None:
        return state
    return replace(state, phase=replace(state.phase, feedback=FeedbackMode.BLIND))


def _next_exercise(
    link: StationLink, library: ExerciseLibrary, rotation: Sequence[str], turn: int
) -> Exercise:
    config = link.config
    if config is not None:
        assignment = config.assignment_for(link.station)
        if assignment is not None:
            exercise = link.class_exercises.get(assignment.exercise_id) or library.exercises.get(
                assignment.exercise_id
            )
            if exercise is not None:
                return _blind(exercise) if assignment.blind else exercise
    known = [e for e in rotation if e in library.exercises] or sorted(library.exercises)
    return library.get(known[turn % len(known)])


def _blind(exercise: Exercise) -> Exercise:
    """The exercise with every phase blind: the instructor asked for practice without feedback."""
    from trainer.exercises import FeedbackMode

    return replace(
        exercise,
        phases=tuple(replace(p, feedback=FeedbackMode.BLIND) for p in exercise.phases),
    )


# -- as a process: python -m trainer.classroom.station -------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """One or several simulated stations in this process, until SIGTERM/Ctrl+C."""
    parser = argparse.ArgumentParser(
        prog="python -m trainer.classroom.station",
        description="Simulated class stations: virtual students practising in real time.",
    )
    parser.add_argument("station_files", nargs="+", type=Path, metavar="STATION_FILE")
    parser.add_argument("--profile", default="steady", help="virtual student (default steady)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--sessions", type=int, help="stop after this many sessions each")
    parser.add_argument("--live-hz", type=float, default=LIVE_HZ)
    parser.add_argument("--rest", type=float, default=2.0, help="seconds between sessions")
    parser.add_argument("--db-dir", type=Path, help="station databases here (default: beside)")
    parser.add_argument("--report", type=Path, help="write the sessions' UUIDs here as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    import signal

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    library = ExerciseLibrary.load()
    results: list[SimulatedStationResult] = []
    threads = []
    try:
        files = [load_class_file(path) for path in args.station_files]
    except ClassSetupError as error:
        print(f"station: {error}", file=sys.stderr)
        return 1
    profiles = [p.strip() for p in args.profile.split(",")]

    def one(index: int, class_file: ClassFile) -> None:
        db = args.db_dir / f"{class_file.station}.db" if args.db_dir else None
        results.append(
            run_simulated_station(
                class_file,
                profiles[index % len(profiles)],
                args.seed + index,
                stop,
                db=db,
                speed=args.speed,
                sessions=args.sessions,
                live_hz=args.live_hz,
                rest_s=args.rest,
                library=library,
            )
        )

    for index, class_file in enumerate(files):
        thread = threading.Thread(target=one, args=(index, class_file), daemon=True)
        thread.start()
        threads.append(thread)
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    except KeyboardInterrupt:
        stop.set()
        for thread in threads:
            thread.join(10)
    if args.report:
        args.report.write_text(
            json.dumps(
                {
                    r.station: {
                        "uuids": r.session_uuids,
                        "pending": r.sessions_pending,
                        "save_error": r.save_error,
                    }
                    for r in results
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
