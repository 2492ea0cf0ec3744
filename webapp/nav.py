"""The navigation bar: which sections a staff member is offered.

Offering a link is a convenience, not a permission: every page still asks core
(core/permissions.py) through the service it calls. The roles here mirror the rule
each section's service enforces (`has_role` is core's), so nobody is offered a page
that would refuse them. Add a section by adding a `Section` to `SECTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Role, Staff
from core.permissions import has_role


@dataclass(frozen=True)
class Section:
    key: str  # its words are `labels(lang).sections[key]` (webapp/labels.py)
    href: str
    roles: tuple[Role, ...] = ()  # empty: every staff member
    unless: tuple[Role, ...] = ()  # not offered to these (another section serves them)

    def offered_to(self, staff: Staff) -> bool:
        if self.unless and has_role(staff, *self.unless):
            return False
        return not self.roles or has_role(staff, *self.roles)


SECTIONS: tuple[Section, ...] = (
    Section("today", "/today", (Role.teacher,)),
    Section("journal", "/journal", (Role.teacher, Role.deputy, Role.admin)),
    # Teachers plan their tests; every reader of a class opens its schedule from there.
    Section("tests", "/tests", (Role.teacher, Role.deputy, Role.admin)),
    # Class teachers (a teacher named on a class) and the administration: /homeroom
    # lists whichever classes each looks after.
    Section("homeroom", "/homeroom"),
    Section("statement", "/statement", (Role.deputy, Role.admin)),
    # The same page: the school's control for the administration, a teacher's own backlog.
    Section("control", "/control", (Role.deputy, Role.admin)),
    Section("archive", "/archive", (Role.deputy, Role.admin)),
    Section("backlog", "/control", (Role.teacher,), unless=(Role.deputy, Role.admin)),
    Section("admin", "/admin/school", (Role.admin, Role.secretary)),
    Section("roster", "/roster", (Role.admin, Role.secretary)),
    # The administrator and the secretary: every class's consent. Class teachers open
    # their classes' from their class page (a teacher who leads none would be refused).
    Section("consent", "/consent", (Role.admin, Role.secretary)),
    Section("reminders", "/reminders", (Role.teacher, Role.deputy)),
    Section("tokens", "/tokens"),
    Section("password", "/password"),
)


def sections_for(staff: Staff) -> list[Section]:
    return [section for section in SECTIONS if section.offered_to(staff)]


def start_page(staff: Staff) -> str | None:
    """Where "/" sends a staff member: a teacher's day starts with Today."""
    if has_role(staff, Role.teacher):
        return "/today"
    return None
