"""A student's scores over time as a small plot with axes: score on the left, dates below."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widget import Widget

#: the plot's y axis: scores run from 0 to 100
TOP_SCORE = 100.0
_LABEL_W = 4  # "100 "


def score_plot(points: list[tuple[str, float]], width: int, height: int) -> list[str]:
    """Lines of a dot plot of ``(ISO date, score)`` pairs, oldest first.

    The y axis is marked 0, 50 and 100; the x axis carries the first and last dates
    (and one between when there is room). With more sessions than columns, the latest
    that fit are shown.
    """
    rows = max(3, height - 2)
    plot_w = max(4, width - _LABEL_W - 1)
    shown = points[-plot_w:]
    grid = [[" "] * plot_w for _ in range(rows)]
    columns: list[int] = []
    for index, (_, score) in enumerate(shown):
        x = plot_w // 2 if len(shown) == 1 else round(index * (plot_w - 1) / (len(shown) - 1))
        level = min(max(score, 0.0), TOP_SCORE) / TOP_SCORE
        y = round((1 - level) * (rows - 1))
        grid[y][x] = "●"
        columns.append(x)
    labels = {0: "100", (rows - 1) // 2: "50", rows - 1: "0"}
    lines = []
    for y, row in enumerate(grid):
        label = labels.get(y, "")
        tick = "┤" if label else "│"
        lines.append(f"{label:>{_LABEL_W - 1}} {tick}{''.join(row)}".rstrip())
    lines.append(" " * _LABEL_W + "└" + "─" * plot_w)
    dates = [" "] * (plot_w + 1)
    if shown:
        picks = [0, len(shown) - 1]
        if len(shown) > 2 and plot_w >= 24:
            picks.insert(1, len(shown) // 2)
        used_until = -1
        for pick in dict.fromkeys(picks):
            text = _short_date(shown[pick][0])
            start = min(max(columns[pick] - len(text) // 2, 0), plot_w + 1 - len(text))
            if start <= used_until:
                continue  # no room: the labels would run into each other
            dates[start : start + len(text)] = list(text)
            used_until = start + len(text)
    lines.append(" " * _LABEL_W + "".join(dates).rstrip())
    return lines


def _short_date(started_at: str) -> str:
    # "2026-03-09T14:02:11+00:00" -> "03-09"; the year only matters across New Year.
    return started_at[5:10] if len(started_at) >= 10 else started_at


class ScorePlot(Widget):
    """Scores over time with a score axis and dates; assign ``points`` to redraw."""

    DEFAULT_CSS = """
    ScorePlot { height: 7; }
    """

    points: reactive[list[tuple[str, float]]] = reactive(list, always_update=True)

    def render(self) -> str:
        if not self.points:
            return "No scored sessions to plot yet."
        return "\n".join(score_plot(self.points, self.size.width, self.size.height))
