"""The settings screen through the real bot, on Telegram and on MAX: one message edited
in place, every change in the database, codes for a new address arriving at the SMTP
stand-in and the SMS gateway emulator.

Соколова (chat MOTHER in the messenger of the test) is linked to the bot and has
consented; her email is sokolova@example.ru and her phone +79160000001.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from core.db import Database
from core.models import Guardian, GuardianSettings, Messenger
from notifier.standins.sms_gateway import RunningGateway, run_sms_gateway
from notifier.standins.smtp import ReceivedMessage, SmtpStandin, run_smtp_standin
from tests.bot.harness import Answer, BotUnderTest, Person, running_bot
from tests.bot.settings_helpers import change_policy, link_guardian, other
from tests.builders import World

# Every scenario on both messengers: one message edited in place, with its buttons, in each messenger.
pytestmark = pytest.mark.both_messengers

MOTHER = 6001
NAMES = {Messenger.telegram: "Telegram", Messenger.max: "MAX"}
CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
async def mail() -> AsyncIterator[SmtpStandin]:
    async with run_smtp_standin() as standin:
        yield standin


@pytest.fixture
async def sms() -> AsyncIterator[RunningGateway]:
    async with run_sms_gateway() as gateway:
        yield gateway


@pytest.fixture
async def system(
    sqlite_db: Database,
    world: World,
    redis_url: str,
    messenger: Messenger,
    mail: SmtpStandin,
    sms: RunningGateway,
) -> AsyncIterator[BotUnderTest]:
    """The bot with working email and SMS: the stand-ins are its SMTP relay and gateway."""
    await link_guardian(sqlite_db, world, "sokolova", messenger, MOTHER)
    async with running_bot(
        sqlite_db,
        redis_url,
        messenger,
        smtp_host="127.0.0.1",
        smtp_port=mail.port,
        smtp_tls="none",
        sms_provider="smsru",
        sms_url=sms.url,
        sms_api_key="emulator-api-id",
    ) as bot:
        yield bot


@pytest.fixture
def mother(system: BotUnderTest) -> Person:
    return system.person(MOTHER)


async def guardian(system: BotUnderTest, world: World) -> Guardian:
    async with system.db.session() as s:
        row = await s.get(Guardian, world.guardians["sokolova"])
        assert row is not None
        return row


async def her_settings(system: BotUnderTest, world: World) -> GuardianSettings | None:
    async with system.db.session() as s:
        query = select(GuardianSettings).where(
            GuardianSettings.guardian_id == world.guardians["sokolova"]
        )
        return (await s.exec(query)).first()


def code_in(letter: ReceivedMessage) -> str:
    """The six-digit code in an email's text part."""
    body = letter.message.get_body(preferencelist=("plain",))
    assert body is not None
    match = CODE.search(body.get_content())
    assert match is not None, "no code in the letter"
    return match.group(1)


async def one_edit(answers: list[Answer], of: Answer) -> Answer:
    """The single answer to a tap: the settings message itself, edited."""
    [edited] = answers
    assert edited.message_id == of.message_id
    return edited


async def test_navigating_to_a_kind_and_switching_marks_off(
    system: BotUnderTest, world: World, mother: Person
) -> None:
    [screen] = await mother.send("/settings")
    assert "Настройки" in screen.text and "Оценки: сразу" in screen.text
    assert "Домашние задания: в сводке за день" in screen.text
    assert "Тихие часы: 21:00–07:30 (как в школе)" in screen.text
    modes = await one_edit(await mother.tap("Что присылать"), screen)
    assert ("Оценки · сразу", "set:topic::marks") in modes.buttons
    topic = await one_edit(await mother.tap("Оценки · сразу"), screen)
    assert "Оценки</b>: сейчас — сразу" in topic.text
    assert [t for t, _ in topic.buttons[:4]] == [
        "✓ сразу",
        "в сводке за день",
        "раз в неделю",
        "не присылать",
    ]
    saved = await one_edit(await mother.tap("не присылать"), screen)
    assert "Сохранено" in saved.text and ("Оценки · не присылать", "set:topic::marks") in (
        saved.buttons
    )
    row = await her_settings(system, world)
    assert row is not None and row.modes == {"marks": "off"}
    # Back on the first screen, the value in force.
    await mother.tap("« Назад")
    assert "Оценки: не присылать" in (await mother.history())[-1].text


async def test_the_menu_entry_opens_the_same_screen(mother: Person) -> None:
    [welcome] = await mother.send("/start")
    assert "⚙️ Настройки" in welcome.keyboard
    [screen] = await mother.menu("⚙️ Настройки")
    assert "Настройки" in screen.text and ("Каналы", "set:channels::") in screen.buttons


def channel_lines(answer: Answer) -> list[str]:
    """The channels screen's numbered lines: «1. Telegram — этот чат ✓»..."""
    return [line for line in answer.text.splitlines() if line[:1].isdigit()]


def messenger_states(system: BotUnderTest, *, other_state: str) -> dict[str, str]:
    """How each messenger's line reads on a screen shown in this test's messenger."""
    return {
        NAMES[system.messenger]: f"{NAMES[system.messenger]} — этот чат ✓",
        NAMES[other(system.messenger)]: f"{NAMES[other(system.messenger)]} — {other_state}",
    }


async def test_channel_order_moves_email_up(
    system: BotUnderTest, world: World, mother: Person
) -> None:
    [screen] = await mother.send("/settings")
    channels = await one_edit(await mother.tap("Каналы"), screen)
    state = messenger_states(system, other_state="не подключён")
    assert channel_lines(channels) == [
        f"1. {state['Telegram']}",
        f"2. {state['MAX']}",
        "3. Email — sokolova@example.ru ✓",
        "4. SMS — +79160000001 ✓",
    ]
    assert [t for t, _ in channels.buttons[:3]] == ["⬆ MAX", "⬆ Email", "⬆ SMS"]
    await one_edit(await mother.tap("⬆ Email"), screen)
    moved = await one_edit(await mother.tap("⬆ Email"), screen)
    assert "Сохранено" in moved.text
    assert channel_lines(moved) == [
        "1. Email — sokolova@example.ru ✓",
        f"2. {state['Telegram']}",
        f"3. {state['MAX']}",
        "4. SMS — +79160000001 ✓",
    ]
    row = await her_settings(system, world)
    assert row is not None and row.channels == ["email", "telegram", "max", "sms"]

    # She follows her children in the other messenger too: connected there, and this
    # chat is still the one the screen is shown in.
    await link_guardian(system.db, world, "sokolova", other(system.messenger), MOTHER + 100)
    await mother.tap("« Назад", on=moved)
    again = await one_edit(await mother.tap("Каналы"), screen)
    state = messenger_states(system, other_state="подключён ✓")
    assert channel_lines(again)[1:3] == [f"2. {state['Telegram']}", f"3. {state['MAX']}"]


async def test_a_messenger_the_school_does_not_offer_keeps_its_place_unseen(
    system: BotUnderTest, world: World, mother: Person
) -> None:
    await change_policy(system.db, world.school_id, messengers=[system.messenger.value])
    [screen] = await mother.send("/settings")
    channels = await one_edit(await mother.tap("Каналы"), screen)
    assert channel_lines(channels) == [
        f"1. {NAMES[system.messenger]} — этот чат ✓",
        "2. Email — sokolova@example.ru ✓",
        "3. SMS — +79160000001 ✓",
    ]
    assert NAMES[other(system.messenger)] not in " ".join(t for t, _ in channels.buttons)
    moved = await one_edit(await mother.tap("⬆ Email"), screen)
    assert channel_lines(moved)[:2] == [
        "1. Email — sokolova@example.ru ✓",
        f"2. {NAMES[system.messenger]} — этот чат ✓",
    ]
    # Email moved just before the messenger it passed; the unseen one kept its place.
    expected = {
        Messenger.telegram: ["email", "telegram", "max", "sms"],
        Messenger.max: ["telegram", "email", "max", "sms"],
    }
    row = await her_settings(system, world)
    assert row is not None and row.channels == expected[system.messenger]


async def test_a_new_email_is_confirmed_with_the_code_sent_to_it(
    system: BotUnderTest, world: World, mother: Person, mail: SmtpStandin
) -> None:
    [screen] = await mother.send("/settings")
    await mother.tap("Контакты")
    prompt = await one_edit(await mother.tap("Изменить email"), screen)
    assert "новый адрес электронной почты" in prompt.text
    [sent] = await mother.send("Anna.New@Mail.RU")
    assert "Код отправлен на anna.new@mail.ru" in sent.text
    [letter] = mail.messages
    assert letter.rcpt_tos == ("anna.new@mail.ru",)
    code = code_in(letter)
    assert (await guardian(system, world)).email == "sokolova@example.ru"  # not yet

    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    [refused] = await mother.send(wrong)
    assert refused.text == "Код неверный. Осталось 4 попытки."
    assert (await guardian(system, world)).email == "sokolova@example.ru"

    [done] = await mother.send(code)
    assert "Подтверждено: anna.new@mail.ru" in done.text
    assert "Email: anna.new@mail.ru ✓" in done.text
    assert (await guardian(system, world)).email == "anna.new@mail.ru"
    assert len(mail.messages) == 1  # the code, and nothing else, went to the new address


async def test_a_new_phone_gets_its_code_by_sms(
    system: BotUnderTest, world: World, mother: Person, sms: RunningGateway
) -> None:
    await mother.send("/settings")
    await mother.tap("Контакты")
    await mother.tap("Изменить телефон")
    [sent] = await mother.send("8 (916) 555-44-33")
    assert "Код отправлен на +79165554433" in sent.text
    [message] = sms.state.sent
    assert message.phone == "79165554433"
    match = CODE.search(message.text)
    assert match is not None
    await mother.send(match.group(1))
    assert (await guardian(system, world)).phone == "+79165554433"


async def test_five_wrong_codes_end_the_change(
    system: BotUnderTest, world: World, mother: Person, mail: SmtpStandin
) -> None:
    await mother.send("/settings")
    await mother.tap("Контакты")
    await mother.tap("Изменить email")
    await mother.send("new@example.ru")
    code = code_in(mail.messages[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        await mother.send(wrong)
    [locked] = await mother.send(wrong)
    assert locked.text == "Слишком много неверных попыток. Запросите новый код."
    # The conversation is over: the right code is no longer taken as one.
    [after] = await mother.send(code)
    assert "Код" not in after.text and "Подтверждено" not in after.text
    assert (await guardian(system, world)).email == "sokolova@example.ru"


async def test_a_bad_address_is_refused_and_asked_again(mother: Person, mail: SmtpStandin) -> None:
    await mother.send("/settings")
    await mother.tap("Контакты")
    await mother.tap("Изменить email")
    [refused] = await mother.send("анна собака почта")
    assert refused.text == "Адрес «анна собака почта» не похож на адрес электронной почты."
    [refused] = await mother.send("<b>anna</b>")  # quoted back as typed, not as markup
    assert refused.text == "Адрес «&lt;b&gt;anna&lt;/b&gt;» не похож на адрес электронной почты."
    [sent] = await mother.send("anna@example.org")
    assert "Код отправлен на anna@example.org" in sent.text
    assert [m.rcpt_tos for m in mail.messages] == [("anna@example.org",)]


async def test_quiet_hours_and_digest_time(
    system: BotUnderTest, world: World, mother: Person
) -> None:
    [screen] = await mother.send("/settings")
    await mother.tap("Тихие часы")
    none = await one_edit(await mother.tap("Без тихих часов"), screen)
    assert "Тихие часы</b>: без тихих часов" in none.text
    await mother.tap("Ввести своё…")
    [refused] = await mother.send("поздно вечером")
    assert "не распознаны" in refused.text
    [saved] = await mother.send("22:30–06:45")
    assert "Сохранено" in saved.text and "22:30–06:45" in saved.text
    await mother.tap("« Назад", on=saved)
    await mother.tap("Время сводки")
    await mother.tap("19:00")
    row = await her_settings(system, world)
    assert row is not None
    assert (row.quiet_start, row.quiet_end, row.digest_time) == (
        dt.time(22, 30),
        dt.time(6, 45),
        dt.time(19),
    )


async def test_english_switches_the_bots_language(
    system: BotUnderTest, world: World, mother: Person
) -> None:
    [screen] = await mother.send("/settings")
    await mother.tap("Язык")
    edited, menu = await mother.tap("English")
    assert edited.message_id == screen.message_id
    assert "Language</b>: English" in edited.text and "Saved" in edited.text
    assert menu.text == "Language: English. The menu is updated."
    assert "⚙️ Settings" in menu.keyboard
    assert (await guardian(system, world)).language == "en"
    [again] = await mother.menu("⚙️ Settings")
    assert "<b>Settings</b>" in again.text and "Marks: instantly" in again.text


async def test_a_stranger_learns_nothing_from_settings(system: BotUnderTest) -> None:
    [answer] = await system.person(7777).send("/settings")
    assert answer.text == (
        "Настройки доступны после подписки по коду приглашения от классного руководителя."
    )
