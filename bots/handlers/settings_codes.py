"""Sending a contact-change code to the new address, by email or SMS, from the bot.

The only message that ever goes to an address before its owner confirmed it (core:
`request_contact_change`). The channels are the notifier's, built from the bot's
settings for this one message; an SMS takes its segments from the school's daily
budget like any other. Written in the parent's language (the update's, `bots.i18n`).
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from redis.asyncio import Redis

from core.models import School
from core.policy import policy_of
from core.services.contact_changes import CODE_TTL, ContactCode
from core.settings import Settings
from notifier.base import Channel, Outcome, OutgoingMessage, SendResult
from notifier.email import EmailChannel, EmailConfig
from notifier.sms import SmsChannel, SmsConfig, release_sms_budget, reserve_sms_budget
from notifier.sms_segments import count_segments

log = logging.getLogger(__name__)

MINUTES = int(CODE_TTL.total_seconds() // 60)


def can_send(settings: Settings, channel: str) -> bool:
    """Is the server set up to send by `channel` ("email" or "sms") at all?"""
    return bool(settings.smtp_host if channel == "email" else settings.sms_provider)


def _channel(settings: Settings, channel: str) -> Channel:
    if channel == "email":
        email = EmailConfig.from_settings(settings, pool_size=1)
        assert email is not None
        return EmailChannel(email)
    sms = SmsConfig.from_settings(settings)
    assert sms is not None
    return SmsChannel(sms)


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


async def _send_sms(
    channel: Channel, message: OutgoingMessage, redis: Redis, school: School
) -> SendResult:
    segments = count_segments(message.text).segments
    day = dt.datetime.now(dt.UTC).astimezone(ZoneInfo(school.timezone)).date()
    budget = policy_of(school).sms_daily_budget
    if not await reserve_sms_budget(redis, school.id or 0, segments, budget, day):
        return SendResult.failed("the school's daily SMS budget is spent")
    result = await channel.send(message)
    if result.outcome is not Outcome.sent:
        await release_sms_budget(redis, school.id or 0, segments, day)
    return result


async def send_code(settings: Settings, redis: Redis, school: School, code: ContactCode) -> bool:
    """Send the code to the new address; False when it could not go out."""
    channel = _channel(settings, code.channel)
    message = _message(code)
    try:
        if code.channel == "sms":
            result = await _send_sms(channel, message, redis, school)
        else:
            result = await channel.send(message)
    finally:
        await channel.close()
    if result.outcome is not Outcome.sent:
        # The reason names the provider's answer, never the address or the code.
        log.warning("contact code by %s not sent: %s", code.channel, result.outcome.value)
    return result.outcome is Outcome.sent
