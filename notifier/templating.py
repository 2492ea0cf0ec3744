"""The message templates: one set of files, one Jinja2 environment per language;
the entries they print.

Templates under `notifier/templates/` hold English message ids (`jinja2.ext.i18n`,
newstyle); each language reads them through the `messages` catalogs (core/locale,
core.i18n.install_jinja). An environment is built once per language and cached.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from core.delivery.compose import Item
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, install_jinja
from notifier.render_filters import filters_for

DOMAIN = "messages"
# Within one child: what matters most first (a message's order, and what an SMS keeps).
KIND_ORDER = (
    "messenger_moved",
    "announcement",
    "period_mark",
    "mark",
    "attendance",
    "remark",
    "homework",
)


@dataclass(frozen=True)
class Entry:
    """An item with its rendered HTML: a heading line, then the body."""

    item: Item
    html: Markup

    @property
    def heading(self) -> Markup:
        return self.html.partition("\n")[0]

    @property
    def body(self) -> Markup:
        return self.html.partition("\n")[2]


@dataclass(frozen=True)
class Group:
    """A child's entries, or (student None) the class's and school's ones."""

    student: str | None
    entries: tuple[Entry, ...]


def language_of(requested: str) -> str:
    """A language we write messages in: the guardian's, else Russian."""
    return requested if requested in LANGUAGES else DEFAULT_LANGUAGE


@functools.cache
def environment(lang: str) -> Environment:
    """The templates in `lang`: HTML autoescaped, a missing key an error."""
    env = Environment(
        loader=PackageLoader("notifier", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    install_jinja(env, DOMAIN, language_of(lang))
    env.filters.update(filters_for(language_of(lang)))
    return env


def render_template(lang: str, name: str, context: dict[str, Any]) -> str:
    """Template `name` rendered in `lang`, stripped of surrounding blank space."""
    return environment(language_of(lang)).get_template(name).render(context).strip()
