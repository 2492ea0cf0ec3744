"""Staff errors of the school's set-up: settings, bells, calendar, classes, subjects,
the timetable, and the summary statement."""

from __future__ import annotations

from collections.abc import Mapping

from core.error_texts.base import ErrorTable, Plural, WordTable
from core.i18n import N_, Texts

ERRORS: dict[str, str] = {
    "statement_readers_only": N_(
        "Not allowed: a class's summary statement is read by its class teacher, "
        "the deputy director and the school administrator."
    ),
    "archive_keepers_only": N_(
        "Not allowed: the archive is kept by the school administrator and the deputy director."
    ),
    "bad_export_format": N_("Format “%(value)s” is not supported: use %(allowed)s."),
    "bad_setting": N_("“%(setting)s”: “%(value)s” is not allowed."),
    "setting_time": N_("“%(setting)s”: time “%(value)s” not recognised — write it like 21:00."),
    "setting_choice": N_("“%(setting)s”: “%(value)s” is not allowed, use %(allowed)s."),
    "setting_messengers": N_(
        "“%(setting)s”: choose at least one messenger, Telegram or MAX, for parents' "
        "messages and the bot."
    ),
    "setting_min": N_(
        "“%(setting)s”: a whole number of at least %(min)s is needed, not “%(value)s”."
    ),
    "setting_range": N_(
        "“%(setting)s”: a whole number from %(min)s to %(max)s is needed, not “%(value)s”."
    ),
    "bad_weight": N_("The weight of work type “%(work_type)s” is 0.1 to %(max)s, not “%(value)s”."),
    "bad_timezone": N_("Time zone “%(value)s” not found: use one like Europe/Moscow."),
    "school_name_required": N_("Enter the school's name."),
    "bells_required": N_("The bell schedule needs at least one lesson."),
    "bell_bad_slot": N_("A lesson number is 0 to %(max)s, not “%(slot)s”."),
    "bell_duplicate": N_("Lesson %(slot)s is given twice."),
    "bell_bad_time": N_("Lesson %(slot)s: time “%(value)s” not recognised — write it like 08:30."),
    "bell_order": N_("Lesson %(slot)s: the start %(start)s must be before the end %(end)s."),
    "bell_overlap": N_(
        "Lesson %(slot)s starts at %(start)s, before the previous one ends (%(end)s)."
    ),
    "bad_date_range": N_("The start date %(start)s is after the end date %(end)s."),
    "outside_year": N_(
        "The dates %(start)s–%(end)s are outside the academic year %(year)s "
        "(%(year_start)s–%(year_end)s)."
    ),
    "year_name_required": N_("Enter the academic year's name, e.g. 2027/2028."),
    "year_overlap": N_("Academic year %(name)s overlaps academic year %(other)s."),
    "period_name_required": N_("Enter the period's name, e.g. “Quarter 1”."),
    "bad_period_kind": N_("Period kind “%(value)s” is not allowed: use %(allowed)s."),
    "period_overlap": N_("Period “%(name)s” overlaps period “%(other)s”."),
    "holiday_name_required": N_("Enter the name of the holidays or the day off."),
    "not_a_teacher": N_("%(name)s is not a teacher: only a teacher can be assigned."),
    "bad_grade": N_("A class's grade is 1 to 11, not “%(value)s”."),
    "bad_letter": N_("A class letter is one or two letters, e.g. «А»; not “%(value)s”."),
    "class_exists": N_("Class %(klass)s already exists in the academic year %(year)s."),
    "subject_name_required": N_("Enter the subject's name."),
    "subject_exists": N_("Subject “%(name)s” already exists."),
    "group_not_in_class": N_("Group “%(group)s” is not part of class %(klass)s."),
    "assignment_exists": N_("%(teacher)s already teaches %(subject)s in %(klass)s."),
    "bad_weekday": N_("Day “%(value)s” is not allowed: lessons are Monday to Saturday."),
    "timetable_not_assigned": N_(
        "%(teacher)s does not teach %(subject)s in %(klass)s: assign the teacher first."
    ),
    "timetable_class_busy": N_("%(klass)s already has %(subject)s in lesson %(slot)s that day."),
    "timetable_teacher_busy": N_(
        "%(teacher)s already teaches %(klass)s in lesson %(slot)s that day."
    ),
    "bad_date": N_("Date “%(value)s” not recognised: write it like 23.11.2026."),
    "date_out_of_range": N_(
        "Date %(value)s is out of range: the journal takes dates from %(start)s to %(end)s."
    ),
    "own_admin_role": N_("You cannot drop your own administrator role: another administrator can."),
}


def _bell_in_timetable(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "Lesson %(slot)s is in the timetable %(num)d time: take those lessons out of it first.",
        "Lesson %(slot)s is in the timetable %(num)d times: take those lessons out of it first.",
        n,
        **p,
    )


def _assignment_in_timetable(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "This assignment is in the timetable %(num)d time: take those lessons out of it first.",
        "This assignment is in the timetable %(num)d times: take those lessons out of it first.",
        n,
        **p,
    )


def _period_has_marks(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "Period “%(name)s” already has %(num)d mark: it cannot be deleted.",
        "Period “%(name)s” already has %(num)d marks: it cannot be deleted.",
        n,
        **p,
    )


def _holiday_has_lessons(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "The journal already has %(num)d lesson on %(date)s: no holidays on those days.",
        "The journal already has %(num)d lessons on %(date)s: no holidays on those days.",
        n,
        **p,
    )


def _name_too_long(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "The name is too long: at most %(num)d character.",
        "The name is too long: at most %(num)d characters.",
        n,
        **p,
    )


PLURALS: dict[str, tuple[str, Plural]] = {
    "bell_in_timetable": ("count", _bell_in_timetable),
    "assignment_in_timetable": ("count", _assignment_in_timetable),
    "period_has_marks": ("count", _period_has_marks),
    "holiday_has_lessons": ("count", _holiday_has_lessons),
    "name_too_long": ("max", _name_too_long),
}


def setting_labels(t: Texts) -> dict[str, str]:
    """The school settings (core.policy.SchoolPolicy's fields), as the set-up page names them."""
    return {
        "marks_from_grade": t.pgettext("setting", "Marks are given from grade"),
        "homework_from_grade": t.pgettext("setting", "Homework is given from grade"),
        "electives_attendance_only": t.pgettext("setting", "Electives: attendance only"),
        "homework_deadline": t.pgettext("setting", "Homework deadline"),
        "homework_minutes_after_last_lesson": t.pgettext(
            "setting", "Minutes after the class's last lesson"
        ),
        "homework_fixed_time": t.pgettext("setting", "Homework by the time"),
        "oral_mark_days": t.pgettext("setting", "Oral answers: days to mark"),
        "written_mark_days_junior": t.pgettext("setting", "Written work, grades 2–8: days"),
        "written_mark_days_senior": t.pgettext("setting", "Written work, grades 9–11: days"),
        "essay_mark_days_senior": t.pgettext("setting", "Essays, grades 9–11: days"),
        "preliminary_marks_days_before_holidays": t.pgettext(
            "setting", "Preliminary marks: days before holidays"
        ),
        "work_type_weights": t.pgettext("setting", "Weights of work types"),
        "fill_min_marks_light": t.pgettext(
            "setting", "Fewest marks per period, subject of 1–2 lessons a week"
        ),
        "fill_min_marks_heavy": t.pgettext(
            "setting", "Fewest marks per period, subject of 3 or more lessons a week"
        ),
        "homework_minutes_grade_1": t.pgettext("setting", "Homework a day, grade 1, minutes"),
        "homework_minutes_grades_2_3": t.pgettext("setting", "Homework a day, grades 2–3, minutes"),
        "homework_minutes_grades_4_5": t.pgettext("setting", "Homework a day, grades 4–5, minutes"),
        "homework_minutes_grades_6_8": t.pgettext("setting", "Homework a day, grades 6–8, minutes"),
        "homework_minutes_grades_9_11": t.pgettext(
            "setting", "Homework a day, grades 9–11, minutes"
        ),
        "tests_per_day_max": t.pgettext("setting", "Tests a day per class, at most"),
        "tests_per_week_max": t.pgettext("setting", "Tests a week per class, at most"),
        "test_limits_refuse": t.pgettext("setting", "Refuse a test over the limits"),
        "reminders_mandatory": t.pgettext("setting", "Reminders to teachers are mandatory"),
        "homework_reminder_minutes_before": t.pgettext(
            "setting", "Homework reminder, minutes before the deadline"
        ),
        "mark_reminder_time": t.pgettext("setting", "Mark reminder the evening before, at"),
        "monthly_message_reminder_day": t.pgettext("setting", "Monthly message reminder from day"),
        "backlog_alert_threshold": t.pgettext(
            "setting", "Late items that alert the deputy director"
        ),
        "grace_window_seconds": t.pgettext("setting", "Grace window for a mark, seconds"),
        "quiet_hours_start": t.pgettext("setting", "Quiet hours: start"),
        "quiet_hours_end": t.pgettext("setting", "Quiet hours: end"),
        "digest_time": t.pgettext("setting", "Daily digest time"),
        "sms_daily_budget": t.pgettext("setting", "SMS per day, at most"),
        "invite_ttl_days": t.pgettext("setting", "Invite code valid for, days"),
        "messengers": t.pgettext("setting", "Messengers the school uses"),
        "personal_data_retention_days": t.pgettext(
            "setting", "Erase a departed family's personal data after, days"
        ),
        "journal_retention_years": t.pgettext("setting", "Journal books kept for, years"),
        "statement_retention_years": t.pgettext("setting", "Summary statements kept for, years"),
    }


_SETTING: dict[str, WordTable] = {"setting": setting_labels}
SCHOOL = ErrorTable(
    "core",
    ERRORS,
    plurals=PLURALS,
    words={
        code: _SETTING
        for code in (
            "bad_setting",
            "setting_time",
            "setting_choice",
            "setting_messengers",
            "setting_min",
            "setting_range",
        )
    },
)
