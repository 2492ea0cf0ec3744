"""What the backups need from the settings, gathered once by the process that runs them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from core.backup.destinations import Destination, S3Access, destination
from core.backup.rotation import Retention
from core.errors import BackupError
from core.settings import Settings


@dataclass(frozen=True)
class BackupConfig:
    database_url: str
    identity: str  # the age identity, AGE-SECRET-KEY-1…
    destinations: list[Destination]
    retention: Retention
    max_age: dt.timedelta
    work_dir: Path  # where a backup is assembled before it is copied out
    pg_bin_dir: Path | None = None

    def require_destinations(self) -> list[Destination]:
        if not self.destinations:
            raise BackupError("no_backup_destinations")
        return self.destinations


def backup_config(settings: Settings) -> BackupConfig:
    access = S3Access(
        endpoint_url=settings.backup_s3_endpoint_url,
        region=settings.backup_s3_region,
        access_key_id=settings.backup_s3_access_key_id,
        secret_access_key=(
            settings.backup_s3_secret_access_key.get_secret_value()
            if settings.backup_s3_secret_access_key
            else None
        ),
    )
    # Development's default directories are made on first use; configured ones must exist.
    create = not settings.backup_destinations
    return BackupConfig(
        database_url=settings.database_url_resolved,
        identity=settings.backup_key_resolved,
        destinations=[
            destination(value, access, create=create)
            for value in settings.backup_destinations_resolved
        ],
        retention=Retention(
            settings.backup_keep_daily, settings.backup_keep_weekly, settings.backup_keep_monthly
        ),
        max_age=dt.timedelta(hours=settings.backup_max_age_hours),
        work_dir=settings.data_dir.resolve() / "backup-work",
        pg_bin_dir=settings.backup_pg_bin_dir,
    )
