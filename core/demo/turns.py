"""Whom a teacher asks at a lesson: in turn through the class list, and enough for the
period (наполняемость).

A teacher works through the list so everyone gets marks; whoever is away when their
turn comes is asked first next time. Towards a quarter's end the teacher makes sure
each pupil has the school's minimum of marks for the period
(`SchoolPolicy.fill_min_marks_light` for a subject of one or two lessons a week,
`fill_min_marks_heavy` for more): each lesson marks enough of those still short for the
lessons left. A couple of pupils are overlooked in one subject (`neglected`): never
asked, and their written works marked only half the time, they end the quarter
under-filled, for the journal control to find.
"""

from __future__ import annotations

import math
import random

from core.demo.calendar import SchoolCalendar
from core.demo.course_year import CourseYear
from core.demo.plan import Course, StudentPlan
from core.policy import SchoolPolicy

NEGLECTED_PUPILS = 2


class Turns:
    def __init__(
        self,
        rng: random.Random,
        calendar: SchoolCalendar,
        years: dict[int, CourseYear],
        neglected: set[tuple[int, int]],
    ) -> None:
        self.rng = rng
        self.neglected = neglected  # (course index, student index)
        policy = SchoolPolicy()
        self.light, self.heavy = policy.fill_min_marks_light, policy.fill_min_marks_heavy
        self.queues: dict[int, list[StudentPlan]] = {}  # by course: who is asked next
        self.given: dict[tuple[int, int, int], int] = {}  # (course, quarter, student)
        # (course, quarter) -> the course's last lesson (its number) in the quarter.
        self.last: dict[tuple[int, int], int] = {}
        for index, year in years.items():
            for k, (day, _slot) in enumerate(year.meetings):
                quarter = calendar.quarter_index(day)
                if quarter is not None:
                    self.last[index, quarter] = k

    def overlooks(self, course: Course, student: StudentPlan) -> bool:
        return (course.index, student.index) in self.neglected

    def minimum(self, course: Course) -> int:
        return self.light if course.hours <= 2 else self.heavy

    def count(self, course: Course, quarter: int, student: StudentPlan) -> None:
        key = (course.index, quarter, student.index)
        self.given[key] = self.given.get(key, 0) + 1

    def choose(
        self, course: Course, k: int, quarter: int, present: list[StudentPlan], count: int
    ) -> list[StudentPlan]:
        """`count` pupils in turn, and as many more of those short of the minimum as the
        lessons left in the quarter need."""
        chosen = self._in_turn(course, present, count)
        short = self._short(course, quarter)
        # Done a lesson before the last, so whoever is away then has had their chance.
        left = self.last.get((course.index, quarter), k) - k
        needed = math.ceil(sum(short.values()) / max(left, 1))
        needed -= sum(1 for s in chosen if s.index in short)
        here = {s.index for s in chosen}
        extra = sorted(
            (s for s in present if s.index in short and s.index not in here),
            key=lambda s: (-short[s.index], s.index),
        )
        return chosen + extra[: max(needed, 0)]

    def _short(self, course: Course, quarter: int) -> dict[int, int]:
        """Student index -> marks still missing to the minimum (the neglected left out)."""
        minimum = self.minimum(course)
        found = {}
        for s in course.students:
            if (course.index, s.index) in self.neglected:
                continue
            missing = minimum - self.given.get((course.index, quarter, s.index), 0)
            if missing > 0:
                found[s.index] = missing
        return found

    def _in_turn(self, course: Course, present: list[StudentPlan], count: int) -> list[StudentPlan]:
        queue = self.queues.setdefault(course.index, [])
        here = {s.index for s in present if (course.index, s.index) not in self.neglected}
        chosen: list[StudentPlan] = []
        missed: list[StudentPlan] = []
        for _ in range(len(course.students) + count):
            if len(chosen) == count:
                break
            if not queue:
                queue.extend(course.students)
                self.rng.shuffle(queue)
            student = queue.pop()
            if (course.index, student.index) in self.neglected:
                continue  # overlooked: not asked, not kept waiting either
            (chosen if student.index in here else missed).append(student)
        queue.extend(reversed(missed))
        return chosen


def neglected_pupils(rng: random.Random, courses: list[Course]) -> set[tuple[int, int]]:
    """(course, student) pairs of `NEGLECTED_PUPILS` pupils, each overlooked in one
    subject of three or more lessons a week (a minimum of 5 marks: the written works
    alone do not make it), in different classes (grade 5 and up)."""
    candidates = [
        c for c in courses if c.marked and c.group is None and c.klass.grade >= 5 and c.hours >= 3
    ]
    chosen: set[tuple[int, int]] = set()
    classes: set[int] = set()
    for course in rng.sample(candidates, len(candidates)):
        if len(chosen) == NEGLECTED_PUPILS:
            break
        if course.klass.index in classes or not course.students:
            continue
        classes.add(course.klass.index)
        chosen.add((course.index, rng.choice(course.students).index))
    return chosen
