"""/start and /help: subscribing with an invite code, consent first (seed 003 §4.8).

`t.me/<bot>?start=<code>` arrives as `/start <code>`; a code typed as a message works
too. A guardian's code shows the consent text with «Согласен» / «Не согласен»; the code
waits in the FSM state (Redis), never in callback data, until the answer. A staff
member's code links at once. Failed attempts are counted per chat (`bots.throttle`).
"""

from __future__ import annotations

import contextlib

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from redis.asyncio import Redis

from bots.context import load_links
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
from bots.menu import main_menu
from bots.routers import private_router
from bots.throttle import InviteAttempts, TooManyAttempts
from core.consent_texts import shown_text
from core.db import Database
from core.errors import InviteError
from core.messengers import MessengerChat
from core.models import Messenger
from core.reading.chats import ChatLinks
from core.security import looks_like_invite_code
from core.services.consent_versions import current_consent_text
from core.services.invites import check_invite, decline_invite, redeem_invite
from core.uow import UnitOfWork


class Subscribe(StatesGroup):
    consent = State()  # data: code, message_id of the consent text


class ConsentChoice(CallbackData, prefix="consent"):
    accept: bool


def consent_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("Accept"), callback_data=ConsentChoice(accept=True).pack()
                ),
                InlineKeyboardButton(
                    text=_("Decline"), callback_data=ConsentChoice(accept=False).pack()
                ),
            ]
        ]
    )


def journal_down() -> str:
    return _(
        "The journal is unavailable right now, so the code cannot be checked. "
        "Please try again in a few minutes."
    )


async def start_plain(message: Message, links: ChatLinks | None) -> None:
    """/start with no code: how to get one, or the menu for a chat that is linked."""
    if links is None:
        await message.answer(journal_down())
    elif links.is_stranger:
        await message.answer(no_code())
    elif links.guardians:
        await message.answer(welcome_back(links), reply_markup=main_menu())
    else:
        await message.answer(welcome_back(links))


async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    db: Database,
    redis: Redis,
    links: ChatLinks | None,
    lang: str,
) -> None:
    code = (command.args or "").strip()
    if not code:
        await start_plain(message, links)
        return
    await take_code(message, code, state, db, redis, links, lang)


async def typed_code(
    message: Message,
    state: FSMContext,
    db: Database,
    redis: Redis,
    links: ChatLinks | None,
    lang: str,
) -> None:
    await take_code(message, (message.text or "").strip(), state, db, redis, links, lang)


async def take_code(
    message: Message,
    code: str,
    state: FSMContext,
    db: Database,
    redis: Redis,
    links: ChatLinks | None,
    lang: str,
) -> None:
    """Check a code under the attempt limits; ask for consent or link a staff member."""
    if links is None:
        await message.answer(journal_down())
        return
    try:
        async with InviteAttempts(redis).attempt(message.chat.id):
            info = await check_invite(UnitOfWork(db), code=code, messenger=Messenger.telegram)
    except TooManyAttempts as refused:
        await message.answer(retry_text(refused.retry_after_seconds, links, lang))
        return
    except InviteError as error:
        await message.answer(error.message(lang))
        return
    if info.purpose == "staff":
        await link_staff(message, code, db)
        return
    current = await current_consent_text(UnitOfWork(db), school_id=info.school_id)
    body = shown_text(current.texts, lang)[1]
    text = consent_text(info.school_name, info.child_first_names, body)
    sent = await message.answer(text, reply_markup=consent_keyboard())
    await state.set_state(Subscribe.consent)
    await state.set_data({"code": code, "message_id": sent.message_id})


async def link_staff(message: Message, code: str, db: Database) -> None:
    redeemed = await redeem_invite(
        UnitOfWork(db),
        code=code,
        chat=MessengerChat(Messenger.telegram, message.chat.id),
        consent=False,
    )
    links = await load_links(db, message.chat.id)
    me = [s for s in (links.staff if links else ()) if s.staff_id == redeemed.staff_id]
    await message.answer(
        _(
            "You are connected as %(names)s.\n\n"
            "Teacher commands:\n/hw — send homework to a class's parents "
            "(works even when the journal is down)\n/help — all commands"
        )
        % {"names": staff_names(me)}
    )


async def answer_consent(
    query: CallbackQuery,
    callback_data: ConsentChoice,
    state: FSMContext,
    db: Database,
    lang: str,
) -> None:
    data = await state.get_data()
    message = query.message
    current = await state.get_state() == Subscribe.consent.state
    if message is None or not current or data.get("message_id") != message.message_id:
        # An older consent message, or one answered already: its code is not ours to use.
        await query.answer(stale(), show_alert=True)
        return
    await state.clear()
    await query.answer()
    if not callback_data.accept:
        with contextlib.suppress(InviteError):  # expired meanwhile: nothing to keep
            await decline_invite(
                UnitOfWork(db), code=str(data["code"]), language=lang, messenger=Messenger.telegram
            )
        await edit_or_send(
            query,
            _(
                "You did not consent, so nothing is connected and nothing about your "
                "children will come here.\n\nIf you change your mind, open the invitation "
                "link again or send the code here while it is valid."
            ),
        )
        return
    await accept(query, str(data["code"]), db, lang)


async def accept(query: CallbackQuery, code: str, db: Database, lang: str) -> None:
    chat_id = query.from_user.id if query.message is None else query.message.chat.id
    try:
        chat = MessengerChat(Messenger.telegram, chat_id)
        redeemed = await redeem_invite(
            UnitOfWork(db), code=code, chat=chat, consent=True, language=lang
        )
    except InviteError as error:  # used, revoked or expired since it was checked
        await edit_or_send(query, error.message(lang))
        return
    await edit_or_send(query, _("✅ Consent to personal-data processing recorded."))
    links = await load_links(db, chat_id)
    children = links.children if links else ()
    new = [c for c in children if c.guardian_id == redeemed.guardian_id]
    if query.bot is not None:
        text = accepted_text(new, children)
        await query.bot.send_message(chat_id, text, reply_markup=main_menu())


async def edit_or_send(query: CallbackQuery, text: str) -> None:
    """Replace the consent message (its buttons go); a message Telegram no longer lets
    us edit gets a new one instead."""
    message = query.message
    if isinstance(message, Message):
        await message.edit_text(text, reply_markup=None)
    elif message is not None and query.bot is not None:
        await query.bot.send_message(message.chat.id, text)


async def show_help(message: Message, links: ChatLinks | None) -> None:
    await message.answer(help_text(links))


def _is_code(text: str) -> bool:
    return looks_like_invite_code(text.strip())


def build_router() -> Router:
    """A fresh Router per Dispatcher (aiogram attaches a Router to one parent only)."""
    router = private_router("start")
    router.message.register(start, CommandStart())
    router.message.register(show_help, Command("help"))
    # A code typed as a message: only outside other conversations, whose free text
    # (a homework text, an email address) must not be taken for a code.
    router.message.register(typed_code, StateFilter(None, Subscribe.consent), F.text.func(_is_code))
    router.callback_query.register(answer_consent, ConsentChoice.filter())
    return router
