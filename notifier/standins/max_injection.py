"""Updates a test injects: what MAX sends when a user writes, starts the bot, presses a
button, or stops the bot."""

from __future__ import annotations

import secrets
import time
from typing import Any

from notifier.standins.max_methods import message_json
from notifier.standins.max_state import USER_STATES, MaxStandin, MaxUserState


def _now_ms() -> int:
    return int(time.time() * 1000)


def _user(standin: MaxStandin, body: dict[str, Any]) -> MaxUserState:
    details = {key: body.get(key) for key in ("first_name", "username", "locale")}
    return standin.user(int(body["user_id"]), **details)


def inject_message(standin: MaxStandin, body: dict[str, Any]) -> dict[str, Any]:
    """A user's text in their dialog with the bot, or in a group chat (`chat_id` < 0)."""
    user = _user(standin, body)
    group = body.get("chat_id")
    if group is None:
        if user.state == "blocked":
            raise ValueError("this user stopped the bot: inject a start first")
        user.state = "active"  # writing to the bot opens the dialog
        chat = {"chat_id": user.dialog_id, "chat_type": "dialog", "user_id": standin.bot_id}
    else:
        if int(group) >= 0:
            raise ValueError("group chat ids are negative")
        standin.group_chats.setdefault(int(group), str(body.get("title") or f"Chat {group}"))
        chat = {"chat_id": int(group), "chat_type": "chat", "user_id": None}
    mid = standin.new_mid()
    message = {
        "sender": user.to_json(),
        "recipient": chat,
        "timestamp": _now_ms(),
        "body": {
            "mid": mid,
            "seq": standin.next_seq(),
            "text": str(body["text"]),
            "attachments": [],
        },
    }
    update: dict[str, Any] = {
        "update_type": "message_created",
        "timestamp": _now_ms(),
        "message": message,
    }
    if group is None and user.locale:
        update["user_locale"] = user.locale  # "available only in dialogs"
    seq = standin.updates.push(update)
    return {"seq": seq, "message_id": mid, "chat_id": chat["chat_id"]}


def inject_start(standin: MaxStandin, body: dict[str, Any]) -> dict[str, Any]:
    """The user opened the bot (a start link carries `payload`) or resumed it."""
    user = _user(standin, body)
    user.state = "active"
    update: dict[str, Any] = {
        "update_type": "bot_started",
        "timestamp": _now_ms(),
        "chat_id": user.dialog_id,
        "user": user.to_json(),
        "payload": body.get("payload") or None,
        "user_locale": user.locale,
    }
    if update["payload"] is not None and len(update["payload"]) > 512:
        raise ValueError("a start payload has at most 512 characters")
    return {"seq": standin.updates.push(update), "chat_id": user.dialog_id}


def inject_callback(standin: MaxStandin, body: dict[str, Any]) -> dict[str, Any]:
    """A press on a callback button the bot sent this user: it must be on the message, or
    have been before an edit (a double tap, pressed before the app showed the edit)."""
    user = _user(standin, body)
    message = standin.find(str(body["message_id"]))
    if message.user_id is not None and message.user_id != user.user_id:
        raise ValueError(f"message {message.mid} is in another user's dialog")
    payload = str(body["payload"])
    if payload not in message.callback_payloads() | message.earlier_payloads:
        raise ValueError(f"message {message.mid} has no callback button with that payload")
    callback_id = secrets.token_urlsafe(16)
    standin.callbacks[callback_id] = {"mid": message.mid, "dialog_id": message.chat_id}
    update = {
        "update_type": "message_callback",
        "timestamp": _now_ms(),
        "callback": {
            "timestamp": _now_ms(),
            "callback_id": callback_id,
            "payload": payload,
            "user": user.to_json(),
        },
        "message": message_json(standin, message),
        "user_locale": user.locale,
    }
    return {"seq": standin.updates.push(update), "callback_id": callback_id}


def set_user_state(standin: MaxStandin, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """`blocked`: the user stopped the bot; `deleted`: they removed the dialog too; `active`
    again. MAX tells the bot (bot_stopped, dialog_removed) unless `notify` is false."""
    state = body.get("state")
    if state not in USER_STATES:
        raise ValueError(f"state must be one of {USER_STATES}")
    user = _user(standin, {"user_id": user_id})
    user.state = str(state)
    kinds = {"blocked": ["bot_stopped"], "deleted": ["bot_stopped", "dialog_removed"]}
    if body.get("notify", True):
        for kind in kinds.get(user.state, []):
            standin.updates.push(
                {
                    "update_type": kind,
                    "timestamp": _now_ms(),
                    "chat_id": user.dialog_id,
                    "user": user.to_json(),
                    "user_locale": user.locale,
                }
            )
    return {"user_id": user_id, "state": user.state}
