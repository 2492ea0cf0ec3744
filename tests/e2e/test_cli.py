"""The `zvonok` command as a user runs it: real subprocesses, a real Redis, real HTTP."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from core.cli.redis_server import PrivateRedis, RedisStartError
from core.health import HEARTBEAT_KEY
from core.migrate import head_revision
from tests.e2e.processes import ZVONOK, clean_env, free_port, is_alive, wait_for
from tests.e2e.standin_checks import (
    all_pids,
    check_both_bots_answer,
    check_chat_pages,
    check_each_standin_answers,
    check_messages_command,
    check_sms_report_reaches_the_web_app,
    send_as_the_max_bot,
)


def test_db_upgrade_creates_the_database_in_the_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "var"
    done = subprocess.run(
        [ZVONOK, "db", "upgrade"],
        cwd=tmp_path,
        env=clean_env(data),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{head_revision()} (последняя: {head_revision()})" in done.stdout
    assert (data / "zvonok.db").is_file()
    checked = subprocess.run(
        [ZVONOK, "db", "check", "--database"],
        cwd=tmp_path,
        env=clean_env(data),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_demo_loads_once_and_keeps_the_logins(tmp_path: Path) -> None:
    data = tmp_path / "var"
    command = [ZVONOK, "demo", "--scale", "0.1", "--today", "2026-10-15"]
    done = subprocess.run(
        command, cwd=tmp_path, env=clean_env(data), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Демо-входы" in done.stdout
    logins = (data / "demo-logins.tsv").read_text().splitlines()
    assert logins and all(len(row.split("\t")) == 4 for row in logins)
    again = subprocess.run(
        command, cwd=tmp_path, env=clean_env(data), capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 1
    assert "уже есть школа" in again.stdout


def test_private_redis_answers_and_is_gone_after_stop(tmp_path: Path) -> None:
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    try:
        assert server.process is not None
        pid = server.process.pid
        client = redis.Redis.from_url(server.url)
        assert client.ping()
        client.close()
        with pytest.raises(RedisStartError, match="уже работает"):  # the CLI speaks Russian
            PrivateRedis(tmp_path / "redis").start()
    finally:
        code = server.stop()
    assert code == 0
    assert not is_alive(pid)
    with pytest.raises(redis.ConnectionError):
        redis.Redis(port=server.port, socket_connect_timeout=1).ping()


@pytest.fixture
def zvonok_run(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path, int]]:
    """`zvonok run` on a fresh data directory with no ZVONOK_* credentials at all;
    whatever it leaves behind is killed."""
    data, port = tmp_path / "var", free_port()
    env = clean_env(data, ZVONOK_WEB_PORT=str(port))
    env["COLUMNS"] = "250"  # long temporary paths stay on one line of the panel
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        [ZVONOK, "run", "--demo-scale", "0.05"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process, data, port
    finally:
        process.kill()
        process.wait()
        log.close()
        with contextlib.suppress(FileNotFoundError, json.JSONDecodeError, KeyError):
            for pid in all_pids(json.loads((data / "run.json").read_text())).values():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def healthz_ok(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
            return bool(response.status == 200 and json.load(response)["status"] == "ok")
    except OSError:
        return False


def heartbeat_seen(redis_url: str) -> bool:
    client = redis.Redis.from_url(redis_url, socket_timeout=1)
    try:
        return client.get(HEARTBEAT_KEY) is not None
    except redis.RedisError:
        return False
    finally:
        client.close()


def demo_teacher_signs_in(port: int, data: Path) -> str:
    """The demo subject teacher's "Today" page, signed in with the printed demo login."""
    rows = (data / "demo-logins.tsv").read_text(encoding="utf-8").splitlines()
    login, password = next(r for r in rows if r.startswith("Учитель-предметник")).split("\t")[1:3]
    # A first page renders its templates; on a machine busy with the other processes of
    # `zvonok run` (and a test run beside it) that took over 5 s once.
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as web:
        form = web.get("/login").text
        csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        signed_in = web.post(
            "/login", data={"login": login, "password": password, "csrf_token": csrf}
        )
        assert signed_in.status_code == 303, signed_in.text
        return web.get("/today").text


def test_run_brings_everything_up_with_its_standins_and_ctrl_c_stops_it_all(
    zvonok_run: tuple[subprocess.Popen[str], Path, int], tmp_path: Path
) -> None:
    process, data, port = zvonok_run
    state_file, log = data / "run.json", tmp_path / "run.log"
    wait_for(lambda: state_file.is_file() or process.poll() is not None, 60, "run.json")
    assert process.poll() is None, log.read_text()
    state = json.loads(state_file.read_text())
    assert set(state["children"]) == {"web", "worker", "bot"}
    assert set(state["standins"]) == {"telegram", "max", "smtp", "sms"}

    wait_for(lambda: healthz_ok(port), 30, "/healthz answering 200")
    wait_for(lambda: heartbeat_seen(state["redis_url"]), 30, "the worker's heartbeat")
    wait_for(lambda: "Звонок запущен" in log.read_text(), 10, "the start-up report")
    assert "Сегодня" in demo_teacher_signs_in(port, data)
    # No ZVONOK_REDIS_URL: the check finds `zvonok run`'s Redis in run.json.
    env = clean_env(data)
    check = subprocess.run(
        [ZVONOK, "worker", "--check"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=30,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    said = " ".join(check.stdout.split())
    assert f"Redis {state['redis_url']} (из {state_file})" in said
    assert "OK: воркер работает." in said

    # No credentials: the stand-ins answer as the real services would, and the panel
    # says where to look at what they received.
    standins = state["standins"]
    check_each_standin_answers(standins)
    check_sms_report_reaches_the_web_app(standins["sms"]["url"])
    send_as_the_max_bot(standins["max"]["url"])
    check_both_bots_answer(standins)
    panel = log.read_text()
    for where in (standins["telegram"]["sent"], standins["max"]["sent"], standins["sms"]["sent"]):
        assert where in panel
    assert standins["smtp"]["mail_dir"] in panel and "zvonok messages" in panel
    check_chat_pages(standins, panel)
    check_messages_command(tmp_path, env)

    pids = all_pids(state)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0, log.read_text()
    for name, pid in pids.items():
        assert not is_alive(pid), f"{name} (pid {pid}) outlived `zvonok run`"
    assert not state_file.exists()
    output = log.read_text()
    assert "Демо-входы" in output and (data / "demo-logins.tsv").is_file()
    assert "worker│" in output and "web   │" in output
    assert (
        "Остановлено: bot (ok), worker (ok), web (ok), sms-gw (ok), smtp (ok), max-api (ok), "
        "tg-api (ok), redis (ok)." in output
    )
