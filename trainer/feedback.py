"""Feedback on the Pi itself: three LEDs, a buzzer and two buttons, through gpiozero.

The LEDs show where the force is (below / in / above the band), the buzzer beeps a
different pattern for entering the band (one short), leaving it (one long), a new
phase (two short) and the end (three short), and the buttons start/pause and tare.
Blind phases light no zone LED and beep only for phase changes, so the student learns
from the results, not the lights. Every part is optional; pins come from the config
file's ``[feedback]`` section.

:class:`PiFeedback` is a cue listener: the UI calls it with every engine event (on its
own thread; it never blocks: beeps play on gpiozero's background thread). Button
callbacks run on gpiozero's thread: pass functions that hand over to the UI thread.

Example::

    feedback = PiFeedback(config.feedback, on_start_pause=..., on_tare=...)
    listeners = [feedback]
    ...
    feedback.close()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainer.config import FeedbackConfig, Pin
from trainer.engine import (
    BandEntered,
    BandLeft,
    Event,
    LiveState,
    Overshoot,
    PhaseStarted,
    SessionFinished,
    Zone,
)
from trainer.exercises import FeedbackMode
from trainer.sensors.base import SensorError

Action = Callable[[], None]


class FeedbackError(SensorError):
    """An LED, buzzer or button cannot be set up; the message names the part and the fix."""


class PiFeedback:
    """LEDs, buzzer and buttons driven by the session engine's events.

    ``beep_s`` is the length of a short beep (a long one is five times that).
    """

    def __init__(
        self,
        config: FeedbackConfig,
        *,
        on_start_pause: Action | None = None,
        on_tare: Action | None = None,
        beep_s: float = 0.06,
        pin_factory: Any = None,
    ) -> None:
        self.config = config
        self.on_start_pause = on_start_pause
        self.on_tare = on_tare
        self.beep_s = beep_s
        self.zone: Zone = Zone.NONE
        self.blind = False
        self._devices: list[Any] = []
        try:
            from gpiozero import LED, Button, Buzzer

            self.leds: dict[Zone, Any] = {}
            for zone, name in (
                (Zone.BELOW, "led_below"),
                (Zone.IN, "led_in"),
                (Zone.ABOVE, "led_above"),
            ):
                pin = getattr(config, name)
                if pin is not None:
                    self.leds[zone] = self._make(LED, name, pin, pin_factory)
            self.buzzer = (
                self._make(Buzzer, "buzzer", config.buzzer, pin_factory)
                if config.buzzer is not None
                else None
            )
            self.start_button = self.tare_button = None
            if config.button_start is not None:
                self.start_button = self._make(
                    Button, "button_start", config.button_start, pin_factory
                )
                # Bound methods of this long-lived object: gpiozero keeps callbacks weakly.
                self.start_button.when_pressed = self._start_pressed
            if config.button_tare is not None:
                self.tare_button = self._make(
                    Button, "button_tare", config.button_tare, pin_factory
                )
                self.tare_button.when_pressed = self._tare_pressed
        except BaseException:
            self.close()
            raise

    def _make(self, kind: Any, name: str, pin: Pin, pin_factory: Any) -> Any:
        try:
            device = kind(pin, pin_factory=pin_factory)
        except Exception as error:
            raise FeedbackError(
                f"cannot use pin {pin} for feedback.{name} ({error}); correct it in the config "
                "file, or remove the line if that part is not fitted"
            ) from None
        self._devices.append(device)
        return device

    # -- the listener ------------------------------------------------------------------
    def __call__(self, event: Event) -> None:
        """React to one engine event (the UI's cue listener interface)."""
        if isinstance(event, PhaseStarted):
            phase = event.phase
            self.blind = phase.feedback is FeedbackMode.BLIND
            # A new band starts from where the force was, usually below it.
            self.show_zone(Zone.BELOW if phase.band is not None else Zone.NONE)
            if event.index > 0:
                self.beep(2)
        elif isinstance(event, BandEntered):
            self.show_zone(Zone.IN)
            if not self.blind:
                self.beep(1)
        elif isinstance(event, BandLeft):
            self.show_zone(event.zone)
            if not self.blind:
                self.beep(1, long=True)
        elif isinstance(event, Overshoot):
            self.show_zone(Zone.ABOVE)
        elif isinstance(event, SessionFinished):
            self.show_zone(Zone.NONE)
            self.beep(3)

    def update(self, state: LiveState) -> None:
        """Set the LEDs from the live state (exact even between events); optional."""
        self.blind = state.blind
        self.show_zone(state.zone)

    def show_zone(self, zone: Zone) -> None:
        """Light the LED for ``zone`` only (none in blind phases)."""
        self.zone = zone
        for led_zone, led in self.leds.items():
            if led_zone is zone and not self.blind:
                led.on()
            else:
                led.off()

    def beep(self, count: int, *, long: bool = False) -> None:
        """``count`` beeps on gpiozero's background thread (never blocks the caller)."""
        if self.buzzer is None:
            return
        on = self.beep_s * (5 if long else 1)
        self.buzzer.beep(on_time=on, off_time=self.beep_s * 1.5, n=count, background=True)

    # -- buttons ---------------------------------------------------------------------------
    def _start_pressed(self) -> None:
        if self.on_start_pause is not None:
            self.on_start_pause()

    def _tare_pressed(self) -> None:
        if self.on_tare is not None:
            self.on_tare()

    def close(self) -> None:
        """Lights and buzzer off, pins released."""
        devices, self._devices = self._devices, []
        for device in devices:
            try:
                if hasattr(device, "off"):
                    device.off()  # a released pin keeps its level: switch off first
                device.close()
            except Exception:  # one stuck pin must not keep the others
                pass


def feedback_from_config(
    config: FeedbackConfig,
    *,
    on_start_pause: Action | None = None,
    on_tare: Action | None = None,
) -> PiFeedback | None:
    """The Pi's feedback parts, or None when the config fits none."""
    if not config.any_fitted:
        return None
    return PiFeedback(config, on_start_pause=on_start_pause, on_tare=on_tare)
