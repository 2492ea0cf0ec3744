"""The invite-code sheet: A4 slips with the child, the parent, the code, its expiry and a
QR code of the bot's deep link, read back from the PDF (text with pdfium, the QR codes
decoded from the rendered page with zxing-cpp) and tried in the bot's own check."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from core.db import Database
from core.errors import InviteRevoked
from core.models import Guardian, InviteCode
from core.services.invites import check_invite, issue_invite
from tests.builders import update_row
from tests.integration.delivery_helpers import add_guardian
from tests.web.browser import Web
from tests.web.pages import text_of
from tests.web.pdfs import page_size, pages_text, qr_codes, save_png

GROUP = "[2-9A-HJKMNP-TV-Z]{4}"  # no 0 O 1 I L U: read from paper
SLIP = re.compile(
    rf"Ученик (?P<children>.+?) Родитель (?P<guardian>.+?) Код (?P<code>{GROUP}(?:-{GROUP}){{3}}) "
    r"действует до (?P<until>\d\d\.\d\d\.\d{4})",
    re.IGNORECASE,
)


@pytest.fixture
async def db(sqlite_db: Database) -> Database:
    return sqlite_db


def sheet_path(web: Web) -> str:
    return f"/homeroom/{web.world.classes['7Б']}/invite-sheet"


async def sheet(web: Web, who: str = "russian", **form: str) -> bytes:
    browser = await web.signed_in(who)
    await browser.get(f"/homeroom/{web.world.classes['7Б']}")
    response = await browser.submit(sheet_path(web), form)
    assert response.status_code == 200, text_of(response.text)
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'inline; filename="kody-priglasheniia-7b-2026-11-23.pdf"'
    )
    return response.content


async def test_a_slip_for_each_parent_with_a_working_code_and_its_qr(web: Web) -> None:
    w = web.world
    old = await issue_invite(
        web.uow(), actor=w.actor("russian"), guardian_id=w.guardians["novikov"]
    )
    pdf = await sheet(web)
    save_png(pdf, "invite-sheet.png")
    assert page_size(pdf) == (595, 842)
    [page] = pages_text(pdf)
    slips = {m["guardian"]: m.groupdict() for m in SLIP.finditer(page)}
    assert {g: (s["children"], s["until"]) for g, s in slips.items()} == {
        "Новиков Павел": ("Новиков Иван, 7Б", "07.12.2026"),  # 14 days from 23.11
        "Соколова Анна": ("Соколов Пётр, 7Б Соколова Мария, 7Б", "07.12.2026"),
    }
    assert "@zvonok_demo_bot" in page

    # What a phone's camera reads is the bot's deep link with the printed code.
    codes = [s["code"] for s in slips.values()]
    links = {f"https://t.me/zvonok_demo_bot?start={code}" for code in codes}
    assert set(qr_codes(pdf)) == links

    # The bot accepts each code for its parent; the code printed before is revoked.
    info = await check_invite(web.uow(), code=slips["Соколова Анна"]["code"])
    assert info.child_first_names == ("Дарья", "Мария", "Пётр")
    assert (await check_invite(web.uow(), code=slips["Новиков Павел"]["code"])).purpose == (
        "guardian"
    )
    with pytest.raises(InviteRevoked):
        await check_invite(web.uow(), code=old.code)


async def test_only_parents_not_yet_in_the_bot(web: Web) -> None:
    w = web.world
    await update_row(web.db, Guardian, w.guardians["sokolova"], telegram_chat_id=5001)
    await add_guardian(web.db, w, "Пётр", ["masha"], consent=False, telegram=5002)
    pdf = await sheet(web, only_unsubscribed="true")
    [page] = pages_text(pdf)
    assert [m["guardian"] for m in SLIP.finditer(page)] == ["Новиков Павел", "Соколов Пётр"]


async def test_no_sheet_when_everyone_is_in_the_bot_and_no_code_is_issued(web: Web) -> None:
    w = web.world
    await update_row(web.db, Guardian, w.guardians["sokolova"], telegram_chat_id=5001)
    await update_row(web.db, Guardian, w.guardians["novikov"], telegram_chat_id=5003)
    browser = await web.signed_in("russian")
    await browser.get(f"/homeroom/{w.classes['7Б']}")
    refused = await browser.submit(sheet_path(web), {"only_unsubscribed": "true"})
    assert refused.status_code == 422
    assert "Все родители 7Б уже подключены к боту." in text_of(refused.text)


async def test_the_deputy_may_not_issue_codes(web: Web) -> None:
    browser = await web.signed_in("deputy")
    await browser.get("/password")
    refused = await browser.submit(sheet_path(web))
    assert refused.status_code == 403
    async with web.db.session() as s:
        assert (await s.exec(select(InviteCode))).all() == []


async def test_the_api_gives_the_same_sheet_in_english(web: Web) -> None:
    w = web.world
    token = await web.api_token("secretary", name="t")
    client = web.browser().client
    response = await client.post(
        f"/api/v1/classes/{w.classes['7Б']}/invite-sheet",
        json={"only_unsubscribed": False},
        headers={"Authorization": f"Bearer {token.secret}", "Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    [page] = pages_text(response.content)
    assert "Invite codes, 7Б, 23/11/2026" in page
    # Each slip is in its parent's own language: Russian for both here.
    assert len(SLIP.findall(page)) == 2
