"""Review and export: progress per student, class overview, CSV/JSON, printable HTML.

The HTML session report is one self-contained file (inline SVG trace with its bands,
metrics tables, no scripts or links) that opens and prints in any browser.

Example::

    overview = class_overview(store, "Monday")
    with open("monday.csv", "w", newline="") as out:
        write_class_csv(store, "Monday", out)
    Path("session-12.html").write_text(session_html(store, 12))
"""

from __future__ import annotations

import csv
import html
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from trainer.exercises import Exercise
from trainer.instructor import InstructorError
from trainer.instructor.assessment import PassMarks, PassVerdict
from trainer.instructor.roster import Roster
from trainer.scoring import SessionResult
from trainer.store import (
    OPEN_KINDS,
    SAMPLE_COLUMNS,
    SESSION_KINDS,
    Store,
    dump_json,
    load_json,
    matching,
    result_from_json,
    shown_time,
)
from trainer.units import Contact, Unit

CLASS_COLUMNS = [
    "class",
    "student",
    "session_id",
    "exercise_id",
    "exercise_name",
    "started_at",
    "status",
    "score",
    "time_in_band_pct",
    "constant_error_n",
    "variable_error_n",
    "overshoots",
    "pass_mark",
    "passed",
    "kind",
    "bands",
]


@dataclass(frozen=True, slots=True)
class ProgressPoint:
    """One finished session on a student's progress plot."""

    session_id: int
    started_at: str
    exercise_id: str
    score: float
    time_in_band_pct: float
    variable_error_n: float
    steadiness_cv_pct: float | None  # mean over the holds
    kind: str = "practice"
    #: the content version of the exercise it was judged against (None: not recorded)
    exercise_version: str | None = None


class AssessmentHidden(InstructorError):
    """An assessment's results were asked for without the instructor PIN."""


def visible_kinds(assessments: bool) -> tuple[str, ...]:
    """The session kinds a report shows: assessments only when the PIN was given."""
    return SESSION_KINDS if assessments else OPEN_KINDS


def check_visible(store: Store, session_id: int, assessments: bool) -> None:
    """Refuse an assessment session's details unless the PIN was given."""
    if not assessments and store.session_kind(session_id) == "assessment":
        raise AssessmentHidden(
            f"session {session_id} is an assessment: its results are for the instructor; "
            "add --assessments (asks for the instructor PIN)"
        )


def _result_rows(
    store: Store, where: str, params: Iterable[Any], kinds: tuple[str, ...] = OPEN_KINDS
) -> list[tuple[Any, ...]]:
    rows = store.db.execute(
        "SELECT s.id, st.name, s.exercise_id, s.exercise_json, s.started_at, s.status, "
        "r.result_json, s.kind, s.exercise_version FROM sessions s "
        "JOIN students st ON st.id = s.student_id "
        "LEFT JOIN results r ON r.session_id = s.id WHERE "
        + where
        + " AND s.kind IN ("
        + ", ".join("?" * len(kinds))
        + ") ORDER BY s.id",
        (*params, *kinds),
    ).fetchall()
    # A damaged record reads as a session without a result, never as a crash.
    return [
        (*row[:3], _readable_exercise(row[3]), *row[4:6], _readable_result(row[6]), *row[7:])
        for row in rows
    ]


def _readable_exercise(text: str | None) -> str:
    snapshot = load_json(text)
    if not isinstance(snapshot, dict) or not isinstance(snapshot.get("phases"), list):
        kept = snapshot if isinstance(snapshot, dict) else {}
        return dump_json({"name": "(damaged record)"} | kept | {"phases": []})
    return dump_json(snapshot)


def _readable_result(text: str | None) -> str | None:
    result = result_from_json(text)
    return dump_json(result.to_dict()) if result is not None else None


def _mean_cv(result: SessionResult) -> float | None:
    values = [p.steadiness_cv_pct for p in result.phases if p.steadiness_cv_pct is not None]
    return sum(values) / len(values) if values else None


def student_progress(
    store: Store, student: str, exercise_id: str | None = None, *, assessments: bool = False
) -> list[ProgressPoint]:
    """The student's scored sessions, oldest first: scores, time in band, steadiness.

    Assessments count only with ``assessments`` (the instructor PIN was given).
    """
    Roster(store).student_id(student)  # a clear error for an unknown name
    # The student is known (above), so the name always filters.
    filters, params = matching({"st.name": student, "s.exercise_id": exercise_id})
    where = "r.result_json IS NOT NULL" + filters
    points = []
    rows = _result_rows(store, where, params, visible_kinds(assessments))
    for sid, _, ex_id, _, started, _, result_json, kind, version in rows:
        if result_json is None:
            continue  # a damaged result: nothing to plot
        result = SessionResult.from_dict(json.loads(result_json))
        points.append(
            ProgressPoint(
                sid,
                started,
                ex_id,
                result.score,
                result.time_in_band_pct,
                result.variable_error_n,
                _mean_cv(result),
                kind,
                version,
            )
        )
    return points


def latest_version(points: list[ProgressPoint]) -> tuple[list[ProgressPoint], int]:
    """The points (of one exercise) judged against its latest version, and how many
    were judged against an earlier one.

    A replaced or edited exercise scores differently: a trend across versions would
    compare the old exercise with the new one.
    """
    if not points:
        return [], 0
    version = points[-1].exercise_version
    same = [p for p in points if p.exercise_version == version]
    return same, len(points) - len(same)


def earlier_version_note(left_out: int) -> str:
    """`` (2 sessions of an earlier version left out)``, or nothing."""
    return f" ({left_out} session(s) of an earlier version left out)" if left_out else ""


def trend(values: list[float]) -> float | None:
    """Least-squares slope per session (positive: rising), None with fewer than 2 values."""
    n = len(values)
    if n < 2:
        return None
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    den = sum((i - mean_x) ** 2 for i in range(n))
    return sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values)) / den


#: a trend is called when its slope is this many standard errors from flat
TREND_T = 2.0


@dataclass(frozen=True, slots=True)
class Trend:
    """The least-squares line through a student's values, session by session."""

    slope_per_session: float
    #: the scatter about the line from one session to the next (residual SD)
    spread: float
    sessions: int

    @property
    def clear(self) -> bool:
        """Whether the trend stands out of the session-to-session spread.

        Three sessions at least; the slope at least :data:`TREND_T` standard errors
        from flat, and at least one unit of change over the sessions.
        """
        n = self.sessions
        if n < 3 or abs(self.slope_per_session) * (n - 1) < 1.0:
            return False
        sxx = sum((i - (n - 1) / 2) ** 2 for i in range(n))
        standard_error = self.spread / math.sqrt(sxx)
        return abs(self.slope_per_session) >= TREND_T * standard_error


def trend_of(values: list[float]) -> Trend | None:
    """The trend of ``values`` (oldest first), None with fewer than 2 values."""
    slope = trend(values)
    if slope is None:
        return None
    n = len(values)
    mean_y = sum(values) / n
    line = [mean_y + slope * (i - (n - 1) / 2) for i in range(n)]
    residual = sum((v - f) ** 2 for v, f in zip(values, line, strict=True))
    spread = math.sqrt(residual / (n - 2)) if n > 2 else 0.0
    return Trend(slope, spread, n)


def trend_words(values: list[float], unit: str, better_up: bool) -> str:
    """``rising 2.1 pts/session (better)``, or why no trend is called."""
    found = trend_of(values)
    if found is None or found.sessions < 3:
        return "not enough sessions for a trend (3 needed)"
    if not found.clear:
        return f"no clear trend (varies ±{found.spread:.1f} {unit} from session to session)"
    slope = found.slope_per_session
    good = (slope > 0) == better_up
    direction = "rising" if slope > 0 else "falling"
    return f"{direction} {abs(slope):.1f} {unit}/session ({'better' if good else 'worse'})"


@dataclass(frozen=True, slots=True)
class OverviewRow:
    """One student and one exercise in the class overview (exercise None: no practice yet)."""

    student: str
    exercise_id: str | None
    exercise_name: str
    sessions: int
    latest_score: float | None
    best_score: float | None
    last_practised: str | None
    pass_mark: str
    below_pass_mark: bool | None  # None when the exercise has no pass mark


def _verdict(marks: PassMarks, exercise_json: str, result_json: str) -> PassVerdict | None:
    try:
        exercise = Exercise.from_snapshot(json.loads(exercise_json))
    except (KeyError, TypeError, ValueError):
        return None  # a damaged record cannot be judged
    return marks.judge(exercise, SessionResult.from_dict(json.loads(result_json)))


def class_overview(
    store: Store,
    class_name: str | None = None,
    *,
    assessments: bool = False,
    in_force: Mapping[str, str] | None = None,
) -> list[OverviewRow]:
    """Who practised what, how often, latest and best score, who is below the pass mark.

    Assessments count only with ``assessments`` (the instructor PIN was given).
    ``in_force`` maps exercise ids to the version in force now: sessions of any other
    version are an earlier version's, even for a student who never practised the new
    one. Without it, a student's latest version of each exercise counts as current.
    """
    roster = Roster(store)
    marks = PassMarks(store)
    students = roster.students(class_name=class_name)
    rows: list[OverviewRow] = []
    for student in students:
        # One row per exercise and the name its sessions were judged under: a replaced
        # exercise's old sessions keep their own row and name.
        by_exercise: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        latest: dict[str, tuple[str, str]] = {}
        judged = tuple(k for k in visible_kinds(assessments) if k != "demonstration")
        for row in _result_rows(store, "st.id = ?", [student.id], judged):
            key = (row[2], _judged_name(row[3], row[2]))
            by_exercise.setdefault(key, []).append(row)
            latest[row[2]] = key
        if not by_exercise:
            # The instructor at the pad is on the roster too: say they only demonstrated.
            shown = (
                "(demonstrations only)"
                if store.hidden_count(student.name, kind="demonstration")
                else "(no sessions yet)"
            )
            rows.append(OverviewRow(student.name, None, shown, 0, None, None, None, "", None))
        for key, sessions in sorted(by_exercise.items(), key=lambda i: (i[0][0], i[1][0][0])):
            exercise_id, name = key
            scored = [r for r in sessions if r[6] is not None]
            scores = [json.loads(r[6])["score"] for r in scored]
            current = latest[exercise_id] == key
            if in_force is not None and exercise_id in in_force:
                current = sessions[-1][8] == in_force[exercise_id]
            mark = marks.get(exercise_id) if current else None
            below: bool | None = None
            if mark is not None and scored:
                verdict = _verdict(marks, scored[-1][3], scored[-1][6])
                below = verdict is not None and not verdict.passed
            elif mark is not None:
                below = True
            rows.append(
                OverviewRow(
                    student.name,
                    exercise_id,
                    name if current else f"{name} (earlier version)",
                    len(sessions),
                    scores[-1] if scores else None,
                    max(scores) if scores else None,
                    sessions[-1][4],
                    mark.describe() if mark else "",
                    below,
                )
            )
    return rows


def _judged_name(exercise_json: str, exercise_id: str) -> str:
    try:
        name = json.loads(exercise_json).get("name")
    except (ValueError, AttributeError):
        name = None
    return name if isinstance(name, str) and name else exercise_id


def write_class_csv(
    store: Store, class_name: str | None, out: TextIO, *, assessments: bool = False
) -> int:
    """Every session of the class's students, one row each; return the row count.

    Assessments are included only with ``assessments`` (the instructor PIN was given).
    """
    roster = Roster(store)
    marks = PassMarks(store)
    students = roster.students(class_name=class_name)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CLASS_COLUMNS)
    count = 0
    for student in students:
        for sid, name, ex_id, ex_json, started, status, result_json, kind, _ in _result_rows(
            store, "st.id = ?", [student.id], visible_kinds(assessments)
        ):
            result = json.loads(result_json) if result_json else None
            verdict = _verdict(marks, ex_json, result_json) if result_json else None
            mark = marks.get(ex_id)
            writer.writerow(
                [
                    # every student: the classes each is in, so the rows sort by class
                    spreadsheet_text(class_name or "; ".join(student.classes)),
                    spreadsheet_text(name),
                    sid,
                    spreadsheet_text(ex_id),
                    spreadsheet_text(json.loads(ex_json).get("name", ex_id)),
                    started,
                    status,
                    _fmt(result["score"]) if result else "",
                    _fmt(result["time_in_band_pct"]) if result else "",
                    _fmt(result["constant_error_n"], 3) if result else "",
                    _fmt(result["variable_error_n"], 3) if result else "",
                    result["overshoot_count"] if result else "",
                    mark.describe() if mark else "",
                    "" if verdict is None else ("yes" if verdict.passed else "no"),
                    kind,
                    spreadsheet_text(band_sources(ex_json)),
                ]
            )
            count += 1
    return count


#: what makes a spreadsheet read a cell as a formula (CSV injection)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> str:
    """A text cell a spreadsheet shows as text: a leading formula character gets a ``'``.

    A student called ``=HYPERLINK(...)`` must not become a live link (or worse) when the
    instructor opens the class CSV.
    """
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def band_sources(exercise_json: str) -> str:
    """Which bands a session was judged against: ``built-in``, ``class <name>``, ``student``.

    Several are joined with ``; `` (a student band on one level, the rest built in);
    ``unknown`` for sessions recorded before the records said so.
    """
    try:
        phases = json.loads(exercise_json).get("phases", [])
    except (ValueError, AttributeError):
        return "unknown"
    bands = [p["band"] for p in phases if isinstance(p, dict) and isinstance(p.get("band"), dict)]
    if not bands:
        return ""
    if not all("source" in band for band in bands):
        return "unknown"
    return "; ".join(sorted({band["source"] or "built-in" for band in bands}))


def _fmt(value: float, places: int = 1) -> str:
    return f"{value:.{places}f}"


def write_session_csv(
    store: Store, session_id: int, out: TextIO, *, assessments: bool = False
) -> None:
    """One row a sample: the columns of ``trainer export``."""
    store.session(session_id)  # a clear error for an unknown id
    check_visible(store, session_id, assessments)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SAMPLE_COLUMNS)
    writer.writerows(store.sample_rows(session_id))


def session_document(store: Store, session_id: int, *, assessments: bool = False) -> dict[str, Any]:
    """Everything about a session as one JSON-ready object, samples and verdict included.

    An assessment's session raises :class:`AssessmentHidden` unless ``assessments``.
    """
    from trainer.instructor.feedback_store import SchedulePlans

    session = store.session(session_id)
    check_visible(store, session_id, assessments)
    session["samples"] = store.sample_dicts(session_id)
    session["feedback"] = SchedulePlans(store).report(session_id)
    verdict = None
    if session["result"]:
        verdict = PassMarks(store).judge(
            Exercise.from_snapshot(session["exercise"]),
            SessionResult.from_dict(session["result"]),
        )
    session["pass"] = verdict.to_json() if verdict else None
    return session


# -- the printable HTML report ---------------------------------------------------------

_W, _H, _PAD_L, _PAD_R, _PAD_T, _PAD_B = 900, 320, 56, 16, 16, 40
_KIND_FILL = {"ramp": "#9ecae1", "hold": "#74c476", "release": "#fdd0a2", "rest": "none"}
_MAX_POINTS = 1800


def _nice_step(span: float, ticks: int = 6) -> float:
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def _thin(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    # Keep each bucket's lowest and highest sample so peaks (overshoots) stay visible.
    if len(points) <= _MAX_POINTS:
        return points
    size = math.ceil(len(points) / (_MAX_POINTS / 2))
    out: list[tuple[float, float]] = []
    for start in range(0, len(points), size):
        bucket = points[start : start + size]
        low = min(bucket, key=lambda p: p[1])
        high = max(bucket, key=lambda p: p[1])
        out.extend(sorted({low, high}))
    return out


def trace_svg(
    samples: list[tuple[float, float, int]],
    phases: list[dict[str, Any]],
    unit: Unit = Unit.N,
    contact: Contact | None = None,
) -> str:
    """An SVG plot of force against time with each phase's band shaded behind it."""
    if not samples:
        return '<p class="empty">No samples were recorded in this session.</p>'
    t0 = samples[0][0]
    t_end = max(samples[-1][0] - t0, 1.0)
    top_n = max(
        [f for _, f, _ in samples] + [p["band"]["high_n"] for p in phases if p.get("band")] + [10.0]
    )
    top = unit.from_newtons(top_n, contact) * 1.1
    plot_w, plot_h = _W - _PAD_L - _PAD_R, _H - _PAD_T - _PAD_B

    def x(t: float) -> float:
        return _PAD_L + (t - t0) / t_end * plot_w

    def y(force_n: float) -> float:
        return _PAD_T + plot_h - unit.from_newtons(force_n, contact) / top * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-label="force trace">',
        f'<rect x="{_PAD_L}" y="{_PAD_T}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#999"/>',
    ]
    spans: dict[int, tuple[float, float]] = {}
    for t, _, phase_index in samples:
        first, last = spans.get(phase_index, (t, t))
        spans[phase_index] = (min(first, t), max(last, t))
    for index, (first, last) in sorted(spans.items()):
        if index >= len(phases):
            continue
        phase: dict[str, Any] = phases[index]
        band = phase.get("band")
        fill = _KIND_FILL.get(phase["kind"], "#ddd")
        if band and fill != "none":
            parts.append(
                f'<rect x="{x(first):.1f}" y="{y(band["high_n"]):.1f}" '
                f'width="{max(1.0, x(last) - x(first)):.1f}" '
                f'height="{max(1.0, y(band["low_n"]) - y(band["high_n"])):.1f}" '
                f'fill="{fill}" fill-opacity="0.55"><title>{html.escape(phase["name"])}: '
                f"{band['low_n']:g}-{band['high_n']:g} N</title></rect>"
            )
        parts.append(
            f'<line x1="{x(first):.1f}" y1="{_PAD_T}" x2="{x(first):.1f}" y2="{_PAD_T + plot_h}" '
            f'stroke="#ccc" stroke-dasharray="3,3"/>'
        )
    step = _nice_step(top)
    value = 0.0
    while value <= top:
        yy = _PAD_T + plot_h - value / top * plot_h
        parts.append(
            f'<line x1="{_PAD_L - 4}" y1="{yy:.1f}" x2="{_PAD_L}" y2="{yy:.1f}" stroke="#333"/>'
            f'<text x="{_PAD_L - 6}" y="{yy + 4:.1f}" text-anchor="end" font-size="11">{value:g}</text>'
        )
        value += step
    t_step = _nice_step(t_end, 10)
    tick = 0.0
    while tick <= t_end:
        xx = _PAD_L + tick / t_end * plot_w
        parts.append(
            f'<line x1="{xx:.1f}" y1="{_PAD_T + plot_h}" x2="{xx:.1f}" y2="{_PAD_T + plot_h + 4}" stroke="#333"/>'
            f'<text x="{xx:.1f}" y="{_PAD_T + plot_h + 16}" text-anchor="middle" font-size="11">{tick:g}</text>'
        )
        tick += t_step
    parts.append(
        f'<text x="{_PAD_L + plot_w / 2}" y="{_H - 6}" text-anchor="middle" font-size="12">time (s)</text>'
        f'<text x="14" y="{_PAD_T + plot_h / 2}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 14 {_PAD_T + plot_h / 2})">{"pressure" if unit.is_pressure else "force"} ({unit.value})</text>'
    )
    points = _thin([(t, f) for t, f, _ in samples])
    path = " ".join(f"{x(t):.1f},{y(f):.1f}" for t, f in points)
    parts.append(f'<polyline points="{path}" fill="none" stroke="#08306b" stroke-width="1.3"/>')
    parts.append("</svg>")
    return "\n".join(parts)


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; }
.meta { color: #444; margin-top: 0; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 3px 8px; text-align: right; }
th { background: #eee; } td.name, th.name { text-align: left; }
.pass { font-weight: bold; color: #006d2c; } .fail { font-weight: bold; color: #a50f15; }
.legend span { display: inline-block; padding: 0 8px; margin-right: 6px; }
svg { width: 100%; max-width: 900px; height: auto; }
@media print { body { margin: 1cm; } }
"""


def _cell(
    value: float | None,
    unit: Unit | None = None,
    places: int = 1,
    signed: bool = False,
    contact: Contact | None = None,
) -> str:
    if value is None:
        return "–"
    if unit is not None:
        value = unit.from_newtons(value, contact)
        places = {Unit.N: 1, Unit.KPA: 0}.get(unit, 2)
    return f"{value:+.{places}f}" if signed else f"{value:.{places}f}"


def session_html(
    store: Store, session_id: int, unit: Unit = Unit.N, *, assessments: bool = False
) -> str:
    """The printable report of one session: header, verdict, trace plot, metrics tables."""
    doc = session_document(store, session_id, assessments=assessments)
    exercise = doc["exercise"]
    result = doc["result"]
    esc = html.escape
    samples = [(s["t_s"], s["force_n"], s["phase"]) for s in doc["samples"]]
    u = unit.value
    contact = Exercise.from_snapshot(exercise).contact
    title = f"{exercise['name']}: {doc['student']}"
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)} (session {session_id})</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">Session {session_id} · {esc(shown_time(doc["started_at"]))} UTC · '
        f"{esc(doc['status'])} · technique: {esc(exercise['technique'])} · "
        f"sensor: {esc(str(doc['sensor'].get('backend', '?')))}"
        + (f" · contact: {esc(contact.describe())}" if contact is not None else "")
        + "</p>",
    ]
    if unit.is_pressure:
        area = contact.describe() if contact is not None else "the standard 1 cm² tip"
        lines.append(f'<p class="meta">Pressures in kPa: force over {esc(area)}.</p>')
    if doc["pass"]:
        verdict = doc["pass"]
        css = "pass" if verdict["passed"] else "fail"
        word = "Passed" if verdict["passed"] else "Not yet passed"
        lines.append(
            f'<p class="{css}">{word}: {verdict["trials_in_band"]} of {verdict["trials"]} '
            f"trials in band, score {verdict['score']:.0f} (pass mark: {esc(verdict['mark'])})</p>"
        )
    if doc["feedback"]:
        fb = doc["feedback"]
        text = (
            f"Feedback schedule: {esc(fb['schedule'])}; live feedback on "
            f"{fb['trials_with_live_feedback']} of {fb['trials']} trials"
        )
        if fb.get("peeks"):
            text += f"; {fb['peeks']} peeks"
        if fb.get("variable_error_n") is not None:
            text += f"; retention variable error {_cell(fb['variable_error_n'], unit, contact=contact)} {u}"
        lines.append(f"<p>{text}</p>")
    lines.append(trace_svg(samples, exercise["phases"], unit, contact))
    lines.append(
        '<p class="legend">'
        + "".join(
            f'<span style="background:{c}">{k}</span>' for k, c in _KIND_FILL.items() if c != "none"
        )
        + " bands; the line is the force.</p>"
    )
    if result:
        lines += [
            "<h2>Summary</h2><table><tr>",
            "<th>score</th><th>time in band</th>",
            f"<th>bias ({u})</th><th>absolute error ({u})</th><th>consistency VE ({u})</th>",
            "<th>overshoots</th><th>duration (s)</th></tr><tr>",
            f"<td>{result['score']:.0f}</td><td>{result['time_in_band_pct']:.0f}%</td>",
            f"<td>{_cell(result['constant_error_n'], unit, signed=True, contact=contact)}</td>",
            f"<td>{_cell(result['absolute_error_n'], unit, contact=contact)}</td>",
            f"<td>{_cell(result['variable_error_n'], unit, contact=contact)}</td>",
            f"<td>{result['overshoot_count']}</td><td>{result['duration_s']:.1f}</td></tr></table>",
            "<h2>Phases</h2><table><tr>",
            '<th>#</th><th class="name">phase</th>',
            f"<th>band ({u})</th><th>in band</th><th>bias ({u})</th><th>VE ({u})</th>",
            "<th>CV %</th><th>reach (s)</th><th>overshoots</th><th>rate (N/s)</th><th>score</th></tr>",
        ]
        for p in result["phases"]:
            band = "–"
            if p["band_low_n"] is not None:
                band = f"{_cell(p['band_low_n'], unit, contact=contact)}–{_cell(p['band_high_n'], unit, contact=contact)}"
            rate = "–"
            if p["ramp_rate_n_per_s"] is not None:
                rate = f"{p['ramp_rate_n_per_s']:.1f} / {p['target_rate_n_per_s']:g}"
            lines.append(
                f'<tr><td>{p["index"] + 1}</td><td class="name">{esc(p["name"])}</td>'
                f"<td>{band}</td><td>{p['time_in_band_pct']:.0f}%</td>"
                f"<td>{_cell(p['constant_error_n'], unit, signed=True, contact=contact)}</td>"
                f"<td>{_cell(p['variable_error_n'], unit, contact=contact)}</td>"
                f"<td>{_cell(p['steadiness_cv_pct'])}</td><td>{_cell(p['time_to_band_s'])}</td>"
                f"<td>{p['overshoot_count']}</td><td>{rate}</td>"
                f"<td>{_cell(p['score'], places=0)}</td></tr>"
            )
        lines.append("</table>")
    else:
        lines.append("<p>This session has no result (it was stopped before it was scored).</p>")
    lines.append(
        '<p class="meta">Pressure Trainer session report. Forces are measured in newtons; '
        "bias is negative when too light, VE is the spread of the force about the target.</p>"
    )
    lines.append("</body></html>")
    return "\n".join(lines)
