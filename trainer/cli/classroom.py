"""``trainer class``: the class screen; set up a class's broker files, run the hub, see the stations.

- ``trainer class --class DIR/hub.toml [--web [--port P] [--host H]]``: the instructor's
  live class screen on the hub, in this terminal or served to a browser;
- ``trainer class demo --stations N [--web]``: a whole class on this computer (its own
  Mosquitto, the hub, the screen and N simulated stations) to try the class screen;
- ``trainer class setup DIR --class NAME --stations N``: Mosquitto's files and one file
  per station (see :mod:`trainer.classroom.broker`);
- ``trainer class hub --class DIR/hub.toml``: the headless hub, one log line per event;
- ``trainer class status --class DIR/hub.toml [--json]``: every station, connected or not,
  and what it is doing;
- ``trainer class bridge ROOM_DIR --to CENTRAL_DIR``: a Mosquitto bridge between rooms.

Also :func:`join_class` / :func:`leave_class`, which ``trainer simulate --class`` uses.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from trainer.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CommandFailed,
    CommandParser,
    UsageError,
    add_class_file_option,
    add_command,
)


def register(commands: Any) -> None:
    """Add ``class`` and its actions to the ``trainer`` command."""
    group = commands.add_parser(
        "class",
        help="a class of stations over MQTT: set up the broker, run the hub, see the stations",
        description="A class: many practice stations and one instructor, over a Mosquitto "
        "broker on the local network. Start with 'trainer class setup', then watch the class with "
        "'trainer class --class DIR/hub.toml'; try it first with 'trainer class demo'.",
    )
    add_class_file_option(group, "the class's hub.toml: open the live class screen on it")
    _add_web_options(group)
    group.set_defaults(handler=cmd_class_screen)
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=CommandParser)
    actions.required = False

    demo = add_command(actions, "demo", cmd_class_demo)
    demo.add_argument(
        "--stations", type=int, default=8, metavar="N", help="how many (default 8, up to 60)"
    )
    _add_web_options(demo)

    setup = add_command(actions, "setup", cmd_class_setup)
    setup.add_argument("folder", type=Path, metavar="DIR", help="the class folder")
    setup.add_argument(
        "--class", dest="class_name", required=True, metavar="NAME", help="class name (a-z 0-9 -)"
    )
    setup.add_argument("--stations", type=int, required=True, metavar="N", help="how many")
    setup.add_argument("--port", type=int, metavar="P", help="broker port (default 1883)")
    setup.add_argument(
        "--host",
        metavar="H",
        help="the broker's address as stations dial it (default: this machine's LAN address)",
    )
    setup.add_argument("--tls-cert", type=Path, metavar="FILE", help="TLS certificate (PEM)")
    setup.add_argument("--tls-key", type=Path, metavar="FILE", help="TLS private key (PEM)")

    hub = add_command(actions, "hub", cmd_class_hub)
    add_class_file_option(hub, "DIR/hub.toml", required=True)

    bridge = add_command(actions, "bridge", cmd_class_bridge)
    bridge.add_argument("room", type=Path, metavar="ROOM_DIR", help="the room's class folder")
    bridge.add_argument(
        "--to",
        dest="central",
        required=True,
        type=Path,
        metavar="CENTRAL_DIR",
        help="the central broker's class folder (set up with the same --class)",
    )

    status = add_command(actions, "status", cmd_class_status)
    add_class_file_option(status, "DIR/hub.toml", required=True)
    status.add_argument("--json", action="store_true", help="one JSON object")


def _add_web_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--web", action="store_true", help="serve the class screen to a browser instead"
    )
    parser.add_argument(
        "--port", type=int, default=8000, metavar="P", help="the web port (default 8000)"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="H",
        help="the web address to listen on (default 127.0.0.1: this computer only; on "
        "another address the link carries a secret token)",
    )


def _check_web(args: argparse.Namespace) -> None:
    if not 1 <= args.port <= 65535:
        raise UsageError(f"--port must be 1 to 65535, not {args.port}")


def cmd_class_screen(args: argparse.Namespace) -> int:
    """``trainer class --class FILE``: the live class screen (or ``--web``)."""
    if getattr(args, "action", None) is None and args.class_file is None:
        raise UsageError(
            "say which class: trainer class --class DIR/hub.toml (from 'trainer class setup'), "
            "or try it with 'trainer class demo'"
        )
    _check_web(args)
    db = getattr(args, "db", None)
    try:
        if args.web:
            from trainer.ui.classroom.run import serve_class_screen

            return serve_class_screen(args.class_file, db, host=args.host, port=args.port)
        from trainer.cli.common import load_library
        from trainer.ui.classroom.run import run_class_screen

        return run_class_screen(args.class_file, db, library=load_library())
    except _class_errors() as error:
        raise CommandFailed(str(error)) from None


def cmd_class_demo(args: argparse.Namespace) -> int:
    """try the class screen: a whole class of simulated stations on this computer

    Start a temporary class on this computer: its own Mosquitto on a free local port, the
    hub, the class screen and N simulated stations whose students ('Demo 1' ...) practise in
    real time, one of them pressing too hard. Quitting stops everything and removes the
    temporary files. Needs Mosquitto installed.
    """
    from trainer.classroom.demo import MAX_STATIONS, ClassDemo

    if not 1 <= args.stations <= MAX_STATIONS:
        raise UsageError(f"--stations must be 1 to {MAX_STATIONS}, not {args.stations}")
    _check_web(args)
    from trainer.cli.common import load_library

    library = load_library()
    try:
        with ClassDemo(args.stations, library=library) as demo:
            assert demo.folder is not None
            print(
                f"Demo class: {args.stations} simulated stations, Mosquitto on "
                f"127.0.0.1:{demo.folder.port}, files in {demo.folder.folder} (removed at the "
                "end).",
                flush=True,
            )
            if args.web:
                from trainer.ui.classroom.run import serve_class_screen

                return serve_class_screen(
                    demo.hub_file, demo.hub_db, host=args.host, port=args.port
                )
            from trainer.ui.classroom.run import run_class_screen

            return run_class_screen(demo.hub_file, demo.hub_db, library=library)
    except _class_errors() as error:
        raise CommandFailed(str(error)) from None


def _class_errors() -> tuple[type[Exception], ...]:
    from trainer.classroom.broker import ClassSetupError
    from trainer.store import StoreError

    return (ClassSetupError, StoreError)


def cmd_class_setup(args: argparse.Namespace) -> int:
    """write a class's Mosquitto configuration, accounts and station files

    Write into DIR a complete Mosquitto configuration for a class (listener, persistence, no
    anonymous clients, one account per station and one for the hub, an ACL), one file per
    station (DIR/stations/station-01.toml) and the hub's (DIR/hub.toml). Running it again
    adds stations and keeps every password.
    """
    from trainer.classroom.broker import ClassSetupError, setup_class, setup_instructions

    if args.stations is not None and not 1 <= args.stations <= 99:
        raise UsageError(f"--stations must be 1 to 99, not {args.stations}")
    try:
        written = setup_class(
            args.folder,
            args.class_name,
            args.stations,
            port=args.port,
            host=args.host,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
        )
    except ClassSetupError as error:
        raise CommandFailed(str(error)) from None
    print(setup_instructions(written))
    return EXIT_OK


def cmd_class_bridge(args: argparse.Namespace) -> int:
    """link a room's broker to a central one (Mosquitto bridge) for the same class

    Add a Mosquitto bridge from the room's class folder to a central class folder of the
    same class: station topics go out, the configuration and receipts come in. Restart both
    brokers afterwards.
    """
    from trainer.classroom.broker import ClassSetupError, bridge_rooms

    try:
        account = bridge_rooms(args.room, args.central)
    except (ClassSetupError, OSError) as error:
        raise CommandFailed(str(error)) from None
    print(
        f"Bridge {account}: {args.room}/mosquitto.conf now connects to the central broker, "
        f"which accepts it ({args.central}/passwd, acl). Restart both brokers."
    )
    return EXIT_OK


def cmd_class_hub(args: argparse.Namespace) -> int:
    """run the instructor's hub headless: store the class's sessions, publish its config

    Connect to the class broker as the hub, store every session the stations send in the
    hub's own records (use 'trainer --db DIR/hub.db instructor ...' on them) and publish the
    class configuration. One log line per event; Ctrl+C stops.
    """
    from trainer.classroom.hub import run_hub
    from trainer.cli.common import load_library

    db = getattr(args, "db", None)
    try:
        return run_hub(args.class_file, db, library=load_library())
    except _class_errors() as error:
        raise CommandFailed(str(error)) from None


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return time.strftime("%H:%M", time.localtime(seconds))


def cmd_class_status(args: argparse.Namespace) -> int:
    """list the class's stations, connected or not, and what each is doing

    Ask the class broker for every station's status and live state.
    """
    from trainer.classroom.hub import class_status

    try:
        found = class_status(args.class_file)
    except _class_errors() as error:
        raise CommandFailed(str(error)) from None
    if args.json:
        print(
            json.dumps(
                {
                    "reachable": found.reachable,
                    "problem": found.problem,
                    "config_version": found.config_version,
                    "stations": [
                        {
                            "station": view.station,
                            "online": view.online,
                            "since": view.status.since if view.status else None,
                            "student": view.status.student if view.status else None,
                            "exercise_id": view.status.exercise_id if view.status else None,
                            "sensor": view.status.sensor if view.status else None,
                            "config_version": view.status.config_version if view.status else None,
                            "live": view.live.to_json() if view.live else None,
                        }
                        for view in found.stations.values()
                    ],
                },
                indent=2,
            )
        )
        return EXIT_OK if found.reachable else EXIT_FAILED
    if not found.reachable:
        print(f"trainer class status: {found.problem}", file=sys.stderr)
        return EXIT_FAILED
    online = sum(1 for v in found.stations.values() if v.online)
    version = found.config_version if found.config_version is not None else "none yet"
    print(f"{online} of {len(found.stations)} stations online; class configuration {version}")
    for view in found.stations.values():
        status = view.status
        if status is None:
            print(f"  {view.station:<12} never connected")
            continue
        if not view.online:
            print(f"  {view.station:<12} offline since {_ago(status.since)}")
            continue
        doing = "idle"
        live = view.live
        if live is not None and live.running:
            zone = live.zone or "-"
            doing = (
                f"{live.exercise_name or live.exercise_id}, phase {live.phase_index + 1}/"
                f"{live.phase_count} {live.phase_name or ''}: {live.force_n:.1f} N ({zone})"
            )
        elif status.exercise_id:
            doing = status.exercise_id
        who = status.student or "no student"
        print(f"  {view.station:<12} online since {_ago(status.since)}  {who}: {doing}")
    return EXIT_OK


# -- `trainer simulate --class FILE` ----------------------------------------------------------


def _until_connected(link: Any, deadline: float) -> None:
    """Wait until the link is connected, knows it cannot be, or ``deadline`` has come."""
    while time.monotonic() < deadline and not link.connected and link.problem is None:
        time.sleep(0.05)


def join_class(store: Any, class_file: Path, wait_s: float = 3.0) -> Any:
    """Make ``store`` a class station's records and connect (waiting a moment for the config).

    Never fails because the broker is away: the session is queued and sent later.
    """
    from trainer.classroom.broker import ClassSetupError, load_class_file
    from trainer.classroom.station import StationLink
    from trainer.cli.common import load_library

    try:
        found = load_class_file(class_file)
        station = found.station
    except ClassSetupError as error:
        raise CommandFailed(str(error)) from None
    store.station = station
    link = StationLink(found, store.path, library=load_library(), sensor="simulated")
    link.start()
    _until_connected(link, time.monotonic() + wait_s)
    if link.problem is not None:
        print(f"Class {found.class_name}: {link.problem}.", file=sys.stderr)
    return link


def leave_class(link: Any, timeout_s: float = 5.0) -> None:
    """Send the outbox (for a moment) and say where the session went."""
    # A broker slow to accept (a busy Pi) still gets the session now, not at the next run.
    deadline = time.monotonic() + timeout_s
    _until_connected(link, deadline)
    link.session_ended()
    left = max(0.0, deadline - time.monotonic())
    link.stop(flush_timeout_s=left if link.connected else 0.0)
    pending = link.pending_sessions()
    where = f"class {link.class_name} as {link.station}"
    if pending == 0:
        print(f"Sent to {where}: the hub has it.")
    elif link.counters.sessions_acknowledged:
        print(
            f"Sent to {where}: the broker has it; the hub stores it when it runs (this "
            "station re-sends it until the hub confirms)."
        )
    else:
        print(
            f"Kept for {where}: {pending} session(s) wait in this station's outbox and are "
            "sent the next time it connects.",
            file=sys.stderr,
        )
