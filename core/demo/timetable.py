"""The weekly timetable: every class's hours in five days, no teacher in two places.

Each class's week is split into days (a subject at most once a day where it can
be) and each day into consecutive lessons from the first (primary) or the first
or second bell. Lessons are first matched to bells with free teachers (Kuhn's
augmenting paths); what clashes is then repaired by min-conflicts search: move
a clashing lesson to another bell of the same class's week, or start a day one
lesson later. Electives come after the class's last lesson. Every choice draws
from the generator passed in, so the timetable is a function of the seed.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from core.demo.calendar import SLOTS
from core.demo.plan import ClassPlan, Course, Placement

DAYS = 5
_ATTEMPTS = 20
_REPAIR_STEPS = 6000
_HARD_ORDER = (2, 3, 4, 1, 5, 6, 7, 8)


@dataclass(frozen=True, eq=False)
class Unit:
    """One weekly lesson of a class: a course, or both English subgroups at once."""

    courses: tuple[Course, ...]

    @property
    def teachers(self) -> tuple[int, ...]:
        return tuple(c.teacher.index for c in self.courses)

    @property
    def subject(self) -> str:
        return self.courses[0].subject.name

    @property
    def rank(self) -> int:
        """0: hard subject, 1: ordinary, 2: light (PE, the arts: no homework)."""
        subject = self.courses[0].subject
        return 0 if subject.hard else 2 if subject.homework is None else 1


@dataclass(eq=False)
class _Day:
    start: int  # the bell of the first lesson
    units: list[Unit] = field(default_factory=list)
    movable: bool = True  # primary classes always start with the first bell


class _DeadEnd(Exception):
    pass


def build_timetable(
    rng: random.Random, classes: list[ClassPlan], courses: list[Course]
) -> list[Placement]:
    for _ in range(_ATTEMPTS):
        try:
            return _Week(rng, classes, courses).build()
        except _DeadEnd:
            continue
    raise RuntimeError("could not build a timetable without clashes")


class _Week:
    def __init__(self, rng: random.Random, classes: list[ClassPlan], courses: list[Course]) -> None:
        self.rng = rng
        self.classes = classes
        self.courses = courses
        self.occupied: Counter[tuple[int, int, int]] = Counter()  # (teacher, weekday, slot)
        self.days: dict[int, list[_Day]] = {}

    def build(self) -> list[Placement]:
        for klass in sorted(self.classes, key=lambda k: (-k.grade, self.rng.random())):
            week = self._split_days(_units_of(klass, self.courses), klass.grade > 4)
            self.days[klass.index] = week
            for weekday, day in enumerate(week):
                self._first_fit(weekday, day)
        self._repair()
        placements = [
            Placement(course, weekday, day.start + i)
            for klass in self.classes
            for weekday, day in enumerate(self.days[klass.index])
            for i, unit in enumerate(day.units)
            for course in unit.courses
        ]
        placements += [self._place_elective(c) for c in self.courses if _is_elective(c)]
        return sorted(placements, key=lambda p: (p.weekday, p.course.klass.index, p.slot))

    def _split_days(self, units: list[Unit], movable: bool) -> list[_Day]:
        base, extra = divmod(len(units), DAYS)
        longer = set(self.rng.sample(range(DAYS - 1), extra))  # Friday stays short
        room = [base + (d in longer) for d in range(DAYS)]
        week = [_Day(1, movable=movable) for _ in range(DAYS)]
        by_subject: dict[str, list[Unit]] = {}
        for unit in units:
            by_subject.setdefault(unit.subject, []).append(unit)
        for same in sorted(by_subject.values(), key=len, reverse=True):
            for unit in same:
                ties = [self.rng.random() for _ in range(DAYS)]
                weekday = min(
                    (d for d in range(DAYS) if room[d] > 0),
                    key=lambda d: (_count(week[d], unit.subject), -room[d], ties[d]),
                )
                week[weekday].units.append(unit)
                room[weekday] -= 1
        return week

    def _first_fit(self, weekday: int, day: _Day) -> None:
        """Lessons to bells with free teachers where possible; the rest as they come."""
        day.units.sort(key=lambda u: (u.rank, self.rng.random()))
        n = len(day.units)
        for start in (1, 2) if day.movable and n < SLOTS else (1,):
            slots = list(range(start, start + n))
            owner = _match(day.units, slots, lambda u, s: self._free(u, weekday, s))
            if owner is not None:
                day.start, day.units = start, [day.units[owner[s]] for s in slots]
                break
        self._mark(weekday, day, +1)

    def _repair(self) -> None:
        for _ in range(_REPAIR_STEPS):
            clashes = sorted(key for key, count in self.occupied.items() if count > 1)
            if not clashes:
                return
            teacher, weekday, slot = self.rng.choice(clashes)
            involved = [
                k.index
                for k in self.classes
                if (unit := _unit_at(self.days[k.index][weekday], slot)) is not None
                and teacher in unit.teachers
            ]
            self._best_move(self.rng.choice(involved), weekday, slot)
        raise _DeadEnd

    def _best_move(self, klass: int, weekday: int, slot: int) -> None:
        week = self.days[klass]
        here = slot - week[weekday].start
        moves: list[Callable[[], None]] = [
            _swap(week, weekday, here, d, i)
            for d in range(DAYS)
            for i in range(len(week[d].units))
            if (d, i) != (weekday, here)
        ]
        if week[weekday].movable:
            moves += [_shift(week[weekday], step) for step in (-1, 1)]
        self._mark_week(week, -1)
        before = self._cost_unmarked(week)
        scored = []
        for move in moves:
            delta = self._try(week, move, before)
            if delta is not None:
                scored.append((delta, self.rng.random(), move))
        if scored:
            best = min(scored, key=lambda m: (m[0], m[1]))
            if best[0] >= 0 and self.rng.random() < 0.3:  # a random step out of a local minimum
                best = self.rng.choice(scored)
            best[2]()
        self._mark_week(week, +1)

    def _try(self, week: list[_Day], move: Callable[[], None], before: int) -> int | None:
        """The cost change of `move` on an unmarked week (None: not allowed); undone after."""
        snapshot = [(d.start, list(d.units)) for d in week]
        move()
        allowed = all(d.start >= 1 and d.start + len(d.units) - 1 <= SLOTS for d in week)
        after = self._cost_unmarked(week) if allowed else 0
        for day, (start, units) in zip(week, snapshot, strict=True):
            day.start, day.units = start, units
        return after - before if allowed else None

    def _cost_unmarked(self, week: list[_Day]) -> int:
        """Clashes of this week with everyone else, then the soft rules (SanPiN)."""
        cost = 0
        for weekday, day in enumerate(week):
            for i, unit in enumerate(day.units):
                slot = day.start + i
                cost += 100 * sum(self.occupied[(t, weekday, slot)] for t in unit.teachers)
                cost += 5 * (_count(day, unit.subject) - 1) + (unit.rank == 0 and slot >= 6)
        return cost

    def _mark_week(self, week: list[_Day], sign: int) -> None:
        for weekday, day in enumerate(week):
            self._mark(weekday, day, sign)

    def _mark(self, weekday: int, day: _Day, sign: int) -> None:
        for i, unit in enumerate(day.units):
            for teacher in unit.teachers:
                key = (teacher, weekday, day.start + i)
                self.occupied[key] += sign
                if not self.occupied[key]:
                    del self.occupied[key]

    def _free(self, unit: Unit, weekday: int, slot: int) -> bool:
        return all((t, weekday, slot) not in self.occupied for t in unit.teachers)

    def _place_elective(self, course: Course) -> Placement:
        week = self.days[course.klass.index]
        unit = Unit((course,))
        ends = {d: week[d].start + len(week[d].units) for d in range(DAYS)}
        for weekday in sorted(ends, key=lambda d: (ends[d], self.rng.random())):
            for slot in range(ends[weekday], SLOTS + 1):
                if self._free(unit, weekday, slot):
                    self.occupied[(course.teacher.index, weekday, slot)] += 1
                    return Placement(course, weekday, slot)
        raise _DeadEnd


def _swap(week: list[_Day], d1: int, i1: int, d2: int, i2: int) -> Callable[[], None]:
    def move() -> None:
        a, b = week[d1].units, week[d2].units
        a[i1], b[i2] = b[i2], a[i1]

    return move


def _shift(day: _Day, step: int) -> Callable[[], None]:
    def move() -> None:
        day.start += step

    return move


def _count(day: _Day, subject: str) -> int:
    return sum(1 for u in day.units if u.subject == subject)


def _unit_at(day: _Day, slot: int) -> Unit | None:
    i = slot - day.start
    return day.units[i] if 0 <= i < len(day.units) else None


def _is_elective(course: Course) -> bool:
    return course.group is not None and course.group.kind == "elective"


def _units_of(klass: ClassPlan, courses: list[Course]) -> list[Unit]:
    """The class's weekly lessons; the subgroups of one subject share their units."""
    whole: list[Unit] = []
    split: dict[str, list[Course]] = {}
    for course in courses:
        if course.klass is not klass or _is_elective(course):
            continue
        if course.group is None:
            whole.extend(Unit((course,)) for _ in range(course.hours))
        else:
            split.setdefault(course.subject.name, []).append(course)
    for parallel in split.values():
        whole.extend(Unit(tuple(parallel)) for _ in range(parallel[0].hours))
    return whole


def _match(
    units: list[Unit], slots: list[int], free: Callable[[Unit, int], bool]
) -> dict[int, int] | None:
    """A slot for every unit (slot → unit position), or None."""
    owner: dict[int, int] = {}

    def preferred(unit: Unit) -> list[int]:
        if unit.rank == 0:
            return sorted(slots, key=_HARD_ORDER.index)
        return list(reversed(slots)) if unit.rank == 2 else list(slots)

    def augment(i: int, seen: set[int]) -> bool:
        for slot in preferred(units[i]):
            if slot in seen or not free(units[i], slot):
                continue
            seen.add(slot)
            if slot not in owner or augment(owner[slot], seen):
                owner[slot] = i
                return True
        return False

    for i in range(len(units)):
        if not augment(i, set()):
            return None
    return owner
