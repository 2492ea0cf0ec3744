"""SMS delivery reports posted to the web app, as SMS.ru and SMSC.ru send them.

The bodies come from the SMS gateway emulator's own report builders (the same
code that calls back during `zvonok run`), posted to the real FastAPI app over
httpx's ASGI transport, against a real database on each backend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlmodel import select

from core.db import Database
from core.delivery.reasons import describe
from core.delivery.receipts import record_sms_receipts
from core.models import Delivery, Notification
from core.settings import Settings
from notifier.standins.sms_gateway_state import Provider, SentSms, smsc_report, smsru_report
from tests.builders import NOW, build_world, insert, uow_at
from tests.integration.people_helpers import load
from webapp.app import create_app

SETTINGS = Settings(secret_key="a-test-secret-that-is-long-enough-to-pass-0123456789")

SMSRU_ID = "000000-10000042"
SMSC_ID = "1234567"
PHONE = "79160000002"


def report(provider: Provider, provider_id: str, *, delivered: bool = True) -> dict[str, str]:
    """The form the emulator POSTs for one SMS (what the provider's docs describe)."""
    sms = SentSms(provider, provider_id, PHONE, "Оценка: 5", 1, None, delivered)
    pairs = smsru_report(sms) if provider == "smsru" else smsc_report(sms)
    return dict(pairs)


async def sent_sms(db: Database, provider_id: str, who: str = "novikov") -> tuple[int, int]:
    """A notification already handed to the gateway: (delivery id, notification id)."""
    world = await build_world(db)
    sent_at = NOW - dt.timedelta(minutes=1)
    guardian = world.guardians[who]
    [note_id] = await insert(
        db,
        Notification(
            school_id=world.school_id,
            guardian_id=guardian,
            topic="marks",
            mode="instant",
            status="sent",
            due_at=sent_at,
            created_at=sent_at,
            closed_at=sent_at,
        ),
    )
    [delivery_id] = await insert(
        db,
        Delivery(
            school_id=world.school_id,
            notification_id=note_id,
            guardian_id=guardian,
            channel="sms",
            address="+" + PHONE,
            status="sent",
            attempts=1,
            provider_id=provider_id,
            parts=1,
            created_at=sent_at,
            sent_at=sent_at,
        ),
    )
    return delivery_id, note_id


@pytest.fixture
async def client(db: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=SETTINGS, database=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://zvonok.test") as http:
        yield http


async def post_report(client: httpx.AsyncClient, provider: str, form: dict[str, Any]) -> str:
    response = await client.post(SETTINGS.sms_hook_path(provider), data=form)
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize(
    ("provider", "provider_id", "ack"), [("smsru", SMSRU_ID, "100"), ("smsc", SMSC_ID, "OK")]
)
async def test_a_delivery_report_sets_delivered_at_once(
    db: Database, client: httpx.AsyncClient, provider: Provider, provider_id: str, ack: str
) -> None:
    delivery_id, note_id = await sent_sms(db, provider_id)

    assert await post_report(client, provider, report(provider, provider_id)) == ack
    delivered = await load(db, Delivery, delivery_id)
    assert delivered.delivered_at is not None
    assert delivered.status == "sent" and delivered.error is None

    assert await post_report(client, provider, report(provider, provider_id)) == ack
    again = await load(db, Delivery, delivery_id)
    assert again.delivered_at == delivered.delivered_at
    assert (await load(db, Notification, note_id)).status == "sent"


@pytest.mark.parametrize(("provider", "provider_id"), [("smsru", SMSRU_ID), ("smsc", SMSC_ID)])
async def test_an_undelivered_sms_falls_back_to_email(
    db: Database, client: httpx.AsyncClient, provider: Provider, provider_id: str
) -> None:
    delivery_id, note_id = await sent_sms(db, provider_id)  # Новиков has an email too
    await post_report(client, provider, report(provider, provider_id, delivered=False))

    failed = await load(db, Delivery, delivery_id)
    assert failed.status == "failed" and failed.delivered_at is None
    assert failed.error == "receipt"
    assert describe("receipt", failed.error_params, "en").startswith(f"{provider}: not delivered")
    note = await load(db, Notification, note_id)
    assert note.status == "sending"  # again: the email is on its way
    async with db.session() as session:
        rows = (
            await session.exec(select(Delivery).where(Delivery.notification_id == note_id))
        ).all()
    email = [d for d in rows if d.channel == "email"]
    assert [(d.status, d.address) for d in email] == [("pending", "novikov@example.ru")]


async def test_an_undelivered_sms_to_a_phone_only_family_fails_with_the_reason(
    db: Database, client: httpx.AsyncClient
) -> None:
    _, note_id = await sent_sms(db, SMSRU_ID, who="morozova")  # phone only
    await post_report(client, "smsru", report("smsru", SMSRU_ID, delivered=False))

    note = await load(db, Notification, note_id)
    assert note.status == "failed"
    assert note.reason == "undelivered"
    assert "SMS: smsru: not delivered" in describe(note.reason, note.reason_params, "en")


async def test_reports_for_sms_that_are_not_ours_are_acknowledged_and_ignored(
    db: Database, client: httpx.AsyncClient
) -> None:
    delivery_id, _ = await sent_sms(db, SMSRU_ID)
    assert await post_report(client, "smsru", report("smsru", "000000-99999999")) == "100"
    assert await post_report(client, "smsc", report("smsc", "99999999")) == "OK"
    assert await post_report(client, "smsru", {"data[0]": "sms_status\nx\n102\n0"}) == "100"
    untouched = await load(db, Delivery, delivery_id)
    assert untouched.delivered_at is None and untouched.status == "sent"


async def test_a_report_without_the_hook_token_is_refused_and_changes_nothing(
    db: Database, client: httpx.AsyncClient
) -> None:
    delivery_id, _ = await sent_sms(db, SMSRU_ID)
    forged = report("smsru", SMSRU_ID)
    for path in ("/hooks/sms/smsru/" + "0" * 32, Settings().sms_hook_path("smsru")):
        response = await client.post(path, data=forged)
        assert response.status_code == 404
    untouched = await load(db, Delivery, delivery_id)
    assert untouched.delivered_at is None and untouched.status == "sent"


async def test_an_unknown_provider_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.post("/hooks/sms/twilio/" + "0" * 32, data={"id": "1", "status": "1"})
    assert response.status_code == 404


async def test_the_service_counts_changed_rows_and_keeps_a_delivered_sms_delivered(
    db: Database,
) -> None:
    delivery_id, _ = await sent_sms(db, SMSC_ID)
    first = [(SMSC_ID, True, None, False), (SMSC_ID, True, None, False)]
    assert await record_sms_receipts(uow_at(db), provider="smsc", updates=first) == 1
    late_failure = [(SMSC_ID, False, "not delivered: expired", False)]
    assert await record_sms_receipts(uow_at(db), provider="smsc", updates=late_failure) == 0
    row = await load(db, Delivery, delivery_id)
    assert row.status == "sent" and row.delivered_at is not None
