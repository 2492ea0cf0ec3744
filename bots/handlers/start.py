"""/start: a greeting until subscription by invite code arrives."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import CommandStart
from aiogram.types import Message


async def greet(message: Message) -> None:
    await message.answer(
        "Здравствуйте! Это бот электронного журнала «Звонок». "
        "Подписка по коду приглашения появится в ближайшем обновлении."
    )


def build_router() -> Router:
    """A fresh Router per Dispatcher (aiogram attaches a Router to one parent only)."""
    router = Router(name="start")
    router.message.register(greet, CommandStart())
    return router
