"""Settings: defaults for a laptop, refusals for production, URL normalization."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from core.settings import DEV_SECRET_PLACEHOLDER, Settings, SettingsError, load_settings
from tests.keys import BACKUP_KEY

STRONG_SECRET = "q8N3v7tZ0pXw2LrY5sKc9HjD4mFb6GaE1uVe"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No ZVONOK_* variable and no .env of the developer's may leak into these tests."""
    for name in list(os.environ):
        if name.startswith("ZVONOK_"):
            monkeypatch.delenv(name)
    # Production refuses to start without a backup key (tests/unit/test_backup_settings.py).
    monkeypatch.setenv("ZVONOK_BACKUP_KEY", BACKUP_KEY)
    monkeypatch.chdir(tmp_path)
    yield


def test_development_defaults_run_on_a_laptop(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.env == "development"
    assert settings.secret_key.get_secret_value() == DEV_SECRET_PLACEHOLDER
    assert settings.redis_url is None
    assert settings.database_url_resolved == f"sqlite+aiosqlite:///{tmp_path}/var/zvonok.db"
    assert (settings.web_host, settings.web_port, settings.smtp_port) == ("127.0.0.1", 8000, 587)
    assert settings.telegram_api_url == "https://api.telegram.org"


@pytest.mark.parametrize("secret", [None, DEV_SECRET_PLACEHOLDER, "changeme", "short-secret"])
def test_production_refuses_a_missing_placeholder_or_short_secret(
    monkeypatch: pytest.MonkeyPatch, secret: str | None
) -> None:
    monkeypatch.setenv("ZVONOK_ENV", "production")
    if secret is not None:
        monkeypatch.setenv("ZVONOK_SECRET_KEY", secret)
    with pytest.raises(SettingsError, match="ZVONOK_SECRET_KEY must be set"):
        load_settings()


@pytest.mark.parametrize("secret", ["a" * 64, "ab" * 32, "0123456789"[:8] * 6, "Zz9" * 20])
def test_production_refuses_a_long_secret_of_a_few_characters_repeated(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("ZVONOK_ENV", "production")
    monkeypatch.setenv("ZVONOK_SECRET_KEY", secret)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    said = str(refused.value)
    assert "ZVONOK_SECRET_KEY must be set to a random value" in said
    assert "not a few characters repeated" in said and "secrets.token_urlsafe" in said
    assert secret not in said


def test_production_refuses_a_webhook_secret_of_one_character_repeated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hook = {
        "ZVONOK_TELEGRAM_WEBHOOK_URL": "https://bot.school.ru/hook",
        "ZVONOK_TELEGRAM_WEBHOOK_SECRET": "x" * 48,
    }
    for name, value in hook.items():
        monkeypatch.setenv(name, value)
    assert load_settings().telegram_webhook_secret is not None  # development: a laptop's
    monkeypatch.setenv("ZVONOK_ENV", "production")
    monkeypatch.setenv("ZVONOK_SECRET_KEY", STRONG_SECRET)
    with pytest.raises(SettingsError, match="ZVONOK_TELEGRAM_WEBHOOK_SECRET must be a random"):
        load_settings()
    monkeypatch.setenv("ZVONOK_TELEGRAM_WEBHOOK_SECRET", "zvonok-webhook-secret_42")
    assert load_settings().env == "production"


def test_production_accepts_a_long_random_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZVONOK_ENV", "production")
    monkeypatch.setenv("ZVONOK_SECRET_KEY", STRONG_SECRET)
    settings = load_settings()
    assert settings.secret_key.get_secret_value() == STRONG_SECRET
    assert STRONG_SECRET not in repr(settings)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://zv:pw@db.local/journal", "postgresql+asyncpg://zv:pw@db.local/journal"),
        ("postgresql://zv@db.local:6432/journal", "postgresql+asyncpg://zv@db.local:6432/journal"),
        ("postgresql+asyncpg://zv@h/j", "postgresql+asyncpg://zv@h/j"),
        ("sqlite:////srv/zvonok/journal.db", "sqlite+aiosqlite:////srv/zvonok/journal.db"),
    ],
)
def test_database_url_gets_the_async_driver(given: str, expected: str) -> None:
    settings = Settings(database_url=given)
    assert settings.database_url == expected
    assert settings.database_url_resolved == expected


def test_unsupported_database_is_refused_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZVONOK_DATABASE_URL", "mysql://u@h/db")
    with pytest.raises(SettingsError, match="ZVONOK_DATABASE_URL: unsupported database 'mysql'"):
        load_settings()


def test_default_sqlite_file_follows_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "state")
    assert settings.database_url_resolved == f"sqlite+aiosqlite:///{tmp_path}/state/zvonok.db"


def test_environment_and_dotenv_are_read_with_the_prefix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "ZVONOK_LOG_LEVEL=debug\nZVONOK_REDIS_URL=\nZVONOK_SMTP_TLS=ssl\n", encoding="utf-8"
    )
    monkeypatch.setenv("ZVONOK_WEB_PORT", "9100")
    settings = Settings()
    assert settings.log_level == "DEBUG"
    assert settings.redis_url is None  # an empty value means "not set"
    assert settings.smtp_tls == "ssl"
    assert settings.web_port == 9100


def test_a_process_without_redis_is_told_what_to_do() -> None:
    with pytest.raises(SettingsError, match="zvonok run"):
        Settings().require_redis_url()
    assert Settings(redis_url="redis://r:6379/2").require_redis_url() == "redis://r:6379/2"


def test_a_non_redis_url_is_refused() -> None:
    with pytest.raises(ValidationError, match="must start with redis://"):
        Settings(redis_url="http://localhost:6379")


def test_the_public_url_defaults_to_the_web_app_and_loses_a_trailing_slash() -> None:
    assert Settings().public_url_resolved == "http://127.0.0.1:8000"
    given = Settings(public_url="https://journal.school.example/")
    assert given.public_url_resolved == "https://journal.school.example"


def test_production_with_email_or_sms_needs_a_public_https_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZVONOK_ENV", "production")
    monkeypatch.setenv("ZVONOK_SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("ZVONOK_SMTP_HOST", "smtp.school.example")
    with pytest.raises(SettingsError, match="ZVONOK_PUBLIC_URL must be set"):
        load_settings()
    monkeypatch.setenv("ZVONOK_PUBLIC_URL", "http://journal.school.example")
    with pytest.raises(SettingsError, match="public https:// address"):
        load_settings()
    monkeypatch.setenv("ZVONOK_PUBLIC_URL", "https://journal.school.example")
    assert load_settings().public_url_resolved == "https://journal.school.example"


async def test_the_connection_pool_is_sized_by_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ZVONOK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ZVONOK_DB_POOL_SIZE", "3")
    monkeypatch.setenv("ZVONOK_DB_POOL_OVERFLOW", "7")
    db = load_settings().database()
    async with contextlib.AsyncExitStack() as held:
        for _ in range(10):  # all that size and overflow allow, at once
            await held.enter_async_context(db.engine.connect())
        assert (db.engine.pool.size(), db.engine.pool.overflow()) == (3, 7)
    await db.dispose()
    monkeypatch.setenv("ZVONOK_DB_POOL_SIZE", "0")
    with pytest.raises(SettingsError, match="DB_POOL_SIZE"):
        load_settings()
