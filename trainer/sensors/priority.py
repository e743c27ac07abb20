"""The acquisition process's claim on the CPU: real-time where permitted, else a lower nice.

The HX711's reader must run within a conversion period (12.5 ms at 80 SPS) of DOUT going
low, and must not be preempted while PD_SCK is high (the chip powers down after 60 us).
At normal priority a busy screen or any other busy program shares the cores with it
fairly, which is not good enough: measured with ``bench/live.py --cpu-slowdown 2``, the
reader lost conversions to involuntary preemptions in the middle of a read (clock held
high up to 4 ms) and to wake-ups late by a whole period. So the acquisition process asks,
in order, for:

1. ``SCHED_RR`` at priority :data:`REALTIME_PRIORITY` (modest: below the kernel's
   interrupt threads at 50). It needs root, ``CAP_SYS_NICE`` or an ``RLIMIT_RTPRIO``
   (systemd's ``LimitRTPRIO=``, or ``rtprio`` in /etc/security/limits.d/); the kernel's
   real-time throttling (95 % of each second) keeps a runaway reader from freezing the Pi;
2. nice :data:`NICE` (or the lowest ``RLIMIT_NICE`` allows), when real-time is refused;
3. nothing: it reads at normal priority, and says so (never an error).

On Linux these are per-thread: the calling thread gets them, and threads it starts
later inherit them, so the process asks before it starts any.

Example::

    priority = raise_priority()
    print(priority.describe())      # "real-time (SCHED_RR 10)"
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

#: the real-time priority asked for (1-99; the kernel's interrupt threads run at 50)
REALTIME_PRIORITY = 10
#: the nice value asked for when real-time is refused
NICE = -10


@dataclass(frozen=True, slots=True)
class Priority:
    """What the kernel granted: ``policy`` is "SCHED_RR", "nice" or "normal"."""

    policy: str
    value: int = 0  # the real-time priority, or the nice value
    refused: str = ""  # why something better was not granted

    @property
    def raised(self) -> bool:
        """True when the reader runs ahead of normal programs."""
        return self.policy != "normal"

    def describe(self) -> str:
        """One line: "real-time (SCHED_RR 10)", "nice -10 (real-time: ...)" or "normal (...)"."""
        if self.policy == "SCHED_RR":
            granted = f"real-time ({self.policy} {self.value})"
        elif self.policy == "nice":
            granted = f"nice {self.value}"
        else:
            granted = "normal priority"
        return f"{granted} ({self.refused})" if self.refused else granted

    def to_tuple(self) -> tuple[str, int, str]:
        return self.policy, self.value, self.refused


def _why(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "not permitted"
    return error.strerror or str(error)


def _soft_limit(name: str) -> int:
    """A resource limit's soft value (0 where the platform has none)."""
    try:
        import resource
    except ImportError:
        return 0
    limit = getattr(resource, name, None)
    if limit is None:
        return 0
    soft = resource.getrlimit(limit)[0]
    return 1 << 30 if soft == resource.RLIM_INFINITY else int(soft)


def _first_granted(wanted: list[int], ask: Callable[[int], object]) -> tuple[int, str]:
    """The first of ``wanted`` that ``ask(value)`` is granted, or 0 and why not."""
    why = ""
    for value in wanted:
        try:
            ask(value)
        except OSError as error:
            why = _why(error)
            continue
        return value, ""
    return 0, why


def _try_realtime() -> tuple[int, str]:
    """Switch the calling thread to SCHED_RR: its priority, or 0 and why not."""
    if not hasattr(os, "sched_setscheduler") or not hasattr(os, "SCHED_RR"):
        return 0, "real-time not offered by this system"
    wanted = [REALTIME_PRIORITY]
    allowed = _soft_limit("RLIMIT_RTPRIO")  # what an unprivileged user may take
    if 0 < allowed < REALTIME_PRIORITY:
        wanted.append(allowed)
    priority, why = _first_granted(
        wanted, lambda value: os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(value))
    )
    return (priority, "") if priority else (0, f"real-time {why}")


def _try_nice() -> tuple[int, str]:
    """Lower the calling thread's nice value: the value, or 0 and why not."""
    if not hasattr(os, "setpriority"):
        return 0, "nice not offered by this system"
    wanted = [NICE]
    # RLIMIT_NICE's soft value r lets an unprivileged user go down to nice 20 - r.
    floor = 20 - _soft_limit("RLIMIT_NICE")
    if NICE < floor < 0:
        wanted.append(floor)
    nice, why = _first_granted(wanted, lambda value: os.setpriority(os.PRIO_PROCESS, 0, value))
    return (nice, "") if nice else (0, f"nice {NICE} {why}")


def raise_priority() -> Priority:
    """Ask for real-time, else a lower nice, for the calling thread (and threads it starts).

    Never raises: what was granted, and what was refused and why, is in the result.
    """
    realtime, refused = _try_realtime()
    if realtime:
        return Priority("SCHED_RR", realtime)
    nice, nice_refused = _try_nice()
    if nice:
        return Priority("nice", nice, refused)
    return Priority("normal", 0, f"{refused}; {nice_refused}")


def probe_priority() -> Priority:
    """What an acquisition process started now would be granted (``trainer doctor``).

    Asked on a throw-away thread, so the caller's own priority does not change.
    """
    granted: list[Priority] = []
    thread = threading.Thread(
        target=lambda: granted.append(raise_priority()), name="priority-probe", daemon=True
    )
    thread.start()
    thread.join(timeout=5.0)
    return granted[0] if granted else Priority("normal", 0, "the probe did not answer")
