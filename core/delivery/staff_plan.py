"""Which staff messages are owed now: the planner the worker runs every minute.

For every school, one read of the journal's control (`core.reading.control`, a fixed
number of queries whatever the school's size, read as the school's deputy director or
administrator) gives every lesson's topic, roll call, homework and marks with their
deadlines, the period marks and the monthly messages; the rules of
`core.control.reminders` say which item is owed a reminder at which stage. Each
(person, item, stage) is recorded once (`staff_reminder`, unique) and joins the
person's open message of its kind, which goes out at the latest of its items' moments
(at most once an hour for a teacher's reminders). The message is rendered at send
time from the journal as it is then, so an item entered meanwhile is not mentioned.

Planned: a teacher's items before their deadline and once late; the class teacher's
monthly letter (seed 004) daily from the school's reminder day until it is sent, and
a weekly note on the class's families; the deputy's weekly summary and an alert when a
teacher's backlog reaches `backlog_alert_threshold` (once per crossing).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.control.reminders import (
    REMINDER_SPACING,
    WEEKLY_NOTE_TIME,
    Timing,
    remind_before,
    stage_due,
    timing_of,
    week_start,
)
from core.control.rules import Kind, State
from core.db import Database
from core.models import (
    Role,
    School,
    Staff,
    StaffMessage,
    StaffMessageKind,
    StaffReminder,
    StaffReminderSettings,
)
from core.policy import policy_of
from core.reading.access import ReadingUnit
from core.reading.control import JournalControl, journal_control
from core.uow import UnitOfWork

log = logging.getLogger(__name__)

# The span the planner reads: long enough for the longest mark deadline (an essay in
# grades 9-11, 14 days) and the late look-back; a teacher's backlog counts it all.
SPAN_DAYS = 28
LESSON_KINDS = (Kind.topic, Kind.attendance, Kind.homework)
BACKLOG_STATES = (State.late, State.missing)


@dataclass(frozen=True)
class Planned:
    """One reminder to record: for whom, what, at which stage, when, in which kind of message."""

    staff_id: int
    item: str
    stage: str
    at: dt.datetime
    kind: StaffMessageKind
    due_at: dt.datetime | None = None
    params: tuple[tuple[str, str], ...] = ()


async def plan_staff_messages(
    db: Database,
    *,
    now: dt.datetime,
    horizon: dt.timedelta,
) -> int:
    """Record the reminders owed by `now + horizon` in every school; how many were new.

    Each school's journal is read without a write lock; its reminders are then recorded
    in one transaction.
    """
    async with db.session() as session:
        schools = list((await session.exec(select(School))).all())
        staff = list((await session.exec(select(Staff))).all())
        settings = {
            row.staff_id: row for row in (await session.exec(select(StaffReminderSettings))).all()
        }
    people: dict[int, list[Staff]] = defaultdict(list)
    for member in staff:
        if member.locked_at is None:
            people[member.school_id].append(member)
    planned = 0
    for school in schools:
        planned += await _plan_school(db, school, people[school.id or 0], settings, now, horizon)
    return planned


async def _plan_school(
    db: Database,
    school: School,
    staff: list[Staff],
    settings: dict[int, StaffReminderSettings],
    now: dt.datetime,
    horizon: dt.timedelta,
) -> int:
    overseers = _with_role(staff, Role.deputy) or _with_role(staff, Role.admin)
    if not overseers:
        return 0  # nobody controls this school's journal (a school being set up)
    today = school_today(school, now)
    control = await journal_control(
        ReadingUnit(db, clock=lambda: now),
        actor=StaffActor(staff_id=overseers[0].id or 0, school_id=school.id or 0),
        start=today - dt.timedelta(days=SPAN_DAYS),
        end=today,
    )
    policy = policy_of(school)
    timings = {m.id or 0: timing_of(policy, settings.get(m.id or 0)) for m in staff}
    wanted = [
        *_teacher_items(control, timings, now, horizon),
        *_weekly_notes(control, overseers, today, now, horizon),
    ]
    people = {p.staff_id for p in wanted} | _ids(overseers)
    for attempt in range(PLANNING_ATTEMPTS):
        try:
            async with UnitOfWork(db, clock=lambda: now) as uow:
                known = await _known(uow, school.id or 0, people)
                fresh = [
                    p
                    for p in [*wanted, *_backlog(control, overseers, known, now)]
                    if (p.staff_id, p.item, p.stage) not in known
                ]
                await _record(uow, school.id or 0, fresh, now)
                await uow.commit()
            return len(fresh)
        except IntegrityError:
            # Another worker planned the same reminders at the same moment (several
            # workers start together, each planning at start-up): its rows are
            # committed now, and reading them again leaves nothing or the rest to add.
            if attempt + 1 == PLANNING_ATTEMPTS:
                raise
    return 0


# A school's reminders are planned again after a concurrent planner's conflicting insert.
PLANNING_ATTEMPTS = 3


def _with_role(staff: Iterable[Staff], role: Role) -> list[Staff]:
    return sorted((m for m in staff if role.value in m.roles), key=lambda m: m.id or 0)


def _ids(staff: Iterable[Staff]) -> set[int]:
    return {m.id or 0 for m in staff}


def _teacher_items(
    control: JournalControl, timings: dict[int, Timing], now: dt.datetime, horizon: dt.timedelta
) -> list[Planned]:
    """Lessons' items, period marks and the monthly letter still owed, at their stage."""
    zone, found = control.zone, []
    default = timing_of(control.policy, None)
    for check in control.lessons:
        timing = timings.get(check.teacher_id, default)
        if not timing.enabled:
            continue
        owed = [
            (k, owed_due.due_at)
            for k in LESSON_KINDS
            if (owed_due := check.dues.get(k)) is not None and owed_due.done_at is None
        ]
        if check.marks is not None and check.marks.missing:
            owed.append((Kind.marks, check.marks.due_at))
        for kind, due in owed:
            before = remind_before(kind, due, zone, timing, day=check.date)
            stage = stage_due(before_at=before, due_at=due, now=now, horizon=horizon)
            if stage is not None:
                item = f"{kind.value}:{check.lesson_id}"
                found.append(_reminder(check.teacher_id, item, stage, due))
    for marks in control.period_marks:
        timing = timings.get(marks.teacher_id, default)
        if not marks.missing or not timing.enabled:
            continue
        before = remind_before(marks.kind, marks.due_at, zone, timing, day=control.today)
        stage = stage_due(before_at=before, due_at=marks.due_at, now=now, horizon=horizon)
        if stage is not None:
            place = marks.place
            item = (
                f"{marks.kind.value}:{marks.period_id}:{place.class_id}:"
                f"{place.group_id or 0}:{place.subject_id}"
            )
            found.append(_reminder(marks.teacher_id, item, stage, marks.due_at))
    this_month = (control.today.year, control.today.month)
    for monthly in control.monthly:
        timing = timings.get(monthly.teacher_id, default)
        at = dt.datetime.combine(control.today, timing.evening, tzinfo=zone)
        if this_month in monthly.missing and timing.enabled and at <= now + horizon:
            item = f"monthly:{monthly.class_id}:{control.today.isoformat()}"
            found.append(
                Planned(monthly.teacher_id, item, "note", max(at, now), StaffMessageKind.reminders)
            )
    return found


def _reminder(
    staff_id: int, item: str, stage: tuple[str, dt.datetime], due: dt.datetime
) -> Planned:
    name, at = stage
    return Planned(staff_id, item, name, at, StaffMessageKind.reminders, due_at=due)


def _weekly_notes(
    control: JournalControl,
    overseers: list[Staff],
    today: dt.date,
    now: dt.datetime,
    horizon: dt.timedelta,
) -> list[Planned]:
    """Monday morning: each class teacher's note on their families, the deputy's summary."""
    monday = week_start(today)
    at = dt.datetime.combine(monday, WEEKLY_NOTE_TIME, tzinfo=control.zone)
    if at > now + horizon:
        return []
    week = (("week", monday.isoformat()),)
    at = max(at, now)
    notes = [
        Planned(
            teacher,
            f"families:{monday.isoformat()}",
            "note",
            at,
            StaffMessageKind.families,
            params=week,
        )
        for teacher in sorted({m.teacher_id for m in control.monthly})
    ]
    notes += [
        Planned(
            m.id or 0,
            f"summary:{monday.isoformat()}",
            "note",
            at,
            StaffMessageKind.summary,
            params=week,
        )
        for m in overseers
    ]
    return notes


def backlog_counts(control: JournalControl) -> dict[int, int]:
    """Per teacher, the items of the span that came late or are missing."""
    counts: dict[int, int] = defaultdict(int)
    for check in control.lessons:
        for kind in (*LESSON_KINDS, Kind.marks):
            if check.state(kind, control.now) in BACKLOG_STATES:
                counts[check.teacher_id] += 1
    for marks in control.period_marks:
        if marks.state(control.now) in BACKLOG_STATES:
            counts[marks.teacher_id] += 1
    return dict(counts)


def _backlog(
    control: JournalControl,
    overseers: list[Staff],
    known: set[tuple[int, str, str]],
    now: dt.datetime,
) -> list[Planned]:
    """An alert per crossing of the threshold: "backlog:<teacher>:<n>" at stage "late"
    when the backlog reaches it, "cleared" when it falls back under it."""
    threshold = control.policy.backlog_alert_threshold
    counts = backlog_counts(control)
    found: list[Planned] = []
    teachers = set(counts) | {int(i.split(":")[1]) for _, i, _ in known if i.startswith("backlog:")}
    for deputy in overseers:
        for teacher in sorted(teachers):
            crossing = _crossing(known, deputy.id or 0, teacher)
            alerted = (deputy.id or 0, f"backlog:{teacher}:{crossing}", "late") in known
            cleared = (deputy.id or 0, f"backlog:{teacher}:{crossing}", "cleared") in known
            above = counts.get(teacher, 0) >= threshold
            item = f"backlog:{teacher}:{crossing + 1 if cleared else crossing}"
            if above and (not alerted or cleared):
                found.append(Planned(deputy.id or 0, item, "late", now, StaffMessageKind.backlog))
            elif not above and alerted and not cleared:
                found.append(
                    Planned(deputy.id or 0, item, "cleared", now, StaffMessageKind.backlog)
                )
    return found


def _crossing(known: set[tuple[int, str, str]], deputy: int, teacher: int) -> int:
    """The number of the latest crossing on record (1 for the first)."""
    prefix = f"backlog:{teacher}:"
    numbers = [
        int(i.removeprefix(prefix)) for s, i, _ in known if s == deputy and i.startswith(prefix)
    ]
    return max(numbers, default=1)


async def _known(uow: UnitOfWork, school_id: int, staff_ids: set[int]) -> set[tuple[int, str, str]]:
    """The reminders on record for these people, over the span the planner can plan."""
    since = uow.now() - dt.timedelta(days=SPAN_DAYS + 14)
    query = select(StaffReminder.staff_id, StaffReminder.item, StaffReminder.stage).where(
        StaffReminder.school_id == school_id,
        col(StaffReminder.staff_id).in_(sorted(staff_ids)),
        (col(StaffReminder.created_at) >= since) | col(StaffReminder.item).startswith("backlog:"),
    )
    return {(s, i, st) for s, i, st in (await uow.session.exec(query)).all()}


async def _record(uow: UnitOfWork, school_id: int, fresh: list[Planned], now: dt.datetime) -> None:
    """Each reminder joins its person's open message of its kind, or opens one; a
    backlog's "cleared" is only recorded."""
    if not fresh:
        return
    opened = await uow.session.exec(
        select(StaffMessage).where(
            StaffMessage.school_id == school_id, StaffMessage.status == "open"
        )
    )
    open_by = {(m.staff_id, m.kind): m for m in opened.all()}
    last_sent = await _last_reminders_sent(uow, school_id, now)
    by_message: dict[tuple[int, str], list[Planned]] = defaultdict(list)
    for planned in fresh:
        if planned.stage == "cleared":
            uow.session.add(_row(school_id, planned, None, now))
        else:
            by_message[(planned.staff_id, planned.kind.value)].append(planned)
    for (staff_id, kind), items in by_message.items():
        latest = max(p.at for p in items)
        message = open_by.get((staff_id, kind)) or StaffMessage(
            school_id=school_id,
            staff_id=staff_id,
            kind=kind,
            due_at=latest,
            params=dict(items[0].params),
            created_at=now,
        )
        # Joining an open bundle: it waits for the latest of its items' moments.
        message.due_at = max(message.due_at, latest)
        if kind == StaffMessageKind.reminders and staff_id in last_sent:
            message.due_at = max(message.due_at, last_sent[staff_id] + REMINDER_SPACING)
        uow.session.add(message)
        await uow.session.flush()
        uow.session.add_all(_row(school_id, p, message.id, now) for p in items)
    await uow.session.flush()


def _row(
    school_id: int, planned: Planned, message_id: int | None, now: dt.datetime
) -> StaffReminder:
    return StaffReminder(
        school_id=school_id,
        staff_id=planned.staff_id,
        item=planned.item,
        stage=planned.stage,
        message_id=message_id,
        due_at=planned.due_at,
        created_at=now,
    )


async def _last_reminders_sent(
    uow: UnitOfWork, school_id: int, now: dt.datetime
) -> dict[int, dt.datetime]:
    query = select(StaffMessage.staff_id, StaffMessage.sent_at).where(
        StaffMessage.school_id == school_id,
        StaffMessage.kind == StaffMessageKind.reminders.value,
        col(StaffMessage.sent_at) >= now - REMINDER_SPACING,
    )
    last: dict[int, dt.datetime] = {}
    for staff_id, sent_at in (await uow.session.exec(query)).all():
        if sent_at is not None:
            last[staff_id] = max(last.get(staff_id, sent_at), sent_at)
    return last
