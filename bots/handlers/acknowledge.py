"""«Ознакомлен» buttons: `ack:<subject>` on announcements (put there by the delivery
worker's rendering) and on the weekly summary (`ack:week:<student>:<monday>`).

The press is recorded by `core.services.acknowledgements`; the button then shows when
it was pressed. A chat that is not the guardian's gets one refusal that names nothing.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bots.routers import private_router
from core import formats
from core.actors import GuardianActor
from core.db import Database
from core.errors import Forbidden
from core.reading.chats import ChatLinks
from core.services.acknowledgements import acknowledge
from core.uow import UnitOfWork

PREFIX = "ack:"


def _pressed(markup: InlineKeyboardMarkup | None, data: str, label: str) -> InlineKeyboardMarkup:
    """The message's buttons with the pressed one showing `label` (its data kept, so a
    second press is answered «already»)."""
    rows = markup.inline_keyboard if markup is not None else []
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=label, callback_data=data)
                if b.callback_data == data
                else b
                for b in row
            ]
            for row in rows
        ]
    )


async def on_acknowledge(
    query: CallbackQuery, links: ChatLinks | None, lang: str, db: Database, journal_up: bool
) -> None:
    if not journal_up:
        await query.answer(
            _("The journal is unavailable right now. Please press the button again later."),
            show_alert=True,
        )
        return
    if links is None or not links.guardians:
        raise Forbidden("ack_refused")
    actors = [GuardianActor(guardian_id=g.id or 0, school_id=g.school_id) for g in links.guardians]
    data = query.data or ""
    done = await acknowledge(UnitOfWork(db), actor=actors, subject=data.removeprefix(PREFIX))
    local = done.local_at
    at = f"{formats.short_date(local.date(), lang)} {formats.time_of_day(local, lang)}"
    if done.already:
        await query.answer(_("Already acknowledged: %(at)s") % {"at": at})
    else:
        await query.answer(_("Thank you, acknowledged: %(at)s") % {"at": at})
    if isinstance(query.message, Message):
        label = _("✓ Acknowledged %(at)s") % {"at": at}
        markup = _pressed(query.message.reply_markup, data, label)
        try:
            await query.message.edit_reply_markup(reply_markup=markup)
        except TelegramBadRequest as error:
            if "not modified" not in error.message:  # a second press: it shows this already
                raise


def build_router() -> Router:
    router = private_router("acknowledge")
    router.callback_query.register(on_acknowledge, F.data.startswith(PREFIX))
    return router
