"""What a parent reads: compositions rendered for Telegram, email and SMS, pure and exact."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from jinja2 import UndefinedError

from core.delivery.compose import Composition, Item
from core.reading import words
from notifier.base import OutgoingMessage
from notifier.render import LANGUAGES, render
from notifier.render_sms import SMS_SEGMENTS
from notifier.sms_segments import count_segments
from notifier.standins.telegram_rules import parse_html
from notifier.templating import environment

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


def absence(
    change: str = "new",
    status: str | None = "absent",
    minutes: int | None = None,
    student: str = "Пётр",
    subject: str = "Математика",
) -> Item:
    data = lesson(subject) | {"status": status, "minutes_late": minutes}
    return Item("attendance", change, student, data)


def homework(change: str = "new", text: str | None = "Стр. 45, № 3", due: Any = WEDNESDAY) -> Item:
    return Item("homework", change, None, lesson() | {"text": text, "due_date": due})


def remark(
    kind: str = "remark",
    subject: str | None = "Физика",
    text: str = "Не готов к уроку",
    student: str = "Пётр",
) -> Item:
    data = {"remark_kind": kind, "text": text, "subject": subject, "author": "Орлов И. С."}
    return Item("remark", "new", student, data)


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
    *items: Item,
    lang: str = "ru",
    mode: str = "instant",
    urgent: bool = False,
    channels: tuple[str, ...] = (),
) -> Composition:
    return Composition(1, 2, lang, mode, urgent, list(items), channels)


def send(channel: str, *items: Item, url: str | None = None, **kw: Any) -> OutgoingMessage:
    return render(composition(*items, **kw), channel, school_name=SCHOOL, unsubscribe_url=url)


# (item, Telegram text, email subject after «Звонок: », SMS) — a parent's view of each case.
RUSSIAN = {
    "mark new": (mark(), "Пётр · Математика, пн 23.11\nОтметка 5 (контрольная работа)", "новая отметка — Пётр, Математика", "Пётр: 5 (к/р) математика 23.11"),
    "mark corrected": (mark("corrected", 5, 4), "Пётр · Математика, пн 23.11\nИсправлено: 4 → 5 (контрольная работа)", "исправлена отметка — Пётр, Математика", "Пётр: 5 вместо 4 (к/р) математика 23.11"),
    "mark withdrawn": (mark("withdrawn", None, 4), "Пётр · Математика, пн 23.11\nОтметка 4 отменена", "отменена отметка — Пётр, Математика", "Пётр: отметка 4 отменена, математика 23.11"),
    "absent": (absence(), "Пётр · Математика, пн 23.11\nОтсутствовал(а)", "пропуск урока — Пётр, Математика", "Пётр: отсутствовал(а), математика 23.11"),
    "late": (absence(status="late", minutes=10), "Пётр · Математика, пн 23.11\nОпоздал(а) на 10 мин", "опоздание — Пётр, Математика", "Пётр: опоздал(а) на 10 мин, математика 23.11"),
    "ill corrected": (absence("corrected", "ill"), "Пётр · Математика, пн 23.11\nИсправлено: болел(а)", "исправлена отметка посещаемости — Пётр, Математика", "Пётр: исправлено: болел(а), математика 23.11"),
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
    "mark new": (mark(), "Пётр · Математика, Mon 23/11\nMark 5 (test)", "new mark — Пётр, Математика", "Пётр: 5 (test) математика 23/11"),
    "mark corrected": (mark("corrected", 5, 4, work_type="dictation"), "Пётр · Математика, Mon 23/11\nCorrected: 4 → 5 (dictation)", "corrected mark — Пётр, Математика", "Пётр: 5 instead of 4 (dict.) математика 23/11"),
    "mark withdrawn": (mark("withdrawn", None, 4), "Пётр · Математика, Mon 23/11\nMark 4 withdrawn", "withdrawn mark — Пётр, Математика", "Пётр: mark 4 withdrawn, математика 23/11"),
    "late": (absence(status="late", minutes=5), "Пётр · Математика, Mon 23/11\nLate by 5 min", "late — Пётр, Математика", "Пётр: late by 5 min, математика 23/11"),
    "absence withdrawn": (absence("withdrawn", None), "Пётр · Математика, Mon 23/11\nAbsence mark removed", "absence mark removed — Пётр, Математика", "Пётр: absence mark removed, математика 23/11"),
    "homework": (homework(), "Математика (7А), Mon 23/11\nHomework for Wed 25/11:\nСтр. 45, № 3", "homework — Математика, 7А", "HW математика for 25/11: Стр. 45, № 3"),
    "praise": (remark("praise"), "Пётр · Praise · Физика\nНе готов к уроку\n— Орлов И. С.", "praise — Пётр, Физика", "Пётр: praise (физика) — Не готов к уроку"),
    "announcement": (announcement(urgent=True), "❗ Urgent · Announcement · 7А\nСобрание\nВ четверг в 18:00, каб. 12\n— Петрова Е. В.", "❗ Urgent — Собрание", "Urgent! Собрание. В четверг в 18:00, каб. 12"),
    "period mark": (period_mark("corrected", "5", "4"), "Пётр · Алгебра, 2 четверть\nFinal mark corrected: 4 → 5", "corrected final mark — Пётр, Алгебра", "Пётр: final 5 instead of 4, алгебра, 2 четверть"),
}  # fmt: skip


# An Uzbek family: the school's data in Uzbek too (names, subjects, the remark's words).
AZIZ = {"student": "Aziz", "subject": "Matematika"}
UZ_TEST = words.work_type_short("test", "uz")  # the diary's abbreviation (domain "family")
UZBEK = {
    "mark new": (mark(**AZIZ), "Aziz · Matematika, Dush 23/11\nBaho 5 (nazorat ishi)", "yangi baho — Aziz, Matematika", f"Aziz: 5 ({UZ_TEST}) matematika 23/11"),
    "mark corrected": (mark("corrected", 5, 4, work_type="dictation", **AZIZ), "Aziz · Matematika, Dush 23/11\nTuzatildi: 4 → 5 (diktant)", "baho tuzatildi — Aziz, Matematika", f"Aziz: 4 oʻrniga 5 ({words.work_type_short('dictation', 'uz')}) matematika 23/11"),
    "absent": (absence(**AZIZ), "Aziz · Matematika, Dush 23/11\nDarsga kelmadi", "dars qoldirildi — Aziz, Matematika", "Aziz: darsga kelmadi, matematika 23/11"),
    "late": (absence(status="late", minutes=10, **AZIZ), "Aziz · Matematika, Dush 23/11\n10 daqiqa kechikdi", "darsga kechikish — Aziz, Matematika", "Aziz: 10 daqiqa kechikdi, matematika 23/11"),
    "remark": (remark(subject="Fizika", text="Darsga tayyor emas", student="Aziz"), "Aziz · Tanbeh · Fizika\nDarsga tayyor emas\n— Орлов И. С.", "tanbeh — Aziz, Fizika", "Aziz: tanbeh (fizika) — Darsga tayyor emas"),
    "homework": (homework(), "Математика (7А), Dush 23/11\nChor 25/11 uchun uy vazifasi:\nСтр. 45, № 3", "uy vazifasi — Математика, 7А", "Uy vazifasi, математика, 25/11 uchun: Стр. 45, № 3"),
    "announcement": (announcement(urgent=True), "❗ Shoshilinch · Eʼlon · 7А\nСобрание\nВ четверг в 18:00, каб. 12\n— Петрова Е. В.", "❗ Shoshilinch — Собрание", "Shoshilinch! Собрание. В четверг в 18:00, каб. 12"),
    "period mark": (period_mark(), "Пётр · Алгебра, 2 четверть\nYakuniy baho: 5", "yakuniy baho — Пётр, Алгебра", "Пётр: yakuniy 5, алгебра, 2 четверть"),
}  # fmt: skip

TAJIK = {
    "mark new": (mark(), "Пётр · Математика, Дшб 23-11\nБаҳо 5 (кори назоратӣ)", "баҳои нав — Пётр, Математика", f"Пётр: 5 ({words.work_type_short('test', 'tg')}) математика 23-11"),
    "absent": (absence(), "Пётр · Математика, Дшб 23-11\nДар дарс набуд", "набудан дар дарс — Пётр, Математика", "Пётр: дар дарс набуд, математика 23-11"),
    "remark": (remark(), "Пётр · Танбеҳ · Физика\nНе готов к уроку\n— Орлов И. С.", "танбеҳ — Пётр, Физика", "Пётр: танбеҳ (физика) — Не готов к уроку"),
}  # fmt: skip

KYRGYZ = {
    "mark new": (mark(), "Пётр · Математика, дүй. 23-11\nБаа 5 (текшерүү иши)", "жаңы баа — Пётр, Математика", f"Пётр: 5 ({words.work_type_short('test', 'ky')}) математика 23-11"),
    "late": (absence(status="late", minutes=5), "Пётр · Математика, дүй. 23-11\n5 мүнөт кечикти", "сабакка кечигүү — Пётр, Математика", "Пётр: 5 мүнөт кечикти, математика 23-11"),
    "praise": (remark("praise"), "Пётр · Ыраазычылык · Физика\nНе готов к уроку\n— Орлов И. С.", "ыраазычылык — Пётр, Физика", "Пётр: ыраазычылык (физика) — Не готов к уроку"),
}  # fmt: skip

CASES = [("ru", "Звонок", RUSSIAN), ("en", "Zvonok", ENGLISH), ("uz", "Zvonok", UZBEK), ("tg", "Звонок", TAJIK), ("ky", "Звонок", KYRGYZ)]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "brand", "case"),
    [(lang, brand, case) for lang, brand, cases in CASES for case in cases.values()],
    ids=[f"{lang} {name}" for lang, _brand, cases in CASES for name in cases],
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
        ("instant", "en", "New in the diary", "Zvonok: 2 new entries"),
        ("daily", "uz", "23-noyabr kundaligi", "Zvonok: 23-noyabr kundaligi"),
        ("weekly", "uz", "Hafta yakunlari", "Zvonok: hafta yakunlari"),
        ("instant", "uz", "Kundalikda yangiliklar", "Zvonok: 2 ta yangi yozuv"),
        ("daily", "tg", "Рӯзномаи 23 Ноябр", "Звонок: рӯзномаи 23 Ноябр"),
        ("weekly", "ky", "Аптанын жыйынтыгы", "Звонок: аптанын жыйынтыгы"),
    ],
)
def test_bundles_and_digests_get_a_header(mode: str, lang: str, header: str, subject: str) -> None:
    telegram = send("telegram", mark(), absence(), mode=mode, lang=lang)
    assert telegram.html is not None and telegram.html.startswith(
        f"<b>{header}</b>\n\n<b>Пётр</b>\n"
    )
    assert send("email", mark(), absence(), mode=mode, lang=lang).subject == subject


def test_a_digest_reads_whole_in_uzbek() -> None:
    items = [mark(**AZIZ), absence(status="late", minutes=5, **AZIZ), homework()]
    assert send("telegram", *items, mode="daily", lang="uz").text == (
        "23-noyabr kundaligi\n\n"
        "Математика (7А), Dush 23/11\nChor 25/11 uchun uy vazifasi:\nСтр. 45, № 3\n\n"
        "Aziz\nMatematika, Dush 23/11\nBaho 5 (nazorat ishi)\n\n"
        "Matematika, Dush 23/11\n5 daqiqa kechikdi"
    )


def test_messages_are_written_in_the_five_languages() -> None:
    assert LANGUAGES == ("ru", "en", "uz", "tg", "ky")
    email = send("email", mark(), lang="uz", url="https://zvonok.example/u/1")
    assert email.html is not None and 'lang="uz"' in email.html
    assert email.text.endswith(
        "МБОУ СОШ № 5 · «Zvonok» elektron jurnali\n"
        "Qaysi xabarlar va qayerga kelishini «Zvonok» Telegram-botida («Sozlamalar» boʻlimi) "
        "oʻzgartirishingiz yoki buni sinf rahbaridan soʻrashingiz mumkin.\n"
        "Bu xatlarga obunani bekor qilish: https://zvonok.example/u/1"
    )


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


@pytest.mark.parametrize(
    ("lang", "label"),
    [
        ("ru", "✅ Ознакомлен"),
        ("en", "✅ Acknowledged"),
        ("uz", "✅ Tanishdim"),
        ("ky", "✅ Тааныштым"),
    ],
)
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


LONG_REMARK = (
    "Разговаривал на уроке, мешал одноклассникам работать, на замечания не реагировал, "
    "телефон не убирал до конца урока. Прошу провести беседу дома."
)
BOTH = ("telegram", "email")


def test_an_sms_tells_the_essentials_within_two_segments() -> None:
    # The parent of the issue had only SMS and read «Зоя: 1 отметка, 1 замечание».
    zoya = [mark(student="Зоя"), remark(text="Разговаривала на уроке", student="Зоя")]
    text = send("sms", *zoya).text
    assert text == "Зоя: 5 (к/р) математика 23.11; замечание (физика) — Разговаривала на уроке"
    assert count_segments(text).segments <= SMS_SEGMENTS
    assert send("sms", *zoya, channels=BOTH).text == text  # all said: no pointer


def test_an_sms_bundle_for_one_child_keeps_what_matters_and_counts_the_rest() -> None:
    text = send("sms", *BUNDLE).text
    assert text == (
        "Пётр: 5 (к/р) математика 23.11; 4 вместо 3 (дикт.) русский язык 23.11; "
        "опоздал(а) на 10 мин, математика 23.11; и ещё 1 д/з"
    )
    assert count_segments(text).segments == SMS_SEGMENTS


@pytest.mark.parametrize(
    ("channels", "pointer"),
    [
        ((), ""),
        (("telegram",), " Подробнее в Telegram"),
        (("email",), " Подробнее в почте"),
        (BOTH, " Подробнее в Telegram/почте"),
    ],
)
def test_a_long_remark_is_cut_at_a_word_and_points_only_to_channels_the_parent_has(
    channels: tuple[str, ...], pointer: str
) -> None:
    text = send("sms", remark(text=LONG_REMARK), channels=channels).text
    assert count_segments(text).segments <= SMS_SEGMENTS
    assert text.endswith("…" + pointer)
    said = text.removesuffix(pointer).removesuffix("…")
    start = "Пётр: замечание (физика) — "
    assert said.startswith(start) and LONG_REMARK.startswith(said[len(start) :])
    assert not LONG_REMARK[len(said) - len(start)].isalpha()  # cut between words
    if not pointer:
        assert text == (
            "Пётр: замечание (физика) — Разговаривал на уроке, мешал одноклассникам работать, "
            "на замечания не реагировал, телефон не убирал до…"
        )


def test_a_long_uzbek_remark_is_cut_within_two_segments() -> None:
    words_of_it = (
        "Darsda gaplashdi, sinfdoshlariga xalaqit berdi, oʻqituvchining tanbehlariga "
        "eʼtibor bermadi va telefonini dars oxirigacha qoʻymadi. Uyda suhbat oʻtkazing."
    )
    item = remark(subject="Fizika", text=words_of_it, student="Aziz")
    text = send("sms", item, lang="uz", channels=("telegram",)).text
    assert text == (
        "Aziz: tanbeh (fizika) — Darsda gaplashdi, sinfdoshlariga xalaqit berdi, "
        "oʻqituvchining tanbehlariga eʼtibor… Batafsil Telegramda"
    )
    assert count_segments(text).segments == SMS_SEGMENTS


def test_a_latin_sms_gets_two_gsm_segments() -> None:
    text = " ".join(["Read the chapter and answer the questions"] * 10)
    item = Item("homework", "new", None, lesson("Maths") | {"text": text, "due_date": None})
    sms = send("sms", item, lang="en").text
    assert count_segments(sms).encoding == "gsm7" and count_segments(sms).segments == 2
    assert len(sms) > 250 and sms.startswith("HW maths 23/11: Read the chapter")
    assert sms.endswith(" the...")  # «…» is not GSM-7: it would halve the room


def test_a_long_sms_bundle_of_several_children_is_counted_child_by_child() -> None:
    items = [mark(subject=s) for s in ("Математика", "Физика", "Химия")] + [
        absence(),
        absence(status="late", minutes=5),
        mark(student="Анна", subject="Литература"),
        remark("praise"),
        homework(),
    ]
    counts = "1 д/з; Пётр: 3 отметки, 1 пропуск, 1 опоздание, 1 благодарность; Анна: 1 отметка."
    assert send("sms", *items).text == counts  # an SMS-only parent: nowhere to point to
    assert send("sms", *items, channels=BOTH).text == counts + " Подробнее в Telegram/почте"
    english = send("sms", *items, lang="en").text
    assert english.startswith("1 homework; Пётр: 3 marks, 1 absence, 1 late arrival, 1 praise;")
    uzbek = send("sms", *items, lang="uz", channels=("email",)).text
    assert uzbek == (
        "1 ta uy vazifasi; Пётр: 3 ta baho, 1 ta qoldirilgan dars, 1 ta kechikish, 1 ta maqtov; "
        "Анна: 1 ta baho. Batafsil elektron pochtangizda"
    )


def test_an_sms_stays_within_two_segments_and_never_cuts_a_word() -> None:
    long_text = " ".join(["Прочитать параграф и ответить на вопросы"] * 10)
    text = send("sms", homework(text=long_text)).text
    assert count_segments(text).segments <= SMS_SEGMENTS and len(text) <= 134
    assert text.endswith("…")
    full = send("sms", homework(text=long_text + " конец")).text
    assert full[:-1].split() == text[:-1].split()  # the same cut, at a word boundary
    assert f"Д/з математика к 25.11: {long_text}".startswith(text[:-1])
    assert f"Д/з математика к 25.11: {long_text}"[len(text) - 1] == " "


def test_a_huge_sms_bundle_falls_back_to_a_count() -> None:
    children = [mark(student=f"Ребёнок{n}", subject=f"Предмет{n}") for n in range(25)]
    assert send("sms", *children).text == "Звонок: 25 новых записей."
    assert (
        send("sms", *children, channels=BOTH).text
        == "Звонок: 25 новых записей. Подробнее в Telegram/почте"
    )


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
    ("expression", "ru", "en", "uz"),
    [
        ("d|short_date", "23.11", "23/11", "23/11"),
        ("d|weekday_date", "пн 23.11", "Mon 23/11", "Dush 23/11"),
        ("'2026-11-25'|day_month", "25 ноября", "25 November", "25-noyabr"),
        ("'oral'|work_type", "устный ответ", "oral answer", "ogʻzaki javob"),
        ("'written'|work_type", "письменная работа", "written work", "yozma ish"),
        ("'essay'|work_type", "сочинение", "essay", "insho"),
        ("'homework'|work_type", "домашняя работа", "homework", "uy ishi"),
        ("'practical'|work_type", "практическая работа", "practical work", "amaliy ish"),
        ("'lab'|work_type", "лабораторная работа", "lab work", "laboratoriya ishi"),
        ("'seminar'|work_type", "seminar", "seminar", "seminar"),
        (
            "'appeal'|remark_kind",
            "обращение к родителям",
            "note to parents",
            "ota-onalarga murojaat",
        ),
        ("'ОБЖ'|lower_first ~ 'Физика'|lower_first", "ОБЖфизика", "ОБЖфизика", "ОБЖфизика"),
    ],
)
def test_filters(expression: str, ru: str, en: str, uz: str) -> None:
    for lang, expected in (("ru", ru), ("en", en), ("uz", uz)):
        template = environment(lang).from_string("{{ " + expression + " }}")
        assert template.render(d=MONDAY) == expected


# A realistic instant bundle, word for word: a change here is a change parents will see.
BUNDLE = [
    mark("new", 5, None, work_type="test"),
    mark("corrected", 4, 3, subject="Русский язык", work_type="dictation", comment="Работа над ошибками"),
    absence(status="late", minutes=10),
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
    assert send("sms", *BUNDLE[:3]).text == (
        "Пётр: 5 (к/р) математика 23.11; 4 вместо 3 (дикт.) русский язык 23.11; "
        "опоздал(а) на 10 мин, математика 23.11"
    )
