"""Who is writing: the chat's links and language, loaded once per update.

`links` is None in group chats (nothing personal is said there) and while the
journal's database is unreachable (`journal_up` False then); `lang` is the guardian's
choice, else the language the messenger reports for the user, else Russian.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from bots.dialog.conversation import Conversation
from bots.dialog.router import parse_command
from bots.dialog.turn import Deps, Press, Surface, Turn
from core.db import Database
from core.i18n import pick_language
from core.messengers import MessengerChat
from core.reading.chats import ChatLinks, chat_links

log = logging.getLogger(__name__)


async def load_links(db: Database, chat: MessengerChat) -> ChatLinks | None:
    """The chat's links, or None when the database cannot be reached."""
    try:
        async with db.session() as session:
            return await chat_links(session, chat)
    except (SQLAlchemyError, OSError) as error:
        log.warning("journal database unreachable: %s", type(error).__name__)
        return None


async def make_turn(
    deps: Deps,
    chat: MessengerChat,
    surface: Surface,
    *,
    private: bool,
    user_language: str | None,
    text: str | None = None,
    press: Press | None = None,
) -> Turn:
    """A turn with its context loaded: links, language and conversation."""
    links: ChatLinks | None = None
    journal_up = True
    if private:
        links = await load_links(deps.db, chat)
        journal_up = links is not None
    lang = pick_language(links.language if links else None, user_language)
    command = parse_command(text) if press is None else None
    return Turn(
        deps=deps,
        chat=chat,
        surface=surface,
        conversation=await Conversation(deps.redis, chat).load(),
        private=private,
        links=links,
        journal_up=journal_up,
        lang=lang,
        text=text,
        command=command[0] if command else None,
        args=command[1] if command else "",
        press=press,
    )
