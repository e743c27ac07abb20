"""Force per contact area: kPa beside N, kgf and lbf, for a thumb, knuckle, elbow or tool."""

from __future__ import annotations

import pytest

from trainer.exercises import ExerciseError, parse_exercise
from trainer.instructor.reports import session_html
from trainer.session import simulate
from trainer.store import Store
from trainer.units import CONTACTS, Contact, Unit, parse_contact


def test_kpa_is_force_over_the_contact_area() -> None:
    assert Unit.KPA.from_newtons(20.0, CONTACTS["thumb"]) == pytest.approx(100.0)  # 2 cm²
    assert Unit.KPA.from_newtons(20.0) == pytest.approx(200.0)  # the standard 1 cm² tip
    assert Unit.KPA.to_newtons(98.0665) == pytest.approx(9.80665)  # 1 kg/cm² = 98 kPa
    assert Unit.KPA.show(20.0, contact=Contact("tool", 0.5)) == "400 kPa"
    assert Unit.KPA.show_rate(5.0, contact=CONTACTS["elbow"]) == "12 kPa/s"
    assert Unit.N.show(20.0, contact=CONTACTS["elbow"]) == "20.0 N"  # forces ignore the area
    assert Unit.parse("kpa") is Unit.KPA
    # The live unit key cycles the forces, and kPa only where a contact gives the area.
    assert [Unit.N.next(), Unit.KGF.next(), Unit.LBF.next()] == [Unit.KGF, Unit.LBF, Unit.N]
    thumb = CONTACTS["thumb"]
    assert [Unit.LBF.next(thumb), Unit.KPA.next(thumb)] == [Unit.KPA, Unit.N]
    assert Unit.KPA.label(thumb) == "kPa (thumb 2 cm²)" and Unit.KPA.label() == "kPa"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thumb", Contact("thumb", 2.0)),
        ("Tool 0.8", Contact("tool", 0.8)),
        ("elbow: 5 cm²", Contact("elbow", 5.0)),
        ("probe 0.5 cm2", Contact("probe", 0.5)),
    ],
)
def test_a_contact_is_named_with_an_optional_area(text: str, expected: Contact) -> None:
    assert parse_contact(text) == expected


@pytest.mark.parametrize("text", ["foot", "tool 0", "tool 1e9", "thumb nan", "", "3 cm2"])
def test_a_contact_that_cannot_be_right_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"contact|area"):
        parse_contact(text)


def _exercise(contact: object) -> dict[str, object]:
    return {
        "id": "probe-hold",
        "name": "Probe hold",
        "technique": "algometry",
        "instructions": "Hold.",
        "contact": contact,
        "phases": [{"kind": "hold", "band": [20, 30], "duration_s": 2}],
    }


def test_an_exercise_chooses_its_contact() -> None:
    assert parse_exercise(_exercise("tool 0.8")).contact == Contact("tool", 0.8)
    table = {"kind": "knuckle"}
    assert parse_exercise(_exercise(table)).contact == CONTACTS["knuckle"]
    table = {"kind": "tool", "area_cm2": 1.5}
    exercise = parse_exercise(_exercise(table))
    assert exercise.snapshot()["contact"] == {"kind": "tool", "area_cm2": 1.5}
    assert type(exercise).from_snapshot(exercise.snapshot()).contact == Contact("tool", 1.5)
    for bad in ("foot", {"kind": "tool", "area_cm2": -1}, 3, {"size": 2}):
        with pytest.raises(ExerciseError, match="contact"):
            parse_exercise(_exercise(bad))


def test_the_html_report_shows_kpa_over_the_exercises_contact(store: Store) -> None:
    exercise = parse_exercise(_exercise("tool 0.5"))
    outcome = simulate(store, exercise, profile="steady", seed=1, student="Ana")
    page = session_html(store, outcome.session_id, Unit.KPA)
    assert "contact: tool, 0.5 cm²" in page and "force over tool, 0.5 cm²" in page
    assert "<th>band (kPa)</th>" in page
    assert "<td>400–600</td>" in page  # 20-30 N on 0.5 cm²
    assert "pressure (kPa)" in page


def test_a_student_chooses_a_contact_and_it_reaches_the_report(
    store: Store,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io
    import sys

    from trainer.cli import main
    from trainer.exercises import ExerciseLibrary
    from trainer.instructor.contacts import StudentContacts
    from trainer.instructor.practice import plan_practice
    from trainer.instructor.roster import Roster

    Roster(store).add_student("Ana")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert (
        main(["--db", str(store.path), "instructor", "students", "contact", "Ana", "thumb", "2.5"])
        == 0
    )
    assert "Ana presses with: thumb, 2.5 cm²." in capsys.readouterr().out
    assert StudentContacts(store).get("Ana") == Contact("thumb", 2.5)
    assert main(["--db", str(store.path), "instructor", "students", "contact", "Ana"]) == 0
    assert "Ana: thumb, 2.5 cm²" in capsys.readouterr().out
    assert main(["--db", str(store.path), "instructor", "students", "contact", "Ana", "foot"]) == 2
    assert "not a known contact" in capsys.readouterr().err

    # The student's thumb for an exercise without a contact, or a thumb exercise; an
    # exercise pressed with the tool keeps the tool.
    plain = ExerciseLibrary.load().get("ischemic-compression")
    assert plan_practice(store, plain, "Ana").exercise.contact == Contact("thumb", 2.5)
    tool = parse_exercise(_exercise("tool 0.5"))
    assert plan_practice(store, tool, "Ana").exercise.contact == Contact("tool", 0.5)
    thumb = parse_exercise(_exercise("thumb"))
    plan = plan_practice(store, thumb, "Ana")
    assert plan.exercise.contact == Contact("thumb", 2.5)
    outcome = simulate(store, plan.exercise, profile="steady", seed=2, student="Ana")
    assert "contact: thumb, 2.5 cm²" in session_html(store, outcome.session_id, Unit.KPA)
