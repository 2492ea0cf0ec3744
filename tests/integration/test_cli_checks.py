"""The newcomer's commands: `zvonok messages` (text, and what is held back and why) and
`zvonok worker --check` (finds Redis in run.json, says what it checked)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import aiohttp
import redis

from core.cli.common import console
from core.cli.messages import held_lines, telegram_messages
from core.cli.state import redis_url_of
from core.cli.worker_check import ARQ_HEALTH_KEY, check_worker, print_findings
from core.db import Database
from core.delivery.holds import held_notifications
from core.health import HEARTBEAT_KEY
from core.services.announcements import post_announcement
from core.settings import Settings
from notifier.standins.telegram_control import run_telegram_emulator
from tests.builders import build_world
from tests.integration.delivery_helpers import Clock, choose, msk, relay_and_dispatch, start_due


async def test_messages_shows_what_a_parent_reads_not_the_html_tags() -> None:
    async with run_telegram_emulator() as emulator:
        url = f"{emulator.base_url}/bot{emulator.token}/sendMessage"
        text = "<b>Соколов Пётр</b>: 5 &lt;контрольная&gt; <i>алгебра</i>"
        async with aiohttp.ClientSession() as session:
            sent = await session.post(url, json={"chat_id": 7, "text": text, "parse_mode": "HTML"})
            assert sent.status == 200
        [shown] = await asyncio.to_thread(telegram_messages, {"url": emulator.base_url})
    assert shown.text == "Соколов Пётр: 5 <контрольная> алгебра"


async def test_messages_says_which_messages_wait_and_why(db: Database) -> None:
    w = await build_world(db)
    await choose(db, w, "novikov", modes={"announcements": "daily"})
    clock = Clock(db, msk(6, 30))
    await post_announcement(
        clock.uow(), actor=w.actor("russian"), class_id=w.classes["7Б"], title="T", body="B"
    )
    await relay_and_dispatch(clock)
    clock.advance(120)
    assert await start_due(clock) == []  # 06:32: quiet hours until 07:30

    async with db.session() as session:
        held = await held_notifications(session)

    assert held_lines(held) == [
        "Ещё не отправлено, и почему: 2 сообщения",
        "  тихие часы до 07:30: 1 сообщение",
        "  в дайджест в 18:00: 1 сообщение",
    ]
    clock.set(msk(7, 30))
    assert len(await start_due(clock)) == 1
    async with db.session() as session:
        assert held_lines(await held_notifications(session)) == [
            "Ещё не отправлено, и почему: 1 сообщение",
            "  в дайджест в 18:00: 1 сообщение",
        ]


def test_worker_check_finds_the_private_redis_in_run_json_and_says_what_it_checked(
    tmp_path: Path, redis_url: str
) -> None:
    (tmp_path / "run.json").write_text(json.dumps({"redis_url": redis_url}), encoding="utf-8")
    settings = Settings(data_dir=tmp_path, redis_url=None)
    url, source = redis_url_of(settings)
    assert (url, source) == (redis_url, str(tmp_path / "run.json"))

    with console.capture() as nobody:
        assert print_findings(check_worker(url, source)) is False
    said = " ".join(nobody.get().split())
    assert f"✓ Redis {redis_url} (из {tmp_path / 'run.json'}): отвечает" in said
    assert "✗ пульс воркера (zvonok:worker:heartbeat): нет" in said
    assert "Не в порядке: на этом Redis не работает ни один воркер." in said

    now = dt.datetime.now(dt.UTC)
    client = redis.Redis.from_url(redis_url)
    client.set(HEARTBEAT_KEY, (now - dt.timedelta(seconds=12)).isoformat())
    client.set(ARQ_HEALTH_KEY, "Oct-03 06:30:00 j_complete=5 j_failed=0 j_retried=0 queued=0")
    client.close()
    with console.capture() as alive:
        assert print_findings(check_worker(url, source, now=now)) is True
    output = " ".join(alive.get().split())
    assert "секунд назад" in output and "j_complete=5" in output
    assert "OK: воркер работает." in output


def test_worker_check_prefers_zvonok_redis_url(tmp_path: Path, redis_url: str) -> None:
    settings = Settings(data_dir=tmp_path, redis_url=redis_url)
    assert redis_url_of(settings) == (redis_url, "ZVONOK_REDIS_URL")
