"""`zvonok backup --drill`, the exit codes of `zvonok backup`, the nightly job, and which
destinations' backups are stale."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import SQLModel, select
from typer.testing import CliRunner, Result

from core.backup.config import backup_config
from core.backup.drill import run_drill
from core.backup.make import make_backup
from core.cli.app import app
from core.db import Database
from core.models import StaffMessage
from core.reading.backups import stale_backups
from tests.integration.backup_helpers import (
    BUCKET,
    S3_KEYS,
    S3Server,
    config_for,
    s3,
    school_with_records,
    settings_for,
)
from workers.backup import backup_crons, check_backup_age, nightly_backup

__all__ = ["s3"]  # the fixture, for pytest


async def test_the_drill_restores_the_newest_backup_even_with_a_destination_down(
    db: Database, tmp_path: Path, s3: S3Server
) -> None:
    await school_with_records(db)
    directory = tmp_path / "nas"
    directory.mkdir()
    config = config_for(db, tmp_path / "var", [f"s3://{BUCKET}/z", str(directory)], s3)
    made = await make_backup(db, config)
    s3.stop()

    drill = await run_drill(config)

    assert drill.ok, drill.restore.mismatches
    assert (drill.name, drill.destination) == (made.name, str(directory))
    assert drill.unreachable == [f"s3://{BUCKET}/z"]
    assert drill.restore.manifest.tables["mark"].rows == 1


def _env(db: Database, tmp_path: Path, destinations: str, s3: S3Server) -> dict[str, str]:
    return {
        "ZVONOK_DATA_DIR": str(tmp_path / "var"),
        "ZVONOK_DATABASE_URL": db.url,
        "ZVONOK_BACKUP_DESTINATIONS": destinations,
        "ZVONOK_BACKUP_S3_ENDPOINT_URL": s3.url,
        "ZVONOK_BACKUP_S3_ACCESS_KEY_ID": S3_KEYS["backup_s3_access_key_id"],
        "ZVONOK_BACKUP_S3_SECRET_ACCESS_KEY": S3_KEYS["backup_s3_secret_access_key"],
    }


async def test_zvonok_backup_exits_non_zero_when_a_destination_is_down_and_says_which(
    sqlite_db: Database, tmp_path: Path, s3: S3Server
) -> None:
    await school_with_records(sqlite_db)
    (tmp_path / "nas").mkdir()
    env = _env(sqlite_db, tmp_path, f"{tmp_path / 'nas'},s3://{BUCKET}/z", s3)
    runner = CliRunner()

    def zvonok(*argv: str) -> Result:
        return runner.invoke(app, list(argv), env=env)

    # In a thread, as from a terminal: the command runs its own event loop.
    good = await asyncio.to_thread(zvonok, "backup")
    assert good.exit_code == 0, good.output
    s3.stop()
    bad = await asyncio.to_thread(zvonok, "backup")
    drill = await asyncio.to_thread(zvonok, "backup", "--drill")

    assert bad.exit_code == 1, bad.output
    # The command speaks Russian unless ZVONOK_LANGUAGE says otherwise at its start.
    assert "сохранена" in bad.output and "не удалось" in bad.output
    assert len(list((tmp_path / "nas").iterdir())) >= 1
    assert drill.exit_code == 0, drill.output
    assert "Проверено:" in " ".join(drill.output.split())


async def test_stale_backups_names_the_destinations_without_a_recent_good_copy(
    db: Database, tmp_path: Path, s3: S3Server
) -> None:
    await school_with_records(db)
    (tmp_path / "nas").mkdir()
    bucket, nas = f"s3://{BUCKET}/z", str(tmp_path / "nas")
    config = config_for(db, tmp_path / "var", [nas, bucket], s3)
    s3.stop()
    made = await make_backup(db, config)
    assert made.manifest is not None
    now = made.manifest.created

    async with db.session() as session:
        fresh = await stale_backups(session, destinations=[nas, bucket], now=now)
        later = await stale_backups(
            session, destinations=[nas, bucket], now=now + dt.timedelta(hours=27)
        )
        custom = await stale_backups(
            session,
            destinations=[nas],
            now=now + dt.timedelta(hours=3),
            max_age=dt.timedelta(hours=2),
        )

    assert [(s.destination, s.last_good_at, s.failures) for s in fresh] == [(bucket, None, 1)]
    assert fresh[0].last_error and "connect" in fresh[0].last_error.lower()
    assert [s.destination for s in later] == [nas, bucket]
    assert later[0].age is not None and later[0].age > dt.timedelta(hours=26)
    assert [s.destination for s in custom] == [nas]


async def test_the_nightly_job_backs_up_and_its_cron_fires_only_when_set(
    sqlite_db: Database, tmp_path: Path
) -> None:
    await school_with_records(sqlite_db)
    (tmp_path / "nas").mkdir()
    settings = settings_for(sqlite_db, tmp_path / "var", [str(tmp_path / "nas")])

    done = await nightly_backup({"db": sqlite_db, "settings": settings})

    assert done["ok"] and [p.name for p in (tmp_path / "nas").iterdir()] == [done["name"]]
    jobs = backup_crons(settings_for(sqlite_db, tmp_path, [], backup_time="03:15"))
    [job] = [j for j in jobs if j.name.endswith("nightly_backup")]
    assert (job.hour, job.minute, job.second, job.run_at_startup) == ({3}, {15}, 0, False)
    [check] = [j for j in jobs if j.name.endswith("check_backup_age")]
    assert (check.minute, check.second) == ({50}, 0)  # hourly
    assert backup_crons(settings_for(sqlite_db, tmp_path, [], backup_time="")) == []


@pytest.mark.parametrize("destinations", [""])
async def test_no_destination_outside_development_is_refused_clearly(
    sqlite_db: Database, tmp_path: Path, destinations: str
) -> None:
    from core.backup.config import backup_config
    from core.backup.keys import new_identity
    from core.errors import BackupError

    settings = settings_for(
        sqlite_db,
        tmp_path,
        [],
        env="production",
        secret_key="a-real-secret-of-more-than-32-characters-0123456789",
        backup_key=new_identity()[0],
    )
    with pytest.raises(BackupError) as refused:
        await make_backup(sqlite_db, backup_config(settings))
    assert "ZVONOK_BACKUP_DESTINATIONS" in refused.value.message("en")


@pytest.mark.postgres
async def test_a_pg_dump_older_than_the_server_is_refused_before_dumping(
    empty_postgres_url: str, tmp_path: Path
) -> None:
    db = Database(empty_postgres_url)
    async with db.engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    # An old client installed beside the server (a real executable on the path given).
    tools = tmp_path / "pg14"
    tools.mkdir()
    old = tools / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 14.9'\n")
    old.chmod(0o755)
    (tmp_path / "nas").mkdir()
    settings = settings_for(db, tmp_path / "var", [str(tmp_path / "nas")], backup_pg_bin_dir=tools)

    try:
        report = await make_backup(db, backup_config(settings))
    finally:
        await db.dispose()

    assert not report.ok and report.error
    # Recorded in Russian, as every run's error is (the administrator reads it).
    assert "pg_dump 14.9 не работает с PostgreSQL" in report.error
    assert "postgresql-client-" in report.error
    assert list((tmp_path / "nas").iterdir()) == []


async def test_a_worker_starting_without_a_fresh_backup_makes_one_then_alerts_only_if_it_fails(
    sqlite_db: Database, tmp_path: Path
) -> None:
    w = await school_with_records(sqlite_db)
    (tmp_path / "nas").mkdir()
    missing = tmp_path / "unmounted"  # a disk not mounted: the directory is not there
    settings = settings_for(sqlite_db, tmp_path / "var", [str(tmp_path / "nas"), str(missing)])
    ctx = {"db": sqlite_db, "settings": settings}

    # At start-up nothing is fresh: it backs up at once; the NAS gets it, the missing
    # disk stays stale and the administrators are told, once a day.
    assert await check_backup_age(ctx) == [str(missing)]
    assert len(list((tmp_path / "nas").iterdir())) == 1
    assert await check_backup_age(ctx) == [str(missing)]  # no second catch-up
    assert len(list((tmp_path / "nas").iterdir())) == 1
    async with sqlite_db.session() as session:
        alerts = (await session.exec(select(StaffMessage))).all()
    # A backup holds every school of the deployment: each school's administrator hears.
    said = {a.school_id: [x["code"] for x in a.params["alerts"]] for a in alerts}
    assert said == {w.school_id: ["backup_stale"], w.other_school_id: ["backup_stale"]}
    assert w.staff["admin"] in {a.staff_id for a in alerts}
