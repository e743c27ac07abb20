"""The Textual app: screens, app-wide keys, cue listeners and the injected configuration.

The app holds no session logic: the live screen's :class:`LiveController` runs the
:class:`~trainer.session.PracticeSession`. Build it with :func:`build_app` so tests
inject a temporary database and a fake sensor.

Example::

    app = build_app(UIConfig(store, library, simulated_sensor_factory(), student="Ana"))
    app.run()
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from trainer.store import StoreError, recover_command
from trainer.ui.config import UIConfig
from trainer.ui.context import TrainerContext
from trainer.ui.instructor.commands import InstructorCommands
from trainer.ui.messages import PracticeAgain
from trainer.ui.screens.home import HomeScreen
from trainer.ui.text import NoticesAsWritten
from trainer.units import Contact

if TYPE_CHECKING:
    from trainer.engine import Event
    from trainer.session import PracticeSession

log = logging.getLogger(__name__)

#: after SIGHUP / SIGTERM, seconds allowed for a clean exit before the process just ends
EXIT_GRACE_S = 3.0


class TrainerCommands(Provider):
    """The command palette's list of screens and actions."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Home: technique library", "home", "Pick an exercise and start"),
            ("History: my sessions", "history", "Past sessions, score trends, results"),
            ("Help: keys", "help", "Every key on every screen"),
            ("Units: N / kgf / lbf / kPa", "cycle_units", "Show forces in the next unit"),
            ("Bell cue on/off", "toggle_bell", "Ring on band entry, exit and phase change"),
            ("Theme: dark / light", "toggle_dark", "Switch between the dark and light theme"),
        ]

    async def discover(self) -> Hits:
        app = self.app
        assert isinstance(app, TrainerApp)
        for title, action, help_text in self._commands():
            yield DiscoveryHit(title, partial(app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        app = self.app
        assert isinstance(app, TrainerApp)
        matcher = self.matcher(query)
        for title, action, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(app.run_action, action),
                    help=help_text,
                )


class TrainerApp(NoticesAsWritten):
    """Pressure Trainer: technique library, live session, results and history."""

    CSS_PATH = "trainer.tcss"
    TITLE = "Pressure Trainer"
    COMMANDS = App.COMMANDS | {TrainerCommands, InstructorCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # Ctrl+C and a closed terminal save the session as incomplete, then leave; Ctrl+C
        # ends with status 130, as any interrupted command does.
        Binding("ctrl+c", "interrupt", "Quit", show=False, priority=True),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding("f1,question_mark", "help", "Help", key_display="?"),
        Binding("u", "cycle_units", "Units"),
        Binding("b", "toggle_bell", "Bell", show=False),
    ]

    def __init__(self, config: UIConfig) -> None:
        super().__init__()
        self.config = config
        #: what the screens work with (they never import this module)
        self.context = TrainerContext(
            config,
            save_and_close=self.save_and_close,
            quit_saving=self.quit_saving,
            student=config.student.strip(),
            units=config.units,
            bell_on=config.bell,
            listeners=[self.ring_bell, *config.listeners],
        )
        #: the last failed save (a full disk), reported again when the app ends
        self.save_error: StoreError | None = None
        #: the session in progress when the trainer was left (saved as incomplete)
        self.stopped_session: int | None = None
        self.theme = "textual-dark"

    def get_default_screen(self) -> Screen[None]:
        return HomeScreen()

    def on_mount(self) -> None:
        if self.config.handle_signals:
            self._handle_signals()

    def _handle_signals(self) -> None:
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM"):
            number = getattr(signal, name, None)
            if number is not None:
                loop.add_signal_handler(number, self._on_signal, int(number))

    def _on_signal(self, signum: int | None = None) -> None:
        """A closed terminal or a kill: save the session as incomplete, then leave."""
        self.save_and_close("incomplete")
        if signum is not None:
            self._exit_watchdog(128 + signum)
        self.exit()

    def _exit_watchdog(self, code: int) -> None:
        """End the process after a grace period if shutting down blocks (a gone terminal).

        Only in a real run (``handle_signals``): everything is saved before this is armed.
        """
        if not self.config.handle_signals:
            return
        import os
        import threading

        watchdog = threading.Timer(EXIT_GRACE_S, os._exit, args=(code,))
        watchdog.daemon = True
        watchdog.start()

    def hardware_button(self, action: str) -> None:
        """A button on the Pi (gpiozero's thread): run the live screen's ``action`` here.

        ``start_pause`` and ``tare`` act only on the live screen; elsewhere nothing happens.
        """
        try:
            self.call_from_thread(self._press, action)
        except RuntimeError:  # the app is not running (starting up or closing down)
            log.info("button %s pressed while the app was not running", action)

    def _press(self, action: str) -> None:
        method = getattr(self.screen, f"action_{action}", None)
        if action in ("start_pause", "tare") and callable(method):
            method()

    # -- cues ----------------------------------------------------------------------
    def ring_bell(self, event: Event) -> None:
        """The terminal bell on band entry, band exit and phase change (if switched on).

        Band cues stay silent while the force is hidden (a blind phase, or a feedback
        schedule's hidden trial): a beep at the band edge would give the answer away.
        """
        if not self.context.bell_on:
            return
        # Here, not at the top: the engine loads with the live screen, not the home screen.
        from trainer.engine import BandEntered, BandLeft, PhaseStarted

        if isinstance(event, PhaseStarted) or (
            isinstance(event, BandEntered | BandLeft) and not self._force_hidden()
        ):
            self.bell()

    def _force_hidden(self) -> bool:
        live = self.context.live
        return live is not None and live.cue_state().blind

    # -- app-wide actions ------------------------------------------------------------
    def action_cycle_units(self) -> None:
        screen = self.screen
        # kPa joins the cycle where the screen knows what presses the pad (live, results).
        contact = getattr(screen, "contact", None)
        context = self.context
        context.units = context.units.next(contact if isinstance(contact, Contact) else None)
        label = context.units.label(contact if isinstance(contact, Contact) else None)
        self.notify(f"Forces now shown in {label}.", timeout=2)
        hook = getattr(screen, "units_changed", None)
        if callable(hook):
            hook()

    def action_toggle_bell(self) -> None:
        context = self.context
        context.bell_on = not context.bell_on
        state = "on: it rings on band entry, exit and phase change" if context.bell_on else "off"
        self.notify(f"Bell {state}.", timeout=2)
        hook = getattr(self.screen, "bell_changed", None)
        if callable(hook):
            hook()

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_help(self) -> None:
        from trainer.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_home(self) -> None:
        if self.context.live is not None:
            self.notify("Finish or stop the session first (A stops it).", severity="warning")
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_history(self) -> None:
        from trainer.ui.screens.history import HistoryScreen

        if self.context.live is not None:
            self.notify("Finish or stop the session first (A stops it).", severity="warning")
            return
        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen())

    def on_practice_again(self, message: PracticeAgain) -> None:
        """The results screen's "again": the same exercise, straight to the live screen."""
        from trainer.ui.screens.live import LiveScreen

        self.context.student = message.student
        self.switch_screen(LiveScreen(message.exercise))

    async def action_quit(self) -> None:
        self.quit_saving()

    async def action_interrupt(self) -> None:
        self.quit_saving(return_code=130)

    def quit_saving(self, return_code: int = 0) -> None:
        """Save the session in progress as incomplete and leave."""
        self.stopped_session = self.save_and_close("incomplete")
        self._exit_watchdog(return_code)
        self.exit(return_code=return_code)

    # -- sessions --------------------------------------------------------------------
    def save_and_close(self, status: str | None) -> int | None:
        """Save the session in progress (if any) and stop its sensor.

        ``status`` None means complete if the exercise ran to its end, else incomplete.
        """
        live, self.context.live = self.context.live, None
        if live is None:
            return None
        try:
            session_id = live.finish(status)
        except StoreError as error:
            # Closing drops the samples held in memory: keep them in a recovery file that
            # the next `trainer` command offers to import.
            self.save_error = keep_unsaved(live.session, error)
            self.notify(
                f"The session could not be saved: {self.save_error}", severity="error", timeout=15
            )
            return live.session_id
        finally:
            live.close()
        if live.plan_problem is not None:
            self.notify(
                f"The session is saved, but {live.plan_problem}.", severity="warning", timeout=10
            )
        return session_id


def keep_unsaved(session: PracticeSession | None, error: StoreError) -> StoreError:
    """The save error, after keeping what ``session`` could not save in a recovery file."""
    if session is None or session.result is not None:
        return error
    try:
        kept = session.keep_for_recovery()
    except StoreError as also:
        return StoreError(f"{error}; {also}")
    return StoreError(
        f"{error}. Its unsaved samples are kept in {kept}: once there is room, "
        f"run '{recover_command(session.store.path)}' to add them to the records"
    )


def build_app(config: UIConfig) -> TrainerApp:
    """The app, built from injected configuration (see :class:`UIConfig`)."""
    return TrainerApp(config)
