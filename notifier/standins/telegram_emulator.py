"""State of one emulated bot: its chats, what it sent, counters and injected failures."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from notifier.standins.bot_state import BotState

# Tests append failures to `failures` themselves.
from notifier.standins.faults import InjectedFailure as InjectedFailure
from notifier.standins.telegram_errors import ApiError, bad_request
from notifier.standins.telegram_rules import FloodControl, FloodLimits
from notifier.standins.telegram_updates import UpdateQueue

# What a failing chat answers, word for word as Telegram does.
CHAT_FAILURES: dict[str, ApiError] = {
    "blocked": ApiError(403, "Forbidden: bot was blocked by the user"),
    "deactivated": ApiError(403, "Forbidden: user is deactivated"),
    "kicked": ApiError(403, "Forbidden: bot was kicked from the group chat"),
    "unknown": bad_request("chat not found"),
}


@dataclass
class SentMessage:
    """A message the bot sent, as the control API reports it."""

    message_id: int
    chat_id: int
    method: str
    message: dict[str, Any]  # the Bot API Message object that was returned
    text: str | None = None  # as sent, markup included
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    document_name: str | None = None
    document: bytes | None = None
    sent_at: float = field(default_factory=time.time)
    edited_at: float | None = None
    deleted: bool = False
    paid: bool = False  # sent with allow_paid_broadcast (0.1 Star)

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "method": self.method,
            "text": self.text,
            "parse_mode": self.parse_mode,
            "reply_markup": self.reply_markup,
            "document_name": self.document_name,
            "document_size": None if self.document is None else len(self.document),
            "sent_at": self.sent_at,
            "edited_at": self.edited_at,
            "deleted": self.deleted,
            "paid": self.paid,
        }


class TelegramEmulator(BotState[SentMessage]):
    """Everything the emulated Bot API and its control API read and change."""

    def __init__(self, token: str, *, limits: FloodLimits | None = None) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Zvonok Test Bot",
            "username": "zvonok_demo_bot",  # ZVONOK_TELEGRAM_BOT_USERNAME's default
        }
        self.default_limits = limits or FloodLimits()
        self.updates: UpdateQueue = UpdateQueue()
        super().__init__()
        self._init_state()

    def _init_state(self) -> None:
        self._init_recording()
        self.flood = FloodControl(self.default_limits)
        self.chats: dict[int, dict[str, Any]] = {}
        self.chat_states: dict[int, str] = {}
        self.by_id: dict[tuple[int, int], SentMessage] = {}
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self._next_message_id = 1

    async def reset(self) -> None:
        await self.updates.delete_webhook(drop_pending=True)
        self.updates.reset()
        self._init_state()

    # chats

    def remember_chat(self, chat: dict[str, Any]) -> None:
        self.chats[int(chat["id"])] = chat

    def chat(self, chat_id: int) -> dict[str, Any]:
        known = self.chats.get(chat_id)
        if known is not None:
            return known
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
        # Supergroup ids are -100xxxxxxxxxx; basic groups are small negative numbers.
        kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
        return {"id": chat_id, "type": kind, "title": f"Group {chat_id}"}

    def check_chat(self, chat_id: int) -> None:
        state = self.chat_states.get(chat_id)
        if state in CHAT_FAILURES:
            failure = CHAT_FAILURES[state]
            raise ApiError(failure.code, failure.description)

    @property
    def stars_spent(self) -> float:
        """Telegram Stars the paid broadcasts cost: 0.1 a message."""
        return sum(1 for m in self.sent if m.paid) / 10

    def check_flood(self, chat_id: int, *, paid: bool = False) -> None:
        retry_after = self.flood.check(chat_id, time.monotonic(), paid=paid)
        if retry_after:
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )

    # messages

    def allocate_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def new_message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        return {
            "message_id": self.allocate_message_id(),
            "from": self.bot_user,
            "chat": self.chat(chat_id),
            "date": int(time.time()),
            **content,
        }

    def record(self, message: SentMessage) -> None:
        self.by_id[(message.chat_id, message.message_id)] = message
        super().record(message)

    def find(self, chat_id: int, message_id: int) -> SentMessage | None:
        found = self.by_id.get((chat_id, message_id))
        return None if found is None or found.deleted else found

    def received_in(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        return [m for m in self.received if chat_id is None or m["chat"]["id"] == chat_id]

    def chats_seen(self) -> list[dict[str, Any]]:
        """Private chats a user wrote from, newest first (the chat page's list)."""
        seen: dict[int, dict[str, Any]] = {}
        for message in reversed(self.received):
            chat = message["chat"]
            if chat["type"] == "private" and chat["id"] not in seen:
                seen[chat["id"]] = {"chat_id": chat["id"], "first_name": chat.get("first_name")}
        return list(seen.values())

    def sent_to(self, chat_id: int | None = None) -> list[SentMessage]:
        return [m for m in self.sent if chat_id is None or m.chat_id == chat_id]

    async def wait_sent(self, chat_id: int | None, count: int, within: float) -> list[SentMessage]:
        """The sent messages once there are at least `count` (or the timeout passed)."""
        return await self.wait_for_sent(chat_id, count, within)

    def stats_json(self) -> dict[str, Any]:
        return super().stats_json() | {"webhook_posts": self.updates.webhook_posts}
