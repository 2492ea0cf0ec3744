"""One error handler for every feature: core's refusals become friendly text, the
rest is logged without personal data and answered with an apology."""

from __future__ import annotations

import contextlib
import html
import logging
import traceback

from sqlalchemy.exc import SQLAlchemyError

from bots.dialog.turn import Turn
from bots.i18n import _
from core.errors import ZvonokError

log = logging.getLogger(__name__)


def where(error: BaseException, depth: int = 4) -> str:
    """The innermost frames as «file:line in function», newest last."""
    frames = traceback.extract_tb(error.__traceback__)[-depth:]
    return " <- ".join(
        f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno} in {frame.name}"
        for frame in reversed(frames)
    )


async def _reply(turn: Turn, text: str) -> None:
    # Answered already, or the messenger is away: nothing more to say.
    with contextlib.suppress(Exception):
        if turn.press is not None and not turn.answered:
            await turn.notify(text[:200], alert=True)
        elif turn.private or turn.press is None:
            # Plain text in an HTML chat: a refusal may quote what the parent typed.
            await turn.say(html.escape(text, quote=False))


async def on_error(turn: Turn, error: Exception) -> None:
    """Texts come in the turn's language; core's errors translate themselves."""
    if isinstance(error, ZvonokError):
        # Refused on purpose: the message says what to do; it names no one in the log.
        log.info("refused: %s (%s)", type(error).__name__, error.key_used)
        await _reply(turn, error.message(turn.lang))
    elif isinstance(error, SQLAlchemyError | OSError):
        log.warning("journal unavailable while handling an update: %s", type(error).__name__)
        await _reply(turn, _("The journal is unavailable right now. Please try again later."))
    else:
        # The type and where it happened, not the exception's text: that may quote
        # what a parent typed or a child's name.
        log.error(
            "unexpected %s in a %s update at %s",
            type(error).__name__,
            turn.messenger.value,
            where(error),
        )
        await _reply(turn, _("Something went wrong. Please try again in a minute."))
