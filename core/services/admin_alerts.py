"""Telling a school's administrators that something needs them (issue 11).

The nightly audit-chain check failed, the newest good backup is too old, a retention
purge ran: the part that finds out calls `alert_admins_in` in its own transaction.
An alert is a staff message (`StaffMessageKind.alert`) to every active administrator,
sent by the staff pipeline (`workers/staff.py`: the linked Telegram chat, else email;
held in quiet hours, not on holidays) and written in the reader's language at send
time by `notifier/staff_render.py` (`alert.html`). Each alert goes once per `key`: a
reminder record `alert:<key>` per administrator, whose unique constraint is the guard,
so a nightly check that fails every night says so once per night's key.

The data stores codes and parameters, never prose. The codes and their parameters:

- `audit_chain_broken`: `school` (its name), `seq` (the first bad entry's number, or
  None for a row with no entry), `what` (`changed`, `removed`, `inserted`,
  `rows_disagree`, or any `core.audit.findings.Problem` value: `relinked`, `head`,
  `anchor`, `row_changed`, `row_unrecorded`, `row_missing`), `count` (problems found);
- `backup_stale`: `destination` (its name), `age_hours` (the newest good backup's age,
  whole hours), `last_good_at` (ISO 8601 with a zone, or None: none ever);
- `retention_purged`: `counts` (what was removed → how many: `contacts`,
  `chat_links`, `deliveries`, `message_texts`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlmodel import col, select

from core.models import Role, Staff, StaffMessage, StaffMessageKind, StaffReminder
from core.permissions import has_role
from core.uow import UnitOfWork, transactional

ALERT_PARAMS: Mapping[str, frozenset[str]] = {
    "audit_chain_broken": frozenset({"school", "seq", "what", "count"}),
    "backup_stale": frozenset({"destination", "age_hours", "last_good_at"}),
    "retention_purged": frozenset({"counts"}),
}
# What the first problem found was: core.audit.findings.Problem's values, and the
# shorter "inserted" and "rows_disagree".
CHAIN_PROBLEMS = (
    "changed",
    "removed",
    "inserted",
    "relinked",
    "head",
    "anchor",
    "rows_disagree",
    "row_changed",
    "row_unrecorded",
    "row_missing",
)
RETENTION_COUNTS = ("contacts", "chat_links", "deliveries", "message_texts")
ALERT_STAGE = "note"
_ITEM_MAX = 80  # StaffReminder.item


def check_alert(code: str, params: Mapping[str, Any], key: str) -> None:
    """Refuse an alert the renderer could not write (a caller's mistake: ValueError)."""
    wanted = ALERT_PARAMS.get(code)
    if wanted is None:
        raise ValueError(f"unknown alert code {code!r}; known: {sorted(ALERT_PARAMS)}")
    if set(params) != wanted:
        raise ValueError(
            f"alert {code!r} takes the parameters {sorted(wanted)}, not {sorted(params)}"
        )
    if not key or len(f"alert:{key}") > _ITEM_MAX:
        raise ValueError(f"an alert key is 1 to {_ITEM_MAX - 6} characters: {key!r}")
    json.dumps(dict(params))  # stored as JSON: TypeError for anything else
    if code == "audit_chain_broken" and params["what"] not in CHAIN_PROBLEMS:
        raise ValueError(f"what is one of {CHAIN_PROBLEMS}, not {params['what']!r}")
    last_good = params.get("last_good_at") if code == "backup_stale" else None
    if last_good is not None and dt.datetime.fromisoformat(str(last_good)).tzinfo is None:
        raise ValueError("last_good_at needs a time zone")
    if code == "retention_purged" and not set(params["counts"]) <= set(RETENTION_COUNTS):
        raise ValueError(f"counts are of {RETENTION_COUNTS}, not {sorted(params['counts'])}")


async def alert_admins_in(
    uow: UnitOfWork, *, school_id: int, code: str, params: dict[str, Any], key: str
) -> int:
    """Plan the alert `code` with `params` for every active administrator of the school,
    once per `key` (e.g. "audit_failed:2026-12-06"), in the caller's transaction; the
    number of administrators newly alerted (0: all were already, or there are none).
    See the module's docstring for the codes and their parameters."""
    check_alert(code, params, key)
    now, item = uow.now(), f"alert:{key}"
    staff = (await uow.session.exec(select(Staff).where(Staff.school_id == school_id))).all()
    admins = [s.id or 0 for s in staff if s.locked_at is None and has_role(s, Role.admin)]
    known = await uow.session.exec(
        select(StaffReminder.staff_id).where(
            StaffReminder.school_id == school_id,
            StaffReminder.item == item,
            StaffReminder.stage == ALERT_STAGE,
        )
    )
    fresh = sorted(set(admins) - set(known.all()))
    alert = {"code": code, "params": params, "key": key}
    for staff_id in fresh:
        message = await _open_alert(uow, school_id, staff_id, now)
        # A new list, not an appended one: the JSON column sees a new value.
        message.params = {"alerts": [*message.params.get("alerts", []), alert]}
        uow.session.add(message)
        await uow.session.flush()
        uow.session.add(
            StaffReminder(
                school_id=school_id,
                staff_id=staff_id,
                item=item,
                stage=ALERT_STAGE,
                message_id=message.id,
                created_at=now,
            )
        )
    await uow.session.flush()
    return len(fresh)


alert_admins = transactional(alert_admins_in)


async def _open_alert(
    uow: UnitOfWork, school_id: int, staff_id: int, now: dt.datetime
) -> StaffMessage:
    """The administrator's open alert message (alerts not yet gone join it), or a new one."""
    query = select(StaffMessage).where(
        StaffMessage.staff_id == staff_id,
        StaffMessage.kind == StaffMessageKind.alert.value,
        StaffMessage.status == "open",
    )
    found = (await uow.session.exec(query.order_by(col(StaffMessage.id)))).first()
    return found or StaffMessage(
        school_id=school_id,
        staff_id=staff_id,
        kind=StaffMessageKind.alert.value,
        due_at=now,
        params={"alerts": []},
        created_at=now,
    )
