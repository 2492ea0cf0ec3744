"""Each role × each action of the web app and its API: allowed or refused."""

from __future__ import annotations

import pytest

from tests.web.browser import Web
from tests.web.roles import MATRIX, PUBLIC_ROUTES, WHO, assert_matrix
from tests.web.routes import app_routes

ALL_ACTIONS = [*MATRIX]


@pytest.mark.parametrize("who", WHO)
async def test_role_matrix(web: Web, who: str) -> None:
    await assert_matrix(web, ALL_ACTIONS, who)


async def test_every_endpoint_is_in_the_matrix(web: Web) -> None:
    covered = {action.covers for action in ALL_ACTIONS} | PUBLIC_ROUTES
    routes = {f"{method} {path}" for method, path in app_routes(web.app)}
    assert routes - covered == set(), "endpoints with no role-matrix action"
    assert covered - routes == set(), "matrix actions for routes that do not exist"
