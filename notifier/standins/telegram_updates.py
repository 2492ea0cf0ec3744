"""Incoming updates of the emulated bot: the getUpdates queue and webhook delivery.

Mirrors the Bot API: updates wait until confirmed by a getUpdates `offset`, and while a
webhook is set they are POSTed to it instead (retried until it answers 2xx) and
getUpdates is refused with 409.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from notifier.standins.telegram_errors import ApiError
from notifier.standins.update_stream import UpdateStream

# Telegram always delivers these unless asked; the rest only on request.
_OPT_IN_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_WEBHOOK_TIMEOUT = 10.0


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


class UpdateQueue(UpdateStream[dict[str, Any]]):
    """Pending updates, long polling and webhook delivery for one bot."""

    def __init__(self) -> None:
        super().__init__()
        self._allowed: list[str] = []
        self._poller = 0
        self.webhook: Webhook | None = None
        self.webhook_posts = 0

    def push(self, update: dict[str, Any]) -> int:
        update_id = self._number()
        self._pending.append({"update_id": update_id, **update})
        self._notify()
        return update_id

    async def wait_confirmed(self, update_id: int, within: float) -> bool:
        """Wait until the bot confirmed `update_id` (asked for updates after it)."""
        return await self._wait_acknowledged(update_id, within)

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:  # "-N": only the last N updates are kept, older ones are forgotten
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
            self._acknowledge_below(offset)

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
            await self._sleep_until_changed(remaining)
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
        self._start_delivery()
        self._notify()

    async def delete_webhook(self, *, drop_pending: bool) -> None:
        self.webhook = None
        if drop_pending:
            self._pending.clear()
        await self._stop_delivery()

    def _webhook_set(self) -> bool:
        return self.webhook is not None

    async def _deliver_next(self) -> bool | None:
        ready = self._ready(1)
        if not ready or self.webhook is None:
            return None
        if not await self._post_to(self.webhook, ready[0]):
            return False
        self._pending.remove(ready[0])
        return True

    async def _post_to(self, webhook: Webhook, update: dict[str, Any]) -> bool:
        headers = {}
        if webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
        self.webhook_posts += 1
        posted = await self._post(webhook.url, update, headers, _WEBHOOK_TIMEOUT)
        if posted.status is not None and 200 <= posted.status < 300:
            return True
        if posted.status is None:
            error = f"Connection failed: {posted.reason}"
        else:
            error = f"Wrong response from the webhook: {posted.status} {posted.reason}"
        webhook.last_error_date = int(time.time())
        webhook.last_error_message = error
        return False

    def reset(self) -> None:
        self._pending.clear()
        self._allowed = []
        self._notify()
