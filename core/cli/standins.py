"""Local stand-ins for Telegram, MAX, SMTP and the SMS gateway, for `zvonok run` without
credentials.

Every service with no real counterpart configured gets its stand-in from
`notifier/standins` as a child process, started by module name (core must not
import notifier) and spoken to over HTTP or SMTP only. The worker and the bot get
its address in their environment, so a newcomer sees messages flow with nothing
set up. Stand-ins start before web, worker and bot, and stop after them.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from core.cli.common import python_module, t
from core.cli.demo import INVITES_FILE
from core.cli.redis_server import free_port
from core.cli.supervisor import Child, ChildSpec, Supervisor
from core.settings import Settings

DEMO_TELEGRAM_TOKEN = "123456:ZVONOK-DEMO"  # noqa: S105  (the emulator's fake bot)
DEMO_MAX_TOKEN = "zvonok-demo-max-token"  # noqa: S105  (the MAX stand-in's fake bot)
DEMO_SMS_API_ID = "zvonok-demo-api-id"  # the emulator's SMS.ru api_id, not a secret
HOST = "127.0.0.1"


class StandinStartError(RuntimeError):
    """A stand-in did not come up; the message says which and why."""


@dataclass(frozen=True)
class Standin:
    """One stand-in: how to start it, how to tell it is up, what the others need to use it."""

    key: str  # telegram | max | smtp | sms: the run.json key `zvonok messages` reads
    name: str  # the child's log prefix
    argv: list[str]
    env: dict[str, str]  # settings for the worker and the bot
    info: dict[str, str]  # addresses for run.json
    look: str  # the start-up panel's row for its channel (`key`): where to look
    answers: Callable[[], bool] = field(repr=False)


def _get_json(url: str, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310  (our own http URL)
    with urllib.request.urlopen(request, timeout=1) as response:  # noqa: S310
        return json.load(response)


def _answers_json(
    url: str, check: Callable[[Any], bool], headers: dict[str, str] | None = None
) -> Callable[[], bool]:
    def probe() -> bool:
        try:
            return check(_get_json(url, headers))
        except (OSError, ValueError):
            return False

    return probe


def smtp_answers(host: str, port: int) -> bool:
    """True when an SMTP server there greets with 220."""
    try:
        with socket.create_connection((host, port), timeout=1) as connection:
            banner = connection.recv(512)
            connection.sendall(b"QUIT\r\n")
    except OSError:
        return False
    return banner.startswith(b"220")


def telegram_standin(port: int, invites_file: Path) -> Standin:
    """The Bot API emulator; its chat page (`/chat/`) shows the demo invite codes."""
    url = f"http://{HOST}:{port}"
    return Standin(
        key="telegram",
        name="tg-api",
        argv=python_module(
            "notifier.standins.telegram_api",
            *("--host", HOST, "--port", str(port), "--token", DEMO_TELEGRAM_TOKEN),
            *("--log-level", "warning", "--invites-file", str(invites_file)),
        ),
        env={"ZVONOK_TELEGRAM_TOKEN": DEMO_TELEGRAM_TOKEN, "ZVONOK_TELEGRAM_API_URL": url},
        info={
            "url": url,
            "token": DEMO_TELEGRAM_TOKEN,
            "sent": f"{url}/_emulator/sent",
            "chat": f"{url}/chat/",
        },
        look=t._("Bot API emulator %(url)s; what the bot sent: %(url)s/_emulator/sent", url=url),
        answers=_answers_json(
            f"{url}/bot{DEMO_TELEGRAM_TOKEN}/getMe", lambda body: body.get("ok") is True
        ),
    )


def max_standin(port: int, settings: Settings, invites_file: Path) -> Standin:
    """The MAX Bot API stand-in (`notifier/standins/max_server.py`), with a demo token;
    its chat page (`/chat/`) shows the demo invite codes too."""
    url = f"http://{HOST}:{port}"
    return Standin(
        key="max",
        name="max-api",
        argv=python_module(
            "notifier.standins.max_server",
            *("--host", HOST, "--port", str(port), "--token", DEMO_MAX_TOKEN),
            *("--username", settings.max_bot_username, "--log-level", "warning"),
            *("--invites-file", str(invites_file)),
        ),
        env={"ZVONOK_MAX_TOKEN": DEMO_MAX_TOKEN, "ZVONOK_MAX_API_URL": url},
        info={
            "url": url,
            "token": DEMO_MAX_TOKEN,
            "sent": f"{url}/_standin/sent",
            "chat": f"{url}/chat/",
        },
        look=t._("MAX Bot API stand-in %(url)s; what the bot sent: %(url)s/_standin/sent", url=url),
        answers=_answers_json(
            f"{url}/me", lambda body: body.get("is_bot") is True, {"Authorization": DEMO_MAX_TOKEN}
        ),
    )


def smtp_standin(port: int, mail_dir: Path) -> Standin:
    return Standin(
        key="smtp",
        name="smtp",
        argv=python_module(
            "notifier.standins.smtp", "--host", HOST, "--port", str(port), "--dir", str(mail_dir)
        ),
        env={"ZVONOK_SMTP_HOST": HOST, "ZVONOK_SMTP_PORT": str(port), "ZVONOK_SMTP_TLS": "none"},
        info={"host": HOST, "port": str(port), "mail_dir": str(mail_dir)},
        look=t._(
            "SMTP stand-in %(host)s:%(port)s; the mail (.eml) in %(path)s",
            host=HOST,
            port=port,
            path=mail_dir,
        ),
        answers=lambda: smtp_answers(HOST, port),
    )


def sms_standin(port: int, web: str, settings: Settings) -> Standin:
    url = f"http://{HOST}:{port}"
    return Standin(
        key="sms",
        name="sms-gw",
        argv=python_module(
            "notifier.standins.sms_gateway",
            *("--host", HOST, "--port", str(port), "--smsru-api-id", DEMO_SMS_API_ID),
            # SMS.ru's report address is not given here: the worker registers it over
            # the gateway's API at start-up, as with the real SMS.ru (callback/add).
            *("--smsc-callback", web + settings.sms_hook_path("smsc")),
        ),
        env={
            "ZVONOK_SMS_PROVIDER": "smsru",
            "ZVONOK_SMS_URL": url,
            "ZVONOK_SMS_API_KEY": DEMO_SMS_API_ID,
        },
        info={"url": url, "sent": f"{url}/_emulator/sent"},
        look=t._(
            "SMS.ru emulator %(url)s; sent: %(url)s/_emulator/sent; the worker registers "
            "%(web)s/hooks/sms/smsru/<token> for its delivery reports",
            url=url,
            web=web,
        ),
        answers=_answers_json(f"{url}/_emulator/sent", lambda body: "sent" in body),
    )


def plan_standins(settings: Settings, web: str) -> list[Standin]:
    """A stand-in for each service that has no real one configured."""
    planned: list[Standin] = []
    invites = settings.data_dir.resolve() / INVITES_FILE
    if settings.telegram_token is None:
        planned.append(telegram_standin(free_port(), invites))
    if settings.max_token is None:
        planned.append(max_standin(free_port(), settings, invites))
    if settings.smtp_host is None:
        planned.append(smtp_standin(free_port(), settings.data_dir.resolve() / "mail"))
    if settings.sms_provider is None:
        planned.append(sms_standin(free_port(), web, settings))
    return planned


class Standins:
    """The planned stand-ins and the supervisor of their processes."""

    def __init__(self, planned: Iterable[Standin], console: Console) -> None:
        self.planned = list(planned)
        self.supervisor = Supervisor(console)

    def env(self) -> dict[str, str]:
        """What the worker and the bot need to use the stand-ins instead of real services."""
        merged: dict[str, str] = {}
        for standin in self.planned:
            merged.update(standin.env)
        return merged

    def start(self, stop: threading.Event, timeout: float = 20.0) -> None:
        """Start them all, then wait until each answers (raises StandinStartError)."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        children = [
            self.supervisor.start(ChildSpec(s.name, s.argv, env, "yellow")) for s in self.planned
        ]
        waiting = {s.key: (s, child) for s, child in zip(self.planned, children, strict=True)}
        deadline = time.monotonic() + timeout
        while waiting and not stop.is_set():
            for key, (standin, child) in list(waiting.items()):
                _check_alive(standin, child)
                if standin.answers():
                    del waiting[key]
            if waiting and time.monotonic() > deadline:
                names = ", ".join(standin.name for standin, _ in waiting.values())
                raise StandinStartError(
                    t._(
                        "no answer within %(seconds)s s: %(names)s",
                        seconds=round(timeout),
                        names=names,
                    )
                )
            stop.wait(0.1)

    def state(self) -> dict[str, dict[str, Any]]:
        """run.json's `standins`: where each one listens, and its process id."""
        pids = {child.name: child.pid for child in self.supervisor.children}
        return {s.key: {"process": s.name, "pid": pids.get(s.name), **s.info} for s in self.planned}

    def panel_rows(self, settings: Settings) -> list[tuple[str, str]]:
        """The start-up panel's rows: each channel's stand-in, or the real service in use."""
        looks = {s.key: s.look for s in self.planned}
        rows = [
            (
                "Telegram",
                looks.get("telegram")
                or t._("the real Bot API (%(url)s)", url=settings.telegram_api_url),
            ),
            (
                "MAX",
                looks.get("max") or t._("the real Bot API (%(url)s)", url=settings.max_api_url),
            ),
            (
                t.pgettext("channel", "Mail"),
                looks.get("smtp")
                or t._(
                    "the real SMTP %(host)s:%(port)s",
                    host=settings.smtp_host,
                    port=settings.smtp_port,
                ),
            ),
            (
                "SMS",
                looks.get("sms")
                or t._("the real gateway %(provider)s", provider=settings.sms_provider),
            ),
        ]
        if self.planned:
            rows.append(
                (t._("Messages"), t._("zvonok messages: what the stand-ins got, newest first"))
            )
        for messenger, page in self.chat_pages().items():
            note = t._(
                "%(page)s   (write as a parent; the demo invite codes are there too)", page=page
            )
            rows.append((t._("Chat with the bot in %(messenger)s", messenger=messenger), note))
        return rows

    def chat_pages(self) -> dict[str, str]:
        """The stand-ins' pages for talking to the bot (Telegram's, MAX's), by messenger."""
        names = {"telegram": "Telegram", "max": "MAX"}
        return {names[s.key]: s.info["chat"] for s in self.planned if "chat" in s.info}

    def stop_all(self) -> dict[str, int]:
        return self.supervisor.stop_all()


def _check_alive(standin: Standin, child: Child) -> None:
    code = child.process.poll()
    if code is not None:
        raise StandinStartError(
            t._("%(name)s ended while starting (code %(code)s)", name=standin.name, code=code)
        )
