"""The half of a bot stand-in's control API that both share: JSON over HTTP under the
stand-in's prefix (`/_emulator/` for Telegram, `/_standin/` for MAX), so it works for a
stand-in in another process. What the bot sent (waiting until there is enough), the
counters, injected failures, latency, the limits, and a reset.

`telegram_api.ControlApi` and `max_control_api.ControlApi` add their injections and
chats; `control_client.ControlClient` is the client of this half.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from notifier.standins.bot_state import BotState
from notifier.standins.faults import InjectedFailure, failure_from
from notifier.standins.rates import updated_limits

JsonHandler = Callable[[Request], Awaitable[dict[str, Any]]]
StateT = TypeVar("StateT", bound=BotState[Any])


class ControlError(Exception):
    """A malformed control request: answered with 400 and a reason."""


class Limited(Protocol):
    """What holds a stand-in's limits (Telegram's FloodControl, MAX's RateControl)."""

    limits: Any


async def read_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except json.JSONDecodeError as error:
        raise ControlError(f"invalid JSON: {error}") from None
    if not isinstance(body, dict):
        raise ControlError("expected a JSON object")
    return body


def query_int(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    return None if value is None else int(value)


class ControlApi(Generic[StateT], ABC):
    """The shared endpoints; a stand-in names its prefix, its recipient parameter and
    where its limits are kept."""

    prefix: str  # "/_emulator", "/_standin"; a school bot's: "/_emulator/bots/<id>"
    recipient: ClassVar[str]  # the query parameter of `sent`: chat_id, user_id

    def __init__(self, state: StateT, prefix: str | None = None) -> None:
        """`prefix`: where this bot's control API is, when not the stand-in's main bot."""
        self.state = state
        if prefix is not None:
            self.prefix = prefix

    @abstractmethod
    def limited(self) -> Limited: ...

    def check_failure(self, failure: InjectedFailure) -> None:
        """Raise ControlError for a failure this stand-in cannot play."""

    async def sent(self, request: Request) -> dict[str, Any]:
        query = request.query_params
        found = await self.state.wait_for_sent(
            query_int(request, self.recipient),
            int(query.get("wait_count", 0)),
            float(query.get("within", 0)),
        )
        return {"messages": [message.to_json() for message in found]}

    async def stats(self, request: Request) -> dict[str, Any]:
        return self.state.stats_json()

    async def failures(self, request: Request) -> dict[str, Any]:
        failure = failure_from(await read_body(request))
        self.check_failure(failure)
        self.state.failures.append(failure)
        return {"pending": sum(f.remaining for f in self.state.failures)}

    async def latency(self, request: Request) -> dict[str, Any]:
        self.state.latency = float((await read_body(request)).get("seconds", 0))
        return {"seconds": self.state.latency}

    async def limits(self, request: Request) -> dict[str, Any]:
        limited = self.limited()
        limited.limits = updated_limits(limited.limits, await read_body(request))
        return {"limits": repr(limited.limits)}

    async def reset(self, request: Request) -> dict[str, Any]:
        await self.state.reset()
        return {"reset": True}

    def route(self, path: str, handler: JsonHandler, method: str) -> Route:
        """`handler`'s dict as JSON; a malformed request answers 400 with the reason."""

        async def endpoint(request: Request) -> Response:
            try:
                return JSONResponse(await handler(request))
            except (ControlError, KeyError, ValueError, TypeError) as error:
                return JSONResponse({"error": str(error)}, status_code=400)

        return Route(f"{self.prefix}/{path}", endpoint, methods=[method])

    def shared_routes(self) -> list[Route]:
        return [
            self.route("sent", self.sent, "GET"),
            self.route("stats", self.stats, "GET"),
            self.route("failures", self.failures, "POST"),
            self.route("latency", self.latency, "POST"),
            self.route("limits", self.limits, "POST"),
            self.route("reset", self.reset, "POST"),
        ]
