"""A school's settings as the set-up page shows them: name, time zone, bells and the
journal's rules (`core.policy.SchoolPolicy`). The changes are
`core.services.school_setup`.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.actors import StaffActor
from core.models import School, Staff
from core.permissions import setup_reader
from core.policy import SchoolPolicy, policy_of
from core.uow import UnitOfWork


@dataclass(frozen=True)
class Bell:
    slot: int
    start: str  # «08:30»
    end: str


@dataclass(frozen=True)
class SchoolSettings:
    school_id: int
    name: str
    timezone: str
    bells: tuple[Bell, ...]
    policy: SchoolPolicy


def settings_of(school: School) -> SchoolSettings:
    bells = tuple(
        Bell(int(b["slot"]), str(b.get("start", "")), str(b.get("end", "")))
        for b in sorted(school.bells, key=lambda b: int(b.get("slot", 0)))
        if "slot" in b
    )
    return SchoolSettings(school.id or 0, school.name, school.timezone, bells, policy_of(school))


async def school_of(uow: UnitOfWork, staff: Staff) -> School:
    school = await uow.session.get(School, staff.school_id)
    assert school is not None  # staff.school_id is a foreign key
    return school


async def read_settings(uow: UnitOfWork, *, actor: StaffActor) -> SchoolSettings:
    """The school's name, time zone, bells and rules (administrators and the secretary)."""
    async with uow:
        staff = await setup_reader(uow, actor)
        return settings_of(await school_of(uow, staff))
