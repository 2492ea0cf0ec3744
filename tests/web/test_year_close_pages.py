"""The administrator's year close page: what is closed, by whom and when; closing a
period after a confirmation that lists what is missing; everyone else gets 403.

SQLite only: the services are tested on both databases in
tests/integration/test_year_close.py.
"""

from __future__ import annotations

from core.models import Period
from tests.web.browser import Web
from tests.web.pages import row_with, text_of


async def test_the_administrator_closes_a_quarter_after_confirming(web: Web) -> None:
    w = web.world
    browser = await web.signed_in("admin")
    page = await browser.get("/admin/closing")
    assert page.status_code == 200
    q1 = w.periods["1 четверть"]
    confirm_link = f"/admin/closing/years/{w.year_id}/periods/{q1}"
    assert confirm_link in page.text  # the first quarter is over: it may be closed
    assert f'/periods/{w.periods["2 четверть"]}"' not in page.text  # not yet over

    confirm = await browser.get(confirm_link)
    shown = text_of(confirm.text)
    assert confirm.status_code == 200
    # No quarter marks were given in the world: 7Б's mathematics lacks all three pupils'.
    assert row_with(confirm.text, "7Б", "Математика")[-1].count(",") == 2
    assert "1 четверть" in shown and 'name="confirm"' in confirm.text

    done = await browser.submit(f"/admin/closing/periods/{q1}", {"confirm": "1"})
    assert (done.status_code, done.headers["location"]) == (303, "/admin/closing?saved=1")
    async with web.db.session() as s:
        period = await s.get(Period, q1)
    assert period is not None and period.closed_by == w.staff["admin"]
    listing = await browser.get("/admin/closing")
    assert "Белов И.А." in row_with(listing.text, "1 четверть")[-2]
    assert confirm_link not in listing.text


async def test_only_the_administrator_sees_the_year_close(web: Web) -> None:
    w = web.world
    for who in ("secretary", "deputy", "math"):
        browser = await web.signed_in(who)
        for path in ("/admin/closing", f"/admin/closing/years/{w.year_id}"):
            page = await browser.get(path)
            assert page.status_code == 403, (who, path)
        if who == "secretary":
            school = await browser.get("/admin/school")
            assert "/admin/closing" not in school.text  # no tab for what they cannot open
    admin = await web.signed_in("admin")
    assert "/admin/closing" in (await admin.get("/admin/school")).text


async def test_a_program_previews_then_closes_a_period(web: Web) -> None:
    w = web.world
    api = web.browser().client
    admin = {"Authorization": f"Bearer {(await web.api_token('admin', name='close')).secret}"}
    path = f"/api/v1/admin/closing/years/{w.year_id}/periods/{w.periods['1 четверть']}"
    preview = await api.post(path, json={}, headers=admin)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["closed"] is False and body["closed_at"] is None
    math = next(m for m in body["missing"] if (m["place"], m["subject"]) == ("7Б", "Математика"))
    assert len(math["pupils"]) == 3
    done = await api.post(path, json={"confirm": True}, headers=admin)
    assert done.json()["closed"] is True
    [year] = (await api.get("/api/v1/admin/closing", headers=admin)).json()
    q1 = next(p for p in year["periods"] if p["name"] == "1 четверть")
    assert q1["closed_by"] == "Белов И.А." and q1["closable"] is False

    teacher = {"Authorization": f"Bearer {(await web.api_token('math', name='t')).secret}"}
    refused = await api.post(path, json={"confirm": True}, headers=teacher)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
