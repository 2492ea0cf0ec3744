"""What a verification of the audit chain can find."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.i18n import N_, Texts


class Problem(StrEnum):
    changed = "changed"  # the entry's content no longer matches its hash
    removed = "removed"  # numbers skip: entries before this one were deleted
    relinked = "relinked"  # does not name its predecessor's hash: inserted or reordered
    head = "head"  # the chain's recorded head is not its last entry: tail cut or added
    anchor = "anchor"  # a head kept outside the database is not in the chain
    row_changed = "row_changed"  # a journal row differs from its last audit entry
    row_unrecorded = "row_unrecorded"  # a journal row with no audit entry at all
    row_missing = "row_missing"  # the audit log says a row exists that is gone


CHAIN_PROBLEMS = frozenset(
    {Problem.changed, Problem.removed, Problem.relinked, Problem.head, Problem.anchor}
)


@dataclass(frozen=True)
class Finding:
    problem: Problem
    seq: int | None = None  # the chain entry concerned
    entry_id: int | None = None
    entity: str | None = None  # a journal row concerned
    entity_id: int | None = None
    detail: str = ""  # a source name, the columns that differ…


# The anchor source of the heads the archived documents recorded (`kept_anchors`).
ARCHIVE_SOURCE = "archive"

# The journal rows `core.audit.agreement` checks, as a reader names them.
ROW_NAMES = {
    "mark": N_("Mark"),
    "attendance": N_("Attendance entry"),
    "homework": N_("Homework"),
    "period_mark": N_("Period mark"),
}


def describe(finding: Finding, t: Texts) -> str:
    """The finding in words, for the CLI and the administrator's alert."""
    entity = t._(ROW_NAMES[finding.entity]) if finding.entity in ROW_NAMES else finding.entity
    where = {"seq": finding.seq, "entity": entity, "id": finding.entity_id}
    if finding.problem is Problem.changed:
        return t._("Entry #%(seq)s was changed: its content no longer matches its hash.", **where)
    if finding.problem is Problem.removed:
        return t._(
            "Entries #%(first)s to #%(last)s were removed.",
            first=finding.detail,
            last=(finding.seq or 1) - 1,
        )
    if finding.problem is Problem.relinked:
        return t._(
            "Entry #%(seq)s does not follow the entry before it: an entry was inserted or "
            "removed before it.",
            **where,
        )
    if finding.problem is Problem.head:
        return t._(
            "The chain's recorded end is entry #%(recorded)s, but its last entry is "
            "#%(found)s: entries were cut from or added at the end.",
            recorded=finding.detail,
            found=(finding.seq or 1) - 1,
        )
    if finding.problem is Problem.anchor:
        return t._(
            "Entry #%(seq)s is not the one recorded in %(source)s: the chain was rewritten.",
            seq=finding.seq,
            source=t._("the archived documents")
            if finding.detail == ARCHIVE_SOURCE
            else finding.detail,
        )
    if finding.problem is Problem.row_changed:
        return t._(
            "%(entity)s (id %(id)s) differs from its last audit entry #%(seq)s in: %(columns)s.",
            columns=finding.detail,
            **where,
        )
    if finding.problem is Problem.row_unrecorded:
        return t._(
            "%(entity)s (id %(id)s) has no audit entry: it was written past the journal.", **where
        )
    return t._(
        "%(entity)s (id %(id)s) was removed, but its audit entry #%(seq)s says it exists.", **where
    )
