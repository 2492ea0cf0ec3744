"""Why a notification waits or stopped, why a delivery failed, or a contact point is dead:
codes, not prose.

The pipeline stores a reason's code in `notification.reason`, `delivery.error` and
`contact_status.reason`, and its parameters beside it (`*_params`, JSON): a count of
attempts, a channel, a provider's own error text (kept as the provider wrote it).
`describe` renders one in the reader's language when a class teacher reads it; a
reason from before the codes (migration 0002 could not recognise it) is its text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core import formats
from core.i18n import DEFAULT_LANGUAGE, Texts, texts

CONSENT_WITHDRAWN = "consent_withdrawn"
NOTHING_LEFT = "nothing_left"  # the entry was corrected or deleted before it went out
NO_CHANNEL = "no_channel"
CHANNEL_DROPPED = "channel_dropped"  # the guardian no longer wants this channel
# `channel`: a messenger the school no longer offers (SchoolPolicy.messengers)
MESSENGER_NOT_OFFERED = "messenger_not_offered"
SWITCHED_OFF = "switched_off"
UNDELIVERED = "undelivered"  # every channel failed: `tried` holds each one's reason
GAVE_UP = "gave_up"  # retries exhausted: `attempts`, and the `last` reason
PROVIDER = "provider"  # a channel's own words (`detail`), e.g. "smtp 550: no mailbox"
RECEIPT = "receipt"  # an SMS gateway's report that it could not deliver
SEND_ERROR = "send_error"  # the channel raised (`error`: the exception's type)
CHANNEL_NOT_CONFIGURED = "channel_not_configured"
SMS_BUDGET_SPENT = "sms_budget_spent"
INTERRUPTED = "interrupted"  # a worker died mid-send: the sweeper sends it again
LEGACY = "text"  # a reason written as prose before the codes (`text`)
# Staff messages (core/delivery/staff_lifecycle.py): why one waits or failed.
HOLIDAYS = "holidays"  # `until`: held over the school's holidays, to this ISO date
SPACING = "spacing"  # `until`: a teacher hears at most once an hour, next at this time
STAFF_NO_CHANNEL = "staff_no_channel"  # no linked chat (Telegram, MAX) and no email

# Why an open notification waits (core/delivery/holds.py); times are the school's
# local "HH:MM", a weekly digest's day an ISO date (`on`).
GRACE = "grace"  # `until`: the grace window, a teacher may still correct the entry
QUIET_HOURS = "quiet_hours"  # `until`: the end of the guardian's quiet hours
DIGEST = "digest"  # `at`: the daily digest
WEEKLY_DIGEST = "weekly_digest"  # `on`, `at`: the weekly digest
AWAITS_FIRST = "awaits_first"  # `until`: a correction waits for the message it corrects
HOLD_CODES = frozenset({GRACE, QUIET_HOURS, DIGEST, WEEKLY_DIGEST, AWAITS_FIRST})


@dataclass(frozen=True)
class Reason:
    """A reason's code and its JSON parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, code: str | None, params: Mapping[str, Any] | None) -> Reason | None:
        """The reason stored in a row's columns, or None."""
        return None if code is None else cls(code, dict(params or {}))

    @classmethod
    def provider(cls, detail: str | None) -> Reason | None:
        """A channel's own account of a failure."""
        return None if detail is None else cls(PROVIDER, {"detail": detail})

    def text(self, language: str = DEFAULT_LANGUAGE) -> str:
        return describe(self.code, self.params, language)

    def to_json(self) -> dict[str, Any]:
        """As nested in another reason's parameters (`undelivered`, `gave_up`)."""
        return {"code": self.code, "params": self.params}

    def __str__(self) -> str:
        return self.text()


def describe(code: str, params: Mapping[str, Any] | None, language: str) -> str:
    """The reason in words a class teacher reads, in `language` (staff: ru, en)."""
    t = texts("core", language)
    p = dict(params or {})
    if code == PROVIDER:
        return str(p.get("detail", ""))
    if code == LEGACY:
        return str(p.get("text", ""))
    if code == GAVE_UP:
        return _gave_up(t, p, language)
    if code == UNDELIVERED:
        return _undelivered(t, p, language)
    if code == RECEIPT:
        if p.get("detail"):
            return t._("%(provider)s: %(detail)s", provider=p.get("provider"), detail=p["detail"])
        return t._("%(provider)s: not delivered", provider=p.get("provider"))
    if code == SEND_ERROR:
        return t._("sending failed: %(error)s", error=p.get("error"))
    if code in HOLD_CODES:
        return _held(t, code, p, language)
    if code == HOLIDAYS:
        return t._(
            "school holidays until %(date)s", date=formats.day_month(str(p.get("until")), language)
        )
    if code == SPACING:
        until = formats.time_of_day(dt.time.fromisoformat(str(p.get("until"))), language)
        return t._("at most one reminder an hour: the next at %(time)s", time=until)
    if code == CHANNEL_NOT_CONFIGURED:
        channel = channel_name(t, str(p.get("channel")))
        return t._("the %(channel)s channel is not set up on the server", channel=channel)
    if code == MESSENGER_NOT_OFFERED:
        channel = channel_name(t, str(p.get("channel")))
        return t._("the school no longer uses %(channel)s", channel=channel)
    return _plain(t).get(code, code)


def channel_name(t: Texts, channel: str) -> str:
    names = {
        "telegram": t.pgettext("channel", "Telegram"),
        "max": t.pgettext("channel", "MAX"),
        "email": t.pgettext("channel", "Email"),
        "sms": t.pgettext("channel", "SMS"),
    }
    return names.get(channel, channel)


def _plain(t: Texts) -> dict[str, str]:
    return {
        CONSENT_WITHDRAWN: t._("consent to data processing was withdrawn"),
        NOTHING_LEFT: t._("nothing to tell: the entry was corrected or deleted"),
        NO_CHANNEL: t._("no channel to reach the parent"),
        CHANNEL_DROPPED: t._("the channel is no longer chosen"),
        SWITCHED_OFF: t._("the parent turned such messages off"),
        SMS_BUDGET_SPENT: t._("the school's daily SMS limit is used up"),
        INTERRUPTED: t._("interrupted: the send will be retried"),
        STAFF_NO_CHANNEL: t._("no linked chat in Telegram or MAX and no email address"),
    }


def _held(t: Texts, code: str, p: dict[str, Any], language: str) -> str:
    times = {
        key: formats.time_of_day(dt.time.fromisoformat(str(p[key])), language)
        for key in ("until", "at")
        if key in p
    }
    if code == QUIET_HOURS:
        return t._("quiet hours until %(time)s", time=times.get("until"))
    if code == DIGEST:
        return t._("in the digest at %(time)s", time=times.get("at"))
    if code == WEEKLY_DIGEST:
        day = formats.day_month(str(p.get("on")), language)
        return t._("in the weekly digest on %(date)s at %(time)s", date=day, time=times.get("at"))
    if code == AWAITS_FIRST:
        return t._(
            "until the message it corrects has gone (next look at %(time)s)",
            time=times.get("until"),
        )
    return t._(
        "the grace window until %(time)s: the teacher may still correct the entry",
        time=times.get("until"),
    )


def _nested(value: object, language: str) -> str:
    if isinstance(value, Mapping) and "code" in value:
        return describe(str(value["code"]), value.get("params"), language)
    return str(value or "")


def _gave_up(t: Texts, p: dict[str, Any], language: str) -> str:
    return t.ngettext(
        "failed after %(num)d attempt: %(reason)s",
        "failed after %(num)d attempts: %(reason)s",
        int(p.get("attempts", 0)),
        reason=_nested(p.get("last"), language),
    )


def _undelivered(t: Texts, p: dict[str, Any], language: str) -> str:
    tried = [
        t._(
            "%(channel)s: %(reason)s",
            channel=channel_name(t, str(each.get("channel"))),
            reason=_nested(each.get("reason"), language),
        )
        for each in p.get("tried", [])
        if isinstance(each, Mapping)
    ]
    if not tried:
        return t._("not delivered by any channel")
    return t._("not delivered by any channel (%(reasons)s)", reasons="; ".join(tried))
