"""The retention schedule: each night, the personal data of families who left.

`purge_personal_data` runs once a night (03:20) and erases, school by school, the
contacts, chat links, settings and messages of families whose children all left more
than the school's `personal_data_retention_days` ago (`core.services.personal_data`).
One transaction per school; each run that removed something keeps its report, shown
to the administrator on the consent page. Only counts reach the log.
"""

from __future__ import annotations

import logging
from typing import Any

from arq.cron import CronJob, cron
from sqlmodel import col, select

from core.db import Database
from core.models import School
from core.services.personal_data import purge_departed_families
from core.uow import UnitOfWork

log = logging.getLogger(__name__)


async def purge_personal_data(ctx: dict[str, Any]) -> int:
    """Purge every school; the number of guardians whose data was erased."""
    db: Database = ctx["db"]
    async with db.session() as session:
        school_ids = list((await session.exec(select(School.id).order_by(col(School.id)))).all())
    erased = 0
    for school_id in school_ids:
        if school_id is None:
            continue
        report = await purge_departed_families(UnitOfWork(db), school_id=school_id)
        if report is not None:
            log.info("school %s: personal data of %s families erased", school_id, report.guardians)
            erased += report.guardians
    return erased


def retention_crons(timeout: int) -> list[CronJob]:
    return [cron(purge_personal_data, hour={3}, minute={20}, second=0, timeout=timeout)]
