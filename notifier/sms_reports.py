"""Telling the SMS gateway where to send its delivery reports, so nobody pastes a URL.

SMS.ru keeps a list of report handlers per account, managed over its API (as its own
client library does): POST /callback/get lists them, /callback/add (url) adds one,
/callback/del (url) removes one; each takes api_id and json=1 and answers
{"status": "OK", "status_code": 100, "callback": [<url>, ...]} or a request-level
{"status": "ERROR", "status_code": 200, "status_text": ...}. The worker adds our hook
at start-up unless the list has it already, so several workers add it once.

SMSC.ru's status handler is a setting of the account, and its send API takes no
report address per message: for SMSC the worker logs the address to set there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from notifier.http import HttpClient, HttpFailure

Outcome = Literal["added", "present", "manual", "failed"]


@dataclass(frozen=True)
class ReportRegistration:
    """What became of registering the report URL with the gateway."""

    outcome: Outcome  # manual: the provider has no API for it, set it in the account
    url: str
    detail: str = ""


async def _call(
    http: HttpClient, base_url: str, api_id: str, method: str, **form: str
) -> dict[str, Any]:
    response = await http.request(
        "POST",
        f"{base_url.rstrip('/')}/callback/{method}",
        form={"api_id": api_id, "json": "1", **form},
    )
    if response.status != 200:
        raise ValueError(f"sms.ru answered HTTP {response.status}")
    body: dict[str, Any] = response.json()
    if body.get("status") != "OK":
        raise ValueError(f"sms.ru {body.get('status_code')}: {body.get('status_text', '')}")
    return body


async def register_smsru_reports(
    http: HttpClient, *, base_url: str, api_id: str, url: str
) -> ReportRegistration:
    """Add `url` to the SMS.ru account's report handlers, once."""
    try:
        present = (await _call(http, base_url, api_id, "get")).get("callback") or []
        if url in present:
            return ReportRegistration("present", url)
        added = (await _call(http, base_url, api_id, "add", url=url)).get("callback") or []
    except (HttpFailure, ValueError, KeyError) as error:
        return ReportRegistration("failed", url, str(error) or repr(error))
    if url not in added:
        return ReportRegistration("failed", url, f"sms.ru did not list it: {added}")
    return ReportRegistration("added", url)
