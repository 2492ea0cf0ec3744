"""What every request handler needs from the process: settings, the database, the clock.

Built once per app (`create_app`) and kept on `app.state.web`; handlers reach it
through `web_state(request)` and make one unit of work per core call with `uow()`
(writes) or `reading_uow()` (pages that only read: no SQLite write lock).

Each request's units share its `SessionHandoff` (`SessionHandoffs`, a middleware):
the session check's session is kept for the request's first unit of work, so on
PostgreSQL the two make one pool checkout (core/db.py says why).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from core.closing import start_correction
from core.db import Database, SessionHandoff
from core.reading.access import ReadingUnit
from core.reports.signing import ArchiveSigner
from core.settings import Settings
from core.uow import UnitOfWork

Clock = Callable[[], dt.datetime]


@dataclass
class WebState:
    settings: Settings
    db: Database
    clock: Clock
    # The school certificate that signs the archive's PDFs (None: kept unsigned).
    signer: ArchiveSigner | None = None

    @property
    def secret(self) -> str:
        return self.settings.secret_key.get_secret_value()

    @property
    def production(self) -> bool:
        return self.settings.env == "production"

    @property
    def api_token_ttl(self) -> dt.timedelta:
        return dt.timedelta(days=self.settings.api_token_ttl_days)

    @property
    def breach_lookback(self) -> dt.timedelta:
        return dt.timedelta(days=self.settings.breach_lookback_days)


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


# An administrator's correction of a closed journal: the written reason travels with
# the write it explains (percent-encoded UTF-8: a header holds no Cyrillic).
CORRECTION_HEADER = "X-Correction-Reason"


def uow(request: Request) -> UnitOfWork:
    """A unit of work for one core call that may write.

    With the `X-Correction-Reason` header, the call is a correction of a closed journal
    (`core.closing.start_correction`: the administrator only, a reason of a few words);
    every route that writes the journal takes one so.
    """
    state = web_state(request)
    unit = UnitOfWork(state.db, clock=state.clock, handoff=session_handoff(request))
    reason = request.headers.get(CORRECTION_HEADER)
    if reason is not None:
        start_correction(unit, unquote(reason))
    return unit


def reading_uow(request: Request) -> UnitOfWork:
    """A unit of work for one core call that only reads (never takes the write lock)."""
    state = web_state(request)
    return ReadingUnit(state.db, clock=state.clock, handoff=session_handoff(request))


_HANDOFF = "session_handoff"  # the request state's key


def session_handoff(request: Request) -> SessionHandoff | None:
    """The request's handoff (None outside `SessionHandoffs`)."""
    handoff: SessionHandoff | None = getattr(request.state, _HANDOFF, None)
    return handoff


class SessionHandoffs:
    """Gives each HTTP request a `SessionHandoff` and closes it when the request is
    done, ending a kept session that no unit of work took (a plain ASGI middleware:
    no task of its own, so the request's units see the same state)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        handoff = SessionHandoff(scope["app"].state.web.db)
        scope.setdefault("state", {})[_HANDOFF] = handoff
        try:
            await self.app(scope, receive, send)
        finally:
            await handoff.close()
