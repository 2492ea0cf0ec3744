"""Callbacks from outside services: SMS gateways' delivery reports.

SMS.ru and SMSC.ru POST a form to the URL set in the account (the emulator of
`zvonok run` is pointed here too). SMS.ru re-sends a report until it reads "100",
so a report that matches nothing of ours is still acknowledged.
"""

from __future__ import annotations

import logging
import re
from typing import cast, get_args

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse

from core.delivery.receipts import record_sms_receipts
from core.security import hook_token_matches
from core.uow import UnitOfWork
from notifier.sms import ProviderName, callback_ack, parse_status_callback

log = logging.getLogger(__name__)

router = APIRouter(prefix="/hooks", include_in_schema=False)

# The token in a hook's path is its password: uvicorn's access log writes every path.
_HOOK_TOKEN = re.compile(r"(/hooks/sms/[^/?\s]+/)[^/?\s\"]+")
ACCESS_LOGGER = "uvicorn.access"


class HookTokenFilter(logging.Filter):
    """Masks a hook's token in a log record's arguments (uvicorn's access line passes
    the path as one): «POST /hooks/sms/smsru/*** HTTP/1.1» 200."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(arg) for arg in record.args)
        record.msg = _masked(record.msg)
        return True


def _masked(value: object) -> object:
    return _HOOK_TOKEN.sub(r"\1***", value) if isinstance(value, str) else value


def hide_hook_tokens() -> None:
    """Install `HookTokenFilter` on uvicorn's access log (once per process)."""
    access = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, HookTokenFilter) for f in access.filters):
        access.addFilter(HookTokenFilter())


@router.post("/sms/{provider}/{token}", response_class=PlainTextResponse)
async def sms_status(provider: str, token: str, request: Request) -> PlainTextResponse:
    """A provider's delivery reports → the deliveries' `delivered_at` or failure."""
    secret = request.app.state.settings.secret_key.get_secret_value()
    if provider not in get_args(ProviderName) or not hook_token_matches(
        secret, f"sms:{provider}", token
    ):
        # The same answer for a wrong provider and a wrong token: nothing to probe.
        raise HTTPException(status_code=404, detail="not found")
    name = cast(ProviderName, provider)
    body = await request.body() or request.url.query.encode()
    try:
        reports = parse_status_callback(name, body)
    except UnicodeDecodeError:
        return PlainTextResponse("unreadable body", status_code=400)
    updates = [(r.provider_id, r.delivered, r.reason, r.address_dead) for r in reports]
    changed = await record_sms_receipts(
        UnitOfWork(request.app.state.db), provider=name, updates=updates
    )
    # Counts only: the reports carry phone numbers, which stay out of INFO logs.
    log.info("%s delivery reports: %d, deliveries changed: %d", name, len(reports), changed)
    return PlainTextResponse(callback_ack(name))
