"""The test schedule (график контрольных работ): a teacher plans and cancels tests.

Seed 002 §2.5.3: each teacher makes the schedule of their classes' tests in September.
The school's limits (`SchoolPolicy.tests_per_day_max`, `tests_per_week_max`) are checked
when planning (core/test_limits.py): over a limit, the plan is refused when the school
chose so (`test_limits_refuse`), else saved with warnings for the teacher. Families do
not hear of the schedule as it changes (they read it: /tests and the diary in the bot),
so nothing here records an outbox event; every change is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.closing import require_open
from core.errors import RuleViolation
from core.journal_page import JournalPage, load_page, require_page_teacher, require_school_day
from core.limits import check_length
from core.models import AcademicYear, Period, ScheduledTest, SchoolClass, Subject
from core.permissions import load_staff
from core.policy import policy_of
from core.rows import get_in_school, not_deleted
from core.test_limits import LimitBreach, OtherTest, check_test_kind, limit_breaches, week_of
from core.uow import UnitOfWork, snapshot, transactional
from core.validation import check_work_type


@dataclass(frozen=True)
class PlannedTest:
    """A test as saved, with the school's limits it breaks (warnings for the teacher)."""

    test: ScheduledTest
    warnings: tuple[LimitBreach, ...]


async def _scheduled_on(uow: UnitOfWork, page: JournalPage, on: dt.date) -> ScheduledTest | None:
    query = select(ScheduledTest).where(
        ScheduledTest.class_id == page.klass.id,
        ScheduledTest.subject_id == page.subject.id,
        ScheduledTest.date == on,
        not_deleted(ScheduledTest),
        col(ScheduledTest.group_id).is_(None)
        if page.group is None
        else ScheduledTest.group_id == page.group_id,
    )
    return (await uow.session.exec(query.limit(1))).first()


async def _require_plannable(uow: UnitOfWork, page: JournalPage, on: dt.date) -> None:
    """Not in the past (the school's today is fine), and within a marking period of the
    class's year when the year has periods (seed 002 §2.5.3: a period's schedule)."""
    if on < school_today(page.school, uow.now()):
        raise RuleViolation("test_in_the_past", date=on)
    periods = (
        await uow.session.exec(select(Period).where(Period.year_id == page.klass.year_id))
    ).all()
    if periods and not any(p.starts_on <= on <= p.ends_on for p in periods):
        year = await uow.session.get(AcademicYear, page.klass.year_id)
        raise RuleViolation("test_outside_periods", date=on, year=year.name if year else "")


async def _others_in_week(
    uow: UnitOfWork, page: JournalPage, on: dt.date, own: ScheduledTest | None
) -> list[OtherTest]:
    """The class's other live tests of `on`'s week, every subject and group."""
    monday, sunday = week_of(on)
    query = (
        select(ScheduledTest, Subject.name)
        .join(Subject, col(Subject.id) == ScheduledTest.subject_id)
        .where(
            ScheduledTest.class_id == page.klass.id,
            ScheduledTest.date >= monday,
            ScheduledTest.date <= sunday,
            not_deleted(ScheduledTest),
        )
        .order_by(col(ScheduledTest.date), col(Subject.name))
    )
    rows = (await uow.session.exec(query)).all()
    return [OtherTest(t.date, name) for t, name in rows if own is None or t.id != own.id]


async def _lock_class(uow: UnitOfWork, page: JournalPage) -> None:
    # Two teachers planning the same class's week at once would both count the room for
    # one more test: planning for a class takes its row's lock (PostgreSQL; SQLite's
    # writers are one at a time anyway). NO KEY UPDATE: lessons and marks referring to
    # the class are still written meanwhile.
    query = select(SchoolClass.id).where(SchoolClass.id == page.klass.id)
    await uow.session.exec(query.with_for_update(key_share=True))


async def schedule_test_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    class_id: int,
    subject_id: int,
    on: dt.date,
    group_id: int | None = None,
    work_type: str = "test",
    title: str = "",
) -> PlannedTest:
    """Put a test in the schedule, or retitle the one the page already has that day.

    Only the page's teacher plans (seed 002 §2.5.1), on a school day of a marking period,
    today or later; kinds: `core.test_limits.TEST_KINDS`. The class's tests of every
    subject (a group's too) count against the school's limits: over one, a new test is
    refused when the school says so, else saved and the breaches returned as warnings.
    An entry already planned that day is always retitled, with the warnings.
    """
    work_type = check_test_kind(check_work_type(work_type))
    title = check_length("test_title", title.strip())
    page = await load_page(uow, actor, class_id=class_id, subject_id=subject_id, group_id=group_id)
    await require_page_teacher(uow, page)
    await require_school_day(uow, page, on)
    await _require_plannable(uow, page, on)
    await _lock_class(uow, page)
    test = await _scheduled_on(uow, page, on)
    others = await _others_in_week(uow, page, on, test)
    warnings = limit_breaches(policy_of(page.school), klass=page.klass.name, day=on, others=others)
    if warnings and test is None and policy_of(page.school).test_limits_refuse:
        raise warnings[0].refusal()
    if test is not None and (test.work_type, test.title) == (work_type, title):
        return PlannedTest(test, warnings)
    old = snapshot(test) if test is not None else None
    if test is None:
        test = ScheduledTest(
            school_id=page.staff.school_id,
            class_id=class_id,
            group_id=group_id,
            subject_id=subject_id,
            teacher_id=page.staff.id or 0,
            date=on,
            created_at=uow.now(),
            created_by=page.staff.id,
        )
    else:
        test.updated_at, test.updated_by = uow.now(), page.staff.id
    test.work_type, test.title = work_type, title
    action = "create" if old is None else "update"
    await uow.save(test, action=action, actor_id=page.staff.id, old=old)
    return PlannedTest(test, warnings)


schedule_test = transactional(schedule_test_in)


async def cancel_test_in(uow: UnitOfWork, *, actor: StaffActor, test_id: int) -> ScheduledTest:
    """Take a test off the schedule. The row stays, marked deleted, with who and when.

    Only the page's teacher cancels, and only a test not yet past: the schedule of past
    days is what the journal is checked against (`core.reading.test_schedule`).
    """
    staff = await load_staff(uow, actor)
    test = await get_in_school(uow, ScheduledTest, test_id, staff.school_id, "test")
    if test.deleted_at is not None:
        raise RuleViolation("already_deleted")
    page = await load_page(
        uow, actor, class_id=test.class_id, subject_id=test.subject_id, group_id=test.group_id
    )
    await require_page_teacher(uow, page)
    await require_open(uow, staff, year_id=page.klass.year_id, on=test.date)
    if test.date < school_today(page.school, uow.now()):
        raise RuleViolation("test_already_past", date=test.date)
    old = snapshot(test)
    test.deleted_at, test.deleted_by = uow.now(), staff.id
    await uow.save(test, action="delete", actor_id=staff.id, old=old)
    return test


cancel_test = transactional(cancel_test_in)
