"""Classes, students and their families: siblings share parents across classes."""

from __future__ import annotations

import datetime as dt
import random

from core.demo.curriculum import (
    ELECTIVE_GRADES,
    ELECTIVES,
    SUBGROUP_SUBJECT,
    Elective,
    subjects_of,
)
from core.demo.data import FirstName
from core.demo.names import NameMaker, Person, patronymic, translit
from core.demo.plan import ClassPlan, GroupPlan, GuardianPlan, StudentPlan

STUDENTS_AT_FULL_SCALE = 600
LETTERS = "АБВ"
_MAIL_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru")


def plan_classes(rng: random.Random, scale: float) -> list[ClassPlan]:
    """Two or three classes a grade (one when scaled down below half), ~600 students."""
    counts = [1] * 11 if scale < 0.5 else [rng.choice((2, 3)) for _ in range(9)] + [2, 2]
    mean = STUDENTS_AT_FULL_SCALE * scale / sum(counts)
    classes: list[ClassPlan] = []
    for grade, count in enumerate(counts, start=1):
        for letter in LETTERS[:count]:
            size = max(3, round(mean + rng.uniform(-3, 3) * min(1.0, scale)))
            classes.append(ClassPlan(len(classes), grade, letter, size))
    return classes


class RosterMaker:
    """Fills classes with children, family by family."""

    def __init__(self, rng: random.Random, names: NameMaker, year_start: int) -> None:
        self.rng = rng
        self.names = names
        self.year_start = year_start
        self.students: list[StudentPlan] = []
        self.guardians: list[GuardianPlan] = []
        self._phones: set[str] = set()

    def fill(self, classes: list[ClassPlan]) -> None:
        for klass in classes:
            while len(klass.students) < klass.size:
                self._family(klass, classes)
        for klass in classes:
            klass.students.sort(key=lambda s: (s.person.full_name, s.index))

    def _family(self, first: ClassPlan, classes: list[ClassPlan]) -> None:
        surname = self.names.surname()
        father = self.names.first_name(female=False, who="adult")
        children = [self._child(first, surname, father)]
        grades = {first.grade}
        for chance in (0.16, 0.2):  # a second child, and then a third
            if self.rng.random() >= chance:
                break
            free = [k for k in classes if len(k.students) < k.size and k.grade not in grades]
            if not free:
                break
            klass = self.rng.choice(free)
            grades.add(klass.grade)
            children.append(self._child(klass, surname, father))
        self._parents(surname, father, children)

    def _child(self, klass: ClassPlan, surname: str, father: FirstName) -> StudentPlan:
        female = self.rng.random() < 0.49
        person = self.names.person(female=female, who="child", surname=surname, father=father)
        first, last = self._born_in(klass.grade)
        born = first + dt.timedelta(days=self.rng.randrange((last - first).days + 1))
        ability = max(-2.0, min(2.0, self.rng.gauss(0.0, 0.75)))
        student = StudentPlan(len(self.students), person, born, ability)
        self.students.append(student)
        klass.students.append(student)
        return student

    def _born_in(self, grade: int) -> tuple[dt.date, dt.date]:
        """A first-former is 6½–7½ on 1 September; each grade is a year older."""
        year = self.year_start - 6 - grade
        return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)

    def _parents(self, surname: str, father: FirstName, children: list[StudentPlan]) -> None:
        roll = self.rng.random()
        with_mother, with_father = roll < 0.95, roll >= 0.5
        if with_mother:
            # About one mother in ten kept her own surname.
            own = self.names.surname() if self.rng.random() < 0.1 else surname
            mother = self.names.person(female=True, who="adult", surname=own)
            self.guardians.append(self._guardian(mother, "мать", children))
        if with_father:
            grandfather = self.names.first_name(female=False, who="adult")
            dad = Person(surname, father.name, patronymic(grandfather, False), female=False)
            self.guardians.append(self._guardian(dad, "отец", children))

    def _guardian(self, person: Person, relation: str, children: list[StudentPlan]) -> GuardianPlan:
        return GuardianPlan(
            person=person,
            relation=relation,
            phone=self._phone(),
            email=self._email(person) if self.rng.random() < 0.7 else None,
            language="en" if self.rng.random() < 0.02 else "ru",
            consent=self.rng.random() >= 0.15,
            children=list(children),
        )

    def _phone(self) -> str:
        while True:
            phone = f"+79{self.rng.randrange(10**9):09d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def _email(self, person: Person) -> str:
        last, first = translit(person.last_name), translit(person.first_name)
        local = self.rng.choice(
            (f"{last}.{first}", f"{first[0]}.{last}", f"{last}{self.rng.randrange(70, 100)}")
        )
        return f"{local}{self.rng.randrange(1, 1000)}@{self.rng.choice(_MAIL_DOMAINS)}"


def plan_groups(rng: random.Random, classes: list[ClassPlan]) -> dict[int, Elective]:
    """English subgroups by the alphabetical list, one elective per senior class.

    Returns each senior class's elective course, by class index.
    """
    chosen: dict[int, Elective] = {}
    courses = list(ELECTIVES)
    rng.shuffle(courses)
    for klass in classes:
        if any(s.name == SUBGROUP_SUBJECT for s in subjects_of(klass.grade)):
            half = (len(klass.students) + 1) // 2
            klass.subgroups = [
                GroupPlan(f"{klass.name} англ. 1", "subgroup", klass.students[:half]),
                GroupPlan(f"{klass.name} англ. 2", "subgroup", klass.students[half:]),
            ]
        if klass.grade in ELECTIVE_GRADES:
            course = courses[len(chosen) % len(courses)]
            members = [s for s in klass.students if rng.random() < 0.55] or klass.students[:1]
            klass.elective = GroupPlan(f"{klass.name} {course.name}", "elective", members)
            chosen[klass.index] = course
    return chosen
