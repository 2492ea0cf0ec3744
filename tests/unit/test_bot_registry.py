"""The bots file (ZVONOK_BOTS_FILE): what an operator writes, and the clear refusals of
what cannot work."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from core.bot_registry import BotsFileError, bot_address, parse_bots, split_address
from core.settings import Settings

DISTRICT = """
[[telegram]]
key = "school17"
token = "1717:AAA"
username = "school17_zvonok_bot"
schools = [17, 18]
rate = 25

[[telegram]]
key = "lyceum2"
token = "2222:BBB"
username = "lyceum2_bot"
schools = [2]

[[max]]
key = "school17"
token = "max-token-17"
username = "school17.bot"
schools = [17]
"""


def test_a_district_file_gives_each_school_its_bots() -> None:
    bots = parse_bots(DISTRICT)

    own = bots.for_school("telegram", 18)
    assert own is not None and own.key == "school17" and own.rate == 25
    assert own.token.get_secret_value() == "1717:AAA"
    assert "1717:AAA" not in repr(own)  # a token never shows in a log line
    assert [a.key for a in bots.of("telegram")] == ["school17", "lyceum2"]
    assert bots.for_school("max", 17) is not None
    assert bots.for_school("max", 18) is None  # the deployment's MAX bot
    assert bots.for_school("telegram", 99) is None


def test_a_token_may_live_in_a_file_of_its_own(tmp_path: Path) -> None:
    secret = tmp_path / "school17.token"
    secret.write_text("1717:FROM-FILE\n", encoding="utf-8")
    text = f"""
[[telegram]]
key = "school17"
token_file = "{secret}"
username = "school17_zvonok_bot"
schools = [17]
"""
    account = parse_bots(text).get("telegram", "school17")
    assert account is not None and account.token.get_secret_value() == "1717:FROM-FILE"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[[telegram]\nkey = 1", "not valid TOML"),
        ('[[viber]]\nkey = "a"', "unknown table(s) ['viber']"),
        ('telegram = "x"', "write each bot as [[telegram]]"),
        (
            '[[telegram]]\nkey = "School 17"\ntoken = "1:A"\nusername = "abcd_bot"\nschools = [1]',
            "key: String should match pattern",
        ),
        (
            '[[telegram]]\nkey = "s17"\nusername = "abcd_bot"\nschools = [1]',
            "either as token or as token_file",
        ),
        (
            '[[telegram]]\nkey = "s17"\ntoken = "1:A"\nusername = "abcd_bot"\nschools = []',
            "schools: List should have at least 1 item",
        ),
        (
            '[[telegram]]\nkey = "s17"\ntoken = "1:A"\nusername = "a b"\nschools = [1]',
            "'a b' is not a telegram bot username",
        ),
        (
            '[[max]]\nkey = "s17"\ntoken = "  "\nusername = "abcd"\nschools = [1]',
            "the token is empty",
        ),
        (
            '[[max]]\nkey = "s17"\ntoken_file = "/nonexistent/t"\nusername = "abcd"\nschools = [1]',
            "cannot read token_file",
        ),
        (
            '[[telegram]]\nkey = "a"\ntoken = "1:A"\nusername = "abcd_bot"\nschools = [1]\n'
            '[[telegram]]\nkey = "a"\ntoken = "2:B"\nusername = "efgh_bot"\nschools = [2]',
            "[[telegram]] 'a' is listed twice",
        ),
        (
            '[[telegram]]\nkey = "a"\ntoken = "1:A"\nusername = "abcd_bot"\nschools = [1]\n'
            '[[telegram]]\nkey = "b"\ntoken = "1:A"\nusername = "efgh_bot"\nschools = [2]',
            "has the token of another bot",
        ),
        (
            '[[telegram]]\nkey = "a"\ntoken = "1:A"\nusername = "abcd_bot"\nschools = [1, 5]\n'
            '[[telegram]]\nkey = "b"\ntoken = "2:B"\nusername = "efgh_bot"\nschools = [5]',
            "school 5 has two telegram bots, 'a' and 'b'",
        ),
        (
            '[[telegram]]\nkey = "a"\ntoken = "1:A"\nusername = "abcd_bot"\nschools = [1]\n'
            'colour = "red"',
            "colour: Extra inputs are not permitted",
        ),
    ],
)
def test_a_broken_file_is_refused_with_what_to_fix(text: str, says: str) -> None:
    with pytest.raises(BotsFileError) as refused:
        parse_bots(text)
    assert says in str(refused.value)


def test_settings_refuse_a_broken_bots_file_at_start(tmp_path: Path) -> None:
    path = tmp_path / "bots.toml"
    path.write_text('[[telegram]]\nkey = "a"\nusername = "abcd_bot"\nschools = [1]\n')
    with pytest.raises(ValidationError) as refused:
        Settings(bots_file=path)
    assert "ZVONOK_BOTS_FILE" in str(refused.value) and "token_file" in str(refused.value)

    with pytest.raises(ValidationError) as missing:
        Settings(bots_file=tmp_path / "absent.toml")
    assert "cannot read the bots file" in str(missing.value)


def test_settings_name_each_schools_bot_for_its_links(tmp_path: Path) -> None:
    path = tmp_path / "bots.toml"
    path.write_text(DISTRICT, encoding="utf-8")
    settings = Settings(bots_file=path, telegram_bot_username="district_bot")

    assert settings.bot_username("telegram", 17) == "school17_zvonok_bot"
    assert settings.bot_username("max", 17) == "school17.bot"
    assert settings.bot_username("telegram", 3) == "district_bot"
    assert [a.key for a in settings.school_bots("max")] == ["school17"]


def test_an_address_names_its_bot_only_when_it_is_a_schools() -> None:
    assert bot_address(None, 123) == "123"
    assert bot_address("school17", -100123) == "school17:-100123"
    assert split_address("school17:-100123") == ("school17", "-100123")
    assert split_address("123") == (None, "123")
    assert split_address("@channel") == (None, "@channel")
