"""Bot API parameters as they arrive: JSON values, or strings from a form (aiogram's way)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from notifier.standins.telegram_errors import bad_request


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    data: bytes
    content_type: str | None = None


@dataclass
class Params:
    """One request's parameters; every getter raises the Bot API's 400 on a bad value."""

    values: dict[str, Any]
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str, default: float) -> float:
        value = self.values.get(name)
        try:
            return default if value in (None, "") else float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def structured(self, name: str) -> Any:
        """A JSON-serialized field (reply_markup, allowed_updates, commands)."""
        value = self.values.get(name)
        if isinstance(value, str) and value != "":
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def chat_id(self, resolve_username: dict[str, int]) -> int:
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, str) and value.startswith("@"):
            found = resolve_username.get(value[1:].lower())
            if found is None:
                raise bad_request("chat not found")
            return found
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None

    def required_int(self, name: str, missing: str) -> int:
        value = self.integer(name)
        if value is None:
            raise bad_request(missing)
        return value
