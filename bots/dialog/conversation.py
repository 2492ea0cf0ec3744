"""A chat's conversation: which question it is answering, and what it said so far.

Kept in Redis per messenger chat (`zvonok:bot:conv:<messenger>:<id>`), so a restarted
bot process, or another one, picks a conversation up where it was. An unanswered
question (a consent, a homework draft) is forgotten after a day: the plain invite code
it may hold does not stay in Redis for good.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from core.messengers import MessengerChat

TTL = dt.timedelta(days=1)


@dataclass(frozen=True)
class State:
    """A question the chat is answering: `name` is unique across features."""

    name: str


class StateGroup:
    """The states of one flow as class attributes; `members()` lists them (a route in
    any of a flow's states: `states=HwFlow.members()`)."""

    @classmethod
    def members(cls) -> frozenset[State]:
        return frozenset(v for v in vars(cls).values() if isinstance(v, State))


def conversation_key(chat: MessengerChat) -> str:
    return f"zvonok:bot:conv:{chat.messenger.value}:{chat.id}"


class Conversation:
    """Read once per turn (`load`), written through at each change."""

    def __init__(self, redis: Redis, chat: MessengerChat) -> None:
        self.redis = redis
        self.key = conversation_key(chat)
        self._state: str | None = None
        self._data: dict[str, Any] = {}

    async def load(self) -> Conversation:
        raw = await self.redis.get(self.key)
        if raw:
            stored = json.loads(raw)
            self._state, self._data = stored.get("state"), dict(stored.get("data") or {})
        return self

    @property
    def state(self) -> str | None:
        return self._state

    def is_in(self, *states: State) -> bool:
        return self._state in {s.name for s in states}

    @property
    def data(self) -> dict[str, Any]:
        """A copy: change it through `set_data` / `update_data`."""
        return dict(self._data)

    async def set_state(self, state: State | None) -> None:
        self._state = state.name if state is not None else None
        await self._save()

    async def set_data(self, data: dict[str, Any]) -> None:
        self._data = dict(data)
        await self._save()

    async def update_data(self, **changes: Any) -> None:
        self._data.update(changes)
        await self._save()

    async def clear(self) -> None:
        self._state, self._data = None, {}
        await self.redis.delete(self.key)

    async def _save(self) -> None:
        if self._state is None and not self._data:
            await self.redis.delete(self.key)
            return
        value = json.dumps({"state": self._state, "data": self._data})
        await self.redis.set(self.key, value, ex=TTL)
