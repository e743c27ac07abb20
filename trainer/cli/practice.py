"""Practice: ``trainer run``, ``simulate``, ``history`` and ``export``.

``run`` starts the Textual app; Textual, the store and the sensors are imported inside
the handlers, so every ``trainer`` command starts fast.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import signal
import sys
from pathlib import Path
from typing import Any, TextIO

from trainer.cli.common import (
    EXIT_OK,
    UsageError,
    add_assessments_option,
    add_class_file_option,
    add_command,
    add_force_option,
    add_sensor_option,
    assessments_allowed,
    find_exercise,
    hidden_assessments_note,
    number,
    open_store,
    whole_number,
    write_out,
)

UNITS = ("N", "kgf", "lbf", "kPa")


def register(commands: Any) -> None:
    """Add ``run``, ``simulate``, ``history`` and ``export`` to the ``trainer`` command."""
    run = add_command(commands, "run", cmd_run)
    source = run.add_mutually_exclusive_group()
    source.add_argument(
        "--sim", action="store_true", help="simulated pad: press with the arrow and number keys"
    )
    add_sensor_option(source, "read the load cell (and fail rather than fall back to simulation)")
    run.add_argument("--exercise", metavar="ID", help="open this exercise straight away")
    run.add_argument("--student", metavar="NAME", help="your name, for your records")
    run.add_argument(
        "--units",
        type=str.lower,
        default="n",
        choices=[u.lower() for u in UNITS],
        metavar="N|kgf|lbf|kPa",
        help="show forces in N (default), kgf or lbf; kPa (force per contact area) where "
        "the exercise or the student has a contact",
    )
    run.add_argument("--bell", action="store_true", help="ring the terminal bell on cues")
    add_class_file_option(
        run,
        "join a class as a station (a station file from 'trainer class setup'; "
        "default: class_file in the config file, if set)",
    )
    run.add_argument(
        "--fps",
        type=frames_per_second,
        metavar="N",
        help="live screen redraws per second, 1-60 (default: display.fps in the config "
        "file, else by Pi model: 30 on a Pi 4 or 5 or a laptop, 15 on a Pi Zero 2 W)",
    )
    run.add_argument("--seed", type=int, help=argparse.SUPPRESS)

    sim = add_command(commands, "simulate", cmd_simulate)
    sim.add_argument(
        "--exercise", required=True, metavar="ID", help="exercise id (see 'trainer exercises list')"
    )
    sim.add_argument(
        "--student-profile",
        default="steady",
        metavar="NAME",
        help="virtual student: steady, shaky, overshooter, slow, fatiguing or novice (default steady)",
    )
    sim.add_argument(
        "--seed", type=int, default=0, help="random seed: same seed, same samples (default 0)"
    )
    sim.add_argument(
        "--speed",
        type=speed_factor,
        default=0.0,
        help="1 real time, 2 twice as fast, 0 as fast as possible (default 0)",
    )
    sim.add_argument(
        "--rate",
        type=float,
        default=80.0,
        choices=[10.0, 80.0],
        help="samples per second (default 80)",
    )
    sim.add_argument(
        "--student", metavar="NAME", help="record under this student name (default sim-PROFILE)"
    )
    sim.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    add_class_file_option(
        sim,
        "as a class station: send the session to the class hub (a station file from "
        "'trainer class setup'); without the broker it is kept and sent later",
    )

    add_command(commands, "recover", cmd_recover)

    history = add_command(commands, "history", cmd_history)
    history.add_argument("--student", metavar="NAME", help="only this student's sessions")
    history.add_argument("--exercise", metavar="ID", help="only this exercise")
    history.add_argument(
        "--limit",
        type=whole_number(1, 100_000),
        default=50,
        help="at most this many (default 50)",
    )
    add_assessments_option(history)
    history.add_argument(
        "--json",
        action="store_true",
        help="print a JSON array: per session its id, uuid, station, student, exercise, "
        "start, status, complete and score",
    )

    export = add_command(commands, "export", cmd_export)
    export.add_argument("session_id", type=whole_number(), metavar="SESSION_ID")
    add_assessments_option(export)
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write here instead of the screen"
    )
    add_force_option(export)


def frames_per_second(text: str) -> float:
    """``--fps``'s value: a number of redraws per second from 1 to 60."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 1 <= value <= 60:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a frame rate: give redraws per second from 1 to 60, e.g. --fps 15"
        )
    return value


def cmd_run(args: argparse.Namespace) -> int:
    """practise live: pick an exercise, press the pad, see the debrief

    The live trainer: a technique library, live feedback while you press and a debrief
    afterwards. Uses the calibrated load cell, or --sim for a simulated pad you press with
    the keyboard and mouse.
    """
    from trainer.cli.run import run_app

    return run_app(args)


def speed_factor(text: str) -> float:
    """``--speed``: a finite number from 0 (as fast as possible) to 1000."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= 1000):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a speed: give 0 (as fast as possible), 1 (real time) "
            "or another number up to 1000"
        )
    return value


# -- simulate ---------------------------------------------------------------------------


def cmd_simulate(args: argparse.Namespace) -> int:
    """run a whole session headless with a virtual student, store it, print a summary

    Run a whole session without a screen: a virtual student presses a simulated pad, the session
    is judged, stored and summarised.
    """
    from trainer.sensors.students import PROFILES
    from trainer.session import simulate
    from trainer.store import dump_json

    if args.student_profile not in PROFILES:
        raise UsageError(
            f"unknown student profile {args.student_profile!r}; choose one of: "
            + ", ".join(PROFILES)
        )
    exercise = find_exercise(args.exercise)
    store = open_store(args)
    if args.student:
        # A named student practises with the bands their instructor set for them.
        from trainer.instructor.practice import plan_practice

        exercise = plan_practice(store, exercise, args.student).exercise
    # A closed terminal or a `kill` ends the run like Ctrl+C: samples kept, session incomplete.
    signal.signal(signal.SIGTERM, _interrupt)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, _interrupt)
    link = None
    if args.class_file is not None:
        from trainer.cli.classroom import join_class

        link = join_class(store, args.class_file)
    try:
        outcome = simulate(
            store,
            exercise,
            profile=args.student_profile,
            seed=args.seed,
            speed=args.speed,
            rate_hz=args.rate,
            student=args.student,
        )
    finally:
        if link is not None:
            from trainer.cli.classroom import leave_class

            leave_class(link)
    result = outcome.result
    if args.json:
        data = {
            "session_id": outcome.session_id,
            "exercise": exercise.id,
            "student_profile": args.student_profile,
            "seed": args.seed,
            "status": outcome.status,
            "samples": outcome.samples,
        } | result.to_dict()
        print(dump_json(data, indent=2))
        return EXIT_OK
    print(
        f"Session {outcome.session_id}: {exercise.name}, virtual student '{args.student_profile}' "
        f"(seed {args.seed}), {outcome.samples} samples, {outcome.status}"
    )
    print(format_result(result))
    return EXIT_OK


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def format_result(result: Any) -> str:
    """A session result as a plain table for the terminal, forces rounded as the screens do.

    A release is judged by what it asks (into its band in time, smoothly), never by its
    time in band, which is short by design.
    """
    from trainer.scoring import release_verdict
    from trainer.units import Unit

    def force(value: float | None, signed: bool = False) -> str:
        return "-" if value is None else Unit.N.number(value, signed=signed)

    lines = [
        f"Score {result.score:.0f}/100   time in band {result.time_in_band_pct:.0f}%   "
        f"bias {Unit.N.show(result.constant_error_n, signed=True)}   "
        f"consistency (VE) {Unit.N.show(result.variable_error_n)}   "
        f"overshoots {result.overshoot_count}",
        "",
        f"{'#':>2}  {'phase':<28} {'band N':>9} {'in band':>7} {'bias N':>7} {'VE N':>5} "
        f"{'CV %':>5} {'reach s':>7} {'over':>4} {'rate N/s':>8} {'score':>5}",
    ]
    for p in result.phases:
        band = "-"
        if p.band_low_n is not None and p.band_high_n is not None:
            band = f"{Unit.N.number(p.band_low_n, compact=True)}-"
            band += Unit.N.number(p.band_high_n, compact=True)
        rate = "-"
        if p.ramp_rate_n_per_s is not None and p.target_rate_n_per_s:
            rate = f"{force(abs(p.ramp_rate_n_per_s))}/"
            rate += Unit.N.number(p.target_rate_n_per_s, compact=True)
        verdict = release_verdict(p)
        in_band = f"{p.time_in_band_pct:.0f}%" if p.band_low_n is not None else "-"
        if verdict is not None:
            in_band = verdict.value
        scored = p.score is not None
        lines.append(
            f"{p.index + 1:>2}  {p.name[:28]:<28} {band:>9} {in_band:>7} "
            f"{force(p.constant_error_n, signed=True) if scored else '-':>7} "
            f"{force(p.variable_error_n) if scored else '-':>5} "
            f"{number(p.steadiness_cv_pct):>5} {number(p.time_to_band_s):>7} {p.overshoot_count:>4} "
            f"{rate:>8} {number(p.score, 0):>5}"
        )
    return "\n".join(lines)


# -- history and export ----------------------------------------------------------------


def cmd_history(args: argparse.Namespace) -> int:
    """list recorded sessions

    List recorded sessions, newest first.
    """
    from trainer.store import OPEN_KINDS, SESSION_KINDS, dump_json

    store = open_store(args)
    assessments = assessments_allowed(store, args)
    rows = store.history(
        student=args.student,
        exercise_id=args.exercise,
        limit=args.limit,
        kinds=SESSION_KINDS if assessments else OPEN_KINDS,
    )
    hidden = 0 if assessments else store.hidden_count(args.student, args.exercise)
    if not rows and not hidden and args.exercise:
        # An id with records is shown even if its file is gone; one with none must exist.
        find_exercise(args.exercise)
    if args.json:
        print(dump_json([history_entry(row) for row in rows], indent=1))
        if hidden:
            print(hidden_assessments_note(hidden), file=sys.stderr)
        return EXIT_OK
    if not rows:
        who = f" for {args.student}" if args.student else ""
        print(f"No sessions recorded{who} yet. Try 'trainer simulate --exercise graded-levels'.")
        if hidden:
            print(hidden_assessments_note(hidden))
        return EXIT_OK
    print(
        f"{'id':>5}  {'started (UTC)':<20} {'student':<16} {'exercise':<30} {'status':<10} {'score':>5} {'in band':>7}"
    )
    for row in rows:
        score = f"{row.score:.0f}" if row.score is not None else "-"
        in_band = f"{row.time_in_band_pct:.0f}%" if row.time_in_band_pct is not None else "-"
        print(
            f"{row.id:>5}  {row.started_at[:19].replace('T', ' '):<20} {row.student[:16]:<16} "
            f"{(row.exercise_name or row.exercise_id)[:30]:<30} {row.status:<10} {score:>5} {in_band:>7}"
            + ("" if row.kind == "practice" else f"  {row.kind}")
        )
    if hidden:
        print(hidden_assessments_note(hidden))
    return EXIT_OK


def history_entry(row: Any) -> dict[str, Any]:
    """One session of ``trainer history --json``."""
    return {
        "id": row.id,
        "uuid": row.uuid,
        "station": row.station,
        "student": row.student,
        "exercise_id": row.exercise_id,
        "exercise_name": row.exercise_name,
        "started_at": row.started_at,
        "ended_at": row.ended_at,
        "status": row.status,
        "kind": row.kind,
        "complete": row.status == "complete",
        "score": row.score,
        "time_in_band_pct": row.time_in_band_pct,
    }


def cmd_recover(args: argparse.Namespace) -> int:
    """add samples a full disk kept in a recovery file to the records

    After a full disk, a session's unsaved samples and result were kept in a recovery
    file beside the database. Once there is room, this adds them to the records and
    removes the file.
    """
    store = open_store(args, offer_recovery=False)
    files = store.recovery_files()
    if not files:
        print(f"Nothing to recover: no recovery files for {store.path}.")
        return EXIT_OK
    for path in files:
        session_id, added = store.import_recovery(path)
        print(f"Session {session_id}: {added} sample(s) added from {path} (file removed).")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """export one session's samples and results

    Export one session: CSV (one row a sample) or JSON (everything).
    """
    from trainer.instructor.reports import check_visible
    from trainer.store import SAMPLE_COLUMNS, dump_json

    store = open_store(args)
    session = store.session(args.session_id)  # StoreError names `trainer history`
    check_visible(store, args.session_id, assessments_allowed(store, args))
    buffer = io.StringIO()
    out: TextIO = buffer if args.output else sys.stdout
    if args.format == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(SAMPLE_COLUMNS)
        writer.writerows(store.sample_rows(args.session_id))
    else:
        session["samples"] = store.sample_dicts(args.session_id)
        out.write(dump_json(session, indent=1))
        out.write("\n")
    if args.output:
        write_out(args.output, buffer.getvalue(), force=args.force)
        print(f"Session {args.session_id} written to {args.output} ({args.format}).")
    return EXIT_OK
