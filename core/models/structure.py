"""Classes, groups, subjects, teaching assignments and the timetable."""

from __future__ import annotations

from datetime import date

from sqlalchemy import UniqueConstraint, true
from sqlmodel import Field, SQLModel

from core.models.base import at_least, between, one_of

GROUP_KINDS = ("subgroup", "elective")


class SchoolClass(SQLModel, table=True):
    """A class such as «7Б» in one academic year."""

    __tablename__ = "school_class"
    __table_args__ = (
        UniqueConstraint("school_id", "year_id", "grade", "letter"),
        between("grade", 1, 11),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    year_id: int = Field(foreign_key="academic_year.id", index=True)
    grade: int  # 1..11
    letter: str  # «А», «Б», ...
    class_teacher_id: int | None = Field(default=None, foreign_key="staff.id")

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"


class Group(SQLModel, table=True):
    """A part of a class taught separately: a language subgroup or an elective."""

    __tablename__ = "class_group"
    __table_args__ = (one_of("kind", GROUP_KINDS),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    class_id: int = Field(foreign_key="school_class.id", index=True)
    name: str
    kind: str = "subgroup"  # subgroup | elective


class GroupMembership(SQLModel, table=True):
    __tablename__ = "group_membership"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    group_id: int = Field(foreign_key="class_group.id", index=True)
    student_id: int = Field(foreign_key="student.id", index=True)
    since: date
    until: date | None = None  # last day in the group, inclusive


class Subject(SQLModel, table=True):
    """A subject the school teaches, and what its lessons owe the journal.

    Not every subject owes homework (physical education, music, art: none is set
    by custom) or marks («безотметочное обучение»: ОРКСЭ in grade 4, some electives);
    so the journal's control can expect only what a subject owes.
    """

    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    name: str
    short_name: str = ""
    # Its lessons owe homework (a teacher may still give some when False).
    homework: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    # Its lessons get marks; False: taught without marks, a mark is refused.
    graded: bool = Field(default=True, sa_column_kwargs={"server_default": true()})


class TeachingAssignment(SQLModel, table=True):
    """Teacher × class (or a group of it) × subject: what a teacher may write."""

    __tablename__ = "teaching_assignment"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    teacher_id: int = Field(foreign_key="staff.id", index=True)
    class_id: int = Field(foreign_key="school_class.id", index=True)
    group_id: int | None = Field(default=None, foreign_key="class_group.id")
    subject_id: int = Field(foreign_key="subject.id")


class TimetableEntry(SQLModel, table=True):
    __tablename__ = "timetable_entry"
    __table_args__ = (between("weekday", 0, 6), at_least("slot", 0))

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    class_id: int = Field(foreign_key="school_class.id", index=True)
    group_id: int | None = Field(default=None, foreign_key="class_group.id")
    subject_id: int = Field(foreign_key="subject.id")
    teacher_id: int = Field(foreign_key="staff.id")
    weekday: int  # 0 = Monday
    slot: int  # bell number
    room: str = ""
