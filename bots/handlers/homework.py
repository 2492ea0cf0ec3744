"""/hw: a teacher gives homework through the bot, with the journal up or down.

Pick a class (or group) and subject from one's assignments, type the text, confirm.
Journal up: the homework goes on the next lesson through core, and delivery tells the
families as usual. Journal down (its database unreachable): the teacher is known by
their chat from the roster snapshot, the homework is broadcast at once to the class's
families and queued; a worker writes it into the journal when it is back.
"""

from __future__ import annotations

import html
import uuid

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from redis.asyncio import Redis
from sqlalchemy.exc import SQLAlchemyError

from bots.handlers import homework_texts as say
from bots.handlers.homework_broadcast import send_to_families
from bots.routers import private_router
from core import formats
from core.actors import StaffActor
from core.db import Database
from core.errors import ZvonokError
from core.fallback.queue import (
    FallbackEntry,
    claim_send,
    close_broadcast,
    open_entry,
    release_send,
)
from core.fallback.roster import assignments_of
from core.fallback.snapshot import Assignment, staff_snapshots
from core.models import Lesson, utcnow
from core.reading.chats import ChatLinks
from core.services.homework import set_homework_for_next_lesson
from core.settings import Settings
from core.uow import UnitOfWork

# Room for the heading and the note around it in one Telegram message (4,096).
MAX_TEXT = 3000


class HwFlow(StatesGroup):
    text = State()
    confirm = State()


class Pick(CallbackData, prefix="hwp"):
    school: int
    klass: int
    group: int  # 0: the whole class
    subject: int


class Decide(CallbackData, prefix="hwc"):
    send: bool


def _pick_of(a: Assignment) -> Pick:
    return Pick(school=a.school_id, klass=a.class_id, group=a.group_id or 0, subject=a.subject_id)


def _same(a: Assignment, b: Assignment) -> bool:
    return (a.staff_id, _pick_of(a)) == (b.staff_id, _pick_of(b))


async def teacher_assignments(
    db: Database, redis: Redis, links: ChatLinks | None, chat_id: int, journal_up: bool
) -> tuple[Assignment, ...]:
    """From the journal while it is up; from the roster snapshot, by chat, while it is down."""
    if journal_up and links is not None:
        if not links.staff:
            return ()
        async with db.session() as session:
            return await assignments_of(session, [s.staff_id for s in links.staff])
    return tuple(a for _, staff in await staff_snapshots(redis, chat_id) for a in staff.assignments)


def _picker(assignments: tuple[Assignment, ...]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for a in assignments:
        builder.button(text=f"{a.where} · {a.subject}", callback_data=_pick_of(a).pack())
    builder.adjust(1)
    return builder.as_markup()


def _confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=say.send_label(), callback_data=Decide(send=True).pack()),
                InlineKeyboardButton(
                    text=say.cancel_label(), callback_data=Decide(send=False).pack()
                ),
            ]
        ]
    )


def _names(a: Assignment) -> dict[str, str]:
    return {"where": html.escape(a.where), "subject": html.escape(a.subject)}


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
    await message.answer(say.pick(journal_up), reply_markup=_picker(assignments))


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
    chosen = next((a for a in assignments if _pick_of(a) == callback_data), None)
    if chosen is None:
        await query.answer(say.gone(), show_alert=True)
        return
    await state.set_state(HwFlow.text)
    await state.set_data({"assignment": chosen.model_dump(mode="json")})
    if isinstance(query.message, Message):
        await query.message.edit_text(say.type_prompt(**_names(chosen)))
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
    preview = say.preview(text=html.escape(text), **_names(assignment))
    await message.answer(preview, reply_markup=_confirm_keyboard())


async def not_text(message: Message) -> None:
    await message.answer(say.text_only())


async def cancel(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(say.cancelled())


async def _set_in_journal(
    db: Database, links: ChatLinks | None, assignment: Assignment, text: str, lang: str
) -> str:
    staff_ids = {s.staff_id for s in links.staff} if links is not None else set()
    if assignment.staff_id not in staff_ids:
        return say.not_teacher()
    try:
        homework = await set_homework_for_next_lesson(
            UnitOfWork(db),
            actor=StaffActor(staff_id=assignment.staff_id, school_id=assignment.school_id),
            class_id=assignment.class_id,
            group_id=assignment.group_id,
            subject_id=assignment.subject_id,
            text=text,
        )
    except ZvonokError as error:
        return html.escape(error.message(lang))
    async with db.session() as session:
        lesson = await session.get(Lesson, homework.lesson_id)
    assert lesson is not None
    date = formats.numeric_date(lesson.date, lang)
    return say.entered(date=date, slot=lesson.slot, **_names(assignment))


async def _broadcast(
    settings: Settings, redis: Redis, chat_id: int, assignment: Assignment, data: dict[str, str]
) -> str:
    """Queue the entry, send it to the families in the snapshot: what to tell the teacher."""
    schools = {
        snap.school_id: (snap, staff) for snap, staff in await staff_snapshots(redis, chat_id)
    }
    found = schools.get(assignment.school_id)
    if found is None or not any(_same(a, assignment) for a in found[1].assignments):
        return say.not_in_snapshot()
    snapshot, _ = found
    entry = FallbackEntry.for_assignment(
        data["flow"], assignment, text=data["text"], sent_at=utcnow()
    )
    await open_entry(redis, entry)
    audience = snapshot.audience(assignment.class_id, assignment.group_id)
    result = await send_to_families(settings, redis, entry, audience)
    await close_broadcast(redis, entry)
    if not result.total:
        return say.broadcast_nobody(**_names(assignment))
    return say.broadcast_done(reached=result.reached, total=result.total, **_names(assignment))


async def decided(
    query: CallbackQuery,
    callback_data: Decide,
    state: FSMContext,
    settings: Settings,
    db: Database,
    redis: Redis,
    links: ChatLinks | None,
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
    if journal_up:
        try:
            answer = await _set_in_journal(db, links, assignment, data["text"], lang)
        except (SQLAlchemyError, OSError):
            # The journal went away mid-way and nothing was written: the conversation is
            # still there, and «Отправить» again broadcasts it (the journal is down now).
            await release_send(redis, data["flow"])
            raise
    else:
        answer = await _broadcast(settings, redis, query.from_user.id, assignment, data)
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
    return router
