"""Words for the codes the pages show: roles, sections, states, reasons, settings.

Data holds codes (`teacher`, `pending`, `no_consent`); a page shows them in the
viewer's language through these tables, one per kind of code, built once per
language (`labels(lang)`, a template global). Each text is a literal gettext call,
so Babel extracts it into the `web` catalog; a code no table knows shows as itself.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from core.i18n import Texts, texts


class Words(dict[str, str]):
    """code -> words; an unknown code reads as itself rather than failing a page."""

    def __missing__(self, code: str) -> str:
        return code


@dataclass(frozen=True)
class Labels:
    sections: Mapping[str, str]  # the header's navigation (webapp/nav.py)
    roles: Mapping[str, str]
    missing: Mapping[str, str]  # what a lesson still lacks (Today)
    tabs: Mapping[str, str]  # the set-up pages
    period_kinds: Mapping[str, str]
    deadline_options: Mapping[str, str]  # the choices of SchoolPolicy.homework_deadline
    channels: Mapping[str, str]
    unreachable: Mapping[str, str]  # why a parent cannot be reached
    attempts: Mapping[str, str]  # a delivery attempt's status
    states: Mapping[str, str]  # an announcement's per-parent filter
    import_statuses: Mapping[str, str]
    enrol_reasons: Mapping[str, str]
    control_kinds: Mapping[str, str]  # what the control of the journal checks
    lesson_lists: Mapping[str, str]  # the lists behind the dashboard's figures


@functools.cache
def labels(lang: str) -> Labels:
    t = texts("web", lang)
    return Labels(
        sections=Words(
            today=t._("Today"),
            journal=t._("Journal"),
            tests=t.pgettext("section", "Tests"),
            homeroom=t.pgettext("section", "Class teacher"),
            statement=t._("Statement"),
            control=t.pgettext("section", "Journal control"),
            archive=t.pgettext("section", "Archive"),
            backlog=t._("My backlog"),
            admin=t._("School set-up"),
            roster=t.pgettext("section", "Students"),
            consent=t.pgettext("section", "Consent"),
            reminders=t._("Reminders"),
            tokens=t._("API tokens"),
            password=t._("Password"),
        ),
        roles=Words(
            teacher=t._("teacher"),
            deputy=t._("deputy director"),
            admin=t._("administrator"),
            secretary=t._("secretary"),
        ),
        missing=Words(topic=t._("topic"), attendance=t._("attendance"), homework=t._("homework")),
        tabs=Words(
            school=t._("School and bells"),
            calendar=t._("Academic year"),
            classes=t._("Classes"),
            subjects=t._("Subjects"),
            assignments=t._("Assignments"),
            timetable=t._("Timetable"),
            staff=t._("Staff"),
            backups=t._("Backups"),
            closing=t._("Year close"),
        ),
        period_kinds=Words(quarter=t._("quarter"), half=t._("half-year"), year=t._("year")),
        deadline_options=_deadline_options(t),
        channels=Words(telegram=t._("Telegram"), email=t._("email"), sms=t._("SMS")),
        unreachable=Words(
            no_consent=t._("no consent to the processing of personal data"),
            consent_withdrawn=t._("consent withdrawn"),
            switched_off=t._("switched announcements off"),
            no_contact=t._("no Telegram, email or phone"),
            contacts_dead=t._("every contact point is dead"),
            unreachable_then=t._("could not be reached when it was sent"),
        ),
        attempts=Words(
            sent=t._("delivered"),
            failed=t._("failed"),
            pending=t._("waiting"),
            sending=t._("sending"),
            cancelled=t.pgettext("delivery", "cancelled"),
        ),
        states=Words(
            delivered=t._("delivered"),
            pending=t._("on the way"),
            failed=t._("not delivered"),
            unreachable=t.pgettext("parents", "unreachable"),
            acknowledged=t._("acknowledged"),
        ),
        import_statuses=Words(
            uploaded=t._("being checked"),
            checked=t._("checked, awaiting confirmation"),
            imported=t._("imported"),
            cancelled=t.pgettext("import", "cancelled"),
            expired=t._("deleted (expired)"),
        ),
        enrol_reasons=Words(enrolled=t._("enrolled"), transferred=t._("transferred")),
        control_kinds=Words(
            topic=t.pgettext("control", "Topic"),
            attendance=t.pgettext("control", "Roll call"),
            homework=t.pgettext("control", "Homework"),
            marks=t.pgettext("control", "Marks"),
            preliminary=t.pgettext("control", "preliminary"),
            final=t.pgettext("control", "final"),
        ),
        lesson_lists=Words(
            {
                "topic.late": t._("Topic entered late"),
                "topic.missing": t._("Topic missing"),
                "attendance.late": t._("Roll call taken late"),
                "attendance.missing": t._("Roll call missing"),
                "homework.late": t._("Homework entered late"),
                "homework.missing": t._("Homework missing"),
                "marks.late": t._("Marks entered late"),
                "marks.missing": t._("Marks missing"),
                "substituted": t._("Lessons a substitute gave"),
                "substituting": t._("Substitutions"),
                "not_held": t._("Timetabled lessons not held"),
            }
        ),
    )


def _deadline_options(t: Texts) -> Words:
    """The choices of the `homework_deadline` setting (the settings' own names are
    core's: core.services.school_setup.setting_label)."""
    return Words(
        after_last_lesson=t._("N minutes after the last lesson"),
        fixed_time=t._("by a fixed time"),
    )
