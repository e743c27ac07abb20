"""The trace's time slices: the mean force of each, the band of its last point."""

from __future__ import annotations

from trainer.ui.controller import TracePoint
from trainer.ui.widgets.trace import Column, bucket


def test_each_slice_holds_the_mean_of_its_points_and_the_band_of_the_last() -> None:
    points = [
        TracePoint(-1.5, 99.0, 1.0, 2.0),  # a slice or more before the start: left out
        TracePoint(0.0, 10.0, None, None),
        TracePoint(0.4, 20.0, 25.0, 40.0),
        TracePoint(1.2, 30.0, 25.0, 40.0),
        TracePoint(3.9, 7.0, 0.0, 3.0),
        TracePoint(9.0, 5.0, 0.0, 3.0),  # after the end: in the last slice
    ]
    assert bucket(points, 0.0, 4.0, 4) == [
        Column(15.0, 25.0, 40.0),
        Column(30.0, 25.0, 40.0),
        Column(None),
        Column(6.0, 0.0, 3.0),
    ]


def test_plain_tuples_and_no_width() -> None:
    assert bucket(iter([(0.25, 4.0, None, None)]), 0.0, 1.0, 2) == [Column(4.0), Column(None)]
    assert bucket([(0.5, 4.0, None, None)], 0.0, 1.0, 0) == []
