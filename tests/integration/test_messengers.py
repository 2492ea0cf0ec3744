"""Telegram and MAX side by side (issue 12): one invite code in either messenger, a parent
in both, the channel order offering MAX where the school does, and a school switching
Telegram off: its deliveries skip Telegram at once and its families are told once, by
their other channels, how to join in MAX. SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlmodel import col, select

from core.actors import GuardianActor
from core.db import Database
from core.delivery.compose import NOTICE_KIND
from core.delivery.dispatch import dispatch_event
from core.delivery.staff_lifecycle import (
    claim_staff_message,
    route_staff_message,
    settle_staff_message,
)
from core.errors import InviteUsed, RuleViolation
from core.messengers import MessengerChat
from core.models import (
    ConsentRecord,
    Guardian,
    InviteCode,
    Messenger,
    OutboxEvent,
    Staff,
    StaffMessage,
)
from core.reading.chats import chat_links
from core.services.admin_alerts import alert_admins_in
from core.services.guardian_settings import move_channel_up, set_channel_order
from core.services.invites import check_invite, issue_invite, redeem_invite
from core.services.school_setup import update_policy
from core.services.subscriptions import unlink_chat
from notifier.render import render
from notifier.render_sms import fits
from tests.builders import World, build_world, update_row
from tests.integration.delivery_helpers import (
    Clock,
    add_guardian,
    deliveries,
    load,
    msk,
    notifications,
    post,
    reason_text,
    relay_and_dispatch,
    run_worker,
    send_pending,
    start_due,
)
from tests.integration.people_helpers import NOON, uow_at

MAX_BOT = "zvonok_school_max_bot"
# A parent's chats: in Telegram a chat id, in MAX the user's id.
TELEGRAM, MAX = MessengerChat(Messenger.telegram, 5550001), MessengerChat(Messenger.max, 9000001)


def me(w: World, who: str) -> GuardianActor:
    return GuardianActor(guardian_id=w.guardians[who], school_id=w.school_id)


async def _code(db: Database, w: World, guardian: str = "sokolova") -> str:
    issued = await issue_invite(
        uow_at(db, NOON), actor=w.actor("russian"), guardian_id=w.guardians[guardian]
    )
    return issued.code


async def _offer(clock_or_db: Clock | Database, w: World, *messengers: str) -> None:
    uow = clock_or_db.uow() if isinstance(clock_or_db, Clock) else uow_at(clock_or_db, NOON)
    await update_policy(uow, actor=w.actor("admin"), values={"messengers": list(messengers)})


async def test_one_code_works_in_either_messenger_and_a_parent_may_follow_in_both(
    db: Database,
) -> None:
    w = await build_world(db)
    await _offer(db, w, "telegram", "max")
    code = await _code(db, w)
    assert (await check_invite(uow_at(db, NOON), code=code, messenger=Messenger.max)).purpose == (
        "guardian"
    )
    await redeem_invite(uow_at(db, NOON), code=code, chat=MAX, consent=True)
    with pytest.raises(InviteUsed):  # once: not again in the other messenger
        await redeem_invite(uow_at(db, NOON), code=code, chat=TELEGRAM, consent=True)
    # A second code links Telegram too; the MAX link stays.
    await redeem_invite(uow_at(db, NOON), code=await _code(db, w), chat=TELEGRAM, consent=True)
    mother = await load(db, Guardian, w.guardians["sokolova"])
    assert (mother.telegram_chat_id, mother.max_user_id) == (TELEGRAM.id, MAX.id)
    async with db.session() as s:
        used = (await s.exec(select(InviteCode).where(col(InviteCode.used_at).is_not(None)))).all()
        records = (await s.exec(select(ConsentRecord).order_by(col(ConsentRecord.id)))).all()
    assert sorted((i.used_via, i.used_by_chat) for i in used) == [
        ("max", MAX.id),
        ("telegram", TELEGRAM.id),
    ]
    # Consent on record, as given in each bot.
    assert [(r.decision, r.channel) for r in records] == [("given", "max"), ("given", "telegram")]

    # Each chat reads the same children.
    async with db.session() as s:
        in_telegram, in_max = await chat_links(s, TELEGRAM), await chat_links(s, MAX)
        # The same number as a Telegram chat id is nobody in MAX.
        stranger = await chat_links(s, MessengerChat(Messenger.max, TELEGRAM.id))
    assert [c.label for c in in_max.children] == [c.label for c in in_telegram.children]
    assert [c.first_name for c in in_max.children] == ["Пётр", "Дарья", "Мария"]
    assert stranger.is_stranger

    # /stop in MAX ends only the MAX link.
    unlinked = await unlink_chat(uow_at(db, NOON), chat=MAX)
    assert [g.guardian_id for g in unlinked.guardians] == [w.guardians["sokolova"]]
    mother = await load(db, Guardian, w.guardians["sokolova"])
    assert (mother.telegram_chat_id, mother.max_user_id) == (TELEGRAM.id, None)

    # A school in MAX only says nothing about its pupils in Telegram, and names itself.
    await _offer(db, w, "max")
    async with db.session() as s:
        gone = await chat_links(s, TELEGRAM)
    assert gone.is_stranger and [s.name for s in gone.elsewhere] == ["Школа №1"]


async def test_the_channel_order_offers_max_where_the_school_does(db: Database) -> None:
    w = await build_world(db)
    mother = me(w, "sokolova")
    # Telegram only (every school before MAX): MAX is not offered.
    with pytest.raises(RuleViolation) as refused:
        await set_channel_order(uow_at(db, NOON), actor=mother, channels=["max"])
    assert refused.value.message("ru") == "Ваша школа не отправляет сообщения через MAX."
    with pytest.raises(RuleViolation):
        await move_channel_up(uow_at(db, NOON), actor=mother, channel="max")

    await _offer(db, w, "telegram", "max")
    prefs = await set_channel_order(uow_at(db, NOON), actor=mother, channels=["email"])
    assert [p.channel for p in prefs.channels] == ["email", "telegram", "max", "sms"]
    with pytest.raises(RuleViolation) as refused:  # not linked in MAX yet
        await set_channel_order(uow_at(db, NOON), actor=mother, channels=["max"])
    assert "MAX не может быть первым каналом" in refused.value.message("ru")
    await update_row(db, Guardian, w.guardians["sokolova"], max_user_id=MAX.id)
    prefs = await move_channel_up(uow_at(db, NOON), actor=mother, channel="max")
    prefs = await move_channel_up(uow_at(db, NOON), actor=mother, channel="max")
    assert [(p.channel, p.address) for p in prefs.channels[:2]] == [
        ("max", str(MAX.id)),
        ("email", "sokolova@example.ru"),
    ]


async def test_a_school_leaving_telegram_skips_it_at_once_and_tells_its_families_once(
    db: Database,
) -> None:
    w = await build_world(db)
    father, mother = w.guardians["novikov"], w.guardians["sokolova"]
    await update_row(db, Guardian, father, telegram_chat_id=5550002)  # email and phone too
    await update_row(db, Guardian, mother, telegram_chat_id=TELEGRAM.id, max_user_id=MAX.id)
    # Vanya's other parent has Telegram and nothing else.
    stepfather = await add_guardian(db, w, "Фёдор", ["vanya"], telegram=5550004)
    await _offer(db, w, "telegram", "max")
    clock = Clock(db, msk(10))
    await post(clock, w, "vanya")
    await relay_and_dispatch(clock)
    clock.advance(120)
    await start_due(clock)
    queued = await deliveries(db)
    assert sorted((d.guardian_id, d.channel, d.status) for d in queued) == [
        (father, "telegram", "pending"),
        (stepfather, "telegram", "pending"),
    ]

    # The school switches Telegram off: what waits for Telegram goes elsewhere at once.
    clock.advance(5)
    await _offer(clock, w, "max")
    assert await send_pending(clock) == []  # both dropped at their claim
    [(by_email, _)] = await send_pending(clock)
    assert (by_email.guardian_id, by_email.channel) == (father, "email")
    dropped = {d.guardian_id: d for d in await deliveries(db) if d.channel == "telegram"}
    assert {d.status for d in dropped.values()} == {"cancelled"}
    assert reason_text(dropped[father]) == "школа больше не использует Telegram"
    [lost] = await notifications(db, stepfather)
    assert lost.status == "failed"  # Telegram was all he had

    # Told once, by email, how to join in MAX: the father only. The mother is in MAX
    # already; the stepfather has no other way; Морозова was never in Telegram.
    await post(clock, w, "petya")
    await post(clock, w, "vanya", 5)
    received = await run_worker(clock)
    assert list(received) == [father]
    [notice] = received[father]
    [item] = notice.items
    code = item.data["code"]
    assert (item.kind, item.data["dropped"], item.data["join"]) == (NOTICE_KIND, "telegram", "max")
    [note] = [n for n in await notifications(db, father) if n.topic == "notice"]
    [(channel, status)] = [(d.channel, d.status) for d in await deliveries(db, note.id)]
    assert (channel, status) == ("email", "sent")
    link = f"https://max.ru/{MAX_BOT}?start={code}"
    email = render(notice, "email", school_name="Школа №1", bots={"max": MAX_BOT})
    assert email.subject == "Звонок: ваша школа перешла в MAX"
    assert "больше не приходят через Telegram" in email.text and link in email.text
    assert re.search(rf"код {code} \(действует до 07\.12\.2026\)", email.text)
    chat = render(notice, "max", school_name="Школа №1", bots={"max": MAX_BOT})
    assert chat.html is not None and chat.html.startswith("<b>Ваша школа перешла в MAX</b>")
    assert link in chat.text and not chat.buttons
    sms = render(notice, "sms", school_name="Школа №1", bots={"max": MAX_BOT})
    assert sms.text == f"Звонок: школа теперь пишет в MAX, а не в Telegram. Подключитесь: {link}"
    assert fits(sms.text)
    info = await check_invite(clock.uow(), code=code, messenger=Messenger.max)
    assert info.child_first_names == ("Иван",)

    # Once: the event is done, and saving the same choice again records nothing new.
    async with db.session() as s:
        changes = (
            await s.exec(select(OutboxEvent).where(OutboxEvent.kind == "messengers_changed"))
        ).all()
    # Two events, in no order of their own (uuid ids; the first was saved at the real
    # clock's time, the second at the test's): the set-up's, and the one leaving Telegram.
    assert sorted(e.payload["dropped"] for e in changes) == [[], ["telegram"]]
    [leaving] = [e for e in changes if e.payload["dropped"] == ["telegram"]]
    assert await dispatch_event(clock.uow(), event_id=leaving.id) == []
    await _offer(clock, w, "max")
    clock.advance(120)
    received = await run_worker(clock)
    assert sorted(received) == sorted([father, mother])  # the two marks, nothing more
    async with db.session() as s:
        kinds = (
            await s.exec(select(OutboxEvent.kind).order_by(col(OutboxEvent.occurred_at)))
        ).all()
    assert kinds.count("messengers_changed") == 2
    by_guardian = {d.guardian_id: d.channel for d in await deliveries(db) if d.status == "sent"}
    assert by_guardian == {father: "email", mother: "max"}

    # The father joins in MAX with the code: his next message comes there.
    await redeem_invite(
        clock.uow(), code=code, chat=MessengerChat(Messenger.max, 9000002), consent=True
    )
    await post(clock, w, "vanya", 3)
    await relay_and_dispatch(clock)
    clock.advance(120)
    await run_worker(clock)
    last = max(await deliveries(db), key=lambda d: d.id or 0)
    assert (last.guardian_id, last.channel, last.address) == (father, "max", "9000002")


async def test_staff_messages_go_by_the_messenger_the_school_offers_then_email(
    db: Database,
) -> None:
    w = await build_world(db)
    admin = w.staff["admin"]
    await update_row(
        db, Staff, admin, telegram_chat_id=5550009, max_user_id=9000009, email="admin@school.ru"
    )
    await _offer(db, w, "max")
    async with uow_at(db, NOON) as uow:
        stale = {"destination": "/backups", "age_hours": 30, "last_good_at": None}
        await alert_admins_in(
            uow, school_id=w.school_id, code="backup_stale", params=stale, key="k"
        )
        await uow.commit()
    async with db.session() as s:
        [message] = (await s.exec(select(StaffMessage))).all()
    assert await route_staff_message(uow_at(db, NOON), message_id=message.id or 0)
    routed = await load(db, StaffMessage, message.id or 0)
    assert (routed.channel, routed.address) == ("max", "9000009")  # not Telegram: not offered
    # MAX refuses for good (the bot blocked): email takes over.
    assert await claim_staff_message(uow_at(db, NOON), message_id=message.id or 0)
    again = await settle_staff_message(
        uow_at(db, NOON), message_id=message.id or 0, outcome="permanent"
    )
    assert again is not None
    moved = await load(db, StaffMessage, message.id or 0)
    assert (moved.status, moved.channel, moved.address) == ("pending", "email", "admin@school.ru")
