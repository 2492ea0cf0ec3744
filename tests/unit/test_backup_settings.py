"""The backups' settings: a key of one's own outside development, destinations as an
IT person writes them, development's defaults, PostgreSQL tools' versions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.backup.config import backup_config
from core.backup.destinations import DirectoryDestination, S3Destination
from core.backup.keys import DEV_BACKUP_KEY, new_identity
from core.backup.postgres import PgTool, check_versions, parse_version
from core.errors import BackupError
from core.settings import Settings, SettingsError, load_settings

PRODUCTION = {
    "ZVONOK_ENV": "production",
    "ZVONOK_SECRET_KEY": "a-real-secret-of-more-than-32-characters-0123456789",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("ZVONOK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def _environment(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_production_refuses_to_start_without_a_backup_key_or_with_the_development_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _environment(monkeypatch, **PRODUCTION)
    with pytest.raises(SettingsError, match="ZVONOK_BACKUP_KEY must be set"):
        load_settings()
    monkeypatch.setenv("ZVONOK_BACKUP_KEY", DEV_BACKUP_KEY)
    with pytest.raises(SettingsError, match="ZVONOK_BACKUP_KEY must be set"):
        load_settings()
    monkeypatch.setenv("ZVONOK_BACKUP_KEY", "hunter2")
    with pytest.raises(SettingsError, match="AGE-SECRET-KEY-1"):
        load_settings()
    key, _ = new_identity()
    monkeypatch.setenv("ZVONOK_BACKUP_KEY", key)
    assert load_settings().backup_key_resolved == key


def test_development_backs_up_to_two_directories_under_var_with_the_development_key() -> None:
    settings = Settings()
    assert settings.backup_key_resolved == DEV_BACKUP_KEY
    root = Path("var").resolve() / "backups"
    assert settings.backup_destinations_resolved == [str(root / "local-1"), str(root / "local-2")]
    assert settings.backup_time == "02:30" and settings.backup_max_age_hours == 26


def test_destinations_are_a_comma_separated_list_or_json(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _environment(
        monkeypatch,
        ZVONOK_BACKUP_DESTINATIONS=f"{tmp_path}, s3://school-backups/zvonok",
        ZVONOK_BACKUP_S3_ACCESS_KEY_ID="key",
        ZVONOK_BACKUP_S3_SECRET_ACCESS_KEY="secret",
        ZVONOK_BACKUP_S3_ENDPOINT_URL="https://storage.yandexcloud.net",
    )
    config = backup_config(load_settings())
    directory, bucket = config.destinations
    assert isinstance(directory, DirectoryDestination) and directory.path == tmp_path
    assert isinstance(bucket, S3Destination)
    assert (bucket.bucket, bucket.prefix) == ("school-backups", "zvonok/")
    monkeypatch.setenv("ZVONOK_BACKUP_DESTINATIONS", f'["file://{tmp_path}"]')
    assert [d.label for d in backup_config(load_settings()).destinations] == [f"file://{tmp_path}"]


def test_an_s3_destination_without_credentials_or_an_unknown_scheme_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZVONOK_BACKUP_DESTINATIONS", "s3://school-backups")
    with pytest.raises(BackupError) as refused:
        backup_config(load_settings())
    assert "ZVONOK_BACKUP_S3_ACCESS_KEY_ID" in refused.value.message("en")
    monkeypatch.setenv("ZVONOK_BACKUP_DESTINATIONS", "ftp://old-server/backups")
    with pytest.raises(BackupError) as unknown:
        backup_config(load_settings())
    assert unknown.value.code == "backup_destination_unknown"


def test_a_bad_nightly_time_is_refused_and_a_blank_one_means_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZVONOK_BACKUP_TIME", "25:00")
    with pytest.raises(SettingsError, match="ZVONOK_BACKUP_TIME"):
        load_settings()
    monkeypatch.setenv("ZVONOK_BACKUP_TIME", "")
    assert load_settings().backup_time is None


def test_pg_dump_older_than_the_server_is_refused_naming_what_to_install() -> None:
    version = parse_version("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)")
    assert version == "15.20"
    tool = PgTool("pg_dump", "/usr/bin/pg_dump", version)
    check_versions(tool, 15)
    check_versions(tool, 14)  # a newer pg_dump dumps an older server
    with pytest.raises(BackupError) as refused:
        check_versions(tool, 16)
    text = refused.value.message("en")
    assert "pg_dump 15.20 cannot work with PostgreSQL 16" in text
    assert "postgresql-client-16" in text and "ZVONOK_BACKUP_PG_BIN_DIR" in text
    assert parse_version("pg_restore (PostgreSQL) 17beta1") == "17"
