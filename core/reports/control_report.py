"""The control report's words, and the report as an XLSX workbook (the PDF, set from
the same words: `core.reports.control_pdf`).

Both are rendered from a `core.reading.control_report.ControlReport` and carry, inside
the file, the time it was made and the SHA-256 of its content (canonical JSON,
`ReportContent.canonical()`), with lines for the deputy director's and the director's
signatures. The file's own SHA-256 is kept with the archived export
(`core.reports.control_exports`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from core import formats
from core.i18n import DEFAULT_LANGUAGE, STAFF_LANGUAGES, Texts, texts
from core.reading.control_report import ControlReport
from core.reading.words import work_type
from core.reports.cells import put
from core.reports.filenames import slug


@dataclass(frozen=True)
class Words:
    """The report's words in one language, shared by the PDF and the XLSX."""

    t: Texts

    @property
    def language(self) -> str:
        return self.t.language

    def kind(self, code: str) -> str:
        t = self.t
        return {
            "topic": t.pgettext("control", "topic"),
            "attendance": t.pgettext("control", "attendance"),
            "homework": t.pgettext("control", "homework"),
            "marks": t.pgettext("control", "marks"),
            "preliminary": t.pgettext("control", "preliminary"),
            "final": t.pgettext("control", "final"),
        }.get(code, code)

    def entry(self, entry: dict[str, Any]) -> str:
        """«тема — нет», «д/з — не в срок», «отметки — нет у 3»."""
        t, kind = self.t, self.kind(str(entry["kind"]))
        count = entry.get("count")
        if entry["state"] == "missing":
            if count is not None:
                return t.ngettext(
                    "%(kind)s: %(num)d missing", "%(kind)s: %(num)d missing", int(count), kind=kind
                )
            return t._("%(kind)s: missing", kind=kind)
        if count is not None:
            return t.ngettext(
                "%(kind)s: %(num)d late", "%(kind)s: %(num)d late", int(count), kind=kind
            )
        return t._("%(kind)s: late", kind=kind)

    def date(self, iso: str) -> str:
        return formats.numeric_date(iso, self.language)

    def work(self, code: str) -> str:
        """«контрольная работа»."""
        return work_type(code, self.language)

    def page(self, line: dict[str, Any]) -> str:
        """«7Б (7Б англ. 1)»: a class, and the group when there is one."""
        return f"{line['class']} ({line['group']})" if line.get("group") else str(line["class"])

    def assignment(self, a: dict[str, Any]) -> str:
        """«Математика — Иванова М.П.: 100 мин (задано 23.11, индивидуально)»."""
        t = self.t
        subject = f"{a['subject']} ({a['group']})" if a["group"] else a["subject"]
        minutes = (
            t._("%(minutes)d min", minutes=a["minutes"]) if a["minutes"] else t._("no estimate")
        )
        note = t._("set %(day)s", day=self.short(a["set_on"]))
        if a["individual"]:
            note = t._("%(note)s, for some pupils", note=note)
        return f"{subject} — {a['teacher']}: {minutes} ({note})"

    def short(self, iso: str) -> str:
        return formats.short_date(iso, self.language)

    def month(self, key: str) -> str:
        year, month = key.split("-")
        return formats.date_skeleton(dt.date(int(year), int(month), 1), "yMMMM", self.language)

    def span(self, data: dict[str, Any]) -> str:
        dates = f"{self.date(data['start'])}–{self.date(data['end'])}"
        if data["period"]:
            return f"{data['period']} ({dates})"
        return dates

    def generated(self, report: ControlReport) -> str:
        made = report.generated_at
        return self.t._(
            "Generated %(date)s %(time)s (%(zone)s)",
            date=formats.numeric_date(made, self.language),
            time=formats.time_of_day(made, self.language),
            zone=report.timezone,
        )

    def rate(self, part: int, whole: int) -> str:
        """«87 %» of the whole; «—» of nothing."""
        return formats.percent(part / whole, self.language) if whole else "—"

    def content_hash(self, report: ControlReport) -> str:
        return self.t._("Content SHA-256: %(hash)s", hash=report.content_sha256)

    def chain(self, report: ControlReport) -> str:
        """«Цепочка журнала изменений: #1234 · 9f86d081884c7d65»; "" when not read."""
        if report.chain is None:
            return ""
        return self.t._("Audit chain: %(fingerprint)s", fingerprint=report.chain.fingerprint)

    def hash_note(self) -> str:
        return self.t._(
            "The content SHA-256 is computed over the report's data as canonical JSON "
            "(without the time it was made); the file's own SHA-256 is kept in the "
            "journal's archive."
        )


def words_for(language: str) -> Words:
    return Words(texts("core", language if language in STAFF_LANGUAGES else DEFAULT_LANGUAGE))


def filename(report: ControlReport, fmt: str) -> str:
    """ "spravka-kontrol-ezh-20261104-20261228-20261218-1600.pdf"."""
    data = report.content.data
    span = f"{data['start'].replace('-', '')}-{data['end'].replace('-', '')}"
    made = f"{report.generated_at:%Y%m%d-%H%M}"
    return f"spravka-kontrol-ezh-{slug(span)}-{made}.{fmt}"


_BOLD = Font(bold=True)
_HEAD = PatternFill("solid", fgColor="EEEEEE")
_WRAP = Alignment(wrap_text=True, vertical="top")


class _Sheet:
    """One worksheet written row by row; every cell through `put` (core/reports/cells)."""

    def __init__(self, sheet: Any, title: str) -> None:
        self.sheet, self.row = sheet, 1
        sheet.title = title[:31]

    def line(self, *values: Any, bold: bool = False, head: bool = False) -> None:
        for column, value in enumerate(values, start=1):
            cell = put(self.sheet, self.row, column, value)
            if bold or head:
                cell.font = _BOLD
            if head:
                cell.fill = _HEAD
                cell.alignment = _WRAP
        self.row += 1

    def gap(self) -> None:
        self.row += 1

    def widths(self, *widths: int) -> None:
        for column, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(column)].width = width


def control_report_xlsx(report: ControlReport, *, language: str = DEFAULT_LANGUAGE) -> bytes:
    """A sheet of figures (with the time, the hash and the signatures), then one per list."""
    w = words_for(language)
    t, d = w.t, report.content.data
    book = Workbook()
    first = _Sheet(book.active, t._("Figures"))
    _summary_sheet(first, report, w)
    for title, write in _LISTS:
        write(_Sheet(book.create_sheet(), title(t)), d, w)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def figure_heads(t: Texts) -> list[str]:
    return [
        t._("Lessons"),
        t._("Topic late"),
        t._("Topic missing"),
        t._("Roll call late"),
        t._("Roll call missing"),
        t._("Homework late"),
        t._("Homework missing"),
        t._("Marks late"),
        t._("Marks missing"),
        t._("Pupils below the minimum"),
        t._("Period marks missing"),
        t._("Held"),
        t._("Timetabled"),
        t._("Days not held"),
        t._("Substituted"),
        t._("Days of homework over the limit"),
        t._("Tests held off the schedule"),
        t._("Scheduled tests not held"),
    ]


def figure_values(f: dict[str, Any]) -> list[int]:
    late, missing = f["late"], f["missing"]
    return [
        f["lessons"],
        late["topic"],
        missing["topic"],
        late["attendance"],
        missing["attendance"],
        late["homework"],
        missing["homework"],
        late["marks"],
        missing["marks"],
        f["fill"],
        f["period_missing"],
        f["held"],
        f["timetabled"],
        f["not_held"],
        f["substituted"],
        f["overload"],
        f["tests_off_schedule"],
        f["tests_not_held"],
    ]


def _summary_sheet(s: _Sheet, report: ControlReport, w: Words) -> None:
    t, d = w.t, report.content.data
    s.line(t._("Report on the check of the electronic journal"), bold=True)
    s.line(t._("School: %(school)s", school=d["school"]))
    s.line(t._("Span checked: %(span)s", span=w.span(d)))
    s.line(t._("Journal as of %(date)s", date=w.date(d["as_of"])))
    s.gap()
    s.line("", *figure_heads(t), head=True)
    s.line(t._("The school"), *figure_values(d["totals"]), bold=True)
    for line in d["teachers"]:
        s.line(line["teacher"], *figure_values(line))
    s.gap()
    for text in (w.generated(report), w.content_hash(report), w.hash_note()):
        s.line(text)
    s.gap()
    s.line(t._("Deputy director"), "", report.made_by)
    s.line(t._("Head of school"))
    s.widths(28, *([9] * 18))
    s.sheet.freeze_panes = "B7"


def _places_sheet(s: _Sheet, d: dict[str, Any], w: Words) -> None:
    t = w.t
    s.line(t._("Class"), t._("Subject"), t._("Teacher"), *figure_heads(t), head=True)
    for line in d["places"]:
        s.line(line["class"], line["subject"], ", ".join(line["teachers"]), *figure_values(line))
    s.widths(14, 22, 24, *([9] * 18))


def _entries_sheet(s: _Sheet, d: dict[str, Any], w: Words) -> None:
    t = w.t
    s.line(
        t._("Teacher"),
        t._("Date"),
        t._("Lesson"),
        t._("Class"),
        t._("Subject"),
        t._("Entries"),
        head=True,
    )
    for teacher in d["entries"]:
        for lesson in teacher["lessons"]:
            entries = "; ".join(w.entry(e) for e in lesson["entries"])
            s.line(
                teacher["teacher"],
                w.date(lesson["date"]),
                lesson["slot"],
                lesson["class"],
                lesson["subject"],
                entries,
            )
    s.widths(24, 12, 7, 14, 22, 50)


def _fill_sheet(s: _Sheet, d: dict[str, Any], w: Words) -> None:
    t = w.t
    s.line(
        t._("Period"),
        t._("Class"),
        t._("Subject"),
        t._("Teacher"),
        t._("Pupil"),
        t._("Marks"),
        t._("Minimum so far"),
        head=True,
    )
    for line in d["fill"]:
        for pupil in line["pupils"]:
            s.line(
                line["period"],
                line["class"],
                line["subject"],
                line["teacher"],
                pupil["name"],
                pupil["marks"],
                pupil["minimum"],
            )
    s.widths(14, 14, 22, 24, 30, 8, 9)


def _period_marks_sheet(s: _Sheet, d: dict[str, Any], w: Words) -> None:
    t = w.t
    s.line(
        t._("Period"),
        t._("Marks"),
        t._("Due"),
        t._("Class"),
        t._("Subject"),
        t._("Teacher"),
        t._("Pupil"),
        head=True,
    )
    for line in d["period_marks"]:
        for pupil in line["pupils"]:
            s.line(
                line["period"],
                w.kind(line["kind"]),
                w.date(line["due"]),
                line["class"],
                line["subject"],
                line["teacher"],
                pupil,
            )
    s.widths(14, 14, 12, 14, 22, 24, 30)


def _not_held_sheet(s: _Sheet, d: dict[str, Any], w: Words) -> None:
    t = w.t
    s.line(
        t._("Teacher"),
        t._("Class"),
        t._("Subject"),
        t._("Held"),
        t._("Timetabled"),
        t._("Days not held"),
        head=True,
    )
    for line in d["not_held"]:
        days = ", ".join(w.short(day) for day in line["days"])
        s.line(
            line["teacher"], line["class"], line["subject"], line["held"], line["timetabled"], days
        )
    s.widths(24, 14, 22, 9, 11, 50)


def _substitutions_sheet(s: _Sheet, d: dict[str, Any], w: Words) -> None:
    t = w.t
    s.line(
        t._("Date"),
        t._("Lesson"),
        t._("Class"),
        t._("Subject"),
        t._("Teacher"),
        t._("Substitute"),
        head=True,
    )
    for line in d["substitutions"]:
        s.line(
            w.date(line["date"]),
            line["slot"],
            line["class"],
            line["subject"],
            line["teacher"],
            line["substitute"],
        )
    s.widths(12, 7, 14, 22, 24, 24)


def _overload_sheet(s: _Sheet, d: dict[str, Any], w: Words) -> None:
    """A row per homework of each day over the limit."""
    t = w.t
    s.line(
        t._("Day"),
        t._("Class"),
        t._("Total, min"),
        t._("Limit, min"),
        t._("Pupils over it"),
        t._("Subject"),
        t._("Teacher"),
        t._("Minutes"),
        t._("Set on"),
        head=True,
    )
    for day in d["overload"]:
        for a in day["assignments"]:
            subject = f"{a['subject']} ({a['group']})" if a["group"] else a["subject"]
            s.line(
                w.date(day["day"]),
                day["class"],
                day["total"],
                day["limit"],
                day["pupils_over"],
                subject,
                a["teacher"],
                a["minutes"],
                w.date(a["set_on"]),
            )
    s.widths(12, 10, 10, 10, 10, 26, 24, 9, 12)


def _tests_sheet(s: _Sheet, d: dict[str, Any], w: Words) -> None:
    """Tests held off the schedule, then scheduled tests not held."""
    t = w.t
    s.line(
        t._("Date"),
        t._("Class"),
        t._("Subject"),
        t._("Teacher"),
        t._("Kind"),
        t._("What"),
        head=True,
    )
    for key, what in (
        ("tests_off_schedule", t._("held off the schedule")),
        ("tests_not_held", t._("scheduled, not held")),
    ):
        for line in d[key]:
            s.line(
                w.date(line["date"]),
                w.page(line),
                line["subject"],
                line["teacher"],
                w.work(line["kind"]),
                what,
            )
    s.widths(12, 22, 22, 24, 22, 24)


def _monthly_sheet(s: _Sheet, d: dict[str, Any], w: Words) -> None:
    t = w.t
    s.line(
        t._("Class"),
        t.pgettext("person", "Class teacher"),
        t._("Months without a message"),
        head=True,
    )
    for line in d["monthly_missing"]:
        s.line(line["class"], line["teacher"], ", ".join(w.month(m) for m in line["months"]))
    s.widths(10, 24, 50)


def _reach_sheet(s: _Sheet, d: dict[str, Any], w: Words) -> None:
    t = w.t
    s.line(
        t._("Class"),
        t._("Families"),
        t._("Reachable"),
        t._("In the bot"),
        t._("Announcements"),
        t._("Messages"),
        t._("Delivered"),
        t._("Not delivered"),
        t._("Acknowledged"),
        head=True,
    )
    for line in d["reach"]:
        s.line(
            line["class"],
            line["families"],
            line["reachable"],
            line["subscribed"],
            line["announcements"],
            line["messages"],
            line["delivered"],
            line["failed"],
            line["acknowledged"],
        )
    s.widths(10, *([12] * 8))


_LISTS: list[tuple[Callable[[Texts], str], Callable[[_Sheet, dict[str, Any], Words], None]]] = [
    (lambda t: t._("Classes and subjects"), _places_sheet),
    (lambda t: t._("Lessons"), _entries_sheet),
    (lambda t: t._("Below the minimum"), _fill_sheet),
    (lambda t: t._("Period marks"), _period_marks_sheet),
    (lambda t: t._("Not held"), _not_held_sheet),
    (lambda t: t._("Substitutions"), _substitutions_sheet),
    (lambda t: t._("Homework over the limit"), _overload_sheet),
    (lambda t: t._("Tests off the schedule"), _tests_sheet),
    (lambda t: t._("Monthly messages"), _monthly_sheet),
    (lambda t: t._("Reach"), _reach_sheet),
]
