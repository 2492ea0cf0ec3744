"""The one small protocol every delivery channel implements.

Channels classify failures; workers decide what to do about them (retry, fall
back to the guardian's next channel, give up and record why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Outcome(StrEnum):
    sent = "sent"
    retry = "retry"  # transient: try again after `retry_after` seconds
    permanent = "permanent"  # this message will never go through this channel


@dataclass(frozen=True)
class OutgoingMessage:
    """A rendered message for one address on one channel."""

    address: str  # Telegram chat id, email address, or phone in E.164
    text: str  # plain text (SMS, email text part, Telegram when `html` is None)
    html: str | None = None  # Telegram HTML / email HTML part
    subject: str = ""  # email only
    # The Delivery row's id: providers that de-duplicate (SMS, Message-ID) get it.
    idempotency_key: str = ""
    # Telegram inline buttons: [(label, callback_data), ...] on one row.
    buttons: tuple[tuple[str, str], ...] = ()
    headers: dict[str, str] = field(default_factory=dict)  # email extras (List-Unsubscribe)
    urgent: bool = False  # an urgent announcement: Telegram may broadcast it paid


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    provider_id: str | None = None
    retry_after: float | None = None
    reason: str | None = None
    # A permanent failure that means the address itself is dead (bot blocked, chat not
    # found, mailbox rejected, invalid number), not just this one message.
    address_dead: bool = False
    parts: int = 1  # Telegram messages or SMS segments used

    @classmethod
    def ok(cls, provider_id: str | None, *, parts: int = 1) -> SendResult:
        return cls(Outcome.sent, provider_id=provider_id, parts=parts)

    @classmethod
    def later(cls, reason: str, retry_after: float | None = None) -> SendResult:
        """Try again: after `retry_after` seconds, or (None) when the worker's backoff says."""
        return cls(Outcome.retry, retry_after=retry_after, reason=reason)

    @classmethod
    def failed(cls, reason: str, *, address_dead: bool = False) -> SendResult:
        return cls(Outcome.permanent, reason=reason, address_dead=address_dead)


class Channel(Protocol):
    """A way to reach a guardian: Telegram, email or SMS."""

    name: str

    async def send(self, message: OutgoingMessage) -> SendResult:
        """Send one message; never raises for delivery failures, classifies them."""
        ...

    async def close(self) -> None:
        """Release connections (SMTP pool, HTTP sessions)."""
        ...
