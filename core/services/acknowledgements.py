"""«Ознакомлен»: a guardian confirms they read an announcement or a week's summary.

The press is the digital form of the parent's signature in a paper diary; the class
teacher sees who signed and who has not yet. Subjects are
"announcement:<id>" and "week:<student id>:<monday ISO date>". The first press is
kept; pressing again changes nothing. A guardian outside the subject's audience is
refused with one message whatever the reason, so a press tells nothing about
announcements or children that are not theirs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from core.actors import GuardianActor
from core.errors import Forbidden
from core.models import (
    Acknowledgement,
    Announcement,
    Enrollment,
    Guardian,
    School,
    StudentGuardian,
)
from core.models.access import ACKNOWLEDGED_VIA
from core.reading.preferences import Acting, as_actors
from core.uow import UnitOfWork, transactional

VIA = ACKNOWLEDGED_VIA  # telegram | web | max


@dataclass(frozen=True)
class Subject:
    """A parsed subject: exactly one of `announcement_id` or (`student_id`, `monday`)."""

    text: str
    announcement_id: int | None = None
    student_id: int | None = None
    monday: dt.date | None = None


@dataclass(frozen=True)
class Acknowledged:
    subject: str
    guardian_id: int
    at: dt.datetime  # UTC
    local_at: dt.datetime  # the same instant on the school's clock
    already: bool  # pressed before: `at` is the first press


def parse_subject(text: str) -> Subject:
    """The subject named by a button; Forbidden («not available») for anything else."""
    kind, _, rest = text.strip().partition(":")
    try:
        if kind == "announcement" and rest.isdigit():
            return Subject(f"announcement:{int(rest)}", announcement_id=int(rest))
        student, _, monday_text = rest.partition(":")
        if kind == "week" and student.isdigit():
            monday = dt.date.fromisoformat(monday_text)
            if monday.weekday() == 0:
                return Subject(
                    f"week:{int(student)}:{monday.isoformat()}",
                    student_id=int(student),
                    monday=monday,
                )
    except ValueError:
        pass
    raise Forbidden("ack_refused")


async def _school(uow: UnitOfWork, school_id: int) -> School:
    school = await uow.session.get(School, school_id)
    assert school is not None
    return school


def school_day(school: School, instant: dt.datetime) -> dt.date:
    return instant.astimezone(ZoneInfo(school.timezone)).date()


async def children_in_class(
    uow: UnitOfWork, guardian_id: int, class_id: int, on: dt.date
) -> list[int]:
    """The guardian's children enrolled in the class on that day."""
    query = (
        select(StudentGuardian.student_id)
        .join(Enrollment, col(Enrollment.student_id) == StudentGuardian.student_id)
        .where(
            StudentGuardian.guardian_id == guardian_id,
            Enrollment.class_id == class_id,
            Enrollment.since <= on,
            (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= on),
        )
    )
    return list((await uow.session.exec(query)).all())


async def _in_announcement_audience(
    uow: UnitOfWork, guardian: Guardian, announcement: Announcement
) -> bool:
    if announcement.school_id != guardian.school_id or announcement.deleted_at is not None:
        return False
    if announcement.class_id is None:
        return True  # a school-wide announcement reaches every family of the school
    school = await _school(uow, announcement.school_id)
    posted_on = school_day(school, announcement.created_at)
    today = school_day(school, uow.now())
    # The class as it was when posted, or as it is now (a child who joined since).
    for day in {posted_on, today}:
        if await children_in_class(uow, guardian.id or 0, announcement.class_id, day):
            return True
    return False


async def _is_own_child(uow: UnitOfWork, guardian: Guardian, student_id: int) -> bool:
    query = select(StudentGuardian.id).where(
        StudentGuardian.guardian_id == guardian.id,
        StudentGuardian.student_id == student_id,
        StudentGuardian.school_id == guardian.school_id,
    )
    return (await uow.session.exec(query.limit(1))).first() is not None


async def _entitled(uow: UnitOfWork, actor: GuardianActor, subject: Subject) -> Guardian | None:
    guardian = await uow.session.get(Guardian, actor.guardian_id)
    if guardian is None or guardian.school_id != actor.school_id or not guardian.has_consent:
        return None
    if subject.announcement_id is not None:
        announcement = await uow.session.get(Announcement, subject.announcement_id)
        if announcement is None or not await _in_announcement_audience(uow, guardian, announcement):
            return None
        return guardian
    assert subject.student_id is not None and subject.monday is not None
    school = await _school(uow, guardian.school_id)
    if subject.monday > school_day(school, uow.now()):
        return None  # a week that has not begun has nothing to read yet
    return guardian if await _is_own_child(uow, guardian, subject.student_id) else None


async def _existing(uow: UnitOfWork, guardian_id: int, subject: str) -> Acknowledgement | None:
    query = select(Acknowledgement).where(
        Acknowledgement.guardian_id == guardian_id, Acknowledgement.subject == subject
    )
    return (await uow.session.exec(query)).first()


async def acknowledge_in(
    uow: UnitOfWork, *, actor: Acting, subject: str, via: str = "telegram"
) -> Acknowledged:
    """Record the guardian's «Ознакомлен» for `subject` (see the module's docstring).

    `actor` may be every guardian row of one person (a chat linked in two schools): the
    row the subject concerns acknowledges. A second press returns the first one.
    """
    parsed = parse_subject(subject)
    if via not in VIA:
        raise Forbidden("ack_refused")
    guardian = None
    for one in as_actors(actor):
        guardian = await _entitled(uow, one, parsed)
        if guardian is not None:
            break
    if guardian is None:
        raise Forbidden("ack_refused")
    school = await _school(uow, guardian.school_id)
    found = await _existing(uow, guardian.id or 0, parsed.text)
    already = found is not None
    if found is None:
        found, created = await _record(uow, guardian, parsed, via)
        already = not created
    return Acknowledged(
        subject=parsed.text,
        guardian_id=guardian.id or 0,
        at=found.at,
        local_at=found.at.astimezone(ZoneInfo(school.timezone)),
        already=already,
    )


acknowledge = transactional(acknowledge_in)


async def _record(
    uow: UnitOfWork, guardian: Guardian, subject: Subject, via: str
) -> tuple[Acknowledgement, bool]:
    """The new row and True; or, when another press won the race, that one and False."""
    row = Acknowledgement(
        school_id=guardian.school_id,
        guardian_id=guardian.id or 0,
        subject=subject.text,
        announcement_id=subject.announcement_id,
        student_id=subject.student_id,
        at=uow.now(),
        via=via,
    )
    uow.session.add(row)
    try:
        await uow.session.flush()
    except IntegrityError:
        # Two presses at once: the other one was first, and it is the one kept.
        await uow.rollback()
        existing = await _existing(uow, guardian.id or 0, subject.text)
        assert existing is not None
        return existing, False
    uow.audit(
        row,
        school_id=guardian.school_id,
        action="create",
        actor_id=guardian.id,
        actor_kind="guardian",
    )
    return row, True
