"""/stop after a confirmation, /help for each kind of user, and Telegram's command menu."""

from __future__ import annotations

import pytest
from aiogram.types import BotCommandScopeAllPrivateChats

from bots.max.app import publish_commands as publish_max_commands
from bots.telegram.app import build_bot, publish_commands
from core.messengers import CHAT_FIELDS, chats_of
from core.models import AuditEntry, Messenger
from notifier.max_api import MaxApi
from tests.bot.harness import BotUnderTest, MaxSide
from tests.bot.subscribe_helpers import (
    NAMES,
    guardian_chat,
    guardian_row,
    leaks,
    second_school_family,
    staff_chat,
    staff_code,
    subscribed,
)
from tests.builders import World
from tests.integration.outbox_helpers import audit_trail


@pytest.fixture
def system(bot_system: BotUnderTest) -> BotUnderTest:
    """The bot on the messenger of the test."""
    return bot_system


async def test_cancel_keeps_the_subscription(system: BotUnderTest, world: World) -> None:
    await subscribed(system.db, world, "novikov", system.chat(7601))
    parent = system.person(7601)
    [question] = await parent.send("/stop")
    assert question.text == (
        f"Отписать этот чат? Сообщения журнала в {NAMES[system.messenger]} перестанут приходить."
    )
    assert [t for t, _ in question.buttons] == ["Да, отписаться", "Отмена"]

    [kept] = await parent.tap("Отмена")
    assert kept.message_id == question.message_id and kept.buttons == []
    assert "подписка сохранена" in kept.text
    novikov = world.guardians["novikov"]
    assert await guardian_chat(system.db, novikov, system.messenger) == parent.chat


async def test_confirmed_stop_unlinks_every_child_of_the_chat(
    system: BotUnderTest, world: World
) -> None:
    db = system.db
    await subscribed(db, world, "novikov", system.chat(7602))
    other_guardian, code = await second_school_family(db, world)
    parent = system.person(7602)
    await parent.open_link(code)
    await parent.tap("Согласен")
    await parent.send("/stop")

    closed, farewell = await parent.tap("Да, отписаться")
    assert closed.buttons == [] and "Отписать этот чат?" in closed.text
    assert f"сообщения журнала в {NAMES[system.messenger]} больше не придут" in farewell.text
    assert "Иван Новиков, 7Б" in farewell.text and "Артём Новиков, 5В" in farewell.text
    assert "письма и SMS" in farewell.text and "Отозвать согласие можно в школе" in farewell.text
    assert "новый код приглашения" in farewell.text
    assert farewell.removes_menu

    field = CHAT_FIELDS[system.messenger]
    for guardian_id in (world.guardians["novikov"], other_guardian):
        guardian = await guardian_row(db, guardian_id)
        assert chats_of(guardian) == () and guardian.has_consent
        entry: AuditEntry = (await audit_trail(db, "guardian", guardian_id))[-1]
        assert entry.old is not None and entry.new is not None
        assert (entry.old[field], entry.new[field]) == (7602, None)
        assert (entry.actor_kind, entry.actor_id) == ("guardian", guardian_id)

    [after] = await parent.send("/marks")
    assert "не подключён" in after.text and leaks([after]) == []


async def test_a_teacher_can_stop_too(system: BotUnderTest, world: World) -> None:
    code = await staff_code(system.db, world, "math")
    teacher = system.person(7603)
    await teacher.open_link(code)
    await teacher.send("/stop")
    [_, farewell] = await teacher.tap("Да, отписаться")
    assert "Иванова М.П." in farewell.text and "согласие" not in farewell.text.lower()
    assert await staff_chat(system.db, world.staff["math"], system.messenger) is None


async def test_a_stranger_has_nothing_to_stop(system: BotUnderTest, world: World) -> None:
    [answer] = await system.person(7604).send("/stop")
    assert "не подключён" in answer.text and answer.buttons == []
    assert leaks([answer]) == []


async def test_help_lists_what_each_one_can_do(system: BotUnderTest, world: World) -> None:
    await subscribed(system.db, world, "morozova", system.chat(7605))
    [parent] = await system.person(7605).send("/help")
    commands = ("/homework", "/diary", "/tests", "/marks", "/absences", "/summary", "/settings")
    for command in commands:
        assert command in parent.text
    assert "/stop" in parent.text and "/hw" not in parent.text

    teacher_chat = system.person(7606)
    await teacher_chat.open_link(await staff_code(system.db, world, "russian"))
    [teacher] = await teacher_chat.send("/help")
    assert "/hw" in teacher.text and "/marks" not in teacher.text

    [stranger] = await system.person(7607, "en").send("/help")
    assert "invite code" in stranger.text and "/marks" not in stranger.text


# Telegram keeps a command menu per language (setMyCommands); MAX one list of hints per
# bot (PATCH /me/commands), checked below: this check runs on Telegram only.
@pytest.mark.parametrize("messenger", [Messenger.telegram], ids=["telegram"])
async def test_the_command_menu_is_set_in_every_language(system: BotUnderTest) -> None:
    bot = build_bot(system.settings, system.redis)
    try:
        await publish_commands(bot)
        scope = BotCommandScopeAllPrivateChats()
        menus = {
            language: {
                c.command: c.description
                for c in await bot.get_my_commands(scope=scope, language_code=language)
            }
            for language in (None, "en", "uz", "tg", "ky")
        }
    finally:
        await bot.session.close()
    expected = {"homework", "diary", "tests", "marks", "absences", "summary", "settings", "hw"}
    assert all(set(menu) == expected | {"help", "stop"} for menu in menus.values())
    ru, en = menus[None], menus["en"]  # Russian is the menu of everyone else
    assert ru["tests"] == "Контрольные на две недели"
    assert ru["marks"] == "Оценки и средние баллы" and en["marks"] == "Marks and averages"
    assert ru["stop"] == "Отписаться от сообщений в этом мессенджере"
    assert en["hw"].startswith("Teachers")
    assert menus["uz"]["marks"] == "Baholar va oʻrtacha ball"
    assert menus["tg"]["homework"] == "Вазифаи хонагӣ барои имрӯз ва фардо"
    assert menus["ky"]["stop"] == "Бул мессенджердеги билдирүүлөргө жазылууну токтотуу"


@pytest.mark.parametrize("messenger", [Messenger.max], ids=["max"])
async def test_the_max_bot_publishes_its_command_hints_in_russian(system: BotUnderTest) -> None:
    token = system.settings.max_token
    assert token is not None and isinstance(system.side, MaxSide)
    async with MaxApi(token.get_secret_value(), system.settings.max_api_url) as api:
        await publish_max_commands(api)
    hints = {c["name"]: c["description"] for c in system.side.standin.commands or []}
    assert list(hints)[:2] == ["homework", "diary"] and "hw" in hints and "stop" in hints
    assert hints["marks"] == "Оценки и средние баллы"
    assert hints["stop"] == "Отписаться от сообщений в этом мессенджере"
