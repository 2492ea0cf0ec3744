"""What a staff message says, composed at send time from the journal as it is then.

A teacher's reminder lists only the items still owed (an item entered since it was
planned is left out; nothing left, nothing is sent); the class teacher's weekly note
and the deputy's summary and backlog alert are read when they go out. Plain data, no
prose: `notifier.staff_render` writes it in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.control.reminders import week_start
from core.control.rules import Kind
from core.db import Database
from core.delivery.staff_plan import SPAN_DAYS, backlog_counts
from core.errors import ZvonokError
from core.models import (
    AcademicYear,
    Announcement,
    Lesson,
    School,
    SchoolClass,
    Staff,
    StaffMessage,
    StaffMessageKind,
    StaffReminder,
)
from core.reading.access import ReadingUnit
from core.reading.acknowledgement_reports import announcement_acknowledgements
from core.reading.class_families import class_families
from core.reading.control import JournalControl, journal_control

# The announcements a weekly note counts acknowledgements for: the class's latest,
# posted within the last two weeks.
ACK_LOOKBACK = dt.timedelta(days=14)
ACK_ANNOUNCEMENTS = 3
TOP_TEACHERS = 5


@dataclass(frozen=True)
class ReminderLine:
    """One item a teacher still owes («7Б Математика 23.11: нет домашнего задания»)."""

    kind: str  # Kind value, or "monthly"
    late: bool  # its deadline has passed
    place: str  # «7Б», «7Б (7Б англ. 1)»
    subject: str
    day: dt.date | None  # the lesson's date
    due: dt.datetime | None  # the deadline, on the school's clock
    missing: int = 0  # pupils without their mark
    work_type: str | None = None
    month: dt.date | None = None  # the monthly letter's month (its first day)


@dataclass(frozen=True)
class FamiliesNote:
    """A class's families as its class teacher should know them this week."""

    class_name: str
    families: int
    unsubscribed: tuple[str, ...]  # guardians without the bot
    unreachable: tuple[tuple[str, str], ...]  # (guardian, why: Unreachable's code)
    unacknowledged: tuple[tuple[str, tuple[str, ...]], ...]  # (announcement, guardians)


@dataclass(frozen=True)
class SummaryFigures:
    """The school's control over a week, as the deputy reads it on Monday."""

    start: dt.date
    end: dt.date
    lessons: int
    late: dict[str, int]  # Kind value → items entered late
    missing: dict[str, int]  # Kind value → items missing
    monthly_missing: tuple[str, ...]  # classes without their monthly letter
    teachers: tuple[tuple[str, int], ...]  # the largest backlogs


@dataclass(frozen=True)
class AdminAlert:
    """One alert to the administrators (core.services.admin_alerts): its code and
    parameters, instants (`..._at`) on the school's clock."""

    code: str
    params: dict[str, Any]


@dataclass(frozen=True)
class StaffComposition:
    message_id: int
    kind: str
    school_name: str
    language: str
    reminders: tuple[ReminderLine, ...] = ()
    families: tuple[FamiliesNote, ...] = ()
    summary: SummaryFigures | None = None
    backlog: tuple[tuple[str, int], ...] = ()  # (teacher, late and missing items)
    threshold: int = 0
    alerts: tuple[AdminAlert, ...] = ()


async def compose_staff_message(
    db: Database, *, message_id: int, now: dt.datetime
) -> StaffComposition | None:
    """The message's content now, or None when nothing is left to say."""
    async with db.session() as session:
        message = await session.get(StaffMessage, message_id)
        if message is None:
            return None
        staff = await session.get(Staff, message.staff_id)
        school = await session.get(School, message.school_id)
        items = (
            await session.exec(
                select(StaffReminder)
                .where(StaffReminder.message_id == message_id)
                .order_by(col(StaffReminder.due_at), col(StaffReminder.id))
            )
        ).all()
    if staff is None or school is None or staff.locked_at is not None:
        return None
    actor = StaffActor(staff_id=staff.id or 0, school_id=school.id or 0)
    base = StaffComposition(message_id, message.kind, school.name, "ru")
    try:
        if message.kind == StaffMessageKind.reminders:
            lines = await _reminders(db, actor, school, [r.item for r in items], now)
            return replace(base, reminders=tuple(lines)) if lines else None
        if message.kind == StaffMessageKind.families:
            notes = await _families(db, actor, school, now)
            return replace(base, families=tuple(notes)) if notes else None
        if message.kind == StaffMessageKind.alert:
            return replace(base, alerts=_alerts(message.params, ZoneInfo(school.timezone)))
        if message.kind == StaffMessageKind.summary:
            week = dt.date.fromisoformat(str(message.params.get("week")))
            return replace(base, summary=await _summary(db, actor, week, now))
        return await _backlog(db, actor, base, [r.item for r in items], now)
    except ZvonokError:
        return None  # no longer theirs to read (roles changed): nothing to send


def _alerts(params: dict[str, Any], zone: ZoneInfo) -> tuple[AdminAlert, ...]:
    def local(name: str, value: Any) -> Any:
        if name.endswith("_at") and isinstance(value, str):
            return dt.datetime.fromisoformat(value).astimezone(zone)
        return value

    return tuple(
        AdminAlert(a["code"], {k: local(k, v) for k, v in a["params"].items()})
        for a in params.get("alerts", [])
    )


async def _control(
    db: Database, actor: StaffActor, start: dt.date, end: dt.date, now: dt.datetime
) -> JournalControl:
    return await journal_control(
        ReadingUnit(db, clock=lambda: now), actor=actor, start=start, end=end
    )


async def _reminders(
    db: Database, actor: StaffActor, school: School, items: list[str], now: dt.datetime
) -> list[ReminderLine]:
    today = school_today(school, now)
    lesson_ids = {int(i.split(":")[1]) for i in items if i.split(":")[0] in _LESSON_KINDS}
    async with db.session() as session:
        rows = await session.exec(select(Lesson).where(col(Lesson.id).in_(sorted(lesson_ids))))
        lessons = {row.id or 0: row for row in rows.all()}
    first = min([today - dt.timedelta(days=4), *(row.date for row in lessons.values())])
    control = await _control(db, actor, first, today, now)
    lines: dict[str, ReminderLine] = {}
    for item in items:
        key = item if not item.startswith("monthly:") else item.rsplit(":", 1)[0]
        line = _line(control, lessons, item, now)
        if line is not None and key not in lines:
            lines[key] = line
    return sorted(lines.values(), key=lambda x: (x.due or now, _natural(x.place), x.subject))


_LESSON_KINDS = {"topic", "attendance", "homework", "marks"}


def _natural(place: str) -> tuple[int, str]:
    """«7Б» before «10А»: classes by grade, then letter."""
    digits = "".join(itertools.takewhile(str.isdigit, place))
    return (int(digits) if digits else 0, place)


def _line(
    control: JournalControl, lessons: dict[int, Lesson], item: str, now: dt.datetime
) -> ReminderLine | None:
    kind, _, rest = item.partition(":")
    names, zone = control.names, control.zone
    if kind in _LESSON_KINDS:
        check = next((c for c in control.lessons if c.lesson_id == int(rest)), None)
        if check is None:
            return None  # handed to someone else, or withdrawn
        if kind == Kind.marks.value:
            if check.marks is None or not check.marks.missing:
                return None
            due, missing = check.marks.due_at, check.marks.missing
        else:
            owed = check.dues.get(Kind(kind))
            if owed is None or owed.done_at is not None:
                return None
            due, missing = owed.due_at, 0
        return ReminderLine(
            kind=kind,
            late=now > due,
            place=names.place(check.place),
            subject=names.subjects.get(check.place.subject_id, ""),
            day=check.date,
            due=due.astimezone(zone),
            missing=missing,
            work_type=lessons[check.lesson_id].work_type if check.lesson_id in lessons else None,
        )
    if kind in (Kind.preliminary.value, Kind.final.value):
        period, class_id, group, subject = (int(x) for x in rest.split(":"))
        marks = next(
            (
                m
                for m in control.period_marks
                if m.kind.value == kind
                and m.period_id == period
                and (m.place.class_id, m.place.group_id or 0, m.place.subject_id)
                == (class_id, group, subject)
            ),
            None,
        )
        if marks is None or not marks.missing:
            return None
        return ReminderLine(
            kind=kind,
            late=now > marks.due_at,
            place=names.place(marks.place),
            subject=names.subjects.get(subject, ""),
            day=None,
            due=marks.due_at.astimezone(zone),
            missing=len(marks.missing),
        )
    class_text, day_text = rest.split(":")
    day = dt.date.fromisoformat(day_text)
    monthly = next((m for m in control.monthly if m.class_id == int(class_text)), None)
    if monthly is None or (day.year, day.month) not in monthly.missing:
        return None
    return ReminderLine(
        kind="monthly",
        late=False,
        place=names.classes.get(monthly.class_id, ""),
        subject="",
        day=None,
        due=None,
        month=day.replace(day=1),
    )


async def _families(
    db: Database, actor: StaffActor, school: School, now: dt.datetime
) -> list[FamiliesNote]:
    today = school_today(school, now)
    async with db.session() as session:
        classes = await session.exec(
            select(SchoolClass.id)
            .join(AcademicYear, col(AcademicYear.id) == SchoolClass.year_id)
            .where(
                SchoolClass.class_teacher_id == actor.staff_id,
                AcademicYear.starts_on <= today,
                AcademicYear.ends_on >= today,
            )
            .order_by(col(SchoolClass.grade), col(SchoolClass.letter))
        )
        class_ids = [c for c in classes.all() if c is not None]
        posted = await session.exec(
            select(Announcement)
            .where(
                col(Announcement.class_id).in_(class_ids),
                col(Announcement.created_at) >= now - ACK_LOOKBACK,
                col(Announcement.deleted_at).is_(None),
            )
            .order_by(col(Announcement.created_at).desc())
        )
        recent: dict[int, list[Announcement]] = defaultdict(list)
        for row in posted.all():
            if len(recent[row.class_id or 0]) < ACK_ANNOUNCEMENTS:
                recent[row.class_id or 0].append(row)
    notes = []
    for class_id in class_ids:
        families = await class_families(
            ReadingUnit(db, clock=lambda: now), actor=actor, class_id=class_id
        )
        guardians = families.guardians
        unacknowledged = []
        for announcement in recent.get(class_id, []):
            statuses = await announcement_acknowledgements(
                ReadingUnit(db, clock=lambda: now),
                actor=actor,
                announcement_id=announcement.id or 0,
            )
            waiting = tuple(s.guardian_name for s in statuses if s.has_consent and s.at is None)
            if waiting:
                unacknowledged.append((announcement.title, waiting))
        notes.append(
            FamiliesNote(
                class_name=families.class_name,
                families=len(guardians),
                unsubscribed=tuple(g.name for g in guardians if not g.reach.subscribed),
                unreachable=tuple(
                    (g.name, g.reach.unreachable.value) for g in guardians if g.reach.unreachable
                ),
                unacknowledged=tuple(unacknowledged),
            )
        )
    return notes


async def _summary(
    db: Database, actor: StaffActor, week: dt.date, now: dt.datetime
) -> SummaryFigures:
    """The week before `week`'s Monday."""
    start = week_start(week) - dt.timedelta(days=7)
    end = start + dt.timedelta(days=6)
    control = await _control(db, actor, start, end, now)
    late: dict[str, int] = defaultdict(int)
    missing: dict[str, int] = defaultdict(int)
    for check in control.lessons:
        for kind in (Kind.topic, Kind.attendance, Kind.homework, Kind.marks):
            state = check.state(kind, now).value
            if state == "late":
                late[kind.value] += 1
            elif state == "missing":
                missing[kind.value] += 1
    counts = backlog_counts(control)
    top = sorted(counts.items(), key=lambda x: (-x[1], control.names.staff.get(x[0], "")))
    months = {(d.year, d.month) for d in (start, end)}
    return SummaryFigures(
        start=start,
        end=end,
        lessons=len(control.lessons),
        late=dict(late),
        missing=dict(missing),
        monthly_missing=tuple(
            control.names.classes.get(m.class_id, "")
            for m in control.monthly
            if months & set(m.missing)
        ),
        teachers=tuple((control.names.staff.get(t, ""), n) for t, n in top[:TOP_TEACHERS] if n),
    )


async def _backlog(
    db: Database, actor: StaffActor, base: StaffComposition, items: list[str], now: dt.datetime
) -> StaffComposition | None:
    """The teachers of the alert whose backlog is still at or over the threshold."""
    async with db.session() as session:
        school = await session.get(School, actor.school_id)
    assert school is not None
    today = school_today(school, now)
    control = await _control(db, actor, today - dt.timedelta(days=SPAN_DAYS), today, now)
    counts = backlog_counts(control)
    threshold = control.policy.backlog_alert_threshold
    teachers = sorted({int(i.split(":")[1]) for i in items})
    lines = tuple(
        (control.names.staff.get(t, ""), counts.get(t, 0))
        for t in teachers
        if counts.get(t, 0) >= threshold
    )
    return replace(base, backlog=lines, threshold=threshold) if lines else None
