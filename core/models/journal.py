"""The journal itself: lessons and everything written against them.

Rows that families hear about are never hard-deleted: they carry who created,
changed and deleted them, and every change is also kept in `AuditEntry` with the
old and new values.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.base import at_least, between, instant_field, one_of, partial_index


class AttendanceStatus(StrEnum):
    """Stored as these codes; the journal's letters are `ATTENDANCE_LETTERS`."""

    absent = "absent"
    ill = "ill"
    late = "late"


# The journal's own letters for attendance, as teachers type them in the grid and as
# paper journals have them: «н» absent, «б» ill, «оп» late.
ATTENDANCE_LETTERS = {
    AttendanceStatus.absent: "н",
    AttendanceStatus.ill: "б",
    AttendanceStatus.late: "оп",
}


class WorkType(StrEnum):
    oral = "oral"
    written = "written"
    test = "test"  # контрольная работа
    essay = "essay"
    homework = "homework"
    practical = "practical"
    dictation = "dictation"
    lab = "lab"


class RemarkKind(StrEnum):
    remark = "remark"  # замечание
    praise = "praise"  # благодарность, достижение
    appeal = "appeal"  # обращение к родителям


class PeriodMarkKind(StrEnum):
    preliminary = "preliminary"
    final = "final"


PERIOD_MARK_VALUES = ("2", "3", "4", "5", "осв", "н/а")
# The longest time a teacher may estimate for one assignment (10 hours).
HOMEWORK_MINUTES_MAX = 600

# "journal": typed in the journal; "fallback": broadcast by the bot while it was down.
HOMEWORK_SOURCES = ("journal", "fallback")


class Tracked(SQLModel):
    """Who wrote a row and when; `deleted_at` marks a soft delete."""

    created_at: datetime = instant_field()
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    updated_at: datetime | None = instant_field(nullable=True)
    updated_by: int | None = Field(default=None, foreign_key="staff.id")
    deleted_at: datetime | None = instant_field(nullable=True)
    deleted_by: int | None = Field(default=None, foreign_key="staff.id")


class Lesson(Tracked, table=True):
    # One live lesson per class and slot of a day, and one per group: parallel groups
    # (language subgroups) share a slot. That a group's lesson and a whole-class lesson
    # of the same class do not overlap is checked by `core.services.lessons`.
    __table_args__ = (
        partial_index(
            "uq_lesson_class_date_slot",
            "class_id",
            "date",
            "slot",
            where="group_id IS NULL AND deleted_at IS NULL",
            unique=True,
        ),
        partial_index(
            "uq_lesson_group_date_slot",
            "group_id",
            "date",
            "slot",
            where="group_id IS NOT NULL AND deleted_at IS NULL",
            unique=True,
        ),
        at_least("slot", 0),
        one_of("work_type", WorkType),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    class_id: int = Field(foreign_key="school_class.id", index=True)
    group_id: int | None = Field(default=None, foreign_key="class_group.id")
    subject_id: int = Field(foreign_key="subject.id", index=True)
    teacher_id: int = Field(foreign_key="staff.id", index=True)
    date: dt.date = Field(index=True)
    slot: int
    topic: str = ""
    # When the topic was first written (seed 002 §2.5.1: on the day of the lesson);
    # an edit keeps it, clearing the topic clears it.
    topic_at: datetime | None = instant_field(nullable=True)
    # Seed 002 §2.5.10: a substitution is recorded when the entry is made.
    substitute_id: int | None = Field(default=None, foreign_key="staff.id")
    # Seed 002 §2.5.2: attendance is taken every lesson. A lesson everyone attended has
    # no attendance rows, so the roll call itself is recorded (who, when).
    roll_called_at: datetime | None = instant_field(nullable=True)
    roll_called_by: int | None = Field(default=None, foreign_key="staff.id")
    # The work the journal grid's column for this lesson is marked for (a WorkType
    # value: a test, a dictation...), as the teacher set it; None: oral answers.
    work_type: str | None = None


class Attendance(Tracked, table=True):
    __table_args__ = (
        UniqueConstraint("lesson_id", "student_id"),
        one_of("status", AttendanceStatus),
        between("minutes_late", 1, 45),  # core.services.attendance.MAX_MINUTES_LATE
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    lesson_id: int = Field(foreign_key="lesson.id", index=True)
    student_id: int = Field(foreign_key="student.id", index=True)
    status: str  # AttendanceStatus value
    minutes_late: int | None = None


class Mark(Tracked, table=True):
    __table_args__ = (
        between("value", 2, 5),  # core.services.marks.MARK_VALUES
        one_of("work_type", WorkType),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    lesson_id: int = Field(foreign_key="lesson.id", index=True)
    student_id: int = Field(foreign_key="student.id", index=True)
    value: int  # 2..5
    work_type: str  # WorkType value
    weight: float = 1.0
    comment: str = ""
    # Bumped on every change: lets delivery tell which value a message carried.
    version: int = 1


class Homework(Tracked, table=True):
    __table_args__ = (
        one_of("source", HOMEWORK_SOURCES),
        between("minutes", 1, HOMEWORK_MINUTES_MAX),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    lesson_id: int = Field(foreign_key="lesson.id", index=True)
    text: str
    due_date: dt.date | None = None
    # "journal" when typed in the journal, "fallback" when it came through the bot
    # broadcast while the journal was down (then `entered_at` is the original time).
    source: str = "journal"
    entered_at: datetime | None = instant_field(nullable=True)
    # The bot's id for a fallback entry: replaying the queue twice writes it once.
    fallback_key: str | None = Field(default=None, unique=True)
    # The teacher's estimate of the time it takes, in minutes (optional): the class's
    # total a day is checked against SanPiN's limits (core.policy.homework_minutes_limit).
    minutes: int | None = None
    version: int = 1


class HomeworkStudent(SQLModel, table=True):
    """Individual homework: when a homework has rows here, it is only for them."""

    __tablename__ = "homework_student"
    __table_args__ = (UniqueConstraint("homework_id", "student_id"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    homework_id: int = Field(foreign_key="homework.id", index=True)
    student_id: int = Field(foreign_key="student.id", index=True)


class Remark(Tracked, table=True):
    __table_args__ = (one_of("kind", RemarkKind),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    lesson_id: int | None = Field(default=None, foreign_key="lesson.id", index=True)
    student_id: int = Field(foreign_key="student.id", index=True)
    kind: str  # RemarkKind value
    text: str
    # Seed 002 §2.5.11: the «отправить сообщение родителям» tick.
    send_to_parents: bool = True


class Announcement(Tracked, table=True):
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    class_id: int | None = Field(default=None, foreign_key="school_class.id", index=True)
    title: str
    body: str
    urgent: bool = False
    monthly: bool = False  # the class teacher's monthly message to parents


class PeriodMark(Tracked, table=True):
    __tablename__ = "period_mark"
    __table_args__ = (
        UniqueConstraint("period_id", "student_id", "subject_id", "kind"),
        one_of("value", PERIOD_MARK_VALUES),
        one_of("kind", PeriodMarkKind),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    student_id: int = Field(foreign_key="student.id", index=True)
    subject_id: int = Field(foreign_key="subject.id")
    class_id: int = Field(foreign_key="school_class.id", index=True)
    value: str  # one of PERIOD_MARK_VALUES
    kind: str = "final"  # PeriodMarkKind value
    version: int = 1


class ScheduledTest(Tracked, table=True):
    """An entry of the test schedule (график контрольных работ)."""

    __tablename__ = "scheduled_test"
    __table_args__ = (one_of("work_type", WorkType),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    class_id: int = Field(foreign_key="school_class.id", index=True)
    group_id: int | None = Field(default=None, foreign_key="class_group.id")
    subject_id: int = Field(foreign_key="subject.id")
    teacher_id: int = Field(foreign_key="staff.id")
    date: dt.date
    work_type: str = "test"
    title: str = ""
