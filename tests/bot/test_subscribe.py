"""Subscribing in the bot with an invite code: consent, accept, decline, refusals, staff,
two schools, English. Through the real polling loop and the Telegram emulator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest

from core.db import Database
from core.errors import InviteExpired, InviteMalformed, InviteRevoked, InviteUnknown, InviteUsed
from core.messengers import MessengerChat
from core.models import Messenger, utcnow
from core.security import new_invite_code
from core.services.invites import redeem_invite, revoke_invite
from core.uow import UnitOfWork
from tests.bot.harness import BotUnderTest
from tests.bot.subscribe_helpers import (
    guardian_code,
    guardian_row,
    invite_row,
    paced,
    second_school_family,
    staff_code,
    staff_row,
    subscribed,
    texts,
)
from tests.builders import World


@pytest.fixture
def system(bot_system: BotUnderTest) -> BotUnderTest:
    return paced(bot_system)


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

    [offer] = await parent.send(f"/start {code}")
    assert "Школа №1" in offer.text and "Иван" in offer.text
    assert (
        "152-ФЗ" in offer.text
        and "/stop" in offer.text
        and "Отозвать его можно в любой момент" in offer.text
    )
    assert [text for text, _ in offer.buttons] == ["Согласен", "Не согласен"]
    assert all(code not in data for _, data in offer.buttons)  # the code waits in Redis
    assert (await guardian_row(db, novikov)).telegram_chat_id is None

    before = utcnow()
    answers = await parent.tap("Согласен")
    after = utcnow()
    edited, welcome = answers
    assert edited.message_id == offer.message_id and edited.buttons == []
    assert "Согласие" in edited.text
    assert "Иван Новиков, 7Б" in welcome.text
    assert welcome.keyboard == MENU_RU

    guardian = await guardian_row(db, novikov)
    assert guardian.telegram_chat_id == 7001
    assert guardian.consent_source == "telegram" and guardian.consent_withdrawn_at is None
    assert guardian.consent_given_at is not None and before <= guardian.consent_given_at <= after
    invite = await invite_row(db, code)
    assert invite.used_by_chat == 7001
    assert invite.used_at is not None and before <= invite.used_at <= after

    # Back later: /start shows the menu again and names the child.
    [again] = await parent.send("/start")
    assert "Иван Новиков, 7Б" in again.text and again.keyboard == MENU_RU


async def test_a_typed_code_works_like_the_deep_link(system: BotUnderTest, world: World) -> None:
    code = await guardian_code(system.db, world, "morozova")
    parent = system.person(7002)
    # Typed from the paper slip: lower case, spaces for the dashes.
    [offer] = await parent.send(f"  {' '.join(code.split('-')).lower()}  ")
    assert "Елена" in offer.text and offer.buttons
    await parent.tap("Согласен")
    assert (await guardian_row(system.db, world.guardians["morozova"])).telegram_chat_id == 7002


async def test_decline_links_nothing_and_the_code_still_works(
    system: BotUnderTest, world: World
) -> None:
    db, sokolova = system.db, world.guardians["sokolova"]
    code = await guardian_code(db, world, "sokolova")
    parent = system.person(7003)
    [offer] = await parent.send(f"/start {code}")
    assert all(name in offer.text for name in ("Дарья", "Мария", "Пётр"))
    consent_before = (await guardian_row(db, sokolova)).consent_given_at

    [declined] = await parent.tap("Не согласен")
    assert declined.message_id == offer.message_id and declined.buttons == []
    assert "ничего не подключено" in declined.text and "код" in declined.text
    guardian = await guardian_row(db, sokolova)
    assert guardian.telegram_chat_id is None
    assert (guardian.consent_source, guardian.consent_given_at) == ("paper", consent_before)
    assert (await invite_row(db, code)).used_at is None

    # The answered question cannot be answered again; the code can be used again.
    await parent.tap("Согласен", on=offer)
    assert (await guardian_row(db, sokolova)).telegram_chat_id is None
    await parent.send(f"/start {code}")
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
    [answer] = await system.person(7004).send(f"/start {code}")
    if error is None:  # expired: the date is the code's own, on the school's clock
        assert answer.text.startswith("Срок действия кода истёк")
        expires = (await invite_row(system.db, code)).expires_at
        moscow = expires.astimezone(dt.timezone(dt.timedelta(hours=3)))
        assert answer.text == InviteExpired(date=f"{moscow:%d.%m.%Y %H:%M}").message()
    else:
        assert isinstance(error, InviteUnknown | InviteUsed | InviteRevoked | InviteMalformed)
        assert answer.text == error.message("ru")
    assert answer.buttons == []
    assert (await guardian_row(system.db, world.guardians["novikov"])).telegram_chat_id != 7004


async def test_a_staff_code_links_the_teacher_without_consent_text(
    system: BotUnderTest, world: World
) -> None:
    code = await staff_code(system.db, world, "math")
    [answer] = await system.person(7005).send(f"/start {code}")
    assert "Вы подключены как Иванова М.П." in answer.text and "/hw" in answer.text
    assert answer.buttons == [] and "152-ФЗ" not in answer.text
    assert (await staff_row(system.db, world.staff["math"])).telegram_chat_id == 7005
    assert (await invite_row(system.db, code)).used_by_chat == 7005


async def test_one_chat_follows_children_of_two_schools(system: BotUnderTest, world: World) -> None:
    db = system.db
    first = await guardian_code(db, world, "novikov")
    other_guardian, second = await second_school_family(db, world)
    parent = system.person(7006)

    await parent.send(f"/start {first}")
    await parent.tap("Согласен")
    [offer] = await parent.send(f"/start {second}")
    assert "Школа №2" in offer.text and "Артём" in offer.text
    [_, welcome] = await parent.tap("Согласен")
    assert welcome.text.index("Артём Новиков, 5В") < welcome.text.index("Всего")
    assert "Иван Новиков, 7Б" in welcome.text.split("Всего")[1]

    assert (await guardian_row(db, world.guardians["novikov"])).telegram_chat_id == 7006
    assert (await guardian_row(db, other_guardian)).telegram_chat_id == 7006
    [again] = await parent.send("/start")
    assert "Артём Новиков, 5В" in again.text and "Иван Новиков, 7Б" in again.text


async def test_an_older_consent_question_does_not_use_the_newer_code(
    system: BotUnderTest, world: World
) -> None:
    db = system.db
    first = await guardian_code(db, world, "sokolova")
    second = await guardian_code(db, world, "novikov")
    parent = system.person(7007)
    [old] = await parent.send(f"/start {first}")
    [new] = await parent.send(f"/start {second}")

    assert await parent.tap("Согласен", on=old) == []
    [alert] = [a for a in await system.emulator.control.callback_answers() if a.get("text")]
    assert "устарел" in alert["text"]
    assert (await guardian_row(db, world.guardians["sokolova"])).telegram_chat_id is None
    assert (await guardian_row(db, world.guardians["novikov"])).telegram_chat_id is None

    await parent.tap("Согласен", on=new)
    assert (await guardian_row(db, world.guardians["novikov"])).telegram_chat_id == 7007
    assert (await invite_row(db, first)).used_at is None


async def test_english_for_a_telegram_in_english(system: BotUnderTest, world: World) -> None:
    code = await guardian_code(system.db, world, "novikov")
    parent = system.person(7008, "en")

    [hello] = await parent.send("/start")
    assert "invite code" in hello.text
    [wrong] = await parent.send(f"/start {new_invite_code()}")
    assert wrong.text == InviteUnknown().message("en")
    [offer] = await parent.send(f"/start {code}")
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
    await subscribed(system.db, world, "sokolova", 7010)
    [answer] = await system.person(7010).send("/start")
    assert answer.keyboard == MENU_RU
    for label in ("Дарья Соколова, 1А", "Мария Соколова, 7Б", "Пётр Соколов, 7Б"):
        assert label in answer.text


async def test_a_linked_chat_gets_a_hint_for_what_it_cannot_read(
    system: BotUnderTest, world: World
) -> None:
    await subscribed(system.db, world, "novikov", 7011)
    [parent] = await system.person(7011).send("Когда родительское собрание?")
    assert "/help" in parent.text and parent.keyboard == MENU_RU

    teacher = system.person(7012)
    await teacher.send(f"/start {await staff_code(system.db, world, 'russian')}")
    [again] = await teacher.send("/start")
    assert "Вы подключены как Петров С.И." in again.text and "/hw" in again.text
    [hint] = await teacher.send("Здравствуйте")
    assert "/hw" in hint.text and hint.keyboard == []
