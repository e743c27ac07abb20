"""The simulated hand and the virtual students."""

from __future__ import annotations

import cmath
import math
import statistics

import pytest

from trainer.exercises import ExerciseLibrary
from trainer.sensors.base import SampleFlag
from trainer.sensors.simulated import HandModel, ManualIntent, SimulatedSensor
from trainer.sensors.students import PROFILES
from trainer.session import simulate
from trainer.store import Store


def forces(sensor: SimulatedSensor, n: int) -> list[float]:
    return [sensor.read().force_n for _ in range(n)]


def test_same_seed_same_samples_and_different_seed_different() -> None:
    def trace(seed: int) -> list[float]:
        intent = ManualIntent()
        intent.set(30)
        return forces(SimulatedSensor(intent, seed=seed, speed=0), 200)

    assert trace(4) == trace(4)
    assert trace(4) != trace(5)


@pytest.mark.parametrize("rate", [10.0, 80.0])
def test_samples_arrive_at_the_hx711_rate_with_counts(rate: float) -> None:
    sensor = SimulatedSensor(ManualIntent(), rate_hz=rate, speed=0)
    samples = [sensor.read() for _ in range(5)]
    assert [s.t_s for s in samples] == pytest.approx([i / rate for i in range(5)])
    assert all(isinstance(s.counts, int) and s.flags & SampleFlag.SIMULATED for s in samples)
    with pytest.raises(ValueError, match="10 or 80"):
        SimulatedSensor(ManualIntent(), rate_hz=50)


def test_the_hand_follows_the_intent_with_a_first_order_lag() -> None:
    intent = ManualIntent()
    hand = HandModel(tremor_n=0, tremor_fraction=0, drift_n_per_sqrt_s=0, chip_noise_n=0)
    sensor = SimulatedSensor(intent, seed=1, speed=0, hand=hand)
    forces(sensor, 10)
    sensor.tare()
    intent.set(40)
    trace = forces(sensor, 160)
    tau_index = next(i for i, f in enumerate(trace) if f >= 40 * (1 - math.exp(-1)))
    assert tau_index / 80 == pytest.approx(hand.response_tau_s, abs=0.03)
    assert trace[-1] == pytest.approx(40, abs=0.3)  # offset creep is a few hundredths


def test_tremor_peaks_between_8_and_12_hz() -> None:
    intent = ManualIntent()
    intent.set(50)
    hand = HandModel(tremor_n=1.0, drift_n_per_sqrt_s=0, chip_noise_n=0.01)
    sensor = SimulatedSensor(intent, seed=2, speed=0, hand=hand)
    forces(sensor, 160)
    trace = forces(sensor, 800)
    mean = statistics.fmean(trace)
    power = {}
    for k in range(1, 400):
        hz = k * 80 / 800
        power[hz] = abs(
            sum(
                (f - mean) * cmath.exp(-2j * math.pi * k * i / 800)
                for i, f in enumerate(trace[:800:1])
            )
        )
    peak = max(power, key=lambda hz: power[hz])
    assert 8 <= peak <= 12


def test_tare_zeroes_the_present_load_and_the_hand_cannot_pull() -> None:
    intent = ManualIntent()
    sensor = SimulatedSensor(intent, seed=3, speed=0)
    intent.set(20)
    forces(sensor, 200)
    sensor.tare()
    assert statistics.fmean(forces(sensor, 40)) == pytest.approx(0, abs=0.6)
    intent.set(-50)
    assert intent.target_n == 0


def test_real_time_pacing_at_speed_one() -> None:
    import time

    sensor = SimulatedSensor(ManualIntent(), rate_hz=80, speed=1)
    start = time.monotonic()
    forces(sensor, 17)
    assert time.monotonic() - start >= 0.19


@pytest.mark.parametrize(
    "exercise_id",
    sorted(ExerciseLibrary.load().exercises),
)
def test_over_20_seeds_steady_beats_shaky_beats_novice(exercise_id: str, tmp_path) -> None:
    store = Store.open(tmp_path / "r.db")
    exercise = ExerciseLibrary.load().get(exercise_id)
    mean = {}
    for profile in ("steady", "shaky", "novice"):
        results = [simulate(store, exercise, profile=profile, seed=s).result for s in range(20)]
        assert all(r.completed for r in results if profile != "novice")
        mean[profile] = statistics.fmean(r.score for r in results)
    assert mean["steady"] > mean["shaky"] > mean["novice"], mean


def test_every_profile_is_distinct_and_documented() -> None:
    assert set(PROFILES) == {
        "steady",
        "shaky",
        "overshooter",
        "heavy-handed",
        "slow",
        "fatiguing",
        "novice",
    }
    assert all(p.description for p in PROFILES.values())


def test_characteristic_errors_show_in_the_metrics(tmp_path) -> None:
    store = Store.open(tmp_path / "r.db")
    library = ExerciseLibrary.load()
    ramp = library.get("steady-ramp")

    def ramp_rate(profile: str) -> float:
        result = simulate(store, ramp, profile=profile, seed=1).result
        rates = [p.ramp_rate_n_per_s for p in result.phases if p.kind == "ramp"]
        return statistics.fmean(r for r in rates if r is not None)

    assert ramp_rate("slow") < 7 < ramp_rate("steady") < 9 < ramp_rate("overshooter")
    over = simulate(store, ramp, profile="overshooter", seed=1).result
    steady = simulate(store, ramp, profile="steady", seed=1).result
    assert over.overshoot_count > steady.overshoot_count
    long_hold = library.get("pressure-release")
    fading = simulate(store, long_hold, profile="fatiguing", seed=1).result
    assert fading.phases[-2].constant_error_n < -3  # the last barrier fades out of the band
