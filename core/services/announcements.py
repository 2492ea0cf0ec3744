"""Announcements to the families of a class or of the whole school.

Seed 002 §2.4.2: the class teacher posts the class's announcements and news; the
product's monthly message to parents is such an announcement with `monthly` set.
"""

from __future__ import annotations

from core.actors import StaffActor
from core.errors import RuleViolation
from core.events import AnnouncementPosted
from core.limits import check_length
from core.models import Announcement, SchoolClass
from core.permissions import load_staff, require_announcer
from core.rows import get_in_school
from core.uow import UnitOfWork, transactional
from core.validation import require_text


async def post_announcement_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    class_id: int | None,
    title: str,
    body: str,
    urgent: bool = False,
    monthly: bool = False,
) -> Announcement:
    """Post an announcement to a class's families, or the whole school's (`class_id` None).

    A class: its class teacher, the deputy director or an administrator. The whole
    school: the deputy director or an administrator. Urgent ones skip quiet hours.
    """
    title = check_length("announcement_title", title.strip())
    if not title:
        raise RuleViolation("empty_title")
    body = check_length("announcement_body", require_text(body))
    if monthly and class_id is None:
        raise RuleViolation("monthly_needs_class")
    staff = await load_staff(uow, actor)
    klass = None
    if class_id is not None:
        klass = await get_in_school(uow, SchoolClass, class_id, staff.school_id, "class")
    require_announcer(staff, klass)
    announcement = Announcement(
        school_id=staff.school_id,
        class_id=class_id,
        title=title,
        body=body,
        urgent=urgent,
        monthly=monthly,
        created_at=uow.now(),
        created_by=staff.id,
    )
    await uow.save(announcement, school_id=staff.school_id, action="create", actor_id=staff.id)
    uow.record(
        AnnouncementPosted(
            school_id=staff.school_id,
            announcement_id=announcement.id or 0,
            class_id=class_id,
            class_name=klass.name if klass else None,
            title=title,
            body=body,
            urgent=urgent,
            monthly=monthly,
            author_id=staff.id or 0,
        )
    )
    return announcement


post_announcement = transactional(post_announcement_in)
