"""The body of `PATCH /api/v1/admin/school/policy`: some of the school's rules.

One optional field per `core.policy.SchoolPolicy` field; a field left out (or null)
keeps its value. The types say what each takes; the ranges are core's to check
(`core.services.school_setup.update_policy`), so a refusal names the setting in the
reader's language. Times are written as the API reads them back: «21:00» or «21:00:00».
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Days = Annotated[int, Field(description="Days, 0 or more.")]
ClockTime = Annotated[
    str, Field(examples=["21:00"], description="HH:MM (HH:MM:00 as the API writes it).")
]


class PolicyPatch(BaseModel):
    """Some of the school's rules; every field is optional."""

    model_config = ConfigDict(extra="forbid")

    marks_from_grade: int | None = Field(None, description="No marks below this grade: 1 to 11.")
    homework_from_grade: int | None = Field(
        None, description="Homework is owed from this grade on: 1 to 11."
    )
    electives_attendance_only: bool | None = Field(
        None, description="Electives get attendance only, no marks."
    )
    homework_deadline: Literal["after_last_lesson", "fixed_time"] | None = None
    homework_minutes_after_last_lesson: int | None = Field(
        None, description="Minutes after the class's last lesson, 0 or more."
    )
    homework_fixed_time: ClockTime | None = None
    oral_mark_days: Days | None = None
    written_mark_days_junior: Days | None = Field(None, description="Grades 2–8: days, 0 or more.")
    written_mark_days_senior: Days | None = Field(None, description="Grades 9–11: days, 0 or more.")
    essay_mark_days_senior: Days | None = None
    preliminary_marks_days_before_holidays: Days | None = None
    work_type_weights: dict[str, float] | None = Field(
        None, description="Weight of each work type (oral, written, test...): 0.1 to 10."
    )
    fill_min_marks_light: int | None = Field(
        None, description="Fewest marks a pupil needs per period, 1–2 lessons a week: 0 to 50."
    )
    fill_min_marks_heavy: int | None = Field(
        None, description="Fewest marks a pupil needs per period, more lessons: 0 to 50."
    )
    homework_minutes_grade_1: int | None = Field(None, description="Minutes a day: 0 to 600.")
    homework_minutes_grades_2_3: int | None = Field(None, description="Minutes a day: 0 to 600.")
    homework_minutes_grades_4_5: int | None = Field(None, description="Minutes a day: 0 to 600.")
    homework_minutes_grades_6_8: int | None = Field(None, description="Minutes a day: 0 to 600.")
    homework_minutes_grades_9_11: int | None = Field(None, description="Minutes a day: 0 to 600.")
    tests_per_day_max: int | None = Field(None, description="Tests a day per class: 1 to 10.")
    tests_per_week_max: int | None = Field(None, description="Tests a week per class: 1 to 30.")
    test_limits_refuse: bool | None = Field(
        None, description="Over the limits, refuse the test (true) or warn only (false)."
    )
    reminders_mandatory: bool | None = Field(
        None, description="Teachers cannot switch their reminders off."
    )
    homework_reminder_minutes_before: int | None = Field(
        None, description="Minutes before the homework deadline: 0 to 600."
    )
    mark_reminder_time: ClockTime | None = None
    monthly_message_reminder_day: int | None = Field(
        None, description="Day of the month the class teacher is first reminded: 1 to 28."
    )
    backlog_alert_threshold: int | None = Field(
        None, description="Late or missing items of a teacher that alert the deputy: 1 to 1000."
    )
    grace_window_seconds: int | None = Field(
        None, description="How long a mark may be corrected before families hear: 0 to 3600."
    )
    quiet_hours_start: ClockTime | None = None
    quiet_hours_end: ClockTime | None = None
    digest_time: ClockTime | None = None
    sms_daily_budget: int | None = Field(None, description="SMS a day for the school, 0 or more.")
    invite_ttl_days: int | None = Field(None, description="Days an invite code lasts: 1 to 365.")
    messengers: list[Literal["telegram", "max"]] | None = Field(
        None,
        description=(
            "The messengers the school offers families and staff: telegram, max or both. "
            "Switching one off stops messages through it at once and tells its families "
            "once how to join the other."
        ),
    )
    personal_data_retention_days: int | None = Field(
        None, description="Days after a family left before its personal data is erased: 30 to 3650."
    )
    journal_retention_years: int | None = Field(
        None, description="Years an archived journal book is kept after its year: 1 to 100."
    )
    statement_retention_years: int | None = Field(
        None, description="Years an archived summary statement is kept after its year: 1 to 100."
    )

    def given(self) -> dict[str, object]:
        """The fields the caller set to a value."""
        return self.model_dump(exclude_unset=True, exclude_none=True)
