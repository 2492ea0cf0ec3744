"""Consent in the bot: a new text asked for at the next contact, accepted or declined;
«Отозвать согласие» with its confirmation, from the command and from the settings."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from core.messengers import CHAT_FIELDS, MessengerChat, chats_of
from core.models import ConsentRecord, Messenger
from core.services.consent import withdraw_consent
from core.services.consent_versions import publish_consent_text
from core.uow import UnitOfWork
from tests.bot.harness import BotUnderTest
from tests.bot.subscribe_helpers import guardian_code, guardian_row, subscribed
from tests.builders import World
from tests.integration.outbox_helpers import audit_trail

NEW = {"ru": "Школа №1 обновила согласие: теперь и электронный дневник."}


@pytest.fixture
def system(bot_system: BotUnderTest) -> BotUnderTest:
    """The bot on the messenger of the test."""
    return bot_system


async def decisions(system: BotUnderTest, guardian_id: int) -> list[tuple[str, int, str]]:
    async with system.db.session() as s:
        query = select(ConsentRecord).where(ConsentRecord.guardian_id == guardian_id)
        rows = (await s.exec(query.order_by(col(ConsentRecord.id)))).all()
    return [(r.decision, r.version, r.channel) for r in rows]


async def test_a_new_text_is_asked_at_the_next_message_and_accepted(
    system: BotUnderTest, world: World
) -> None:
    await subscribed(system.db, world, "novikov", system.chat(7701))
    await publish_consent_text(
        UnitOfWork(system.db), actor=world.actor("admin"), texts=NEW, requires_reconsent=True
    )
    parent = system.person(7701)
    [question] = await parent.send("/marks")
    assert "новый текст согласия" in question.text and NEW["ru"] in question.text
    assert [t for t, _ in question.buttons] == ["Согласен", "Не согласен"]
    [kept, done] = await parent.tap("Согласен")
    assert kept.buttons == [] and NEW["ru"] in kept.text
    assert "согласие с новым текстом записано" in done.text
    via = system.messenger.value
    assert await decisions(system, world.guardians["novikov"]) == [
        ("given", 1, via),
        ("given", 2, via),
    ]
    answers = await parent.send("/marks")
    assert all("новый текст согласия" not in a.text for a in answers)


async def test_a_parent_who_declines_is_disconnected(system: BotUnderTest, world: World) -> None:
    await subscribed(system.db, world, "novikov", system.chat(7702))
    await publish_consent_text(
        UnitOfWork(system.db), actor=world.actor("admin"), texts=NEW, requires_reconsent=True
    )
    parent = system.person(7702)
    await parent.send("привет")
    [question, declined] = await parent.tap("Не согласен")
    assert question.buttons == [] and NEW["ru"] in question.text
    assert "сообщения о детях больше не приходят" in declined.text
    assert declined.removes_menu
    father = await guardian_row(system.db, world.guardians["novikov"])
    assert not father.has_consent and chats_of(father) == ()
    last = (await decisions(system, world.guardians["novikov"]))[-1]
    assert last == ("declined", 2, system.messenger.value)


async def test_withdrawal_in_the_bot_after_a_confirmation(
    system: BotUnderTest, world: World
) -> None:
    await subscribed(system.db, world, "novikov", system.chat(7703))
    # The father follows in the other messenger too: withdrawal ends both links.
    [other] = [m for m in Messenger if m is not system.messenger]
    await subscribed(system.db, world, "novikov", MessengerChat(other, 7713))
    parent = system.person(7703)
    [question] = await parent.send("/withdraw")
    assert "Что прекратится сразу" in question.text and "Что школа сохранит" in question.text
    assert "в мессенджерах, по почте и SMS" in question.text
    assert [t for t, _ in question.buttons] == ["Да, отозвать", "Отмена"]
    [kept] = await parent.tap("Отмена")
    assert "согласие сохраняется" in kept.text
    assert (await guardian_row(system.db, world.guardians["novikov"])).has_consent

    [settings] = await parent.send("/settings")
    assert "Отозвать согласие" in [t for t, _ in settings.buttons]
    [again] = await parent.tap("Отозвать согласие", on=settings)
    [_, done] = await parent.tap("Да, отозвать", on=again)
    assert "Согласие отозвано" in done.text
    father = await guardian_row(system.db, world.guardians["novikov"])
    assert not father.has_consent and chats_of(father) == ()
    last = (await decisions(system, world.guardians["novikov"]))[-1]
    assert last == ("withdrawn", 1, system.messenger.value)
    entry = (await audit_trail(system.db, "guardian", world.guardians["novikov"]))[-1]
    assert entry.old is not None and entry.old[CHAT_FIELDS[system.messenger]] == 7703
    assert entry.old[CHAT_FIELDS[other]] == 7713
    [after] = await parent.send("/marks")
    assert "не подключён" in after.text


async def test_declining_at_subscription_is_kept_on_record(
    system: BotUnderTest, world: World
) -> None:
    novikov = world.guardians["novikov"]
    await withdraw_consent(UnitOfWork(system.db), actor=world.actor("admin"), guardian_id=novikov)
    code = await guardian_code(system.db, world, "novikov")
    parent = system.person(7704, "en")
    await parent.open_link(code)
    await parent.tap("Decline")
    assert (await decisions(system, novikov))[-1] == ("declined", 1, system.messenger.value)
    async with system.db.session() as s:
        query = select(ConsentRecord).where(ConsentRecord.guardian_id == novikov)
        last = (await s.exec(query.order_by(col(ConsentRecord.id).desc()))).first()
    assert last is not None and last.language == "en"
    assert not (await guardian_row(system.db, novikov)).has_consent
