"""Consent to personal-data processing: the condition of any message to a guardian.

Seed 003 §4.8: parents get access to the electronic diary after a written consent
to the processing of personal data. A guardian gives or withdraws it themselves
(bot, web); a paper form is entered by the administrator or the secretary. The
latest given/withdrawn instants stay on the guardian; the whole history is in the
audit log. Withdrawal is recorded as an event so delivery stops queued messages.
"""

from __future__ import annotations

from datetime import datetime

from core.actors import GuardianActor, StaffActor
from core.errors import Forbidden, RuleViolation
from core.events import ConsentChanged
from core.models import Guardian, Role
from core.permissions import has_role, load_staff
from core.rows import get_in_school
from core.uow import UnitOfWork, snapshot, transactional

GUARDIAN_SOURCES: tuple[str, ...] = ("telegram", "web")
STAFF_SOURCES: tuple[str, ...] = ("paper",)


def mark_consent(guardian: Guardian, *, given: bool, source: str | None, at: datetime) -> None:
    """Set the consent columns; the caller audits and records `ConsentChanged`."""
    if given:
        guardian.consent_given_at = at
        guardian.consent_withdrawn_at = None
        guardian.consent_source = source
    else:
        guardian.consent_withdrawn_at = at


async def _guardian_for(
    uow: UnitOfWork, actor: GuardianActor | StaffActor, guardian_id: int, source: str | None
) -> tuple[Guardian, str, int | None]:
    """The guardian, the audit's actor kind and id; refuses anyone else and a source
    that does not fit who is acting (a guardian cannot file a paper form)."""
    if isinstance(actor, GuardianActor):
        if actor.guardian_id != guardian_id:
            raise Forbidden("not_your_consent")
        guardian = await get_in_school(uow, Guardian, guardian_id, actor.school_id, "guardian")
        allowed, kind, actor_id = GUARDIAN_SOURCES, "guardian", guardian.id
    else:
        staff = await load_staff(uow, actor)
        if not has_role(staff, Role.admin, Role.secretary):
            raise Forbidden("not_your_consent")
        guardian = await get_in_school(uow, Guardian, guardian_id, staff.school_id, "guardian")
        allowed, kind, actor_id = STAFF_SOURCES, "staff", staff.id
    if source is not None and source not in allowed:
        raise RuleViolation("bad_consent_source", source=source, allowed=", ".join(allowed))
    return guardian, kind, actor_id


async def _change(
    uow: UnitOfWork,
    guardian: Guardian,
    *,
    given: bool,
    source: str | None,
    actor_kind: str,
    actor_id: int | None,
) -> None:
    old = snapshot(guardian)
    mark_consent(guardian, given=given, source=source, at=uow.now())
    await uow.save(guardian, action="update", actor_id=actor_id, actor_kind=actor_kind, old=old)
    uow.record(
        ConsentChanged(school_id=guardian.school_id, guardian_id=guardian.id or 0, given=given)
    )


async def record_consent_in(
    uow: UnitOfWork, *, actor: GuardianActor | StaffActor, guardian_id: int, source: str
) -> Guardian:
    """Record consent (`telegram`/`web` by the guardian, `paper` by the school).

    Consent already in force is left as it is: no new history row, no event.
    """
    guardian, kind, actor_id = await _guardian_for(uow, actor, guardian_id, source)
    if not guardian.has_consent:
        await _change(uow, guardian, given=True, source=source, actor_kind=kind, actor_id=actor_id)
    return guardian


record_consent = transactional(record_consent_in)


async def withdraw_consent_in(
    uow: UnitOfWork, *, actor: GuardianActor | StaffActor, guardian_id: int
) -> Guardian:
    """Withdraw consent: from now on the guardian gets no messages. Idempotent."""
    guardian, kind, actor_id = await _guardian_for(uow, actor, guardian_id, None)
    if guardian.has_consent:
        await _change(
            uow,
            guardian,
            given=False,
            source=guardian.consent_source,
            actor_kind=kind,
            actor_id=actor_id,
        )
    return guardian


withdraw_consent = transactional(withdraw_consent_in)
