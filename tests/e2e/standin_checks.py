"""What `zvonok run` with no credentials offers a newcomer: the Telegram, MAX, SMTP and SMS
stand-ins, checked as they meet them (tests/e2e/test_cli.py runs it)."""

from __future__ import annotations

import json
import socket
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from core.cli.standins import DEMO_MAX_TOKEN, DEMO_SMS_API_ID, DEMO_TELEGRAM_TOKEN
from tests.e2e.processes import ZVONOK, wait_for

PHONE = "79160000002"
SMS_TEXT = "Звонок: проверка SMS-заглушки"
MAX_PARENT = 4242
MAX_TEXT = "Звонок: проверка заглушки MAX"
STRANGER = 4343


def get_json(url: str, data: dict[str, str] | None = None) -> Any:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=5) as response:
        return json.load(response)


def max_call(url: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """A MAX Bot API request as a bot makes it (the token in `Authorization`)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": token, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused)


def smtp_banner(host: str, port: int) -> bytes:
    with socket.create_connection((host, port), timeout=5) as connection:
        banner = connection.recv(512)
        connection.sendall(b"QUIT\r\n")
    return banner


def all_pids(state: dict[str, Any]) -> dict[str, int]:
    standins = {key: info["pid"] for key, info in state["standins"].items()}
    return {"redis": state["redis_pid"], **state["children"], **standins}


def check_each_standin_answers(standins: dict[str, Any]) -> None:
    me = get_json(f"{standins['telegram']['url']}/bot{DEMO_TELEGRAM_TOKEN}/getMe")
    assert me["ok"] is True and me["result"]["is_bot"] is True
    max_url = standins["max"]["url"]
    status, bot = max_call(f"{max_url}/me", DEMO_MAX_TOKEN)
    assert status == 200 and bot["is_bot"] is True
    assert max_call(f"{max_url}/me", "not-the-demo-token") == (
        401,
        {"code": "verify.token", "message": "Invalid access_token"},
    )
    assert smtp_banner(standins["smtp"]["host"], int(standins["smtp"]["port"])).startswith(b"220")
    assert isinstance(get_json(f"{standins['sms']['url']}/_emulator/sent")["sent"], list)


def check_sms_report_reaches_the_web_app(sms_url: str) -> None:
    """An SMS sent the way the worker sends it: its delivery report gets SMS.ru's "100"."""

    def registered() -> bool:  # the worker gives SMS.ru its report address as it starts
        handlers = get_json(f"{sms_url}/callback/get", {"api_id": DEMO_SMS_API_ID})
        return bool(handlers["callback"])

    wait_for(registered, 30, "the worker registering its SMS report address")
    form = {"api_id": DEMO_SMS_API_ID, "to": PHONE, "msg": SMS_TEXT, "json": "1"}
    assert get_json(f"{sms_url}/sms/send", form)["status"] == "OK"

    def attempts() -> list[dict[str, Any]]:
        callbacks: list[dict[str, Any]] = get_json(f"{sms_url}/_emulator/callbacks")["callbacks"]
        return callbacks

    def acknowledged() -> bool:
        return any(c["status"] == 200 and c["answer"] == "100" for c in attempts())

    # The report comes a second after the send, then is retried after 1 and 2 s, each try
    # waiting up to 5 s for the web app: on a busy machine it may take its third try.
    try:
        wait_for(acknowledged, 30, "the SMS delivery report answered 100 by /hooks/sms/smsru")
    except AssertionError as failed:
        tried = [(c["url"], c["status"], c["answer"][:80]) for c in attempts()]
        raise AssertionError(f"{failed}; the reports tried: {tried}") from None


def send_as_the_max_bot(max_url: str) -> None:
    """A parent starts the MAX bot; the bot writes to them, as the worker will."""
    start = {"user_id": MAX_PARENT, "payload": "e2e"}
    assert max_call(f"{max_url}/_standin/updates/start", "", start)[0] == 200
    status, sent = max_call(
        f"{max_url}/messages?user_id={MAX_PARENT}", DEMO_MAX_TOKEN, {"text": MAX_TEXT}
    )
    assert status == 200 and sent["message"]["body"]["text"] == MAX_TEXT


def check_both_bots_answer(standins: dict[str, Any]) -> None:
    """A stranger writes /start to the demo bot in Telegram and in MAX: the one bot
    process answers in both, with how to subscribe."""
    tg_url, max_url = standins["telegram"]["url"], standins["max"]["url"]
    start = {"user_id": STRANGER, "text": "/start"}
    assert max_call(f"{tg_url}/_emulator/updates/message", "", start)[0] == 200
    assert max_call(f"{max_url}/_standin/updates/message", "", start)[0] == 200

    def answered(url: str) -> bool:
        return any("код" in (m.get("text") or "") for m in get_json(url)["messages"])

    wait_for(
        lambda: answered(f"{tg_url}/_emulator/sent?chat_id={STRANGER}"),
        20,
        "the bot answering /start in Telegram",
    )
    wait_for(
        lambda: answered(f"{max_url}/_standin/sent?user_id={STRANGER}"),
        20,
        "the bot answering /start in MAX",
    )


def check_chat_pages(standins: dict[str, Any], panel: str) -> None:
    """Both bots' stand-ins serve the chat page, with the demo school's invite codes, and
    the start-up report links each."""
    for key, prefix in (("telegram", "/_emulator"), ("max", "/_standin")):
        page = standins[key]["chat"]
        assert page in panel
        with urllib.request.urlopen(page, timeout=5) as response:
            assert f'{{"messenger": "{key}"}}' in response.read().decode()
        sheet = get_json(f"{standins[key]['url']}{prefix}/demo/invites")
        assert len(sheet["invites"]) >= 5, sheet


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
    assert MAX_TEXT in shown.stdout and f"пользователь {MAX_PARENT}" in shown.stdout
