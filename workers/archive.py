"""The archive a closed year is owed (issue 11): every class's journal book and summary
statement, made by the worker after the administrator closes the year.

`archive_closed_years` (every minute) makes one class's documents at a time
(`core.services.archive.archive_next_class`: read and rendered outside the write lock,
stored in a short transaction), school by school, until every closed
year is archived or its time is up; what is left waits for the next minute. Rendering
happens in a thread, so the worker keeps delivering meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from arq.cron import CronJob, cron
from sqlmodel import col, select

from core.db import Database
from core.models import AcademicYear

log = logging.getLogger(__name__)

ARCHIVE_BUDGET_SECONDS = 50  # then the next minute's run goes on


async def archive_closed_years(ctx: dict[str, Any]) -> int:
    """Archive what closed years are owed; how many documents were made."""
    db: Database = ctx["db"]
    async with db.session() as session:
        query = select(AcademicYear.school_id).where(col(AcademicYear.closed_at).is_not(None))
        schools = sorted(set((await session.exec(query)).all()))
    # Within the job's timeout (workers/background.py says why it must stay short).
    settings = ctx.get("settings")
    timeout = settings.worker_job_timeout_seconds if settings else 2 * ARCHIVE_BUDGET_SECONDS
    budget = min(ARCHIVE_BUDGET_SECONDS, timeout / 2)
    made, started = 0, time.monotonic()
    if not schools:
        return 0
    # The archive's modules (the journal book, the XLSX statement: some 14 MB) load on
    # a closed year's first run, not in every worker that only sends. Typst, which sets
    # both documents, finds the system's fonts on first use: here, in a thread, not
    # inside the first class's write transaction, where the web app's saves (and the
    # SMS delivery reports) would wait for it.
    from core.reports.pdf import font_families
    from core.services.archive import archive_next_class

    await asyncio.to_thread(font_families)
    for school_id in schools:
        while time.monotonic() - started < budget:
            # Not in `writing(ctx)`: the rendering would hold up the worker's own sends;
            # the short store waits for the lock in SQLite's busy handler instead.
            kept = await archive_next_class(db, school_id=school_id, signer=ctx.get("signer"))
            if not kept:
                break
            made += len(kept)
    if made:
        log.info("archive: %d documents of closed years made", made)
    return made


def archive_crons(timeout: int) -> list[CronJob]:
    return [cron(archive_closed_years, second={40}, timeout=timeout)]
