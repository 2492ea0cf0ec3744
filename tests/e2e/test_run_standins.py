"""`zvonok run` with no credentials: the Telegram, SMTP and SMS stand-ins, as a newcomer meets them."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.cli.standins import DEMO_SMS_API_ID, DEMO_TELEGRAM_TOKEN
from tests.e2e.test_cli import ZVONOK, clean_env, free_port, is_alive, wait_for

PHONE = "79160000002"
SMS_TEXT = "Звонок: проверка SMS-заглушки"


def get_json(url: str, data: dict[str, str] | None = None) -> Any:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=5) as response:
        return json.load(response)


def smtp_banner(host: str, port: int) -> bytes:
    with socket.create_connection((host, port), timeout=5) as connection:
        banner = connection.recv(512)
        connection.sendall(b"QUIT\r\n")
    return banner


def all_pids(state: dict[str, Any]) -> dict[str, int]:
    standins = {key: info["pid"] for key, info in state["standins"].items()}
    return {"redis": state["redis_pid"], **state["children"], **standins}


@pytest.fixture
def run(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, str], Path]]:
    """`zvonok run` on a fresh data directory with no ZVONOK_* credentials at all."""
    data = tmp_path / "var"
    env = clean_env(data, ZVONOK_WEB_PORT=str(free_port()))
    env["COLUMNS"] = "250"  # long temporary paths stay on one line of the panel
    log_path = tmp_path / "run.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [ZVONOK, "run", "--demo-scale", "0.05"],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        yield process, env, log_path
    finally:
        process.kill()
        process.wait()
        with contextlib.suppress(FileNotFoundError, json.JSONDecodeError, KeyError):
            for pid in all_pids(json.loads((data / "run.json").read_text())).values():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def check_each_standin_answers(standins: dict[str, Any]) -> None:
    me = get_json(f"{standins['telegram']['url']}/bot{DEMO_TELEGRAM_TOKEN}/getMe")
    assert me["ok"] is True and me["result"]["is_bot"] is True
    assert smtp_banner(standins["smtp"]["host"], int(standins["smtp"]["port"])).startswith(b"220")
    assert isinstance(get_json(f"{standins['sms']['url']}/_emulator/sent")["sent"], list)


def check_sms_report_reaches_the_web_app(sms_url: str) -> None:
    """An SMS sent the way the worker sends it: its delivery report gets SMS.ru's "100"."""
    form = {"api_id": DEMO_SMS_API_ID, "to": PHONE, "msg": SMS_TEXT, "json": "1"}
    assert get_json(f"{sms_url}/sms/send", form)["status"] == "OK"

    def acknowledged() -> bool:
        callbacks = get_json(f"{sms_url}/_emulator/callbacks")["callbacks"]
        return any(c["status"] == 200 and c["answer"] == "100" for c in callbacks)

    wait_for(acknowledged, 10, "the SMS delivery report answered 100 by /hooks/sms/smsru")


def check_messages_command(cwd: Path, env: dict[str, str]) -> None:
    shown = subprocess.run(
        # Enough to hold the SMS sent above whatever else came meanwhile (the demo
        # teachers' reminders reach the mail stand-in as the worker starts).
        [ZVONOK, "messages", "--limit", "500"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    for heading in ("Время", "Канал", "Кому", "Текст / тема"):
        assert heading in shown.stdout
    assert f"+{PHONE}" in shown.stdout and SMS_TEXT in shown.stdout


def test_run_starts_the_standins_shows_where_to_look_and_stops_them(
    run: tuple[subprocess.Popen[str], dict[str, str], Path], tmp_path: Path
) -> None:
    process, env, log_path = run

    def started() -> bool:
        return "Звонок запущен" in log_path.read_text() or process.poll() is not None

    wait_for(started, 35, "the start-up panel")
    assert process.poll() is None, log_path.read_text()
    state = json.loads((tmp_path / "var" / "run.json").read_text())
    standins = state["standins"]
    assert set(standins) == {"telegram", "smtp", "sms"}
    check_each_standin_answers(standins)
    check_sms_report_reaches_the_web_app(standins["sms"]["url"])

    panel = log_path.read_text()
    for where in (standins["telegram"]["sent"], standins["sms"]["sent"]):
        assert where in panel
    assert standins["smtp"]["mail_dir"] in panel and "zvonok messages" in panel
    check_messages_command(tmp_path, env)

    pids = all_pids(state)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0, log_path.read_text()
    for name, pid in pids.items():
        assert not is_alive(pid), f"{name} (pid {pid}) outlived `zvonok run`"
    stopped = log_path.read_text().split("Остановлено:")[1]
    assert stopped.index("web (ok)") < stopped.index("sms-gw (ok)") < stopped.index("redis")
    assert "tg-api (ok)" in stopped and "smtp (ok)" in stopped
