"""A chat in a messenger: what links a guardian or a staff member to a bot.

Telegram and MAX are equal (issue 12): a chat is a messenger and an id in it (MAX's
bots write to a user, so its id is the user's), and each messenger has its own
column on `Guardian` and `Staff`. Linking, unlinking and reading a chat's links name
the chat with `MessengerChat`, so no service is written once per messenger.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import col

from core.bot_registry import bot_address
from core.models import ChannelName, Guardian, Messenger, Staff

# Each messenger's link that opens a bot (by its username) with `/start <payload>`:
# Telegram's deep link (payload up to 64 of A-Z a-z 0-9 _ -) and MAX's
# (dev.max.ru/help/deeplinks: `https://max.ru/<botName>?start=<payload>`, up to 128
# characters). Invite codes (`core.security`) fit both as printed.
START_LINKS: dict[Messenger, str] = {
    Messenger.telegram: "https://t.me/{bot}?start={payload}",
    Messenger.max: "https://max.ru/{bot}?start={payload}",
}
# The column holding each messenger's chat on a guardian's and a staff member's row.
CHAT_FIELDS: dict[Messenger, str] = {
    Messenger.telegram: "telegram_chat_id",
    Messenger.max: "max_user_id",
}
# The column naming the school's own bot the chat was linked through (None: the
# deployment's bot; core.bot_registry).
BOT_FIELDS: dict[Messenger, str] = {
    Messenger.telegram: "telegram_bot",
    Messenger.max: "max_bot",
}


@dataclass(frozen=True)
class MessengerChat:
    """A chat in a messenger: a Telegram chat id, or a MAX user id, and the bot it talks
    to (a school's own bot's key, None for the deployment's bot). Two chats are the same
    whichever bot they talk to: Telegram and MAX give a person one id for every bot."""

    messenger: Messenger
    id: int
    bot: str | None = field(default=None, compare=False)

    @property
    def channel(self) -> ChannelName:
        """The delivery channel that writes to this chat."""
        return ChannelName(self.messenger.value)

    @property
    def address(self) -> str:
        """The chat as a delivery's address (and a dead contact's): «123», or
        «school17:123» through a school's own bot."""
        return bot_address(self.bot, self.id)


def chat_column(model: type[Guardian] | type[Staff], messenger: Messenger) -> Any:
    """`Guardian.telegram_chat_id`, `Staff.max_user_id`...: the column for queries."""
    column: InstrumentedAttribute[int | None] = getattr(model, CHAT_FIELDS[messenger])
    return col(column)


def linked(row: Guardian | Staff, messenger: Messenger) -> MessengerChat | None:
    """The row's chat in `messenger`, or None when it has none there."""
    chat_id: int | None = getattr(row, CHAT_FIELDS[messenger])
    if chat_id is None:
        return None
    return MessengerChat(messenger, chat_id, getattr(row, BOT_FIELDS[messenger]))


def link(row: Guardian | Staff, chat: MessengerChat) -> None:
    """Link `chat`, through its bot, to the row (the caller audits the change)."""
    setattr(row, CHAT_FIELDS[chat.messenger], chat.id)
    setattr(row, BOT_FIELDS[chat.messenger], chat.bot)


def unlink(row: Guardian | Staff, messenger: Messenger | None = None) -> None:
    """End the row's link in `messenger`, or in every messenger (None)."""
    for one in (messenger,) if messenger is not None else tuple(Messenger):
        setattr(row, CHAT_FIELDS[one], None)
        setattr(row, BOT_FIELDS[one], None)


def chats_of(row: Guardian | Staff) -> tuple[MessengerChat, ...]:
    """Every chat linked to the row, Telegram first."""
    return tuple(chat for m in Messenger if (chat := linked(row, m)) is not None)


def stranded(row: Guardian | Staff, dropped: Iterable[str], offered: Iterable[str]) -> bool:
    """Linked in a messenger among `dropped`, and in none among `offered`."""
    chats = {chat.messenger.value for chat in chats_of(row)}
    return bool(chats & set(dropped)) and not chats & set(offered)


def start_link(messenger: Messenger, bot: str, payload: str) -> str:
    """The link that opens `bot` in `messenger` and starts it with `payload` (an invite
    code: the bot receives `/start <code>`)."""
    return START_LINKS[messenger].format(bot=bot, payload=payload)
