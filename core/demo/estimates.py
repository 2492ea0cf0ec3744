"""The time homework takes, as the demo's teachers estimate it (`Homework.minutes`).

Most teachers give an estimate (`ESTIMATING_SHARE`), a few minutes to half an hour,
more in the senior grades; a class's estimates for a day stay well within SanPiN's
limit for its grade (`core.policy.homework_minutes_limit`), but on `OVERLOAD_DAYS`
days in different classes, when every subject due that day gives a long assignment
(revision before a test, a project) and together they go a fifth or more over the
limit, so the journal control has an overload day to show
(`core.reading.homework_load.homework_overload`).
"""

from __future__ import annotations

import datetime as dt
import random

from core.demo.curriculum import homework_kind
from core.demo.plan import ClassPlan, SchoolPlan
from core.policy import SchoolPolicy, homework_minutes_limit

ESTIMATING_SHARE = 0.5
OVERLOAD_DAYS = 2
OVERLOAD = 1.2  # an overload day's total, against the limit (about)
USUAL_SHARE_OF_LIMIT = 0.8  # a usual day's estimates stay under this part of the limit


class Estimates:
    def __init__(self, rng: random.Random, plan: SchoolPlan, days: list[dt.date]) -> None:
        self.rng = rng
        self.estimating = {t.index for t in plan.teachers if rng.random() < ESTIMATING_SHARE}
        policy = SchoolPolicy()
        self.limits = {k.index: homework_minutes_limit(policy, k.grade) for k in plan.classes}
        self.sums: dict[tuple[int, dt.date], int] = {}
        self.overloaded = _overload_days(rng, plan.classes, days)
        # An overload day's assignments: about one per lesson with homework that day
        # (parallel subgroups' lessons count once: a pupil is in one of them).
        self.due_that_day: dict[tuple[int, dt.date], int] = {}
        for klass_index, day in self.overloaded:
            slots = {
                p.slot
                for p in plan.timetable
                if p.course.klass.index == klass_index
                and p.weekday == day.weekday()
                and homework_kind(p.course.subject, p.course.klass.grade) is not None
            }
            self.due_that_day[klass_index, day] = max(1, len(slots))

    def overloads(self, klass: ClassPlan, due: dt.date | None) -> bool:
        """Is `due` one of the class's overload days (its homework is then given in full)?"""
        return (klass.index, due) in self.overloaded

    def minutes(self, teacher: int, klass: ClassPlan, due: dt.date | None) -> int | None:
        """The estimate of a homework due on `due`, by the teacher of staff index `teacher`."""
        if due is None:
            return None
        limit, key = self.limits[klass.index], (klass.index, due)
        if key in self.overloaded:
            share = OVERLOAD * limit / self.due_that_day[key]
            minutes = _round(share + self.rng.choice((-5, 0, 5)))
        elif teacher not in self.estimating:
            return None
        else:
            minutes = 5 * self.rng.randint(max(1, limit // 50), max(2, limit // 25))
            if self.sums.get(key, 0) + minutes > USUAL_SHARE_OF_LIMIT * limit:
                return None
        self.sums[key] = self.sums.get(key, 0) + minutes
        return minutes


def _round(minutes: float) -> int:
    return max(5, 5 * round(minutes / 5))


def _overload_days(
    rng: random.Random, classes: list[ClassPlan], days: list[dt.date]
) -> set[tuple[int, dt.date]]:
    """(class index, day): a third and two thirds into the term so far, in two classes
    of grades 6–8 (others when there are none)."""
    if len(days) < 3:
        return set()
    middle = [k for k in classes if 6 <= k.grade <= 8] or [k for k in classes if k.grade >= 2]
    chosen = rng.sample(middle, min(OVERLOAD_DAYS, len(middle)))
    picks = [days[len(days) * (n + 1) // (OVERLOAD_DAYS + 1)] for n in range(len(chosen))]
    return {(k.index, day) for k, day in zip(chosen, picks, strict=True)}
