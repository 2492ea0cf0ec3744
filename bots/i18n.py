"""The bot's texts: gettext through aiogram's I18n, over core's "bot" catalogs.

Handlers write English message ids and read them in the update's language:

    from aiogram.utils.i18n import gettext as _, ngettext, lazy_gettext as __

    _("Marks, last %(days)s days") % {"days": 14}

`ChatLanguage` (an `I18nMiddleware`) sets that language from what the `ChatContext`
middleware worked out (`lang`: the guardian's choice, else Telegram's language_code,
else Russian). The catalogs are `core/locale/<language>/LC_MESSAGES/bot.po`, compiled
in memory by `core.i18n.translations` (Uzbek, Tajik and Kyrgyz fall back to Russian,
then to the English id); no `.mo` files are needed.

A reply keyboard outlives a change of language: `in_every_language` gives the texts a
button may carry in any language, so a tap on an old keyboard still works.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from gettext import GNUTranslations
from typing import Any, cast

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, LOCALE_DIR, pick_language, translations

DOMAIN = "bot"

__all__ = [
    "DOMAIN",
    "CatalogI18n",
    "ChatLanguage",
    "bot_i18n",
    "in_every_language",
    "speaking",
]


class CatalogI18n(I18n):
    """aiogram's I18n reading core's catalogs of the "bot" domain in every language."""

    def __init__(self) -> None:
        super().__init__(path=LOCALE_DIR, default_locale=DEFAULT_LANGUAGE, domain=DOMAIN)

    def find_locales(self) -> dict[str, GNUTranslations]:
        # English is the source: its "catalog" is a NullTranslations that gives the ids
        # back; aiogram only calls gettext and ngettext on what this returns.
        found = {language: translations(DOMAIN, language) for language in LANGUAGES}
        return cast(dict[str, GNUTranslations], found)

    @contextmanager
    def context(self) -> Iterator[I18n]:
        # aiogram keeps "the current instance" in a context variable per class, and its
        # `gettext` looks it up on I18n itself: a subclass must register there.
        token = I18n.set_current(self)
        try:
            yield self
        finally:
            I18n.reset_current(token)


@functools.cache
def bot_i18n() -> CatalogI18n:
    """The process's one I18n (catalogs are read on first use, not at import)."""
    return CatalogI18n()


class ChatLanguage(I18nMiddleware):
    """The update's language, as the ChatContext middleware determined it.

    Registered on the Dispatcher's event observers (`setup`), so it runs after
    ChatContext, an outer middleware of the update itself; on the error observer too,
    so the error handler answers in the same language.
    """

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        chosen = data.get("lang")
        if isinstance(chosen, str) and chosen in LANGUAGES:
            return chosen
        user: User | None = data.get("event_from_user")
        return pick_language(user.language_code if user else None)


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Texts in `language` inside the block, whatever the update's own language: a
    message to another family, the command menu of each language, the screen answering
    a change of language."""
    i18n = bot_i18n()
    with i18n.context(), i18n.use_locale(pick_language(language)):
        yield


def in_every_language(message: str) -> frozenset[str]:
    """`message` (an English id) as each language reads it."""
    i18n = bot_i18n()
    return frozenset(i18n.gettext(message, locale=language) for language in LANGUAGES)
