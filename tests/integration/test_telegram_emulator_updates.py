"""Incoming updates through the emulator: getUpdates, aiogram's polling and webhook modes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramConflictError
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from notifier.standins.asgi import serve_asgi
from notifier.standins.telegram_control import RunningEmulator
from tests.integration import telegram_fixtures

bot, emulator = telegram_fixtures.bot, telegram_fixtures.emulator  # fixtures used here


def invite_dispatcher() -> Dispatcher:
    """A bot that answers a deep link and acknowledges button taps, as ours will."""
    dispatcher = Dispatcher()

    @dispatcher.message(CommandStart(deep_link=True))
    async def start(message: Message, command: CommandObject) -> None:
        await message.answer(f"Код приглашения: <b>{command.args}</b>", parse_mode="HTML")

    @dispatcher.callback_query()
    async def tapped(query: CallbackQuery) -> None:
        await query.answer(f"Принято: {query.data}")

    return dispatcher


async def test_get_updates_offsets_confirm_and_drop(emulator: RunningEmulator, bot: Bot) -> None:
    for text in ("a", "b", "c"):
        await emulator.control.inject_message(user_id=7, text=text)
    assert [u.update_id for u in await bot.get_updates()] == [1, 2, 3]
    assert [u.update_id for u in await bot.get_updates()] == [1, 2, 3]  # not confirmed yet
    assert [u.update_id for u in await bot.get_updates(offset=2)] == [2, 3]
    assert [u.update_id for u in await bot.get_updates()] == [2, 3]  # 1 is gone for good
    assert [u.update_id for u in await bot.get_updates(limit=1)] == [2]
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == [3]
    assert [u.update_id for u in await bot.get_updates()] == [3]
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.text == "c"
    assert update.message.from_user is not None and update.message.from_user.id == 7


async def test_long_poll_wakes_on_an_update(emulator: RunningEmulator, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert 0.95 <= time.monotonic() - started < 2

    polling = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    await emulator.control.inject_message(user_id=8, text="hello", chat_id=-55, chat_type="group")
    [update] = await asyncio.wait_for(polling, 2)
    assert update.message is not None and update.message.chat.type == "group"


async def test_allowed_updates_and_conflicts(emulator: RunningEmulator, bot: Bot) -> None:
    await emulator.control.inject_message(user_id=9, text="ignored")
    assert await bot.get_updates(allowed_updates=["callback_query"]) == []

    first = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert await bot.get_updates() == []  # a second poller terminates the first
    try:
        await asyncio.wait_for(first, 2)
    except TelegramConflictError as error:
        assert "terminated by other getUpdates request" in error.message
    else:
        raise AssertionError("the first poller was not terminated")


async def test_dispatcher_polling_answers_start_and_buttons(
    emulator: RunningEmulator, bot: Bot
) -> None:
    dispatcher = invite_dispatcher()
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot, polling_timeout=1, handle_signals=False, close_bot_session=False
        )
    )
    try:
        await emulator.control.inject_start(501, "INV-42")
        [reply] = await emulator.control.wait_sent(1, chat_id=501)
        assert reply["text"] == "Код приглашения: <b>INV-42</b>"

        await emulator.control.inject_callback(
            user_id=501, message_id=reply["message_id"], data="consent:yes"
        )
        for _ in range(50):
            if answers := await emulator.control.callback_answers():
                break
            await asyncio.sleep(0.05)
        assert answers[0]["text"] == "Принято: consent:yes"
    finally:
        await dispatcher.stop_polling()
        await polling


@asynccontextmanager
async def webhook_recorder(status: list[int]) -> AsyncIterator[tuple[str, list[Any]]]:
    """A webhook receiver that records what it got and answers the given statuses in turn."""
    received: list[Any] = []

    async def hook(request: Request) -> Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        received.append((secret, await request.json()))
        return Response(status_code=status.pop(0) if status else 200)

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    async with serve_asgi(app) as port:
        yield f"http://127.0.0.1:{port}/hook", received


async def test_webhook_posts_updates_with_the_secret(emulator: RunningEmulator, bot: Bot) -> None:
    async with webhook_recorder(status=[500]) as (url, received):
        assert await bot.set_webhook(url, secret_token="s3cret-token")
        with_webhook = asyncio.create_task(bot.get_updates())
        await emulator.control.inject_start(601, "X")
        for _ in range(50):  # the first answer is a 500: Telegram retries
            if len(received) == 2:
                break
            await asyncio.sleep(0.05)
        assert [secret for secret, _ in received] == ["s3cret-token"] * 2
        assert received[1][1]["message"]["text"] == "/start X"
        info = await bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0
        assert (
            info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
        )
        try:
            await with_webhook
        except TelegramConflictError as error:
            assert "webhook is active" in error.message
        else:
            raise AssertionError("getUpdates worked while a webhook was set")
        assert await bot.delete_webhook()
    await emulator.control.inject_message(user_id=602, text="back to polling")
    assert len(await bot.get_updates()) == 1


async def test_aiogram_webhook_mode(emulator: RunningEmulator, bot: Bot) -> None:
    app = web.Application()
    SimpleRequestHandler(invite_dispatcher(), bot, secret_token="hook-secret").register(app, "/tg")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        await bot.set_webhook(f"http://127.0.0.1:{port}/tg", secret_token="hook-secret")
        await emulator.control.inject_start(701, "INV-7")
        [reply] = await emulator.control.wait_sent(1, chat_id=701)
        assert reply["text"] == "Код приглашения: <b>INV-7</b>"
    finally:
        await runner.cleanup()
