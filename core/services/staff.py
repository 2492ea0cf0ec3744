"""Staff accounts: creation, passwords, sign-in, and a reported access breach.

Seed 002 §4.1–4.2 (and seed 000 item 12): no access without a personal login and
password. Seed 002 §4.4: once the head of the school learns that an account's
credentials leaked, every operation made with it since then is invalid.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from core.actors import StaffActor, SystemActor
from core.breach_rules import EntryCounts, check_breach_report
from core.contacts import clean_names
from core.errors import AccountLocked, Forbidden, LoginBlocked, NotFound, RuleViolation
from core.messengers import unlink
from core.models import Role, School, Staff
from core.permissions import load_staff, require_role
from core.rows import get_in_school
from core.security import hash_password, password_needs_rehash, verify_password
from core.services import login_guard
from core.services.access_tokens import revoke_tokens_of
from core.services.breach import void_entries_since
from core.services.invites import revoke_pending_invites
from core.services.passwords import check_new_password
from core.uow import UnitOfWork, snapshot, transactional

_LOGIN = re.compile(r"[a-z0-9._@-]{3,64}")
ROLE_VALUES = tuple(r.value for r in Role)


def _check_login(login: str) -> str:
    # Logins are compared case-insensitively: people type «Ivanova» and «ivanova».
    normalized = login.strip().lower()
    if not _LOGIN.fullmatch(normalized):
        raise RuleViolation("bad_login", login=login.strip())
    return normalized


def _check_roles(roles: Iterable[str]) -> list[str]:
    allowed = list(ROLE_VALUES)  # shown as the roles' names in the reader's language
    chosen: list[str] = []
    for role in roles:
        value = str(role)
        if value not in ROLE_VALUES:
            raise RuleViolation("bad_role", role=value, allowed=allowed)
        if value not in chosen:
            chosen.append(value)
    if not chosen:
        raise RuleViolation("roles_required", allowed=allowed)
    return chosen


async def _hash_new_password(password: str, *, login: str) -> str:
    check_new_password(password, login=login)
    # argon2 is deliberately slow (tens of ms): keep it off the event loop.
    return await asyncio.to_thread(hash_password, password)


async def _creator(
    uow: UnitOfWork, actor: StaffActor | SystemActor, school_id: int | None
) -> tuple[int, int | None, str]:
    """The new account's school and the audit's actor id and kind.

    An administrator creates accounts in their own school; the system (initial
    set-up, before any administrator exists) names the school explicitly.
    """
    if isinstance(actor, SystemActor):
        if school_id is None:
            raise RuleViolation("school_required")
        if await uow.session.get(School, school_id) is None:
            raise NotFound(what="school")
        return school_id, None, "system"
    admin = await load_staff(uow, actor)
    require_role(admin, Role.admin)
    if school_id is not None and school_id != admin.school_id:
        raise NotFound(what="school")
    return admin.school_id, admin.id, "staff"


async def _require_free_login(uow: UnitOfWork, login: str) -> None:
    # Logins are unique across schools: one sign-in page serves a whole district.
    taken = await uow.session.exec(select(Staff.id).where(Staff.login == login))
    if taken.first() is not None:
        raise RuleViolation("login_taken", login=login)


async def create_staff_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor | SystemActor,
    login: str,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    roles: Iterable[str],
    password: str | None = None,
    school_id: int | None = None,
) -> Staff:
    """Open a personal account (administrator, or the system at set-up).

    Without a password the account signs in only through its Telegram invite code.
    """
    login = _check_login(login)
    last, first, middle = clean_names(last_name, first_name, middle_name)
    role_values = _check_roles(roles)
    school, actor_id, actor_kind = await _creator(uow, actor, school_id)
    await _require_free_login(uow, login)
    staff = Staff(
        school_id=school,
        login=login,
        last_name=last,
        first_name=first,
        middle_name=middle,
        roles=role_values,
        password_hash=(
            await _hash_new_password(password, login=login) if password is not None else None
        ),
        created_at=uow.now(),
    )
    uow.session.add(staff)
    try:
        await uow.session.flush()
    except IntegrityError as exc:
        # Two administrators creating the same login at once: the unique index decides.
        raise RuleViolation("login_taken", login=login) from exc
    uow.audit(staff, school_id=school, action="create", actor_id=actor_id, actor_kind=actor_kind)
    return staff


create_staff = transactional(create_staff_in)


async def set_password_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    staff_id: int,
    password: str,
    current_password: str | None = None,
    keep_session: str | None = None,
) -> None:
    """Change a password: one's own (giving the current one, if any) or, as an
    administrator, anyone's in the school.

    The account's web sessions and API tokens end, all but `keep_session` (the secret
    of the session making the change): whatever was opened or made with the old
    password, perhaps by whoever learned it, ends with it.
    """
    me = await load_staff(uow, actor)
    target = await get_in_school(uow, Staff, staff_id, me.school_id, "staff")
    if target.id == me.id:
        # A borrowed open session must not be enough to take the account over.
        if target.password_hash is not None and not await asyncio.to_thread(
            verify_password, target.password_hash, current_password or ""
        ):
            raise Forbidden("wrong_current_password")
    else:
        require_role(me, Role.admin)
        keep_session = None
    old = snapshot(target)
    target.password_hash = await _hash_new_password(password, login=target.login)
    await uow.save(target, action="update", actor_id=me.id, old=old)
    await revoke_tokens_of(uow, target.id or 0, keep=keep_session)


set_password = transactional(set_password_in)


async def _refuse_sign_in(
    uow: UnitOfWork, attempt: login_guard.Attempt, staff: Staff | None
) -> Forbidden:
    """Count the failure; the error to raise (the lock-out's, if this one closed it)."""
    async with uow:
        block = await login_guard.record_failure(uow, attempt)
        text = (
            await login_guard.local_time(uow.session, block.until, staff, uow.now())
            if block
            else ""
        )
        await uow.commit()
    return LoginBlocked(block.code, until=text) if block else Forbidden("bad_credentials")


async def authenticate(
    uow: UnitOfWork, *, login: str, password: str, client: login_guard.Client
) -> Staff:
    """The staff member with this login and password.

    An unknown login and a wrong password get the same answer in about the same
    time, so logins cannot be probed; a locked account is told it is locked only
    after the right password. Failures are counted per login and source, per
    address and per login (`login_guard`: which `client` counts where); a closed
    counter refuses even the right password with `LoginBlocked`, saying until when;
    a success forgets its own count.
    """
    attempt = login_guard.attempt_of(login, client)
    now = uow.now()
    # Read and verify without the write lock: argon2 takes tens of milliseconds.
    async with uow.db.session() as session:
        query = select(Staff).where(Staff.login == login.strip().lower())
        staff = (await session.exec(query)).first()
        block = await login_guard.current_block(session, attempt, now)
        until = await login_guard.local_time(session, block.until, staff, now) if block else ""
    if block is not None:
        # Refused before argon2: the answer is the same for every login, and whoever
        # keeps knocking while closed costs the server nothing.
        raise LoginBlocked(block.code, until=until)
    stored = staff.password_hash if staff is not None else None
    matched = await asyncio.to_thread(verify_password, stored, password)
    if staff is None or not matched:
        raise await _refuse_sign_in(uow, attempt, staff)
    async with uow:
        staff = await uow.session.get(Staff, staff.id)
        assert staff is not None
        if staff.locked_at is not None:
            raise AccountLocked()
        await login_guard.forget_failures(uow, attempt)
        stored = staff.password_hash
        if stored is not None and password_needs_rehash(stored):
            # argon2's parameters were raised since this hash was made: upgrade it now,
            # the only moment the plain password is at hand.
            old = snapshot(staff)
            staff.password_hash = await asyncio.to_thread(hash_password, password)
            await uow.save(staff, action="update", actor_id=None, actor_kind="system", old=old)
        # Commit even when nothing changed: a rollback would expire the returned row.
        await uow.commit()
        return staff


async def report_breach_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    staff_id: int,
    reported_at: datetime,
    lookback: timedelta,
) -> EntryCounts:
    """Record that an account's credentials leaked (seed 002 §4.3–4.4).

    The account is locked, its unused invite codes are revoked, and every mark,
    attendance entry, homework and remark it created since `reported_at` (the
    moment the head of the school learned of the breach, at most `lookback` ago) is
    voided; families hear of withdrawn marks, absences and homework. Who may lock
    whom: `core.breach_rules`. Returns how many entries of each kind were voided;
    `core.reading.breach.preview_breach` says the same beforehand, changing nothing.
    """
    # One report at a time per school: two administrators locking each other at once
    # must not both pass the "another active administrator remains" rule.
    school = select(School.id).where(School.id == actor.school_id)
    await uow.session.exec(school.with_for_update(key_share=True))  # FK checks still pass
    case = await check_breach_report(
        uow, actor=actor, staff_id=staff_id, since=reported_at, lookback=lookback
    )
    admin, target = case.reporter, case.target
    if target.locked_at is None:
        old = snapshot(target)
        target.locked_at = uow.now()
        await uow.save(target, action="update", actor_id=admin.id, old=old)
    # Leaked credentials may have opened sessions or made API tokens: all of them die.
    await revoke_tokens_of(uow, target.id or 0)
    await revoke_pending_invites(uow, school_id=admin.school_id, staff_id=target.id, by=admin)
    return await void_entries_since(uow, author=target, by=admin, since=reported_at)


report_breach = transactional(report_breach_in)


async def unlock_staff_in(
    uow: UnitOfWork, *, actor: StaffActor, staff_id: int, new_password: str
) -> Staff:
    """Give a locked account back to its owner (administrator only).

    The leaked password must not work again, so unlocking sets a new one; the
    links to chats (Telegram, MAX) are dropped too (one may be how the account leaked)
    and are renewed with a fresh invite code.
    """
    admin = await load_staff(uow, actor)
    require_role(admin, Role.admin)
    target = await get_in_school(uow, Staff, staff_id, admin.school_id, "staff")
    if target.locked_at is None:
        raise RuleViolation("staff_not_locked", staff=target.short_name)
    old = snapshot(target)
    target.password_hash = await _hash_new_password(new_password, login=target.login)
    target.locked_at = None
    unlink(target)
    await uow.save(target, action="update", actor_id=admin.id, old=old)
    return target


unlock_staff = transactional(unlock_staff_in)


async def set_staff_roles_in(
    uow: UnitOfWork, *, actor: StaffActor, staff_id: int, roles: Iterable[str]
) -> Staff:
    """Change a staff member's roles (administrator only).

    An administrator cannot drop their own administrator role: the school would be
    left without anyone to give it back.
    """
    admin = await load_staff(uow, actor)
    require_role(admin, Role.admin)
    target = await get_in_school(uow, Staff, staff_id, admin.school_id, "staff")
    role_values = _check_roles(roles)
    if target.id == admin.id and Role.admin.value not in role_values:
        raise RuleViolation("own_admin_role")
    if role_values != target.roles:
        old = snapshot(target)
        target.roles = role_values
        await uow.save(target, action="update", actor_id=admin.id, old=old)
    return target


set_staff_roles = transactional(set_staff_roles_in)
