"""The Telegram bot process: the Dispatcher and its dependencies, built in one place."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis

from bots import errors
from bots.context import ChatContext
from bots.handlers import ROUTER_BUILDERS
from core.db import Database
from core.settings import Settings

log = logging.getLogger(__name__)

MAX_RETRY_DELAY = 60.0


def build_dispatcher(
    settings: Settings, db: Database, redis: Redis, storage: BaseStorage | None = None
) -> Dispatcher:
    """Handlers get `settings`, `db` and `redis` by parameter name (aiogram's injection),
    and `links`, `journal_up`, `lang` from `ChatContext`. Conversations (FSM) live in
    Redis, so a restarted bot process picks them up where they were."""
    dispatcher = Dispatcher(
        storage=storage or RedisStorage(redis), settings=settings, db=db, redis=redis
    )
    dispatcher.update.outer_middleware(ChatContext(db))
    for build_router in ROUTER_BUILDERS:
        dispatcher.include_router(build_router())
    dispatcher.include_router(errors.build_router())
    return dispatcher


def build_bot(settings: Settings) -> Bot:
    assert settings.telegram_token is not None
    server = TelegramAPIServer.from_base(settings.telegram_api_url)
    return Bot(
        settings.telegram_token.get_secret_value(),
        session=AiohttpSession(api=server),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM: the process then stops cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def wait_for_telegram(bot: Bot, stop: asyncio.Event) -> bool:
    """Retry getMe until the API answers; False when stopped first.

    aiogram's polling retries by itself once started, but its first getMe does not:
    without this, a Telegram outage at start-up would end the process. A refused
    token (TelegramUnauthorizedError) is a configuration error and is raised.
    """
    delay = 1.0
    while not stop.is_set():
        try:
            me = await bot.me()
        except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as error:
            log.warning("Telegram API not reachable (%s); retrying in %.0f s", error, delay)
        else:
            log.info("connected as @%s", me.username)
            return True
        await sleep_unless_stopped(stop, delay)
        delay = min(delay * 2, MAX_RETRY_DELAY)
    return False


async def poll_until_stopped(dispatcher: Dispatcher, bot: Bot, stop: asyncio.Event) -> None:
    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not polling.done():
        try:
            await dispatcher.stop_polling()
        except RuntimeError:  # polling had not taken its lock yet
            polling.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await polling


async def run_bot(settings: Settings) -> None:
    """Long polling against TELEGRAM_API_URL, or idle until stopped when there is no token."""
    stop = stop_on_signals()
    db = Database(settings.database_url_resolved)
    redis = Redis.from_url(settings.require_redis_url())
    dispatcher = build_dispatcher(settings, db, redis)
    try:
        if settings.telegram_token is None:
            log.info("no ZVONOK_TELEGRAM_TOKEN: the bot is waiting for a token and does nothing")
            await stop.wait()
            return
        bot = build_bot(settings)
        try:
            log.info("bot using the API at %s", settings.telegram_api_url)
            if await wait_for_telegram(bot, stop):
                await poll_until_stopped(dispatcher, bot, stop)
        finally:
            await bot.session.close()
    finally:
        await dispatcher.storage.close()
        await redis.aclose()
        await db.dispose()
        log.info("bot stopped")
