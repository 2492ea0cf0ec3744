"""The MAX settings: MAX's documented defaults, and refusals of what MAX would refuse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.settings import SettingsError, load_settings
from tests.keys import BACKUP_KEY

HOOK = "https://school12.example.ru/max/hook"
PRODUCTION = {
    "ZVONOK_ENV": "production",
    "ZVONOK_SECRET_KEY": "q8N3v7tZ0pXw2LrY5sKc9HjD4mFb6GaE1uVe",
    "ZVONOK_BACKUP_KEY": BACKUP_KEY,
}


@pytest.fixture(autouse=True)
def only_these_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("ZVONOK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_and_the_token_kept_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.max_token is None and settings.max_webhook_url is None
    assert (settings.max_api_url, settings.max_bot_rate) == ("https://platform-api2.max.ru", 30)
    monkeypatch.setenv("ZVONOK_MAX_TOKEN", "f9LHodD0cOK-the-schools-token")
    monkeypatch.setenv("ZVONOK_MAX_BOT_USERNAME", "school12_bot")
    settings = load_settings()
    assert settings.max_token is not None and "the-schools-token" not in repr(settings)
    assert settings.max_bot_username == "school12_bot"
    monkeypatch.setenv("ZVONOK_MAX_TOKEN", "")  # blank in .env: unset, the stand-in runs
    assert load_settings().max_token is None


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"ZVONOK_MAX_WEBHOOK_URL": HOOK}, "ZVONOK_MAX_WEBHOOK_SECRET must be set"),
        (
            {"ZVONOK_MAX_WEBHOOK_URL": HOOK, "ZVONOK_MAX_WEBHOOK_SECRET": "abcd"},
            "ZVONOK_MAX_WEBHOOK_SECRET: must be 5-256 characters",
        ),
        (
            {"ZVONOK_MAX_WEBHOOK_URL": HOOK, "ZVONOK_MAX_WEBHOOK_SECRET": "with spaces"},
            "must be 5-256 characters",
        ),
        (
            PRODUCTION
            | {"ZVONOK_MAX_WEBHOOK_URL": "http://school12.example.ru/hook"}
            | {"ZVONOK_MAX_WEBHOOK_SECRET": "zvonok-max-secret_42"},
            "ZVONOK_MAX_WEBHOOK_URL must be a public https:// URL",
        ),
        (
            PRODUCTION | {"ZVONOK_MAX_WEBHOOK_URL": HOOK, "ZVONOK_MAX_WEBHOOK_SECRET": "z" * 40},
            "ZVONOK_MAX_WEBHOOK_SECRET must be a random value",
        ),
        ({"ZVONOK_MAX_BOT_RATE": "0"}, "ZVONOK_MAX_BOT_RATE"),
        ({"ZVONOK_MAX_BOT_USERNAME": "bad name"}, "ZVONOK_MAX_BOT_USERNAME"),
    ],
)
def test_refuses_what_max_would(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str], complaint: str
) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert complaint in str(refused.value)


def test_a_webhook_with_its_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ZVONOK_MAX_WEBHOOK_URL", HOOK)
    monkeypatch.setenv("ZVONOK_MAX_WEBHOOK_SECRET", "zvonok-max-secret_42")
    settings = load_settings()
    assert settings.max_webhook_url == HOOK and settings.max_webhook_secret is not None
    monkeypatch.setenv("ZVONOK_MAX_WEBHOOK_URL", "")  # blank: long polling
    monkeypatch.setenv("ZVONOK_MAX_WEBHOOK_SECRET", "")
    assert load_settings().max_webhook_url is None
