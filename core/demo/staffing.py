"""Who teaches what: teachers by specialty, teaching assignments, class teachers.

A teacher takes consecutive classes (5А, 5Б, 6А...) until their load is full, the
way a school's tarification (тарификация) usually looks.
"""

from __future__ import annotations

import random

from core.demo.curriculum import (
    DEFAULT_TARGET_LOAD,
    SUBJECTS,
    TARGET_LOAD,
    Elective,
    SubjectSpec,
    specialty_of,
)
from core.demo.names import NameMaker, login_of
from core.demo.plan import ClassPlan, Course, GroupPlan, StaffPlan
from core.models import Role

_FEMALE_SHARE = {"pe": 0.5, "obzr": 0.2, "informatics": 0.5, "physics": 0.6}
_GYMS = ("Большой спортзал", "Малый спортзал", "Тренажёрный зал", "Спортзал № 4")
_ADMINISTRATION = (Role.admin, Role.deputy, Role.secretary)


class Staffing:
    def __init__(self, rng: random.Random, names: NameMaker) -> None:
        self.rng = rng
        self.names = names
        self.staff: list[StaffPlan] = []
        self.courses: list[Course] = []

    def plan(self, classes: list[ClassPlan], electives: dict[int, Elective]) -> None:
        for klass in classes:
            if klass.grade <= 4:
                klass.class_teacher = self._hire("primary")
        demand: dict[str, list[tuple[ClassPlan, SubjectSpec]]] = {}
        for subject in SUBJECTS:
            for klass in classes:
                if subject.hours_in(klass.grade):
                    demand.setdefault(specialty_of(subject, klass.grade), []).append(
                        (klass, subject)
                    )
        for specialty, needs in demand.items():
            if specialty == "primary":
                for klass, subject in needs:
                    self._course(klass, subject, _class_teacher(klass))
            elif specialty == "english":
                self._assign_english(needs)
            else:
                self._assign(specialty, needs)
        for klass in classes:
            if klass.index in electives:
                self._assign_elective(klass, electives[klass.index])
        self._choose_class_teachers([k for k in classes if k.class_teacher is None])
        for role in _ADMINISTRATION:
            self._hire("", roles=(role.value,))
        self._give_rooms()

    def _hire(self, specialty: str, roles: tuple[str, ...] = (Role.teacher.value,)) -> StaffPlan:
        female = self.rng.random() < _FEMALE_SHARE.get(specialty, 0.85)
        person = self.names.person(female=female, who="adult")
        member = StaffPlan(len(self.staff), person, roles, specialty)
        self.staff.append(member)
        return member

    def _course(
        self,
        klass: ClassPlan,
        subject: SubjectSpec,
        teacher: StaffPlan,
        group: GroupPlan | None = None,
    ) -> None:
        course = Course(len(self.courses), klass, subject, teacher, group)
        self.courses.append(course)
        teacher.load += course.hours

    def _assign(self, specialty: str, needs: list[tuple[ClassPlan, SubjectSpec]]) -> None:
        teachers = self._team(specialty, needs, per_teacher=1)
        for (klass, subject), index in zip(needs, _chunks(needs), strict=True):
            self._course(klass, subject, teachers[index * len(teachers) // _LANES])

    def _assign_english(self, needs: list[tuple[ClassPlan, SubjectSpec]]) -> None:
        # Both subgroups have English at the same time, so a class's two English
        # teachers work as a pair; pairs take consecutive classes.
        teachers = self._team("english", needs, per_teacher=2)
        pairs = len(teachers) // 2
        for (klass, subject), index in zip(needs, _chunks(needs), strict=True):
            pair = index * pairs // _LANES
            for half, group in enumerate(klass.subgroups):
                self._course(klass, subject, teachers[2 * pair + half], group)

    def _team(
        self, specialty: str, needs: list[tuple[ClassPlan, SubjectSpec]], per_teacher: int
    ) -> list[StaffPlan]:
        total = sum(subject.hours_in(klass.grade) for klass, subject in needs)
        target = TARGET_LOAD.get(specialty, DEFAULT_TARGET_LOAD)
        count = max(1, round(total / target))
        return [self._hire(specialty) for _ in range(count * per_teacher)]

    def _assign_elective(self, klass: ClassPlan, elective: Elective) -> None:
        spec = SubjectSpec(
            elective.name, "Электив", (0,) * 9 + (1, 1), elective.specialty, None, (), None, False
        )
        own = [
            c.teacher
            for c in self.courses
            if c.klass is klass and c.teacher.specialty == elective.specialty
        ]
        colleagues = [t for t in self.staff if t.specialty == elective.specialty]
        teacher = own[0] if own else min(colleagues, key=lambda t: (t.load, t.index))
        self._course(klass, spec, teacher, klass.elective)

    def _choose_class_teachers(self, classes: list[ClassPlan]) -> None:
        """A teacher who gives the class the most hours, one class each."""
        taken: set[int] = set()
        for klass in classes:
            hours: dict[int, int] = {}
            for course in self.courses:
                if course.klass is klass and course.teacher.index not in taken:
                    hours[course.teacher.index] = hours.get(course.teacher.index, 0) + course.hours
            if hours:
                chosen = min(hours, key=lambda i: (-hours[i], i))
            else:
                free = [t.index for t in self.staff if t.specialty not in ("", "primary")]
                chosen = self.rng.choice([i for i in free if i not in taken])
            klass.class_teacher = self.staff[chosen]
            taken.add(chosen)

    def _give_rooms(self) -> None:
        counters: dict[str, int] = {}
        for member in self.staff:
            kind = member.specialty if member.specialty in ("primary", "pe", "") else "subject"
            n = counters.get(kind, 0)
            counters[kind] = n + 1
            if kind == "primary":
                member.room = str(101 + n)
            elif kind == "pe":
                member.room = _GYMS[n % len(_GYMS)]
            elif kind == "subject":
                member.room = str((2 + n // 16) * 100 + 1 + n % 16)


# A specialty's classes are split into this many equal lanes of hours, then lanes
# are shared out among its teachers: consecutive classes go to the same teacher.
_LANES = 1000


def _chunks(needs: list[tuple[ClassPlan, SubjectSpec]]) -> list[int]:
    """For each need, its lane (0.._LANES-1): classes in order, halves of hours counted."""
    per_class: dict[int, int] = {}
    for klass, subject in needs:
        per_class[klass.index] = per_class.get(klass.index, 0) + subject.hours_in(klass.grade)
    total = sum(per_class.values())
    lanes, done = {}, 0
    for index in sorted(per_class):
        lanes[index] = min(_LANES - 1, (2 * done + per_class[index]) * _LANES // (2 * total))
        done += per_class[index]
    return [lanes[klass.index] for klass, _ in needs]


def _class_teacher(klass: ClassPlan) -> StaffPlan:
    if klass.class_teacher is None:
        raise RuntimeError(f"{klass.name} has no class teacher")
    return klass.class_teacher


def assign_logins(staff: list[StaffPlan], taken: set[str]) -> None:
    """«ivanova.mp»; a namesake (here or in another school) gets «ivanova.mp2»."""
    used = set(taken)
    for member in staff:
        base = login_of(member.person)
        login, n = base, 2
        while login in used:
            login, n = f"{base}{n}", n + 1
        used.add(login)
        member.login = login
