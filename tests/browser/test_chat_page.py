"""The stand-ins' chat page in a real browser, for Telegram and for MAX alike.

A newcomer presses «Написать» next to a parent of the invite sheet, sends the start
(Telegram: `/start CODE` typed in; MAX: the sheet's start link, opened), sees the bot's
formatted message with its button and its file, presses the button and reads the bot's
answer, downloads the file, and writes a message. The bot is played here through each
messenger's own Bot API client (aiogram's Bot; our MaxApi), as a real bot would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Protocol

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from playwright.async_api import Browser, Page, expect

from notifier.max_api import MaxApi
from notifier.max_models import (
    BotStarted,
    CallbackButton,
    MessageCallback,
    MessageCreated,
    inline_keyboard,
)
from notifier.standins.max_control import run_max_standin
from notifier.standins.telegram_control import run_telegram_emulator
from tests.browser.conftest import TIMEOUT_MS, PageProblems

CODE = "PARENT-CODE-1"
PARENT = 100001  # the chat the page gives the first person of the sheet
PDF = b"%PDF-1.7 the week"
# What the bot saw: ("start", payload), ("text", text) or ("press", data, answer id).
Seen = tuple[str, ...]


class PlayedBot(Protocol):
    base_url: str

    async def next_update(self) -> Seen: ...

    async def send_consent(self, user: int) -> None: ...

    async def send_file(self, user: int) -> None: ...

    async def answer(self, answer_id: str, text: str) -> None: ...


class TelegramBot:
    def __init__(self, base_url: str, bot: Bot) -> None:
        self.base_url, self.bot, self.offset = base_url, bot, 0

    async def next_update(self) -> Seen:
        [update] = await self.bot.get_updates(offset=self.offset, timeout=5, limit=1)
        self.offset = update.update_id + 1
        if update.callback_query is not None:
            return ("press", str(update.callback_query.data), update.callback_query.id)
        text = str(update.message and update.message.text)
        if text.startswith("/start "):
            return ("start", text.removeprefix("/start "))
        return ("text", text)

    async def send_consent(self, user: int) -> None:
        button = InlineKeyboardButton(text="Согласен", callback_data="consent:yes")
        markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
        await self.bot.send_message(
            user, "<b>Согласие</b> на обработку", parse_mode="HTML", reply_markup=markup
        )

    async def send_file(self, user: int) -> None:
        await self.bot.send_document(user, BufferedInputFile(PDF, filename="week.pdf"))

    async def answer(self, answer_id: str, text: str) -> None:
        await self.bot.answer_callback_query(answer_id, text=text)


class MaxBot:
    def __init__(self, base_url: str, api: MaxApi) -> None:
        self.base_url, self.api = base_url, api
        self.marker: int | None = None

    async def next_update(self) -> Seen:
        batch = await self.api.get_updates(marker=self.marker, timeout=5, limit=1)
        self.marker = batch.marker
        [update] = batch.updates
        if isinstance(update, BotStarted):
            return ("start", str(update.payload))
        if isinstance(update, MessageCallback):
            return ("press", str(update.payload), update.callback_id)
        assert isinstance(update, MessageCreated)
        return ("text", str(update.message.text))

    async def send_consent(self, user: int) -> None:
        keyboard = inline_keyboard([[CallbackButton("Согласен", "consent:yes")]])
        await self.api.send_message(
            user_id=user, text="<b>Согласие</b> на обработку", attachments=[keyboard]
        )

    async def send_file(self, user: int) -> None:
        attachment = await self.api.upload_file("week.pdf", PDF)
        await self.api.send_message(user_id=user, text=None, attachments=[attachment])

    async def answer(self, answer_id: str, text: str) -> None:
        await self.api.answer_callback(answer_id, notification=text)


@contextlib.asynccontextmanager
async def telegram_bot(invites: Path) -> AsyncIterator[PlayedBot]:
    async with run_telegram_emulator(invites_file=invites) as emu:
        await emu.control.set_limits(enabled=False)  # the bot's sends come back to back
        api = TelegramAPIServer.from_base(emu.base_url)
        bot = Bot(emu.token, session=AiohttpSession(api=api))
        try:
            yield TelegramBot(emu.base_url, bot)
        finally:
            await bot.session.close()


@contextlib.asynccontextmanager
async def max_bot(invites: Path) -> AsyncIterator[PlayedBot]:
    async with (
        run_max_standin(invites_file=invites) as max_,
        MaxApi(max_.token, max_.base_url) as api,
    ):
        yield MaxBot(max_.base_url, api)


BOTS: dict[str, Callable[[Path], contextlib.AbstractAsyncContextManager[PlayedBot]]] = {
    "telegram": telegram_bot,
    "max": max_bot,
}


@pytest.fixture(params=sorted(BOTS))
async def played(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[PlayedBot]:
    sheet: dict[str, Any] = {
        "invites": [
            {"kind": "guardian", "code": CODE, "name": "Петрова Анна Ивановна",
             "about": ["Петров Пётр, 7Б"], "expires_at": None},
        ]
    }  # fmt: skip
    invites = tmp_path / "demo-invites.json"
    invites.write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
    async with BOTS[request.param](invites) as bot:
        yield bot


@pytest.fixture
async def chat_page(browser: Browser, played: PlayedBot) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=played.base_url, locale="ru-RU")
    context.set_default_timeout(TIMEOUT_MS)
    problems = PageProblems()
    context.on("page", problems.watch)
    page = await context.new_page()
    await page.goto("/")
    yield page
    await context.close()
    assert not problems.found, "the page had errors:\n" + "\n".join(problems.found)


async def test_a_parent_starts_presses_downloads_and_writes(
    chat_page: Page, played: PlayedBot
) -> None:
    page = chat_page
    invites = page.locator("#invites li")
    await expect(invites).to_have_count(1)
    await expect(invites).to_contain_text(CODE)
    await expect(page.locator("#bot-name")).to_have_text("@zvonok_demo_bot")
    await invites.get_by_role("button", name="Написать").click()
    await expect(page.locator("#chat-title")).to_have_text(f"Чат {PARENT} — Анна")

    # The start: typed in for Telegram, the sheet's link for MAX; either way the bot
    # gets the code.
    if isinstance(played, MaxBot):
        link = page.locator("#start-link")
        await expect(link).to_have_value(f"https://max.ru/zvonok_demo_bot?start={CODE}")
        await page.locator("#open-link").click()
        await expect(page.locator("#messages .note")).to_have_text(
            re.compile(f"^Бот запущен с кодом {CODE}")
        )
    else:
        await expect(page.locator("#text")).to_have_value(f"/start {CODE}")
        await page.locator("#send").click()
        await expect(page.locator("#messages .user")).to_contain_text(f"/start {CODE}")
    assert await played.next_update() == ("start", CODE)

    await played.send_consent(PARENT)
    await played.send_file(PARENT)
    consent = page.locator("#messages .bot").first
    await expect(consent).to_contain_text("Согласие на обработку")
    await expect(consent.locator("b")).to_have_text("Согласие")  # the HTML, rebuilt
    download_link = page.locator("#messages .bot a.doc")
    await expect(download_link).to_have_text("📄 week.pdf")
    async with page.expect_download() as downloading:
        await download_link.click()
    download = await downloading.value
    assert download.suggested_filename == "week.pdf"
    saved = await download.path()
    assert await asyncio.to_thread(Path(saved).read_bytes) == PDF

    await consent.get_by_role("button", name="Согласен").click()
    kind, data, answer_id = await played.next_update()
    assert (kind, data) == ("press", "consent:yes")
    await played.answer(answer_id, "Спасибо!")
    await expect(page.locator("#toast")).to_have_text("Спасибо!")

    await page.locator("#text").fill("Оценки за неделю")
    await page.locator("#send").click()
    assert await played.next_update() == ("text", "Оценки за неделю")
    await expect(page.locator("#messages .user").last).to_contain_text("Оценки за неделю")
    await expect(page.locator("#chats")).to_contain_text(f"{PARENT} Анна")
