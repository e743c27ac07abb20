"""How screens find what their app hands down: the trainer's context, the class's."""

from __future__ import annotations

import pytest
from textual.app import App

from tests.ui.helpers import MakeApp
from trainer.ui.classroom.context import ClassContext
from trainer.ui.context import TrainerContext, context_of, handed_down


def test_an_app_not_yet_running_hands_down_its_own_context(make_app: MakeApp) -> None:
    app, _ = make_app()
    assert context_of(app) is app.context


def test_an_app_without_the_context_is_named_in_the_error() -> None:
    class Bare(App[None]):
        pass

    with pytest.raises(TypeError, match="Bare hands no TrainerContext to its screens"):
        context_of(Bare())
    with pytest.raises(TypeError, match="Bare hands no ClassContext to its screens"):
        handed_down(Bare(), "klass", ClassContext)


def test_a_context_of_the_wrong_kind_is_refused(make_app: MakeApp) -> None:
    app, _ = make_app()
    with pytest.raises(TypeError, match="hands no ClassContext"):
        handed_down(app, "context", ClassContext)
    assert isinstance(handed_down(app, "context", TrainerContext), TrainerContext)
