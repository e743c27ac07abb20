"""``trainer instructor bands|schedule``: target bands and feedback schedules per class and student."""

from __future__ import annotations

import argparse
from typing import Any

from trainer.cli.common import (
    UsageError,
    add_actions,
    add_command,
    find_exercise,
    open_store,
    require_pin,
)


def register(actions: Any) -> None:
    """Add ``bands`` and ``schedule`` to ``trainer instructor``."""
    bands = add_command(actions, "bands", cmd_bands)
    bd = add_actions(bands, "bands_action")
    p = bd.add_parser("show", help="the bands in force and where they come from")
    p.add_argument("exercise", metavar="EXERCISE")
    _add_scope(p)
    p = bd.add_parser("set", help="override a band for a class or a student")
    p.add_argument("exercise", metavar="EXERCISE")
    p.add_argument("target", metavar="TARGET", help="a level name (e.g. deep) or 'phase N'")
    p.add_argument("low", type=float, metavar="LOW_N")
    p.add_argument("high", type=float, metavar="HIGH_N")
    _add_scope(p, required=True)
    p = bd.add_parser("clear", help="remove overrides")
    p.add_argument("exercise", metavar="EXERCISE")
    p.add_argument("target", nargs="?", metavar="TARGET", help="only this target (default all)")
    _add_scope(p, required=True)

    schedule = add_command(actions, "schedule", cmd_schedule)
    sc = add_actions(schedule, "schedule_action")
    p = sc.add_parser("show", help="schedules set, or the one a student gets")
    p.add_argument("--student", metavar="NAME")
    p.add_argument(
        "--exercise", metavar="ID", help="with --student: check for a due retention test"
    )
    p = sc.add_parser("set", help="pick a schedule for a class or student")
    p.add_argument(
        "kind", metavar="KIND", help="always, faded, bandwidth, summary, self or retention"
    )
    p.add_argument(
        "--every", type=int, metavar="N", help="summary: results after every N trials (default 5)"
    )
    p.add_argument(
        "--bandwidth",
        type=float,
        metavar="PCT",
        help="bandwidth: show only beyond PCT%% of the target outside the band",
    )
    p.add_argument(
        "--retention-days",
        type=float,
        metavar="DAYS",
        help="give a retention test DAYS after the last practice",
    )
    _add_scope(p, required=True)
    p = sc.add_parser("clear", help="back to the inherited schedule")
    _add_scope(p, required=True)


def _add_scope(parser: argparse.ArgumentParser, required: bool = False) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--class", dest="class_name", metavar="NAME", help="for this class")
    group.add_argument("--student", metavar="NAME", help="for this student")


def _scope(args: argparse.Namespace) -> tuple[str, str]:

    if getattr(args, "student", None):
        return "student", args.student
    if getattr(args, "class_name", None):
        return "class", args.class_name
    raise UsageError("say whose this is with --class NAME or --student NAME")


# -- bands, schedules, pass marks -------------------------------------------------------


def cmd_bands(args: argparse.Namespace) -> int:
    """target bands per class and student

    Band overrides, inherited built-in -> class -> student. TARGET is a level name or 'phase N'.
    """
    from trainer.instructor.targets import BandTargets

    store = open_store(args)
    targets = BandTargets(store)
    exercise = find_exercise(args.exercise)
    if args.bands_action == "show":
        rows = targets.explain(exercise, student=args.student, class_name=args.class_name)
        print(f"{exercise.name} [{exercise.id}]: bands in N, the one in force marked *")
        print(f"{'#':>2}  {'phase':<26} {'built-in':>10} {'class':>10} {'student':>10}  from")
        for row in rows:
            if row.builtin is None:
                continue

            def show(band: Any, active: bool) -> str:
                if band is None:
                    return "-"
                return f"{band.low_n:g}-{band.high_n:g}" + ("*" if active else "")

            source = row.source
            print(
                f"{row.index + 1:>2}  {row.name[:26]:<26} "
                f"{show(row.builtin, source == 'built-in'):>10} "
                f"{show(row.class_band, source.startswith('class')):>10} "
                f"{show(row.student_band, source == 'student'):>10}  {source}"
            )
        return 0
    scope, owner = _scope(args)
    require_pin(store, "change target bands")
    if args.bands_action == "set":
        override = targets.set(scope, owner, exercise, args.target, args.low, args.high)
        print(
            f"{exercise.id} {override.target} for {scope} {owner}: "
            f"{override.band.low_n:g}-{override.band.high_n:g} N"
        )
    else:
        count = targets.clear(scope, owner, exercise.id, args.target)
        print(f"Removed {count} override(s); {owner} uses the inherited bands again.")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    """feedback schedules per class and student

    How often students see live feedback: always, faded, bandwidth, summary, self, retention.
    """
    from trainer.instructor.feedback_store import SchedulePlans
    from trainer.instructor.schedules import FeedbackSchedule

    store = open_store(args)
    plans = SchedulePlans(store)
    if args.schedule_action == "show":
        if args.student:
            schedule, source = plans.resolve(args.student, args.exercise)
            print(f"{args.student}: {schedule.kind.value} ({schedule.describe()}), from {source}")
        else:
            from trainer.instructor.roster import Roster

            roster = Roster(store)
            for c in roster.classes():
                found = plans.get("class", c.id)
                text = f"{found.kind.value} ({found.describe()})" if found else "always (default)"
                print(f"class {c.name}: {text}")
            for s in roster.students():
                found = plans.get("student", s.id)
                if found:
                    print(f"student {s.name}: {found.kind.value} ({found.describe()})")
        return 0
    scope, owner = _scope(args)
    require_pin(store, "change feedback schedules")
    if args.schedule_action == "clear":
        plans.clear(scope, owner)
        print(f"{scope.capitalize()} {owner} uses the inherited feedback schedule again.")
        return 0
    settings: dict[str, float] = {}
    if args.every is not None:
        settings["summary_every"] = args.every
    if args.bandwidth is not None:
        settings["bandwidth_pct"] = args.bandwidth
    if args.retention_days is not None:
        settings["retention_after_days"] = args.retention_days
    schedule = FeedbackSchedule.parse(args.kind, **settings)
    plans.set(scope, owner, schedule)
    print(f"{scope.capitalize()} {owner}: {schedule.kind.value}, {schedule.describe()}.")
    return 0
