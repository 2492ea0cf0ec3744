"""A school's rules, each configurable (the seeds differ between schools).

Defaults follow the product brief; the comments name the seed each comes from.
The deadline functions are pure: the control dashboard and the journal use them to
tell what is late, they never refuse an entry (a late mark is still a mark).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from core.models import Messenger, School

DEFAULT_WEIGHTS: dict[str, float] = {
    "oral": 1.0,
    "homework": 1.0,
    "practical": 1.0,
    "dictation": 1.5,
    "lab": 1.5,
    "written": 1.5,
    "essay": 2.0,
    "test": 2.0,
}


MessengerCode = Literal["telegram", "max"]  # core.models.Messenger's values


def _telegram_only() -> list[MessengerCode]:
    return ["telegram"]


class SchoolPolicy(BaseModel):
    """Per-school settings of the journal's rules."""

    # Seed 002 §2.6: no marks in grade 1.
    marks_from_grade: int = Field(default=2, ge=1, le=11)
    # Homework is owed from this grade on: grade 1 was taught without homework (SanPiN
    # 2.4.2.2821-10 §10.10, the rule most schools keep); SanPiN 1.2.3685-21 allows up to
    # an hour, and a school that gives it in grade 1 sets 1.
    homework_from_grade: int = Field(default=2, ge=1, le=11)
    # Seed 002 §2.5.7: electives get attendance (absence, lateness) only.
    electives_attendance_only: bool = True
    # Seed 003 §2.3.2: homework within 1.5 h after the class's last lesson;
    # seed 002 §2.5.9: "by 17:00" instead.
    homework_deadline: Literal["after_last_lesson", "fixed_time"] = "after_last_lesson"
    homework_minutes_after_last_lesson: int = Field(default=90, ge=0)
    homework_fixed_time: time = time(17, 0)
    # Seed 002 §2.5.4; seed 003 §2.3.3 sets 7 days for everything written.
    oral_mark_days: int = Field(default=1, ge=0)
    written_mark_days_junior: int = Field(default=3, ge=0)  # grades 2-8
    written_mark_days_senior: int = Field(default=4, ge=0)  # grades 9-11
    essay_mark_days_senior: int = Field(default=14, ge=0)
    # Seed 002 §2.5.6: preliminary period marks at least 10 days before the holidays.
    preliminary_marks_days_before_holidays: int = Field(default=10, ge=0)
    work_type_weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # Journal control («наполняемость», seed 002 §2.5.5 and seed 001 §3: enough marks
    # per period to grade fairly): the fewest marks per pupil, subject and period, for a
    # subject of one or two lessons a week and for one of more.
    fill_min_marks_light: int = Field(default=3, ge=0, le=50)
    fill_min_marks_heavy: int = Field(default=5, ge=0, le=50)
    # Homework volume a day, in minutes, by grade: SanPiN 1.2.3685-21, table 6.6.
    homework_minutes_grade_1: int = Field(default=60, ge=0, le=600)
    homework_minutes_grades_2_3: int = Field(default=90, ge=0, le=600)
    homework_minutes_grades_4_5: int = Field(default=120, ge=0, le=600)
    homework_minutes_grades_6_8: int = Field(default=150, ge=0, le=600)
    homework_minutes_grades_9_11: int = Field(default=210, ge=0, le=600)
    # The test schedule (seed 002 §2.5.3: made in September): at most this many tests a
    # day and a week per class; over it, planning is refused or only warned about.
    tests_per_day_max: int = Field(default=1, ge=1, le=10)
    tests_per_week_max: int = Field(default=3, ge=1, le=30)
    test_limits_refuse: bool = False
    # Reminders to staff (issue 10): before a deadline and once when it has passed.
    reminders_mandatory: bool = False  # teachers cannot switch them off
    homework_reminder_minutes_before: int = Field(default=30, ge=0, le=600)
    mark_reminder_time: time = time(18, 0)  # the evening before a mark is due
    # Seed 004: the class teacher writes to the parents at least once a month;
    # reminded from this day of the month until it is sent.
    monthly_message_reminder_day: int = Field(default=20, ge=1, le=28)
    # The deputy hears when a teacher has this many late or missing items.
    backlog_alert_threshold: int = Field(default=10, ge=1, le=1000)
    # Delivery settings the school sets for its families (used by the workers).
    grace_window_seconds: int = Field(default=120, ge=0, le=3600)
    quiet_hours_start: time = time(21, 0)
    quiet_hours_end: time = time(7, 30)
    digest_time: time = time(18, 0)
    sms_daily_budget: int = Field(default=500, ge=0)
    invite_ttl_days: int = Field(default=14, ge=1, le=365)
    # Issue 12: the messengers the school offers, Telegram, MAX or both (149-FZ art. 10
    # part 8: a public school may not pass pupils' data through a foreign messenger).
    # Delivery skips one not offered at once, and the bot answers nothing about the
    # school there; an invite code works in each one offered. Telegram for a school
    # that never chose (every school before MAX came).
    messengers: list[MessengerCode] = Field(default_factory=_telegram_only, min_length=1)
    # Issue 11: the personal data of a family who left (contacts, chats, settings,
    # messages) is erased this many days after their children's last enrolment ended.
    personal_data_retention_days: int = Field(default=365, ge=30, le=3650)
    # Seed 002 §3.4: the class journals are kept 5 years, the summary statements 25
    # years after the academic year's end (core.archive: each document's keep_until).
    journal_retention_years: int = Field(default=5, ge=1, le=100)
    statement_retention_years: int = Field(default=25, ge=1, le=100)

    @field_validator("messengers")
    @classmethod
    def _each_once_in_order(cls, value: list[str]) -> list[str]:
        return [m.value for m in Messenger if m.value in value]


WRITTEN_KINDS = frozenset({"written", "test", "dictation", "lab", "practical"})


def policy_of(school: School) -> SchoolPolicy:
    return SchoolPolicy.model_validate(school.policy or {})


def mark_deadline(policy: SchoolPolicy, *, grade: int, work_type: str, lesson_date: date) -> date:
    """The last day a mark for work done on `lesson_date` is on time."""
    if work_type == "essay" and grade >= 9:
        days = policy.essay_mark_days_senior
    elif work_type in WRITTEN_KINDS or work_type == "essay":
        days = policy.written_mark_days_senior if grade >= 9 else policy.written_mark_days_junior
    else:
        days = policy.oral_mark_days
    return lesson_date + timedelta(days=days)


def homework_deadline(policy: SchoolPolicy, *, lesson_day: date, last_lesson_end: time) -> datetime:
    """The local wall-clock time by which homework for a day's lesson is on time."""
    if policy.homework_deadline == "fixed_time":
        return datetime.combine(lesson_day, policy.homework_fixed_time)
    end = datetime.combine(lesson_day, last_lesson_end)
    return end + timedelta(minutes=policy.homework_minutes_after_last_lesson)


def homework_minutes_limit(policy: SchoolPolicy, grade: int) -> int:
    """The most homework a day for a grade, in minutes (SanPiN 1.2.3685-21, table 6.6)."""
    if grade <= 1:
        return policy.homework_minutes_grade_1
    if grade <= 3:
        return policy.homework_minutes_grades_2_3
    if grade <= 5:
        return policy.homework_minutes_grades_4_5
    if grade <= 8:
        return policy.homework_minutes_grades_6_8
    return policy.homework_minutes_grades_9_11


def weight_of(policy: SchoolPolicy, work_type: str) -> float:
    return policy.work_type_weights.get(work_type, 1.0)
