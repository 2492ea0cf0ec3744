"""A form field's length limit, shown while typing: the attributes webapp/static/limits.js reads.

`{{ limit("remark") }}` in a template gives `data-limit="4000"` and the counter's
texts in the page's language. There is no `maxlength`: a browser cuts a pasted text
at `maxlength` without a word, and a text must be refused with a message instead
(core/limits.py does, when the form is sent).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from core import formats
from core.i18n import texts
from core.limits import LIMITS

# A page form's own cap for a text field, far above every limit of core/limits.py: a
# text over its limit still reaches core, which refuses it by the field's name while
# the page keeps what was typed; only an absurd one stops here.
FORM_GUARD = 20_000


def at_most(limit: int) -> str:
    """An API field's description of its limit (core refuses a longer text: `too_long`)."""
    return f"At most {limit} characters (longer is refused: error code too_long)."


def limit_attributes(field: str, lang: str) -> Markup:
    """The `data-limit` attributes of the field's input or textarea."""
    limit = LIMITS[field]
    t = texts("web", lang)
    # `{count}` and `{over}` are filled in by the script as the text changes.
    counter = t.ngettext(
        "%(count)s of %(limit)s character",
        "%(count)s of %(limit)s characters",
        limit,
        count="{count}",
        limit=formats.decimal(limit, lang),
    )
    over = t._("%(over)s too many: shorten the text, nothing is cut.", over="{over}")
    return Markup('data-limit="%s" data-counter="%s" data-over="%s"') % (
        limit,
        escape(counter),
        escape(over),
    )
