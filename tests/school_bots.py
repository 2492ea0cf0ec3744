"""A school's own bots (core.bot_registry) for the tests: their tokens and the bots
file an operator would write for them."""

from __future__ import annotations

from pathlib import Path

SCHOOL_BOT_KEY = "school2"
SCHOOL_TELEGRAM_TOKEN = "987654321:SCHOOL-TWO-token"
SCHOOL_MAX_TOKEN = "school-two-max-token"
SCHOOL_BOT_USERNAME = "school2_zvonok_bot"


def school_bots_file(directory: Path, school_ids: list[int]) -> Path:
    """A bots file giving `school_ids` their own bot on each messenger
    (`SCHOOL_BOT_KEY`), one token inline and one in a file, as an operator may write."""
    token_file = directory / "school2-max.token"
    token_file.write_text(SCHOOL_MAX_TOKEN + "\n", encoding="utf-8")
    path = directory / "bots.toml"
    path.write_text(
        f"""
[[telegram]]
key = "{SCHOOL_BOT_KEY}"
token = "{SCHOOL_TELEGRAM_TOKEN}"
username = "{SCHOOL_BOT_USERNAME}"
schools = {school_ids}

[[max]]
key = "{SCHOOL_BOT_KEY}"
token_file = "{token_file}"
username = "{SCHOOL_BOT_USERNAME}"
schools = {school_ids}
""",
        encoding="utf-8",
    )
    return path
