"""Every text a person reads comes from gettext catalogs under `core/locale/`, managed
with Babel.

Message ids are English source texts (`_("Mark %(value)s is not allowed")`); each
language other than English has a `.po` catalog per domain:

    core/locale/<language>/LC_MESSAGES/<domain>.po

Domains split the texts by who reads them, so a translator of a parents' language
knows exactly what to translate:

| domain | holds | languages |
|---|---|---|
| `core` | errors for staff, the CLI, staff printouts, the stand-ins' pages | ru, en |
| `web` | the web app's pages | ru, en |
| `family` | what core says to parents: the diary's words, the weekly PDF, parents' errors | all |
| `bot` | the bot's dialogues | all |
| `messages` | notifications by Telegram, email and SMS | all |

A language missing a text falls back to Russian, then to the English source, so an
Uzbek-reading parent who meets a staff-only error reads it in Russian rather than in
English. The mapping files `core/locale/<domain>.cfg` say which source files belong
to which domain; `zvonok i18n` extracts, updates and checks (`core/cli/i18n.py`), and
plain `pybabel extract -F core/locale/<domain>.cfg` works the same way.

Catalogs are compiled in memory from the `.po` files the first time a (domain,
language) is used, so a checkout runs without a build step.
"""

from __future__ import annotations

import functools
import gettext as stdlib_gettext
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Environment

LOCALE_DIR = Path(__file__).parent / "locale"

DEFAULT_LANGUAGE = "ru"
SOURCE_LANGUAGE = "en"  # message ids are English: English needs no catalog
STAFF_LANGUAGES = ("ru", "en")
# Parents' languages: Russian, English, and Uzbek (Latin script), Tajik and Kyrgyz for
# families who read Russian poorly.
LANGUAGES = ("ru", "en", "uz", "tg", "ky")
# Babel's locale for each language: dates and numbers as its readers write them.
BABEL_LOCALES = {"ru": "ru_RU", "en": "en_GB", "uz": "uz_Latn", "tg": "tg", "ky": "ky"}
# The name of each language in itself, for a language picker.
LANGUAGE_NAMES = {
    "ru": "Русский",
    "en": "English",
    "uz": "O‘zbekcha",
    "tg": "Тоҷикӣ",
    "ky": "Кыргызча",
}


@dataclass(frozen=True)
class Domain:
    name: str
    languages: tuple[str, ...]

    @property
    def mapping(self) -> Path:
        """Babel's extraction mapping: which source files hold this domain's texts."""
        return LOCALE_DIR / f"{self.name}.cfg"

    def catalog_path(self, language: str) -> Path:
        return LOCALE_DIR / language / "LC_MESSAGES" / f"{self.name}.po"


DOMAINS: dict[str, Domain] = {
    domain.name: domain
    for domain in (
        Domain("core", STAFF_LANGUAGES),
        Domain("web", STAFF_LANGUAGES),
        Domain("family", LANGUAGES),
        Domain("bot", LANGUAGES),
        Domain("messages", LANGUAGES),
    )
}


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it (a table of texts
    translated later, in the reader's language)."""
    return message


def pick_language(*candidates: str | None, allowed: Iterable[str] = LANGUAGES) -> str:
    """The first supported language among `candidates` (a stored choice, then a
    client's "en-US" or "ru,en;q=0.8"), else Russian."""
    allowed = tuple(allowed)
    for candidate in candidates:
        for part in (candidate or "").split(","):
            short = part.split(";")[0].split("-")[0].split("_")[0].strip().lower()
            if short in allowed:
                return short
    return DEFAULT_LANGUAGE


@functools.cache
def translations(domain: str, language: str) -> NullTranslations:
    """The compiled catalog of `domain` in `language`, falling back to Russian, then
    to the English source. Unknown languages read Russian."""
    if domain not in DOMAINS:
        raise KeyError(f"no text domain {domain!r}; known: {sorted(DOMAINS)}")
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    own = _load(domain, language)
    if language != DEFAULT_LANGUAGE:
        russian = translations(domain, DEFAULT_LANGUAGE)
        if own is None:
            return russian
        own.add_fallback(russian)
    return own if own is not None else NullTranslations()


def _load(domain: str, language: str) -> Translations | None:
    path = DOMAINS[domain].catalog_path(language)
    if not path.exists():
        return None
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=domain)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(compiled, domain=domain)


class Texts:
    """A domain's texts in one language: `gettext`, `ngettext`, `pgettext`, `npgettext`.

    `_` is `gettext`. Parameters are filled with `%` and named placeholders, as in
    templates (`jinja2.ext.i18n`, newstyle): `t.gettext("Mark %(value)s", value=5)`.
    """

    def __init__(self, domain: str, language: str) -> None:
        self.domain = domain
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._catalog: stdlib_gettext.NullTranslations = translations(domain, self.language)

    def gettext(self, message: str, /, **params: object) -> str:
        text = self._catalog.gettext(message)
        return text % params if params else text

    _ = gettext

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        """`params` get `num` = n unless given: `ngettext("%(num)d mark", "%(num)d
        marks", n)`."""
        params.setdefault("num", n)
        return self._catalog.ngettext(singular, plural, n) % params

    def pgettext(self, context: str, message: str, /, **params: object) -> str:
        text = self._catalog.pgettext(context, message)
        return text % params if params else text

    def npgettext(
        self, context: str, singular: str, plural: str, n: int, /, **params: object
    ) -> str:
        params.setdefault("num", n)
        return self._catalog.npgettext(context, singular, plural, n) % params

    @property
    def catalog(self) -> stdlib_gettext.NullTranslations:
        """The gettext object itself, for `jinja2.ext.i18n` and aiogram's I18n."""
        return self._catalog


@functools.cache
def texts(domain: str, language: str) -> Texts:
    """The cached `Texts` of `domain` in `language`."""
    return Texts(domain, language)


def install_jinja(env: Environment, domain: str, language: str) -> Environment:
    """Give a Jinja2 environment `_`, `gettext`, `ngettext`, `pgettext` and `npgettext`
    of `domain` in `language` (jinja2.ext.i18n, newstyle: `_("%(n)s marks", n=3)`,
    parameters escaped in autoescaped templates). Keep one environment per language."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_translations(translations(domain, language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = language if language in LANGUAGES else DEFAULT_LANGUAGE
    return env
