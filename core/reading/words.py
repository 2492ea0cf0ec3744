"""The words a diary page is written in: weekdays, months, work types, attendance.

Vocabulary shared by every reader of the diary (the bot's screens, the printed weekly
summary): a journal code («оп», "test", a date) becomes words of the reader's language.
Russian is the default; an unknown code prints as itself and never fails.
"""

from __future__ import annotations

import datetime as dt

WEEKDAYS = {
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
WEEKDAYS_FULL = {
    "ru": ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {  # Russian in the genitive: «23 ноября»
    "ru": (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
WORK_TYPES = {
    "ru": {
        "oral": "устный ответ",
        "written": "письменная работа",
        "test": "контрольная работа",
        "essay": "сочинение",
        "homework": "домашняя работа",
        "practical": "практическая работа",
        "dictation": "диктант",
        "lab": "лабораторная работа",
    },
    "en": {
        "oral": "oral answer",
        "written": "written work",
        "test": "test",
        "essay": "essay",
        "homework": "homework",
        "practical": "practical work",
        "dictation": "dictation",
        "lab": "lab work",
    },
}
# Short forms: a diary line on a phone, a printed table or an SMS has little room.
WORK_TYPES_SHORT = {
    "ru": {
        "oral": "устн.",
        "written": "пис.",
        "test": "к/р",
        "essay": "соч.",
        "homework": "д/з",
        "practical": "пр/р",
        "dictation": "дикт.",
        "lab": "л/р",
    },
    "en": {
        "oral": "oral",
        "written": "written",
        "test": "test",
        "essay": "essay",
        "homework": "hw",
        "practical": "pract.",
        "dictation": "dict.",
        "lab": "lab",
    },
}
ATTENDANCE = {
    "ru": {"н": "отсутствовал(а)", "б": "болел(а)", "оп": "опоздал(а)"},
    "en": {"н": "absent", "б": "ill", "оп": "late"},
}
LATE_MINUTES = {"ru": "{minutes} мин", "en": "{minutes} min"}
REMARK_KINDS = {  # as inside a sentence; `remark_kind` capitalises for a heading
    "ru": {"remark": "замечание", "praise": "благодарность", "appeal": "обращение к родителям"},
    "en": {"remark": "remark", "praise": "praise", "appeal": "note to parents"},
}


def _lang(language: str) -> str:
    return language if language in WEEKDAYS else "ru"


def weekday(day: dt.date, language: str) -> str:
    """«пн» / "Mon"."""
    return WEEKDAYS[_lang(language)][day.weekday()]


def weekday_full(day: dt.date, language: str) -> str:
    """«понедельник» / "Monday"."""
    return WEEKDAYS_FULL[_lang(language)][day.weekday()]


def short_date(day: dt.date, language: str) -> str:
    """«23.11» / "23 Nov"."""
    if _lang(language) == "en":
        return f"{day.day} {MONTHS['en'][day.month - 1][:3]}"
    return f"{day:%d.%m}"


def day_month(day: dt.date, language: str) -> str:
    """«23 ноября» / "23 November"."""
    return f"{day.day} {MONTHS[_lang(language)][day.month - 1]}"


def date_span(first: dt.date, last: dt.date, language: str) -> str:
    """«23–28 ноября 2026», «30 ноября – 5 декабря 2026» / "23–28 November 2026"."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{day_month(last, language)} {last.year}"
    if first.year == last.year:
        return f"{day_month(first, language)} – {day_month(last, language)} {last.year}"
    return f"{day_month(first, language)} {first.year} – {day_month(last, language)} {last.year}"


def work_type_short(work_type: str, language: str) -> str:
    """«к/р» / "test"."""
    return WORK_TYPES_SHORT[_lang(language)].get(work_type, work_type)


def attendance_code(status: str, minutes_late: int | None, language: str) -> str:
    """The journal's own mark, as paper diaries had it: «н», «б», «оп 10 мин»."""
    if status == "оп" and minutes_late:
        return f"{status} {LATE_MINUTES[_lang(language)].format(minutes=minutes_late)}"
    return status


def attendance_words(status: str, minutes_late: int | None, language: str) -> str:
    """«опоздал(а) на 10 мин» / "late by 10 min"; «отсутствовал(а)»."""
    lang = _lang(language)
    words = ATTENDANCE[lang].get(status, status)
    if status == "оп" and minutes_late:
        by = "на" if lang == "ru" else "by"
        words = f"{words} {by} {LATE_MINUTES[lang].format(minutes=minutes_late)}"
    return words


def remark_kind(kind: str, language: str) -> str:
    """«Замечание» / "Remark"."""
    words = REMARK_KINDS[_lang(language)].get(kind, kind)
    return words[:1].upper() + words[1:]


def average_text(value: float, language: str) -> str:
    """«4,50» / "4.50": the decimal separator of the reader's language."""
    text = f"{value:.2f}"
    return text.replace(".", ",") if _lang(language) == "ru" else text
