"""Setting families up for end-to-end tests: contacts, choices, the school's rules.

Set-up goes straight to the database (it is the test's precondition); what the test
checks goes through the services and arrives at the stand-ins. The workers write to
the same SQLite file meanwhile, so a change that reads first takes the write lock
first (`writing_session`): a deferred transaction would fail with "database is
locked". Addresses are unique across a test session, so tests sharing one running
system never see each other's messages.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from core.db import Database
from core.models import (
    Guardian,
    GuardianSettings,
    Lesson,
    Notification,
    School,
    StudentGuardian,
    utcnow,
)
from core.services.marks import post_mark
from core.uow import UnitOfWork
from tests.builders import TODAY, World, insert

SCHOOL_TZ = ZoneInfo("Europe/Moscow")  # tests.builders' school
_NUMBERS = itertools.count(1)
_TAG = re.compile(r"<[^<>]*>")

# What most tests want: a short grace window and no quiet hours (start == end).
QUICK_POLICY: dict[str, Any] = {
    "grace_window_seconds": 2,
    "quiet_hours_start": "00:00",
    "quiet_hours_end": "00:00",
}


@dataclass(frozen=True)
class Contacts:
    """A guardian's addresses as the stand-ins see them."""

    chat_id: int | None
    email: str | None
    phone: str | None
    max_user_id: int | None = None


def plain(html: str | None) -> str:
    """What a parent reads: Telegram HTML without its tags."""
    return _TAG.sub("", html or "")


def school_now() -> dt.datetime:
    return dt.datetime.now(SCHOOL_TZ)


async def give_contacts(
    db: Database,
    guardian_id: int,
    *,
    telegram: bool = False,
    email: bool = False,
    phone: bool = False,
    max_: bool = False,
) -> Contacts:
    """Fresh, unique addresses on the chosen channels; the others are cleared."""
    n = next(_NUMBERS)
    contacts = Contacts(
        chat_id=5_000_000 + n if telegram else None,
        email=f"parent{n}@family.example" if email else None,
        phone=f"+7916{n:07d}" if phone else None,
        max_user_id=7_000_000 + n if max_ else None,
    )
    async with await db.writing_session() as session:
        guardian = await session.get(Guardian, guardian_id)
        assert guardian is not None
        guardian.telegram_chat_id = contacts.chat_id
        guardian.max_user_id = contacts.max_user_id
        guardian.email, guardian.phone = contacts.email, contacts.phone
        session.add(guardian)
        await session.commit()
    return contacts


async def add_guardian(
    db: Database, w: World, kids: Sequence[str], *, last_name: str, consent: bool = True
) -> int:
    """Another parent of `kids` (a father, say); with or without consent on record."""
    now = utcnow()
    guardian = Guardian(
        school_id=w.school_id,
        last_name=last_name,
        first_name="Алексей",
        consent_given_at=now if consent else None,
        consent_source="paper" if consent else None,
        created_at=now,
    )
    (guardian_id,) = await insert(db, guardian)
    links = [
        StudentGuardian(school_id=w.school_id, student_id=w.students[kid], guardian_id=guardian_id)
        for kid in kids
    ]
    await insert(db, *links)
    return guardian_id


async def add_lesson(db: Database, w: World, class_name: str, *, slot: int) -> int:
    """A mathematics lesson of `class_name` today (tests.builders has none for 10А)."""
    lesson = Lesson(
        school_id=w.school_id,
        class_id=w.classes[class_name],
        subject_id=w.subjects["Математика"],
        teacher_id=w.staff["math"],
        date=TODAY,
        slot=slot,
        created_at=utcnow(),
    )
    (lesson_id,) = await insert(db, lesson)
    return lesson_id


async def choose(
    db: Database,
    school_id: int,
    guardian_id: int,
    *,
    channels: Sequence[str] = (),
    modes: dict[str, str] | None = None,
    quiet: tuple[dt.time, dt.time] | None = None,
    digest_time: dt.time | None = None,
) -> None:
    """Write the guardian's settings (what they would choose in the bot)."""
    async with await db.writing_session() as session:
        query = select(GuardianSettings).where(GuardianSettings.guardian_id == guardian_id)
        row = (await session.exec(query)).first()
        row = row or GuardianSettings(school_id=school_id, guardian_id=guardian_id)
        row.channels = list(channels)
        row.modes = dict(modes or {})
        row.quiet_start, row.quiet_end = quiet or (None, None)
        row.digest_time = digest_time
        session.add(row)
        await session.commit()


async def set_policy(db: Database, school_id: int, **values: Any) -> None:
    """Change the school's delivery rules; times as "HH:MM:SS" (JSON, as stored)."""
    async with await db.writing_session() as session:
        school = await session.get(School, school_id)
        assert school is not None
        stored = {k: v.isoformat() if isinstance(v, dt.time) else v for k, v in values.items()}
        school.policy = {**school.policy, **stored}
        session.add(school)
        await session.commit()


async def notification_statuses(db: Database, guardian_id: int) -> list[str]:
    async with db.session() as session:
        query = (
            select(Notification.status)
            .where(Notification.guardian_id == guardian_id)
            .order_by(Notification.id)  # type: ignore[arg-type]
        )
        return list((await session.exec(query)).all())


async def post_lesson_mark(
    db: Database, w: World, kid: str, value: int, *, lesson: str = "math7"
) -> None:
    """`kid`'s mark in the builders' `lesson`, posted by its teacher (Russian's or maths')."""
    teacher = "russian" if lesson.startswith("russian") else "math"
    await post_mark(
        UnitOfWork(db),
        actor=w.actor(teacher),
        lesson_id=w.lessons[lesson],
        student_id=w.students[kid],
        value=value,
    )
