"""One parent's line of an announcement's status: delivered, pending, failed or
unreachable, with the reasons in the reader's language (core/delivery/reasons.py).

Built by core/reading/announcement_status.py from rows it has read: nothing here
touches the database.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from core.delivery.holds import hold_of
from core.delivery.reasons import (
    CONSENT_WITHDRAWN,
    NO_CHANNEL,
    SWITCHED_OFF,
    channel_name,
    describe,
)
from core.i18n import texts
from core.models import Delivery, Guardian, Notification, School
from core.policy import policy_of
from core.reading.reachability import Contacts, Reach, Unreachable


class ParentState(StrEnum):
    delivered = "delivered"
    pending = "pending"
    failed = "failed"
    unreachable = "unreachable"


@dataclass(frozen=True)
class Attempt:
    """One channel tried for this guardian: its outcome and when."""

    channel: str
    status: str  # pending | sending | sent | failed | cancelled
    error: str | None  # why not sent, in the language asked for
    at: dt.datetime  # sent, else created (UTC)
    error_code: str | None = None  # core.delivery.reasons


@dataclass(frozen=True)
class ParentStatus:
    guardian_id: int
    guardian_name: str
    children: tuple[str, ...]  # full names of their children in the audience
    state: ParentState
    channel: str | None = None  # delivered by
    at: dt.datetime | None = None  # delivered at (UTC)
    due_at: dt.datetime | None = None  # pending: when it is to go (digest, quiet hours, retry)
    # Failed: why; pending: the last retry's error; in the language asked for.
    reason: str | None = None
    reason_code: str | None = None  # core.delivery.reasons
    # Pending, not yet tried: why it waits («тихие часы до 07:30», «в дайджест в 18:00»).
    held: str | None = None
    held_code: str | None = None  # core.delivery.reasons, a hold code
    unreachable: Unreachable | None = None
    dead: tuple[str, ...] = ()  # "Telegram: Forbidden: bot was blocked" per dead contact
    attempts: tuple[Attempt, ...] = ()
    acknowledged_at: dt.datetime | None = None  # «Ознакомлен» (UTC)


def line_of(
    guardian: Guardian,
    children: tuple[str, ...],
    note: Notification | None,
    deliveries: dict[int, list[Delivery]],
    contacts: Contacts,
    *,
    planned: bool,
    acknowledged_at: dt.datetime | None,
    language: str,
    school: School,
) -> ParentStatus:
    base = ParentStatus(
        guardian_id=guardian.id or 0,
        guardian_name=guardian.full_name,
        children=children,
        state=ParentState.pending,
        acknowledged_at=acknowledged_at,
    )
    reach = contacts.reach(guardian)
    t = texts("core", language)
    dead = tuple(
        t._(
            "%(channel)s: %(reason)s",
            channel=channel_name(t, d.channel),
            reason=d.reason.text(language),
        )
        for d in reach.dead
    )
    if note is None:
        return _without_notification(base, reach, dead, planned=planned)
    tried = deliveries.get(note.id or 0, [])
    attempts = tuple(
        Attempt(
            d.channel,
            d.status,
            _text(d.error, d.error_params, language),
            d.sent_at or d.created_at,
            d.error,
        )
        for d in tried
    )
    hold = hold_of(
        note,
        settings=contacts.settings.get(guardian.id or 0),
        policy=policy_of(school),
        timezone=school.timezone,
    )
    held = replace(
        base,
        held=hold.text(language) if hold else None,
        held_code=hold.code if hold else None,
    )
    return _with_notification(held, note, tried, reach, dead, attempts, language)


def _without_notification(
    base: ParentStatus, reach: Reach, dead: tuple[str, ...], *, planned: bool
) -> ParentStatus:
    """Nothing is planned for this guardian: not yet, or they could not be reached."""
    if reach.unreachable is not None:
        return _replace(base, ParentState.unreachable, unreachable=reach.unreachable, dead=dead)
    if not planned:
        return base  # the workers have not planned the announcement yet
    # Reachable now but not when the announcement was sent out (subscribed since).
    return _replace(base, ParentState.unreachable, unreachable=Unreachable.then, dead=dead)


def _with_notification(
    base: ParentStatus,
    note: Notification,
    tried: list[Delivery],
    reach: Reach,
    dead: tuple[str, ...],
    attempts: tuple[Attempt, ...],
    language: str,
) -> ParentStatus:
    if note.status == "sent":
        sent = next((d for d in tried if d.status == "sent"), None)
        return _replace(
            base,
            ParentState.delivered,
            channel=sent.channel if sent else None,
            at=(sent.delivered_at or sent.sent_at) if sent else note.closed_at,
            attempts=attempts,
        )
    if note.status in ("open", "sending"):
        retrying = next((d for d in tried if d.status == "pending"), None)
        due = note.due_at if note.status == "open" else None
        if retrying is not None:
            due = retrying.next_attempt_at
        code, params = (retrying.error, retrying.error_params) if retrying else (None, None)
        reason = _text(code, params, language)
        return _replace(
            base,
            ParentState.pending,
            due_at=due,
            reason=reason,
            reason_code=code,
            attempts=attempts,
        )
    why = _unreachable_reason(note.reason, reach)
    if why is not None:
        return _replace(
            base, ParentState.unreachable, unreachable=why, dead=dead, attempts=attempts
        )
    reason = _text(note.reason, note.reason_params, language)
    return _replace(
        base,
        ParentState.failed,
        reason=reason,
        reason_code=note.reason,
        dead=dead,
        attempts=attempts,
    )


def _text(code: str | None, params: dict[str, Any] | None, language: str) -> str | None:
    return None if code is None else describe(code, params, language)


def _unreachable_reason(reason: str | None, reach: Reach) -> Unreachable | None:
    """A closed notification that never had a channel to try is "unreachable"."""
    if reason == CONSENT_WITHDRAWN:
        return Unreachable.consent_withdrawn
    if reason == SWITCHED_OFF:
        return Unreachable.switched_off
    if reason == NO_CHANNEL:
        return reach.unreachable or Unreachable.contacts_dead
    return None


def _replace(base: ParentStatus, state: ParentState, **values: Any) -> ParentStatus:
    return replace(base, state=state, **values)


def count_states(lines: list[ParentStatus]) -> dict[str, int]:
    counts = Counter(line.state.value for line in lines)
    result = {state.value: counts.get(state.value, 0) for state in ParentState}
    result["acknowledged"] = sum(1 for line in lines if line.acknowledged_at is not None)
    result["total"] = len(lines)
    return result
