"""The invite-code sheet: A4, one cut-out slip per guardian of a class, with a QR code.

Seed 002 §2.3: the class teacher hands parents their invite codes. Each slip names
the child and the guardian, shows the code and its expiry, and carries a QR code of
the bot's deep link `https://t.me/<bot>?start=<code>`: a parent points the phone's
camera at it, Telegram opens the bot and the bot receives `/start <code>`.

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
import warnings
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import segno
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

with warnings.catch_warnings():
    # As in core/reports/weekly.py: fontTools subsetting warns of a future change.
    warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
    from weasyprint import HTML  # type: ignore[import-untyped]

from sqlmodel import col, select

from core import formats
from core.actors import StaffActor
from core.calendar import school_today
from core.errors import RuleViolation
from core.family_texts import slip_words
from core.i18n import DEFAULT_LANGUAGE, STAFF_LANGUAGES, install_jinja, pick_language
from core.models import Guardian, School, SchoolClass, StudentGuardian
from core.permissions import load_staff, require_people_manager
from core.reading.class_families import class_students
from core.reading.reachability import load_contacts
from core.reports.filenames import slug
from core.rows import get_in_school
from core.services.invites import issue_invite_in
from core.uow import UnitOfWork, transactional


@dataclass(frozen=True)
class InviteSlip:
    guardian_id: int
    guardian_name: str
    children: tuple[str, ...]  # «Соколов Пётр, 7Б»
    language: str  # the guardian's: the slip is written in it
    code: str
    expires_at: dt.datetime  # the school's local time
    link: str  # the bot's deep link with the code


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


def deep_link(bot_username: str, code: str) -> str:
    """Telegram's deep link: opening it starts the bot with `/start <code>`."""
    return f"https://t.me/{bot_username}?start={code}"


def qr_svg(text: str) -> Markup:
    """An inline SVG QR code of `text` (error correction M: readable when slightly soiled)."""
    svg: str = segno.make(text, error="m").svg_inline(border=2, omitsize=True)
    return Markup(svg)  # noqa: S704  (segno's own markup of our own URL)


async def invite_sheet_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    class_id: int,
    bot_username: str,
    only_unsubscribed: bool = False,
    language: str = "ru",
) -> InviteSheet:
    """Issue a code for each guardian of the class (or only those not subscribed to the
    bot yet) and lay them out on A4 slips. For the class teacher, the administrators
    and the secretary; older unused codes of those guardians stop working.

    The PDF is made before the transaction commits (SQLite's write lock is held for
    that second or two): a code nobody can print must not replace a printed one."""
    class_name, timezone, holders = await _holders(uow, actor, class_id, only_unsubscribed)
    zone = ZoneInfo(timezone)
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
                link=deep_link(bot_username, issued.code),
            )
        )
    made = uow.now().astimezone(zone)
    pdf = await asyncio.to_thread(
        render_invite_sheet, slips, klass=class_name, bot=bot_username, made=made, language=language
    )
    filename = f"kody-priglasheniia-{slug(class_name) or 'klass'}-{made.date().isoformat()}.pdf"
    return InviteSheet(pdf=pdf, slips=tuple(slips), filename=filename)


invite_sheet = transactional(invite_sheet_in)


async def _holders(
    uow: UnitOfWork, actor: StaffActor, class_id: int, only_unsubscribed: bool
) -> tuple[str, str, list[_Holder]]:
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
        contacts = await load_contacts(uow.session, guardians)
        guardians = {gid: g for gid, g in guardians.items() if not contacts.reach(g).subscribed}
    if not guardians:
        key = "invite_sheet_all_subscribed" if only_unsubscribed else "invite_sheet_no_guardians"
        raise RuleViolation(key, klass=klass.name)
    holders = [
        _Holder(gid, g.full_name, g.language, tuple(sorted(children[gid])))
        for gid, g in guardians.items()
    ]
    holders.sort(key=lambda h: (h.children, h.name, h.guardian_id))
    return klass.name, school.timezone, holders


@functools.cache
def _environment(language: str) -> Environment:
    env = Environment(
        loader=PackageLoader("core.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["qr"] = qr_svg
    return install_jinja(env, "core", language)


def render_invite_sheet_html(
    slips: list[InviteSlip], *, klass: str, bot: str, made: dt.datetime, language: str
) -> str:
    """The sheet's own title in `language` (staff's); each slip in its guardian's."""
    lang = language if language in STAFF_LANGUAGES else DEFAULT_LANGUAGE
    words = {
        slip.language: slip_words(slip.language, bot=bot, expires=slip.expires_at.date())
        for slip in slips
    }
    return (
        _environment(lang)
        .get_template("invite_sheet.html")
        .render(
            rows=[slips[i : i + 2] for i in range(0, len(slips), 2)],
            words=words,
            klass=klass,
            date=formats.numeric_date(made, lang),
            time=formats.time_of_day(made, lang),
        )
    )


def render_invite_sheet(
    slips: list[InviteSlip], *, klass: str, bot: str, made: dt.datetime, language: str
) -> bytes:
    """The PDF (CPU-bound: callers on an event loop run it in a thread)."""
    html = render_invite_sheet_html(slips, klass=klass, bot=bot, made=made, language=language)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
