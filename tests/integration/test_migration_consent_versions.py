"""Migration 0014: versioned consent texts and decisions on record; up and down."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.consent_texts import default_consent_text, text_sha256
from core.migrate import current_revision, downgrade_database, upgrade_database
from tests.integration.migration_helpers import run_sql

BEFORE, AFTER = "0016_breach_voids", "0014_consent_versions"
MADE = "2026-09-01 07:00:00"
GIVEN = "2026-09-02 08:00:00"
WITHDRAWN = "2026-10-01 09:00:00"


async def check_round_trip(url: str) -> None:
    await upgrade_database(url, BEFORE)
    await run_sql(
        url,
        "INSERT INTO school (id, name, timezone, bells, policy, created_at) "
        f"VALUES (1, 'Школа №5', 'Europe/Moscow', '[]', '{{}}', '{MADE}')",
        "INSERT INTO guardian (id, school_id, last_name, first_name, middle_name, language, "
        "wants_paper_summary, created_at, consent_given_at, consent_withdrawn_at, "
        "consent_source) VALUES "
        f"(1, 1, 'Соколова', 'Анна', '', 'uz', false, '{MADE}', '{GIVEN}', NULL, 'telegram'), "
        f"(2, 1, 'Новиков', 'Олег', '', 'ru', false, '{MADE}', '{GIVEN}', '{WITHDRAWN}', "
        "'paper'), "
        f"(3, 1, 'Ким', 'Зоя', '', 'ru', false, '{MADE}', NULL, NULL, NULL)",
    )
    await upgrade_database(url, AFTER)
    assert await current_revision(url) == AFTER

    [(text_id, version, reconsent, by)] = await run_sql(
        url, "SELECT id, version, requires_reconsent, published_by FROM consent_text"
    )
    assert (version, bool(reconsent), by) == (1, False, None)
    records = await run_sql(
        url,
        "SELECT guardian_id, text_id, version, decision, channel, language, text_sha256 "
        "FROM consent_record ORDER BY guardian_id, id",
    )
    uzbek = text_sha256(default_consent_text("uz", "Школа №5"))
    russian = text_sha256(default_consent_text("ru", "Школа №5"))
    assert records == [
        (1, text_id, 1, "given", "telegram", "uz", uzbek),
        (2, text_id, 1, "given", "paper", "ru", russian),
        (2, text_id, 1, "withdrawn", "paper", "ru", russian),
    ]
    assert uzbek != russian

    await downgrade_database(url, BEFORE)
    assert await current_revision(url) == BEFORE
    tables = await run_sql(url, "SELECT count(*) FROM guardian WHERE consent_given_at IS NOT NULL")
    assert tables == [(2,)]


async def test_consent_versions_up_and_down_on_sqlite(tmp_path: Path) -> None:
    await check_round_trip(f"sqlite:///{tmp_path / 'zvonok.db'}")


@pytest.mark.postgres
async def test_consent_versions_up_and_down_on_postgres(empty_postgres_url: str) -> None:
    await check_round_trip(empty_postgres_url)
