"""One hub a class on this computer.

The hub logs in to the broker under the class's own client id, so that sessions sent
while it is away wait at the broker for it. A second hub of the same class (``trainer
class hub`` beside ``trainer class``, say) would take that session over, and the two
would push each other off the broker every second. So a hub holds a lock on ``hub.lock``
beside its class file while it runs; the operating system lets go of it when the process
ends, even when it is killed.

Example::

    lock = HubLock.of(load_class_file(Path("monday/hub.toml")))
    lock.acquire()      # HubAlreadyRunning if another hub of monday holds it
    ...
    lock.release()
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import IO

from trainer.classroom.broker import ClassFile, ClassSetupError

log = logging.getLogger(__name__)

#: the lock file, beside the class's hub.toml
LOCK_NAME = "hub.lock"


class HubAlreadyRunning(ClassSetupError):
    """Another hub of this class runs on this computer; the message says which and what to do."""


if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class HubLock:
    """The lock a running hub holds on its class (see the module docstring)."""

    def __init__(self, path: Path, class_name: str) -> None:
        self.path = path
        self.class_name = class_name
        self._handle: IO[str] | None = None

    @classmethod
    def of(cls, class_file: ClassFile) -> HubLock:
        """The lock of the class whose hub file (``hub.toml``) this is: beside it."""
        return cls(class_file.path.with_name(LOCK_NAME), class_file.class_name)

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> None:
        """Hold the lock, or raise :class:`HubAlreadyRunning` naming the hub that does.

        A lock file that cannot be made (a read-only class folder) is logged and passed
        over: the class still runs, only a second hub would not be stopped.
        """
        if self._handle is not None:
            return
        try:
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held while the hub runs)
        except OSError as error:
            log.warning("hub: no lock against a second hub (%s: %s)", self.path, error.strerror)
            return
        if not _try_lock(handle):
            holder = ""
            try:
                handle.seek(0)
                holder = handle.read(200).strip()
            except OSError:
                pass  # Windows: the holder's locked byte cannot be read
            handle.close()
            running = f" ({holder})" if holder else ""
            raise HubAlreadyRunning(
                f"class {self.class_name!r} already has its hub running on this computer{running}: "
                "a class has one hub, so use that one or stop it first"
            )
        handle.seek(0)
        handle.truncate()
        # What a second hub's message quotes, so the instructor knows which one to close.
        handle.write(f"process {os.getpid()}, since {time.strftime('%H:%M')}\n")
        handle.flush()
        self._handle = handle

    def check_free(self) -> None:
        """Raise :class:`HubAlreadyRunning` if another hub holds the lock now."""
        self.acquire()
        self.release()

    def release(self) -> None:
        """Let go of the lock (the file stays: removing it could race the next hub)."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            _unlock(handle)
        finally:
            handle.close()
