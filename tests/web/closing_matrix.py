"""Role-matrix actions of the year close (`/admin/closing`, `/api/v1/admin/closing`).

The administrator only; `stranger`, an administrator of another school, reads his own
school's overview and nothing of ours. Run late (`test_role_matrix.py`; before the
password change, which ends API tokens): closing the first quarter leaves the
world's lessons, all of the second, writable.
"""

from __future__ import annotations

import datetime as dt

from core.models import AcademicYear
from tests.builders import insert
from tests.web.browser import Web
from tests.web.roles import Action

ADMIN = frozenset({"admin"})
ADMINS = frozenset({"admin", "stranger"})  # the stranger: his own school's overview
Q1 = "{period:1 четверть}"


async def the_year(web: Web, who: str) -> dict[str, int]:
    return {"year": web.world.year_id}


async def last_year(web: Web, who: str) -> dict[str, int]:
    """A year of ours that is over, for each person acting to try to close."""
    [year_id] = await insert(
        web.db,
        AcademicYear(
            school_id=web.world.school_id,
            name=f"2025/2026 {who}",
            starts_on=dt.date(2025, 9, 1),
            ends_on=dt.date(2026, 5, 31),
        ),
    )
    return {"year": year_id}


CLOSING_ACTIONS: list[Action] = [
    Action("year close page", "GET", "/admin/closing", ADMINS, "GET /admin/closing"),
    Action(
        "year close confirmation",
        "GET",
        "/admin/closing/years/{year}",
        ADMIN,
        "GET /admin/closing/years/{year_id}",
        prepare=the_year,
    ),
    Action(
        "period close confirmation",
        "GET",
        "/admin/closing/years/{year}/periods/" + Q1,
        ADMIN,
        "GET /admin/closing/years/{year_id}/periods/{period_id}",
        prepare=the_year,
    ),
    Action(
        "close a year that is over",
        "POST",
        "/admin/closing/years/{year}",
        ADMIN,
        "POST /admin/closing/years/{year_id}",
        prepare=last_year,
        form={"confirm": "1"},
    ),
    Action(
        "close the first quarter",
        "POST",
        "/admin/closing/periods/" + Q1,
        ADMIN,
        "POST /admin/closing/periods/{period_id}",
        form={"confirm": "1"},
    ),
    Action(
        "api: year close overview",
        "GET",
        "/api/v1/admin/closing",
        ADMINS,
        "GET /api/v1/admin/closing",
        api=True,
    ),
    Action(
        "api: year close preview",
        "POST",
        "/api/v1/admin/closing/years/{year}",
        ADMIN,
        "POST /api/v1/admin/closing/years/{year_id}",
        api=True,
        json={},
        prepare=the_year,
    ),
    Action(
        "api: close the first quarter",
        "POST",
        "/api/v1/admin/closing/years/{year}/periods/" + Q1,
        ADMIN,
        "POST /api/v1/admin/closing/years/{year_id}/periods/{period_id}",
        api=True,
        json={"confirm": True},
        prepare=the_year,
    ),
]
