"""The `zvonok` command speaks the language of ZVONOK_LANGUAGE (Russian by default)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def zvonok(*args: str, language: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "ZVONOK_LANGUAGE"}
    env |= {"COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    if language is not None:
        env["ZVONOK_LANGUAGE"] = language
    done = subprocess.run(
        [sys.executable, "-m", "core.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout + done.stderr


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (None, "Звонок — электронный журнал, который сам сообщает родителям."),
        ("en", "Zvonok: the school journal that tells the parents itself."),
        ("en-GB", "Start the Telegram bot."),
        ("de", "Запустить Telegram-бота."),  # unknown: Russian
    ],
)
def test_the_help_is_in_the_chosen_language(language: str | None, expected: str) -> None:
    assert expected in zvonok("--help", language=language)


def test_an_error_is_in_the_chosen_language() -> None:
    assert "unknown domains xx" in zvonok("i18n", "check", "-d", "xx", language="en")
    assert "неизвестные домены: xx" in zvonok("i18n", "check", "-d", "xx", language="ru")
