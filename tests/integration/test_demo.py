"""The demo school (`zvonok demo`): deterministic, realistic, and within the journal's rules.

The rule checks load a small school (scale 0.1: one class a grade) for five weeks,
on SQLite and PostgreSQL; one test loads the full school on SQLite for its sizes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text
from sqlmodel import SQLModel

from core.actors import StaffActor
from core.audit.verify import verify_school
from core.db import Database
from core.demo import DEMO_SCHOOL_NAME, DemoAlreadyLoaded, DemoSummary, load_demo
from core.demo.school import plan_school
from core.models import Staff, utcnow
from core.reading.announcement_status import announcement_status
from core.security import verify_password
from core.services.marks import post_mark
from core.uow import UnitOfWork
from tests.builders import build_world

TODAY = dt.date(2026, 10, 9)  # a Friday in the first quarter
MOSCOW = ZoneInfo("Europe/Moscow")
DIGESTED = (
    "school",
    "academic_year",
    "period",
    "holiday",
    "subject",
    "staff",
    "school_class",
    "class_group",
    "group_membership",
    "student",
    "enrollment",
    "guardian",
    "student_guardian",
    "teaching_assignment",
    "timetable_entry",
    "lesson",
    "attendance",
    "mark",
    "homework",
    "remark",
    "announcement",
    "period_mark",
    "scheduled_test",
    "outbox_event",
    "notification",
    "notification_event",
    "delivery",
    "contact_status",
)

# This year's lessons (last year's journal is closed: test_demo_closed_year.py).
THIS_YEAR = """SELECT l.id FROM lesson l JOIN school_class c ON c.id = l.class_id
               JOIN academic_year y ON y.id = c.year_id WHERE y.closed_at IS NULL"""

# Each query lists what breaks a rule: the rule holds when it returns no rows.
BROKEN_RULES = {
    "a mark outside 2..5": "SELECT id FROM mark WHERE value NOT BETWEEN 2 AND 5",
    "a mark in grade 1 or an elective (seed 002 §2.6, §2.5.7)": """
        SELECT m.id FROM mark m JOIN lesson l ON l.id = m.lesson_id
        JOIN school_class c ON c.id = l.class_id
        LEFT JOIN class_group g ON g.id = l.group_id
        WHERE c.grade = 1 OR g.kind = 'elective'""",
    "a student not in exactly one class of this year": """
        SELECT s.id FROM student s LEFT JOIN (
            SELECT e.id, e.student_id FROM enrollment e
            JOIN school_class c ON c.id = e.class_id
            JOIN academic_year y ON y.id = c.year_id WHERE y.closed_at IS NULL
        ) e ON e.student_id = s.id
        GROUP BY s.id HAVING count(e.id) <> 1""",
    "a student in two classes of last year": """
        SELECT e.student_id FROM enrollment e JOIN school_class c ON c.id = e.class_id
        GROUP BY e.student_id, c.year_id HAVING count(*) > 1""",
    "a teacher with two lessons at once": """
        SELECT teacher_id FROM lesson GROUP BY teacher_id, date, slot HAVING count(*) > 1""",
    "someone giving two lessons at once (substitutes included)": """
        SELECT COALESCE(substitute_id, teacher_id) FROM lesson
        GROUP BY COALESCE(substitute_id, teacher_id), date, slot HAVING count(*) > 1""",
    "a class in two lessons at once (its groups excepted)": """
        SELECT class_id FROM lesson GROUP BY class_id, date, slot
        HAVING count(*) > 1
           AND (count(group_id) <> count(*) OR count(DISTINCT group_id) <> count(*))""",
    "a lesson teacher without a teaching assignment": """
        SELECT l.id FROM lesson l LEFT JOIN teaching_assignment a
          ON a.teacher_id = l.teacher_id AND a.class_id = l.class_id
         AND a.subject_id = l.subject_id
         AND (a.group_id = l.group_id OR (a.group_id IS NULL AND l.group_id IS NULL))
        WHERE a.id IS NULL""",
    "two control works for a class on one day (SanPiN)": """
        SELECT class_id FROM scheduled_test GROUP BY class_id, date
        HAVING count(DISTINCT subject_id) > 1""",
    "a mark whose work type is not its lesson's (the grid column's header)": """
        SELECT m.id FROM mark m JOIN lesson l ON l.id = m.lesson_id
        WHERE l.work_type IS NULL OR m.work_type <> l.work_type""",
    "a marked lesson without its work type": """
        SELECT l.id FROM lesson l JOIN school_class c ON c.id = l.class_id
        LEFT JOIN class_group g ON g.id = l.group_id
        JOIN subject s ON s.id = l.subject_id
        WHERE l.work_type IS NULL AND c.grade >= 2 AND (g.kind IS NULL OR g.kind <> 'elective')
          AND s.graded""",
    "a mark or period mark in a subject taught without marks": """
        SELECT m.id FROM mark m JOIN lesson l ON l.id = m.lesson_id
        JOIN subject s ON s.id = l.subject_id WHERE NOT s.graded
        UNION SELECT p.id FROM period_mark p JOIN subject s ON s.id = p.subject_id
        WHERE NOT s.graded""",
    "an outbox event the workers would still dispatch": """
        SELECT id FROM outbox_event WHERE dispatched_at IS NULL OR relayed_at IS NULL""",
    "a message still on its way (the workers would send it)": """
        SELECT id FROM notification WHERE status NOT IN ('sent', 'failed')
        UNION SELECT id FROM delivery WHERE status NOT IN ('sent', 'failed')""",
    "an outbox event for anything but an announcement": """
        SELECT id FROM outbox_event WHERE kind <> 'announcement_posted'""",
    "a message to a parent before their consent": """
        SELECT n.id FROM notification n JOIN guardian g ON g.id = n.guardian_id
        WHERE g.consent_given_at IS NULL OR g.consent_given_at > n.created_at""",
}


async def digest(db: Database) -> str:
    """A hash of every demo table's rows, in id order, as Python values (but for the
    staff's password hash: the password is new at every load)."""
    sha = hashlib.sha256()
    async with db.engine.connect() as conn:
        for name in DIGESTED:
            table = SQLModel.metadata.tables[name]
            columns = [c for c in table.columns if c.name != "password_hash"]
            found = (await conn.execute(select(*columns).order_by(table.c.id))).all()
            sha.update(f"{name}:{len(found)}:{[tuple(r) for r in found]!r}".encode())
    return sha.hexdigest()


async def rows(db: Database, sql: str, **params: Any) -> list[Any]:
    async with db.engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


async def scalar(db: Database, sql: str, **params: Any) -> Any:
    return (await rows(db, sql, **params))[0][0]


async def fresh_sqlite(path: Path) -> Database:
    database = Database(f"sqlite:///{path}")
    async with database.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    return database


async def load_small(db: Database, **kwargs: Any) -> DemoSummary:
    return await load_demo(db, today=TODAY, scale=0.1, **kwargs)


def without_passwords(summary: DemoSummary) -> DemoSummary:
    return dataclasses.replace(
        summary, logins=[(r, login, "", n) for r, login, _, n in summary.logins]
    )


async def signs_in(db: Database, login: str, password: str) -> bool:
    hashed = await scalar(db, "SELECT password_hash FROM staff WHERE login = :l", l=login)
    return verify_password(hashed, password)


@pytest.mark.both_databases  # the bulk loader's SQL differs; the digests are compared across
async def test_same_seed_and_day_give_the_same_school_with_a_new_password(
    db: Database, tmp_path: Path
) -> None:
    steps: list[tuple[str, int, int]] = []
    first = await load_small(db, progress=lambda *step: steps.append(step))
    again = await fresh_sqlite(tmp_path / "again.db")
    try:
        second = await load_small(again)
        assert without_passwords(second) == without_passwords(first)
        assert await digest(again) == await digest(db)  # across backends, too
        # Random at every load: a password printed anywhere opens no other demo.
        [(_, login, password, _), *_] = first.logins
        [(_, _, other, _), *_] = second.logins
        assert password != other and {len(password), len(other)} == {15}
        assert await signs_in(db, login, password) and not await signs_in(db, login, other)
        assert await signs_in(again, login, other)
    finally:
        await again.dispose()
    done = [d for _, d, _ in steps]
    assert done == sorted(done) and done[-1] == steps[-1][2]
    assert any(label.startswith("Журнал: сентябрь 2026") for label, _, _ in steps)


async def test_the_journal_keeps_the_rules_and_loading_twice_is_refused(db: Database) -> None:
    summary = await load_small(db)
    assert summary.lessons and summary.marks and summary.absences and summary.homework
    for rule, sql in BROKEN_RULES.items():
        assert await rows(db, sql) == [], rule
    await _check_school_days(db)
    await _check_authors(db)
    await _check_what_subjects_owe(db)
    assert await scalar(db, "SELECT count(*) FROM class_group WHERE kind = 'elective'") == 2
    before = await digest(db)
    with pytest.raises(DemoAlreadyLoaded, match="уже загружена"):
        await load_small(db, seed=99)
    assert await digest(db) == before
    await _check_a_teacher_can_post_a_mark(db, summary.school_id)


async def _check_what_subjects_owe(db: Database) -> None:
    """No homework is owed in PE, music, art, technology, ОБЗР, ОРКСЭ and the electives,
    and none is given in them; no marks in ОРКСЭ and the electives. The rest owe both."""
    electives = {
        n for (n,) in await rows(db, "SELECT name FROM subject WHERE short_name = 'Электив'")
    }
    assert len(electives) == 2
    free = {"ОРКСЭ", "ОБЗР", "Муз.", "ИЗО", "Техн.", "Физ-ра"}
    flags = {
        (name if short == "Электив" else short): (bool(homework), bool(graded))
        for name, short, homework, graded in await rows(
            db, "SELECT name, short_name, homework, graded FROM subject"
        )
    }
    assert {k for k, (homework, _) in flags.items() if not homework} == free | electives
    assert {k for k, (_, graded) in flags.items() if not graded} == {"ОРКСЭ"} | electives
    given = """SELECT count(*) FROM homework h JOIN lesson l ON l.id = h.lesson_id
               JOIN subject s ON s.id = l.subject_id WHERE NOT s.homework"""
    assert await scalar(db, given) == 0


async def _check_school_days(db: Database) -> None:
    holidays = [
        (_day(a), _day(b)) for a, b in await rows(db, "SELECT starts_on, ends_on FROM holiday")
    ]
    this_year = """SELECT DISTINCT l.date FROM lesson l JOIN school_class c ON c.id = l.class_id
                   JOIN academic_year y ON y.id = c.year_id WHERE y.closed_at IS NULL"""
    dates = [_day(d) for (d,) in await rows(db, this_year)]
    assert max(dates) == TODAY and min(dates) == dt.date(2026, 9, 1)
    dates += [_day(d) for (d,) in await rows(db, "SELECT DISTINCT date FROM lesson")]
    for day in dates:
        assert day.weekday() < 5, day
        assert not any(start <= day <= end for start, end in holidays), day


async def _check_authors(db: Database) -> None:
    """Entries are the lesson giver's, entered on the lesson day (school time), or later
    for checked written work and what a teacher entered late (test_demo_lateness.py),
    never before it; and never after the day the demo is loaded for."""
    for entity in ("mark", "attendance", "homework", "remark"):
        found = await rows(
            db,
            f"SELECT e.created_at, e.created_by, l.date, COALESCE(l.substitute_id, l.teacher_id)"
            f" FROM {entity} e JOIN lesson l ON l.id = e.lesson_id",
        )
        assert found, entity
        on_the_day = 0
        for created_at, author, day, giver in found:
            entered = _instant(created_at).astimezone(MOSCOW).date()
            assert _day(day) <= entered <= TODAY, entity
            on_the_day += entered == _day(day)
            assert author == giver, entity
        assert on_the_day > len(found) * 0.5, entity


async def _check_a_teacher_can_post_a_mark(db: Database, school_id: int) -> None:
    """The demo's assignments, enrolments and lessons agree with the real permission rules."""
    lesson_id, teacher_id, student_id = (
        await rows(
            db,
            """SELECT l.id, l.teacher_id, e.student_id FROM lesson l
               JOIN school_class c ON c.id = l.class_id
               JOIN enrollment e ON e.class_id = c.id
               WHERE l.school_id = :school AND c.grade = 7
                 AND l.group_id IS NULL AND l.substitute_id IS NULL
               ORDER BY l.date DESC, l.slot, e.student_id""",
            school=school_id,
        )
    )[0]
    actor = StaffActor(staff_id=teacher_id, school_id=school_id)
    await post_mark(
        UnitOfWork(db), actor=actor, lesson_id=lesson_id, student_id=student_id, value=4
    )
    assert await scalar(db, "SELECT count(*) FROM outbox_event WHERE relayed_at IS NULL") == 1


async def test_it_loads_next_to_another_school_and_avoids_its_logins(db: Database) -> None:
    world = await build_world(db)
    namesake = plan_school(2026, TODAY, 0.1).staff[0]
    async with db.session() as session:
        session.add(
            Staff(
                school_id=world.other_school_id,
                login=namesake.login,
                last_name="Однофамилец",
                first_name="И",
                created_at=utcnow(),
            )
        )
        await session.commit()
    summary = await load_small(db)
    logins = [
        login
        for (login,) in await rows(
            db, "SELECT login FROM staff WHERE school_id = :s", s=summary.school_id
        )
    ]
    assert f"{namesake.login}2" in logins and namesake.login not in logins
    assert await scalar(db, "SELECT count(*) FROM school") == 3
    await _check_a_teacher_can_post_a_mark(db, summary.school_id)  # ids did not collide
    # The term written in bulk has its history, sealed in the school's chain, and the
    # teacher's mark joined it: the journal verifies as a real one would.
    async with db.session() as session:
        report = await verify_school(session, summary.school_id)
    assert report.ok, report.findings[:5]
    assert report.entries > summary.marks + summary.lessons


async def test_full_school_has_the_size_and_shape_of_a_real_one(sqlite_db: Database) -> None:
    db = sqlite_db
    s = await load_demo(db, today=dt.date(2026, 10, 2))
    assert 22 <= s.classes <= 33 and 540 <= s.students <= 660
    assert 40 <= s.staff <= 50 and s.guardians >= s.students
    assert await scalar(db, "SELECT name FROM school") == DEMO_SCHOOL_NAME
    per_student = await rows(db, "SELECT count(*) FROM student_guardian GROUP BY student_id")
    assert len(per_student) == s.students and {n for (n,) in per_student} <= {1, 2}
    shared = "SELECT guardian_id FROM student_guardian GROUP BY guardian_id HAVING count(*) > 1"
    assert len(await rows(db, shared)) > 20  # siblings in other classes share parents
    consent = await scalar(db, "SELECT avg(consent_given_at IS NULL) FROM guardian")
    assert 0.08 <= consent <= 0.22
    await _check_marks_and_absences(db, s)
    await _check_announcements_were_delivered(db, s)
    labels = [label.split()[0] for label, *_ in s.logins]
    # The roles as the docs and the web app name them (webapp/labels.py).
    assert labels == ["Администратор", "Заместитель", "Секретарь", "Классный", "Учитель-предметник"]
    for _, login, password, _ in s.logins:
        hashed = await scalar(db, "SELECT password_hash FROM staff WHERE login = :l", l=login)
        assert PasswordHasher().verify(hashed, password)


async def _check_marks_and_absences(db: Database, s: DemoSummary) -> None:
    """About 2–3 marks a lesson per 10 students (the whole class's for written work,
    enough for the fill rate: 3 marks a quarter in a subject of one or two lessons a
    week, 5 in others); 5: 30 %, 4: 40 %, 3: 25 %, 2: 5 %. This year's journal: the
    summary counts it, not last year's closed one (test_demo_closed_year.py)."""
    seats = await scalar(
        db,
        f"""SELECT count(*) FROM lesson l JOIN school_class c ON c.id = l.class_id
           JOIN enrollment e ON e.class_id = l.class_id
           WHERE c.grade >= 2 AND l.group_id IS NULL AND l.id IN ({THIS_YEAR})""",
    )
    marks = await scalar(
        db,
        "SELECT count(*) FROM mark m JOIN lesson l ON l.id = m.lesson_id AND l.group_id IS NULL"
        f" WHERE l.id IN ({THIS_YEAR})",
    )
    assert 0.15 <= marks / seats <= 0.35
    by_value = f"SELECT value, count(*) FROM mark WHERE lesson_id IN ({THIS_YEAR}) GROUP BY value"
    shares = {v: n / s.marks for v, n in await rows(db, by_value)}
    for value, share in {5: 0.30, 4: 0.40, 3: 0.25, 2: 0.05}.items():
        assert shares[value] == pytest.approx(share, abs=0.05), value
    attendance = f"SELECT count(*) FROM attendance WHERE lesson_id IN ({THIS_YEAR})"
    missed = await scalar(db, f"{attendance} AND status IN ('absent', 'ill')")
    assert 0.02 <= missed / seats <= 0.06
    assert s.absences + s.lates == await scalar(db, attendance)
    assert 0 < s.lates < s.absences / 4


async def _check_announcements_were_delivered(db: Database, s: DemoSummary) -> None:
    """The class teacher's status of a past announcement: delivered, with a few failures."""
    admin = await scalar(db, "SELECT id FROM staff WHERE login = :l", l=s.logins[0][1])
    states: dict[str, int] = {}
    for (announcement_id,) in await rows(db, "SELECT id FROM announcement ORDER BY id"):
        status = await announcement_status(
            UnitOfWork(db),
            actor=StaffActor(staff_id=admin, school_id=s.school_id),
            announcement_id=announcement_id,
        )
        assert not status.pending, announcement_id
        for state, n in status.counts.items():
            states[state] = states.get(state, 0) + n
    assert s.messages == states["delivered"] + states["failed"]
    assert states["pending"] == 0 and 0 < states["failed"] < states["total"] * 0.01
    assert 0.8 < states["delivered"] / states["total"] < 0.9  # consent: about 85 %
    bounced = await scalar(db, "SELECT count(*) FROM contact_status WHERE channel = 'email'")
    assert bounced > 3


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _instant(value: Any) -> dt.datetime:
    """Raw SQL hands back naive UTC (see `UTCDateTime`): a string on SQLite."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return moment.replace(tzinfo=dt.UTC)
