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

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from redis.asyncio import Redis
from sqlalchemy.exc import SQLAlchemyError

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
from bots.routers import private_router
from core import formats
from core.actors import StaffActor
from core.db import Database
from core.errors import ZvonokError
from core.fallback.queue import claim_send, release_send
from core.fallback.snapshot import Assignment
from core.messengers import MessengerChat
from core.models import Messenger, utcnow
from core.reading.chats import ChatLinks
from core.services.chat_homework import give_homework_from_chat
from core.uow import UnitOfWork
from notifier.channels import Channels
from notifier.fallback import NotListed, broadcast_homework


async def start_hw(
    message: Message,
    state: FSMContext,
    db: Database,
    redis: Redis,
    links: ChatLinks | None,
    journal_up: bool,
) -> None:
    await state.clear()
    assignments = await teacher_assignments(db, redis, links, message.chat.id, journal_up)
    if not assignments:
        await message.answer(say.not_teacher())
        return
    await message.answer(say.pick(journal_up), reply_markup=picker(assignments))


async def picked(
    query: CallbackQuery,
    callback_data: Pick,
    state: FSMContext,
    db: Database,
    redis: Redis,
    links: ChatLinks | None,
    journal_up: bool,
) -> None:
    assignments = await teacher_assignments(db, redis, links, query.from_user.id, journal_up)
    chosen = next((a for a in assignments if pick_of(a) == callback_data), None)
    if chosen is None or not isinstance(query.message, Message):
        await query.answer(say.gone(), show_alert=True)
        return
    data: dict[str, Any] = {"assignment": chosen.model_dump(mode="json")}
    kept = (await state.get_data()).get("text")
    if kept:  # the text of a refused entry, now for another class or subject
        await state.set_data(data | {"text": kept})
        await ask_to_confirm(query.message, state, data | {"text": kept})
    else:
        await state.set_data(data)
        await state.set_state(HwFlow.text)
        await query.message.edit_text(say.type_prompt(**names(chosen), limit=MAX_TEXT))
    await query.answer()


async def typed(message: Message, state: FSMContext) -> None:
    text = (message.text or "").strip()
    if not text:
        await message.answer(say.text_only())
        return
    if len(text) > MAX_TEXT:
        await message.answer(say.too_long(len(text), MAX_TEXT))
        return
    data = await state.get_data()
    assignment = Assignment.model_validate(data["assignment"])
    await state.update_data(text=text, flow=uuid.uuid4().hex)
    await state.set_state(HwFlow.confirm)
    preview = say.preview(text=html.escape(text), **names(assignment))
    await message.answer(preview, reply_markup=confirm_keyboard())


async def not_text(message: Message) -> None:
    await message.answer(say.text_only())


async def cancel(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(say.cancelled())


async def _set_in_journal(
    db: Database, chat_id: int, assignment: Assignment, text: str, lang: str
) -> str:
    """Through core: what to tell the teacher. A refusal raises the core error."""
    given = await give_homework_from_chat(
        UnitOfWork(db),
        chat=MessengerChat(Messenger.telegram, chat_id),
        actor=StaffActor(staff_id=assignment.staff_id, school_id=assignment.school_id),
        class_id=assignment.class_id,
        group_id=assignment.group_id,
        subject_id=assignment.subject_id,
        text=text,
    )
    date = formats.numeric_date(given.date, lang)
    return say.entered(date=date, slot=given.slot, **names(assignment))


async def _broadcast(
    redis: Redis, channels: Channels, chat_id: int, assignment: Assignment, data: dict[str, str]
) -> str:
    """Through the notifier's broadcast: what to tell the teacher."""
    result = await broadcast_homework(
        redis,
        channels,
        chat=MessengerChat(Messenger.telegram, chat_id),
        assignment=assignment,
        entry_id=data["flow"],
        text=data["text"],
        now=utcnow(),
    )
    if not result.total:
        return say.broadcast_nobody(**names(assignment))
    return say.broadcast_done(reached=result.reached, total=result.total, **names(assignment))


async def decided(
    query: CallbackQuery,
    callback_data: Decide,
    state: FSMContext,
    db: Database,
    redis: Redis,
    channels: Channels,
    journal_up: bool,
    lang: str,
) -> None:
    data = await state.get_data()
    if not callback_data.send:
        await _finish(query, state, say.cancelled())
        return
    if not await claim_send(redis, data["flow"]):
        await query.answer(say.already_sent(), show_alert=True)
        return
    assignment = Assignment.model_validate(data["assignment"])
    chat_id = query.from_user.id
    try:
        if journal_up:
            answer = await _set_in_journal(db, chat_id, assignment, data["text"], lang)
        else:
            answer = await _broadcast(redis, channels, chat_id, assignment, data)
    except (SQLAlchemyError, OSError):
        # The journal went away mid-way and nothing was written: the conversation is
        # still there, and «Отправить» again broadcasts it (the journal is down now).
        await release_send(redis, data["flow"])
        raise
    except ZvonokError as error:
        await refused.offer(query, state, data["flow"], html.escape(error.message(lang)), redis)
        return
    except NotListed:
        await refused.offer(query, state, data["flow"], say.not_in_snapshot(), redis)
        return
    await _finish(query, state, answer)


async def _finish(query: CallbackQuery, state: FSMContext, text: str) -> None:
    await state.clear()
    if isinstance(query.message, Message):
        await query.message.edit_text(text)
    await query.answer()


async def stale_button(query: CallbackQuery) -> None:
    await query.answer(say.nothing_to_confirm(), show_alert=True)


def build_router() -> Router:
    router = private_router("homework")
    router.message.register(start_hw, Command("hw"))
    router.message.register(cancel, Command("cancel"), StateFilter(HwFlow))
    router.message.register(typed, StateFilter(HwFlow.text), F.text)
    router.message.register(not_text, StateFilter(HwFlow.text))
    router.callback_query.register(picked, Pick.filter())
    router.callback_query.register(decided, Decide.filter(), StateFilter(HwFlow.confirm))
    router.callback_query.register(stale_button, Decide.filter())
    refused.register(router)
    return router
