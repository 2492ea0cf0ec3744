"""Texts about subscribing, shared by /start, /help, /stop and the catch-all.

None of them names a school, class or child unless the chat is linked to them.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from bots.commands import COMMANDS
from bots.i18n import Catalog
from core.services.chats import ChatLinks, Child, LinkedStaff

MOSCOW = ZoneInfo("Europe/Moscow")
PARENT_COMMANDS = ("homework", "diary", "marks", "absences", "summary", "settings", "stop")
STAFF_COMMANDS = ("hw", "stop")

T = Catalog(
    {
        "no_code": (
            "Здравствуйте! Это бот электронного журнала «Звонок»: оценки, пропуски, "
            "домашние задания и сообщения школы приходят сюда.\n\n"
            "Чтобы подключиться, возьмите у классного руководителя личный код приглашения "
            "или QR-код. Отсканируйте QR-код или откройте ссылку из приглашения — бот "
            "откроется с кодом сам. Можно и просто отправить код сюда сообщением.",
            "Hello! This is the «Zvonok» school journal bot: marks, absences, homework and "
            "school messages arrive here.\n\n"
            "To connect, ask your class teacher for your personal invite code or QR code. "
            "Scan the QR code or open the link in the invitation and the bot opens with the "
            "code; or simply send the code here as a message.",
        ),
        "consent_intro": (
            "<b>Согласие на обработку персональных данных</b>\n\n"
            "{school} подключает вас к сообщениям электронного журнала о детях: {names}.",
            "<b>Consent to personal-data processing</b>\n\n"
            "{school} connects you to the school journal's messages about: {names}.",
        ),
        "consent_intro_nobody": (
            "<b>Согласие на обработку персональных данных</b>\n\n"
            "{school} подключает вас к сообщениям электронного журнала.",
            "<b>Consent to personal-data processing</b>\n\n"
            "{school} connects you to the school journal's messages.",
        ),
        "consent_body": (
            "Нажимая «Согласен», вы даёте школе согласие на обработку персональных данных "
            "(ст. 9 Федерального закона № 152-ФЗ «О персональных данных»): ваших ФИО, "
            "контактов и Telegram-аккаунта, а также ФИО, класса, оценок, посещаемости, "
            "домашних заданий и замечаний детей — чтобы присылать вам сообщения журнала "
            "в Telegram, по почте и SMS.\n\n"
            "Согласие действует, пока вы его не отзовёте. Отозвать его можно в любой момент "
            "в школе; сообщения в Telegram прекращает команда /stop.",
            "By tapping «Accept» you give the school your consent to personal-data "
            "processing (Russian Federal Law No. 152-FZ “On Personal Data”, art. 9): your "
            "name, contacts and Telegram account, and your children's names, class, marks, "
            "attendance, homework and remarks, so that the journal's messages reach you by "
            "Telegram, email and SMS.\n\n"
            "Consent lasts until you withdraw it, which you can do at any time at the "
            "school; /stop ends the Telegram messages.",
        ),
        "consent_recorded": (
            "✅ Согласие на обработку персональных данных получено.",
            "✅ Consent to personal-data processing recorded.",
        ),
        "accepted": (
            "Готово! Теперь сюда приходят сообщения о детях:\n{children}\n\n"
            "Действия — в меню внизу, все команды — /help.",
            "Done! Messages about these children now come here:\n{children}\n\n"
            "Actions are in the menu below; all commands: /help.",
        ),
        "following_all": (
            "Всего этот чат следит за:\n{children}",
            "Altogether this chat follows:\n{children}",
        ),
        "declined": (
            "Вы не дали согласие, поэтому ничего не подключено и сведения о детях сюда "
            "не придут.\n\nЕсли передумаете, снова откройте ссылку из приглашения или "
            "отправьте код сюда, пока он действует.",
            "You did not consent, so nothing is connected and nothing about your children "
            "will come here.\n\nIf you change your mind, open the invitation link again or "
            "send the code here while it is valid.",
        ),
        "stale": (
            "Этот запрос устарел. Отправьте код ещё раз.",
            "This request is out of date. Please send the code again.",
        ),
        "staff_linked": (
            "Вы подключены как {names}.\n\n"
            "Команды учителя:\n/hw — разослать домашнее задание родителям класса "
            "(работает, даже когда журнал недоступен)\n/help — все команды",
            "You are connected as {names}.\n\n"
            "Teacher commands:\n/hw — send homework to a class's parents "
            "(works even when the journal is down)\n/help — all commands",
        ),
        "welcome_back": (
            "Вы уже подключены. Этот чат следит за:\n{children}\n\n"
            "Действия — в меню внизу, все команды — /help.",
            "You are already connected. This chat follows:\n{children}\n\n"
            "Actions are in the menu below; all commands: /help.",
        ),
        "welcome_back_staff": (
            "Вы подключены как {names}. Разослать домашнее задание — /hw, все команды — /help.",
            "You are connected as {names}. Send homework: /hw; all commands: /help.",
        ),
        "journal_down": (
            "Электронный журнал сейчас недоступен, поэтому код проверить не получится. "
            "Попробуйте через несколько минут.",
            "The journal is unavailable right now, so the code cannot be checked. "
            "Please try again in a few minutes.",
        ),
        "too_many": (
            "Слишком много попыток с неверным кодом. Сейчас коды из этого чата не "
            "проверяются; попробуйте снова {when}.",
            "Too many attempts with a wrong code. Codes from this chat are not checked "
            "for now; please try again {when}.",
        ),
        "when_soon": ("через {minutes} мин, в {time}{zone}", "in {minutes} min, at {time}{zone}"),
        "when_later": ("{date} в {time}{zone}", "on {date} at {time}{zone}"),
        "moscow": (" по московскому времени", " Moscow time"),
        "help_parent": ("Команды:", "Commands:"),
        "help_menu": (
            "Те же действия — в меню внизу. Ещё один ребёнок? Отправьте сюда его код приглашения.",
            "The same actions are in the menu below. Another child? Send their invite code here.",
        ),
        "help_staff": ("Команды учителя:", "Teacher commands:"),
    }
)


def children_lines(children: Iterable[Child]) -> str:
    return "\n".join(f"• {html.escape(child.label)}" for child in children)


def staff_names(staff: Iterable[LinkedStaff]) -> str:
    return ", ".join(html.escape(s.short_name) for s in staff)


def welcome_back(links: ChatLinks, lang: str) -> str:
    """What a linked chat's /start says: who it follows, or as whom it is linked."""
    parts = []
    if links.guardians:
        children = children_lines(links.children) or "—"
        parts.append(T(lang, "welcome_back", children=children))
    if links.staff:
        parts.append(T(lang, "welcome_back_staff", names=staff_names(links.staff)))
    return "\n\n".join(parts)


def command_lines(names: Iterable[str], lang: str) -> str:
    return "\n".join(f"/{name} — {COMMANDS(lang, name)}" for name in names)


def help_text(links: ChatLinks | None, lang: str) -> str:
    """The commands for who is asking: a parent's, a teacher's; a stranger learns how to
    subscribe. With the journal unreachable (`links` None) both lists, naming no one."""
    if links is not None and links.is_stranger:
        return T(lang, "no_code")
    parent = links is None or bool(links.guardians)
    staff = links is None or bool(links.staff)
    parts = []
    if parent:
        parts.append(f"{T(lang, 'help_parent')}\n{command_lines(PARENT_COMMANDS, lang)}")
        parts.append(T(lang, "help_menu"))
    if staff:
        names = ("hw",) if parent else STAFF_COMMANDS
        parts.append(f"{T(lang, 'help_staff')}\n{command_lines(names, lang)}")
    return "\n\n".join(parts)


def retry_text(retry_after_seconds: int, links: ChatLinks | None, lang: str) -> str:
    """When a throttled chat may try again, on the clock of its school (Moscow when the
    chat is linked to none)."""
    schools = list(links.schools.values()) if links else []
    zone = ZoneInfo(schools[0].timezone) if schools else MOSCOW
    suffix = "" if schools else T(lang, "moscow")
    now = dt.datetime.now(dt.UTC).astimezone(zone)
    at = now + dt.timedelta(seconds=retry_after_seconds)
    minutes = max(1, -(-retry_after_seconds // 60))
    if minutes <= 60:
        when = T(lang, "when_soon", minutes=minutes, time=f"{at:%H:%M}", zone=suffix)
    else:
        when = T(lang, "when_later", date=f"{at:%d.%m.%Y}", time=f"{at:%H:%M}", zone=suffix)
    return T(lang, "too_many", when=when)
