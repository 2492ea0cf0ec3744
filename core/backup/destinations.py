"""Where backups are kept: a local or mounted directory, an S3-compatible bucket.

Each destination is named by what the settings say (`/mnt/backup`,
`s3://school-backups/zvonok`); that name is its key in the record of runs. Calls are
blocking (boto3, file copies): callers run them in a thread.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from core.backup.bundle import SUFFIX
from core.errors import BackupError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


@dataclass(frozen=True)
class Stored:
    name: str
    size: int


class Destination(Protocol):
    label: str

    def put(self, source: Path, name: str) -> None: ...

    def list(self) -> list[Stored]: ...

    def fetch(self, name: str, target: Path) -> None: ...

    def delete(self, name: str) -> None: ...


class DirectoryDestination:
    """A directory: a local disk, a mounted network share or USB disk.

    A missing directory is an error, not created (outside development): an unmounted
    disk must not be silently replaced by a folder on the server's own disk.
    """

    def __init__(self, label: str, path: Path, *, create: bool = False) -> None:
        self.label = label
        self.path = path
        self.create = create

    def _directory(self) -> Path:
        if self.create:
            self.path.mkdir(parents=True, exist_ok=True)
        if not self.path.is_dir():
            raise FileNotFoundError(f"{self.path} is not a directory (is the disk mounted?)")
        return self.path

    def put(self, source: Path, name: str) -> None:
        # Written under a temporary name, then renamed: a half-copied file is never
        # taken for a backup.
        partial = self._directory() / f".{name}.partial"
        with source.open("rb") as reading, partial.open("wb") as writing:
            shutil.copyfileobj(reading, writing, 1 << 20)
            writing.flush()
            os.fsync(writing.fileno())
        partial.replace(self.path / name)

    def list(self) -> list[Stored]:
        found = self._directory().glob(f"zvonok-*{SUFFIX}")
        return [Stored(p.name, p.stat().st_size) for p in found if p.is_file()]

    def fetch(self, name: str, target: Path) -> None:
        shutil.copyfile(self._directory() / name, target)

    def delete(self, name: str) -> None:
        (self._directory() / name).unlink(missing_ok=True)


@dataclass(frozen=True)
class S3Access:
    endpoint_url: str | None
    region: str
    access_key_id: str | None
    secret_access_key: str | None


class S3Destination:
    """A bucket of Amazon S3 or of any service speaking its protocol (MinIO, Yandex
    Object Storage, Selectel…). The client is made on first use."""

    def __init__(self, label: str, bucket: str, prefix: str, access: S3Access) -> None:
        self.label = label
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.access = access
        self._client: S3Client | None = None

    def _s3(self) -> S3Client:
        if self._client is None:
            import boto3  # only when an S3 destination is used
            from botocore.config import Config

            config = Config(
                connect_timeout=5,
                read_timeout=60,
                retries={"max_attempts": 2, "mode": "standard"},
            )
            self._client = boto3.client(
                "s3",
                endpoint_url=self.access.endpoint_url,
                region_name=self.access.region,
                aws_access_key_id=self.access.access_key_id,
                aws_secret_access_key=self.access.secret_access_key,
                config=config,
            )
        return self._client

    def put(self, source: Path, name: str) -> None:
        self._s3().upload_file(str(source), self.bucket, self.prefix + name)

    def list(self) -> list[Stored]:
        found: list[Stored] = []
        pages = self._s3().get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                name = item["Key"].removeprefix(self.prefix)
                if "/" not in name and name.endswith(SUFFIX):
                    found.append(Stored(name, int(item["Size"])))
        return found

    def fetch(self, name: str, target: Path) -> None:
        self._s3().download_file(self.bucket, self.prefix + name, str(target))

    def delete(self, name: str) -> None:
        self._s3().delete_object(Bucket=self.bucket, Key=self.prefix + name)


def destination(value: str, access: S3Access, *, create: bool = False) -> Destination:
    """The destination a setting names: a directory, `file:///…` or `s3://bucket/prefix`."""
    parts = urlsplit(value)
    if parts.scheme == "s3":
        if not parts.hostname:
            raise BackupError("backup_destination_unknown", value=value)
        if not (access.access_key_id and access.secret_access_key):
            raise BackupError("backup_s3_unset", value=value)
        return S3Destination(value, parts.netloc, parts.path, access)
    if parts.scheme == "file":
        return DirectoryDestination(value, Path(parts.path), create=create)
    if parts.scheme == "" and value.strip():
        return DirectoryDestination(value, Path(value).expanduser(), create=create)
    raise BackupError("backup_destination_unknown", value=value)
