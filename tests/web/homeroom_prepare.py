"""Path values the class teacher's role-matrix actions need (tests/web/roles.py)."""

from __future__ import annotations

from core.services.announcements import post_announcement
from tests.web.browser import Web


async def class_announcement(web: Web, who: str) -> dict[str, int]:
    """`{announcement}`: an announcement the class teacher of 7Б has just sent."""
    posted = await post_announcement(
        web.uow(),
        actor=web.world.actor("russian"),
        class_id=web.world.classes["7Б"],
        title="Собрание",
        body="В четверг в 18:00.",
    )
    return {"announcement": posted.id or 0}
