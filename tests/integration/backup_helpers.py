"""What the backup tests share: a school with records worth keeping, a real S3-protocol
server (moto's server mode on 127.0.0.1), and the settings that point backups at them."""

from __future__ import annotations

import contextlib
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from core.backup.config import BackupConfig, backup_config
from core.db import Database
from core.reports.statement_exports import export_statement
from core.services.marks import post_mark
from core.settings import Settings
from core.uow import UnitOfWork
from tests.builders import World, build_world

BUCKET = "school-backups"
S3_KEYS = {"backup_s3_access_key_id": "zvonok-test", "backup_s3_secret_access_key": "not-secret"}


@dataclass
class S3Server:
    server: ThreadedMotoServer
    url: str

    def stop(self) -> None:
        self.server.stop()

    def objects(self) -> list[str]:
        client = boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=S3_KEYS["backup_s3_access_key_id"],
            aws_secret_access_key=S3_KEYS["backup_s3_secret_access_key"],
        )
        listed = client.list_objects_v2(Bucket=BUCKET)
        return sorted(item["Key"] for item in listed.get("Contents", []))


@pytest.fixture
def s3() -> Iterator[S3Server]:
    """A real S3-protocol server with an empty bucket, stopped afterwards."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    found = S3Server(server, f"http://{host}:{port}")
    # moto keeps its buckets in the process, whichever server serves them: start empty.
    urllib.request.urlopen(urllib.request.Request(f"{found.url}/moto-api/reset", method="POST"))
    client = boto3.client(
        "s3",
        endpoint_url=found.url,
        region_name="us-east-1",
        aws_access_key_id="zvonok-test",
        aws_secret_access_key="not-secret",
    )
    client.create_bucket(Bucket=BUCKET)
    yield found
    with contextlib.suppress(Exception):
        server.stop()


def settings_for(db: Database, data_dir: Path, destinations: list[str], **values: Any) -> Settings:
    """Settings as an IT person would write them, for this database."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        database_url=db.url,
        backup_destinations=destinations,
        **values,
    )


def config_for(
    db: Database, data_dir: Path, destinations: list[str], s3: S3Server | None = None
) -> BackupConfig:
    extra: dict[str, Any] = dict(S3_KEYS)
    if s3 is not None:
        extra["backup_s3_endpoint_url"] = s3.url
    return backup_config(settings_for(db, data_dir, destinations, **extra))


async def school_with_records(db: Database) -> World:
    """The builders' school with a mark (an audit entry in the chain) and an archived
    summary statement (a document the backup exports as a file)."""
    world = await build_world(db)
    await post_mark(
        UnitOfWork(db),
        actor=world.actor("math"),
        lesson_id=world.lessons["math7"],
        student_id=world.students["petya"],
        value=5,
        work_type="test",
    )
    await export_statement(
        UnitOfWork(db), actor=world.actor("deputy"), class_id=world.classes["7Б"], fmt="xlsx"
    )
    return world
