"""The invite-code sheet: A4, one cut-out slip per guardian of a class, with QR codes.

Seed 002 §2.3: the class teacher hands parents their invite codes. Each slip names
the child and the guardian, shows the code and its expiry, and carries, for each
messenger the school offers (`SchoolPolicy.messengers`), a QR code of its bot's start
link: `https://t.me/<bot>?start=<code>` for Telegram, `https://max.ru/<bot>?start=<code>`
for MAX (`core.messengers.start_link`). A parent points the phone's camera at the one
of their messenger, it opens the bot and the bot receives `/start <code>`. One code
works in either messenger, once.

Codes are issued while the sheet is made (core.services.invites.issue_invite, one per
guardian), which revokes the guardian's older unused codes: only the latest sheet
works. The plain codes exist only in the PDF returned here, so the sheet is one
transaction, PDF included: when any step fails (a guardian's code, the PDF), no code
is issued and every older one still works.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import segno
from sqlmodel import col, select

from core import formats
from core.actors import StaffActor
from core.calendar import school_today
from core.errors import RuleViolation
from core.family_texts import SlipWords, slip_words
from core.i18n import DEFAULT_LANGUAGE, STAFF_LANGUAGES, pick_language, texts
from core.messengers import start_link
from core.models import Guardian, Messenger, School, SchoolClass, StudentGuardian
from core.permissions import load_staff, require_people_manager
from core.policy import policy_of
from core.reading.class_families import class_students
from core.reading.reachability import load_contacts
from core.reports.filenames import slug
from core.reports.pdf import typeset_pdf
from core.rows import get_in_school
from core.services.invites import issue_invite_in
from core.uow import UnitOfWork, transactional

# Messengers are named as they name themselves, in every language.
MESSENGER_NAMES = {Messenger.telegram: "Telegram", Messenger.max: "MAX"}


@dataclass(frozen=True)
class StartLink:
    """A messenger's bot on a slip: its name, the bot's username, the link with the code."""

    name: str  # «Telegram», «MAX»
    bot: str
    url: str


@dataclass(frozen=True)
class InviteSlip:
    guardian_id: int
    guardian_name: str
    children: tuple[str, ...]  # «Соколов Пётр, 7Б»
    language: str  # the guardian's: the slip is written in it
    code: str
    expires_at: dt.datetime  # the school's local time
    links: tuple[StartLink, ...]  # per messenger offered whose bot is known, in order


@dataclass(frozen=True)
class InviteSheet:
    pdf: bytes
    slips: tuple[InviteSlip, ...]
    filename: str


@dataclass(frozen=True)
class _Holder:
    guardian_id: int
    name: str
    language: str
    children: tuple[str, ...]


def start_links(
    bots: dict[Messenger, str], offered: Sequence[str], code: str
) -> tuple[StartLink, ...]:
    """The start link with `code` of each messenger `offered` whose bot is named in
    `bots` (a messenger whose bot has no name gets none: nothing to point a camera at)."""
    return tuple(
        StartLink(MESSENGER_NAMES[m], bots[m], start_link(m, bots[m], code))
        for m in Messenger
        if m.value in offered and bots.get(m)
    )


def qr_svg(text: str) -> str:
    """An SVG QR code of `text` (error correction M: readable when slightly soiled)."""
    svg: str = segno.make(text, error="m").svg_inline(border=2, omitsize=True)
    return svg


async def invite_sheet_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    class_id: int,
    bot_username: str,
    max_bot_username: str = "",
    only_unsubscribed: bool = False,
    language: str = "ru",
) -> InviteSheet:
    """Issue a code for each guardian of the class (or only those not subscribed to the
    bot yet) and lay them out on A4 slips, with the start links of the Telegram bot
    (`bot_username`) and the MAX bot (`max_bot_username`, "" when there is none) as
    the school offers them. For the class teacher, the administrators and the
    secretary; older unused codes of those guardians stop working.

    The PDF is made before the transaction commits (SQLite's write lock is held for
    that: about 0.3 s of Typst for a class of 30 guardians, bench/README.md): a code
    nobody can print must not replace a printed one."""
    class_name, school, holders = await _holders(uow, actor, class_id, only_unsubscribed)
    zone = ZoneInfo(school.timezone)
    offered = policy_of(school).messengers
    bots = {Messenger.telegram: bot_username, Messenger.max: max_bot_username}
    slips = []
    for holder in holders:
        issued = await issue_invite_in(uow, actor=actor, guardian_id=holder.guardian_id)
        slips.append(
            InviteSlip(
                guardian_id=holder.guardian_id,
                guardian_name=holder.name,
                children=holder.children,
                language=pick_language(holder.language),
                code=issued.code,
                expires_at=issued.expires_at.astimezone(zone),
                links=start_links(bots, offered, issued.code),
            )
        )
    made = uow.now().astimezone(zone)
    pdf = await asyncio.to_thread(
        render_invite_sheet,
        slips,
        klass=class_name,
        made=made,
        language=language,
        offered=MESSENGER_NAMES[Messenger(offered[0])],
    )
    filename = f"kody-priglasheniia-{slug(class_name) or 'klass'}-{made.date().isoformat()}.pdf"
    return InviteSheet(pdf=pdf, slips=tuple(slips), filename=filename)


invite_sheet = transactional(invite_sheet_in)


async def _holders(
    uow: UnitOfWork, actor: StaffActor, class_id: int, only_unsubscribed: bool
) -> tuple[str, School, list[_Holder]]:
    """The guardians to print, checked up front: nothing is issued for a refused sheet."""
    staff = await load_staff(uow, actor)
    klass = await get_in_school(uow, SchoolClass, class_id, staff.school_id, "class")
    school = await uow.session.get(School, staff.school_id)
    assert school is not None
    students = await class_students(uow, klass, school_today(school, uow.now()))
    await require_people_manager(uow, staff, *(s.id or 0 for s in students))
    names = {s.id: f"{s.last_name} {s.first_name}, {klass.name}" for s in students}
    query = (
        select(StudentGuardian.student_id, Guardian)
        .join(Guardian, col(Guardian.id) == StudentGuardian.guardian_id)
        .where(col(StudentGuardian.student_id).in_(list(names)))
    )
    children: dict[int, list[str]] = {}
    guardians: dict[int, Guardian] = {}
    for student_id, guardian in (await uow.session.exec(query)).all():
        guardians[guardian.id or 0] = guardian
        children.setdefault(guardian.id or 0, []).append(names[student_id])
    if only_unsubscribed:
        contacts = await load_contacts(uow.session, guardians, policy=policy_of(school))
        guardians = {gid: g for gid, g in guardians.items() if not contacts.reach(g).subscribed}
    if not guardians:
        key = "invite_sheet_all_subscribed" if only_unsubscribed else "invite_sheet_no_guardians"
        raise RuleViolation(key, klass=klass.name)
    holders = [
        _Holder(gid, g.full_name, g.language, tuple(sorted(children[gid])))
        for gid, g in guardians.items()
    ]
    holders.sort(key=lambda h: (h.children, h.name, h.guardian_id))
    return klass.name, school, holders


def invite_sheet_data(
    slips: list[InviteSlip], *, klass: str, made: dt.datetime, language: str, offered: str
) -> dict[str, Any]:
    """What the template prints: the sheet's own title in `language` (staff's), each
    slip in its guardian's. `offered` names the school's first messenger, for a slip
    with no bot to point to."""
    lang = language if language in STAFF_LANGUAGES else DEFAULT_LANGUAGE
    title = texts("core", lang)._(
        "Invite codes, %(klass)s, %(date)s %(time)s",
        klass=klass,
        date=formats.numeric_date(made, lang),
        time=formats.time_of_day(made, lang),
    )
    return {"lang": lang, "title": title, "slips": [_slip(slip, offered) for slip in slips]}


def _slip(slip: InviteSlip, offered: str) -> dict[str, Any]:
    words = _words(slip.language, tuple(slip.links), offered, slip.expires_at.date())
    return {
        "lang": slip.language,
        "head": words.title,
        "child": words.child,
        "children": list(slip.children),
        "guardian_label": words.guardian,
        "guardian": slip.guardian_name,
        "code_label": words.code,
        "code": slip.code,
        "until": words.until,
        "how": words.how,
        "qrs": [{"name": link.name, "svg": qr_svg(link.url)} for link in slip.links],
    }


@functools.lru_cache(maxsize=64)
def _words(
    language: str, links: tuple[StartLink, ...], offered: str, expires: dt.date
) -> SlipWords:
    """A slip's words; the slips of one sheet mostly share them."""
    bots = [(link.name, link.bot) for link in links]
    return slip_words(language, bots=bots, offered=offered, expires=expires)


def render_invite_sheet(
    slips: list[InviteSlip], *, klass: str, made: dt.datetime, language: str, offered: str
) -> bytes:
    """The PDF, set by Typst (CPU-bound: callers on an event loop run it in a thread)."""
    data = invite_sheet_data(slips, klass=klass, made=made, language=language, offered=offered)
    return typeset_pdf("invite_sheet.typ", data, created=made)
