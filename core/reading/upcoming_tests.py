"""What a family reads of the test schedule (график контрольных работ): a child's tests
of the next two weeks (/tests in the bot) and of a diary week.

The diary's readers only (`core.reading.access.open_student`: a guardian with consent,
of their own child; staff who read the child's class); a group's test only for the
group's members on its day (`Memberships.member_of`).
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from core.actors import Actor
from core.models import ScheduledTest, Subject
from core.reading.access import ReadScope, open_student, student_card
from core.reading.journal import group_names, load_memberships
from core.reading.views import TestNote, UpcomingTests
from core.rows import not_deleted
from core.uow import UnitOfWork

UPCOMING_DAYS = 14  # what /tests shows a family: today and the next 13 days


async def upcoming_tests(
    uow: UnitOfWork, *, actor: Actor, student_id: int, days: int = UPCOMING_DAYS
) -> UpcomingTests:
    """The student's tests from today for `days` days: their class's, and their groups'
    (a group's test only while they are in the group). For the diary's readers."""
    async with uow:
        scope = await open_student(uow, actor, student_id)
        until = scope.today + dt.timedelta(days=days - 1)
        tests = await student_tests(uow, scope, scope.today, until)
        card = await student_card(uow, scope, scope.today)
        return UpcomingTests(card, scope.today, until, tuple(tests))


async def student_tests(
    uow: UnitOfWork, scope: ReadScope, first: dt.date, last: dt.date
) -> list[TestNote]:
    """The tests of a student already checked by `open_student`, by date and subject."""
    member = await load_memberships(uow, scope.student.id or 0)
    if not member.class_ids:
        return []
    query = (
        select(ScheduledTest, Subject.name)
        .join(Subject, col(Subject.id) == ScheduledTest.subject_id)
        .where(
            col(ScheduledTest.class_id).in_(member.class_ids),
            ScheduledTest.date >= first,
            ScheduledTest.date <= last,
            not_deleted(ScheduledTest),
        )
        .order_by(col(ScheduledTest.date), col(Subject.name), col(ScheduledTest.id))
    )
    rows = [
        (test, subject)
        for test, subject in (await uow.session.exec(query)).all()
        if member.member_of(test.class_id, test.group_id, test.date)
    ]
    groups = await group_names(uow, {t.group_id for t, _ in rows if t.group_id is not None})
    return [
        TestNote(
            date=test.date,
            subject=subject,
            group=groups.get(test.group_id) if test.group_id else None,
            work_type=test.work_type,
            title=test.title,
        )
        for test, subject in rows
    ]
