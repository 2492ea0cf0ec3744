"""What parents read: /homework, /diary (◀ ▶ move it by a week), /tests, /marks, /absences.

The same through the main menu. A chat following several children gets one
message per child, each headed with the child's name and class. Only chats with
children are answered here (and every chat while the journal is down); a stranger's
or a staff member's message falls through to the catch-all, which reveals nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from bots.dialog.payload import Payload
from bots.dialog.router import Router
from bots.dialog.turn import Turn
from bots.dialog.ui import Button, Keyboard
from bots.handlers.reading_text import (
    absences_text,
    diary_text,
    homework_text,
    journal_down,
    marks_text,
    tests_text,
)
from bots.i18n import _
from bots.menu import BUTTONS
from core.actors import GuardianActor
from core.reading import (
    ReadingUnit,
    absences_overview,
    homework_ahead,
    marks_overview,
    monday_of,
    upcoming_tests,
    week_diary,
)
from core.reading.chats import Child
from notifier.max_models import MAX_TEXT_LENGTH
from notifier.telegram_text import MESSAGE_LIMIT, split_message

# A message's length in the tighter of the messengers' limits: Telegram's 4,096 UTF-16
# units and MAX's 4,000 characters (UTF-16 units never number fewer than characters).
PART_LIMIT = min(MESSAGE_LIMIT, MAX_TEXT_LENGTH)
Markup = Keyboard
# One child's screen: a reading unit, the guardian acting, the child, the language.
Screen = Callable[[ReadingUnit, GuardianActor, Child, str], Awaitable[tuple[str, Markup]]]


class DiaryWeek(Payload, prefix="diary"):
    """◀ / ▶ under a diary: «diary:<student id>:<Monday, ISO>»."""

    student_id: int
    monday: str


def actor_for(child: Child) -> GuardianActor:
    """The guardian the chat acts as for this child (one guardian row per school)."""
    return GuardianActor(guardian_id=child.guardian_id, school_id=child.school_id)


def for_families(turn: Turn) -> bool:
    """Answered here: chats with children, and any chat while the journal is down."""
    return turn.links is None or bool(turn.links.children)


async def homework_screen(
    uow: ReadingUnit, actor: GuardianActor, child: Child, lang: str
) -> tuple[str, Markup]:
    ahead = await homework_ahead(uow, actor=actor, student_id=child.student_id)
    return homework_text(child.label, ahead, lang), ()


async def diary_screen(
    uow: ReadingUnit, actor: GuardianActor, child: Child, lang: str, week: dt.date | None = None
) -> tuple[str, Markup]:
    diary = await week_diary(uow, actor=actor, student_id=child.student_id, week_start=week)
    return diary_text(child.label, diary, lang), week_buttons(child.student_id, diary.week_start)


async def tests_screen(
    uow: ReadingUnit, actor: GuardianActor, child: Child, lang: str
) -> tuple[str, Markup]:
    upcoming = await upcoming_tests(uow, actor=actor, student_id=child.student_id)
    return tests_text(child.label, upcoming, lang), ()


async def marks_screen(
    uow: ReadingUnit, actor: GuardianActor, child: Child, lang: str
) -> tuple[str, Markup]:
    overview = await marks_overview(uow, actor=actor, student_id=child.student_id)
    return marks_text(child.label, overview, lang), ()


async def absences_screen(
    uow: ReadingUnit, actor: GuardianActor, child: Child, lang: str
) -> tuple[str, Markup]:
    overview = await absences_overview(uow, actor=actor, student_id=child.student_id)
    return absences_text(child.label, overview, lang), ()


def week_buttons(student_id: int, monday: dt.date) -> Keyboard:
    """◀ the week before, ▶ the week after the one shown."""
    weeks = (("◀", monday - dt.timedelta(days=7)), ("▶", monday + dt.timedelta(days=7)))
    return (
        tuple(
            Button(label, data=DiaryWeek(student_id=student_id, monday=day.isoformat()).pack())
            for label, day in weeks
        ),
    )


def split_screen(text: str) -> list[str]:
    """The screen in messages within every messenger's limit (`PART_LIMIT`), cut between
    days; each further part repeats the screen's heading (the child, the week), so none
    is anonymous."""
    head = text.split("\n\n", 1)[0]
    room = PART_LIMIT - len(head.encode("utf-16-le")) // 2 - 2
    parts = split_message(text, html=True, limit=room)
    return parts[:1] + [f"{head}\n\n{part}" for part in parts[1:]]


def screen_handler(screen: Screen) -> Callable[[Turn], Awaitable[None]]:
    """A command or menu entry answered with `screen`, once per child of the chat."""

    async def handle(turn: Turn) -> None:
        links = turn.links
        if links is None:
            await turn.say(journal_down())
            return
        for child in links.children:
            uow = ReadingUnit(turn.deps.db, clock=turn.deps.clock)
            text, markup = await screen(uow, actor_for(child), child, turn.lang)
            await turn.say_parts(split_screen(text), markup)

    return handle


def _week(data: DiaryWeek) -> dt.date | None:
    try:
        return monday_of(dt.date.fromisoformat(data.monday))
    except ValueError:
        return None


async def move_week(turn: Turn, data: DiaryWeek) -> None:
    """◀ / ▶: the same message shows the other week (further parts, if any, follow)."""
    links = turn.links
    child = links.child(data.student_id) if links else None
    week = _week(data)
    if child is None or week is None:
        refusal = journal_down() if links is None else _("This button no longer works.")
        await turn.notify(refusal, alert=True)
        return
    uow = ReadingUnit(turn.deps.db, clock=turn.deps.clock)
    text, markup = await diary_screen(uow, actor_for(child), child, turn.lang, week)
    await turn.notify()
    parts = split_screen(text)
    await turn.edit(parts[0], markup if len(parts) == 1 else ())
    if len(parts) > 1:
        await turn.say_parts(parts[1:], markup)


def build_router() -> Router:
    router = Router("reading", where=for_families)
    screens = {
        "homework": homework_screen,
        "diary": diary_screen,
        "tests": tests_screen,
        "marks": marks_screen,
        "absences": absences_screen,
    }
    for name, screen in screens.items():
        handle = screen_handler(screen)
        router.command(name, handle)
        router.menu(name, BUTTONS[name], handle)
    router.press(DiaryWeek, move_week)
    return router
