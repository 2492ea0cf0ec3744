"""One error handler for every handler: core's refusals become friendly text, the
rest is logged without personal data and answered with an apology."""

from __future__ import annotations

import contextlib
import html
import logging
import traceback

from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, ErrorEvent, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from core.errors import ZvonokError
from core.i18n import pick_language

log = logging.getLogger(__name__)


def _language(event: ErrorEvent) -> str:
    update = event.update
    user = None
    if update.message is not None:
        user = update.message.from_user
    elif update.callback_query is not None:
        user = update.callback_query.from_user
    return pick_language(user.language_code if user else None)


def where(error: BaseException, depth: int = 4) -> str:
    """The innermost frames as «file:line in function», newest last."""
    frames = traceback.extract_tb(error.__traceback__)[-depth:]
    return " <- ".join(
        f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno} in {frame.name}"
        for frame in reversed(frames)
    )


async def _reply(event: ErrorEvent, text: str) -> None:
    update = event.update
    target: Message | None = update.message
    query: CallbackQuery | None = update.callback_query
    with contextlib.suppress(TelegramAPIError):  # answered already, or Telegram is away
        if query is not None:
            await query.answer(text[:200], show_alert=True)
        elif target is not None:
            # Plain text in an HTML chat: a refusal may quote what the parent typed.
            await target.answer(html.escape(text, quote=False))


async def on_error(event: ErrorEvent, lang: str | None = None) -> bool:
    """Texts come in the update's language (`bots.i18n.ChatLanguage` is a middleware of
    the error observer too); core's errors translate themselves."""
    language = lang or _language(event)
    error = event.exception
    if isinstance(error, ZvonokError):
        # Refused on purpose: the message says what to do; it names no one in the log.
        log.info("refused: %s (%s)", type(error).__name__, error.key_used)
        await _reply(event, error.message(language))
    elif isinstance(error, SQLAlchemyError | OSError):
        log.warning("journal unavailable while handling an update: %s", type(error).__name__)
        await _reply(event, _("The journal is unavailable right now. Please try again later."))
    else:
        # The type and where it happened, not the exception's text: that may quote
        # what a parent typed or a child's name.
        log.error(
            "unexpected %s in update %s at %s",
            type(error).__name__,
            event.update.update_id,
            where(error),
        )
        await _reply(event, _("Something went wrong. Please try again in a minute."))
    return True


def build_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
