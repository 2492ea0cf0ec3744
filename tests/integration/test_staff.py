"""Staff accounts and the breach procedure (seed 002 §4), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher

from core.actors import StaffActor, SystemActor
from core.breach_rules import EntryCounts
from core.db import Database
from core.errors import AccountLocked, Forbidden, InviteRevoked, NotFound, RuleViolation
from core.messengers import MessengerChat
from core.models import (
    Attendance,
    Homework,
    HomeworkStudent,
    InviteCode,
    Mark,
    Messenger,
    Remark,
    Role,
    Staff,
)
from core.services.invites import issue_invite, redeem_invite
from core.services.login_guard import Client
from core.services.marks import post_mark
from core.services.staff import (
    authenticate,
    create_staff,
    report_breach,
    set_password,
    unlock_staff,
)
from core.uow import UnitOfWork
from tests.builders import World, build_world
from tests.integration.outbox_helpers import audit_trail, outbox
from tests.integration.people_helpers import NOON, counts, load, state, uow_at

HOUR = dt.timedelta(hours=1)
LOOKBACK = dt.timedelta(days=7)  # ZVONOK_BREACH_LOOKBACK_DAYS's default
CLIENT = Client(address="192.0.2.10")  # a browser at the school


async def _set_password_directly(db: Database, staff_id: int, password_hash: str) -> None:
    async with db.session() as s:
        staff = await s.get(Staff, staff_id)
        assert staff is not None
        staff.password_hash = password_hash
        s.add(staff)
        await s.commit()


async def test_admin_opens_an_account_that_signs_in_and_leaves_no_secret_in_audit(
    db: Database,
) -> None:
    w = await build_world(db)
    staff = await create_staff(
        UnitOfWork(db),
        actor=w.actor("admin"),
        login="  Volkova@1 ",
        last_name=" Волкова ",
        first_name="Ирина",
        middle_name="Сергеевна",
        roles=[Role.teacher, "teacher"],
        password="первый-пароль",
    )
    assert staff.login == "volkova@1" and staff.last_name == "Волкова"
    assert staff.roles == ["teacher"] and staff.school_id == w.school_id

    signed_in = await authenticate(
        UnitOfWork(db), login="VOLKOVA@1", password="первый-пароль", client=CLIENT
    )
    assert signed_in.id == staff.id

    [entry] = await audit_trail(db, "staff", staff.id or 0)
    assert entry.action == "create" and entry.actor_id == w.staff["admin"]
    assert entry.new is not None and entry.new["login"] == "volkova@1"
    assert entry.new["password_hash"].startswith("<secret ")
    assert "argon2" not in str(entry.new)
    assert await outbox(db) == []  # an account is no family's news


async def test_system_sets_up_the_first_account_of_a_school(db: Database) -> None:
    w = await build_world(db)
    staff = await create_staff(
        UnitOfWork(db),
        actor=SystemActor(),
        school_id=w.school_id,
        login="director@1",
        last_name="Директорова",
        first_name="Алла",
        roles=["admin"],
    )
    assert staff.password_hash is None  # signs in through a Telegram invite code
    [entry] = await audit_trail(db, "staff", staff.id or 0)
    assert entry.actor_kind == "system" and entry.actor_id is None


@pytest.mark.parametrize(
    ("who", "changes", "error", "text"),
    [
        ("math", {}, Forbidden, "только администрации"),
        ("admin", {"login": "MATH@1"}, RuleViolation, "Логин «math@1» уже занят"),
        ("admin", {"login": "ив"}, RuleViolation, "Логин «ив» не подходит"),
        ("admin", {"roles": ["director"]}, RuleViolation, "Неизвестная роль «director»"),
        ("admin", {"roles": []}, RuleViolation, "Укажите хотя бы одну роль"),
        ("admin", {"password": "1234567"}, RuleViolation, "не меньше 8 символов"),
        ("admin", {"last_name": " "}, RuleViolation, "Укажите фамилию"),
        ("system", {}, RuleViolation, "Укажите школу"),
    ],
)
async def test_bad_account_is_refused_and_nothing_written(
    db: Database, who: str, changes: dict[str, object], error: type[Exception], text: str
) -> None:
    w = await build_world(db)
    before = await counts(db, Staff)
    data: dict[str, object] = {
        "login": "new@1",
        "last_name": "Новая",
        "first_name": "Вера",
        "roles": ["teacher"],
        "password": "достаточно-длинный",
    }
    data.update(changes)
    actor = SystemActor() if who == "system" else w.actor(who)
    with pytest.raises(error, match=text):
        await create_staff(UnitOfWork(db), actor=actor, **data)  # type: ignore[arg-type]
    assert await counts(db, Staff) == before


async def test_wrong_password_and_unknown_login_get_the_same_answer(db: Database) -> None:
    w = await build_world(db)
    await set_password(
        UnitOfWork(db), actor=w.actor("admin"), staff_id=w.staff["math"], password="верный-пароль"
    )
    with pytest.raises(Forbidden) as wrong:
        await authenticate(
            UnitOfWork(db), login="math@1", password="неверный-пароль", client=CLIENT
        )
    with pytest.raises(Forbidden) as unknown:
        await authenticate(
            UnitOfWork(db), login="nobody@1", password="верный-пароль", client=CLIENT
        )
    with pytest.raises(Forbidden) as no_password:
        await authenticate(UnitOfWork(db), login="russian@1", password="", client=CLIENT)
    assert str(wrong.value) == str(unknown.value) == str(no_password.value)
    assert str(wrong.value) == "Неверный логин или пароль."
    assert wrong.value.message("en") == "Wrong login or password."


async def test_old_weak_hash_is_upgraded_at_sign_in(db: Database) -> None:
    w = await build_world(db)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("старый-пароль")
    await _set_password_directly(db, w.staff["math"], weak)
    await authenticate(UnitOfWork(db), login="math@1", password="старый-пароль", client=CLIENT)
    upgraded = (await load(db, Staff, w.staff["math"])).password_hash
    assert upgraded is not None and upgraded != weak
    await authenticate(UnitOfWork(db), login="math@1", password="старый-пароль", client=CLIENT)
    [entry] = await audit_trail(db, "staff", w.staff["math"])
    assert entry.actor_kind == "system" and entry.action == "update"


async def test_own_password_change_needs_the_current_one(db: Database) -> None:
    w = await build_world(db)
    math = w.actor("math")
    await set_password(
        UnitOfWork(db), actor=w.actor("admin"), staff_id=w.staff["math"], password="пароль-один"
    )
    before = await state(db, (Staff, w.staff["math"]))
    with pytest.raises(Forbidden, match="Текущий пароль указан неверно"):
        await set_password(
            UnitOfWork(db), actor=math, staff_id=w.staff["math"], password="пароль-два"
        )
    with pytest.raises(Forbidden, match="только администрации"):
        await set_password(
            UnitOfWork(db), actor=math, staff_id=w.staff["russian"], password="пароль-два"
        )
    assert await state(db, (Staff, w.staff["math"])) == before
    await set_password(
        UnitOfWork(db),
        actor=math,
        staff_id=w.staff["math"],
        password="пароль-два",
        current_password="пароль-один",
    )
    await authenticate(UnitOfWork(db), login="math@1", password="пароль-два", client=CLIENT)


async def _journal_at(db: Database, w: World, moment: dt.datetime, student: str) -> dict[str, int]:
    """The math teacher's entries made at `moment`: a mark through the service, the
    rest written directly (their services are not under test here)."""
    mark = await post_mark(
        uow_at(db, moment),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        student_id=w.students[student],
        value=4,
    )
    student_id = w.students[student]
    common = {
        "school_id": w.school_id,
        "lesson_id": w.lessons["math7"],
        "created_at": moment,
        "created_by": w.staff["math"],
    }
    rows: dict[str, Attendance | Homework | Remark] = {
        "attendance": Attendance(**common, student_id=student_id, status="late", minutes_late=5),
        "homework": Homework(**common, text="№ 12, 14"),
        "remark": Remark(**common, student_id=student_id, kind="remark", text="Нет тетради"),
    }
    ids = {"mark": mark.id or 0}
    async with db.session() as s:
        for key, row in rows.items():
            s.add(row)
            await s.flush()
            ids[key] = row.id or 0
        s.add(
            HomeworkStudent(
                school_id=w.school_id, homework_id=ids["homework"], student_id=student_id
            )
        )
        await s.commit()
    return ids


async def test_breach_voids_only_entries_made_since_the_report(db: Database) -> None:
    w = await build_world(db)
    reported_at = NOON
    before = await _journal_at(db, w, reported_at - HOUR, "petya")
    after = await _journal_at(db, w, reported_at + HOUR, "masha")
    # Another teacher's entry after the report stays: only the breached account's go.
    other = await post_mark(
        uow_at(db, reported_at + HOUR),
        actor=w.actor("russian"),
        lesson_id=w.lessons["russian7"],
        student_id=w.students["masha"],
        value=5,
    )
    events_before = len(await outbox(db))

    voided = await report_breach(
        uow_at(db, reported_at + 2 * HOUR),
        actor=w.actor("admin"),
        staff_id=w.staff["math"],
        reported_at=reported_at,
        lookback=LOOKBACK,
    )

    assert voided == EntryCounts(marks=1, attendance=1, homework=1, remarks=1)
    kinds = {"mark": Mark, "attendance": Attendance, "homework": Homework, "remark": Remark}
    for key, model in kinds.items():
        kept = await load(db, model, before[key])
        gone = await load(db, model, after[key])
        assert kept.deleted_at is None, key
        assert gone.deleted_at == reported_at + 2 * HOUR, key
        assert gone.deleted_by == w.staff["admin"], key
        [*_, last] = await audit_trail(db, model.__tablename__, after[key])  # type: ignore[arg-type]
        assert last.action == "delete" and last.actor_id == w.staff["admin"]
    assert (await load(db, Mark, other.id or 0)).deleted_at is None

    new_events = (await outbox(db))[events_before:]
    assert sorted(e.kind for e in new_events) == [
        "attendance_marked",
        "homework_changed",
        "mark_deleted",
    ]
    by_kind = {e.kind: e.payload for e in new_events}
    assert by_kind["mark_deleted"]["mark_id"] == after["mark"]
    assert by_kind["mark_deleted"]["old_value"] == 4 and by_kind["mark_deleted"]["version"] == 2
    assert by_kind["attendance_marked"]["status"] is None
    assert by_kind["attendance_marked"]["old_status"] == "late"
    assert by_kind["homework_changed"]["deleted"] is True
    assert by_kind["homework_changed"]["student_ids"] == [w.students["masha"]]
    assert by_kind["mark_deleted"]["lesson"]["subject"] == "Математика"

    math = await load(db, Staff, w.staff["math"])
    assert math.locked_at == reported_at + 2 * HOUR
    with pytest.raises(AccountLocked, match="заблокирована"):
        await post_mark(
            UnitOfWork(db),
            actor=w.actor("math"),
            lesson_id=w.lessons["math7"],
            student_id=w.students["vanya"],
            value=5,
        )


async def test_locked_account_signs_in_again_only_with_a_new_password(db: Database) -> None:
    w = await build_world(db)
    admin = w.actor("admin")
    await set_password(
        UnitOfWork(db), actor=admin, staff_id=w.staff["math"], password="утёкший-пароль"
    )
    invite = await issue_invite(UnitOfWork(db), actor=admin, staff_id=w.staff["math"])
    await report_breach(
        uow_at(db, NOON),
        actor=admin,
        staff_id=w.staff["math"],
        reported_at=NOON - HOUR,
        lookback=LOOKBACK,
    )
    with pytest.raises(AccountLocked):
        await authenticate(UnitOfWork(db), login="math@1", password="утёкший-пароль", client=CLIENT)
    with pytest.raises(Forbidden, match="Неверный логин или пароль"):
        await authenticate(UnitOfWork(db), login="math@1", password="подбор", client=CLIENT)
    # The account's pending Telegram code died with the breach.
    with pytest.raises(InviteRevoked):
        await redeem_invite(
            UnitOfWork(db),
            code=invite.code,
            chat=MessengerChat(Messenger.telegram, 555),
            consent=False,
        )

    await unlock_staff(
        UnitOfWork(db), actor=admin, staff_id=w.staff["math"], new_password="новый-пароль"
    )
    with pytest.raises(Forbidden):
        await authenticate(UnitOfWork(db), login="math@1", password="утёкший-пароль", client=CLIENT)
    assert (
        await authenticate(UnitOfWork(db), login="math@1", password="новый-пароль", client=CLIENT)
    ).id == (w.staff["math"])
    with pytest.raises(RuleViolation, match="не заблокирована"):
        await unlock_staff(
            UnitOfWork(db), actor=admin, staff_id=w.staff["math"], new_password="ещё-пароль"
        )


@pytest.mark.parametrize(
    ("who", "target", "shift", "error", "text"),
    [
        ("math", "russian", -HOUR, Forbidden, "только администрации"),
        ("secretary", "russian", -HOUR, Forbidden, "только администрации"),
        ("admin", "admin", -HOUR, RuleViolation, "сообщите другому администратору"),
        ("admin", "math", HOUR, RuleViolation, "ещё не наступило"),
        ("admin", "stranger", -HOUR, NotFound, "сотрудник"),
    ],
)
async def test_breach_report_refusals_change_nothing(
    db: Database, who: str, target: str, shift: dt.timedelta, error: type[Exception], text: str
) -> None:
    w = await build_world(db)
    await post_mark(
        uow_at(db, NOON),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        student_id=w.students["petya"],
        value=3,
    )
    watched = (Staff, w.staff[target])
    before, rows = await counts(db, Mark), await state(db, watched)
    with pytest.raises(error, match=text):
        await report_breach(
            uow_at(db, NOON + HOUR),
            actor=w.actor(who),
            staff_id=w.staff[target],
            reported_at=NOON + HOUR + shift,
            lookback=LOOKBACK,
        )
    assert await counts(db, Mark) == before
    assert await state(db, watched) == rows
    assert (await load(db, Staff, w.staff["math"])).locked_at is None


async def test_deputy_may_report_a_breach_too(db: Database) -> None:
    w = await build_world(db)
    voided = await report_breach(
        uow_at(db, NOON),
        actor=StaffActor(staff_id=w.staff["deputy"], school_id=w.school_id),
        staff_id=w.staff["english"],
        reported_at=NOON - HOUR,
        lookback=LOOKBACK,
    )
    assert voided.total == 0
    assert (await load(db, Staff, w.staff["english"])).locked_at == NOON
    assert await counts(db, InviteCode) == {"InviteCode": 0, "OutboxEvent": 0, "AuditEntry": 1}
