"""State of one stand-in MAX bot: its users and dialogs, what it sent, uploads, callbacks,
counters and injected failures."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from notifier.standins.max_rules import (
    DIALOG_NOT_FOUND,
    DIALOG_SUSPENDED,
    Limits,
    RateControl,
    Refusal,
    not_found,
)
from notifier.standins.max_updates import UpdateLog

# Dialog ids differ from user ids in MAX: the stand-in keeps them apart on purpose, so a
# client that sends a user id as a chat id is refused instead of being lucky.
DIALOG_ID_OFFSET = 700_000_000_000
USER_STATES = ("active", "blocked", "deleted")
BOT_ID = 9_000_001


@dataclass
class MaxUserState:
    user_id: int
    first_name: str
    username: str | None = None
    locale: str | None = None
    state: str = "active"  # active | blocked (stopped the bot) | deleted (removed the dialog)

    @property
    def dialog_id(self) -> int:
        return DIALOG_ID_OFFSET + self.user_id

    def to_json(self) -> dict[str, Any]:
        """The User object of updates (no last_activity_time: optional for users)."""
        return {
            "user_id": self.user_id,
            "first_name": self.first_name,
            "last_name": None,
            "username": self.username,
            "is_bot": False,
            "name": self.first_name,
        }


@dataclass
class SentMessage:
    """A message the bot sent, as the control API shows it."""

    mid: str
    seq: int
    chat_id: int
    user_id: int | None  # the user of a dialog; None in a group chat
    text: str | None
    format: str | None
    attachments: list[dict[str, Any]]
    notify: bool = True
    sent_at: float = field(default_factory=time.time)
    edited_at: float | None = None
    deleted: bool = False
    earlier_payloads: set[str] = field(default_factory=set)  # buttons an edit took away

    def keyboard(self) -> list[list[dict[str, Any]]]:
        for attachment in self.attachments:
            if attachment.get("type") == "inline_keyboard":
                buttons: list[list[dict[str, Any]]] = attachment["payload"]["buttons"]
                return buttons
        return []

    def callback_payloads(self) -> set[str]:
        return {
            str(b["payload"]) for row in self.keyboard() for b in row if b.get("type") == "callback"
        }

    def file(self) -> dict[str, Any] | None:
        return next((a for a in self.attachments if a.get("type") == "file"), None)

    def to_json(self) -> dict[str, Any]:
        file = self.file()
        return {
            "message_id": self.mid,
            "user_id": self.user_id,
            "chat_id": self.chat_id,
            "text": self.text,
            "format": self.format,
            "buttons": self.keyboard(),
            "file": None if file is None else {k: file[k] for k in ("filename", "size")},
            "notify": self.notify,
            "sent_at": self.sent_at,
            "edited_at": self.edited_at,
            "deleted": self.deleted,
        }


@dataclass
class Upload:
    """One upload URL: MAX takes one file per URL."""

    kind: str
    token: str
    filename: str | None = None
    data: bytes | None = None
    content_type: str | None = None
    ready_at: float = 0.0


@dataclass
class InjectedFailure:
    """After `after` matching requests pass, the next `remaining` ones fail."""

    remaining: int
    status: int | None = 502  # None: drop the connection without an answer
    methods: frozenset[str] | None = None
    after: int = 0
    retry_after: int | None = None


class MaxStandin:
    """Everything the stand-in's Bot API and control API read and change."""

    def __init__(
        self, token: str, *, username: str = "zvonok_demo_bot", limits: Limits | None = None
    ) -> None:
        self.token = token
        self.bot_id = BOT_ID
        self.username = username
        self.default_limits = limits or Limits()
        self.updates = UpdateLog()
        self._sent_changed = asyncio.Event()
        self._init_state()

    def _init_state(self) -> None:
        self.rates = RateControl(self.default_limits)
        self.users: dict[int, MaxUserState] = {}
        self.group_chats: dict[int, str] = {}
        self.sent: list[SentMessage] = []
        self.by_mid: dict[str, SentMessage] = {}
        self.uploads: dict[str, Upload] = {}
        self.files: dict[str, Upload] = {}  # by token
        self.callbacks: dict[str, dict[str, Any]] = {}
        self.answers: list[dict[str, Any]] = []
        self.failures: list[InjectedFailure] = []
        self.stats: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.latency = 0.0
        self.processing_seconds = 0.0
        self._seq = 0

    async def reset(self) -> None:
        await self.updates.reset()
        self._init_state()

    def bot_json(self) -> dict[str, Any]:
        return {
            "user_id": self.bot_id,
            "first_name": "Zvonok Test Bot",
            "username": self.username,
            "is_bot": True,
            "last_activity_time": int(time.time() * 1000),
            "name": "Zvonok Test Bot",
        }

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def new_mid(self) -> str:
        return f"mid.{secrets.token_hex(12)}"

    # users and dialogs

    def user(self, user_id: int, **details: Any) -> MaxUserState:
        """The user, known from now on (they wrote or started the bot)."""
        user = self.users.get(user_id)
        if user is None:
            name = details.get("first_name") or f"User {user_id}"
            user = self.users[user_id] = MaxUserState(user_id, str(name))
        for key in ("first_name", "username", "locale"):
            if details.get(key):
                setattr(user, key, str(details[key]))
        return user

    def reachable_user(self, user_id: int) -> MaxUserState:
        """The user the bot may write to, or MAX's refusal."""
        user = self.users.get(user_id)
        if user is None or user.state == "deleted":
            raise not_found(DIALOG_NOT_FOUND[1], DIALOG_NOT_FOUND[0])
        if user.state == "blocked":
            raise Refusal(403, *DIALOG_SUSPENDED)
        return user

    def recipient(self, user_id: int | None, chat_id: int | None) -> tuple[int, int | None]:
        """(chat id, user id or None) of a send, or MAX's refusal."""
        if user_id is not None:
            return self.reachable_user(user_id).dialog_id, user_id
        assert chat_id is not None
        if chat_id in self.group_chats:
            return chat_id, None
        owner = chat_id - DIALOG_ID_OFFSET
        if owner in self.users:
            return self.reachable_user(owner).dialog_id, owner
        raise not_found(f"Chat {chat_id} not found", "chat.not.found")

    # what the bot sent

    def record(self, message: SentMessage) -> None:
        self.sent.append(message)
        self.by_mid[message.mid] = message
        self.changed()

    def changed(self) -> None:
        self._sent_changed.set()
        self._sent_changed = asyncio.Event()

    def find(self, mid: str) -> SentMessage:
        found = self.by_mid.get(mid)
        if found is None or found.deleted:
            raise not_found(f"Message {mid} not found")
        return found

    def sent_to(self, user_id: int | None) -> list[SentMessage]:
        return [m for m in self.sent if user_id is None or m.user_id == user_id]

    async def wait_sent(self, user_id: int | None, count: int, within: float) -> list[SentMessage]:
        deadline = time.monotonic() + within
        while len(found := self.sent_to(user_id)) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                await asyncio.wait_for(self._sent_changed.wait(), left)
            except TimeoutError:
                break
        return found

    # failures and counters

    def take_failure(self, method: str) -> InjectedFailure | None:
        for failure in self.failures:
            if failure.methods is None or method in failure.methods:
                if failure.after > 0:
                    failure.after -= 1
                    return None
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self.failures.remove(failure)
                return failure
        return None

    def count(self, method: str, status: int | None) -> None:
        outcome = (
            "dropped"
            if status is None
            else "ok"
            if status == 200
            else "5xx"
            if status >= 500
            else str(status)
        )
        for key in (method, "total"):
            self.stats[key]["requests"] += 1
            self.stats[key][outcome] += 1

    def stats_json(self) -> dict[str, Any]:
        return {
            "sent": len(self.sent),
            "total": dict(self.stats["total"]),
            "methods": {m: dict(c) for m, c in self.stats.items() if m != "total"},
            "pending_updates": self.updates.pending_count,
            "webhook": self.updates.webhook_stats(),
        }
