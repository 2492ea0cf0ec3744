"""What a parent reads on a phone: the diary's views (core.reading) as short HTML lines.

No tables: one line per lesson, mark or absence, details indented below it, so every
screen reads on a narrow phone. Everything from the journal is escaped. Texts come in
the update's language (`bots.i18n`); `lang` picks the diary's words and date formats
(`core.reading.words`).
"""

from __future__ import annotations

import datetime as dt
from html import escape

from bots.i18n import _, ngettext
from core.models import ATTENDANCE_LETTERS
from core.reading import (
    AbsencesOverview,
    DayHomework,
    DiaryDay,
    DiaryLesson,
    HomeworkAhead,
    HomeworkEntry,
    MarkEntry,
    MarksOverview,
    RemarkEntry,
    TestNote,
    UpcomingTests,
    WeekDiary,
)
from core.reading import words as w

REMARK_ICONS = {"praise": "🌟", "remark": "⚠️", "appeal": "✉️"}
INDENT = "    "


def journal_down() -> str:
    return _("The journal is unavailable right now. Please try again later.")


def header(label: str) -> str:
    """Every answer starts by naming the child it is about («Пётр Соколов, 7Б»)."""
    return f"👤 <b>{escape(label)}</b>"


def _day(day: dt.date, lang: str) -> str:
    return f"{w.weekday(day, lang)} {w.short_date(day, lang)}"


def _remark(remark: RemarkEntry, lang: str) -> str:
    icon = REMARK_ICONS.get(remark.kind, "💬")
    return f"{icon} {escape(w.remark_kind(remark.kind, lang))}: {escape(remark.text)}"


def _minutes(item: HomeworkEntry) -> str:
    """«~30 мин»: the teacher's estimate of the time the task takes, when given."""
    if item.minutes is None:
        return ""
    # TRANSLATORS: after a homework task: about how many minutes it takes.
    return " " + _("~%(minutes)s min") % {"minutes": item.minutes}


def _individual() -> str:
    # TRANSLATORS: homework given to this child alone, in brackets after the task.
    return _("individual")


def _due(day: dt.date, lang: str) -> str:
    # TRANSLATORS: in brackets after a task: the day it is to be done for.
    return _("due %(date)s") % {"date": w.short_date(day, lang)}


# Homework -------------------------------------------------------------------------


def _homework_line(item: HomeworkEntry, on: dt.date, lang: str) -> str:
    notes = []
    if item.individual:
        notes.append(_individual())
    if item.lesson_date != on:
        # TRANSLATORS: in brackets after a task: the day it was given.
        notes.append(_("set %(date)s") % {"date": w.short_date(item.lesson_date, lang)})
    elif item.due_date is not None and item.due_date != on:
        notes.append(_due(item.due_date, lang))
    suffix = f" <i>({', '.join(notes)})</i>" if notes else ""
    return f"• {escape(item.subject)}: {escape(item.text)}{_minutes(item)}{suffix}"


def _day_title(day: DayHomework, today: dt.date, lang: str) -> str:
    title = _day(day.date, lang)
    if day.date == today:
        title = _("Today, %(day)s") % {"day": title}
    elif day.date == today + dt.timedelta(days=1):
        title = _("Tomorrow, %(day)s") % {"day": title}
    return f"<b>{title}</b>"


def homework_text(label: str, ahead: HomeworkAhead, lang: str) -> str:
    title = _("📚 Homework")
    blocks = [f"{header(label)}\n{title}"]
    for day in ahead.days:
        lines = [_day_title(day, ahead.today, lang)]
        lines += [_homework_line(item, day.date, lang) for item in day.items]
        if not day.items:
            lines.append(escape(day.holiday) if day.holiday else _("no homework"))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


# The week's diary -----------------------------------------------------------------


def _marks(marks: tuple[MarkEntry, ...], lang: str) -> str:
    return ", ".join(f"<b>{m.value}</b> {w.work_type_short(m.work_type, lang)}" for m in marks)


def _lesson_lines(lesson: DiaryLesson, lang: str) -> list[str]:
    facts = []
    if lesson.marks:
        facts.append(_marks(lesson.marks, lang))
    if lesson.attendance is not None:
        att = lesson.attendance
        facts.append(f"<b>{w.attendance_code(att.status, att.minutes_late, lang)}</b>")
    head = f"{lesson.slot}. {escape(lesson.subject)}"
    lines = [f"{head} — {'; '.join(facts)}" if facts else head]
    if lesson.topic:
        lines.append(f"{INDENT}<i>{escape(lesson.topic)}</i>")
    for item in lesson.homework:
        mark = f" <i>({_individual()})</i>" if item.individual else ""
        when = f" <i>({_due(item.due_date, lang)})</i>" if item.due_date else ""
        lines.append(f"{INDENT}📝 {escape(item.text)}{_minutes(item)}{mark}{when}")
    lines += [f"{INDENT}{_remark(r, lang)}" for r in lesson.remarks]
    return lines


def _test(test: TestNote, lang: str) -> str:
    """«Математика — контрольная работа: Дроби»."""
    what = escape(w.work_type(test.work_type, lang))
    title = f": {escape(test.title)}" if test.title else ""
    return f"{escape(test.subject)} — {what}{title}"


def _diary_day(day: DiaryDay, lang: str) -> str:
    title = f"<b>{_day(day.date, lang)}</b>"
    if not day.lessons and not day.remarks and not day.tests:
        rest = escape(day.holiday) if day.holiday else _("no lessons")
        return f"{title} — {rest}"
    lines = [f"{title} — {escape(day.holiday)}" if day.holiday else title]
    # The tests planned for the day first: what a family prepares for.
    lines += [f"❗ {_test(test, lang)}" for test in day.tests]
    for lesson in day.lessons:
        lines += _lesson_lines(lesson, lang)
    lines += [_remark(r, lang) for r in day.remarks]
    return "\n".join(lines)


def diary_text(label: str, diary: WeekDiary, lang: str) -> str:
    """Days apart by a blank line: a week too long for one message splits between days."""
    span = w.date_span(diary.week_start, diary.week_end, lang)
    title = _("📅 Diary: %(span)s") % {"span": span}
    blocks = [f"{header(label)}\n{title}"]
    blocks += [_diary_day(day, lang) for day in diary.days]
    return "\n\n".join(blocks)


# The test schedule ----------------------------------------------------------------


def tests_text(label: str, upcoming: UpcomingTests, lang: str) -> str:
    """The child's tests day by day, from today over the next two weeks."""
    span = w.date_span(upcoming.today, upcoming.until, lang)
    title = _("📝 Tests: %(span)s") % {"span": span}
    blocks = [f"{header(label)}\n{title}"]
    days = sorted({t.date for t in upcoming.tests})
    for day in days:
        lines = [f"<b>{_day(day, lang)}</b>"]
        lines += [f"• {_test(t, lang)}" for t in upcoming.tests if t.date == day]
        blocks.append("\n".join(lines))
    if not days:
        blocks.append(_("No tests planned."))
    return "\n\n".join(blocks)


# Marks and absences ---------------------------------------------------------------


def _mark_line(mark: MarkEntry, lang: str) -> str:
    work = w.work_type_short(mark.work_type, lang)
    return f"{w.short_date(mark.date, lang)} {escape(mark.subject)} — <b>{mark.value}</b> {work}"


def _averages(overview: MarksOverview, lang: str) -> str:
    if overview.period is None:
        return _("No marking period is set.")
    lines = [_("<b>Averages, %(period)s</b>") % {"period": escape(overview.period.name)}]
    for item in overview.averages:
        values = " ".join(str(v) for v in item.values)
        average = w.average_text(item.average, lang)
        lines.append(f"{escape(item.subject)} — <b>{average}</b> ({values})")
    if not overview.averages:
        lines.append(_("No marks in this period yet."))
    return "\n".join(lines)


def marks_text(label: str, overview: MarksOverview, lang: str) -> str:
    if not overview.marks_given:
        refused = _("This class is not given marks.")
        return f"{header(label)}\n{refused}"
    days = overview.recent_days
    title = ngettext("📊 Marks, last %(num)d day", "📊 Marks, last %(num)d days", days) % {
        "num": days
    }
    recent = [_mark_line(m, lang) for m in overview.recent] or [_("No new marks.")]
    first = f"{header(label)}\n{title}"
    return "\n\n".join([first, "\n".join(recent), _averages(overview, lang)])


def _absences_title(overview: AbsencesOverview, lang: str) -> str:
    since = w.short_date(overview.since, lang)
    until = w.short_date(overview.until, lang)
    if overview.period is not None:
        return _("🚪 Absences: %(period)s (%(since)s–%(until)s)") % {
            "period": escape(overview.period.name),
            "since": since,
            "until": until,
        }
    return _("🚪 Absences since %(since)s (%(since)s–%(until)s)") % {
        "since": since,
        "until": until,
    }


def absences_text(label: str, overview: AbsencesOverview, lang: str) -> str:
    title = _absences_title(overview, lang)
    if not overview.items:
        none = _("No absences or lateness.")
        return f"{header(label)}\n{title}\n\n{none}"
    counts = overview.counts
    # The journal's own marks and how many of each: the same in every language.
    summary = " · ".join(
        f"{letter} — {counts.get(status, 0)}" for status, letter in ATTENDANCE_LETTERS.items()
    )
    # TRANSLATORS: explains the journal's marks «н», «б», «оп»: keep the marks as they are.
    legend = _("н — absent, б — ill, оп — late")
    lines = [
        f"{w.short_date(a.date, lang)} {escape(a.subject)} — "
        f"<b>{w.attendance_code(a.status, a.minutes_late, lang)}</b>"
        for a in overview.items
    ]
    body = "\n".join([summary, f"<i>{legend}</i>"])
    return "\n\n".join([f"{header(label)}\n{title}", body, "\n".join(lines)])
