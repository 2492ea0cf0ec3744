"""Zvonok's MAX client (notifier.max_api) against the MAX stand-in over real HTTP: what
the bot and the delivery channel will rely on, and the refusals they must classify."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.cli.messages import max_messages
from notifier.max_api import MaxApi
from notifier.max_errors import (
    MaxAttachmentNotReady,
    MaxBadRequest,
    MaxForbidden,
    MaxNetworkError,
    MaxNotFound,
    MaxRateLimited,
    MaxServerError,
    MaxUnauthorized,
)
from notifier.max_models import (
    BotStarted,
    BotStopped,
    CallbackButton,
    LinkButton,
    MessageCallback,
    MessageCreated,
    NewMessage,
    inline_keyboard,
    parse_update,
    split_text,
    start_link,
)
from notifier.standins.asgi import serve_asgi
from notifier.standins.max_control import RunningMaxStandin, run_max_standin

PARENT = 4201
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
async def max_() -> AsyncIterator[RunningMaxStandin]:
    async with run_max_standin() as running:
        yield running


@pytest.fixture
async def api(max_: RunningMaxStandin) -> AsyncIterator[MaxApi]:
    async with MaxApi(max_.token, max_.base_url) as client:
        yield client


async def raw(max_: RunningMaxStandin, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """A request as MAX receives it, to see statuses and bodies exactly."""
    headers = kwargs.pop("headers", {"Authorization": max_.token})
    async with httpx.AsyncClient(base_url=max_.base_url) as http:
        return await http.request(method, path, headers=headers, **kwargs)


async def test_messages_keyboards_and_answers(max_: RunningMaxStandin, api: MaxApi) -> None:
    assert (await api.me()).username == "zvonok_demo_bot"
    wrong = MaxApi("not-the-token", max_.base_url)
    with pytest.raises(MaxUnauthorized):
        await wrong.me()
    await wrong.close()
    refused = await raw(max_, "GET", "/me", headers={"Authorization": "x"})
    assert (refused.status_code, refused.json()) == (
        401,
        {"code": "verify.token", "message": "Invalid access_token"},
    )
    # The token in the query string is "no longer supported".
    assert (await raw(max_, "GET", f"/me?access_token={max_.token}", headers={})).status_code == 401

    # A bot writes only to users who wrote to it or started it.
    with pytest.raises(MaxNotFound) as never_started:
        await api.send_message(user_id=PARENT, text="Здравствуйте")
    assert never_started.value.recipient_gone
    started = await max_.control.inject_start(user_id=PARENT, payload="inv-7Q2")
    assert started["chat_id"] != PARENT  # a dialog's id is not its user's

    keyboard = inline_keyboard(
        [
            [CallbackButton("Ознакомлен", "ack:7", intent="positive")],
            [LinkButton("Журнал", "https://example.org/j")],
        ]
    )
    sent = await api.send_message(
        user_id=PARENT, text="<b>5</b> по алгебре", attachments=[keyboard]
    )
    assert (sent.text, sent.chat_id, sent.recipient_user_id) == (
        "5 по алгебре",
        started["chat_id"],
        PARENT,
    )
    assert sent.sender is not None and sent.sender.is_bot and sent.mid.startswith("mid.")
    [shown] = await max_.control.sent(PARENT)
    assert shown["text"] == "<b>5</b> по алгебре" and shown["format"] == "html"
    assert [[b["text"] for b in row] for row in shown["buttons"]] == [["Ознакомлен"], ["Журнал"]]
    # The dialog's chat id works as well; the user's id is not a chat.
    await api.send_message(chat_id=started["chat_id"], text="Ещё", notify=False)
    with pytest.raises(MaxNotFound):
        await api.send_message(chat_id=PARENT, text="Нет такого чата")

    pressed = await max_.control.press_button(user_id=PARENT, message_id=sent.mid, payload="ack:7")
    batch = await api.get_updates(timeout=0)
    start_update, callback = batch.updates
    assert isinstance(start_update, BotStarted) and start_update.payload == "inv-7Q2"
    assert isinstance(callback, MessageCallback) and callback.payload == "ack:7"
    assert callback.callback_id == pressed["callback_id"] and callback.user.user_id == PARENT
    assert callback.message is not None and callback.message.mid == sent.mid

    # The answer's message replaces the pressed one (no attachments: the buttons go).
    await api.answer_callback(
        callback.callback_id, notification="Спасибо", message=NewMessage("Ознакомлен ✓")
    )
    [answer] = await max_.control.answers()
    assert answer["notification"] == "Спасибо"
    replaced = (await max_.control.sent(PARENT))[0]
    assert (replaced["text"], replaced["buttons"]) == ("Ознакомлен ✓", [])
    # At most two answers a second in one dialog.
    await api.answer_callback(callback.callback_id, notification="Ещё раз")
    with pytest.raises(MaxRateLimited) as too_fast:
        await api.answer_callback(callback.callback_id, notification="И ещё")
    assert too_fast.value.retry_after is not None and too_fast.value.retry_after >= 1

    await api.edit_message(sent.mid, text="<i>Исправлено</i>", attachments=[keyboard])
    edited = (await max_.control.sent(PARENT))[0]
    assert edited["text"] == "<i>Исправлено</i>" and edited["edited_at"] is not None
    assert len(edited["buttons"]) == 2
    await api.delete_message(sent.mid)
    assert (await max_.control.sent(PARENT))[0]["deleted"] is True
    with pytest.raises(MaxNotFound) as gone:
        await api.edit_message(sent.mid, text="поздно")
    assert not gone.value.recipient_gone  # the message is gone, the dialog is not

    # 4,000 characters at most; a long HTML text is split where MAX accepts every part.
    too_long = await raw(max_, "POST", f"/messages?user_id={PARENT}", json={"text": "я" * 4001})
    assert too_long.status_code == 400 and too_long.json()["code"] == "proto.payload"
    paragraph = "Домашнее задание по литературе: прочитать главу и ответить на вопросы. " * 20
    long_text = "<b>" + "\n\n".join([paragraph] * 6) + "</b>"
    parts = split_text(long_text)
    assert len(parts) > 1 and all(len(part) <= 4000 for part in parts)
    for part in parts:
        assert part.startswith("<b>") and part.endswith("</b>")
        await api.send_message(user_id=PARENT, text=part)
    with pytest.raises(ValueError, match="4000"):
        await api.send_message(user_id=PARENT, text="я" * 4001)
    assert (
        start_link("zvonok_demo_bot", "inv 7Q2") == "https://max.ru/zvonok_demo_bot?start=inv%207Q2"
    )


async def test_long_polling_markers_and_update_kinds(max_: RunningMaxStandin, api: MaxApi) -> None:
    control = max_.control
    for text in ("первое", "второе", "третье"):
        last = await control.inject_message(user_id=PARENT, text=text, locale="ru")
    first = await api.get_updates(timeout=0)
    assert [u.message.text for u in first.updates if isinstance(u, MessageCreated)] == [
        "первое",
        "второе",
        "третье",
    ]
    created = first.updates[0]
    assert isinstance(created, MessageCreated)
    assert (created.sender_id, created.user_locale, created.message.chat_type) == (
        PARENT,
        "ru",
        "dialog",
    )
    # Not acknowledged yet: asked again without the marker, the same three come back.
    assert len((await api.get_updates(timeout=0)).updates) == 3
    assert not await control.wait_acknowledged(last["seq"], within=0)

    # A long poll with the marker acknowledges them and wakes on the next update.
    async def later() -> None:
        await asyncio.sleep(0.2)
        await control.inject_message(user_id=PARENT, text="четвёртое")

    began = time.monotonic()
    second, _ = await asyncio.gather(api.get_updates(marker=first.marker, timeout=5), later())
    assert time.monotonic() - began < 3
    assert [u.message.text for u in second.updates if isinstance(u, MessageCreated)] == [
        "четвёртое"
    ]
    assert await control.wait_acknowledged(last["seq"], within=1)
    # Each update is delivered once: acknowledged by the next marker, it is gone.
    assert (await api.get_updates(marker=second.marker, timeout=0)).updates == []
    assert (await api.get_updates(timeout=0)).updates == []

    # Types and limits; a group chat; a user stopping the bot.
    await control.inject_start(user_id=PARENT + 1, payload="inv-2")
    await control.inject_message(user_id=PARENT + 1, text="в группе", chat_id=-5500)
    await control.block_user(PARENT + 1)
    only = await api.get_updates(marker=second.marker, timeout=0, types=["bot_started"])
    assert [type(u) for u in only.updates] == [BotStarted]
    rest = await api.get_updates(marker=only.marker, timeout=0, limit=1)
    [group] = rest.updates
    assert isinstance(group, MessageCreated) and (
        group.message.chat_id,
        group.message.chat_type,
    ) == (
        -5500,
        "chat",
    )
    stopped = (await api.get_updates(marker=rest.marker, timeout=0)).updates
    assert isinstance(stopped[0], BotStopped) and stopped[0].user.user_id == PARENT + 1


async def test_upload_and_send_a_pdf(max_: RunningMaxStandin, api: MaxApi) -> None:
    await max_.control.inject_start(user_id=PARENT)
    attachment = await api.upload_file("Сводка за неделю.pdf", PDF)
    assert attachment["type"] == "file" and attachment["payload"]["token"]
    sent = await api.send_message(user_id=PARENT, text="Сводка за неделю", attachments=[attachment])
    [shown] = await max_.control.sent(PARENT)
    assert shown["file"] == {"filename": "Сводка за неделю.pdf", "size": len(PDF)}
    assert await max_.control.file(sent.mid) == PDF
    assert sent.attachments[0]["filename"] == "Сводка за неделю.pdf"
    # `zvonok messages` shows it as the parent reads it.
    [listed] = await asyncio.to_thread(max_messages, {"url": max_.base_url})
    assert (listed.channel, listed.text) == ("MAX", "[Сводка за неделю.pdf] Сводка за неделю")
    assert str(PARENT) in listed.to

    # A file is the only attachment of its message: its buttons go in another one.
    keyboard = inline_keyboard([[CallbackButton("Ознакомлен", "ack:9")]])
    with pytest.raises(MaxBadRequest):
        await api.send_message(user_id=PARENT, text="С кнопкой", attachments=[attachment, keyboard])
    with pytest.raises(MaxBadRequest):
        await api.send_message(
            user_id=PARENT,
            text=None,
            attachments=[{"type": "file", "payload": {"token": "forged"}}],
        )
    # A file MAX is still processing: attachment.not.ready, then accepted.
    await max_.control.set_upload_processing(0.3)
    fresh = await api.upload_file("week.pdf", PDF)
    with pytest.raises(MaxAttachmentNotReady):
        await api.send_message(user_id=PARENT, text=None, attachments=[fresh])
    await asyncio.sleep(0.35)
    await api.send_message(user_id=PARENT, text=None, attachments=[fresh])

    # One file per upload URL.
    url = (await raw(max_, "POST", "/uploads?type=file")).json()["url"]
    async with httpx.AsyncClient() as http:
        assert (await http.post(url, files={"data": ("a.pdf", PDF)})).status_code == 200
        assert (await http.post(url, files={"data": ("b.pdf", PDF)})).status_code == 400


@contextlib.asynccontextmanager
async def webhook_receiver(expected_secret: str) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A bot's webhook endpoint: 200 with the right secret, 403 otherwise."""
    received: list[dict[str, Any]] = []

    async def hook(request: Request) -> Response:
        secret = request.headers.get("x-max-bot-api-secret")
        received.append({"secret": secret, "update": await request.json()})
        return JSONResponse({}, status_code=200 if secret == expected_secret else 403)

    app = Starlette(routes=[Route("/max/hook", hook, methods=["POST"])])
    async with serve_asgi(app) as port:
        yield f"http://127.0.0.1:{port}/max/hook", received


async def wait_until(condition: Any, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_webhook_with_the_right_and_a_wrong_secret(
    max_: RunningMaxStandin, api: MaxApi
) -> None:
    secret = "s3cret-Of-the-school_2026"
    async with webhook_receiver(secret) as (url, received):
        await api.subscribe(url, secret, ["message_created", "bot_started"])
        [subscription] = await api.subscriptions()
        assert (subscription.url, subscription.update_types) == (
            url,
            ("message_created", "bot_started"),
        )
        with pytest.raises(MaxBadRequest):  # long polling is off while a webhook is set
            await api.get_updates(timeout=0)
        with pytest.raises(MaxBadRequest):
            await api.subscribe("http://example.org/hook", secret)  # https only
        with pytest.raises(MaxBadRequest):
            await api.subscribe(url, "abc")  # 5 to 256 characters

        await max_.control.inject_message(user_id=PARENT, text="через вебхук")
        await wait_until(lambda: len(received) == 1)
        assert received[0]["secret"] == secret
        update = parse_update(received[0]["update"])
        assert isinstance(update, MessageCreated) and update.message.text == "через вебхук"

        # A wrong secret: the endpoint refuses, MAX keeps the update and retries.
        await api.subscribe(url, "not-the-schools-secret")
        await max_.control.inject_message(user_id=PARENT, text="с чужим секретом")
        await wait_until(lambda: len(received) >= 3)
        stats = await max_.control.stats()
        assert stats["pending_updates"] == 1 and stats["webhook"]["failed"] >= 2
        assert {r["secret"] for r in received[1:]} == {"not-the-schools-secret"}
        await api.subscribe(url, secret)
        await wait_until(lambda: received[-1]["secret"] == secret)
        assert received[-1]["update"]["message"]["body"]["text"] == "с чужим секретом"

        await api.unsubscribe(url)
        assert await api.subscriptions() == []
        assert (await api.get_updates(timeout=0)).updates == []


async def test_rate_limit_faults_and_dead_recipients(
    max_: RunningMaxStandin, api: MaxApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # About 30 requests a second per bot, every method counted: 429 with a retry hint.
    results = await asyncio.gather(*(api.me() for _ in range(45)), return_exceptions=True)
    limited = [r for r in results if isinstance(r, MaxRateLimited)]
    assert 10 <= len(limited) <= 45 - 30 and all(r.retry_after == 1 for r in limited)
    refused = await raw(max_, "GET", "/me")
    assert refused.status_code == 429 and refused.json()["code"] == "too.many.requests"
    assert refused.headers["retry-after"] == "1"
    await max_.control.set_limits(enabled=False)

    await max_.control.inject_start(user_id=PARENT)
    await max_.control.fail_next(2, status=502, methods=["send"])
    for _ in range(2):
        with pytest.raises(MaxServerError):
            await api.send_message(user_id=PARENT, text="ещё раз")
    await api.send_message(user_id=PARENT, text="прошло")
    await max_.control.fail_next(1, status=429, retry_after=7)
    with pytest.raises(MaxRateLimited) as later:
        await api.me()
    assert later.value.retry_after == 7
    await max_.control.drop_next(1, methods=["send"])
    with pytest.raises(MaxNetworkError):
        await api.send_message(user_id=PARENT, text="оборвалось")
    await max_.control.set_latency(0.5)
    impatient = MaxApi(max_.token, max_.base_url, timeout=0.2)
    with pytest.raises(MaxNetworkError, match="timed out"):
        await impatient.me()
    await impatient.close()
    await max_.control.set_latency(0)
    async with serve_asgi(Starlette()) as free_port:
        pass  # a port nobody listens on any more
    with pytest.raises(MaxNetworkError):
        await MaxApi(max_.token, f"http://127.0.0.1:{free_port}").me()
    stats = (await max_.control.stats())["methods"]["send"]
    assert (stats["5xx"], stats["dropped"], stats["ok"]) == (2, 1, 1)

    # The user stopped the bot, or deleted the dialog: the contact point is dead.
    await max_.control.block_user(PARENT)
    with pytest.raises(MaxForbidden) as blocked:
        await api.send_message(user_id=PARENT, text="заблокирован")
    assert blocked.value.recipient_gone and blocked.value.code == "chat.denied"
    body = (await raw(max_, "POST", f"/messages?user_id={PARENT}", json={"text": "x"})).json()
    assert body == {"code": "chat.denied", "message": "Key: error.dialog.suspended"}
    await max_.control.forget_user(PARENT)
    with pytest.raises(MaxNotFound) as deleted:
        await api.send_message(user_id=PARENT, text="удалил чат")
    assert deleted.value.recipient_gone and deleted.value.code == "dialog.not.found"

    # The token is in no URL, log line, error or repr.
    assert caplog.records and max_.token not in caplog.text
    assert max_.token not in f"{api!r} {blocked.value} {later.value}"
