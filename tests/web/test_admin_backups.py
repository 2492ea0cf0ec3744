"""The administrator's backups page: each destination's last good backup, its age and
size, the failures since; nobody but the administrator opens it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from core.db import Database
from core.models import BackupRun
from tests.builders import NOW, build_world, insert
from tests.web.browser import Clock, Web
from tests.web.conftest import settings
from tests.web.pages import row_with, text_of
from webapp.app import create_app

DISK, BUCKET = "/mnt/backup", "s3://school-backups/zvonok"
NAME = "zvonok-20261122T023000Z.tar.gz.age"


def _run(hours_ago: float, destination: str, ok: bool, error: str | None = None) -> BackupRun:
    at = NOW - dt.timedelta(hours=hours_ago)
    return BackupRun(
        started_at=at - dt.timedelta(minutes=1),
        finished_at=at,
        destination=destination,
        name=NAME,
        size=5 * 1024 * 1024 if ok else None,
        sha256="ab" * 32 if ok else None,
        ok=ok,
        error=error,
    )


@pytest.fixture
async def site(sqlite_db: Database) -> AsyncIterator[Web]:
    world = await build_world(sqlite_db)
    clock = Clock(NOW)
    config = settings(
        backup_destinations=[DISK, BUCKET],
        backup_s3_access_key_id="key",
        backup_s3_secret_access_key="secret",
    )
    app = create_app(settings=config, database=sqlite_db, clock=clock)
    web = Web(db=sqlite_db, world=world, clock=clock, app=app)
    yield web
    for client in web.browsers:
        await client.aclose()


async def test_the_administrator_sees_each_destinations_age_size_and_failures(site: Web) -> None:
    await insert(
        site.db,
        _run(29, DISK, True),
        _run(5, DISK, True),
        _run(30, BUCKET, True),
        _run(5, BUCKET, False, "EndpointConnectionError: Could not connect"),
    )
    browser = await site.signed_in("admin")
    page = await browser.get("/admin/backups")

    assert page.status_code == 200
    disk = row_with(page.text, DISK)
    assert "5 часов" in disk[2] and "5 МБ" in disk[3] and disk[4] == "0"
    bucket = row_with(page.text, BUCKET)
    assert "30 часов" in bucket[2] and "слишком давно" in bucket[2]
    assert bucket[4].startswith("1") and "Could not connect" in bucket[4]
    assert 'class="stale"' in page.text and page.text.count('class="stale"') == 1
    # The tab is there among the set-up pages.
    assert 'href="/admin/backups" aria-current="page"' in page.text


async def test_a_destination_without_any_good_backup_says_so(site: Web) -> None:
    await insert(site.db, _run(1, DISK, False, "FileNotFoundError: /mnt/backup"))
    page = await (await site.signed_in("admin")).get("/admin/backups")
    assert "нет ни одной удачной копии" in text_of(" ".join(row_with(page.text, DISK)))
    assert "нет ни одной удачной копии" in text_of(" ".join(row_with(page.text, BUCKET)))


@pytest.mark.parametrize("who", ["secretary", "deputy", "math"])
async def test_nobody_but_the_administrator_opens_the_backups(site: Web, who: str) -> None:
    browser = await site.signed_in(who)
    assert (await browser.get("/admin/backups")).status_code == 403
    if who == "secretary":
        school = await browser.get("/admin/school")
        assert "/admin/backups" not in school.text
