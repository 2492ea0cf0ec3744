"""What /hw offers a teacher: their classes and subjects, and the preview to confirm."""

from __future__ import annotations

import html
import uuid
from typing import Any

from redis.asyncio import Redis

from bots.dialog.turn import Turn
from bots.handlers import homework_texts as say
from bots.handlers.homework_keyboards import HwFlow, confirm_keyboard, names
from core.db import Database
from core.fallback.snapshot import Assignment, snapshot_assignments
from core.messengers import MessengerChat
from core.reading import ReadingUnit
from core.reading.chats import ChatLinks
from core.reading.teaching import teaching_pages


async def teacher_assignments(
    db: Database, redis: Redis, links: ChatLinks | None, chat: MessengerChat, journal_up: bool
) -> tuple[Assignment, ...]:
    """From the journal while it is up; from the roster snapshot, by chat, while it is down."""
    if journal_up and links is not None:
        if not links.staff:
            return ()
        return await teaching_pages(ReadingUnit(db), staff_ids=[s.staff_id for s in links.staff])
    return await snapshot_assignments(redis, chat)


async def ask_to_confirm(turn: Turn, data: dict[str, Any]) -> None:
    """Show the homework as it will go, with «Отправить» and «Отмена», in place of the
    pressed message; a new conversation id, so that a refused entry may be sent again."""
    assignment = Assignment.model_validate(data["assignment"])
    await turn.conversation.update_data(flow=uuid.uuid4().hex)
    await turn.conversation.set_state(HwFlow.confirm)
    preview = say.preview(text=html.escape(data["text"]), **names(assignment))
    await turn.edit(preview, confirm_keyboard())
