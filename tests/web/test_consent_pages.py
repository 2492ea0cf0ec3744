"""The consent page: the report by class (class teacher: their class only), a new text
version published by the administrator (page and API), the paper form, the export and
erasure on a guardian's card."""

from __future__ import annotations

import json

from tests.web.browser import Web
from tests.web.pages import text_of
from tests.web.pdfs import pages_text


async def test_consent_report_and_its_readers(web: Web) -> None:
    teacher = await web.signed_in("russian")  # the class teacher of 7Б
    page = text_of((await teacher.get("/consent")).text)
    assert "7Б" in page and "Новиков Павел" in page and "10А" not in page
    assert "Версии текста согласия" not in page
    math = await web.signed_in("math")
    refused = await math.get("/consent")
    assert refused.status_code == 403 and "классный руководитель" in text_of(refused.text)


async def test_admin_publishes_a_version_and_handles_a_parents_request(web: Web) -> None:
    admin = await web.signed_in("admin")
    await admin.get("/consent")
    made = await admin.submit(
        "/consent/versions",
        {"ru": "Версия два.", "requires_reconsent": "true"},
        follow_redirects=True,
    )
    assert "Версия 2, опубликована" in text_of(made.text)
    assert "запрошено повторное согласие" in text_of(made.text)

    gid = web.world.guardians["novikov"]
    card = await admin.get(f"/consent/guardian/{gid}")
    assert "Согласие действует" in text_of(card.text)
    data = json.loads((await admin.get(f"/consent/guardian/{gid}/export.json")).content)
    assert data["contacts"]["phone"] == "+79160000002"
    pdf = (await admin.get(f"/consent/guardian/{gid}/export.pdf")).content
    assert "Новиков Павел" in "".join(pages_text(pdf))

    erased = await admin.submit(f"/consent/guardian/{gid}/erase", follow_redirects=True)
    assert "Персональные данные удалены" in text_of(erased.text)
    assert "Согласие не действует" in text_of(erased.text)
    report = text_of((await admin.get("/consent")).text)
    assert "по заявлению родителя" in report and "contacts: 2" in report


async def test_publishing_through_the_api(web: Web) -> None:
    token = await web.api_token("admin", name="consent")
    api = web.browser().client
    auth = {"Authorization": f"Bearer {token.secret}"}
    made = await api.post(
        "/api/v1/consent/versions",
        headers=auth,
        json={"texts": {"ru": "Третья редакция."}, "requires_reconsent": False},
    )
    assert made.status_code == 201 and made.json()["version"] == 2
    refused = await api.post("/api/v1/consent/versions", headers=auth, json={"texts": {}})
    assert refused.status_code == 422
    listed = (await api.get("/api/v1/consent/versions", headers=auth)).json()
    assert [v["version"] for v in listed] == [2, 1]


async def test_the_secretary_enters_paper_forms(web: Web) -> None:
    secretary = await web.signed_in("secretary")
    gid = web.world.guardians["morozova"]
    await secretary.get(f"/consent/guardian/{gid}")
    withdrawn = await secretary.submit(
        f"/consent/guardian/{gid}/paper", {"decision": "withdraw"}, follow_redirects=True
    )
    assert "Согласие не действует" in text_of(withdrawn.text)
    given = await secretary.submit(
        f"/consent/guardian/{gid}/paper", {"decision": "give"}, follow_redirects=True
    )
    page = text_of(given.text)
    assert "Согласие действует" in page and "Согласие не действует" not in page
    assert "отозвано" in page and "дано" in page and page.count("paper") >= 2
    teacher = await web.signed_in("russian")
    assert (await teacher.get(f"/consent/guardian/{gid}")).status_code == 403


async def test_a_class_teacher_finds_the_report_from_the_homeroom_page(web: Web) -> None:
    teacher = await web.signed_in("russian")
    page = await teacher.get("/homeroom", follow_redirects=True)
    assert 'href="/consent"' in page.text
