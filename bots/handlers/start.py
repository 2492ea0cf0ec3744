"""/start and /help: subscribing with an invite code, consent first (seed 003 §4.8).

The start link (`t.me/<bot>?start=<code>`, `max.ru/<bot>?start=<code>`) arrives as
«/start <code>»; a code typed as a message works too. A guardian's code shows the
consent text with «Согласен» / «Не согласен»; the code waits in the conversation
(Redis), never in a button's payload, until the answer. A staff member's code links at
once. Failed attempts are counted per chat (`bots.throttle`).
"""

from __future__ import annotations

import contextlib

from bots.dialog.context import load_links
from bots.dialog.conversation import State, StateGroup
from bots.dialog.payload import Payload
from bots.dialog.router import Router
from bots.dialog.turn import Turn
from bots.dialog.ui import Button, Keyboard, Menu
from bots.handlers.subscribe_texts import (
    accepted_text,
    consent_text,
    help_text,
    no_code,
    retry_text,
    staff_names,
    stale,
    welcome_back,
)
from bots.i18n import _
from bots.throttle import InviteAttempts, TooManyAttempts
from core.consent_texts import shown_text
from core.errors import InviteError
from core.security import looks_like_invite_code
from core.services.consent_versions import current_consent_text
from core.services.invites import check_invite, decline_invite, redeem_invite
from core.uow import UnitOfWork


class Subscribe(StateGroup):
    consent = State("subscribe:consent")  # data: code, message_id of the consent text


class ConsentChoice(Payload, prefix="consent"):
    accept: bool


def consent_keyboard() -> Keyboard:
    return (
        (
            Button(_("Accept"), data=ConsentChoice(accept=True).pack()),
            Button(_("Decline"), data=ConsentChoice(accept=False).pack()),
        ),
    )


def journal_down() -> str:
    return _(
        "The journal is unavailable right now, so the code cannot be checked. "
        "Please try again in a few minutes."
    )


async def start_plain(turn: Turn) -> None:
    """/start with no code: how to get one, or the menu for a chat that is linked."""
    links = turn.links
    if links is None:
        await turn.say(journal_down())
    elif links.is_stranger:
        await turn.say(no_code())
    elif links.guardians:
        await turn.say(welcome_back(links), menu=Menu.show)
    else:
        await turn.say(welcome_back(links))


async def start(turn: Turn) -> None:
    if not turn.args:
        await start_plain(turn)
        return
    await take_code(turn, turn.args)


async def typed_code(turn: Turn) -> None:
    await take_code(turn, (turn.text or "").strip())


async def take_code(turn: Turn, code: str) -> None:
    """Check a code under the attempt limits; ask for consent or link a staff member."""
    links, db = turn.links, turn.deps.db
    if links is None:
        await turn.say(journal_down())
        return
    try:
        async with InviteAttempts(turn.deps.redis).attempt(turn.chat):
            info = await check_invite(UnitOfWork(db), code=code, messenger=turn.messenger)
    except TooManyAttempts as refused:
        await turn.say(retry_text(refused.retry_after_seconds, links, turn.lang))
        return
    except InviteError as error:
        await turn.say(error.message(turn.lang))
        return
    if info.purpose == "staff":
        await link_staff(turn, code)
        return
    current = await current_consent_text(UnitOfWork(db), school_id=info.school_id)
    body = shown_text(current.texts, turn.lang)[1]
    text = consent_text(info.school_name, info.child_first_names, body)
    sent = await turn.say(text, consent_keyboard())
    await turn.conversation.set_state(Subscribe.consent)
    await turn.conversation.set_data({"code": code, "message_id": sent.id})


async def link_staff(turn: Turn, code: str) -> None:
    db = turn.deps.db
    redeemed = await redeem_invite(UnitOfWork(db), code=code, chat=turn.chat, consent=False)
    links = await load_links(db, turn.chat)
    me = [s for s in (links.staff if links else ()) if s.staff_id == redeemed.staff_id]
    await turn.say(
        _(
            "You are connected as %(names)s.\n\n"
            "Teacher commands:\n/hw — send homework to a class's parents "
            "(works even when the journal is down)\n/help — all commands"
        )
        % {"names": staff_names(me)}
    )


async def answer_consent(turn: Turn, choice: ConsentChoice) -> None:
    conversation = turn.conversation
    data = conversation.data
    pressed = turn.press.message if turn.press else None
    current = conversation.is_in(Subscribe.consent)
    if pressed is None or not current or data.get("message_id") != pressed.id:
        # An older consent message, or one answered already: its code is not ours to use.
        await turn.notify(stale(), alert=True)
        return
    await conversation.clear()
    await turn.notify()
    if not choice.accept:
        with contextlib.suppress(InviteError):  # expired meanwhile: nothing to keep
            await decline_invite(
                UnitOfWork(turn.deps.db),
                code=str(data["code"]),
                language=turn.lang,
                messenger=turn.messenger,
            )
        await turn.edit(
            _(
                "You did not consent, so nothing is connected and nothing about your "
                "children will come here.\n\nIf you change your mind, open the invitation "
                "link again or send the code here while it is valid."
            )
        )
        return
    await accept(turn, str(data["code"]))


async def accept(turn: Turn, code: str) -> None:
    db = turn.deps.db
    try:
        redeemed = await redeem_invite(
            UnitOfWork(db), code=code, chat=turn.chat, consent=True, language=turn.lang
        )
    except InviteError as error:  # used, revoked or expired since it was checked
        await turn.edit(error.message(turn.lang))
        return
    await turn.edit(_("✅ Consent to personal-data processing recorded."))
    links = await load_links(db, turn.chat)
    children = links.children if links else ()
    new = [c for c in children if c.guardian_id == redeemed.guardian_id]
    await turn.say(accepted_text(new, children), menu=Menu.show)


async def show_help(turn: Turn) -> None:
    await turn.say(help_text(turn.links))


def _is_code(turn: Turn) -> bool:
    return looks_like_invite_code((turn.text or "").strip())


def build_router() -> Router:
    router = Router("start")
    router.command("start", start)
    router.command("help", show_help)
    # A code typed as a message: only outside other conversations, whose free text
    # (a homework text, an email address) must not be taken for a code.
    router.text(typed_code, states=(None, Subscribe.consent), where=_is_code)
    router.press(ConsentChoice, answer_consent)
    return router
