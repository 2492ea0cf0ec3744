"""The stand-ins' chat page (Telegram's and MAX's): served by each stand-in, fed by its
control API.

A newcomer running `zvonok run` opens the page, picks a demo parent whose invite code
the page shows, and talks to the bot. These tests fetch the page and its script, list
codes issued for a loaded demo school, and drive the page's JSON flow (the same
requests its script makes) against the real bot polling the stand-in.
(tests/browser/test_chat_page.py drives the page itself in Chromium.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import stat
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from core.cli.demo import INVITES_FILE, save_demo_invites
from core.db import Database
from core.demo import load_demo
from core.models import Messenger
from core.services.invites import check_invite
from core.uow import UnitOfWork
from notifier.max_api import MaxApi
from notifier.max_models import CallbackButton, LinkButton, inline_keyboard
from notifier.standins.max_control import run_max_standin
from notifier.standins.telegram_control import run_telegram_emulator
from tests.bot.harness import MaxSide, running_bot
from tests.builders import build_world
from tests.integration.telegram_fixtures import bot_for

DEMO_TODAY = dt.date(2026, 11, 23)
PARENT = 100001  # the chat the page gives the first person of the invite sheet
# Every request the page's script makes, per messenger.
PAGE_ENDPOINTS = {
    "telegram": (
        "/_emulator/sent?chat_id=",
        "/_emulator/received?chat_id=",
        "/_emulator/chats",
        "/_emulator/demo/invites",
        "/_emulator/updates/message",
        "/_emulator/updates/callback",
        "/_emulator/callback_answers",
        "/_emulator/documents/",
    ),
    "max": (
        "/_standin/sent?user_id=",
        "/_standin/received?user_id=",
        "/_standin/chats",
        "/_standin/demo/invites",
        "/_standin/updates/message",
        "/_standin/updates/start",
        "/_standin/updates/callback",
        "/_standin/answers",
        "/_standin/files/",
    ),
}
MESSENGERS = sorted(PAGE_ENDPOINTS)
PREFIX = {"telegram": "/_emulator", "max": "/_standin"}


@contextlib.asynccontextmanager
async def serving(messenger: str, invites_file: Path | None = None) -> AsyncIterator[str]:
    """The messenger's stand-in; yields its base URL."""
    run: Callable[..., contextlib.AbstractAsyncContextManager[Any]] = (
        run_max_standin if messenger == "max" else run_telegram_emulator
    )
    async with run(invites_file=invites_file) as running:
        yield running.base_url


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def get_json(http: aiohttp.ClientSession, url: str, status: int = 200) -> Any:
    async with http.get(url) as response:
        assert response.status == status, await response.text()
        return await response.json()


async def post_json(http: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> Any:
    async with http.post(url, json=body) as response:
        assert response.status == 200, await response.text()
        return await response.json()


@pytest.mark.parametrize("messenger", MESSENGERS)
async def test_the_page_and_its_script_are_served_by_the_stand_in(
    http: aiohttp.ClientSession, messenger: str
) -> None:
    async with serving(messenger) as base:
        async with http.get(f"{base}/") as response:
            assert response.status == 200 and response.url.path == "/chat/"
            assert response.content_type == "text/html"
            page = await response.text()
        for element in ('id="invites"', 'id="messages"', 'id="keyboard"', 'id="compose"'):
            assert element in page
        assert 'id="start-link"' in page and 'id="open-link"' in page
        assert 'id="user-id"' in page and 'src="chat.js"' in page and 'href="chat.css"' in page
        assert "://" not in page  # nothing loaded from elsewhere: no CDN, works offline
        config = re.search(r'<script id="config" type="application/json">(.*?)</script>', page)
        assert config is not None and json.loads(config.group(1)) == {"messenger": messenger}
        async with http.get(f"{base}/chat/chat.js") as response:
            assert response.status == 200 and "javascript" in response.content_type
            script = await response.text()
        for endpoint in PAGE_ENDPOINTS[messenger]:
            assert endpoint in script
        assert "innerHTML" not in script  # the bot's HTML is rebuilt node by node
        async with http.get(f"{base}/chat/chat.css") as response:
            assert response.status == 200 and response.content_type == "text/css"


def script_texts(page: str) -> dict[str, str]:
    """The texts the page hands its script (a JSON block)."""
    found = re.search(r'<script id="texts" type="application/json">(.*?)</script>', page, re.S)
    assert found is not None
    texts: dict[str, str] = json.loads(found.group(1))
    return texts


@pytest.mark.parametrize(
    ("messenger", "title", "language", "problem"),
    [
        (
            "telegram",
            "Chat with the bot (Telegram emulator)",
            "Telegram language",
            "the emulator was started without --invites-file: no codes",
        ),
        (
            "max",
            "Chat with the bot (MAX stand-in)",
            "MAX language",
            "the stand-in was started without --invites-file: no codes",
        ),
    ],
)
async def test_the_page_speaks_the_browsers_language_and_offers_every_parents_language(
    http: aiohttp.ClientSession, messenger: str, title: str, language: str, problem: str
) -> None:
    async with serving(messenger) as base:
        async with http.get(f"{base}/chat/") as response:
            russian = await response.text()
        english_url = f"{base}/chat/"
        async with http.get(english_url, headers={"Accept-Language": "en-GB,en;q=0.9"}) as response:
            english = await response.text()
        invites = await get_json(http, f"{base}{PREFIX[messenger]}/demo/invites?lang=en")
    assert "<h1>Чат с ботом" in russian and 'lang="ru"' in russian
    assert "<h1>Chat with the bot" in english and 'lang="en"' in english
    assert title.lower() in english.lower() and language in english
    assert script_texts(english)["write"] == "Write"
    assert script_texts(russian)["write"] == "Написать"
    assert script_texts(russian)["started_with"] == "Бот запущен с кодом %(payload)s"
    # A newcomer can try the bot as a parent reading Uzbek, Tajik or Kyrgyz.
    for code, name in (("uz", "O‘zbekcha"), ("tg", "Тоҷикӣ"), ("ky", "Кыргызча")):
        assert f'<option value="{code}">{name}</option>' in english
    assert invites["problem"] == problem


async def test_demo_invites_are_issued_at_load_and_listed_on_the_page(
    db: Database, tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    summary = await load_demo(db, today=DEMO_TODAY, scale=0.05)
    path = await save_demo_invites(db, tmp_path, summary.school_id)
    assert path == tmp_path / INVITES_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # names of the demo's families
    async with run_telegram_emulator(invites_file=path) as emu:
        sheet = await get_json(http, f"{emu.base_url}/_emulator/demo/invites")
    invites = sheet["invites"]
    assert [i["code"] for i in invites] == [
        i["code"] for i in json.loads(path.read_text())["invites"]
    ]
    assert sheet["bot"]["username"] == "zvonok_demo_bot"
    async with serving("max", path) as base:  # the MAX page lists the same codes
        max_sheet = await get_json(http, f"{base}/_standin/demo/invites")
    assert max_sheet["invites"] == invites and max_sheet["bot"]["username"] == "zvonok_demo_bot"
    guardians = [i for i in invites if i["kind"] == "guardian"]
    [teacher] = [i for i in invites if i["kind"] == "staff"]
    assert len(guardians) >= 4 and len({i["code"] for i in invites}) == len(invites)
    # One parent follows children in two classes: the bot's «which child» answers show.
    assert any(len(g["about"]) == 2 for g in guardians)
    for guardian in guardians:
        info = await check_invite(
            UnitOfWork(db), code=guardian["code"], messenger=Messenger.telegram
        )
        assert info.purpose == "guardian"
        assert sorted(info.child_first_names) == sorted(c.split()[0] for c in guardian["about"])
    assert (
        await check_invite(UnitOfWork(db), code=teacher["code"], messenger=Messenger.telegram)
    ).purpose == "staff"
    # The teacher whose code is on the page is the class teacher of the demo logins.
    [class_teacher] = [row for row in summary.logins if row[0].startswith("Классный")]
    assert (teacher["name"], teacher["about"]) == (class_teacher[3], [class_teacher[0]])


@pytest.mark.parametrize("messenger", MESSENGERS)
async def test_the_page_says_why_there_are_no_codes(
    tmp_path: Path, http: aiohttp.ClientSession, messenger: str
) -> None:
    missing = tmp_path / INVITES_FILE
    async with serving(messenger, missing) as base:
        invites_url = f"{base}{PREFIX[messenger]}/demo/invites"
        sheet = await get_json(http, invites_url)
        assert sheet["invites"] == [] and str(missing) in sheet["problem"]
        missing.write_text("{not json", encoding="utf-8")
        broken = await get_json(http, invites_url, status=500)
        assert str(missing) in broken["error"]
    async with serving(messenger) as base:
        sheet = await get_json(http, f"{base}{PREFIX[messenger]}/demo/invites")
        assert sheet["invites"] == [] and "--invites-file" in sheet["problem"]


async def test_a_message_typed_on_the_page_is_answered_by_the_real_bot(
    sqlite_db: Database, redis_url: str, http: aiohttp.ClientSession
) -> None:
    await build_world(sqlite_db)
    async with running_bot(sqlite_db, redis_url) as system:
        base = system.emulator.base_url
        typed = await post_json(
            http,
            f"{base}/_emulator/updates/message",
            {"user_id": PARENT, "text": "/start", "first_name": "Анна", "language_code": "ru"},
        )
        sent = await get_json(
            http, f"{base}/_emulator/sent?chat_id={PARENT}&wait_count=1&within=10"
        )
        [answer] = sent["messages"]
        assert "код" in answer["text"] and answer["message_id"] > typed["message_id"]
        received = await get_json(http, f"{base}/_emulator/received?chat_id={PARENT}")
        [mine] = received["messages"]
        assert (mine["message_id"], mine["text"]) == (typed["message_id"], "/start")
        chats = await get_json(http, f"{base}/_emulator/chats")
        assert {"chat_id": PARENT, "first_name": "Анна"} in chats["chats"]
        # Another chat on the page shows nothing of this one.
        other = await get_json(http, f"{base}/_emulator/received?chat_id={PARENT + 1}")
        assert other["messages"] == []
        assert (await get_json(http, f"{base}/_emulator/sent?chat_id={PARENT + 1}"))[
            "messages"
        ] == []


async def test_a_start_and_a_message_on_the_max_page_are_answered_by_the_real_bot(
    sqlite_db: Database, redis_url: str, http: aiohttp.ClientSession
) -> None:
    await build_world(sqlite_db)
    async with running_bot(sqlite_db, redis_url, Messenger.max) as system:
        assert isinstance(system.side, MaxSide)
        base = system.side.running.base_url
        who = {"user_id": PARENT, "first_name": "Анна", "locale": "ru"}
        # The start link without a code, as a parent who found the bot by its name.
        started = await post_json(http, f"{base}/_standin/updates/start", who)
        sent = await get_json(http, f"{base}/_standin/sent?user_id={PARENT}&wait_count=1&within=10")
        [answer] = sent["messages"]
        assert "код" in answer["text"]
        assert await system.side.standin.updates.wait_acknowledged(int(started["seq"]), 10)
        await post_json(http, f"{base}/_standin/updates/message", who | {"text": "Привет"})
        await get_json(http, f"{base}/_standin/sent?user_id={PARENT}&wait_count=2&within=10")
        received = await get_json(http, f"{base}/_standin/received?user_id={PARENT}")
        start, hello = received["messages"]
        assert (start["start"], hello["text"]) == ("", "Привет")
        # In the chat's order: the start, the bot's answer, the message.
        assert start["seq"] < answer["seq"] < hello["seq"]
        chats = await get_json(http, f"{base}/_standin/chats")
        assert chats["chats"] == [{"user_id": PARENT, "first_name": "Анна"}]
        # Another chat on the page shows nothing of this one.
        other = await get_json(http, f"{base}/_standin/received?user_id={PARENT + 1}")
        assert other["messages"] == []


async def test_the_control_api_gives_the_page_what_it_draws(
    http: aiohttp.ClientSession,
) -> None:
    """A formatted message with inline buttons (then edited), a reply keyboard, a document."""
    async with run_telegram_emulator() as emulator:
        base, bot = emulator.base_url, bot_for(emulator)
        # Sent back to back, as no handler would: Telegram's 1 a second per chat is off here.
        await emulator.control.set_limits(enabled=False)
        await emulator.control.inject_start(PARENT)
        inline = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Принять", callback_data="consent:yes")]]
        )
        first = await bot.send_message(
            PARENT, "<b>Согласие</b> на обработку", parse_mode="HTML", reply_markup=inline
        )
        await bot.edit_message_text(
            "<b>Согласие</b> получено", chat_id=PARENT, message_id=first.message_id,
            parse_mode="HTML",
        )  # fmt: skip
        menu = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Оценки")]], resize_keyboard=True)
        keyboard = await bot.send_message(PARENT, "Меню", reply_markup=menu)
        pdf = BufferedInputFile(b"%PDF-1.7 demo", filename="week.pdf")
        document = await bot.send_document(PARENT, pdf)
        await bot.session.close()
        sent = await get_json(http, f"{base}/_emulator/sent?chat_id={PARENT}")
        by_id = {m["message_id"]: m for m in sent["messages"]}
        edited = by_id[first.message_id]
        assert edited["text"] == "<b>Согласие</b> получено" and edited["parse_mode"] == "HTML"
        assert edited["edited_at"] is not None and not edited["reply_markup"]
        assert by_id[keyboard.message_id]["reply_markup"]["keyboard"] == [[{"text": "Оценки"}]]
        shown = by_id[document.message_id]
        assert (shown["method"], shown["document_name"]) == ("sendDocument", "week.pdf")
        async with http.get(f"{base}/_emulator/documents/{document.message_id}") as response:
            assert await response.read() == b"%PDF-1.7 demo"
        # A tap on a message the bot never sent is refused, with a reason the page shows.
        async with http.post(
            f"{base}/_emulator/updates/callback",
            json={"user_id": PARENT, "message_id": document.message_id + 1000, "data": "x"},
        ) as response:
            assert response.status == 400


async def test_the_max_control_api_gives_the_page_what_it_draws(
    http: aiohttp.ClientSession,
) -> None:
    """A formatted message with a callback and a link button (then edited), and a file."""
    async with run_max_standin() as max_, MaxApi(max_.token, max_.base_url) as api:
        base = max_.base_url
        await max_.control.inject_start(user_id=PARENT, payload="CODE-1")
        buttons = inline_keyboard(
            [[CallbackButton("Принять", "consent:yes"), LinkButton("Правила", "https://x.ru")]]
        )
        first = await api.send_message(
            user_id=PARENT, text="<b>Согласие</b> на обработку", attachments=[buttons]
        )
        await api.edit_message(first.mid, text="<b>Согласие</b> получено")
        attachment = await api.upload_file("week.pdf", b"%PDF-1.7 demo")
        document = await api.send_message(user_id=PARENT, text=None, attachments=[attachment])
        sent = await get_json(http, f"{base}/_standin/sent?user_id={PARENT}")
        by_id = {m["message_id"]: m for m in sent["messages"]}
        edited = by_id[first.mid]
        assert (edited["text"], edited["format"]) == ("<b>Согласие</b> получено", "html")
        assert edited["edited_at"] is not None
        assert [b["type"] for b in edited["buttons"][0]] == ["callback", "link"]
        shown = by_id[document.mid]
        assert shown["file"] == {"filename": "week.pdf", "size": 13} and shown["text"] is None
        # The page orders the chat by seq: the start came first.
        [start] = (await get_json(http, f"{base}/_standin/received?user_id={PARENT}"))["messages"]
        assert start["start"] == "CODE-1" and start["seq"] < edited["seq"] < shown["seq"]
        async with http.get(f"{base}/_standin/files/{document.mid}") as response:
            assert await response.read() == b"%PDF-1.7 demo"
        # A press on a button the message does not have is refused, with a reason.
        async with http.post(
            f"{base}/_standin/updates/callback",
            json={"user_id": PARENT, "message_id": document.mid, "payload": "consent:yes"},
        ) as response:
            assert response.status == 400
