"""The argon2 cost of new password hashes: standard in production, light only in tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import extract_parameters

from core.security import hash_password, password_needs_rehash, use_password_cost, verify_password
from core.settings import Settings
from tests.keys import BACKUP_KEY

SECRET = "a-production-secret-that-is-long-enough-0123456789"


@pytest.fixture
def standard_cost() -> Iterator[None]:
    use_password_cost("standard")
    yield
    use_password_cost("light")  # what tests/conftest.py sets for the whole run


@pytest.mark.usefixtures("standard_cost")
def test_standard_cost_is_rfc_9106s_recommendation() -> None:
    stored = hash_password("Звонок-2026!")
    parameters = extract_parameters(stored)
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (3, 65536, 4)
    assert verify_password(stored, "Звонок-2026!")


def test_light_hashes_still_verify_and_are_rehashed_under_the_standard_cost() -> None:
    use_password_cost("light")
    light = hash_password("secret-pass")
    assert extract_parameters(light).memory_cost == 1024
    use_password_cost("standard")
    try:
        assert verify_password(light, "secret-pass")
        assert password_needs_rehash(light)
    finally:
        use_password_cost("light")


def test_production_refuses_the_light_cost() -> None:
    with pytest.raises(ValueError, match="ZVONOK_PASSWORD_HASH_COST"):
        Settings(  # type: ignore[call-arg]
            _env_file=None,
            env="production",
            secret_key=SECRET,
            backup_key=BACKUP_KEY,
            password_hash_cost="light",
        )
    production = Settings(  # type: ignore[call-arg]
        _env_file=None,
        env="production",
        secret_key=SECRET,
        backup_key=BACKUP_KEY,
        password_hash_cost="standard",
    )
    assert production.password_hash_cost == "standard"
