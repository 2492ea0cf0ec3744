"""TelegramChannel through its Bot API client, the shared limiter and the Bot API emulator."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from core.logs import configure_logging
from notifier.base import Outcome, OutgoingMessage, SendResult
from notifier.ratelimit import Rate, RateLimiter, TelegramRates
from notifier.standins.telegram_control import RunningEmulator
from notifier.telegram import TelegramChannel
from tests.e2e.processes import free_port
from tests.integration import telegram_fixtures

emulator, limiter = telegram_fixtures.emulator, telegram_fixtures.limiter  # fixtures
redis_client = telegram_fixtures.redis_client

BACKOFF = 15.0
FAST_CHAT = Rate(20, 1.0)  # one a second per chat would make these tests slow


def channel_for(
    emu: RunningEmulator, limiter: RateLimiter | None, rates: TelegramRates | None = None
) -> TelegramChannel:
    return TelegramChannel(
        emu.token,
        limiter=limiter,
        api_url=emu.base_url,
        rates=rates,
        request_timeout=5,
        retry_backoff=BACKOFF,
    )


@pytest.fixture
async def channel(
    emulator: RunningEmulator, limiter: RateLimiter
) -> AsyncIterator[TelegramChannel]:
    telegram = channel_for(emulator, limiter)
    yield telegram
    await telegram.close()


def mark_message(address: str = "1001", **overrides: object) -> OutgoingMessage:
    values: dict[str, object] = {
        "address": address,
        "text": "Иванов Пётр: 5 по алгебре",
        "html": "Иванов Пётр: <b>5</b> по алгебре",
        "idempotency_key": "delivery-1",
    }
    values.update(overrides)
    return OutgoingMessage(**values)  # type: ignore[arg-type]


async def test_html_message_reaches_the_chat(
    emulator: RunningEmulator, channel: TelegramChannel
) -> None:
    result = await channel.send(
        mark_message(buttons=(("Понятно", "ack:1"), ("Отписаться", "stop")))
    )
    [sent] = await emulator.control.sent(chat_id=1001)
    assert result == SendResult.ok(str(sent["message_id"]))
    assert (sent["text"], sent["parse_mode"]) == ("Иванов Пётр: <b>5</b> по алгебре", "HTML")
    assert sent["reply_markup"] == {
        "inline_keyboard": [
            [
                {"text": "Понятно", "callback_data": "ack:1"},
                {"text": "Отписаться", "callback_data": "stop"},
            ]
        ]
    }


async def test_plain_text_goes_without_parse_mode(
    emulator: RunningEmulator, channel: TelegramChannel
) -> None:
    result = await channel.send(mark_message(html=None, text="2 < 3 & 5 > 4"))
    assert result.outcome is Outcome.sent
    [sent] = await emulator.control.sent(chat_id=1001)
    assert (sent["text"], sent["parse_mode"]) == ("2 < 3 & 5 > 4", None)


async def test_long_text_is_split_into_valid_parts(
    emulator: RunningEmulator, limiter: RateLimiter
) -> None:
    await emulator.control.set_limits(per_chat=FAST_CHAT)
    channel = channel_for(emulator, limiter, TelegramRates(per_chat=FAST_CHAT))
    paragraphs = [f"<b>Неделя {n}:</b> " + "домашнее задание " * 200 for n in range(3)]
    html = "<i>" + "\n\n".join(paragraphs) + "</i>"
    result = await channel.send(mark_message(html=html, buttons=(("Понятно", "ack:1"),)))
    await channel.close()

    sent = await emulator.control.sent(chat_id=1001)
    assert result.outcome is Outcome.sent and result.parts == len(sent) == 3
    assert result.provider_id == ",".join(str(m["message_id"]) for m in sent)
    assert all(len(m["text"]) < 4096 for m in sent)
    assert [m["text"].startswith("<i><b>Неделя") for m in sent] == [True] * 3
    assert [m["reply_markup"] is not None for m in sent] == [False, False, True]


async def test_dead_addresses(emulator: RunningEmulator, channel: TelegramChannel) -> None:
    await emulator.control.block_chat(2001)
    await emulator.control.forget_chat(2002)
    await emulator.control.set_chat_state(2003, "deactivated")
    for address, reason in [
        ("2001", "bot was blocked by the user"),
        ("2002", "chat not found"),
        ("2003", "user is deactivated"),
        ("not-a-chat", "not a Telegram chat id"),
    ]:
        result = await channel.send(mark_message(address))
        assert (result.outcome, result.address_dead) == (Outcome.permanent, True)
        assert result.reason is not None and reason in result.reason


async def test_a_bad_message_is_permanent_but_the_chat_lives(channel: TelegramChannel) -> None:
    result = await channel.send(mark_message(html="<b>unclosed"))
    assert (result.outcome, result.address_dead) == (Outcome.permanent, False)
    assert result.reason is not None and "can't parse entities" in result.reason
    huge_link = await channel.send(mark_message(html=f'<a href="{"x" * 5000}">ДЗ</a>'))
    assert (huge_link.outcome, huge_link.address_dead) == (Outcome.permanent, False)
    assert await channel.send(mark_message(html=" \n ")) == SendResult.failed("empty message")


async def test_server_and_network_errors_are_retried(
    emulator: RunningEmulator, channel: TelegramChannel, unused_tcp_port: int
) -> None:
    await emulator.control.fail_next(1, methods=["sendMessage"])
    result = await channel.send(mark_message())
    assert (result.outcome, result.retry_after) == (Outcome.retry, BACKOFF)
    assert result.reason is not None and "Bad Gateway" in result.reason
    assert (await channel.send(mark_message())).outcome is Outcome.sent
    # The connection lost halfway through Telegram's answer (another chat: no pacing wait).
    await emulator.control.drop_next(1, methods=["sendMessage"])
    result = await channel.send(mark_message("1002"))
    assert (result.outcome, result.retry_after) == (Outcome.retry, BACKOFF)
    assert result.reason is not None and "TelegramNetworkError" in result.reason
    assert (await emulator.control.stats())["methods"]["sendMessage"]["dropped"] == 1

    nobody = TelegramChannel(
        emulator.token,
        limiter=None,
        api_url=f"http://127.0.0.1:{unused_tcp_port}",
        retry_backoff=BACKOFF,
    )
    result = await nobody.send(mark_message())
    await nobody.close()
    assert (result.outcome, result.retry_after) == (Outcome.retry, BACKOFF)


async def test_a_429_comes_back_with_telegrams_retry_after(
    emulator: RunningEmulator, channel: TelegramChannel
) -> None:
    refused_before = counted("zvonok_rate_limited_total", channel="telegram")
    await emulator.control.fail_next(
        1, status=429, description="Too Many Requests: retry after 7", retry_after=7
    )
    limited = await channel.send(mark_message())
    assert (limited.outcome, limited.retry_after) == (Outcome.retry, 7.0)
    assert limited.reason is not None and "retry after 7" in limited.reason
    unpaced = channel_for(emulator, None)  # no limiter: the emulator's own flood control bites
    results = [await unpaced.send(mark_message("3001")) for _ in range(2)]
    await unpaced.close()
    assert [r.outcome for r in results] == [Outcome.sent, Outcome.retry]
    assert results[1].retry_after == 1.0
    # The operator sees both refusals (core/metrics.py, docs/operations.md).
    assert counted("zvonok_rate_limited_total", channel="telegram") == refused_before + 2


async def test_the_limiter_prevents_429s_on_one_busy_chat(
    emulator: RunningEmulator, limiter: RateLimiter, redis_url: str
) -> None:
    await emulator.control.set_limits(per_chat=FAST_CHAT)
    rates = TelegramRates(per_chat=FAST_CHAT)
    other_worker = RateLimiter(Redis.from_url(redis_url))  # as a second process would have
    channels = [channel_for(emulator, limiter, rates), channel_for(emulator, other_worker, rates)]
    waits_before = counted("zvonok_send_wait_seconds_count", channel="telegram")
    late_before = counted("zvonok_send_late_seconds_count", channel="telegram")
    waited_before = counted("zvonok_send_wait_seconds_sum", channel="telegram")
    started = time.monotonic()
    results = await asyncio.gather(
        *(channels[n % 2].send(mark_message("4001", idempotency_key=f"d{n}")) for n in range(40))
    )
    elapsed = time.monotonic() - started
    for telegram in channels:
        await telegram.close()
    await other_worker.redis.aclose()

    assert [r.outcome for r in results] == [Outcome.sent] * 40
    assert (await emulator.control.stats())["total"].get("429", 0) == 0
    expected = 39 * rates.limits(1, 4001)[1].rate.interval  # 40 sends, 10% under 20/s
    # Never faster than the limit; the upper bound only catches a pacing far too slow
    # (a busy machine stretches the run, so it is loose).
    assert expected - 0.05 <= elapsed < 2 * expected + 2.0
    # Every send's wait for its moment is observed; the last one alone waited ~`expected`.
    assert counted("zvonok_send_wait_seconds_count", channel="telegram") == waits_before + 40
    waited = counted("zvonok_send_wait_seconds_sum", channel="telegram") - waited_before
    assert waited >= expected - 0.05
    # How late each request left after its moment is observed too, once per request,
    # and each limiter learns it for the moments it reserves next.
    assert counted("zvonok_send_late_seconds_count", channel="telegram") == late_before + 40
    assert limiter.lateness.observed + other_worker.lateness.observed == 40


def counted(sample: str, **labels: str) -> float:
    """A sample of this process's metrics (0 before anything was counted)."""
    return REGISTRY.get_sample_value(sample, labels) or 0.0


async def test_a_broadcast_at_telegrams_default_limits(
    emulator: RunningEmulator, channel: TelegramChannel
) -> None:
    started = time.monotonic()
    results = await asyncio.gather(*(channel.send(mark_message(str(5000 + n))) for n in range(45)))
    elapsed = time.monotonic() - started
    assert {r.outcome for r in results} == {Outcome.sent}
    assert (await emulator.control.stats())["total"].get("429", 0) == 0
    expected = 44 * channel.rates.limits(1, 5000)[0].rate.interval  # 10% under 30/s
    # Never faster than the limit; the upper bound only catches a pacing far too slow
    # (a busy machine stretches the run, so it is loose).
    assert expected - 0.05 <= elapsed < 2 * expected + 2.0


async def test_a_retry_resumes_after_the_parts_already_sent(
    emulator: RunningEmulator, limiter: RateLimiter
) -> None:
    await emulator.control.set_limits(per_chat=FAST_CHAT)
    channel = channel_for(emulator, limiter, TelegramRates(per_chat=FAST_CHAT))
    message = mark_message(html="\n\n".join(f"Часть {n}. " + "текст " * 600 for n in range(3)))
    await emulator.control.fail_next(1, methods=["sendMessage"], after=1)

    first = await channel.send(message)
    assert first.outcome is Outcome.retry
    assert first.reason is not None and first.reason.startswith("part 2 of 3:")
    second = await channel.send(message)
    await channel.close()

    sent = await emulator.control.sent(chat_id=1001)
    assert [m["text"][:7] for m in sent] == ["Часть 0", "Часть 1", "Часть 2"]  # none twice
    assert second == SendResult.ok(",".join(str(m["message_id"]) for m in sent), parts=3)


async def test_the_weekly_pdf(emulator: RunningEmulator, channel: TelegramChannel) -> None:
    pdf = b"%PDF-1.4\n%weekly summary\n" * 100
    result = await channel.send_document(6001, "Иванов-неделя.pdf", pdf, caption="<b>Сводка</b>")
    assert result.outcome is Outcome.sent
    [sent] = await emulator.control.sent(chat_id=6001)
    assert (sent["document_name"], sent["text"]) == ("Иванов-неделя.pdf", "<b>Сводка</b>")
    assert await emulator.control.document(int(str(result.provider_id))) == pdf

    await emulator.control.block_chat(6002)
    blocked = await channel.send_document(6002, "x.pdf", pdf)
    assert (blocked.outcome, blocked.address_dead) == (Outcome.permanent, True)


async def test_an_unreachable_limiter_means_retry_later(emulator: RunningEmulator) -> None:
    gone = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    channel = channel_for(emulator, RateLimiter(gone))
    result = await channel.send(mark_message())
    await channel.close()
    await gone.aclose()
    assert (result.outcome, result.retry_after) == (Outcome.retry, BACKOFF)
    assert result.reason is not None and result.reason.startswith("rate limiter unavailable")
    assert await emulator.control.sent() == []  # nothing went out unpaced


async def test_the_token_is_in_no_log_line_and_no_failure_reason(
    emulator: RunningEmulator, channel: TelegramChannel, unused_tcp_port: int
) -> None:
    """The Bot API's URLs hold the token; an operator's logs (even at DEBUG) and the
    reasons kept on deliveries must not."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    configure_logging("DEBUG")
    keep = Keep()
    logging.getLogger().addHandler(keep)
    try:
        assert (await channel.send(mark_message())).outcome is Outcome.sent
        await emulator.control.fail_next(1, methods=["sendMessage"])
        failed = await channel.send(mark_message("1003"))
        nobody = channel_for_url(emulator.token, f"http://127.0.0.1:{unused_tcp_port}")
        unreachable = await nobody.send(mark_message())
        await nobody.close()
    finally:
        logging.getLogger().removeHandler(keep)
        configure_logging("WARNING")
    assert lines, "nothing was logged at DEBUG: the check would prove nothing"
    secret = emulator.token.split(":", 1)[1]
    assert not [line for line in lines if secret in line]
    for result in (failed, unreachable):
        assert result.reason is not None and secret not in result.reason
    assert secret not in repr(channel.api)


def channel_for_url(token: str, url: str) -> TelegramChannel:
    return TelegramChannel(token, limiter=None, api_url=url, retry_backoff=BACKOFF)


async def test_sends_go_through_the_schools_proxy_when_one_is_set(
    emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A school's network that reaches Telegram only through its proxy (HTTP_PROXY /
    HTTPS_PROXY, as docs/operations.md says): the message goes through it."""
    through: list[str] = []

    async def forward(request: web.Request) -> web.Response:
        # A proxy gets the whole URL in the request line and makes the request itself.
        through.append(request.url.path.rsplit("/", 1)[-1])
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method,
                request.url,
                data=await request.read(),
                headers={"Content-Type": request.headers["Content-Type"]},
            ) as answer,
        ):
            return web.Response(
                status=answer.status, body=await answer.read(), content_type="application/json"
            )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    channel = channel_for(emulator, None)
    try:
        result = await channel.send(mark_message("7001"))
    finally:
        await channel.close()
        await runner.cleanup()
    assert result.outcome is Outcome.sent
    assert through == ["sendMessage"]
    assert [m.chat_id for m in emulator.emulator.sent_to(7001)] == [7001]
