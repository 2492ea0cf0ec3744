"""Failures a test injects into a bot stand-in: the next requests answer an error status
or lose their connection halfway through the answer (`fail_next`, `drop_next`).

Both stand-ins fail before reading the request, as a gateway in front of the messenger
would: the token is not checked and nothing is counted against the rate limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send


@dataclass
class InjectedFailure:
    """After `after` matching requests pass, the next `remaining` ones fail."""

    remaining: int
    status: int | None = 502  # None: drop the connection without a whole answer
    description: str = "Bad Gateway"  # Telegram's error text (MAX has codes of its own)
    methods: frozenset[str] | None = None  # lower-case method names; None matches all
    after: int = 0
    retry_after: int | None = None  # for an injected 429


def take_failure(failures: list[InjectedFailure], method: str) -> InjectedFailure | None:
    """The failure this request of `method` meets, if any; counts it down."""
    for failure in failures:
        if failure.methods is None or method in failure.methods:
            if failure.after > 0:
                failure.after -= 1
                return None
            failure.remaining -= 1
            if failure.remaining <= 0:
                failures.remove(failure)
            return failure
    return None


def failure_from(body: dict[str, Any]) -> InjectedFailure:
    """The control API's `failures` request: count, status (a number or "drop"),
    description, methods, after, retry_after."""
    status, methods = body.get("status", 502), body.get("methods")
    retry_after = body.get("retry_after")
    return InjectedFailure(
        remaining=int(body.get("count", 1)),
        status=None if status == "drop" else int(status),
        description=str(body.get("description", "Bad Gateway")),
        methods=frozenset(str(m).lower() for m in methods) if methods else None,
        after=int(body.get("after", 0)),
        retry_after=None if retry_after is None else int(retry_after),
    )


class ConnectionDropped(Exception):
    """The request met an injected drop: answer with `DroppedResponse`."""


class DroppedResponse(Response):
    """Headers and half a body, then the connection closes: a network failure to the client."""

    def __init__(self) -> None:
        super().__init__()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", b"1024")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b'{"mess', "more_body": True})
