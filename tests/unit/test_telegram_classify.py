"""How the Bot API's failures map to SendResults: the one mapping, case by case.

The errors are those `notifier.telegram_api` raises for Telegram's real answers
(`{"ok": false, "error_code": …, "description": …, "parameters": …}`);
tests/integration/test_telegram_channel.py gets them over HTTP from the emulator.
"""

from __future__ import annotations

from typing import Any

import pytest

from notifier.base import Outcome
from notifier.telegram import chat_address, classify, keyboard
from notifier.telegram_api import TelegramApiError, TelegramNetworkError, bot_id


def answer(code: int, description: str, **parameters: Any) -> TelegramApiError:
    return TelegramApiError("sendMessage", code, description, parameters)


@pytest.mark.parametrize(
    ("error", "outcome", "retry_after", "dead"),
    [
        (answer(429, "Too Many Requests: retry after 17", retry_after=17), "retry", 17.0, False),
        (answer(429, "Too Many Requests"), "retry", 9.0, False),
        (answer(403, "Forbidden: bot was blocked by the user"), "permanent", None, True),
        (answer(403, "Forbidden: user is deactivated"), "permanent", None, True),
        (answer(400, "Bad Request: chat not found"), "permanent", None, True),
        (answer(400, "Bad Request: PEER_ID_INVALID"), "permanent", None, True),
        (answer(400, "Bad Request: message is too long"), "permanent", None, False),
        (
            answer(400, "Bad Request: group chat was upgraded", migrate_to_chat_id=-100777),
            "permanent",
            None,
            True,
        ),
        (answer(502, "Bad Gateway"), "retry", 9.0, False),
        (answer(500, "Internal Server Error: restart"), "retry", 9.0, False),
        (TelegramNetworkError("sendMessage", "ConnectError"), "retry", 9.0, False),
        (
            TelegramNetworkError("sendMessage", "HTTP 502, not a Bot API answer"),
            "retry",
            9.0,
            False,
        ),
        (TimeoutError(), "retry", 9.0, False),
        (answer(401, "Unauthorized"), "permanent", None, False),
        (answer(413, "Request Entity Too Large"), "permanent", None, False),
    ],
)
def test_classify(error: Exception, outcome: str, retry_after: float | None, dead: bool) -> None:
    result = classify(error, backoff=9.0)
    assert (result.outcome, result.retry_after, result.address_dead) == (
        Outcome(outcome),
        retry_after,
        dead,
    )
    assert result.reason


def test_migrated_group_names_its_new_id() -> None:
    error = answer(400, "Bad Request: group chat was upgraded", migrate_to_chat_id=-100777)
    result = classify(error, backoff=1.0)
    assert result.reason is not None and "-100777" in result.reason


def test_addresses_and_buttons() -> None:
    assert chat_address("-100123") == -100123 and chat_address("@school") == "@school"
    with pytest.raises(ValueError):
        chat_address("mama@example.ru")
    assert keyboard(()) is None
    assert keyboard((("Да", "yes"), ("Нет", "no"))) == {
        "inline_keyboard": [
            [{"text": "Да", "callback_data": "yes"}, {"text": "Нет", "callback_data": "no"}]
        ]
    }


def test_the_bot_id_is_the_token_head_and_a_bad_token_is_refused() -> None:
    assert bot_id("123456:ABC-def") == 123456
    for malformed in ("not-a-token", "123456", "123456:", "12 34:abc", "123456:ab cd"):
        with pytest.raises(ValueError, match="123456:ABC"):
            bot_id(malformed)
