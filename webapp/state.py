"""What every request handler needs from the process: settings, the database, the clock.

Built once per app (`create_app`) and kept on `app.state.web`; handlers reach it
through `web_state(request)` and make one unit of work per core call with `uow()`
(writes) or `reading_uow()` (pages that only read: no SQLite write lock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from fastapi import Request

from core.closing import start_correction
from core.db import Database
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
    unit = UnitOfWork(state.db, clock=state.clock)
    reason = request.headers.get(CORRECTION_HEADER)
    if reason is not None:
        start_correction(unit, unquote(reason))
    return unit


def reading_uow(request: Request) -> UnitOfWork:
    """A unit of work for one core call that only reads (never takes the write lock)."""
    state = web_state(request)
    return ReadingUnit(state.db, clock=state.clock)
