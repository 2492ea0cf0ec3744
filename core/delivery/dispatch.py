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
from sqlalchemy import select as select_columns
from sqlmodel import col, select

from core.delivery.notices import plan_notices
from core.delivery.recipients import Asked, Recipient, recipients_of_many
from core.delivery.routing import (
    MAX_BUNDLE_SECONDS,
    TOPIC_OF_EVENT,
    GuardianAddresses,
    address_columns,
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

# Guardians planned at a time. An urgent school-wide announcement reaches thousands:
# their addresses, settings and notifications are held a chunk at a time (3,000 at
# once were 20-30 MB of a worker's peak memory: bench/README.md, "Worker memory").
GUARDIANS_AT_ONCE = 250


@dataclass(frozen=True)
class Dispatched:
    """The notifications an event made due now, and the earliest moment one it joined
    or opened falls due later (None: none does)."""

    due: list[int]
    next_due: dt.datetime | None = None

    def and_(self, other: Dispatched) -> Dispatched:
        """Both: the due ones of each, the earlier of the two later moments."""
        later = [at for at in (self.next_due, other.next_due) if at is not None]
        return Dispatched(self.due + other.due, min(later, default=None))


async def dispatch_event(uow: UnitOfWork, *, event_id: str) -> list[int]:
    """Plan who hears of an outbox event and when; returns notifications due right now."""
    return (await dispatch_events(uow, event_ids=[event_id])).due


async def dispatch_events(
    uow: UnitOfWork, *, event_ids: Sequence[str], guardians_at_once: int = GUARDIANS_AT_ONCE
) -> Dispatched:
    """Dispatch these outbox events in order, in one transaction (a teacher's class of
    marks is thirty events): each as `dispatch_event` would, the guardians' settings,
    dead contacts and open notifications read once for all of them, `guardians_at_once`
    guardians at a time."""
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
        # First who hears of each event (one query for the run's pupils: ids only),
        # then the guardians a chunk at a time: everything about them read at once,
        # each event planned in order (a later one joins an earlier one's bundle), the
        # new notifications inserted together. A guardian's notifications depend on
        # nobody else's, so planning by chunks of guardians is planning all at once.
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
        everyone = sorted({gid for p in planners.values() for gid in p.guardian_ids})
        planned = Dispatched([])
        for start in range(0, len(everyone), guardians_at_once):
            chunk = everyone[start : start + guardians_at_once]
            planned = planned.and_(await _plan_guardians(known, planners, chunk))
        notices: list[int] = []
        for row in rows:
            event = event_from_outbox(row.kind, row.payload)
            if isinstance(event, MessengersChanged):
                school = await known.school(row.school_id)
                notices += await plan_notices(uow, event_id=row.id, event=event, school=school)
        dispatched = update(OutboxEvent).where(col(OutboxEvent.id).in_([row.id for row in rows]))
        await uow.session.exec(
            dispatched.values(dispatched_at=now),
            execution_options={"synchronize_session": False},
        )
        await uow.commit()
        due = notices + planned.due
        return Dispatched(list(dict.fromkeys(due)), planned.next_due)  # a bundle due once


async def _plan_guardians(
    known: _Known, planners: dict[str, _Planner], chunk: list[int]
) -> Dispatched:
    """Plan every event for these guardians (ascending ids), insert the notifications
    they open and join; what was read and made for them is dropped afterwards."""
    known.forget()
    wanted = set(chunk)
    for urgent in (False, True):
        ids = [
            gid
            for gid in chunk
            if any(p.urgent is urgent and gid in p.guardian_ids for p in planners.values())
        ]
        await known.guardians(ids, urgent)
    for event_id, planner in planners.items():
        planner.plan(event_id, wanted)
    session = known.uow.session
    await insert_new(session, Notification, known.new)
    await session.flush()  # the open notifications events joined
    joined = [j for planner in planners.values() for j in planner.joined]
    if joined:
        params = [
            {"notification_id": note.id or 0, "guardian_id": gid, "event_id": event_id}
            for event_id, gid, note in joined
        ]
        await session.exec(insert(NotificationEvent), params=params)
    due: list[int] = []
    next_due: dt.datetime | None = None
    for _, _, note in joined:
        if note.due_at <= known.now:
            due.append(note.id or 0)
        else:
            next_due = min(note.due_at, next_due or note.due_at)
    for planner in planners.values():
        planner.joined.clear()
    return Dispatched(due, next_due)


class _Known:
    """What the events of one dispatch transaction share: schools, and per guardian of
    the chunk being planned their addresses, settings, dead contacts and the open
    notifications an event may join (kept up to date as the events open new ones)."""

    def __init__(self, uow: UnitOfWork, now: dt.datetime) -> None:
        self.uow, self.now = uow, now
        self.schools: dict[int, School] = {}
        # event -> the guardians it already reached (none, unless an event's
        # `dispatched_at` was cleared by hand or a dispatch died: each guardian still
        # gets it once)
        self.reached: dict[str, set[int]] = defaultdict(set)
        self.forget()

    def forget(self) -> None:
        """Drop what is known of the guardians planned so far."""
        self.contacts: dict[int, GuardianAddresses] = {}
        self.settings: dict[int, GuardianSettings | None] = {}
        self.dead: dict[int, set[tuple[str, str]]] = {}
        # (guardian, urgent) -> mode -> the oldest open notification still joinable
        self.open: dict[tuple[int, bool], dict[Mode, Notification]] = {}
        # notifications opened for these guardians, inserted together
        self.new: list[Notification] = []

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
            addresses = select_columns(col(Guardian.id), *address_columns()).where(
                col(Guardian.id).in_(fresh)
            )
            connection = await session.connection()
            for gid, *contacts in (await connection.execute(addresses)).all():
                self.contacts[gid or 0] = GuardianAddresses._make(contacts)
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
        gid = recipient.guardian_id
        seen = by_guardian.setdefault(gid, recipient)
        if seen.student_id != recipient.student_id:
            by_guardian[gid] = Recipient(gid, None)
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
        self.guardian_ids: set[int] = set()
        # (event, guardian, the notification it joined or opened), once planned
        self.joined: list[tuple[str, int, Notification]] = []

    def asked(self) -> Asked:
        """What `recipients_of_many` needs to know of this event."""
        today = self.now.astimezone(ZoneInfo(self.school.timezone)).date()
        return Asked(self.event, self.policy, today)

    def take(self, recipients: list[Recipient]) -> None:
        self.recipients = _one_per_guardian(recipients)
        self.guardian_ids = {r.guardian_id for r in self.recipients}

    def plan(self, event_id: str, guardians: set[int]) -> None:
        """The event's notifications to these of its recipients (`take`, and their rows
        read into `known` first): each joins an open notification or opens one
        (`known.new`)."""
        settings, dead = self.known.settings, self.known.dead
        done = self.known.reached[event_id]  # and one per guardian
        for recipient in self.recipients:
            gid = recipient.guardian_id
            if gid not in guardians:
                continue
            mine = settings.get(gid)
            mode = mode_for(mine, self.topic)
            if mode is Mode.off or gid in done or gid in self.told:
                continue
            topics = (self.topic.value,)
            contacts = self.known.contacts[gid]
            if not live_channels(contacts, mine, dead[gid], topics, closed=self.closed):
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
        gid = recipient.guardian_id
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
