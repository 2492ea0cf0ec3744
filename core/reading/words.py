"""The words a diary page is written in: weekdays, dates, work types, attendance, notes.

Vocabulary shared by every reader of the diary (the bot's screens, the printed weekly
summary, the messages to families, the web app's journal): a journal code («оп»,
"test", a date) becomes words of the reader's language, from the `family` catalogs
(every parents' language) and Babel's calendar data (core/formats.py). Russian is
the default; an unknown code prints as itself and never fails.
"""

from __future__ import annotations

import datetime as dt

from core import formats
from core.i18n import Texts, texts

# Work types (core.models.WorkType), in the order the journal offers them.
WORK_TYPE_CODES = ("oral", "written", "test", "essay", "homework", "practical", "dictation", "lab")
# Attendance as the journal stores it (absent, ill, late), or by the journal's letters
# as a teacher types them («н», «б», «оп»).
_ATTENDANCE = {"н": "absent", "б": "ill", "оп": "late", "absent": "absent", "ill": "ill"}
_ATTENDANCE |= {"late": "late"}


def _t(language: str) -> Texts:
    return texts("family", language)


def weekday(day: dt.date, language: str) -> str:
    """«пн» / "Mon"."""
    return formats.weekday_name(day, _t(language).language, "abbreviated")


def weekday_full(day: dt.date, language: str) -> str:
    """«понедельник» / "Monday"."""
    return formats.weekday_name(day, _t(language).language)


def weekday_name(index: int, language: str) -> str:
    """The weekday by number, 0 = Monday: «понедельник» / "Monday"."""
    return weekday_full(dt.date(2026, 11, 23) + dt.timedelta(days=index % 7), language)


def for_weekday(day: dt.date, language: str) -> str:
    """«на пятницу» / "for Friday": what is set for that day (homework, a timetable)."""
    t = _t(language)
    return (
        t.pgettext("for a weekday", "for Monday"),
        t.pgettext("for a weekday", "for Tuesday"),
        t.pgettext("for a weekday", "for Wednesday"),
        t.pgettext("for a weekday", "for Thursday"),
        t.pgettext("for a weekday", "for Friday"),
        t.pgettext("for a weekday", "for Saturday"),
        t.pgettext("for a weekday", "for Sunday"),
    )[day.weekday()]


def by_weekday(day: dt.date, language: str) -> str:
    """«к пятнице» / "by Friday": a deadline on that day."""
    t = _t(language)
    return (
        t.pgettext("by a weekday", "by Monday"),
        t.pgettext("by a weekday", "by Tuesday"),
        t.pgettext("by a weekday", "by Wednesday"),
        t.pgettext("by a weekday", "by Thursday"),
        t.pgettext("by a weekday", "by Friday"),
        t.pgettext("by a weekday", "by Saturday"),
        t.pgettext("by a weekday", "by Sunday"),
    )[day.weekday()]


def short_date(day: dt.date, language: str) -> str:
    """«23.11» / "23 Nov": a day in a diary line."""
    t = _t(language)
    # TRANSLATORS: not words but a CLDR date skeleton for a day in a diary line: "MMMd"
    # writes "23 Nov" (the month's short name), "dM" writes "23.11". Keep one of them.
    skeleton = t.pgettext("date skeleton", "MMMd")
    try:
        return formats.date_skeleton(day, skeleton, t.language)
    except KeyError:  # not a skeleton the language's calendar data has
        return formats.short_date(day, t.language)


def day_month(day: dt.date, language: str) -> str:
    """«23 ноября» / "23 November"."""
    return formats.day_month(day, _t(language).language)


def date_span(first: dt.date, last: dt.date, language: str) -> str:
    """«23–28 ноября 2026», «30 ноября – 5 декабря 2026» / "23–28 November 2026"."""
    t = _t(language)
    days = {"first": day_month(first, language), "last": day_month(last, language)}
    if (first.year, first.month) == (last.year, last.month):
        # TRANSLATORS: a week within one month; %(last)s is the last day with its month.
        return t.pgettext(
            "date span",
            "%(day)s–%(last)s %(year)s",
            day=first.day,
            last=days["last"],
            year=last.year,
        )
    if first.year == last.year:
        return t.pgettext("date span", "%(first)s – %(last)s %(year)s", **days, year=last.year)
    return t.pgettext(
        "date span",
        "%(first)s %(first_year)s – %(last)s %(year)s",
        **days,
        first_year=first.year,
        year=last.year,
    )


def _work_types(t: Texts) -> dict[str, str]:
    return {
        "oral": t.pgettext("work type", "oral answer"),
        "written": t.pgettext("work type", "written work"),
        "test": t.pgettext("work type", "test"),
        "essay": t.pgettext("work type", "essay"),
        "homework": t.pgettext("work type", "homework"),
        "practical": t.pgettext("work type", "practical work"),
        "dictation": t.pgettext("work type", "dictation"),
        "lab": t.pgettext("work type", "lab work"),
    }


def _work_types_short(t: Texts) -> dict[str, str]:
    # Short forms: a diary line on a phone, a printed table or an SMS has little room.
    return {
        "oral": t.pgettext("work type, short", "oral"),
        "written": t.pgettext("work type, short", "written"),
        "test": t.pgettext("work type, short", "test"),
        "essay": t.pgettext("work type, short", "essay"),
        "homework": t.pgettext("work type, short", "hw"),
        "practical": t.pgettext("work type, short", "pract."),
        "dictation": t.pgettext("work type, short", "dict."),
        "lab": t.pgettext("work type, short", "lab"),
    }


def work_type(work_type: str, language: str) -> str:
    """«контрольная работа» / "test"."""
    return _work_types(_t(language)).get(work_type, work_type)


def work_type_short(work_type: str, language: str) -> str:
    """«к/р» / "test"."""
    return _work_types_short(_t(language)).get(work_type, work_type)


def late_minutes(minutes: int, language: str) -> str:
    """«10 мин» / "10 min"."""
    return _t(language).ngettext("%(num)d min", "%(num)d min", minutes)


def attendance_code(status: str, minutes_late: int | None, language: str) -> str:
    """The journal's own short mark, as paper diaries had it: «н», «б», «оп 10 мин»."""
    t = _t(language)
    name = _ATTENDANCE.get(status)
    if name == "late" and minutes_late:
        return t.pgettext(
            "attendance, short", "late %(minutes)s", minutes=late_minutes(minutes_late, language)
        )
    codes = {
        # TRANSLATORS: the diary's short mark for a lesson missed; Russian: «н».
        "absent": t.pgettext("attendance, short", "abs."),
        # TRANSLATORS: the diary's short mark for a lesson missed through illness; «б».
        "ill": t.pgettext("attendance, short", "ill"),
        # TRANSLATORS: the diary's short mark for coming late; «оп».
        "late": t.pgettext("attendance, short", "late"),
    }
    return codes.get(name or "", status)


def attendance_words(status: str, minutes_late: int | None, language: str) -> str:
    """«опоздал(а) на 10 мин» / "late by 10 min"; «отсутствовал(а)»."""
    t = _t(language)
    name = _ATTENDANCE.get(status)
    if name == "late" and minutes_late:
        minutes = late_minutes(minutes_late, language)
        return t.pgettext("attendance", "late by %(minutes)s", minutes=minutes)
    words = {
        "absent": t.pgettext("attendance", "absent"),
        "ill": t.pgettext("attendance", "ill"),
        "late": t.pgettext("attendance", "late"),
    }
    return words.get(name or "", status)


def attendance_legend(language: str) -> str:
    """What the short marks mean: «н — отсутствовал(а), б — болел(а), оп — опоздал(а)»."""
    parts = [
        _t(language).pgettext(
            "attendance legend",
            "%(code)s — %(words)s",
            code=attendance_code(code, None, language),
            words=attendance_words(code, None, language),
        )
        for code in ("absent", "ill", "late")
    ]
    return ", ".join(parts)


def _remark_kinds(t: Texts) -> dict[str, str]:
    # As inside a sentence; `remark_kind` capitalises for a heading.
    return {
        "remark": t.pgettext("remark kind", "remark"),
        "praise": t.pgettext("remark kind", "praise"),
        "appeal": t.pgettext("remark kind", "note to parents"),
    }


def remark_word(kind: str, language: str) -> str:
    """«замечание» / "remark", as inside a sentence."""
    return _remark_kinds(_t(language)).get(kind, kind)


def remark_kind(kind: str, language: str) -> str:
    """«Замечание» / "Remark"."""
    words = remark_word(kind, language)
    return words[:1].upper() + words[1:]


def average_text(value: float, language: str) -> str:
    """«4,50» / "4.50": two decimals, with the decimal sign of the reader's language."""
    return formats.fixed(value, _t(language).language, 2)
