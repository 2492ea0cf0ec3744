"""Everything Zvonok holds about one guardian, for the guardian's own request
(152-FZ art. 14: the data subject's right to know what is processed).

Made by the administrator or the secretary, as JSON-ready data; the PDF is laid out
from the same data (`core.reports.guardian_export`). Message texts are not stored:
a notification is rendered when it is sent, from the events listed with it, so the
export lists those events (what the message said, as data) and each delivery.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import SQLModel, col, select

from core.actors import StaffActor
from core.models import (
    Acknowledgement,
    ConsentRecord,
    ConsentText,
    ContactChange,
    ContactStatus,
    Delivery,
    Enrollment,
    Guardian,
    GuardianSettings,
    InviteCode,
    Notification,
    NotificationEvent,
    OutboxEvent,
    Role,
    School,
    SchoolClass,
    Student,
    StudentGuardian,
)
from core.permissions import load_staff, require_role
from core.rows import get_in_school
from core.uow import UnitOfWork

Data = dict[str, Any]
HIDDEN = frozenset({"code_hash", "school_id"})


def dump(row: SQLModel, *, exclude: frozenset[str] = HIDDEN) -> Data:
    return row.model_dump(mode="json", exclude=set(exclude))


async def _rows(uow: UnitOfWork, model: Any, guardian_id: int) -> list[Any]:
    query = select(model).where(model.guardian_id == guardian_id).order_by(col(model.id))
    return list((await uow.session.exec(query)).all())


async def _children(uow: UnitOfWork, guardian_id: int) -> list[Data]:
    query = (
        select(StudentGuardian, Student)
        .join(Student, col(Student.id) == StudentGuardian.student_id)
        .where(StudentGuardian.guardian_id == guardian_id)
        .order_by(col(Student.last_name), col(Student.id))
    )
    children = []
    for link, student in (await uow.session.exec(query)).all():
        classes = await uow.session.exec(
            select(SchoolClass, Enrollment)
            .join(Enrollment, col(Enrollment.class_id) == SchoolClass.id)
            .where(Enrollment.student_id == student.id)
            .order_by(col(Enrollment.since))
        )
        children.append(
            {
                "student_id": student.id,
                "name": student.full_name,
                "relation": link.relation,
                "classes": [
                    {"class": k.name, "since": e.since.isoformat(), "until": _day(e.until)}
                    for k, e in classes.all()
                ],
            }
        )
    return children


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def _consents(uow: UnitOfWork, guardian_id: int) -> list[Data]:
    query = (
        select(ConsentRecord, ConsentText)
        .join(ConsentText, col(ConsentText.id) == ConsentRecord.text_id)
        .where(ConsentRecord.guardian_id == guardian_id)
        .order_by(col(ConsentRecord.at), col(ConsentRecord.id))
    )
    return [
        {**dump(record), "text": text.texts.get(record.language, "")}
        for record, text in (await uow.session.exec(query)).all()
    ]


async def _notifications(uow: UnitOfWork, guardian_id: int) -> list[Data]:
    deliveries: dict[int, list[Data]] = {}
    for delivery in await _rows(uow, Delivery, guardian_id):
        deliveries.setdefault(delivery.notification_id, []).append(dump(delivery))
    events: dict[int, list[Data]] = {}
    query = (
        select(NotificationEvent.notification_id, OutboxEvent)
        .join(OutboxEvent, col(OutboxEvent.id) == NotificationEvent.event_id)
        .where(NotificationEvent.guardian_id == guardian_id)
        .order_by(col(OutboxEvent.occurred_at))
    )
    for notification_id, event in (await uow.session.exec(query)).all():
        events.setdefault(notification_id, []).append(
            {
                "kind": event.kind,
                "occurred_at": event.occurred_at.isoformat(),
                "data": event.payload,
            }
        )
    return [
        {
            **dump(note),
            "events": events.get(note.id or 0, []),
            "deliveries": deliveries.get(note.id or 0, []),
        }
        for note in await _rows(uow, Notification, guardian_id)
    ]


async def guardian_data(uow: UnitOfWork, *, actor: StaffActor, guardian_id: int) -> Data:
    """The export for a guardian's request: identity, contacts, chats, children,
    consent records (with the texts), settings, messages and deliveries. For the
    administrator and the secretary."""
    async with uow:
        staff = await load_staff(uow, actor)
        require_role(staff, Role.admin, Role.secretary)
        guardian = await get_in_school(uow, Guardian, guardian_id, staff.school_id, "guardian")
        return await collect_guardian_data(uow, guardian)


async def collect_guardian_data(uow: UnitOfWork, guardian: Guardian) -> Data:
    gid = guardian.id or 0
    school = await uow.session.get(School, guardian.school_id)
    settings = await _rows(uow, GuardianSettings, gid)
    return {
        "generated_at": uow.now().isoformat(),
        "school": school.name if school else "",
        "guardian": {
            "id": gid,
            "last_name": guardian.last_name,
            "first_name": guardian.first_name,
            "middle_name": guardian.middle_name,
            "language": guardian.language,
            "created_at": guardian.created_at.isoformat(),
        },
        "contacts": {"phone": guardian.phone, "email": guardian.email},
        "chats": {
            "telegram_chat_id": guardian.telegram_chat_id,
            "max_user_id": guardian.max_user_id,
        },
        "children": await _children(uow, gid),
        "consent": {
            "given_at": _day(guardian.consent_given_at),
            "withdrawn_at": _day(guardian.consent_withdrawn_at),
            "source": guardian.consent_source,
            "in_force": guardian.has_consent,
            "records": await _consents(uow, gid),
        },
        "settings": {
            "wants_paper_summary": guardian.wants_paper_summary,
            "chosen": [dump(row, exclude=HIDDEN | {"id", "guardian_id"}) for row in settings],
        },
        "contact_checks": [dump(r) for r in await _rows(uow, ContactChange, gid)],
        "dead_contacts": [dump(r) for r in await _rows(uow, ContactStatus, gid)],
        "invite_codes": [dump(r) for r in await _rows(uow, InviteCode, gid)],
        "acknowledgements": [dump(r) for r in await _rows(uow, Acknowledgement, gid)],
        "notifications": await _notifications(uow, gid),
    }
