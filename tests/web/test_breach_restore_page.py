"""The entries a breach voided, on the web: the administrator sees them on a page and
restores chosen ones with a written reason; the API lists and restores the same. Other
roles are refused.

On SQLite only: the rules and the families' messages are core's
(tests/integration/test_breach_restore.py runs them on both databases); here the
question is what the page and the API show and do.
"""

from __future__ import annotations

from core.models import Mark
from tests.integration.outbox_helpers import audit_trail
from tests.integration.people_helpers import load
from tests.web.browser import Browser, Web
from tests.web.journal_site import site_fixture  # noqa: F401  (the `site` fixture)
from tests.web.pages import table_rows, text_of
from tests.web.test_breach_page import math_mark

REASON = "Отметку поставил сам учитель, взлом был позже"


async def _locked(site: Web) -> tuple[int, Browser]:
    """The math teacher's mark at 10:00, voided by a breach learned of at 09:30."""
    mark = await math_mark(site)
    site.clock.advance(hours=1)
    browser = await site.signed_in("admin")
    await browser.get("/admin/staff")
    math = site.world.staff["math"]
    done = await browser.submit(
        f"/admin/staff/{math}/lock", {"since": "2026-11-23T09:30", "confirm": "yes"}
    )
    assert f'href="/admin/staff/{math}/voided"' in done.text
    assert (await load(site.db, Mark, mark)).deleted_at is not None
    return mark, browser


async def test_the_administrator_restores_a_voided_mark_with_a_reason(site: Web) -> None:
    mark, browser = await _locked(site)
    math = site.world.staff["math"]
    staff_page = await browser.get("/admin/staff")
    assert f'href="/admin/staff/{math}/voided"' in staff_page.text  # from the locked account
    page = await browser.get(f"/admin/staff/{math}/voided")
    assert page.status_code == 200
    assert "Записи, аннулированные после взлома: Иванова М.П." in text_of(page.text)
    [row] = table_rows(page.text)
    assert row[1:5] == ["отметка", "7Б Математика 23.11", "Соколов Пётр", "5"]
    assert row[-1] == "аннулирована"

    empty = await browser.submit(f"/admin/staff/{math}/voided", {"void": "1", "reason": " "})
    assert empty.status_code == 422
    assert "Напишите, почему записи восстанавливаются" in text_of(empty.text)
    assert (await load(site.db, Mark, mark)).deleted_at is not None

    done = await browser.submit(f"/admin/staff/{math}/voided", {"void": "1", "reason": REASON})
    assert done.status_code == 200
    assert "Восстановлена 1 запись" in text_of(done.text)
    [row] = table_rows(done.text)
    assert row[-1].startswith("восстановлена ") and row[-1].endswith(", Белов И.А.")
    assert 'name="void"' not in done.text  # nothing left to choose
    assert (await load(site.db, Mark, mark)).deleted_at is None
    *_, last = await audit_trail(site.db, "mark", mark)
    assert (last.actor_id, last.reason) == (site.world.staff["admin"], REASON)

    again = await browser.submit(f"/admin/staff/{math}/voided", {"void": "1", "reason": REASON})
    assert again.status_code == 422
    assert "Аннулированная запись 1 уже восстановлена." in text_of(again.text)


async def test_other_roles_do_not_see_or_restore_voided_entries(site: Web) -> None:
    mark, _ = await _locked(site)
    math = site.world.staff["math"]
    for who in ("deputy", "secretary", "russian"):
        browser = await site.signed_in(who)
        assert (await browser.get(f"/admin/staff/{math}/voided")).status_code == 403, who
        await browser.get("/password")
        tried = await browser.submit(f"/admin/staff/{math}/voided", {"void": "1", "reason": REASON})
        assert tried.status_code == 403, who
    assert (await load(site.db, Mark, mark)).deleted_at is not None


async def test_the_api_lists_and_restores(site: Web) -> None:
    mark, _ = await _locked(site)
    math = site.world.staff["math"]
    api = site.browser().client
    token = await site.api_token("admin")
    api.headers["Authorization"] = f"Bearer {token.secret}"
    listed = await api.get(f"/api/v1/admin/staff/{math}/voided")
    assert listed.status_code == 200
    body = listed.json()
    assert (body["staff_name"], body["locked"]) == ("Иванова М.П.", True)
    [entry] = body["entries"]
    assert {k: entry[k] for k in ("id", "kind", "lesson_date", "place", "pupil", "value")} == {
        "id": 1,
        "kind": "mark",
        "lesson_date": "2026-11-23",
        "place": "7Б Математика",
        "pupil": "Соколов Пётр",
        "value": "5",
    }
    assert entry["restored_at"] is None and entry["refusal"] is None

    no_reason = await api.post("/api/v1/admin/voided/restore", json={"ids": [1], "reason": ""})
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["code"] == "restore_reason_required"
    restored = await api.post("/api/v1/admin/voided/restore", json={"ids": [1], "reason": REASON})
    assert restored.json() == {"restored": 1}
    assert (await load(site.db, Mark, mark)).deleted_at is None
    again = await api.post("/api/v1/admin/voided/restore", json={"ids": [1], "reason": REASON})
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "already_restored"
    [entry] = (await api.get(f"/api/v1/admin/staff/{math}/voided")).json()["entries"]
    assert (entry["restored_by"], entry["refusal"]) == ("Белов И.А.", "already_restored")

    deputy = site.browser().client
    deputy.headers["Authorization"] = f"Bearer {(await site.api_token('deputy')).secret}"
    assert (await deputy.get(f"/api/v1/admin/staff/{math}/voided")).status_code == 403
    refused = await deputy.post("/api/v1/admin/voided/restore", json={"ids": [1], "reason": REASON})
    assert refused.status_code == 403
