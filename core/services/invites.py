"""Invite codes: issued by the school, redeemed once in the bot, in Telegram or MAX.

Seed 002 §2.3: the administrator gives the class teacher invite codes for parents,
and a newly arrived staff member gets one on their first day. Only the code's
SHA-256 is stored; the plain code exists once, in the `IssuedInvite` handed to
whoever prints the sheet or sends the deep link. Codes are read from paper and typed:
`core.security` makes them of symbols that cannot be confused and accepts them in any
case, with or without the dashes. One code works in either messenger the school
offers (`SchoolPolicy.messengers`), once; a parent following their children in both
redeems a second code in the other one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, delete, select, update

from core.actors import StaffActor
from core.calendar import school_time
from core.contacts import check_language
from core.errors import (
    AccountLocked,
    InviteElsewhere,
    InviteExpired,
    InviteMalformed,
    InviteRevoked,
    InviteUnknown,
    InviteUsed,
    NotFound,
    RuleViolation,
)
from core.events import ConsentChanged
from core.messengers import MessengerChat, link
from core.models import (
    ContactStatus,
    Guardian,
    InviteCode,
    Messenger,
    Role,
    School,
    Staff,
    Student,
    StudentGuardian,
)
from core.permissions import load_staff, require_people_manager, require_role
from core.policy import policy_of
from core.rows import get_in_school
from core.security import hash_invite_code, invite_code_hashes, new_invite_code
from core.services.consent import decline_offer_in, mark_consent
from core.services.consent_versions import add_record, current_text_in
from core.uow import UnitOfWork, snapshot, transactional

MAX_TTL_DAYS = 365


@dataclass(frozen=True)
class IssuedInvite:
    """A new code. `code` is shown once (printed, QR, deep link) and never stored."""

    code: str
    invite_id: int
    expires_at: datetime


@dataclass(frozen=True)
class InviteInfo:
    """What the bot may show before the code is used: just enough to ask for consent."""

    purpose: str  # guardian | staff
    school_name: str
    child_first_names: tuple[str, ...]
    school_id: int = 0


@dataclass(frozen=True)
class Redeemed:
    purpose: str
    school_id: int
    guardian_id: int | None
    staff_id: int | None


async def _school(uow: UnitOfWork, school_id: int) -> School:
    school = await uow.session.get(School, school_id)
    if school is None:
        raise NotFound(what="school")
    return school


async def issue_invite_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    guardian_id: int | None = None,
    staff_id: int | None = None,
    ttl_days: int | None = None,
) -> IssuedInvite:
    """A code for one guardian (admin, secretary or a child's class teacher) or one
    staff member (admin). Older unused codes of the same person are revoked, so only
    the latest printed sheet works."""
    if (guardian_id is None) == (staff_id is None):
        raise RuleViolation("invite_target")
    issuer = await load_staff(uow, actor)
    school = await _school(uow, issuer.school_id)
    days = _check_ttl(ttl_days, policy_of(school).invite_ttl_days)
    if guardian_id is not None:
        await _guardian_for_invite(uow, issuer, guardian_id)
    else:
        await _staff_for_invite(uow, issuer, staff_id or 0)
    await revoke_pending_invites(
        uow, school_id=issuer.school_id, guardian_id=guardian_id, staff_id=staff_id, by=issuer
    )
    return await _new_invite(
        uow, issuer.school_id, days, guardian_id=guardian_id, staff_id=staff_id, by=issuer
    )


issue_invite = transactional(issue_invite_in)


async def issue_system_invite_in(uow: UnitOfWork, *, guardian: Guardian) -> IssuedInvite:
    """A code for `guardian` that Zvonok itself hands out in a message (the notice of
    a messenger the school switched off: `core.delivery.notices`), valid for the
    school's usual time; the guardian's older unused codes are revoked, as by
    `issue_invite`. Audited as the system's."""
    school = await _school(uow, guardian.school_id)
    days = policy_of(school).invite_ttl_days
    await revoke_pending_invites(
        uow, school_id=guardian.school_id, guardian_id=guardian.id, by=None
    )
    return await _new_invite(uow, guardian.school_id, days, guardian_id=guardian.id, by=None)


async def _new_invite(
    uow: UnitOfWork,
    school_id: int,
    days: int,
    *,
    guardian_id: int | None,
    staff_id: int | None = None,
    by: Staff | None,
) -> IssuedInvite:
    code, now = new_invite_code(), uow.now()
    invite = InviteCode(
        school_id=school_id,
        code_hash=hash_invite_code(code),
        purpose="guardian" if guardian_id is not None else "staff",
        guardian_id=guardian_id,
        staff_id=staff_id,
        issued_by=by.id if by else None,
        issued_at=now,
        expires_at=now + timedelta(days=days),
    )
    actor_kind = "staff" if by is not None else "system"
    await uow.save(
        invite,
        school_id=school_id,
        action="create",
        actor_id=invite.issued_by,
        actor_kind=actor_kind,
    )
    return IssuedInvite(code=code, invite_id=invite.id or 0, expires_at=invite.expires_at)


def _check_ttl(ttl_days: object, default: int) -> int:
    if ttl_days is None:
        return default
    if isinstance(ttl_days, bool) or not isinstance(ttl_days, int):
        raise RuleViolation("bad_invite_ttl", days=ttl_days)
    if not 1 <= ttl_days <= MAX_TTL_DAYS:
        raise RuleViolation("bad_invite_ttl", days=ttl_days)
    return ttl_days


async def _guardian_for_invite(uow: UnitOfWork, issuer: Staff, guardian_id: int) -> Guardian:
    guardian = await get_in_school(uow, Guardian, guardian_id, issuer.school_id, "guardian")
    children = select(StudentGuardian.student_id).where(StudentGuardian.guardian_id == guardian_id)
    await require_people_manager(uow, issuer, *(await uow.session.exec(children)).all())
    return guardian


async def _staff_for_invite(uow: UnitOfWork, issuer: Staff, staff_id: int) -> Staff:
    require_role(issuer, Role.admin)
    staff = await get_in_school(uow, Staff, staff_id, issuer.school_id, "staff")
    if staff.locked_at is not None:
        raise RuleViolation("staff_locked", staff=staff.short_name)
    return staff


async def revoke_pending_invites(
    uow: UnitOfWork,
    *,
    school_id: int,
    guardian_id: int | None = None,
    staff_id: int | None = None,
    by: Staff | None,
) -> int:
    """Revoke the unused, unrevoked codes of one guardian or staff member (in the
    caller's transaction), by a staff member or (None) the system; returns how many."""
    query = select(InviteCode).where(
        InviteCode.school_id == school_id,
        col(InviteCode.used_at).is_(None),
        col(InviteCode.revoked_at).is_(None),
    )
    if guardian_id is not None:
        query = query.where(InviteCode.guardian_id == guardian_id)
    else:
        query = query.where(InviteCode.staff_id == staff_id, InviteCode.purpose == "staff")
    pending = list((await uow.session.exec(query.order_by(col(InviteCode.id)))).all())
    for invite in pending:
        old = snapshot(invite)
        invite.revoked_at = uow.now()
        await uow.save(
            invite,
            school_id=school_id,
            action="update",
            actor_id=by.id if by else None,
            actor_kind="staff" if by else "system",
            old=old,
        )
    return len(pending)


async def revoke_invite_in(uow: UnitOfWork, *, actor: StaffActor, invite_id: int) -> InviteCode:
    """Make an unused code unusable (a lost sheet, a wrong person). Idempotent."""
    staff = await load_staff(uow, actor)
    invite = await get_in_school(uow, InviteCode, invite_id, staff.school_id, "invite")
    if invite.guardian_id is not None:
        await _guardian_for_invite(uow, staff, invite.guardian_id)
    else:
        require_role(staff, Role.admin)
    if invite.used_at is not None:
        school = await _school(uow, staff.school_id)
        raise RuleViolation("invite_already_used", date=school_time(invite.used_at, school))
    if invite.revoked_at is None:
        old = snapshot(invite)
        invite.revoked_at = uow.now()
        await uow.save(invite, action="update", actor_id=staff.id, old=old)
    return invite


revoke_invite = transactional(revoke_invite_in)


async def _usable_invite(uow: UnitOfWork, code: str, messenger: Messenger) -> InviteCode:
    """The invite behind `code` as typed (any case, spaces or dashes; an old-style code
    as issued), refusing malformed, unknown, revoked, used and expired, and a code
    typed in a messenger its school does not offer."""
    hashes = invite_code_hashes(code)
    if not hashes:
        raise InviteMalformed()
    query = select(InviteCode).where(col(InviteCode.code_hash).in_(hashes))
    invite = (await uow.session.exec(query)).first()
    if invite is None:
        raise InviteUnknown()
    if invite.revoked_at is not None:
        raise InviteRevoked()
    if invite.used_at is not None:
        raise InviteUsed()
    school = await _school(uow, invite.school_id)
    if uow.now() >= invite.expires_at:
        raise InviteExpired(date=school_time(invite.expires_at, school))
    offered = policy_of(school).messengers
    if messenger.value not in offered:
        # 149-FZ art. 10 part 8: a public school may not let pupils' data through a
        # messenger it did not choose; the parent is sent to the one it offers.
        raise InviteElsewhere(messenger=messenger.value, offered=offered[0])
    return invite


async def check_invite(uow: UnitOfWork, *, code: str, messenger: Messenger) -> InviteInfo:
    """Tell the bot in `messenger` what a code is for without using it up (shown before
    consent)."""
    async with uow:
        invite = await _usable_invite(uow, code, messenger)
        school = await _school(uow, invite.school_id)
        children: tuple[str, ...] = ()
        if invite.guardian_id is not None:
            query = (
                select(Student.first_name)
                .join(StudentGuardian, col(StudentGuardian.student_id) == Student.id)
                .where(
                    StudentGuardian.guardian_id == invite.guardian_id,
                    col(Student.left_on).is_(None),
                )
                .order_by(col(Student.first_name))
            )
            children = tuple((await uow.session.exec(query)).all())
        return InviteInfo(
            purpose=invite.purpose,
            school_name=school.name,
            child_first_names=children,
            school_id=invite.school_id,
        )


async def redeem_invite_in(
    uow: UnitOfWork, *, code: str, chat: MessengerChat, consent: bool, language: str | None = None
) -> Redeemed:
    """Use a code once: link `chat` (Telegram or MAX) to its guardian (recording their
    consent, seed 003 §4.8: parents get access after consenting) or to its staff
    member. A link in the other messenger stays: a parent may follow in both.

    `language` is the one the guardian used in the bot while subscribing; their
    messages follow it from then on (they can change it in the settings).
    """
    if language is not None:
        language = check_language(language)
    invite = await _usable_invite(uow, code, chat.messenger)
    if invite.purpose == "guardian" and not consent:
        raise RuleViolation("consent_required")
    await _claim(uow, invite, chat)
    if invite.guardian_id is not None:
        await _link_guardian_chat(uow, invite.guardian_id, chat, language)
    else:
        await _link_staff_chat(uow, invite.staff_id or 0, chat)
    return Redeemed(
        purpose=invite.purpose,
        school_id=invite.school_id,
        guardian_id=invite.guardian_id,
        staff_id=invite.staff_id,
    )


redeem_invite = transactional(redeem_invite_in)


async def decline_invite_in(
    uow: UnitOfWork, *, code: str, language: str, messenger: Messenger
) -> None:
    """The parent declined the consent the bot in `messenger` showed for `code`: kept
    on record."""
    invite = await _usable_invite(uow, code, messenger)
    if invite.guardian_id is not None:
        await decline_offer_in(
            uow, guardian_id=invite.guardian_id, language=language, channel=messenger.value
        )


decline_invite = transactional(decline_invite_in)


async def _claim(uow: UnitOfWork, invite: InviteCode, chat: MessengerChat) -> None:
    now, old = uow.now(), snapshot(invite)
    claimed = await uow.session.exec(
        update(InviteCode)
        .where(
            col(InviteCode.id) == invite.id,
            col(InviteCode.used_at).is_(None),
            col(InviteCode.revoked_at).is_(None),
            col(InviteCode.expires_at) > now,
        )
        .values(used_at=now, used_by_chat=chat.id, used_via=chat.messenger.value)
        .execution_options(synchronize_session=False)
    )
    # Two redeems of one code can both pass the checks above (PostgreSQL, read
    # committed). The row lock makes the second UPDATE wait for the first to commit
    # and re-evaluate its WHERE on the new row: it matches nothing, so that one loses.
    if claimed.rowcount != 1:
        raise InviteUsed()
    await uow.session.refresh(invite)
    by_guardian = invite.guardian_id is not None
    uow.audit(
        invite,
        school_id=invite.school_id,
        action="update",
        actor_id=invite.guardian_id if by_guardian else invite.staff_id,
        actor_kind="guardian" if by_guardian else "staff",
        old=old,
    )


async def _link_guardian_chat(
    uow: UnitOfWork, guardian_id: int, chat: MessengerChat, language: str | None
) -> None:
    guardian = await uow.session.get(Guardian, guardian_id)
    if guardian is None:
        raise InviteUnknown()
    old = snapshot(guardian)
    link(guardian, chat)
    if language is not None:
        guardian.language = language
    # A parent who blocked the bot and now subscribes again has unblocked it: the chat
    # recorded as dead is alive (delivery would otherwise skip the messenger for good).
    await uow.session.exec(
        delete(ContactStatus).where(
            col(ContactStatus.guardian_id) == guardian_id,
            col(ContactStatus.channel) == chat.channel.value,
            col(ContactStatus.address) == chat.address,
        )
    )
    mark_consent(guardian, given=True, source=chat.messenger.value, at=uow.now())
    await uow.save(guardian, action="update", actor_id=guardian_id, actor_kind="guardian", old=old)
    # The text the bot showed: the school's current one (`core.services.consent_versions`).
    text = await current_text_in(uow, school_id=guardian.school_id)
    await add_record(
        uow,
        guardian,
        text,
        decision="given",
        channel=chat.messenger.value,
        actor_kind="guardian",
        actor_id=guardian_id,
    )
    uow.record(ConsentChanged(school_id=guardian.school_id, guardian_id=guardian_id, given=True))


async def _link_staff_chat(uow: UnitOfWork, staff_id: int, chat: MessengerChat) -> None:
    staff = await uow.session.get(Staff, staff_id)
    if staff is None:
        raise InviteUnknown()
    if staff.locked_at is not None:
        raise AccountLocked()
    old = snapshot(staff)
    link(staff, chat)
    await uow.save(staff, action="update", actor_id=staff_id, old=old)
