"""The /hw conversation's states, buttons and keyboards."""

from __future__ import annotations

import html
from typing import Literal

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bots.handlers import homework_texts as say
from core.fallback.snapshot import Assignment
from core.limits import HOMEWORK

# Room for the heading and the note around it in one Telegram message (4,096): below
# the journal's own limit (core.limits.HOMEWORK), and said in the prompt.
MAX_TEXT = min(3000, HOMEWORK)


class HwFlow(StatesGroup):
    text = State()
    confirm = State()
    refused = State()  # not entered: the text is kept, the teacher chooses what next


class Pick(CallbackData, prefix="hwp"):
    school: int
    klass: int
    group: int  # 0: the whole class
    subject: int


class Decide(CallbackData, prefix="hwc"):
    send: bool


Step = Literal["retry", "page", "text", "cancel"]


class Next(CallbackData, prefix="hwn"):
    """After a refusal: send again, another class or subject, another text, or stop."""

    step: Step


def pick_of(a: Assignment) -> Pick:
    return Pick(school=a.school_id, klass=a.class_id, group=a.group_id or 0, subject=a.subject_id)


def names(a: Assignment) -> dict[str, str]:
    return {"where": html.escape(a.where), "subject": html.escape(a.subject)}


def picker(assignments: tuple[Assignment, ...]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for a in assignments:
        builder.button(text=f"{a.where} · {a.subject}", callback_data=pick_of(a).pack())
    builder.adjust(1)
    return builder.as_markup()


def confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=say.send_label(), callback_data=Decide(send=True).pack()),
                InlineKeyboardButton(
                    text=say.cancel_label(), callback_data=Decide(send=False).pack()
                ),
            ]
        ]
    )


def refused_keyboard() -> InlineKeyboardMarkup:
    steps: list[tuple[str, Step]] = [
        (say.retry_label(), "retry"),
        (say.other_page_label(), "page"),
        (say.change_text_label(), "text"),
        (say.cancel_label(), "cancel"),
    ]
    builder = InlineKeyboardBuilder()
    for label, step in steps:
        builder.button(text=label, callback_data=Next(step=step).pack())
    builder.adjust(1)
    return builder.as_markup()
