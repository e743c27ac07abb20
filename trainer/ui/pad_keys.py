"""The keys that press a simulated pad on the instructor's screens.

The arrows nudge the force by 1 % of the pad's full scale (Page Up/Down and Right/Left
by 5 %), the digits aim at tenths of it (0 is full scale, ` lets go). The live screen
binds its own keys (shown in its footer) to the same actions.

Example::

    class DemonstrationScreen(PadKeys, UsesTrainer, Screen[None]):
        BINDINGS = [Binding("space", "record", "Record / stop"), *PAD_KEYS]

        def simulated_pad(self) -> tuple[ManualIntent, float] | None:
            intent = self.setup.intent if self.setup is not None else None
            return None if intent is None else (intent, FULL_SCALE_N)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    from trainer.sensors.simulated import ManualIntent

PAD_KEYS: list[BindingType] = [
    Binding("up", "nudge(1)", "Press", show=False),
    Binding("down", "nudge(-1)", "Lighter", show=False),
    Binding("pageup,right", "nudge(5)", "Press more", show=False),
    Binding("pagedown,left", "nudge(-5)", "Lighter more", show=False),
    *(Binding(str(d), f"aim({d or 10})", show=False) for d in range(10)),
    Binding("grave_accent", "aim(0)", show=False),
]


class PadKeys:
    """Mixin for a screen with :data:`PAD_KEYS`: their actions press its simulated pad."""

    def simulated_pad(self) -> tuple[ManualIntent, float] | None:
        """The simulated hand and the pad's full scale (N); None with a real sensor."""
        raise NotImplementedError

    def action_nudge(self, steps: int) -> None:
        pad = self.simulated_pad()
        if pad is not None:
            intent, full_scale_n = pad
            intent.nudge(steps * full_scale_n / 100)

    def action_aim(self, tenth: int) -> None:
        pad = self.simulated_pad()
        if pad is not None:
            intent, full_scale_n = pad
            intent.set(tenth / 10 * full_scale_n)
