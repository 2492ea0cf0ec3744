"""Checks of typed values that several services share (each refusal a `RuleViolation`)."""

from __future__ import annotations

from core.errors import RuleViolation
from core.models import WorkType


def check_work_type(work_type: str) -> str:
    """A known `WorkType` value, or RuleViolation (marks and the test schedule share it)."""
    if work_type not in WorkType.__members__.values():
        raise RuleViolation("bad_work_type", value=work_type)
    return work_type


def require_text(text: str) -> str:
    """The text without surrounding blanks, refusing an empty one."""
    text = text.strip()
    if not text:
        raise RuleViolation("empty_text")
    return text
