"""The bot on MAX: long polling (GET /updates with a marker) or a webhook.

Each update becomes a `bots.dialog` turn answered through `MaxSurface`:

- `message_created` in a dialog: the user's text (a command when it starts with «/»);
  in a group chat: the same, not private (nothing personal is said there);
- `bot_started`: «/start <payload>» (the start link `max.ru/<bot>?start=<code>`);
- `message_callback`: a button press;
- anything else (the bot stopped, a dialog muted) needs no answer: the delivery
  channel learns of a stopped bot from the next send's refusal.

Polling handles a batch's updates one by one, then asks for the next with the batch's
marker, which acknowledges it: an update is acknowledged only once handled. In webhook
mode MAX POSTs each update to ZVONOK_MAX_WEBHOOK_URL with the secret in
`X-Max-Bot-Api-Secret`; a request without it is refused (401), a redelivered update is
handled once (`bots.redelivery`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar
from urllib.parse import urlsplit

from aiohttp import web

from bots.commands import described_commands
from bots.dialog.context import make_turn
from bots.dialog.router import Dialogue
from bots.dialog.turn import Deps, Press, Turn
from bots.dialog.ui import Sent
from bots.lifecycle import retry_until_up, sleep_unless_stopped
from bots.max.surface import MaxPacing, MaxSurface, keyboard_of
from bots.redelivery import once
from core.i18n import DEFAULT_LANGUAGE
from core.messengers import MessengerChat
from core.models import Messenger
from core.settings import Settings
from notifier.max import max_bot_key
from notifier.max_api import MaxApi
from notifier.max_errors import (
    MaxError,
    MaxNetworkError,
    MaxRateLimited,
    MaxServerError,
    MaxUnauthorized,
)
from notifier.max_models import (
    BotStarted,
    MessageCallback,
    MessageCreated,
    Update,
    UpdateBatch,
    parse_update,
)
from notifier.ratelimit import MaxRates, Rate, RateLimiter

log = logging.getLogger(__name__)
T = TypeVar("T")

TRANSIENT = (MaxNetworkError, MaxServerError, MaxRateLimited)
SECRET_HEADER = "X-Max-Bot-Api-Secret"  # noqa: S105  (a header name)
UPDATE_TYPES = ("message_created", "message_callback", "bot_started")
POLL_TIMEOUT = 30


class MaxBot:
    """The dialogue on one MAX bot."""

    def __init__(
        self,
        deps: Deps,
        dialogue: Dialogue,
        api: MaxApi,
        *,
        key: str | None = None,
        rate: int | None = None,
    ) -> None:
        """`key`: the school bot's key (`core.bot_registry`), None for the deployment's
        bot; `rate`: its requests a second when not the messenger's setting."""
        self.deps = deps
        self.dialogue = dialogue
        self.api = api
        self.key = key
        rates = MaxRates.from_settings(deps.settings)
        if rate is not None:
            rates = replace(rates, per_bot=Rate(rate, 1.0))
        self.bot_key = max_bot_key(api.token)
        self.pacing = MaxPacing(RateLimiter(deps.redis), rates.limits(self.bot_key))

    def chat(self, chat_id: int) -> MessengerChat:
        """A chat with this bot."""
        return MessengerChat(Messenger.max, chat_id, self.key)

    def _surface(self, *, user_id: int | None = None, chat_id: int | None = None) -> MaxSurface:
        return MaxSurface(self.api, self.pacing, user_id=user_id, chat_id=chat_id)

    async def turn_of(self, update: Update) -> Turn | None:
        """The turn an update is, or None when it asks for no answer."""
        if isinstance(update, MessageCreated):
            message, sender = update.message, update.message.sender
            if sender is None or sender.is_bot:
                return None
            if message.chat_type == "dialog":
                chat, surface = sender.user_id, self._surface(user_id=sender.user_id)
            elif message.chat_id is not None:
                chat, surface = message.chat_id, self._surface(chat_id=message.chat_id)
            else:
                return None
            return await make_turn(
                self.deps,
                self.chat(chat),
                surface,
                private=message.chat_type == "dialog",
                user_language=update.user_locale,
                text=message.text or None,
            )
        if isinstance(update, BotStarted):
            payload = (update.payload or "").strip()
            return await make_turn(
                self.deps,
                self.chat(update.user.user_id),
                self._surface(user_id=update.user.user_id),
                private=True,
                user_language=update.user_locale,
                text=f"/start {payload}" if payload else "/start",
            )
        if isinstance(update, MessageCallback):
            pressed = update.message
            in_group = pressed is not None and pressed.chat_type == "chat"
            if in_group and pressed is not None and pressed.chat_id is not None:
                chat, surface = pressed.chat_id, self._surface(chat_id=pressed.chat_id)
            else:
                chat, surface = update.user.user_id, self._surface(user_id=update.user.user_id)
            press = Press(
                id=update.callback_id,
                data=update.payload or "",
                message=Sent(pressed.mid) if pressed is not None else None,
                keyboard=keyboard_of(pressed),
            )
            return await make_turn(
                self.deps,
                self.chat(chat),
                surface,
                private=not in_group,
                user_language=update.user_locale,
                press=press,
            )
        return None

    async def handle(self, update: Update) -> None:
        turn = await self.turn_of(update)
        if turn is not None:
            await self.dialogue.handle(turn)

    async def poll(self, stop: asyncio.Event) -> None:
        """Batches until `stop`; a batch is acknowledged by the next request's marker."""
        marker: int | None = None
        delay = 1.0
        while not stop.is_set():
            try:
                batch = await self._next_batch(marker, stop)
            except TRANSIENT as error:
                log.warning("MAX updates not reachable (%s); retrying in %.0f s", error, delay)
                await sleep_unless_stopped(stop, delay)
                delay = min(delay * 2, 30.0)
                continue
            if batch is None:  # stopped while waiting
                return
            delay = 1.0
            if batch.marker is not None:
                marker = batch.marker
            pending = list(batch.updates)
            while pending and not stop.is_set():
                try:
                    await self.handle(pending[0])
                except Exception as error:
                    # Not lost: the update is tried again until it can be handled.
                    log.warning("a MAX update could not be handled yet (%s)", type(error).__name__)
                    await sleep_unless_stopped(stop, 1.0)
                    continue
                pending.pop(0)

    async def _next_batch(self, marker: int | None, stop: asyncio.Event) -> UpdateBatch | None:
        """The next batch, or None when `stop` is set first (a long poll waits up to
        POLL_TIMEOUT seconds: stopping must not)."""
        await self.pacing.wait()
        fetch = asyncio.ensure_future(
            self.api.get_updates(marker=marker, timeout=POLL_TIMEOUT, types=UPDATE_TYPES)
        )
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not fetch.done():  # stopped, or this task cancelled
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await fetch
        if fetch.cancelled():
            return None
        return fetch.result()

    def update_key(self, raw: dict[str, object], update: Update) -> str:
        """An update's identity for `bots.redelivery` (MAX gives updates no id)."""
        if isinstance(update, MessageCallback):
            what = f"cb:{update.callback_id}"
        elif isinstance(update, MessageCreated):
            what = f"msg:{update.message.mid}"
        else:
            digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()
            what = f"raw:{digest[:32]}"
        return f"zvonok:bot:max:{self.bot_key}:update:{what}"

    def add_webhook(self, app: web.Application, path: str, secret: str) -> None:
        """Receive this bot's updates at `path` of the webhook server `app`."""

        async def receive(request: web.Request) -> web.Response:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                return web.Response(status=401, text="wrong secret")
            try:
                raw = await request.json()
                update = parse_update(raw)
            except (ValueError, KeyError, TypeError):
                return web.Response(status=400, text="not an update")
            await once(self.deps.redis, self.update_key(raw, update), lambda: self.handle(update))
            return web.json_response({"success": True})

        app.router.add_post(path, receive)

    async def paced(self, call: Callable[[], Awaitable[T]]) -> T:
        """A request at its moment in the bot's limit, which the workers share: MAX
        counts every request, so even start-up's must not crowd a broadcast's sends."""
        await self.pacing.wait()
        return await call()

    async def drop_subscriptions(self) -> int:
        """Polling gets nothing while a webhook is subscribed: remove it; how many were."""
        subscriptions = await self.paced(self.api.subscriptions)
        for subscription in subscriptions:
            log.warning("a MAX webhook was set (%s): removing it to poll", subscription.url)
            await self.paced(functools.partial(self.api.unsubscribe, subscription.url))
        return len(subscriptions)


async def publish_commands(api: MaxApi) -> None:
    """The hints MAX shows on «/», in Russian (MAX keeps one list per bot, not one per
    language). The bot works without them: a refusal is logged."""
    try:
        await api.set_commands(described_commands(DEFAULT_LANGUAGE))
    except MaxError as error:
        log.warning("could not set the MAX command hints: %s", error)


class WebhookListenError(RuntimeError):
    """The webhook server could not listen; the message says where and why."""


def bot_url(url: str, key: str | None) -> str:
    """Where MAX posts a bot's updates: the webhook URL for the deployment's bot, with
    the school bot's key after it for a school's own."""
    return url if key is None else url.rstrip("/") + "/" + key


async def serve_webhooks(bots: list[MaxBot], settings: Settings, stop: asyncio.Event) -> None:
    """Listen, then subscribe each bot at its URL; the subscriptions stay at stop (MAX
    keeps updates for the next listener), as Telegram's webhooks do."""
    url, secret = settings.max_webhook_url, settings.max_webhook_secret
    assert url is not None and secret is not None
    app = web.Application()
    for bot in bots:
        bot.add_webhook(app, urlsplit(bot_url(url, bot.key)).path or "/", secret.get_secret_value())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        host, port = settings.max_webhook_host, settings.max_webhook_port
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as error:
            raise WebhookListenError(
                f"cannot listen on {host}:{port} for the MAX webhook "
                f"({error.strerror or error}): free the port or set "
                "ZVONOK_MAX_WEBHOOK_HOST / ZVONOK_MAX_WEBHOOK_PORT"
            ) from error
        for bot in bots:
            subscribe = functools.partial(
                bot.api.subscribe, bot_url(url, bot.key), secret.get_secret_value(), UPDATE_TYPES
            )
            await bot.paced(subscribe)
            log.info("MAX posts updates to %s", bot_url(url, bot.key))
        await stop.wait()
    finally:
        await runner.cleanup()


def max_bots(deps: Deps, dialogue: Dialogue) -> list[MaxBot]:
    """The deployment's MAX bot (when it has a token) and every school's own."""
    settings = deps.settings
    bots = []
    if settings.max_token is not None:
        api = MaxApi(settings.max_token.get_secret_value(), settings.max_api_url)
        bots.append(MaxBot(deps, dialogue, api))
    for account in settings.school_bots("max"):
        api = MaxApi(account.token.get_secret_value(), settings.max_api_url)
        bots.append(MaxBot(deps, dialogue, api, key=account.key, rate=account.rate))
    return bots


def bot_name(bot: MaxBot) -> str:
    return f"MAX bot {bot.key!r}" if bot.key else "MAX"


async def connected(bots: list[MaxBot], stop: asyncio.Event) -> list[MaxBot] | None:
    """The bots MAX answers for, with their command hints published; None when stopped
    first. A school's bot whose token MAX refuses is logged and left out; the
    deployment's refused token is raised."""
    ready = []
    for bot in bots:
        try:
            me = await retry_until_up(
                bot_name(bot), functools.partial(bot.paced, bot.api.me), TRANSIENT, stop
            )
        except MaxUnauthorized:
            if bot.key is None:
                raise
            log.error("%s: MAX refuses its token; it is not served", bot_name(bot))
            continue
        if me is None:
            return None
        log.info(
            "connected to MAX as %s%s",
            me.username or me.user_id,
            f" (bot {bot.key!r})" if bot.key else "",
        )
        await bot.paced(functools.partial(publish_commands, bot.api))
        ready.append(bot)
    return ready


async def run_max(deps: Deps, dialogue: Dialogue, stop: asyncio.Event) -> None:
    """Updates from ZVONOK_MAX_API_URL (polled, or posted to the webhook) until `stop`,
    for the deployment's bot and every school's own."""
    settings = deps.settings
    bots = max_bots(deps, dialogue)
    try:
        log.info("MAX bots (%d) using the API at %s", len(bots), settings.max_api_url)
        ready = await connected(bots, stop)
        if not ready:
            return
        if settings.max_webhook_url is not None:
            await serve_webhooks(ready, settings, stop)
        else:
            for bot in ready:
                dropped = await retry_until_up(
                    bot_name(bot), bot.drop_subscriptions, TRANSIENT, stop
                )
                if dropped is None:
                    return
            await asyncio.gather(*(bot.poll(stop) for bot in ready))
    finally:
        for bot in bots:
            await bot.api.close()
