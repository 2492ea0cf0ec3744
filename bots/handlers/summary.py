"""/summary and «Итоги недели (PDF)»: this week's summary as a PDF document.

The same A4 page the web app prints (core.reports). With several children the parent
picks one (or all) with inline buttons. Each document carries «Ознакомлен», the
digital parent's signature: `ack:week:<student id>:<Monday>`, handled by the
acknowledge feature, not here.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from bots.dialog.payload import Payload
from bots.dialog.router import Router
from bots.dialog.turn import Turn
from bots.dialog.ui import Button, Document, Keyboard
from bots.handlers.reading import actor_for, for_families
from bots.handlers.reading_text import journal_down
from bots.i18n import _
from bots.menu import BUTTONS
from core.calendar import school_today
from core.reading import ReadingUnit, monday_of
from core.reading.chats import ChatLinks, Child
from core.reading.words import date_span
from core.reports.filenames import weekly_summary_filename
from core.reports.weekly import weekly_summary_pdf

ALL = 0  # SummaryFor.student_id meaning every child of the chat


class SummaryFor(Payload, prefix="summary"):
    """A child picked for the summary: «summary:<student id>» (0: all of them)."""

    student_id: int


def ack_button(student_id: int, monday: dt.date) -> Keyboard:
    data = f"ack:week:{student_id}:{monday.isoformat()}"
    return ((Button(_("✅ Acknowledged"), data=data),),)


def pick_buttons(children: tuple[Child, ...]) -> Keyboard:
    rows = [(Button(c.label, data=SummaryFor(student_id=c.student_id).pack()),) for c in children]
    rows.append((Button(_("All children"), data=SummaryFor(student_id=ALL).pack()),))
    return tuple(rows)


async def send_summary(turn: Turn, links: ChatLinks, child: Child) -> None:
    """This week's PDF for one child, with its «Ознакомлен» button."""
    clock, lang = turn.deps.clock, turn.lang
    monday = monday_of(school_today(links.schools[child.school_id], clock()))
    pdf = await weekly_summary_pdf(
        ReadingUnit(turn.deps.db, clock=clock),
        actor=actor_for(child),
        student_ids=[child.student_id],
        week_start=monday,
        language=lang,
    )
    span = date_span(monday, monday + dt.timedelta(days=5), lang)
    caption = _("📄 Week's summary: <b>%(child)s</b>\n%(span)s") % {
        "child": escape(child.label),
        "span": span,
    }
    filename = weekly_summary_filename(child.last_name, child.first_name, monday)
    await turn.send_document(Document(filename, pdf, caption, ack_button(child.student_id, monday)))


async def ask(turn: Turn) -> None:
    links = turn.links
    if links is None:
        await turn.say(journal_down())
    elif len(links.children) == 1:
        await send_summary(turn, links, links.children[0])
    else:
        question = _("Whose week's summary should I send?")
        await turn.say(question, pick_buttons(links.children))


async def picked(turn: Turn, choice: SummaryFor) -> None:
    links = turn.links
    if links is None:
        await turn.notify(journal_down(), alert=True)
        return
    chosen = links.children if choice.student_id == ALL else ()
    child = links.child(choice.student_id)
    if child is not None:
        chosen = (child,)
    if not chosen:
        await turn.notify(_("This button no longer works."), alert=True)
        return
    await turn.notify(_("Preparing the PDF…"))
    for each in chosen:
        await send_summary(turn, links, each)


def build_router() -> Router:
    router = Router("summary", where=for_families)
    router.command("summary", ask)
    router.menu("summary", BUTTONS["summary"], ask)
    router.press(SummaryFor, picked)
    return router
