"""Each parent's status of an announcement, as the class teacher reads it after sending.

The messages go out through the real pipeline in-process: dispatch and start through
the core (tests/integration/delivery_helpers.py), then the worker's own `deliver` job
with the notifier's Telegram and email channels against the Telegram emulator and
the SMTP stand-in; a fallback is queued in a real (private) Redis. SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq.connections import RedisSettings, create_pool

from core.actors import GuardianActor
from core.db import Database
from core.delivery.sweep import retryable_deliveries
from core.errors import Forbidden, NotFound
from core.models import ContactStatus, Guardian
from core.reading.announcement_status import (
    AnnouncementStatus,
    ParentState,
    ParentStatus,
    announcement_status,
)
from core.reading.class_messages import class_messages, monthly_message_due
from core.reading.reachability import Unreachable
from core.services.acknowledgements import acknowledge
from core.services.announcements import post_announcement
from core.settings import Settings
from notifier.email import EmailChannel, EmailConfig
from notifier.standins.smtp import SmtpStandin, run_smtp_standin
from notifier.standins.telegram_control import RunningEmulator, run_telegram_emulator
from notifier.telegram import TelegramChannel
from tests.builders import World, build_world, insert, uow_at, update_row
from tests.integration.delivery_helpers import (
    Clock,
    add_guardian,
    choose,
    msk,
    relay_and_dispatch,
    start_due,
)
from workers.deliveries import deliver

TG_OK, TG_BLOCKED, TG_NO_CONSENT, TG_DEAD = 2001, 2002, 2003, 2004


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with run_telegram_emulator() as running:
        yield running


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpStandin]:
    async with run_smtp_standin() as standin:
        yield standin


@pytest.fixture
async def worker_ctx(
    db: Database, emulator: RunningEmulator, smtp: SmtpStandin, redis_url: str
) -> AsyncIterator[dict[str, Any]]:
    """What a worker's jobs get: the database, the channels, the arq queue."""
    telegram = TelegramChannel(emulator.token, limiter=None, api_url=emulator.base_url)
    email = EmailChannel(
        EmailConfig(
            host="127.0.0.1", port=smtp.port, mail_from="Звонок <n@school.test>", tls="none"
        )
    )
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    channels = {"telegram": telegram, "email": email}
    yield {"db": db, "channels": channels, "redis": pool, "settings": Settings()}
    await telegram.close()
    await email.close()
    await pool.aclose()


async def the_families(
    db: Database, w: World, emulator: RunningEmulator, smtp: SmtpStandin
) -> None:
    """7Б's families, one for each state a class teacher must tell apart.

    sokolova and novikov (the builders') have email and no Telegram: told by email.
    """
    await add_guardian(db, w, "telegram", ["petya"], telegram=TG_OK)
    await add_guardian(db, w, "blocked", ["masha"], telegram=TG_BLOCKED, email="blocked@example.ru")
    await emulator.control.block_chat(TG_BLOCKED)
    await add_guardian(db, w, "unconsented", ["vanya"], consent=False, telegram=TG_NO_CONSENT)
    await add_guardian(db, w, "nocontact", ["vanya"])
    dead = await add_guardian(db, w, "dead", ["petya"], telegram=TG_DEAD)
    # The bot was blocked in that chat before: an earlier message found it dead.
    await insert(
        db,
        ContactStatus(
            school_id=w.school_id,
            guardian_id=dead,
            channel="telegram",
            address=str(TG_DEAD),
            dead_at=msk(9),
            reason="provider",
            reason_params={"detail": "Forbidden: bot was blocked by the user"},
        ),
    )
    await add_guardian(db, w, "bounced", ["masha"], email="gone@example.ru")
    smtp.reject("gone@example.ru")
    await add_guardian(db, w, "digest", ["vanya"], email="evening@example.ru")
    await choose(db, w, "digest", modes={"announcements": "daily"})


async def deliver_everything(clock: Clock, ctx: dict[str, Any]) -> None:
    """What the workers do within the next minutes: plan, start, send, fall back."""
    await relay_and_dispatch(clock)
    clock.advance(120)  # the grace window
    outcomes = [await deliver(ctx, delivery_id) for delivery_id in await start_due(clock)]
    assert "permanent" in outcomes  # the blocked chat and the bouncing mailbox
    async with clock.db.session() as s:
        fallbacks = await retryable_deliveries(s, now=clock(), limit=100)
    assert [await deliver(ctx, delivery_id) for delivery_id in fallbacks] == ["sent"]


def by_name(status: AnnouncementStatus, w: World) -> dict[str, ParentStatus]:
    ids = {gid: key for key, gid in w.guardians.items()}
    return {ids[line.guardian_id]: line for line in status.parents}


async def test_each_parent_has_a_status_through_sending_and_acknowledging(
    db: Database, worker_ctx: dict[str, Any], emulator: RunningEmulator, smtp: SmtpStandin
) -> None:
    w = await build_world(db)
    await the_families(db, w, emulator, smtp)
    clock = Clock(db, msk(10))
    posted = await post_announcement(
        clock.uow(),
        actor=w.actor("russian"),
        class_id=w.classes["7Б"],
        title="Итоги ноября",
        body="Класс хорошо закончил месяц.",
        monthly=True,
    )

    async def read(language: str = "ru") -> AnnouncementStatus:
        return await announcement_status(
            clock.uow(),
            actor=w.actor("russian"),
            announcement_id=posted.id or 0,
            language=language,
        )

    # Just posted: the workers have planned nothing yet; the unreachable are known now.
    before = by_name(await read(), w)
    assert {k: v.state for k, v in before.items()} == {
        "sokolova": ParentState.pending,
        "novikov": ParentState.pending,
        "telegram": ParentState.pending,
        "blocked": ParentState.pending,
        "unconsented": ParentState.unreachable,
        "nocontact": ParentState.unreachable,
        "dead": ParentState.unreachable,
        "bounced": ParentState.pending,
        "digest": ParentState.pending,
    }
    assert (await read()).pending

    await deliver_everything(clock, worker_ctx)
    status = await read()
    lines = by_name(status, w)

    assert (lines["telegram"].state, lines["telegram"].channel) == (
        ParentState.delivered,
        "telegram",
    )
    assert lines["telegram"].at is not None
    [message] = await emulator.control.sent(chat_id=TG_OK)
    assert "Итоги ноября" in message["text"]

    # Telegram refused (the parent blocked the bot), the email went out instead.
    blocked = lines["blocked"]
    assert (blocked.state, blocked.channel) == (ParentState.delivered, "email")
    assert [(a.channel, a.status) for a in blocked.attempts] == [
        ("telegram", "failed"),
        ("email", "sent"),
    ]
    assert "blocked" in (blocked.attempts[0].error or "")
    assert "blocked@example.ru" in [r for m in smtp.messages for r in m.rcpt_tos]

    assert (lines["sokolova"].state, lines["sokolova"].channel) == (ParentState.delivered, "email")
    assert (lines["sokolova"].children) == ("Соколов Пётр", "Соколова Мария")

    bounced = lines["bounced"]
    assert bounced.state is ParentState.failed
    assert bounced.reason_code == "undelivered"
    assert (bounced.reason or "").startswith("не доставлено ни по одному каналу (Почта: smtp 550")

    digest = lines["digest"]
    assert digest.state is ParentState.pending
    assert digest.due_at == msk(18)  # the evening digest
    assert (digest.held, digest.held_code) == ("в дайджест в 18:00", "digest")

    assert (lines["unconsented"].state, lines["unconsented"].unreachable) == (
        ParentState.unreachable,
        Unreachable.no_consent,
    )
    assert lines["nocontact"].unreachable is Unreachable.no_contact
    dead = lines["dead"]
    assert (dead.state, dead.unreachable) == (ParentState.unreachable, Unreachable.contacts_dead)
    assert dead.dead == ("Telegram: Forbidden: bot was blocked by the user",)
    # The reasons are codes: the same status reads in English for an English reader.
    english = by_name(await read("en"), w)
    assert (english["bounced"].reason or "").startswith(
        "not delivered by any channel (Email: smtp 550"
    )

    assert status.counts == {
        "delivered": 4,
        "pending": 1,
        "failed": 1,
        "unreachable": 3,
        "acknowledged": 0,
        "total": 9,
    }
    assert status.pending  # the digest is still to go: the page keeps refreshing

    # The Telegram parent presses «Ознакомлен».
    clock.advance(60)
    await acknowledge(
        clock.uow(),
        actor=GuardianActor(guardian_id=w.guardians["telegram"], school_id=w.school_id),
        subject=f"announcement:{posted.id}",
    )
    after = await read()
    assert by_name(after, w)["telegram"].acknowledged_at == clock()
    assert after.counts["acknowledged"] == 1


async def test_a_message_in_the_grace_window_says_until_when(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    posted = await post_announcement(
        clock.uow(), actor=w.actor("russian"), class_id=w.classes["7Б"], title="T", body="B"
    )
    await relay_and_dispatch(clock)
    status = await announcement_status(
        clock.uow(), actor=w.actor("russian"), announcement_id=posted.id or 0
    )
    line = by_name(status, w)["sokolova"]
    assert (line.held_code, line.held) == (
        "grace",
        "окно исправления до 10:02: учитель ещё может исправить запись",
    )


async def test_a_message_held_by_quiet_hours_says_so_and_until_when(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(20, 59))
    posted = await post_announcement(
        clock.uow(), actor=w.actor("russian"), class_id=w.classes["7Б"], title="T", body="B"
    )

    async def line(language: str = "ru") -> ParentStatus:
        status = await announcement_status(
            clock.uow(), actor=w.actor("russian"), announcement_id=posted.id or 0, language=language
        )
        return by_name(status, w)["sokolova"]

    await relay_and_dispatch(clock)
    # The grace window ends at 21:01, inside the quiet hours: said before it ends.
    waiting = await line()
    assert (waiting.held_code, waiting.held) == ("quiet_hours", "тихие часы до 07:30")
    assert waiting.due_at == msk(21, 1)
    clock.advance(120)
    assert await start_due(clock) == []
    held = await line()
    assert held.state is ParentState.pending
    assert (held.held_code, held.held) == ("quiet_hours", "тихие часы до 07:30")
    assert held.due_at == msk(7, 30) + dt.timedelta(days=1)
    assert (await line("en")).held == "quiet hours until 07:30"
    clock.set(msk(7, 30) + dt.timedelta(days=1))
    assert len(await start_due(clock)) == 2  # sokolova and novikov, by email
    assert (await line()).held is None


async def test_a_parent_subscribed_after_sending_is_said_not_to_have_been_reachable(
    db: Database, worker_ctx: dict[str, Any]
) -> None:
    w = await build_world(db)
    late = await add_guardian(db, w, "late", ["vanya"])
    clock = Clock(db, msk(10))
    posted = await post_announcement(
        clock.uow(), actor=w.actor("russian"), class_id=w.classes["7Б"], title="T", body="B"
    )
    await relay_and_dispatch(clock)
    await update_row(db, Guardian, late, telegram_chat_id=TG_OK)  # they joined the bot since
    status = await announcement_status(
        clock.uow(), actor=w.actor("deputy"), announcement_id=posted.id or 0
    )
    line = by_name(status, w)["late"]
    assert (line.state, line.unreachable) == (ParentState.unreachable, Unreachable.then)


@pytest.mark.parametrize(("who", "error"), [("math", Forbidden), ("stranger", NotFound)])
async def test_only_the_class_teacher_and_administration_read_statuses(
    db: Database, who: str, error: type[Exception]
) -> None:
    w = await build_world(db)
    posted = await post_announcement(
        uow_at(db), actor=w.actor("russian"), class_id=w.classes["7Б"], title="T", body="B"
    )
    with pytest.raises(error):
        await announcement_status(uow_at(db), actor=w.actor(who), announcement_id=posted.id or 0)


# --- the monthly message -------------------------------------------------------------


def test_the_monthly_message_is_due_until_one_is_posted_in_the_schools_month() -> None:
    moscow = "Europe/Moscow"
    now = msk(10)  # 23 November
    assert monthly_message_due(None, now, moscow)
    assert not monthly_message_due(msk(9, day=dt.date(2026, 11, 1)), now, moscow)
    assert monthly_message_due(msk(23, 59, day=dt.date(2026, 10, 31)), now, moscow)
    # 00:30 on 1 November in Moscow is still 31 October in UTC: November's message.
    first_of_month = msk(0, 30, day=dt.date(2026, 11, 1))
    assert first_of_month.date() == dt.date(2026, 10, 31)
    assert not monthly_message_due(first_of_month, now, moscow)
    # ...and Yekaterinburg's clock is two hours ahead of Moscow's.
    assert not monthly_message_due(msk(23, 0, day=dt.date(2026, 10, 31)), now, "Asia/Yekaterinburg")


async def test_the_class_page_says_when_this_months_message_is_still_due(db: Database) -> None:
    w = await build_world(db)
    seven_b = w.classes["7Б"]

    async def due() -> bool:
        messages = await class_messages(uow_at(db), actor=w.actor("russian"), class_id=seven_b)
        assert messages.monthly is not None
        return messages.monthly.due

    async def post(when: dt.datetime, *, monthly: bool, klass: str = "7Б") -> None:
        await post_announcement(
            uow_at(db, when),
            actor=w.actor("russian" if klass == "7Б" else "admin"),
            class_id=w.classes[klass],
            title="Письмо",
            body="Текст",
            monthly=monthly,
        )

    assert await due()
    await post(msk(23, 50, day=dt.date(2026, 10, 31)), monthly=True)  # October's
    await post(msk(9), monthly=False)  # an announcement, not the monthly message
    await post(msk(9), monthly=True, klass="10А")  # another class's
    assert await due()
    await post(msk(0, 10, day=dt.date(2026, 11, 1)), monthly=True)
    assert not await due()

    listed = await class_messages(uow_at(db), actor=w.actor("russian"), class_id=seven_b)
    assert [(a.title, a.monthly) for a in listed.announcements] == [
        ("Письмо", False),
        ("Письмо", True),
        ("Письмо", True),
    ]
    assert listed.families == 2  # sokolova and novikov
