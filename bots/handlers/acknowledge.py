"""«Ознакомлен» buttons: `ack:<subject>` on announcements (put there by the delivery
worker's rendering) and on the weekly summary (`ack:week:<student>:<monday>`).

The press is recorded by `core.services.acknowledgements`; the button then shows when
it was pressed. A chat that is not the guardian's gets one refusal that names nothing.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bots.i18n import Catalog
from bots.routers import private_router
from core.actors import GuardianActor
from core.db import Database
from core.errors import Forbidden
from core.services.acknowledgements import acknowledge
from core.services.chats import ChatLinks
from core.uow import UnitOfWork

PREFIX = "ack:"

T = Catalog(
    {
        "thanks": ("Спасибо, отмечено: {at}", "Thank you, acknowledged: {at}"),
        "already": ("Уже отмечено: {at}", "Already acknowledged: {at}"),
        "done": ("✓ Ознакомлен(а) {at}", "✓ Acknowledged {at}"),
        "journal_down": (
            "Электронный журнал сейчас недоступен. Нажмите кнопку ещё раз позже.",
            "The journal is unavailable right now. Please press the button again later.",
        ),
    }
)


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
        await query.answer(T(lang, "journal_down"), show_alert=True)
        return
    if links is None or not links.guardians:
        raise Forbidden("ack_refused")
    actors = [GuardianActor(guardian_id=g.id or 0, school_id=g.school_id) for g in links.guardians]
    data = query.data or ""
    done = await acknowledge(UnitOfWork(db), actor=actors, subject=data.removeprefix(PREFIX))
    at = done.local_at.strftime("%d.%m %H:%M")
    await query.answer(T(lang, "already" if done.already else "thanks", at=at))
    if isinstance(query.message, Message):
        markup = _pressed(query.message.reply_markup, data, T(lang, "done", at=at))
        try:
            await query.message.edit_reply_markup(reply_markup=markup)
        except TelegramBadRequest as error:
            if "not modified" not in error.message:  # a second press: it shows this already
                raise


def build_router() -> Router:
    router = private_router("acknowledge")
    router.callback_query.register(on_acknowledge, F.data.startswith(PREFIX))
    return router
