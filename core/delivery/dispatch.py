"""Dispatch: turn one outbox event into notifications owed to guardians.

Safe to run twice for the same event (arq runs jobs at least once): an event joins a
guardian's notification at most once (`NotificationEvent` is unique per guardian and
event) and `OutboxEvent.dispatched_at` short-cuts a repeat.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import insert, update
from sqlmodel import col, select

from core.delivery.notices import plan_notices
from core.delivery.recipients import Asked, Recipient, recipients_of_many
from core.delivery.routing import (
    MAX_BUNDLE_SECONDS,
    TOPIC_OF_EVENT,
    closed_channels,
    digest_time,
    live_channels,
    mode_for,
    next_digest_at,
)
from core.delivery.transitions import guardian_rows, insert_new
from core.events import AnnouncementPosted, Event, HomeworkSet, MessengersChanged, event_from_outbox
from core.models import (
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
    return (await dispatch_events(uow, event_ids=[event_id])).due


async def dispatch_events(uow: UnitOfWork, *, event_ids: Sequence[str]) -> Dispatched:
    """Dispatch these outbox events in order, in one transaction (a teacher's class of
    marks is thirty events): each as `dispatch_event` would, the guardians' settings,
    dead contacts and open notifications read once for all of them."""
    async with uow:
        query = (
            select(OutboxEvent)
            .where(col(OutboxEvent.id).in_(list(event_ids)))
            .where(col(OutboxEvent.dispatched_at).is_(None))
            .order_by(col(OutboxEvent.occurred_at), col(OutboxEvent.id))
        )
        if not uow.db.is_sqlite:
            # Two jobs dispatching one event (a relay and a sweep): the second waits
            # here for the first to commit, then finds it dispatched and skips it.
            query = query.with_for_update()
        rows = list((await uow.session.exec(query)).all())
        if not rows:
            return Dispatched([])
        now = uow.now()
        known = _Known(uow, now)
        await known.planned([row.id for row in rows])
        next_due: dt.datetime | None = None
        # First who hears of each event (one query for the run's pupils), then
        # everything about those guardians at once, then each event planned in order
        # (a later one joins an earlier one's bundle); the new notifications are
        # inserted together at the end.
        planners: dict[str, _Planner] = {}
        for row in rows:
            topic = TOPIC_OF_EVENT.get(row.kind)
            event = event_from_outbox(row.kind, row.payload)
            if topic is not None and not isinstance(event, MessengersChanged):
                school = await known.school(row.school_id)
                planners[row.id] = _Planner(event, topic, school, now, known, row.occurred_at)
        found = await recipients_of_many(uow.session, [p.asked() for p in planners.values()])
        for planner, recipients in zip(planners.values(), found, strict=True):
            planner.take(recipients)
        for urgent in (False, True):
            ids = {gid for p in planners.values() if p.urgent is urgent for gid in p.guardian_ids}
            await known.guardians(sorted(ids), urgent)
        notices: list[int] = []
        for row in rows:
            event = event_from_outbox(row.kind, row.payload)
            if isinstance(event, MessengersChanged):
                school = await known.school(row.school_id)
                notices += await plan_notices(uow, event_id=row.id, event=event, school=school)
            elif row.id in planners:
                planner = planners[row.id]
                planner.plan(row.id)
        await insert_new(uow.session, Notification, known.new)
        await uow.session.flush()  # the notifications events joined
        joined = [
            {"notification_id": note.id or 0, "guardian_id": gid, "event_id": event_id}
            for planner in planners.values()
            for event_id, gid, note in planner.joined
        ]
        if joined:
            await uow.session.exec(insert(NotificationEvent), params=joined)
        due = list(notices)
        for planner in planners.values():
            for _, _, note in planner.joined:
                if note.due_at <= now:
                    due.append(note.id or 0)
                else:
                    next_due = min(note.due_at, next_due or note.due_at)
        dispatched = update(OutboxEvent).where(col(OutboxEvent.id).in_([row.id for row in rows]))
        await uow.session.exec(
            dispatched.values(dispatched_at=now),
            execution_options={"synchronize_session": False},
        )
        await uow.commit()
        return Dispatched(list(dict.fromkeys(due)), next_due)  # a bundle due once


class _Known:
    """What the events of one dispatch transaction share: schools, and per guardian
    their settings, dead contacts and the open notifications an event may join (kept
    up to date as the events open new ones)."""

    def __init__(self, uow: UnitOfWork, now: dt.datetime) -> None:
        self.uow, self.now = uow, now
        self.schools: dict[int, School] = {}
        self.settings: dict[int, GuardianSettings | None] = {}
        self.dead: dict[int, set[tuple[str, str]]] = {}
        # (guardian, urgent) -> mode -> the oldest open notification still joinable
        self.open: dict[tuple[int, bool], dict[Mode, Notification]] = {}
        # notifications opened in this transaction, inserted together at its end
        self.new: list[Notification] = []
        # event -> the guardians it already reached (none, unless an event's
        # `dispatched_at` was cleared by hand: each guardian still gets it once)
        self.reached: dict[str, set[int]] = defaultdict(set)

    async def planned(self, event_ids: list[str]) -> None:
        query = select(NotificationEvent.event_id, NotificationEvent.guardian_id).where(
            col(NotificationEvent.event_id).in_(event_ids)
        )
        for event_id, guardian_id in (await self.uow.session.exec(query)).all():
            self.reached[event_id].add(guardian_id)

    async def school(self, school_id: int) -> School:
        if school_id not in self.schools:
            school = await self.uow.session.get(School, school_id)
            assert school is not None
            self.schools[school_id] = school
        return self.schools[school_id]

    async def guardians(self, ids: list[int], urgent: bool) -> None:
        """Lock (PostgreSQL) and read what is not read yet about these guardians."""
        session = self.uow.session
        fresh = [i for i in ids if i not in self.settings]
        if fresh:
            if not self.uow.db.is_sqlite:
                # Two events for one guardian dispatched at once must join one bundle,
                # not open two: hold the guardians' rows (SQLite has one writer anyway).
                await session.exec(
                    select(Guardian.id).where(col(Guardian.id).in_(fresh)).with_for_update()
                )
            found, dead = await guardian_rows(session, fresh)
            for gid in fresh:
                self.settings[gid] = found.get(gid)
                self.dead[gid] = dead[gid]
        unknown = [i for i in ids if (i, urgent) not in self.open]
        if unknown:
            open_query = (
                select(Notification)
                .where(
                    col(Notification.guardian_id).in_(unknown),
                    Notification.status == "open",
                    Notification.urgent == urgent,
                    col(Notification.due_at) > self.now,
                )
                .order_by(col(Notification.id))
            )
            for gid in unknown:
                self.open[(gid, urgent)] = {}
            for note in (await session.exec(open_query)).all():
                self.open[(note.guardian_id, urgent)].setdefault(Mode(note.mode), note)


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
        self,
        event: Event,
        topic: Topic,
        school: School,
        now: dt.datetime,
        known: _Known,
        occurred: dt.datetime,
    ) -> None:
        self.event, self.topic, self.school, self.now = event, topic, school, now
        self.known, self.occurred = known, occurred
        self.policy: SchoolPolicy = policy_of(school)
        self.closed = closed_channels(self.policy)
        self.urgent = isinstance(event, AnnouncementPosted) and event.urgent
        # Homework the bot broadcast while the journal was down: those it reached have
        # their message already; the others (email, SMS, missed chats) hear as usual.
        self.told = set(event.notified_guardian_ids) if isinstance(event, HomeworkSet) else set()
        self.recipients: list[Recipient] = []
        self.guardian_ids: list[int] = []
        # (event, guardian, the notification it joined or opened), once planned
        self.joined: list[tuple[str, int, Notification]] = []

    def asked(self) -> Asked:
        """What `recipients_of_many` needs to know of this event."""
        today = self.now.astimezone(ZoneInfo(self.school.timezone)).date()
        return Asked(self.event, self.policy, today)

    def take(self, recipients: list[Recipient]) -> None:
        self.recipients = _one_per_guardian(recipients)
        self.guardian_ids = sorted({r.guardian.id or 0 for r in self.recipients})

    def plan(self, event_id: str) -> None:
        """The event's notifications (`take` and the guardians' rows first): each
        recipient joins an open notification or opens one (`known.new`)."""
        settings, dead = self.known.settings, self.known.dead
        done = set(self.known.reached[event_id])  # and one per guardian
        for recipient in self.recipients:
            gid = recipient.guardian.id or 0
            mine = settings.get(gid)
            mode = mode_for(mine, self.topic)
            if mode is Mode.off or gid in done or gid in self.told:
                continue
            topics = (self.topic.value,)
            if not live_channels(recipient.guardian, mine, dead[gid], topics, closed=self.closed):
                continue  # unreachable: shown to the class teacher, nothing to queue
            joinable = self.known.open[(gid, self.urgent)]
            note = self._notification_for(recipient, mode, mine, joinable.get(mode))
            if note.due_at > self.now:  # a later event of this transaction may join it
                joinable.setdefault(mode, note)
            self.joined.append((event_id, gid, note))
            done.add(gid)

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
            self.known.new.append(note)
        else:
            note.due_at = self._due_at(mode, settings, note)
            if note.topic != self.topic.value:
                note.topic = "mixed"
            if note.student_id != recipient.student_id:
                note.student_id = None
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
        # The window runs from the moment the teacher saved, not from this dispatch
        # (a moment later, or minutes later after an outage).
        window = dt.timedelta(seconds=0 if self.urgent else self.policy.grace_window_seconds)
        ends = min(self.occurred, self.now) + window
        if note is None:
            return ends
        cap = note.created_at + dt.timedelta(seconds=MAX_BUNDLE_SECONDS)
        return max(note.due_at, min(ends, cap))
