"""Coaching sentences: each rule fires on its metric, with numbers, worst first."""

from __future__ import annotations

from dataclasses import replace

from trainer.coaching import coaching_sentences
from trainer.scoring import PhaseMetrics, SessionResult
from trainer.units import CONTACTS, Unit


def phase(index: int = 0, **changes: object) -> PhaseMetrics:
    base = PhaseMetrics(
        index=index,
        name=f"Hold {index + 1}",
        kind="hold",
        feedback="live",
        band_low_n=40.0,
        band_high_n=60.0,
        completed=True,
        duration_s=30.0,
        samples=2400,
        time_in_band_pct=95.0,
        constant_error_n=0.0,
        absolute_error_n=0.2,
        variable_error_n=1.0,
        steadiness_cv_pct=2.0,
        time_to_band_s=0.5,
        overshoot_count=0,
        overshoot_peak_n=None,
        mean_force_n=50.0,
        peak_force_n=55.0,
        ramp_rate_n_per_s=None,
        target_rate_n_per_s=None,
        ramp_rate_error_pct=None,
        score=92.0,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def ramp(index: int = 0, **changes: object) -> PhaseMetrics:
    values: dict[str, object] = {
        "name": "Sink in",
        "kind": "ramp",
        "steadiness_cv_pct": None,
        "ramp_rate_n_per_s": 8.0,
        "target_rate_n_per_s": 8.0,
        "ramp_rate_error_pct": 0.0,
    }
    values.update(changes)
    return phase(index, **values)


def result(*phases: PhaseMetrics, completed: bool = True) -> SessionResult:
    return SessionResult(
        score=90.0,
        time_in_band_pct=92.0,
        constant_error_n=0.0,
        absolute_error_n=0.3,
        variable_error_n=1.2,
        overshoot_count=sum(p.overshoot_count for p in phases),
        duration_s=sum(p.duration_s for p in phases),
        completed=completed,
        phases=phases,
    )


def test_ramp_overshoots_are_counted_with_a_margin_to_slow_down_in() -> None:
    sentences = coaching_sentences(result(ramp(overshoot_count=3, overshoot_peak_n=4.2), phase(1)))
    assert sentences[0] == (
        "You overshot the band 3 times on the ramp 'Sink in' (up to 4.2 N over): "
        "slow down in the last 5 N before the band."
    )


def test_a_fast_ramp_is_told_its_rate_against_the_target() -> None:
    sentences = coaching_sentences(result(ramp(ramp_rate_n_per_s=12.4), phase(1)))
    assert sentences[0].startswith("Your ramp 'Sink in' climbed at 12.4 N/s against 8 N/s")
    slow = coaching_sentences(result(ramp(ramp_rate_n_per_s=4.0), phase(1)))
    assert slow[0].startswith("Your ramp 'Sink in' climbed at only 4.0 N/s against 8 N/s")
    fine = coaching_sentences(result(ramp(ramp_rate_n_per_s=9.0), phase(1)))
    assert not any("climbed" in s for s in fine)


def test_only_the_ramp_that_went_wrong_is_coached_not_the_mean_of_all() -> None:
    """Stripping strokes: five ramps at the rate, one far too fast (the mean fits none)."""
    rates = [15.6, 16.0, 15.8, 95.2, 15.9, 15.7]
    ramps = [
        ramp(i, name=f"Press {i + 1}/6", ramp_rate_n_per_s=r, target_rate_n_per_s=15.0)
        for i, r in enumerate(rates)
    ]
    sentences = coaching_sentences(result(*ramps))
    rate_sentences = [s for s in sentences if "ramp" in s and "N/s" in s]
    assert rate_sentences == [
        "Your ramp 'Press 4/6' climbed at 95.2 N/s against 15 N/s: count the seconds "
        "aloud and change only about 15 N each second."
    ]


def test_each_ramp_is_judged_against_its_own_target_rate_rounded() -> None:
    """Pressure release: targets 6, 4 and 4 N/s; never their mean (4.66667)."""
    ramps = (
        ramp(0, name="To the first barrier", ramp_rate_n_per_s=6.2, target_rate_n_per_s=6.0),
        ramp(1, name="Take up the slack", ramp_rate_n_per_s=40.0, target_rate_n_per_s=4.0),
        ramp(2, name="Again", ramp_rate_n_per_s=33.3, target_rate_n_per_s=4.0),
    )
    sentences = coaching_sentences(result(*ramps))
    text = " ".join(sentences)
    assert "4.66667" not in text and "4.7" not in text
    assert (
        "Your ramp 'Take up the slack' climbed at 40.0 N/s against 4 N/s "
        "(and 1 other ramp too fast)" in text
    )
    lbf = " ".join(coaching_sentences(result(*ramps), Unit.LBF))
    assert "9.0 lbf/s against 0.9 lbf/s" in lbf


def test_fast_and_slow_ramps_get_a_sentence_each() -> None:
    sentences = coaching_sentences(
        result(
            ramp(0, name="Up", ramp_rate_n_per_s=20.0),
            ramp(1, name="Up again", ramp_rate_n_per_s=3.0),
        )
    )
    assert any(s.startswith("Your ramp 'Up' climbed at 20.0 N/s against 8 N/s") for s in sentences)
    assert any(s.startswith("Your ramp 'Up again' climbed at only 3.0 N/s") for s in sentences)


def test_holds_too_light_or_too_heavy_on_average() -> None:
    light = coaching_sentences(result(phase(constant_error_n=-6.5)))
    assert light[0].startswith("In the holds you were 6.5 N too light on average")
    heavy = coaching_sentences(result(phase(constant_error_n=7.0)), Unit.KGF)
    assert heavy[0].startswith("In the holds you were 0.71 kgf too heavy on average")
    small = coaching_sentences(result(phase(constant_error_n=2.0)))  # under a quarter of 20 N
    assert not any("on average" in s and "too" in s for s in small)


def test_the_unsteadiest_hold_is_named() -> None:
    sentences = coaching_sentences(
        result(phase(0, steadiness_cv_pct=3.0), phase(1, steadiness_cv_pct=11.0))
    )
    assert sentences[0].startswith("Your force wavered in 'Hold 2' (it varied by 11%")


def test_slow_approach_to_the_band() -> None:
    sentences = coaching_sentences(
        result(phase(0, time_to_band_s=4.0), phase(1, time_to_band_s=3.0))
    )
    assert sentences[0].startswith("You took 3.5 s on average to reach each band")


def test_blind_phases_report_feel_without_the_gauge() -> None:
    off = coaching_sentences(result(phase(feedback="blind", constant_error_n=-5.0)))
    assert any("Without the gauge you pressed 5.0 N too light" in s for s in off)
    good = coaching_sentences(result(phase(feedback="blind", constant_error_n=0.3)))
    assert any("your feel for these levels is good" in s for s in good)


def test_blind_overshoots_never_mention_a_cue_the_student_could_not_see() -> None:
    blind = phase(feedback="blind", overshoot_count=2, overshoot_peak_n=5.0)
    sentences = coaching_sentences(result(blind))
    overshoot = next(s for s in sentences if s.startswith("You overshot"))
    assert "LIGHTER" not in overshoot
    assert "without the gauge" in overshoot
    live = coaching_sentences(result(phase(overshoot_count=2, overshoot_peak_n=5.0)))
    assert any("LIGHTER" in s for s in live)


def test_worst_findings_come_first_and_at_most_three() -> None:
    sentences = coaching_sentences(
        result(
            ramp(overshoot_count=4, overshoot_peak_n=6.0, ramp_rate_n_per_s=14.0),
            phase(1, constant_error_n=-8.0, steadiness_cv_pct=9.0, time_to_band_s=3.0),
        )
    )
    assert len(sentences) == 3
    assert sentences[0].startswith("You overshot the band 4 times")


def test_a_clean_session_still_gets_two_specific_sentences() -> None:
    sentences = coaching_sentences(result(phase(0, score=95.0), phase(1, score=70.0)))
    assert len(sentences) == 2
    assert sentences[0].startswith("You were in the band 92% of the time")
    assert "'Hold 2' (70)" in sentences[1]


def test_an_incomplete_session_says_the_advice_covers_only_what_was_done() -> None:
    sentences = coaching_sentences(result(phase(), completed=False))
    assert sentences[-1] == "The session stopped early, so these cover only the steps you did."


def test_a_hold_spent_on_the_wrong_level_is_named_first() -> None:
    sentences = coaching_sentences(
        result(
            phase(0),
            phase(
                1,
                time_in_band_pct=0.0,
                constant_error_n=13.0,
                overshoot_count=1,
                overshoot_peak_n=14.0,
            ),
            phase(2, time_in_band_pct=5.0, constant_error_n=-11.0),
        )
    )
    assert sentences[0] == (
        "In 'Hold 2' (and 1 other step) you stayed about 13.0 N above the band: read the "
        "level before you press, and go to it in one movement."
    )


def release(index: int = 1, **changes: object) -> PhaseMetrics:
    values: dict[str, object] = {
        "name": "Release",
        "kind": "release",
        "band_low_n": 0.0,
        "band_high_n": 5.0,
        "duration_s": 1.5,
        "time_in_band_pct": 2.0,
        "time_to_band_s": 1.5,
        "steadiness_cv_pct": None,
        "score": None,
        "release_rebound_n": 0.5,
    }
    values.update(changes)
    return phase(index, **values)


def test_a_smooth_release_is_not_a_finding_though_barely_in_band() -> None:
    sentences = coaching_sentences(result(phase(0), release()))
    assert not any("Release" in s for s in sentences)


def test_late_and_uneven_releases_are_coached_by_what_a_release_asks() -> None:
    late = coaching_sentences(result(phase(0), release(time_to_band_s=None, duration_s=8.0)))
    assert late[0] == (
        "In 'Release' you were still pressing when its 8 s ran out: ease off steadily "
        "until you are under 5 N."
    )
    uneven = coaching_sentences(result(phase(0), release(release_rebound_n=7.0)), Unit.KGF)
    assert uneven[0] == (
        "In 'Release' you pressed in again on the way down (by 0.71 kgf): ease off in "
        "one steady movement."
    )


def test_a_session_whose_schedule_hid_the_gauge_throughout_is_coached_as_blind() -> None:
    """A retention test: live phases, but the force never showed."""
    overshooting = result(phase(overshoot_count=2, overshoot_peak_n=5.0, constant_error_n=-5.0))
    hidden = coaching_sentences(overshooting, gauge_shown=False)
    assert not any("LIGHTER" in s for s in hidden)
    assert any(s.startswith("Without the gauge you pressed 5.0 N too light") for s in hidden)
    assert any("LIGHTER" in s for s in coaching_sentences(overshooting))


def test_with_kpa_every_sentence_speaks_in_kpa_over_the_contact() -> None:
    """On a 2 cm² thumb 1 kPa is 0.2 N: the advice reads like the gauge, never in N."""
    thumb = CONTACTS["thumb"]

    def say(*phases: PhaseMetrics, **options: object) -> str:
        sentences = coaching_sentences(result(*phases), Unit.KPA, 5, contact=thumb, **options)  # type: ignore[arg-type]
        text = " ".join(sentences)
        assert " N" not in text and "N/s" not in text, text
        return text

    overshoot = say(ramp(overshoot_count=3, overshoot_peak_n=4.2), phase(1))
    assert "(up to 21 kPa over): slow down in the last 25 kPa before the band" in overshoot
    rates = say(ramp(ramp_rate_n_per_s=40.0, target_rate_n_per_s=4.0))
    assert "climbed at 200 kPa/s against 20 kPa/s" in rates
    assert "change only about 20 kPa each second" in rates
    assert "too light on average" in say(phase(constant_error_n=-6.6))
    assert "you were 33 kPa too light" in say(phase(constant_error_n=-6.6))
    assert "above the band" in say(phase(time_in_band_pct=0.0, constant_error_n=13.0))
    assert "about 65 kPa above the band" in say(phase(time_in_band_pct=0.0, constant_error_n=13.0))
    late = say(phase(0), release(time_to_band_s=None, duration_s=8.0))
    assert "until you are under 25 kPa" in late
    assert "(by 35 kPa)" in say(phase(0), release(release_rebound_n=7.0))
    assert "you pressed 25 kPa too light" in say(phase(feedback="blind", constant_error_n=-5.0))
    assert "variable error) of 6 kPa" in say(phase(0, score=95.0), phase(1, score=70.0))
