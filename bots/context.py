"""Who is writing: loaded once per update and handed to handlers by parameter name.

Handlers declare what they need: `links: ChatLinks | None` (None in group chats
and while the journal's database is unreachable), `lang: str`, `journal_up: bool`.
`lang` is also the language the texts are read in (`bots.i18n.ChatLanguage`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject, User
from sqlalchemy.exc import SQLAlchemyError

from core.db import Database
from core.i18n import pick_language
from core.messengers import MessengerChat
from core.models import Messenger
from core.reading.chats import ChatLinks, chat_links

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


async def load_links(db: Database, chat_id: int) -> ChatLinks | None:
    """The chat's links, or None when the database cannot be reached."""
    try:
        async with db.session() as session:
            return await chat_links(session, MessengerChat(Messenger.telegram, chat_id))
    except (SQLAlchemyError, OSError) as error:
        log.warning("journal database unreachable: %s", type(error).__name__)
        return None


class ChatContext(BaseMiddleware):
    """Sets `links`, `journal_up` and `lang` for every update from a chat."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        user: User | None = data.get("event_from_user")
        links: ChatLinks | None = None
        journal_up = True
        if chat is not None and chat.type == "private":
            links = await load_links(self.db, chat.id)
            journal_up = links is not None
        data["links"] = links
        data["journal_up"] = journal_up
        data["lang"] = pick_language(
            links.language if links else None, user.language_code if user else None
        )
        return await handler(event, data)
