"""The record of backups: one row per run and destination (core/backup)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from core.models.base import instant_field


class BackupRun(SQLModel, table=True):
    """One backup's copy to one destination: when, which file, and whether it got there.

    `ok` false keeps the error (a destination that was down, a snapshot that failed);
    the administrator's page and `core.reading.backups.stale_backups` read the newest
    good row of each destination. Not audited: it says nothing about the journal.
    """

    __tablename__ = "backup_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = instant_field(index=True)
    finished_at: datetime = instant_field()
    destination: str = Field(index=True)
    name: str  # the backup file's name, zvonok-20261206T023000Z.tar.gz.age
    size: int | None = Field(default=None, sa_type=BigInteger)  # a backup may pass 2 GB
    sha256: str | None = None  # of the encrypted file, as stored
    ok: bool
    error: str | None = None
