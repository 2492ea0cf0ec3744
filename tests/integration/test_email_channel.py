"""EmailChannel against a real aiosmtpd server (the SMTP stand-in)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from notifier.base import Outcome, OutgoingMessage
from notifier.email import EmailChannel, EmailConfig, message_id_for
from notifier.standins.smtp import SmtpStandin, TlsMode, run_smtp_standin
from notifier.standins.tls import client_context

MAIL_FROM = "Звонок <noreply@school.example>"


def config_for(standin: SmtpStandin, **overrides: object) -> EmailConfig:
    tls: TlsMode = standin.tls
    values: dict[str, object] = {
        "host": standin.host,
        "port": standin.port,
        "mail_from": MAIL_FROM,
        "tls": tls,
        "tls_context": client_context(standin.cert_path) if standin.cert_path else None,
        "timeout": 5.0,
        "retry_after": 30.0,
    }
    values.update(overrides)
    return EmailConfig(**values)  # type: ignore[arg-type]


def outgoing(address: str = "mama@example.ru", key: str = "delivery-1") -> OutgoingMessage:
    return OutgoingMessage(
        address=address,
        text="Иванов Пётр получил 5 по алгебре.",
        html="<p>Иванов Пётр получил <b>5</b> по алгебре.</p>",
        subject="Новая оценка: алгебра",
        idempotency_key=key,
        headers={"List-Unsubscribe": "<https://zvonok.example/u/abc>"},
    )


@pytest.fixture
async def smtp(tmp_path: Path) -> AsyncIterator[SmtpStandin]:
    async with run_smtp_standin(directory=tmp_path / "mail") as standin:
        yield standin


@pytest.fixture
async def channel(smtp: SmtpStandin) -> AsyncIterator[EmailChannel]:
    email_channel = EmailChannel(config_for(smtp))
    yield email_channel
    await email_channel.close()


async def test_message_arrives_with_parts_and_headers(
    smtp: SmtpStandin, channel: EmailChannel
) -> None:
    result = await channel.send(outgoing())

    assert result.outcome is Outcome.sent
    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received.rcpt_tos == ("mama@example.ru",)
    assert received.path is not None and received.path.read_bytes() == received.raw
    mail = received.message
    assert mail.get_content_type() == "multipart/alternative"
    assert mail["Subject"] == "Новая оценка: алгебра"
    assert b"Subject: =?utf-8?" in received.raw  # encoded on the wire, not raw UTF-8
    assert mail["Message-ID"] == message_id_for("delivery-1", MAIL_FROM)
    assert result.provider_id == mail["Message-ID"]
    assert mail["Date"] is not None
    assert mail["List-Unsubscribe"] == "<https://zvonok.example/u/abc>"
    assert mail["From"].addresses[0].addr_spec == "noreply@school.example"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and "получил 5" in text.get_content()
    assert html is not None and "<b>5</b>" in html.get_content()


async def test_retry_carries_the_same_message_id(smtp: SmtpStandin, channel: EmailChannel) -> None:
    await channel.send(outgoing(key="delivery-7"))
    await channel.send(outgoing(key="delivery-7"))

    ids = {received.message["Message-ID"] for received in smtp.messages}
    assert ids == {message_id_for("delivery-7", MAIL_FROM)}


async def test_ten_messages_share_at_most_three_connections(
    smtp: SmtpStandin, channel: EmailChannel
) -> None:
    messages = [outgoing(f"parent{i}@example.ru", f"d-{i}") for i in range(10)]

    results = await asyncio.gather(*(channel.send(m) for m in messages))

    assert all(r.outcome is Outcome.sent for r in results)
    assert len(smtp.messages) == 10
    assert 1 <= smtp.connections <= 3


async def test_rejected_recipient_is_a_dead_address(
    smtp: SmtpStandin, channel: EmailChannel
) -> None:
    smtp.reject("gone@example.ru")

    result = await channel.send(outgoing("gone@example.ru"))

    assert result.outcome is Outcome.permanent
    assert result.address_dead
    assert result.reason is not None and "550" in result.reason
    # The session survived the refusal: the next message reuses it.
    assert (await channel.send(outgoing("mama@example.ru"))).outcome is Outcome.sent
    assert smtp.connections == 1


async def test_server_down_means_later_and_restart_recovers(
    smtp: SmtpStandin, channel: EmailChannel
) -> None:
    assert (await channel.send(outgoing(key="before"))).outcome is Outcome.sent

    await smtp.stop()
    down = await channel.send(outgoing(key="during"))
    await smtp.start()
    after = await channel.send(outgoing(key="after"))

    assert down.outcome is Outcome.retry
    assert down.retry_after == 30.0
    assert after.outcome is Outcome.sent
    assert [m.message["Message-ID"] for m in smtp.messages] == [
        message_id_for("before", MAIL_FROM),
        message_id_for("after", MAIL_FROM),
    ]


async def test_nothing_listening_means_later() -> None:
    async with run_smtp_standin() as standin:
        config = config_for(standin, tls="none")
    email_channel = EmailChannel(config)  # the stand-in is gone: connection refused

    result = await email_channel.send(outgoing())
    await email_channel.close()

    assert result.outcome is Outcome.retry


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
async def test_auth_over_tls(tls: TlsMode, tmp_path: Path) -> None:
    async with run_smtp_standin(user="school", password="s3cret", tls=tls) as standin:
        good = EmailChannel(config_for(standin, username="school", password="s3cret"))
        bad = EmailChannel(config_for(standin, username="school", password="wrong"))
        anonymous = EmailChannel(config_for(standin))
        try:
            sent = await good.send(outgoing())
            refused = await bad.send(outgoing())
            unauthenticated = await anonymous.send(outgoing())
        finally:
            for email_channel in (good, bad, anonymous):
                await email_channel.close()

    assert sent.outcome is Outcome.sent
    assert [m.user for m in standin.messages] == ["school"]
    assert refused.outcome is Outcome.permanent and not refused.address_dead
    assert refused.reason is not None and "535" in refused.reason
    assert unauthenticated.outcome is Outcome.permanent
    assert unauthenticated.reason is not None and "530" in unauthenticated.reason


async def test_a_header_with_a_line_break_fails_without_sending(
    smtp: SmtpStandin, channel: EmailChannel
) -> None:
    broken = OutgoingMessage(address="mama@example.ru", text="x", subject="Оценка\r\nBcc: x@y")

    result = await channel.send(broken)

    assert result.outcome is Outcome.permanent and not result.address_dead
    assert smtp.messages == []
