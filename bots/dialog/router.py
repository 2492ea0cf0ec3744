"""Routes from what a chat did to the feature that answers it.

Each feature builds a `Router`; `Dialogue` tries them in order, and in each router its
routes in the order they were added: the first that matches answers. A route matches
one kind of turn:

- `command("hw")`: a message «/hw …» (or «/hw@bot …»); `args` is the rest;
- `menu("marks")`: the main menu's entry, typed (its text in any language: a keyboard
  outlives a change of language) or pressed (payload «menu:marks», where the menu is
  made of inline buttons);
- `press(DiaryWeek)`: a button whose payload parses as that `Payload` (the handler
  gets it), or `press_prefix("ack:")`;
- `text()`: a typed message (`where` narrows it); `message()`: any message, a photo too
  (`when`, an async check, narrows it and hands the handler what it found);
- `any_press()`: any button.

`states` narrows a route to conversation states (`None` in it: no conversation);
by default a route matches in any state. A router's `where` narrows all its routes;
routers answer private chats only unless built with `groups=True`.
"""

from __future__ import annotations

import inspect
import logging
import re
import time
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from bots.dialog.conversation import State
from bots.dialog.payload import Payload
from bots.dialog.turn import Turn
from bots.i18n import in_every_language, speaking
from core.metrics import BOT_TURN_SECONDS, BOT_TURNS

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[None]]
Condition = Callable[[Turn], bool]
P = TypeVar("P", bound=Payload)

MENU_PREFIX = "menu:"
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+(.*))?$", re.DOTALL)


def parse_command(text: str | None) -> tuple[str, str] | None:
    """(name, args) of «/name args», the name in lower case; None for other text."""
    found = _COMMAND.match((text or "").strip())
    if found is None:
        return None
    return found.group(1).lower(), (found.group(2) or "").strip()


def menu_payload(key: str) -> str:
    return f"{MENU_PREFIX}{key}"


@dataclass(frozen=True)
class Route:
    kind: str  # "command" | "text" | "message" | "press"
    handler: Handler
    states: frozenset[str | None] | None
    matches: Callable[[Turn], Any]  # a falsy value (or awaitable of one): no match
    with_value: bool = False  # the handler gets what `matches` found: handler(turn, it)


def _state_names(states: Iterable[State | None] | None) -> frozenset[str | None] | None:
    if states is None:
        return None
    return frozenset(s.name if s is not None else None for s in states)


class Router:
    def __init__(self, name: str, *, where: Condition | None = None, groups: bool = False) -> None:
        self.name = name
        self.where = where
        self.groups = groups
        self.routes: list[Route] = []

    def _add(
        self,
        kind: str,
        handler: Handler,
        matches: Callable[[Turn], Any],
        states: Iterable[State | None] | None,
        with_value: bool = False,
    ) -> None:
        self.routes.append(Route(kind, handler, _state_names(states), matches, with_value))

    def command(
        self, name: str, handler: Handler, *, states: Iterable[State | None] | None = None
    ) -> None:
        self._add("command", handler, lambda turn: turn.command == name, states)

    def any_command(self, handler: Handler) -> None:
        self._add("command", handler, lambda turn: turn.command is not None, None)

    def menu(self, key: str, label: str, handler: Handler) -> None:
        """`label`: the entry's English id (its text in every language matches)."""
        texts = in_every_language(label)
        self._add("text", handler, lambda turn: turn.text in texts, None)
        data = menu_payload(key)
        self._add(
            "press", handler, lambda turn: turn.press is not None and turn.press.data == data, None
        )

    def text(
        self,
        handler: Handler,
        *,
        states: Iterable[State | None] | None = None,
        where: Condition | None = None,
    ) -> None:
        def matches(turn: Turn) -> bool:
            return turn.text is not None and (where is None or where(turn))

        self._add("text", handler, matches, states)

    def message(
        self,
        handler: Handler,
        *,
        states: Iterable[State | None] | None = None,
        where: Condition | None = None,
        when: Callable[[Turn], Awaitable[Any]] | None = None,
    ) -> None:
        if when is None:
            self._add("message", handler, lambda turn: where is None or where(turn), states)
        else:
            self._add("message", handler, when, states, with_value=True)

    def press(
        self,
        kind: type[P],
        handler: Handler,
        *,
        states: Iterable[State | None] | None = None,
        where: Callable[[P], bool] | None = None,
    ) -> None:
        """The handler is called as `handler(turn, payload)`."""

        def matches(turn: Turn) -> P | None:
            if turn.press is None:
                return None
            payload = kind.unpack(turn.press.data)
            if payload is None or (where is not None and not where(payload)):
                return None
            return payload

        self._add("press", handler, matches, states, with_value=True)

    def press_prefix(self, prefix: str, handler: Handler) -> None:
        self._add(
            "press",
            handler,
            lambda turn: turn.press is not None and turn.press.data.startswith(prefix),
            None,
        )

    def any_press(self, handler: Handler) -> None:
        self._add("press", handler, lambda turn: turn.press is not None, None)

    async def find(self, turn: Turn) -> tuple[Route, Any] | None:
        if not (turn.private or self.groups):
            return None
        if self.where is not None and not self.where(turn):
            return None
        for route in self.routes:
            if not _kind_fits(route.kind, turn):
                continue
            if route.states is not None and turn.conversation.state not in route.states:
                continue
            found = route.matches(turn)
            if inspect.isawaitable(found):
                found = await found
            if found:
                return route, found
        return None


def _kind_fits(kind: str, turn: Turn) -> bool:
    if turn.press is not None:
        return kind == "press"
    if kind == "command":
        return turn.command is not None
    if kind == "text":
        return turn.text is not None
    return kind == "message"


ErrorHandler = Callable[[Turn, Exception], Awaitable[None]]


class Dialogue:
    """The features' routers in order, and what to do when a handler raises."""

    def __init__(self, routers: Collection[Router], on_error: ErrorHandler) -> None:
        self.routers = tuple(routers)
        self.on_error = on_error

    async def find(self, turn: Turn) -> tuple[Route, Any] | None:
        for router in self.routers:
            found = await router.find(turn)
            if found is not None:
                return found
        return None

    async def handle(self, turn: Turn) -> bool:
        """Answer `turn`; False when no route took it. A press is always answered."""
        started, outcome, found = time.monotonic(), "error", None
        with speaking(turn.lang):
            try:
                found = await self.find(turn)
                if found is not None:
                    route, value = found
                    if route.with_value:
                        await route.handler(turn, value)
                    else:
                        await route.handler(turn)
                await turn.notify()
                outcome = "unrouted" if found is None else "answered"
            except Exception as error:
                await self.on_error(turn, error)
            finally:
                messenger = turn.messenger.value
                BOT_TURNS.labels(messenger, _kind_of(turn), outcome).inc()
                BOT_TURN_SECONDS.labels(messenger).observe(time.monotonic() - started)
            return found is not None


def _kind_of(turn: Turn) -> str:
    if turn.press is not None:
        return "press"
    if turn.command is not None:
        return "command"
    return "text" if turn.text is not None else "message"
