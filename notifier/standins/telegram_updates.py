"""Incoming updates of the emulated bot: the getUpdates queue and webhook delivery.

Mirrors the Bot API: updates wait until confirmed by a getUpdates `offset`, and while a
webhook is set they are POSTed to it instead (retried until it answers 2xx) and
getUpdates is refused with 409.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from notifier.standins.telegram_errors import ApiError

# Telegram always delivers these unless asked; the rest only on request.
_OPT_IN_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_WEBHOOK_RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0)


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


def update_type(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


class UpdateQueue:
    """Pending updates, long polling and webhook delivery for one bot."""

    def __init__(self) -> None:
        self._pending: list[dict[str, Any]] = []
        self._next_id = 1
        self._allowed: list[str] = []
        self._changed = asyncio.Event()
        self._poller = 0
        self._closing = False
        self.webhook: Webhook | None = None
        self._delivery: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None
        self.webhook_posts = 0
        # Every update below this id has been confirmed by a getUpdates offset: a bot
        # that handles updates one at a time has finished with them.
        self.confirmed_below = 1

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def push(self, update: dict[str, Any]) -> int:
        update_id = self._next_id
        self._next_id += 1
        self._pending.append({"update_id": update_id, **update})
        self._notify()
        return update_id

    async def wait_confirmed(self, update_id: int, within: float) -> bool:
        """Wait until the bot confirmed `update_id` (asked for updates after it)."""
        deadline = time.monotonic() + within
        while self.confirmed_below <= update_id:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
        return True

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:  # "-N": only the last N updates are kept, older ones are forgotten
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
            if offset > self.confirmed_below:
                self.confirmed_below = offset
                self._notify()

    def _wanted(self, update: dict[str, Any], allowed: list[str]) -> bool:
        kind = update_type(update)
        return kind in allowed if allowed else kind not in _OPT_IN_TYPES

    def _ready(self, limit: int) -> list[dict[str, Any]]:
        # Updates of types the bot did not ask for are never stored by Telegram.
        self._pending = [u for u in self._pending if self._wanted(u, self._allowed)]
        return self._pending[:limit]

    async def get_updates(
        self, offset: int | None, limit: int, poll_seconds: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if allowed is not None:  # "If not specified, the previous setting will be used."
            self._allowed = allowed
        self._confirm(offset)
        self._poller += 1
        me = self._poller
        self._notify()  # wakes an older poller so it can see it was superseded
        deadline = time.monotonic() + poll_seconds
        while True:
            ready = self._ready(limit)
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0 or self._closing:
                return ready
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
            if self._poller != me:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    def set_webhook(self, webhook: Webhook, *, drop_pending: bool) -> None:
        if drop_pending:
            self._pending.clear()
        self.webhook = webhook
        if webhook.allowed_updates is not None:
            self._allowed = webhook.allowed_updates
        if self._delivery is None or self._delivery.done():
            self._delivery = asyncio.create_task(self._deliver_forever())
        self._notify()

    async def delete_webhook(self, *, drop_pending: bool) -> None:
        self.webhook = None
        if drop_pending:
            self._pending.clear()
        await self._stop_delivery()

    async def _stop_delivery(self) -> None:
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
            self._delivery = None

    async def _deliver_forever(self) -> None:
        failures = 0
        while self.webhook is not None and not self._closing:
            ready = self._ready(1)
            if not ready:
                await self._changed.wait()
                continue
            if await self._post(self.webhook, ready[0]):
                self._pending.remove(ready[0])
                failures = 0
            else:
                # Telegram keeps retrying an unreachable webhook with growing pauses.
                await asyncio.sleep(_WEBHOOK_RETRY_DELAYS[min(failures, 3)])
                failures += 1

    async def _post(self, webhook: Webhook, update: dict[str, Any]) -> bool:
        if self._http is None:
            self._http = aiohttp.ClientSession()
        headers = {}
        if webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
        self.webhook_posts += 1
        try:
            async with self._http.post(
                webhook.url, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=10)
            ) as response:
                if 200 <= response.status < 300:
                    return True
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {type(exc).__name__}"
        webhook.last_error_date = int(time.time())
        webhook.last_error_message = error
        return False

    def reset(self) -> None:
        self._pending.clear()
        self._allowed = []
        self._notify()

    async def close(self) -> None:
        """Wake every long poll so the server can stop without waiting out their timeouts."""
        self._closing = True
        self._notify()
        await self._stop_delivery()
        if self._http is not None:
            await self._http.close()
            self._http = None
