"""The routing scenario once more, with the workers on PostgreSQL (a district's setup)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.db import Database
from tests.builders import build_world
from tests.e2e.families import QUICK_POLICY, set_policy
from tests.e2e.scenarios import marks_reach_the_right_families
from tests.e2e.system import run_system

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
async def test_a_mark_reaches_each_family_on_its_channels_on_postgresql(
    db: Database, redis_url: str, tmp_path: Path
) -> None:
    w = await build_world(db)
    await set_policy(db, w.school_id, **QUICK_POLICY)
    async with run_system(db, redis_url, tmp_path / "system", workers=1) as system:
        await marks_reach_the_right_families(system, w)
