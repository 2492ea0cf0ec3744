"""Email channel: aiosmtplib over a small pool of reused SMTP connections.

A school-wide broadcast is hundreds of messages; one TCP + TLS + AUTH handshake
per message would be slow and is what relays rate-limit first, so up to
`pool_size` connections are kept open and reused.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Literal

import aiosmtplib

from core.settings import Settings
from notifier.base import OutgoingMessage, SendResult

TlsMode = Literal["starttls", "ssl", "none"]

# RCPT answers that mean the mailbox itself is bad (RFC 5321 §4.2.3): no such
# user (550), not local (551), bad mailbox name (553), bad address syntax (501).
DEAD_ADDRESS_CODES = frozenset({501, 550, 551, 553})

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class EmailConfig:
    """How to reach the relay; the process's settings (ZVONOK_SMTP_*, ZVONOK_MAIL_FROM) fill it."""

    host: str
    port: int
    mail_from: str  # ZVONOK_MAIL_FROM, e.g. "Звонок <noreply@school.example>"
    tls: TlsMode = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls_context: ssl.SSLContext | None = None  # e.g. trusting a private CA
    timeout: float = 15.0
    pool_size: int = 3
    # Seconds to wait after a failure that may pass (relay down, 4xx); None leaves it
    # to the worker's growing backoff (core.delivery.lifecycle.BACKOFF_SECONDS), so an
    # outage of hours is waited out. A fixed wait ran out of attempts in minutes.
    retry_after: float | None = None
    # A connection idle longer than this is probed with NOOP before reuse: relays
    # drop idle clients, and a failure halfway through a send can't tell whether
    # the message went out.
    idle_probe_after: float = 20.0

    @classmethod
    def from_settings(cls, settings: Settings, *, pool_size: int = 3) -> EmailConfig | None:
        """The relay of ZVONOK_SMTP_*, or None when no SMTP host is set."""
        if not settings.smtp_host:
            return None
        password = settings.smtp_password
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            mail_from=settings.mail_from,
            tls=settings.smtp_tls,
            username=settings.smtp_user,
            password=password.get_secret_value() if password else None,
            pool_size=pool_size,
        )


def message_id_for(idempotency_key: str, mail_from: str) -> str:
    """A Message-ID that is the same on every retry of one Delivery."""
    domain = _domain_of(mail_from)
    if _SAFE_ID.match(idempotency_key):
        local = idempotency_key
    else:
        local = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<zvonok.{local}@{domain}>"


def build_email(message: OutgoingMessage, *, mail_from: str) -> EmailMessage:
    """The MIME message: text, plus an HTML alternative when there is one."""
    mail = EmailMessage()  # policy.default: RFC 2047-encodes a Cyrillic Subject
    mail["From"] = mail_from
    mail["To"] = message.address
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(datetime.now(UTC))
    if message.idempotency_key:
        mail["Message-ID"] = message_id_for(message.idempotency_key, mail_from)
    else:
        mail["Message-ID"] = make_msgid(domain=_domain_of(mail_from))
    for name, value in message.headers.items():
        del mail[name]  # the caller's value wins over ours (never two of one header)
        mail[name] = value
    mail.set_content(message.text)
    if message.html is not None:
        mail.add_alternative(message.html, subtype="html")
    return mail


def classify_smtp_error(error: Exception, *, retry_after: float | None) -> SendResult:
    """Map an aiosmtplib/OS failure to retry-later or permanent."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused) and error.recipients:
        refused = error.recipients[0]
        return _classify_code(refused.code, refused.message, retry_after, at_recipient=True)
    if isinstance(error, aiosmtplib.SMTPRecipientRefused):
        return _classify_code(error.code, error.message, retry_after, at_recipient=True)
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return _classify_code(error.code, error.message, retry_after, at_recipient=False)
    if isinstance(error, (OSError, TimeoutError)):
        # Refused, reset, unreachable, timed out, disconnected: the relay may be back soon.
        return SendResult.later(f"smtp unavailable: {error!r}", retry_after)
    return SendResult.failed(f"smtp error: {error!r}")


def _classify_code(
    code: int, text: str, retry_after: float | None, *, at_recipient: bool
) -> SendResult:
    reason = f"smtp {code}: {text}".strip()
    if 400 <= code < 500:
        return SendResult.later(reason, retry_after)
    return SendResult.failed(reason, address_dead=at_recipient and code in DEAD_ADDRESS_CODES)


def _domain_of(mail_from: str) -> str:
    _name, address = parseaddr(mail_from)
    return address.rpartition("@")[2] or "zvonok.local"


class _SmtpPool:
    """Up to `size` connected clients; a broken one is dropped and replaced."""

    def __init__(self, config: EmailConfig) -> None:
        self._config = config
        self._slots = asyncio.Semaphore(config.pool_size)
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []

    @asynccontextmanager
    async def client(self) -> AsyncIterator[aiosmtplib.SMTP]:
        async with self._slots:
            smtp = await self._take()
            healthy = False
            try:
                yield smtp
                healthy = True
            except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused):
                # The relay answered (and aiosmtplib sent RSET): the session is fine.
                healthy = True
                raise
            finally:
                if healthy and smtp.is_connected:
                    self._idle.append((smtp, time.monotonic()))
                else:
                    smtp.close()

    async def _take(self) -> aiosmtplib.SMTP:
        while self._idle:
            smtp, since = self._idle.pop()
            if await self._still_usable(smtp, since):
                return smtp
            smtp.close()
        return await self._connect()

    async def _still_usable(self, smtp: aiosmtplib.SMTP, since: float) -> bool:
        if not smtp.is_connected:
            return False
        if time.monotonic() - since < self._config.idle_probe_after:
            return True
        try:
            await smtp.noop()
        except (aiosmtplib.SMTPException, OSError):
            return False
        return True

    async def _connect(self) -> aiosmtplib.SMTP:
        config = self._config
        smtp = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            timeout=config.timeout,
            use_tls=config.tls == "ssl",
            start_tls=config.tls == "starttls",  # False for "none": no silent upgrade
            tls_context=config.tls_context,
        )
        await smtp.connect()
        try:
            if config.username is not None:
                await smtp.login(config.username, config.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for smtp, _since in idle:
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError):
                smtp.close()


class EmailChannel:
    """notifier.base.Channel for email."""

    name = "email"

    def __init__(self, config: EmailConfig) -> None:
        self._config = config
        self._pool = _SmtpPool(config)

    async def send(self, message: OutgoingMessage) -> SendResult:
        try:
            mail = build_email(message, mail_from=self._config.mail_from)
        except (ValueError, TypeError) as error:  # e.g. a line break inside a header
            return SendResult.failed(f"cannot build the email: {error}")
        try:
            async with self._pool.client() as smtp:
                await smtp.send_message(mail)
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as error:
            return classify_smtp_error(error, retry_after=self._config.retry_after)
        return SendResult.ok(str(mail["Message-ID"]))

    async def close(self) -> None:
        await self._pool.close()
