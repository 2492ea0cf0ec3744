"""The command menu Telegram shows beside the input field, in Russian and English.

Registered for private chats only: in groups the bot says nothing personal, so it
offers no commands there.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats

from bots.i18n import Catalog

# In the order the menu shows them: what parents use most first, /hw for teachers.
COMMANDS = Catalog(
    {
        "homework": ("Домашнее задание на сегодня и завтра", "Homework for today and tomorrow"),
        "diary": ("Дневник на неделю", "The week's diary"),
        "marks": ("Оценки и средние баллы", "Marks and averages"),
        "absences": ("Пропуски и опоздания", "Absences and lateness"),
        "summary": ("Итоги недели (PDF)", "The week's summary (PDF)"),
        "settings": ("Настройки уведомлений", "Notification settings"),
        "hw": ("Учителю: разослать домашнее задание", "Teachers: send homework to a class"),
        "help": ("Что умеет бот", "What the bot can do"),
        "stop": ("Отписаться от сообщений в Telegram", "Unsubscribe from Telegram messages"),
    }
)


def bot_commands(lang: str) -> list[BotCommand]:
    return [BotCommand(command=name, description=COMMANDS(lang, name)) for name in COMMANDS.entries]


async def set_commands(bot: Bot) -> None:
    """Russian for everyone (the default), English for users whose Telegram is in English."""
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(bot_commands("ru"), scope=scope)
    await bot.set_my_commands(bot_commands("en"), scope=scope, language_code="en")
