"""Run the MAX stand-in inside a test or benchmark, and drive its control API.

async with run_max_standin() as max_:
    api = MaxApi(max_.token, max_.base_url)
    await max_.control.inject_start(user_id=42, payload="invite-123")
    sent = await max_.control.wait_sent(1, user_id=42)
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notifier.standins.control_client import ControlClient
from notifier.standins.max_rules import Limits
from notifier.standins.max_server import DEFAULT_TOKEN, create_app, school_bot_prefix
from notifier.standins.max_state import MaxStandin
from notifier.standins.rates import RateLike, rate_json
from notifier.standins.serving import serve_bots


class MaxStandinControl(ControlClient):
    """A client of `/_standin/...` over HTTP, so it works for a stand-in in another process."""

    prefix = "_standin"
    recipient = "user_id"
    timeout = 60.0

    async def inject_message(
        self,
        *,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        first_name: str | None = None,
        locale: str | None = None,
    ) -> dict[str, Any]:
        """The user writes `text` (in their dialog, or in group chat `chat_id` < 0);
        returns seq, message_id and chat_id."""
        body = {"user_id": user_id, "text": text, "chat_id": chat_id}
        return await self._post(
            "updates/message", body | {"first_name": first_name, "locale": locale}
        )

    async def inject_start(
        self, *, user_id: int, payload: str = "", locale: str | None = None
    ) -> dict[str, Any]:
        """What opening `https://max.ru/<bot>?start=<payload>` produces: bot_started."""
        body = {"user_id": user_id, "payload": payload or None, "locale": locale}
        return await self._post("updates/start", body)

    async def press_button(self, *, user_id: int, message_id: str, payload: str) -> dict[str, Any]:
        """A press on a callback button of a message the bot sent; returns callback_id."""
        body = {"user_id": user_id, "message_id": message_id, "payload": payload}
        return await self._post("updates/callback", body)

    async def block_user(self, user_id: int, *, notify: bool = True) -> None:
        """The user stops the bot: sends to them get 403 chat.denied."""
        await self._post(f"users/{user_id}", {"state": "blocked", "notify": notify})

    async def forget_user(self, user_id: int) -> None:
        """The user deletes the dialog: sends to them get 404 dialog.not.found."""
        await self._post(f"users/{user_id}", {"state": "deleted"})

    async def sent(self, user_id: int | None = None) -> list[dict[str, Any]]:
        return await self.wait_sent(0, user_id=user_id, within=0)

    async def wait_sent(
        self, count: int, *, user_id: int | None = None, within: float = 5.0
    ) -> list[dict[str, Any]]:
        """What the bot sent (to `user_id`), once there are `count` (the server waits)."""
        return await self._sent(count, user_id, within)

    async def file(self, message_id: str) -> bytes:
        data: bytes = await self._request("GET", f"files/{message_id}")
        return data

    async def answers(self) -> list[dict[str, Any]]:
        answers: list[dict[str, Any]] = (await self._request("GET", "answers"))["answers"]
        return answers

    async def wait_acknowledged(self, seq: int, *, within: float = 5.0) -> bool:
        """True once the bot acknowledged update `seq` with a later marker."""
        query = {"seq": str(seq), "within": str(within)}
        return bool((await self._request("GET", "acknowledged", params=query))["acknowledged"])

    async def fail_next(
        self,
        count: int,
        *,
        status: int = 502,
        methods: list[str] | None = None,
        after: int = 0,
        retry_after: int | None = None,
    ) -> None:
        """Fail `count` requests (of `methods`: send, edit, delete, answer, updates,
        uploads, upload, me, subscribe...; all if None) once `after` more have passed,
        with a 5xx or a 429 (`retry_after` seconds)."""
        await self._fail(
            count, status=status, methods=methods, after=after, retry_after=retry_after
        )

    async def set_limits(
        self,
        *,
        per_bot: RateLike | None = None,
        answers_per_dialog: RateLike | None = None,
        enabled: bool | None = None,
    ) -> None:
        body = {"per_bot": rate_json(per_bot), "answers_per_dialog": rate_json(answers_per_dialog)}
        await self._post("limits", body | {"enabled": enabled})

    async def started_before(self, user_ids: list[int]) -> None:
        """These users started the bot before the run: it may write to them."""
        await self._post("users", {"user_ids": user_ids})

    async def set_upload_processing(self, seconds: float) -> None:
        """Uploaded files answer attachment.not.ready for `seconds` after their upload."""
        await self._post("uploads/processing", {"seconds": seconds})


@dataclass
class RunningMaxStandin:
    base_url: str  # the bot's MAX API URL (ZVONOK_MAX_API_URL)
    token: str
    standin: MaxStandin  # the state itself, for in-process assertions
    control: MaxStandinControl
    school_bots: dict[str, RunningMaxStandin] = field(default_factory=dict)  # by token


@contextlib.asynccontextmanager
async def run_max_standin(
    token: str = DEFAULT_TOKEN,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    limits: Limits | None = None,
    username: str = "zvonok_demo_bot",
    invites_file: Path | None = None,
    school_bots: Mapping[str, str] | None = None,
) -> AsyncIterator[RunningMaxStandin]:
    """Serve a stand-in on this event loop; port 0 picks a free port. Its chat page
    (`/chat/`) shows the demo school's invite codes from `invites_file`. `school_bots`:
    more bots at the same address (a school's own), username by token, each with the
    same `limits`."""
    standin = MaxStandin(token, username=username, limits=limits)
    others = [
        MaxStandin(t, username=name, limits=limits) for t, name in (school_bots or {}).items()
    ]
    app = create_app(standin, invites_file=invites_file, school_bots=others)
    streams = [standin.updates, *(other.updates for other in others)]
    prefixes = [school_bot_prefix(other.username) for other in others]
    serving = serve_bots(app, streams, MaxStandinControl, prefixes, host, port)
    async with serving as (url, control, own):
        running = RunningMaxStandin(url, token, standin, control)
        for other, client in zip(others, own, strict=True):
            running.school_bots[other.token] = RunningMaxStandin(url, other.token, other, client)
        yield running
