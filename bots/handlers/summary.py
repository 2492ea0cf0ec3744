"""/summary and «Итоги недели (PDF)»: this week's summary as a PDF document.

The same A4 page the web app prints (core.reports). With several children the parent
picks one (or all) with inline buttons. Each document carries «Ознакомлен», the
digital parent's signature: `ack:week:<student id>:<Monday>`, handled by the
acknowledge feature, not here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import gettext as _

from bots.handlers.reading import actor_for, for_families
from bots.handlers.reading_text import journal_down
from bots.menu import menu_button
from bots.routers import private_router
from core.calendar import school_today
from core.db import Database
from core.models import utcnow
from core.reading import ReadingUnit, monday_of
from core.reading.chats import ChatLinks, Child
from core.reading.words import date_span
from core.reports.filenames import weekly_summary_filename
from core.reports.weekly import weekly_summary_pdf

Clock = Callable[[], dt.datetime]
ALL = 0  # SummaryFor.student_id meaning every child of the chat


class SummaryFor(CallbackData, prefix="summary"):
    """A child picked for the summary: «summary:<student id>» (0: all of them)."""

    student_id: int


def ack_button(student_id: int, monday: dt.date) -> InlineKeyboardMarkup:
    data = f"ack:week:{student_id}:{monday.isoformat()}"
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=_("✅ Acknowledged"), callback_data=data)]]
    )


def pick_buttons(children: tuple[Child, ...]) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=c.label, callback_data=SummaryFor(student_id=c.student_id).pack()
            )
        ]
        for c in children
    ]
    rows.append(
        [
            InlineKeyboardButton(
                text=_("All children"), callback_data=SummaryFor(student_id=ALL).pack()
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def send_summary(
    bot: Bot, db: Database, links: ChatLinks, child: Child, lang: str, clock: Clock
) -> None:
    """This week's PDF for one child, with its «Ознакомлен» button."""
    monday = monday_of(school_today(links.schools[child.school_id], clock()))
    pdf = await weekly_summary_pdf(
        ReadingUnit(db, clock=clock),
        actor=actor_for(child),
        student_ids=[child.student_id],
        week_start=monday,
        language=lang,
    )
    span = date_span(monday, monday + dt.timedelta(days=5), lang)
    await bot.send_document(
        links.chat_id,
        BufferedInputFile(
            pdf, filename=weekly_summary_filename(child.last_name, child.first_name, monday)
        ),
        caption=_("📄 Week's summary: <b>%(child)s</b>\n%(span)s")
        % {"child": escape(child.label), "span": span},
        reply_markup=ack_button(child.student_id, monday),
    )


async def ask(
    message: Message,
    bot: Bot,
    db: Database,
    links: ChatLinks | None,
    lang: str,
    clock: Clock = utcnow,
) -> None:
    if links is None:
        await message.answer(journal_down())
    elif len(links.children) == 1:
        await send_summary(bot, db, links, links.children[0], lang, clock)
    else:
        question = _("Whose week's summary should I send?")
        await message.answer(question, reply_markup=pick_buttons(links.children))


async def picked(
    query: CallbackQuery,
    callback_data: SummaryFor,
    bot: Bot,
    db: Database,
    links: ChatLinks | None,
    lang: str,
    clock: Clock = utcnow,
) -> None:
    if links is None:
        await query.answer(journal_down(), show_alert=True)
        return
    chosen = links.children if callback_data.student_id == ALL else ()
    child = links.child(callback_data.student_id)
    if child is not None:
        chosen = (child,)
    if not chosen:
        await query.answer(_("This button no longer works."), show_alert=True)
        return
    await query.answer(_("Preparing the PDF…"))
    for each in chosen:
        await send_summary(bot, db, links, each, lang, clock)


def build_router() -> Router:
    router = private_router("summary")
    router.message.filter(for_families)
    router.callback_query.filter(for_families)
    router.message.register(ask, Command("summary"))
    router.message.register(ask, menu_button("summary"))
    router.callback_query.register(picked, SummaryFor.filter())
    return router
