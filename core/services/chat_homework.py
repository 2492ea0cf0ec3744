"""Homework a teacher gives in the bot (/hw), while the journal is up.

The bot hands over what the teacher chose and typed, with the chat it came from; the
rules are here: the chat must be the staff member's own linked chat (in its
messenger), the homework goes on the page's next lesson
(`set_homework_for_next_lesson`), and the answer says which lesson that is. While the journal is down the bot broadcasts instead
(`notifier.fallback`) and the worker's replay writes it here later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.actors import StaffActor
from core.errors import Forbidden
from core.messengers import MessengerChat, linked
from core.models import Lesson, Staff
from core.services.homework import set_homework_for_next_lesson_in
from core.uow import UnitOfWork, transactional


@dataclass(frozen=True)
class GivenHomework:
    """Where the homework went: the lesson's date and bell."""

    homework_id: int
    lesson_id: int
    date: dt.date
    slot: int


async def give_homework_from_chat_in(
    uow: UnitOfWork,
    *,
    chat: MessengerChat,
    actor: StaffActor,
    class_id: int,
    group_id: int | None,
    subject_id: int,
    text: str,
) -> GivenHomework:
    """Set homework on the page's next lesson (journal or timetable) for `actor`,
    who must be linked to `chat` (Telegram or MAX); one transaction (the lesson created
    with it)."""
    staff = await uow.session.get(Staff, actor.staff_id)
    if staff is None or linked(staff, chat.messenger) != chat:
        raise Forbidden(reason="account_not_found")
    homework = await set_homework_for_next_lesson_in(
        uow,
        actor=actor,
        class_id=class_id,
        group_id=group_id,
        subject_id=subject_id,
        text=text,
    )
    lesson = await uow.session.get(Lesson, homework.lesson_id)
    assert lesson is not None
    return GivenHomework(homework.id or 0, lesson.id or 0, lesson.date, lesson.slot)


give_homework_from_chat = transactional(give_homework_from_chat_in)
