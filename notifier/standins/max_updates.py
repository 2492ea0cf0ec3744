"""The stand-in bot's updates: long polling with markers, and webhook subscriptions.

As MAX documents it: each update has a sequence number; GET /updates answers a batch and
the `marker` of the next expected one, and passing that marker acknowledges everything
before it (without a marker: everything not acknowledged yet). While a webhook is set,
updates are POSTed to it with `X-Max-Bot-Api-Secret` and long polling is refused (405).
A delivery counts only when the webhook answers 200; MAX retries for hours (from 60 s,
×2.5), the stand-in after 0.2-2 s so a test sees the retry.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from notifier.standins.max_rules import SECRET, Refusal, bad_request
from notifier.standins.update_stream import UpdateStream

_WEBHOOK_TIMEOUT = 30.0  # "must answer 200 within 30 seconds"


@dataclass
class Webhook:
    url: str
    secret: str | None
    update_types: list[str] | None
    time: int = field(default_factory=lambda: int(time.time() * 1000))

    def wants(self, update: dict[str, Any]) -> bool:
        return not self.update_types or update.get("update_type") in self.update_types

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "time": self.time, "update_types": self.update_types}


def checked_webhook(body: dict[str, Any]) -> Webhook:
    url, secret, types = body.get("url"), body.get("secret"), body.get("update_types")
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or not parts.hostname:
        raise bad_request("url: required")
    # MAX takes only https:// on port 443 with a trusted certificate; a test's receiver
    # on this machine is let in over plain HTTP.
    if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(parts.hostname)):
        raise bad_request("url: must start with https://")
    if secret is not None and not (isinstance(secret, str) and SECRET.fullmatch(secret)):
        raise bad_request("secret: 5 to 256 characters of A-Z, a-z, 0-9, _ and -")
    if types is not None and not (
        isinstance(types, list) and all(isinstance(t, str) for t in types)
    ):
        raise bad_request("update_types: an array of strings")
    return Webhook(str(url), secret, types)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class UpdateLog(UpdateStream[tuple[int, dict[str, Any]]]):
    """Pending updates, long polls and webhook deliveries of one bot."""

    def __init__(self) -> None:
        super().__init__()
        self.webhooks: dict[str, Webhook] = {}
        self.deliveries: list[dict[str, Any]] = []

    def push(self, update: dict[str, Any]) -> int:
        """Add an update; returns its sequence number."""
        seq = self._number()
        self._pending.append((seq, update))
        self._notify()
        return seq

    def _acknowledge(self, marker: int) -> None:
        self._pending = [(seq, u) for seq, u in self._pending if seq >= marker]
        self._acknowledge_below(marker)

    async def wait_acknowledged(self, seq: int, within: float) -> bool:
        """Wait until the bot acknowledged update `seq` (asked for updates after it)."""
        return await self._wait_acknowledged(seq, within)

    async def poll(
        self, marker: int | None, wait: float, limit: int, types: set[str] | None
    ) -> dict[str, Any]:
        if self.webhooks:
            raise Refusal(405, "method.not.allowed", "Long polling is off while a webhook is set")
        if marker is not None:
            self._acknowledge(marker)
        deadline = time.monotonic() + wait
        while True:
            ready = [(s, u) for s, u in self._pending if not types or u["update_type"] in types]
            left = deadline - time.monotonic()
            if ready or left <= 0 or self._closing:
                break
            await self._sleep_until_changed(left)
        batch = ready[:limit]
        if batch:
            next_marker = batch[-1][0] + 1
        else:
            next_marker = marker if marker is not None else self.acknowledged_below
        return {"updates": [u for _, u in batch], "marker": next_marker}

    # webhooks

    def subscribe(self, webhook: Webhook) -> None:
        self.webhooks[webhook.url] = webhook
        self._start_delivery()
        self._notify()

    async def unsubscribe(self, url: str) -> bool:
        found = self.webhooks.pop(url, None) is not None
        if not self.webhooks:
            await self._stop_delivery()
        return found

    def _webhook_set(self) -> bool:
        return bool(self.webhooks)

    async def _deliver_next(self) -> bool | None:
        if not self._pending:
            return None
        seq, update = self._pending[0]
        hooks = [hook for hook in self.webhooks.values() if hook.wants(update)]
        results = [await self._post_to(hook, update) for hook in hooks]
        if not all(results):
            return False
        self._acknowledge(seq + 1)
        return True

    async def _post_to(self, hook: Webhook, update: dict[str, Any]) -> bool:
        headers = {"X-Max-Bot-Api-Secret": hook.secret} if hook.secret else {}
        record: dict[str, Any] = {"url": hook.url, "update_type": update["update_type"]}
        posted = await self._post(hook.url, update, headers, _WEBHOOK_TIMEOUT)
        if posted.status is None:
            record["error"] = posted.reason
        else:
            record["status"] = posted.status
        self.deliveries.append(record)
        return posted.status == 200

    def webhook_stats(self) -> dict[str, Any]:
        return {
            "subscriptions": [hook.to_json() for hook in self.webhooks.values()],
            "posts": len(self.deliveries),
            "failed": sum(1 for d in self.deliveries if d.get("status") != 200),
            "last": self.deliveries[-1] if self.deliveries else None,
        }

    async def reset(self) -> None:
        self.webhooks.clear()
        await self._stop_delivery()
        self._pending.clear()
        self.deliveries.clear()
        self.acknowledged_below = self._next
        self._notify()
