"""Announcements: the school's (start of year, holidays), class meetings, monthly letters.

Seed 004: every class teacher writes to the parents at least once a month. They all do,
at the end of each month, but one: in the last month over before `today`, one class
teacher wrote nothing (the journal control's "monthly message not sent").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.demo.journal import Journal
from core.demo.plan import ClassPlan, StaffPlan
from core.demo.texts import WELCOME, holiday_notice, meeting_notice, monthly_message
from core.models import Role

Row = dict[str, Any]
_BREAKS = 3  # the calendar's first holidays are the three school breaks


class Notices:
    """Announcements due at the end of a school day (only days up to `today` come here)."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.plan = journal.plan
        days = self.plan.calendar.school_days
        self.month_ends = {d for i, d in enumerate(days[:-1]) if days[i + 1].month != d.month}
        self.month_ends.add(days[-1])
        self.before_break: dict[dt.date, tuple[str, dt.date, dt.date, dt.date | None]] = {}
        for holiday in self.plan.calendar.holidays[:_BREAKS]:
            before = [d for d in days if d < holiday.starts_on]
            after = [d for d in days if d > holiday.ends_on]
            if before:
                back = after[0] if after else None
                self.before_break[before[-1]] = (
                    holiday.name,
                    holiday.starts_on,
                    holiday.ends_on,
                    back,
                )
        self.meeting_posted_on = days[min(5, len(days) - 1)]
        self.silent: tuple[int, int, int] | None = None  # (class index, year, month)
        this_month = (journal.today.year, journal.today.month)
        over = sorted((d.year, d.month) for d in self.month_ends if (d.year, d.month) < this_month)
        if over and self.plan.classes:
            klass = journal.late.rng.choice(self.plan.classes)
            self.silent = (klass.index, *over[-1])

    def after(self, day: dt.date, today: dt.date) -> list[Row]:
        rows = []
        if day == self.plan.calendar.school_days[0]:
            admin = _staff(self.plan.staff, Role.admin)
            rows.append(
                self._row(day, 7 * 60 + 30, None, admin, "С началом учебного года!", WELCOME)
            )
        if day in self.before_break:
            name, first, last, back = self.before_break[day]
            text = holiday_notice(name, first, last, back)
            deputy = _staff(self.plan.staff, Role.deputy)
            rows.append(self._row(day, 16 * 60, None, deputy, name, text))
        if day == self.meeting_posted_on:
            meeting = day + dt.timedelta(days=7)
            for klass in self.plan.classes:
                teacher = _class_teacher(klass)
                text = meeting_notice(klass.name, meeting, teacher.room)
                rows.append(self._row(day, 15 * 60, klass, teacher, "Родительское собрание", text))
        if day in self.month_ends and (day.year, day.month) < (today.year, today.month):
            rows += self._monthly(day)
        return rows

    def _monthly(self, day: dt.date) -> list[Row]:
        rows = []
        rng = self.journal.rng
        for klass in self.plan.classes:
            if (klass.index, day.year, day.month) == self.silent:
                continue
            total, count, missed = self.journal.month.get((klass.index, day.month), [0, 0, 0])
            average = total / count if count else None
            title, body = monthly_message(rng, klass.name, day.month, average, int(missed))
            minutes = 17 * 60 + rng.uniform(0, 150)
            rows.append(self._row(day, minutes, klass, _class_teacher(klass), title, body, True))
        return rows

    def _row(
        self,
        day: dt.date,
        minutes: float,
        klass: ClassPlan | None,
        author: StaffPlan,
        title: str,
        body: str,
        monthly: bool = False,
    ) -> Row:
        return {
            "school_id": self.plan.school_id,
            "class_id": klass.id if klass else None,
            "title": title,
            "body": body,
            "urgent": False,
            "monthly": monthly,
            "created_at": self.journal.at(day, minutes),
            "created_by": author.id,
        }


def _staff(staff: list[StaffPlan], role: Role) -> StaffPlan:
    return next(s for s in staff if role.value in s.roles)


def _class_teacher(klass: ClassPlan) -> StaffPlan:
    if klass.class_teacher is None:
        raise RuntimeError(f"{klass.name} has no class teacher")
    return klass.class_teacher
