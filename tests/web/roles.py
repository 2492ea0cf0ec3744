"""The role matrix: each role × each action → allowed or refused.

Who acts: the builders' staff (`math`, `russian` the class teacher of 7Б,
`substitute`, `deputy`, `admin`, `secretary`), `stranger` (staff of another school,
with every role there) and `anonymous` (no sign-in). An `Action` names one request
and who may make it; everyone else must be refused (401, 403, 404, or a redirect to
the sign-in page). A page action is sent by a signed-in browser with a valid CSRF
token, an API action with the person's own bearer token, so a refusal is always the
role's, never a missing credential.

Later endpoints add their `Action`s to `MATRIX` (or keep a list of their own and run
it with `assert_matrix`, adding it to `ALL_ACTIONS` of test_role_matrix.py);
`test_every_endpoint_is_in_the_matrix` fails while an endpoint of the app is in no
action at all.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.web.browser import PASSWORD, Browser, Web
from tests.web.homeroom_prepare import class_announcement

STAFF = ("math", "russian", "substitute", "deputy", "admin", "secretary", "stranger")
ANONYMOUS = "anonymous"
EVERYONE = frozenset(STAFF)  # every signed-in staff member (of any school)
WHO = (*STAFF, ANONYMOUS)

# Extra path values an action needs for the person acting, e.g. their own token's id.
Prepare = Callable[[Web, str], Awaitable[dict[str, int]]]


@dataclass(frozen=True)
class Action:
    name: str
    method: str
    path: str  # "{lesson:math7}" → the builders' id; "{token}" → from `prepare`
    allowed: frozenset[str]
    covers: str  # the route it exercises: "POST /tokens/{token_id}/revoke"
    api: bool = False
    form: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    prepare: Prepare | None = None
    files: Mapping[str, tuple[str, bytes, str]] | None = None  # a multipart upload

    def __post_init__(self) -> None:
        # An action nobody may take cannot tell a refusal from a wrong path.
        assert self.allowed, f"{self.name}: at least one role must be allowed"


_PLACEHOLDER = re.compile(r"\{(\w+)(?::([^}]+))?\}")


def resolve(web: Web, path: str, extra: Mapping[str, int]) -> str:
    tables = {
        "lesson": web.world.lessons,
        "class": web.world.classes,
        "student": web.world.students,
        "staff": web.world.staff,
        "guardian": web.world.guardians,
        "subject": web.world.subjects,
        "period": web.world.periods,
        "group": web.world.groups,
    }

    def value(match: re.Match[str]) -> str:
        kind, key = match.group(1), match.group(2)
        return str(extra[kind] if key is None else tables[kind][key])

    return _PLACEHOLDER.sub(value, path)


async def own_api_token(web: Web, who: str) -> dict[str, int]:
    """`{token}`: an API token of the person acting (the math teacher's for anonymous)."""
    owner = "math" if who == ANONYMOUS else who
    made = await web.api_token(owner, name="матрица")
    return {"token": made.info.id}


@dataclass
class Person:
    """Someone at the app: a browser (signed in unless anonymous) and their API token."""

    who: str
    browser: Browser
    api: httpx.AsyncClient
    bearer: dict[str, str]

    @classmethod
    async def of(cls, web: Web, who: str) -> Person:
        if who == ANONYMOUS:
            browser = web.browser()
            await browser.get("/login")  # a CSRF token of its own, as any visitor has
            return cls(who, browser, web.browser().client, {})
        browser = await web.signed_in(who)
        await browser.get("/password")
        token = await web.api_token(who, name="api")
        return cls(who, browser, web.browser().client, {"Authorization": f"Bearer {token.secret}"})

    async def send(self, action: Action, path: str) -> httpx.Response:
        if action.api:
            return await self.api.request(
                action.method,
                path,
                json=action.json,
                data=dict(action.form) if action.files else None,
                files=action.files,
                headers=self.bearer,
            )
        if action.method == "GET":
            return await self.browser.client.get(path)
        data = {**action.form, "csrf_token": self.browser.csrf}
        return await self.browser.client.request(action.method, path, data=data, files=action.files)


def outcome(response: httpx.Response) -> str:
    """ "allowed" or "refused"; anything else means the action itself is wrong."""
    status = response.status_code
    if status in (401, 403, 404):
        return "refused"
    if 300 <= status < 400 and response.headers["location"].startswith("/login"):
        return "refused"
    if status < 400:
        return "allowed"
    raise AssertionError(f"{status}: not a refusal but a bad request: {response.text[:500]}")


async def attempt(web: Web, person: Person, action: Action) -> str:
    extra = await action.prepare(web, person.who) if action.prepare else {}
    response = await person.send(action, resolve(web, action.path, extra))
    return outcome(response)


def expected(action: Action, who: str) -> str:
    return "allowed" if who in action.allowed else "refused"


# The same password again: a valid change that leaves later actions able to sign in.
SAME_PASSWORD = {"current": PASSWORD, "new": PASSWORD, "repeat": PASSWORD}

# Who may act on 7Б's parents and announcements (core.permissions and the services).
_ANNOUNCERS = frozenset({"russian", "deputy", "admin"})  # post to and read a class
_FAMILIES = _ANNOUNCERS | {"secretary"}  # see the class's parents
_PEOPLE = frozenset({"russian", "admin", "secretary"})  # invite codes, the paper flag
_READERS = frozenset({"russian", "math", "deputy", "admin"})  # read the class's journal
_SCHOOL = frozenset({"deputy", "admin", "stranger"})  # the whole school (the stranger's own)

MATRIX: list[Action] = [
    Action("start page", "GET", "/", EVERYONE, "GET /"),
    Action("today page", "GET", "/today", EVERYONE, "GET /today"),
    Action(
        "roll call of a math lesson",
        "POST",
        "/today/lessons/{lesson:math7}/roll-call",
        frozenset({"math"}),
        "POST /today/lessons/{lesson_id}/roll-call",
    ),
    Action("password page", "GET", "/password", EVERYONE, "GET /password"),
    Action("tokens page", "GET", "/tokens", EVERYONE, "GET /tokens"),
    Action("reminders page", "GET", "/reminders", EVERYONE, "GET /reminders"),
    Action(
        "own reminder settings",
        "POST",
        "/reminders",
        EVERYONE,
        "POST /reminders",
        form={"enabled": "on", "homework_minutes_before": "20"},
    ),
    Action(
        "create a token",
        "POST",
        "/tokens",
        EVERYONE,
        "POST /tokens",
        form={"name": "n", "current_password": PASSWORD},
    ),
    Action(
        "revoke own token",
        "POST",
        "/tokens/{token}/revoke",
        EVERYONE,
        "POST /tokens/{token_id}/revoke",
        prepare=own_api_token,
    ),
    Action("api: me", "GET", "/api/v1/me", EVERYONE, "GET /api/v1/me", api=True),
    Action("api: list tokens", "GET", "/api/v1/tokens", EVERYONE, "GET /api/v1/tokens", api=True),
    Action(
        "api: create a token",
        "POST",
        "/api/v1/tokens",
        EVERYONE,
        "POST /api/v1/tokens",
        api=True,
        json={"name": "n", "current_password": PASSWORD},
    ),
    Action(
        "api: revoke own token",
        "DELETE",
        "/api/v1/tokens/{token}",
        EVERYONE,
        "DELETE /api/v1/tokens/{token_id}",
        api=True,
        prepare=own_api_token,
    ),
    Action("api: today", "GET", "/api/v1/today", EVERYONE, "GET /api/v1/today", api=True),
    # The class teacher's pages and API (webapp/pages/homeroom.py, announcements.py,
    # printouts.py; webapp/api/homeroom.py). «russian» is 7Б's class teacher.
    Action("homeroom list", "GET", "/homeroom", EVERYONE, "GET /homeroom"),
    Action("class page", "GET", "/homeroom/{class:7Б}", _FAMILIES, "GET /homeroom/{class_id}"),
    Action(
        "post to the class",
        "POST",
        "/homeroom/{class:7Б}/announcements",
        _ANNOUNCERS,
        "POST /homeroom/{class_id}/announcements",
        form={"title": "t", "body": "b"},
    ),
    Action(
        "paper flag",
        "POST",
        "/homeroom/guardians/{guardian:novikov}/paper-summary",
        _PEOPLE,
        "POST /homeroom/guardians/{guardian_id}/paper-summary",
        form={"wants": "true"},
    ),
    Action(
        "invite sheet",
        "POST",
        "/homeroom/{class:7Б}/invite-sheet",
        _PEOPLE,
        "POST /homeroom/{class_id}/invite-sheet",
    ),
    Action(
        "weekly print",
        "GET",
        "/homeroom/{class:7Б}/weekly-summary?week=2026-11-23",
        _READERS,
        "GET /homeroom/{class_id}/weekly-summary",
    ),
    Action("school announcements", "GET", "/announcements", _SCHOOL, "GET /announcements"),
    Action(
        "post to the school",
        "POST",
        "/announcements",
        _SCHOOL,
        "POST /announcements",
        form={"title": "t", "body": "b"},
    ),
    Action(
        "announcement status",
        "GET",
        "/announcements/{announcement}",
        _ANNOUNCERS,
        "GET /announcements/{announcement_id}",
        prepare=class_announcement,
    ),
    Action(
        "status fragment",
        "GET",
        "/announcements/{announcement}/status",
        _ANNOUNCERS,
        "GET /announcements/{announcement_id}/status",
        prepare=class_announcement,
    ),
    Action(
        "api: class announcements",
        "GET",
        "/api/v1/classes/{class:7Б}/announcements",
        _ANNOUNCERS,
        "GET /api/v1/classes/{class_id}/announcements",
        api=True,
    ),
    Action(
        "api: school announcements",
        "GET",
        "/api/v1/announcements",
        _SCHOOL,
        "GET /api/v1/announcements",
        api=True,
    ),
    Action(
        "api: post to the school",
        "POST",
        "/api/v1/announcements",
        _SCHOOL,
        "POST /api/v1/announcements",
        api=True,
        json={"class_id": None, "title": "t", "body": "b"},
    ),
    Action(
        "api: announcement status",
        "GET",
        "/api/v1/announcements/{announcement}/status",
        _ANNOUNCERS,
        "GET /api/v1/announcements/{announcement_id}/status",
        api=True,
        prepare=class_announcement,
    ),
    Action(
        "api: class families",
        "GET",
        "/api/v1/classes/{class:7Б}/families",
        _FAMILIES,
        "GET /api/v1/classes/{class_id}/families",
        api=True,
    ),
    Action(
        "api: paper flag",
        "PUT",
        "/api/v1/guardians/{guardian:novikov}/paper-summary",
        _PEOPLE,
        "PUT /api/v1/guardians/{guardian_id}/paper-summary",
        api=True,
        json={"wants": True},
    ),
    Action(
        "api: invite sheet",
        "POST",
        "/api/v1/classes/{class:7Б}/invite-sheet",
        _PEOPLE,
        "POST /api/v1/classes/{class_id}/invite-sheet",
        api=True,
        json={},
    ),
    Action(
        "api: weekly print",
        "GET",
        "/api/v1/classes/{class:7Б}/weekly-summary?week=2026-11-23",
        _READERS,
        "GET /api/v1/classes/{class_id}/weekly-summary",
        api=True,
    ),
]

# Run after every other action: a password change revokes the person's API token.
LAST_ACTIONS: list[Action] = [
    Action(
        "change own password", "POST", "/password", EVERYONE, "POST /password", form=SAME_PASSWORD
    ),
]

# Routes anyone may use, signed in or not: no role to check.
PUBLIC_ROUTES = frozenset(
    {
        "GET /login",
        "POST /login",
        "POST /logout",
        "POST /language",
        "GET /healthz",
        # The orchestrator's probes: "ok" or which dependency is down, no error text
        # (tests/web/test_metrics.py, tests/integration/test_probes.py).
        "GET /livez",
        "GET /readyz",
        # Counts by kind only; behind ZVONOK_METRICS_TOKEN when set (tests/web/test_metrics.py).
        "GET /metrics",
        "POST /hooks/sms/{provider}/{token}",
        # The one-click unsubscribe of family emails: the signed URL is the credential
        # (tests/web/test_unsubscribe.py).
        "GET /unsubscribe/{guardian_id}/{topics}/{token}",
        "POST /unsubscribe/{guardian_id}/{topics}/{token}",
    }
)


async def assert_matrix(web: Web, actions: list[Action], who: str) -> None:
    """Every action as `who`, one after the other on one world, against the matrix.

    Actions run in order, so one must not undo what a later one needs (changing the
    password keeps it the same, for instance).
    """
    person = await Person.of(web, who)
    wrong = []
    for action in actions:
        got = await attempt(web, person, action)
        if got != expected(action, who):
            wrong.append(f"{action.name}: {who} {got}, expected {expected(action, who)}")
    assert not wrong, "\n".join(wrong)
