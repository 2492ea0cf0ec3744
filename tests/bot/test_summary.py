"""/summary: the week's summary arrives as a PDF document with «Ознакомлен» (on MAX the
caption and its button come in the message after the file: `reading_helpers.sheets`)."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest
from sqlmodel import select

from core.models import Acknowledgement
from tests.bot.harness import Answer, BotUnderTest, Person
from tests.bot.reading_helpers import at_now, leaked, link_chat, plain, sheets
from tests.builders import World
from tests.integration.reading_helpers import write_week

# Every scenario on both messengers: a document goes as Telegram's document or MAX's uploaded file with its caption apart.
pytestmark = pytest.mark.both_messengers

CHAT = 8601


@pytest.fixture
async def system(bot_system: BotUnderTest, world: World) -> BotUnderTest:
    await write_week(bot_system.db, world)
    await link_chat(bot_system.db, world, "sokolova", bot_system.chat(CHAT))
    return at_now(bot_system)


async def pdf_text(person: Person, answer: Answer) -> str:
    data = await person.document(answer)
    assert data.startswith(b"%PDF")
    document = pdfium.PdfDocument(data)
    try:
        assert len(document) == 1
        text = document[0].get_textpage().get_text_bounded()
    finally:
        document.close()
    return " ".join(re.sub("\u2010\\s+", "", text).split())


async def test_a_parent_picks_a_child_and_gets_the_pdf_to_acknowledge(
    system: BotUnderTest, world: World
) -> None:
    parent = system.person(CHAT)
    [question] = await parent.send("/summary")
    assert question.buttons == [
        ("Пётр Соколов, 7Б", f"summary:{world.students['petya']}"),
        ("Дарья Соколова, 1А", f"summary:{world.students['dasha']}"),
        ("Мария Соколова, 7Б", f"summary:{world.students['masha']}"),
        ("Всех детей", "summary:0"),
    ]

    [document] = sheets(await parent.tap("Пётр Соколов, 7Б"))
    assert document.file.document_name == "itogi-nedeli-sokolov-petr-2026-11-23.pdf"
    assert plain(document.note) == "📄 Итоги недели: Пётр Соколов, 7Б\n23–28 ноября 2026"
    petya = world.students["petya"]
    data = f"ack:week:{petya}:2026-11-23"
    assert document.note.buttons == [("✅ Ознакомлен", data)]
    text = await pdf_text(parent, document.file)
    for expected in ("Соколов Пётр", "7Б", "Карточка №4", "5к/р", "Подпись родителя"):
        assert expected in text.replace("5 к/р", "5к/р"), expected
    assert "Карточка №9" not in text and "Не выполнил" not in text

    # The parent signs for the week with the button under the document.
    [signed] = await parent.tap("✅ Ознакомлен", on=document.note)
    assert signed.message_id == document.note.message_id
    [(label, payload)] = signed.buttons
    assert label.startswith("✓ Ознакомлен(а) ") and payload == data
    async with system.db.session() as session:
        [row] = (await session.exec(select(Acknowledgement))).all()
    assert (row.subject, row.student_id, row.via) == (
        data.removeprefix("ack:"),
        petya,
        system.messenger.value,
    )


async def test_all_children_each_get_their_own_document(system: BotUnderTest, world: World) -> None:
    parent = system.person(CHAT)
    await parent.send("/start")
    await parent.menu("📄 Итоги недели (PDF)")
    documents = sheets(await parent.tap("Всех детей"))
    assert [d.file.document_name for d in documents] == [
        "itogi-nedeli-sokolov-petr-2026-11-23.pdf",
        "itogi-nedeli-sokolova-daria-2026-11-23.pdf",
        "itogi-nedeli-sokolova-mariia-2026-11-23.pdf",
    ]
    masha = documents[2]
    assert masha.note.buttons == [
        ("✅ Ознакомлен", f"ack:week:{world.students['masha']}:2026-11-23")
    ]
    text = await pdf_text(parent, masha.file)
    assert "Соколова Мария" in text and "Прошу подойти на консультацию" in text
    assert "Соколов Пётр" not in text


async def test_a_parent_of_one_child_gets_the_pdf_at_once(
    system: BotUnderTest, world: World
) -> None:
    await link_chat(system.db, world, "novikov", system.chat(8701), language="en")
    father = system.person(8701, language_code="en")
    [document] = sheets(await father.send("/summary"))
    assert document.file.document_name == "itogi-nedeli-novikov-ivan-2026-11-23.pdf"
    assert plain(document.note) == "📄 Week's summary: Иван Новиков, 7Б\n23–28 November 2026"
    assert document.note.buttons == [
        ("✅ Acknowledged", f"ack:week:{world.students['vanya']}:2026-11-23")
    ]
    text = await pdf_text(father, document.file)
    assert "Новиков Иван" in text and "Карточка №9" in text and "Parent's signature" in text


async def test_a_stranger_gets_no_document(system: BotUnderTest) -> None:
    for number, text in enumerate(["/summary", "📄 Итоги недели (PDF)"]):
        answers = await system.person(8800 + number).send(text)
        assert answers and all(a.document_name is None for a in answers)
        assert leaked(answers) == [] and all(a.buttons == [] for a in answers)
