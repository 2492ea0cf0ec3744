"""A closed period's journal in the web app: read-only for everyone, with a banner;
the administrator corrects it with a written reason (the X-Correction-Reason header,
which the lesson page's reason field adds to every save).

SQLite only: the guard and the corrections are tested on both databases in
tests/integration/test_year_close*.py.
"""

from __future__ import annotations

from urllib.parse import quote

from core.actors import StaffActor
from core.models import Lesson
from core.reading.corrections import class_corrections
from tests.builders import uow_at
from tests.integration.outbox_helpers import audit_trail
from tests.integration.year_close_helpers import Q1, closed_quarter
from tests.web.browser import Web

REASON = "Тема записана с ошибкой, по служебной записке учителя"


async def _api(web: Web, who: str) -> dict[str, str]:
    token = await web.api_token(who, name="closed")
    return {"Authorization": f"Bearer {token.secret}"}


async def test_a_teacher_reads_a_closed_lesson_and_cannot_change_it(web: Web) -> None:
    closed = await closed_quarter(web.db, world=web.world)
    w = closed.w
    teacher = await web.signed_in("math")
    page = await teacher.get(f"/lessons/{closed.lesson_id}")
    assert page.status_code == 200
    assert 'id="closed"' in page.text and "1 четверть" in page.text
    assert 'id="correction-reason"' not in page.text and 'class="w"' not in page.text
    grid = await teacher.get(
        f"/journal?class={w.classes['7Б']}&subject={w.subjects['Математика']}"
        f"&period={w.periods[Q1]}"
    )
    assert 'id="closed"' in grid.text and 'class="w"' not in grid.text

    api = web.browser().client
    refused = await api.patch(
        f"/api/v1/marks/{closed.mark_id}", json={"value": 5}, headers=await _api(web, "math")
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "journal_closed_period"


async def test_the_administrator_corrects_with_a_reason(web: Web) -> None:
    closed = await closed_quarter(web.db, world=web.world)
    web.clock.advance(hours=1)  # the correction comes after the closing
    w = closed.w
    admin = await web.signed_in("admin")
    page = await admin.get(f"/lessons/{closed.lesson_id}")
    assert 'id="correction-reason"' in page.text and "/static/correction.js" in page.text

    # Saving without the reason is refused, and says how to correct.
    plain = await admin.htmx(f"/lessons/{closed.lesson_id}/topic")
    assert plain.status_code == 422
    headers = {"HX-Request": "true", "X-CSRF-Token": admin.htmx_token()}
    sent = await admin.client.post(
        f"/lessons/{closed.lesson_id}/topic",
        data={"topic": "Обыкновенные дроби"},
        headers={**headers, "X-Correction-Reason": quote(REASON)},
    )
    assert sent.status_code == 200, sent.text
    async with web.db.session() as s:
        lesson = await s.get(Lesson, closed.lesson_id)
    assert lesson is not None and lesson.topic == "Обыкновенные дроби"
    [entry] = await audit_trail(web.db, "lesson", closed.lesson_id)
    assert entry.reason == REASON and entry.actor_id == w.staff["admin"]

    # Through the API: a reason of one word is no reason.
    api, token = web.browser().client, await _api(web, "admin")
    short = await api.patch(
        f"/api/v1/marks/{closed.mark_id}",
        json={"value": 3},
        headers={**token, "X-Correction-Reason": quote("ошибка")},
    )
    assert short.status_code == 422
    assert short.json()["error"]["code"] == "correction_reason_required"
    done = await api.patch(
        f"/api/v1/marks/{closed.mark_id}",
        json={"value": 3},
        headers={**token, "X-Correction-Reason": quote(REASON)},
    )
    assert done.status_code == 200 and done.json()["value"] == 3

    teacher = StaffActor(staff_id=w.staff["russian"], school_id=w.school_id)  # 7Б's class teacher
    found = await class_corrections(uow_at(web.db), actor=teacher, class_id=w.classes["7Б"])
    assert [(c.entity, c.reason) for c in found] == [("lesson", REASON), ("mark", REASON)]
    assert {f.field: (f.old, f.new) for f in found[0].changes} == {
        "topic": ("Дроби", "Обыкновенные дроби")
    }
