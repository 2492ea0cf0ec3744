"""The command menu Telegram shows beside the input field, in every language.

Registered for private chats only: in groups the bot says nothing personal, so it
offers no commands there. Russian is the default menu (no language_code); each other
language has its own, shown to users whose Telegram is set to it.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats
from aiogram.utils.i18n import gettext as _

from bots.i18n import speaking
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_

# In the order the menu shows them: what parents use most first, /hw for teachers.
COMMANDS = {
    "homework": N_("Homework for today and tomorrow"),
    "diary": N_("The week's diary"),
    "tests": N_("Tests of the next two weeks"),
    "marks": N_("Marks and averages"),
    "absences": N_("Absences and lateness"),
    "summary": N_("The week's summary (PDF)"),
    "settings": N_("Notification settings"),
    "hw": N_("Teachers: send homework to a class"),
    "help": N_("What the bot can do"),
    "stop": N_("Unsubscribe from Telegram messages"),
}


def command_description(name: str) -> str:
    """What the command `name` does, in the update's language."""
    return _(COMMANDS[name])


def bot_commands(lang: str) -> list[BotCommand]:
    with speaking(lang):
        return [
            BotCommand(command=name, description=command_description(name)) for name in COMMANDS
        ]


async def set_commands(bot: Bot) -> None:
    """Russian for everyone (the default), and each other language for the users whose
    Telegram is set to it."""
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(bot_commands(DEFAULT_LANGUAGE), scope=scope)
    for lang in LANGUAGES:
        if lang != DEFAULT_LANGUAGE:
            await bot.set_my_commands(bot_commands(lang), scope=scope, language_code=lang)
