"""Dispatch: turn one outbox event into notifications owed to guardians.

Safe to run twice for the same event (arq runs jobs at least once): an event joins a
guardian's notification at most once (`NotificationEvent` is unique per guardian and
event) and `OutboxEvent.dispatched_at` short-cuts a repeat.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.delivery.notices import plan_notices
from core.delivery.recipients import Recipient, recipients_of
from core.delivery.routing import (
    MAX_BUNDLE_SECONDS,
    TOPIC_OF_EVENT,
    closed_channels,
    digest_time,
    live_channels,
    mode_for,
    next_digest_at,
)
from core.events import AnnouncementPosted, Event, HomeworkSet, MessengersChanged, event_from_outbox
from core.models import (
    ContactStatus,
    Guardian,
    GuardianSettings,
    Mode,
    Notification,
    NotificationEvent,
    OutboxEvent,
    School,
    Topic,
)
from core.policy import SchoolPolicy, policy_of
from core.uow import UnitOfWork


@dataclass(frozen=True)
class Dispatched:
    """The notifications an event made due now, and the earliest moment one it joined
    or opened falls due later (None: none does)."""

    due: list[int]
    next_due: dt.datetime | None = None


async def dispatch_event(uow: UnitOfWork, *, event_id: str) -> list[int]:
    """Plan who hears of an outbox event and when; returns notifications due right now."""
    return (await dispatch_planned(uow, event_id=event_id)).due


async def dispatch_planned(uow: UnitOfWork, *, event_id: str) -> Dispatched:
    """`dispatch_event`, with when the next of its notifications falls due."""
    async with uow:
        row = await uow.session.get(OutboxEvent, event_id)
        if row is None or row.dispatched_at is not None:
            return Dispatched([])
        now = uow.now()
        due: list[int] = []
        planner = None
        topic = TOPIC_OF_EVENT.get(row.kind)
        event = event_from_outbox(row.kind, row.payload)
        if topic is not None or isinstance(event, MessengersChanged):
            school = await uow.session.get(School, row.school_id)
            assert school is not None
            if isinstance(event, MessengersChanged):
                due = await plan_notices(uow, event_id=row.id, event=event, school=school)
            elif topic is not None:
                planner = _Planner(uow, event, topic, school, now)
                due = await planner.plan(row.id)
        row.dispatched_at = now
        uow.session.add(row)
        await uow.commit()
        return Dispatched(due, planner.next_due if planner else None)


def _one_per_guardian(recipients: list[Recipient]) -> list[Recipient]:
    """One entry per guardian: about their child, or about the family (student None)
    when the event concerns two of their children (class homework, say)."""
    by_guardian: dict[int, Recipient] = {}
    for recipient in recipients:
        gid = recipient.guardian.id or 0
        seen = by_guardian.setdefault(gid, recipient)
        if seen.student_id != recipient.student_id:
            by_guardian[gid] = Recipient(recipient.guardian, None)
    return list(by_guardian.values())


class _Planner:
    def __init__(
        self, uow: UnitOfWork, event: Event, topic: Topic, school: School, now: dt.datetime
    ) -> None:
        self.uow, self.event, self.topic, self.school, self.now = uow, event, topic, school, now
        self.policy: SchoolPolicy = policy_of(school)
        self.closed = closed_channels(self.policy)
        self.urgent = isinstance(event, AnnouncementPosted) and event.urgent
        # Homework the bot broadcast while the journal was down: those it reached have
        # their message already; the others (email, SMS, missed chats) hear as usual.
        self.told = set(event.notified_guardian_ids) if isinstance(event, HomeworkSet) else set()
        self.next_due: dt.datetime | None = None  # the earliest of its notes due later

    async def plan(self, event_id: str) -> list[int]:
        today = self.now.astimezone(ZoneInfo(self.school.timezone)).date()
        recipients = _one_per_guardian(
            await recipients_of(self.uow.session, self.event, policy=self.policy, today=today)
        )
        guardian_ids = sorted({r.guardian.id or 0 for r in recipients})
        await self._lock_guardians(guardian_ids)
        settings = await self._settings(guardian_ids)
        dead = await self._dead_contacts(guardian_ids)
        done = await self._already_planned(guardian_ids, event_id)
        open_notes = await self._open_notifications(guardian_ids)
        joined: list[tuple[int, Notification]] = []
        for recipient in recipients:
            gid = recipient.guardian.id or 0
            mine = settings.get(gid)
            mode = mode_for(mine, self.topic)
            if mode is Mode.off or gid in done or gid in self.told:
                continue
            topics = (self.topic.value,)
            if not live_channels(recipient.guardian, mine, dead[gid], topics, closed=self.closed):
                continue  # unreachable: shown to the class teacher, nothing to queue
            note = self._notification_for(recipient, mode, mine, open_notes.get((gid, mode)))
            joined.append((gid, note))
            done.add(gid)
        # One flush for the whole event: a school-wide announcement inserts its
        # thousands of notifications in a few batched statements, not one by one
        # while holding the database's write lock.
        await self.uow.session.flush()
        due: list[int] = []
        for gid, note in joined:
            self.uow.session.add(
                NotificationEvent(notification_id=note.id or 0, guardian_id=gid, event_id=event_id)
            )
            if note.due_at <= self.now and note.id not in due:
                due.append(note.id or 0)
            elif note.due_at > self.now:
                self.next_due = min(note.due_at, self.next_due or note.due_at)
        return due

    async def _lock_guardians(self, ids: list[int]) -> None:
        # Two events for one guardian dispatched at once must join one bundle, not
        # open two: hold the guardians' rows (PostgreSQL; SQLite has one writer anyway).
        if ids and not self.uow.db.is_sqlite:
            await self.uow.session.exec(
                select(Guardian.id).where(col(Guardian.id).in_(ids)).with_for_update()
            )

    async def _settings(self, ids: list[int]) -> dict[int, GuardianSettings]:
        query = select(GuardianSettings).where(col(GuardianSettings.guardian_id).in_(ids))
        return {s.guardian_id: s for s in (await self.uow.session.exec(query)).all()}

    async def _dead_contacts(self, ids: list[int]) -> dict[int, set[tuple[str, str]]]:
        query = select(ContactStatus).where(col(ContactStatus.guardian_id).in_(ids))
        dead: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for status in (await self.uow.session.exec(query)).all():
            dead[status.guardian_id].add((status.channel, status.address))
        return dead

    async def _already_planned(self, ids: list[int], event_id: str) -> set[int]:
        query = select(NotificationEvent.guardian_id).where(
            NotificationEvent.event_id == event_id, col(NotificationEvent.guardian_id).in_(ids)
        )
        return set((await self.uow.session.exec(query)).all())

    async def _open_notifications(self, ids: list[int]) -> dict[tuple[int, Mode], Notification]:
        """Per guardian and mode, the oldest open notification an event may still join."""
        query = (
            select(Notification)
            .where(
                col(Notification.guardian_id).in_(ids),
                Notification.status == "open",
                Notification.urgent == self.urgent,
                col(Notification.due_at) > self.now,
            )
            .order_by(col(Notification.id))
        )
        found: dict[tuple[int, Mode], Notification] = {}
        for note in (await self.uow.session.exec(query)).all():
            found.setdefault((note.guardian_id, Mode(note.mode)), note)
        return found

    def _notification_for(
        self,
        recipient: Recipient,
        mode: Mode,
        settings: GuardianSettings | None,
        note: Notification | None,
    ) -> Notification:
        """The open notification this event joins (`note`), or a new one."""
        gid = recipient.guardian.id or 0
        if note is None:
            note = Notification(
                school_id=self.school.id or 0,
                guardian_id=gid,
                student_id=recipient.student_id,
                topic=self.topic.value,
                mode=mode.value,
                urgent=self.urgent,
                due_at=self._due_at(mode, settings, None),
                created_at=self.now,
            )
        else:
            note.due_at = self._due_at(mode, settings, note)
            if note.topic != self.topic.value:
                note.topic = "mixed"
            if note.student_id != recipient.student_id:
                note.student_id = None
        self.uow.session.add(note)
        return note

    def _due_at(
        self, mode: Mode, settings: GuardianSettings | None, note: Notification | None
    ) -> dt.datetime:
        tz, at = self.school.timezone, digest_time(settings, self.policy)
        if mode is Mode.daily:
            return next_digest_at(self.now, tz, at)
        if mode is Mode.weekly:
            weekday = settings.weekly_weekday if settings else 4
            return next_digest_at(self.now, tz, at, weekday=weekday)
        # Instant: wait out the grace window after the latest event so a mistyped mark
        # can be fixed (PRODUCT §2), but never past MAX_BUNDLE_SECONDS from the first.
        window = dt.timedelta(seconds=0 if self.urgent else self.policy.grace_window_seconds)
        if note is None:
            return self.now + window
        cap = note.created_at + dt.timedelta(seconds=MAX_BUNDLE_SECONDS)
        return max(note.due_at, min(self.now + window, cap))
