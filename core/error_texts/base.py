"""The shape of an error table: message ids, plural forms, and parameters that are codes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from core.i18n import Texts

# A table of words for codes, in the reader's language (its texts are literal
# `t.pgettext(...)` calls, so Babel extracts them).
WordTable = Callable[[Texts], Mapping[str, str]]
# A message with a count: (texts, the count, the other parameters as words) -> text.
Plural = Callable[[Texts, int, Mapping[str, object]], str]


@dataclass(frozen=True)
class ErrorTable:
    """A domain's error messages by code.

    `messages` holds plain messages (ids marked with `N_`); `plurals` the messages
    with a count, as (the parameter holding the count, its ngettext); `words` the
    parameters that are codes (`what="lesson"`, a list of roles), per error code.
    """

    domain: str
    messages: dict[str, str]
    plurals: dict[str, tuple[str, Plural]] = field(default_factory=dict)
    words: dict[str, dict[str, WordTable]] = field(default_factory=dict)

    def codes(self) -> set[str]:
        return set(self.messages) | set(self.plurals)
