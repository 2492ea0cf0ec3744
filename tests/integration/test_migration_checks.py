"""Migration 0003: attendance stored as codes (and back), CHECK constraints, lessons
unique per class or group and bell, the sweeper's partial indexes; released
migrations never change."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from core.db import Database
from core.migrate import (
    VERSIONS_DIR,
    check_migrations_match_models,
    current_revision,
    downgrade_database,
    upgrade_database,
)

AT = dt.datetime(2026, 11, 23, 10, 0)
DAY = dt.date(2026, 11, 23)

# Released revisions, byte for byte. Migrations are append-only: a change to the schema
# is a new revision, never an edit of one that databases may already have run. Pin a
# new revision here when it is released.
RELEASED = {
    "0001_initial.py": "337e0fbcade0a0e9dd775db8e58bfaef6797ab870252ade51c822c80c45f276c",
    "0002_reason_codes.py": "468524bc659a3015141e6446affb0eff32a1d026e46af6cf14307f3f057e4436",
    "0003_checks_and_indexes.py": "e47b4fed3ea668d7b1a7ef38307e2b8d786a8a322ee12c486326066f6c476149",
    "0004_email_opt_out.py": "318808d28919a13cd0e173ba4285d4d582b6d94b7a606ded556fed2d7b7ed16c",
    "0005_token_expiry_login_sources.py": "c6243d0a25a93eea94a24bdefe2de283f7c555f78ce4f586b08ef147d0dd5116",
    "0006_hw_minutes_staff_email.py": "30c1d78ecd6a9ef57f1dd950d038b0c7b3517aa58d9151d36f0dbd053ab5b8a2",
    "0007_control_report_export.py": "eaba1dd5919f115d845e84d20d093884f9c6c2853ec6ba545d81023446c8ca49",
    "0008_staff_messages.py": "d4e35b0dba0b30d5e88a0e9e130682b37d5f904a6817443a990aa51cfb4e46f4",
    "0009_subject_flags.py": "95011699d1fc37a6bcc27cd62004d119aef19717f2c289d1175fa651175506bd",
    "0010_audit_chain.py": "9165fad20951e3fc7a5cda63614dfdae9acfc55718d61ec8bfb43c520e87da27",
    "0015_admin_alerts.py": "a05b33563b51b2367132f653c180058771be94a26a8154cbc088ce68bbc520c0",
    "0016_breach_voids.py": "683ca3d27252492f85efc6845da66be519b9bdf6693ddd9b55ca13e7ca5a8031",
    "0014_consent_versions.py": "8fad9db0f3bf87210679e0a2575499ed4a06509a14c24b8728cc4cf224797197",
    "0013_backup_runs.py": "f787cb27bf996f900740f03eb30c620df91c9e9a01f356d7ebf0486ba31d6971",
    "0011_year_close.py": "84a7a5ac6f37074211f7a9515d14b4510ba6fff117468ee7aa2fb5a91e3f9dcd",
    "0012_archive_documents.py": "b7148ce1a9ba68877cffead49cef6fa249e721d7e5201ec804ad6433d0ca3280",
    "0017_max_messenger.py": "7150327e7aa1c79841c6685773cc7bea3993d6ce58ec60f80b96c3f03cea9de8",
    "0018_delivery_claimed_by.py": "75daba756ccde822f860acfdbd44960fd98d5b94f115f9904ac434781518f574",
    "0019_school_bots.py": "c1ab0b1e5e572a7c5a012d621cd2e0f0f68cc100082b3aa9252512f9d8c76ce6",
}


def test_released_migrations_are_never_edited() -> None:
    files = sorted(p.name for p in VERSIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert files == sorted(RELEASED), "pin a released revision's hash in RELEASED"
    for name, digest in RELEASED.items():
        found = hashlib.sha256((VERSIONS_DIR / name).read_bytes()).hexdigest()
        assert found == digest, f"{name} was edited: add a new revision instead"


async def _execute(url: str, statements: list[tuple[str, dict[str, Any]]]) -> None:
    db = Database(url)
    try:
        async with db.engine.begin() as connection:
            for statement, params in statements:
                await connection.execute(text(statement), params)
    finally:
        await db.dispose()


async def _rows(url: str, query: str) -> list[tuple[Any, ...]]:
    db = Database(url)
    try:
        async with db.engine.connect() as connection:
            return [tuple(row) for row in (await connection.execute(text(query))).all()]
    finally:
        await db.dispose()


def _document(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


SCHOOL = [
    "INSERT INTO school (id, name, timezone, bells, policy, created_at) "
    "VALUES (1, 'Школа', 'Europe/Moscow', '[]', '{}', :at)",
    "INSERT INTO academic_year (id, school_id, name, starts_on, ends_on) "
    "VALUES (1, 1, '2026/2027', '2026-09-01', '2027-05-31')",
    "INSERT INTO school_class (id, school_id, year_id, grade, letter) VALUES (1, 1, 1, 7, 'Б')",
    "INSERT INTO class_group (id, school_id, class_id, name, kind) "
    "VALUES (1, 1, 1, '7Б англ. 1', 'subgroup'), (2, 1, 1, '7Б англ. 2', 'subgroup')",
    "INSERT INTO subject (id, school_id, name, short_name) VALUES (1, 1, 'Математика', '')",
    "INSERT INTO staff (id, school_id, login, last_name, first_name, middle_name, roles, "
    "created_at) VALUES (1, 1, 'ivanova', 'Иванова', 'Мария', '', '[\"teacher\"]', :at)",
    "INSERT INTO student (id, school_id, last_name, first_name, middle_name, created_at) "
    "VALUES (1, 1, 'Соколов', 'Пётр', '', :at), (2, 1, 'Смирнова', 'Анна', '', :at), "
    "(3, 1, 'Ким', 'Зоя', '', :at)",
    "INSERT INTO guardian (id, school_id, last_name, first_name, middle_name, language, "
    "wants_paper_summary, created_at) VALUES (1, 1, 'Соколова', 'Анна', '', 'ru', false, :at)",
]
LESSON = (
    "INSERT INTO lesson (id, school_id, class_id, group_id, subject_id, teacher_id, date, "
    "slot, topic, created_at, deleted_at) "
    "VALUES (:id, 1, 1, :group, 1, 1, :day, :slot, '', :at, :deleted)"
)
# (student, the letter before 0003, the code after it)
MARKS = [(1, "н", "absent"), (2, "б", "ill"), (3, "оп", "late")]


async def _fill(url: str) -> None:
    """A class with a lesson and each kind of attendance, as 0002 stored them, with
    their events and audit entries."""
    at = {"at": AT}
    rows: list[tuple[str, dict[str, Any]]] = [(statement, at) for statement in SCHOOL]
    lesson = {"id": 1, "group": None, "day": DAY, "slot": 2, "at": AT, "deleted": None}
    rows.append((LESSON, lesson))
    for student, letter, _ in MARKS:
        rows.append(
            (
                "INSERT INTO attendance (id, school_id, lesson_id, student_id, status, "
                "minutes_late, created_at) VALUES (:id, 1, 1, :id, :status, :late, :at)",
                {"id": student, "status": letter, "late": 10 if letter == "оп" else None, "at": AT},
            )
        )
        payload = {"attendance_id": student, "status": letter, "old_status": "н", "x": 1}
        rows.append(
            (
                "INSERT INTO outbox_event (id, school_id, kind, entity, payload, occurred_at, "
                "attempts) VALUES (:id, 1, 'attendance_marked', :entity, :payload, :at, 0)",
                {
                    "id": f"event{student}",
                    "entity": f"attendance:{student}",
                    "payload": json.dumps(payload, ensure_ascii=False),
                    "at": AT,
                },
            )
        )
        rows.append(
            (
                "INSERT INTO audit_entry (id, school_id, at, actor_kind, actor_id, entity, "
                "entity_id, action, old, new) VALUES (:id, 1, :at, 'staff', 1, 'attendance', "
                ":id, 'update', :old, :new)",
                {
                    "id": student,
                    "at": AT,
                    "old": json.dumps({"status": "н"}, ensure_ascii=False),
                    "new": json.dumps({"status": letter, "minutes_late": None}, ensure_ascii=False),
                },
            )
        )
    # A mark's event with a "status" of its own is not attendance: left as it is.
    rows.append(
        (
            "INSERT INTO outbox_event (id, school_id, kind, entity, payload, occurred_at, "
            "attempts) VALUES ('mark1', 1, 'mark_posted', 'mark:1', :payload, :at, 0)",
            {"payload": json.dumps({"status": "н"}, ensure_ascii=False), "at": AT},
        )
    )
    await _execute(url, rows)


async def _attendance(url: str) -> dict[str, list[Any]]:
    statuses = await _rows(url, "SELECT status FROM attendance ORDER BY id")
    events = await _rows(url, "SELECT payload FROM outbox_event ORDER BY id")
    audit = await _rows(url, "SELECT old, new FROM audit_entry ORDER BY id")
    return {
        "rows": [status for (status,) in statuses],
        "events": [(_document(p).get("status"), _document(p).get("old_status")) for (p,) in events],
        "audit": [(_document(o)["status"], _document(n)["status"]) for o, n in audit],
    }


async def _refused(url: str, statement: str, params: dict[str, Any]) -> bool:
    try:
        await _execute(url, [(statement, params)])
    except IntegrityError:
        return True
    return False


async def _index_names(url: str, table: str) -> set[str]:
    db = Database(url)

    def names(connection: Connection) -> set[str]:
        return {str(i["name"]) for i in inspect(connection).get_indexes(table)}

    try:
        async with db.engine.connect() as connection:
            return await connection.run_sync(names)
    finally:
        await db.dispose()


async def check_the_schema_refuses_what_the_code_never_writes(url: str) -> None:
    bad_attendance = (
        "INSERT INTO attendance (id, school_id, lesson_id, student_id, status, created_at) "
        "VALUES (9, 1, 1, 1, :status, :at)"
    )
    assert await _refused(url, bad_attendance, {"status": "н", "at": AT})
    assert await _refused(
        url, "UPDATE staff SET roles = :roles", {"roles": '["teacher", "director"]'}
    )
    assert not await _refused(
        url, "UPDATE staff SET roles = :roles", {"roles": '["teacher", "admin"]'}
    )
    settings = (
        "INSERT INTO guardian_settings (id, school_id, guardian_id, modes, channels, "
        "weekly_weekday) VALUES (1, 1, 1, :modes, :channels, 4)"
    )
    assert await _refused(url, settings, {"modes": '{"marks": "loud"}', "channels": "[]"})
    assert await _refused(url, settings, {"modes": "{}", "channels": '["pigeon"]'})
    assert not await _refused(
        url, settings, {"modes": '{"marks": "off", "homework": "weekly"}', "channels": '["sms"]'}
    )
    assert await _refused(url, "UPDATE class_group SET kind = 'club'", {})
    assert await _refused(url, "UPDATE lesson SET slot = -1", {})
    # A second live lesson of the class in the bell is refused; a deleted one is not in
    # the way, and parallel groups share a bell.
    second = {"id": 2, "group": None, "day": DAY, "slot": 2, "at": AT, "deleted": None}
    assert await _refused(url, LESSON, second)
    assert not await _refused(url, LESSON, second | {"deleted": AT})
    english = {"id": 3, "group": 1, "day": DAY, "slot": 3, "at": AT, "deleted": None}
    assert not await _refused(url, LESSON, english)
    assert not await _refused(url, LESSON, english | {"id": 4, "group": 2})
    assert await _refused(url, LESSON, english | {"id": 5})
    await _execute(url, [("DELETE FROM lesson WHERE id > 1", {})])


async def check_round_trip(url: str) -> None:
    await upgrade_database(url, "0002_reason_codes")
    await _fill(url)

    await upgrade_database(url, "0003_checks_and_indexes")
    assert await current_revision(url) == "0003_checks_and_indexes"
    converted = await _attendance(url)
    assert converted["rows"] == ["absent", "ill", "late"]
    assert converted["events"] == [
        ("absent", "absent"),
        ("ill", "absent"),
        ("late", "absent"),
        ("н", None),  # the mark's event
    ]
    assert converted["audit"] == [("absent", "absent"), ("absent", "ill"), ("absent", "late")]
    assert {"ix_notification_open_due", "ix_notification_school_id"} <= await _index_names(
        url, "notification"
    )
    assert "ix_notification_status" not in await _index_names(url, "notification")
    await check_the_schema_refuses_what_the_code_never_writes(url)
    await upgrade_database(url)  # the later migrations keep what 0003 made
    assert await check_migrations_match_models(url) == []

    await downgrade_database(url, "0002_reason_codes")
    assert await current_revision(url) == "0002_reason_codes"
    restored = await _attendance(url)
    assert restored["rows"] == ["н", "б", "оп"]
    assert restored["events"] == [("н", "н"), ("б", "н"), ("оп", "н"), ("н", None)]
    assert restored["audit"] == [("н", "н"), ("н", "б"), ("н", "оп")]
    assert {"ix_notification_status", "ix_notification_due_at"} <= await _index_names(
        url, "notification"
    )
    # 0002's schema takes the letters again, and any role.
    assert not await _refused(url, "UPDATE class_group SET kind = 'club'", {})


async def test_attendance_codes_and_checks_up_and_down_on_sqlite(tmp_path: Path) -> None:
    await check_round_trip(f"sqlite:///{tmp_path / 'zvonok.db'}")


@pytest.mark.postgres
async def test_attendance_codes_and_checks_up_and_down_on_postgres(
    empty_postgres_url: str,
) -> None:
    await check_round_trip(empty_postgres_url)


async def check_duplicate_lessons_stop_the_upgrade(url: str) -> None:
    await upgrade_database(url, "0002_reason_codes")
    rows: list[tuple[str, dict[str, Any]]] = [(statement, {"at": AT}) for statement in SCHOOL]
    for lesson_id in (1, 2):
        rows.append(
            (
                LESSON,
                {"id": lesson_id, "group": None, "day": DAY, "slot": 2, "at": AT, "deleted": None},
            )
        )
    await _execute(url, rows)
    with pytest.raises(
        RuntimeError, match=r"duplicate lessons.*class 1 group - on 2026-11-23 bell 2"
    ):
        await upgrade_database(url)
    # Nothing of 0003 stayed: the upgrade is one transaction.
    assert await current_revision(url) == "0002_reason_codes"
    assert "ix_notification_status" in await _index_names(url, "notification")


async def test_duplicate_lessons_stop_the_upgrade_on_sqlite(tmp_path: Path) -> None:
    await check_duplicate_lessons_stop_the_upgrade(f"sqlite:///{tmp_path / 'zvonok.db'}")


@pytest.mark.postgres
async def test_duplicate_lessons_stop_the_upgrade_on_postgres(empty_postgres_url: str) -> None:
    await check_duplicate_lessons_stop_the_upgrade(empty_postgres_url)
