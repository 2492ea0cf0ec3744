"""Sending a fallback entry straight to the families, while the journal is down.

The bot sends through the notifier's Telegram channel with the shared Redis rate
limiter (as the workers build it), so a broadcast shares Telegram's limits with the
delivery workers and never earns 429s. Each chat the message reaches is recorded on
the entry at once: the replay into the journal does not notify those guardians again,
and everyone else hears of the homework through the normal delivery.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections import defaultdict
from dataclasses import dataclass

from aiogram.utils.i18n import gettext as _
from redis.asyncio import Redis

from bots.i18n import speaking
from core.fallback.queue import FallbackEntry, mark_notified
from core.fallback.snapshot import SnapshotGuardian
from core.settings import Settings
from notifier.base import Outcome, OutgoingMessage
from notifier.ratelimit import RateLimiter, TelegramRates
from notifier.telegram import TelegramChannel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Broadcast:
    """How a broadcast went: families (chats) reached out of those in the snapshot."""

    reached: int
    total: int


def family_text(entry: FallbackEntry, language: str, children: list[str]) -> str:
    """The message for one family, in its language (not the teacher's), naming its
    children there."""
    values = {
        "children": html.escape(", ".join(children)),
        "where": html.escape(entry.group_name or entry.class_name),
        "subject": html.escape(entry.subject),
        "teacher": html.escape(entry.teacher),
        "text": html.escape(entry.text),
    }
    with speaking(language):
        return (
            _(
                "📚 <b>Homework</b> — %(children)s, %(where)s\n"
                "%(subject)s, %(teacher)s:\n\n%(text)s\n\n"
                "<i>The school journal is unavailable right now: the teacher sent this through "
                "the bot. It will be entered in the journal later.</i>"
            )
            % values
        )


def telegram_channel(settings: Settings, redis: Redis) -> TelegramChannel:
    """The notifier's Telegram channel, paced like the workers' (workers/channels.py)."""
    assert settings.telegram_token is not None
    rates = TelegramRates.from_settings(settings)
    return TelegramChannel(
        settings.telegram_token.get_secret_value(),
        limiter=RateLimiter(redis),
        api_url=settings.telegram_api_url,
        rates=rates,
    )


def _by_chat(audience: tuple[SnapshotGuardian, ...]) -> dict[int, list[SnapshotGuardian]]:
    """One message per chat, even when two guardians of the school share one."""
    chats: dict[int, list[SnapshotGuardian]] = defaultdict(list)
    for guardian in audience:
        chats[guardian.chat_id].append(guardian)
    return chats


async def _send_one(
    channel: TelegramChannel,
    redis: Redis,
    entry: FallbackEntry,
    chat_id: int,
    guardians: list[SnapshotGuardian],
) -> bool:
    children = sorted({name for g in guardians for name in g.children})
    message = OutgoingMessage(
        address=str(chat_id),
        text=entry.text,
        html=family_text(entry, guardians[0].language, children),
        idempotency_key=f"zvonok-fallback-{entry.id}-{chat_id}",
    )
    try:
        result = await channel.send(message)
    except Exception as error:  # one family's failure must not stop the others
        log.error("fallback %s: a send raised %s", entry.id, type(error).__name__)
        return False
    if result.outcome is not Outcome.sent:
        # Not marked notified: the journal's delivery tells this family after the replay.
        log.info("fallback %s: a family not reached (%s)", entry.id, result.outcome.value)
        return False
    await mark_notified(redis, entry.id, [g.guardian_id for g in guardians])
    return True


async def send_to_families(
    settings: Settings, redis: Redis, entry: FallbackEntry, audience: tuple[SnapshotGuardian, ...]
) -> Broadcast:
    """Send the entry to every chat of `audience` at once; the rate limiter paces them."""
    chats = _by_chat(audience)
    if not chats:
        return Broadcast(0, 0)
    channel = telegram_channel(settings, redis)
    try:
        sent = await asyncio.gather(
            *(_send_one(channel, redis, entry, chat, group) for chat, group in chats.items())
        )
    finally:
        await channel.close()
    return Broadcast(reached=sum(sent), total=len(chats))
