"""A course's lessons over the whole year, as its calendar-thematic plan (КТП) has them.

The plan covers the year, not only the days up to `today`: the topic of a lesson
depends on how far into the year it is, homework is due at the next lesson, and
the test schedule (график контрольных работ) is published for the whole year.
"""

from __future__ import annotations

import datetime as dt
import random

from core.demo.curriculum import homework_kind
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
        self.homework = homework_kind(course.subject, course.klass.grade)
        self.control = course.subject.control if course.marked else None
        # A control work closes every `every`-th topic: six a year for the main
        # subjects, two for a subject of one hour a week.
        per_year = {1: 2, 2: 4}.get(course.hours, 6)
        self.every = max(1, round(len(self.topics) / per_year))
        self.offset = rng.randrange(self.every)
        self.controls: set[int] = set()  # lessons with a control work (`spread_controls`)

    def __len__(self) -> int:
        return len(self.meetings)

    def span(self, k: int) -> tuple[int, int, int]:
        """Lesson `k`'s topic: its index, and the first and last lessons on it."""
        n, count = len(self.meetings), len(self.topics)
        index = k * count // n
        return index, -(-index * n // count), -(-(index + 1) * n // count) - 1

    def control_candidates(self) -> list[int]:
        """Where the plan puts control works: the last lesson of every `every`-th topic."""
        if self.control is None:
            return []
        found = []
        for k in range(len(self.meetings)):
            index, first, last = self.span(k)
            if k == last > first and (index + self.offset) % self.every == self.every - 1:
                found.append(k)
        return found

    def control_at(self, k: int) -> str | None:
        """The control work's type when lesson `k` is one, else None."""
        return self.control if k in self.controls else None

    def topic(self, k: int) -> str:
        index, first, last = self.span(k)
        after_control = k - 1 in self.controls and k > first
        return topic_text(
            self.homework or self.course.subject.specialty,
            self.course.klass.grade,
            self.topics[index],
            repeat=k - first,
            closing=k == last and k - first >= 2,
            control=self.control_at(k),
            after=self.control if after_control else None,
        )

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
    years = {i: CourseYear(rng, courses[i], days, bells[i]) for i in sorted(courses)}
    spread_controls(list(years.values()))
    return years


def spread_controls(years: list[CourseYear]) -> None:
    """SanPiN: at most one control work a day for a class.

    A control work that would share a day with another subject's moves one or two
    lessons earlier in its topic, or is dropped. The subgroups of one subject
    write theirs on the same day: for the class it is one control work.
    """
    planned = sorted(
        ((y.meetings[k][0], y.course.index, k, y) for y in years for k in y.control_candidates()),
        key=lambda item: item[:3],
    )
    taken: dict[tuple[int, dt.date], str] = {}  # (class, day) -> subject
    for _day, _index, k, year in planned:
        _, first, _ = year.span(k)
        for moved in range(k, max(first + 1, k - 2) - 1, -1):
            key = (year.course.klass.index, year.meetings[moved][0])
            if taken.setdefault(key, year.course.subject.name) == year.course.subject.name:
                year.controls.add(moved)
                break
