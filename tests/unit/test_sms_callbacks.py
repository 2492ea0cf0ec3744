"""Provider wire formats: delivery-report parsing and error classification (no I/O)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from notifier.base import Outcome
from notifier.email import classify_smtp_error, message_id_for
from notifier.sms import callback_ack, parse_status_callback
from notifier.sms_providers import (
    Backoff,
    classify_smsc_error,
    classify_smsru_error,
    smsc_message_id,
)

BACKOFF = Backoff(transient=10, no_money=100, rate_limited=1000)


def test_smsru_callback_body_with_several_reports() -> None:
    body = urlencode(
        [
            ("data[0]", "sms_status\n000000-10000001\n103\n1700000000"),
            ("data[1]", "sms_status\n000000-10000002\n104\n1700000001"),
            ("data[2]", "sms_status\n000000-10000003\n102\n1700000002"),  # not final yet
            ("data[3]", "callcheck_status\n201737-542\n401\n1700000003"),  # another kind
        ]
    ).encode()

    updates = parse_status_callback("smsru", body)

    assert [(u.provider_id, u.delivered, u.code) for u in updates] == [
        ("000000-10000001", True, "103"),
        ("000000-10000002", False, "104"),
    ]
    assert updates[0].reason is None
    assert updates[1].reason is not None and "expired" in updates[1].reason
    assert callback_ack("smsru") == "100"


def test_smsru_callback_accepts_php_style_list_keys() -> None:
    pairs = [("data[]", "sms_status\nA-1\n103\n1"), ("data[]", "sms_status\nA-2\n108\n1")]
    updates = parse_status_callback("smsru", pairs)
    assert [(u.provider_id, u.delivered) for u in updates] == [("A-1", True), ("A-2", False)]


def test_smsc_callback_delivered_and_not() -> None:
    delivered = parse_status_callback(
        "smsc", {"id": "42", "phone": "79161234567", "status": "1", "err": "0"}
    )
    offline = parse_status_callback("smsc", "id=43&phone=79161234567&status=20&err=6&ts=1")
    missing = parse_status_callback("smsc", "id=44&phone=79161234567&status=22&err=1")
    pending = parse_status_callback("smsc", "id=45&phone=79161234567&status=0&err=0")

    assert [(u.provider_id, u.delivered) for u in delivered] == [("42", True)]
    assert [(u.provider_id, u.delivered, u.address_dead) for u in offline] == [("43", False, False)]
    assert offline[0].reason is not None and "offline" in offline[0].reason
    assert missing[0].address_dead
    assert pending == []


def test_unknown_provider_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown SMS provider"):
        parse_status_callback("twilio", b"")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "outcome", "dead", "retry_after"),
    [
        (202, Outcome.permanent, True, None),
        (207, Outcome.permanent, True, None),
        (201, Outcome.retry, False, 100),
        (220, Outcome.retry, False, 10),
        (230, Outcome.retry, False, 1000),
        (200, Outcome.permanent, False, None),
        (204, Outcome.permanent, False, None),
    ],
)
def test_smsru_error_classes(
    code: int, outcome: Outcome, dead: bool, retry_after: float | None
) -> None:
    result = classify_smsru_error(code, "text", BACKOFF)
    assert (result.outcome, result.address_dead, result.retry_after) == (outcome, dead, retry_after)


@pytest.mark.parametrize(
    ("code", "outcome", "dead"),
    [
        (7, Outcome.permanent, True),
        (8, Outcome.permanent, True),
        (3, Outcome.retry, False),
        (4, Outcome.retry, False),
        (2, Outcome.permanent, False),
        (6, Outcome.permanent, False),
    ],
)
def test_smsc_error_classes(code: int, outcome: Outcome, dead: bool) -> None:
    result = classify_smsc_error(code, "text", BACKOFF)
    assert (result.outcome, result.address_dead) == (outcome, dead)


def test_smsc_message_id_is_stable_and_in_range() -> None:
    ids = {smsc_message_id(f"delivery-{n}") for n in range(1000)}
    assert smsc_message_id("delivery-1") == smsc_message_id("delivery-1")
    assert len(ids) == 1000
    assert all(1 <= int(i) <= 2147483647 for i in ids)


def test_smtp_classification() -> None:
    import aiosmtplib

    refused = aiosmtplib.SMTPRecipientsRefused(
        [aiosmtplib.SMTPRecipientRefused(553, "bad mailbox", "x@y")]
    )
    assert classify_smtp_error(refused, retry_after=5).address_dead
    greylisted = aiosmtplib.SMTPRecipientsRefused(
        [aiosmtplib.SMTPRecipientRefused(451, "try later", "x@y")]
    )
    assert classify_smtp_error(greylisted, retry_after=5).outcome is Outcome.retry
    data_refused = aiosmtplib.SMTPDataError(554, "spam")
    assert classify_smtp_error(data_refused, retry_after=5).outcome is Outcome.permanent
    assert not classify_smtp_error(data_refused, retry_after=5).address_dead
    assert classify_smtp_error(ConnectionRefusedError(), retry_after=5).retry_after == 5
    assert classify_smtp_error(TimeoutError(), retry_after=5).outcome is Outcome.retry


def test_message_id_is_stable_and_safe() -> None:
    assert message_id_for("42", "Школа <noreply@school.example>") == "<zvonok.42@school.example>"
    odd = message_id_for("delivery 42/тест", "noreply@school.example")
    assert odd == message_id_for("delivery 42/тест", "noreply@school.example")
    assert odd.isascii() and " " not in odd
