"""Consent in the bot: a new version of the school's text asked for at the parent's
next contact, and «Withdraw consent» (/withdraw, or the settings' button) after a
confirmation saying what stops and what the school keeps by law.

The re-consent router comes first (`bots.handlers.ROUTER_BUILDERS`): while a chat's
guardian owes an answer, any message gets the question instead of its usual answer.
"""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove

from bots.handlers.consent_texts import (
    ReconsentChoice,
    WithdrawChoice,
    no_consent_here,
    reconsent_accepted,
    reconsent_declined,
    reconsent_keyboard,
    reconsent_question,
    withdraw_kept,
    withdraw_keyboard,
    withdraw_question,
    withdrawn_text,
)
from bots.handlers.subscribe_texts import stale
from bots.routers import private_router
from core.actors import GuardianActor
from core.consent_texts import shown_text
from core.db import Database
from core.reading.access import ReadingUnit
from core.reading.chats import ChatLinks
from core.reading.reconsent import ReconsentAsk, reconsent_for
from core.services.consent import decline_consent, record_consent, withdraw_consent
from core.uow import UnitOfWork


async def reconsent_due(message: Message, links: ChatLinks | None, db: Database) -> Any:
    """Filter: the chat's guardian owes an answer to a new text (injects `due`)."""
    if links is None or not links.guardians:
        return False
    ids = [g.id or 0 for g in links.guardians]
    due = await reconsent_for(ReadingUnit(db), guardian_ids=ids)
    return {"due": due} if due is not None else False


async def ask_again(message: Message, due: ReconsentAsk, lang: str) -> None:
    shown = shown_text(due.texts, lang)[1]
    await message.answer(
        reconsent_question(shown), reply_markup=reconsent_keyboard(due.guardian_id, due.text_id)
    )


def _actor(links: ChatLinks | None, guardian_id: int) -> GuardianActor | None:
    for guardian in links.guardians if links else ():
        if guardian.id == guardian_id:
            return GuardianActor(guardian_id=guardian_id, school_id=guardian.school_id)
    return None


async def answer_again(
    query: CallbackQuery, callback_data: ReconsentChoice, links: ChatLinks | None, db: Database
) -> None:
    actor = _actor(links, callback_data.guardian_id)
    if actor is None or not isinstance(query.message, Message):
        await query.answer(stale(), show_alert=True)
        return
    await query.answer()
    gid, text_id = callback_data.guardian_id, callback_data.text_id
    # The question keeps the text answered and loses its buttons; the answer follows.
    await query.message.edit_reply_markup(reply_markup=None)
    if callback_data.accept:
        await record_consent(
            UnitOfWork(db), actor=actor, guardian_id=gid, source="telegram", text_id=text_id
        )
        await query.message.answer(reconsent_accepted())
        return
    await decline_consent(
        UnitOfWork(db), actor=actor, guardian_id=gid, text_id=text_id, channel="telegram"
    )
    # The menu's reply keyboard can only be removed by a new message.
    await query.message.answer(reconsent_declined(), reply_markup=ReplyKeyboardRemove())


async def ask_withdraw(message: Message, links: ChatLinks | None) -> None:
    if links is None or not links.guardians:
        await message.answer(no_consent_here())
        return
    await message.answer(withdraw_question(), reply_markup=withdraw_keyboard())


async def withdraw(
    query: CallbackQuery, callback_data: WithdrawChoice, links: ChatLinks | None, db: Database
) -> None:
    message = query.message
    if not isinstance(message, Message):
        await query.answer(stale(), show_alert=True)
        return
    await query.answer()
    if callback_data.step == "ask":
        await message.answer(withdraw_question(), reply_markup=withdraw_keyboard())
    elif callback_data.step == "no":
        await message.edit_text(withdraw_kept(), reply_markup=None)
    elif links is None or not links.guardians:
        await message.edit_text(no_consent_here(), reply_markup=None)
    else:
        for guardian in links.guardians:  # one person, a row per school
            actor = GuardianActor(guardian_id=guardian.id or 0, school_id=guardian.school_id)
            await withdraw_consent(
                UnitOfWork(db), actor=actor, guardian_id=guardian.id or 0, channel="telegram"
            )
        await message.edit_text(withdraw_question(), reply_markup=None)
        await message.answer(withdrawn_text(), reply_markup=ReplyKeyboardRemove())


def build_router() -> Router:
    router = private_router("consent")
    router.message.register(ask_again, reconsent_due)
    router.callback_query.register(answer_again, ReconsentChoice.filter())
    router.message.register(ask_withdraw, Command("withdraw"))
    router.callback_query.register(withdraw, WithdrawChoice.filter())
    return router
