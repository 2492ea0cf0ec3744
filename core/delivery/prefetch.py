"""Everything a batch of due notifications needs, read in a few set-based queries.

Starting a notification reads its guardian, their settings and dead contacts, its
events, the journal rows they are about, and what the family was told before. One by
one that was some thirty statements a notification; for a batch, `Prefetched.load`
reads each kind of row once for all of them (`IN (...)`). Rows it loads live in the
session's identity map, so the per-notification code (`compose`, `with_join_code`)
finds them with `session.get` without another statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import SQLModel, col, select

from core.delivery.routing import closed_channels
from core.delivery.transitions import guardian_rows, topics_of_kinds
from core.models import (
    Announcement,
    Attendance,
    ChannelName,
    Delivery,
    Guardian,
    GuardianSettings,
    Homework,
    Mark,
    Notification,
    NotificationEvent,
    OutboxEvent,
    PeriodMark,
    Remark,
    School,
    SchoolClass,
    Staff,
    Student,
    Topic,
)
from core.policy import policy_of
from core.uow import UnitOfWork

# The journal rows an event's entity ("mark:17") may name.
_ROWS: dict[str, type[Any]] = {
    "mark": Mark,
    "attendance": Attendance,
    "homework": Homework,
    "remark": Remark,
    "announcement": Announcement,
    "period_mark": PeriodMark,
}

GuardianContext = tuple[
    Guardian, GuardianSettings | None, set[tuple[str, str]], frozenset[ChannelName]
]


@dataclass
class Prefetched:
    """Rows about a batch of notifications (and their guardians), by id."""

    guardians: dict[int, Guardian]
    schools: dict[int, School]
    settings: dict[int, GuardianSettings]
    dead: dict[int, set[tuple[str, str]]]
    events: dict[int, list[OutboxEvent]]  # by notification, oldest first
    # (guardian, entity) pairs the guardian was sent a message about before, and the
    # notifications being sent now (status `sending`) per (guardian, entity).
    told: set[tuple[int, str]]
    sending: dict[tuple[int, str], set[int]]
    # The journal rows, pupils, authors and classes loaded for the composition: held
    # here because the session's identity map keeps unchanged rows only weakly.
    kept: list[Any]

    @classmethod
    async def load(cls, uow: UnitOfWork, notes: Sequence[Notification]) -> Prefetched:
        session = uow.session
        guardian_ids = sorted({n.guardian_id for n in notes})
        guardians = {g.id or 0: g for g in await _rows(uow, Guardian, Guardian.id, guardian_ids)}
        school_ids = sorted({g.school_id for g in guardians.values()})
        schools = {s.id or 0: s for s in await _rows(uow, School, School.id, school_ids)}
        settings, dead = await guardian_rows(session, guardian_ids)
        events: dict[int, list[OutboxEvent]] = defaultdict(list)
        query = (
            select(NotificationEvent.notification_id, OutboxEvent)
            .join(OutboxEvent, col(OutboxEvent.id) == NotificationEvent.event_id)
            .where(col(NotificationEvent.notification_id).in_([n.id for n in notes]))
            .order_by(col(OutboxEvent.occurred_at), col(OutboxEvent.id))
        )
        for note_id, event in (await session.exec(query)).all():
            events[note_id].append(event)
        entities = sorted({e.entity for found in events.values() for e in found})
        told, sending = await _history(uow, guardian_ids, entities)
        kept = await _journal_rows(uow, entities)
        return cls(guardians, schools, settings, dead, events, told, sending, kept)

    def guardian_context(self, guardian_id: int) -> GuardianContext:
        """What `transitions.guardian_context` reads, from the batch's rows."""
        guardian = self.guardians[guardian_id]
        school = self.schools[guardian.school_id]
        closed = closed_channels(policy_of(school))
        return guardian, self.settings.get(guardian_id), self.dead[guardian_id], closed

    def topics(self, note: Notification) -> tuple[str, ...]:
        """What `transitions.note_topics` reads, from the batch's rows."""
        if note.topic in Topic.__members__:
            return (note.topic,)
        return topics_of_kinds(e.kind for e in self.events[note.id or 0])

    def corrects_one_in_flight(self, note: Notification) -> bool:
        """`lifecycle._corrects_one_in_flight`, from the batch's rows."""
        return any(
            self.sending.get((note.guardian_id, event.entity), set()) - {note.id}
            for event in self.events[note.id or 0]
        )


async def _rows(uow: UnitOfWork, model: type[Any], key: Any, ids: Iterable[Any]) -> list[Any]:
    wanted = list(ids)
    if not wanted:
        return []
    return list((await uow.session.exec(select(model).where(col(key).in_(wanted)))).all())


async def _history(
    uow: UnitOfWork, guardian_ids: list[int], entities: list[str]
) -> tuple[set[tuple[int, str]], dict[tuple[int, str], set[int]]]:
    """Which of these guardians were sent a message about these entities, and which
    have a notification about them being sent now."""
    if not entities:
        return set(), {}
    told_query = (
        select(Delivery.guardian_id, OutboxEvent.entity)
        .join(NotificationEvent, col(NotificationEvent.notification_id) == Delivery.notification_id)
        .join(OutboxEvent, col(OutboxEvent.id) == NotificationEvent.event_id)
        .where(
            col(Delivery.guardian_id).in_(guardian_ids),
            Delivery.status == "sent",
            col(OutboxEvent.entity).in_(entities),
        )
        .distinct()
    )
    told = {(g, e) for g, e in (await uow.session.exec(told_query)).all()}
    sending_query = (
        select(Notification.guardian_id, OutboxEvent.entity, Notification.id)
        .join(NotificationEvent, col(NotificationEvent.notification_id) == Notification.id)
        .join(OutboxEvent, col(OutboxEvent.id) == NotificationEvent.event_id)
        .where(
            col(Notification.guardian_id).in_(guardian_ids),
            Notification.status == "sending",
            col(OutboxEvent.entity).in_(entities),
        )
    )
    sending: dict[tuple[int, str], set[int]] = defaultdict(set)
    for guardian_id, entity, note_id in (await uow.session.exec(sending_query)).all():
        sending[(guardian_id, entity)].add(note_id or 0)
    return told, sending


async def _journal_rows(uow: UnitOfWork, entities: list[str]) -> list[Any]:
    """Load the rows the events are about, their pupils, authors and classes, into the
    session (the composition then finds them with `session.get`)."""
    ids: dict[str, list[int]] = defaultdict(list)
    for entity in entities:
        kind, _, raw_id = entity.partition(":")
        if kind in _ROWS and raw_id.isdigit():
            ids[kind].append(int(raw_id))
    rows: list[SQLModel] = []
    for kind, wanted in ids.items():
        model = _ROWS[kind]
        rows += await _rows(uow, model, model.id, wanted)
    students = {getattr(r, "student_id", None) for r in rows} - {None}
    authors = {getattr(r, "created_by", None) for r in rows if isinstance(r, Remark | Announcement)}
    classes = {r.class_id for r in rows if isinstance(r, Announcement)} - {None}
    rows += await _rows(uow, Student, Student.id, sorted(students))
    rows += await _rows(uow, Staff, Staff.id, sorted(authors - {None}))
    rows += await _rows(uow, SchoolClass, SchoolClass.id, sorted(classes))
    return rows
