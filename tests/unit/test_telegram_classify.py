"""How aiogram's failures map to SendResults: the one mapping, case by case."""

from __future__ import annotations

import pytest
from aiogram.exceptions import (
    ClientDecodeError,
    RestartingTelegram,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import SendMessage

from notifier.base import Outcome
from notifier.telegram import chat_address, classify, keyboard

METHOD = SendMessage(chat_id=1, text="x")


@pytest.mark.parametrize(
    ("error", "outcome", "retry_after", "dead"),
    [
        (TelegramRetryAfter(METHOD, "Too Many Requests: retry after 17", 17), "retry", 17.0, False),
        (
            TelegramForbiddenError(METHOD, "Forbidden: bot was blocked by the user"),
            "permanent",
            None,
            True,
        ),
        (TelegramForbiddenError(METHOD, "Forbidden: user is deactivated"), "permanent", None, True),
        (TelegramBadRequest(METHOD, "Bad Request: chat not found"), "permanent", None, True),
        (TelegramBadRequest(METHOD, "Bad Request: PEER_ID_INVALID"), "permanent", None, True),
        (TelegramBadRequest(METHOD, "Bad Request: message is too long"), "permanent", None, False),
        (
            TelegramMigrateToChat(METHOD, "Bad Request: group chat was upgraded", -100777),
            "permanent",
            None,
            True,
        ),
        (TelegramServerError(METHOD, "Bad Gateway"), "retry", 9.0, False),
        (RestartingTelegram(METHOD, "Internal Server Error: restart"), "retry", 9.0, False),
        (TelegramNetworkError(METHOD, "ClientConnectorError"), "retry", 9.0, False),
        (ClientDecodeError("Failed to decode object", ValueError(), "<html>"), "retry", 9.0, False),
        (TimeoutError(), "retry", 9.0, False),
        (TelegramUnauthorizedError(METHOD, "Unauthorized"), "permanent", None, False),
        (TelegramEntityTooLarge(METHOD, "Request Entity Too Large"), "permanent", None, False),
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
    result = classify(TelegramMigrateToChat(METHOD, "upgraded", -100777), backoff=1.0)
    assert result.reason is not None and "-100777" in result.reason


def test_addresses_and_buttons() -> None:
    assert chat_address("-100123") == -100123 and chat_address("@school") == "@school"
    with pytest.raises(ValueError):
        chat_address("mama@example.ru")
    assert keyboard(()) is None
    markup = keyboard((("Да", "yes"), ("Нет", "no")))
    assert markup is not None
    assert [b.callback_data for b in markup.inline_keyboard[0]] == ["yes", "no"]
