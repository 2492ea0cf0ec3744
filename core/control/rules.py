"""What is on time in the journal: the regulations' deadlines as pure functions.

Every regulation in the seeds gives the deputy director the control of the journal
(«контроль за ведением ЭЖ»). The rules here say, for one lesson or one period, what
was due, by when, and whether it came on time, late, or not yet; they read no
database and never refuse an entry (a late mark is still a mark). The reads in
`core.reading.control` gather the facts for a whole school in a fixed number of
queries and apply these rules; the reminders use the same rules to know what is
about to be due.

Deadlines, each configurable in `core.policy.SchoolPolicy`:
- the topic and the roll call: on the lesson's day (seed 002 §2.5.1, §2.5.2; seed 003
  §2.3.1), so by the school's midnight after it;
- homework: minutes after the class's last lesson of the day, or a fixed time (seed
  003 §2.3.2: 1.5 h; seed 001: 1 h; seed 002 §2.5.9: by 17:00);
- each mark: by `mark_deadline` for its work type and the class's grade (seed 002
  §2.5.4: oral 1 day, written 3 days in grades 2–8 and 4 in 9–11, an essay in 9–11
  14 days), by the school's midnight after that day; a lesson held for written work
  (a test, a dictation…) expects a mark for every pupil who was present;
- preliminary period marks: `preliminary_marks_days_before_holidays` before the
  holidays that follow the period (seed 002 §2.5.6); final ones by the period's last
  day.

Nothing is due that never was: grades below `marks_from_grade` and electives kept
for attendance only expect no marks; a lesson handed to a substitute is the
substitute's to fill (seed 002 §2.5.10); lessons exist only on school days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.policy import WRITTEN_KINDS, SchoolPolicy, homework_deadline, mark_deadline

# Work for which every pupil present expects a mark (an oral lesson does not).
MARKED_WORK = WRITTEN_KINDS | {"essay"}


class Kind(StrEnum):
    topic = "topic"
    attendance = "attendance"
    homework = "homework"
    marks = "marks"
    preliminary = "preliminary"
    final = "final"


class State(StrEnum):
    on_time = "on_time"
    late = "late"  # came after its deadline (stays late in the record)
    missing = "missing"  # not there, and its deadline has passed
    upcoming = "upcoming"  # not there yet, still time
    not_owed = "not_owed"  # never due (homework in a subject without it, say)


@dataclass(frozen=True)
class Due:
    """One thing the journal owes: by when it was due, and when it came."""

    due_at: dt.datetime  # an aware instant
    done_at: dt.datetime | None

    def state(self, now: dt.datetime) -> State:
        if self.done_at is not None:
            return State.on_time if self.done_at <= self.due_at else State.late
        return State.missing if now > self.due_at else State.upcoming


@dataclass(frozen=True)
class LessonFacts:
    """What the journal holds about one lesson, as the control reads it."""

    date: dt.date
    grade: int
    elective: bool
    work_type: str | None  # the work the lesson's column is marked for; None: oral
    class_last_lesson_end: dt.time | None  # the class's last bell that day, if known
    topic_at: dt.datetime | None
    roll_called_at: dt.datetime | None  # or the first attendance entry's time
    homework_at: dt.datetime | None  # the first live homework's entry time
    homework_owed: bool = True  # `homework_owed` below: the subject and the grade
    graded: bool = True  # the subject is taught with marks (Subject.graded)


def end_of_day(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The school's midnight after `day`: a thing due "on the day" is late after it."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)


def local(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A wall-clock time of the school as an aware instant."""
    return moment.replace(tzinfo=zone)


def expects_marks(policy: SchoolPolicy, *, grade: int, elective: bool, graded: bool = True) -> bool:
    """Seed 002 §2.6: no marks below `marks_from_grade`; §2.5.7: electives may be kept
    for attendance only; a subject taught without marks (Subject.graded) has none."""
    if not graded or grade < policy.marks_from_grade:
        return False
    return not (elective and policy.electives_attendance_only)


def homework_owed(policy: SchoolPolicy, *, grade: int, subject_has_homework: bool) -> bool:
    """A lesson owes homework when its subject has homework (Subject.homework: not
    physical education or music, say) and its grade is `homework_from_grade` or above."""
    return subject_has_homework and grade >= policy.homework_from_grade


def homework_due(
    policy: SchoolPolicy, zone: ZoneInfo, *, day: dt.date, last_end: dt.time | None
) -> dt.datetime:
    """When homework for a lesson on `day` is due. Without a bell schedule the class's
    last lesson is unknown, and a fixed time or the end of the day stands in."""
    if policy.homework_deadline == "fixed_time" or last_end is not None:
        wall = homework_deadline(policy, lesson_day=day, last_lesson_end=last_end or dt.time(0))
        return local(wall, zone)
    return end_of_day(day, zone)


def mark_due(
    policy: SchoolPolicy, zone: ZoneInfo, *, grade: int, work_type: str, day: dt.date
) -> dt.datetime:
    """When a mark for `work_type` done on `day` is due (the end of its last day)."""
    last = mark_deadline(policy, grade=grade, work_type=work_type, lesson_date=day)
    return end_of_day(last, zone)


def lesson_dues(policy: SchoolPolicy, zone: ZoneInfo, facts: LessonFacts) -> dict[Kind, Due]:
    """The topic, the roll call and the homework a lesson owes, each with its deadline
    (homework only where `facts.homework_owed`).

    Marks are counted per pupil by `marks_due`, not here.
    """
    day_end = end_of_day(facts.date, zone)
    dues = {
        Kind.topic: Due(day_end, facts.topic_at),
        Kind.attendance: Due(day_end, facts.roll_called_at),
    }
    if facts.homework_owed:
        dues[Kind.homework] = Due(
            homework_due(policy, zone, day=facts.date, last_end=facts.class_last_lesson_end),
            facts.homework_at,
        )
    return dues


@dataclass(frozen=True)
class MarksDue:
    """The marks a lesson of written work owes, counted per pupil."""

    due_at: dt.datetime
    expected: int  # pupils present, who each owe a mark
    on_time: int
    late: int  # marks (of present pupils) entered after the deadline
    missing: int  # present pupils without a mark

    def state(self, now: dt.datetime) -> State:
        if self.missing:
            return State.missing if now > self.due_at else State.upcoming
        return State.late if self.late else State.on_time


def marks_due(
    policy: SchoolPolicy,
    zone: ZoneInfo,
    facts: LessonFacts,
    *,
    present: frozenset[int],
    marked: dict[int, dt.datetime],
) -> MarksDue | None:
    """For a lesson of written work: every present pupil owes a mark by the deadline.

    `present`: the pupils of the class (or group) that day who were not absent;
    `marked`: pupil → when their first mark for the lesson was entered. None when the
    lesson expects no marks (oral work, grade 1, an elective kept for attendance).
    """
    if facts.work_type not in MARKED_WORK:
        return None
    if not expects_marks(policy, grade=facts.grade, elective=facts.elective, graded=facts.graded):
        return None
    due = mark_due(policy, zone, grade=facts.grade, work_type=facts.work_type, day=facts.date)
    times = [marked[pupil] for pupil in present if pupil in marked]
    late = sum(1 for at in times if at > due)
    return MarksDue(
        due_at=due,
        expected=len(present),
        on_time=len(times) - late,
        late=late,
        missing=len(present) - len(times),
    )


def preliminary_due(
    policy: SchoolPolicy, zone: ZoneInfo, *, period_ends: dt.date, holidays_start: dt.date | None
) -> dt.datetime:
    """Seed 002 §2.6: preliminary marks N days before the holidays after the period
    (before the period's end when no holidays follow it, the year's last period)."""
    start = holidays_start or period_ends + dt.timedelta(days=1)
    return end_of_day(
        start - dt.timedelta(days=policy.preliminary_marks_days_before_holidays), zone
    )


def final_due(zone: ZoneInfo, *, period_ends: dt.date) -> dt.datetime:
    """Final period marks by the period's last day."""
    return end_of_day(period_ends, zone)


def fill_minimum(policy: SchoolPolicy, *, lessons_a_week: int) -> int:
    """The fewest marks a pupil needs in a subject over a period («наполняемость»):
    `fill_min_marks_light` for one or two lessons a week, `fill_min_marks_heavy` for more."""
    if lessons_a_week <= 2:
        return policy.fill_min_marks_light
    return policy.fill_min_marks_heavy


def fill_minimum_so_far(minimum: int, *, starts: dt.date, ends: dt.date, today: dt.date) -> int:
    """The share of a period's minimum due by `today`: a pupil is behind in a period
    still running when they have fewer marks than its elapsed part asks (rounded down:
    three marks a quarter ask one after a third of it, none in its first days)."""
    if today >= ends:
        return minimum
    if today < starts:
        return 0
    elapsed, length = (today - starts).days + 1, (ends - starts).days + 1
    return minimum * elapsed // length
