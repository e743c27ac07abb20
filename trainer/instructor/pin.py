"""The instructor PIN: a salted scrypt hash in the database, never the PIN itself.

Wrong PINs are rate limited: after :data:`FREE_ATTEMPTS` failures in a row every further
failure locks the PIN for twice as long as the last (30 s, 60 s, ... at most an hour).
The failure count and lock-out time live in the database, so restarting the program
does not reset them.

Example::

    guard = PinGuard(store)
    guard.set_pin("4821")
    guard.verify("4821")          # True; a wrong PIN returns False, or raises PinLocked
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable

from trainer.instructor import InstructorError
from trainer.store import Store

#: failures allowed before the first lock-out
FREE_ATTEMPTS = 3
FIRST_LOCK_S = 30.0
MAX_LOCK_S = 3600.0
MIN_PIN_DIGITS = 4
#: scrypt cost: about 16 MB and a few tens of milliseconds on a Raspberry Pi 4
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


class PinLocked(InstructorError):
    """Too many wrong PINs; ``retry_after_s`` says how long to wait."""

    def __init__(self, retry_after_s: float) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(f"too many wrong PINs: wait {_duration(retry_after_s)} and try again")


class PinRefused(InstructorError):
    """The PIN given was wrong."""


def _duration(seconds: float) -> str:
    seconds = max(1, round(seconds))
    if seconds < 90:
        return f"{seconds} s"
    return f"{round(seconds / 60)} min"


def _hash(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32
    )


def check_pin_format(pin: str) -> str:
    """A new PIN must be 4-12 digits; return it or raise with what to type instead."""
    pin = pin.strip()
    if not pin.isdigit() or not MIN_PIN_DIGITS <= len(pin) <= 12:
        raise InstructorError(f"a PIN is {MIN_PIN_DIGITS} to 12 digits (0-9): choose another")
    return pin


class PinGuard:
    """Sets and checks the instructor PIN stored in a :class:`Store`."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.db = store.db
        self.clock = clock

    def _row(self) -> tuple[bytes | None, bytes | None, str | None, int, float] | None:
        row = self.db.execute(
            "SELECT salt, pin_hash, params, failures, locked_until FROM instructor_pin WHERE id = 1"
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2], int(row[3]), float(row[4]))

    @property
    def is_set(self) -> bool:
        row = self._row()
        return row is not None and row[1] is not None

    def set_pin(self, pin: str) -> None:
        """Store a new PIN's salted hash (check the old PIN first with :meth:`require`)."""
        pin = check_pin_format(pin)
        salt = secrets.token_bytes(16)
        digest = _hash(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        params = json.dumps({"n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P})
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO instructor_pin "
                "(id, salt, pin_hash, params, failures, locked_until) VALUES (1, ?, ?, ?, 0, 0)",
                (salt, digest, params),
            )

    def locked_for_s(self) -> float:
        """Seconds until another attempt is allowed (0 when not locked)."""
        row = self._row()
        if row is None:
            return 0.0
        return max(0.0, row[4] - self.clock())

    def verify(self, pin: str) -> bool:
        """True if ``pin`` is right (or no PIN is set); raise :class:`PinLocked` while locked."""
        row = self._row()
        if row is None or row[1] is None:
            return True
        salt, digest, params_json, failures, locked_until = row
        now = self.clock()
        if locked_until > now:
            raise PinLocked(locked_until - now)
        params = json.loads(params_json or "{}")
        assert salt is not None and digest is not None
        given = _hash(
            pin.strip(),
            salt,
            params.get("n", SCRYPT_N),
            params.get("r", SCRYPT_R),
            params.get("p", SCRYPT_P),
        )
        if hmac.compare_digest(given, digest):
            with self.db:
                self.db.execute(
                    "UPDATE instructor_pin SET failures = 0, locked_until = 0 WHERE id = 1"
                )
            return True
        failures += 1
        lock_until = 0.0
        if failures >= FREE_ATTEMPTS:
            lock_s = min(MAX_LOCK_S, FIRST_LOCK_S * 2 ** (failures - FREE_ATTEMPTS))
            lock_until = now + lock_s
        with self.db:
            self.db.execute(
                "UPDATE instructor_pin SET failures = ?, locked_until = ? WHERE id = 1",
                (failures, lock_until),
            )
        return False

    def require(self, pin: str | None) -> None:
        """Raise unless ``pin`` is right; passes when no PIN has been set."""
        if not self.is_set:
            return
        left = self.locked_for_s()
        if left:
            raise PinLocked(left)
        if pin is None:
            raise PinRefused("this needs the instructor PIN: ask your instructor")
        if not self.verify(pin):
            left = self.locked_for_s()
            if left:
                raise PinRefused(
                    f"that PIN is not right, and after repeated wrong PINs entry is locked: "
                    f"wait {_duration(left)}, then try again"
                )
            raise PinRefused("that PIN is not right: check it and try again")

    def clear(self) -> None:
        """Remove the PIN (after :meth:`require`): editing becomes open to everyone."""
        with self.db:
            self.db.execute("DELETE FROM instructor_pin")
