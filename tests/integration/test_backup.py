"""`zvonok backup` and `zvonok restore` on real databases, a real directory and a real
S3-protocol server: both copies made, one destination down and the other still served,
restored into an empty database and proved identical, a changed byte refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlmodel import col, select

from core.backup.bundle import content_root, unpack
from core.backup.drill import scratch_database
from core.backup.keys import new_identity
from core.backup.make import make_backup
from core.backup.restore import fetch_backup, restore_file
from core.backup.snapshot import read_sqlite_file
from core.db import Database
from core.errors import BackupError
from core.models import BackupRun, StatementExport
from tests.integration.backup_helpers import (
    BUCKET,
    S3Server,
    config_for,
    s3,
    school_with_records,
)
from tests.integration.migration_helpers import run_sql

__all__ = ["s3"]  # the fixture, for pytest


async def _source_sums(db: Database) -> dict[str, tuple[int, str]]:
    from core.backup.contents import table_sums

    async with db.engine.connect() as connection, connection.begin():
        return {n: (s.rows, s.checksum) for n, s in (await table_sums(connection)).items()}


async def _backup_and_restore(db: Database, tmp_path: Path, s3: S3Server, into: str) -> None:
    await school_with_records(db)
    directory = tmp_path / "usb-disk"
    directory.mkdir()
    config = config_for(db, tmp_path / "var", [str(directory), f"s3://{BUCKET}/zvonok"], s3)
    before = await _source_sums(db)

    report = await make_backup(db, config)

    assert report.ok, report.copies
    assert [c.ok for c in report.copies] == [True, True]
    assert [p.name for p in directory.iterdir()] == [report.name]
    assert s3.objects() == [f"zvonok/{report.name}"]
    manifest = report.manifest
    assert manifest is not None
    assert manifest.tables["mark"].rows == 1 and manifest.tables["statement_export"].rows == 1
    assert {n: (s.rows, s.checksum) for n, s in manifest.tables.items()} == before
    assert [h.seq for h in manifest.audit_heads if h.seq] != []

    # Restored from the bucket's copy (the directory's is not even looked at).
    fetched = await fetch_backup(report.name, [config.destinations[1]], tmp_path)
    restored = await restore_file(fetched, into=into, identity=config.identity)

    assert restored.ok, restored.mismatches
    target = Database(into)
    try:
        assert await _source_sums(target) == before
    finally:
        await target.dispose()


async def test_backup_to_a_directory_and_s3_restores_identical(
    db: Database, tmp_path: Path, s3: S3Server
) -> None:
    # An empty database beside the school's: a SQLite file, or a new PostgreSQL database.
    async with scratch_database(db.url, tmp_path) as into:
        await _backup_and_restore(db, tmp_path, s3, into)


async def test_one_destination_down_the_other_keeps_its_copy_and_the_failure_is_recorded(
    sqlite_db: Database, tmp_path: Path, s3: S3Server
) -> None:
    await school_with_records(sqlite_db)
    directory = tmp_path / "nas"
    directory.mkdir()
    bucket = f"s3://{BUCKET}/zvonok"
    config = config_for(sqlite_db, tmp_path / "var", [bucket, str(directory)], s3)
    s3.stop()

    report = await make_backup(sqlite_db, config)

    assert not report.ok
    down, good = report.copies
    assert (down.destination, down.ok) == (bucket, False)
    assert down.error and "connect" in down.error.lower()
    assert (good.destination, good.ok) == (str(directory), True)
    assert (directory / report.name).stat().st_size == report.size
    async with sqlite_db.session() as session:
        runs = (await session.exec(select(BackupRun).order_by(col(BackupRun.id)))).all()
    assert [(r.destination, r.ok, r.name) for r in runs] == [
        (bucket, False, report.name),
        (str(directory), True, report.name),
    ]
    assert runs[0].error and runs[0].sha256 is None
    assert runs[1].sha256 == report.sha256 and runs[1].error is None


async def test_the_documents_are_files_in_the_backup_readable_without_a_database(
    sqlite_db: Database, tmp_path: Path
) -> None:
    await school_with_records(sqlite_db)
    config = config_for(sqlite_db, tmp_path / "var", [str(tmp_path)])
    report = await make_backup(sqlite_db, config)
    opened = tmp_path / "opened"
    opened.mkdir()

    manifest = unpack(tmp_path / report.name, opened, config.identity)

    async with sqlite_db.session() as session:
        export = (await session.exec(select(StatementExport))).one()
    [document] = manifest.documents
    path = content_root(opened) / document.part
    assert path.name.endswith(".xlsx") and path.read_bytes() == export.data
    assert document.sha256 == export.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    # The database inside is a plain SQLite file with the same rows.
    found = await read_sqlite_file(content_root(opened) / manifest.database_part, None)
    assert found.tables == manifest.tables


async def test_a_changed_byte_or_another_key_is_refused_and_nothing_is_restored(
    sqlite_db: Database, tmp_path: Path
) -> None:
    await school_with_records(sqlite_db)
    config = config_for(sqlite_db, tmp_path / "var", [str(tmp_path / "copies")])
    (tmp_path / "copies").mkdir()
    report = await make_backup(sqlite_db, config)
    original = tmp_path / "copies" / report.name
    tampered = tmp_path / "tampered.tar.gz.age"
    data = bytearray(original.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    target = tmp_path / "restored.db"

    with pytest.raises(BackupError) as refused:
        await restore_file(tampered, into=f"sqlite:///{target}", identity=config.identity)
    assert refused.value.code == "backup_unreadable"
    assert "tampered.tar.gz.age" in refused.value.message("en")
    with pytest.raises(BackupError) as wrong_key:
        await restore_file(original, into=f"sqlite:///{target}", identity=new_identity()[0])
    assert wrong_key.value.code == "backup_unreadable"
    assert not target.exists()


async def test_a_restore_into_a_database_that_has_tables_is_refused(
    sqlite_db: Database, tmp_path: Path
) -> None:
    await school_with_records(sqlite_db)
    config = config_for(sqlite_db, tmp_path / "var", [str(tmp_path / "copies")])
    (tmp_path / "copies").mkdir()
    report = await make_backup(sqlite_db, config)
    before = await _source_sums(sqlite_db)

    with pytest.raises(BackupError) as refused:
        await restore_file(
            tmp_path / "copies" / report.name, into=sqlite_db.url, identity=config.identity
        )

    assert refused.value.code == "restore_target_not_empty"
    assert "not empty" in refused.value.message("en")
    assert await _source_sums(sqlite_db) == before


async def test_a_history_edited_before_the_backup_restores_but_is_not_called_verified(
    sqlite_db: Database, tmp_path: Path
) -> None:
    await school_with_records(sqlite_db)
    # Someone with the database's password rewrote an entry's reason with plain SQL.
    await run_sql(sqlite_db.url, "UPDATE audit_entry SET reason = 'исправлено' WHERE seq = 1")
    (tmp_path / "copies").mkdir()
    config = config_for(sqlite_db, tmp_path / "var", [str(tmp_path / "copies")])
    report = await make_backup(sqlite_db, config)

    restored = await restore_file(
        tmp_path / "copies" / report.name,
        into=f"sqlite:///{tmp_path / 'restored.db'}",
        identity=config.identity,
    )

    # The rows are the backup's, byte for byte; the chain they hold does not verify.
    assert [(m.kind, m.found) for m in restored.mismatches] == [("audit_chain", "changed #1")]
    assert not restored.ok
