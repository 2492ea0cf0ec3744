"""Keeping the gettext catalogs in step with the code (Babel's extract, update, check).

`zvonok i18n update` extracts each domain's message ids from the source files its
mapping (`core/locale/<domain>.cfg`) names and merges them into every language's
`.po`: new ids arrive untranslated, ids no longer used are dropped. `zvonok i18n
check` (also run by the test suite) lists what is wrong: a catalog missing, a text
untranslated or fuzzy, an id in a catalog that the code no longer uses, placeholders
that differ between the English id and a translation, a catalog that does not compile.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from core.i18n import DOMAINS, LOCALE_DIR, SOURCE_LANGUAGE, Domain

SOURCE_ROOT = LOCALE_DIR.parent.parent  # the folder holding core/, bots/, webapp/ ...
# The bot's lazy gettext (bots.i18n) is imported as `__`.
KEYWORDS = {**DEFAULT_KEYWORDS, "__": None}
COMMENT_TAGS = ("TRANSLATORS:",)
PROJECT = "Zvonok"
HEADER = (
    "# Zvonok: the {domain} domain in {language}. Translate each msgstr; keep the\n"
    "# %(placeholders)s as they are. `zvonok i18n update` adds the code's new texts.\n#"
)


def extract(domain: Domain) -> Catalog:
    """The domain's message ids as the code uses them now (a template catalog)."""
    with domain.mapping.open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)  # type: ignore[no-untyped-call]
    template = Catalog(project=PROJECT, domain=domain.name, fuzzy=False)
    found = extract_from_dir(
        SOURCE_ROOT,
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        template.add(
            message,
            None,
            [(Path(filename).as_posix(), lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def read_catalog(domain: Domain, language: str) -> Catalog | None:
    path = domain.catalog_path(language)
    if not path.exists():
        return None
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=domain.name)


def write_catalog(domain: Domain, language: str, catalog: Catalog) -> None:
    path = domain.catalog_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, ignore_obsolete=True, include_lineno=False)
    path.write_bytes(buffer.getvalue())


def translated_languages(domain: Domain) -> tuple[str, ...]:
    """The languages with a catalog of their own (English is the source)."""
    return tuple(lang for lang in domain.languages if lang != SOURCE_LANGUAGE)


def update(domain: Domain) -> dict[str, int]:
    """Merge the code's ids into each language's catalog; returns untranslated counts."""
    template = extract(domain)
    untranslated: dict[str, int] = {}
    for language in translated_languages(domain):
        catalog = read_catalog(domain, language) or Catalog(
            locale=language,
            domain=domain.name,
            project=PROJECT,
            version="1",
            header_comment=HEADER.format(domain=domain.name, language=language),
            copyright_holder=PROJECT,
            msgid_bugs_address="",
            last_translator="",
            language_team="",
            fuzzy=False,
        )
        # No fuzzy matching: a guessed translation of a similar text is worse than none.
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        write_catalog(domain, language, catalog)
        untranslated[language] = sum(1 for m in _messages(catalog) if not _is_translated(m))
    return untranslated


@dataclass(frozen=True)
class Problem:
    domain: str
    language: str
    message: str
    what: str

    def __str__(self) -> str:
        return f"{self.domain}/{self.language}: {self.what}: {self.message!r}"


def check(domains: list[Domain] | None = None) -> list[Problem]:
    """Everything wrong with the catalogs against the code (empty when all is well)."""
    problems: list[Problem] = []
    for domain in domains or list(DOMAINS.values()):
        template = extract(domain)
        wanted = {_key(m) for m in _messages(template)}
        for language in translated_languages(domain):
            problems.extend(_check_language(domain, language, wanted))
    return problems


def _check_language(
    domain: Domain, language: str, wanted: set[tuple[str, str | None]]
) -> Iterator[Problem]:
    catalog = read_catalog(domain, language)
    if catalog is None:
        yield Problem(domain.name, language, str(domain.catalog_path(language)), "no catalog")
        return
    have = {_key(m): m for m in _messages(catalog)}
    for key in sorted(wanted - have.keys(), key=str):
        yield Problem(domain.name, language, key[0], "used in code, missing from the catalog")
    for key in sorted(have.keys() - wanted, key=str):
        yield Problem(domain.name, language, key[0], "in the catalog, not used in code")
    for key, message in have.items():
        if key not in wanted:
            continue
        if message.fuzzy:
            yield Problem(domain.name, language, key[0], "fuzzy")
        elif not _is_translated(message):
            yield Problem(domain.name, language, key[0], "untranslated")
    for message, errors in catalog.check():
        for error in errors:
            yield Problem(domain.name, language, _key(message)[0], f"invalid: {error}")
    try:
        write_mo(io.BytesIO(), catalog)
    except Exception as error:  # any failure to compile is the finding
        yield Problem(domain.name, language, str(error), "does not compile")


def _messages(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def _key(message: Message) -> tuple[str, str | None]:
    ident = message.id if isinstance(message.id, str) else message.id[0]
    return ident, message.context


def _is_translated(message: Message) -> bool:
    forms = message.string
    if isinstance(forms, str):
        return bool(forms)
    return bool(forms) and all(forms or ())


def set_translations(
    domain: Domain,
    language: str,
    entries: dict[str | tuple[str, str | None], str | tuple[str, ...]],
) -> list[str]:
    """Write translations into a language's catalog (for scripts that move or import
    texts): `entries` maps a message id, or (id, context), to its text, or to a tuple
    of plural forms. Returns the ids the catalog does not hold (run `update` first)."""
    catalog = read_catalog(domain, language)
    if catalog is None:
        raise FileNotFoundError(domain.catalog_path(language))
    missing: list[str] = []
    for key, text in entries.items():
        ident, context = key if isinstance(key, tuple) else (key, None)
        message = catalog.get(ident, context)
        if message is None:
            missing.append(ident)
            continue
        message.string = text
        message.flags.discard("fuzzy")
    write_catalog(domain, language, catalog)
    return missing
