"""A course's lessons over the whole year, as its calendar-thematic plan (КТП) has them.

The plan covers the year, not only the days up to `today`: the topic of a lesson
depends on how far into the year it is, homework is due at the next lesson, and
the test schedule (график контрольных работ) is published for the whole year.
"""

from __future__ import annotations

import datetime as dt
import random

from core.demo.data import topics_for
from core.demo.plan import Course, Placement
from core.demo.texts import topic_text


class CourseYear:
    def __init__(
        self,
        rng: random.Random,
        course: Course,
        days: tuple[dt.date, ...],
        bells: list[tuple[int, int]],
    ) -> None:
        self.course = course
        by_weekday: dict[int, list[int]] = {}
        for weekday, slot in bells:
            by_weekday.setdefault(weekday, []).append(slot)
        self.meetings = [(d, s) for d in days for s in sorted(by_weekday.get(d.weekday(), ()))]
        self.ordinal = {meeting: k for k, meeting in enumerate(self.meetings)}
        self.topics = topics_for(course.subject.name, course.klass.grade)
        self.control = course.subject.control if course.marked else None
        # One or two control works a quarter, whatever the weekly hours.
        self.every = max(10, 4 * course.hours)
        self.offset = rng.randrange(self.every)

    def __len__(self) -> int:
        return len(self.meetings)

    def control_at(self, k: int) -> str | None:
        """The control work's type when lesson `k` is one, else None."""
        if self.control is None or (k + self.offset) % self.every != self.every - 1:
            return None
        return self.control

    def topic(self, k: int) -> str:
        n, count = len(self.meetings), len(self.topics)
        index = k * count // n
        first = -(-index * n // count)  # the first lesson on this topic
        subject, grade = self.course.subject, self.course.klass.grade
        return topic_text(subject, grade, self.topics[index], k - first, self.control_at(k))

    def progress(self, k: int) -> float:
        return k / len(self.meetings)

    def due(self, k: int) -> dt.date | None:
        """The date of the next lesson on another day: when homework is due."""
        day = self.meetings[k][0]
        for later, _ in self.meetings[k + 1 :]:
            if later > day:
                return later
        return None


def course_years(
    rng: random.Random, timetable: list[Placement], days: tuple[dt.date, ...]
) -> dict[int, CourseYear]:
    """Every course's year, by course index."""
    bells: dict[int, list[tuple[int, int]]] = {}
    courses: dict[int, Course] = {}
    for p in timetable:
        bells.setdefault(p.course.index, []).append((p.weekday, p.slot))
        courses[p.course.index] = p.course
    return {i: CourseYear(rng, courses[i], days, bells[i]) for i in sorted(courses)}
