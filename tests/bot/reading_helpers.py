"""A family that follows its children in the bot, on the week of tests.builders.TODAY.

The chat is linked through the core services (an invite issued by the class teacher,
redeemed with consent), not through /start. The bot reads the journal at NOW (10:00
in Moscow on TODAY): its handlers take the `clock` the dispatcher is given.
"""

from __future__ import annotations

import html
import re

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
    db: Database, world: World, guardian: str, chat_id: int, *, language: str = "ru"
) -> None:
    """The class teacher hands out a code; the parent redeems it with consent."""
    issued = await issue_invite(
        UnitOfWork(db), actor=world.actor("russian"), guardian_id=world.guardians[guardian]
    )
    await redeem_invite(
        UnitOfWork(db),
        code=issued.code,
        chat=MessengerChat(Messenger.telegram, chat_id),
        consent=True,
    )
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
