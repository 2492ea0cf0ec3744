"""/api/v1/admin: the school's set-up for programs, on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest

from tests.web.browser import PASSWORD, Web
from tests.web.setup_actions import IDS

# Both databases, each test: these requests exercise the database's own behaviour.
pytestmark = pytest.mark.both_databases


@pytest.fixture
def web(web_on_both_databases: Web) -> Web:
    """On SQLite and PostgreSQL: these requests exercise the database's own behaviour."""
    return web_on_both_databases


async def _api(web: Web, who: str) -> tuple[httpx.AsyncClient, dict[str, str]]:
    token = await web.api_token(who, name="set-up")
    return web.browser().client, {"Authorization": f"Bearer {token.secret}"}


async def test_builders_ids_are_what_the_matrix_names(web: Web) -> None:
    w = web.world
    assert {name: w.subjects[name] for name in IDS["subject"]} == IDS["subject"]
    assert {key: w.staff[key] for key in IDS["staff"]} == IDS["staff"]
    assert {name: w.classes[name] for name in IDS["class"]} == IDS["class"]


async def test_a_program_sets_up_a_class_with_its_lessons(web: Web) -> None:
    w = web.world
    api, admin = await _api(web, "admin")
    made = await api.post(
        f"/api/v1/admin/years/{w.year_id}/classes",
        json={"grade": 5, "letter": "В", "class_teacher_id": w.staff["english"]},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    klass = made.json()
    assert (klass["grade"], klass["letter"], klass["class_teacher_id"]) == (
        5,
        "В",
        w.staff["english"],
    )
    assigned = await api.post(
        "/api/v1/admin/assignments",
        json={
            "teacher_id": w.staff["math"],
            "class_id": klass["id"],
            "subject_id": w.subjects["Математика"],
        },
        headers=admin,
    )
    assert assigned.status_code == 201, assigned.text
    lesson = await api.post(
        f"/api/v1/admin/classes/{klass['id']}/timetable",
        json={"subject_id": w.subjects["Математика"], "teacher_id": w.staff["math"],
              "weekday": 4, "slot": 1, "room": "101"},
        headers=admin,
    )  # fmt: skip
    assert lesson.status_code == 201, lesson.text

    api_secretary, secretary = await _api(web, "secretary")
    classes = (await api_secretary.get("/api/v1/admin/classes", headers=secretary)).json()
    assert [f"{c['grade']}{c['letter']}" for c in classes["classes"]] == ["1А", "5В", "7Б", "10А"]
    timetable = (await api_secretary.get("/api/v1/admin/timetable", headers=secretary)).json()
    assert [(e["class_id"], e["weekday"], e["slot"], e["room"]) for e in timetable] == [
        (klass["id"], 4, 1, "101")
    ]
    refused = await api_secretary.post(
        "/api/v1/admin/subjects", json={"name": "Физика"}, headers=secretary
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"

    gone = await api.delete(f"/api/v1/admin/timetable/{lesson.json()['id']}", headers=admin)
    assert gone.status_code == 204
    assert (await api.get("/api/v1/admin/timetable", headers=admin)).json() == []


async def test_a_refused_change_answers_with_core_s_code_and_message(web: Web) -> None:
    api, admin = await _api(web, "admin")
    english = {**admin, "Accept-Language": "en"}
    refused = await api.patch(
        "/api/v1/admin/school/policy", json={"grace_window_seconds": 4000}, headers=english
    )
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "setting_range",
        "message": "“Grace window for a mark, seconds”: a whole number from 0 to 3600 is "
        "needed, not “4000”.",
    }
    bells = await api.put(
        "/api/v1/admin/school/bells",
        json=[{"slot": 1, "start": "08:30", "end": "08:00"}],
        headers=admin,
    )
    assert bells.status_code == 422
    assert bells.json()["error"]["message"] == (
        "1-й урок: начало 08:30 должно быть раньше конца 08:00."
    )
    none = await api.patch("/api/v1/admin/school/policy", json={"messengers": []}, headers=admin)
    assert (none.status_code, none.json()["error"]["code"]) == (422, "setting_messengers")
    school = (await api.get("/api/v1/admin/school", headers=admin)).json()
    assert school["policy"]["grace_window_seconds"] == 120 and len(school["bells"]) == 8
    assert school["policy"]["messengers"] == ["telegram"]
    moved = await api.patch(
        "/api/v1/admin/school/policy", json={"messengers": ["max"]}, headers=admin
    )
    assert moved.status_code == 200 and moved.json()["policy"]["messengers"] == ["max"]


async def test_staff_accounts_through_the_api(web: Web) -> None:
    api, admin = await _api(web, "admin")
    opened = await api.post(
        "/api/v1/admin/staff",
        json={"login": "volkova", "last_name": "Волкова", "first_name": "Ирина",
              "roles": ["teacher"], "password": PASSWORD},
        headers=admin,
    )  # fmt: skip
    assert opened.status_code == 201, opened.text
    person = opened.json()
    assert (person["login"], person["has_password"], person["locked_at"]) == (
        "volkova",
        True,
        None,
    )
    assert (await web.browser().login("volkova")).status_code == 303
    roles = await api.put(
        f"/api/v1/admin/staff/{person['id']}/roles", json={"roles": ["teacher", "deputy"]},
        headers=admin,
    )  # fmt: skip
    assert roles.json()["roles"] == ["teacher", "deputy"]
    invite = await api.post(f"/api/v1/admin/staff/{person['id']}/invite", headers=admin)
    assert invite.status_code == 201 and len(invite.json()["code"]) >= 16

    _, deputy = await _api(web, "deputy")
    lock = f"/api/v1/admin/staff/{person['id']}/lock"
    preview = await api.post(lock, json={}, headers=deputy)
    none = {"marks": 0, "attendance": 0, "homework": 0, "remarks": 0, "total": 0}
    assert preview.json() == {
        "confirmed": False,
        "staff_id": person["id"],
        "since": "2026-11-23T07:00:00Z",
        "entries": none,
        "voided": 0,
    }
    assert (await web.browser().login("volkova")).status_code == 303, "a preview locks nothing"
    locked = await api.post(lock, json={"confirm": True}, headers=deputy)
    assert locked.json() == {**preview.json(), "confirmed": True}
    assert (await web.browser().login("volkova")).status_code != 303
    refused = await api.post(
        f"/api/v1/admin/staff/{person['id']}/unlock", json={"password": PASSWORD}, headers=deputy
    )
    assert refused.status_code == 403
    unlocked = await api.post(
        f"/api/v1/admin/staff/{person['id']}/unlock", json={"password": PASSWORD + "!"},
        headers=admin,
    )  # fmt: skip
    assert unlocked.json()["locked_at"] is None
    assert (await web.browser().login("volkova", PASSWORD + "!")).status_code == 303


async def test_the_api_document_describes_the_set_up_and_the_statement(web: Web) -> None:
    document = (await web.browser().client.get("/openapi.json")).json()
    paths = document["paths"]
    for path, method in (
        ("/api/v1/admin/school", "get"),
        ("/api/v1/admin/school/policy", "patch"),
        ("/api/v1/admin/years/{year_id}/classes", "post"),
        ("/api/v1/admin/classes/{class_id}/timetable", "post"),
        ("/api/v1/admin/staff/{staff_id}/lock", "post"),
        ("/api/v1/classes/{class_id}/statement", "get"),
        ("/api/v1/classes/{class_id}/statement/exports", "post"),
        ("/api/v1/statement-exports/{export_id}", "get"),
    ):
        assert method in paths[path], (path, method)
    assert not [p for p in paths if p.startswith(("/admin", "/statement"))]  # pages are not


async def test_a_program_says_what_a_subject_owes(web: Web) -> None:
    w = web.world
    api, admin = await _api(web, "admin")
    made = await api.post(
        "/api/v1/admin/subjects",
        json={"name": "ОРКСЭ", "homework": False, "graded": False},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    assert (made.json()["homework"], made.json()["graded"]) == (False, False)
    plain = await api.post("/api/v1/admin/subjects", json={"name": "Физика"}, headers=admin)
    assert (plain.json()["homework"], plain.json()["graded"]) == (True, True)

    # An update that leaves a flag out keeps it.
    robotics = w.subjects["Робототехника"]
    renamed = await api.put(
        f"/api/v1/admin/subjects/{robotics}",
        json={"name": "Робототехника", "graded": False},
        headers=admin,
    )
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["homework"], renamed.json()["graded"]) == (True, False)
    again = await api.put(
        f"/api/v1/admin/subjects/{robotics}",
        json={"name": "Робототехника", "short_name": "РТ", "homework": False},
        headers=admin,
    )
    assert (again.json()["homework"], again.json()["graded"]) == (False, False)
    bad = await api.put(
        f"/api/v1/admin/subjects/{robotics}",
        json={"name": "Робототехника", "graded": "maybe"},
        headers=admin,
    )
    assert bad.status_code == 422

    api_secretary, secretary = await _api(web, "secretary")
    listed = (await api_secretary.get("/api/v1/admin/subjects", headers=secretary)).json()
    assert {s["name"]: (s["homework"], s["graded"]) for s in listed} == {
        "Английский язык": (True, True),
        "Математика": (True, True),
        "ОРКСЭ": (False, False),
        "Робототехника": (False, False),
        "Русский язык": (True, True),
        "Физика": (True, True),
    }
