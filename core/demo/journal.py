"""The class journal, day by day: lessons, then attendance, marks, homework, remarks.

Lessons are drafted first (their ids come from the database), then the entries
written against them. Every row carries the lesson's teacher (or substitute) as
its author and the time it was entered, in UTC: on the lesson day mostly, later for
checked written work and for what a teacher entered late (core/demo/lateness.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from core.control.rules import MARKED_WORK
from core.demo import absences
from core.demo.calendar import LESSON_MINUTES, TIMEZONE, lesson_start_minutes
from core.demo.course_year import course_years
from core.demo.estimates import Estimates
from core.demo.grading import Grader, PeriodBook
from core.demo.lateness import Lateness
from core.demo.plan import Course, Placement, SchoolPlan, StudentPlan
from core.demo.school import rng_for
from core.demo.texts import homework_text, remark_text
from core.demo.turns import Turns, neglected_pupils
from core.models import AttendanceStatus
from core.policy import SchoolPolicy

Row = dict[str, Any]
HOMEWORK_SHARE = 0.96  # of the lessons of subjects with homework
REMARK_SHARE = 0.006
WRITTEN_WORK_SHARE = 0.1  # of ordinary lessons: a written or practical work for all
WRITTEN_GAPS_SHARE = 0.08  # of written works: a few pupils present not marked


@dataclass(eq=False)
class LessonDraft:
    course: Course
    day: dt.date
    slot: int
    k: int  # the lesson's number in the course's year, from 0
    control: str | None
    author: int  # staff index of who gives the lesson
    substitute: int | None
    roll_call: dt.datetime | None  # when attendance was taken (None: it was not)
    # What the lesson's marks are for (its journal column's work type): the control
    # work, or one of the subject's ordinary kinds (oral answers, homework checked...).
    work_type: str | None = None
    id: int = 0


@dataclass
class JournalRows:
    attendance: list[Row] = field(default_factory=list)
    marks: list[Row] = field(default_factory=list)
    homework: list[Row] = field(default_factory=list)
    remarks: list[Row] = field(default_factory=list)


class Journal:
    """Generates the journal of the school days up to `today`, one batch of lessons at a time.

    Each part draws from its own generator (illness, sick leave, marks...), and
    batches must be asked for in calendar order: who is ill, whose turn it is to
    answer and the period sums all carry over from one day to the next.
    """

    def __init__(self, plan: SchoolPlan, seed: int, today: dt.date) -> None:
        self.plan = plan
        calendar = plan.calendar
        self.today = today
        self.days = [d for d in calendar.school_days if d <= today]
        self.years = course_years(rng_for(seed, "plans"), plan.timetable, calendar.school_days)
        self.by_weekday: dict[int, list[Placement]] = {}
        for p in plan.timetable:
            self.by_weekday.setdefault(p.weekday, []).append(p)
        self.ill = absences.illness_spells(
            rng_for(seed, "illness"),
            [s.index for s in plan.students],
            self.days,
            daily_start=absences.STUDENT_SPELL_START,
            length=(3, 8),
        )
        self.away = absences.illness_spells(
            rng_for(seed, "sick-leave"),
            [t.index for t in plan.teachers],
            self.days,
            daily_start=absences.TEACHER_SPELL_START,
            length=(2, 5),
        )
        self.substitutes = absences.Substitutes(
            rng_for(seed, "substitutes"), plan.teachers, plan.timetable
        )
        self.grader = Grader(rng_for(seed, "marks"))
        self.rng = rng_for(seed, "journal")
        self.work_rng = rng_for(seed, "work-types")
        self.tz = ZoneInfo(TIMEZONE)
        self.weights = SchoolPolicy().work_type_weights
        self.book = PeriodBook()
        self.turns = Turns(
            self.rng,
            calendar,
            self.years,
            neglected_pupils(rng_for(seed, "neglected"), plan.courses),
        )
        self.midnights: dict[dt.date, dt.datetime] = {}
        self.month: dict[tuple[int, int], list[float]] = {}  # (class, month): Σ, n, missed
        self.late = Lateness(rng_for(seed, "lateness"), self.at, today)
        self.estimates = Estimates(rng_for(seed, "estimates"), plan, self.days)

    def at(self, day: dt.date, minutes: float) -> dt.datetime:
        """An instant `minutes` after the school's midnight of `day`, in UTC."""
        midnight = self.midnights.get(day)
        if midnight is None:
            midnight = dt.datetime.combine(day, dt.time(), tzinfo=self.tz).astimezone(dt.UTC)
            self.midnights[day] = midnight
        return midnight + dt.timedelta(seconds=round(minutes * 60))

    def lessons_on(self, day: dt.date) -> list[LessonDraft]:
        drafts = []
        away = self.away.get(day, set())
        for p in self.by_weekday.get(day.weekday(), []):
            year = self.years[p.course.index]
            k = year.ordinal[day, p.slot]
            teacher = p.course.teacher
            substitute = None
            if teacher.index in away:
                substitute = self.substitutes.choose(teacher, day, p.slot, away)
            author = teacher.index if substitute is None else substitute
            control = year.control_at(k)
            roll_call = self.late.roll_call(day, lesson_start_minutes(p.slot))
            drafts.append(
                LessonDraft(
                    p.course,
                    day,
                    p.slot,
                    k,
                    control,
                    author,
                    substitute,
                    roll_call,
                    self._work(p, control),
                )
            )
        return drafts

    def _work(self, placement: Placement, control: str | None) -> str | None:
        """The lesson's work type; None for a course without marks.

        Now and then a written (or practical) work the whole class does and is marked
        for, as `core.control.rules` expects of such a column; otherwise the subject's
        oral kinds (answers, homework checked), where the teacher marks a few."""
        if not placement.course.marked:
            return None
        if control:
            return control
        kinds = placement.course.subject.work_types
        written = [kind for kind in kinds if kind in MARKED_WORK]
        if written and self.work_rng.random() < WRITTEN_WORK_SHARE:
            return self.work_rng.choice(written)
        return self.work_rng.choice([kind for kind in kinds if kind not in MARKED_WORK] or ["oral"])

    def lesson_row(self, draft: LessonDraft) -> Row:
        course, plan = draft.course, self.plan
        start = lesson_start_minutes(draft.slot)
        substitute = draft.substitute
        opened = self.at(draft.day, start + self.rng.uniform(0, 5))
        topic_at = self.late.topic_at(draft.day, opened)
        author = plan.staff[draft.author].id
        return {
            "school_id": plan.school_id,
            "class_id": course.klass.id,
            "group_id": course.group.id if course.group else None,
            "subject_id": plan.subject_ids[course.subject.name],
            "teacher_id": course.teacher.id,
            "date": draft.day,
            "slot": draft.slot,
            "topic": self.years[course.index].topic(draft.k) if topic_at else "",
            "topic_at": topic_at,
            "substitute_id": plan.staff[substitute].id if substitute is not None else None,
            "roll_called_at": draft.roll_call,
            "roll_called_by": author if draft.roll_call else None,
            "work_type": draft.work_type,
            "created_at": opened,
            "created_by": author,
            # A topic written later is a change of the lesson, as the service records it.
            "updated_at": topic_at if topic_at and topic_at > opened else None,
            "updated_by": author if topic_at and topic_at > opened else None,
        }

    def entries(self, drafts: list[LessonDraft]) -> JournalRows:
        """Attendance, marks, homework and remarks of lessons that have their ids."""
        rows = JournalRows()
        for draft in drafts:
            present = self._attendance(draft, rows)
            if draft.course.marked:
                self._marks(draft, present, rows)
            self._homework(draft, rows)
            if present and self.rng.random() < REMARK_SHARE:
                self._remark(draft, self.rng.choice(present), rows)
        return rows

    def _tracked(self, draft: LessonDraft, minutes_into_lesson: float) -> Row:
        start = lesson_start_minutes(draft.slot)
        return {
            "school_id": self.plan.school_id,
            "created_at": self.at(draft.day, start + minutes_into_lesson),
            "created_by": self.plan.staff[draft.author].id,
        }

    def _attendance(self, draft: LessonDraft, rows: JournalRows) -> list[StudentPlan]:
        """Record «н», «б» and «оп» when the roll was called; return who is in the
        lesson (the late ones too)."""
        present = []
        ill = self.ill.get(draft.day, set())
        late_share = absences.LATE_SHARE_FIRST if draft.slot == 1 else absences.LATE_SHARE_OTHER
        for student in draft.course.students:
            status = self._status(student.index in ill, late_share)
            if status is None or status[0] == AttendanceStatus.late:
                present.append(student)
            if status is None:
                continue
            row = self._tracked(draft, self.rng.uniform(2, 8))
            if draft.roll_call is None:
                continue  # nobody took the roll: the absence is not in the journal
            if status[0] != AttendanceStatus.late:
                self._month_stats(draft)[2] += 1
            if row["created_at"] < draft.roll_call:  # taken late, from the paper list
                row["created_at"] = draft.roll_call + dt.timedelta(minutes=self.rng.uniform(0, 5))
            row.update(lesson_id=draft.id, student_id=student.id)
            row.update(status=status[0].value, minutes_late=status[1])
            rows.attendance.append(row)
        return present

    def _status(self, ill: bool, late_share: float) -> tuple[AttendanceStatus, int | None] | None:
        roll = self.rng.random()
        if ill:
            return AttendanceStatus.ill, None
        if roll < absences.ABSENT_SHARE:
            return AttendanceStatus.absent, None
        if roll < absences.ABSENT_SHARE + late_share:
            return AttendanceStatus.late, self.rng.randint(2, 15)
        return None

    def _marks(self, draft: LessonDraft, present: list[StudentPlan], rows: JournalRows) -> None:
        course = draft.course
        quarter = self.plan.calendar.quarter_index(draft.day)
        if quarter is None:
            return
        if draft.work_type in MARKED_WORK:
            chosen = self._written_work(course, present)
        else:
            share = self.rng.uniform(0.01, 0.06) * (2 if course.hours == 1 else 1)
            count = round(len(present) * share)
            chosen = self.turns.choose(course, draft.k, quarter, present, count)
        work = draft.work_type or "oral"  # the column's: its header says what they are
        checked = self.late.marks_day(draft.day, course.klass.grade, work)
        batch = self.late.checked_at(checked) if checked else None
        for student in chosen:
            self.turns.count(course, quarter, student)
            value = self.grader.mark(
                student, course.subject.specialty, control=draft.control is not None
            )
            row = self._tracked(draft, self.rng.uniform(10, LESSON_MINUTES + 150))
            if checked is not None:
                if batch is None:
                    continue  # to be entered after today: not in the journal yet
                row["created_at"] = batch + dt.timedelta(minutes=self.rng.uniform(0, 20))
            weight = self.weights.get(work, 1.0)
            self.book.add(student.index, course.subject.name, quarter, value, weight)
            stats = self._month_stats(draft)
            stats[0] += value
            stats[1] += 1
            row.update(lesson_id=draft.id, student_id=student.id, value=value)
            row.update(work_type=work, weight=weight, comment="", version=1)
            rows.marks.append(row)

    def _written_work(self, course: Course, present: list[StudentPlan]) -> list[StudentPlan]:
        """Everyone present does it; in a few, some pupils' works are not marked (and an
        overlooked pupil's, half the time)."""
        rng = self.late.rng
        kept = [s for s in present if not self.turns.overlooks(course, s) or rng.random() < 0.5]
        if len(kept) < 4 or rng.random() >= WRITTEN_GAPS_SHARE:
            return kept
        gaps = set(rng.sample(range(len(kept)), rng.randint(1, 3)))
        return [s for i, s in enumerate(kept) if i not in gaps]

    def _homework(self, draft: LessonDraft, rows: JournalRows) -> None:
        """Most lessons' homework, with the teacher's estimate of its time when they give
        one; entered in the lesson or soon after, some late; an overload day's in full."""
        year = self.years[draft.course.index]
        kind = year.homework
        klass = draft.course.klass
        if kind is None or klass.grade < 2:  # SanPiN: none in grade 1
            return
        due = year.due(draft.k)
        overload = self.estimates.overloads(klass, due)
        if self.rng.random() >= HOMEWORK_SHARE and not overload:
            return
        row = self._tracked(draft, self.rng.uniform(30, LESSON_MINUTES + 60))
        text = homework_text(self.rng, kind, year.progress(draft.k))
        entered = (
            row["created_at"] if overload else self.late.homework_at(draft.day, row["created_at"])
        )
        if entered is None:
            return  # to be entered after today
        row.update(
            lesson_id=draft.id,
            text=text,
            due_date=due,
            source="journal",
            entered_at=entered,
            created_at=entered,
            minutes=self.estimates.minutes(draft.author, klass, due),
            version=1,
        )
        rows.homework.append(row)

    def _remark(self, draft: LessonDraft, student: StudentPlan, rows: JournalRows) -> None:
        kind = self.rng.choices(("remark", "praise", "appeal"), weights=(55, 40, 5))[0]
        row = self._tracked(draft, self.rng.uniform(LESSON_MINUTES, LESSON_MINUTES + 90))
        row.update(
            lesson_id=draft.id,
            student_id=student.id,
            kind=kind,
            text=remark_text(self.rng, kind),
            send_to_parents=True,
        )
        rows.remarks.append(row)

    def _month_stats(self, draft: LessonDraft) -> list[float]:
        return self.month.setdefault((draft.course.klass.index, draft.day.month), [0, 0, 0])
