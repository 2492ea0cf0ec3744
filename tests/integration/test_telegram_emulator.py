"""The Telegram Bot API emulator, through real aiogram and raw HTTP: formats, errors, limits."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from notifier.ratelimit import Rate
from notifier.standins.telegram_control import RunningEmulator
from tests.integration import telegram_fixtures
from tests.integration.telegram_fixtures import bot_for

bot, emulator = telegram_fixtures.bot, telegram_fixtures.emulator  # fixtures used here

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Понятно", callback_data="ack:17")]]
)


async def call(emu: RunningEmulator, method: str, token: str | None = None, **kwargs: Any) -> Any:
    """A raw request, to see the envelope and status exactly as a client would."""
    url = f"{emu.base_url}/bot{token or emu.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, **kwargs) as response:
        return response.status, await response.json()


async def test_get_me_and_unknown_token_or_method(emulator: RunningEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == bot.id and me.is_bot

    assert await call(emulator, "getMe", token="1:wrong") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    with pytest.raises(TelegramUnauthorizedError):
        await bot_for(emulator, token="1:wrong").get_me()
    status, body = await call(emulator, "sendPigeon", json={"chat_id": 1})
    assert (status, body["description"]) == (404, "Not Found: method not found")


async def test_send_message_in_json_form_and_aiogram(emulator: RunningEmulator, bot: Bot) -> None:
    status, body = await call(emulator, "sendMessage", json={"chat_id": 10, "text": "json"})
    assert (
        status == 200
        and body["ok"]
        and body["result"]["chat"]
        == {
            "id": 10,
            "type": "private",
            "first_name": "User 10",
        }
    )
    status, body = await call(emulator, "sendMessage", data={"chat_id": "11", "text": "form"})
    assert status == 200 and body["result"]["text"] == "form"

    message = await bot.send_message(
        12, "<b>5</b> по алгебре", parse_mode="HTML", reply_markup=KEYBOARD
    )
    assert message.text == "5 по алгебре"  # Telegram returns the parsed text
    assert message.from_user is not None and message.from_user.id == bot.id
    assert message.reply_markup is not None
    assert message.reply_markup.model_dump() == KEYBOARD.model_dump()

    [sent] = await emulator.control.sent(chat_id=12)
    assert sent["text"] == "<b>5</b> по алгебре" and sent["parse_mode"] == "HTML"
    assert sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ack:17"
    assert len(await emulator.control.sent()) == 3


BAD_TEXTS = {
    "<b>bold": "can't parse entities: Can't find end tag corresponding to start tag \"b\"",
    "<b>x</i>": "can't parse entities: Unexpected end tag at byte offset 4",
    "<div>x</div>": 'can\'t parse entities: Unsupported start tag "div" at byte offset 0',
    "Tom & Jerry": "can't parse entities: Character entity expected at byte offset 4",
    "я" * 4097: "message is too long",
    "<b> </b>": "message text is empty",
}


async def test_html_and_length_are_checked(bot: Bot) -> None:
    for text, description in BAD_TEXTS.items():
        with pytest.raises(TelegramBadRequest) as error:
            await bot.send_message(20, text, parse_mode="HTML")
        assert error.value.message == f"Bad Request: {description}"


async def test_length_is_counted_after_parsing(bot: Bot) -> None:
    # 4096 visible characters are allowed however much markup they carry.
    message = await bot.send_message(21, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
    assert message.text == "&" * 4096


async def test_send_document_upload(emulator: RunningEmulator, bot: Bot) -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40
    message = await bot.send_document(
        30, BufferedInputFile(pdf, filename="week.pdf"), caption="<b>Неделя</b>", parse_mode="HTML"
    )
    assert message.document is not None and message.document.file_name == "week.pdf"
    assert message.document.file_size == len(pdf) and message.caption == "Неделя"
    [sent] = await emulator.control.sent(chat_id=30)
    assert (sent["document_name"], sent["document_size"]) == ("week.pdf", len(pdf))
    assert await emulator.control.document(message.message_id) == pdf

    # curl -F document=@file: the file itself in the "document" field
    form = aiohttp.FormData({"chat_id": "31"})
    form.add_field("document", b"plain", filename="notes.txt", content_type="text/plain")
    status, body = await call(emulator, "sendDocument", data=form)
    assert status == 200 and body["result"]["document"]["mime_type"] == "text/plain"


async def test_edit_delete_and_callback_answers(emulator: RunningEmulator, bot: Bot) -> None:
    message = await bot.send_message(40, "Оценка: 4", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("Оценка: 5", chat_id=40, message_id=message.message_id)
    assert isinstance(edited, type(message)) and edited.text == "Оценка: 5"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Оценка: 5", chat_id=40, message_id=message.message_id)

    injected = await emulator.control.inject_callback(
        user_id=40, message_id=message.message_id, data="ack:17"
    )
    assert await bot.answer_callback_query(injected["callback_query_id"], text="Спасибо")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(injected["callback_query_id"])
    assert (await emulator.control.callback_answers())[0]["text"] == "Спасибо"

    assert await bot.delete_message(40, message.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(40, message.message_id)


async def test_commands_are_stored(bot: Bot) -> None:
    commands = [
        BotCommand(command="start", description="Подписка"),
        BotCommand(command="dz", description="ДЗ"),
    ]
    assert await bot.set_my_commands(commands)
    assert [c.model_dump() for c in await bot.get_my_commands()] == [
        c.model_dump() for c in commands
    ]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])


async def test_private_chat_flood_limit(emulator: RunningEmulator, bot: Bot) -> None:
    await bot.send_message(50, "one")
    with pytest.raises(TelegramRetryAfter) as error:
        await bot.send_message(50, "two")
    assert error.value.retry_after == 1  # whole seconds, as Telegram says it
    status, body = await call(emulator, "sendMessage", json={"chat_id": 50, "text": "three"})
    assert status == 429 and body["parameters"] == {"retry_after": 1}
    await bot.send_message(51, "another chat is not limited")
    stats = await emulator.control.stats()
    assert stats["methods"]["sendMessage"]["429"] == 2 and stats["sent"] == 2


async def test_group_and_bot_flood_limits(emulator: RunningEmulator, bot: Bot) -> None:
    for _ in range(20):  # 20 a minute in a group, in a burst: the window allows it
        await bot.send_message(-100, "to the class")
    with pytest.raises(TelegramRetryAfter) as error:
        await bot.send_message(-100, "one too many")
    assert 55 <= error.value.retry_after <= 60

    await emulator.control.reset()
    # 30 a second per bot, whatever the chats
    await asyncio.gather(*(bot.send_message(chat_id, "broadcast") for chat_id in range(1000, 1030)))
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(2000, "the 31st within a second")


async def test_pacing_at_the_rate_is_never_refused(emulator: RunningEmulator, bot: Bot) -> None:
    await emulator.control.set_limits(per_chat=Rate(1, 0.25))
    await bot.get_me()  # the connection is open before the clock matters
    for _ in range(4):
        started = time.monotonic()
        await bot.send_message(60, "tick")
        await asyncio.sleep(0.25 - (time.monotonic() - started))
    assert (await emulator.control.stats())["total"].get("429", 0) == 0


async def test_injected_failures(emulator: RunningEmulator, bot: Bot) -> None:
    await emulator.control.block_chat(70)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(70, "x")
    await emulator.control.forget_chat(71)
    with pytest.raises(TelegramBadRequest, match="Bad Request: chat not found"):
        await bot.send_message(71, "x")

    await emulator.control.fail_next(2, methods=["sendMessage"])
    for _ in range(2):
        with pytest.raises(TelegramServerError, match="Bad Gateway"):
            await bot.send_message(72, "x")
    await bot.send_message(72, "the gateway is back")

    await emulator.control.set_latency(0.3)
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.3

    methods = (await emulator.control.stats())["methods"]
    assert methods["sendMessage"] == {"requests": 5, "ok": 1, "403": 1, "400": 1, "5xx": 2}
    await emulator.control.reset()
    assert (await emulator.control.stats())["sent"] == 0
    await bot.send_message(70, "unblocked after reset")


async def test_command_line_entry_point(unused_tcp_port: int) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "notifier.standins.telegram_api",
        "--port", str(unused_tcp_port), "--token", "42:cli",
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{unused_tcp_port}/bot42:cli/getMe"
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.get(url) as response:
                        assert (await response.json())["result"]["id"] == 42
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)  # still starting
            else:
                pytest.fail("the emulator did not start")
    finally:
        process.terminate()
        await process.wait()
