"""The class protocol: topics, round trips and strict rejection of bad payloads."""

from __future__ import annotations

import json

import pytest

from trainer.classroom import protocol as p


def _live(**changes: object) -> p.LiveReport:
    values: dict[str, object] = dict(
        station="station-01",
        seq=3,
        t=1700000000.5,
        student="Ana",
        exercise_id="ischemic-compression",
        exercise_name="Ischemic compression",
        phase_index=1,
        phase_count=4,
        phase_name="Hold",
        phase_kind="hold",
        band_low_n=20.0,
        band_high_n=30.0,
        force_n=24.5,
        zone="in",
        in_band_s=2.5,
        phase_elapsed_s=3.0,
        phase_remaining_s=7.0,
        running=True,
        paused=False,
        feedback_shown=False,
        peeks=1,
        sensor="simulated",
        overload=False,
        message_id_seen=None,
    )
    values.update(changes)
    return p.LiveReport(**values)  # type: ignore[arg-type]


def _session() -> p.SessionRecord:
    exercise = {"id": "x", "name": "X", "technique": "t", "phases": [{"kind": "hold"}]}
    return p.SessionRecord(
        uuid="12345678-1234-4234-8234-123456789abc",
        station="station-02",
        student="Ben",
        exercise=exercise,
        exercise_hash=p.exercise_hash(exercise),
        sensor={"backend": "simulated"},
        calibration=None,
        started_at="2026-12-03T08:00:00+00:00",
        ended_at="2026-12-03T08:01:00+00:00",
        status="complete",
        result={"score": 81.5, "time_in_band_pct": 70.0, "phases": []},
        samples=[[0, 0.0, 1.0, 1.1, 2800, 4, 0], [1, 0.0125, 1.2, 1.3, None, 4, 0]],
    )


def test_topics_carry_class_and_station() -> None:
    assert p.status_topic("monday", "station-01") == (
        "pressure-trainer/v1/monday/stations/station-01/status"
    )
    assert p.config_topic("monday") == "pressure-trainer/v1/monday/config"
    assert p.stations_filter("monday", "live") == "pressure-trainer/v1/monday/stations/+/live"
    assert p.parse_topic("monday", p.sessions_topic("monday", "station-07")) == (
        "sessions",
        "station-07",
    )


@pytest.mark.parametrize(
    "topic",
    [
        "pressure-trainer/v1/tuesday/stations/station-01/status",
        "pressure-trainer/v1/monday/stations/station-01/other",
        "pressure-trainer/v1/monday/stations/Station_01/live",
        "pressure-trainer/v1/monday/stations/a/b/live",
        "pressure-trainer/v1/monday/config",
    ],
)
def test_foreign_topics_rejected(topic: str) -> None:
    with pytest.raises(p.ProtocolError) as caught:
        p.parse_topic("monday", topic)
    assert caught.value.reason == "topic"


@pytest.mark.parametrize("name", ["", "Monday", "a b", "-x", "x/y", "#", "+", "a" * 64])
def test_bad_names_refused_with_a_hint(name: str) -> None:
    with pytest.raises(ValueError, match="lower-case letters"):
        p.check_name(name, "class")


def test_status_round_trip() -> None:
    status = p.StationStatus("station-01", "online", 1.5, "Ana", "x", "ok", 4)
    assert p.decode_status(status.encode(), station="station-01") == status


def test_live_round_trip_keeps_force_when_student_sees_none() -> None:
    live = _live(feedback_shown=False)
    back = p.decode_live(live.encode(), station="station-01")
    assert back == live
    assert back.force_n == 24.5 and not back.feedback_shown


def test_session_round_trip() -> None:
    record = _session()
    back = p.decode_session(record.encode(), station="station-02")
    assert back.to_json() == record.to_json()
    assert back.score == 81.5 and back.complete


def test_config_round_trip() -> None:
    config = p.ClassConfig(
        version=7,
        issued_at=10.0,
        class_name="monday",
        exercises={"mine": "id = 'mine'\n"},
        class_bands={"x": {"deep": (40.0, 60.0)}},
        student_bands={"Ana": {"x": {"phase 2": (35.0, 50.0)}}},
        class_schedule={"kind": "faded"},
        student_schedules={"Ben": {"kind": "self"}},
        pass_marks={"x": {"min_score": 70}},
        assignment_all=p.Assignment("x", blind=True),
        assignments={"station-03": p.Assignment("y")},
        messages=(p.InstructorMessage(1, "Lighter, please", 9.0, ("station-03",)),),
        paused=("station-04",),
    )
    back = p.decode_config(config.encode(), class_name="monday")
    assert back == config
    assert back.assignment_for("station-03") == p.Assignment("y")
    assert back.assignment_for("station-01") == p.Assignment("x", blind=True)
    assert back.is_paused("station-04") and not back.is_paused("station-01")
    assert back.latest_message_for("station-03") is not None
    assert back.latest_message_for("station-01") is None


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"\xff\xfe\x00", "not-utf8"),
        (b"not json", "not-json"),
        (b"[1, 2]", "not-json"),
        (b'{"v": 2, "station": "station-01"}', "version"),
        (b'{"station": "station-01"}', "version"),
        (b'{"v": true}', "version"),
        (b'{"v": 1, "station": "station-01", "state": "asleep", "since": 1}', "schema"),
        (b'{"v": 1, "station": "station-01", "state": "online", "since": NaN}', "not-json"),
        (b'{"v": 1, "station": "station-09", "state": "online", "since": 1}', "station"),
        (b"{" + b" " * p.MAX_SMALL_BYTES + b"}", "too-large"),
    ],
)
def test_bad_status_payloads_named(payload: bytes, reason: str) -> None:
    with pytest.raises(p.ProtocolError) as caught:
        p.decode_status(payload, station="station-01")
    assert caught.value.reason == reason


def test_live_missing_field_is_schema_error() -> None:
    data = _live().to_json()
    del data["force_n"]
    with pytest.raises(p.ProtocolError, match="force_n") as caught:
        p.decode_live(json.dumps(data).encode())
    assert caught.value.reason == "schema"


def test_session_with_tampered_exercise_rejected() -> None:
    data = _session().to_json()
    data["exercise"]["name"] = "Other"
    with pytest.raises(p.ProtocolError, match="exercise_hash"):
        p.decode_session(json.dumps(data).encode())


def test_session_with_bad_sample_row_rejected() -> None:
    data = _session().to_json()
    data["samples"].append([1, 2, "three", 4, 5, 6, 7])
    with pytest.raises(p.ProtocolError, match="samples"):
        p.decode_session(json.dumps(data).encode())


def test_config_with_inverted_band_rejected() -> None:
    data = p.ClassConfig(version=1, issued_at=0, class_name="monday").to_json()
    data["bands"]["class"] = {"x": {"deep": [60, 40]}}
    with pytest.raises(p.ProtocolError, match="low_n, high_n"):
        p.decode_config(json.dumps(data).encode())


def test_config_for_another_class_rejected() -> None:
    config = p.ClassConfig(version=1, issued_at=0, class_name="tuesday")
    with pytest.raises(p.ProtocolError, match="tuesday"):
        p.decode_config(config.encode(), class_name="monday")
