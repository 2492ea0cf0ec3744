"""Updates a test injects: what Telegram would send when a user writes or taps a button."""

from __future__ import annotations

import time
from typing import Any

from notifier.standins.telegram_emulator import TelegramEmulator
from notifier.standins.telegram_rules import utf16_length


def _user(body: dict[str, Any]) -> dict[str, Any]:
    user_id = int(body["user_id"])
    user: dict[str, Any] = {
        "id": user_id,
        "is_bot": False,
        "first_name": str(body.get("first_name") or f"User {user_id}"),
    }
    for optional in ("last_name", "username", "language_code"):
        if body.get(optional):
            user[optional] = str(body[optional])
    return user


def _chat(body: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    chat_type = str(body.get("chat_type", "private"))
    if chat_type == "private":
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if "username" in user:
            chat["username"] = user["username"]
        return chat
    if chat_type not in ("group", "supergroup"):
        raise ValueError("chat_type must be private, group or supergroup")
    chat_id = int(body["chat_id"])
    if chat_id >= 0:
        raise ValueError("group chat ids are negative")
    return {"id": chat_id, "type": chat_type, "title": str(body.get("title") or f"Group {chat_id}")}


def inject_message(emulator: TelegramEmulator, body: dict[str, Any]) -> dict[str, Any]:
    """A text message from `user_id` (private chat, or `chat_id` of a group); /start works."""
    user = _user(body)
    chat = _chat(body, user)
    text = str(body["text"])
    message: dict[str, Any] = {
        "message_id": emulator.allocate_message_id(),
        "from": user,
        "chat": chat,
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        # Telegram marks a leading command as an entity; aiogram filters can rely on it.
        command = text.split(maxsplit=1)[0]
        message["entities"] = [
            {"type": "bot_command", "offset": 0, "length": utf16_length(command)}
        ]
    emulator.remember_chat(chat)
    emulator.received.append(message)
    update_id = emulator.updates.push({"message": message})
    return {"update_id": update_id, "message_id": message["message_id"], "chat_id": chat["id"]}


def inject_callback(emulator: TelegramEmulator, body: dict[str, Any]) -> dict[str, Any]:
    """A tap on an inline button of a message the bot sent."""
    user = _user(body)
    message_id = int(body["message_id"])
    candidates = [
        m
        for m in emulator.sent
        if m.message_id == message_id and not m.deleted
        if "chat_id" not in body or m.chat_id == int(body["chat_id"])
    ]
    if not candidates:
        raise ValueError(f"the bot sent no message {message_id}")
    sent = candidates[0]
    query_id = f"{emulator.bot_id}{len(emulator.callback_queries) + 1:08d}"
    query = {
        "id": query_id,
        "from": user,
        "message": sent.message,
        "chat_instance": str(abs(hash((emulator.bot_id, sent.chat_id)))),
        "data": str(body["data"]),
    }
    emulator.callback_queries[query_id] = {"answered": False}
    update_id = emulator.updates.push({"callback_query": query})
    return {"update_id": update_id, "callback_query_id": query_id}
