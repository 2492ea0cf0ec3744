"""Enrolment, transfer, leaving and guardians, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import col, select

from core.db import Database
from core.errors import Forbidden, NotFound, RuleViolation
from core.models import (
    Enrollment,
    GroupMembership,
    Guardian,
    Mark,
    Student,
    StudentGuardian,
)
from core.services.marks import post_mark
from core.services.roster import (
    add_guardian,
    enrol_student,
    link_guardian,
    remove_student,
    transfer_student,
)
from core.uow import UnitOfWork
from tests.builders import TODAY, World, build_world
from tests.integration.outbox_helpers import audit_trail, outbox
from tests.integration.people_helpers import add_lesson, counts, load, state

TOMORROW = TODAY + dt.timedelta(days=1)
SEPT_1 = dt.date(2026, 9, 1)


async def enrolments(db: Database, student_id: int) -> list[Enrollment]:
    async with db.session() as s:
        query = (
            select(Enrollment)
            .where(Enrollment.student_id == student_id)
            .order_by(col(Enrollment.since))
        )
        return list((await s.exec(query)).all())


async def memberships(db: Database, student_id: int) -> list[GroupMembership]:
    async with db.session() as s:
        query = select(GroupMembership).where(GroupMembership.student_id == student_id)
        return list((await s.exec(query.order_by(col(GroupMembership.id)))).all())


async def test_secretary_enrols_a_new_student_who_can_be_marked_the_same_day(
    db: Database,
) -> None:
    w = await build_world(db)
    student = await enrol_student(
        UnitOfWork(db),
        actor=w.actor("secretary"),
        class_id=w.classes["7Б"],
        last_name="Зайцев",
        first_name=" Глеб ",
        birth_date=dt.date(2013, 4, 2),
        on=TODAY,
    )
    assert student.full_name == "Зайцев Глеб" and student.left_on is None
    [enrolment] = await enrolments(db, student.id or 0)
    assert (enrolment.class_id, enrolment.since, enrolment.until) == (w.classes["7Б"], TODAY, None)
    assert enrolment.reason == "enrolled"
    [event] = await outbox(db, "roster_changed")
    assert event.payload["change"] == "enrolled" and event.payload["student_id"] == student.id
    assert event.payload["to_class_id"] == w.classes["7Б"]
    [created] = await audit_trail(db, "student", student.id or 0)
    assert created.actor_id == w.staff["secretary"]
    mark = await post_mark(
        UnitOfWork(db),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        student_id=student.id or 0,
        value=5,
    )
    assert mark.student_id == student.id


@pytest.mark.parametrize(
    ("who", "changes", "error", "text"),
    [
        ("russian", {}, Forbidden, "только администрации"),
        ("admin", {"on": dt.date(2027, 6, 15)}, RuleViolation, "не входит в учебный год"),
        ("admin", {"last_name": ""}, RuleViolation, "Укажите фамилию"),
        ("admin", {"birth_date": TOMORROW}, RuleViolation, "Дата рождения 24.11.2026"),
        ("stranger", {}, NotFound, "класс"),
    ],
)
async def test_bad_enrolment_is_refused_and_nothing_written(
    db: Database, who: str, changes: dict[str, object], error: type[Exception], text: str
) -> None:
    w = await build_world(db)
    before = await counts(db, Student, Enrollment)
    data: dict[str, object] = {
        "class_id": w.classes["7Б"],
        "last_name": "Зайцев",
        "first_name": "Глеб",
        "on": TODAY,
    }
    data.update(changes)
    with pytest.raises(error, match=text):
        await enrol_student(UnitOfWork(db), actor=w.actor(who), **data)  # type: ignore[arg-type]
    assert await counts(db, Student, Enrollment) == before


async def test_transfer_keeps_history_and_the_old_class_journal(db: Database) -> None:
    w = await build_world(db)
    petya = w.students["petya"]
    await transfer_student(
        UnitOfWork(db),
        actor=w.actor("admin"),
        student_id=petya,
        to_class_id=w.classes["10А"],
        on=TOMORROW,
    )

    old, new = await enrolments(db, petya)
    assert (old.class_id, old.since, old.until, old.end_reason) == (
        w.classes["7Б"],
        SEPT_1,
        TODAY,
        "transferred",
    )
    assert (new.class_id, new.since, new.until, new.reason) == (
        w.classes["10А"],
        TOMORROW,
        None,
        "transferred",
    )
    assert [m.until for m in await memberships(db, petya)] == [TODAY, TODAY]
    [event] = await outbox(db, "roster_changed")
    assert event.payload["change"] == "transferred"
    assert (event.payload["from_class_id"], event.payload["to_class_id"]) == (
        w.classes["7Б"],
        w.classes["10А"],
    )

    # Before the transfer he was in 7Б: today's 7Б mark is still accepted...
    await post_mark(
        UnitOfWork(db),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        student_id=petya,
        value=4,
    )
    # ...a 7Б lesson after it is no longer his, a 10А lesson is.
    later_7b = await add_lesson(
        db, w, klass="7Б", subject="Математика", teacher="math", date=TOMORROW, slot=2
    )
    later_10a = await add_lesson(
        db, w, klass="10А", subject="Математика", teacher="math", date=TOMORROW, slot=3
    )
    with pytest.raises(RuleViolation, match=re.escape("Соколов Пётр не учится в 7Б на 24.11.2026")):
        await post_mark(
            UnitOfWork(db), actor=w.actor("math"), lesson_id=later_7b, student_id=petya, value=5
        )
    await post_mark(
        UnitOfWork(db), actor=w.actor("math"), lesson_id=later_10a, student_id=petya, value=5
    )
    # Audit: the old enrolment closed, two groups ended, the new enrolment; two marks.
    assert await counts(db, Mark) == {"Mark": 2, "OutboxEvent": 3, "AuditEntry": 6}
    [closed] = await audit_trail(db, "enrollment", old.id or 0)
    assert closed.old is not None and closed.old["until"] is None
    assert closed.new is not None and closed.new["until"] == "2026-11-23"


@pytest.mark.parametrize(
    ("who", "target", "on", "error", "text"),
    [
        ("admin", "7Б", TOMORROW, RuleViolation, "Соколов Пётр уже учится в 7Б"),
        ("admin", "10А", SEPT_1, RuleViolation, "учится в 7Б с 01.09.2026"),
        ("admin", "10А", dt.date(2027, 9, 1), RuleViolation, "не входит в учебный год"),
        ("math", "10А", TOMORROW, Forbidden, "только администрации"),
    ],
)
async def test_bad_transfer_is_refused_and_history_untouched(
    db: Database, who: str, target: str, on: dt.date, error: type[Exception], text: str
) -> None:
    w = await build_world(db)
    petya = w.students["petya"]
    before = await counts(db, Enrollment)
    rows = await state(db, *[(Enrollment, e.id or 0) for e in await enrolments(db, petya)])
    with pytest.raises(error, match=text):
        await transfer_student(
            UnitOfWork(db),
            actor=w.actor(who),
            student_id=petya,
            to_class_id=w.classes[target],
            on=on,
        )
    assert await counts(db, Enrollment) == before
    assert await state(db, *[(Enrollment, e.id or 0) for e in await enrolments(db, petya)]) == rows
    assert [m.until for m in await memberships(db, petya)] == [None, None]


async def test_leaving_closes_the_enrolment_and_cannot_happen_twice(db: Database) -> None:
    w = await build_world(db)
    vanya = w.students["vanya"]
    student = await remove_student(
        UnitOfWork(db),
        actor=w.actor("secretary"),
        student_id=vanya,
        on=TOMORROW,
        reason="выбыл в другую школу",
    )
    assert student.left_on == TOMORROW
    [enrolment] = await enrolments(db, vanya)
    assert (enrolment.until, enrolment.end_reason) == (TODAY, "выбыл в другую школу")
    [event] = await outbox(db, "roster_changed")
    assert event.payload["change"] == "left" and event.payload["to_class_id"] is None
    # The guardian link stays: the history must still name the parent.
    assert await counts(db, StudentGuardian) == {
        "StudentGuardian": 5,
        "OutboxEvent": 1,
        "AuditEntry": 2,
    }

    before = await counts(db, Enrollment)
    with pytest.raises(RuleViolation, match="Новиков Иван уже выбыл"):
        await remove_student(UnitOfWork(db), actor=w.actor("admin"), student_id=vanya, on=TOMORROW)
    with pytest.raises(RuleViolation, match="Новиков Иван уже выбыл"):
        await transfer_student(
            UnitOfWork(db),
            actor=w.actor("admin"),
            student_id=vanya,
            to_class_id=w.classes["10А"],
            on=TOMORROW,
        )
    assert await counts(db, Enrollment) == before


async def _add_guardian(w: World, db: Database, who: str, **changes: object) -> Guardian:
    data: dict[str, object] = {
        "student_id": w.students["vanya"],
        "last_name": "Новикова",
        "first_name": "Елена",
        "phone": "8 (916) 123-45-67",
        "email": " E.Novikova@Example.RU ",
        "language": "en",
        "relation": "мать",
    }
    data.update(changes)
    return await add_guardian(UnitOfWork(db), actor=w.actor(who), **data)  # type: ignore[arg-type]


async def test_class_teacher_adds_a_guardian_with_a_normalized_phone(db: Database) -> None:
    w = await build_world(db)
    guardian = await _add_guardian(w, db, "russian")  # class teacher of 7Б
    assert guardian.phone == "+79161234567"
    assert guardian.email == "e.novikova@example.ru" and guardian.language == "en"
    assert not guardian.has_consent  # consent comes with the invite code or a paper form
    async with db.session() as s:
        query = select(StudentGuardian).where(StudentGuardian.guardian_id == guardian.id)
        [link] = (await s.exec(query)).all()
    assert (link.student_id, link.relation) == (w.students["vanya"], "мать")
    [entry] = await audit_trail(db, "guardian", guardian.id or 0)
    assert entry.actor_id == w.staff["russian"]


@pytest.mark.parametrize(
    ("who", "changes", "error", "text"),
    [
        ("math", {}, Forbidden, "классный руководитель ученика"),
        ("admin", {"phone": "916-12"}, RuleViolation, "Телефон «916-12» не распознан"),
        ("admin", {"phone": "+7 916 000-00-01"}, RuleViolation, "уже указан у представителя"),
        ("admin", {"email": "novikova@"}, RuleViolation, "«novikova@» не похож"),
        ("admin", {"language": "de"}, RuleViolation, "Язык «de» не поддерживается"),
        ("admin", {"first_name": "  "}, RuleViolation, "Укажите имя"),
        ("stranger", {}, NotFound, "ученик"),
    ],
)
async def test_bad_guardian_is_refused_and_nothing_written(
    db: Database, who: str, changes: dict[str, object], error: type[Exception], text: str
) -> None:
    w = await build_world(db)
    before = await counts(db, Guardian, StudentGuardian)
    with pytest.raises(error, match=text):
        await _add_guardian(w, db, who, **changes)
    assert await counts(db, Guardian, StudentGuardian) == before


async def test_existing_guardian_is_linked_to_a_second_child_once(db: Database) -> None:
    w = await build_world(db)
    link = await link_guardian(
        UnitOfWork(db),
        actor=w.actor("admin"),
        student_id=w.students["lena"],
        guardian_id=w.guardians["novikov"],
        relation="отчим",
    )
    assert link.relation == "отчим"
    before = await counts(db, StudentGuardian)
    with pytest.raises(RuleViolation, match="Новиков Павел уже указан\\(а\\) представителем"):
        await link_guardian(
            UnitOfWork(db),
            actor=w.actor("admin"),
            student_id=w.students["lena"],
            guardian_id=w.guardians["novikov"],
        )
    # The class teacher of 7Б has no say over a 10А student's guardians.
    with pytest.raises(Forbidden):
        await link_guardian(
            UnitOfWork(db),
            actor=w.actor("russian"),
            student_id=w.students["lena"],
            guardian_id=w.guardians["sokolova"],
        )
    assert await counts(db, StudentGuardian) == before
    assert (await load(db, Guardian, w.guardians["novikov"])).full_name == "Новиков Павел"
