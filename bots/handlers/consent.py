"""Consent in the bot: a new version of the school's text asked for at the parent's
next contact, and «Withdraw consent» (/withdraw, or the settings' button) after a
confirmation saying what stops and what the school keeps by law.

The re-consent router comes first (`bots.handlers.ROUTER_BUILDERS`): while a chat's
guardian owes an answer, any message gets the question instead of its usual answer.
"""

from __future__ import annotations

from bots.dialog.router import Router
from bots.dialog.turn import Turn
from bots.dialog.ui import Menu
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
from core.actors import GuardianActor
from core.consent_texts import shown_text
from core.reading.access import ReadingUnit
from core.reading.reconsent import ReconsentAsk, reconsent_for
from core.services.consent import decline_consent, record_consent, withdraw_consent
from core.uow import UnitOfWork


async def reconsent_due(turn: Turn) -> ReconsentAsk | None:
    """The new text the chat's guardian owes an answer to, if any."""
    links = turn.links
    if links is None or not links.guardians:
        return None
    ids = [g.id or 0 for g in links.guardians]
    return await reconsent_for(ReadingUnit(turn.deps.db), guardian_ids=ids)


async def ask_again(turn: Turn, due: ReconsentAsk) -> None:
    """Any message while the chat's guardian owes an answer to a new text."""
    shown = shown_text(due.texts, turn.lang)[1]
    await turn.say(reconsent_question(shown), reconsent_keyboard(due.guardian_id, due.text_id))


def _actor(turn: Turn, guardian_id: int) -> GuardianActor | None:
    for guardian in turn.links.guardians if turn.links else ():
        if guardian.id == guardian_id:
            return GuardianActor(guardian_id=guardian_id, school_id=guardian.school_id)
    return None


async def answer_again(turn: Turn, choice: ReconsentChoice) -> None:
    actor = _actor(turn, choice.guardian_id)
    if actor is None or turn.press is None or turn.press.message is None:
        await turn.notify(stale(), alert=True)
        return
    await turn.notify()
    gid, text_id, source = choice.guardian_id, choice.text_id, turn.messenger.value
    # The question keeps the text answered and loses its buttons; the answer follows.
    await turn.edit_keyboard(())
    if choice.accept:
        await record_consent(
            UnitOfWork(turn.deps.db), actor=actor, guardian_id=gid, source=source, text_id=text_id
        )
        await turn.say(reconsent_accepted())
        return
    await decline_consent(
        UnitOfWork(turn.deps.db), actor=actor, guardian_id=gid, text_id=text_id, channel=source
    )
    await turn.say(reconsent_declined(), menu=Menu.hide)


async def ask_withdraw(turn: Turn) -> None:
    if turn.links is None or not turn.links.guardians:
        await turn.say(no_consent_here())
        return
    await turn.say(withdraw_question(), withdraw_keyboard())


async def withdraw(turn: Turn, choice: WithdrawChoice) -> None:
    if turn.press is None or turn.press.message is None:
        await turn.notify(stale(), alert=True)
        return
    await turn.notify()
    links = turn.links
    if choice.step == "ask":
        await turn.say(withdraw_question(), withdraw_keyboard())
    elif choice.step == "no":
        await turn.edit(withdraw_kept())
    elif links is None or not links.guardians:
        await turn.edit(no_consent_here())
    else:
        for guardian in links.guardians:  # one person, a row per school
            actor = GuardianActor(guardian_id=guardian.id or 0, school_id=guardian.school_id)
            await withdraw_consent(
                UnitOfWork(turn.deps.db),
                actor=actor,
                guardian_id=guardian.id or 0,
                channel=turn.messenger.value,
            )
        await turn.edit(withdraw_question())
        await turn.say(withdrawn_text(), menu=Menu.hide)


def build_router() -> Router:
    router = Router("consent")
    router.message(ask_again, when=reconsent_due)
    router.press(ReconsentChoice, answer_again)
    router.command("withdraw", ask_withdraw)
    router.press(WithdrawChoice, withdraw)
    return router
