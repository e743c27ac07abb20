"""A hub's or a station's listeners: every one is told, a failing one is only logged."""

from __future__ import annotations

import logging

import pytest

from trainer.classroom.listeners import Listeners


def test_a_failing_listener_is_logged_and_the_others_are_still_told(
    caplog: pytest.LogCaptureFixture,
) -> None:
    told: list[str] = []

    def broken(event: str) -> None:
        raise RuntimeError("screen gone")

    listeners: Listeners[str] = Listeners("hub")
    listeners.add(broken)
    listeners.add(told.append)
    with caplog.at_level(logging.ERROR, logger="trainer.classroom.listeners"):
        listeners.emit("connected")
    assert told == ["connected"]
    assert "hub listener" in caplog.text and "screen gone" in caplog.text


def test_a_listener_removed_while_being_told_hears_nothing_more() -> None:
    told: list[str] = []
    listeners: Listeners[str] = Listeners("class")

    def once(event: str) -> None:
        told.append(event)
        listeners.remove(once)

    listeners.add(once)
    listeners.emit("first")
    listeners.emit("second")
    listeners.remove(once)  # no longer there: ignored
    assert told == ["first"]
