"""`/_standin/...`: the test's hands on the MAX stand-in (JSON over HTTP, so it works for a
stand-in in another process; `max_control.MaxStandinControl` is its client)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from notifier.standins.max_injection import (
    inject_callback,
    inject_message,
    inject_start,
    set_user_state,
)
from notifier.standins.max_rules import Limits, Refusal
from notifier.standins.max_state import InjectedFailure, MaxStandin
from notifier.standins.telegram_rules import Rate

JsonHandler = Callable[[Request], Awaitable[dict[str, Any]]]


class ControlError(Exception):
    """A malformed control request: answered with 400 and a reason."""


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except json.JSONDecodeError as error:
        raise ControlError(f"invalid JSON: {error}") from None
    if not isinstance(body, dict):
        raise ControlError("expected a JSON object")
    return body


def _rate(value: Any, current: Rate) -> Rate:
    return current if value is None else Rate(int(value["limit"]), float(value["period"]))


class ControlApi:
    def __init__(self, standin: MaxStandin) -> None:
        self.standin = standin

    async def message(self, request: Request) -> dict[str, Any]:
        return inject_message(self.standin, await _body(request))

    async def start(self, request: Request) -> dict[str, Any]:
        return inject_start(self.standin, await _body(request))

    async def callback(self, request: Request) -> dict[str, Any]:
        try:
            return inject_callback(self.standin, await _body(request))
        except Refusal as refusal:
            raise ControlError(refusal.message) from None

    async def user_state(self, request: Request) -> dict[str, Any]:
        user_id = int(request.path_params["user_id"])
        return set_user_state(self.standin, user_id, await _body(request))

    async def sent(self, request: Request) -> dict[str, Any]:
        query = request.query_params
        user_id = int(query["user_id"]) if "user_id" in query else None
        found = await self.standin.wait_sent(
            user_id, int(query.get("wait_count", 0)), float(query.get("within", 0))
        )
        return {"messages": [message.to_json() for message in found]}

    async def answers(self, request: Request) -> dict[str, Any]:
        return {"answers": self.standin.answers}

    async def stats(self, request: Request) -> dict[str, Any]:
        return self.standin.stats_json()

    async def acknowledged(self, request: Request) -> dict[str, Any]:
        query = request.query_params
        done = await self.standin.updates.wait_acknowledged(
            int(query["seq"]), float(query.get("within", 0))
        )
        return {"acknowledged": done}

    async def failures(self, request: Request) -> dict[str, Any]:
        body = await _body(request)
        status = body.get("status", 502)
        if status != "drop" and not (int(status) == 429 or 500 <= int(status) <= 599):
            raise ControlError('status must be 429, a 5xx or "drop"')
        methods = body.get("methods")
        self.standin.failures.append(
            InjectedFailure(
                remaining=int(body.get("count", 1)),
                status=None if status == "drop" else int(status),
                methods=frozenset(methods) if methods else None,
                after=int(body.get("after", 0)),
                retry_after=int(body["retry_after"]) if body.get("retry_after") else None,
            )
        )
        return {"pending": sum(f.remaining for f in self.standin.failures)}

    async def latency(self, request: Request) -> dict[str, Any]:
        self.standin.latency = float((await _body(request)).get("seconds", 0))
        return {"seconds": self.standin.latency}

    async def limits(self, request: Request) -> dict[str, Any]:
        body, now = await _body(request), self.standin.rates.limits
        self.standin.rates.limits = Limits(
            per_bot=_rate(body.get("per_bot"), now.per_bot),
            answers_per_dialog=_rate(body.get("answers_per_dialog"), now.answers_per_dialog),
            tolerance=float(body.get("tolerance", now.tolerance)),
            enabled=bool(body.get("enabled", now.enabled)),
        )
        return {"limits": repr(self.standin.rates.limits)}

    async def processing(self, request: Request) -> dict[str, Any]:
        """Seconds an uploaded file stays `attachment.not.ready`."""
        self.standin.processing_seconds = float((await _body(request)).get("seconds", 0))
        return {"seconds": self.standin.processing_seconds}

    async def reset(self, request: Request) -> dict[str, Any]:
        await self.standin.reset()
        return {"reset": True}

    async def file(self, request: Request) -> Response:
        mid = request.path_params["mid"]
        message = self.standin.by_mid.get(mid)
        file = message.file() if message else None
        upload = self.standin.files.get(file["payload"]["token"]) if file else None
        if upload is None or upload.data is None:
            return JSONResponse({"error": "no such file"}, status_code=404)
        return Response(upload.data, media_type=upload.content_type or "application/octet-stream")

    def routes(self) -> list[Route]:
        def route(path: str, handler: JsonHandler, method: str) -> Route:
            async def endpoint(request: Request) -> Response:
                try:
                    return JSONResponse(await handler(request))
                except (ControlError, KeyError, ValueError, TypeError) as error:
                    return JSONResponse({"error": str(error)}, status_code=400)

            return Route(f"/_standin/{path}", endpoint, methods=[method])

        return [
            route("updates/message", self.message, "POST"),
            route("updates/start", self.start, "POST"),
            route("updates/callback", self.callback, "POST"),
            route("users/{user_id:int}", self.user_state, "POST"),
            route("sent", self.sent, "GET"),
            route("answers", self.answers, "GET"),
            route("stats", self.stats, "GET"),
            route("acknowledged", self.acknowledged, "GET"),
            route("failures", self.failures, "POST"),
            route("latency", self.latency, "POST"),
            route("limits", self.limits, "POST"),
            route("uploads/processing", self.processing, "POST"),
            route("reset", self.reset, "POST"),
            Route("/_standin/files/{mid}", self.file, methods=["GET"]),
        ]
