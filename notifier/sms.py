"""SMS channel over SMS.ru or SMSC.ru, and their status callbacks.

SMS costs money per segment: every SMS goes out through `notifier.sms_budget`, which
takes its segments from the school's daily budget first.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl

from core.settings import Settings
from notifier.base import OutgoingMessage, SendResult
from notifier.http import HttpClient, HttpFailure
from notifier.sms_providers import (
    Backoff,
    Smsc,
    SmsProvider,
    SmsRu,
    StatusUpdate,
    parse_smsc_callback,
    parse_smsru_callback,
)
from notifier.sms_reports import ReportRegistration, register_smsru_reports
from notifier.sms_segments import count_segments

__all__ = [
    "Backoff",
    "ProviderName",
    "SmsChannel",
    "SmsConfig",
    "StatusUpdate",
    "callback_ack",
    "count_segments",
    "normalize_phone",
    "parse_status_callback",
]

log = logging.getLogger("zvonok.notifier.sms")

ProviderName = Literal["smsru", "smsc"]
DEFAULT_BASE_URLS: dict[ProviderName, str] = {"smsru": "https://sms.ru", "smsc": "https://smsc.ru"}
CallbackBody = bytes | str | Mapping[str, str] | Iterable[tuple[str, str]]

_PHONE_FORMATTING = re.compile(r"[\s()\-.]")


@dataclass(frozen=True)
class SmsConfig:
    """Which gateway and how to log in; filled from the process's settings."""

    provider: ProviderName
    api_key: str | None = field(default=None, repr=False)  # SMS.ru api_id / SMSC apikey
    base_url: str | None = None  # the provider's own by default; the emulator in tests
    login: str | None = None  # SMSC: login + password instead of an apikey
    password: str | None = field(default=None, repr=False)
    sender: str | None = None  # an approved sender name, if the account has one
    timeout: float = 10.0
    backoff: Backoff = field(default_factory=Backoff)

    @classmethod
    def from_settings(cls, settings: Settings) -> SmsConfig | None:
        """The gateway of ZVONOK_SMS_*, or None when no provider is set."""
        if not settings.sms_provider:
            return None
        key = settings.sms_api_key
        return cls(
            provider=settings.sms_provider,
            api_key=key.get_secret_value() if key else None,
            base_url=settings.sms_url,
        )


def make_provider(config: SmsConfig) -> SmsProvider:
    base_url = config.base_url or DEFAULT_BASE_URLS[config.provider]
    if config.provider == "smsru":
        if not config.api_key:
            raise ValueError("SMS.ru needs an api_id (api_key)")
        return SmsRu(
            base_url=base_url, api_id=config.api_key, sender=config.sender, backoff=config.backoff
        )
    if config.api_key:
        auth = {"apikey": config.api_key}
    elif config.login and config.password:
        auth = {"login": config.login, "psw": config.password}
    else:
        raise ValueError("SMSC.ru needs an apikey, or a login and password")
    return Smsc(base_url=base_url, auth=auth, sender=config.sender, backoff=config.backoff)


def normalize_phone(address: str) -> str | None:
    """E.164 ("+7 916 123-45-67") to the digits both gateways take; None if not a phone."""
    digits = _PHONE_FORMATTING.sub("", address).removeprefix("+")
    return digits if digits.isdigit() and 10 <= len(digits) <= 15 else None


class SmsChannel:
    """notifier.base.Channel for SMS."""

    name = "sms"

    def __init__(self, config: SmsConfig) -> None:
        self._config = config
        self._provider = make_provider(config)
        self._http = HttpClient(timeout=config.timeout)

    async def send(self, message: OutgoingMessage) -> SendResult:
        phone = normalize_phone(message.address)
        if phone is None:
            return SendResult.failed(f"not a phone number: {message.address!r}", address_dead=True)
        if not message.text.strip():
            return SendResult.failed("empty SMS text")
        try:
            return await self._provider.send(
                self._http, phone=phone, text=message.text, key=message.idempotency_key
            )
        except HttpFailure as error:
            if error.timed_out:
                # The gateway may have accepted the SMS before the answer was lost; a
                # retry can then send it twice, which beats a parent never hearing.
                return SendResult.later(f"{self._provider.name} timeout: {error}", self._retry)
            return SendResult.later(f"{self._provider.name} unreachable: {error}", self._retry)
        except (KeyError, TypeError, ValueError) as error:
            # A 200 answer of a shape the docs don't describe: the SMS may or may
            # not have gone; retrying later is the side that loses nothing.
            return SendResult.later(f"{self._provider.name} odd answer: {error!r}", self._retry)

    @property
    def _retry(self) -> float:
        return self._config.backoff.transient

    async def register_reports(self, url: str) -> ReportRegistration:
        """Have the gateway post its delivery reports to `url` (our hook).

        SMS.ru: added to the account's handlers over its API, once. SMSC.ru has no
        such API: the answer says to set it in the account (outcome "manual")."""
        if self._config.provider != "smsru" or not self._config.api_key:
            return ReportRegistration("manual", url)
        return await register_smsru_reports(
            self._http,
            base_url=self._config.base_url or DEFAULT_BASE_URLS["smsru"],
            api_id=self._config.api_key,
            url=url,
        )

    async def close(self) -> None:
        await self._http.close()


# -- status callbacks -------------------------------------------------------------


def parse_status_callback(provider: ProviderName, body: CallbackBody) -> list[StatusUpdate]:
    """Final delivery reports in a provider's callback request.

    `body` is the raw urlencoded body (or query string), or its decoded pairs.
    Pass pairs, not a dict, when a field may repeat. Non-final statuses (queued,
    passed to the operator) are left out.
    """
    pairs = _form_pairs(body)
    if provider == "smsru":
        return parse_smsru_callback(pairs)
    if provider == "smsc":
        return parse_smsc_callback(pairs)
    raise ValueError(f"unknown SMS provider {provider!r}")


def callback_ack(provider: ProviderName) -> str:
    """What the callback route must answer: SMS.ru re-sends until it reads "100"."""
    return "100" if provider == "smsru" else "OK"


def _form_pairs(body: CallbackBody) -> list[tuple[str, str]]:
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if isinstance(body, str):
        return parse_qsl(body, keep_blank_values=True)
    if isinstance(body, Mapping):
        return [(str(k), str(v)) for k, v in body.items()]
    return [(str(k), str(v)) for k, v in body]
