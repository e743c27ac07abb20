"""``trainer instructor pass-mark|assessment``: pass marks and blind assessments."""

from __future__ import annotations

import argparse
from typing import Any

from trainer.cli.common import (
    UsageError,
    add_actions,
    add_command,
    find_exercise,
    load_library,
    number,
    open_store,
    require_pin,
    whole_number,
)


def register(actions: Any) -> None:
    """Add ``pass-mark`` and ``assessment`` to ``trainer instructor``."""
    mark = add_command(actions, "pass-mark", cmd_pass_mark)
    mk = add_actions(mark, "mark_action")
    mk.add_parser("list", help="list pass marks")
    p = mk.add_parser("set", help="set an exercise's pass mark")
    p.add_argument("exercise", metavar="EXERCISE")
    p.add_argument("--trials", type=int, metavar="N", help="trials in band needed")
    p.add_argument("--min-score", type=float, metavar="SCORE", help="score needed (0-100)")
    p.add_argument(
        "--trial-pct",
        type=float,
        default=70.0,
        metavar="PCT",
        help="a trial is in band at PCT%% of its time in the band (default 70)",
    )
    p = mk.add_parser("clear", help="remove an exercise's pass mark")
    p.add_argument("exercise", metavar="EXERCISE")

    assess = add_command(actions, "assessment", cmd_assessment)
    asub = add_actions(assess, "assessment_action")
    asub.add_parser("list", help="list assessments")
    p = asub.add_parser("create", help="create or redefine an assessment")
    p.add_argument("name", metavar="NAME")
    p.add_argument("exercises", nargs="+", metavar="EXERCISE")
    p = asub.add_parser("run", help="run an assessment with a virtual student (headless)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--student", required=True, metavar="NAME")
    p.add_argument(
        "--virtual",
        default="steady",
        metavar="PROFILE",
        help="virtual student profile (default steady)",
    )
    p.add_argument("--seed", type=int, default=0)
    p = asub.add_parser("results", help="assessment results (needs the PIN)")
    p.add_argument("--student", metavar="NAME")
    p.add_argument("--name", metavar="ASSESSMENT")
    p.add_argument("--run", type=whole_number(), metavar="RUN_ID")


# -- pass marks ---------------------------------------------------------------------------


def cmd_pass_mark(args: argparse.Namespace) -> int:
    """pass marks per exercise

    Pass marks: e.g. '--trials 4' for 4 trials in band, '--min-score 70'.
    """
    from trainer.instructor.assessment import PassMark, PassMarks

    store = open_store(args)
    marks = PassMarks(store)
    if args.mark_action == "list":
        found = marks.all()
        if not found:
            print(
                "No pass marks set. Set one with 'trainer instructor pass-mark set ID --trials 4'."
            )
        for mark in found:
            print(f"{mark.exercise_id}: {mark.describe()}")
        return 0
    require_pin(store, "change pass marks")
    if args.mark_action == "clear":
        marks.clear(args.exercise)
        print(f"{args.exercise} has no pass mark now.")
        return 0
    exercise = find_exercise(args.exercise)
    if args.min_score is None and args.trials is None:
        raise UsageError("give --trials N (trials in band needed), --min-score SCORE, or both")
    mark = PassMark(exercise.id, args.min_score, args.trials, args.trial_pct)
    marks.set(mark)
    print(f"Pass mark for {exercise.name}: {mark.describe()}.")
    return 0


# -- assessment-----------------------------------------------------------------------


def cmd_assessment(args: argparse.Namespace) -> int:
    """blind assessment sequences and their results

    Assessments: a fixed sequence of exercises run blind; results need the PIN.
    """
    from trainer.instructor.assessment import Assessments, simulate_assessment

    store = open_store(args)
    book = Assessments(store)
    action = args.assessment_action
    if action == "list":
        found = book.all()
        if not found:
            print("No assessments yet. Create one with 'trainer instructor assessment create'.")
        for a in found:
            print(f"{a.name}: {', '.join(a.exercise_ids)}")
        return 0
    if action == "create":
        require_pin(store, "create an assessment")
        book.create(args.name, args.exercises, set(load_library().exercises))
        print(f"Assessment {args.name}: {', '.join(args.exercises)}, run blind.")
        return 0
    if action == "run":
        from trainer.sensors.students import PROFILES

        if args.virtual not in PROFILES:
            raise UsageError(
                f"unknown virtual student {args.virtual!r}; choose one of: {', '.join(PROFILES)}"
            )
        run = simulate_assessment(
            store,
            load_library().exercises,
            args.name,
            args.student,
            profile=args.virtual,
            seed=args.seed,
        )
        print(
            f"Assessment run {run.id} for {run.student}: {run.status}. "
            "Results are for the instructor: 'trainer instructor assessment results'."
        )
        return 0
    require_pin(store, "see assessment results")
    runs = (
        [book.run(args.run)] if args.run else book.runs(student=args.student, assessment=args.name)
    )
    if not runs:
        print("No assessment runs recorded yet.")
    for run in runs:
        outcome = {True: "PASSED", False: "NOT PASSED", None: "no pass marks set"}[run.passed]
        print(
            f"run {run.id}  {run.assessment}  {run.student}  {run.started_at[:16]}  {run.status}  {outcome}"
        )
        for item in run.items:
            detail = item.detail or {}
            verdict = "-" if item.passed is None else ("pass" if item.passed else "not yet")
            if detail:
                text = (
                    f"{detail.get('trials_in_band', '-')}/{detail.get('trials', '-')} trials "
                    f"in band, score {number(detail.get('score'), 0)}"
                )
            elif item.score is not None:
                in_band = number(item.time_in_band_pct, 0)
                text = f"score {number(item.score, 0)}, {in_band}% in band (no pass mark)"
            else:
                text = "no pass mark"
            session = f"session {item.session_id}" if item.session_id else "not done"
            print(
                f"   {item.position + 1}. {item.exercise_id:<24} {session:<12} {verdict:<8} {text}"
            )
    return 0
