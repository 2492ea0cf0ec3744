"""/hw after the journal (or the backup list) refused an entry: the typed text is kept,
and the teacher chooses: send it again (once the lesson is in the journal, say), put
it on another class or subject, change the text, or stop."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from redis.asyncio import Redis

from bots.handlers import homework_texts as say
from bots.handlers.homework_keyboards import (
    MAX_TEXT,
    HwFlow,
    Next,
    names,
    picker,
    refused_keyboard,
)
from bots.handlers.homework_pages import ask_to_confirm, teacher_assignments
from core.db import Database
from core.fallback.queue import release_send
from core.fallback.snapshot import Assignment
from core.reading.chats import ChatLinks


async def offer(
    query: CallbackQuery, state: FSMContext, flow: str, reason: str, redis: Redis
) -> None:
    """Say why the entry was refused, show the kept text, offer what to do next."""
    await release_send(redis, flow)  # nothing went out: this conversation may send again
    await state.set_state(HwFlow.refused)
    text = (await state.get_data())["text"]
    if isinstance(query.message, Message):
        kept = say.kept(reason=reason, text=html.escape(text))
        await query.message.edit_text(kept, reply_markup=refused_keyboard())
    await query.answer()


async def next_step(
    query: CallbackQuery,
    callback_data: Next,
    state: FSMContext,
    db: Database,
    redis: Redis,
    links: ChatLinks | None,
    journal_up: bool,
) -> None:
    data = await state.get_data()
    message = query.message
    if not isinstance(message, Message):
        await query.answer()
        return
    if callback_data.step == "retry":
        await ask_to_confirm(message, state, data)
    elif callback_data.step == "page":
        pages = await teacher_assignments(db, redis, links, query.from_user.id, journal_up)
        await message.edit_text(say.pick(journal_up), reply_markup=picker(pages))
    elif callback_data.step == "text":
        await state.set_state(HwFlow.text)
        assignment = Assignment.model_validate(data["assignment"])
        await message.edit_text(say.type_prompt(**names(assignment), limit=MAX_TEXT))
    else:
        await state.clear()
        await message.edit_text(say.cancelled())
    await query.answer()


async def stale(query: CallbackQuery) -> None:
    await query.answer(say.nothing_to_confirm(), show_alert=True)


def register(router: Router) -> None:
    """The buttons `offer` shows, on the /hw router."""
    router.callback_query.register(next_step, Next.filter(), StateFilter(HwFlow.refused))
    router.callback_query.register(stale, Next.filter())
