"""What the workers left behind for the demo's past announcements: delivered, with a few failures.

A running school's class teacher opens an old announcement and sees who got it, by
which channel, and who could not be reached; so the demo writes, for each announcement
up to `today`, the rows the delivery pipeline would have written (docs/architecture.md):
its outbox event (relayed and dispatched), and for each guardian of its audience who
had consented by then, a notification sent by email, or by SMS for those without one.
A few mailboxes bounce (smtp 550: the address is recorded dead and SMS takes over, then
and afterwards) and a few phones never get their SMS (the operator's report: with no
email either, that parent is not reached, each time). Nothing is queued: the demo writes history,
not news (core/demo/bulk.py).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.delivery.reasons import PROVIDER, RECEIPT, UNDELIVERED
from core.delivery.routing import quiet_ends_at
from core.demo.bulk import Row, insert_ids, insert_rows, table_of
from core.events import AnnouncementPosted
from core.models import (
    ContactStatus,
    Delivery,
    Enrollment,
    Guardian,
    Notification,
    NotificationEvent,
    OutboxEvent,
    StudentGuardian,
)
from core.policy import SchoolPolicy

BOUNCING_SHARE = 0.03  # mailboxes that no longer exist (typos on the paper form, old ones)
DEAD_PHONE_SHARE = 0.01  # numbers that no longer receive SMS
SMS_PARTS = 2  # an announcement's SMS: its title and the start of its text


@dataclass
class _Family:
    """A guardian as delivery sees them: contacts, consent, children by class."""

    id: int
    email: str | None
    phone: str | None
    consent_at: dt.datetime | None
    children: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    dead: set[str] = field(default_factory=set)  # channels found dead so far


@dataclass
class _Rows:
    events: list[Row] = field(default_factory=list)
    notifications: list[Row] = field(default_factory=list)
    links: list[tuple[int, int, str]] = field(default_factory=list)  # note index, guardian, event
    deliveries: list[tuple[int, Row]] = field(default_factory=list)  # note index, delivery
    dead: list[Row] = field(default_factory=list)


async def write_history(
    conn: AsyncConnection,
    *,
    school_id: int,
    timezone: str,
    announcements: list[Row],
    class_names: dict[int, str],
    rng: random.Random,
) -> int:
    """Write the delivery rows of `announcements` (inserted, with ids); how many
    notifications were written."""
    families = await _families(conn, school_id)
    history = _History(rng, school_id, timezone, families, class_names)
    for announcement in sorted(announcements, key=lambda a: (a["created_at"], a["id"])):
        history.tell(announcement)
    rows = history.rows
    await insert_rows(conn, OutboxEvent, rows.events)
    note_ids = await insert_ids(conn, Notification, rows.notifications)
    await insert_rows(
        conn,
        NotificationEvent,
        [
            {"notification_id": note_ids[i], "guardian_id": g, "event_id": e}
            for i, g, e in rows.links
        ],
    )
    deliveries = [{**row, "notification_id": note_ids[i]} for i, row in rows.deliveries]
    await insert_rows(conn, Delivery, deliveries)
    await insert_rows(conn, ContactStatus, rows.dead)
    return len(note_ids)


async def _families(conn: AsyncConnection, school_id: int) -> dict[int, _Family]:
    guardians, links, enrolments = (
        table_of(Guardian),
        table_of(StudentGuardian),
        table_of(Enrollment),
    )
    query = (
        select(
            guardians.c.id,
            guardians.c.email,
            guardians.c.phone,
            guardians.c.consent_given_at,
            links.c.student_id,
            enrolments.c.class_id,
        )
        .join(links, links.c.guardian_id == guardians.c.id)
        .join(enrolments, enrolments.c.student_id == links.c.student_id)
        .where(guardians.c.school_id == school_id)
        .order_by(guardians.c.id, links.c.student_id)
    )
    families: dict[int, _Family] = {}
    for gid, email, phone, consent_at, student_id, class_id in await conn.execute(query):
        family = families.setdefault(gid, _Family(gid, email, phone, consent_at))
        family.children[class_id].add(student_id)
    return families


class _History:
    def __init__(
        self,
        rng: random.Random,
        school_id: int,
        timezone: str,
        families: dict[int, _Family],
        class_names: dict[int, str],
    ) -> None:
        self.rng, self.school_id, self.timezone = rng, school_id, timezone
        self.families, self.class_names = families, class_names
        self.policy = SchoolPolicy()
        ordered = sorted(families)
        self.bouncing = {g for g in ordered if families[g].email and rng.random() < BOUNCING_SHARE}
        self.dead_phones = {g for g in ordered if rng.random() < DEAD_PHONE_SHARE}
        self.rows = _Rows()
        self.sms_ids = 202_600_000

    def tell(self, announcement: Row) -> None:
        """The announcement's event, and what reached each family of its audience."""
        posted: dt.datetime = announcement["created_at"]
        event_id = f"{self.rng.getrandbits(128):032x}"
        self.rows.events.append(self._event(event_id, announcement, posted))
        due = self._due(posted + dt.timedelta(seconds=self.policy.grace_window_seconds))
        class_id = announcement["class_id"]
        for family in self.families.values():
            children = (
                set().union(*family.children.values())
                if class_id is None
                else family.children.get(class_id, set())
            )
            if not children or family.consent_at is None or family.consent_at > posted:
                continue  # not in the audience, or no consent yet: nothing was planned
            channels = self._live(family)
            if not channels:
                continue  # unreachable: the class teacher's page says why
            student = next(iter(children)) if len(children) == 1 else None
            self._notify(family, student, channels, event_id, posted, due)

    def _event(self, event_id: str, announcement: Row, posted: dt.datetime) -> Row:
        event = AnnouncementPosted(
            school_id=self.school_id,
            announcement_id=announcement["id"],
            class_id=announcement["class_id"],
            class_name=self.class_names.get(announcement["class_id"] or 0),
            title=announcement["title"],
            body=announcement["body"],
            urgent=announcement["urgent"],
            monthly=announcement["monthly"],
            author_id=announcement["created_by"],
        )
        return {
            "id": event_id,
            "school_id": self.school_id,
            "kind": event.kind,
            "entity": event.entity,
            "payload": event.model_dump(mode="json"),
            "occurred_at": posted,
            "relayed_at": posted + dt.timedelta(milliseconds=250),
            "dispatched_at": posted + dt.timedelta(milliseconds=600),
            "attempts": 0,
        }

    def _due(self, moment: dt.datetime) -> dt.datetime:
        """Held by the school's quiet hours, as the workers would have held it."""
        start, end = self.policy.quiet_hours_start, self.policy.quiet_hours_end
        return quiet_ends_at(moment, self.timezone, start, end) or moment

    def _live(self, family: _Family) -> list[tuple[str, str]]:
        found = [("email", family.email), ("sms", family.phone)]
        return [(c, a) for c, a in found if a and c not in family.dead]

    def _notify(
        self,
        family: _Family,
        student: int | None,
        channels: list[tuple[str, str]],
        event_id: str,
        posted: dt.datetime,
        due: dt.datetime,
    ) -> None:
        index = len(self.rows.notifications)
        at = due + dt.timedelta(seconds=self.rng.uniform(0.5, 20))
        tried: list[dict[str, Any]] = []
        sent = False
        for channel, address in channels:
            row, failure = self._deliver(family, channel, address, at)
            self.rows.deliveries.append((index, row))
            if failure is None:
                sent = True
                break
            tried.append({"channel": channel, "reason": failure})
            at = row["sent_at"] or at
        note: Row = {
            "school_id": self.school_id,
            "guardian_id": family.id,
            "student_id": student,
            "topic": "announcements",
            "mode": "instant",
            "urgent": False,
            "status": "sent" if sent else "failed",
            "due_at": due,
            "created_at": posted + dt.timedelta(milliseconds=600),
            "closed_at": at,
            "reason": None if sent else UNDELIVERED,
            "reason_params": None if sent else {"tried": tried},
        }
        self.rows.notifications.append(note)
        self.rows.links.append((index, family.id, event_id))

    def _deliver(
        self, family: _Family, channel: str, address: str, at: dt.datetime
    ) -> tuple[Row, dict[str, Any] | None]:
        """A delivery on one channel, and the reason it failed (None: it went out)."""
        row: Row = {
            "school_id": self.school_id,
            "guardian_id": family.id,
            "channel": channel,
            "address": address,
            "status": "sent",
            "attempts": 1,
            "next_attempt_at": None,
            "provider_id": None,
            "error": None,
            "error_params": None,
            "parts": 1,
            "created_at": at,
            "sending_since": at,
            "sent_at": at,
            "delivered_at": None,
        }
        failure: dict[str, Any] | None = None
        if channel == "email":
            row["provider_id"] = f"<zvonok.demo-{self.rng.getrandbits(64):016x}@school17.example>"
            if family.id in self.bouncing:
                detail = f"smtp 550: 5.1.1 <{address}>: Recipient address rejected: no such user"
                failure = {"code": PROVIDER, "params": {"detail": detail}}
                row.update(status="failed", sent_at=None, provider_id=None)
        else:
            self.sms_ids += 1
            row.update(provider_id=f"{self.sms_ids}-1000", parts=SMS_PARTS)
            if family.id in self.dead_phones:
                detail = "not delivered: phone failure"
                failure = {"code": RECEIPT, "params": {"provider": "smsru", "detail": detail}}
                row["status"] = "failed"
            else:
                row["delivered_at"] = at + dt.timedelta(seconds=self.rng.uniform(3, 90))
        if failure is not None:
            row.update(error=failure["code"], error_params=failure["params"])
        if failure is not None and failure["code"] == PROVIDER:
            # A bounced mailbox is dead (RFC 5321 550); an operator's "not delivered"
            # report says nothing of the number, so SMS is tried again next time.
            family.dead.add(channel)
            self.rows.dead.append(
                {
                    "school_id": self.school_id,
                    "guardian_id": family.id,
                    "channel": channel,
                    "address": address,
                    "dead_at": at,
                    "reason": failure["code"],
                    "reason_params": failure["params"],
                }
            )
        return row, failure
