"""`/_standin/...`: the test's hands on the MAX stand-in (JSON over HTTP, so it works for a
stand-in in another process; `max_control.MaxStandinControl` is its client)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from notifier.standins.control_api import ControlApi as SharedControlApi
from notifier.standins.control_api import ControlError, read_body
from notifier.standins.faults import InjectedFailure
from notifier.standins.max_injection import (
    inject_callback,
    inject_message,
    inject_start,
    set_user_state,
)
from notifier.standins.max_rules import RateControl, Refusal
from notifier.standins.max_state import MaxStandin


class ControlApi(SharedControlApi[MaxStandin]):
    prefix = "/_standin"
    recipient = "user_id"

    def limited(self) -> RateControl:
        return self.state.rates

    def check_failure(self, failure: InjectedFailure) -> None:
        status = failure.status
        if status is not None and not (status == 429 or 500 <= status <= 599):
            raise ControlError('status must be 429, a 5xx or "drop"')

    async def message(self, request: Request) -> dict[str, Any]:
        return inject_message(self.state, await read_body(request))

    async def start(self, request: Request) -> dict[str, Any]:
        return inject_start(self.state, await read_body(request))

    async def callback(self, request: Request) -> dict[str, Any]:
        try:
            return inject_callback(self.state, await read_body(request))
        except Refusal as refusal:
            raise ControlError(refusal.message) from None

    async def user_state(self, request: Request) -> dict[str, Any]:
        user_id = int(request.path_params["user_id"])
        return set_user_state(self.state, user_id, await read_body(request))

    async def users(self, request: Request) -> dict[str, Any]:
        """Users who started the bot before the run, at once (a benchmark's thousands of
        families): known and `active`, with no update for the bot."""
        body = await read_body(request)
        ids = body.get("user_ids")
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise ControlError("user_ids must be a list of integers")
        for user_id in ids:
            set_user_state(self.state, user_id, {"state": "active", "notify": False})
        return {"users": len(ids)}

    async def answers(self, request: Request) -> dict[str, Any]:
        return {"answers": self.state.answers}

    async def acknowledged(self, request: Request) -> dict[str, Any]:
        query = request.query_params
        done = await self.state.updates.wait_acknowledged(
            int(query["seq"]), float(query.get("within", 0))
        )
        return {"acknowledged": done}

    async def processing(self, request: Request) -> dict[str, Any]:
        """Seconds an uploaded file stays `attachment.not.ready`."""
        self.state.processing_seconds = float((await read_body(request)).get("seconds", 0))
        return {"seconds": self.state.processing_seconds}

    async def file(self, request: Request) -> Response:
        mid = request.path_params["mid"]
        message = self.state.by_mid.get(mid)
        file = message.file() if message else None
        upload = self.state.files.get(file["payload"]["token"]) if file else None
        if upload is None or upload.data is None:
            return JSONResponse({"error": "no such file"}, status_code=404)
        return Response(upload.data, media_type=upload.content_type or "application/octet-stream")

    def routes(self) -> list[Route]:
        return [
            *self.shared_routes(),
            self.route("updates/message", self.message, "POST"),
            self.route("updates/start", self.start, "POST"),
            self.route("updates/callback", self.callback, "POST"),
            self.route("users/{user_id:int}", self.user_state, "POST"),
            self.route("users", self.users, "POST"),
            self.route("answers", self.answers, "GET"),
            self.route("acknowledged", self.acknowledged, "GET"),
            self.route("uploads/processing", self.processing, "POST"),
            Route(f"{self.prefix}/files/{{mid}}", self.file, methods=["GET"]),
        ]
