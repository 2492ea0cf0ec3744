"""What Zvonok reads from and builds for the MAX Bot API: small typed records.

Only the fields callers need are typed; `raw` keeps the rest. Parsing is lenient about
extra fields (MAX adds them over time) and strict about the ones Zvonok relies on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import quote

from notifier.telegram_text import split_message

# NewMessageBody.text: "up to 4000 characters" (the field, so markup included).
MAX_TEXT_LENGTH: Final = 4000
MAX_BUTTON_TEXT: Final = 128
MAX_CALLBACK_PAYLOAD: Final = 1024
MAX_LINK_URL: Final = 2048
MAX_START_PAYLOAD: Final = 512
TextFormat = Literal["html", "markdown"]


@dataclass(frozen=True)
class MaxUser:
    user_id: int
    first_name: str = ""
    username: str | None = None
    is_bot: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MaxUser:
        return cls(
            user_id=int(data["user_id"]),
            first_name=str(data.get("first_name") or data.get("name") or ""),
            username=data.get("username"),
            is_bot=bool(data.get("is_bot", False)),
        )


@dataclass(frozen=True)
class MaxMessage:
    """A message in a dialog or chat. `mid` is MAX's message id (a string)."""

    mid: str
    text: str | None
    chat_id: int | None
    chat_type: str | None
    recipient_user_id: int | None  # in a dialog: the other side (the user, or the bot)
    sender: MaxUser | None
    timestamp: int  # milliseconds
    seq: int | None = None
    attachments: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MaxMessage:
        body = data.get("body") or {}
        recipient = data.get("recipient") or {}
        sender = data.get("sender")
        return cls(
            mid=str(body["mid"]),
            text=body.get("text"),
            chat_id=_int_or_none(recipient.get("chat_id")),
            chat_type=recipient.get("chat_type"),
            recipient_user_id=_int_or_none(recipient.get("user_id")),
            sender=MaxUser.from_json(sender) if sender else None,
            timestamp=int(data.get("timestamp") or 0),
            seq=_int_or_none(body.get("seq")),
            attachments=tuple(body.get("attachments") or ()),
        )


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True)
class MessageCreated:
    """A user wrote: `message.text` in `message.chat_id` (a dialog or a group chat)."""

    timestamp: int
    message: MaxMessage
    user_locale: str | None = None

    @property
    def sender_id(self) -> int | None:
        return self.message.sender.user_id if self.message.sender else None


@dataclass(frozen=True)
class MessageCallback:
    """A button pressed: answer `callback_id` with `MaxApi.answer_callback`."""

    timestamp: int
    callback_id: str
    payload: str | None
    user: MaxUser
    message: MaxMessage | None  # None when the message was deleted meanwhile
    user_locale: str | None = None


@dataclass(frozen=True)
class BotStarted:
    """The user started (or resumed) the bot; `payload` is the start link's."""

    timestamp: int
    chat_id: int
    user: MaxUser
    payload: str | None = None
    user_locale: str | None = None


@dataclass(frozen=True)
class BotStopped:
    """The user stopped or deleted the bot: it may not write to them any more."""

    timestamp: int
    chat_id: int
    user: MaxUser


@dataclass(frozen=True)
class OtherUpdate:
    """Any other kind (dialog_muted, message_edited, bot_added...), kept raw."""

    update_type: str
    timestamp: int
    raw: dict[str, Any] = field(repr=False)


Update = MessageCreated | MessageCallback | BotStarted | BotStopped | OtherUpdate


def parse_update(data: dict[str, Any]) -> Update:
    """One Update object, as GET /updates lists them and webhooks POST them."""
    kind, at = str(data.get("update_type", "")), int(data.get("timestamp") or 0)
    locale = data.get("user_locale")
    if kind == "message_created":
        return MessageCreated(at, MaxMessage.from_json(data["message"]), locale)
    if kind == "message_callback":
        callback, message = data["callback"], data.get("message")
        return MessageCallback(
            timestamp=at,
            callback_id=str(callback["callback_id"]),
            payload=callback.get("payload"),
            user=MaxUser.from_json(callback["user"]),
            message=MaxMessage.from_json(message) if message else None,
            user_locale=locale,
        )
    if kind == "bot_started":
        user = MaxUser.from_json(data["user"])
        return BotStarted(at, int(data["chat_id"]), user, data.get("payload"), locale)
    if kind == "bot_stopped":
        return BotStopped(at, int(data["chat_id"]), MaxUser.from_json(data["user"]))
    return OtherUpdate(kind, at, data)


@dataclass(frozen=True)
class UpdateBatch:
    """What one GET /updates returned; pass `marker` to the next call to acknowledge."""

    updates: list[Update]
    marker: int | None


@dataclass(frozen=True)
class Subscription:
    url: str
    time: int
    update_types: tuple[str, ...]


@dataclass(frozen=True)
class NewMessage:
    """A message body (NewMessageBody), for POST /answers' replacement message."""

    text: str | None
    format: TextFormat | None = "html"
    attachments: Sequence[dict[str, Any]] = ()
    notify: bool = True

    def to_json(self) -> dict[str, Any]:
        if self.text is not None and len(self.text) > MAX_TEXT_LENGTH:
            raise ValueError(f"MAX text over {MAX_TEXT_LENGTH} characters: split it first")
        body: dict[str, Any] = {
            "text": self.text,
            "attachments": list(self.attachments),
            "link": None,
            "notify": self.notify,
        }
        if self.format is not None:
            body["format"] = self.format
        return body


@dataclass(frozen=True)
class CallbackButton:
    """Pressing it sends `payload` to the bot (a message_callback update)."""

    text: str
    payload: str
    intent: Literal["positive", "negative", "default"] | None = None

    def to_json(self) -> dict[str, Any]:
        _check_text(self.text)
        if not 1 <= len(self.payload) <= MAX_CALLBACK_PAYLOAD:
            raise ValueError(f"a callback payload has 1 to {MAX_CALLBACK_PAYLOAD} characters")
        button = {"type": "callback", "text": self.text, "payload": self.payload}
        return button | ({"intent": self.intent} if self.intent else {})


@dataclass(frozen=True)
class LinkButton:
    """Pressing it opens `url`."""

    text: str
    url: str

    def to_json(self) -> dict[str, Any]:
        _check_text(self.text)
        if not 1 <= len(self.url) <= MAX_LINK_URL:
            raise ValueError(f"a link button's URL has 1 to {MAX_LINK_URL} characters")
        return {"type": "link", "text": self.text, "url": self.url}


def _check_text(text: str) -> None:
    if not 1 <= len(text) <= MAX_BUTTON_TEXT:
        raise ValueError(f"a button's text has 1 to {MAX_BUTTON_TEXT} characters: {text!r}")


def inline_keyboard(rows: Iterable[Iterable[CallbackButton | LinkButton]]) -> dict[str, Any]:
    """The `inline_keyboard` attachment for rows of buttons."""
    buttons = [[button.to_json() for button in row] for row in rows]
    buttons = [row for row in buttons if row]
    if not buttons:
        raise ValueError("an inline keyboard needs at least one button")
    return {"type": "inline_keyboard", "payload": {"buttons": buttons}}


def split_text(text: str, *, html: bool = True, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Parts of at most `limit` characters, cut at a paragraph, else a line, else a space;
    never inside a tag or an entity, open tags closed and re-opened (notifier.telegram_text
    does the cutting; it counts UTF-16 units, never fewer than MAX's characters)."""
    return split_message(text, html=html, limit=limit)


def start_link(bot_username: str, payload: str) -> str:
    """The bot's start link carrying `payload` (it arrives in bot_started.payload)."""
    if len(payload) > MAX_START_PAYLOAD:
        raise ValueError(f"a start payload has at most {MAX_START_PAYLOAD} characters")
    return f"https://max.ru/{quote(bot_username)}?start={quote(payload, safe='')}"
