"""The Redis key names of the fallback broadcast, in one place."""

from __future__ import annotations

from core.messengers import MessengerChat

PREFIX = "zvonok:fallback:"

# Schools whose snapshot must be rebuilt soon (a roster event was relayed).
STALE = PREFIX + "stale"
# Entry ids in the order teachers sent them, until the journal has them.
QUEUE = PREFIX + "queue"
# Entry id -> the entry as JSON.
ENTRIES = PREFIX + "entries"
# Entry id -> the entry, its reason and when, for entries the journal refused.
DEAD = PREFIX + "dead"


def snapshot(school_id: int) -> str:
    """The school's roster snapshot (JSON)."""
    return f"{PREFIX}snapshot:{school_id}"


def snapshot_version(school_id: int) -> str:
    """A counter: each rebuilt snapshot carries the next number."""
    return f"{PREFIX}snapshot-version:{school_id}"


def staff_chat(chat: MessengerChat) -> str:
    """The set of schools whose snapshot lists this chat as a staff member's: per
    messenger, so a MAX user and a Telegram chat with the same number never meet."""
    return f"{PREFIX}staff-chat:{chat.messenger.value}:{chat.id}"


def notified(entry_id: str) -> str:
    """The set of guardian ids the broadcast of this entry reached."""
    return f"{PREFIX}notified:{entry_id}"


def claim(flow_id: str) -> str:
    """Set by the first «Отправить» of a /hw conversation (a double tap sends once)."""
    return f"{PREFIX}claim:{flow_id}"
