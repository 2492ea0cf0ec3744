"""Each role × each action of the web app and its API: allowed or refused.

On SQLite only: the pages and endpoints ask core, whose permission rules are tested
on both databases (tests/integration); here the question is what each route lets
through, which does not depend on the database.
"""

from __future__ import annotations

import pytest

from tests.web.archive_matrix import ARCHIVE_ACTIONS
from tests.web.browser import Web
from tests.web.closing_matrix import CLOSING_ACTIONS
from tests.web.consent_matrix import CONSENT_ACTIONS
from tests.web.control_matrix import CONTROL_ACTIONS
from tests.web.journal_matrix import JOURNAL_ACTIONS
from tests.web.journal_site import site_fixture  # noqa: F401  (the `site` fixture)
from tests.web.roles import LAST_ACTIONS, MATRIX, PUBLIC_ROUTES, WHO, assert_matrix
from tests.web.roster_matrix import ROSTER_ACTIONS
from tests.web.routes import app_routes
from tests.web.schedule_matrix import SCHEDULE_ACTIONS
from tests.web.setup_actions import SETUP_ACTIONS

ALL_ACTIONS = [
    *MATRIX,
    *JOURNAL_ACTIONS,
    *SETUP_ACTIONS,
    *ROSTER_ACTIONS,
    *SCHEDULE_ACTIONS,
    *CONTROL_ACTIONS,
    *CONSENT_ACTIONS,
    *CLOSING_ACTIONS,  # late: it closes the first quarter
    *ARCHIVE_ACTIONS,
    *LAST_ACTIONS,
]


@pytest.mark.parametrize("who", WHO)
async def test_role_matrix(site: Web, who: str) -> None:
    await assert_matrix(site, ALL_ACTIONS, who)


async def test_every_endpoint_is_in_the_matrix(site: Web) -> None:
    covered = {action.covers for action in ALL_ACTIONS} | PUBLIC_ROUTES
    routes = {f"{method} {path}" for method, path in app_routes(site.app)}
    assert routes - covered == set(), "endpoints with no role-matrix action"
    assert covered - routes == set(), "matrix actions for routes that do not exist"
