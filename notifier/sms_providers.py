"""SMS.ru and SMSC.ru as their HTTP APIs document them: sending and status callbacks.

SMS.ru: POST /sms/send (api_id, to, msg, json=1) answers
    {"status": "OK", "status_code": 100, "balance": 4122.56,
     "sms": {"79255070602": {"status": "OK", "status_code": 100, "sms_id": "000000-10000000"}}}
or a per-number {"status": "ERROR", "status_code": 202, "status_text": ...}, or a
request-level ERROR (200 bad api_id, 201 no money, ...). Its status callback POSTs
`data[N]` fields, each "sms_status\\n<sms_id>\\n<status_code>\\n<unix time>", and
wants "100" back.

SMSC.ru: /sys/send.php (login+psw or apikey, phones, mes, fmt=3, charset=utf-8,
id) answers {"id": N, "cnt": K} or {"error": ..., "error_code": N}; its status
handler gets id, phone, status, err (and time, ts) as form fields.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from notifier.base import SendResult
from notifier.http import HttpAnswer, HttpClient
from notifier.sms_segments import count_segments


@dataclass(frozen=True)
class StatusUpdate:
    """A final delivery report for one SMS, from either provider's callback."""

    provider: str
    provider_id: str
    delivered: bool
    reason: str | None  # why it was not delivered (None when delivered)
    code: str  # the provider's own status code, for the Delivery row
    address_dead: bool = False  # the network says the number does not exist


@dataclass(frozen=True)
class Backoff:
    """How long to wait before retrying, by kind of trouble."""

    transient: float = 60.0  # 5xx, timeouts, "service temporarily unavailable"
    no_money: float = 900.0  # someone has to top the account up
    rate_limited: float = 3600.0  # provider-side daily limits


class SmsProvider(Protocol):
    name: str

    async def send(self, http: HttpClient, *, phone: str, text: str, key: str) -> SendResult: ...


def http_failure(response: HttpAnswer, backoff: Backoff) -> SendResult | None:
    """Classify a non-200 answer; None when the body should be read."""
    if response.status == 200:
        return None
    reason = f"http {response.status}"
    if response.status >= 500 or response.status in (408, 429):
        return SendResult.later(reason, backoff.transient)
    return SendResult.failed(reason)


def json_body(response: HttpAnswer) -> dict[str, Any] | None:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


# -- SMS.ru ---------------------------------------------------------------------

SMSRU_DEAD = {
    202: "invalid recipient number",
    207: "sending to this number is not allowed",
    209: "number is in the account's stop list",
}
SMSRU_LATER = {
    201: ("insufficient funds", "no_money"),
    206: ("daily sending limit reached", "rate_limited"),
    220: ("service temporarily unavailable", "transient"),
    230: ("daily limit for this number reached", "rate_limited"),
    231: ("identical messages per minute limit reached", "transient"),
    232: ("identical messages per day limit reached", "rate_limited"),
}
SMSRU_DELIVERED = {103: "delivered", 110: "read"}
SMSRU_UNDELIVERED = {
    104: "not delivered: lifetime expired",
    105: "not delivered: deleted by the operator",
    106: "not delivered: phone failure",
    107: "not delivered: unknown reason",
    108: "not delivered: rejected",
    150: "not delivered: no route to this number",
}


def classify_smsru_error(code: int, text: str | None, backoff: Backoff) -> SendResult:
    reason = f"sms.ru {code}: {text or ''}".strip()
    if code in SMSRU_DEAD:
        return SendResult.failed(f"sms.ru {code}: {SMSRU_DEAD[code]}", address_dead=True)
    if code in SMSRU_LATER:
        label, kind = SMSRU_LATER[code]
        return SendResult.later(f"sms.ru {code}: {label}", getattr(backoff, kind))
    return SendResult.failed(reason)


class SmsRu:
    name = "smsru"

    def __init__(self, *, base_url: str, api_id: str, sender: str | None, backoff: Backoff):
        self._url = base_url.rstrip("/") + "/sms/send"
        self._api_id = api_id
        self._sender = sender
        self._backoff = backoff

    async def send(self, http: HttpClient, *, phone: str, text: str, key: str) -> SendResult:
        # SMS.ru has no client-side message id, so `key` can't de-duplicate there.
        form = {"api_id": self._api_id, "to": phone, "msg": text, "json": "1"}
        if self._sender:
            form["from"] = self._sender
        response = await http.request("POST", self._url, form=form)
        failure = http_failure(response, self._backoff)
        if failure is not None:
            return failure
        body = json_body(response)
        if body is None:
            return SendResult.later("sms.ru: unreadable answer", self._backoff.transient)
        return self._result(body, phone, text)

    def _result(self, body: Mapping[str, Any], phone: str, text: str) -> SendResult:
        if body.get("status") != "OK":
            return classify_smsru_error(
                int(body.get("status_code", 0)), body.get("status_text"), self._backoff
            )
        entry = (body.get("sms") or {}).get(phone)
        if not isinstance(entry, dict):
            return SendResult.failed(f"sms.ru: no answer for {phone}")
        if entry.get("status") != "OK":
            code = int(entry.get("status_code", 0))
            return classify_smsru_error(code, entry.get("status_text"), self._backoff)
        # The send answer has no part count; ours follows the same GSM-7/UCS-2 rules.
        return SendResult.ok(str(entry["sms_id"]), parts=count_segments(text).segments)


def parse_smsru_callback(pairs: Sequence[tuple[str, str]]) -> list[StatusUpdate]:
    updates: list[StatusUpdate] = []
    for name, value in pairs:
        if name != "data" and not name.startswith("data["):
            continue
        lines = value.replace("\r\n", "\n").split("\n")
        if len(lines) < 3 or lines[0] != "sms_status" or not lines[2].strip().isdigit():
            continue
        sms_id, code = lines[1].strip(), int(lines[2])
        if code in SMSRU_DELIVERED:
            updates.append(StatusUpdate("smsru", sms_id, True, None, str(code)))
        elif code in SMSRU_UNDELIVERED:
            updates.append(StatusUpdate("smsru", sms_id, False, SMSRU_UNDELIVERED[code], str(code)))
        # 100-102 (queued, passed on, on its way) are not final: nothing to record yet.
    return updates


# -- SMSC.ru --------------------------------------------------------------------

SMSC_DEAD = {7: "invalid phone number format", 8: "message cannot be delivered to this number"}
SMSC_LATER = {
    3: ("insufficient funds", "no_money"),
    4: ("IP address temporarily blocked after errors", "transient"),
    # The same request twice within a minute: most likely our own retry of a send
    # whose answer was lost. Waiting is safer than calling the message failed.
    9: ("duplicate request", "transient"),
}
SMSC_DELIVERED = {1: "delivered", 2: "read", 4: "link followed"}
SMSC_UNDELIVERED = {
    3: "not delivered: expired",
    20: "not delivered: impossible to deliver",
    22: "not delivered: invalid number",
    23: "not delivered: prohibited",
    24: "not delivered: insufficient funds",
    25: "not delivered: unavailable number",
}
SMSC_ERRORS = {  # the `err` of a status report (network-side reason)
    1: "subscriber does not exist",
    6: "subscriber offline",
    11: "service not connected",
    12: "phone or SIM error",
    13: "subscriber blocked",
    21: "service not supported",
}


def smsc_message_id(key: str) -> str:
    """SMSC lets the client name the message (1..2147483647): derive it from the Delivery."""
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return str(digest % 2147483647 + 1)


def classify_smsc_error(code: int, text: str | None, backoff: Backoff) -> SendResult:
    if code in SMSC_DEAD:
        return SendResult.failed(f"smsc {code}: {SMSC_DEAD[code]}", address_dead=True)
    if code in SMSC_LATER:
        label, kind = SMSC_LATER[code]
        return SendResult.later(f"smsc {code}: {label}", getattr(backoff, kind))
    return SendResult.failed(f"smsc {code}: {text or ''}".strip())


class Smsc:
    name = "smsc"

    def __init__(
        self, *, base_url: str, auth: Mapping[str, str], sender: str | None, backoff: Backoff
    ):
        self._url = base_url.rstrip("/") + "/sys/send.php"
        self._auth = dict(auth)  # {"apikey": ...} or {"login": ..., "psw": ...}
        self._sender = sender
        self._backoff = backoff

    async def send(self, http: HttpClient, *, phone: str, text: str, key: str) -> SendResult:
        form = {**self._auth, "phones": phone, "mes": text, "fmt": "3", "charset": "utf-8"}
        if key:
            form["id"] = smsc_message_id(key)
        if self._sender:
            form["sender"] = self._sender
        response = await http.request("POST", self._url, form=form)
        failure = http_failure(response, self._backoff)
        if failure is not None:
            return failure
        body = json_body(response)
        if body is None:
            return SendResult.later("smsc: unreadable answer", self._backoff.transient)
        if "error_code" in body:
            return classify_smsc_error(int(body["error_code"]), body.get("error"), self._backoff)
        return SendResult.ok(str(body["id"]), parts=int(body.get("cnt", 1)))


def parse_smsc_callback(pairs: Sequence[tuple[str, str]]) -> list[StatusUpdate]:
    fields = dict(pairs)
    sms_id, status = fields.get("id", "").strip(), fields.get("status", "").strip()
    if not sms_id or not status.lstrip("-").isdigit():
        return []
    code = int(status)
    err = int(fields["err"]) if fields.get("err", "").strip().isdigit() else 0
    if code in SMSC_DELIVERED:
        return [StatusUpdate("smsc", sms_id, True, None, status)]
    if code not in SMSC_UNDELIVERED:
        return []  # -3 not found, -1 waiting, 0 passed to the operator: not final
    reason = SMSC_UNDELIVERED[code]
    if err:
        reason += f" (err {err}: {SMSC_ERRORS.get(err, 'see provider docs')})"
    dead = code == 22 or err == 1
    return [StatusUpdate("smsc", sms_id, False, reason, status, address_dead=dead)]
