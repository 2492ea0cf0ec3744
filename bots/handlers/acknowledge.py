"""«Ознакомлен» buttons: `ack:<subject>` on announcements (put there by the delivery
worker's rendering) and on the weekly summary (`ack:week:<student>:<monday>`).

The press is recorded by `core.services.acknowledgements`; the button then shows when
it was pressed. A chat that is not the guardian's gets one refusal that names nothing.
"""

from __future__ import annotations

from bots.dialog.router import Router
from bots.dialog.turn import Turn
from bots.dialog.ui import Button, with_button
from bots.i18n import _
from core import formats
from core.actors import GuardianActor
from core.errors import Forbidden
from core.services.acknowledgements import acknowledge
from core.uow import UnitOfWork

PREFIX = "ack:"


async def on_acknowledge(turn: Turn) -> None:
    if not turn.journal_up:
        await turn.notify(
            _("The journal is unavailable right now. Please press the button again later."),
            alert=True,
        )
        return
    links = turn.links
    if links is None or not links.guardians or turn.press is None:
        raise Forbidden("ack_refused")
    actors = [GuardianActor(guardian_id=g.id or 0, school_id=g.school_id) for g in links.guardians]
    data = turn.press.data
    done = await acknowledge(
        UnitOfWork(turn.deps.db),
        actor=actors,
        subject=data.removeprefix(PREFIX),
        via=turn.messenger.value,
    )
    local, lang = done.local_at, turn.lang
    at = f"{formats.short_date(local.date(), lang)} {formats.time_of_day(local, lang)}"
    if done.already:
        await turn.notify(_("Already acknowledged: %(at)s") % {"at": at})
    else:
        await turn.notify(_("Thank you, acknowledged: %(at)s") % {"at": at})
    # The pressed button shows when (its payload kept, so a second press says «already»).
    label = _("✓ Acknowledged %(at)s") % {"at": at}
    await turn.edit_keyboard(with_button(turn.press.keyboard, data, Button(label, data=data)))


def build_router() -> Router:
    router = Router("acknowledge")
    router.press_prefix(PREFIX, on_acknowledge)
    return router
