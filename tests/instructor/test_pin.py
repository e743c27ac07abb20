"""The instructor PIN: hashed with a salt, never stored; rate limited across restarts."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.instructor import InstructorError
from trainer.instructor import pin as pin_module
from trainer.instructor.pin import FREE_ATTEMPTS, PinGuard, PinLocked, PinRefused
from trainer.store import Store


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real cost is for attackers; tests only need the same code path.
    monkeypatch.setattr(pin_module, "SCRYPT_N", 2**8)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_hash_is_stored_never_the_pin(store: Store, db_path: Path) -> None:
    PinGuard(store).set_pin("482193")
    salt, digest = store.db.execute("SELECT salt, pin_hash FROM instructor_pin").fetchone()
    assert len(salt) == 16 and len(digest) == 32
    assert b"482193" not in db_path.read_bytes()
    for row in store.db.execute("SELECT * FROM instructor_pin"):
        assert "482193" not in repr(row)


def test_same_pin_gets_a_different_salt_each_time(store: Store) -> None:
    guard = PinGuard(store)
    guard.set_pin("1234")
    first = store.db.execute("SELECT salt, pin_hash FROM instructor_pin").fetchone()
    guard.set_pin("1234")
    second = store.db.execute("SELECT salt, pin_hash FROM instructor_pin").fetchone()
    assert first != second
    assert guard.verify("1234")


def test_right_and_wrong_pin(store: Store) -> None:
    guard = PinGuard(store)
    assert guard.verify("anything")  # no PIN set: open
    guard.set_pin("1234")
    assert guard.verify("1234")
    assert not guard.verify("4321")
    with pytest.raises(PinRefused, match="not right"):
        guard.require("0000")
    with pytest.raises(PinRefused, match="needs the instructor PIN"):
        guard.require(None)


def test_lock_out_after_repeated_failures_survives_restart(db_path: Path, user_dir: Path) -> None:
    clock = Clock()
    with Store.open(db_path) as store:
        guard = PinGuard(store, clock)
        guard.set_pin("1234")
        for _ in range(FREE_ATTEMPTS):
            assert not guard.verify("9999")
    with Store.open(db_path) as store:  # a restart does not reset the count
        guard = PinGuard(store, clock)
        with pytest.raises(PinLocked, match="wait 30 s"):
            guard.verify("1234")  # even the right PIN waits
        clock.now += 31
        assert not guard.verify("9999")
        with pytest.raises(PinLocked) as locked:
            guard.verify("1234")
        assert 59 <= locked.value.retry_after_s <= 60  # doubled
        clock.now += 61
        assert guard.verify("1234")
        assert guard.locked_for_s() == 0
        assert not guard.verify("9999")  # count was reset by the success: no lock yet
        assert guard.locked_for_s() == 0


def test_pin_format_is_checked(store: Store) -> None:
    with pytest.raises(InstructorError, match="4 to 12 digits"):
        PinGuard(store).set_pin("12a")
