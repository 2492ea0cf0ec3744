"""The MAX delivery channel against the MAX stand-in over real HTTP: what a parent sees
in their dialog, each failure classified as the worker needs it, and MAX's limit kept
by every process sending through one bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from notifier.base import Outcome, OutgoingMessage
from notifier.max import MaxChannel
from notifier.ratelimit import MaxRates, Rate, RateLimiter
from notifier.standins.max_control import RunningMaxStandin, run_max_standin
from notifier.standins.max_injection import inject_start
from tests.integration import telegram_fixtures

limiter, redis_client = telegram_fixtures.limiter, telegram_fixtures.redis_client  # fixtures
PARENT, OTHER = 5101, 5102
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
async def max_() -> AsyncIterator[RunningMaxStandin]:
    async with run_max_standin() as running:
        for user in (PARENT, OTHER):
            await running.control.inject_start(user_id=user)
        yield running


def channel_for(max_: RunningMaxStandin, limiter: RateLimiter | None, **rates: Rate) -> MaxChannel:
    return MaxChannel(
        max_.token, limiter=limiter, api_url=max_.base_url, rates=MaxRates(**rates),
        retry_backoff=7.0,
    )  # fmt: skip


async def test_a_message_reaches_the_dialog_once_with_its_buttons_on_the_last_part(
    max_: RunningMaxStandin, limiter: RateLimiter
) -> None:
    channel = channel_for(max_, limiter)
    short = OutgoingMessage(
        address=str(PARENT),
        text="Петя: 5 по математике",
        html="<b>Петя</b>: 5 по математике",
        idempotency_key="d1",
        buttons=(("Ознакомлен", "ack:announcement:7"),),
    )
    done = await channel.send(short)
    assert done.outcome is Outcome.sent and done.parts == 1
    (seen,) = await max_.control.sent(PARENT)
    assert seen["text"] == "<b>Петя</b>: 5 по математике" and seen["format"] == "html"
    assert seen["buttons"] == [
        [{"type": "callback", "text": "Ознакомлен", "payload": "ack:announcement:7"}]
    ]
    assert done.provider_id == seen["message_id"]

    # Longer than MAX's 4,000 characters: three messages, the button on the last; a
    # retry after the second part failed sends the second and third only.
    paragraphs = "\n\n".join(f"<b>Урок {n}</b>: " + "домашнее задание " * 12 for n in range(40))
    long = OutgoingMessage(
        address=str(OTHER), text="", html=paragraphs, idempotency_key="d2",
        buttons=(("Ознакомлен", "ack:announcement:8"),),
    )  # fmt: skip
    await max_.control.fail_next(1, status=502, methods=["send"], after=1)
    failed = await channel.send(long)
    assert failed.outcome is Outcome.retry and failed.retry_after == 7.0
    assert failed.reason is not None and failed.reason.startswith("part 2 of 3")
    again = await channel.send(long)
    assert again.outcome is Outcome.sent and again.parts == 3
    parts = await max_.control.sent(OTHER)
    assert len(parts) == 3 and all(len(p["text"]) <= 4000 for p in parts)
    assert [bool(p["buttons"]) for p in parts] == [False, False, True]
    assert parts[0]["text"].startswith("<b>Урок 0</b>") and "Урок 39" in parts[2]["text"]
    await channel.close()


async def test_failures_are_classified_for_the_worker(
    max_: RunningMaxStandin, limiter: RateLimiter
) -> None:
    channel = channel_for(max_, limiter)

    def to(user: int | str) -> OutgoingMessage:
        return OutgoingMessage(address=str(user), text="Оценка", html="Оценка")

    refused = REGISTRY.get_sample_value("zvonok_rate_limited_total", {"channel": "max"}) or 0.0
    await max_.control.fail_next(1, status=429, methods=["send"], retry_after=3)
    limited = await channel.send(to(PARENT))
    assert (limited.outcome, limited.retry_after) == (Outcome.retry, 3.0)
    assert REGISTRY.get_sample_value("zvonok_rate_limited_total", {"channel": "max"}) == refused + 1
    await max_.control.fail_next(1, status=503, methods=["send"])
    unwell = await channel.send(to(PARENT))
    assert (unwell.outcome, unwell.retry_after, unwell.address_dead) == (Outcome.retry, 7.0, False)
    await max_.control.drop_next(1, methods=["send"])
    dropped = await channel.send(to(PARENT))
    assert dropped.outcome is Outcome.retry

    await max_.control.block_user(PARENT)
    blocked = await channel.send(to(PARENT))
    assert (blocked.outcome, blocked.address_dead) == (Outcome.permanent, True)
    stranger = await channel.send(to(999_999))  # never started the bot
    assert (stranger.outcome, stranger.address_dead) == (Outcome.permanent, True)
    garbled = await channel.send(to("@parent"))
    assert (garbled.outcome, garbled.address_dead) == (Outcome.permanent, True)
    wrong_token = MaxChannel("revoked", limiter=None, api_url=max_.base_url)
    refused = await wrong_token.send(to(OTHER))
    assert (refused.outcome, refused.address_dead) == (Outcome.permanent, False)
    assert await max_.control.sent(PARENT) == [] and await max_.control.sent(OTHER) == []
    await wrong_token.close()
    await channel.close()


async def test_the_weekly_pdf_goes_as_a_file_after_its_caption(
    max_: RunningMaxStandin, limiter: RateLimiter
) -> None:
    channel = channel_for(max_, limiter)
    channel.processing_pauses = (0.2, 0.3)
    # MAX processes an upload before it may be sent: a short wait is waited out.
    await max_.control.set_upload_processing(0.3)
    done = await channel.send_document(PARENT, "week.pdf", PDF, caption="<b>Неделя</b> Пети")
    assert done.outcome is Outcome.sent
    caption, file = await max_.control.sent(PARENT)
    assert caption["text"] == "<b>Неделя</b> Пети" and caption["file"] is None
    assert file["file"] == {"filename": "week.pdf", "size": len(PDF)}
    assert done.provider_id == file["message_id"]
    assert await max_.control.file(file["message_id"]) == PDF
    # A file still not processed after the waits: the worker is told to come back later.
    await max_.control.set_upload_processing(60)
    later = await channel.send_document(OTHER, "week.pdf", PDF)
    assert later.outcome is Outcome.retry and "attachment.not.ready" in (later.reason or "")
    await channel.close()


async def test_two_processes_sharing_one_bot_keep_its_limit(
    max_: RunningMaxStandin, limiter: RateLimiter, redis_url: str
) -> None:
    """Two workers, one bot, the stand-in's limit at 100 a second: 120 messages take
    their 1.2 seconds and none is refused."""
    await max_.control.set_limits(per_bot=Rate(100, 1.0))
    users = list(range(6000, 6120))
    for user in users:  # in the stand-in's process: a hundred requests would take seconds
        inject_start(max_.standin, {"user_id": user})
    other_process = RateLimiter(Redis.from_url(redis_url))
    one = channel_for(max_, limiter, per_bot=Rate(100, 1.0))
    two = channel_for(max_, other_process, per_bot=Rate(100, 1.0))
    start = asyncio.get_running_loop().time()
    results = await asyncio.gather(
        *(
            (one if n % 2 else two).send(OutgoingMessage(address=str(u), text=f"№{n}"))
            for n, u in enumerate(users)
        )
    )
    elapsed = asyncio.get_running_loop().time() - start
    assert [r.outcome for r in results] == [Outcome.sent] * len(users)
    assert (await max_.control.stats())["total"].get("429", 0) == 0
    assert elapsed >= 1.0  # paced, not sent at once
    for channel in (one, two):
        await channel.close()
    await other_process.redis.aclose()
