"""The end-of-class export: the day's table as CSV and as printable HTML pages.

One folder per class and day: ``sessions.csv`` (one row a session, full names and
scores), ``index.html`` (the table with the pass marks, printable) and, for every session
the hub's records hold, ``session-N.html``: the project's own printable session report
(:func:`trainer.instructor.reports.session_html`), linked from the table.

Example::

    folder = export_day(Path("exports"), "monday", board.sessions(), store, date(2026, 5, 28))
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from trainer.classroom.board import TABLE_HEADINGS, SessionSummary, summary_of, write_day_csv
from trainer.instructor.assessment import PassMarks
from trainer.instructor.reports import session_html
from trainer.safe_files import OutputFailed, write_file
from trainer.store import Store, StoreError
from trainer.units import Unit

_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 0.3em 0.5em; text-align: left; }
th { background: #eee; }
td.num { text-align: right; }
.no { color: #a00; font-weight: bold; }
.yes { color: #060; }
@media print { a { color: inherit; text-decoration: none; } }
"""


def stored_summaries(
    store: Store, since: str, uuids: Sequence[str] | None = None
) -> list[SessionSummary]:
    """The class's sessions in the hub's records started at or after ``since`` (ISO time),
    or only those with the given UUIDs, judged against the pass marks in the records."""
    marks = {mark.exercise_id: mark for mark in PassMarks(store).all()}
    if uuids is None:
        ids = [
            row[0]
            for row in store.db.execute(
                "SELECT id FROM sessions WHERE station IS NOT NULL AND started_at >= ? ORDER BY id",
                (since,),
            )
        ]
    else:
        ids = [i for i in (store.session_by_uuid(u) for u in uuids) if i is not None]
    summaries = []
    for session_id in ids:
        row = store.session(session_id)
        summaries.append(
            summary_of(
                uuid=row["uuid"],
                station=row["station"] or "",
                student=row["student"],
                exercise=row["exercise"] or {"id": row["exercise_id"]},
                started_at=row["started_at"],
                ended_at=row["ended_at"],
                status=row["status"],
                result=row["result"],
                marks=marks,
            )
        )
    return summaries


@dataclass(frozen=True, slots=True)
class DayExport:
    """What :func:`export_day` wrote."""

    folder: Path
    csv: Path
    index: Path
    reports: int  # session reports written (sessions the hub's records hold)


def day_html(
    class_name: str,
    day: date,
    sessions: Sequence[SessionSummary],
    links: dict[str, str],
) -> str:
    """The day's table as a printable page; ``links`` maps a session UUID to its report."""
    esc = html.escape
    title = f"Class {class_name}: sessions of {day.isoformat()}"
    rows = []
    for s in sessions:
        name = esc(s.exercise_name)
        if s.uuid in links:
            name = f'<a href="{esc(links[s.uuid])}">{name}</a>'
        passed = ""
        if s.passed is not None:
            passed = (
                '<span class="yes">yes</span>' if s.passed else '<span class="no">not yet</span>'
            )
        rows.append(
            "<tr>"
            f"<td>{esc(s.station)}</td><td>{esc(s.student)}</td><td>{name}</td>"
            f"<td>{esc(s.started_at[11:16])}</td><td>{esc(s.status)}</td>"
            f'<td class="num">{"" if s.score is None else f"{s.score:.0f}"}</td>'
            f'<td class="num">'
            f"{'' if s.time_in_band_pct is None else f'{s.time_in_band_pct:.0f}%'}</td>"
            f"<td>{esc(s.pass_mark)}</td><td>{passed}</td></tr>"
        )
    headings = "".join(f"<th>{esc(h)}</th>" for h in TABLE_HEADINGS)
    passed_count = sum(1 for s in sessions if s.passed)
    judged = sum(1 for s in sessions if s.passed is not None)
    summary = f"{len(sessions)} sessions"
    if judged:
        summary += f"; {passed_count} of {judged} with a pass mark passed"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>",
            f"<h1>{esc(title)}</h1>",
            f"<p>{esc(summary)}. Each exercise links to its printable session report.</p>",
            f"<table><tr>{headings}</tr>",
            *rows,
            "</table>",
            "<p>Pressure Trainer class report. Forces are measured in newtons.</p>",
            "</body></html>",
        ]
    )


def export_day(
    where: Path,
    class_name: str,
    sessions: Sequence[SessionSummary],
    store: Store | None,
    day: date,
    unit: Unit = Unit.N,
) -> DayExport:
    """Write the day's CSV, table page and session reports into a new folder under ``where``.

    Exporting again the same day brings the files up to date; each is written whole and
    never through a symbolic link (:func:`trainer.safe_files.write_file`). A file that
    cannot be written raises :class:`OSError` naming it.
    """
    folder = where / f"class-{class_name or 'class'}-{day.isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str, text: str) -> Path:
        try:
            write_file(folder / name, text, force=True)
        except OutputFailed as error:
            raise OSError(str(error)) from None
        return folder / name

    table = io.StringIO()
    write_day_csv(sessions, table)
    csv_path = write("sessions.csv", table.getvalue())
    links: dict[str, str] = {}
    if store is not None:
        for s in sessions:
            session_id = store.session_by_uuid(s.uuid)
            if session_id is None:
                continue
            try:
                # The class screen is the instructor's: an assessment sat at a station
                # is in the day's table, so its report is in the export too.
                page = session_html(store, session_id, unit, assessments=True)
            except StoreError:
                continue  # listed in the table, without a report
            name = f"session-{session_id}.html"
            write(name, page)
            links[s.uuid] = name
    index = write("index.html", day_html(class_name, day, sessions, links))
    return DayExport(folder, csv_path, index, len(links))
