"""The invite-code sheet: A4 slips with the child, the parent, the code, its expiry and a
QR code of the bot's start link for each messenger the school offers, read back from
the PDF (text with pdfium, the QR codes decoded from the rendered page with zxing-cpp)
and tried in the bot's own check."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from core.db import Database
from core.errors import InviteElsewhere, InviteRevoked
from core.messengers import MessengerChat
from core.models import Guardian, InviteCode, Messenger
from core.reports.invite_sheet import InviteSlip, render_invite_sheet, start_links
from core.services.invites import check_invite, issue_invite, redeem_invite
from tests.builders import update_row
from tests.integration.delivery_helpers import add_guardian
from tests.web.browser import Browser, Web
from tests.web.conftest import settings, sites
from tests.web.pages import text_of
from tests.web.pdfs import page_size, pages_text, qr_codes, save_png

GROUP = "[2-9A-HJKMNP-TV-Z]{4}"  # no 0 O 1 I L U: read from paper
SLIP = re.compile(
    rf"Ученик (?P<children>.+?) Родитель (?P<guardian>.+?) Код (?P<code>{GROUP}(?:-{GROUP}){{3}}) "
    r"действует до (?P<until>\d\d\.\d\d\.\d{4})",
    re.IGNORECASE,
)


MAX_BOT = "zvonok_school_max_bot"


@pytest.fixture
async def db(sqlite_db: Database) -> Database:
    return sqlite_db


@pytest.fixture
async def web_max(sqlite_db: Database) -> AsyncIterator[Web]:
    """The web app of a deployment that has a MAX bot besides the Telegram one."""
    async for site in sites(sqlite_db, settings(max_bot_username=MAX_BOT)):
        yield site


async def offer(admin: Browser, *messengers: str) -> None:
    """The administrator chooses the school's messengers on the school's page."""
    await admin.get("/admin/school")
    form = {"_form": "policy", "messengers": ["", *messengers]}
    saved = await admin.submit("/admin/school/policy", form)  # type: ignore[arg-type]
    assert saved.status_code == 303, text_of(saved.text)


def sheet_path(web: Web) -> str:
    return f"/homeroom/{web.world.classes['7Б']}/invite-sheet"


async def sheet(
    web: Web, who: str = "russian", browser: Browser | None = None, **form: str
) -> bytes:
    browser = browser or await web.signed_in(who)
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
    info = await check_invite(
        web.uow(), code=slips["Соколова Анна"]["code"], messenger=Messenger.telegram
    )
    assert info.child_first_names == ("Дарья", "Мария", "Пётр")
    assert (
        await check_invite(
            web.uow(), code=slips["Новиков Павел"]["code"], messenger=Messenger.telegram
        )
    ).purpose == ("guardian")
    with pytest.raises(InviteRevoked):
        await check_invite(web.uow(), code=old.code, messenger=Messenger.telegram)


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


async def test_a_qr_code_for_each_messenger_the_school_offers_and_one_code_for_both(
    web_max: Web,
) -> None:
    w = web_max.world
    admin, teacher = await web_max.signed_in("admin"), await web_max.signed_in("russian")
    await offer(admin, "telegram", "max")
    pdf = await sheet(web_max, browser=teacher)
    save_png(pdf, "invite-sheet-two-messengers.png")
    [page] = pages_text(pdf)
    slips = {m["guardian"]: m["code"] for m in SLIP.finditer(page)}
    assert set(slips) == {"Новиков Павел", "Соколова Анна"}
    assert f"@zvonok_demo_bot в Telegram или @{MAX_BOT} в MAX" in page
    # Each slip: Telegram's QR code, then MAX's, each with the slip's own code.
    assert qr_codes(pdf) == [
        link
        for code in (slips["Новиков Павел"], slips["Соколова Анна"])
        for link in (
            f"https://t.me/zvonok_demo_bot?start={code}",
            f"https://max.ru/{MAX_BOT}?start={code}",
        )
    ]
    # The code works in MAX as in Telegram: the parent subscribes in MAX.
    code = slips["Соколова Анна"]
    assert (await check_invite(web_max.uow(), code=code, messenger=Messenger.max)).purpose == (
        "guardian"
    )
    chat = MessengerChat(Messenger.max, 7_000_000_123)
    await redeem_invite(web_max.uow(), code=code, chat=chat, consent=True)
    async with web_max.db.session() as s:
        guardian = await s.get(Guardian, w.guardians["sokolova"])
    assert guardian is not None and guardian.max_user_id == chat.id

    # A school in MAX only: one QR code, MAX's; the code is refused in Telegram.
    await offer(admin, "max")
    pdf = await sheet(web_max, browser=teacher)
    [page] = pages_text(pdf)
    codes = [m["code"] for m in SLIP.finditer(page)]
    assert qr_codes(pdf) == [f"https://max.ru/{MAX_BOT}?start={code}" for code in codes]
    assert f"найдите в MAX бота @{MAX_BOT}" in page and "Telegram" not in page
    with pytest.raises(InviteElsewhere) as refused:
        await check_invite(web_max.uow(), code=codes[0], messenger=Messenger.telegram)
    assert refused.value.message("ru") == (
        "Ваша школа не использует Telegram для сообщений о детях. "
        "Откройте бота школы в MAX и отправьте код туда."
    )


def test_names_print_as_typed_and_nine_slips_take_two_pages() -> None:
    """Names come from the roster: Typst's markup characters in them print literally.
    Four rows of two slips fill a page; the ninth slip starts the next one."""
    made = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    bots = {Messenger.telegram: "zvonok_demo_bot"}
    odd = '#panic("x") *Иванова* _Анна_ ] $1$'
    codes = [f"ABCD-EFGH-JKMN-{digit}QRS" for digit in "23456789A"]
    slips = [
        InviteSlip(
            guardian_id=i,
            guardian_name=odd if i == 0 else f"Петрова Ольга {i}",
            children=(f"Петров Иван {i}, 7Б",),
            language="ru",
            code=code,
            expires_at=made,
            links=start_links(bots, ["telegram"], code),
        )
        for i, code in enumerate(codes)
    ]
    pdf = render_invite_sheet(slips, klass="7Б", made=made, language="ru", offered="Telegram")
    pages = pages_text(pdf)
    assert len(pages) == 2
    assert [m["guardian"] for m in SLIP.finditer(pages[0])] == [odd] + [
        f"Петрова Ольга {i}" for i in range(1, 8)
    ]
    assert [m["code"] for m in SLIP.finditer(pages[1])] == codes[8:]
    assert qr_codes(pdf, 1) == [f"https://t.me/zvonok_demo_bot?start={codes[8]}"]
