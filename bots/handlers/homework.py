"""/hw: a teacher gives homework through the bot, with the journal up or down.

Pick a class (or group) and subject from one's assignments, type the text, confirm.
Journal up: core puts the homework on the page's next lesson (from the timetable when
the journal has none yet), and delivery tells the families as usual. Journal down
(its database unreachable): the teacher is known by their chat from the roster
snapshot, and the notifier broadcasts the homework to the class's families and
queues it; a worker writes it into the journal when it is back. An entry that is
refused keeps its text, with what the teacher can do next
(`bots.handlers.homework_refused`).
"""

from __future__ import annotations

import html
import uuid
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bots.dialog.router import Router
from bots.dialog.turn import Turn
from bots.handlers import homework_refused as refused
from bots.handlers import homework_texts as say
from bots.handlers.homework_keyboards import (
    MAX_TEXT,
    Decide,
    HwFlow,
    Pick,
    confirm_keyboard,
    names,
    pick_of,
    picker,
)
from bots.handlers.homework_pages import ask_to_confirm, teacher_assignments
from core import formats
from core.actors import StaffActor
from core.errors import ZvonokError
from core.fallback.queue import claim_send, release_send
from core.fallback.snapshot import Assignment
from core.models import utcnow
from core.services.chat_homework import give_homework_from_chat
from core.uow import UnitOfWork
from notifier.fallback import NotListed, broadcast_homework


async def _assignments(turn: Turn) -> tuple[Assignment, ...]:
    deps = turn.deps
    return await teacher_assignments(deps.db, deps.redis, turn.links, turn.chat, turn.journal_up)


async def start_hw(turn: Turn) -> None:
    await turn.conversation.clear()
    assignments = await _assignments(turn)
    if not assignments:
        await turn.say(say.not_teacher())
        return
    await turn.say(say.pick(turn.journal_up), picker(assignments))


async def picked(turn: Turn, pick: Pick) -> None:
    assignments = await _assignments(turn)
    chosen = next((a for a in assignments if pick_of(a) == pick), None)
    if chosen is None or turn.press is None or turn.press.message is None:
        await turn.notify(say.gone(), alert=True)
        return
    data: dict[str, Any] = {"assignment": chosen.model_dump(mode="json")}
    kept = turn.conversation.data.get("text")
    await turn.notify()
    if kept:  # the text of a refused entry, now for another class or subject
        await turn.conversation.set_data(data | {"text": kept})
        await ask_to_confirm(turn, data | {"text": kept})
    else:
        await turn.conversation.set_data(data)
        await turn.conversation.set_state(HwFlow.text)
        await turn.edit(say.type_prompt(**names(chosen), limit=MAX_TEXT))


async def typed(turn: Turn) -> None:
    text = (turn.text or "").strip()
    if not text:
        await turn.say(say.text_only())
        return
    if len(text) > MAX_TEXT:
        await turn.say(say.too_long(len(text), MAX_TEXT))
        return
    assignment = Assignment.model_validate(turn.conversation.data["assignment"])
    await turn.conversation.update_data(text=text, flow=uuid.uuid4().hex)
    await turn.conversation.set_state(HwFlow.confirm)
    preview = say.preview(text=html.escape(text), **names(assignment))
    await turn.say(preview, confirm_keyboard())


async def not_text(turn: Turn) -> None:
    await turn.say(say.text_only())


async def cancel(turn: Turn) -> None:
    await turn.conversation.clear()
    await turn.say(say.cancelled())


async def _set_in_journal(turn: Turn, assignment: Assignment, text: str) -> str:
    """Through core: what to tell the teacher. A refusal raises the core error."""
    given = await give_homework_from_chat(
        UnitOfWork(turn.deps.db),
        chat=turn.chat,
        actor=StaffActor(staff_id=assignment.staff_id, school_id=assignment.school_id),
        class_id=assignment.class_id,
        group_id=assignment.group_id,
        subject_id=assignment.subject_id,
        text=text,
    )
    date = formats.numeric_date(given.date, turn.lang)
    return say.entered(date=date, slot=given.slot, **names(assignment))


async def _broadcast(turn: Turn, assignment: Assignment, data: dict[str, str]) -> str:
    """Through the notifier's broadcast: what to tell the teacher."""
    result = await broadcast_homework(
        turn.deps.redis,
        turn.deps.channels,
        chat=turn.chat,
        assignment=assignment,
        entry_id=data["flow"],
        text=data["text"],
        now=utcnow(),
    )
    if not result.total:
        return say.broadcast_nobody(**names(assignment))
    return say.broadcast_done(reached=result.reached, total=result.total, **names(assignment))


async def decided(turn: Turn, decision: Decide) -> None:
    data, redis = turn.conversation.data, turn.deps.redis
    if not decision.send:
        await _finish(turn, say.cancelled())
        return
    if not await claim_send(redis, data["flow"]):
        await turn.notify(say.already_sent(), alert=True)
        return
    assignment = Assignment.model_validate(data["assignment"])
    try:
        if turn.journal_up:
            answer = await _set_in_journal(turn, assignment, data["text"])
        else:
            answer = await _broadcast(turn, assignment, data)
    except (SQLAlchemyError, OSError):
        # The journal went away mid-way and nothing was written: the conversation is
        # still there, and «Отправить» again broadcasts it (the journal is down now).
        await release_send(redis, data["flow"])
        raise
    except ZvonokError as error:
        await refused.offer(turn, data["flow"], html.escape(error.message(turn.lang)))
        return
    except NotListed:
        await refused.offer(turn, data["flow"], say.not_in_snapshot())
        return
    await _finish(turn, answer)


async def _finish(turn: Turn, text: str) -> None:
    await turn.conversation.clear()
    await turn.notify()
    await turn.edit(text)


async def stale_button(turn: Turn, _: Decide) -> None:
    await turn.notify(say.nothing_to_confirm(), alert=True)


def build_router() -> Router:
    router = Router("homework")
    router.command("hw", start_hw)
    router.command("cancel", cancel, states=HwFlow.members())
    router.text(typed, states=(HwFlow.text,))
    router.message(not_text, states=(HwFlow.text,))
    router.press(Pick, picked)
    router.press(Decide, decided, states=(HwFlow.confirm,))
    router.press(Decide, stale_button)
    refused.register(router)
    return router
