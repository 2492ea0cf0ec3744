"""Who is away when: children's illnesses, odd missed lessons, teachers on sick leave.

Illness comes in spells of several school days (a cold, the flu, more of it in
January and February), which is what makes a real attendance page look the way
it does: a row of «б», not «б» sprinkled at random.
"""

from __future__ import annotations

import datetime as dt
import random

from core.demo.plan import Placement, StaffPlan

Spells = dict[dt.date, set[int]]

STUDENT_SPELL_START = 0.0045  # per school day
TEACHER_SPELL_START = 0.003
ABSENT_SHARE = 0.008  # «н»: a lesson missed without a note
LATE_SHARE_FIRST = 0.008  # «оп»: late, mostly for the first lesson
LATE_SHARE_OTHER = 0.001


def illness_spells(
    rng: random.Random,
    people: range | list[int],
    days: list[dt.date],
    *,
    daily_start: float,
    length: tuple[int, int],
) -> Spells:
    """The school days each person is ill, by day."""
    ill: Spells = {}
    for person in people:
        i = 0
        while i < len(days):
            chance = daily_start * (1.6 if days[i].month in (1, 2) else 1.0)
            if rng.random() >= chance:
                i += 1
                continue
            spell = rng.randint(*length)
            for day in days[i : i + spell]:
                ill.setdefault(day, set()).add(person)
            i += spell + 10  # not ill again straight away
    return ill


class Substitutes:
    """Seed 002 §2.5.10: an absent teacher's lesson is taken by a free colleague.

    A colleague of the same specialty first; anyone free at that bell otherwise.
    """

    def __init__(
        self, rng: random.Random, teachers: list[StaffPlan], timetable: list[Placement]
    ) -> None:
        self.rng = rng
        self.teachers = teachers
        self.busy = {(p.course.teacher.index, p.weekday, p.slot) for p in timetable}
        self.taken: set[tuple[dt.date, int, int]] = set()  # (day, slot, teacher)

    def choose(self, absent: StaffPlan, day: dt.date, slot: int, away: set[int]) -> int | None:
        """The index of the substitute, or None when nobody is free."""
        free = [
            t
            for t in self.teachers
            if t.index not in away
            and (t.index, day.weekday(), slot) not in self.busy
            and (day, slot, t.index) not in self.taken
        ]
        same = [t for t in free if t.specialty == absent.specialty]
        pool = same or free
        if not pool:
            return None
        chosen = self.rng.choice(pool)
        self.taken.add((day, slot, chosen.index))
        return chosen.index
