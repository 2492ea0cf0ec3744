"""Invite codes, subscribed parents and what must stay secret, for the bot's subscription tests.

Codes are issued through the core services with the real clock (the bot checks them
at the real time), unless a test needs them issued in the past.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.db import Database
from core.messengers import MessengerChat, linked
from core.models import AcademicYear, Guardian, InviteCode, Messenger, SchoolClass, Staff
from core.security import hash_invite_code
from core.services.guardians import add_guardian
from core.services.invites import issue_invite, redeem_invite
from core.services.roster import enrol_student
from core.uow import UnitOfWork
from tests.bot.harness import Answer
from tests.builders import TODAY, World, insert

# How the bot names each messenger to a parent ("…messages in MAX will stop").
NAMES = {Messenger.telegram: "Telegram", Messenger.max: "MAX"}

# Everything the world knows that a stranger or a group must never read.
SECRETS = (
    "Школа №1",
    "Школа №2",
    "7Б",
    "1А",
    "10А",
    "Пётр",
    "Мария",
    "Иван",
    "Дарья",
    "Елена",
    "Соколов",
    "Новиков",
    "Морозов",
    "Иванова",
    "Петров",
)


def leaks(answers: list[Answer]) -> list[str]:
    """The secrets found in any answer's text or buttons."""
    texts = [a.text for a in answers] + [t for a in answers for t, _ in a.buttons]
    return [secret for secret in SECRETS for text in texts if secret in text]


async def guardian_code(
    db: Database, world: World, guardian: str, *, who: str = "admin", at: dt.datetime | None = None
) -> str:
    uow = UnitOfWork(db) if at is None else UnitOfWork(db, clock=lambda: at)
    issued = await issue_invite(uow, actor=world.actor(who), guardian_id=world.guardians[guardian])
    return issued.code


async def staff_code(db: Database, world: World, staff: str) -> str:
    issued = await issue_invite(
        UnitOfWork(db), actor=world.actor("admin"), staff_id=world.staff[staff]
    )
    return issued.code


async def subscribed(db: Database, world: World, guardian: str, chat: MessengerChat) -> None:
    """A parent who subscribed earlier in `chat` (through the core, not the bot)."""
    code = await guardian_code(db, world, guardian)
    await redeem_invite(UnitOfWork(db), code=code, chat=chat, consent=True)


async def invite_row(db: Database, code: str) -> InviteCode:
    async with db.session() as s:
        query = select(InviteCode).where(InviteCode.code_hash == hash_invite_code(code))
        row = (await s.exec(query)).one()
        return row


async def guardian_row(db: Database, guardian_id: int) -> Guardian:
    async with db.session() as s:
        row = await s.get(Guardian, guardian_id)
        assert row is not None
        return row


async def guardian_chat(
    db: Database, guardian_id: int, messenger: Messenger
) -> MessengerChat | None:
    """The guardian's chat in `messenger`, or None when not linked there."""
    return linked(await guardian_row(db, guardian_id), messenger)


async def staff_row(db: Database, staff_id: int) -> Staff:
    async with db.session() as s:
        row = await s.get(Staff, staff_id)
        assert row is not None
        return row


async def staff_chat(db: Database, staff_id: int, messenger: Messenger) -> MessengerChat | None:
    """The staff member's chat in `messenger`, or None when not linked there."""
    return linked(await staff_row(db, staff_id), messenger)


async def second_school_family(db: Database, world: World) -> tuple[int, str]:
    """A child in Школа №2 (class 5В) with a guardian there: (guardian id, invite code)."""
    [year_id] = await insert(
        db,
        AcademicYear(
            school_id=world.other_school_id,
            name="2026/2027",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2027, 5, 31),
        ),
    )
    [class_id] = await insert(
        db, SchoolClass(school_id=world.other_school_id, year_id=year_id, grade=5, letter="В")
    )
    admin = world.actor("stranger")
    student = await enrol_student(
        UnitOfWork(db),
        actor=admin,
        class_id=class_id,
        last_name="Новиков",
        first_name="Артём",
        on=TODAY - dt.timedelta(days=30),
    )
    guardian = await add_guardian(
        UnitOfWork(db),
        actor=admin,
        student_id=student.id or 0,
        last_name="Новикова",
        first_name="Алла",
    )
    issued = await issue_invite(UnitOfWork(db), actor=admin, guardian_id=guardian.id or 0)
    return guardian.id or 0, issued.code


def texts(answers: list[Answer]) -> str:
    return "\n".join(a.text for a in answers)
