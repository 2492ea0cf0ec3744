"""/metrics: the web app's Prometheus metrics, read as Prometheus reads them, and the
token that keeps them to the operator's scraper when one is set."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.db import Database
from tests.web.browser import Web
from tests.web.conftest import settings, sites

TOKEN = "scraper-token-of-the-tests"


def sample(text: str, name: str, **labels: str) -> float | None:
    """One sample's value in the exposition text (None: absent)."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return float(found.value)
    return None


async def test_a_failed_sign_in_is_counted_and_nothing_names_a_person(web: Web) -> None:
    scraper = web.browser()
    before = sample((await scraper.get("/metrics")).text, "zvonok_failed_logins_total")
    assert before is not None  # the counter is there before anything happened

    browser = web.browser()
    await browser.get("/login")
    refused = await browser.submit("/login", {"login": "math@1", "password": "wrong-one!"})
    assert refused.status_code == 403 and "Неверный логин или пароль" in refused.text

    scraped = await scraper.get("/metrics")
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    assert sample(scraped.text, "zvonok_failed_logins_total") == before + 1
    # The families of the workers are there too (a process exposes every metric).
    assert "zvonok_deliveries_total" in scraped.text
    assert "math@1" not in scraped.text and "wrong-one!" not in scraped.text


@pytest.fixture
async def guarded(sqlite_db: Database) -> AsyncIterator[Web]:
    async for site in sites(sqlite_db, settings(metrics_token=TOKEN)):
        yield site


async def test_with_a_token_set_only_its_bearer_reads_the_metrics(guarded: Web) -> None:
    scraper = guarded.browser()
    assert (await scraper.get("/metrics")).status_code == 401
    wrong = await scraper.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    right = await scraper.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 200
    assert sample(right.text, "zvonok_failed_logins_total") is not None


async def test_the_orchestrator_s_probes_answer(web: Web) -> None:
    probe = web.browser()
    live = await probe.get("/livez")
    assert live.status_code == 200 and live.json() == {"status": "ok", "process": "web"}
    ready = await probe.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "process": "web", "database": "ok"}
