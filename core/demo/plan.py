"""The demo school held in memory before it is written: people, classes, courses, timetable.

Every object gets its database id once inserted (`id`); until then the plan is
pure data built from the seed. Objects are keyed by their `index`, never by
identity, so nothing depends on memory addresses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.demo.calendar import SchoolCalendar
from core.demo.curriculum import SubjectSpec
from core.demo.names import Person


@dataclass(eq=False)
class StaffPlan:
    index: int
    person: Person
    roles: tuple[str, ...]
    specialty: str = ""  # "" for staff who do not teach
    room: str = ""
    login: str = ""
    load: int = 0  # weekly hours
    id: int = 0


@dataclass(eq=False)
class StudentPlan:
    index: int
    person: Person
    birth_date: dt.date
    ability: float  # > 0: better marks than the class on average
    id: int = 0


@dataclass(eq=False)
class GuardianPlan:
    person: Person
    relation: str  # мать, отец
    phone: str
    email: str | None
    language: str
    consent: bool
    children: list[StudentPlan]
    id: int = 0


@dataclass(eq=False)
class GroupPlan:
    name: str
    kind: str  # subgroup | elective
    members: list[StudentPlan]
    id: int = 0


@dataclass(eq=False)
class ClassPlan:
    index: int
    grade: int
    letter: str
    size: int
    students: list[StudentPlan] = field(default_factory=list)
    class_teacher: StaffPlan | None = None
    subgroups: list[GroupPlan] = field(default_factory=list)
    elective: GroupPlan | None = None
    id: int = 0

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"


@dataclass(eq=False)
class Course:
    """One teaching assignment: a teacher gives a subject to a class or one of its groups."""

    index: int
    klass: ClassPlan
    subject: SubjectSpec
    teacher: StaffPlan
    group: GroupPlan | None = None

    @property
    def hours(self) -> int:
        return self.subject.hours_in(self.klass.grade)

    @property
    def students(self) -> list[StudentPlan]:
        return self.group.members if self.group is not None else self.klass.students

    @property
    def marked(self) -> bool:
        """Seed 002 §2.6: no marks in grade 1; §2.5.7: electives get attendance only."""
        elective = self.group is not None and self.group.kind == "elective"
        return self.subject.marked and self.klass.grade >= 2 and not elective


@dataclass(frozen=True)
class Placement:
    """A line of the weekly timetable."""

    course: Course
    weekday: int  # 0 = Monday
    slot: int


@dataclass(eq=False)
class SchoolPlan:
    calendar: SchoolCalendar
    classes: list[ClassPlan]
    staff: list[StaffPlan]
    students: list[StudentPlan]
    guardians: list[GuardianPlan]
    subjects: list[SubjectSpec]
    courses: list[Course]
    timetable: list[Placement]
    subject_ids: dict[str, int] = field(default_factory=dict)
    school_id: int = 0
    year_id: int = 0
    period_ids: list[int] = field(default_factory=list)  # the quarters, then the year

    @property
    def teachers(self) -> list[StaffPlan]:
        return [s for s in self.staff if s.specialty]
