"""The role matrix of the journal grid, the lesson page and their API (tests/web/roles.py).

Who reads a page's journal: its teacher (`math`), the class teacher (`russian`, of
7Б), the deputy director and the administrator. Who writes it: its teacher only (and
a named substitute, for the lesson they give). The substitute teacher of the
builders' school teaches nothing, the secretary keeps the roster: both are refused.

Forms and JSON bodies cannot name builders' keys, so they carry the ids a fresh
world has (`BUILDERS_IDS`); `known_ids` checks them before each action.
"""

from __future__ import annotations

import datetime as dt

from core.models import Lesson, utcnow
from core.services.homework import set_homework
from core.services.lessons import assign_substitute
from core.services.marks import post_mark
from tests.builders import insert
from tests.web.browser import Web
from tests.web.roles import EVERYONE, Action

READERS = frozenset({"math", "russian", "deputy", "admin"})
TEACHER = frozenset({"math"})
NAMERS = frozenset({"deputy", "admin"})  # who names substitutes

# The ids of a fresh builders' world (every test's database starts empty).
BUILDERS_IDS = {"petya": 1, "math7": 1, "Математика": 1, "2 четверть": 2}
PETYA, MATH7, MATHS, QUARTER = (str(v) for v in BUILDERS_IDS.values())


async def known_ids(web: Web, who: str) -> dict[str, int]:
    w = web.world
    found = {
        "petya": w.students["petya"],
        "math7": w.lessons["math7"],
        "Математика": w.subjects["Математика"],
        "2 четверть": w.periods["2 четверть"],
    }
    assert found == BUILDERS_IDS, f"tests.builders' ids changed: {found}"
    return {}


async def math_homework(web: Web, who: str) -> dict[str, int]:
    await known_ids(web, who)
    made = await set_homework(
        web.uow(), actor=web.world.actor("math"), lesson_id=web.world.lessons["math7"], text="№ 1"
    )
    return {"homework": made.id or 0}


async def math_mark(web: Web, who: str) -> dict[str, int]:
    w = web.world
    made = await post_mark(
        web.uow(),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        student_id=w.students["petya"],
        value=4,
    )
    return {"mark": made.id or 0}


async def substituted_lesson(web: Web, who: str) -> dict[str, int]:
    """Math in 7Б on Tuesday, given by the substitute teacher."""
    w = web.world
    lesson = Lesson(
        school_id=w.school_id,
        class_id=w.classes["7Б"],
        subject_id=w.subjects["Математика"],
        teacher_id=w.staff["math"],
        date=dt.date(2026, 11, 24),
        slot=3,
        created_at=utcnow(),
    )
    (lesson_id,) = await insert(web.db, lesson)
    await assign_substitute(
        web.uow(), actor=w.actor("deputy"), lesson_id=lesson_id, substitute_id=w.staff["substitute"]
    )
    return {"lesson": lesson_id}


GRID = "class={class:7Б}&subject={subject:Математика}"
CELL = {"lesson_id": int(MATH7), "student_id": int(PETYA), "text": "5"}

JOURNAL_ACTIONS: list[Action] = [
    Action("journal pages", "GET", "/journal", EVERYONE, "GET /journal"),
    Action("math grid of 7Б", "GET", f"/journal?{GRID}", READERS, "GET /journal"),
    Action(
        "math lesson page", "GET", "/lessons/{lesson:math7}", READERS, "GET /lessons/{lesson_id}"
    ),
    Action(
        "lesson topic",
        "POST",
        "/lessons/{lesson:math7}/topic",
        TEACHER,
        "POST /lessons/{lesson_id}/topic",
        form={"topic": "Дроби", "work_type": "oral"},
    ),
    Action(
        "topic of a substituted lesson",
        "POST",
        "/lessons/{lesson}/topic",
        frozenset({"math", "substitute"}),
        "POST /lessons/{lesson_id}/topic",
        form={"topic": "Дроби"},
        prepare=substituted_lesson,
    ),
    Action(
        "lesson homework",
        "POST",
        "/lessons/{lesson:math7}/homework",
        TEACHER,
        "POST /lessons/{lesson_id}/homework",
        form={"text": "№ 5"},
    ),
    Action(
        "delete homework",
        "POST",
        "/lessons/{lesson:math7}/homework/{homework}/delete",
        TEACHER,
        "POST /lessons/{lesson_id}/homework/{homework_id}/delete",
        prepare=math_homework,
    ),
    Action(
        "lesson remark",
        "POST",
        "/lessons/{lesson:math7}/remarks",
        TEACHER,
        "POST /lessons/{lesson_id}/remarks",
        form={"student": PETYA, "kind": "praise", "text": "Молодец", "send": "true"},
        prepare=known_ids,
    ),
    Action(
        "withdraw a substitution",
        "POST",
        "/lessons/{lesson:math7}/substitute",
        NAMERS,
        "POST /lessons/{lesson_id}/substitute",
        form={"substitute": ""},
    ),
    Action(
        "api: journal pages",
        "GET",
        "/api/v1/journal/pages",
        EVERYONE,
        "GET /api/v1/journal/pages",
        api=True,
    ),
    Action(
        "api: math grid of 7Б",
        "GET",
        "/api/v1/journal?class_id={class:7Б}&subject_id={subject:Математика}",
        READERS,
        "GET /api/v1/journal",
        api=True,
    ),
    Action(
        "api: save a cell",
        "PUT",
        "/api/v1/journal/cells",
        TEACHER,
        "PUT /api/v1/journal/cells",
        api=True,
        json=CELL,
        prepare=known_ids,
    ),
    Action(
        "api: period mark",
        "PUT",
        "/api/v1/journal/period-marks",
        TEACHER,
        "PUT /api/v1/journal/period-marks",
        api=True,
        json={
            "period_id": int(QUARTER),
            "student_id": int(PETYA),
            "subject_id": int(MATHS),
            "value": "5",
        },
        prepare=known_ids,
    ),
    Action(
        "api: lesson",
        "GET",
        "/api/v1/lessons/{lesson:math7}",
        READERS,
        "GET /api/v1/lessons/{lesson_id}",
        api=True,
    ),
    Action(
        "api: lesson topic",
        "PUT",
        "/api/v1/lessons/{lesson:math7}/topic",
        TEACHER,
        "PUT /api/v1/lessons/{lesson_id}/topic",
        api=True,
        json={"topic": "Дроби"},
    ),
    Action(
        "api: lesson work type",
        "PUT",
        "/api/v1/lessons/{lesson:math7}/work-type",
        TEACHER,
        "PUT /api/v1/lessons/{lesson_id}/work-type",
        api=True,
        json={"work_type": "test"},
    ),
    Action(
        "api: withdraw a substitution",
        "PUT",
        "/api/v1/lessons/{lesson:math7}/substitute",
        NAMERS,
        "PUT /api/v1/lessons/{lesson_id}/substitute",
        api=True,
        json={"substitute_id": None},
    ),
    Action(
        "api: homework",
        "POST",
        "/api/v1/lessons/{lesson:math7}/homework",
        TEACHER,
        "POST /api/v1/lessons/{lesson_id}/homework",
        api=True,
        json={"text": "№ 7"},
    ),
    Action(
        "api: delete homework",
        "DELETE",
        "/api/v1/lessons/{lesson:math7}/homework/{homework}",
        TEACHER,
        "DELETE /api/v1/lessons/{lesson_id}/homework/{homework_id}",
        api=True,
        prepare=math_homework,
    ),
    Action(
        "api: remark",
        "POST",
        "/api/v1/lessons/{lesson:math7}/remarks",
        TEACHER,
        "POST /api/v1/lessons/{lesson_id}/remarks",
        api=True,
        json={"student_id": int(PETYA), "kind": "remark", "text": "Опоздал"},
        prepare=known_ids,
    ),
    Action(
        "api: post a mark",
        "POST",
        "/api/v1/lessons/{lesson:math7}/marks",
        TEACHER,
        "POST /api/v1/lessons/{lesson_id}/marks",
        api=True,
        json={"student_id": int(PETYA), "value": 5},
        prepare=known_ids,
    ),
    Action(
        "api: correct a mark",
        "PATCH",
        "/api/v1/marks/{mark}",
        TEACHER,
        "PATCH /api/v1/marks/{mark_id}",
        api=True,
        json={"value": 5},
        prepare=math_mark,
    ),
    Action(
        "api: withdraw a mark",
        "DELETE",
        "/api/v1/marks/{mark}",
        TEACHER,
        "DELETE /api/v1/marks/{mark_id}",
        api=True,
        prepare=math_mark,
    ),
    Action(
        "api: attendance",
        "PUT",
        "/api/v1/lessons/{lesson:math7}/attendance/{student:petya}",
        TEACHER,
        "PUT /api/v1/lessons/{lesson_id}/attendance/{student_id}",
        api=True,
        json={"status": "н"},
    ),
    Action(
        "api: roll call",
        "POST",
        "/api/v1/lessons/{lesson:math7}/roll-call",
        TEACHER,
        "POST /api/v1/lessons/{lesson_id}/roll-call",
        api=True,
    ),
]
