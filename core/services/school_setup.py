"""School settings: name and time zone, the bell schedule, and the journal's rules.

Seed 002 §2.2: the journal's administrator sets the school up before 5 September
(sections, calendar, classes...) and keeps it right through the year. Only an
administrator changes the set-up; the secretary, who reports arrivals and departures
(seed 002 §2.3, seed 004 item 5), may read it. Every change is audited.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import col, func, select

from core.actors import StaffActor
from core.error_texts import setting_labels
from core.errors import RuleViolation
from core.events import MessengersChanged
from core.i18n import texts
from core.limits import check_length
from core.models import Messenger, School, Staff, TimetableEntry, WorkType
from core.permissions import setup_manager
from core.policy import SchoolPolicy, policy_of
from core.reading.school_settings import Bell, SchoolSettings, school_of, settings_of
from core.uow import UnitOfWork, snapshot, transactional
from core.validation import check_visible

MAX_SLOT = 12
MAX_WEIGHT = 10.0
# «8:30», «08.30», and «21:00:00» as the API writes a time (the seconds must be 00).
_TIME = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)(?::00)?")


class BadSetting(RuleViolation):
    """A value a school setting cannot take; the setting is named in the reader's language."""

    key = "bad_setting"


def setting_label(name: str, language: str) -> str:
    """A school setting's name (a SchoolPolicy field) as the set-up page shows it."""
    return setting_labels(texts("core", language)).get(name, name)


def check_timezone(value: str) -> str:
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuleViolation("bad_timezone", value=value) from None
    return name


async def update_school_in(
    uow: UnitOfWork, *, actor: StaffActor, name: str, timezone: str
) -> SchoolSettings:
    """The school's name and time zone (its clock decides "today" and deadlines)."""
    staff = await setup_manager(uow, actor)
    clean = check_visible("school_name", check_length("school_name", " ".join(name.split())))
    if not clean:
        raise RuleViolation("school_name_required")
    zone = check_timezone(timezone)
    school = await school_of(uow, staff)
    await _save(uow, staff, school, name=clean, timezone=zone)
    return settings_of(school)


update_school = transactional(update_school_in)


def parse_time(value: object) -> dt.time | None:
    """«8:30», «08.30», «08:30:00», a `time`: the time; None when it is not one."""
    if isinstance(value, dt.time):
        return value
    found = _TIME.fullmatch(str(value).strip())
    return dt.time(int(found.group(1)), int(found.group(2))) if found else None


async def update_policy_in(
    uow: UnitOfWork, *, actor: StaffActor, values: Mapping[str, object]
) -> SchoolSettings:
    """Change some of the school's rules (`core.policy.SchoolPolicy` fields).

    Each value is checked on its own so the error names the setting; fields not
    given keep their values. A messenger the school stops offering is recorded as
    `MessengersChanged`: the families linked only there are told once how to join the
    one it offers.
    """
    staff = await setup_manager(uow, actor)
    school = await school_of(uow, staff)
    before = policy_of(school)
    data = before.model_dump(mode="json")
    for field, value in values.items():
        data[field] = _checked(field, value)
    policy = SchoolPolicy.model_validate(data)
    await _save(uow, staff, school, policy=policy.model_dump(mode="json"))
    if policy.messengers != before.messengers:
        dropped = tuple(m for m in before.messengers if m not in policy.messengers)
        offered = tuple(policy.messengers)
        uow.record(MessengersChanged(school_id=school.id or 0, dropped=dropped, offered=offered))
    return settings_of(school)


update_policy = transactional(update_policy_in)


def _checked(field: str, value: object) -> Any:
    info = SchoolPolicy.model_fields.get(field)
    if info is None:
        raise RuleViolation("bad_value", reason="unknown_setting", name=field)
    if field == "work_type_weights":
        return _weights(value)
    if field == "messengers":
        return _messengers(value)
    if info.annotation is dt.time:
        parsed = parse_time(value)
        if parsed is None:
            raise BadSetting("setting_time", setting=field, value=value)
        return parsed.isoformat(timespec="minutes")
    if info.annotation is bool:
        if not isinstance(value, bool):
            raise BadSetting("setting_choice", setting=field, value=value, allowed="true, false")
        return value
    choices = get_args(info.annotation)
    if choices:
        if value not in choices:
            allowed = ", ".join(str(c) for c in choices)
            raise BadSetting("setting_choice", setting=field, value=value, allowed=allowed)
        return value
    return _integer(field, value)


def _messengers(value: object) -> list[str]:
    """One or both messengers, each once: a school offers Telegram, MAX or both."""
    known = [m.value for m in Messenger]
    chosen = [value] if isinstance(value, str) else value
    if not isinstance(chosen, list | tuple) or not chosen:
        raise BadSetting("setting_messengers", setting="messengers", value=value)
    for one in chosen:
        if one not in known:
            allowed = ", ".join(known)
            raise BadSetting("setting_choice", setting="messengers", value=one, allowed=allowed)
    return [m for m in known if m in chosen]


def _integer(field: str, value: object) -> int:
    bounds = {"ge": 0, "le": None}
    for rule in SchoolPolicy.model_fields[field].metadata:
        for name in bounds:
            if hasattr(rule, name):
                bounds[name] = getattr(rule, name)
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    low, high = bounds["ge"], bounds["le"]
    if number is None or number < (low or 0) or (high is not None and number > high):
        if high is None:
            raise BadSetting("setting_min", setting=field, value=value, min=low)
        raise BadSetting("setting_range", setting=field, value=value, min=low, max=high)
    return number


def _weights(value: object) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise RuleViolation("bad_value", reason="weights")
    known = set(WorkType.__members__.values())
    weights: dict[str, float] = {}
    for work_type, weight in value.items():
        if work_type not in known:
            raise RuleViolation("bad_work_type", value=work_type)
        try:
            number = float(str(weight).replace(",", "."))
        except ValueError:
            number = -1.0
        if not 0.1 <= number <= MAX_WEIGHT:
            raise RuleViolation("bad_weight", work_type=work_type, value=weight, max=MAX_WEIGHT)
        weights[str(work_type)] = number
    return weights


async def set_bells_in(
    uow: UnitOfWork, *, actor: StaffActor, bells: Sequence[Bell]
) -> SchoolSettings:
    """Replace the bell schedule: lessons numbered, in order, none overlapping.

    A lesson number the timetable still uses cannot be dropped.
    """
    staff = await setup_manager(uow, actor)
    checked = check_bells(bells)
    school = await school_of(uow, staff)
    await _refuse_dropped_slots(uow, school, {bell.slot for bell in checked})
    rows = [{"slot": b.slot, "start": b.start, "end": b.end} for b in checked]
    await _save(uow, staff, school, bells=rows)
    return settings_of(school)


set_bells = transactional(set_bells_in)


def check_bells(bells: Sequence[Bell]) -> list[Bell]:
    """Valid bells in lesson order, with times written «08:30»."""
    if not bells:
        raise RuleViolation("bells_required")
    seen: set[int] = set()
    parsed: list[tuple[int, dt.time, dt.time]] = []
    for bell in bells:
        if isinstance(bell.slot, bool) or not 0 <= bell.slot <= MAX_SLOT:
            raise RuleViolation("bell_bad_slot", slot=bell.slot, max=MAX_SLOT)
        if bell.slot in seen:
            raise RuleViolation("bell_duplicate", slot=bell.slot)
        seen.add(bell.slot)
        start, end = parse_time(bell.start), parse_time(bell.end)
        for text, value in ((bell.start, start), (bell.end, end)):
            if value is None:
                raise RuleViolation("bell_bad_time", slot=bell.slot, value=text)
        assert start is not None and end is not None
        if start >= end:
            raise RuleViolation(
                "bell_order", slot=bell.slot, start=f"{start:%H:%M}", end=f"{end:%H:%M}"
            )
        parsed.append((bell.slot, start, end))
    parsed.sort()
    for (_, _, end), (slot, start, _) in itertools.pairwise(parsed):
        if start < end:
            raise RuleViolation(
                "bell_overlap", slot=slot, start=f"{start:%H:%M}", end=f"{end:%H:%M}"
            )
    return [Bell(slot, f"{start:%H:%M}", f"{end:%H:%M}") for slot, start, end in parsed]


async def _refuse_dropped_slots(uow: UnitOfWork, school: School, kept: set[int]) -> None:
    query = (
        select(TimetableEntry.slot, func.count())
        .where(TimetableEntry.school_id == school.id, col(TimetableEntry.slot).not_in(kept))
        .group_by(col(TimetableEntry.slot))
        .order_by(col(TimetableEntry.slot))
    )
    used = (await uow.session.exec(query)).first()
    if used is not None:
        raise RuleViolation("bell_in_timetable", slot=used[0], count=used[1])


async def _save(uow: UnitOfWork, staff: Staff, school: School, **values: Any) -> None:
    old = snapshot(school)
    for name, value in values.items():
        setattr(school, name, value)
    await uow.save(school, school_id=school.id or 0, action="update", actor_id=staff.id, old=old)
