"""Erasing a guardian's personal data that is not part of the school's legal record:
at the guardian's request (entered by the administrator or the secretary) and, for
families who left, on the retention schedule (`purge_departed_families`).

Removed: the contacts (phone, email, Telegram chat), their checks and dead-address
marks, the settings, invite codes, every notification with its events' links and
its deliveries (the messages sent). Kept, as the law requires: the guardian's name
and their link to the children (the school's register of legal representatives),
the consent records (152-FZ: proof of consent and of its withdrawal), acknowledgements
(what the parent signed as read) and the audit log. Each erasure is audited, and what
it removed is kept as counts (`PersonalDataErasure`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.messengers import CHAT_FIELDS, chats_of, unlink
from core.models import (
    ContactChange,
    ContactStatus,
    Delivery,
    Enrollment,
    Guardian,
    GuardianSettings,
    InviteCode,
    Notification,
    NotificationEvent,
    PersonalDataErasure,
    Role,
    School,
    StudentGuardian,
)
from core.permissions import load_staff, require_role
from core.policy import policy_of
from core.rows import get_in_school
from core.services.admin_alerts import alert_admins_in
from core.services.consent import withdraw_consent_in
from core.uow import UnitOfWork, snapshot, transactional

# The kinds of data an erasure removes, in the order a report lists them.
REMOVED_KINDS = (
    "contacts",
    "chats",
    "settings",
    "contact_checks",
    "invite_codes",
    "notifications",
    "deliveries",
)
ERASED = "<erased>"


@dataclass(frozen=True)
class ErasureReport:
    erasure_id: int
    guardians: int
    removed: dict[str, int]  # REMOVED_KINDS -> rows or values removed


async def _delete(uow: UnitOfWork, model: type, guardian_id: int) -> int:
    result = await uow.session.exec(
        delete(model)
        .where(col(model.guardian_id) == guardian_id)  # type: ignore[attr-defined]
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


async def erase_guardian_in(
    uow: UnitOfWork, guardian: Guardian, *, actor_kind: str, actor_id: int | None, reason: str
) -> dict[str, int]:
    """Remove what `guardian` has outside the legal record (module docstring); the
    change of the guardian's row is audited with `reason`, the erased values masked."""
    gid = guardian.id or 0
    old = snapshot(guardian)
    removed = dict.fromkeys(REMOVED_KINDS, 0)
    removed["contacts"] = sum(1 for v in (guardian.phone, guardian.email) if v is not None)
    removed["chats"] = len(chats_of(guardian))
    for column in ("phone", "email", *CHAT_FIELDS.values()):
        if old[column] is not None:
            old[column] = ERASED  # the erasure's own entry does not repeat them
    guardian.phone = guardian.email = None
    unlink(guardian)
    guardian.wants_paper_summary = False
    removed["settings"] = await _delete(uow, GuardianSettings, gid)
    removed["contact_checks"] = await _delete(uow, ContactChange, gid)
    removed["contact_checks"] += await _delete(uow, ContactStatus, gid)
    removed["invite_codes"] = await _delete(uow, InviteCode, gid)
    removed["deliveries"] = await _delete(uow, Delivery, gid)
    await _delete(uow, NotificationEvent, gid)
    removed["notifications"] = await _delete(uow, Notification, gid)
    await uow.save(
        guardian, action="update", actor_id=actor_id, actor_kind=actor_kind, old=old, reason=reason
    )
    return removed


async def _keep_report(
    uow: UnitOfWork, school_id: int, kind: str, actor_id: int | None, counts: list[dict[str, int]]
) -> ErasureReport:
    total = {key: sum(c[key] for c in counts) for key in REMOVED_KINDS}
    row = PersonalDataErasure(
        school_id=school_id,
        at=uow.now(),
        kind=kind,
        actor_id=actor_id,
        guardians=len(counts),
        removed=total,
    )
    kind_of_actor = "staff" if actor_id is not None else "system"
    await uow.save(row, action="create", actor_id=actor_id, actor_kind=kind_of_actor)
    return ErasureReport(row.id or 0, len(counts), total)


async def erase_personal_data_in(
    uow: UnitOfWork, *, actor: StaffActor, guardian_id: int
) -> ErasureReport:
    """A guardian's request to erase their data (administrator or secretary): consent
    in force is withdrawn first (the request ends it; every message stops), then
    `erase_guardian_in`. The report says what was removed."""
    staff = await load_staff(uow, actor)
    require_role(staff, Role.admin, Role.secretary)
    guardian = await get_in_school(uow, Guardian, guardian_id, staff.school_id, "guardian")
    await withdraw_consent_in(uow, actor=actor, guardian_id=guardian_id, channel="paper")
    counts = await erase_guardian_in(
        uow, guardian, actor_kind="staff", actor_id=staff.id, reason="erasure_request"
    )
    return await _keep_report(uow, staff.school_id, "request", staff.id, [counts])


erase_personal_data = transactional(erase_personal_data_in)


async def departed_guardians(uow: UnitOfWork, school: School, cutoff: dt.date) -> list[Guardian]:
    """Guardians of the school all of whose children's enrolments ended before `cutoff`
    and who still hold a contact, a chat, settings or messages."""
    last_day = (
        select(StudentGuardian.guardian_id, func.max(Enrollment.until), func.count())
        .join(Enrollment, col(Enrollment.student_id) == StudentGuardian.student_id)
        .where(StudentGuardian.school_id == school.id)
        .group_by(col(StudentGuardian.guardian_id))
    )
    open_ = (
        select(StudentGuardian.guardian_id)
        .join(Enrollment, col(Enrollment.student_id) == StudentGuardian.student_id)
        .where(col(Enrollment.until).is_(None))
    )
    still_here = set((await uow.session.exec(open_)).all())
    ids = [
        gid
        for gid, until, _ in (await uow.session.exec(last_day)).all()
        if gid not in still_here and until is not None and until < cutoff
    ]
    if not ids:
        return []
    query = select(Guardian).where(col(Guardian.id).in_(ids)).order_by(col(Guardian.id))
    guardians = (await uow.session.exec(query)).all()
    return [g for g in guardians if await _holds_something(uow, g)]


async def _holds_something(uow: UnitOfWork, guardian: Guardian) -> bool:
    if guardian.phone or guardian.email or chats_of(guardian):
        return True
    for model in (GuardianSettings, Notification, ContactChange, ContactStatus, InviteCode):
        query = select(model.id).where(model.guardian_id == guardian.id)
        if (await uow.session.exec(query.limit(1))).first() is not None:
            return True
    return False


async def purge_departed_families_in(uow: UnitOfWork, *, school_id: int) -> ErasureReport | None:
    """The retention schedule for one school: erase the personal data of families
    whose children all left more than `personal_data_retention_days` ago (the school's
    policy). None when there was nobody to purge (no report is kept then)."""
    school = await uow.session.get(School, school_id)
    if school is None:
        return None
    days = policy_of(school).personal_data_retention_days
    cutoff = school_today(school, uow.now()) - dt.timedelta(days=days)
    counts = [
        await erase_guardian_in(uow, g, actor_kind="system", actor_id=None, reason="retention")
        for g in await departed_guardians(uow, school, cutoff)
    ]
    if not counts:
        return None
    report = await _keep_report(uow, school_id, "retention", None, counts)
    removed = {kind: count for kind, count in report.removed.items() if count}
    await alert_admins_in(
        uow,
        school_id=school_id,
        code="retention_purged",
        params={"counts": removed},
        key=f"retention:{report.erasure_id}",
    )
    return report


purge_departed_families = transactional(purge_departed_families_in)


async def erasure_reports(uow: UnitOfWork, *, actor: StaffActor) -> list[PersonalDataErasure]:
    """The school's erasures, newest first (administrator, secretary)."""
    async with uow:
        staff = await load_staff(uow, actor)
        require_role(staff, Role.admin, Role.secretary)
        query = (
            select(PersonalDataErasure)
            .where(PersonalDataErasure.school_id == staff.school_id)
            .order_by(col(PersonalDataErasure.at).desc(), col(PersonalDataErasure.id).desc())
        )
        rows = list((await uow.session.exec(query.limit(100))).all())
        uow.session.expunge_all()  # read after the unit of work ends (its rollback expires)
        return rows
