"""Routers for private chats only: nothing personal is ever said in a group."""

from __future__ import annotations

from aiogram import F, Router


def private_router(name: str) -> Router:
    """A Router whose messages and button taps come from private chats only."""
    router = Router(name=name)
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    return router
