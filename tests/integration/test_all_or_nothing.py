"""Composite operations are one transaction: when a later step fails, nothing of the
earlier steps stays (the invite sheet, the lesson page's topic form, retyping a
lesson's column, a journal cell). On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import segno
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from core.db import Database
from core.errors import RuleViolation
from core.models import AuditEntry, InviteCode, Lesson, Mark, Messenger, OutboxEvent
from core.reports.invite_sheet import invite_sheet
from core.services.invites import IssuedInvite, check_invite, issue_invite
from core.services.journal_grid import save_cell
from core.services.lesson_settings import set_lesson_work_type, set_topic_and_work_type
from core.services.marks import post_mark
from tests.builders import World, build_world, uow_at
from tests.integration.outbox_helpers import unchanged
from tests.integration.refusals import refused

# Both databases, each test: transactions: what each database keeps when a write fails half-way.
pytestmark = pytest.mark.both_databases


async def printed_codes(db: Database, w: World) -> dict[str, IssuedInvite]:
    """The codes of a sheet printed earlier, one per guardian of 7Б."""
    return {
        key: await issue_invite(uow_at(db), actor=w.actor("russian"), guardian_id=w.guardians[key])
        for key in ("novikov", "sokolova")
    }


async def still_work(db: Database, codes: dict[str, IssuedInvite]) -> bool:
    for issued in codes.values():
        # raises InviteRevoked if revoked
        await check_invite(uow_at(db), code=issued.code, messenger=Messenger.telegram)
    return True


async def test_an_invite_sheet_whose_pdf_fails_issues_no_code(db: Database) -> None:
    w = await build_world(db)
    codes = await printed_codes(db, w)
    async with unchanged(db, InviteCode):
        # No QR code holds a deep link this long: the PDF cannot be made.
        with pytest.raises(segno.DataOverflowError):
            await invite_sheet(
                uow_at(db),
                actor=w.actor("russian"),
                class_id=w.classes["7Б"],
                bot_username="b" * 3000,
            )
    assert await still_work(db, codes)


async def test_an_invite_sheet_refused_for_its_second_guardian_issues_no_code(
    db: Database,
) -> None:
    w = await build_world(db)
    codes = await printed_codes(db, w)
    # Slips go in the children's order: Новиков Иван, then the Соколовы.
    refuse_sokolova = f"NEW.guardian_id = {w.guardians['sokolova']}"
    async with (
        unchanged(db, InviteCode),
        refused(db, "invite_code", on="INSERT", when=refuse_sokolova),
    ):
        with pytest.raises(DBAPIError):
            await invite_sheet(
                uow_at(db),
                actor=w.actor("russian"),
                class_id=w.classes["7Б"],
                bot_username="zvonok_demo_bot",
            )
    # Novikov's code printed before still works: his new one was never issued.
    assert await still_work(db, codes)


async def test_a_refused_work_type_leaves_the_topic(db: Database) -> None:
    w = await build_world(db)
    lesson_id = w.lessons["math7"]
    async with db.session() as s:
        lesson = await s.get(Lesson, lesson_id)
        assert lesson is not None
        before = (lesson.topic, lesson.work_type)
    async with unchanged(db, Lesson):
        with pytest.raises(RuleViolation, match="Неизвестный вид работы «nonsense»"):
            await set_topic_and_work_type(
                uow_at(db),
                actor=w.actor("math"),
                lesson_id=lesson_id,
                topic="Дроби",
                work_type="nonsense",
            )
    async with db.session() as s:
        lesson = await s.get(Lesson, lesson_id)
        assert lesson is not None and (lesson.topic, lesson.work_type) == before


async def test_the_topic_and_work_type_are_saved_together(db: Database) -> None:
    w = await build_world(db)
    saved = await set_topic_and_work_type(
        uow_at(db),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        topic=" Дроби ",
        work_type="test",
    )
    assert (saved.topic, saved.work_type) == ("Дроби", "test")


async def marks_of(db: Database, lesson_id: int) -> list[tuple[int, str, float, int]]:
    """The lesson's marks as (value, work type, weight, version)."""
    async with db.session() as s:
        rows = (await s.exec(select(Mark).where(Mark.lesson_id == lesson_id))).all()
        return sorted((m.value, m.work_type, m.weight, m.version) for m in rows)


async def test_retyping_a_column_fails_whole_when_one_mark_is_refused(db: Database) -> None:
    w = await build_world(db)
    lesson_id = w.lessons["math7"]
    posted = [
        await post_mark(
            uow_at(db),
            actor=w.actor("math"),
            lesson_id=lesson_id,
            student_id=w.students[kid],
            value=v,
        )
        for kid, v in (("petya", 4), ("vanya", 3))
    ]
    before = await marks_of(db, lesson_id)
    assert before == [(3, "oral", 1.0, 1), (4, "oral", 1.0, 1)]
    # The lesson's column is retyped, then its first mark; the second one is refused.
    last = f"NEW.id = {posted[-1].id}"
    async with unchanged(db, Lesson, Mark), refused(db, "mark", on="UPDATE", when=last):
        with pytest.raises(DBAPIError):
            await set_lesson_work_type(
                uow_at(db), actor=w.actor("math"), lesson_id=lesson_id, work_type="test"
            )
    assert await marks_of(db, lesson_id) == before
    async with db.session() as s:
        lesson = await s.get(Lesson, lesson_id)
        assert lesson is not None and lesson.work_type in (None, "oral")


async def test_a_cell_failing_halfway_changes_nothing(db: Database) -> None:
    w = await build_world(db)
    lesson_id, petya = w.lessons["math7"], w.students["petya"]
    await post_mark(
        uow_at(db), actor=w.actor("math"), lesson_id=lesson_id, student_id=petya, value=3
    )
    before = await marks_of(db, lesson_id)
    # «5 4» over «3»: the 3 becomes a 5 (a correction), then a 4 is posted (refused).
    async with unchanged(db, Mark, AuditEntry, OutboxEvent), refused(db, "mark", on="INSERT"):
        with pytest.raises(DBAPIError):
            await save_cell(
                uow_at(db), actor=w.actor("math"), lesson_id=lesson_id, student_id=petya, text="5 4"
            )
    assert await marks_of(db, lesson_id) == before == [(3, "oral", 1.0, 1)]
    saved = await save_cell(
        uow_at(db), actor=w.actor("math"), lesson_id=lesson_id, student_id=petya, text="5 4"
    )
    assert [m.value for m in saved.cell.marks] == [5, 4]
