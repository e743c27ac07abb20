"""Every built-in exercise can be finished with a fair score by a student at the keyboard."""

from __future__ import annotations

import pytest

from tests.ui.driver import drive_to_results, keys_towards
from tests.ui.helpers import BUILTIN, MakeApp, open_live

BUILTIN_IDS = sorted(path.stem for path in BUILTIN.glob("*.toml"))
FAIR_SCORE = 70.0


def test_the_builtin_library_is_all_here(builtin_library: object) -> None:
    assert len(BUILTIN_IDS) >= 7


@pytest.mark.parametrize("exercise_id", BUILTIN_IDS)
async def test_exercise_finished_with_fair_score_by_key_presses(
    make_app: MakeApp, exercise_id: str
) -> None:
    app, box = make_app(exercise_id=exercise_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_live(pilot, app)
        results = await drive_to_results(pilot, app, box.current)
        report = results.report
        assert report is not None and report.result is not None
        assert report.status == "complete"
        assert report.result.score >= FAIR_SCORE, report.result
        # every sample the sensor handed over after the start is in the records
        store = app.config.store
        assert store.sample_count(report.session_id) == len(report.points) > 0
        assert store.history(student="Ana")[0].score == report.result.score


def test_keys_towards_uses_a_number_key_for_a_long_way() -> None:
    assert keys_towards(0.0, 55.0, 110.0)[0] == "5"
    assert keys_towards(0.0, 0.0, 110.0) == []
    assert keys_towards(30.0, 0.0, 110.0) == ["grave_accent"]
    assert keys_towards(10.0, 11.1, 110.0) == ["up"]
