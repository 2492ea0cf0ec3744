"""Round trips to PostgreSQL, counted where asyncpg sends them.

Each of these asyncpg protocol calls writes its messages and waits for the server's
answer: one round trip (a `BEGIN`, a statement prepared or executed, a `COMMIT`, the
pool's pre-ping's three). Counting SQL statements misses the ones asyncpg sends on
its own (transactions, pings), so the bench wraps the protocol of every connection
the engine opens. For benchmarks only: nothing in the app imports this.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

# asyncpg's Protocol methods that wait for the server (`close` does not: it hangs up).
_ROUND_TRIPS = frozenset(
    {
        "prepare",
        "bind_execute",
        "bind_execute_many",
        "bind",
        "execute",
        "query",
        "close_statement",
        "copy_in",
        "copy_out",
    }
)


class _CountingProtocol:
    """Stands in for a connection's asyncpg protocol, counting the calls that wait."""

    def __init__(self, protocol: Any, counter: RoundTrips) -> None:
        self._protocol = protocol
        self._counter = counter

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._protocol, name)
        if name not in _ROUND_TRIPS:
            return found
        counter = self._counter

        def counted(*args: Any, **kwargs: Any) -> Coroutine[Any, Any, Any]:
            if counter.counting:
                counter.calls.append(name)
            method: Callable[..., Coroutine[Any, Any, Any]] = found
            return method(*args, **kwargs)

        return counted


class RoundTrips:
    """The round trips of the connections `engine` opens from now on, while `counting`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.counting = False
        self.calls: list[str] = []
        event.listen(engine.sync_engine, "connect", self._wrap)

    def _wrap(self, dbapi_connection: Any, _record: Any) -> None:
        connection = dbapi_connection._connection  # SQLAlchemy's adapter → asyncpg's
        connection._protocol = _CountingProtocol(connection._protocol, self)

    def start(self) -> None:
        self.calls.clear()
        self.counting = True

    def stop(self) -> list[str]:
        self.counting = False
        return list(self.calls)
