"""Email as mail providers expect it: `List-Unsubscribe` one-click (RFC 8058) that works,
and Message-IDs unique across installations.

Marks go out through the real pipeline (core's dispatch and start, the worker's
`deliver` job, the email channel) to the SMTP stand-in; the link in the email's header
is then posted to the web app, as a mail provider's one-click does.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from core.actors import GuardianActor
from core.models import Delivery, Guardian, GuardianSettings, Notification
from core.services.guardian_settings import set_mode
from core.settings import Settings
from notifier.email import EmailChannel, EmailConfig
from notifier.standins.smtp import SmtpStandin, run_smtp_standin
from tests.integration.delivery_helpers import Clock, post, relay_and_dispatch, start_due
from tests.web.browser import Web
from tests.web.conftest import settings
from workers.deliveries import deliver, delivery_key

PUBLIC = "https://journal.school.example"
LINK = re.compile(r"^<(https://journal\.school\.example/unsubscribe/\d+/[a-z_,]+/[0-9a-f]{32})>$")


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpStandin]:
    async with run_smtp_standin() as standin:
        yield standin


async def send_a_mark(web: Web, smtp: SmtpStandin, config: Settings, value: int) -> list[str]:
    """Petya's mark, through the workers' steps; the channels its deliveries used."""
    clock = Clock(web.db, web.clock.now)
    await post(clock, web.world, "petya", value)
    await relay_and_dispatch(clock)
    clock.advance(120)
    web.clock.now = clock.now
    channel = EmailChannel(
        EmailConfig(host="127.0.0.1", port=smtp.port, mail_from="Школа <n@school.test>", tls="none")
    )
    ctx: dict[str, Any] = {"db": web.db, "channels": {"email": channel}, "settings": config}
    try:
        for delivery_id in await start_due(clock):
            await deliver(ctx, delivery_id)
    finally:
        await channel.close()
    async with web.db.session() as session:
        rows = await session.exec(select(Delivery).order_by(Delivery.id))  # type: ignore[arg-type]
        return [d.channel for d in rows.all()]


def last_mail(smtp: SmtpStandin) -> EmailMessage:
    return smtp.messages[-1].message


async def test_the_one_click_link_switches_marks_off_for_email_and_the_next_goes_by_sms(
    web: Web, smtp: SmtpStandin
) -> None:
    config = settings(public_url=PUBLIC)
    assert await send_a_mark(web, smtp, config, 5) == ["email"]
    mail = last_mail(smtp)
    assert mail["To"] == "sokolova@example.ru"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    found = LINK.fullmatch(mail["List-Unsubscribe"])
    assert found, mail["List-Unsubscribe"]
    path = urlsplit(found.group(1)).path
    assert path.split("/")[3] == "marks"
    assert found.group(1) in mail.get_body(("plain",)).get_content()  # and in the footer

    client = web.browser().client  # no cookies, no CSRF token: the mail provider's POST
    page = await client.get(path)
    assert page.status_code == 200
    assert (
        "Больше не присылать такие письма?" in page.text and "Виды сообщений: отметки." in page.text
    )
    clicked = await client.post(path, content=b"List-Unsubscribe=One-Click")
    assert clicked.status_code == 200 and "Вы отписались" in clicked.text
    assert "sokolova@example.ru" in clicked.text
    async with web.db.session() as session:
        row = (await session.exec(select(GuardianSettings))).one()
    assert row.email_off == ["marks"]
    assert (await client.post(path)).status_code == 200  # twice changes nothing

    sent = len(smtp.messages)
    # The next mark is not emailed: her next channel, SMS, carries it (no SMS channel
    # in this worker: the delivery is refused, but it is not an email).
    assert await send_a_mark(web, smtp, config, 4) == ["email", "sms"]
    assert len(smtp.messages) == sent

    # Choosing how marks come in the bot brings email back.
    w = web.world
    actor = GuardianActor(guardian_id=w.guardians["sokolova"], school_id=w.school_id)
    await set_mode(web.uow(), actor=actor, topic="marks", mode="instant")
    async with web.db.session() as session:
        assert (await session.exec(select(GuardianSettings))).one().email_off == []


async def test_a_forged_or_altered_link_is_refused_and_changes_nothing(
    web: Web, smtp: SmtpStandin
) -> None:
    config = settings(public_url=PUBLIC)
    await send_a_mark(web, smtp, config, 5)
    link = LINK.fullmatch(last_mail(smtp)["List-Unsubscribe"])
    assert link
    path = urlsplit(link.group(1)).path
    _, _, guardian, topics, token = path.split("/")
    forged = [
        f"/unsubscribe/{guardian}/{topics}/{'0' * 32}",  # a guessed token
        f"/unsubscribe/{guardian}/announcements/{token}",  # another kind of message
        f"/unsubscribe/{web.world.guardians['novikov']}/{topics}/{token}",  # another parent
        f"/unsubscribe/{guardian}/nonsense/{token}",
    ]
    client = web.browser().client
    for bad in forged:
        refused = await client.post(bad, headers={"Accept-Language": "uz"})
        assert refused.status_code == 404, bad
        assert "Bu havola ishlamaydi" in refused.text
    async with web.db.session() as session:
        assert (await session.exec(select(GuardianSettings))).all() == []


async def test_the_page_speaks_the_parents_language(web: Web, smtp: SmtpStandin) -> None:
    w = web.world
    async with web.db.session() as session:
        mother = await session.get(Guardian, w.guardians["sokolova"])
        assert mother is not None
        mother.language = "uz"
        session.add(mother)
        await session.commit()
    await send_a_mark(web, smtp, settings(public_url=PUBLIC), 5)
    link = LINK.fullmatch(last_mail(smtp)["List-Unsubscribe"])
    assert link
    client = web.browser().client
    page = await client.get(urlsplit(link.group(1)).path)
    assert "Bunday xatlar endi yuborilmasinmi?" in page.text
    assert "Xabar turlari: baholar." in page.text
    done = await client.post(urlsplit(link.group(1)).path)
    assert "Siz obunani bekor qildingiz" in done.text


async def test_message_ids_are_unique_across_installations_and_kept_on_retry(
    web: Web, smtp: SmtpStandin
) -> None:
    await send_a_mark(web, smtp, settings(public_url=PUBLIC), 5)
    first = last_mail(smtp)["Message-ID"]
    assert re.fullmatch(r"<zvonok\.zvonok-delivery-1-[0-9a-f]{20}@school\.test>", first)
    async with web.db.session() as session:
        delivery = (await session.exec(select(Delivery))).one()
        note = await session.get(Notification, delivery.notification_id)
    assert note is not None and note.status == "sent"
    assert delivery.provider_id == first  # what the channel reported is what was sent
    here = {"settings": settings(public_url=PUBLIC)}
    other_key = "another-installation-secret-0123456789"
    elsewhere = {"settings": Settings(_env_file=None, secret_key=other_key)}  # type: ignore[call-arg, arg-type]
    key = delivery_key(here, delivery)
    assert f"<zvonok.{key}@school.test>" == first
    assert delivery_key(here, delivery) == key  # a retry of the same delivery keeps it
    assert delivery_key(elsewhere, delivery) != key  # delivery 1 of another installation
