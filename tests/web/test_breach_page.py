"""Locking an account after a breach on the web: the page shows whom it locks and how
many entries it voids, and acts only when confirmed; the API does the same in two calls.

On SQLite only: the rules are core's (tests/integration/test_breach_rules.py runs them
on both databases); here the question is what the page and the API show and do.
"""

from __future__ import annotations

from core.models import Mark, Staff
from core.services.marks import post_mark
from tests.integration.people_helpers import load
from tests.web.browser import Browser, Web
from tests.web.conftest import settings
from tests.web.journal_site import site_fixture  # noqa: F401  (the `site` fixture)
from tests.web.pages import text_of
from webapp.app import create_app


async def math_mark(site: Web) -> int:
    """A mark the math teacher puts at 10:00 (Moscow), before the breach is learned of."""
    w = site.world
    mark = await post_mark(
        site.uow(),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        student_id=w.students["petya"],
        value=5,
    )
    return mark.id or 0


async def admin_at_lock_page(site: Web, since: str, *, status: int = 200) -> tuple[Browser, str]:
    browser = await site.signed_in("admin")
    staff_page = await browser.get("/admin/staff")
    math = site.world.staff["math"]
    # The staff page's «Lock…» only opens the preview (a GET form: nothing is sent yet).
    assert f'<form method="get" action="/admin/staff/{math}/lock"' in staff_page.text
    preview = await browser.get(f"/admin/staff/{math}/lock?since={since}")
    assert preview.status_code == status
    return browser, text_of(preview.text)


async def test_the_page_shows_what_the_lock_voids_and_locks_only_when_confirmed(
    site: Web,
) -> None:
    mark = await math_mark(site)
    teacher = await site.signed_in("math")
    site.clock.advance(hours=1)
    browser, preview = await admin_at_lock_page(site, "2026-11-23T09:30")
    assert "После подтверждения учётная запись Иванова М.П. будет заблокирована" in preview
    assert (
        "Будет аннулирована 1 запись, внесённая с этой учётной записи с 23.11.2026, 09:30: "
        "1 отметка 0 записей о посещаемости 0 домашних заданий 0 замечаний"
    ) in preview
    assert "Заблокировать и аннулировать 1 запись" in preview

    math = site.world.staff["math"]
    again = await browser.submit(f"/admin/staff/{math}/lock", {"since": "2026-11-23T09:30"})
    assert again.status_code == 200 and "Будет аннулирована 1 запись" in text_of(again.text)
    assert (await load(site.db, Staff, math)).locked_at is None, "no confirmation, no lock"
    assert (await load(site.db, Mark, mark)).deleted_at is None
    assert (await teacher.get("/today")).status_code == 200

    done = await browser.submit(
        f"/admin/staff/{math}/lock", {"since": "2026-11-23T09:30", "confirm": "yes"}
    )
    assert done.status_code == 200
    assert (
        "Учётная запись Иванова М.П. заблокирована. "
        "Аннулирована 1 запись, внесённая с 23.11.2026, 09:30."
    ) in text_of(done.text)
    assert (await load(site.db, Staff, math)).locked_at == site.clock.now
    assert (await load(site.db, Mark, mark)).deleted_at == site.clock.now
    assert (await teacher.get("/today")).status_code == 303


async def test_a_breach_further_back_than_the_setting_is_refused_and_nothing_happens(
    site: Web,
) -> None:
    site.app = create_app(
        settings=settings(breach_lookback_days=2), database=site.db, clock=site.clock
    )
    mark = await math_mark(site)
    browser, preview = await admin_at_lock_page(site, "2026-11-21T09:59", status=422)
    assert "не более чем за 2 дня: укажите время не раньше 21.11.2026 10:00." in preview
    assert "Заблокировать и аннулировать" not in preview
    math = site.world.staff["math"]
    refused = await browser.submit(
        f"/admin/staff/{math}/lock", {"since": "2026-11-21T09:59", "confirm": "yes"}
    )
    assert refused.status_code == 422
    assert "не более чем за 2 дня" in text_of(refused.text)
    assert (await load(site.db, Staff, math)).locked_at is None
    assert (await load(site.db, Mark, mark)).deleted_at is None

    allowed = await browser.get(f"/admin/staff/{math}/lock?since=2026-11-21T10:00")
    assert "Заблокировать и аннулировать 1 запись" in text_of(allowed.text)


async def test_the_api_previews_then_locks_when_confirmed(site: Web) -> None:
    await math_mark(site)
    token = await site.api_token("deputy")
    api = site.browser().client
    api.headers["Authorization"] = f"Bearer {token.secret}"
    math = site.world.staff["math"]
    body = {"since": "2026-11-23T09:30:00"}  # no zone: the school's clock
    preview = await api.post(f"/api/v1/admin/staff/{math}/lock", json=body)
    assert preview.status_code == 200
    counts = {"marks": 1, "attendance": 0, "homework": 0, "remarks": 0, "total": 1}
    assert preview.json() == {
        "confirmed": False,
        "staff_id": math,
        "since": "2026-11-23T09:30:00+03:00",
        "entries": counts,
        "voided": 0,
    }
    assert (await load(site.db, Staff, math)).locked_at is None

    locked = await api.post(f"/api/v1/admin/staff/{math}/lock", json={**body, "confirm": True})
    assert locked.json() == {**preview.json(), "confirmed": True, "voided": 1}
    assert (await load(site.db, Staff, math)).locked_at is not None

    too_far = await api.post(
        f"/api/v1/admin/staff/{site.world.staff['russian']}/lock",
        json={"since": "2026-11-01T09:00:00", "confirm": True},
    )
    assert too_far.status_code == 422
    assert too_far.json()["error"]["code"] == "breach_too_far_back"
    admin = await api.post(f"/api/v1/admin/staff/{site.world.staff['admin']}/lock", json={})
    assert admin.status_code == 422
    assert admin.json()["error"]["code"] == "breach_last_admin"
