"""The notice of a messenger the school switched off: told once, by the family's other
channels, with a code to join the messenger the school offers (issue 12).

When a school stops offering a messenger (`SchoolPolicy.messengers`), delivery skips it
at once (`routing.closed_channels`); `MessengersChanged` then reaches every family
linked in it, with consent and a child at the school today, that is not linked in a
messenger the school still offers. It goes as an ordinary notification (topic
`notice`, instant, no mode turns it off; quiet hours hold it) by their first live
channel, so through email, SMS or the other messenger; one notification per family
per change (`NotificationEvent` is unique per guardian and event).

What it says is read when it is sent, as every message (`compose`): nothing when the
school took the messenger back meanwhile or the family joined the offered one. The
code it carries is issued when the delivery is claimed (`with_join_code`), only its
hash kept; a retry issues a new one and revokes the last, so one code works at a time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.calendar import school_today
from core.delivery.compose import NOTICE_KIND, Composition
from core.delivery.routing import closed_channels, live_channels
from core.events import MessengersChanged
from core.messengers import chat_column, stranded
from core.models import (
    ContactStatus,
    Enrollment,
    Guardian,
    GuardianSettings,
    Messenger,
    Mode,
    Notification,
    NotificationEvent,
    School,
    StudentGuardian,
)
from core.policy import policy_of
from core.services.invites import issue_system_invite_in
from core.uow import UnitOfWork

TOPIC = "notice"  # the notification's topic (core.models.delivery.NOTIFICATION_TOPICS)


async def plan_notices(
    uow: UnitOfWork, *, event_id: str, event: MessengersChanged, school: School
) -> list[int]:
    """Open one notice per stranded family; the ids due now (all of them)."""
    policy = policy_of(school)
    dropped = tuple(m for m in event.dropped if m not in policy.messengers)
    if not dropped:
        return []  # nothing dropped, or taken back before this ran
    closed = closed_channels(policy)
    now = uow.now()
    guardians = await _families(uow.session, school, dropped, school_today(school, now))
    ids = [g.id or 0 for g in guardians]
    told = set(
        (
            await uow.session.exec(
                select(NotificationEvent.guardian_id).where(
                    NotificationEvent.event_id == event_id,
                    col(NotificationEvent.guardian_id).in_(ids),
                )
            )
        ).all()
    )
    settings = {
        s.guardian_id: s
        for s in (
            await uow.session.exec(
                select(GuardianSettings).where(col(GuardianSettings.guardian_id).in_(ids))
            )
        ).all()
    }
    dead: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for row in (
        await uow.session.exec(select(ContactStatus).where(col(ContactStatus.guardian_id).in_(ids)))
    ).all():
        dead[row.guardian_id].add((row.channel, row.address))
    notes = []
    for guardian in guardians:
        gid = guardian.id or 0
        if gid in told or not stranded(guardian, dropped, policy.messengers):
            continue
        if not live_channels(guardian, settings.get(gid), dead[gid], closed=closed):
            continue  # nowhere else to tell them: the class teacher sees them unreachable
        note = Notification(
            school_id=school.id or 0,
            guardian_id=gid,
            topic=TOPIC,
            mode=Mode.instant.value,
            due_at=now,
            created_at=now,
        )
        uow.session.add(note)
        notes.append(note)
    await uow.session.flush()
    for note in notes:
        uow.session.add(
            NotificationEvent(
                notification_id=note.id or 0, guardian_id=note.guardian_id, event_id=event_id
            )
        )
    return [note.id or 0 for note in notes]


async def _families(
    session: AsyncSession, school: School, dropped: tuple[str, ...], today: dt.date
) -> list[Guardian]:
    """The school's consenting guardians with a child enrolled on `today` and a chat in
    one of the `dropped` messengers."""
    in_dropped = or_(*(chat_column(Guardian, Messenger(m)).is_not(None) for m in dropped))
    query = (
        select(Guardian)
        .join(StudentGuardian, col(StudentGuardian.guardian_id) == Guardian.id)
        .join(Enrollment, col(Enrollment.student_id) == StudentGuardian.student_id)
        .where(
            Guardian.school_id == school.id,
            in_dropped,
            Enrollment.since <= today,
            col(Enrollment.until).is_(None) | (col(Enrollment.until) >= today),
        )
        .distinct()
        .order_by(col(Guardian.id))
    )
    return [g for g in (await session.exec(query)).all() if g.has_consent]


async def with_join_code(uow: UnitOfWork, composition: Composition) -> Composition:
    """The composition with a fresh invite code in its notice (the guardian's older
    unused codes revoked), issued in the claim's transaction; others as they are."""
    if not any(item.kind == NOTICE_KIND for item in composition.items):
        return composition
    guardian = await uow.session.get(Guardian, composition.guardian_id)
    assert guardian is not None
    school = await uow.session.get(School, guardian.school_id)
    assert school is not None
    issued = await issue_system_invite_in(uow, guardian=guardian)
    expires = school_today(school, issued.expires_at)
    items = [
        dataclasses.replace(item, data=item.data | {"code": issued.code, "expires": expires})
        if item.kind == NOTICE_KIND
        else item
        for item in composition.items
    ]
    return dataclasses.replace(composition, items=items)
