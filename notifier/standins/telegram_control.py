"""Run the Telegram emulator inside a test or benchmark, and drive its control API.

async with run_telegram_emulator(port=0) as emu:
    bot = Bot(emu.token, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url)))
    await emu.control.inject_message(user_id=42, text="/start invite-123")
    sent = await emu.control.wait_sent(1, chat_id=42)
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notifier.standins.control_client import ControlClient
from notifier.standins.rates import RateLike, rate_json
from notifier.standins.serving import serve_bots
from notifier.standins.telegram_api import DEFAULT_TOKEN, create_app, school_bot_prefix
from notifier.standins.telegram_emulator import TelegramEmulator
from notifier.standins.telegram_rules import FloodLimits


class EmulatorControl(ControlClient):
    """A client of `/_emulator/...` over HTTP, so it works for an emulator in another process."""

    prefix = "_emulator"
    recipient = "chat_id"

    async def inject_message(
        self,
        *,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str | None = None,
        username: str | None = None,
        title: str | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """A user's text message; returns update_id, message_id, chat_id."""
        body = {"user_id": user_id, "text": text, "chat_id": chat_id, "chat_type": chat_type}
        body |= {"first_name": first_name, "username": username, "title": title}
        body |= {"language_code": language_code}
        return await self._post("updates/message", body)

    async def inject_start(self, user_id: int, payload: str = "") -> dict[str, Any]:
        """What a deep link t.me/bot?start=PAYLOAD produces."""
        text = f"/start {payload}" if payload else "/start"
        return await self.inject_message(user_id=user_id, text=text)

    async def inject_callback(
        self,
        *,
        user_id: int,
        message_id: int,
        data: str,
        chat_id: int | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """A tap on an inline button; returns update_id and callback_query_id."""
        body = {"user_id": user_id, "message_id": message_id, "data": data, "chat_id": chat_id}
        body |= {"language_code": language_code}
        return await self._post("updates/callback", body)

    async def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        return await self.wait_sent(0, chat_id=chat_id, within=0)

    async def wait_sent(
        self, count: int, *, chat_id: int | None = None, within: float = 5.0
    ) -> list[dict[str, Any]]:
        """Sent messages once there are `count` (the server waits; no polling here)."""
        return await self._sent(count, chat_id, within)

    async def document(self, message_id: int) -> bytes:
        data: bytes = await self._request("GET", f"documents/{message_id}")
        return data

    async def callback_answers(self) -> list[dict[str, Any]]:
        answers: list[dict[str, Any]] = (await self._request("GET", "callback_answers"))["answers"]
        return answers

    async def set_chat_state(self, chat_id: int, state: str) -> None:
        """ok, blocked, deactivated, kicked (403) or unknown (400 chat not found)."""
        await self._post(f"chats/{chat_id}", {"state": state})

    async def block_chat(self, chat_id: int) -> None:
        await self.set_chat_state(chat_id, "blocked")

    async def forget_chat(self, chat_id: int) -> None:
        await self.set_chat_state(chat_id, "unknown")

    async def fail_next(
        self,
        count: int,
        *,
        status: int = 502,
        description: str = "Bad Gateway",
        methods: list[str] | None = None,
        after: int = 0,
        retry_after: int | None = None,
    ) -> None:
        """Fail `count` requests (of `methods`, all if None) once `after` more have passed.

        A 429 needs `retry_after` and a description like "Too Many Requests: retry after 7".
        """
        await self._fail(
            count,
            status=status,
            description=description,
            methods=methods,
            after=after,
            retry_after=retry_after,
        )

    async def set_limits(
        self,
        *,
        per_bot: RateLike | None = None,
        per_chat: RateLike | None = None,
        per_group: RateLike | None = None,
        tolerance: float | None = None,
        enabled: bool | None = None,
    ) -> None:
        body: dict[str, Any] = {"per_bot": rate_json(per_bot), "per_chat": rate_json(per_chat)}
        body |= {"per_group": rate_json(per_group), "tolerance": tolerance, "enabled": enabled}
        await self._post("limits", body)


@dataclass
class RunningEmulator:
    base_url: str  # pass to TelegramAPIServer.from_base
    token: str
    emulator: TelegramEmulator  # the state itself, for in-process assertions
    control: EmulatorControl
    school_bots: dict[str, RunningEmulator] = field(default_factory=dict)  # by token


@contextlib.asynccontextmanager
async def run_telegram_emulator(
    token: str = DEFAULT_TOKEN,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    limits: FloodLimits | None = None,
    invites_file: Path | None = None,
    school_tokens: Sequence[str] = (),
) -> AsyncIterator[RunningEmulator]:
    """Serve an emulator on this event loop; port 0 picks a free port. `school_tokens`:
    more bots at the same address (a school's own), each with the same `limits`."""
    emulator = TelegramEmulator(token, limits=limits)
    others = [TelegramEmulator(t, limits=limits) for t in school_tokens]
    app = create_app(emulator, invites_file=invites_file, school_bots=others)
    streams = [emulator.updates, *(other.updates for other in others)]
    prefixes = [school_bot_prefix(other.bot_id) for other in others]
    serving = serve_bots(app, streams, EmulatorControl, prefixes, host, port)
    async with serving as (url, control, own):
        running = RunningEmulator(url, token, emulator, control)
        for other, client in zip(others, own, strict=True):
            running.school_bots[other.token] = RunningEmulator(url, other.token, other, client)
        yield running
