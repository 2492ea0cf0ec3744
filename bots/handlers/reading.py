"""What parents read: /homework, /diary (◀ ▶ move it by a week), /tests, /marks, /absences.

The same through the reply keyboard. A chat following several children gets one
message per child, each headed with the child's name and class. Only chats with
children are answered here (and every chat while the journal is down); a stranger's
or a staff member's message falls through to the catch-all, which reveals nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bots.handlers.reading_text import (
    absences_text,
    diary_text,
    homework_text,
    journal_down,
    marks_text,
    tests_text,
)
from bots.menu import menu_button
from bots.routers import private_router
from core.actors import GuardianActor
from core.db import Database
from core.models import utcnow
from core.reading import (
    ReadingUnit,
    absences_overview,
    homework_ahead,
    marks_overview,
    monday_of,
    upcoming_tests,
    week_diary,
)
from core.reading.chats import ChatLinks, Child
from notifier.telegram_text import MESSAGE_LIMIT, split_message

Clock = Callable[[], dt.datetime]
Markup = InlineKeyboardMarkup | None
# One child's screen: a reading unit, the guardian acting, the child, the language.
Screen = Callable[[ReadingUnit, GuardianActor, Child, str], Awaitable[tuple[str, Markup]]]


class DiaryWeek(CallbackData, prefix="diary"):
    """◀ / ▶ under a diary: «diary:<student id>:<Monday, ISO>»."""

    student_id: int
    monday: str


def actor_for(child: Child) -> GuardianActor:
    """The guardian the chat acts as for this child (one guardian row per school)."""
    return GuardianActor(guardian_id=child.guardian_id, school_id=child.school_id)


def for_families(_: object, links: ChatLinks | None) -> bool:
    """Answered here: chats with children, and any chat while the journal is down."""
    return links is None or bool(links.children)


async def homework_screen(
    uow: ReadingUnit, actor: GuardianActor, child: Child, lang: str
) -> tuple[str, Markup]:
    ahead = await homework_ahead(uow, actor=actor, student_id=child.student_id)
    return homework_text(child.label, ahead, lang), None


async def diary_screen(
    uow: ReadingUnit, actor: GuardianActor, child: Child, lang: str, week: dt.date | None = None
) -> tuple[str, Markup]:
    diary = await week_diary(uow, actor=actor, student_id=child.student_id, week_start=week)
    return diary_text(child.label, diary, lang), week_buttons(child.student_id, diary.week_start)


async def tests_screen(
    uow: ReadingUnit, actor: GuardianActor, child: Child, lang: str
) -> tuple[str, Markup]:
    upcoming = await upcoming_tests(uow, actor=actor, student_id=child.student_id)
    return tests_text(child.label, upcoming, lang), None


async def marks_screen(
    uow: ReadingUnit, actor: GuardianActor, child: Child, lang: str
) -> tuple[str, Markup]:
    overview = await marks_overview(uow, actor=actor, student_id=child.student_id)
    return marks_text(child.label, overview, lang), None


async def absences_screen(
    uow: ReadingUnit, actor: GuardianActor, child: Child, lang: str
) -> tuple[str, Markup]:
    overview = await absences_overview(uow, actor=actor, student_id=child.student_id)
    return absences_text(child.label, overview, lang), None


def week_buttons(student_id: int, monday: dt.date) -> InlineKeyboardMarkup:
    """◀ the week before, ▶ the week after the one shown."""
    weeks = (("◀", monday - dt.timedelta(days=7)), ("▶", monday + dt.timedelta(days=7)))
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=label,
                    callback_data=DiaryWeek(student_id=student_id, monday=day.isoformat()).pack(),
                )
                for label, day in weeks
            ]
        ]
    )


def split_screen(text: str) -> list[str]:
    """The screen in messages within Telegram's 4096 characters, cut between days; each
    further part repeats the screen's heading (the child, the week), so none is anonymous."""
    head = text.split("\n\n", 1)[0]
    room = MESSAGE_LIMIT - len(head.encode("utf-16-le")) // 2 - 2
    parts = split_message(text, html=True, limit=room)
    return parts[:1] + [f"{head}\n\n{part}" for part in parts[1:]]


async def send_parts(bot: Bot, chat_id: int, parts: list[str], markup: Markup) -> None:
    """The parts as messages in order; the buttons go on the last."""
    for number, part in enumerate(parts, start=1):
        last = number == len(parts)
        await bot.send_message(chat_id, part, reply_markup=markup if last else None)


def screen_handler(screen: Screen) -> Callable[..., Awaitable[None]]:
    """A command or menu button answered with `screen`, once per child of the chat."""

    async def handle(
        message: Message,
        bot: Bot,
        db: Database,
        links: ChatLinks | None,
        lang: str,
        clock: Clock = utcnow,
    ) -> None:
        if links is None:
            await message.answer(journal_down())
            return
        for child in links.children:
            text, markup = await screen(ReadingUnit(db, clock=clock), actor_for(child), child, lang)
            parts = split_screen(text)
            await send_parts(bot, message.chat.id, parts, markup)

    return handle


def _week(data: DiaryWeek) -> dt.date | None:
    try:
        return monday_of(dt.date.fromisoformat(data.monday))
    except ValueError:
        return None


async def edit_in_place(message: Message, text: str, markup: Markup) -> None:
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        # A double tap shows the same week again: Telegram refuses an edit changing nothing.
        if "message is not modified" not in str(error):
            raise


async def move_week(
    query: CallbackQuery,
    callback_data: DiaryWeek,
    db: Database,
    links: ChatLinks | None,
    lang: str,
    bot: Bot,
    clock: Clock = utcnow,
) -> None:
    """◀ / ▶: the same message shows the other week (further parts, if any, follow)."""
    child = links.child(callback_data.student_id) if links else None
    week = _week(callback_data)
    if child is None or week is None:
        refusal = journal_down() if links is None else _("This button no longer works.")
        await query.answer(refusal, show_alert=True)
        return
    uow = ReadingUnit(db, clock=clock)
    text, markup = await diary_screen(uow, actor_for(child), child, lang, week)
    await query.answer()
    parts = split_screen(text)
    message = query.message
    if isinstance(message, Message):
        await edit_in_place(message, parts[0], markup if len(parts) == 1 else None)
        parts = parts[1:]
    await send_parts(bot, links.chat_id if links else query.from_user.id, parts, markup)


def build_router() -> Router:
    router = private_router("reading")
    router.message.filter(for_families)
    router.callback_query.filter(for_families)
    screens = {
        "homework": homework_screen,
        "diary": diary_screen,
        "tests": tests_screen,
        "marks": marks_screen,
        "absences": absences_screen,
    }
    for name, screen in screens.items():
        handle = screen_handler(screen)
        router.message.register(handle, Command(name))
        router.message.register(handle, menu_button(name))
    router.callback_query.register(move_week, DiaryWeek.filter())
    return router
