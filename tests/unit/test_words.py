"""The diary's words (core/reading/words.py) in every parents' language."""

from __future__ import annotations

import datetime as dt

import pytest

from core.reading import words

FRIDAY = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("language", "short", "full", "for_day", "by_day", "date"),
    [
        ("ru", "пт", "пятница", "на пятницу", "к пятнице", "27 ноября"),
        ("en", "Fri", "Friday", "for Friday", "by Friday", "27 November"),
        ("uz", "Jum", "juma", "juma uchun", "jumagacha", "27-noyabr"),
        ("tg", "Ҷмъ", "Ҷумъа", "барои ҷумъа", "то ҷумъа", "27 Ноябр"),
        ("ky", "жума", "жума", "жумага", "жумага чейин", "27-ноябрь"),
    ],
)
def test_weekdays_and_dates(
    language: str, short: str, full: str, for_day: str, by_day: str, date: str
) -> None:
    assert words.weekday(FRIDAY, language) == short
    assert words.weekday_full(FRIDAY, language) == full
    assert words.for_weekday(FRIDAY, language) == for_day
    assert words.by_weekday(FRIDAY, language) == by_day
    assert words.day_month(FRIDAY, language) == date


def test_a_diary_lines_date_is_short_in_the_readers_own_way() -> None:
    assert [words.short_date(FRIDAY, lang) for lang in ("ru", "en", "uz", "ky")] == [
        "27.11",
        "27 Nov",
        "27-noy",
        "27-ноя.",
    ]


def test_every_weekday_has_its_own_phrase() -> None:
    week = [dt.date(2026, 11, 23) + dt.timedelta(days=n) for n in range(7)]
    assert [words.for_weekday(day, "ru") for day in week] == [
        "на понедельник",
        "на вторник",
        "на среду",
        "на четверг",
        "на пятницу",
        "на субботу",
        "на воскресенье",
    ]
    assert words.by_weekday(week[1], "ru") == "ко вторнику"
    assert [words.weekday_name(n, "en") for n in (0, 5)] == ["Monday", "Saturday"]


def test_date_spans_within_a_month_across_months_and_years() -> None:
    assert words.date_span(dt.date(2026, 11, 23), FRIDAY, "ru") == "23–27 ноября 2026"
    assert words.date_span(dt.date(2026, 11, 23), FRIDAY, "en") == "23–27 November 2026"
    assert (
        words.date_span(dt.date(2026, 11, 30), dt.date(2026, 12, 5), "ru")
        == "30 ноября – 5 декабря 2026"
    )
    assert (
        words.date_span(dt.date(2026, 12, 28), dt.date(2027, 1, 2), "en")
        == "28 December 2026 – 2 January 2027"
    )
    assert words.date_span(dt.date(2026, 11, 23), FRIDAY, "ky") == "2026-ж. 23–27-ноябрь"


def test_work_types_attendance_and_notes() -> None:
    assert (words.work_type("test", "ru"), words.work_type_short("test", "ru")) == (
        "контрольная работа",
        "к/р",
    )
    assert words.work_type("test", "uz") == "nazorat ishi"
    assert words.work_type_short("quiz", "ru") == "quiz"  # a type added later prints as is
    assert words.WORK_TYPE_CODES[0] == "oral"
    # The journal stores absent, ill, late; the journal's letters are accepted too.
    assert words.attendance_code("late", 10, "ru") == "оп 10 мин"
    assert words.attendance_code("оп", 10, "ru") == "оп 10 мин"
    assert words.attendance_code("late", 10, "en") == "late 10 min"
    assert words.attendance_code("absent", None, "ru") == words.attendance_code("н", None, "ru")
    assert words.attendance_code("absent", None, "ru") == "н"
    assert words.attendance_words("оп", 10, "ru") == "опоздал(а) на 10 мин"
    assert words.attendance_words("б", None, "tg") == "бемор буд"
    assert words.attendance_legend("ru") == "н — отсутствовал(а), б — болел(а), оп — опоздал(а)"
    assert (words.remark_kind("praise", "ru"), words.remark_word("appeal", "ru")) == (
        "Благодарность",
        "обращение к родителям",
    )


def test_numbers_use_the_readers_decimal_sign_and_unknown_languages_read_russian() -> None:
    assert (words.average_text(4.5, "ru"), words.average_text(4.5, "en")) == ("4,50", "4.50")
    assert words.weekday_full(FRIDAY, "de") == "пятница"
