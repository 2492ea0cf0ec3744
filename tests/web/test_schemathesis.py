"""schemathesis against /openapi.json, as each role: no request may get a server error.

For every operation of the API document, schemathesis generates requests that fit the
schema and requests that do not (huge and negative ids, dates far off, wrong types,
missing fields, junk headers) and sends them to the app in-process (ASGI) with the
role's API token, on a small school of the test builders (SQLite: what is probed here
is the app's own handling of input; tests/web/test_bounded_input.py runs the extreme
values on PostgreSQL too). Any 5xx, or an exception out of the app, fails the test with
a curl command that reproduces the request.

Bounded so that the whole run takes about a minute: EXAMPLES requests per operation and
role (fewer where each answer is a rendered PDF), generated deterministically, so a
failure shows again on the next run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.result import Err, Ok
from schemathesis.python import asgi
from sqlalchemy import update
from sqlmodel import SQLModel

from core.actors import StaffActor
from core.db import Database
from core.models import Staff
from core.security import hash_password
from core.services.access_tokens import create_api_token
from tests.builders import NOW, World, build_world, uow_at
from tests.web.browser import PASSWORD, Clock
from tests.web.conftest import settings
from webapp.app import create_app

# The roles of the issue, each as a builders' staff member (None: no token at all).
ROLES = {
    "administrator": "admin",
    "deputy": "deputy",
    "secretary": "secretary",
    "class teacher": "russian",  # of 7Б
    "subject teacher": "math",
    "anonymous": None,
}
# Requests per operation, fitting the schema or not. Without a token every request is
# answered 401 before its values are read, so fewer tell as much; where each answer is
# a PDF (Typst), a few are enough.
EXAMPLES = 4
ANONYMOUS_EXAMPLES = 2
SLOW = {
    "POST /api/v1/classes/{class_id}/invite-sheet": 2,
    "GET /api/v1/classes/{class_id}/weekly-summary": 2,
    "POST /api/v1/classes/{class_id}/statement/exports": 2,
}


@dataclass
class School:
    """A builders' school in a SQLite file, the app on it, and one person's token."""

    path: Path
    actor: StaffActor | None
    app: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    copies: int = 0
    refused: bool = False  # a request was answered 401: the token may be gone

    def open(self) -> None:
        """The app on a fresh copy of the school (again when the person was locked out)."""
        self.copies += 1
        copy = self.path.with_name(f"school-{self.copies}.db")
        shutil.copy(self.path, copy)
        if self.actor is not None:
            self.headers = {"Authorization": f"Bearer {asyncio.run(_token(copy, self.actor))}"}
        database = Database(f"sqlite:///{copy}")
        app = create_app(settings(), database=database, clock=Clock(NOW))
        self.app = _in_process(app, database)

    def examples(self, operation: Any) -> int:
        if self.actor is None:
            return ANONYMOUS_EXAMPLES
        return int(SLOW.get(operation.label, EXAMPLES))

    def signed_in(self) -> bool:
        """Still signed in after the last operation (which may have revoked the token,
        changed the password or locked the account)?"""
        if self.actor is None or not self.refused:
            return True
        self.refused = False
        with asgi.get_client(self.app) as client:
            return bool(client.get("/api/v1/me", headers=self.headers).status_code == 200)


async def _seed(path: Path) -> World:
    database = Database(f"sqlite:///{path}")
    async with database.engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    world = await build_world(database)
    async with database.session() as session:  # every account's first-day password
        await session.exec(update(Staff).values(password_hash=hash_password(PASSWORD)))
        await session.commit()
    await database.dispose()
    return world


async def _token(path: Path, actor: StaffActor) -> str:
    database = Database(f"sqlite:///{path}")
    issued = await create_api_token(
        uow_at(database),
        actor=actor,
        name="schemathesis",
        current_password=PASSWORD,
        ttl=dt.timedelta(days=90),
    )
    await database.dispose()
    return issued.secret


def _in_process(app: Any, database: Database) -> Any:
    """The app as schemathesis calls it: its own lifespan (logging set-up for a process)
    left out; the database disposed of in the loop that used it, at shutdown."""

    async def serve(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await database.dispose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    return serve


@pytest.fixture
def school(tmp_path: Path) -> Iterator[tuple[Path, World]]:
    path = tmp_path / "school.db"
    world = asyncio.run(_seed(path))
    yield path, world
    asgi.shutdown_lifespans()  # each app's database is disposed of in its own loop


def _run_operation(operation: Any, place: School, failures: list[str], role: str) -> None:
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )
    found: list[str] = []

    @hypothesis.settings(
        max_examples=place.examples(operation),
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def probe(case: Any) -> None:
        if found:
            return  # one reproducible case per operation is enough
        try:
            response = case.call(app=place.app, headers=place.headers)
        except Exception as error:  # the app raised: what a client sees as a 500
            found.append(f"{type(error).__name__}: {error}")
        else:
            place.refused = place.refused or response.status_code == 401
            if response.status_code < 500:
                return
            found.append(f"{response.status_code}: {response.text[:300]}")
        found.append(case.as_curl_command(headers=place.headers))

    probe()
    if found:
        failures.append(f"{operation.label} as {role}:\n    " + "\n    ".join(found))


@pytest.mark.parametrize("role", ROLES)
def test_no_request_gets_a_server_error(school: tuple[Path, World], role: str) -> None:
    path, world = school
    who = ROLES[role]
    place = School(path, world.actor(who) if who else None)
    place.open()
    schema = schemathesis.openapi.from_asgi("/openapi.json", place.app)
    results = list(schema.get_all_operations())
    invalid = [result.err() for result in results if isinstance(result, Err)]
    assert not invalid, f"operations the document describes wrongly: {invalid}"
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) > 60, "the API document lost its operations"
    failures: list[str] = []
    for operation in operations:
        if not place.signed_in():  # revoked its own token, say: a fresh copy of the school
            place.open()
        _run_operation(operation, place, failures, role)
    assert not failures, f"{len(failures)} operations answered 5xx:\n" + "\n".join(failures)
