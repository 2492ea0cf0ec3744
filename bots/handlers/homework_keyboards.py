"""The /hw conversation's states, buttons and keyboards."""

from __future__ import annotations

import html
from typing import Literal

from bots.dialog.conversation import State, StateGroup
from bots.dialog.payload import Payload
from bots.dialog.ui import Button, Keyboard
from bots.handlers import homework_texts as say
from core.fallback.snapshot import Assignment
from core.limits import HOMEWORK

# Room for the heading and the note around it in one message (Telegram 4,096, MAX 4,000): below
# the journal's own limit (core.limits.HOMEWORK), and said in the prompt.
MAX_TEXT = min(3000, HOMEWORK)


class HwFlow(StateGroup):
    text = State("hw:text")
    confirm = State("hw:confirm")
    refused = State("hw:refused")  # not entered: the text is kept, the teacher chooses


class Pick(Payload, prefix="hwp"):
    school: int
    klass: int
    group: int  # 0: the whole class
    subject: int


class Decide(Payload, prefix="hwc"):
    send: bool


Step = Literal["retry", "page", "text", "cancel"]


class Next(Payload, prefix="hwn"):
    """After a refusal: send again, another class or subject, another text, or stop."""

    step: Step


def pick_of(a: Assignment) -> Pick:
    return Pick(school=a.school_id, klass=a.class_id, group=a.group_id or 0, subject=a.subject_id)


def names(a: Assignment) -> dict[str, str]:
    return {"where": html.escape(a.where), "subject": html.escape(a.subject)}


def picker(assignments: tuple[Assignment, ...]) -> Keyboard:
    return tuple((Button(f"{a.where} · {a.subject}", data=pick_of(a).pack()),) for a in assignments)


def confirm_keyboard() -> Keyboard:
    return (
        (
            Button(say.send_label(), data=Decide(send=True).pack()),
            Button(say.cancel_label(), data=Decide(send=False).pack()),
        ),
    )


def refused_keyboard() -> Keyboard:
    steps: list[tuple[str, Step]] = [
        (say.retry_label(), "retry"),
        (say.other_page_label(), "page"),
        (say.change_text_label(), "text"),
        (say.cancel_label(), "cancel"),
    ]
    return tuple((Button(label, data=Next(step=step).pack()),) for label, step in steps)
