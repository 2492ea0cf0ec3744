"""What the SMS gateway emulator remembers: sent SMS, injected failures, callbacks.

Delivery reports go out after `callback_delay` seconds, in each provider's own
callback format, to the URL configured for that provider (on the real services
it is set in the account's settings).
"""

from __future__ import annotations

import asyncio
import math
import time
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import httpx

from notifier.standins.http import tls_context

Provider = Literal["smsru", "smsc"]
Failure = Literal["server_error", "no_money"]

# How the emulator answers about delivery: SMS.ru codes, SMSC (status, err).
SMSRU_DELIVERED, SMSRU_EXPIRED = 103, 104
SMSC_DELIVERED, SMSC_UNDELIVERABLE, SMSC_ERR_OFFLINE = 1, 20, 6
CALLBACK_ATTEMPTS = 3

# The GSM 03.38 default alphabet and its extension table (each extension character
# takes two septets), as 3GPP TS 23.038 lists them: the gateway's own copy.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


def billed_segments(text: str) -> int:
    """Segments as gateways bill them: ceil(units / per-part limit).

    Written independently of notifier.sms_segments' greedy split, with its own
    alphabet table, so tests cross-check our counter against it.
    """
    gsm = all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)
    if gsm:
        units = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
        single, part = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if units <= single else math.ceil(units / part)


@dataclass
class SentSms:
    provider: Provider
    provider_id: str
    phone: str
    text: str
    segments: int
    sender: str | None
    delivered: bool  # what the delivery report will say
    sent_at: float = field(default_factory=time.time)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CallbackAttempt:
    provider: Provider
    url: str
    payload: list[tuple[str, str]]
    status: int | None  # HTTP status, None when the receiver was unreachable
    answer: str


class GatewayState:
    """The emulator's memory and knobs; shared by the routes and in-process tests."""

    def __init__(
        self,
        *,
        smsru_api_id: str,
        smsc_login: str,
        smsc_password: str,
        smsc_apikey: str,
        callback_delay: float = 0.2,
        callback_urls: dict[Provider, str] | None = None,
    ) -> None:
        self.smsru_api_id = smsru_api_id
        self.smsc_login = smsc_login
        self.smsc_password = smsc_password
        self.smsc_apikey = smsc_apikey
        self.callback_delay = callback_delay
        self.callback_urls: dict[Provider, str] = dict(callback_urls or {})
        # SMS.ru's report handlers, registered over its API (/callback/add).
        self.smsru_handlers: list[str] = []
        self.balance = 1000.0
        self.sent: list[SentSms] = []
        self.callbacks: list[CallbackAttempt] = []
        self.failure: Failure | None = None
        self.invalid_phones: set[str] = set()
        self.undelivered_phones: set[str] = set()
        self._next_id = 1
        self._tasks: set[asyncio.Task[None]] = set()
        self._http: httpx.AsyncClient | None = None
        self._callback_arrived = asyncio.Condition()

    def reset(self) -> None:
        self.sent.clear()
        self.callbacks.clear()
        self.failure = None
        self.invalid_phones.clear()
        self.undelivered_phones.clear()

    def is_invalid(self, phone: str) -> bool:
        digits = phone.removeprefix("+")
        return not (digits.isdigit() and 10 <= len(digits) <= 15) or digits in self.invalid_phones

    def record(
        self, provider: Provider, phone: str, text: str, *, sender: str | None, sms_id: str | None
    ) -> SentSms:
        """Keep an accepted SMS and schedule its delivery report."""
        if sms_id is None:
            number, self._next_id = self._next_id, self._next_id + 1
            sms_id = f"000000-{10000000 + number}" if provider == "smsru" else str(number)
        digits = phone.removeprefix("+")
        sms = SentSms(
            provider=provider,
            provider_id=sms_id,
            phone=digits,
            text=text,
            segments=billed_segments(text),
            sender=sender,
            delivered=digits not in self.undelivered_phones,
        )
        self.sent.append(sms)
        self.balance -= sms.segments
        if self._report_urls(provider):
            task = asyncio.create_task(self._report_later(sms))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return sms

    async def wait_for_callbacks(self, count: int, within: float = 5.0) -> list[CallbackAttempt]:
        """The callback attempts once `count` of them were answered 2xx (or time ran out)."""

        def enough() -> bool:
            answered = [c for c in self.callbacks if c.status is not None and c.status < 300]
            return len(answered) >= count

        async with self._callback_arrived:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._callback_arrived.wait_for(enough), within)
        return list(self.callbacks)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.aclose()

    def _report_urls(self, provider: Provider) -> list[str]:
        """Where `provider`'s reports go: the configured URL, and for SMS.ru every
        handler registered over the API."""
        urls = [self.callback_urls[provider]] if provider in self.callback_urls else []
        if provider == "smsru":
            urls += [url for url in self.smsru_handlers if url not in urls]
        return urls

    async def _report_later(self, sms: SentSms) -> None:
        await asyncio.sleep(self.callback_delay)
        payload = smsru_report(sms) if sms.provider == "smsru" else smsc_report(sms)
        await asyncio.gather(
            *(self._deliver_report(sms, url, payload) for url in self._report_urls(sms.provider))
        )

    async def _deliver_report(self, sms: SentSms, url: str, payload: list[tuple[str, str]]) -> None:
        for attempt in range(CALLBACK_ATTEMPTS):
            if await self._post_report(sms.provider, url, payload):
                return
            await asyncio.sleep(self.callback_delay * (attempt + 1))

    async def _post_report(
        self, provider: Provider, url: str, payload: list[tuple[str, str]]
    ) -> bool:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=5.0, verify=tls_context())
        try:
            response = await self._http.post(url, data=dict(payload))
            attempt = CallbackAttempt(provider, url, payload, response.status_code, response.text)
        except httpx.HTTPError as error:
            attempt = CallbackAttempt(provider, url, payload, None, repr(error))
        async with self._callback_arrived:
            self.callbacks.append(attempt)
            self._callback_arrived.notify_all()
        ok = attempt.status is not None and attempt.status < 300
        # SMS.ru keeps re-sending until the handler answers "100".
        return ok and (provider != "smsru" or attempt.answer.strip() == "100")


def smsru_report(sms: SentSms) -> list[tuple[str, str]]:
    code = SMSRU_DELIVERED if sms.delivered else SMSRU_EXPIRED
    entry = "\n".join(["sms_status", sms.provider_id, str(code), str(int(time.time()))])
    return [("data[0]", entry)]


def smsc_report(sms: SentSms) -> list[tuple[str, str]]:
    now = time.time()
    status, err = (SMSC_DELIVERED, 0) if sms.delivered else (SMSC_UNDELIVERABLE, SMSC_ERR_OFFLINE)
    return [
        ("id", sms.provider_id),
        ("phone", sms.phone),
        ("status", str(status)),
        ("time", time.strftime("%d.%m.%Y %H:%M:%S", time.localtime(now))),
        ("ts", str(int(now))),
        ("err", str(err)),
    ]
