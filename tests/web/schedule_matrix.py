"""The role matrix of the test schedule's pages and API (tests/web/roles.py).

Who plans and cancels a 7Б math test: its teacher (`math`) only. Who reads 7Б's
schedule: its class teacher (`russian`), its teachers, the deputy director and the
administrator. `/tests` itself is every staff member's (empty for one who teaches
nothing); the journal matched against the schedule is for teachers (their own) and
the administration, not the secretary.

Forms and JSON bodies cannot name builders' keys, so they carry the ids a fresh world
has; `known_ids` checks them before each action.
"""

from __future__ import annotations

import datetime as dt

from core.services.test_schedule import schedule_test
from tests.web.browser import Web
from tests.web.journal_matrix import READERS, TEACHER
from tests.web.roles import EVERYONE, Action

SEVEN_B, MATHS = 2, 1  # 7Б and Математика in a fresh builders' world
PLAN = {"class_id": SEVEN_B, "subject_id": MATHS, "date": "2026-12-01"}


async def known_ids(web: Web, who: str) -> dict[str, int]:
    found = (web.world.classes["7Б"], web.world.subjects["Математика"])
    assert found == (SEVEN_B, MATHS), f"tests.builders' ids changed: {found}"
    return {}


async def math_test(web: Web, who: str) -> dict[str, int]:
    """A 7Б math test on Wednesday 02.12, planned by its teacher."""
    w = web.world
    planned = await schedule_test(
        web.uow(),
        actor=w.actor("math"),
        class_id=w.classes["7Б"],
        subject_id=w.subjects["Математика"],
        on=dt.date(2026, 12, 2),
    )
    return {"test": planned.test.id or 0}


SCHEDULE_ACTIONS: list[Action] = [
    Action("test schedule", "GET", "/tests", EVERYONE, "GET /tests"),
    Action(
        "plan a test",
        "POST",
        "/tests",
        TEACHER,
        "POST /tests",
        form={"page": f"{SEVEN_B}:{MATHS}", "date": "2026-12-01"},
        prepare=known_ids,
    ),
    Action(
        "cancel a test",
        "POST",
        "/tests/{test}/cancel",
        TEACHER,
        "POST /tests/{test_id}/cancel",
        prepare=math_test,
    ),
    Action(
        "class test schedule",
        "GET",
        "/tests/classes/{class:7Б}",
        READERS,
        "GET /tests/classes/{class_id}",
    ),
    Action("api: my tests", "GET", "/api/v1/tests", EVERYONE, "GET /api/v1/tests", api=True),
    Action(
        "api: plan a test",
        "POST",
        "/api/v1/tests",
        TEACHER,
        "POST /api/v1/tests",
        api=True,
        json=PLAN,
        prepare=known_ids,
    ),
    Action(
        "api: cancel a test",
        "DELETE",
        "/api/v1/tests/{test}",
        TEACHER,
        "DELETE /api/v1/tests/{test_id}",
        api=True,
        prepare=math_test,
    ),
    Action(
        "api: class test schedule",
        "GET",
        "/api/v1/classes/{class:7Б}/tests",
        READERS,
        "GET /api/v1/classes/{class_id}/tests",
        api=True,
    ),
    Action(
        "api: tests off schedule",
        "GET",
        "/api/v1/tests/off-schedule?first=2026-11-16&last=2026-11-23",
        EVERYONE - {"secretary"},
        "GET /api/v1/tests/off-schedule",
        api=True,
    ),
]
