"""The Bot API as the emulator answers it: dispatch, and the methods that send messages."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from notifier.standins.faults import ConnectionDropped
from notifier.standins.telegram_emulator import SentMessage, TelegramEmulator
from notifier.standins.telegram_errors import ApiError, bad_request
from notifier.standins.telegram_params import Params, UploadedFile
from notifier.standins.telegram_rules import (
    MAX_CAPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    EntityParseError,
    parse_html,
    utf16_length,
)
from notifier.standins.telegram_setup import SetupMethods

Handler = Callable[[Params], Awaitable[Any]]
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def visible_text(text: str, parse_mode: str | None, *, limit: int, too_long: str) -> str:
    """The text a reader sees, checked the way Telegram checks it before sending."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            visible = parse_html(text)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif mode in ("", "markdown", "markdownv2"):
        visible = text  # Markdown is accepted as is: Zvonok sends HTML only
    else:
        raise bad_request("unsupported parse_mode")
    if utf16_length(visible) > limit:
        raise bad_request(too_long)
    return visible


def checked_markup(params: Params) -> dict[str, Any] | None:
    markup = params.structured("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise bad_request("text buttons are unallowed in the inline keyboard")
    return markup


def inline_markup(markup: dict[str, Any] | None) -> dict[str, Any]:
    """Only inline keyboards are part of the returned Message, as in the real API."""
    if markup and "inline_keyboard" in markup:
        return {"reply_markup": {"inline_keyboard": markup["inline_keyboard"]}}
    return {}


class BotApi:
    """Dispatches `/bot{token}/{method}` calls to the emulated bot."""

    def __init__(self, emulator: TelegramEmulator) -> None:
        self.emu = emulator
        setup = SetupMethods(emulator)
        handlers: dict[str, Handler] = {
            "getMe": setup.get_me,
            "getUpdates": setup.get_updates,
            "setWebhook": setup.set_webhook,
            "deleteWebhook": setup.delete_webhook,
            "getWebhookInfo": setup.get_webhook_info,
            "setMyCommands": setup.set_my_commands,
            "getMyCommands": setup.get_my_commands,
            "deleteMyCommands": setup.delete_my_commands,
            "sendMessage": self.send_message,
            "sendDocument": self.send_document,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
        }
        # Telegram matches method names case-insensitively.
        self._methods = {name.lower(): (name, handler) for name, handler in handlers.items()}

    async def call(self, token: str, method: str, params: Params) -> tuple[int, dict[str, Any]]:
        """Answer one request: (HTTP status, Bot API envelope); raises ConnectionDropped
        for a request whose connection a test asked to drop."""
        if self.emu.latency > 0:
            await asyncio.sleep(self.emu.latency)
        name, handler = self._methods.get(method.lower(), (method, None))
        try:
            # An injected gateway error comes before Telegram even reads the token.
            failure = self.emu.take_failure(name.lower())
            if failure is not None:
                if failure.status is None:
                    self.emu.count(name, None)
                    raise ConnectionDropped(name)
                raise ApiError(failure.status, failure.description, retry_after=failure.retry_after)
            if token != self.emu.token:
                raise ApiError(401, "Unauthorized")
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params)
        except ApiError as error:
            self.emu.count(name, error.code)
            return error.code, error.envelope()
        self.emu.count(name, 200)
        return 200, {"ok": True, "result": result}

    def _chat_id(self, params: Params) -> int:
        usernames = {
            str(chat["username"]).lower(): chat_id
            for chat_id, chat in self.emu.chats.items()
            if chat.get("username")
        }
        return params.chat_id(usernames)

    async def send_message(self, params: Params) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        text, parse_mode = params.text("text") or "", params.text("parse_mode")
        visible = visible_text(
            text, parse_mode, limit=MAX_MESSAGE_LENGTH, too_long="message is too long"
        )
        if not visible.strip():
            raise bad_request("message text is empty")
        markup = checked_markup(params)
        paid = params.flag("allow_paid_broadcast")
        self.emu.check_chat(chat_id)
        self.emu.check_flood(chat_id, paid=paid)
        message = self.emu.new_message(chat_id, text=visible, **inline_markup(markup))
        self.emu.record(
            SentMessage(
                message["message_id"],
                chat_id,
                "sendMessage",
                message,
                text,
                parse_mode,
                markup,
                paid=paid,
            )
        )
        return message

    def _upload(self, params: Params) -> UploadedFile | str:
        reference = params.text("document")
        if reference and reference.startswith("attach://"):
            upload = params.files.get(reference.removeprefix("attach://"))
            if upload is None:
                raise bad_request("wrong HTTP URL specified")
            return upload
        if "document" in params.files:  # a plain multipart field, as curl -F sends it
            return params.files["document"]
        if not reference:
            raise bad_request("there is no document in the request")
        return reference  # a file_id or URL of a file Telegram already has

    async def send_document(self, params: Params) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        upload = self._upload(params)
        caption, parse_mode = params.text("caption"), params.text("parse_mode")
        content: dict[str, Any] = {}
        if caption:
            content["caption"] = visible_text(
                caption,
                parse_mode,
                limit=MAX_CAPTION_LENGTH,
                too_long="message caption is too long",
            )
        markup = checked_markup(params)
        self.emu.check_chat(chat_id)
        self.emu.check_flood(chat_id)
        name = upload.filename if isinstance(upload, UploadedFile) else None
        data = upload.data if isinstance(upload, UploadedFile) else None
        content["document"] = {
            "file_id": f"BQACAgIAAx{self.emu.bot_id}-{len(self.emu.sent) + 1}",
            "file_unique_id": f"AgAD{len(self.emu.sent) + 1}",
            "file_name": name,
            "mime_type": upload.content_type if isinstance(upload, UploadedFile) else None,
            "file_size": None if data is None else len(data),
        }
        message = self.emu.new_message(chat_id, **content, **inline_markup(markup))
        sent = SentMessage(message["message_id"], chat_id, "sendDocument", message)
        sent.text, sent.parse_mode, sent.reply_markup = caption, parse_mode, markup
        sent.document_name, sent.document = name, data
        self.emu.record(sent)
        return message

    async def edit_message_text(self, params: Params) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        message_id = params.required_int("message_id", "message identifier is not specified")
        text, parse_mode = params.text("text") or "", params.text("parse_mode")
        visible = visible_text(
            text, parse_mode, limit=MAX_MESSAGE_LENGTH, too_long="MESSAGE_TOO_LONG"
        )
        markup = checked_markup(params)
        self.emu.check_chat(chat_id)
        stored = self.emu.find(chat_id, message_id)
        if stored is None:
            raise bad_request("message to edit not found")
        if stored.method != "sendMessage":
            raise bad_request("there is no text in the message to edit")
        if (stored.message.get("text"), stored.reply_markup) == (visible, markup):
            raise bad_request(_NOT_MODIFIED)
        stored.text, stored.parse_mode, stored.reply_markup = text, parse_mode, markup
        stored.edited_at = time.time()
        stored.message.pop("reply_markup", None)
        stored.message.update(
            text=visible, edit_date=int(stored.edited_at), **inline_markup(markup)
        )
        return stored.message

    async def edit_message_reply_markup(self, params: Params) -> dict[str, Any]:
        """New inline buttons on a message the bot sent (text or document), text untouched."""
        chat_id = self._chat_id(params)
        message_id = params.required_int("message_id", "message identifier is not specified")
        markup = checked_markup(params)
        self.emu.check_chat(chat_id)
        stored = self.emu.find(chat_id, message_id)
        if stored is None:
            raise bad_request("message to edit not found")
        if stored.reply_markup == markup:
            raise bad_request(_NOT_MODIFIED)
        stored.reply_markup = markup
        stored.edited_at = time.time()
        stored.message.pop("reply_markup", None)
        stored.message.update(edit_date=int(stored.edited_at), **inline_markup(markup))
        return stored.message

    async def delete_message(self, params: Params) -> bool:
        chat_id = self._chat_id(params)
        message_id = params.required_int("message_id", "message identifier is not specified")
        stored = self.emu.find(chat_id, message_id)
        if stored is None:
            raise bad_request("message to delete not found")
        stored.deleted = True
        return True

    async def answer_callback_query(self, params: Params) -> bool:
        query_id = params.text("callback_query_id") or ""
        query = self.emu.callback_queries.get(query_id)
        if query is None or query.get("answered"):
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        query["answered"] = True
        self.emu.callback_answers.append(
            {
                "callback_query_id": query_id,
                "text": params.text("text"),
                "show_alert": params.flag("show_alert"),
                "url": params.text("url"),
            }
        )
        return True
