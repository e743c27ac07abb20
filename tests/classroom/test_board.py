"""The class board on hand-made message sequences: tiles, alerts, projector mode, the day."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC
from pathlib import Path

import pytest

from tests.classroom.messages import live, record, status
from trainer.classroom.board import (
    AlertRules,
    ClassBoard,
    Condition,
    Presence,
    ProjectorNames,
    alert_line,
    initials,
    station_number,
    summarise,
    write_day_csv,
)
from trainer.instructor.assessment import PassMark

T0 = 1_780_000_000.0  # 2026-05-28 20:26:40 UTC


def board(*stations: str, **rules: float) -> ClassBoard:
    return ClassBoard(stations or ("station-01",), AlertRules(**rules), tz=UTC)


def feed(b: ClassBoard, station: str, forces: list[float], start: float = T0, **fields: object):
    """Live reports 10 a second with these forces; return the board time after the last."""
    now = start
    for i, force in enumerate(forces):
        now = start + i * 0.1
        b.on_live(live(station, seq=i, t=now, force_n=force, **fields), now=now)
    return now


def test_unknown_station_is_greyed_until_it_says_hello() -> None:
    b = board("station-01", "station-02")
    view = b.view(T0)
    assert [v.presence for v in view.stations] == [Presence.UNKNOWN, Presence.UNKNOWN]
    assert all(v.greyed for v in view.stations)
    b.on_status(status("station-02", student="Ana Lima"), now=T0)
    tile = {v.station: v for v in b.view(T0).stations}["station-02"]
    assert tile.presence is Presence.IDLE
    assert tile.label == "2 · Ana Lima"
    assert not tile.greyed


def test_practising_tile_shows_exercise_phase_force_band_zone() -> None:
    b = board()
    now = feed(b, "station-01", [50.0] * 5, in_band_s=3.2)
    (tile,) = b.view(now).stations
    assert tile.presence is Presence.PRACTISING
    assert tile.exercise == "Ischemic compression"
    assert tile.phase == "Hold (2/3)"
    assert tile.force_n == 50.0
    assert tile.band_n == (40.0, 60.0)
    assert tile.zone == "in"
    assert tile.in_band_s == 3.2
    assert tile.alerts == ()


def test_overshoot_alerts_only_after_two_seconds_above_the_margin() -> None:
    b = board()
    # 60 N top, 50 % margin: the limit is 90 N. 89 N for 5 s is not an alert.
    now = feed(b, "station-01", [89.0] * 50)
    assert b.view(now).alerts == ()
    # 95 N: at 2.0 s not yet, past 2 s an alert.
    start = now + 0.1
    now = feed(b, "station-01", [95.0] * 21, start=start)
    assert now - start == pytest.approx(2.0)
    assert b.view(now).alerts == ()
    now += 0.1
    b.on_live(live("station-01", seq=999, t=now, force_n=95.0), now=now)
    (alert,) = b.view(now).alerts
    assert alert.condition is Condition.OVERSHOOT
    line = alert_line(alert)
    assert line.startswith("ALERT")
    assert "pressing too hard" in line and "95.0 N" in line and "58 %" in line


def test_overshoot_timer_restarts_when_the_force_drops_below_the_limit() -> None:
    b = board()
    forces = [95.0] * 15 + [70.0] + [95.0] * 15  # 1.5 s, a dip, 1.5 s: never 2 s running
    now = feed(b, "station-01", forces)
    assert b.view(now).alerts == ()


def test_instructor_margin_changes_the_limit() -> None:
    b = board()
    b.set_margin(10.0)  # limit 66 N
    now = feed(b, "station-01", [70.0] * 30)
    assert [a.condition for a in b.view(now).alerts] == [Condition.OVERSHOOT]
    with pytest.raises(ValueError, match="margin"):
        b.set_margin(-5)


def test_overshoot_clears_when_the_force_comes_down() -> None:
    b = board()
    now = feed(b, "station-01", [100.0] * 30)
    assert b.view(now).alerts
    now = feed(b, "station-01", [55.0], start=now + 0.1)
    assert b.view(now).alerts == ()


def test_acknowledged_alert_stays_hidden_until_it_clears_and_comes_back() -> None:
    b = board()
    now = feed(b, "station-01", [100.0] * 30)
    assert b.acknowledge("station-01", now) == 1
    now = feed(b, "station-01", [100.0] * 30, start=now + 0.1)
    assert b.view(now).alerts == ()  # the same excursion: acknowledged
    now = feed(b, "station-01", [50.0], start=now + 0.1)
    now = feed(b, "station-01", [100.0] * 30, start=now + 0.1)
    assert [a.condition for a in b.view(now).alerts] == [Condition.OVERSHOOT]


def test_no_overshoot_alert_in_a_rest_a_release_or_while_paused() -> None:
    b = board()
    now = feed(b, "station-01", [100.0] * 30, band_low_n=None, band_high_n=None, zone=None)
    assert b.view(now).alerts == ()
    release = {"phase_kind": "release", "band_low_n": 0.0, "band_high_n": 5.0, "zone": "above"}
    now = feed(b, "station-01", [100.0] * 30, start=now + 0.1, phase_elapsed_s=30.0, **release)
    assert b.view(now).alerts == ()
    now = feed(b, "station-01", [100.0] * 30, start=now + 0.1, paused=True)
    assert b.view(now).alerts == ()


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"sensor": "disconnected"}, "sensor disconnected"),
        ({"sensor": "overload", "overload": True}, "sensor overloaded"),
        ({"overload": True}, "sensor overloaded"),
    ],
)
def test_sensor_trouble_is_an_alert(fields: dict[str, object], words: str) -> None:
    b = board()
    now = feed(b, "station-01", [0.0], **fields)
    view = b.view(now)
    (alert,) = view.alerts
    assert alert.condition is Condition.SENSOR
    assert words in alert_line(alert)
    assert view.stations[0].note == words


def test_sensor_trouble_in_the_status_of_an_idle_station() -> None:
    b = board()
    b.on_status(status("station-01", sensor="disconnected"), now=T0)
    assert [a.condition for a in b.view(T0).alerts] == [Condition.SENSOR]
    b.on_status(status("station-01", sensor="ok"), now=T0 + 5)
    assert b.view(T0 + 5).alerts == ()


def test_last_will_offline_greys_the_tile_with_the_time_and_alerts() -> None:
    b = board()
    b.on_status(status("station-01", student="Ana"), now=T0)
    gone = T0 + 120  # 20:28 UTC
    b.on_status(status("station-01", state="offline", since=T0), now=gone)
    view = b.view(gone + 30)
    (tile,) = view.stations
    assert tile.presence is Presence.OFFLINE and tile.greyed
    assert tile.note == "offline since 20:28"
    (alert,) = view.alerts
    assert alert.condition is Condition.OFFLINE
    assert alert_line(alert) == "ALERT  1 · Ana: offline since 20:28"
    # it comes back: the alert clears by itself
    b.on_status(status("station-01", student="Ana"), now=gone + 60)
    assert b.view(gone + 60).alerts == ()


def test_retained_offline_at_start_up_says_when_the_station_went() -> None:
    b = board()
    b.on_status(status("station-01", state="offline", since=T0 - 3600), now=T0)
    assert b.view(T0).stations[0].note == "offline since 19:26"


def test_a_practising_station_that_goes_silent_is_greyed_then_offline() -> None:
    b = board()
    now = feed(b, "station-01", [50.0] * 3)
    assert b.view(now + 1).stations[0].presence is Presence.PRACTISING
    tile = b.view(now + 4).stations[0]
    assert tile.presence is Presence.SILENT and tile.greyed
    assert tile.note.startswith("no news since")
    assert b.view(now + 4).alerts == ()
    view = b.view(now + 11)
    assert view.stations[0].presence is Presence.OFFLINE
    assert [a.condition for a in view.alerts] == [Condition.OFFLINE]
    # live reports again: back, and the alert is gone
    later = feed(b, "station-01", [50.0], start=now + 12)
    assert b.view(later).alerts == ()


def test_live_data_after_a_retained_offline_means_the_station_is_back() -> None:
    b = board()
    b.on_status(status("station-01", state="offline", since=T0 - 60), now=T0)
    now = feed(b, "station-01", [50.0], start=T0 + 1)
    assert b.view(now).stations[0].presence is Presence.PRACTISING


def test_an_idle_station_that_sends_nothing_is_not_offline() -> None:
    b = board()
    b.on_status(status("station-01"), now=T0)
    view = b.view(T0 + 3600)
    assert view.stations[0].presence is Presence.IDLE
    assert view.alerts == ()


def test_outside_the_band_for_most_of_a_fixed_length_phase() -> None:
    b = board()
    # a 30 s phase: 10 s in, 14 s out is not yet most of it; 16 s out is
    fixed = {"phase_remaining_s": 6.0, "phase_elapsed_s": 24.0, "in_band_s": 10.0}
    now = feed(b, "station-01", [30.0], zone="below", **fixed)
    assert b.view(now).alerts == ()
    fixed = {"phase_remaining_s": 4.0, "phase_elapsed_s": 26.0, "in_band_s": 10.0}
    now = feed(b, "station-01", [30.0], start=now + 0.1, zone="below", **fixed)
    (alert,) = b.view(now).alerts
    assert alert.condition is Condition.OUTSIDE_BAND
    assert "outside the band for most of hold" in alert.detail
    # back in the band: the phase was still mostly outside, the alert stays
    now = feed(b, "station-01", [50.0], start=now + 0.1, phase_remaining_s=3.0,
               phase_elapsed_s=27.0, in_band_s=11.0)  # fmt: skip
    assert [a.condition for a in b.view(now).alerts] == [Condition.OUTSIDE_BAND]
    # the next phase: cleared
    now = feed(b, "station-01", [50.0], start=now + 0.1, phase_index=2, phase_elapsed_s=0.5,
               in_band_s=0.5)  # fmt: skip
    assert b.view(now).alerts == ()


def test_outside_the_band_in_an_open_ended_phase_waits_for_the_minimum() -> None:
    b = board()
    open_ended = {"phase_remaining_s": None, "in_band_s": 0.0}
    now = feed(b, "station-01", [30.0], zone="below", phase_elapsed_s=9.0, **open_ended)
    assert b.view(now).alerts == ()
    now = feed(b, "station-01", [30.0], start=now + 0.1, zone="below", phase_elapsed_s=10.5,
               **open_ended)  # fmt: skip
    assert [a.condition for a in b.view(now).alerts] == [Condition.OUTSIDE_BAND]


def test_alerts_sorted_to_the_top_most_urgent_first() -> None:
    b = board("station-01", "station-02", "station-03", "station-04")
    for s in ("station-01", "station-02", "station-03", "station-04"):
        b.on_status(status(s, student=f"Demo {s[-1]}"), now=T0)
    b.on_status(status("station-02", state="offline", since=T0), now=T0 + 1)
    now = feed(b, "station-04", [100.0] * 30, start=T0 + 1)
    view = b.view(now)
    assert [a.condition for a in view.alerts] == [Condition.OVERSHOOT, Condition.OFFLINE]
    assert [v.station for v in view.stations] == [
        "station-04",
        "station-02",
        "station-01",
        "station-03",
    ]
    assert b.acknowledge_all(now) == 2
    view = b.view(now)
    assert view.alerts == ()
    assert [v.station for v in view.stations][:2] == ["station-01", "station-02"]


def test_projector_mode_hides_every_name_and_score() -> None:
    b = board("station-01", "station-02")
    b.on_status(status("station-01", student="Ana Lima"), now=T0)
    now = feed(b, "station-02", [100.0] * 30, student="Bruno Costa")
    b.on_session(summarise(record("station-01", "Ana Lima", score=81.0), {}))
    assert b.view(now).stations[1].last_score == 81.0
    b.projector = True
    view = b.view(now)
    texts = [v.label for v in view.stations] + [alert_line(a) for a in view.alerts]
    texts += [cell for row in b.table() for cell in row]
    assert not any("Ana" in t or "Bruno" in t or "Lima" in t for t in texts)
    assert all(v.student is None and v.last_score is None for v in view.stations)
    assert {v.label for v in view.stations} == {"Station 1", "Station 2"}
    assert b.table()[0][5] == ""  # the score column is empty
    b.projector_names = ProjectorNames.INITIALS
    assert {v.label for v in b.view(now).stations} == {"1 · A.L.", "2 · B.C."}


def test_last_score_is_the_latest_finished_session() -> None:
    b = board()
    b.on_session(summarise(record("station-01", "Ana", score=70.0, ended="10:05"), {}))
    b.on_session(summarise(record("station-01", "Ana", score=90.0, ended="10:20"), {}))
    b.on_session(summarise(record("station-01", "Ana", score=60.0, ended="10:10"), {}))
    assert b.view(T0).stations[0].last_score == 90.0


def test_a_session_delivered_twice_is_one_row() -> None:
    b = board()
    rec = record("station-01", "Ana", score=70.0)
    b.on_session(summarise(rec, {}))
    b.on_session(summarise(rec, {}))
    assert len(b.sessions()) == 1


def test_day_table_judges_pass_marks_and_exports_csv() -> None:
    b = board("station-01", "station-02")
    marks = {"ischemic-compression": PassMark("ischemic-compression", min_score=75)}
    b.on_session(summarise(record("station-01", "Ana", score=81.0, ended="10:05"), marks))
    b.on_session(summarise(record("station-02", "Bruno", score=62.0, ended="10:06"), marks))
    stopped = replace(record("station-02", "Bruno", score=None, ended="10:09"), status="aborted")
    b.on_session(summarise(stopped, marks))
    rows = b.table()
    assert [r[1] for r in rows] == ["Ana", "Bruno", "Bruno"]
    assert [r[5] for r in rows] == ["81", "62", ""]
    assert [r[8] for r in rows] == ["yes", "not yet", ""]
    assert rows[0][7] == "score ≥ 75"
    out = io.StringIO()
    assert write_day_csv(b.sessions(), out) == 3
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("station,student,session_uuid")
    assert lines[1].endswith(",81.0,80.0,score ≥ 75,yes")
    assert ",aborted,,," in lines[3]


def test_names_and_numbers() -> None:
    assert station_number("station-07", 1) == 7
    assert station_number("front-desk", 4) == 4
    assert initials("Ana Lima") == "A.L."
    assert initials("Demo 3") == "D.3"
    assert initials("  ") == "?"


def test_late_live_report_does_not_overwrite_a_newer_one() -> None:
    b = board()
    b.on_live(live("station-01", seq=5, t=T0 + 0.5, force_n=50.0), now=T0 + 0.5)
    b.on_live(live("station-01", seq=4, t=T0 + 0.4, force_n=10.0), now=T0 + 0.6)
    assert b.view(T0 + 0.6).stations[0].force_n == 50.0


@pytest.mark.parametrize(
    ("profile", "alerted"), [("heavy-handed", True), ("steady", False), ("overshooter", False)]
)
def test_virtual_students_on_the_board(tmp_path: Path, profile: str, alerted: bool) -> None:
    """The real engine and a virtual student, reported 10 a second as a station does."""
    from trainer.classroom.station import live_report
    from trainer.exercises import ExerciseLibrary
    from trainer.sensors.base import EndOfStream
    from trainer.sensors.students import PROFILES, VirtualStudent
    from trainer.session import PracticeSession
    from trainer.store import Store

    exercise = ExerciseLibrary.load(user_dir=tmp_path / "none").get("ischemic-compression")
    store = Store.open(tmp_path / "station.db")
    student = VirtualStudent(PROFILES[profile], seed=1)
    sensor = student.sensor(rate_hz=80.0, speed=0)
    session = PracticeSession.begin(store, exercise, "Demo 1", sensor.describe(), rate_hz=80.0)
    b = board()
    first_alert: float | None = None
    count = 0
    with sensor:
        student.observe(session.engine.state)
        while not session.engine.finished and count < 80 * 20:  # the first 20 s
            try:
                sample = sensor.read(timeout_s=1.0)
            except EndOfStream:
                break
            session.process(sample)
            student.observe(session.engine.state)
            count += 1
            if count % 8:
                continue
            t = T0 + count / 80
            report = live_report(
                station="station-01",
                seq=count,
                t=t,
                student="Demo 1",
                exercise=exercise,
                state=session.engine.state,
                running=True,
                feedback_shown=True,
            )
            b.on_live(report, now=t)
            if first_alert is None and any(
                a.condition is Condition.OVERSHOOT for a in b.view(t).alerts
            ):
                first_alert = t - T0
    store.close()
    assert (first_alert is not None) is alerted, first_alert
    if alerted:
        assert first_alert is not None and first_alert < 15


def test_a_practising_tile_says_whether_the_message_is_on_the_station_screen() -> None:
    b = board("station-01", "station-02")
    now = feed(b, "station-01", [50.0])
    assert b.view(now).stations[0].note == ""
    b.message_sent("all", 3)
    assert b.view(now).stations[0].note == "message sent"
    now = feed(b, "station-01", [50.0], start=now + 0.1, message_id_seen=3)
    assert b.view(now).stations[0].note == "message on screen"
    b.message_sent(["station-01"], 4)
    assert b.view(now).stations[0].note == "message sent"
