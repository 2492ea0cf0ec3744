"""The Telegram bot process: the Dispatcher and its dependencies, built in one place."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis

from bots import errors
from bots.commands import set_commands
from bots.context import ChatContext
from bots.handlers import ROUTER_BUILDERS
from bots.i18n import ChatLanguage, bot_i18n
from bots.pacing import PacedSends
from bots.redelivery import OncePerUpdate
from bots.webhook import serve_webhook
from core.db import Database
from core.settings import Settings
from notifier.channels import Channels, build_channels, close_channels
from notifier.ratelimit import RateLimiter, TelegramRates

log = logging.getLogger(__name__)

MAX_RETRY_DELAY = 60.0


# An unanswered question (a consent, a homework draft) is forgotten after a day: the
# plain invite code it may hold does not stay in Redis for good.
FSM_TTL = dt.timedelta(days=1)


def build_dispatcher(
    settings: Settings,
    db: Database,
    redis: Redis,
    channels: Channels,
    storage: BaseStorage | None = None,
) -> Dispatcher:
    """Handlers get `settings`, `db`, `redis` and `channels` (the notifier's, built once
    by the caller, `notifier.channels`) by parameter name (aiogram's injection),
    and `links`, `journal_up`, `lang` from `ChatContext`; texts are read in `lang`
    (`ChatLanguage`, on the event observers, runs after ChatContext, which is on the
    update itself). Conversations (FSM) live in Redis, so a restarted bot process picks
    them up where they were. In webhook mode an update Telegram posts again is handled
    once (`bots.redelivery`), before anything else looks at it."""
    dispatcher = Dispatcher(
        storage=storage or RedisStorage(redis, state_ttl=FSM_TTL, data_ttl=FSM_TTL),
        settings=settings,
        db=db,
        redis=redis,
        channels=channels,
    )
    if settings.telegram_webhook_url is not None:
        dispatcher.update.outer_middleware(OncePerUpdate(redis))
    dispatcher.update.outer_middleware(ChatContext(db))
    ChatLanguage(bot_i18n()).setup(dispatcher)
    for build_router in ROUTER_BUILDERS:
        dispatcher.include_router(build_router())
    dispatcher.include_router(errors.build_router())
    return dispatcher


def build_bot(settings: Settings, redis: Redis) -> Bot:
    """A Bot whose sends share the delivery workers' per-chat and per-bot budget
    (`bots.pacing`): a parent's quick second tap waits for its answer instead of
    losing it to a 429."""
    assert settings.telegram_token is not None
    server = TelegramAPIServer.from_base(settings.telegram_api_url)
    bot = Bot(
        settings.telegram_token.get_secret_value(),
        session=AiohttpSession(api=server),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    bot.session.middleware(PacedSends(RateLimiter(redis), TelegramRates.from_settings(settings)))
    return bot


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


async def publish_commands(bot: Bot) -> None:
    """The command menu beside the input field; the bot works without it, so a refusal
    is logged and start-up goes on."""
    try:
        await set_commands(bot)
    except TelegramAPIError as error:
        log.warning("could not set the command menu: %s", error)


async def remove_webhook(bot: Bot) -> None:
    """Polling needs no webhook: Telegram refuses getUpdates (409) while one is set."""
    info = await bot.get_webhook_info()
    if info.url:
        log.warning("a webhook was set (%s): removing it to poll instead", info.url)
        await bot.delete_webhook()


async def receive_updates(
    dispatcher: Dispatcher, bot: Bot, settings: Settings, stop: asyncio.Event
) -> None:
    """By webhook when ZVONOK_TELEGRAM_WEBHOOK_URL is set, otherwise by long polling."""
    if settings.telegram_webhook_url is not None:
        await serve_webhook(dispatcher, bot, settings, stop)
        return
    await remove_webhook(bot)
    await poll_until_stopped(dispatcher, bot, stop)


async def run_bot(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Updates from TELEGRAM_API_URL (polled, or posted to the webhook) until `stop` is
    set (by SIGINT or SIGTERM when not given); idle when there is no token."""
    stop = stop or stop_on_signals()
    db = Database(settings.database_url_resolved)
    redis = Redis.from_url(settings.require_redis_url())
    channels = build_channels(settings, redis)
    dispatcher = build_dispatcher(settings, db, redis, channels)
    try:
        if settings.telegram_token is None:
            log.info("no ZVONOK_TELEGRAM_TOKEN: the bot is waiting for a token and does nothing")
            await stop.wait()
            return
        bot = build_bot(settings, redis)
        try:
            log.info("bot using the API at %s", settings.telegram_api_url)
            if await wait_for_telegram(bot, stop):
                await publish_commands(bot)
                await receive_updates(dispatcher, bot, settings, stop)
        finally:
            await bot.session.close()
    finally:
        await dispatcher.storage.close()
        await close_channels(channels)
        await redis.aclose()
        await db.dispose()
        log.info("bot stopped")
