"""Uploaded roster files past their keep: removed with their previews.

Apart from the import (`core.services.roster_import`), which purges at every upload,
so that the worker, which purges twice an hour, does not load the reading and planning
of roster files for it (bench/README.md, "Worker memory").
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlmodel import col

from core.models import ImportStatus, RosterImport
from core.reading.roster_imports import OPEN
from core.uow import UnitOfWork, transactional

# The file holds children's personal data: a day to check and confirm it, no more.
KEEP = dt.timedelta(hours=24)


async def purge_expired_in(uow: UnitOfWork, now: dt.datetime) -> int:
    """Expire the imports left unconfirmed past `expires_at`, dropping their files and
    previews; how many."""
    result = await uow.session.exec(
        update(RosterImport)
        .where(col(RosterImport.status).in_(OPEN), col(RosterImport.expires_at) <= now)
        .values(status=ImportStatus.expired.value, content=None, report=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


async def purge_expired_imports_in(uow: UnitOfWork) -> int:
    """Remove the files (and previews) of imports left unconfirmed for `KEEP`; how many.

    Runs at every upload; a scheduler may call it too (no actor: it only deletes)."""
    return await purge_expired_in(uow, uow.now())


purge_expired_imports = transactional(purge_expired_imports_in)
