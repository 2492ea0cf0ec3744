"""An SMS: the essentials of every entry within two segments, else a count of them.

A parent who gets SMS only has nothing else to read, so each entry says what happened
on one short line — the subject, the mark with its work type, the absence, the
remark's own words — joined with «; ». Two SMS at most (134 Cyrillic characters, 306
Latin ones; notifier/sms_segments.py counts exactly). When the lines are longer, the
free texts (a remark's words, homework, an announcement's body) are cut between words
and end with «…»; if that is not enough, the most important lines stay and the others
are counted («...; и ещё 1 д/з», for one child); only when not even that fits does
the SMS count everything, child by child. It sends the parent to Telegram (else MAX)
or to their email for the details only when they have that channel
(Composition.channels).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.delivery.compose import Item
from core.i18n import texts
from notifier.sms_segments import count_segments, sms_encoding
from notifier.templating import DOMAIN, KIND_ORDER, Entry, Group, render_template

SMS_SEGMENTS = 2
# A cut free text keeps at least this many characters («Не готов к уроку, …»): shorter,
# it no longer says anything, and the SMS counts the entries instead.
MIN_TEXT = 24
# The entry's own words, which may be cut: data key by kind.
FREE_TEXT = {"remark": "text", "homework": "text", "announcement": "body"}
_SENTENCE_END = ".!?…"


@dataclass(frozen=True)
class _Sms:
    """How this SMS is written: its language, where it points to, how a cut ends."""

    lang: str
    pointer: str  # "" when the guardian has neither Telegram nor email
    # «…» is not in the GSM-7 alphabet: in a Latin text it would halve the room.
    ellipsis: str
    # A line rendered once per (item, cap): the search below tries many combinations.
    rendered: dict[tuple[int, int | None], str] = field(default_factory=dict, compare=False)

    def ending(self, text: str) -> str:
        if not self.pointer:
            return text
        if text[-1:] in _SENTENCE_END:
            return f"{text} {self.pointer}"
        return f"{text}. {self.pointer}"


def sms_text(view: dict[str, Any]) -> str:
    """The SMS of a rendering view (notifier.render), the first of these that fits: every
    line; every line with its free text cut; the most important lines and a count of
    the others; a count of everything."""
    lang: str = view["lang"]
    entries: list[Entry] = view["entries"]
    full = _lines(_Sms(lang, "", "…"), entries, None)
    if fits(full):
        return full
    pointer = _pointer(lang, view["channels"])
    latin = sms_encoding(full + pointer) == "gsm7"
    sms = _Sms(lang, pointer, "..." if latin else "…")
    if len(entries) == 1:  # never a count of one thing: its own words, cut
        cut = _fit(sms, entries, sms.ending, minimum=1)
        return cut or _longest_fitting(lambda n: sms.ending(_shorten(sms, full, n)), len(full))
    found = _fit(sms, entries, sms.ending) or _some_and_a_count(sms, entries)
    return found or _summary(sms, view["groups"])


def fits(text: str) -> bool:
    return count_segments(text).segments <= SMS_SEGMENTS


def _pointer(lang: str, channels: Sequence[str]) -> str:
    """Where the details are, among the channels the guardian has; "" when none."""
    t = texts(DOMAIN, lang)
    email = "email" in channels
    if "telegram" in channels:
        return t._("More in Telegram/email") if email else t._("More in Telegram")
    if "max" in channels:
        return t._("More in MAX/email") if email else t._("More in MAX")
    if email:
        return t._("More in your email")
    return ""


def _lines(sms: _Sms, entries: Sequence[Entry], cap: int | None) -> str:
    """Each entry on a line, its free text cut to `cap` characters (None: whole)."""
    lines = []
    previous: str | None = None
    for entry in entries:
        item = entry.item
        line = _line(sms, item, cap)
        # A child's name once for a run of their entries: «Пётр: 5 (к/р) ...; 4 (дикт.) ...».
        if item.student is not None and item.student != previous:
            line = texts(DOMAIN, sms.lang).pgettext(
                "sms", "%(student)s: %(line)s", student=item.student, line=line
            )
        lines.append(line)
        previous = item.student
    return "; ".join(lines)


def _line(sms: _Sms, item: Item, cap: int | None) -> str:
    key = (id(item), cap)
    if key not in sms.rendered:
        text = _free_text(item)
        if cap is not None:
            text = _shorten(sms, text, cap)
        context = {"item": item, "text": text}
        line = render_template(sms.lang, f"sms/{item.kind}.txt", context)
        sms.rendered[key] = _one_line(line)
    return sms.rendered[key]


def _free_text(item: Item) -> str:
    key = FREE_TEXT.get(item.kind)
    return _one_line(str(item.data.get(key) or "")) if key else ""


def _fit(
    sms: _Sms,
    entries: Sequence[Entry],
    ending: Callable[[str], str],
    *,
    minimum: int = MIN_TEXT,
) -> str | None:
    """The lines, free texts cut as little as needed (never below `minimum`), then
    `ending`; None when that cannot fit."""
    whole = ending(_lines(sms, entries, None))
    if fits(whole):
        return whole
    longest = max((len(_free_text(entry.item)) for entry in entries), default=0)
    if longest <= minimum:
        return None

    def attempt(cap: int) -> str:
        return ending(_lines(sms, entries, cap))

    if not fits(attempt(minimum)):
        return None
    return _longest_fitting(attempt, longest - 1, low=minimum)


def _longest_fitting(attempt: Callable[[int], str], high: int, *, low: int = 1) -> str:
    """`attempt(n)` for the largest n in [low, high] whose result fits (binary search;
    a larger n never gives a shorter text); `attempt(low)` when none does."""
    best = low
    while low <= high:
        middle = (low + high) // 2
        if fits(attempt(middle)):
            best, low = middle, middle + 1
        else:
            high = middle - 1
    return attempt(best)


def _some_and_a_count(sms: _Sms, entries: Sequence[Entry]) -> str | None:
    """As many of the most important lines as fit (marks before homework), in their
    order, then a count of the others: «...; и ещё 1 д/з». About one child only: with
    several, a count without names would not say whose marks they are."""
    if len({entry.item.student for entry in entries} - {None}) > 1:
        return None
    ranked = sorted(range(len(entries)), key=lambda index: _rank(entries[index].item))
    best: str | None = None
    for size in range(1, len(entries)):  # one line more while it fits
        kept = set(ranked[:size])
        rest = [entry.item for index, entry in enumerate(entries) if index not in kept]
        also = _one_line(render_template(sms.lang, "sms/summary.txt", {"rest": _tally(rest)}))

        def with_rest(text: str, also: str = also) -> str:
            return sms.ending(f"{text}; {also}")

        shown = [entry for index, entry in enumerate(entries) if index in kept]
        found = _fit(sms, shown, with_rest)
        if found is None:
            break
        best = found
    return best


def _rank(item: Item) -> int:
    return KIND_ORDER.index(item.kind) if item.kind in KIND_ORDER else len(KIND_ORDER)


def _summary(sms: _Sms, groups: Sequence[Group]) -> str:
    context = {"counts": _counts(groups), "total": sum(len(g.entries) for g in groups)}
    summary = sms.ending(_one_line(render_template(sms.lang, "sms/summary.txt", context)))
    if fits(summary):
        return summary
    brief = render_template(sms.lang, "sms/summary.txt", context | {"brief": True})
    return sms.ending(_one_line(brief))


def _counts(groups: Sequence[Group]) -> list[dict[str, Any]]:
    """Per child: how many of each thing, e.g. [("mark", 3), ("absence", 1)]."""
    return [
        {"student": group.student, "counts": _tally(entry.item for entry in group.entries)}
        for group in groups
    ]


def _tally(items: Iterable[Item]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for item in items:
        key = _count_key(item)
        counts[key] = counts.get(key, 0) + 1
    return list(counts.items())


def _count_key(item: Item) -> str:
    if item.kind == "attendance":
        return "late" if item.data["status"] == "late" else "absence"
    if item.kind == "remark":
        return str(item.data["remark_kind"])
    if item.kind == "period_mark":
        return "final_mark" if item.data["mark_kind"] == "final" else "preliminary_mark"
    return item.kind


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shorten(sms: _Sms, text: str, limit: int) -> str:
    """`text` within `limit` characters, cut between words and ended with «…»."""
    if len(text) <= limit:
        return text
    room = max(limit - len(sms.ellipsis), 0)
    cut = text[:room]
    if text[room : room + 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:—-") + sms.ellipsis
