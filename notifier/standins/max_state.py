"""State of one stand-in MAX bot: its users and dialogs, what it sent, uploads, callbacks,
counters and injected failures."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from notifier.standins.bot_state import BotState
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
            "seq": self.seq,
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


class MaxStandin(BotState[SentMessage]):
    """Everything the stand-in's Bot API and control API read and change."""

    def __init__(
        self, token: str, *, username: str = "zvonok_demo_bot", limits: Limits | None = None
    ) -> None:
        self.token = token
        self.bot_id = BOT_ID
        self.username = username
        self.default_limits = limits or Limits()
        self.updates: UpdateLog = UpdateLog()
        super().__init__()
        self._init_state()

    def _init_state(self) -> None:
        self._init_recording()
        self.rates = RateControl(self.default_limits)
        self.users: dict[int, MaxUserState] = {}
        self.group_chats: dict[int, str] = {}
        self.by_mid: dict[str, SentMessage] = {}
        self.uploads: dict[str, Upload] = {}
        self.files: dict[str, Upload] = {}  # by token
        self.callbacks: dict[str, dict[str, Any]] = {}
        self.answers: list[dict[str, Any]] = []
        self.commands: list[dict[str, str]] | None = None  # PATCH /me/commands
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
        self.by_mid[message.mid] = message
        super().record(message)

    def find(self, mid: str) -> SentMessage:
        found = self.by_mid.get(mid)
        if found is None or found.deleted:
            raise not_found(f"Message {mid} not found")
        return found

    # what users wrote

    def remember_received(
        self, user: MaxUserState, chat_id: int, seq: int, **what: str | None
    ) -> None:
        """What a user wrote (`text`) or a start (`start`: the link's payload, or ""), at
        `seq` in the order of the chat, for the chat page."""
        self.received.append(
            {
                "seq": seq,
                "user_id": user.user_id,
                "first_name": user.first_name,
                "chat_id": chat_id,
                "timestamp": int(time.time() * 1000),
                **what,
            }
        )

    def received_in(self, user_id: int | None = None) -> list[dict[str, Any]]:
        """What a user wrote in their dialog with the bot (everyone's, everywhere: None)."""
        if user_id is None:
            return list(self.received)
        dialog = DIALOG_ID_OFFSET + user_id
        return [r for r in self.received if r["user_id"] == user_id and r["chat_id"] == dialog]

    def chats_seen(self) -> list[dict[str, Any]]:
        """The users who wrote to the bot or started it, newest first (the chat page's list)."""
        seen: dict[int, dict[str, Any]] = {}
        for record in reversed(self.received):
            if record["chat_id"] > 0 and record["user_id"] not in seen:
                seen[record["user_id"]] = {
                    "user_id": record["user_id"],
                    "first_name": record["first_name"],
                }
        return list(seen.values())

    def sent_to(self, user_id: int | None) -> list[SentMessage]:
        return [m for m in self.sent if user_id is None or m.user_id == user_id]

    async def wait_sent(self, user_id: int | None, count: int, within: float) -> list[SentMessage]:
        return await self.wait_for_sent(user_id, count, within)

    def stats_json(self) -> dict[str, Any]:
        return super().stats_json() | {"webhook": self.updates.webhook_stats()}
