"""A client of a bot stand-in's control API over HTTP, so it works for a stand-in in
another process: the calls both stand-ins answer alike (`control_api.ControlApi`).
`telegram_control.EmulatorControl` and `max_control.MaxStandinControl` add their own."""

from __future__ import annotations

from typing import Any, ClassVar

import httpx

from notifier.standins.http import tls_context

_KEEPALIVE = 2.0  # seconds; the stand-ins are served by uvicorn, which keeps 5


class ControlClient:
    prefix: str  # "_emulator", "_standin"; a school bot's: "_emulator/bots/<id>"
    recipient: ClassVar[str]  # how `sent` names whose messages: chat_id, user_id
    # A request may wait on the server (`wait_sent`'s `within`): generous by default.
    timeout: ClassVar[float] = 300.0

    def __init__(self, base_url: str, prefix: str | None = None) -> None:
        """`prefix`: the control API of a school's own bot at the same stand-in
        (`school_bot_prefix`), not the main bot's."""
        self.base_url = base_url.rstrip("/")
        if prefix is not None:
            self.prefix = prefix.strip("/")
        self._http: httpx.AsyncClient | None = None

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        if self._http is None:  # made here: a closed client may be used again
            self._http = httpx.AsyncClient(
                base_url=f"{self.base_url}/{self.prefix}",
                timeout=self.timeout,
                # Idle connections are dropped before uvicorn closes them (after 5 s): one
                # reused just as the server closes it would fail the request.
                limits=httpx.Limits(keepalive_expiry=_KEEPALIVE),
                verify=tls_context(),
            )
        response = await self._http.request(method, path, **kwargs)
        if response.status_code != 200:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        if response.headers.get("content-type", "").startswith("application/json"):
            return response.json()
        return response.content

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        payload = {key: value for key, value in body.items() if value is not None}
        result: dict[str, Any] = await self._request("POST", path, json=payload)
        return result

    async def _sent(self, count: int, who: int | None, within: float) -> list[dict[str, Any]]:
        """What the bot sent (to `who`), once there are `count` (the server waits; no
        polling here)."""
        query: dict[str, str] = {"wait_count": str(count), "within": str(within)}
        if who is not None:
            query[self.recipient] = str(who)
        messages: list[dict[str, Any]] = (await self._request("GET", "sent", params=query))[
            "messages"
        ]
        return messages

    async def _fail(self, count: int, **failure: Any) -> None:
        await self._post("failures", {"count": count, **failure})

    async def drop_next(self, count: int, *, methods: list[str] | None = None) -> None:
        """Close the connection of `count` requests halfway through their answer."""
        await self._fail(count, status="drop", methods=methods)

    async def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = await self._request("GET", "stats")
        return stats

    async def set_latency(self, seconds: float) -> None:
        await self._post("latency", {"seconds": seconds})

    async def reset(self) -> None:
        await self._post("reset", {})

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
