"""Which stand-ins `zvonok run` starts: one for each service with no real one configured."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pydantic import SecretStr
from rich.console import Console

from core.cli.standins import (
    DEMO_MAX_TOKEN,
    DEMO_SMS_API_ID,
    DEMO_TELEGRAM_TOKEN,
    Standins,
    plan_standins,
)
from core.settings import Settings

WEB = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def no_developer_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("ZVONOK_"):
            monkeypatch.delenv(name)


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "var", **values)  # type: ignore[call-arg]


def test_no_credentials_means_all_four_and_the_worker_is_pointed_at_them(tmp_path: Path) -> None:
    planned = plan_standins(settings(tmp_path), WEB)
    assert [s.key for s in planned] == ["telegram", "max", "smtp", "sms"]
    env = Standins(planned, Console(file=io.StringIO())).env()
    assert env["ZVONOK_TELEGRAM_TOKEN"] == DEMO_TELEGRAM_TOKEN
    assert env["ZVONOK_TELEGRAM_API_URL"].startswith("http://127.0.0.1:")
    assert env["ZVONOK_MAX_TOKEN"] == DEMO_MAX_TOKEN
    assert env["ZVONOK_MAX_API_URL"].startswith("http://127.0.0.1:")
    assert env["ZVONOK_SMTP_HOST"] == "127.0.0.1" and env["ZVONOK_SMTP_TLS"] == "none"
    assert env["ZVONOK_SMS_PROVIDER"] == "smsru" and env["ZVONOK_SMS_API_KEY"] == DEMO_SMS_API_ID
    sms = " ".join(planned[3].argv)
    # SMS.ru's report address is registered by the worker over the gateway's API
    # (tests/integration/test_sms_report_registration.py); SMSC's is the account's.
    assert f"{WEB}/hooks/sms/smsru/" not in sms and f"{WEB}/hooks/sms/smsc/" in sms
    assert str((tmp_path / "var").resolve() / "mail") in planned[2].argv
    # Both bots' stand-ins serve a chat page with the demo school's invite codes.
    invites = str((tmp_path / "var").resolve() / "demo-invites.json")
    assert invites in planned[0].argv and invites in planned[1].argv
    standins = Standins(planned, Console(file=io.StringIO()))
    pages = standins.chat_pages()
    assert pages == {
        "Telegram": f"{planned[0].info['url']}/chat/",
        "MAX": f"{planned[1].info['url']}/chat/",
    }
    rows = dict(standins.panel_rows(settings(tmp_path)))
    assert pages["MAX"] in rows["Чат с ботом в MAX"]
    assert pages["Telegram"] in rows["Чат с ботом в Telegram"]


def test_real_credentials_replace_their_standin(tmp_path: Path) -> None:
    real = settings(
        tmp_path,
        telegram_token=SecretStr("42:real-token"),
        max_token=SecretStr("real-max-token"),
        smtp_host="mail.school.ru",
        sms_provider="smsc",
        sms_api_key=SecretStr("key"),
    )
    assert plan_standins(real, WEB) == []
    only_sms = settings(
        tmp_path,
        telegram_token=SecretStr("42:x"),
        max_token=SecretStr("m"),
        smtp_host="mail.school.ru",
    )
    assert [s.key for s in plan_standins(only_sms, WEB)] == ["sms"]
    no_max = settings(tmp_path, telegram_token=SecretStr("42:x"), smtp_host="mail.school.ru")
    assert [s.key for s in plan_standins(no_max, WEB)] == ["max", "sms"]
