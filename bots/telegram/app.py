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
import logging
import re

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
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
from notifier.ratelimit import RateLimiter, TelegramRates

log = logging.getLogger(__name__)

ADDRESSED = re.compile(r"^/[A-Za-z0-9_]+@([A-Za-z0-9_]+)")


async def addressed_elsewhere(message: Message, bot: Bot) -> bool:
    """«/start@other_bot» in a group is another bot's command."""
    found = ADDRESSED.match(message.text or "")
    if found is None:
        return False
    me = await bot.me()  # aiogram keeps it after the first call
    return found.group(1).lower() != (me.username or "").lower()


async def on_message(message: Message, bot: Bot, deps: Deps, dialogue: Dialogue) -> None:
    if await addressed_elsewhere(message, bot):
        return
    user = message.from_user
    turn = await make_turn(
        deps,
        MessengerChat(Messenger.telegram, message.chat.id),
        TelegramSurface(bot, message.chat.id),
        private=message.chat.type == "private",
        user_language=user.language_code if user else None,
        text=message.text,
    )
    await dialogue.handle(turn)


async def on_press(query: CallbackQuery, bot: Bot, deps: Deps, dialogue: Dialogue) -> None:
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
        MessengerChat(Messenger.telegram, chat_id),
        TelegramSurface(bot, chat_id),
        private=private,
        user_language=query.from_user.language_code,
        press=press,
    )
    await dialogue.handle(turn)


def build_dispatcher(deps: Deps, dialogue: Dialogue) -> Dispatcher:
    """In webhook mode an update Telegram posts again is handled once
    (`bots.telegram.redelivery`), before anything else looks at it."""
    dispatcher = Dispatcher(deps=deps, dialogue=dialogue)
    if deps.settings.telegram_webhook_url is not None:
        dispatcher.update.outer_middleware(OncePerUpdate(deps.redis))
    router = Router(name="dialogue")
    router.message.register(on_message)
    router.callback_query.register(on_press, F.data)
    dispatcher.include_router(router)
    return dispatcher


def build_bot(settings: Settings, redis: Redis) -> Bot:
    """A Bot whose sends share the delivery workers' per-chat and per-bot budget
    (`bots.telegram.pacing`): a parent's quick second tap waits for its answer instead
    of losing it to a 429."""
    assert settings.telegram_token is not None
    server = TelegramAPIServer.from_base(settings.telegram_api_url)
    bot = Bot(
        settings.telegram_token.get_secret_value(),
        session=TelegramSession(api=server),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    bot.session.middleware(PacedSends(RateLimiter(redis), TelegramRates.from_settings(settings)))
    return bot


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


async def run_telegram(deps: Deps, dialogue: Dialogue, stop: asyncio.Event) -> None:
    """Updates from TELEGRAM_API_URL (polled, or posted to the webhook) until `stop`."""
    settings = deps.settings
    assert settings.telegram_token is not None
    bot = build_bot(settings, deps.redis)
    dispatcher = build_dispatcher(deps, dialogue)
    try:
        log.info("Telegram bot using the API at %s", settings.telegram_api_url)
        name = await retry_until_up("Telegram", lambda: connect(bot), TRANSIENT, stop)
        if name is None:
            return
        log.info("connected to Telegram as @%s", name)
        await publish_commands(bot)
        if settings.telegram_webhook_url is not None:
            await serve_webhook(dispatcher, bot, settings, stop)
        else:
            await remove_webhook(bot)
            await poll_until_stopped(dispatcher, bot, stop)
    finally:
        await bot.session.close()
