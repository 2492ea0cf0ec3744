"""Driving delivery the way the workers do, on a clock the test moves by hand.

Set-up rows (another guardian, a guardian's settings) are written directly; every
step under test goes through the core: the journal services, dispatch, start, claim
and settle, and the sweeper's queries to find the work.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import SQLModel, col, select

from core.db import Database
from core.delivery.compose import Composition, Item, compose
from core.delivery.dispatch import dispatch_event
from core.delivery.lifecycle import claim_delivery, settle_delivery, start_notification
from core.delivery.reasons import describe
from core.delivery.sweep import (
    due_notifications,
    mark_relayed,
    retryable_deliveries,
    unrelayed_events,
)
from core.models import (
    ContactStatus,
    Delivery,
    Guardian,
    GuardianSettings,
    Notification,
    StudentGuardian,
)
from core.services.marks import post_mark
from core.uow import UnitOfWork
from tests.builders import TODAY, World, insert

MSK = ZoneInfo("Europe/Moscow")
T = TypeVar("T", bound=SQLModel)


def msk(hour: int, minute: int = 0, second: int = 0, *, day: dt.date = TODAY) -> dt.datetime:
    """A Moscow wall-clock time on `day` (TODAY, a Monday) as an aware UTC instant."""
    local = dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=MSK)
    return local.astimezone(dt.UTC)


class Clock:
    """The test's one clock: every unit of work reads it, only the test moves it."""

    def __init__(self, db: Database, start: dt.datetime) -> None:
        self.db, self.now = db, start

    def __call__(self) -> dt.datetime:
        return self.now

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db, clock=self)

    def set(self, when: dt.datetime) -> None:
        assert when >= self.now, "the clock only moves forward"
        self.now = when

    def advance(self, seconds: float) -> dt.datetime:
        self.now += dt.timedelta(seconds=seconds)
        return self.now


async def post(
    clock: Clock,
    w: World,
    kid: str = "vanya",
    value: int = 4,
    *,
    teacher: str = "math",
    lesson: str = "math7",
    work_type: str = "oral",
) -> int:
    """A teacher posts a mark through the journal service, now; the mark's id."""
    mark = await post_mark(
        clock.uow(),
        actor=w.actor(teacher),
        lesson_id=w.lessons[lesson],
        student_id=w.students[kid],
        value=value,
        work_type=work_type,
    )
    return mark.id or 0


# --- the workers' steps, driven through the core -------------------------------------


async def relay_and_dispatch(clock: Clock) -> list[int]:
    """The relay (queue every unrelayed event) and the dispatch job for each, in order.

    Event ids cross a JSON round trip, as arq job arguments do.
    """
    async with clock.db.session() as s:
        events = await unrelayed_events(s, limit=1000)
    ids: list[str] = json.loads(json.dumps([e.id for e in events]))
    await mark_relayed(clock.uow(), ids, now=clock())
    due: list[int] = []
    for event_id in ids:
        due += await dispatch_event(clock.uow(), event_id=event_id)
    return due


async def start_due(clock: Clock) -> list[int]:
    """The sweeper's due notifications, each started; the deliveries created."""
    async with clock.db.session() as s:
        due = await due_notifications(s, now=clock(), limit=1000)
    started = [await start_notification(clock.uow(), notification_id=n) for n in due]
    return [d for d in started if d is not None]


async def send_pending(clock: Clock, **settle: Any) -> list[tuple[Delivery, Composition]]:
    """Claim every pending delivery and settle it (`outcome="sent"` by default)."""
    async with clock.db.session() as s:
        pending = await retryable_deliveries(s, now=clock(), limit=1000)
    done: list[tuple[Delivery, Composition]] = []
    for delivery_id in pending:
        claimed = await claim_delivery(clock.uow(), delivery_id=delivery_id)
        if claimed is None:
            continue
        await settle_delivery(
            clock.uow(),
            delivery_id=delivery_id,
            outcome=settle.get("outcome", "sent"),
            provider_id=f"p{delivery_id}",
            **{k: v for k, v in settle.items() if k != "outcome"},
        )
        done.append((claimed.delivery, claimed.composition))
    return done


async def started(clock: Clock, w: World, kid: str = "vanya") -> int:
    """A mark posted now and its notification started after the grace window: the delivery."""
    await post(clock, w, kid)
    await relay_and_dispatch(clock)
    clock.advance(120)
    [delivery_id] = await start_due(clock)
    return delivery_id


async def run_worker(clock: Clock) -> dict[int, list[Composition]]:
    """One pass of everything the workers do at this instant; what each guardian got."""
    await relay_and_dispatch(clock)
    await start_due(clock)
    received: dict[int, list[Composition]] = {}
    for delivery, composition in await send_pending(clock):
        received.setdefault(delivery.guardian_id, []).append(composition)
    return received


# --- reading what a family or a class teacher would see -------------------------------


async def load(db: Database, model: type[T], row_id: int) -> T:
    async with db.session() as s:
        row = await s.get(model, row_id)
        assert row is not None, f"{model.__name__} {row_id} is gone"
        return row


async def notifications(db: Database, guardian_id: int | None = None) -> list[Notification]:
    async with db.session() as s:
        query = select(Notification).order_by(col(Notification.id))
        if guardian_id is not None:
            query = query.where(Notification.guardian_id == guardian_id)
        return list((await s.exec(query)).all())


async def deliveries(db: Database, notification_id: int | None = None) -> list[Delivery]:
    async with db.session() as s:
        query = select(Delivery).order_by(col(Delivery.id))
        if notification_id is not None:
            query = query.where(Delivery.notification_id == notification_id)
        return list((await s.exec(query)).all())


async def dead_contacts(db: Database, guardian_id: int) -> list[tuple[str, str]]:
    async with db.session() as s:
        query = select(ContactStatus).where(ContactStatus.guardian_id == guardian_id)
        return sorted((c.channel, c.address) for c in (await s.exec(query)).all())


async def composed(db: Database, notification_id: int) -> Composition | None:
    """What the notification would say if it were sent now."""
    async with db.session() as s:
        note = await s.get(Notification, notification_id)
        assert note is not None
        return await compose(s, note)


def lines(composition: Composition) -> list[tuple[str, str, str | None, Any]]:
    """(kind, change, child, value-ish) per item: what a parent reads, in short."""

    def value(item: Item) -> Any:
        for key in ("value", "status", "text", "title"):
            if key in item.data:
                return item.data[key]
        return None

    return [(i.kind, i.change, i.student, value(i)) for i in composition.items]


# --- set-up rows ----------------------------------------------------------------------


async def add_guardian(
    db: Database,
    w: World,
    key: str,
    kids: list[str],
    *,
    consent: bool = True,
    email: str | None = None,
    phone: str | None = None,
    telegram: int | None = None,
    max_user: int | None = None,
) -> int:
    """Another guardian of some of the world's students."""
    now = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    [gid] = await insert(
        db,
        Guardian(
            school_id=w.school_id,
            last_name="Соколов",
            first_name=key,
            email=email,
            phone=phone,
            telegram_chat_id=telegram,
            max_user_id=max_user,
            consent_given_at=now if consent else None,
            consent_source="paper" if consent else None,
            created_at=now,
        ),
    )
    await insert(
        db,
        *(
            StudentGuardian(school_id=w.school_id, student_id=w.students[k], guardian_id=gid)
            for k in kids
        ),
    )
    w.guardians[key] = gid
    return gid


async def choose(db: Database, w: World, guardian: str, **values: Any) -> int:
    """A guardian's own settings (modes, channels, quiet hours, digest time); their id."""
    values.setdefault("modes", {})
    [settings_id] = await insert(
        db, GuardianSettings(school_id=w.school_id, guardian_id=w.guardians[guardian], **values)
    )
    return settings_id


def reason_text(row: Notification | Delivery, language: str = "ru") -> str | None:
    """Why the row stopped, as a class teacher reads it."""
    if isinstance(row, Notification):
        return None if row.reason is None else describe(row.reason, row.reason_params, language)
    return None if row.error is None else describe(row.error, row.error_params, language)
