"""The bot's texts: gettext over core's "bot" catalogs, in the language of the turn.

Features write English message ids and read them in the chat's language:

    from bots.i18n import _, ngettext, __

    _("Marks, last %(days)s days") % {"days": 14}

The language is a context variable: the dialogue's dispatcher (`bots.dialog.router`)
sets it for each update from what `bots.dialog.context` worked out (the guardian's
choice, else the messenger's language of the user, else Russian); `speaking` sets it
for a block. The catalogs are `core/locale/<language>/LC_MESSAGES/bot.po`, compiled in
memory by `core.i18n.translations` (Uzbek, Tajik and Kyrgyz fall back to Russian, then
to the English id); no `.mo` files are needed. Nothing here knows a messenger.

A keyboard outlives a change of language: `in_every_language` gives the texts a button
may carry in any language, so a tap on an old keyboard still works.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from babel.support import LazyProxy

from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, pick_language, translations

DOMAIN = "bot"

__all__ = [
    "DOMAIN",
    "_",
    "__",
    "current_language",
    "gettext",
    "in_every_language",
    "lazy_gettext",
    "ngettext",
    "speaking",
]

_language: ContextVar[str] = ContextVar("bot_language", default=DEFAULT_LANGUAGE)


def current_language() -> str:
    return _language.get()


def gettext(message: str) -> str:
    """`message` (an English id) in the current language."""
    return translations(DOMAIN, _language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(DOMAIN, _language.get()).ngettext(singular, plural, n)


def lazy_gettext(message: str) -> LazyProxy:
    """Read when used, in the language current then (module-level tables of texts)."""
    return LazyProxy(gettext, message, enable_cache=False)


_ = gettext
__ = lazy_gettext


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Texts in `language` inside the block, whatever the update's own language: a
    message to another family, the command menu of each language, the screen answering
    a change of language."""
    token = _language.set(pick_language(language))
    try:
        yield
    finally:
        _language.reset(token)


def in_every_language(message: str) -> frozenset[str]:
    """`message` (an English id) as each language reads it."""
    return frozenset(translations(DOMAIN, language).gettext(message) for language in LANGUAGES)
