"""Request and response models of the journal API (webapp/api/journal.py).

Each response model has `of(...)` to build it from core's read models, so the
handlers stay a parse, one core call and a conversion.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from core import limits
from core.models import Attendance, Homework, Mark, PeriodMark, Remark
from core.models.journal import HOMEWORK_MINUTES_MAX
from core.reading.grid import GridCell, JournalGrid, PageRef
from core.reading.homework_load import DayLoad
from core.reading.journal_pages import JournalPages
from core.reading.lesson_page import LessonPage
from core.reading.views import PeriodRef
from core.services.journal_grid import SavedCell
from webapp.limits import FORM_GUARD, at_most
from webapp.params import Day, Id


class PageOut(BaseModel):
    class_id: int
    class_name: str
    group_id: int | None
    group_name: str | None
    subject_id: int
    subject: str

    @classmethod
    def of(cls, page: PageRef) -> PageOut:
        return cls(
            class_id=page.class_id,
            class_name=page.class_name,
            group_id=page.group_id,
            group_name=page.group_name,
            subject_id=page.subject_id,
            subject=page.subject,
        )


class ClassOut(BaseModel):
    id: int
    name: str


class PagesOut(BaseModel):
    mine: list[PageOut] = Field(description="The pages I teach (and write).")
    classes: list[ClassOut] = Field(description="The classes whose journal I read.")
    chosen: ClassOut | None = Field(description="The class whose pages `readable` lists.")
    readable: list[PageOut] = Field(description="The chosen class's other pages (read only).")

    @classmethod
    def of(cls, pages: JournalPages) -> PagesOut:
        return cls(
            mine=[PageOut.of(p) for p in pages.mine],
            classes=[ClassOut(id=c.class_id, name=c.name) for c in pages.classes],
            chosen=ClassOut(id=pages.chosen.class_id, name=pages.chosen.name)
            if pages.chosen
            else None,
            readable=[PageOut.of(p) for p in pages.readable],
        )


class PeriodOut(BaseModel):
    id: int = Field(description="0: the school year has no periods; the year is used.")
    name: str
    starts_on: dt.date
    ends_on: dt.date

    @classmethod
    def of(cls, period: PeriodRef) -> PeriodOut:
        return cls(
            id=period.period_id,
            name=period.name,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
        )


class ColumnOut(BaseModel):
    lesson_id: int
    date: dt.date
    slot: int
    work_type: str = Field(description="The column's work type: new marks in it get it.")
    topic: str
    writable: bool
    substitute: str | None


class MarkOut(BaseModel):
    id: int
    value: int
    work_type: str
    weight: float


class CellOut(BaseModel):
    lesson_id: int
    member: bool = Field(description="False: the student was not in the class or group then.")
    text: str = Field(description="The cell as typed in the grid: «оп 5 4».")
    marks: list[MarkOut]
    attendance: str | None = Field(description="absent («н»), ill («б»), late («оп») or none.")
    minutes_late: int | None

    @classmethod
    def of(cls, cell: GridCell) -> CellOut:
        return cls(
            lesson_id=cell.lesson_id,
            member=cell.member,
            text=cell.text,
            marks=[
                MarkOut(id=m.mark_id, value=m.value, work_type=m.work_type, weight=m.weight)
                for m in cell.marks
            ],
            attendance=cell.attendance,
            minutes_late=cell.minutes_late,
        )


class RowOut(BaseModel):
    student_id: int
    number: int
    name: str
    cells: list[CellOut] = Field(description="One per column, in the columns' order.")
    average: float | None = Field(description="Weighted by work type, over the period.")
    period_mark: str | None


class GridOut(BaseModel):
    page: PageOut
    period: PeriodOut
    periods: list[PeriodOut]
    columns: list[ColumnOut]
    rows: list[RowOut]
    writable: bool = Field(description="I teach this page.")
    read_only: bool
    marks_allowed: bool = Field(description="False in grade 1 and electives.")

    @classmethod
    def of(cls, grid: JournalGrid) -> GridOut:
        return cls(
            page=PageOut.of(grid.page),
            period=PeriodOut.of(grid.period),
            periods=[PeriodOut.of(p) for p in grid.periods],
            columns=[ColumnOut(**vars(c)) for c in grid.columns],
            rows=[
                RowOut(
                    student_id=row.student_id,
                    number=row.number,
                    name=row.name,
                    cells=[CellOut.of(cell) for cell in row.cells],
                    average=row.average,
                    period_mark=row.period_mark,
                )
                for row in grid.rows
            ],
            writable=grid.writable,
            read_only=grid.read_only,
            marks_allowed=grid.marks_allowed,
        )


class CellIn(BaseModel):
    lesson_id: Id
    student_id: Id
    text: str = Field(max_length=200, description="«5», «5 4», «н», «оп 4»; empty erases.")
    period_id: Id | None = Field(default=None, description="The period of the average.")


class SavedCellOut(CellOut):
    student_id: int
    average: float | None = Field(description="The student's average on the page now.")

    @classmethod
    def saved(cls, student_id: int, result: SavedCell) -> SavedCellOut:
        return cls(
            **CellOut.of(result.cell).model_dump(), student_id=student_id, average=result.average
        )


class PeriodMarkIn(BaseModel):
    period_id: Id
    student_id: Id
    subject_id: Id
    value: str = Field(max_length=20, description="2, 3, 4, 5, «осв» or «н/а».")


class PeriodMarkOut(BaseModel):
    period_id: int
    student_id: int
    subject_id: int
    value: str
    kind: str

    @classmethod
    def of(cls, mark: PeriodMark) -> PeriodMarkOut:
        return cls(
            period_id=mark.period_id,
            student_id=mark.student_id,
            subject_id=mark.subject_id,
            value=mark.value,
            kind=mark.kind,
        )


class PupilOut(BaseModel):
    student_id: int
    name: str
    cell: CellOut


class LessonHomeworkOut(BaseModel):
    id: int
    text: str
    due_date: dt.date | None
    for_students: list[str] = Field(description="Empty: for the whole class or group.")
    minutes: int | None = Field(description="The teacher's estimate of the time it takes.")


class AssignmentOut(BaseModel):
    homework_id: int
    lesson_id: int
    subject: str
    group: str | None
    set_on: dt.date = Field(description="The day of the lesson it was set at.")
    text: str
    minutes: int | None
    individual: bool


class HomeworkLoadOut(BaseModel):
    """A class's homework for a day against SanPiN's limit for its grade."""

    class_id: int
    class_name: str
    grade: int
    day: dt.date = Field(description="The day the homework is for.")
    total: int = Field(description="Minutes: the most loaded pupil's estimated total.")
    limit: int = Field(description="Minutes allowed a day in the grade (the school's policy).")
    over: bool
    pupils_over: int = Field(description="How many pupils get more than the limit.")
    assignments: list[AssignmentOut] = Field(description="What makes up the total.")

    @classmethod
    def of(cls, load: DayLoad) -> HomeworkLoadOut:
        return cls(
            class_id=load.class_id,
            class_name=load.class_name,
            grade=load.grade,
            day=load.day,
            total=load.total,
            limit=load.limit,
            over=load.over,
            pupils_over=load.pupils_over,
            assignments=[
                AssignmentOut(
                    homework_id=a.homework_id,
                    lesson_id=a.lesson_id,
                    subject=a.subject,
                    group=a.group,
                    set_on=a.set_on,
                    text=a.text,
                    minutes=a.minutes,
                    individual=a.individual,
                )
                for a in load.assignments
            ],
        )


class LessonRemarkOut(BaseModel):
    id: int
    student: str
    kind: str
    text: str
    send_to_parents: bool
    author: str


class LessonOut(BaseModel):
    id: int
    page: PageOut
    date: dt.date
    slot: int
    topic: str
    work_type: str
    teacher: str
    substitute: str | None
    substitute_id: int | None
    substitution: str | None = Field(description="«Замена. Фамилия И.О.» when substituted.")
    writable: bool
    marks_allowed: bool
    pupils: list[PupilOut]
    homework: list[LessonHomeworkOut]
    remarks: list[LessonRemarkOut]
    homework_load: HomeworkLoadOut | None = Field(
        description="The class's homework on the day this lesson's homework is for."
    )

    @classmethod
    def of(cls, lesson: LessonPage) -> LessonOut:
        return cls(
            id=lesson.lesson_id,
            page=PageOut.of(lesson.page),
            date=lesson.date,
            slot=lesson.slot,
            topic=lesson.topic,
            work_type=lesson.work_type,
            teacher=lesson.teacher,
            substitute=lesson.substitute,
            substitute_id=lesson.substitute_id,
            substitution=lesson.substitution,
            writable=lesson.writable,
            marks_allowed=lesson.marks_allowed,
            pupils=[
                PupilOut(student_id=p.student_id, name=p.name, cell=CellOut.of(p.cell))
                for p in lesson.pupils
            ],
            homework=[
                LessonHomeworkOut(
                    id=h.homework_id,
                    text=h.text,
                    due_date=h.due_date,
                    for_students=list(h.for_students),
                    minutes=h.minutes,
                )
                for h in lesson.homework
            ],
            remarks=[
                LessonRemarkOut(
                    id=r.remark_id,
                    student=r.student,
                    kind=r.kind,
                    text=r.text,
                    send_to_parents=r.send_to_parents,
                    author=r.author,
                )
                for r in lesson.remarks
            ],
            homework_load=HomeworkLoadOut.of(lesson.homework_load)
            if lesson.homework_load
            else None,
        )


class TopicIn(BaseModel):
    topic: str = Field(max_length=FORM_GUARD, description=at_most(limits.TOPIC))


class WorkTypeIn(BaseModel):
    work_type: str = Field(max_length=20, description="oral, written, test, essay, homework...")


class SubstituteIn(BaseModel):
    substitute_id: Id | None = Field(description="None withdraws the substitution.")


class HomeworkIn(BaseModel):
    text: str = Field(max_length=FORM_GUARD, description=at_most(limits.HOMEWORK))
    due_date: Day | None = None
    student_ids: list[Id] = Field(default_factory=list, description="Empty: the whole class.")
    minutes: int | None = Field(
        default=None,
        description=f"The time it takes, in minutes (1 to {HOMEWORK_MINUTES_MAX}), if estimated.",
    )


class HomeworkOut(BaseModel):
    id: int
    lesson_id: int
    text: str
    due_date: dt.date | None
    minutes: int | None
    day_load: HomeworkLoadOut = Field(
        description="The class's homework on the day this one is for, against the limit."
    )

    @classmethod
    def of(cls, homework: Homework, load: DayLoad) -> HomeworkOut:
        return cls(
            id=homework.id or 0,
            lesson_id=homework.lesson_id,
            text=homework.text,
            due_date=homework.due_date,
            minutes=homework.minutes,
            day_load=HomeworkLoadOut.of(load),
        )


class RemarkIn(BaseModel):
    student_id: Id
    kind: str = Field(max_length=20, description="remark, praise or appeal.")
    text: str = Field(max_length=FORM_GUARD, description=at_most(limits.REMARK))
    send_to_parents: bool = True


class RemarkOut(BaseModel):
    id: int
    lesson_id: int | None
    student_id: int
    kind: str
    text: str
    send_to_parents: bool

    @classmethod
    def of(cls, remark: Remark) -> RemarkOut:
        return cls(
            id=remark.id or 0,
            lesson_id=remark.lesson_id,
            student_id=remark.student_id,
            kind=remark.kind,
            text=remark.text,
            send_to_parents=remark.send_to_parents,
        )


class MarkIn(BaseModel):
    student_id: Id
    value: int = Field(description="2 to 5.")
    work_type: str = Field(default="oral", max_length=20)
    comment: str = Field(
        default="", max_length=FORM_GUARD, description=at_most(limits.MARK_COMMENT)
    )


class MarkChangeIn(BaseModel):
    value: int | None = None
    work_type: str | None = Field(default=None, max_length=20)
    comment: str | None = Field(
        default=None, max_length=FORM_GUARD, description=at_most(limits.MARK_COMMENT)
    )


class MarkRowOut(BaseModel):
    id: int
    lesson_id: int
    student_id: int
    value: int
    work_type: str
    weight: float
    comment: str
    version: int

    @classmethod
    def of(cls, mark: Mark) -> MarkRowOut:
        return cls(
            id=mark.id or 0,
            lesson_id=mark.lesson_id,
            student_id=mark.student_id,
            value=mark.value,
            work_type=mark.work_type,
            weight=mark.weight,
            comment=mark.comment,
            version=mark.version,
        )


class AttendanceIn(BaseModel):
    status: str | None = Field(
        description="absent, ill or late (the journal's letters «н», «б», «оп» too); "
        "none clears the mark."
    )
    minutes_late: int | None = None


class AttendanceOut(BaseModel):
    lesson_id: int
    student_id: int
    status: str | None
    minutes_late: int | None

    @classmethod
    def of(cls, lesson_id: int, student_id: int, row: Attendance | None) -> AttendanceOut:
        return cls(
            lesson_id=lesson_id,
            student_id=student_id,
            status=row.status if row else None,
            minutes_late=row.minutes_late if row else None,
        )
