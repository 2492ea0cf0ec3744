"""Staff errors about people: accounts and passwords, tokens, guardians, invite codes,
consent, and the class teacher's pages about families."""

from __future__ import annotations

from collections.abc import Mapping

from core.error_texts.base import ErrorTable, Plural
from core.i18n import N_, Texts

ERRORS: dict[str, str] = {
    "bad_credentials": N_("Wrong login or password."),
    "bad_login": N_(
        "Login “%(login)s” is not allowed: 3 to 64 characters, Latin letters, digits and . _ - @."
    ),
    "login_taken": N_("Login “%(login)s” is taken. Choose another one."),
    "bad_role": N_("Unknown role “%(role)s”: use %(allowed)s."),
    "roles_required": N_("Give at least one role: %(allowed)s."),
    "wrong_current_password": N_("The current password is wrong."),
    "login_blocked": N_(
        "Too many failed sign-ins: this login is closed until %(until)s. "
        "If you forgot the password, ask the school administrator."
    ),
    "address_blocked": N_(
        "Too many failed sign-ins from this address: signing in from it is closed until "
        "%(until)s, except in browsers that have signed in here before."
    ),
    "login_blocked_new_devices": N_(
        "Too many failed sign-ins with this login from many addresses: until %(until)s it "
        "signs in only in browsers that have signed in with it before. If you forgot the "
        "password, ask the school administrator."
    ),
    "password_too_common": N_("This password is too common: choose another one."),
    "password_contains_login": N_("The password must not contain the login."),
    "token_already_revoked": N_("Token “%(name)s” is already revoked."),
    "reminders_mandatory": N_(
        "The school has made reminders mandatory: they cannot be switched off, only their times chosen."
    ),
    "bad_reminder_time": N_("Give the time as hours and minutes (18:00), not “%(value)s”."),
    "bad_reminder_minutes": N_(
        "Remind of homework 0 to 600 minutes before its deadline, not %(value)s."
    ),
    "school_required": N_("Say which school the account belongs to."),
    "breach_self": N_(
        "Report a breach of your own account to another administrator or the deputy director."
    ),
    "breach_in_future": N_("The time the breach was reported (%(at)s) has not come yet."),
    "breach_admin_by_deputy": N_(
        "%(staff)s is an administrator: only another administrator may lock the account."
    ),
    "breach_last_admin": N_(
        "%(staff)s is the school's last active administrator: the account cannot be locked, "
        "or nobody could unlock accounts. Make someone else an administrator first."
    ),
    "restore_reason_required": N_(
        "Write why the entries are restored: the reason is kept in the audit log."
    ),
    "restore_nothing_chosen": N_("Choose the voided entries to restore."),
    "already_restored": N_("Voided entry %(id)s was already restored."),
    "restore_changed_since": N_(
        "Voided entry %(id)s cannot be restored: it was changed after the breach voided it."
    ),
    "restore_superseded_mark": N_(
        "Voided entry %(id)s cannot be restored: the pupil was given another mark for that "
        "lesson since. Correct that mark instead if needed."
    ),
    "restore_superseded_homework": N_(
        "Voided entry %(id)s cannot be restored: other homework was set for the lesson "
        "since. Correct that homework instead if needed."
    ),
    "staff_locked": N_("The account of %(staff)s is locked: unlock it first."),
    "staff_not_locked": N_("The account of %(staff)s is not locked."),
    "not_people_manager": N_(
        "Not allowed: this is done by an administrator, the secretary "
        "or the student's class teacher."
    ),
    "not_your_consent": N_(
        "Not allowed: consent is given or withdrawn by the guardian themselves, "
        "or from a paper form by an administrator or the secretary."
    ),
    "last_name_required": N_("Enter the last name."),
    "first_name_required": N_("Enter the first name."),
    "bad_birth_date": N_("Date of birth %(date)s cannot be after the enrolment date %(on)s."),
    "date_outside_year": N_("%(date)s is outside the academic year %(year)s of class %(klass)s."),
    "not_enrolled": N_("%(student)s is not in any class now."),
    "leave_reason_required": N_("Give the reason for leaving."),
    "guardian_phone_taken": N_(
        "Number %(phone)s already belongs to guardian %(guardian)s: link them to the "
        "student instead of adding them again."
    ),
    "guardian_already_linked": N_("%(guardian)s is already a guardian of %(student)s."),
    "invite_target": N_("Choose one: a code for a parent or a code for a staff member."),
    "bad_invite_ttl": N_("A code is valid for 1 to 365 days, not %(days)s."),
    "invite_already_used": N_("The code was already used on %(date)s: nothing to revoke."),
    "bad_consent_source": N_("Consent source “%(source)s” does not fit here: use %(allowed)s."),
    "ack_reader_forbidden": N_(
        "Acknowledgements are seen by the class teacher, the announcement's author "
        "and the school administration."
    ),
    "class_families_forbidden": N_(
        "The parents of %(klass)s are seen by its class teacher, the school administration "
        "and the secretary."
    ),
    "invite_sheet_no_guardians": N_("%(klass)s has no parents to give a code to."),
    "invite_sheet_all_subscribed": N_("Every parent of %(klass)s has already joined the bot."),
    "student_not_in_class": N_("%(student)s is not in %(klass)s."),
    "paper_summary_nobody": N_("No parent in %(klass)s asked for the week's summary on paper."),
    "class_has_no_students": N_("%(klass)s has no students."),
}


def _password_too_short(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "The password is too short: at least %(num)d character.",
        "The password is too short: at least %(num)d characters.",
        n,
        **p,
    )


def _password_too_uniform(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "The password needs at least %(num)d different character.",
        "The password needs at least %(num)d different characters.",
        n,
        **p,
    )


def _token_name_too_long(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "A token name is at most %(num)d character.",
        "A token name is at most %(num)d characters.",
        n,
        **p,
    )


def _breach_too_far_back(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "A breach may void entries at most %(num)d day back: give a time from %(at)s on.",
        "A breach may void entries at most %(num)d days back: give a time from %(at)s on.",
        n,
        **p,
    )


PLURALS: dict[str, tuple[str, Plural]] = {
    "breach_too_far_back": ("days", _breach_too_far_back),
    "password_too_short": ("min", _password_too_short),
    "password_too_uniform": ("min", _password_too_uniform),
    "token_name_too_long": ("max", _token_name_too_long),
}


def roles(t: Texts) -> dict[str, str]:
    """Staff roles (core.models.Role), as a list of choices names them."""
    return {
        "teacher": t.pgettext("role", "teacher"),
        "deputy": t.pgettext("role", "deputy director"),
        "admin": t.pgettext("role", "administrator"),
        "secretary": t.pgettext("role", "secretary"),
    }


PEOPLE = ErrorTable(
    "core",
    ERRORS,
    plurals=PLURALS,
    words={"bad_role": {"allowed": roles}, "roles_required": {"allowed": roles}},
)
