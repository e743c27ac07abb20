"""``trainer run``'s work: choose the sensor, open the records, run the app, save on exit.

The load cell backend is imported lazily; where none is calibrated (or it is missing
on a laptop) one line says so and simulation is offered instead.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from functools import partial
from typing import TYPE_CHECKING, Any, TextIO

from trainer.ui.config import SensorFactory, SensorSetup, simulated_sensor_factory

if TYPE_CHECKING:
    from trainer.ui.app import TrainerApp

log = logging.getLogger(__name__)

CALIBRATE_HINT = "run 'trainer calibrate' to set one up"


def hx711_factory(backend: str | None = None) -> SensorFactory:
    """Open the calibrated load cell now (so a problem shows before the UI starts).

    ``backend`` (``--sensor``) reads it through that backend instead of the config's.

    Raises :class:`~trainer.sensors.base.SensorError` (or ImportError where the
    backend is not there) with one sentence saying what is wrong.
    """
    from trainer.config import load_config
    from trainer.sensors.configured import open_calibrated, with_backend

    config = with_backend(load_config(), backend)
    with warnings.catch_warnings():
        # gpiozero warns about each pin library it falls back from; the error says enough.
        warnings.simplefilter("ignore")
        sensor = open_calibrated(config)
    calibration = getattr(sensor, "calibration", None)
    info = calibration.to_dict() if calibration is not None else None

    def make(exercise: object, full_scale: float) -> SensorSetup:
        return SensorSetup(sensor, None, info)

    return make


def choose_sensor(
    args: argparse.Namespace, stdin: TextIO | None = None, out: TextIO | None = None
) -> tuple[SensorFactory, bool] | None:
    """The sensor factory and whether it is simulated; None if the student declined."""
    stdin = stdin or sys.stdin
    out = out or sys.stderr
    if args.sim:
        return simulated_sensor_factory(seed=args.seed), True
    from trainer.sensors.base import SensorError

    try:
        return hx711_factory(args.sensor), False
    except (ImportError, SensorError, OSError) as error:
        reason = str(error).rstrip(".") or type(error).__name__
    # The backend's own message often says to calibrate already; say it once.
    hint = "" if "trainer calibrate" in reason else f"; {CALIBRATE_HINT}"
    if stdin.isatty():
        print(f"No calibrated load cell found ({reason}).", file=out)
        out.write("Start in simulation instead? [y/N] ")
        out.flush()
        answer = stdin.readline().strip().lower()
        if answer not in ("y", "yes"):
            print(f"Nothing started: {CALIBRATE_HINT}, or use 'trainer run --sim'.", file=out)
            return None
        return simulated_sensor_factory(seed=args.seed), True
    if args.sensor:
        from trainer.cli.common import CommandFailed

        raise CommandFailed(f"no calibrated load cell found ({reason}){hint}, or use --sim")
    print(
        f"No calibrated load cell found ({reason}). Starting in simulation{hint}.",
        file=out,
    )
    return simulated_sensor_factory(seed=args.seed), True


def pi_feedback(app: TrainerApp, out: TextIO | None = None) -> Any:
    """The Pi's LEDs, buzzer and buttons (``[feedback]`` in the config) as a cue listener.

    None where nothing is fitted; a part that cannot be set up is one line, not a stop.
    """
    from trainer.sensors.base import SensorError

    try:
        from trainer.config import load_config
        from trainer.feedback import feedback_from_config
    except ImportError:
        return None
    try:
        return feedback_from_config(
            load_config().feedback,
            on_start_pause=partial(app.hardware_button, "start_pause"),
            on_tare=partial(app.hardware_button, "tare"),
        )
    except SensorError as error:
        print(f"The LEDs, buzzer and buttons are not used: {error}.", file=out or sys.stderr)
        return None


def join_class(app: TrainerApp, args: argparse.Namespace) -> Any:
    """The station's class link (``--class`` or the config's ``class_file``), or None.

    The link connects in the background: practice starts at once, with or without it.
    """
    from trainer.cli.common import CommandFailed

    class_file = getattr(args, "class_file", None)
    if class_file is None:
        from trainer.config import load_config
        from trainer.sensors.base import SensorError

        try:
            class_file = load_config().class_file
        except SensorError:
            class_file = None  # the config's own problems are reported where it is used
    if class_file is None:
        return None
    from trainer.classroom.broker import ClassSetupError, load_class_file
    from trainer.classroom.station import StationLink
    from trainer.ui.station_class import attach_class

    store = app.config.store
    try:
        found = load_class_file(class_file)
        store.station = found.station
    except ClassSetupError as error:
        raise CommandFailed(str(error)) from None
    sensor = "simulated" if app.config.simulated else "ok"
    link = StationLink(found, store.path, library=app.config.library, sensor=sensor)
    attach_class(app, link)
    link.start()
    return link


def live_frame_rate(args: argparse.Namespace, out: TextIO | None = None) -> float:
    """``--fps``, else ``display.fps`` from the config file, else the Pi model's default."""
    from trainer.config import ConfigError, load_config
    from trainer.ui.framerate import frame_rate

    requested = getattr(args, "fps", None)
    configured = None
    if requested is None:
        try:
            configured = load_config().display.fps
        except ConfigError as error:
            print(f"The frame rate setting is not used: {error}.", file=out or sys.stderr)
    fps, reason = frame_rate(requested, configured)
    log.info("live screen at %g frames per second (%s)", fps, reason)
    return fps


def run_app(args: argparse.Namespace) -> int:
    """Run the live trainer; every session is saved however the app ends."""
    from trainer.cli.common import UsageError, load_library, open_store
    from trainer.units import Unit

    unit = Unit.parse(args.units)
    student = (args.student or "").strip()
    if args.student is not None and not student:
        raise UsageError("--student needs a name, e.g. --student Ana")
    if student:
        from trainer.safe_text import check_name

        try:
            student = check_name(student, "the student's name")
        except ValueError as error:  # said now, not when the first session cannot start
            raise UsageError(f"--student: {error}") from None
    library = load_library()
    if args.exercise and args.exercise not in library.exercises:
        known = ", ".join(sorted(library.exercises))
        raise UsageError(f"no exercise with id {args.exercise!r}; known ids: {known}")
    chosen = choose_sensor(args)
    if chosen is None:
        return 1
    factory, simulated = chosen
    fps = live_frame_rate(args)
    store = open_store(args)

    from trainer.ui.app import build_app
    from trainer.ui.config import UIConfig

    config = UIConfig(
        store=store,
        library=library,
        sensor_factory=factory,
        simulated=simulated,
        student=student,
        units=unit,
        exercise_id=args.exercise,
        bell=args.bell,
        fps=fps,
        handle_signals=True,
    )
    app = build_app(config)
    feedback = pi_feedback(app)
    if feedback is not None:
        app.context.listeners.append(feedback)
    link = join_class(app, args)
    try:
        app.run()
    finally:
        # However the app ended (a crash included), the session in progress is kept.
        app.save_and_close("incomplete")
        if link is not None:
            from trainer.cli.classroom import leave_class

            leave_class(link)
        store.close()
        if feedback is not None:
            feedback.close()
    if app.save_error is not None:
        print(
            f"trainer run: the last session could not be saved: {app.save_error}", file=sys.stderr
        )
        return 1
    if app.stopped_session is not None:
        print(
            f"Stopped: session {app.stopped_session} is saved as incomplete, with everything "
            "recorded so far.",
            file=sys.stderr,
        )
    return app.return_code or 0
