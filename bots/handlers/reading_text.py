"""What a parent reads on a phone: the diary's views (core.reading) as short HTML lines.

No tables: one line per lesson, mark or absence, details indented below it, so every
screen reads on a narrow phone. Everything from the journal is escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from bots.i18n import Catalog
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
    WeekDiary,
)
from core.reading import words as w

T = Catalog(
    {
        "journal_down": (
            "Электронный журнал сейчас недоступен. Попробуйте позже.",
            "The journal is unavailable right now. Please try again later.",
        ),
        "unavailable": ("Эта кнопка больше не действует.", "This button no longer works."),
        "homework": ("📚 Домашнее задание", "📚 Homework"),
        "today": ("Сегодня", "Today"),
        "tomorrow": ("Завтра", "Tomorrow"),
        "no_homework": ("заданий нет", "no homework"),
        "individual": ("лично", "individual"),
        "due": ("к {date}", "due {date}"),
        "set_on": ("задано {date}", "set {date}"),
        "diary": ("📅 Дневник: {span}", "📅 Diary: {span}"),
        "no_lessons": ("уроков нет", "no lessons"),
        "recent": ("📊 Оценки за {days} дн.", "📊 Marks, last {days} days"),
        "no_recent": ("Новых оценок нет.", "No new marks."),
        "averages": ("<b>Средние за {period}</b>", "<b>Averages, {period}</b>"),
        "no_averages": ("В этом периоде оценок пока нет.", "No marks in this period yet."),
        "no_period": ("Учебный период не задан.", "No marking period is set."),
        "no_marks_grade": (
            "В этом классе отметки не ставятся.",
            "This class is not given marks.",
        ),
        "absences": ("🚪 Пропуски: {period}", "🚪 Absences: {period}"),
        "last_days": ("с {since}", "since {since}"),
        "counts": (
            "н — {absent} · б — {ill} · оп — {late}",
            "н — {absent} · б — {ill} · оп — {late}",
        ),
        "legend": (
            "н — отсутствовал(а), б — болел(а), оп — опоздал(а)",
            "н — absent, б — ill, оп — late",
        ),
        "no_absences": ("Пропусков и опозданий нет.", "No absences or lateness."),
    }
)
REMARK_ICONS = {"praise": "🌟", "remark": "⚠️", "appeal": "✉️"}
INDENT = "    "


def header(label: str) -> str:
    """Every answer starts by naming the child it is about («Пётр Соколов, 7Б»)."""
    return f"👤 <b>{escape(label)}</b>"


def _day(day: dt.date, lang: str) -> str:
    return f"{w.weekday(day, lang)} {w.short_date(day, lang)}"


def _remark(remark: RemarkEntry, lang: str) -> str:
    icon = REMARK_ICONS.get(remark.kind, "💬")
    return f"{icon} {escape(w.remark_kind(remark.kind, lang))}: {escape(remark.text)}"


# Homework -------------------------------------------------------------------------


def _homework_line(item: HomeworkEntry, on: dt.date, lang: str) -> str:
    notes = []
    if item.individual:
        notes.append(T(lang, "individual"))
    if item.lesson_date != on:
        notes.append(T(lang, "set_on", date=w.short_date(item.lesson_date, lang)))
    elif item.due_date is not None and item.due_date != on:
        notes.append(T(lang, "due", date=w.short_date(item.due_date, lang)))
    suffix = f" <i>({', '.join(notes)})</i>" if notes else ""
    return f"• {escape(item.subject)}: {escape(item.text)}{suffix}"


def _day_title(day: DayHomework, today: dt.date, lang: str) -> str:
    title = _day(day.date, lang)
    if day.date == today:
        title = f"{T(lang, 'today')}, {title}"
    elif day.date == today + dt.timedelta(days=1):
        title = f"{T(lang, 'tomorrow')}, {title}"
    return f"<b>{title}</b>"


def homework_text(label: str, ahead: HomeworkAhead, lang: str) -> str:
    blocks = [f"{header(label)}\n{T(lang, 'homework')}"]
    for day in ahead.days:
        lines = [_day_title(day, ahead.today, lang)]
        lines += [_homework_line(item, day.date, lang) for item in day.items]
        if not day.items:
            lines.append(escape(day.holiday) if day.holiday else T(lang, "no_homework"))
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
        mark = f" <i>({T(lang, 'individual')})</i>" if item.individual else ""
        due = item.due_date
        when = f" <i>({T(lang, 'due', date=w.short_date(due, lang))})</i>" if due else ""
        lines.append(f"{INDENT}📝 {escape(item.text)}{mark}{when}")
    lines += [f"{INDENT}{_remark(r, lang)}" for r in lesson.remarks]
    return lines


def _diary_day(day: DiaryDay, lang: str) -> str:
    title = f"<b>{_day(day.date, lang)}</b>"
    if not day.lessons and not day.remarks:
        return f"{title} — {escape(day.holiday) if day.holiday else T(lang, 'no_lessons')}"
    lines = [f"{title} — {escape(day.holiday)}" if day.holiday else title]
    for lesson in day.lessons:
        lines += _lesson_lines(lesson, lang)
    lines += [_remark(r, lang) for r in day.remarks]
    return "\n".join(lines)


def diary_text(label: str, diary: WeekDiary, lang: str) -> str:
    """Days apart by a blank line: a week too long for one message splits between days."""
    span = w.date_span(diary.week_start, diary.week_end, lang)
    blocks = [f"{header(label)}\n{T(lang, 'diary', span=span)}"]
    blocks += [_diary_day(day, lang) for day in diary.days]
    return "\n\n".join(blocks)


# Marks and absences ---------------------------------------------------------------


def _mark_line(mark: MarkEntry, lang: str) -> str:
    work = w.work_type_short(mark.work_type, lang)
    return f"{w.short_date(mark.date, lang)} {escape(mark.subject)} — <b>{mark.value}</b> {work}"


def _averages(overview: MarksOverview, lang: str) -> str:
    if overview.period is None:
        return T(lang, "no_period")
    lines = [T(lang, "averages", period=escape(overview.period.name))]
    for item in overview.averages:
        values = " ".join(str(v) for v in item.values)
        average = w.average_text(item.average, lang)
        lines.append(f"{escape(item.subject)} — <b>{average}</b> ({values})")
    if not overview.averages:
        lines.append(T(lang, "no_averages"))
    return "\n".join(lines)


def marks_text(label: str, overview: MarksOverview, lang: str) -> str:
    if not overview.marks_given:
        return f"{header(label)}\n{T(lang, 'no_marks_grade')}"
    recent = [T(lang, "recent", days=overview.recent_days)]
    recent += [_mark_line(m, lang) for m in overview.recent] or [T(lang, "no_recent")]
    first = f"{header(label)}\n{recent[0]}"
    return "\n\n".join([first, "\n".join(recent[1:]), _averages(overview, lang)])


def absences_text(label: str, overview: AbsencesOverview, lang: str) -> str:
    since = w.short_date(overview.since, lang)
    until = w.short_date(overview.until, lang)
    period = overview.period.name if overview.period else T(lang, "last_days", since=since)
    title = f"{T(lang, 'absences', period=escape(period))} ({since}–{until})"
    if not overview.items:
        return f"{header(label)}\n{title}\n\n{T(lang, 'no_absences')}"
    counts = overview.counts
    summary = T(
        lang,
        "counts",
        absent=counts.get("н", 0),
        ill=counts.get("б", 0),
        late=counts.get("оп", 0),
    )
    lines = [
        f"{w.short_date(a.date, lang)} {escape(a.subject)} — "
        f"<b>{w.attendance_code(a.status, a.minutes_late, lang)}</b>"
        for a in overview.items
    ]
    body = "\n".join([summary, f"<i>{T(lang, 'legend')}</i>"])
    return "\n\n".join([f"{header(label)}\n{title}", body, "\n".join(lines)])
