"""The worker's clocks and Redis patience come from the settings (ZVONOK_WORKER_*)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from core.settings import Settings, SettingsError, load_settings
from workers.connection import redis_settings_of
from workers.main import worker_options


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("ZVONOK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_timeouts_sweeps_and_concurrency_follow_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZVONOK_WORKER_SWEEP_SECONDS", "2")
    monkeypatch.setenv("ZVONOK_WORKER_JOB_TIMEOUT_SECONDS", "10")
    monkeypatch.setenv("ZVONOK_WORKER_STUCK_SENDING_SECONDS", "12")
    monkeypatch.setenv("ZVONOK_WORKER_MAX_JOBS", "7")
    monkeypatch.setenv("ZVONOK_WORKER_REMINDER_SECONDS", "15")
    options = worker_options(load_settings())
    assert {f.name: f.timeout_s for f in options["functions"]} == {
        "dispatch": 10,
        "dispatch_many": 10,
        "send_due": 10,
        "start": 10,
        "deliver": 10,
        "staff_start": 10,
        "staff_send": 10,
    }
    crons = {c.name: c for c in options["cron_jobs"]}
    assert crons["cron:sweep"].second == set(range(0, 60, 2))
    # No timeout may exceed the job timeout: it sets how long arq waits before running
    # again the jobs of a killed worker.
    assert crons["cron:sweep"].timeout_s == 10
    assert crons["cron:sweep_staff"].second == set(range(0, 60, 2))
    assert crons["cron:plan_reminders"].second == {0, 15, 30, 45}
    assert crons["cron:plan_reminders"].timeout_s == 10
    # Every cron, the records' long ones too (backup, audit check, archive): their work
    # runs beside the jobs (workers/background.py), not inside a long timeout.
    assert {"cron:nightly_backup", "cron:verify_audit_chains"} <= crons.keys()
    assert max(c.timeout_s or 0 for c in options["cron_jobs"]) <= 10
    assert (options["job_timeout"], options["max_jobs"]) == (10, 7)


def test_the_defaults_suit_production() -> None:
    settings = Settings()
    assert settings.worker_sweep_seconds == 5
    assert settings.worker_stuck_sending_seconds > settings.worker_job_timeout_seconds


def test_a_delivery_is_not_resent_while_a_living_worker_may_still_send_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZVONOK_WORKER_JOB_TIMEOUT_SECONDS", "120")
    monkeypatch.setenv("ZVONOK_WORKER_STUCK_SENDING_SECONDS", "120")
    with pytest.raises(SettingsError, match="ZVONOK_WORKER_STUCK_SENDING_SECONDS"):
        load_settings()


def test_the_worker_waits_redis_out_and_the_health_check_does_not() -> None:
    settings = Settings(redis_url="redis://127.0.0.1:6390/2")
    quick = redis_settings_of(settings, wait_out_outages=False)
    assert (quick.port, quick.database, quick.retry, quick.conn_retries) == (6390, 2, None, 0)
    patient = redis_settings_of(settings)
    assert patient.retry is not None
    assert patient.retry_on_error is not None
    assert {RedisConnectionError, OSError} <= set(patient.retry_on_error)
