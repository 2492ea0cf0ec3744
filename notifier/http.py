"""What every HTTP client of the notifier shares: one TLS context, and `HttpClient`, the
messengers' HTTP on aiohttp.

The workers send a message with one HTTP request, hundreds a second in a broadcast:
measured on this project's machine, httpx spent about 2.3 ms of CPU on each request
and aiohttp about 0.2 ms (server included), so the Telegram and MAX clients use
aiohttp. `HttpClient` keeps one session (its connection pool) per bot client, opened at
the first request on the running loop, and answers with the whole body read, or
raises `HttpFailure` when there is no answer.

A request paced by the rate limiter (notifier.ratelimit) is due at a reserved moment;
`HttpClient` observes how late its headers actually left (zvonok_send_late_seconds),
the part of the pacing the limiter cannot see: the time between its sender waking and
the request on the wire (the process kept off the CPU, a connection to open).
"""

from __future__ import annotations

import asyncio
import functools
import json
import ssl
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import aiohttp
import certifi

from core.metrics import SEND_LATE


@dataclass(frozen=True, slots=True)
class PacedMoment:
    """The loop time (`asyncio` loop's clock) the next request of this task was paced for,
    the channel it is counted under, and who is told how late it left (the limiter)."""

    channel: str
    due: float
    on_left: Callable[[float], None]


# Set by the pacing (notifier.ratelimit.pace) in the sending task, read and cleared when
# that task's next request leaves: the request goes out several calls below the pacing
# (the channel, the messenger's API client), none of which need to carry it.
_paced: ContextVar[PacedMoment | None] = ContextVar("paced_moment", default=None)


def paced_for(channel: str, due: float, on_left: Callable[[float], None]) -> None:
    """The current task's next request was due at loop time `due`; `on_left` is told
    the seconds it left after that."""
    _paced.set(PacedMoment(channel, due, on_left))


async def _headers_sent(
    _session: aiohttp.ClientSession, _context: SimpleNamespace, _params: object
) -> None:
    moment = _paced.get()
    if moment is None:
        return
    _paced.set(None)
    late = max(asyncio.get_running_loop().time() - moment.due, 0.0)
    SEND_LATE.labels(moment.channel).observe(late)
    moment.on_left(late)


@functools.cache
def _pacing_trace() -> aiohttp.TraceConfig:
    trace = aiohttp.TraceConfig()
    trace.on_request_headers_sent.append(_headers_sent)
    return trace


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context for the process (certifi's CA bundle). Building one
    reads that bundle, about 20 ms; a client per channel, per bot and per test would
    pay it again each time."""
    return ssl.create_default_context(cafile=certifi.where())


class HttpFailure(Exception):
    """No HTTP answer: the connection failed or dropped, or (`timed_out`) time ran out."""

    def __init__(self, description: str, *, timed_out: bool) -> None:
        super().__init__(description)
        self.timed_out = timed_out


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """An answer, its body read whole."""

    status: int
    body: bytes
    headers: Mapping[str, str]

    def json(self) -> Any:
        """The body as JSON; ValueError when it is not."""
        return json.loads(self.body)


Files = Mapping[str, tuple[str, bytes]]


class HttpClient:
    """One connection pool; `close()` at the end."""

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    def _opened(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=tls_context()),
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                raise_for_status=False,
                # HTTPS_PROXY / NO_PROXY, as httpx honoured them: a school's network may
                # reach Telegram only through its proxy.
                trust_env=True,
                trace_configs=[_pacing_trace()],
            )
        return self._session

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int | float] | None = None,
        json: Any = None,
        form: Mapping[str, str] | None = None,
        files: Files | None = None,
        headers: Mapping[str, str] | None = None,
        time_limit: float | None = None,
    ) -> HttpAnswer:
        """One request: a `json` body, or a `form` (multipart when there are `files`:
        name → (filename, content)). `time_limit` (seconds, the whole exchange) overrides
        the client's timeout."""
        data: aiohttp.FormData | Mapping[str, str] | None = form
        if files:
            # Filenames as browsers and httpx send them (UTF-8 in quotes), not %-encoded.
            data = aiohttp.FormData(quote_fields=False)
            for name, value in (form or {}).items():
                data.add_field(name, value)
            for name, (filename, content) in files.items():
                data.add_field(
                    name, content, filename=filename, content_type="application/octet-stream"
                )
        extra: dict[str, Any] = {}
        if time_limit is not None:
            extra["timeout"] = aiohttp.ClientTimeout(total=time_limit)
        try:
            async with self._opened().request(
                method,
                url,
                params=_query(params),
                json=json,
                data=data,
                headers=headers,
                **extra,
            ) as response:
                body = await response.read()
                return HttpAnswer(response.status, body, response.headers)
        except TimeoutError as error:
            raise HttpFailure(f"timed out ({type(error).__name__})", timed_out=True) from None
        except aiohttp.ClientError as error:
            raise HttpFailure(f"{type(error).__name__}: {error}", timed_out=False) from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _query(params: Mapping[str, str | int | float] | None) -> dict[str, str] | None:
    """Query parameters as text (aiohttp takes no booleans; the APIs want `true`)."""
    if not params:
        return None
    return {
        key: ("true" if value else "false") if isinstance(value, bool) else str(value)
        for key, value in params.items()
    }
