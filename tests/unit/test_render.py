"""What a parent reads: compositions rendered for Telegram, email and SMS, pure and exact."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from jinja2 import UndefinedError

from core.delivery.compose import Composition, Item
from notifier.base import OutgoingMessage
from notifier.render import SMS_LIMIT, environment, render
from notifier.sms_segments import count_segments
from notifier.standins.telegram_rules import parse_html

MONDAY = dt.date(2026, 11, 23)
WEDNESDAY = dt.date(2026, 11, 25)
SCHOOL = "МБОУ СОШ № 5"
TELEGRAM_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "blockquote"}


def lesson(subject: str = "Математика") -> dict[str, Any]:
    return {"subject": subject, "date": MONDAY, "slot": 2, "class_name": "7А"}


def mark(change: str = "new", value: int | None = 5, old: int | None = None, **kw: Any) -> Item:
    data = lesson(kw.pop("subject", "Математика")) | {
        "value": value,
        "old_value": old,
        "work_type": kw.pop("work_type", "test"),
        "comment": kw.pop("comment", ""),
    }
    return Item("mark", change, kw.pop("student", "Пётр"), data)


def absence(change: str = "new", status: str | None = "н", minutes: int | None = None) -> Item:
    data = lesson() | {"status": status, "minutes_late": minutes}
    return Item("attendance", change, "Пётр", data)


def homework(change: str = "new", text: str | None = "Стр. 45, № 3", due: Any = WEDNESDAY) -> Item:
    return Item("homework", change, None, lesson() | {"text": text, "due_date": due})


def remark(kind: str = "remark", subject: str | None = "Физика") -> Item:
    data = {
        "remark_kind": kind,
        "text": "Не готов к уроку",
        "subject": subject,
        "author": "Орлов И. С.",
    }
    return Item("remark", "new", "Пётр", data)


def announcement(urgent: bool = False, ident: int = 7, title: str = "Собрание") -> Item:
    data = {
        "title": title,
        "body": "В четверг в 18:00, каб. 12",
        "class_name": "7А",
        "monthly": False,
        "urgent": urgent,
        "author": "Петрова Е. В.",
        "announcement_id": ident,
    }
    return Item("announcement", "new", None, data)


def period_mark(change: str = "new", value: str | None = "5", old: str | None = None) -> Item:
    data = {"subject": "Алгебра", "period": "2 четверть", "value": value, "old_value": old}
    return Item("period_mark", change, "Пётр", data | {"mark_kind": "final"})


def composition(
    *items: Item, lang: str = "ru", mode: str = "instant", urgent: bool = False
) -> Composition:
    return Composition(1, 2, lang, mode, urgent, list(items))


def send(channel: str, *items: Item, url: str | None = None, **kw: Any) -> OutgoingMessage:
    return render(composition(*items, **kw), channel, school_name=SCHOOL, unsubscribe_url=url)


# (item, Telegram text, email subject after «Звонок: », SMS) — a parent's view of each case.
RUSSIAN = {
    "mark new": (mark(), "Пётр · Математика, пн 23.11\nОтметка 5 (контрольная работа)", "новая отметка — Пётр, Математика", "Пётр: 5 (к/р) математика 23.11"),
    "mark corrected": (mark("corrected", 5, 4), "Пётр · Математика, пн 23.11\nИсправлено: 4 → 5 (контрольная работа)", "исправлена отметка — Пётр, Математика", "Пётр: 5 вместо 4 (к/р) математика 23.11"),
    "mark withdrawn": (mark("withdrawn", None, 4), "Пётр · Математика, пн 23.11\nОтметка 4 отменена", "отменена отметка — Пётр, Математика", "Пётр: отметка 4 отменена, математика 23.11"),
    "absent": (absence(), "Пётр · Математика, пн 23.11\nОтсутствовал(а)", "пропуск урока — Пётр, Математика", "Пётр: отсутствовал(а), математика 23.11"),
    "late": (absence(status="оп", minutes=10), "Пётр · Математика, пн 23.11\nОпоздал(а) на 10 мин", "опоздание — Пётр, Математика", "Пётр: опоздал(а) на 10 мин, математика 23.11"),
    "ill corrected": (absence("corrected", "б"), "Пётр · Математика, пн 23.11\nИсправлено: болел(а)", "исправлена отметка посещаемости — Пётр, Математика", "Пётр: исправлено: болел(а), математика 23.11"),
    "absence withdrawn": (absence("withdrawn", None), "Пётр · Математика, пн 23.11\nОтметка об отсутствии снята", "снята отметка об отсутствии — Пётр, Математика", "Пётр: отметка об отсутствии снята, математика 23.11"),
    "homework new": (homework(), "Математика (7А), пн 23.11\nДомашнее задание к ср 25.11:\nСтр. 45, № 3", "домашнее задание — Математика, 7А", "Д/з математика к 25.11: Стр. 45, № 3"),
    "homework corrected": (homework("corrected", "№ 4", None), "Математика (7А), пн 23.11\nИзменено домашнее задание:\n№ 4", "изменено домашнее задание — Математика, 7А", "Д/з математика 23.11 изменено: № 4"),
    "homework withdrawn": (homework("withdrawn", None), "Математика (7А), пн 23.11\nДомашнее задание отменено", "отменено домашнее задание — Математика, 7А", "Д/з математика 23.11 отменено"),
    "remark": (remark(), "Пётр · Замечание · Физика\nНе готов к уроку\n— Орлов И. С.", "замечание — Пётр, Физика", "Пётр: замечание (физика) — Не готов к уроку"),
    "praise": (remark("praise", None), "Пётр · Благодарность\nНе готов к уроку\n— Орлов И. С.", "благодарность — Пётр", "Пётр: благодарность — Не готов к уроку"),
    "appeal": (remark("appeal"), "Пётр · Обращение к родителям · Физика\nНе готов к уроку\n— Орлов И. С.", "обращение к родителям — Пётр, Физика", "Пётр: обращение к родителям (физика) — Не готов к уроку"),
    "announcement": (announcement(), "Объявление · 7А\nСобрание\nВ четверг в 18:00, каб. 12\n— Петрова Е. В.", "объявление — Собрание", "Собрание. В четверг в 18:00, каб. 12"),
    "period mark new": (period_mark(), "Пётр · Алгебра, 2 четверть\nИтоговая отметка: 5", "итоговая отметка — Пётр, Алгебра", "Пётр: итоговая 5, алгебра, 2 четверть"),
    "period mark corrected": (period_mark("corrected", "осв", "н/а"), "Пётр · Алгебра, 2 четверть\nИтоговая отметка исправлена: не аттестован(а) → освобождён(а)", "исправлена итоговая отметка — Пётр, Алгебра", "Пётр: итоговая осв вместо н/а, алгебра, 2 четверть"),
    "period mark withdrawn": (period_mark("withdrawn", None, "4"), "Пётр · Алгебра, 2 четверть\nИтоговая отметка 4 отменена", "отменена итоговая отметка — Пётр, Алгебра", "Пётр: итоговая 4 отменена, алгебра, 2 четверть"),
}  # fmt: skip

ENGLISH = {
    "mark new": (mark(), "Пётр · Математика, Mon 23 Nov\nMark 5 (test)", "new mark — Пётр, Математика", "Пётр: 5 (test) математика 23 Nov"),
    "mark corrected": (mark("corrected", 5, 4, work_type="dictation"), "Пётр · Математика, Mon 23 Nov\nCorrected: 4 → 5 (dictation)", "corrected mark — Пётр, Математика", "Пётр: 5 instead of 4 (dict.) математика 23 Nov"),
    "mark withdrawn": (mark("withdrawn", None, 4), "Пётр · Математика, Mon 23 Nov\nMark 4 withdrawn", "withdrawn mark — Пётр, Математика", "Пётр: mark 4 withdrawn, математика 23 Nov"),
    "late": (absence(status="оп", minutes=5), "Пётр · Математика, Mon 23 Nov\nLate by 5 min", "late — Пётр, Математика", "Пётр: late by 5 min, математика 23 Nov"),
    "absence withdrawn": (absence("withdrawn", None), "Пётр · Математика, Mon 23 Nov\nAbsence mark removed", "absence mark removed — Пётр, Математика", "Пётр: absence mark removed, математика 23 Nov"),
    "homework": (homework(), "Математика (7А), Mon 23 Nov\nHomework for Wed 25 Nov:\nСтр. 45, № 3", "homework — Математика, 7А", "HW математика for 25 Nov: Стр. 45, № 3"),
    "praise": (remark("praise"), "Пётр · Praise · Физика\nНе готов к уроку\n— Орлов И. С.", "praise — Пётр, Физика", "Пётр: praise (физика) — Не готов к уроку"),
    "announcement": (announcement(urgent=True), "❗ Urgent · Announcement · 7А\nСобрание\nВ четверг в 18:00, каб. 12\n— Петрова Е. В.", "❗ Urgent — Собрание", "Urgent! Собрание. В четверг в 18:00, каб. 12"),
    "period mark": (period_mark("corrected", "5", "4"), "Пётр · Алгебра, 2 четверть\nFinal mark corrected: 4 → 5", "corrected final mark — Пётр, Алгебра", "Пётр: final 5 instead of 4, алгебра, 2 четверть"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "brand", "case"),
    [("ru", "Звонок", case) for case in RUSSIAN.values()]
    + [("en", "Zvonok", case) for case in ENGLISH.values()],
    ids=[f"ru {name}" for name in RUSSIAN] + [f"en {name}" for name in ENGLISH],
)
def test_each_item_kind_and_change(lang: str, brand: str, case: tuple[Item, str, str, str]) -> None:
    item, text, subject, sms = case
    telegram = send("telegram", item, lang=lang)
    assert telegram.text == text
    assert telegram.html is not None and parse_html(telegram.html) == text  # Telegram accepts it
    assert telegram.address == "" and telegram.subject == ""
    email = send("email", item, lang=lang)
    assert email.subject == f"{brand}: {subject}"
    assert email.text.startswith(text + "\n\n-- \n")
    assert send("sms", item, lang=lang).text == sms


def test_the_first_line_names_the_child_in_bold() -> None:
    html = send("telegram", mark()).html
    assert html == "<b>Пётр</b> · Математика, пн 23.11\nОтметка <b>5</b> (контрольная работа)"


def test_user_text_is_escaped_in_html_and_kept_in_plain_text() -> None:
    nasty = "<script>alert('x')</script> & стр. <5>"
    items = [homework(text=nasty), mark(comment=nasty, student="<b>Ян</b>")]
    telegram = send("telegram", *items)
    assert telegram.html is not None
    assert "<script>" not in telegram.html and "&lt;script&gt;" in telegram.html
    assert "&amp; стр. &lt;5&gt;" in telegram.html
    assert set(re.findall(r"</?([a-z]+)", telegram.html)) <= TELEGRAM_TAGS
    assert nasty in telegram.text and parse_html(telegram.html) == telegram.text
    email = send("email", *items)
    assert email.html is not None and "<script>" not in email.html and "<b>Ян</b>" not in email.html
    assert nasty in email.text
    assert nasty in send("sms", *items).text


@pytest.mark.parametrize(
    ("mode", "lang", "header", "subject"),
    [
        ("instant", "ru", "Новое в дневнике", "Звонок: 2 новых записи"),
        ("daily", "ru", "Дневник за 23 ноября", "Звонок: дневник за 23 ноября"),
        ("weekly", "ru", "Итоги недели", "Звонок: итоги недели"),
        ("daily", "en", "Diary for 23 November", "Zvonok: diary for 23 November"),
    ],
)
def test_bundles_and_digests_get_a_header(mode: str, lang: str, header: str, subject: str) -> None:
    telegram = send("telegram", mark(), absence(), mode=mode, lang=lang)
    assert telegram.html is not None and telegram.html.startswith(
        f"<b>{header}</b>\n\n<b>Пётр</b>\n"
    )
    assert send("email", mark(), absence(), mode=mode, lang=lang).subject == subject


def test_a_digest_of_one_item_still_has_its_header() -> None:
    assert send("telegram", homework(), mode="daily").text.startswith("Дневник за 23 ноября\n\n")


def test_entries_are_grouped_by_child_then_kind() -> None:
    anna = mark(student="Анна", subject="История")
    items = [absence(), anna, homework(), mark(), remark("praise")]
    text = send("telegram", *items).text
    order = [
        "Домашнее задание",
        "Пётр",
        "Отметка 5",
        "Отсутствовал",
        "Благодарность",
        "Анна",
        "История",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


@pytest.mark.parametrize(("lang", "label"), [("ru", "✅ Ознакомлен"), ("en", "✅ Acknowledged")])
def test_announcements_get_an_acknowledge_button(lang: str, label: str) -> None:
    assert send("telegram", announcement(), lang=lang).buttons == ((label, "ack:announcement:7"),)
    assert send("email", announcement(), lang=lang).buttons == ()
    assert send("telegram", mark(), lang=lang).buttons == ()


def test_several_announcements_name_their_buttons() -> None:
    two = [announcement(ident=7), announcement(ident=8, title="Экскурсия")]
    assert send("telegram", *two).buttons == (
        ("✅ Ознакомлен: Собрание", "ack:announcement:7"),
        ("✅ Ознакомлен: Экскурсия", "ack:announcement:8"),
    )


def test_urgent_announcements_start_with_the_marker() -> None:
    single = send("telegram", announcement(urgent=True), urgent=True)
    assert single.text.startswith("❗ Срочно · Объявление · 7А\nСобрание")
    bundle = send("telegram", announcement(urgent=True), announcement(True, 8), urgent=True)
    assert bundle.text.startswith("❗ Срочно · Новое в дневнике\n\n❗ Срочно · Объявление")
    assert (
        send("email", announcement(urgent=True), urgent=True).subject
        == "Звонок: ❗ Срочно — Собрание"
    )
    assert send("sms", announcement(urgent=True), urgent=True).text.startswith("Срочно! Собрание.")


def test_several_sms_items_are_joined_naming_each_child_once() -> None:
    items = [mark(), mark(work_type="dictation", subject="Русский язык", value=4), homework()]
    assert send("sms", *items).text == (
        "Д/з математика к 25.11: Стр. 45, № 3; Пётр: 5 (к/р) математика 23.11; "
        "4 (дикт.) русский язык 23.11"
    )


def test_a_long_sms_bundle_is_summarized() -> None:
    items = [mark(subject=s) for s in ("Математика", "Физика", "Химия")] + [
        absence(),
        absence(status="оп", minutes=5),
        mark(student="Анна", subject="Литература"),
        remark("praise"),
        homework(),
    ]
    text = send("sms", *items).text
    assert text == (
        "1 д/з; Пётр: 3 отметки, 1 пропуск, 1 опоздание, 1 благодарность; Анна: 1 отметка. "
        "Подробнее в Telegram/почте"
    )
    english = send("sms", *items, lang="en").text
    assert english.startswith("1 homework; Пётр: 3 marks, 1 absence, 1 late arrival, 1 praise;")


def test_an_sms_stays_within_three_segments_and_never_cuts_a_word() -> None:
    long_text = " ".join(["Прочитать параграф и ответить на вопросы"] * 10)
    text = send("sms", homework(text=long_text)).text
    assert len(text) <= SMS_LIMIT and count_segments(text).segments <= 3
    assert text.endswith("…")
    full = send("sms", homework(text=long_text + " конец")).text
    assert full[:-1].split() == text[:-1].split()  # the same cut, at a word boundary
    assert f"Д/з математика к 25.11: {long_text}".startswith(text[:-1])
    assert f"Д/з математика к 25.11: {long_text}"[len(text) - 1] == " "


def test_a_huge_sms_bundle_falls_back_to_a_count() -> None:
    children = [mark(student=f"Ребёнок{n}", subject=f"Предмет{n}") for n in range(25)]
    assert send("sms", *children).text == "Звонок: 25 новых записей. Подробнее в Telegram/почте"


def test_email_headers_and_footer() -> None:
    url = "https://zvonok.example/u/abc123"
    email = send("email", mark(), url=url)
    assert email.headers == {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert SCHOOL in email.text and "Настройки" in email.text and url in email.text
    assert email.html is not None and SCHOOL in email.html and f'href="{url}"' in email.html
    assert send("email", mark()).headers == {}
    assert url not in send("email", mark()).text


def test_email_html_is_self_contained_with_inline_styles() -> None:
    page = send("email", mark(), homework(text="строка 1\nстрока 2")).html
    assert page is not None and page.startswith("<!DOCTYPE html>") and 'lang="ru"' in page
    assert (
        "<style" not in page and "<link" not in page and "src=" not in page and "http" not in page
    )
    assert "строка 1<br>\nстрока 2" in page
    assert "<h2 style=" in page and ">Пётр</h2>" in page


def test_rendering_refuses_bad_input_loudly() -> None:
    with pytest.raises(ValueError, match="channel"):
        send("pigeon", mark())
    with pytest.raises(ValueError, match="nothing"):
        send("sms")
    broken = Item("mark", "new", "Пётр", {"subject": "Математика", "date": MONDAY})
    with pytest.raises(UndefinedError):
        send("telegram", broken)


def test_an_unknown_language_falls_back_to_russian() -> None:
    assert send("sms", mark(), lang="de").text == "Пётр: 5 (к/р) математика 23.11"


@pytest.mark.parametrize(
    ("expression", "ru", "en"),
    [
        ("d|long_date", "пн, 23 ноября", "Mon, 23 November"),
        ("d|short_date", "23.11", "23 Nov"),
        ("d|weekday_date", "пн 23.11", "Mon 23 Nov"),
        ("'2026-11-25'|day_month", "25 ноября", "25 November"),
        ("'oral'|work_type", "устный ответ", "oral answer"),
        ("'written'|work_type", "письменная работа", "written work"),
        ("'essay'|work_type", "сочинение", "essay"),
        ("'homework'|work_type", "домашняя работа", "homework"),
        ("'practical'|work_type", "практическая работа", "practical work"),
        ("'lab'|work_type", "лабораторная работа", "lab work"),
        ("'оп'|attendance", "опоздал(а)", "late"),
        ("'appeal'|remark_kind", "обращение к родителям", "note to parents"),
        ("[1, 2, 5, 11, 21, 104, 112]|map('plural', 'a', 'b', 'c')|join", "abccabc", "abccabc"),
        ("[1, 3]|map('plural', 'entry', 'entries')|join(' ')", "entry entries", "entry entries"),
    ],
)
def test_filters(expression: str, ru: str, en: str) -> None:
    template = environment().from_string("{{ " + expression + " }}")
    assert template.render(lang="ru", d=MONDAY) == ru
    assert template.render(lang="en", d=MONDAY) == en


# A realistic instant bundle, word for word: a change here is a change parents will see.
BUNDLE = [
    mark("new", 5, None, work_type="test"),
    mark("corrected", 4, 3, subject="Русский язык", work_type="dictation", comment="Работа над ошибками"),
    absence(status="оп", minutes=10),
    homework(text="Стр. 45, № 3 & 4"),
]  # fmt: skip

BUNDLE_TELEGRAM = """<b>Новое в дневнике</b>

Математика (7А), пн 23.11
Домашнее задание к ср 25.11:
Стр. 45, № 3 &amp; 4

<b>Пётр</b>
Математика, пн 23.11
Отметка <b>5</b> (контрольная работа)

Русский язык, пн 23.11
Исправлено: 3 → <b>4</b> (диктант)
<i>Работа над ошибками</i>

Математика, пн 23.11
Опоздал(а) на 10 мин"""

BUNDLE_EMAIL_FOOTER = """

-- 
МБОУ СОШ № 5 · электронный журнал «Звонок»
Какие сообщения приходят и куда, можно изменить в Telegram-боте «Звонок» (раздел «Настройки») или попросить об этом классного руководителя.
Отписаться от писем: https://zvonok.example/u/1"""  # noqa: W291  (the "-- " signature separator)


def test_a_realistic_bundle_word_for_word() -> None:
    telegram = send("telegram", *BUNDLE)
    assert telegram.html == BUNDLE_TELEGRAM
    assert telegram.text == parse_html(BUNDLE_TELEGRAM)
    email = send("email", *BUNDLE, url="https://zvonok.example/u/1")
    assert email.subject == "Звонок: 4 новых записи"
    assert email.text == parse_html(BUNDLE_TELEGRAM) + BUNDLE_EMAIL_FOOTER
    assert send("sms", *BUNDLE).text == (
        "Д/з математика к 25.11: Стр. 45, № 3 & 4; Пётр: 5 (к/р) математика 23.11; "
        "4 вместо 3 (дикт.) русский язык 23.11; опоздал(а) на 10 мин, математика 23.11"
    )
