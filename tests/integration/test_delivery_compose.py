"""What a message says: the journal as it is when the message goes out.

A mark fixed within the grace window goes out once with its final value, a deleted
one not at all, and a change after the message went out becomes a correction.
SQLite and PostgreSQL; the school is in Moscow, TODAY (23.11.2026) a Monday.
"""

from __future__ import annotations

from core.db import Database
from core.delivery.lifecycle import claim_delivery, settle_delivery
from core.models import Notification
from core.services.attendance import mark_attendance
from core.services.homework import change_homework, set_homework
from core.services.marks import change_mark, delete_mark
from core.services.period_marks import set_period_mark
from core.services.remarks import post_remark
from tests.builders import World, build_world
from tests.integration.delivery_helpers import (
    Clock,
    choose,
    composed,
    deliveries,
    lines,
    load,
    msk,
    notifications,
    post,
    relay_and_dispatch,
    run_worker,
    start_due,
)


async def _post(clock: Clock, w: World, value: int, kid: str = "vanya") -> int:
    mark_id = await post(clock, w, kid, value, work_type="test")
    await relay_and_dispatch(clock)
    return mark_id


async def _change(clock: Clock, w: World, mark_id: int, value: int) -> None:
    await change_mark(clock.uow(), actor=w.actor("math"), mark_id=mark_id, value=value)
    await relay_and_dispatch(clock)


async def _delete(clock: Clock, w: World, mark_id: int) -> None:
    await delete_mark(clock.uow(), actor=w.actor("math"), mark_id=mark_id)
    await relay_and_dispatch(clock)


async def test_within_the_grace_window_a_fixed_mark_goes_out_once_a_deleted_one_never(
    db: Database,
) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    mark_id = await _post(clock, w, 2)
    wrong_pupil = await _post(clock, w, 2, kid="petya")
    clock.set(msk(10, 0, 50))
    await _delete(clock, w, wrong_pupil)
    clock.set(msk(10, 1))
    await _change(clock, w, mark_id, 3)
    clock.set(msk(10, 1, 30))
    await _change(clock, w, mark_id, 5)  # «2» was a typo for «5»

    father, mother = await notifications(db)
    assert father.due_at == msk(10, 3, 30)  # the window starts again with each fix
    clock.set(msk(10, 3, 30))
    received = await run_worker(clock)
    assert w.guardians["sokolova"] not in received
    mother = await load(db, Notification, mother.id or 0)
    assert mother.status == "cancelled" and mother.reason
    [message] = received[w.guardians["novikov"]]
    [item] = message.items
    assert (item.kind, item.change, item.student) == ("mark", "new", "Иван")
    assert item.data["value"] == 5 and item.data["old_value"] is None
    assert item.data["work_type"] == "test" and item.data["class_name"] == "7Б"
    # Sent once: later passes of the workers find nothing more to do.
    for _ in range(3):
        clock.advance(3600)
        assert await run_worker(clock) == {}
    [delivery] = await deliveries(db)  # and nothing at all for the deleted mark
    father = await load(db, Notification, father.id or 0)
    assert (father.status, delivery.status, delivery.sent_at) == ("sent", "sent", msk(10, 3, 30))
    assert delivery.provider_id == f"p{delivery.id}"


async def test_a_change_after_the_message_went_out_is_sent_as_a_correction(
    db: Database,
) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    mark_id = await _post(clock, w, 3)
    clock.set(msk(10, 2))
    first = await run_worker(clock)
    assert lines(first[w.guardians["novikov"]][0]) == [("mark", "new", "Иван", 3)]

    clock.set(msk(12))
    await _change(clock, w, mark_id, 4)
    clock.set(msk(12, 2))
    [correction] = (await run_worker(clock))[w.guardians["novikov"]]
    [item] = correction.items
    assert (item.change, item.data["old_value"], item.data["value"]) == ("corrected", 3, 4)

    clock.set(msk(13))
    await _change(clock, w, mark_id, 2)
    clock.set(msk(13, 1))
    await _change(clock, w, mark_id, 4)  # back to what the family was told: nothing to say
    clock.set(msk(13, 3))
    assert await run_worker(clock) == {}
    assert [n.status for n in await notifications(db)] == ["sent", "sent", "cancelled"]

    clock.set(msk(14))
    await _delete(clock, w, mark_id)
    clock.set(msk(14, 2))
    [withdrawal] = (await run_worker(clock))[w.guardians["novikov"]]
    [item] = withdrawal.items
    assert (item.change, item.data["old_value"], item.data["value"]) == ("withdrawn", 4, None)


async def test_a_correction_while_the_first_message_is_still_retrying_is_not_a_duplicate(
    db: Database,
) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    mark_id = await _post(clock, w, 3)
    clock.set(msk(10, 2))
    [first] = await start_due(clock)
    assert await claim_delivery(clock.uow(), delivery_id=first) is not None
    settled = await settle_delivery(
        clock.uow(), delivery_id=first, outcome="retry", retry_after=600, reason="SMTP: 451"
    )
    # The mail server is down; meanwhile the teacher corrects the mark.
    clock.set(msk(10, 5))
    await _change(clock, w, mark_id, 4)
    clock.set(msk(10, 7))
    assert await run_worker(clock) == {}  # the correction waits for the first message
    assert settled.retry_at is not None
    clock.set(settled.retry_at)
    received = await run_worker(clock)
    # The first message is rendered now, with the final value; nothing else follows.
    assert [lines(m) for m in received[w.guardians["novikov"]]] == [[("mark", "new", "Иван", 4)]]
    clock.advance(600)
    assert await run_worker(clock) == {}
    statuses = [n.status for n in await notifications(db)]
    assert statuses == ["sent", "cancelled"]


async def test_a_correction_after_a_retried_send_compares_with_what_was_sent(
    db: Database,
) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    mark_id = await _post(clock, w, 3)
    clock.set(msk(10, 2))
    [first] = await start_due(clock)
    await claim_delivery(clock.uow(), delivery_id=first)
    await settle_delivery(clock.uow(), delivery_id=first, outcome="retry", retry_after=30)
    clock.set(msk(10, 2, 10))
    await _change(clock, w, mark_id, 4)  # before the retry: the retry carries «4»
    clock.set(msk(10, 2, 30))
    [sent] = (await run_worker(clock))[w.guardians["novikov"]]
    assert lines(sent) == [("mark", "new", "Иван", 4)]
    clock.set(msk(10, 5))
    await _change(clock, w, mark_id, 5)
    clock.set(msk(10, 7))
    [correction] = (await run_worker(clock))[w.guardians["novikov"]]
    [item] = correction.items
    assert (item.change, item.data["old_value"], item.data["value"]) == ("corrected", 4, 5)


async def test_attendance_lines_and_their_corrections(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(9))

    async def mark(kid: str, status: str | None, minutes: int | None = None) -> None:
        await mark_attendance(
            clock.uow(),
            actor=w.actor("russian"),
            lesson_id=w.lessons["russian7"],
            student_id=w.students[kid],
            status=status,
            minutes_late=minutes,
        )
        await relay_and_dispatch(clock)

    await mark("vanya", "н")
    await mark("petya", "н")
    clock.set(msk(9, 1))
    await mark("vanya", "оп", 10)  # came in ten minutes late after all
    await mark("petya", None)  # marked absent by mistake
    clock.set(msk(9, 3))
    received = await run_worker(clock)
    assert w.guardians["sokolova"] not in received
    [late] = received[w.guardians["novikov"]]
    [item] = late.items
    assert (item.change, item.data["status"], item.data["minutes_late"]) == ("new", "late", 10)

    clock.set(msk(12))
    await mark("vanya", "н")
    clock.set(msk(12, 2))
    [fixed] = (await run_worker(clock))[w.guardians["novikov"]]
    [item] = fixed.items
    assert (item.change, item.data["old_status"], item.data["status"]) == (
        "corrected",
        "late",
        "absent",
    )


async def test_homework_remark_and_period_mark_lines(db: Database) -> None:
    w = await build_world(db)
    await choose(db, w, "novikov", modes={"homework": "instant"})
    clock = Clock(db, msk(11))
    homework = await set_homework(
        clock.uow(), actor=w.actor("math"), lesson_id=w.lessons["math7"], text="№ 12"
    )
    clock.advance(1)
    await post_remark(
        clock.uow(),
        actor=w.actor("math"),
        student_id=w.students["vanya"],
        kind="praise",
        text="Лучшая работа в классе",
        lesson_id=w.lessons["math7"],
    )
    clock.advance(1)
    await set_period_mark(
        clock.uow(),
        actor=w.actor("math"),
        period_id=w.periods["2 четверть"],
        student_id=w.students["vanya"],
        subject_id=w.subjects["Математика"],
        value="5",
    )
    await relay_and_dispatch(clock)
    [note] = await notifications(db, w.guardians["novikov"])
    assert note.topic == "mixed"  # three topics, all instant: one message
    composition = await composed(db, note.id or 0)
    assert composition is not None
    homework_item, remark, period_mark = composition.items
    assert (homework_item.kind, homework_item.student, homework_item.data["text"]) == (
        "homework",
        None,
        "№ 12",
    )
    assert (remark.kind, remark.student) == ("remark", "Иван")
    assert remark.data["remark_kind"] == "praise" and remark.data["author"] == "Иванова М.П."
    assert (period_mark.kind, period_mark.data["value"]) == ("period_mark", "5")
    assert period_mark.data["period"] == "2 четверть"

    clock.set(msk(11, 3))
    await run_worker(clock)
    clock.set(msk(13))
    await change_homework(
        clock.uow(), actor=w.actor("math"), homework_id=homework.id or 0, text="№ 12, 13"
    )
    await relay_and_dispatch(clock)
    clock.set(msk(13, 3))
    [correction] = (await run_worker(clock))[w.guardians["novikov"]]
    [item] = correction.items
    assert (item.change, item.data["old_text"], item.data["text"]) == (
        "corrected",
        "№ 12",
        "№ 12, 13",
    )
