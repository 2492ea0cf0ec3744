"""The rules of a reported access breach (seed 002 §4.3–4.4), shared by the report
(`core.services.staff.report_breach`) and its preview (`core.reading.breach`), so the
page that asks for confirmation refuses exactly what the lock would refuse.

- The administrator or the deputy director reports; nobody reports their own account.
- A deputy director may not lock an administrator: the administration would lose the
  person who unlocks accounts and gives roles.
- The last active (unlocked) administrator of a school is never locked, by anyone:
  nobody would be left to unlock it.
- The breach was learned of at a moment in the past, at most `lookback` ago
  (`ZVONOK_BREACH_LOOKBACK_DAYS`): a mistyped year must not void a teacher's term.
- Only an administrator lists and restores the voided entries
  (`core.services.breach_restore`, `core.reading.breach_voids`); an entry is restored
  once, and not when it was changed since or re-entered since the voiding
  (`restore_refusal`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_time
from core.errors import Forbidden, RuleViolation
from core.models import Attendance, BreachVoid, Homework, Mark, Remark, Role, School, Staff
from core.permissions import has_role, load_staff, require_role
from core.rows import get_in_school, not_deleted
from core.uow import UnitOfWork

BreachEntry = Mark | Attendance | Homework | Remark
VOIDED_MODELS: dict[str, type[BreachEntry]] = {
    "mark": Mark,
    "attendance": Attendance,
    "homework": Homework,
    "remark": Remark,
}


@dataclass(frozen=True)
class EntryCounts:
    """A breached account's journal entries since the report, by kind."""

    marks: int = 0
    attendance: int = 0
    homework: int = 0
    remarks: int = 0

    @property
    def total(self) -> int:
        return self.marks + self.attendance + self.homework + self.remarks


@dataclass(frozen=True)
class BreachCase:
    """A breach report that passed the rules: who reports, and whose account."""

    reporter: Staff
    target: Staff


def entries_since(
    model: type[BreachEntry], author: Staff, since: dt.datetime
) -> list[ColumnElement[bool]]:
    """The conditions of `author`'s live entries of `model` made at or after `since`."""
    return [
        col(model.school_id) == author.school_id,
        col(model.created_by) == author.id,
        col(model.created_at) >= since,
        not_deleted(model),
    ]


async def check_breach_report(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    staff_id: int,
    since: dt.datetime,
    lookback: dt.timedelta,
) -> BreachCase:
    """The report if the rules allow it (see the module's docstring); else the typed
    error saying which rule refuses it."""
    if since.tzinfo is None:
        raise ValueError("since must be timezone-aware")
    reporter = await load_staff(uow, actor)
    require_role(reporter, Role.admin, Role.deputy)
    target = await get_in_school(uow, Staff, staff_id, reporter.school_id, "staff")
    if target.id == reporter.id:
        raise RuleViolation("breach_self")
    school = await uow.session.get(School, reporter.school_id)
    assert school is not None  # a foreign key
    now = uow.now()
    if since > now:
        raise RuleViolation("breach_in_future", at=school_time(since, school))
    if since < now - lookback:
        earliest = school_time(now - lookback, school)
        raise RuleViolation("breach_too_far_back", days=lookback.days, at=earliest)
    if has_role(target, Role.admin):
        if target.locked_at is None and not await _other_active_admins(uow, target):
            raise RuleViolation("breach_last_admin", staff=target.short_name)
        if not has_role(reporter, Role.admin):
            raise Forbidden("breach_admin_by_deputy", staff=target.short_name)
    return BreachCase(reporter=reporter, target=target)


async def _other_active_admins(uow: UnitOfWork, target: Staff) -> bool:
    query = select(Staff).where(
        Staff.school_id == target.school_id,
        col(Staff.locked_at).is_(None),
        col(Staff.id) != target.id,
    )
    staff = (await uow.session.exec(query)).all()
    return any(has_role(other, Role.admin) for other in staff)


async def voided_row(uow: UnitOfWork, void: BreachVoid) -> BreachEntry:
    """The journal row `void` names (a foreign key in all but name: rows are never
    deleted)."""
    model: type[BreachEntry] = VOIDED_MODELS[void.entity]
    row: BreachEntry | None = await uow.session.get(model, void.entity_id)
    assert row is not None, (void.entity, void.entity_id)
    return row


async def restore_refusal(
    uow: UnitOfWork, void: BreachVoid, row: BreachEntry
) -> RuleViolation | None:
    """Why the voided `row` cannot be restored now, or None: restored already, changed
    since the breach voided it, or superseded: re-entered since (a mark of the pupil
    for the same lesson, homework for the lesson, written after the voiding), so that
    restoring would put the old entry next to its replacement."""
    if void.restored_at is not None:
        return RuleViolation("already_restored", id=void.id)
    if row.deleted_at is None or row.deleted_at != void.voided_at:
        return RuleViolation("restore_changed_since", id=void.id)
    if isinstance(row, Mark):
        query = select(Mark.id).where(
            Mark.lesson_id == row.lesson_id,
            Mark.student_id == row.student_id,
            col(Mark.created_at) >= void.voided_at,
            not_deleted(Mark),
        )
        if (await uow.session.exec(query)).first() is not None:
            return RuleViolation("restore_superseded_mark", id=void.id)
    if isinstance(row, Homework):
        query = select(Homework.id).where(
            Homework.lesson_id == row.lesson_id,
            col(Homework.created_at) >= void.voided_at,
            not_deleted(Homework),
        )
        if (await uow.session.exec(query)).first() is not None:
            return RuleViolation("restore_superseded_homework", id=void.id)
    return None
