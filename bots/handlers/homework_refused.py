"""/hw after the journal (or the backup list) refused an entry: the typed text is kept,
and the teacher chooses: send it again (once the lesson is in the journal, say), put
it on another class or subject, change the text, or stop."""

from __future__ import annotations

import html

from bots.dialog.router import Router
from bots.dialog.turn import Turn
from bots.handlers import homework_texts as say
from bots.handlers.homework_keyboards import (
    MAX_TEXT,
    HwFlow,
    Next,
    names,
    picker,
    refused_keyboard,
)
from bots.handlers.homework_pages import ask_to_confirm, teacher_assignments
from core.fallback.queue import release_send
from core.fallback.snapshot import Assignment


async def offer(turn: Turn, flow: str, reason: str) -> None:
    """Say why the entry was refused, show the kept text, offer what to do next."""
    await release_send(turn.deps.redis, flow)  # nothing went out: it may be sent again
    await turn.conversation.set_state(HwFlow.refused)
    text = turn.conversation.data["text"]
    await turn.notify()
    await turn.edit(say.kept(reason=reason, text=html.escape(text)), refused_keyboard())


async def next_step(turn: Turn, choice: Next) -> None:
    data = turn.conversation.data
    await turn.notify()
    if choice.step == "retry":
        await ask_to_confirm(turn, data)
    elif choice.step == "page":
        deps = turn.deps
        pages = await teacher_assignments(
            deps.db, deps.redis, turn.links, turn.chat, turn.journal_up
        )
        await turn.edit(say.pick(turn.journal_up), picker(pages))
    elif choice.step == "text":
        await turn.conversation.set_state(HwFlow.text)
        assignment = Assignment.model_validate(data["assignment"])
        await turn.edit(say.type_prompt(**names(assignment), limit=MAX_TEXT))
    else:
        await turn.conversation.clear()
        await turn.edit(say.cancelled())


async def stale(turn: Turn, _: Next) -> None:
    await turn.notify(say.nothing_to_confirm(), alert=True)


def register(router: Router) -> None:
    """The buttons `offer` shows, on the /hw router."""
    router.press(Next, next_step, states=(HwFlow.refused,))
    router.press(Next, stale)
