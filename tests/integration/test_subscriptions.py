"""unlink_chat: a chat's /stop ends all its links, audited, consent untouched; on SQLite
and PostgreSQL."""

from __future__ import annotations

from core.db import Database
from core.messengers import MessengerChat
from core.models import Guardian, Messenger, Staff
from core.services.invites import issue_invite, redeem_invite
from core.services.subscriptions import Unlinked, UnlinkedGuardian, UnlinkedStaff, unlink_chat
from core.uow import UnitOfWork
from tests.builders import World, build_world, update_row
from tests.integration.outbox_helpers import audit_trail, outbox, unchanged
from tests.integration.people_helpers import NOON, load, uow_at

CHAT, OTHER_CHAT = 8001, 8002


async def _link(
    db: Database, w: World, chat_id: int, *, guardian: str = "", staff: str = ""
) -> None:
    issued = await issue_invite(
        uow_at(db, NOON),
        actor=w.actor("admin"),
        guardian_id=w.guardians[guardian] if guardian else None,
        staff_id=w.staff[staff] if staff else None,
    )
    await redeem_invite(
        uow_at(db, NOON),
        code=issued.code,
        chat=MessengerChat(Messenger.telegram, chat_id),
        consent=True,
    )


async def test_unlink_ends_every_link_of_the_chat_and_only_of_it(db: Database) -> None:
    w = await build_world(db)
    await _link(db, w, CHAT, guardian="sokolova")
    await _link(db, w, CHAT, guardian="novikov")
    await _link(db, w, CHAT, staff="math")
    await _link(db, w, OTHER_CHAT, guardian="morozova")
    # A guardian whose consent was withdrawn keeps no chat either.
    await update_row(db, Guardian, w.guardians["novikov"], consent_withdrawn_at=NOON)
    events_before = len(await outbox(db))

    unlinked = await unlink_chat(uow_at(db, NOON), chat=MessengerChat(Messenger.telegram, CHAT))

    assert unlinked == Unlinked(
        guardians=(
            UnlinkedGuardian(w.guardians["sokolova"], w.school_id),
            UnlinkedGuardian(w.guardians["novikov"], w.school_id),
        ),
        staff=(UnlinkedStaff(w.staff["math"], w.school_id, "Иванова М.П."),),
    )
    sokolova = await load(db, Guardian, w.guardians["sokolova"])
    assert sokolova.telegram_chat_id is None
    assert sokolova.has_consent and sokolova.consent_source == "telegram"
    assert (await load(db, Guardian, w.guardians["novikov"])).telegram_chat_id is None
    assert (await load(db, Staff, w.staff["math"])).telegram_chat_id is None
    assert (await load(db, Guardian, w.guardians["morozova"])).telegram_chat_id == OTHER_CHAT
    assert len(await outbox(db)) == events_before  # a Telegram link is no journal event

    for entity, row_id, kind in (
        ("guardian", w.guardians["sokolova"], "guardian"),
        ("guardian", w.guardians["novikov"], "guardian"),
        ("staff", w.staff["math"], "staff"),
    ):
        entry = (await audit_trail(db, entity, row_id))[-1]
        assert (entry.actor_kind, entry.actor_id, entry.at) == (kind, row_id, NOON)
        assert entry.old is not None and entry.new is not None
        assert (entry.old["telegram_chat_id"], entry.new["telegram_chat_id"]) == (CHAT, None)


async def test_unlinking_twice_or_a_stranger_writes_nothing(db: Database) -> None:
    w = await build_world(db)
    await _link(db, w, CHAT, guardian="novikov")
    assert not (
        await unlink_chat(UnitOfWork(db), chat=MessengerChat(Messenger.telegram, CHAT))
    ).nothing
    async with unchanged(db, Guardian, Staff):
        assert (
            await unlink_chat(UnitOfWork(db), chat=MessengerChat(Messenger.telegram, CHAT))
        ).nothing
        assert (
            await unlink_chat(UnitOfWork(db), chat=MessengerChat(Messenger.telegram, 999))
            == Unlinked()
        )
