"""Subscribing in the bot with an invite code: consent, accept, decline, refusals, staff,
two schools, both messengers at once, English. Through the real polling loop of each
messenger against its stand-in: every scenario runs on Telegram and on MAX."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest

from core.db import Database
from core.errors import InviteExpired, InviteMalformed, InviteRevoked, InviteUnknown, InviteUsed
from core.messengers import MessengerChat, chats_of
from core.models import Messenger, utcnow
from core.security import new_invite_code
from core.services.invites import redeem_invite, revoke_invite
from core.uow import UnitOfWork
from tests.bot.harness import MESSENGERS, BotUnderTest, running_bot
from tests.bot.subscribe_helpers import (
    NAMES,
    guardian_chat,
    guardian_code,
    guardian_row,
    invite_row,
    second_school_family,
    staff_chat,
    staff_code,
    subscribed,
    texts,
)
from tests.builders import World


@pytest.fixture
def system(bot_system: BotUnderTest) -> BotUnderTest:
    """The bot on the messenger of the test."""
    return bot_system


MENU_RU = [
    "📚 Домашнее задание",
    "📅 Дневник на неделю",
    "📝 Контрольные",
    "📊 Оценки",
    "🚪 Пропуски",
    "📄 Итоги недели (PDF)",
    "⚙️ Настройки",
]


async def test_parent_consents_and_the_chat_is_linked(system: BotUnderTest, world: World) -> None:
    db, novikov = system.db, world.guardians["novikov"]
    code = await guardian_code(db, world, "novikov", who="russian")
    parent = system.person(7001)

    [offer] = await parent.open_link(code)
    assert "Школа №1" in offer.text and "Иван" in offer.text
    assert (
        "152-ФЗ" in offer.text
        and "/stop" in offer.text
        and "Отозвать его можно в любой момент" in offer.text
    )
    assert [text for text, _ in offer.buttons] == ["Согласен", "Не согласен"]
    assert all(code not in data for _, data in offer.buttons)  # the code waits in Redis
    assert (await guardian_row(db, novikov)).consent_source == "paper"
    assert chats_of(await guardian_row(db, novikov)) == ()

    before = utcnow()
    answers = await parent.tap("Согласен")
    after = utcnow()
    edited, welcome = answers
    assert edited.message_id == offer.message_id and edited.buttons == []
    assert "Согласие" in edited.text
    assert "Иван Новиков, 7Б" in welcome.text
    assert welcome.keyboard == MENU_RU

    guardian = await guardian_row(db, novikov)
    assert chats_of(guardian) == (parent.chat,)
    assert guardian.consent_source == system.messenger.value
    assert guardian.consent_withdrawn_at is None
    assert guardian.consent_given_at is not None and before <= guardian.consent_given_at <= after
    invite = await invite_row(db, code)
    assert (invite.used_by_chat, invite.used_via) == (7001, system.messenger.value)
    assert invite.used_at is not None and before <= invite.used_at <= after

    # Back later: /start shows the menu again and names the child.
    [again] = await parent.send("/start")
    assert "Иван Новиков, 7Б" in again.text and again.keyboard == MENU_RU


async def test_a_typed_code_works_like_the_start_link(system: BotUnderTest, world: World) -> None:
    code = await guardian_code(system.db, world, "morozova")
    parent = system.person(7002)
    # Typed from the paper slip: lower case, spaces for the dashes.
    [offer] = await parent.send(f"  {' '.join(code.split('-')).lower()}  ")
    assert "Елена" in offer.text and offer.buttons
    await parent.tap("Согласен")
    morozova = world.guardians["morozova"]
    assert await guardian_chat(system.db, morozova, system.messenger) == parent.chat


async def test_decline_links_nothing_and_the_code_still_works(
    system: BotUnderTest, world: World
) -> None:
    db, sokolova = system.db, world.guardians["sokolova"]
    code = await guardian_code(db, world, "sokolova")
    parent = system.person(7003)
    [offer] = await parent.open_link(code)
    assert all(name in offer.text for name in ("Дарья", "Мария", "Пётр"))
    consent_before = (await guardian_row(db, sokolova)).consent_given_at

    # «Не согласен», and «Согласен» tapped before the first answer came: the answered
    # question cannot be answered again.
    [declined] = await parent.tap_quickly("Не согласен", "Согласен", on=offer)
    assert declined.message_id == offer.message_id and declined.buttons == []
    assert "ничего не подключено" in declined.text and "код" in declined.text
    assert [a["text"] for a in await system.alerts() if a["text"]] == [
        "Этот запрос устарел. Отправьте код ещё раз."
    ]
    guardian = await guardian_row(db, sokolova)
    assert chats_of(guardian) == ()
    assert (guardian.consent_source, guardian.consent_given_at) == ("paper", consent_before)
    assert (await invite_row(db, code)).used_at is None

    # The code can be used again.
    await parent.open_link(code)
    [_, welcome] = await parent.tap("Согласен")
    assert "Пётр Соколов, 7Б" in welcome.text and "Дарья Соколова, 1А" in welcome.text


Setup = Callable[[Database, World], Awaitable[str]]


async def _unknown(db: Database, world: World) -> str:
    return new_invite_code()


async def _used(db: Database, world: World) -> str:
    code = await guardian_code(db, world, "novikov")
    await redeem_invite(
        UnitOfWork(db), code=code, chat=MessengerChat(Messenger.telegram, 999), consent=True
    )
    return code


async def _expired(db: Database, world: World) -> str:
    issued_at = utcnow() - dt.timedelta(days=20)  # the school's codes live 14 days
    return await guardian_code(db, world, "novikov", at=issued_at)


async def _revoked(db: Database, world: World) -> str:
    code = await guardian_code(db, world, "novikov")
    invite = await invite_row(db, code)
    await revoke_invite(UnitOfWork(db), actor=world.actor("admin"), invite_id=invite.id or 0)
    return code


async def _malformed(db: Database, world: World) -> str:
    return "abc!"


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        (_unknown, InviteUnknown()),
        (_used, InviteUsed()),
        (_expired, None),
        (_revoked, InviteRevoked()),
        (_malformed, InviteMalformed()),
    ],
    ids=["unknown", "used", "expired", "revoked", "malformed"],
)
async def test_a_code_that_cannot_be_used_gets_its_reason(
    system: BotUnderTest, world: World, setup: Setup, error: Exception | None
) -> None:
    code = await setup(system.db, world)
    [answer] = await system.person(7004).open_link(code)
    if error is None:  # expired: the date is the code's own, on the school's clock
        assert answer.text.startswith("Срок действия кода истёк")
        expires = (await invite_row(system.db, code)).expires_at
        moscow = expires.astimezone(dt.timezone(dt.timedelta(hours=3)))
        assert answer.text == InviteExpired(date=f"{moscow:%d.%m.%Y %H:%M}").message()
    else:
        assert isinstance(error, InviteUnknown | InviteUsed | InviteRevoked | InviteMalformed)
        assert answer.text == error.message("ru")
    assert answer.buttons == [] and answer.keyboard == []
    novikov = await guardian_row(system.db, world.guardians["novikov"])
    assert system.chat(7004) not in chats_of(novikov)


async def test_a_staff_code_links_the_teacher_without_consent_text(
    system: BotUnderTest, world: World
) -> None:
    code = await staff_code(system.db, world, "math")
    [answer] = await system.person(7005).open_link(code)
    assert "Вы подключены как Иванова М.П." in answer.text and "/hw" in answer.text
    assert answer.buttons == [] and "152-ФЗ" not in answer.text
    assert await staff_chat(system.db, world.staff["math"], system.messenger) == system.chat(7005)
    invite = await invite_row(system.db, code)
    assert (invite.used_by_chat, invite.used_via) == (7005, system.messenger.value)


async def test_one_chat_follows_children_of_two_schools(system: BotUnderTest, world: World) -> None:
    db = system.db
    first = await guardian_code(db, world, "novikov")
    other_guardian, second = await second_school_family(db, world)
    parent = system.person(7006)

    await parent.open_link(first)
    await parent.tap("Согласен")
    [offer] = await parent.open_link(second)
    assert "Школа №2" in offer.text and "Артём" in offer.text
    [_, welcome] = await parent.tap("Согласен")
    assert welcome.text.index("Артём Новиков, 5В") < welcome.text.index("Всего")
    assert "Иван Новиков, 7Б" in welcome.text.split("Всего")[1]

    for guardian_id in (world.guardians["novikov"], other_guardian):
        assert await guardian_chat(db, guardian_id, system.messenger) == parent.chat
    [again] = await parent.send("/start")
    assert "Артём Новиков, 5В" in again.text and "Иван Новиков, 7Б" in again.text


async def test_one_parent_follows_in_both_messengers(
    system: BotUnderTest, world: World, redis_url: str
) -> None:
    """Telegram and MAX at once: the guardian's new code links their chat in the other
    messenger too; /stop in one messenger ends only that link."""
    db, novikov = system.db, world.guardians["novikov"]
    [other] = [m for m in MESSENGERS if m is not system.messenger]
    here = system.person(7020)
    await here.open_link(await guardian_code(db, world, "novikov"))
    await here.tap("Согласен")

    async with running_bot(db, redis_url, other) as elsewhere:
        there = elsewhere.person(7021)
        [offer] = await there.open_link(await guardian_code(db, world, "novikov"))
        assert "Иван" in offer.text and [t for t, _ in offer.buttons] == [
            "Согласен",
            "Не согласен",
        ]
        [_, welcome] = await there.tap("Согласен")
        assert "Иван Новиков, 7Б" in welcome.text and welcome.keyboard == MENU_RU
        guardian = await guardian_row(db, novikov)
        both = {here.chat, there.chat}
        assert set(chats_of(guardian)) == both and len(both) == 2
        assert guardian.consent_source == other.value

        # Each chat is the guardian's: each names the child.
        for person in (here, there):
            [menu] = await person.send("/start")
            assert "Иван Новиков, 7Б" in menu.text and menu.keyboard == MENU_RU

        await here.send("/stop")
        [_, farewell] = await here.tap("Да, отписаться")
        assert f"сообщения журнала в {NAMES[system.messenger]} больше не придут" in farewell.text
        [still] = await there.send("/start")
        assert "Иван Новиков, 7Б" in still.text

    guardian = await guardian_row(db, novikov)
    assert chats_of(guardian) == (there.chat,) and guardian.has_consent


async def test_an_older_consent_question_does_not_use_the_newer_code(
    system: BotUnderTest, world: World
) -> None:
    db = system.db
    first = await guardian_code(db, world, "sokolova")
    second = await guardian_code(db, world, "novikov")
    parent = system.person(7007)
    [old] = await parent.open_link(first)
    [new] = await parent.open_link(second)

    assert await parent.tap("Согласен", on=old) == []
    [alert] = [a for a in await system.alerts() if a.get("text")]
    assert "устарел" in alert["text"] and alert["show_alert"]
    for guardian in ("sokolova", "novikov"):
        assert chats_of(await guardian_row(db, world.guardians[guardian])) == ()

    await parent.tap("Согласен", on=new)
    assert await guardian_chat(db, world.guardians["novikov"], system.messenger) == parent.chat
    assert (await invite_row(db, first)).used_at is None


async def test_english_for_a_messenger_in_english(system: BotUnderTest, world: World) -> None:
    code = await guardian_code(system.db, world, "novikov")
    parent = system.person(7008, "en")

    [hello] = await parent.send("/start")
    assert "invite code" in hello.text
    [wrong] = await parent.open_link(new_invite_code())
    assert wrong.text == InviteUnknown().message("en")
    [offer] = await parent.open_link(code)
    assert "Consent to personal-data processing" in offer.text and "152-FZ" in offer.text
    assert [text for text, _ in offer.buttons] == ["Accept", "Decline"]
    [edited, welcome] = await parent.tap("Accept")
    assert "Consent" in edited.text
    assert welcome.text.startswith("Done!") and "Иван Новиков, 7Б" in welcome.text
    assert welcome.keyboard[0] == "📚 Homework"
    # The language the parent subscribed in stays theirs: the bot and delivery use it.
    assert (await guardian_row(system.db, world.guardians["novikov"])).language == "en"
    [menu] = await parent.send("/start")
    assert menu.keyboard[0] == "📚 Homework"


async def test_start_without_a_code_explains_and_names_no_school(
    system: BotUnderTest, world: World
) -> None:
    answers = await system.person(7009).send("/start")
    text = texts(answers)
    assert "классного руководителя" in text and "QR" in text
    assert "Школа" not in text and answers[0].keyboard == []


async def test_a_subscribed_parent_sending_start_gets_the_menu(
    system: BotUnderTest, world: World
) -> None:
    await subscribed(system.db, world, "sokolova", system.chat(7010))
    [answer] = await system.person(7010).send("/start")
    assert answer.keyboard == MENU_RU
    for label in ("Дарья Соколова, 1А", "Мария Соколова, 7Б", "Пётр Соколов, 7Б"):
        assert label in answer.text


async def test_a_linked_chat_gets_a_hint_for_what_it_cannot_read(
    system: BotUnderTest, world: World
) -> None:
    await subscribed(system.db, world, "novikov", system.chat(7011))
    [parent] = await system.person(7011).send("Когда родительское собрание?")
    assert "/help" in parent.text and parent.keyboard == MENU_RU

    teacher = system.person(7012)
    await teacher.open_link(await staff_code(system.db, world, "russian"))
    [again] = await teacher.send("/start")
    assert "Вы подключены как Петров С.И." in again.text and "/hw" in again.text
    [hint] = await teacher.send("Здравствуйте")
    assert "/hw" in hint.text and hint.keyboard == []
