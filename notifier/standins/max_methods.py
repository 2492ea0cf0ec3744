"""The MAX Bot API methods as the stand-in answers them (docs/max.md lists the rules)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from notifier.standins.max_rules import (
    ATTACHMENT_TYPES,
    MAX_TEXT_LENGTH,
    NOT_READY,
    UPLOAD_TYPES,
    bad_request,
    check_keyboard,
    not_found,
    visible_text,
)
from notifier.standins.max_state import MaxStandin, SentMessage, Upload
from notifier.standins.max_updates import checked_webhook


@dataclass(frozen=True)
class Call:
    """One request to the Bot API, parsed."""

    query: dict[str, str]
    body: dict[str, Any]
    base_url: str  # where this server is reached, for upload URLs

    def int_param(self, name: str) -> int | None:
        value = self.query.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except ValueError:
            raise bad_request(f"{name}: an integer is expected") from None

    def required(self, name: str) -> str:
        value = self.query.get(name, "").strip()
        if not value:
            raise bad_request(f"{name}: required")
        return value


Handler = Callable[[Call], Awaitable[dict[str, Any]]]
SUCCESS = {"success": True}


def message_json(standin: MaxStandin, message: SentMessage) -> dict[str, Any]:
    """The Message object of a message the bot sent."""
    chat_type = "chat" if message.user_id is None else "dialog"
    return {
        "sender": standin.bot_json(),
        "recipient": {
            "chat_id": message.chat_id,
            "chat_type": chat_type,
            "user_id": message.user_id,
        },
        "timestamp": int(message.sent_at * 1000),
        "body": {
            "mid": message.mid,
            "seq": message.seq,
            "text": visible_text(message.text or "", message.format) if message.text else None,
            "attachments": message.attachments,
        },
    }


# The limits of the BotCommand schema (name 1–64, description up to 128 characters).
MAX_COMMAND_NAME = 64
MAX_COMMAND_DESCRIPTION = 128


class BotApi:
    """Handlers by name; the server checks the token, failures and the rate first."""

    def __init__(self, standin: MaxStandin) -> None:
        self.standin = standin

    def handlers(self) -> dict[str, Handler]:
        return {
            "me": self.me,
            "commands": self.set_commands,
            "send": self.send,
            "edit": self.edit,
            "delete": self.delete,
            "answer": self.answer,
            "updates": self.get_updates,
            "uploads": self.uploads,
            "subscribe": self.subscribe,
            "unsubscribe": self.unsubscribe,
            "subscriptions": self.subscriptions,
        }

    async def me(self, call: Call) -> dict[str, Any]:
        return self.standin.bot_json() | {"description": None, "commands": self.standin.commands}

    async def set_commands(self, call: Call) -> dict[str, Any]:
        """PATCH /me/commands: the hints shown on «/»; an empty list removes them all."""
        commands = call.body.get("commands")
        if not isinstance(commands, list):
            raise bad_request("commands: an array is expected")
        checked = []
        for command in commands:
            name = command.get("name") if isinstance(command, dict) else None
            description = command.get("description") if isinstance(command, dict) else None
            if not isinstance(name, str) or not 1 <= len(name) <= MAX_COMMAND_NAME:
                raise bad_request(f"commands.name: size must be between 1 and {MAX_COMMAND_NAME}")
            if not isinstance(description, str) or len(description) > MAX_COMMAND_DESCRIPTION:
                raise bad_request(
                    f"commands.description: size must be at most {MAX_COMMAND_DESCRIPTION}"
                )
            checked.append({"name": name, "description": description})
        self.standin.commands = checked or None
        return await self.me(call)

    def _content(self, body: dict[str, Any], *, edit: bool) -> tuple[str | None, str | None, Any]:
        """A NewMessageBody's text, format and attachments, checked as MAX checks them."""
        text, text_format, attachments = (
            body.get("text"),
            body.get("format"),
            body.get("attachments"),
        )
        if text is not None and not isinstance(text, str):
            raise bad_request("text: a string is expected")
        if text is not None and len(text) > MAX_TEXT_LENGTH:
            raise bad_request(f"text: size must be between 0 and {MAX_TEXT_LENGTH}")
        if text_format not in (None, "html", "markdown"):
            raise bad_request("format: markdown or html")
        if attachments is not None:
            attachments = self._attachments(attachments)
        if not edit and not text and not attachments:
            raise bad_request("text: empty message")
        return text, text_format, attachments

    def _attachments(self, attachments: Any) -> list[dict[str, Any]]:
        if not isinstance(attachments, list):
            raise bad_request("attachments: an array is expected")
        checked: list[dict[str, Any]] = []
        for attachment in attachments:
            kind = attachment.get("type") if isinstance(attachment, dict) else None
            if kind not in ATTACHMENT_TYPES:
                raise bad_request(f"attachments: unknown type {kind!r}")
            if kind == "inline_keyboard":
                checked.append(
                    {
                        "type": kind,
                        "payload": {"buttons": check_keyboard(attachment.get("payload"))},
                    }
                )
            elif kind == "file":
                checked.append(self._file(attachment.get("payload")))
            else:
                checked.append(attachment)
        # FileAttachmentRequest: "must be the only attachment in the message".
        if any(a["type"] == "file" for a in checked) and len(checked) > 1:
            raise bad_request("attachments: a file must be the only attachment of its message")
        return checked

    def _file(self, payload: Any) -> dict[str, Any]:
        token = payload.get("token") if isinstance(payload, dict) else None
        upload = self.standin.files.get(token) if isinstance(token, str) else None
        if upload is None:
            raise bad_request("attachments: unknown file token")
        if time.monotonic() < upload.ready_at:
            raise NOT_READY
        size = len(upload.data or b"")
        return {
            "type": "file",
            "payload": {"url": f"https://files.invalid/{upload.token}", "token": upload.token},
            "filename": upload.filename,
            "size": size,
        }

    async def send(self, call: Call) -> dict[str, Any]:
        user_id, chat_id = call.int_param("user_id"), call.int_param("chat_id")
        if (user_id is None) == (chat_id is None):
            raise bad_request("user_id or chat_id: exactly one is required")
        text, text_format, attachments = self._content(call.body, edit=False)
        target, user = self.standin.recipient(user_id, chat_id)
        message = SentMessage(
            mid=self.standin.new_mid(),
            seq=self.standin.next_seq(),
            chat_id=target,
            user_id=user,
            text=text,
            format=text_format,
            attachments=attachments or [],
            notify=bool(call.body.get("notify", True)),
        )
        self.standin.record(message)
        return {"message": message_json(self.standin, message)}

    def replace(self, message: SentMessage, body: dict[str, Any]) -> None:
        """PUT /messages and an answer's `message`: null keeps, [] removes attachments."""
        text, text_format, attachments = self._content(body, edit=True)
        if message.user_id is not None:
            self.standin.reachable_user(message.user_id)
        if text is not None:
            message.text, message.format = text, text_format
        if attachments is not None:
            # A person whose app has not shown the edit yet may still press an old button.
            message.earlier_payloads |= message.callback_payloads()
            message.attachments = attachments
        message.edited_at = time.time()
        self.standin.changed()

    async def edit(self, call: Call) -> dict[str, Any]:
        self.replace(self.standin.find(call.required("message_id")), call.body)
        return SUCCESS

    async def delete(self, call: Call) -> dict[str, Any]:
        message = self.standin.find(call.required("message_id"))
        message.deleted = True
        self.standin.changed()
        return SUCCESS

    async def answer(self, call: Call) -> dict[str, Any]:
        callback_id = call.required("callback_id")
        callback = self.standin.callbacks.get(callback_id)
        if callback is None:
            raise not_found(f"Callback {callback_id} not found")
        notification, replacement = call.body.get("notification"), call.body.get("message")
        if notification is None and replacement is None:
            raise bad_request("message or notification: one is required")
        self.standin.rates.answer(callback["dialog_id"], time.monotonic())
        if replacement is not None:
            if not isinstance(replacement, dict):
                raise bad_request("message: an object is expected")
            self.replace(self.standin.find(callback["mid"]), replacement)
        self.standin.answers.append(
            {"callback_id": callback_id, "notification": notification, "message": replacement}
        )
        return SUCCESS

    async def get_updates(self, call: Call) -> dict[str, Any]:
        limit = call.int_param("limit") or 100
        timeout = call.int_param("timeout")
        timeout = 30 if timeout is None else timeout
        if not 1 <= limit <= 1000 or not 0 <= timeout <= 90:
            raise bad_request("limit: 1-1000, timeout: 0-90")
        types = {t for t in call.query.get("types", "").split(",") if t} or None
        return await self.standin.updates.poll(call.int_param("marker"), timeout, limit, types)

    async def uploads(self, call: Call) -> dict[str, Any]:
        kind = call.required("type")
        if kind not in UPLOAD_TYPES:
            raise bad_request("type: image, video, audio or file")
        upload_id, token = secrets.token_urlsafe(12), secrets.token_urlsafe(24)
        self.standin.uploads[upload_id] = Upload(kind, token)
        endpoint = {"url": f"{call.base_url}/upload/{upload_id}"}
        # Video and audio get their token with the URL; files and images with the upload.
        return endpoint | ({"token": token} if kind in ("video", "audio") else {})

    async def subscribe(self, call: Call) -> dict[str, Any]:
        self.standin.updates.subscribe(checked_webhook(call.body))
        return SUCCESS

    async def unsubscribe(self, call: Call) -> dict[str, Any]:
        if await self.standin.updates.unsubscribe(call.required("url")):
            return SUCCESS
        return {"success": False, "message": "Subscription not found"}

    async def subscriptions(self, call: Call) -> dict[str, Any]:
        return {
            "subscriptions": [hook.to_json() for hook in self.standin.updates.webhooks.values()]
        }
