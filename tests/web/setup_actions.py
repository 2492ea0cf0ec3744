"""Role-matrix actions of the summary statement and the set-up pages and API.

Run by test_role_matrix.py with everyone else's (`ALL_ACTIONS`). Who may: the
statement is read and exported by the class teacher of 7Б (`russian`), the deputy
director and the administrator; the set-up is read by the administrator and the
secretary and changed by the administrator; a breach lock also by the deputy
director (core's `report_breach`); the entries a breach voided are listed and restored
by the administrator only. `stranger` is an administrator of another
school: he may read and change his own school's set-up (so actions that name no row
of ours are allowed to him) and nothing of ours.

Forms and JSON bodies cannot carry placeholders, so they name the builders' rows by
their ids, which are fixed by the order `build_world` inserts them on a fresh
database (`test_admin_api.py::test_builders_ids_are_what_the_matrix_names` checks).
Actions run in this order on one world: each leaves what the later ones need.
"""

from __future__ import annotations

import datetime as dt

from core.models import BreachVoid, Mark
from core.reports.statement_exports import export_statement
from core.services.school_calendar import add_holiday, add_period
from core.services.school_structure import add_assignment, add_timetable_entry
from tests.builders import BELLS
from tests.web.browser import PASSWORD, Web
from tests.web.roles import EVERYONE, Action

# The builders' ids (see the module's docstring).
IDS = {
    "subject": {"Математика": 1, "Русский язык": 2, "Английский язык": 3, "Робототехника": 4},
    "staff": {"math": 1, "russian": 2, "english": 3, "robotics": 4, "substitute": 5},
    "class": {"1А": 1, "7Б": 2, "10А": 3},
}
SUBJECT, STAFF, CLASS = IDS["subject"], IDS["staff"], IDS["class"]

READERS = frozenset({"russian", "deputy", "admin"})  # of 7Б's statement
SETUP_READERS = frozenset({"admin", "secretary", "stranger"})
OWN_SCHOOL = frozenset({"admin", "stranger"})  # a change that names no row of ours
ADMIN = frozenset({"admin"})
BREACH = frozenset({"admin", "deputy"})


async def the_year(web: Web, who: str) -> dict[str, int]:
    return {"year": web.world.year_id}


def _admin(web: Web):  # type: ignore[no-untyped-def]
    return web.world.actor("admin")


def period_to_delete(name: str, kind: str, first: dt.date, last: dt.date):  # type: ignore[no-untyped-def]
    async def prepare(web: Web, who: str) -> dict[str, int]:
        period = await add_period(
            web.uow(),
            actor=_admin(web),
            year_id=web.world.year_id,
            name=name,
            kind=kind,
            starts_on=first,
            ends_on=last,
        )
        return {"period": period.id or 0}

    return prepare


def holiday_to_delete(name: str, day: dt.date):  # type: ignore[no-untyped-def]
    async def prepare(web: Web, who: str) -> dict[str, int]:
        holiday = await add_holiday(
            web.uow(),
            actor=_admin(web),
            year_id=web.world.year_id,
            name=name,
            starts_on=day,
            ends_on=day,
        )
        return {"holiday": holiday.id or 0}

    return prepare


def assignment_to_delete(klass: str, subject: str):  # type: ignore[no-untyped-def]
    async def prepare(web: Web, who: str) -> dict[str, int]:
        w = web.world
        row = await add_assignment(
            web.uow(),
            actor=_admin(web),
            teacher_id=w.staff["robotics"],
            class_id=w.classes[klass],
            subject_id=w.subjects[subject],
        )
        return {"assignment": row.id or 0}

    return prepare


def entry_to_delete(klass: str, weekday: int, slot: int):  # type: ignore[no-untyped-def]
    async def prepare(web: Web, who: str) -> dict[str, int]:
        w = web.world
        entry = await add_timetable_entry(
            web.uow(),
            actor=_admin(web),
            class_id=w.classes[klass],
            subject_id=w.subjects["Математика"],
            teacher_id=w.staff["math"],
            weekday=weekday,
            slot=slot,
        )
        return {"entry": entry.id or 0}

    return prepare


async def an_export(web: Web, who: str) -> dict[str, int]:
    made = await export_statement(
        web.uow(), actor=web.world.actor("deputy"), class_id=web.world.classes["7Б"], fmt="xlsx"
    )
    return {"export": made.info.export_id}


async def a_voided_mark(web: Web, who: str) -> dict[str, int]:
    """A mark of the substitute teacher's that a breach voided: the next `breach_void`
    row (1 for the page's restore, 2 for the API's: a fresh world per person)."""
    w, now = web.world, web.clock.now
    async with web.db.session() as session:
        mark = Mark(
            school_id=w.school_id,
            lesson_id=w.lessons["math7"],
            student_id=w.students["vanya"],
            value=5,
            work_type="oral",
            created_at=now,
            created_by=w.staff["substitute"],
            deleted_at=now,
            deleted_by=w.staff["admin"],
        )
        session.add(mark)
        await session.flush()
        void = BreachVoid(
            school_id=w.school_id,
            staff_id=w.staff["substitute"],
            entity="mark",
            entity_id=mark.id or 0,
            voided_at=now,
            voided_by=w.staff["admin"],
        )
        session.add(void)
        await session.commit()
        return {"void": void.id or 0}


def _end(start: str) -> str:
    """A 45-minute lesson's end."""
    at = dt.datetime.strptime(start, "%H:%M") + dt.timedelta(minutes=45)
    return f"{at:%H:%M}"


# The builders' bells, each given its end: the schedule stays the same lessons.
BELLS_FORM = {
    "slot": [str(bell["slot"]) for bell in BELLS],
    "start": [str(bell["start"]) for bell in BELLS],
    "end": [_end(str(bell["start"])) for bell in BELLS],
}
BELLS_JSON = [
    {"slot": bell["slot"], "start": bell["start"], "end": _end(str(bell["start"]))}
    for bell in BELLS
]
D = dt.date

STATEMENT_ACTIONS: list[Action] = [
    Action("statement: classes", "GET", "/statement", EVERYONE, "GET /statement"),
    Action("statement of 7Б", "GET", "/statement/{class:7Б}", READERS, "GET /statement/{class_id}"),
    Action(
        "statement of 7Б exported",
        "POST",
        "/statement/{class:7Б}/exports",
        READERS,
        "POST /statement/{class_id}/exports",
        form={"format": "xlsx"},
    ),
    Action(
        "statement export downloaded",
        "GET",
        "/statement/exports/{export}",
        READERS,
        "GET /statement/exports/{export_id}",
        prepare=an_export,
    ),
    Action(
        "api: statement of 7Б",
        "GET",
        "/api/v1/classes/{class:7Б}/statement",
        READERS,
        "GET /api/v1/classes/{class_id}/statement",
        api=True,
    ),
    Action(
        "api: statement of 7Б exported",
        "POST",
        "/api/v1/classes/{class:7Б}/statement/exports",
        READERS,
        "POST /api/v1/classes/{class_id}/statement/exports",
        api=True,
        json={"format": "xlsx"},
    ),
    Action(
        "api: exports of 7Б",
        "GET",
        "/api/v1/classes/{class:7Б}/statement/exports",
        READERS,
        "GET /api/v1/classes/{class_id}/statement/exports",
        api=True,
    ),
    Action(
        "api: statement export downloaded",
        "GET",
        "/api/v1/statement-exports/{export}",
        READERS,
        "GET /api/v1/statement-exports/{export_id}",
        api=True,
        prepare=an_export,
    ),
]


def _page(path: str) -> Action:
    return Action(f"set-up page {path}", "GET", path, SETUP_READERS, f"GET {path}")


def _api(path: str) -> Action:
    full = f"/api/v1/admin{path}"
    return Action(f"api: {full}", "GET", full, SETUP_READERS, f"GET {full}", api=True)


SETUP_PAGE_ACTIONS: list[Action] = [
    *(
        _page(path)
        for path in (
            "/admin/school",
            "/admin/calendar",
            "/admin/classes",
            "/admin/subjects",
            "/admin/assignments",
            "/admin/timetable",
            "/admin/staff",
        )
    ),
    Action(
        "school renamed",
        "POST",
        "/admin/school",
        OWN_SCHOOL,
        "POST /admin/school",
        form={"name": "Школа №1", "timezone": "Europe/Moscow"},
    ),
    Action(
        "school rules changed",
        "POST",
        "/admin/school/policy",
        OWN_SCHOOL,
        "POST /admin/school/policy",
        form={"grace_window_seconds": "180", "electives_attendance_only": "on"},
    ),
    Action(
        "bells set",
        "POST",
        "/admin/school/bells",
        OWN_SCHOOL,
        "POST /admin/school/bells",
        form=BELLS_FORM,
    ),
    Action(
        "year added",
        "POST",
        "/admin/calendar/years",
        OWN_SCHOOL,
        "POST /admin/calendar/years",
        form={"name": "2027/2028", "starts_on": "2027-09-01", "ends_on": "2028-05-31"},
    ),
    Action(
        "year period added",
        "POST",
        "/admin/calendar/years/{year}/periods",
        ADMIN,
        "POST /admin/calendar/years/{year_id}/periods",
        form={"name": "Год", "kind": "year", "starts_on": "2026-09-01", "ends_on": "2027-05-31"},
        prepare=the_year,
    ),
    Action(
        "period deleted",
        "POST",
        "/admin/calendar/periods/{period}/delete",
        ADMIN,
        "POST /admin/calendar/periods/{period_id}/delete",
        prepare=period_to_delete("2 полугодие", "half", D(2027, 1, 12), D(2027, 5, 31)),
    ),
    Action(
        "holidays added",
        "POST",
        "/admin/calendar/years/{year}/holidays",
        ADMIN,
        "POST /admin/calendar/years/{year_id}/holidays",
        form={"name": "зимние каникулы", "starts_on": "2026-12-29", "ends_on": "2027-01-11"},
        prepare=the_year,
    ),
    Action(
        "holidays deleted",
        "POST",
        "/admin/calendar/holidays/{holiday}/delete",
        ADMIN,
        "POST /admin/calendar/holidays/{holiday_id}/delete",
        prepare=holiday_to_delete("весенние каникулы", D(2027, 3, 24)),
    ),
    Action(
        "class added",
        "POST",
        "/admin/years/{year}/classes",
        ADMIN,
        "POST /admin/years/{year_id}/classes",
        form={"grade": "5", "letter": "В", "class_teacher_id": ""},
        prepare=the_year,
    ),
    Action(
        "class changed",
        "POST",
        "/admin/classes/{class:10А}",
        ADMIN,
        "POST /admin/classes/{class_id}",
        form={"grade": "10", "letter": "А", "class_teacher_id": ""},
    ),
    Action(
        "subject added",
        "POST",
        "/admin/subjects",
        OWN_SCHOOL,
        "POST /admin/subjects",
        form={"name": "Физика", "short_name": "физ."},
    ),
    Action(
        "subject renamed",
        "POST",
        "/admin/subjects/{subject:Робототехника}",
        ADMIN,
        "POST /admin/subjects/{subject_id}",
        form={"name": "Робототехника", "short_name": "робот."},
    ),
    Action(
        "assignment added",
        "POST",
        "/admin/assignments",
        ADMIN,
        "POST /admin/assignments",
        form={
            "teacher_id": str(STAFF["english"]),
            "class_id": str(CLASS["10А"]),
            "subject_id": str(SUBJECT["Английский язык"]),
            "group_id": "",
        },
    ),
    Action(
        "assignment removed",
        "POST",
        "/admin/assignments/{assignment}/delete",
        ADMIN,
        "POST /admin/assignments/{assignment_id}/delete",
        prepare=assignment_to_delete("10А", "Математика"),
    ),
    Action(
        "timetable lesson added",
        "POST",
        "/admin/classes/{class:10А}/timetable",
        ADMIN,
        "POST /admin/classes/{class_id}/timetable",
        form={
            "subject_id": str(SUBJECT["Математика"]),
            "teacher_id": str(STAFF["math"]),
            "group_id": "",
            "weekday": "0",
            "slot": "3",
            "room": "21",
        },
    ),
    Action(
        "timetable lesson removed",
        "POST",
        "/admin/timetable/{entry}/delete",
        ADMIN,
        "POST /admin/timetable/{entry_id}/delete",
        prepare=entry_to_delete("1А", 2, 1),
    ),
    Action(
        "staff account opened",
        "POST",
        "/admin/staff",
        OWN_SCHOOL,
        "POST /admin/staff",
        form={"login": "novaia", "last_name": "Новая", "first_name": "Вера", "roles": "teacher"},
    ),
    Action(
        "staff roles set",
        "POST",
        "/admin/staff/{staff:substitute}/roles",
        ADMIN,
        "POST /admin/staff/{staff_id}/roles",
        form={"roles": "teacher"},
    ),
    Action(
        "staff password set",
        "POST",
        "/admin/staff/{staff:substitute}/password",
        ADMIN,
        "POST /admin/staff/{staff_id}/password",
        form={"password": PASSWORD},
    ),
    Action(
        "staff invite code",
        "POST",
        "/admin/staff/{staff:substitute}/invite",
        ADMIN,
        "POST /admin/staff/{staff_id}/invite",
    ),
    Action(
        "breach preview",
        "GET",
        "/admin/staff/{staff:substitute}/lock",
        BREACH,
        "GET /admin/staff/{staff_id}/lock",
    ),
    Action(
        "staff locked after a breach",
        "POST",
        "/admin/staff/{staff:substitute}/lock",
        BREACH,
        "POST /admin/staff/{staff_id}/lock",
        form={"confirm": "yes"},
    ),
    Action(
        "staff unlocked",
        "POST",
        "/admin/staff/{staff:substitute}/unlock",
        ADMIN,
        "POST /admin/staff/{staff_id}/unlock",
        form={"password": PASSWORD},
    ),
    Action(
        "voided entries of a breach",
        "GET",
        "/admin/staff/{staff:substitute}/voided",
        ADMIN,
        "GET /admin/staff/{staff_id}/voided",
    ),
    Action(
        "voided entry restored",
        "POST",
        "/admin/staff/{staff:substitute}/voided",
        ADMIN,
        "POST /admin/staff/{staff_id}/voided",
        form={"void": "1", "reason": "Отметку поставил сам учитель"},
        prepare=a_voided_mark,
    ),
]

SETUP_API_ACTIONS: list[Action] = [
    *(
        _api(path)
        for path in (
            "/school",
            "/calendar",
            "/classes",
            "/subjects",
            "/assignments",
            "/timetable",
            "/staff",
        )
    ),
    Action(
        "api: school renamed",
        "PUT",
        "/api/v1/admin/school",
        OWN_SCHOOL,
        "PUT /api/v1/admin/school",
        api=True,
        json={"name": "Школа №1", "timezone": "Europe/Moscow"},
    ),
    Action(
        "api: school rules changed",
        "PATCH",
        "/api/v1/admin/school/policy",
        OWN_SCHOOL,
        "PATCH /api/v1/admin/school/policy",
        api=True,
        json={"grace_window_seconds": 150},
    ),
    Action(
        "api: bells set",
        "PUT",
        "/api/v1/admin/school/bells",
        OWN_SCHOOL,
        "PUT /api/v1/admin/school/bells",
        api=True,
        json=BELLS_JSON,
    ),
    Action(
        "api: year added",
        "POST",
        "/api/v1/admin/years",
        OWN_SCHOOL,
        "POST /api/v1/admin/years",
        api=True,
        json={"name": "2028/2029", "starts_on": "2028-09-01", "ends_on": "2029-05-31"},
    ),
    Action(
        "api: half-year added",
        "POST",
        "/api/v1/admin/years/{year}/periods",
        ADMIN,
        "POST /api/v1/admin/years/{year_id}/periods",
        api=True,
        json={
            "name": "1 полугодие",
            "kind": "half",
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-28",
        },
        prepare=the_year,
    ),
    Action(
        "api: period deleted",
        "DELETE",
        "/api/v1/admin/periods/{period}",
        ADMIN,
        "DELETE /api/v1/admin/periods/{period_id}",
        api=True,
        prepare=period_to_delete("пробная", "quarter", D(2027, 3, 22), D(2027, 3, 30)),
    ),
    Action(
        "api: day off added",
        "POST",
        "/api/v1/admin/years/{year}/holidays",
        ADMIN,
        "POST /api/v1/admin/years/{year_id}/holidays",
        api=True,
        json={"name": "день здоровья", "starts_on": "2027-02-15", "ends_on": "2027-02-15"},
        prepare=the_year,
    ),
    Action(
        "api: day off deleted",
        "DELETE",
        "/api/v1/admin/holidays/{holiday}",
        ADMIN,
        "DELETE /api/v1/admin/holidays/{holiday_id}",
        api=True,
        prepare=holiday_to_delete("праздник", D(2027, 2, 23)),
    ),
    Action(
        "api: class added",
        "POST",
        "/api/v1/admin/years/{year}/classes",
        ADMIN,
        "POST /api/v1/admin/years/{year_id}/classes",
        api=True,
        json={"grade": 6, "letter": "Г"},
        prepare=the_year,
    ),
    Action(
        "api: class changed",
        "PUT",
        "/api/v1/admin/classes/{class:10А}",
        ADMIN,
        "PUT /api/v1/admin/classes/{class_id}",
        api=True,
        json={"grade": 10, "letter": "А", "class_teacher_id": None},
    ),
    Action(
        "api: subject added",
        "POST",
        "/api/v1/admin/subjects",
        OWN_SCHOOL,
        "POST /api/v1/admin/subjects",
        api=True,
        json={"name": "Химия"},
    ),
    Action(
        "api: subject renamed",
        "PUT",
        "/api/v1/admin/subjects/{subject:Робототехника}",
        ADMIN,
        "PUT /api/v1/admin/subjects/{subject_id}",
        api=True,
        json={"name": "Робототехника", "short_name": "РТ"},
    ),
    Action(
        "api: assignment added",
        "POST",
        "/api/v1/admin/assignments",
        ADMIN,
        "POST /api/v1/admin/assignments",
        api=True,
        json={
            "teacher_id": STAFF["robotics"],
            "class_id": CLASS["10А"],
            "subject_id": SUBJECT["Робототехника"],
        },
    ),
    Action(
        "api: assignment removed",
        "DELETE",
        "/api/v1/admin/assignments/{assignment}",
        ADMIN,
        "DELETE /api/v1/admin/assignments/{assignment_id}",
        api=True,
        prepare=assignment_to_delete("1А", "Русский язык"),
    ),
    Action(
        "api: timetable lesson added",
        "POST",
        "/api/v1/admin/classes/{class:7Б}/timetable",
        ADMIN,
        "POST /api/v1/admin/classes/{class_id}/timetable",
        api=True,
        json={
            "subject_id": SUBJECT["Русский язык"],
            "teacher_id": STAFF["russian"],
            "weekday": 1,
            "slot": 1,
        },
    ),
    Action(
        "api: timetable lesson removed",
        "DELETE",
        "/api/v1/admin/timetable/{entry}",
        ADMIN,
        "DELETE /api/v1/admin/timetable/{entry_id}",
        api=True,
        prepare=entry_to_delete("7Б", 3, 2),
    ),
    Action(
        "api: staff account opened",
        "POST",
        "/api/v1/admin/staff",
        OWN_SCHOOL,
        "POST /api/v1/admin/staff",
        api=True,
        json={
            "login": "novyi.api",
            "last_name": "Новый",
            "first_name": "Пётр",
            "roles": ["teacher"],
        },
    ),
    Action(
        "api: staff roles set",
        "PUT",
        "/api/v1/admin/staff/{staff:substitute}/roles",
        ADMIN,
        "PUT /api/v1/admin/staff/{staff_id}/roles",
        api=True,
        json={"roles": ["teacher"]},
    ),
    Action(
        "api: staff password set",
        "PUT",
        "/api/v1/admin/staff/{staff:substitute}/password",
        ADMIN,
        "PUT /api/v1/admin/staff/{staff_id}/password",
        api=True,
        json={"password": PASSWORD},
    ),
    Action(
        "api: staff invite code",
        "POST",
        "/api/v1/admin/staff/{staff:substitute}/invite",
        ADMIN,
        "POST /api/v1/admin/staff/{staff_id}/invite",
        api=True,
    ),
    Action(
        "api: breach preview",
        "POST",
        "/api/v1/admin/staff/{staff:substitute}/lock",
        BREACH,
        "POST /api/v1/admin/staff/{staff_id}/lock",
        api=True,
        json={},
    ),
    Action(
        "api: staff locked after a breach",
        "POST",
        "/api/v1/admin/staff/{staff:substitute}/lock",
        BREACH,
        "POST /api/v1/admin/staff/{staff_id}/lock",
        api=True,
        json={"confirm": True},
    ),
    Action(
        "api: staff unlocked",
        "POST",
        "/api/v1/admin/staff/{staff:substitute}/unlock",
        ADMIN,
        "POST /api/v1/admin/staff/{staff_id}/unlock",
        api=True,
        json={"password": PASSWORD},
    ),
    Action(
        "api: voided entries of a breach",
        "GET",
        "/api/v1/admin/staff/{staff:substitute}/voided",
        ADMIN,
        "GET /api/v1/admin/staff/{staff_id}/voided",
        api=True,
    ),
    Action(
        "api: voided entry restored",
        "POST",
        "/api/v1/admin/voided/restore",
        ADMIN,
        "POST /api/v1/admin/voided/restore",
        api=True,
        json={"ids": [2], "reason": "Отметку поставил сам учитель"},
        prepare=a_voided_mark,
    ),
]

SETUP_ACTIONS = [*STATEMENT_ACTIONS, *SETUP_PAGE_ACTIONS, *SETUP_API_ACTIONS]
