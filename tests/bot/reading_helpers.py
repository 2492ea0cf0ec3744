"""A family that follows its children in the bot, on the week of tests.builders.TODAY.

The chat is linked through the core services (an invite issued by the class teacher,
redeemed with consent), not through /start, in the test's messenger. The bot reads the
journal at NOW (10:00 in Moscow on TODAY): its handlers take the `clock` of its `Deps`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from core.db import Database
from core.messengers import MessengerChat
from core.models import Guardian, Messenger
from core.services.invites import issue_invite, redeem_invite
from core.uow import UnitOfWork
from tests.bot.harness import Answer, BotUnderTest
from tests.builders import NOW, World, update_row

TAG = re.compile(r"<[^>]+>")
# What a stranger must never read: the children's names, their classes, the school.
PRIVATE = ("Пётр", "Мария", "Дарья", "Иван", "Соколов", "Новиков", "7Б", "1А", "Школа №1")


def at_now(system: BotUnderTest) -> BotUnderTest:
    """The bot's clock stands at NOW."""
    system.deps.clock = lambda: NOW
    return system


async def link_chat(
    db: Database,
    world: World,
    guardian: str,
    chat: MessengerChat,
    *,
    language: str = "ru",
    who: str = "russian",
) -> None:
    """The class teacher (`who`: whoever may hand the guardian a code) hands out a code;
    the parent redeems it with consent in `chat`."""
    issued = await issue_invite(
        UnitOfWork(db), actor=world.actor(who), guardian_id=world.guardians[guardian]
    )
    await redeem_invite(UnitOfWork(db), code=issued.code, chat=chat, consent=True)
    if language != "ru":
        await update_row(db, Guardian, world.guardians[guardian], language=language)


def plain(answer: Answer) -> str:
    """What the parent sees: the message's HTML without its tags."""
    return html.unescape(TAG.sub("", answer.text))


def about(answers: list[Answer]) -> list[str]:
    """The first line of each answer: the child it names."""
    return [plain(a).split("\n", 1)[0] for a in answers]


def leaked(answers: list[Answer]) -> list[str]:
    found = [plain(a) for a in answers] + [t for a in answers for t, _ in a.buttons]
    return [secret for secret in PRIVATE for text in found if secret in text]


@dataclass(frozen=True)
class Sheet:
    """A document the bot sent (`file`) and the message with its caption and buttons
    (`note`): the same message on Telegram; on MAX, where a file is its message's only
    attachment, the message right after it (`bots.max.surface.MaxSurface.send_document`)."""

    file: Answer
    note: Answer


def sheets(answers: list[Answer]) -> list[Sheet]:
    """The documents `answers` are, each with its note; anything else fails."""
    found: list[Sheet] = []
    rest = list(answers)
    while rest:
        file = rest.pop(0)
        assert file.document_name is not None, f"not a document: {file.text!r}"
        if file.messenger is Messenger.max:
            assert not file.text and not file.buttons, "a MAX file message carries the file only"
            assert rest and rest[0].document_name is None, "no caption after the file"
            found.append(Sheet(file, rest.pop(0)))
        else:
            found.append(Sheet(file, file))
    return found
