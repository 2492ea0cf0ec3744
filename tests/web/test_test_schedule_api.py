"""The test schedule's API: plan (warned or refused), list, cancel, a class's schedule, and
the journal matched against the schedule."""

from __future__ import annotations

from typing import Any

import httpx

from core.models import School
from core.services.lesson_settings import set_lesson_work_type
from core.test_limits import TEST_KINDS
from tests.builders import update_row
from tests.web.browser import Web


async def api(web: Web, who: str) -> tuple[httpx.AsyncClient, dict[str, str]]:
    token = await web.api_token(who, name="t")
    return web.browser().client, {"Authorization": f"Bearer {token.secret}"}


def plan_body(web: Web, subject: str, day: str = "2026-12-01", **extra: Any) -> dict[str, Any]:
    w = web.world
    return {"class_id": w.classes["7Б"], "subject_id": w.subjects[subject], "date": day, **extra}


async def test_planning_answers_the_warnings_and_the_list_shows_them(web: Web) -> None:
    math, as_math = await api(web, "math")
    first = await math.post(
        "/api/v1/tests", json=plan_body(web, "Математика", title="Дроби"), headers=as_math
    )
    assert first.status_code == 201
    assert first.json() | {"id": 0} == {
        "id": 0,
        "class_id": web.world.classes["7Б"],
        "group_id": None,
        "subject_id": web.world.subjects["Математика"],
        "date": "2026-12-01",
        "work_type": "test",
        "title": "Дроби",
        "warnings": [],
    }
    russian, as_russian = await api(web, "russian")
    second = await russian.post(
        "/api/v1/tests",
        json=plan_body(web, "Русский язык", work_type="dictation"),
        headers={**as_russian, "Accept-Language": "en"},
    )
    assert second.status_code == 201
    assert second.json()["warnings"] == [
        {
            "code": "tests_per_day_over",
            "message": "The schedule of 7Б already has on 01/12/2026: Математика. The school "
            "allows at most 1 test a day per class.",
        }
    ]

    mine = (await math.get("/api/v1/tests", headers=as_math)).json()
    assert mine["period"]["name"] == "2 четверть"
    assert mine["limits"] == {"per_day": 1, "per_week": 3, "refuse": False}
    [test] = mine["tests"]
    assert (test["id"], test["subject"], test["teacher"]) == (
        first.json()["id"],
        "Математика",
        "Иванова М.П.",
    )
    assert [w["code"] for w in test["warnings"]] == ["tests_per_day_over"]
    assert test["cancellable"] is True

    week = await math.get(
        "/api/v1/tests", params={"first": "2026-12-07", "last": "2026-12-13"}, headers=as_math
    )
    assert week.json()["tests"] == [] and week.json()["period"] is None


async def test_a_school_that_refuses_answers_422_with_the_reason(web: Web) -> None:
    await update_row(web.db, School, web.world.school_id, policy={"test_limits_refuse": True})
    math, as_math = await api(web, "math")
    assert (
        await math.post("/api/v1/tests", json=plan_body(web, "Математика"), headers=as_math)
    ).status_code == 201
    russian, as_russian = await api(web, "russian")
    refused = await russian.post(
        "/api/v1/tests", json=plan_body(web, "Русский язык"), headers=as_russian
    )
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "tests_per_day_over",
        "message": "В графике 7Б на 01.12.2026 уже есть: Математика. Школа разрешает не больше "
        "1 контрольной работы в день в одном классе.",
    }
    past = await russian.post(
        "/api/v1/tests", json=plan_body(web, "Русский язык", "2026-11-20"), headers=as_russian
    )
    assert past.json()["error"]["code"] == "test_in_the_past"
    oral = await russian.post(
        "/api/v1/tests", json=plan_body(web, "Русский язык", work_type="oral"), headers=as_russian
    )
    assert oral.status_code == 422


async def test_the_document_lists_the_kinds_core_takes(web: Web) -> None:
    document = (await web.browser().client.get("/openapi.json")).json()
    kinds = document["components"]["schemas"]["PlanIn"]["properties"]["work_type"]["enum"]
    assert kinds == list(TEST_KINDS)


async def test_cancel_and_the_class_schedule(web: Web) -> None:
    w = web.world
    math, as_math = await api(web, "math")
    made = await math.post("/api/v1/tests", json=plan_body(web, "Математика"), headers=as_math)
    test_id = made.json()["id"]

    deputy, as_deputy = await api(web, "deputy")
    view = (await deputy.get(f"/api/v1/classes/{w.classes['7Б']}/tests", headers=as_deputy)).json()
    assert (view["class_name"], [t["id"] for t in view["tests"]]) == ("7Б", [test_id])
    assert view["tests"][0]["cancellable"] is False  # the deputy's to read, not to cancel
    secretary, as_secretary = await api(web, "secretary")
    closed = await secretary.get(f"/api/v1/classes/{w.classes['7Б']}/tests", headers=as_secretary)
    assert closed.status_code == 403

    assert (await deputy.delete(f"/api/v1/tests/{test_id}", headers=as_deputy)).status_code == 403
    assert (await math.delete(f"/api/v1/tests/{test_id}", headers=as_math)).status_code == 204
    again = await math.delete(f"/api/v1/tests/{test_id}", headers=as_math)
    assert again.json()["error"]["code"] == "already_deleted"
    view = (await deputy.get(f"/api/v1/classes/{w.classes['7Б']}/tests", headers=as_deputy)).json()
    assert view["tests"] == []


async def test_the_deputy_reads_tests_held_off_schedule(web: Web) -> None:
    w = web.world
    await set_lesson_work_type(
        web.uow(), actor=w.actor("math"), lesson_id=w.lessons["math7"], work_type="test"
    )
    deputy, as_deputy = await api(web, "deputy")
    found = await deputy.get(
        "/api/v1/tests/off-schedule",
        params={"first": "2026-11-16", "last": "2026-11-23"},
        headers=as_deputy,
    )
    assert found.status_code == 200
    [held] = found.json()["held_off_schedule"]
    assert (held["date"], held["class_name"], held["subject"], held["teacher"]) == (
        "2026-11-23",
        "7Б",
        "Математика",
        "Иванова М.П.",
    )
    assert held["lesson_id"] == w.lessons["math7"] and found.json()["not_held"] == []
    backwards = await deputy.get(
        "/api/v1/tests/off-schedule",
        params={"first": "2026-11-23", "last": "2026-11-16"},
        headers=as_deputy,
    )
    assert backwards.json()["error"]["code"] == "test_range_bad"
