"""The instructor's hub: every station's status and live state, the class's records, its config.

:class:`ClassHub` connects to the class broker with the hub's account (a persistent MQTT 5
session, so sessions sent while the hub is away wait at the broker), subscribes to every
station's status, live and session topics, and

- keeps the latest status and live report per station (:meth:`ClassHub.snapshot`);
- stores every session in its own SQLite database (the same schema as a station's), once
  per UUID, acknowledges it to the broker only after the database commit, and sends the
  station a receipt (then, and only then, the station drops it from its outbox);
- is the only publisher of the class configuration: assignments, messages, pauses,
  feedback schedules and the instructor's bands and pass marks from its database
  (re-published when they change);
- drops bad input on any topic with one log line and a counter, never crashing.

Listeners get events from the network or ingest thread: a UI hands them on with
``post_message`` / ``call_from_thread``.

Example::

    hub = ClassHub(Path("monday/hub.toml"))
    hub.add_listener(print)
    hub.start()
    hub.assign("all", "ischemic-compression", blind=True)
    hub.send_message(["station-03"], "Lighter, please")
    view = hub.snapshot()["station-03"]
    hub.stop()
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeVar

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from trainer.classroom.broker import (
    BRIDGE_PREFIX,
    ClassFile,
    ClassSetupError,
    class_client,
    load_class_file,
)
from trainer.classroom.hub_lock import HubLock
from trainer.classroom.link import ClassLink
from trainer.classroom.listeners import Listeners
from trainer.classroom.protocol import (
    MAX_MESSAGE_CHARS,
    MAX_MESSAGES,
    STATION_LIMITS,
    Assignment,
    ClassConfig,
    InstructorMessage,
    LiveReport,
    ProtocolError,
    Receipt,
    SessionRecord,
    StationStatus,
    config_topic,
    decode_config,
    decode_live,
    decode_session,
    decode_status,
    parse_topic,
    receipts_topic,
    stations_filter,
)
from trainer.classroom.records import config_settings, enrol, ingest, settings_fingerprint
from trainer.exercises import ExerciseLibrary
from trainer.instructor.schedules import FeedbackSchedule
from trainer.store import Store, StoreError

log = logging.getLogger(__name__)

#: what a station's payload decodes to (a status, a live report, a session)
Decoded = TypeVar("Decoded")

#: the broker keeps the hub's subscriptions and queued sessions this long while it is away
SESSION_EXPIRY_S = 7 * 24 * 3600
#: how often the hub looks for changed bands, schedules and pass marks in its records
SETTINGS_POLL_S = 2.0

Stations = Sequence[str] | Literal["all"]


# -- events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StationStatusChanged:
    station: str
    status: StationStatus
    received_at: float


@dataclass(frozen=True, slots=True)
class LiveStateReceived:
    station: str
    report: LiveReport
    received_at: float

    @property
    def latency_s(self) -> float:
        """Station snapshot to hub receipt (meaningful where the clocks agree)."""
        return self.received_at - self.report.t


@dataclass(frozen=True, slots=True)
class SessionStored:
    station: str
    uuid: str
    student: str
    exercise_id: str
    status: str
    score: float | None
    session_id: int
    duplicate: bool  # already stored: this delivery was dropped


@dataclass(frozen=True, slots=True)
class PayloadRejected:
    topic: str
    station: str | None
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class ConfigPublished:
    config: ClassConfig


@dataclass(frozen=True, slots=True)
class HubConnectionChanged:
    connected: bool
    problem: str | None


HubEvent = (
    StationStatusChanged
    | LiveStateReceived
    | SessionStored
    | PayloadRejected
    | ConfigPublished
    | HubConnectionChanged
)


@dataclass(frozen=True, slots=True)
class StationView:
    """What the hub knows of one station right now."""

    station: str
    status: StationStatus | None = None
    live: LiveReport | None = None
    live_received_at: float | None = None
    last_score: float | None = None
    last_exercise_id: str | None = None
    last_session_at: float | None = None
    sessions_stored: int = 0
    online_since: float | None = None
    offline_since: float | None = None

    @property
    def online(self) -> bool:
        return self.status is not None and self.status.state == "online"


@dataclass
class HubCounters:
    """What arrived and what was dropped (by reason) since the hub started."""

    received: Counter[str] = field(default_factory=Counter)  # by kind
    rejected: Counter[str] = field(default_factory=Counter)  # by reason
    sessions_stored: int = 0
    sessions_duplicate: int = 0
    configs_published: int = 0

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())


class HubError(Exception):
    """The hub cannot do what was asked; the message says why."""


class ClassHub(ClassLink[HubEvent]):
    """The instructor's side of a class; see the module docstring."""

    UNREACHABLE = (
        "the class broker {host}:{port} is not reachable: "
        "start it (mosquitto -c CLASS_FOLDER/mosquitto.conf); retrying"
    )
    LOST = "lost the class broker ({reason}); retrying"
    TAKEN_OVER = (
        "the class broker keeps dropping the hub as soon as it connects: is {file} in use "
        "on another computer too? A class has one hub; retrying"
    )

    def __init__(
        self,
        hub_file: Path | ClassFile,
        db: Path | None = None,
        *,
        library: ExerciseLibrary | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        class_file = hub_file if isinstance(hub_file, ClassFile) else load_class_file(hub_file)
        if class_file.role != "hub":
            raise ClassSetupError(
                f"{class_file.path} is a station's file: the hub needs hub.toml "
                "from the class folder"
            )
        super().__init__(class_file, Listeners("hub"))
        self.db_path = Path(db or self.class_file.db or self.class_file.path.with_name("hub.db"))
        self.library = library
        self.clock = clock
        self.counters = HubCounters()
        # Set once the broker acknowledged the hub's subscriptions: live messages (QoS 0)
        # published before that never reach the hub.
        self._subscribed = threading.Event()
        self._subscribe_mid: int | None = None
        self._lock = threading.RLock()
        self._views: dict[str, StationView] = {}
        self._known: frozenset[str] = frozenset()
        self._known_mtime: float | None = None
        self._refresh_known()
        self._ingest: queue.SimpleQueue[tuple[str, str, bytes, int, int] | None] = (
            queue.SimpleQueue()
        )
        self._threads: list[threading.Thread] = []
        # The records: opened here so a bad path fails at once, with a sentence.
        self.store = Store.open(self.db_path)
        self._load_views()
        self._config_lock = threading.Lock()
        self._config = self._load_config_cache()
        self._without_saved_config = self._config.version == 0
        self._last_publish: mqtt.MQTTMessageInfo | None = None
        self._fingerprint = ""
        self.client = self._make_client(f"{self.class_name}-hub", manual_ack=True)
        self.client.on_subscribe = self._on_subscribe
        self._one_hub = HubLock.of(self.class_file)

    # -- set-up ------------------------------------------------------------------------------
    @property
    def config_cache(self) -> Path:
        return self.db_path.with_name(self.db_path.stem + ".config.json")

    def start(self) -> None:
        """Connect (retrying with back-off) and start storing sessions.

        Raises :class:`HubAlreadyRunning` (nothing started) while another hub of this
        class runs on this computer.
        """
        self.claim()
        for target, name in ((self._ingest_loop, "ingest"), (self._settings_loop, "settings")):
            thread = threading.Thread(target=target, name=f"hub-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = SESSION_EXPIRY_S
        self.client.connect_async(
            self.class_file.host,
            self.class_file.port,
            keepalive=10,
            clean_start=False,
            properties=properties,
        )
        self.client.loop_start()

    def claim(self) -> None:
        """Become this computer's hub of the class, or raise :class:`HubAlreadyRunning`."""
        self._one_hub.acquire()

    def stop(self) -> None:
        """Disconnect; sessions not yet stored stay queued at the broker for next time."""
        last = self._last_publish
        if last is not None and self.connected:
            # The configuration just published must reach the broker before we go.
            with contextlib.suppress(Exception):
                last.wait_for_publish(timeout=3.0)
        self._stopping.set()
        self._ingest.put(None)
        with contextlib.suppress(Exception):
            self.client.disconnect()
        self.client.loop_stop()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()
        try:
            self.store.close()
        finally:
            self._one_hub.release()

    def __enter__(self) -> ClassHub:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_connected(self, timeout_s: float = 10.0) -> bool:
        """Wait until the hub is connected and the broker has taken its subscriptions."""
        # Set on the SUBACK, cleared whenever the hub goes offline.
        return self._subscribed.wait(timeout_s) and self.connected

    # -- the views ---------------------------------------------------------------------------
    def snapshot(self) -> dict[str, StationView]:
        """Every known station's view (a station never heard of has an empty one)."""
        with self._lock:
            views = {s: StationView(s) for s in sorted(self._known)}
            views.update(self._views)
            return dict(sorted(views.items()))

    @property
    def stations(self) -> tuple[str, ...]:
        """The class's station ids (from the class folder's password file)."""
        self._refresh_known()
        return tuple(sorted(self._known))

    def _load_views(self) -> None:
        """Last scores per station from the records (a restarted hub still shows them)."""
        rows = self.store.db.execute(
            "SELECT s.station, r.score, s.exercise_id, COUNT(*) OVER (PARTITION BY s.station) "
            "FROM sessions s LEFT JOIN results r ON r.session_id = s.id "
            "WHERE s.station IS NOT NULL ORDER BY s.id"
        ).fetchall()
        for station, score, exercise_id, count in rows:
            self._views[station] = StationView(
                station,
                last_score=score,
                last_exercise_id=exercise_id,
                sessions_stored=count,
            )

    def _refresh_known(self) -> None:
        passwd = self.class_file.path.with_name("passwd")
        try:
            mtime = passwd.stat().st_mtime
        except OSError:
            return
        if mtime == self._known_mtime:
            return
        try:
            names = {
                line.split(":", 1)[0]
                for line in passwd.read_text(encoding="utf-8").splitlines()
                if ":" in line
            }
        except OSError:
            return
        names.discard(self.class_file.username)
        self._known = frozenset(n for n in names if not n.startswith(BRIDGE_PREFIX))
        self._known_mtime = mtime

    def _is_known(self, station: str) -> bool:
        if station in self._known or self._known_mtime is None:
            return True
        self._refresh_known()
        return station in self._known

    # -- MQTT callbacks ----------------------------------------------------------------------
    def _refused(self, reason: str) -> None:
        self.problem = (
            f"the class broker refused the hub ({reason}): check hub.toml against the "
            "class folder's passwd (run `trainer class setup` again)"
        )
        log.error(self.problem)
        self._listeners.emit(HubConnectionChanged(False, self.problem))

    def _connected(self, client: mqtt.Client) -> None:
        self._subscribed.clear()
        _, self._subscribe_mid = client.subscribe(
            [
                (stations_filter(self.class_name, "status"), 1),
                (stations_filter(self.class_name, "live"), 0),
                (stations_filter(self.class_name, "sessions"), 1),
                (config_topic(self.class_name), 1),
            ]
        )
        log.info("hub: connected to %s:%s", self.class_file.host, self.class_file.port)
        self._listeners.emit(HubConnectionChanged(True, None))
        if self._config.version > 0:
            # A broker that lost its retained messages (killed before it saved) gets the
            # configuration back; stations ignore a version they already have.
            client.publish(config_topic(self.class_name), self._config.encode(), qos=1, retain=True)
        self._publish_if_changed(force=self._config.version == 0)

    def _on_subscribe(
        self,
        client: mqtt.Client,
        userdata: Any,
        mid: int,
        reasons: list[ReasonCode],
        properties: Properties | None,
    ) -> None:
        if mid == self._subscribe_mid:
            self._subscribed.set()

    def _went_offline(self, problem: str) -> None:
        self._subscribed.clear()
        was = self.connected
        self.connected = False
        self.problem = problem
        if was or self.counters.received.total() == 0:
            log.warning("hub: %s", problem)
        self._listeners.emit(HubConnectionChanged(False, problem))

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        topic = message.topic
        payload = bytes(message.payload)
        handed_over = False  # a session goes to the ingest thread, which acknowledges it
        try:
            if topic == config_topic(self.class_name):
                self._config_seen(payload)
                return
            try:
                kind, station = parse_topic(self.class_name, topic)
            except ProtocolError as error:
                self._reject(topic, None, error.reason, error.detail)
                return
            if len(payload) > STATION_LIMITS[kind]:
                self._reject(topic, station, "too-large", f"{len(payload)} bytes on a {kind} topic")
                return
            if not self._is_known(station):
                self._reject(topic, station, "unknown-station", f"{station} is not in this class")
                return
            if kind == "sessions":
                # Decoded and stored on the ingest thread; acknowledged after the commit.
                self._ingest.put((topic, station, payload, message.mid, message.qos))
                handed_over = True
                return
            if kind == "status":
                if not payload:
                    return  # a retained status being cleared
                self._status(topic, station, payload)
            else:
                self._live(topic, station, payload)
        finally:
            if message.qos > 0 and not handed_over:
                client.ack(message.mid, message.qos)

    def _status(self, topic: str, station: str, payload: bytes) -> None:
        status = self._decoded(decode_status, topic, station, payload)
        if status is None:
            return
        now = self.clock()
        self.counters.received["status"] += 1

        def seen(view: StationView) -> StationView:
            if status.state == "online":
                online_since = view.online_since if view.online else status.since
                return replace(view, status=status, online_since=online_since, offline_since=None)
            return replace(view, status=status, offline_since=view.offline_since or now)

        self._change_view(station, seen)
        log.info(
            "%s %s%s",
            station,
            status.state,
            f" ({status.student}: {status.exercise_id})" if status.exercise_id else "",
        )
        self._listeners.emit(StationStatusChanged(station, status, now))

    def _live(self, topic: str, station: str, payload: bytes) -> None:
        report = self._decoded(decode_live, topic, station, payload)
        if report is not None:
            now = self.clock()
            self.counters.received["live"] += 1
            self._change_view(
                station, lambda view: replace(view, live=report, live_received_at=now)
            )
            self._listeners.emit(LiveStateReceived(station, report, now))

    def _change_view(self, station: str, change: Callable[[StationView], StationView]) -> None:
        """Replace ``station``'s view by ``change(view)`` (from a blank view the first time)."""
        with self._lock:
            self._views[station] = change(self._views.get(station, StationView(station)))

    def _decoded(
        self, decode: Callable[..., Decoded], topic: str, station: str, payload: bytes
    ) -> Decoded | None:
        """``decode(payload, station=station)``, or None once a bad payload is rejected."""
        try:
            return decode(payload, station=station)
        except ProtocolError as error:
            self._reject(topic, station, error.reason, error.detail)
            return None

    def _reject(self, topic: str, station: str | None, reason: str, detail: str) -> None:
        self.counters.rejected[reason] += 1
        shown = topic if len(topic) <= 120 else topic[:117] + "..."
        log.warning("dropped a message on %s: %s: %s", shown, reason, detail)
        self._listeners.emit(PayloadRejected(topic, station, reason, detail))

    # -- sessions: decoded, stored, then acknowledged -----------------------------------------
    def _ingest_loop(self) -> None:
        store = Store.open(self.db_path)
        try:
            while True:
                item = self._ingest.get()
                if item is None:
                    break
                topic, station, payload, mid, qos = item
                self._store_session(store, topic, station, payload)
                if qos > 0:
                    # Only now may the broker forget it: a hub killed before this line
                    # gets the session again on reconnect (and stores it once).
                    with contextlib.suppress(Exception):
                        self.client.ack(mid, qos)
        finally:
            store.close()

    def _store_session(self, store: Store, topic: str, station: str, payload: bytes) -> None:
        record = self._decoded(decode_session, topic, station, payload)
        if record is None:
            return
        try:
            session_id, stored = ingest(store, record)
            if stored:
                # The student is in the class: `trainer instructor overview --class` lists them.
                enrol(store, self.class_name, record.student)
        except StoreError as error:
            # Not acknowledged? It is: a session the records refuse would come back forever.
            self._reject(topic, station, "store", str(error))
            return
        except (KeyError, TypeError, ValueError) as error:
            self._reject(topic, station, "schema", f"session does not fit the records: {error}")
            return
        self.counters.received["sessions"] += 1
        self.client.publish(
            receipts_topic(self.class_name, station),
            Receipt(station, (record.uuid,)).encode(),
            qos=1,
        )
        if stored:
            self.counters.sessions_stored += 1
        else:
            self.counters.sessions_duplicate += 1
        self._session_view(record, stored)
        log.info(
            "%s session %s %s: %s %s, score %s%s",
            station,
            record.uuid[:8],
            record.status,
            record.student,
            record.exercise_id,
            "-" if record.score is None else f"{record.score:.0f}",
            "" if stored else " (already stored: duplicate dropped)",
        )
        self._listeners.emit(
            SessionStored(
                station,
                record.uuid,
                record.student,
                record.exercise_id,
                record.status,
                record.score,
                session_id,
                not stored,
            )
        )

    def _session_view(self, record: SessionRecord, stored: bool) -> None:
        if not stored:
            return
        now = self.clock()
        self._change_view(
            record.station,
            lambda view: replace(
                view,
                last_score=record.score,
                last_exercise_id=record.exercise_id,
                last_session_at=now,
                sessions_stored=view.sessions_stored + 1,
            ),
        )

    # -- the class configuration ----------------------------------------------------------------
    @property
    def config(self) -> ClassConfig:
        """The configuration last published (version 0: nothing published yet)."""
        return self._config

    def _load_config_cache(self) -> ClassConfig:
        empty = ClassConfig(version=0, issued_at=0.0, class_name=self.class_name)
        path = self.config_cache
        if not path.exists():
            return empty
        try:
            return decode_config(path.read_bytes(), class_name=self.class_name)
        except (OSError, ProtocolError) as error:
            log.warning("hub: the saved class configuration is not used (%s)", error)
            return empty

    def _config_seen(self, payload: bytes) -> None:
        """A retained config from the broker: never publish a version below it."""
        if not payload:
            return  # the retained configuration being cleared
        try:
            seen = decode_config(payload, class_name=self.class_name)
        except ProtocolError as error:
            self._reject(config_topic(self.class_name), None, error.reason, error.detail)
            return
        with self._config_lock:
            if seen.version <= self._config.version:
                return
            adopt = self._without_saved_config
            self._without_saved_config = False
            if not adopt:
                self._config = replace(self._config, version=seen.version)
        # A hub that lost (or never had) its saved configuration takes the class's, with
        # the instructor's current settings from its records.
        self._publish((lambda c: replace(seen, **self._settings())) if adopt else (lambda c: c))

    def _settings_loop(self) -> None:
        while not self._stopping.wait(SETTINGS_POLL_S):
            try:
                self._publish_if_changed()
            except Exception:
                log.exception("hub: the instructor's settings could not be read")

    def _publish_if_changed(self, force: bool = False) -> None:
        try:
            store = Store.open(self.db_path)
        except StoreError as error:
            log.warning("hub: %s", error)
            return
        try:
            fingerprint = settings_fingerprint(store)
            if fingerprint == self._fingerprint and not force:
                return
            settings = config_settings(store, self.class_name)
        finally:
            store.close()
        self._fingerprint = fingerprint

        def update(config: ClassConfig) -> ClassConfig:
            return replace(config, **settings)

        with self._config_lock:
            unchanged = update(self._config) == self._config
        if force or not unchanged:
            self._publish(update)

    def _publish(self, change: Callable[[ClassConfig], ClassConfig]) -> ClassConfig:
        """Apply ``change`` to the config, give it the next version, save and publish it."""
        with self._config_lock:
            config = change(self._config)
            config = replace(
                config,
                version=max(self._config.version, config.version) + 1,
                issued_at=self.clock(),
                exercises=self._exercise_texts(config),
            )
            payload = config.encode()
            self._config = config
            tmp = self.config_cache.with_name(self.config_cache.name + ".tmp")
            try:
                tmp.write_bytes(payload)
                os.replace(tmp, self.config_cache)
            except OSError as error:
                log.warning("hub: cannot save the class configuration: %s", error)
            self._last_publish = self.client.publish(
                config_topic(self.class_name), payload, qos=1, retain=True
            )
            self.counters.configs_published += 1
        log.info("class configuration %d published", config.version)
        self._listeners.emit(ConfigPublished(config))
        return config

    def _exercise_texts(self, config: ClassConfig) -> dict[str, str]:
        """The instructor's own exercises the config uses (built-ins every station has)."""
        library = self.library
        if library is None:
            return dict(config.exercises)
        used = {a.exercise_id for a in [config.assignment_all, *config.assignments.values()] if a}
        used |= set(config.class_bands)
        for bands in config.student_bands.values():
            used |= set(bands)
        texts = dict(config.exercises)
        for exercise_id in used:
            exercise = library.exercises.get(exercise_id)
            if exercise is not None and not exercise.builtin and exercise.source:
                with contextlib.suppress(OSError):
                    texts[exercise_id] = Path(exercise.source).read_text(encoding="utf-8")
        return texts

    def _targets(self, stations: Stations) -> list[str] | Literal["all"]:
        if stations == "all":
            return "all"
        chosen = list(stations)
        if not chosen:
            raise HubError("choose at least one station (or all)")
        unknown = [s for s in chosen if not self._is_known(s)]
        if unknown:
            raise HubError(
                f"{', '.join(unknown)} not in class {self.class_name}: stations are "
                f"{', '.join(self.stations) or 'none'}"
            )
        return chosen

    def assign(
        self, stations: Stations, exercise_id: str | None, blind: bool = False
    ) -> ClassConfig:
        """Ask stations (or all) to practise an exercise, live or blind; None clears it."""
        targets = self._targets(stations)
        library = self.library
        if exercise_id is not None and library is not None and exercise_id not in library.exercises:
            known = ", ".join(sorted(library.exercises))
            raise HubError(f"no exercise with id {exercise_id!r}; known ids: {known}")
        assignment = None if exercise_id is None else Assignment(exercise_id, blind)

        def change(config: ClassConfig) -> ClassConfig:
            if targets == "all":
                return replace(config, assignment_all=assignment, assignments={})
            assignments = dict(config.assignments)
            for station in targets:
                if assignment is None:
                    assignments.pop(station, None)
                else:
                    assignments[station] = assignment
            return replace(config, assignments=assignments)

        return self._publish(change)

    def send_message(self, stations: Stations, text: str) -> ClassConfig:
        """Show a short message on stations (or all)."""
        targets = self._targets(stations)
        text = " ".join(text.split())
        if not text:
            raise HubError("the message is empty: type what the stations should show")
        if len(text) > MAX_MESSAGE_CHARS:
            raise HubError(f"the message is {len(text)} characters: keep it to {MAX_MESSAGE_CHARS}")

        def change(config: ClassConfig) -> ClassConfig:
            next_id = max((m.id for m in config.messages), default=0) + 1
            message = InstructorMessage(
                next_id, text, self.clock(), () if targets == "all" else tuple(targets)
            )
            return replace(config, messages=(*config.messages, message)[-MAX_MESSAGES:])

        return self._publish(change)

    def pause(self, stations: Stations, paused: bool = True) -> ClassConfig:
        """Pause (or resume) stations' practice, or everyone's."""
        targets = self._targets(stations)

        def change(config: ClassConfig) -> ClassConfig:
            current = set(config.paused)
            if targets == "all":
                current = {"all"} if paused else set()
            elif paused:
                current |= set(targets)
            else:
                current -= set(targets)
                if "all" in current:
                    current = set(self.stations) - set(targets)
            return replace(config, paused=tuple(sorted(current)))

        return self._publish(change)

    def set_schedule(
        self, students: Iterable[str] | Literal["class"], schedule: FeedbackSchedule | None
    ) -> ClassConfig:
        """The feedback schedule for the whole class or named students (None: clear it).

        Stored in the hub's records like ``trainer instructor`` does, then published.
        """
        from trainer.instructor import InstructorError
        from trainer.instructor.feedback_store import SchedulePlans
        from trainer.instructor.roster import Roster

        store = Store.open(self.db_path)
        try:
            roster = Roster(store)
            plans = SchedulePlans(store)
            owners: list[tuple[str, str]]
            if students == "class":
                if not store.db.execute(
                    "SELECT 1 FROM classes WHERE name = ?", (self.class_name,)
                ).fetchone():
                    roster.add_class(self.class_name)
                owners = [("class", self.class_name)]
            else:
                owners = []
                for name in students:
                    roster.add_student(name)
                    owners.append(("student", name))
            for scope, owner in owners:
                if schedule is None:
                    plans.clear(scope, owner)
                else:
                    plans.set(scope, owner, schedule)
        except InstructorError as error:
            raise HubError(str(error)) from None
        finally:
            store.close()
        return self.republish()

    def republish(self) -> ClassConfig:
        """Publish the configuration again with the instructor's current settings."""
        settings = self._settings()
        return self._publish(lambda c: replace(c, **settings))

    def _settings(self) -> dict[str, Any]:
        store = Store.open(self.db_path)
        try:
            return config_settings(store, self.class_name)
        finally:
            store.close()


# -- headless: `trainer class hub` and `trainer class status` ------------------------------------


def run_hub(
    hub_file: Path,
    db: Path | None = None,
    *,
    stop: threading.Event | None = None,
    library: ExerciseLibrary | None = None,
    stream: Any = None,
) -> int:
    """Run the hub until SIGTERM/SIGINT (or ``stop``), one log line per event."""
    import signal
    import sys

    stream = stream or sys.stdout
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    root = logging.getLogger("trainer.classroom")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    hub = ClassHub(hub_file, db, library=library or ExerciseLibrary.load())
    try:
        hub.claim()
    except BaseException:
        hub.stop()
        root.removeHandler(handler)
        raise
    log.info(
        "hub for class %s: broker %s:%s, records %s (stations: %s)",
        hub.class_name,
        hub.class_file.host,
        hub.class_file.port,
        hub.db_path,
        ", ".join(hub.stations) or "none",
    )
    hub.start()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        hub.stop()
        counters = hub.counters
        rejected = ", ".join(f"{k} {v}" for k, v in sorted(counters.rejected.items())) or "none"
        log.info(
            "hub stopped: %d sessions stored, %d duplicates dropped, rejected: %s",
            counters.sessions_stored,
            counters.sessions_duplicate,
            rejected,
        )
        root.removeHandler(handler)
    return 0


@dataclass(frozen=True, slots=True)
class ClassStatus:
    """What ``trainer class status`` found: the broker reachable?, each station's view."""

    reachable: bool
    problem: str | None
    stations: dict[str, StationView]
    config_version: int | None


def class_status(hub_file: Path | ClassFile, listen_s: float = 1.5) -> ClassStatus:
    """Ask the broker for every station's retained status and a moment of live reports."""
    class_file = hub_file if isinstance(hub_file, ClassFile) else load_class_file(hub_file)
    if class_file.role != "hub":
        raise ClassSetupError(
            f"{class_file.path} is a station's file: class status needs hub.toml from the "
            "class folder (a station's account cannot read the other stations)"
        )
    views: dict[str, StationView] = {}
    passwd = class_file.path.with_name("passwd")
    with contextlib.suppress(OSError):
        for line in passwd.read_text(encoding="utf-8").splitlines():
            name = line.split(":", 1)[0]
            if ":" in line and name != class_file.username and not name.startswith(BRIDGE_PREFIX):
                views[name] = StationView(name)
    lock = threading.Lock()
    outcome: dict[str, Any] = {"connected": threading.Event(), "problem": None, "config": None}
    client = class_client(class_file, f"{class_file.class_name}-status-{os.getpid()}")

    def on_connect(c: mqtt.Client, u: Any, f: Any, reason: ReasonCode, p: Any) -> None:
        if reason.is_failure:
            outcome["problem"] = f"the class broker refused the hub's account ({reason})"
        else:
            c.subscribe(
                [
                    (stations_filter(class_file.class_name, "status"), 1),
                    (stations_filter(class_file.class_name, "live"), 0),
                    (config_topic(class_file.class_name), 1),
                ]
            )
        outcome["connected"].set()

    def on_message(c: mqtt.Client, u: Any, message: mqtt.MQTTMessage) -> None:
        payload = bytes(message.payload)
        try:
            if message.topic == config_topic(class_file.class_name):
                outcome["config"] = decode_config(payload).version
                return
            kind, station = parse_topic(class_file.class_name, message.topic)
            with lock:
                view = views.get(station, StationView(station))
                if kind == "status":
                    status = decode_status(payload, station=station)
                    views[station] = replace(
                        view,
                        status=status,
                        online_since=status.since if status.state == "online" else None,
                        offline_since=status.since if status.state == "offline" else None,
                    )
                elif kind == "live":
                    views[station] = replace(
                        view,
                        live=decode_live(payload, station=station),
                        live_received_at=time.time(),
                    )
        except ProtocolError:
            return

    client.on_connect = on_connect
    client.on_message = on_message
    try:
        client.connect(class_file.host, class_file.port, keepalive=10)
    except OSError as error:
        return ClassStatus(
            False,
            f"the class broker {class_file.host}:{class_file.port} is not reachable "
            f"({error.strerror or error}): is mosquitto running?",
            views,
            None,
        )
    client.loop_start()
    try:
        outcome["connected"].wait(5.0)
        if outcome["problem"] is None:
            time.sleep(listen_s)
    finally:
        client.disconnect()
        client.loop_stop()
    with lock:
        return ClassStatus(
            outcome["problem"] is None and outcome["connected"].is_set(),
            outcome["problem"],
            dict(sorted(views.items())),
            outcome["config"],
        )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m trainer.classroom.hub HUB_FILE [--db FILE]`` (as `trainer class hub`)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m trainer.classroom.hub")
    parser.add_argument("hub_file", type=Path)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args(argv)
    return run_hub(args.hub_file, args.db)


if __name__ == "__main__":
    import sys

    sys.exit(main())
