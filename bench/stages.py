"""Where a notification's time went, from the rows the pipeline wrote on its way.

Each step stamps its own row with the time its transaction began (after SQLite's
write lock was taken): the outbox event (`occurred_at` at commit, `dispatched_at`),
the delivery (`created_at` by start, `sending_since` by claim); the emulator stamps the
sendMessage. The differences show which step a slow notification waited in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bench.report import percentile, rounded
from core.db import Database
from core.models import Delivery, NotificationEvent, OutboxEvent
from notifier.standins.telegram_emulator import SentMessage

# (name, from column, to column); "emulator" is the sendMessage's arrival.
STAGES = (
    ("commit_to_dispatch", "occurred_at", "dispatched_at"),
    ("dispatch_to_start", "dispatched_at", "created_at"),
    ("start_to_claim", "created_at", "sending_since"),
    ("claim_to_emulator", "sending_since", "emulator"),
)


async def stamps(db: Database, guardian_ids: Iterable[int]) -> dict[int, dict[str, float]]:
    """Per guardian, the epoch seconds of each step of their (first) notification."""
    query = (
        select(
            col(NotificationEvent.guardian_id),
            col(OutboxEvent.occurred_at),
            col(OutboxEvent.dispatched_at),
            col(Delivery.created_at),
            col(Delivery.sending_since),
        )
        .join(OutboxEvent, col(OutboxEvent.id) == NotificationEvent.event_id)
        .join(Delivery, col(Delivery.notification_id) == NotificationEvent.notification_id)
        .where(col(NotificationEvent.guardian_id).in_(list(guardian_ids)))
        .order_by(col(Delivery.id))
    )
    found: dict[int, dict[str, float]] = {}
    async with db.session() as session:
        for guardian_id, *times in (await session.execute(query)).all():
            names = ("occurred_at", "dispatched_at", "created_at", "sending_since")
            found.setdefault(guardian_id, {n: _epoch(t) for n, t in zip(names, times, strict=True)})
    return found


def _epoch(value: dt.datetime | None) -> float:
    return value.timestamp() if value is not None else float("nan")


async def stage_figures(
    db: Database, guardians: list[int], chats: list[int], sent: list[SentMessage]
) -> dict[str, Any]:
    """p50, p95 and max of each stage, over families i with guardian i and chat i."""
    arrived: dict[int, float] = {}
    for message in sent:
        arrived.setdefault(message.chat_id, message.sent_at)
    by_guardian = await stamps(db, guardians)
    samples: dict[str, list[float]] = {name: [] for name, _, _ in STAGES}
    for guardian_id, chat in zip(guardians, chats, strict=True):
        row = by_guardian.get(guardian_id)
        if row is None or chat not in arrived:
            continue
        row = {**row, "emulator": arrived[chat]}
        for name, start, end in STAGES:
            gap = row[end] - row[start]
            if gap == gap:  # not NaN
                samples[name].append(gap)
    return {
        name: {
            "p50_s": rounded(percentile(values, 0.5)),
            "p95_s": rounded(percentile(values, 0.95)),
            "max_s": rounded(max(values, default=float("nan"))),
        }
        for name, values in samples.items()
    }
