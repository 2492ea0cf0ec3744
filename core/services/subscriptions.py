"""Unsubscribing a chat, in Telegram or MAX: the chat's own `/stop`.

Whoever writes from a chat proves, through its messenger, that they hold it, so the
chat itself may end its links. Only that chat's link ends: a link in the other
messenger stays, and consent to personal-data processing stays as it was (it is
withdrawn at the school, seed 003 §4.8), so email and SMS continue while it stands,
and a new invite code links the chat again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from core.messengers import MessengerChat, chat_column, unlink
from core.models import Guardian, Staff
from core.uow import UnitOfWork, snapshot, transactional


@dataclass(frozen=True)
class UnlinkedGuardian:
    guardian_id: int
    school_id: int


@dataclass(frozen=True)
class UnlinkedStaff:
    staff_id: int
    school_id: int
    short_name: str


@dataclass(frozen=True)
class Unlinked:
    """What a chat was linked to before `unlink_chat`: empty when it was linked to nothing."""

    guardians: tuple[UnlinkedGuardian, ...] = ()
    staff: tuple[UnlinkedStaff, ...] = ()

    @property
    def nothing(self) -> bool:
        return not self.guardians and not self.staff


async def _unlink_guardians(uow: UnitOfWork, chat: MessengerChat) -> tuple[UnlinkedGuardian, ...]:
    # Every guardian row on the chat, consenting or not: none may keep the chat id.
    column = chat_column(Guardian, chat.messenger)
    query = select(Guardian).where(column == chat.id).order_by(col(Guardian.id))
    unlinked = []
    for guardian in (await uow.session.exec(query)).all():
        old = snapshot(guardian)
        unlink(guardian, chat.messenger)
        await uow.save(
            guardian, action="update", actor_id=guardian.id, actor_kind="guardian", old=old
        )
        unlinked.append(UnlinkedGuardian(guardian.id or 0, guardian.school_id))
    return tuple(unlinked)


async def _unlink_staff(uow: UnitOfWork, chat: MessengerChat) -> tuple[UnlinkedStaff, ...]:
    # Locked accounts too: their link must not outlive the chat's wish to leave.
    column = chat_column(Staff, chat.messenger)
    query = select(Staff).where(column == chat.id).order_by(col(Staff.id))
    unlinked = []
    for staff in (await uow.session.exec(query)).all():
        old = snapshot(staff)
        unlink(staff, chat.messenger)
        await uow.save(staff, action="update", actor_id=staff.id, old=old)
        unlinked.append(UnlinkedStaff(staff.id or 0, staff.school_id, staff.short_name))
    return tuple(unlinked)


async def unlink_chat_in(uow: UnitOfWork, *, chat: MessengerChat) -> Unlinked:
    """End every link of `chat` (guardians in any school, staff members), each change
    audited as made by the person whose row it is. Idempotent: a chat linked to nothing
    gets an empty `Unlinked` and nothing is written."""
    guardians = await _unlink_guardians(uow, chat)
    staff = await _unlink_staff(uow, chat)
    return Unlinked(guardians=guardians, staff=staff)


unlink_chat = transactional(unlink_chat_in)
