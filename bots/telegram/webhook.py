"""Webhook mode: Telegram POSTs each update to our aiohttp server instead of being polled.

The server listens on `ZVONOK_TELEGRAM_WEBHOOK_HOST:PORT` at the path of the public
`ZVONOK_TELEGRAM_WEBHOOK_URL` (a proxy in front terminates TLS and forwards that path).
aiogram's `SimpleRequestHandler` answers 401 to a request whose
`X-Telegram-Bot-Api-Secret-Token` is missing or wrong, before the update reaches the
Dispatcher: anyone who finds the URL still cannot speak as a parent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from core.settings import Settings

log = logging.getLogger(__name__)


def webhook_path(url: str) -> str:
    """The path Telegram posts to, which the bot's own server serves too."""
    return urlsplit(url).path or "/"


def webhook_secret(settings: Settings) -> str:
    # Settings refuse a webhook URL without a secret; this only narrows the type.
    assert settings.telegram_webhook_secret is not None
    return settings.telegram_webhook_secret.get_secret_value()


def bot_path(path: str, key: str | None) -> str:
    """Where a bot's updates arrive: the webhook URL's path for the deployment's bot,
    with the school bot's key after it for a school's own («/tg/school17»)."""
    return path if key is None else f"{path.rstrip('/')}/{key}"


def build_webhook_app(
    dispatcher: Dispatcher, bots: Mapping[str | None, Bot], *, path: str, secret: str
) -> web.Application:
    """The aiohttp app that feeds verified updates to `dispatcher`, each bot's at its
    own path (`bot_path`).

    Each update is handled before the answer to Telegram (`handle_in_background=False`):
    an update is acknowledged only once handled, and Telegram, which waits for the
    answer, posts it again if the request fails instead of losing it.
    """
    app = web.Application()
    for key, bot in bots.items():
        handler = SimpleRequestHandler(
            dispatcher, bot, handle_in_background=False, secret_token=secret
        )
        handler.register(app, path=bot_path(path, key))
    setup_application(app, dispatcher, bots=list(bots.values()))
    return app


class WebhookListenError(RuntimeError):
    """The webhook server could not listen; the message says where and why."""


async def listen(runner: web.AppRunner, host: str, port: int) -> None:
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        raise WebhookListenError(
            f"cannot listen on {host}:{port} for the webhook ({error.strerror or error}): "
            "free the port or set ZVONOK_TELEGRAM_WEBHOOK_HOST / ZVONOK_TELEGRAM_WEBHOOK_PORT"
        ) from error


async def serve_webhook(
    dispatcher: Dispatcher, bots: Mapping[str | None, Bot], settings: Settings, stop: asyncio.Event
) -> None:
    """Listen, then ask Telegram to post each bot's updates to its webhook URL; return
    once `stop` is set.

    The webhooks are left set at stop: Telegram keeps the updates that arrive meanwhile
    and delivers them when a bot is listening again, and other replicas behind the
    same URL keep working. Switching back to polling removes them (`bots.app`).
    """
    url = settings.telegram_webhook_url
    assert url is not None
    secret = webhook_secret(settings)
    path = webhook_path(url)
    app = build_webhook_app(dispatcher, bots, path=path, secret=secret)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await listen(runner, settings.telegram_webhook_host, settings.telegram_webhook_port)
        log.info(
            "webhook server on %s:%s%s",
            settings.telegram_webhook_host,
            settings.telegram_webhook_port,
            path,
        )
        # Only once we listen: Telegram starts posting as soon as this returns.
        for key, bot in bots.items():
            bot_url = url if key is None else url.rstrip("/") + "/" + key
            await bot.set_webhook(
                bot_url,
                secret_token=secret,
                allowed_updates=dispatcher.resolve_used_update_types(),
            )
            log.info("Telegram posts updates to %s", bot_url)
        await stop.wait()
    finally:
        await runner.cleanup()
