"""What the web app does before a request reaches a handler, and what it tells strangers:
the request size cap, the health check's answer, the security headers, and the SMS
hook's token kept out of the access log.

On SQLite only: none of this asks the database anything a backend could answer
differently.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from core.db import Database
from core.settings import Settings
from tests.builders import NOW, build_world
from tests.web.browser import Clock
from tests.web.conftest import settings
from webapp.app import create_app

CAP = 64 * 1024  # the smallest cap the setting allows


def test_the_cap_is_eight_megabytes_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings().max_request_bytes == 8 * 1024 * 1024
    monkeypatch.setenv("ZVONOK_MAX_REQUEST_BYTES", str(CAP))
    assert Settings(_env_file=None).max_request_bytes == CAP


async def _call(
    app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]], chunks: list[bytes]
) -> tuple[int, bytes, int]:
    """The app called as a server would: (status, body, how many chunks it read)."""
    read = 0
    answer: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read < len(chunks):
            read += 1
            return {
                "type": "http.request",
                "body": chunks[read - 1],
                "more_body": read < len(chunks),
            }
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
    }  # fmt: skip
    await app(scope, receive, send)
    return answer["status"], answer["body"], read


@pytest.fixture
async def capped(sqlite_db: Database) -> Any:
    await build_world(sqlite_db)
    return create_app(settings(max_request_bytes=CAP), database=sqlite_db, clock=Clock(NOW))


async def test_a_declared_body_over_the_cap_is_refused_unread_and_unauthenticated(
    capped: Any,
) -> None:
    headers = [
        (b"content-length", str(CAP + 1).encode()),
        (b"content-type", b"application/json"),
        (b"authorization", b"Bearer not-a-token"),  # would be 401 if anyone looked
    ]
    status, body, read = await _call(
        capped, "PUT", "/api/v1/journal/cells", headers, [b"x" * (CAP + 1)]
    )
    assert (status, read) == (413, 0)
    assert b'"code":"too_large"' in body
    assert "не больше 64 кБ.".encode() in body  # the cap, in the reader's words


async def test_a_streamed_body_is_cut_off_when_it_passes_the_cap(capped: Any) -> None:
    chunk = 16 * 1024
    part = b'--zzz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
    for path, kind, first in (
        ("/api/v1/roster/imports", b"multipart/form-data; boundary=zzz", part),
        ("/login", b"application/x-www-form-urlencoded", b"login="),
    ):
        chunks = [first + b"a" * (chunk - len(first)), *[b"a" * chunk] * 99]  # 1.6 MB, no length
        status, _, read = await _call(capped, "POST", path, [(b"content-type", kind)], chunks)
        assert status == 413, path
        assert read == CAP // chunk + 1, path  # not one chunk more than needed


async def test_a_body_within_the_cap_goes_through(capped: Any) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=capped), base_url="http://t"
    ) as client:
        response = await client.post("/login", data={"login": "x" * 1000, "password": "y"})
    assert response.status_code != 413


@pytest.fixture
def web_client(sqlite_db: Database) -> Iterator[Any]:
    def make(db: Database = sqlite_db, **values: Any) -> httpx.AsyncClient:
        app = create_app(settings(**values), database=db, clock=Clock(NOW))
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")

    yield make


async def test_the_health_check_says_ok_or_not_and_nothing_else(web_client: Any) -> None:
    async with web_client() as healthy:
        ok = await healthy.get("/healthz")
    assert (ok.status_code, ok.json()) == (200, {"status": "ok", "database": "ok"})
    # A database that does not answer: the driver's text names the host and the user.
    broken = Database("postgresql://zvonok_owner:pw@127.0.0.1:1/journal")
    async with web_client(broken) as sick:
        down = await sick.get("/healthz")
    await broken.dispose()
    assert (down.status_code, down.json()) == (503, {"status": "error", "database": "error"})


@pytest.mark.parametrize("env", ["development", "production"])
async def test_https_only_and_no_type_sniffing_in_production(web_client: Any, env: str) -> None:
    async with web_client(env=env) as client:
        for path in ("/login", "/static/style.css", "/api/v1/me"):
            response = await client.get(path)
            assert response.headers["x-content-type-options"] == "nosniff", path
            hsts = response.headers.get("strict-transport-security")
            assert hsts == ("max-age=31536000" if env == "production" else None), path


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def served(sqlite_db: Database) -> AsyncIterator[tuple[str, Settings, list[str]]]:
    """The app under uvicorn, as `zvonok web` starts it, with its access log collected.

    The app's start-up sets the root logger up for a process: pytest's is put back."""
    root = logging.getLogger()
    root_handlers, root_level = root.handlers[:], root.level
    config_of_app = settings()
    app = create_app(config_of_app, database=sqlite_db, clock=Clock(NOW))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info", log_config=None)
    )
    collected = _Lines()
    access = logging.getLogger("uvicorn.access")
    access.addHandler(collected)
    task = asyncio.create_task(server.serve())
    for _ in range(1000):  # 10 s at most
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", config_of_app, collected.lines
    server.should_exit = True
    await task
    access.removeHandler(collected)
    root.handlers[:], root.level = root_handlers, root_level


async def test_the_sms_hook_token_never_reaches_the_access_log(
    served: tuple[str, Settings, list[str]],
) -> None:
    url, config, lines = served
    hook = config.sms_hook_path("smsru")
    token = hook.rsplit("/", 1)[1]
    async with httpx.AsyncClient() as client:
        response = await client.post(url + hook, data={"data[0]": "sms_status\n1\n103"})
        assert response.status_code == 200
        await client.get(url + "/healthz")
    assert any("POST /hooks/sms/smsru/*** HTTP/1.1" in line for line in lines), lines
    assert any("GET /healthz" in line for line in lines)  # other paths are logged as they are
    assert not [line for line in lines if token in line]
