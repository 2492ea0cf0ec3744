"""Period marks (за четверть, полугодие, год): 2–5, «осв» exempt, «н/а» not attested.

Seed 003 §2.8: the subject teacher sets each pupil's period mark at the end of every
period; seed 002 §2.5.6 adds preliminary marks before the holidays (`kind`). The
deadlines are reported by the control dashboard, never refused here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.closing import is_correcting, require_period_open
from core.enrolment import class_on
from core.errors import Forbidden, RuleViolation
from core.events import PeriodMarkSet
from core.lesson_access import require_marks_allowed
from core.models import (
    PERIOD_MARK_VALUES,
    Group,
    GroupMembership,
    Period,
    PeriodMark,
    PeriodMarkKind,
    School,
    SchoolClass,
    Staff,
    Student,
    Subject,
)
from core.permissions import load_staff, require_student_reader, teaches
from core.policy import SchoolPolicy, policy_of
from core.rows import get_in_school
from core.uow import UnitOfWork, snapshot, transactional


@dataclass(frozen=True)
class PeriodLine:
    """One pupil's line for one subject in one period (a `MarkScope` for the marks rules)."""

    staff: Staff
    period: Period
    student: Student
    subject: Subject
    klass: SchoolClass
    group: Group | None
    policy: SchoolPolicy


def _check_value(value: object) -> str:
    # The seeds write «ОСВ» and «Н/А» in capitals; the journal keeps the lower case.
    normal = value.strip().lower() if isinstance(value, str) else None
    if normal not in PERIOD_MARK_VALUES:
        raise RuleViolation("bad_period_mark_value", value=value)
    return normal


def _check_kind(kind: object) -> str:
    if kind not in PeriodMarkKind.__members__.values():
        raise RuleViolation("bad_period_mark_kind", value=kind)
    return str(kind)


async def _groups_of(
    uow: UnitOfWork, student_id: int, klass: SchoolClass, on: dt.date
) -> list[Group]:
    query = (
        select(Group)
        .join(GroupMembership, col(GroupMembership.group_id) == col(Group.id))
        .where(
            Group.class_id == klass.id,
            GroupMembership.student_id == student_id,
            GroupMembership.since <= on,
            col(GroupMembership.until).is_(None) | (col(GroupMembership.until) >= on),
        )
        .order_by(col(Group.id))
    )
    return list((await uow.session.exec(query)).all())


async def _taught_group(
    uow: UnitOfWork,
    staff: Staff,
    klass: SchoolClass,
    subject: Subject,
    student_id: int,
    on: dt.date,
) -> Group | None:
    """The group through which `staff` teaches the pupil this subject (None: the whole class).

    Seed 002 §2.5.1: a teacher marks only the classes and groups they teach.
    """
    ids = {"class_id": klass.id or 0, "subject_id": subject.id or 0}
    if await teaches(uow, staff, group_id=None, **ids):
        return None
    for group in await _groups_of(uow, student_id, klass, on):
        if await teaches(uow, staff, group_id=group.id, **ids):
            return group
    raise Forbidden("not_your_class", subject=subject.name, klass=klass.name)


async def _line_for_writing(
    uow: UnitOfWork, actor: StaffActor, *, period_id: int, student_id: int, subject_id: int
) -> PeriodLine:
    """The pupil's class on the period's last day decides the page and the teacher."""
    staff = await load_staff(uow, actor)
    sid = staff.school_id
    period = await get_in_school(uow, Period, period_id, sid, "period")
    student = await get_in_school(uow, Student, student_id, sid, "student")
    subject = await get_in_school(uow, Subject, subject_id, sid, "subject")
    on = period.ends_on
    klass = await class_on(uow, student_id, school_id=sid, on=on)
    if klass is None:
        await require_student_reader(uow, staff, student_id)  # the error names the pupil
        raise RuleViolation("student_no_class", student=student.full_name, date=on)
    if klass.year_id != period.year_id:
        raise RuleViolation("period_closed", period=period.name)
    await require_period_open(uow, staff, period)
    # An administrator's correction (core.closing) writes the class's line.
    if is_correcting(uow, staff):
        group = None
    else:
        group = await _taught_group(uow, staff, klass, subject, student_id, on)
    school = await uow.session.get(School, sid)
    assert school is not None
    return PeriodLine(staff, period, student, subject, klass, group, policy_of(school))


async def _existing(uow: UnitOfWork, line: PeriodLine, kind: str) -> PeriodMark | None:
    query = select(PeriodMark).where(
        PeriodMark.period_id == line.period.id,
        PeriodMark.student_id == line.student.id,
        PeriodMark.subject_id == line.subject.id,
        PeriodMark.kind == kind,
    )
    return (await uow.session.exec(query)).first()


def _event(mark: PeriodMark, line: PeriodLine, old_value: str | None) -> PeriodMarkSet:
    return PeriodMarkSet(
        school_id=mark.school_id,
        period_mark_id=mark.id or 0,
        student_id=mark.student_id,
        class_id=line.klass.id or 0,
        grade=line.klass.grade,
        period_id=line.period.id or 0,
        period=line.period.name,
        subject_id=line.subject.id or 0,
        subject=line.subject.name,
        value=mark.value,
        old_value=old_value,
        mark_kind=mark.kind,
    )


def _apply(
    uow: UnitOfWork, line: PeriodLine, mark: PeriodMark | None, *, value: str, kind: str
) -> PeriodMark:
    if mark is None:
        return PeriodMark(
            school_id=line.staff.school_id,
            period_id=line.period.id or 0,
            student_id=line.student.id or 0,
            subject_id=line.subject.id or 0,
            class_id=line.klass.id or 0,
            value=value,
            kind=kind,
            created_at=uow.now(),
            created_by=line.staff.id,
        )
    # The class is taken again: a pupil who moved mid-period is marked by the new class.
    mark.value, mark.class_id, mark.version = value, line.klass.id or 0, mark.version + 1
    mark.deleted_at = mark.deleted_by = None
    mark.updated_at, mark.updated_by = uow.now(), line.staff.id
    return mark


async def set_period_mark_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    period_id: int,
    student_id: int,
    subject_id: int,
    value: str,
    kind: str = "final",
) -> PeriodMark:
    """Set a pupil's period mark for a subject; setting it again corrects it.

    One row per (period, pupil, subject, kind): a correction bumps `version`, keeps
    the old value in the audit log and tells families the old and new values.
    """
    value, kind = _check_value(value), _check_kind(kind)
    line = await _line_for_writing(
        uow, actor, period_id=period_id, student_id=student_id, subject_id=subject_id
    )
    require_marks_allowed(line)  # seed 002 §2.6 and §2.5.7, as for lesson marks
    mark = await _existing(uow, line, kind)
    live = mark if mark is not None and mark.deleted_at is None else None
    if live is not None and live.value == value:
        return live  # nothing changed: no history row, no message
    old_value = live.value if live is not None else None
    old = snapshot(mark) if mark is not None else None
    mark = _apply(uow, line, mark, value=value, kind=kind)
    action = "create" if old is None else "update"
    await uow.save(mark, action=action, actor_id=line.staff.id, old=old)
    uow.record(_event(mark, line, old_value))
    return mark


set_period_mark = transactional(set_period_mark_in)
