"""The bot on Telegram: aiogram's Dispatcher feeds every update to the dialogue.

One aiogram handler per kind of update (a message, a button press) makes a
`bots.dialog` turn and hands it to the `Dialogue`; everything a feature says comes back
through `TelegramSurface`. aiogram keeps what is Telegram's own: polling or the webhook
(`bots.telegram.webhook`), the command menu, and the pacing of sends shared with the
delivery workers (`bots.telegram.pacing`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
from collections.abc import Mapping
from dataclasses import replace

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, CallbackQuery, Message
from redis.asyncio import Redis

from bots.commands import described_commands
from bots.dialog.context import make_turn
from bots.dialog.router import Dialogue
from bots.dialog.turn import Deps, Press
from bots.dialog.ui import Sent
from bots.lifecycle import retry_until_up
from bots.telegram.pacing import PacedSends
from bots.telegram.redelivery import OncePerUpdate
from bots.telegram.session import TelegramSession
from bots.telegram.surface import TelegramSurface, from_markup
from bots.telegram.webhook import serve_webhook
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from core.messengers import MessengerChat
from core.models import Messenger
from core.settings import Settings
from notifier.ratelimit import Rate, RateLimiter, TelegramRates

log = logging.getLogger(__name__)

# A school bot's key by the bot's id (core.bot_registry); the deployment's bot is absent.
BotKeys = Mapping[int, str]
ADDRESSED = re.compile(r"^/[A-Za-z0-9_]+@([A-Za-z0-9_]+)")


async def addressed_elsewhere(message: Message, bot: Bot) -> bool:
    """«/start@other_bot» in a group is another bot's command."""
    found = ADDRESSED.match(message.text or "")
    if found is None:
        return False
    me = await bot.me()  # aiogram keeps it after the first call
    return found.group(1).lower() != (me.username or "").lower()


async def on_message(
    message: Message, bot: Bot, deps: Deps, dialogue: Dialogue, bot_keys: BotKeys
) -> None:
    if await addressed_elsewhere(message, bot):
        return
    user = message.from_user
    turn = await make_turn(
        deps,
        MessengerChat(Messenger.telegram, message.chat.id, bot_keys.get(bot.id)),
        TelegramSurface(bot, message.chat.id),
        private=message.chat.type == "private",
        user_language=user.language_code if user else None,
        text=message.text,
    )
    await dialogue.handle(turn)


async def on_press(
    query: CallbackQuery, bot: Bot, deps: Deps, dialogue: Dialogue, bot_keys: BotKeys
) -> None:
    message = query.message
    chat_id = message.chat.id if message is not None else query.from_user.id
    private = message is None or message.chat.type == "private"
    shown = message if isinstance(message, Message) else None
    press = Press(
        id=query.id,
        data=query.data or "",
        message=Sent(str(shown.message_id)) if shown is not None else None,
        keyboard=from_markup(shown.reply_markup) if shown is not None else (),
    )
    turn = await make_turn(
        deps,
        MessengerChat(Messenger.telegram, chat_id, bot_keys.get(bot.id)),
        TelegramSurface(bot, chat_id),
        private=private,
        user_language=query.from_user.language_code,
        press=press,
    )
    await dialogue.handle(turn)


def build_dispatcher(deps: Deps, dialogue: Dialogue, bot_keys: BotKeys | None = None) -> Dispatcher:
    """`bot_keys`: each school bot's key by its id (`core.bot_registry`), so a chat linked
    through it remembers it; a bot not in it is the deployment's.

    In webhook mode an update Telegram posts again is handled once
    (`bots.telegram.redelivery`), before anything else looks at it."""
    dispatcher = Dispatcher(deps=deps, dialogue=dialogue, bot_keys=dict(bot_keys or {}))
    if deps.settings.telegram_webhook_url is not None:
        dispatcher.update.outer_middleware(OncePerUpdate(deps.redis))
    router = Router(name="dialogue")
    router.message.register(on_message)
    router.callback_query.register(on_press, F.data)
    dispatcher.include_router(router)
    return dispatcher


def build_bot(
    settings: Settings, redis: Redis, token: str | None = None, rate: int | None = None
) -> Bot:
    """A Bot (the deployment's, or a school's own with its `token` and `rate`) whose sends
    share the delivery workers' per-chat and per-bot budget (`bots.telegram.pacing`): a
    parent's quick second tap waits for its answer instead of losing it to a 429."""
    if token is None:
        assert settings.telegram_token is not None
        token = settings.telegram_token.get_secret_value()
    server = TelegramAPIServer.from_base(settings.telegram_api_url)
    bot = Bot(
        token,
        session=TelegramSession(api=server),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    rates = TelegramRates.from_settings(settings)
    if rate is not None:
        rates = replace(rates, per_bot=Rate(rate, 1.0))
    bot.session.middleware(PacedSends(RateLimiter(redis), rates))
    return bot


def build_bots(settings: Settings, redis: Redis) -> dict[str | None, Bot]:
    """The deployment's bot (key None, when it has a token) and every school's own."""
    bots: dict[str | None, Bot] = {}
    if settings.telegram_token is not None:
        bots[None] = build_bot(settings, redis)
    for account in settings.school_bots("telegram"):
        bots[account.key] = build_bot(
            settings, redis, account.token.get_secret_value(), account.rate
        )
    return bots


async def poll_until_stopped(
    dispatcher: Dispatcher, bots: list[Bot], stop: asyncio.Event, *, handle_as_tasks: bool = True
) -> None:
    """`handle_as_tasks`: each update in a task of its own (a slow turn, a PDF, does not
    hold up the bot's other chats); False handles a batch's updates one by one before
    asking for the next, which acknowledges them."""
    polling = asyncio.create_task(
        dispatcher.start_polling(*bots, handle_signals=False, handle_as_tasks=handle_as_tasks)
    )
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


def bot_commands(lang: str) -> list[BotCommand]:
    return [BotCommand(command=n, description=d) for n, d in described_commands(lang)]


async def publish_commands(bot: Bot) -> None:
    """Russian for everyone (the default), and each other language for the users whose
    Telegram is set to it. The bot works without the menu: a refusal is logged."""
    scope = BotCommandScopeAllPrivateChats()
    try:
        await bot.set_my_commands(bot_commands(DEFAULT_LANGUAGE), scope=scope)
        for lang in LANGUAGES:
            if lang != DEFAULT_LANGUAGE:
                await bot.set_my_commands(bot_commands(lang), scope=scope, language_code=lang)
    except TelegramAPIError as error:
        log.warning("could not set the command menu: %s", error)


async def remove_webhook(bot: Bot) -> None:
    """Polling needs no webhook: Telegram refuses getUpdates (409) while one is set."""
    info = await bot.get_webhook_info()
    if info.url:
        log.warning("a webhook was set (%s): removing it to poll instead", info.url)
        await bot.delete_webhook()


async def connect(bot: Bot) -> str:
    """The bot's username; raises what `retry_until_up` retries while Telegram is away.
    A refused token (TelegramUnauthorizedError) is a configuration error and is raised."""
    me = await bot.me()
    return me.username or ""


TRANSIENT = (TelegramNetworkError, TelegramServerError, TelegramRetryAfter)


def bot_name(key: str | None) -> str:
    return f"Telegram bot {key!r}" if key else "Telegram"


async def connected(
    bots: dict[str | None, Bot], stop: asyncio.Event
) -> dict[str | None, Bot] | None:
    """The bots Telegram answers for, with their command menus published; None when
    stopped first. A school's bot whose token Telegram refuses is logged and left out
    (the other schools' bots keep working); the deployment's refused token is raised."""
    ready: dict[str | None, Bot] = {}
    for key, bot in bots.items():
        try:
            name = await retry_until_up(
                bot_name(key), functools.partial(connect, bot), TRANSIENT, stop
            )
        except TelegramUnauthorizedError:
            if key is None:
                raise
            log.error("%s: Telegram refuses its token; it is not served", bot_name(key))
            continue
        if name is None:
            return None
        log.info("connected to Telegram as @%s%s", name, f" (bot {key!r})" if key else "")
        await publish_commands(bot)
        ready[key] = bot
    return ready


async def run_telegram(
    deps: Deps, dialogue: Dialogue, stop: asyncio.Event, *, handle_as_tasks: bool = True
) -> None:
    """Updates from TELEGRAM_API_URL (polled, or posted to the webhook) until `stop`,
    for the deployment's bot and every school's own, in one Dispatcher
    (`handle_as_tasks`: see `poll_until_stopped`)."""
    settings = deps.settings
    bots = build_bots(settings, deps.redis)
    try:
        log.info("Telegram bots (%d) using the API at %s", len(bots), settings.telegram_api_url)
        ready = await connected(bots, stop)
        if not ready:
            return
        dispatcher = build_dispatcher(
            deps, dialogue, {bot.id: key for key, bot in ready.items() if key is not None}
        )
        if settings.telegram_webhook_url is not None:
            await serve_webhook(dispatcher, ready, settings, stop)
        else:
            for bot in ready.values():
                await remove_webhook(bot)
            bots_ready = list(ready.values())
            await poll_until_stopped(dispatcher, bots_ready, stop, handle_as_tasks=handle_as_tasks)
    finally:
        for bot in bots.values():
            await bot.session.close()
