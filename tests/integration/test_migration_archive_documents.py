"""Migration 0012: the archive's documents (journal books, statements); up and down."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from core.migrate import (
    check_migrations_match_models,
    current_revision,
    downgrade_database,
    upgrade_database,
)
from tests.integration.migration_helpers import run_sql

BEFORE, AFTER = "0011_year_close", "0012_archive_documents"
MADE = "2026-09-01 07:00:00"
ROW = (
    "INSERT INTO archive_document (id, school_id, kind, class_id, year_id, period_id, "
    "language, filename, generated_at, generated_by, content_sha256, file_sha256, size, "
    "data, signed, chain_seq, chain_hash, keep_until) VALUES "
    "({id}, 1, '{kind}', 1, 1, NULL, 'ru', 'zhurnal-7b.pdf', '{made}', NULL, "
    "'{h}', '{h}', 3, {data}, false, 12, '{h}', '2032-05-31')"
)


async def check_round_trip(url: str, data: str) -> None:
    await upgrade_database(url, BEFORE)
    await run_sql(
        url,
        "INSERT INTO school (id, name, timezone, bells, policy, created_at) "
        f"VALUES (1, 'Школа', 'Europe/Moscow', '[]', '{{}}', '{MADE}')",
        "INSERT INTO academic_year (id, school_id, name, starts_on, ends_on) "
        "VALUES (1, 1, '2026/2027', '2026-09-01', '2027-05-31')",
        "INSERT INTO school_class (id, school_id, year_id, grade, letter) VALUES (1, 1, 1, 7, 'Б')",
    )
    await upgrade_database(url, AFTER)
    assert await current_revision(url) == AFTER
    await upgrade_database(url)  # the later revisions keep what this one made
    assert await check_migrations_match_models(url) == []
    await downgrade_database(url, AFTER)

    # A document made by the system (no staff member), for the whole year.
    await run_sql(url, ROW.format(id=1, kind="journal_book", made=MADE, h="a" * 64, data=data))
    found = await run_sql(
        url, "SELECT kind, generated_by, period_id, keep_until FROM archive_document"
    )
    assert [(k, g, p, str(u)) for k, g, p, u in found] == [
        ("journal_book", None, None, "2032-05-31")
    ]
    with pytest.raises(IntegrityError):  # only the two kinds of document
        await run_sql(url, ROW.format(id=2, kind="diary", made=MADE, h="b" * 64, data=data))

    await downgrade_database(url, BEFORE)
    assert await current_revision(url) == BEFORE
    tables = await run_sql(url, "SELECT count(*) FROM school_class")
    assert tables == [(1,)]
    with pytest.raises(Exception, match="archive_document"):
        await run_sql(url, "SELECT count(*) FROM archive_document")


async def test_archive_documents_up_and_down_on_sqlite(tmp_path: Path) -> None:
    await check_round_trip(f"sqlite:///{tmp_path / 'zvonok.db'}", "X'414243'")


@pytest.mark.postgres
async def test_archive_documents_up_and_down_on_postgres(empty_postgres_url: str) -> None:
    await check_round_trip(empty_postgres_url, "'\\x414243'::bytea")
