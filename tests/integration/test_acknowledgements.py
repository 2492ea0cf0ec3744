"""«Ознакомлен»: recorded once per guardian and subject, refused outside the audience,
and read by the class teacher. SQLite and PostgreSQL.

7Б: Пётр and Мария Соколовы (mother Соколова), Иван Новиков (father Новиков); 10А:
Елена Морозова (mother Морозова). Петров («russian») is 7Б's class teacher.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core.actors import GuardianActor
from core.db import Database
from core.errors import Forbidden, NotFound
from core.models import Acknowledgement, Guardian
from core.reading.acknowledgement_reports import (
    announcement_acknowledgements,
    week_acknowledgements,
)
from core.services.acknowledgements import acknowledge
from core.services.announcements import post_announcement
from tests.builders import World, build_world, insert, update_row
from tests.integration.delivery_helpers import add_guardian
from tests.integration.outbox_helpers import audit_trail
from tests.integration.people_helpers import NOON, uow_at

MONDAY = "2026-11-23"  # TODAY
MSK_NOON = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))


def guardian(w: World, who: str) -> GuardianActor:
    return GuardianActor(guardian_id=w.guardians[who], school_id=w.school_id)


async def announce(db: Database, w: World, klass: str | None, by: str = "russian") -> int:
    posted = await post_announcement(
        uow_at(db, NOON - dt.timedelta(hours=2)),
        actor=w.actor(by),
        class_id=w.classes[klass] if klass else None,
        title="Родительское собрание",
        body="В четверг в 18:00, кабинет 21.",
    )
    return posted.id or 0


async def presses(db: Database) -> list[Acknowledgement]:
    async with db.session() as s:
        return list((await s.exec(select(Acknowledgement))).all())


async def test_the_first_press_is_kept_and_a_second_says_so(db: Database) -> None:
    w = await build_world(db)
    announcement_id = await announce(db, w, "7Б")
    subject = f"announcement:{announcement_id}"
    first = await acknowledge(uow_at(db, NOON), actor=guardian(w, "sokolova"), subject=subject)
    assert (first.subject, first.at, first.already) == (subject, NOON, False)
    assert first.local_at == MSK_NOON and first.local_at.strftime("%d.%m %H:%M") == "23.11 12:00"
    later = NOON + dt.timedelta(hours=3)
    second = await acknowledge(uow_at(db, later), actor=guardian(w, "sokolova"), subject=subject)
    assert (second.at, second.already) == (NOON, True)
    [row] = await presses(db)
    assert (row.guardian_id, row.announcement_id, row.at, row.via) == (
        w.guardians["sokolova"],
        announcement_id,
        NOON,
        "telegram",
    )
    [entry] = await audit_trail(db, "acknowledgement", row.id or 0)
    assert (entry.action, entry.actor_kind) == ("create", "guardian")


async def test_outside_the_audience_every_refusal_reads_the_same(db: Database) -> None:
    w = await build_world(db)
    for_7b = await announce(db, w, "7Б")
    await update_row(db, Guardian, w.guardians["novikov"], consent_withdrawn_at=NOON)
    attempts = [
        ("morozova", f"announcement:{for_7b}"),  # her daughter is in 10А
        ("sokolova", "announcement:999999"),  # no such announcement
        ("novikov", f"announcement:{for_7b}"),  # consent withdrawn
        ("sokolova", "announcement:abc"),
        ("sokolova", "homework:1"),
        ("novikov", f"week:{w.students['petya']}:{MONDAY}"),  # not his child
        ("sokolova", f"week:{w.students['petya']}:2026-11-24"),  # a Tuesday
        ("sokolova", f"week:{w.students['petya']}:2026-11-30"),  # a week not begun
        ("sokolova", f"week:{w.students['petya']}:2026-13-01"),
    ]
    texts = set()
    for who, subject in attempts:
        with pytest.raises(Forbidden) as refused:
            await acknowledge(uow_at(db, NOON), actor=guardian(w, who), subject=subject)
        assert refused.value.key_used == "ack_refused", subject
        texts.add(str(refused.value))
    assert texts == {"Эта отметка вам недоступна."}
    stranger = GuardianActor(guardian_id=w.guardians["sokolova"], school_id=w.other_school_id)
    with pytest.raises(Forbidden):
        await acknowledge(uow_at(db, NOON), actor=stranger, subject=f"announcement:{for_7b}")
    assert await presses(db) == []


async def test_a_school_wide_announcement_and_a_week_of_ones_own_child(db: Database) -> None:
    w = await build_world(db)
    school_wide = await announce(db, w, None, by="deputy")
    done = await acknowledge(
        uow_at(db, NOON), actor=guardian(w, "morozova"), subject=f"announcement:{school_wide}"
    )
    assert not done.already
    week = f"week:{w.students['lena']}:{MONDAY}"
    done = await acknowledge(uow_at(db, NOON), actor=guardian(w, "morozova"), subject=week)
    assert done.subject == week
    rows = sorted((r.subject, r.student_id, r.announcement_id) for r in await presses(db))
    assert rows == [
        (f"announcement:{school_wide}", None, school_wide),
        (week, w.students["lena"], None),
    ]


async def test_the_row_of_the_right_school_acknowledges_for_a_person_in_two(
    db: Database,
) -> None:
    w = await build_world(db)
    [other] = await insert(
        db,
        Guardian(
            school_id=w.other_school_id,
            last_name="Соколова",
            first_name="Анна",
            consent_given_at=NOON,
            created_at=NOON,
        ),
    )
    both = [GuardianActor(guardian_id=other, school_id=w.other_school_id), guardian(w, "sokolova")]
    done = await acknowledge(
        uow_at(db, NOON), actor=both, subject=f"week:{w.students['masha']}:{MONDAY}"
    )
    assert done.guardian_id == w.guardians["sokolova"]


async def test_the_class_teacher_reads_who_acknowledged_and_who_not_yet(db: Database) -> None:
    w = await build_world(db)
    granny = await add_guardian(db, w, "granny", ["petya"])
    announcement_id = await announce(db, w, "7Б")
    subject = f"announcement:{announcement_id}"
    await acknowledge(uow_at(db, NOON), actor=guardian(w, "sokolova"), subject=subject)

    for reader in ("russian", "deputy", "admin"):
        lines = await announcement_acknowledgements(
            uow_at(db, NOON), actor=w.actor(reader), announcement_id=announcement_id
        )
        assert [(x.guardian_name, x.children, x.at) for x in lines] == [
            ("Новиков Павел", ("Новиков Иван",), None),
            ("Соколов granny", ("Соколов Пётр",), None),
            ("Соколова Анна", ("Соколов Пётр", "Соколова Мария"), NOON),
        ]
        assert lines[2].local_at == MSK_NOON and lines[2].via == "telegram"
    assert {x.guardian_id for x in lines} == {
        w.guardians["novikov"],
        w.guardians["sokolova"],
        granny,
    }
    with pytest.raises(Forbidden):  # teaches 7Б, but is not its class teacher
        await announcement_acknowledgements(
            uow_at(db, NOON), actor=w.actor("math"), announcement_id=announcement_id
        )
    with pytest.raises(NotFound):  # another school's announcements do not exist for them
        await announcement_acknowledgements(
            uow_at(db, NOON), actor=w.actor("stranger"), announcement_id=announcement_id
        )

    week = f"week:{w.students['petya']}:{MONDAY}"
    await acknowledge(uow_at(db, NOON), actor=guardian(w, "sokolova"), subject=week)
    lines = await week_acknowledgements(
        uow_at(db, NOON),
        actor=w.actor("russian"),
        student_id=w.students["petya"],
        monday=dt.date(2026, 11, 23),
    )
    assert [(x.guardian_name, x.at) for x in lines] == [
        ("Соколов granny", None),
        ("Соколова Анна", NOON),
    ]
    with pytest.raises(Forbidden) as refused:
        await week_acknowledgements(
            uow_at(db, NOON),
            actor=w.actor("math"),
            student_id=w.students["petya"],
            monday=dt.date(2026, 11, 23),
        )
    assert refused.value.key_used == "ack_reader_forbidden"


async def test_a_school_wide_announcement_lists_every_family_of_the_school(db: Database) -> None:
    w = await build_world(db)
    school_wide = await announce(db, w, None, by="deputy")
    lines = await announcement_acknowledgements(
        uow_at(db, NOON), actor=w.actor("deputy"), announcement_id=school_wide
    )
    assert [(x.guardian_name, x.at) for x in lines] == [
        ("Морозова Ольга", None),
        ("Новиков Павел", None),
        ("Соколова Анна", None),
    ]
    assert lines[2].children == ("Соколов Пётр", "Соколова Дарья", "Соколова Мария")
    # The class teacher of 7Б did not post it and is not the administration.
    with pytest.raises(Forbidden):
        await announcement_acknowledgements(
            uow_at(db, NOON), actor=w.actor("russian"), announcement_id=school_wide
        )
