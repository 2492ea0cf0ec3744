"""State of one emulated bot: its chats, what it sent, counters and injected failures."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

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
        }


@dataclass
class InjectedFailure:
    """After `after` matching requests pass, the next `remaining` ones answer `status`."""

    remaining: int
    status: int = 502
    description: str = "Bad Gateway"
    methods: frozenset[str] | None = None  # lower-case method names; None matches all
    after: int = 0
    retry_after: int | None = None  # for an injected 429


class TelegramEmulator:
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
        self.updates = UpdateQueue()
        self._sent_changed = asyncio.Event()
        self._init_state()

    def _init_state(self) -> None:
        self.flood = FloodControl(self.default_limits)
        self.chats: dict[int, dict[str, Any]] = {}
        self.chat_states: dict[int, str] = {}
        self.sent: list[SentMessage] = []
        self.received: list[dict[str, Any]] = []  # messages users wrote (injected), in order
        self.by_id: dict[tuple[int, int], SentMessage] = {}
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.stats: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.failures: list[InjectedFailure] = []
        self.latency = 0.0
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

    def check_flood(self, chat_id: int) -> None:
        retry_after = self.flood.check(chat_id, time.monotonic())
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

    def record(self, sent: SentMessage) -> None:
        self.sent.append(sent)
        self.by_id[(sent.chat_id, sent.message_id)] = sent
        self._sent_changed.set()
        self._sent_changed = asyncio.Event()

    def find(self, chat_id: int, message_id: int) -> SentMessage | None:
        found = self.by_id.get((chat_id, message_id))
        return None if found is None or found.deleted else found

    def received_in(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        return [m for m in self.received if chat_id is None or m["chat"]["id"] == chat_id]

    def sent_to(self, chat_id: int | None = None) -> list[SentMessage]:
        return [m for m in self.sent if chat_id is None or m.chat_id == chat_id]

    async def wait_sent(self, chat_id: int | None, count: int, within: float) -> list[SentMessage]:
        """The sent messages once there are at least `count` (or the timeout passed)."""
        deadline = time.monotonic() + within
        while len(found := self.sent_to(chat_id)) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(self._sent_changed.wait(), remaining)
            except TimeoutError:
                break
        return found

    # failures and counters

    def take_failure(self, method: str) -> ApiError | None:
        for failure in self.failures:
            if failure.methods is None or method in failure.methods:
                if failure.after > 0:
                    failure.after -= 1
                    return None
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self.failures.remove(failure)
                return ApiError(
                    failure.status, failure.description, retry_after=failure.retry_after
                )
        return None

    def count(self, method: str, status: int) -> None:
        outcome = "ok" if status == 200 else "5xx" if status >= 500 else str(status)
        for key in (method, "total"):
            self.stats[key]["requests"] += 1
            self.stats[key][outcome] += 1

    def stats_json(self) -> dict[str, Any]:
        return {
            "sent": len(self.sent),
            "total": dict(self.stats["total"]),
            "methods": {m: dict(c) for m, c in self.stats.items() if m != "total"},
            "webhook_posts": self.updates.webhook_posts,
            "pending_updates": self.updates.pending_count,
        }
