"""The nightly check of the audit chains (issue 11): `zvonok audit verify` in the worker.

Every school's chain is walked and its journal rows compared with it; a school whose
log was tampered with is logged (counts and entry numbers only: no personal data) and
its administrators are told.
"""

from __future__ import annotations

import logging
from typing import Any

from arq.cron import CronJob, cron

from core.audit.anchors import kept_anchors
from core.audit.verify import Report, verify_all
from core.db import Database
from core.models import School
from core.services.admin_alerts import alert_admins_in
from core.settings import Settings
from core.uow import UnitOfWork, transactional
from workers.background import background_job

log = logging.getLogger(__name__)


async def verify_audit_chains(ctx: dict[str, Any]) -> list[int]:
    """Verify every school's chain; the ids of the schools whose chain is broken, whose
    administrators are told (once a day per school)."""
    db: Database = ctx["db"]
    async with db.session() as session:
        reports = await verify_all(session, anchors=await kept_anchors(session))
    broken = [report for report in reports if not report.ok]
    for report in broken:
        _log_broken(report)
        await _alert(UnitOfWork(db), report)
    if not broken:
        log.info("audit chains verified: %d schools", len(reports))
    return [report.school_id for report in broken]


@transactional
async def _alert(uow: UnitOfWork, report: Report) -> None:
    first = report.first
    assert first is not None
    school = await uow.session.get(School, report.school_id)
    params = {
        "school": school.name if school else str(report.school_id),
        "seq": first.seq,
        "what": first.problem.value,
        "count": len(report.findings),
    }
    day = uow.now().date().isoformat()
    key = f"audit_failed:{report.school_id}:{day}"
    await alert_admins_in(
        uow, school_id=report.school_id, code="audit_chain_broken", params=params, key=key
    )


def _log_broken(report: Report) -> None:
    first = report.first
    assert first is not None
    log.error(
        "audit chain of school %d broken: %d findings, first %s at entry %s",
        report.school_id,
        len(report.findings),
        first.problem.value,
        first.seq,
    )


def audit_crons(settings: Settings) -> list[CronJob]:
    """The nightly check, started as a background task (`workers/background.py`)."""
    return [
        cron(
            background_job("verify_audit_chains", verify_audit_chains),
            hour={settings.audit_verify_hour},
            minute={settings.audit_verify_minute},
            second=0,
            timeout=5,
            unique=True,
        )
    ]
