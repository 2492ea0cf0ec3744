"""Facts the core records for families and for delivery: frozen, past tense.

A service records events on the unit of work; the unit of work writes them to the
outbox table in the same transaction as the change (`core.uow`). Each payload is
complete enough for a worker to pick recipients without reading the journal again:
the student (or class, or school), the class's grade, the subject and the values.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class LessonRef(BaseModel):
    """What a family message says about the lesson an entry belongs to."""

    model_config = ConfigDict(frozen=True)

    lesson_id: int
    date: dt.date
    slot: int
    class_id: int
    class_name: str
    grade: int
    group_id: int | None
    subject_id: int
    subject: str
    teacher_id: int


class Event(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: ClassVar[str]
    # Events a family hears about; the others serve delivery's bookkeeping.
    for_families: ClassVar[bool] = True
    # The field naming the journal row the event is about ("mark_id"...): delivery
    # groups events per row to send the final value, or a correction.
    entity_field: ClassVar[str] = ""
    school_id: int

    @property
    def entity(self) -> str:
        """`"mark:17"`: the row this event is about, or "" for bookkeeping events."""
        if not self.entity_field:
            return ""
        return f"{self.entity_field.removesuffix('_id')}:{getattr(self, self.entity_field)}"


class MarkPosted(Event):
    kind = "mark_posted"
    entity_field = "mark_id"
    mark_id: int
    student_id: int
    lesson: LessonRef
    value: int
    work_type: str
    weight: float
    comment: str
    version: int


class MarkChanged(Event):
    kind = "mark_changed"
    entity_field = "mark_id"
    mark_id: int
    student_id: int
    lesson: LessonRef
    old_value: int
    value: int
    work_type: str
    comment: str
    version: int


class MarkDeleted(Event):
    kind = "mark_deleted"
    entity_field = "mark_id"
    mark_id: int
    student_id: int
    lesson: LessonRef
    old_value: int
    version: int


class AttendanceMarked(Event):
    """An absence, illness or lateness recorded, changed or cleared (`status` None)."""

    kind = "attendance_marked"
    entity_field = "attendance_id"
    attendance_id: int
    student_id: int
    lesson: LessonRef
    status: str | None
    old_status: str | None
    # With «оп»: how late, for «опоздал(а) на 10 минут».
    minutes_late: int | None = None


class HomeworkSet(Event):
    kind = "homework_set"
    entity_field = "homework_id"
    homework_id: int
    lesson: LessonRef
    text: str
    due_date: dt.date | None
    # Empty: the whole class (or group); otherwise only these students.
    student_ids: tuple[int, ...]
    source: str
    # A fallback entry's guardians who got the bot's broadcast already: not told again.
    notified_guardian_ids: tuple[int, ...] = ()


class HomeworkChanged(Event):
    kind = "homework_changed"
    entity_field = "homework_id"
    homework_id: int
    lesson: LessonRef
    old_text: str
    text: str
    due_date: dt.date | None
    student_ids: tuple[int, ...]
    deleted: bool = False


class RemarkPosted(Event):
    kind = "remark_posted"
    entity_field = "remark_id"
    remark_id: int
    student_id: int
    class_id: int
    grade: int
    remark_kind: str
    text: str
    author_id: int
    subject: str | None
    lesson_date: dt.date | None


class AnnouncementPosted(Event):
    kind = "announcement_posted"
    entity_field = "announcement_id"
    announcement_id: int
    # None: the whole school.
    class_id: int | None
    class_name: str | None
    title: str
    body: str
    urgent: bool
    monthly: bool
    author_id: int


class PeriodMarkSet(Event):
    kind = "period_mark_set"
    entity_field = "period_mark_id"
    period_mark_id: int
    student_id: int
    class_id: int
    grade: int
    period_id: int
    period: str
    subject_id: int
    subject: str
    value: str
    old_value: str | None
    mark_kind: str


class RosterChanged(Event):
    """A student enrolled, moved or left: the bot's roster snapshot is refreshed."""

    kind = "roster_changed"
    for_families = False
    student_id: int
    change: str  # enrolled | transferred | left
    from_class_id: int | None
    to_class_id: int | None


class ConsentChanged(Event):
    """Consent given or withdrawn: withdrawal must stop queued messages at once."""

    kind = "consent_changed"
    for_families = False
    guardian_id: int
    given: bool


class MessengersChanged(Event):
    """The school changed the messengers it offers (`SchoolPolicy.messengers`). The
    families linked only in one it `dropped` are told once how to join one it still
    offers (`core.delivery.notices`); the fallback's roster is rebuilt."""

    kind = "messengers_changed"
    dropped: tuple[str, ...]
    offered: tuple[str, ...]

    @property
    def entity(self) -> str:
        return f"messengers:{self.school_id}"


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        MarkPosted,
        MarkChanged,
        MarkDeleted,
        AttendanceMarked,
        HomeworkSet,
        HomeworkChanged,
        RemarkPosted,
        AnnouncementPosted,
        PeriodMarkSet,
        RosterChanged,
        ConsentChanged,
        MessengersChanged,
    )
}


def event_from_outbox(kind: str, payload: dict[str, object]) -> Event:
    """Rebuild an event from its outbox row (as a worker does)."""
    return EVENT_TYPES[kind].model_validate(payload)
