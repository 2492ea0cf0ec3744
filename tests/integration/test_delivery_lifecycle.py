"""A notification's way out: start, claim, settle. SQLite and PostgreSQL.

Quiet hours run 21:00–07:30 in Moscow by default; TODAY (23.11.2026) is a Monday.
Guardians in the world have email and phone (Морозова: phone only); Telegram only
where a test links a chat.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from core.db import Database
from core.delivery.lifecycle import (
    BACKOFF_SECONDS,
    claim_delivery,
    settle_delivery,
    start_notification,
)
from core.models import Delivery, Guardian, GuardianSettings, Notification
from core.services.announcements import post_announcement
from core.services.consent import withdraw_consent
from core.services.marks import delete_mark
from tests.builders import build_world, update_row
from tests.integration.delivery_helpers import (
    Clock,
    choose,
    dead_contacts,
    deliveries,
    lines,
    load,
    msk,
    notifications,
    post,
    reason_text,
    relay_and_dispatch,
    run_worker,
    start_due,
    started,
)

# Both databases, each test: claims and settling race on each database's own locking.
pytestmark = pytest.mark.both_databases

TOMORROW = dt.date(2026, 11, 24)


async def test_quiet_hours_hold_an_instant_message_until_they_end(db: Database) -> None:
    w = await build_world(db)
    # The mother's own quiet hours replace the school's 21:00–07:30.
    await choose(db, w, "sokolova", quiet_start=dt.time(19), quiet_end=dt.time(8))
    clock = Clock(db, msk(21, 58))
    await post(clock, w)
    await relay_and_dispatch(clock)
    clock.advance(1)
    await post(clock, w, "petya")
    await relay_and_dispatch(clock)
    clock.set(msk(22, 0, 1))
    assert [n.due_at for n in await notifications(db)] == [msk(22), msk(22, 0, 1)]

    assert await start_due(clock) == []  # held, not dropped
    father, mother = await notifications(db)
    assert (father.status, father.due_at) == ("open", msk(7, 30, day=TOMORROW))
    assert (mother.status, mother.due_at) == ("open", msk(8, day=TOMORROW))
    # Another mark at night joins the held message instead of waking anyone up.
    clock.set(msk(23, 15))
    await post(clock, w, value=5)
    assert await run_worker(clock) == {}
    assert len(await notifications(db)) == 2

    clock.set(msk(7, 29, 59, day=TOMORROW))
    assert await run_worker(clock) == {}
    clock.set(msk(7, 30, day=TOMORROW))
    received = await run_worker(clock)
    assert list(received) == [w.guardians["novikov"]]
    [message] = received[w.guardians["novikov"]]
    assert lines(message) == [("mark", "new", "Иван", 4), ("mark", "new", "Иван", 5)]
    clock.set(msk(8, day=TOMORROW))
    assert list(await run_worker(clock)) == [w.guardians["sokolova"]]


async def test_an_urgent_announcement_goes_through_at_night(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(23))
    for urgent, title in ((True, "Завтра занятия отменены"), (False, "Фотографирование")):
        await post_announcement(
            clock.uow(),
            actor=w.actor("deputy"),
            class_id=w.classes["10А"],
            title=title,
            body="Подробности у классного руководителя.",
            urgent=urgent,
        )
        clock.advance(1)
    due = await relay_and_dispatch(clock)  # urgent: no grace window, due at once
    urgent_note, quiet_note = await notifications(db)
    # Due from the moment it was posted (the delay to the send counts from there).
    assert due == [urgent_note.id] and urgent_note.urgent and urgent_note.due_at == msk(23)
    clock.advance(120)
    received = await run_worker(clock)
    [message] = received[w.guardians["morozova"]]
    assert message.urgent and lines(message) == [
        ("announcement", "new", None, "Завтра занятия отменены")
    ]
    assert (await load(db, Notification, quiet_note.id or 0)).due_at == msk(7, 30, day=TOMORROW)


async def test_withdrawn_consent_stops_planned_and_started_messages(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    delivery_id = await started(clock, w)  # the father's message: started, not yet sent
    await post(clock, w, "petya")  # the mother's: planned, in its grace window
    await relay_and_dispatch(clock)
    for guardian in ("sokolova", "novikov"):
        await withdraw_consent(
            clock.uow(), actor=w.actor("admin"), guardian_id=w.guardians[guardian]
        )

    assert await claim_delivery(clock.uow(), delivery_id=delivery_id) is None
    delivery = await load(db, Delivery, delivery_id)
    assert delivery.status == "cancelled" and delivery.attempts == 0
    clock.advance(120)
    assert await run_worker(clock) == {}
    closed = {n.guardian_id: (n.status, n.closed_at) for n in await notifications(db)}
    assert closed == {
        w.guardians["novikov"]: ("cancelled", msk(10, 2)),  # at claim
        w.guardians["sokolova"]: ("cancelled", msk(10, 4)),  # at start
    }
    assert {n.reason for n in await notifications(db)} == {"consent_withdrawn"}
    assert {reason_text(n) for n in await notifications(db)} == {
        "согласие на обработку данных отозвано"
    }
    assert len(await deliveries(db)) == 1


async def test_a_notification_is_started_once_and_a_delivery_claimed_once(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await post(clock, w)
    await relay_and_dispatch(clock)
    clock.advance(120)
    [note] = await notifications(db)
    # The start job twice at once (a sweep and the scheduled job): one delivery.
    started = await asyncio.gather(
        *(start_notification(clock.uow(), notification_id=note.id or 0) for _ in range(2))
    )
    [delivery_id] = [d for d in started if d is not None]
    assert len(await deliveries(db)) == 1
    first = await claim_delivery(clock.uow(), delivery_id=delivery_id)
    assert first is not None
    assert (first.delivery.channel, first.delivery.address) == ("email", "novikov@example.ru")
    assert (first.delivery.status, first.delivery.attempts) == ("sending", 1)
    assert first.delivery.sending_since == clock()
    assert lines(first.composition) == [("mark", "new", "Иван", 4)]
    assert await claim_delivery(clock.uow(), delivery_id=delivery_id) is None
    # Two workers at once: one of them sends.
    await settle_delivery(clock.uow(), delivery_id=delivery_id, outcome="retry", retry_after=0)
    both = await asyncio.gather(
        *(claim_delivery(clock.uow(), delivery_id=delivery_id) for _ in range(2))
    )
    assert sum(c is not None for c in both) == 1


async def test_retry_waits_exactly_as_long_as_the_channel_asked(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    delivery_id = await started(clock, w)
    await claim_delivery(clock.uow(), delivery_id=delivery_id)
    with pytest.raises(ValueError, match="outcome"):  # a worker's typo changes nothing
        await settle_delivery(clock.uow(), delivery_id=delivery_id, outcome="delivered")
    settled = await settle_delivery(
        clock.uow(),
        delivery_id=delivery_id,
        outcome="retry",
        retry_after=37,
        reason="429: Too Many Requests",
    )
    assert settled.retry_at == clock() + dt.timedelta(seconds=37)
    assert settled.fallback is None
    delivery = await load(db, Delivery, delivery_id)
    assert delivery.status == "pending" and delivery.next_attempt_at == settled.retry_at
    # The channel's own words, kept as it wrote them.
    assert (delivery.error, delivery.error_params) == (
        "provider",
        {"detail": "429: Too Many Requests"},
    )

    clock.advance(36)
    assert await claim_delivery(clock.uow(), delivery_id=delivery_id) is None  # too early
    clock.advance(1)
    again = await claim_delivery(clock.uow(), delivery_id=delivery_id)
    assert again is not None and again.delivery.attempts == 2
    # Without a retry_after the backoff table decides.
    settled = await settle_delivery(clock.uow(), delivery_id=delivery_id, outcome="retry")
    assert settled.retry_at == clock() + dt.timedelta(seconds=BACKOFF_SECONDS[1])
    # A repeated settle (the job ran twice) changes nothing.
    repeat = await settle_delivery(clock.uow(), delivery_id=delivery_id, outcome="sent")
    assert repeat.retry_at is None and repeat.fallback is None
    assert (await load(db, Delivery, delivery_id)).status == "pending"


async def test_after_the_whole_backoff_table_the_message_fails(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await choose(db, w, "novikov", channels=["sms"])
    delivery_id = await started(clock, w)
    waits: list[float] = []
    while True:
        claimed = await claim_delivery(clock.uow(), delivery_id=delivery_id)
        assert claimed is not None
        settled = await settle_delivery(
            clock.uow(), delivery_id=delivery_id, outcome="retry", reason="шлюз: 503"
        )
        if settled.retry_at is None:
            break
        waits.append((settled.retry_at - clock()).total_seconds())
        clock.set(settled.retry_at)
    assert waits == list(BACKOFF_SECONDS)  # every step of the table, then no more
    delivery = await load(db, Delivery, delivery_id)
    assert delivery.status == "failed" and delivery.attempts == len(BACKOFF_SECONDS) + 1
    note = await load(db, Notification, delivery.notification_id)
    assert note.status == "failed"
    assert note.reason == "undelivered"
    assert reason_text(note) == (
        "не доставлено ни по одному каналу (SMS: не удалось после 13 попыток: шлюз: 503)"
    )
    assert reason_text(note, "en") == (
        "not delivered by any channel (SMS: failed after 13 attempts: шлюз: 503)"
    )
    assert await dead_contacts(db, w.guardians["novikov"]) == []  # the number is fine


async def test_dead_addresses_fall_back_channel_by_channel_until_none_is_left(
    db: Database,
) -> None:
    w = await build_world(db)
    mother = w.guardians["sokolova"]
    await update_row(db, Guardian, mother, telegram_chat_id=5550001)
    clock = Clock(db, msk(10))
    delivery_id: int | None = await started(clock, w, kid="petya")
    path = [
        ("telegram", "5550001", "бот заблокирован", True),
        ("email", "sokolova@example.ru", "ящик не существует", True),
        ("sms", "+79160000001", "номер не обслуживается", False),
    ]
    for channel, address, reason, dead in path:
        claimed = await claim_delivery(clock.uow(), delivery_id=delivery_id or 0)
        assert claimed is not None
        assert (claimed.delivery.channel, claimed.delivery.address) == (channel, address)
        settled = await settle_delivery(
            clock.uow(),
            delivery_id=delivery_id or 0,
            outcome="permanent",
            reason=reason,
            address_dead=dead,
        )
        assert settled.retry_at is None
        delivery_id = settled.fallback
    assert delivery_id is None  # nothing left to fall back to
    assert await dead_contacts(db, mother) == [
        ("email", "sokolova@example.ru"),
        ("telegram", "5550001"),
    ]
    [note] = await notifications(db)
    assert (note.status, note.reason) == ("failed", "undelivered")
    assert reason_text(note) == (
        "не доставлено ни по одному каналу (Telegram: бот заблокирован; "
        "Почта: ящик не существует; SMS: номер не обслуживается)"
    )
    assert [d.status for d in await deliveries(db)] == ["failed"] * 3

    # The next mark goes straight to the one address not found dead.
    clock.advance(600)
    await post(clock, w, "masha")
    await relay_and_dispatch(clock)
    clock.advance(120)
    await run_worker(clock)
    last = (await deliveries(db))[-1]
    assert (last.channel, last.status) == ("sms", "sent")


async def test_one_dead_address_found_by_two_messages_at_once(db: Database) -> None:
    w = await build_world(db)
    await update_row(db, Guardian, w.guardians["novikov"], telegram_chat_id=5550002)
    clock = Clock(db, msk(10))
    await post_announcement(
        clock.uow(),
        actor=w.actor("russian"),
        class_id=w.classes["7Б"],
        title="Экскурсия",
        body="В пятницу.",
        urgent=True,
    )
    await post(clock, w)
    await relay_and_dispatch(clock)
    clock.advance(120)
    await start_due(clock)
    on_telegram = [d.id or 0 for d in await deliveries(db) if d.address == "5550002"]
    assert len(on_telegram) == 2
    for delivery_id in on_telegram:
        assert await claim_delivery(clock.uow(), delivery_id=delivery_id) is not None
    fallbacks = []
    for delivery_id in on_telegram:
        settled = await settle_delivery(
            clock.uow(),
            delivery_id=delivery_id,
            outcome="permanent",
            reason="Forbidden: bot was blocked by the user",
            address_dead=True,
        )
        fallbacks.append(settled.fallback)
    assert await dead_contacts(db, w.guardians["novikov"]) == [("telegram", "5550002")]
    assert [(await load(db, Delivery, f or 0)).channel for f in fallbacks] == ["email", "email"]


async def test_the_guardians_channel_order_is_followed_and_rechecked_at_claim(
    db: Database,
) -> None:
    w = await build_world(db)
    settings_id = await choose(db, w, "novikov", channels=["sms", "email"])
    clock = Clock(db, msk(10))
    delivery_id = await started(clock, w)
    await update_row(db, GuardianSettings, settings_id, channels=["email"])
    # SMS was first when the message started; he has dropped it since.
    assert await claim_delivery(clock.uow(), delivery_id=delivery_id) is None
    first, second = await deliveries(db)
    assert (first.channel, first.status) == ("sms", "cancelled")
    assert (second.channel, second.status) == ("email", "pending")
    received = await run_worker(clock)
    assert lines(received[w.guardians["novikov"]][0]) == [("mark", "new", "Иван", 4)]
    [note] = await notifications(db)
    assert note.status == "sent"


async def test_a_mark_deleted_between_start_and_claim_is_not_sent(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    mark_id = await post(clock, w)
    await relay_and_dispatch(clock)
    clock.advance(120)
    [delivery_id] = await start_due(clock)
    clock.advance(1)
    await delete_mark(clock.uow(), actor=w.actor("math"), mark_id=mark_id)
    assert await claim_delivery(clock.uow(), delivery_id=delivery_id) is None
    assert (await load(db, Delivery, delivery_id)).status == "cancelled"
    [note] = await notifications(db)
    assert (note.status, note.reason) == ("cancelled", "nothing_left")
    assert reason_text(note) == "нечего сообщать: запись исправлена или удалена"


async def test_a_kind_switched_off_after_planning_is_not_sent(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await post(clock, w, "vanya")  # Новиков's son gets a mark: planned, in its grace window
    await relay_and_dispatch(clock)
    await choose(db, w, "novikov", modes={"marks": "off"})  # the father turns marks off
    clock.advance(120)

    assert await run_worker(clock) == {}
    [note] = await notifications(db, w.guardians["novikov"])
    assert (note.status, note.reason) == ("cancelled", "switched_off")
    assert reason_text(note, "en") == "the parent turned such messages off"
    assert await deliveries(db) == []
