"""Role-matrix actions of the roster pages and API (webapp/pages/roster.py,
webapp/api/roster.py), run by test_role_matrix.py with everyone else's.

The roster is kept by the administrator and the secretary (seed 004 §5, core's
`roster_keeper`). `stranger` is an administrator of another school: he may upload a
file to, and read the classes of, his own school (actions that name no row of ours),
and nothing of ours. Teachers, the class teacher and the deputy director are refused.

Actions run in this order on one world, each on its own student, so none undoes what
a later one needs. Forms and JSON bodies cannot carry placeholders: 10А is class 3 on a
fresh database (the order `build_world` inserts classes; see setup_actions.py).
"""

from __future__ import annotations

import itertools

from core.services.roster_import import check_roster_import, upload_roster
from tests.builders import TODAY
from tests.web.browser import Web
from tests.web.roles import Action

KEEPERS = frozenset({"admin", "secretary"})
OWN_SCHOOL = KEEPERS | {"stranger"}  # names no row of ours
TEN_A = "3"
ON = TODAY.isoformat()
_NAMES = itertools.count(1)


def roster_csv() -> bytes:
    """A one-student file; a new name each time, so no import repeats another."""
    header = "Фамилия;Имя;Класс;Родитель 1;Родитель 1 телефон"
    n = next(_NAMES)
    return f"{header}\nМатрицын-{n};Пётр;7Б;Матрицына-{n} Анна;+7916777{n:04d}\n".encode()


async def checked_import(web: Web, who: str) -> dict[str, int]:
    """`{import}`: a checked file of our school, uploaded by our administrator."""
    admin = web.world.actor("admin")
    view = await upload_roster(
        web.uow(), actor=admin, filename="m.csv", content=roster_csv(), enrol_on=TODAY
    )
    await check_roster_import(web.uow(), actor=admin, import_id=view.id)
    return {"import": view.id}


def _upload(api: bool) -> Action:
    path = "/api/v1/roster/imports" if api else "/roster/import"
    return Action(
        f"{'api: ' if api else ''}upload a roster file",
        "POST",
        path,
        OWN_SCHOOL,
        f"POST {path}",
        api=api,
        form={"enrol_on": ON},
        files={"file": ("roster.csv", roster_csv(), "text/csv")},
    )


ROSTER_ACTIONS: list[Action] = [
    Action("roster overview", "GET", "/roster", OWN_SCHOOL, "GET /roster"),
    Action(
        "roster class",
        "GET",
        "/roster/classes/{class:7Б}",
        KEEPERS,
        "GET /roster/classes/{class_id}",
    ),
    Action(
        "enrol a student",
        "POST",
        "/roster/classes/{class:7Б}/enrol",
        KEEPERS,
        "POST /roster/classes/{class_id}/enrol",
        form={"last_name": "Новенький", "first_name": "Олег", "on": ON},
    ),
    Action(
        "roster student",
        "GET",
        "/roster/students/{student:petya}",
        KEEPERS,
        "GET /roster/students/{student_id}",
    ),
    Action(
        "transfer a student",
        "POST",
        "/roster/students/{student:vanya}/transfer",
        KEEPERS,
        "POST /roster/students/{student_id}/transfer",
        form={"class_id": TEN_A, "on": ON},
    ),
    Action(
        "a student leaves",
        "POST",
        "/roster/students/{student:lena}/leave",
        KEEPERS,
        "POST /roster/students/{student_id}/leave",
        form={"on": ON, "reason": "переезд"},
    ),
    Action("import page", "GET", "/roster/import", OWN_SCHOOL, "GET /roster/import"),
    _upload(api=False),
    Action(
        "an import",
        "GET",
        "/roster/imports/{import}",
        KEEPERS,
        "GET /roster/imports/{import_id}",
        prepare=checked_import,
    ),
    Action(
        "an import's state",
        "GET",
        "/roster/imports/{import}/state",
        KEEPERS,
        "GET /roster/imports/{import_id}/state",
        prepare=checked_import,
    ),
    Action(
        "confirm an import",
        "POST",
        "/roster/imports/{import}/confirm",
        KEEPERS,
        "POST /roster/imports/{import_id}/confirm",
        prepare=checked_import,
    ),
    Action(
        "cancel an import",
        "POST",
        "/roster/imports/{import}/cancel",
        KEEPERS,
        "POST /roster/imports/{import_id}/cancel",
        prepare=checked_import,
    ),
    # The API.
    Action(
        "api: roster classes",
        "GET",
        "/api/v1/roster/classes",
        OWN_SCHOOL,
        "GET /api/v1/roster/classes",
        api=True,
    ),
    Action(
        "api: roster class",
        "GET",
        "/api/v1/roster/classes/{class:7Б}",
        KEEPERS,
        "GET /api/v1/roster/classes/{class_id}",
        api=True,
    ),
    Action(
        "api: enrol",
        "POST",
        "/api/v1/roster/classes/{class:7Б}/students",
        KEEPERS,
        "POST /api/v1/roster/classes/{class_id}/students",
        api=True,
        json={"last_name": "Новенькая", "first_name": "Ольга", "on": ON},
    ),
    Action(
        "api: student",
        "GET",
        "/api/v1/roster/students/{student:petya}",
        KEEPERS,
        "GET /api/v1/roster/students/{student_id}",
        api=True,
    ),
    Action(
        "api: transfer",
        "POST",
        "/api/v1/roster/students/{student:masha}/transfer",
        KEEPERS,
        "POST /api/v1/roster/students/{student_id}/transfer",
        api=True,
        json={"class_id": int(TEN_A), "on": ON},
    ),
    Action(
        "api: leave",
        "POST",
        "/api/v1/roster/students/{student:dasha}/leave",
        KEEPERS,
        "POST /api/v1/roster/students/{student_id}/leave",
        api=True,
        json={"on": ON, "reason": "переезд"},
    ),
    _upload(api=True),
    Action(
        "api: an import",
        "GET",
        "/api/v1/roster/imports/{import}",
        KEEPERS,
        "GET /api/v1/roster/imports/{import_id}",
        api=True,
        prepare=checked_import,
    ),
    Action(
        "api: confirm an import",
        "POST",
        "/api/v1/roster/imports/{import}/confirm",
        KEEPERS,
        "POST /api/v1/roster/imports/{import_id}/confirm",
        api=True,
        prepare=checked_import,
    ),
    Action(
        "api: cancel an import",
        "DELETE",
        "/api/v1/roster/imports/{import}",
        KEEPERS,
        "DELETE /api/v1/roster/imports/{import_id}",
        api=True,
        prepare=checked_import,
    ),
]
