"""Sending a contact-change code to the new address, by email or SMS, from the bot.

The only message that ever goes to an address before its owner confirmed it (core:
`request_contact_change`). The channels are the notifier's, built once for the bot
process (`notifier.channels`, injected by the Dispatcher); an SMS takes its segments
from the school's daily budget like any other (`notifier.sms_budget`). Written in the
parent's language (the update's, `bots.i18n`).
"""

from __future__ import annotations

import logging

from redis.asyncio import Redis

from bots.i18n import _, ngettext
from core.models import School
from core.services.contact_changes import CODE_TTL, ContactCode
from notifier.base import Outcome, OutgoingMessage
from notifier.channels import Channels
from notifier.sms_budget import BudgetSpent, send_within_budget

log = logging.getLogger(__name__)

MINUTES = int(CODE_TTL.total_seconds() // 60)


def can_send(channels: Channels, channel: str) -> bool:
    """Is the server set up to send by `channel` ("email" or "sms") at all?"""
    return channel in channels


def _letter(code: str) -> str:
    return ngettext(
        "Hello,\n\nyour confirmation code is %(code)s\n\nType it to the Zvonok bot in "
        "Telegram within %(num)d minute. If you did not change your address in the "
        "settings, ignore this message: without the code nothing changes.",
        "Hello,\n\nyour confirmation code is %(code)s\n\nType it to the Zvonok bot in "
        "Telegram within %(num)d minutes. If you did not change your address in the "
        "settings, ignore this message: without the code nothing changes.",
        MINUTES,
    ) % {"code": code, "num": MINUTES}


def _message(code: ContactCode) -> OutgoingMessage:
    key = f"zvonok-contact-{code.change_id}"
    if code.channel == "email":
        return OutgoingMessage(
            address=code.address,
            subject=_("Your confirmation code — Zvonok"),
            text=_letter(code.code),
            idempotency_key=key,
        )
    text = _("Zvonok: your confirmation code is %(code)s. Do not share it.") % {"code": code.code}
    return OutgoingMessage(address=code.address, text=text, idempotency_key=key)


async def send_code(channels: Channels, redis: Redis, school: School, code: ContactCode) -> bool:
    """Send the code to the new address; False when it could not go out. An SMS takes
    its segments from the school's daily budget, given back if it does not go out."""
    channel = channels[code.channel]
    message = _message(code)
    try:
        if code.channel == "sms":
            result = await send_within_budget(redis, channel, message, school)
        else:
            result = await channel.send(message)
    except BudgetSpent:
        log.warning("contact code by SMS not sent: the school's daily budget is spent")
        return False
    except Exception as error:  # a gateway or SMTP failure: the parent is told to retry
        log.warning("contact code by %s not sent: %s", code.channel, type(error).__name__)
        return False
    if result.outcome is not Outcome.sent:
        # The reason names the provider's answer, never the address or the code.
        log.warning("contact code by %s not sent: %s", code.channel, result.outcome.value)
    return result.outcome is Outcome.sent
