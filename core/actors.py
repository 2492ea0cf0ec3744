"""Who is acting: a signed-in staff member, or a guardian identified by the bot."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StaffActor:
    """A staff member as authenticated by an entry point (web session, bot link)."""

    staff_id: int
    school_id: int


@dataclass(frozen=True)
class GuardianActor:
    """A guardian acting for themselves (through a chat linked in Telegram or MAX)."""

    guardian_id: int
    school_id: int


@dataclass(frozen=True)
class SystemActor:
    """The system itself: set-up commands, demo data, imports run by an operator."""

    label: str = "system"


Actor = StaffActor | GuardianActor | SystemActor
