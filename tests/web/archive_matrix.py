"""Role-matrix actions of the school archive (page and API): the administrator and the
deputy director list it, make a period's printouts and download its documents;
`stranger`, an administrator of another school, lists his own (empty) archive and
nothing of ours; everyone else is refused."""

from __future__ import annotations

from sqlmodel import col, select

from core.models import ArchiveDocument
from core.services.archive import archive_period
from tests.web.browser import Web
from tests.web.roles import Action

KEEPERS = frozenset({"admin", "deputy"})
OWN_ARCHIVE = frozenset({"admin", "deputy", "stranger"})


async def a_document(web: Web, who: str) -> dict[str, int]:
    """An archived document of ours (made once per world: each call renders six PDFs)."""
    async with web.db.session() as s:
        found = (await s.exec(select(ArchiveDocument.id).order_by(col(ArchiveDocument.id)))).first()
    if found is None:
        kept = await archive_period(
            web.uow(), actor=web.world.actor("deputy"), period_id=web.world.periods["2 четверть"]
        )
        found = kept[0].id
    return {"document": found or 0}


ARCHIVE_ACTIONS: list[Action] = [
    Action("archive page", "GET", "/archive", OWN_ARCHIVE, "GET /archive"),
    Action(
        "archive: a period's printouts",
        "POST",
        "/archive/printouts",
        KEEPERS,
        "POST /archive/printouts",
        form={"period_id": "2"},  # the builders' second quarter (tests/web/setup_actions.py)
    ),
    Action(
        "archive: a document downloaded",
        "GET",
        "/archive/documents/{document}",
        KEEPERS,
        "GET /archive/documents/{document_id}",
        prepare=a_document,
    ),
    Action(
        "api: archive documents",
        "GET",
        "/api/v1/archive/documents",
        OWN_ARCHIVE,
        "GET /api/v1/archive/documents",
        api=True,
    ),
    Action(
        "api: a period's printouts",
        "POST",
        "/api/v1/archive/periods/{period:2 четверть}/documents",
        KEEPERS,
        "POST /api/v1/archive/periods/{period_id}/documents",
        api=True,
    ),
    Action(
        "api: a document downloaded",
        "GET",
        "/api/v1/archive/documents/{document}",
        KEEPERS,
        "GET /api/v1/archive/documents/{document_id}",
        api=True,
        prepare=a_document,
    ),
]
