"""Consent to personal-data processing: the condition of any message to a guardian.

Seed 003 §4.8: parents get access to the electronic diary after a written consent
to the processing of personal data. A guardian gives, declines or withdraws it
themselves (bot, web); a paper form is entered by the administrator or the
secretary. Every decision is a `ConsentRecord` on a version of the school's text
(`core.services.consent_versions`); the guardian's columns keep the state in force,
which delivery reads (`Guardian.has_consent`). Withdrawal and a declined re-consent
stop every message at once (`ConsentChanged`: delivery cancels what is queued) and
unlink the guardian's chats (Telegram and MAX).
"""

from __future__ import annotations

from datetime import datetime

from core.actors import GuardianActor, StaffActor
from core.errors import Forbidden, RuleViolation
from core.events import ConsentChanged
from core.messengers import unlink
from core.models import ConsentText, Guardian, Role
from core.permissions import has_role, load_staff
from core.reading.reconsent import given_version
from core.rows import get_in_school
from core.services.consent_versions import add_record, current_text_in, text_of_version
from core.uow import UnitOfWork, snapshot, transactional

GUARDIAN_SOURCES: tuple[str, ...] = ("telegram", "web", "max")
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


async def _shown(uow: UnitOfWork, guardian: Guardian, text_id: int | None) -> ConsentText:
    """The text the guardian answered: the one shown to them, else the school's current."""
    if text_id is None:
        return await current_text_in(uow, school_id=guardian.school_id)
    text = await get_in_school(uow, ConsentText, text_id, guardian.school_id, "guardian")
    return text


async def record_consent_in(
    uow: UnitOfWork,
    *,
    actor: GuardianActor | StaffActor,
    guardian_id: int,
    source: str,
    text_id: int | None = None,
) -> Guardian:
    """Record consent (`telegram`/`max`/`web` by the guardian, `paper` by the school) to the
    text shown (`text_id`, else the school's current one).

    Consent already in force on that version or a newer one is left as it is: no new
    record, no event. Consent on an older version is renewed (a re-consent).
    """
    guardian, kind, actor_id = await _guardian_for(uow, actor, guardian_id, source)
    text = await _shown(uow, guardian, text_id)
    if guardian.has_consent and await given_version(uow, guardian) >= text.version:
        return guardian
    was_given = guardian.has_consent
    old = snapshot(guardian)
    mark_consent(guardian, given=True, source=source, at=uow.now())
    await uow.save(guardian, action="update", actor_id=actor_id, actor_kind=kind, old=old)
    await add_record(
        uow, guardian, text, decision="given", channel=source, actor_kind=kind, actor_id=actor_id
    )
    if not was_given:
        uow.record(
            ConsentChanged(school_id=guardian.school_id, guardian_id=guardian_id, given=True)
        )
    return guardian


record_consent = transactional(record_consent_in)


async def _stop(
    uow: UnitOfWork,
    guardian: Guardian,
    text: ConsentText,
    *,
    decision: str,
    channel: str,
    actor_kind: str,
    actor_id: int | None,
) -> None:
    """Consent no longer in force: every message stops and the chats are unlinked."""
    old = snapshot(guardian)
    mark_consent(guardian, given=False, source=None, at=uow.now())
    unlink(guardian)
    await uow.save(guardian, action="update", actor_id=actor_id, actor_kind=actor_kind, old=old)
    await add_record(
        uow,
        guardian,
        text,
        decision=decision,
        channel=channel,
        actor_kind=actor_kind,
        actor_id=actor_id,
    )
    uow.record(
        ConsentChanged(school_id=guardian.school_id, guardian_id=guardian.id or 0, given=False)
    )


async def withdraw_consent_in(
    uow: UnitOfWork,
    *,
    actor: GuardianActor | StaffActor,
    guardian_id: int,
    channel: str | None = None,
) -> Guardian:
    """Withdraw consent (the guardian: `telegram`/`max`/`web`, the default `telegram`;
    the school from a paper form: `paper`): from now on the guardian gets no messages
    and their chats are unlinked. Idempotent."""
    guardian, kind, actor_id = await _guardian_for(uow, actor, guardian_id, channel)
    if guardian.has_consent:
        version = await given_version(uow, guardian)
        text = await text_of_version(uow, school_id=guardian.school_id, version=version)
        await _stop(
            uow,
            guardian,
            text,
            decision="withdrawn",
            channel=channel or (GUARDIAN_SOURCES if kind == "guardian" else STAFF_SOURCES)[0],
            actor_kind=kind,
            actor_id=actor_id,
        )
    return guardian


withdraw_consent = transactional(withdraw_consent_in)


async def decline_consent_in(
    uow: UnitOfWork, *, actor: GuardianActor, guardian_id: int, text_id: int, channel: str
) -> Guardian:
    """The guardian declines the text they were asked to consent to again: the
    decision is kept, messages stop and the chats are unlinked. Idempotent."""
    guardian, kind, actor_id = await _guardian_for(uow, actor, guardian_id, channel)
    text = await _shown(uow, guardian, text_id)
    if guardian.has_consent:
        await _stop(
            uow,
            guardian,
            text,
            decision="declined",
            channel=channel,
            actor_kind=kind,
            actor_id=actor_id,
        )
    return guardian


decline_consent = transactional(decline_consent_in)


async def decline_offer_in(
    uow: UnitOfWork, *, guardian_id: int, language: str, channel: str
) -> None:
    """A parent shown the consent text with their invite code tapped «Decline» in a bot
    (`channel`: its messenger): kept on record (shown in `language`). Consent already
    in force (a paper form) stands: the tap refused connecting the bot, not the form.
    The code stays usable while valid."""
    guardian = await uow.session.get(Guardian, guardian_id)
    if guardian is None or guardian.has_consent:
        return
    text = await current_text_in(uow, school_id=guardian.school_id)
    await add_record(
        uow,
        guardian,
        text,
        decision="declined",
        channel=channel,
        actor_kind="guardian",
        actor_id=guardian_id,
        language=language,
    )
