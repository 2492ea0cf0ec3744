"""Staff errors of the journal: lessons, marks, attendance, homework, notes, the grid.

English message ids; Russian in `core/locale/ru/LC_MESSAGES/core.po`. Parameters are
named as the services raise them (`RuleViolation("bad_mark_value", value=7)`).
"""

from __future__ import annotations

from core.error_texts.base import ErrorTable
from core.i18n import N_, Texts

ERRORS: dict[str, str] = {
    "not_found": N_("Not found: %(what)s."),
    # `Forbidden(reason=...)` and `RuleViolation("bad_value", reason=...)` keep their
    # code (an API's error code) and say why by the reason's own text: "code.reason";
    # "code.other" shows a reason given as text.
    "forbidden": N_("Not allowed."),
    "control_readers_only": N_(
        "The control of the journal is for the deputy director, the administrator and teachers."
    ),
    "control_own_part_only": N_("A teacher sees only their own part of the journal's control."),
    "control_report_overseers_only": N_(
        "The control report is made by the deputy director or the administrator."
    ),
    "control_span_reversed": N_("The span ends (%(end)s) before it starts (%(start)s)."),
    "control_span_too_long": N_("The control reads a span of at most %(days)s days at once."),
    "control_state_needed": N_("Say which entries to list: late or missing (not “%(value)s”)."),
    "forbidden.other": N_("Not allowed: %(reason)s."),
    "forbidden.account_not_found": N_("Not allowed: the account was not found."),
    "forbidden.admin_only": N_("Not allowed: only the school administration can do this."),
    "forbidden.journal_closed": N_("Not allowed: the journal of %(klass)s is not open to you."),
    "account_locked": N_("This account is locked. Please contact the school administrator."),
    "bad_value": N_("Invalid value."),
    "bad_value.other": N_("Invalid value: %(reason)s."),
    "bad_mark_value": N_("Mark “%(value)s” is not allowed: marks are 2 to 5."),
    "bad_period_mark_value": N_(
        "Period mark “%(value)s” is not allowed: use 2, 3, 4, 5, «осв» or «н/а»."
    ),
    "bad_work_type": N_("Unknown work type “%(value)s”."),
    "bad_attendance": N_("Unknown attendance mark “%(value)s”: use «н», «б» or «оп»."),
    "no_marks_in_grade": N_("Grade %(grade)s gets no marks (attendance and notes only)."),
    "elective_attendance_only": N_("“%(group)s” is an elective: attendance only, no marks."),
    "subject_not_graded": N_(
        "“%(subject)s” is taught without marks: no marks are given for it "
        "(the administrator sets this in the school's subjects)."
    ),
    "not_your_lesson": N_(
        "You do not teach %(subject)s in %(klass)s and do not substitute this lesson."
    ),
    "not_your_class": N_("You do not teach %(subject)s in %(klass)s."),
    "student_not_in_lesson": N_("%(student)s is not in %(klass)s on %(date)s."),
    "lesson_on_holiday": N_("%(date)s is %(holiday)s: no lessons."),
    "lesson_outside_year": N_("%(date)s is outside the academic year %(year)s."),
    "lesson_slot_taken": N_("%(klass)s already has %(subject)s on %(date)s, lesson %(slot)s."),
    "lesson_bad_slot": N_("The bell schedule has no lesson %(slot)s."),
    "already_deleted": N_("This entry is already deleted."),
    "empty_text": N_("The text must not be empty."),
    "student_already_left": N_("%(student)s has already left the school."),
    "same_class": N_("%(student)s is already in %(klass)s."),
    "period_closed": N_("Period “%(period)s” does not belong to the class's academic year."),
    "bad_period_mark_kind": N_("Unknown period mark kind “%(value)s”: preliminary or final."),
    "student_no_class": N_("%(student)s is not enrolled in any class on %(date)s."),
    "substitute_not_teacher": N_("%(name)s is not a teacher: only a teacher can substitute."),
    "substitute_locked": N_("%(name)s's account is locked: choose another substitute."),
    "substitute_is_teacher": N_("%(name)s already teaches this lesson: no substitute needed."),
    "bad_minutes_late": N_(
        "Lateness is given in minutes (1 to %(limit)s) and only with the «оп» mark."
    ),
    "homework_due_before_lesson": N_("Due date %(due)s is before the lesson itself (%(date)s)."),
    "bad_homework_minutes": N_(
        "The time homework takes is given in whole minutes, 1 to %(limit)s (not “%(value)s”)."
    ),
    "bad_value.homework_source": N_("Invalid value: homework source “%(value)s”."),
    "bad_value.naive_entry_time": N_("Invalid value: a time of entry without a time zone."),
    "bad_value.yes_or_no": N_("Invalid value: “yes” or “no” is expected."),
    "bad_value.no_students_chosen": N_("Invalid value: no students are chosen."),
    "bad_value.no_student_chosen": N_("Invalid value: no student is chosen."),
    "bad_value.unknown_setting": N_("Invalid value: unknown setting “%(name)s”."),
    "bad_value.weights": N_(
        "Invalid value: the weights of work types are a mapping “type: weight”."
    ),
    "no_next_lesson": N_(
        "Neither the journal nor the timetable has a %(subject)s lesson in %(klass)s "
        "from %(date)s to the end of the school year: put the lesson in the timetable "
        "or record it in the journal first."
    ),
    "bad_remark_kind": N_("Unknown note kind “%(value)s”: remark, praise or appeal to parents."),
    "not_teacher_of_class": N_("You neither teach in %(klass)s nor are its class teacher."),
    "not_class_teacher": N_(
        "Announcements for %(klass)s are posted by its class teacher or the school administration."
    ),
    "school_announcement_forbidden": N_(
        "Only the school administration can post an announcement to the whole school."
    ),
    "empty_title": N_("The title must not be empty."),
    "monthly_needs_class": N_("The monthly message to parents is for a class: choose the class."),
    "journal_not_yours": N_("The journal of “%(subject)s” in %(klass)s is not open to you."),
    "grid_bad_cell": N_(
        "Cannot tell what to record: “%(value)s”. A cell takes marks 2–5 separated by spaces "
        "and «н», «б» or «оп» (n, b, op)."
    ),
    "grid_two_attendance": N_(
        "Cell “%(value)s” has two attendance marks: keep one («н», «б» or «оп»)."
    ),
    "period_mark_not_cleared": N_(
        "A period mark cannot be erased: correct it instead (2, 3, 4, 5, «осв» or «н/а»)."
    ),
    "demo_already_loaded": N_("The demo school «%(name)s» is already in this database."),
}


def things(t: Texts) -> dict[str, str]:
    """What `NotFound(what=...)` names: the codes services pass, as nouns."""
    return {
        "announcement": t.pgettext("not found", "announcement"),
        "assignment": t.pgettext("not found", "teaching assignment"),
        "class": t.pgettext("not found", "class"),
        "export": t.pgettext("not found", "export"),
        "group": t.pgettext("not found", "group"),
        "guardian": t.pgettext("not found", "guardian"),
        "holiday": t.pgettext("not found", "holidays"),
        "homework": t.pgettext("not found", "homework"),
        "invite": t.pgettext("not found", "code"),
        "lesson": t.pgettext("not found", "lesson"),
        "link": t.pgettext("not found", "link"),
        "mark": t.pgettext("not found", "mark"),
        "period": t.pgettext("not found", "period"),
        "roster_import": t.pgettext("not found", "roster upload"),
        "school": t.pgettext("not found", "school"),
        "staff": t.pgettext("not found", "staff member"),
        "student": t.pgettext("not found", "student"),
        "subject": t.pgettext("not found", "subject"),
        "teacher": t.pgettext("not found", "teacher"),
        "test": t.pgettext("not found", "test"),
        "timetable_entry": t.pgettext("not found", "timetable lesson"),
        "token": t.pgettext("not found", "token"),
        "voided_entry": t.pgettext("not found", "voided entry"),
        "year": t.pgettext("not found", "academic year"),
    }


JOURNAL = ErrorTable("core", ERRORS, words={"not_found": {"what": things}})
