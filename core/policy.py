"""A school's rules, each configurable (the seeds differ between schools).

Defaults follow the product brief; the comments name the seed each comes from.
The deadline functions are pure: the control dashboard and the journal use them to
tell what is late, they never refuse an entry (a late mark is still a mark).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from core.models import School

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


class SchoolPolicy(BaseModel):
    """Per-school settings of the journal's rules."""

    # Seed 002 §2.6: no marks in grade 1.
    marks_from_grade: int = Field(default=2, ge=1, le=11)
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
    # Delivery settings the school sets for its families (used by the workers).
    grace_window_seconds: int = Field(default=120, ge=0, le=3600)
    quiet_hours_start: time = time(21, 0)
    quiet_hours_end: time = time(7, 30)
    digest_time: time = time(18, 0)
    sms_daily_budget: int = Field(default=500, ge=0)
    invite_ttl_days: int = Field(default=14, ge=1, le=365)


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


def weight_of(policy: SchoolPolicy, work_type: str) -> float:
    return policy.work_type_weights.get(work_type, 1.0)
