"""Numbers, dates and texts no journal can hold, in paths, queries, forms and JSON
bodies: refused with 404 or 422, never a server error. Ids and texts on SQLite and on
PostgreSQL (ids are int4 columns there: asyncpg refuses to send 2^31; SQLite's driver
refuses 2^63; PostgreSQL's text cannot hold a NUL); dates on SQLite only (both
databases hold 9999-12-31: what overflows is Python's date arithmetic).

The paths come from the role matrix (every endpoint is there), each placeholder
replaced by the bad number; the bodies and queries are listed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.web.browser import Web
from tests.web.conftest import settings
from tests.web.journal_site import site_fixture  # noqa: F401  (the `site` fixture)
from tests.web.roles import _PLACEHOLDER, Action, Person
from tests.web.test_role_matrix import ALL_ACTIONS

ABOVE_INT4 = 2**31  # one more than an id column holds on PostgreSQL
ABOVE_INT8 = 2**63  # one more than SQLite's driver sends
BAD_IDS = (2**70, ABOVE_INT8, ABOVE_INT4, -1)
BAD_DATES = ("9999-12-31", "0001-01-01", "-1.2e-22")


async def _status(person: Person, action: Action, path: str) -> int:
    try:
        response = await person.send(action, path)
    except Exception:  # the app raised: a server error
        return 500
    return response.status_code


async def test_out_of_range_ids_in_any_path(web: Web) -> None:
    admin = await Person.of(web, "admin")
    wrong = []
    for action in ALL_ACTIONS:
        if not _PLACEHOLDER.search(action.path):
            continue
        for value in (ABOVE_INT4, ABOVE_INT8):
            path = _PLACEHOLDER.sub(str(value), action.path)
            status = await _status(admin, action, path)
            if status not in (404, 422):
                wrong.append(f"{action.method} {path}: {status}")
    assert not wrong, "\n".join(wrong)


@dataclass(frozen=True)
class Probe:
    """A request with one bad value in it: `{}` in the path, query or body is the value."""

    method: str
    path: str
    who: str = "admin"
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)
    api: bool = True

    def action(self, value: object) -> tuple[Action, str]:
        def fill(item: Any) -> Any:
            if item == "{}":
                return value
            if isinstance(item, dict):
                return {key: fill(inner) for key, inner in item.items()}
            if isinstance(item, list):
                return [fill(inner) for inner in item]
            return item

        form = {key: str(value) if text == "{}" else text for key, text in self.form.items()}
        action = Action(
            "probe",
            self.method,
            self.path,
            frozenset({self.who}),
            "",
            api=self.api,
            form=form,
            json=fill(self.json),
        )
        return action, self.path.replace("{}", str(value))


def _ids(web: Web) -> dict[str, int]:
    w = web.world
    return {
        "math7": w.lessons["math7"],
        "petya": w.students["petya"],
        "7b": w.classes["7Б"],
        "period": w.periods["2 четверть"],
        "math": w.subjects["Математика"],
        "year": w.year_id,
        "vanya": w.students["vanya"],
    }


def id_probes(web: Web) -> list[Probe]:
    i = _ids(web)
    lesson, petya, klass, math = i["math7"], i["petya"], i["7b"], i["math"]
    return [
        # Queries.
        Probe("GET", f"/api/v1/journal?class_id={{}}&subject_id={math}"),
        Probe("GET", f"/api/v1/journal?class_id={klass}&subject_id={math}&period_id={{}}"),
        Probe("GET", "/api/v1/journal/pages?class_id={}"),
        Probe("GET", "/api/v1/admin/classes?year_id={}"),
        Probe("GET", "/api/v1/admin/timetable?year_id={}"),
        Probe("GET", f"/api/v1/classes/{klass}/weekly-summary?week=2026-11-23&student_id={{}}"),
        Probe("GET", f"/journal?class={{}}&subject={math}", api=False),
        Probe("GET", f"/journal?class={klass}&subject={math}&period={{}}", api=False),
        Probe("GET", f"/statement/{klass}?export={{}}", api=False),
        Probe("GET", f"/roster/classes/{klass}?enrolled={{}}", api=False),
        Probe(
            "GET",
            f"/homeroom/{klass}/weekly-summary?week=2026-11-23&who=student&student={{}}",
            api=False,
        ),
        # JSON bodies.
        Probe("PUT", "/api/v1/journal/cells", json={"lesson_id": "{}", "student_id": petya}),
        Probe("PUT", "/api/v1/journal/cells", json={"lesson_id": lesson, "student_id": "{}"}),
        Probe(
            "PUT",
            "/api/v1/journal/period-marks",
            json={"period_id": i["period"], "student_id": "{}", "subject_id": math, "value": "5"},
        ),
        Probe("POST", "/api/v1/announcements", json={"class_id": "{}", "title": "t", "body": "b"}),
        Probe(
            "POST",
            "/api/v1/admin/assignments",
            json={"teacher_id": "{}", "class_id": klass, "subject_id": math},
        ),
        Probe(
            "POST",
            f"/api/v1/admin/years/{i['year']}/classes",
            json={"grade": 5, "letter": "В", "class_teacher_id": "{}"},
        ),
        Probe(
            "POST",
            f"/api/v1/admin/classes/{klass}/timetable",
            json={"subject_id": math, "teacher_id": "{}", "weekday": 1, "slot": 1},
        ),
        Probe("PUT", f"/api/v1/lessons/{lesson}/substitute", json={"substitute_id": "{}"}),
        Probe(
            "POST",
            f"/api/v1/lessons/{lesson}/homework",
            who="math",
            json={"text": "№ 1", "student_ids": ["{}"]},
        ),
        Probe(
            "POST",
            f"/api/v1/lessons/{lesson}/marks",
            who="math",
            json={"student_id": "{}", "value": 5},
        ),
        Probe(
            "POST",
            f"/api/v1/lessons/{lesson}/remarks",
            who="math",
            json={"student_id": "{}", "kind": "praise", "text": "Молодец"},
        ),
        Probe("PATCH", "/api/v1/marks/1", who="math", json={"value": "{}"}),
        Probe(
            "PUT",
            f"/api/v1/lessons/{lesson}/attendance/{petya}",
            who="math",
            json={"status": "late", "minutes_late": "{}"},
        ),
        Probe(
            "POST",
            f"/api/v1/roster/students/{i['vanya']}/transfer",
            json={"class_id": "{}", "on": "2026-11-24"},
        ),
        Probe(
            "PUT",
            "/api/v1/admin/school/bells",
            json=[{"slot": "{}", "start": "08:30", "end": "09:15"}],
        ),
        # Forms of the pages.
        Probe(
            "POST",
            "/admin/assignments",
            form={"teacher_id": "{}", "class_id": str(klass), "subject_id": str(math)},
            api=False,
        ),
        Probe(
            "POST",
            f"/admin/classes/{klass}/timetable",
            form={"subject_id": str(math), "teacher_id": "1", "weekday": "{}", "slot": "1"},
            api=False,
        ),
        Probe(
            "POST",
            f"/admin/years/{i['year']}/classes",
            form={"grade": "{}", "letter": "В", "class_teacher_id": ""},
            api=False,
        ),
        Probe(
            "POST",
            f"/lessons/{lesson}/remarks",
            who="math",
            form={"student": "{}", "kind": "praise", "text": "Молодец"},
            api=False,
        ),
        Probe("POST", f"/lessons/{lesson}/substitute", form={"substitute": "{}"}, api=False),
        Probe(
            "POST",
            f"/lessons/{lesson}/homework",
            who="math",
            form={"text": "№ 1", "students": "{}"},
            api=False,
        ),
        Probe(
            "POST",
            f"/roster/students/{i['vanya']}/transfer",
            form={"class_id": "{}", "on": "2026-11-24"},
            api=False,
        ),
    ]


def date_probes(web: Web) -> list[Probe]:
    i = _ids(web)
    lesson, klass, year = i["math7"], i["7b"], i["year"]
    student = i["vanya"]
    return [
        Probe("GET", "/api/v1/today?date={}", who="math"),
        Probe("GET", "/today?date={}", who="math", api=False),
        Probe("GET", f"/api/v1/classes/{klass}/weekly-summary?week={{}}"),
        Probe("GET", f"/homeroom/{klass}/weekly-summary?week={{}}", api=False),
        Probe(
            "POST",
            f"/api/v1/lessons/{lesson}/homework",
            who="math",
            json={"text": "№ 1", "due_date": "{}"},
        ),
        Probe(
            "POST",
            "/api/v1/admin/years",
            json={"name": "2099/2100", "starts_on": "{}", "ends_on": "2100-05-31"},
        ),
        Probe(
            "POST",
            "/api/v1/admin/years",
            json={"name": "2099/2100", "starts_on": "2099-09-01", "ends_on": "{}"},
        ),
        Probe(
            "POST",
            f"/api/v1/admin/years/{year}/periods",
            json={"name": "5 четверть", "starts_on": "{}", "ends_on": "2027-05-31"},
        ),
        Probe(
            "POST",
            f"/api/v1/admin/years/{year}/holidays",
            json={"name": "каникулы", "starts_on": "2026-12-29", "ends_on": "{}"},
        ),
        Probe(
            "POST",
            f"/api/v1/roster/classes/{klass}/students",
            json={
                "last_name": "Новый",
                "first_name": "Ученик",
                "birth_date": "{}",
                "on": "2026-11-24",
            },
        ),
        Probe(
            "POST",
            f"/api/v1/roster/classes/{klass}/students",
            json={"last_name": "Новый", "first_name": "Ученик", "on": "{}"},
        ),
        Probe(
            "POST",
            f"/api/v1/roster/students/{student}/transfer",
            json={"class_id": klass, "on": "{}"},
        ),
        Probe(
            "POST",
            f"/api/v1/roster/students/{student}/leave",
            json={"on": "{}", "reason": "приказ"},
        ),
        Probe("POST", "/api/v1/admin/staff/5/lock", json={"since": "{}"}),
        Probe(
            "POST",
            "/admin/calendar/years",
            form={"name": "2099/2100", "starts_on": "{}", "ends_on": "2100-05-31"},
            api=False,
        ),
        Probe(
            "POST",
            f"/admin/calendar/years/{year}/holidays",
            form={"name": "каникулы", "starts_on": "2026-12-29", "ends_on": "{}"},
            api=False,
        ),
        Probe(
            "POST",
            f"/roster/classes/{klass}/enrol",
            form={
                "last_name": "Новый",
                "first_name": "Ученик",
                "birth_date": "{}",
                "on": "2026-11-24",
            },
            api=False,
        ),
        Probe(
            "POST",
            f"/roster/students/{student}/leave",
            form={"on": "{}", "reason": "приказ"},
            api=False,
        ),
        Probe("POST", "/admin/staff/5/lock", form={"since": "{}"}, api=False),
        Probe(
            "POST",
            f"/lessons/{lesson}/homework",
            who="math",
            form={"text": "№ 1", "due_date": "{}"},
            api=False,
        ),
    ]


async def _run(web: Web, probes: list[Probe], values: tuple[object, ...]) -> list[str]:
    people: dict[str, Person] = {}
    wrong = []
    for probe in probes:
        if probe.who not in people:
            people[probe.who] = await Person.of(web, probe.who)
        for value in values:
            action, path = probe.action(value)
            status = await _status(people[probe.who], action, path)
            if status not in (404, 422):
                where = action.json or action.form
                wrong.append(f"{probe.method} {path} {where}: {status}")
    return wrong


async def test_out_of_range_ids_in_queries_and_bodies(web: Web) -> None:
    wrong = await _run(web, id_probes(web), BAD_IDS)
    assert not wrong, "\n".join(wrong)


async def test_dates_out_of_range_anywhere(site: Web) -> None:
    wrong = await _run(site, date_probes(site), BAD_DATES)
    assert not wrong, "\n".join(wrong)


def text_probes(web: Web) -> list[Probe]:
    i = _ids(web)
    lesson, petya, klass = i["math7"], i["petya"], i["7b"]
    return [
        Probe(
            "POST",
            f"/api/v1/lessons/{lesson}/remarks",
            who="math",
            json={"student_id": petya, "kind": "praise", "text": "{}"},
        ),
        Probe("PUT", f"/api/v1/lessons/{lesson}/topic", who="math", json={"topic": "{}"}),
        Probe("POST", f"/api/v1/lessons/{lesson}/homework", who="math", json={"text": "{}"}),
        Probe(
            "POST",
            f"/api/v1/lessons/{lesson}/marks",
            who="math",
            json={"student_id": petya, "value": 5, "comment": "{}"},
        ),
        Probe(
            "POST", "/api/v1/announcements", json={"class_id": klass, "title": "{}", "body": "b"}
        ),
        Probe(
            "POST",
            f"/api/v1/roster/classes/{klass}/students",
            json={"last_name": "{}", "first_name": "Иван", "on": "2026-11-24"},
        ),
        Probe(
            "POST",
            f"/api/v1/roster/students/{i['vanya']}/leave",
            json={"on": "2026-11-24", "reason": "{}"},
        ),
        Probe("POST", "/api/v1/admin/subjects", json={"name": "{}"}),
        Probe("PUT", "/api/v1/admin/school", json={"name": "{}", "timezone": "Europe/Moscow"}),
        Probe(
            "POST",
            f"/lessons/{lesson}/remarks",
            who="math",
            form={"student": str(petya), "kind": "praise", "text": "{}"},
            api=False,
        ),
    ]


async def test_a_nul_in_any_text_is_refused(web: Web) -> None:
    wrong = await _run(web, text_probes(web), ("a\x00b",))
    assert not wrong, "\n".join(wrong)


async def test_a_value_the_database_cannot_store_is_refused_not_a_server_error(web: Web) -> None:
    """The last line (webapp/errors.py): the SMS gateway's report names an SMS whose id
    PostgreSQL cannot even compare (a NUL in it)."""
    hook = settings().sms_hook_path("smsru")
    client = web.browser().client
    response = await client.post(hook, data={"data[0]": "sms_status\n12\x00ab\n103"})
    # SQLite compares it (no such SMS: acknowledged); PostgreSQL cannot.
    assert response.status_code == (200 if web.db.is_sqlite else 422), response.text
