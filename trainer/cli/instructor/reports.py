"""``trainer instructor review|overview|export-class|report``: scores, trends and exports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from trainer.cli.common import (
    add_assessments_option,
    add_command,
    add_force_option,
    assessments_allowed,
    hidden_assessments_note,
    load_library,
    number,
    open_store,
    whole_number,
    write_out,
)


def register(actions: Any) -> None:
    """Add ``review``, ``overview``, ``export-class`` and ``report`` to ``trainer instructor``."""
    p = add_command(actions, "review", cmd_review)
    p.add_argument("student", metavar="STUDENT")
    p.add_argument("--exercise", metavar="ID")
    p.add_argument(
        "--limit",
        type=whole_number(1, 100_000),
        default=20,
        help="show at most this many sessions (default 20)",
    )
    add_assessments_option(p)
    p = add_command(actions, "overview", cmd_overview)
    p.add_argument("--class", dest="class_name", metavar="NAME")
    add_assessments_option(p)
    p = add_command(actions, "export-class", cmd_export_class)
    p.add_argument(
        "--class", dest="class_name", metavar="NAME", help="only this class (default everyone)"
    )
    p.add_argument("--output", "-o", type=Path, metavar="FILE")
    add_force_option(p)
    add_assessments_option(p)
    p = add_command(actions, "report", cmd_report)
    p.add_argument("session_id", type=whole_number(), metavar="SESSION_ID")
    p.add_argument("--format", choices=["html", "csv", "json"], default="html")
    p.add_argument(
        "--units",
        default="N",
        choices=["N", "kgf", "lbf", "kPa"],
        help="forces in the HTML report (kPa: over the exercise's contact area, else 1 cm²)",
    )
    p.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="default session-ID.html for HTML, the screen otherwise",
    )
    add_force_option(p)
    add_assessments_option(p)


# -- review and export -------------------------------------------------------------------


def cmd_review(args: argparse.Namespace) -> int:
    """a student's scores and trends

    A student's sessions with score, time in band, consistency and steadiness, and their trends.
    """
    from trainer.instructor.reports import (
        earlier_version_note,
        latest_version,
        student_progress,
        trend_words,
    )
    from trainer.store import shown_time

    store = open_store(args)
    assessments = assessments_allowed(store, args)
    points = student_progress(store, args.student, args.exercise, assessments=assessments)
    hidden = 0 if assessments else store.hidden_count(args.student, args.exercise)
    if not points:
        print(f"{args.student} has no scored sessions yet.")
        if hidden:
            print(hidden_assessments_note(hidden))
        return 0
    shown = points[-args.limit :]
    what = max(len("exercise"), *(len(p.exercise_id) for p in shown))
    print(
        f"{'id':>5}  {'date':<16} {'exercise':<{what}} {'score':>5} {'in band':>7} {'VE N':>6} "
        f"{'CV %':>5}"
    )
    for p in shown:
        print(
            f"{p.session_id:>5}  {shown_time(p.started_at):<16} {p.exercise_id:<{what}} "
            f"{p.score:>5.0f} {p.time_in_band_pct:>6.0f}% {p.variable_error_n:>6.1f} "
            f"{number(p.steadiness_cv_pct, 1):>5}"
            + ("  assessment" if p.kind == "assessment" else "")
        )
    by_exercise: dict[str, list[Any]] = {}
    for p in points:
        by_exercise.setdefault(p.exercise_id, []).append(p)
    for exercise_id, all_pts in by_exercise.items():
        pts, left_out = latest_version(all_pts)
        if len(pts) < 2:
            continue
        steadiness = [p.steadiness_cv_pct for p in pts if p.steadiness_cv_pct is not None]
        words = [
            f"score {trend_words([p.score for p in pts], 'pts', True)}",
            f"time in band {trend_words([p.time_in_band_pct for p in pts], '%', True)}",
        ]
        if steadiness:
            words.append(f"steadiness CV {trend_words(steadiness, '%', False)}")
        print(f"{exercise_id}: " + "; ".join(words) + earlier_version_note(left_out))
    if hidden:
        print(hidden_assessments_note(hidden))
    return 0


def cmd_overview(args: argparse.Namespace) -> int:
    """class overview: who practised what, latest and best, below the pass mark"""
    from trainer.instructor.reports import class_overview
    from trainer.instructor.roster import Roster

    store = open_store(args)
    assessments = assessments_allowed(store, args)
    in_force = {e.id: e.version for e in load_library().exercises.values()}
    rows = class_overview(store, args.class_name, assessments=assessments, in_force=in_force)
    if not rows:
        print("No students to show.")
        return 0
    hidden = 0
    if not assessments:
        students = Roster(store).students(class_name=args.class_name)
        hidden = sum(store.hidden_count(student.name) for student in students)
    # Columns as wide as their longest entry: a name is never cut ('... (earlier version)').
    who = max(len("student"), *(len(r.student) for r in rows))
    what = max(len("exercise"), *(len(r.exercise_name) for r in rows))
    print(
        f"{'student':<{who}} {'exercise':<{what}} {'sessions':>8} {'latest':>6} {'best':>5}  "
        f"{'last':<10}  pass mark"
    )
    for r in rows:
        below = {True: "BELOW", False: "ok", None: "-"}[r.below_pass_mark]
        print(
            f"{r.student:<{who}} {r.exercise_name:<{what}} {r.sessions:>8} "
            f"{number(r.latest_score, 0):>6} {number(r.best_score, 0):>5}  "
            f"{(r.last_practised or '-')[:10]:<10}  {below}"
        )
    if hidden:
        print(hidden_assessments_note(hidden))
    return 0


def cmd_export_class(args: argparse.Namespace) -> int:
    """class results as CSV (one row a session)"""
    import io

    from trainer.instructor.reports import write_class_csv
    from trainer.instructor.roster import Roster

    store = open_store(args)
    if args.class_name:
        Roster(store).class_id(args.class_name)
    buffer = io.StringIO()
    count = write_class_csv(
        store, args.class_name, buffer, assessments=assessments_allowed(store, args)
    )
    write_out(args.output, buffer.getvalue(), force=args.force)
    if args.output:
        print(f"{count} session(s) written to {args.output}.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """one session as a printable HTML report, CSV or JSON"""
    from trainer.instructor.reports import session_document, session_html, write_session_csv
    from trainer.store import dump_json
    from trainer.units import Unit

    store = open_store(args)
    store.session(args.session_id)
    assessments = assessments_allowed(store, args)
    if args.format == "html":
        text = session_html(store, args.session_id, Unit.parse(args.units), assessments=assessments)
    elif args.format == "json":
        document = session_document(store, args.session_id, assessments=assessments)
        text = dump_json(document, indent=1) + "\n"
    else:
        import io

        buffer = io.StringIO()
        write_session_csv(store, args.session_id, buffer, assessments=assessments)
        text = buffer.getvalue()
    output = args.output
    if output is None and args.format == "html":
        output = Path(f"session-{args.session_id}.html")
    write_out(output, text, force=args.force)
    if output is not None:
        print(f"Session {args.session_id} written to {output} ({args.format}).", file=sys.stderr)
    return 0
