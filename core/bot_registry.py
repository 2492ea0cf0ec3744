"""The schools' own bots: one deployment, a bot per school (or group of schools) per
messenger.

A district runs one Zvonok for all its schools, but each school usually has a bot of its
own (MAX registers a bot to a legal entity, and a parent looks for «Школа № 17», not for
the district). Each bot has its own rate limits, so a district-wide message goes out
through all of them at once. The bots are listed in a TOML file (`ZVONOK_BOTS_FILE`),
not in the database: their tokens are secrets and stay out of the database and its
backups.

```toml
[[telegram]]
key = "school17"                       # a short stable name: [a-z0-9_-], at most 32
token_file = "/run/secrets/school17-tg"  # or token = "123:ABC"
username = "school17_zvonok_bot"       # for the invite sheet's links
schools = [17]                         # school ids this bot serves

[[max]]
key = "school17"
token_file = "/run/secrets/school17-max"
username = "school17_bot"
schools = [17]
```

A school not listed uses the deployment's own bot (`ZVONOK_TELEGRAM_TOKEN`,
`ZVONOK_MAX_TOKEN`). A chat remembers the bot it was linked through (a bot writes only to
those who started it), and a delivery's address names that bot: «school17:123456»; the
deployment's bot has no prefix («123456»), as before there were several.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

MESSENGERS: Final = ("telegram", "max")
KEY_PATTERN: Final = r"^[a-z0-9][a-z0-9_-]{0,31}$"
_USERNAMES: Final = {
    "telegram": r"^[A-Za-z][A-Za-z0-9_]{3,31}$",
    "max": r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$",
}


class BotsFileError(ValueError):
    """The bots file cannot be used; the message says where and why."""


class _Entry(BaseModel):
    """One `[[telegram]]` or `[[max]]` table, as written."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=KEY_PATTERN)
    token: SecretStr | None = None
    token_file: Path | None = None
    username: str
    schools: list[int] = Field(min_length=1)
    rate: int | None = Field(default=None, ge=1, le=1000)

    @model_validator(mode="after")
    def _one_token(self) -> _Entry:
        if (self.token is None) == (self.token_file is None):
            raise ValueError("give the bot's token either as token or as token_file")
        return self


@dataclass(frozen=True)
class BotAccount:
    """A school's own bot in one messenger."""

    messenger: str  # "telegram" | "max"
    key: str
    token: SecretStr
    username: str
    schools: frozenset[int]
    rate: int | None = None  # messages a second; None: the messenger's setting


@dataclass(frozen=True)
class BotRegistry:
    """Every school's own bot; empty when the deployment has only its own two."""

    accounts: tuple[BotAccount, ...] = ()
    _by_key: dict[tuple[str, str], BotAccount] = field(default_factory=dict, compare=False)
    _by_school: dict[tuple[str, int], BotAccount] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for account in self.accounts:
            self._by_key[(account.messenger, account.key)] = account
            for school in account.schools:
                self._by_school[(account.messenger, school)] = account

    def __iter__(self) -> Iterator[BotAccount]:
        return iter(self.accounts)

    def of(self, messenger: str) -> tuple[BotAccount, ...]:
        """The messenger's school bots, in the file's order."""
        return tuple(a for a in self.accounts if a.messenger == messenger)

    def get(self, messenger: str, key: str) -> BotAccount | None:
        return self._by_key.get((messenger, key))

    def for_school(self, messenger: str, school_id: int) -> BotAccount | None:
        """The school's own bot in the messenger, or None: the deployment's bot."""
        return self._by_school.get((messenger, school_id))


def _token(entry: _Entry, where: str) -> SecretStr:
    if entry.token is not None:
        value = entry.token.get_secret_value().strip()
    else:
        assert entry.token_file is not None
        try:
            value = entry.token_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise BotsFileError(f"{where}: cannot read token_file: {error.strerror}") from None
    if not value:
        raise BotsFileError(f"{where}: the token is empty")
    return SecretStr(value)


def _account(messenger: str, index: int, raw: Any) -> BotAccount:
    where = f"[[{messenger}]] #{index + 1}"
    try:
        entry = _Entry.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg']}" for e in error.errors()
        )
        raise BotsFileError(f"{where}: {problems}") from None
    where = f"[[{messenger}]] {entry.key!r}"
    if re.fullmatch(_USERNAMES[messenger], entry.username) is None:
        raise BotsFileError(f"{where}: {entry.username!r} is not a {messenger} bot username")
    return BotAccount(
        messenger=messenger,
        key=entry.key,
        token=_token(entry, where),
        username=entry.username,
        schools=frozenset(entry.schools),
        rate=entry.rate,
    )


def parse_bots(text: str, *, source: str = "bots file") -> BotRegistry:
    """The registry a bots file describes; BotsFileError names the first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BotsFileError(f"{source} is not valid TOML: {error}") from None
    unknown = sorted(set(data) - set(MESSENGERS))
    if unknown:
        raise BotsFileError(f"{source}: unknown table(s) {unknown}; expected [[telegram]], [[max]]")
    accounts: list[BotAccount] = []
    for messenger in MESSENGERS:
        entries = data.get(messenger, [])
        if not isinstance(entries, list):
            raise BotsFileError(f"{source}: write each bot as [[{messenger}]]")
        accounts.extend(_account(messenger, i, raw) for i, raw in enumerate(entries))
    _check_unique(accounts, source)
    return BotRegistry(tuple(accounts))


def _check_unique(accounts: list[BotAccount], source: str) -> None:
    keys: set[tuple[str, str]] = set()
    tokens: set[str] = set()
    schools: dict[tuple[str, int], str] = {}
    for account in accounts:
        name = f"[[{account.messenger}]] {account.key!r}"
        if (account.messenger, account.key) in keys:
            raise BotsFileError(f"{source}: {name} is listed twice")
        keys.add((account.messenger, account.key))
        if account.token.get_secret_value() in tokens:
            raise BotsFileError(f"{source}: {name} has the token of another bot")
        tokens.add(account.token.get_secret_value())
        for school in sorted(account.schools):
            other = schools.get((account.messenger, school))
            if other is not None:
                raise BotsFileError(
                    f"{source}: school {school} has two {account.messenger} bots, "
                    f"{other!r} and {account.key!r}"
                )
            schools[(account.messenger, school)] = account.key


def load_bots(path: Path | None) -> BotRegistry:
    """The bots file at `path` (None: no school has a bot of its own)."""
    if path is None:
        return BotRegistry()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BotsFileError(f"cannot read the bots file {path}: {error.strerror}") from None
    return parse_bots(text, source=str(path))


def bot_address(bot: str | None, chat_id: int) -> str:
    """A chat as a delivery's address: «123» through the deployment's bot,
    «school17:123» through a school's own."""
    return f"{bot}:{chat_id}" if bot else str(chat_id)


def split_address(address: str) -> tuple[str | None, str]:
    """(bot key or None, the chat as the messenger names it) of a delivery's address."""
    bot, sep, chat = address.partition(":")
    return (bot, chat) if sep else (None, address)
