"""The test schedule (график контрольных работ): planning, the school's limits, cancelling.

7Б's week after the builders' TODAY (Monday 23.11.2026) is free: 30.11–06.12. Math
(«math»), Russian («russian», also 7Б's class teacher) and English of group 1
(«english») plan tests there; the school's limits are 1 test a day and 3 a week per
class by default.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.db import Database
from core.errors import Forbidden, NotFound, RuleViolation
from core.models import ScheduledTest, School
from core.services.test_schedule import PlannedTest, cancel_test, schedule_test
from tests.builders import World, build_world, uow_at, update_row
from tests.integration.outbox_helpers import audit_trail, outbox, unchanged

MON, TUE, WED, THU = (dt.date(2026, 11, 30) + dt.timedelta(days=n) for n in range(4))
NEXT_MON = dt.date(2026, 12, 7)
# 10:00 in Moscow on 10 September: the schedule is made in September (seed 002 §2.5.3).
SEPTEMBER = dt.datetime(2026, 9, 10, 7, 0, tzinfo=dt.UTC)
PAGES = {
    "math": ("Математика", None),
    "russian": ("Русский язык", None),
    "english": ("Английский язык", "7Б англ. 1"),
    "robotics": ("Робототехника", "7Б робототехника"),
}


async def plan(
    db: Database,
    w: World,
    who: str,
    day: dt.date,
    *,
    work_type: str = "test",
    title: str = "",
    at: dt.datetime | None = None,
) -> PlannedTest:
    """`who` plans a test on their 7Б page (their group's, for a group's teacher)."""
    subject, group = PAGES[who]
    return await schedule_test(
        uow_at(db, at),
        actor=w.actor(who),
        class_id=w.classes["7Б"],
        subject_id=w.subjects[subject],
        group_id=w.groups[group] if group else None,
        on=day,
        work_type=work_type,
        title=title,
    )


async def refuse_over_limits(db: Database, w: World) -> None:
    await update_row(db, School, w.school_id, policy={"test_limits_refuse": True})


def warnings(planned: PlannedTest) -> list[str]:
    return [w.message() for w in planned.warnings]


async def test_teacher_puts_a_test_in_the_schedule_and_changes_it(db: Database) -> None:
    w = await build_world(db)
    math = w.actor("math")
    day = dt.date(2026, 12, 10)
    where = {"class_id": w.classes["7Б"], "subject_id": w.subjects["Математика"], "on": day}
    test = (
        await schedule_test(uow_at(db), actor=math, title="Контрольная работа №3", **where)
    ).test
    same = (
        await schedule_test(uow_at(db), actor=math, title="Контрольная работа №3", **where)
    ).test
    moved = await schedule_test(
        uow_at(db), actor=math, work_type="written", title="Самостоятельная работа", **where
    )

    assert test.id == same.id == moved.test.id
    assert (moved.test.work_type, moved.test.title, moved.test.date) == (
        "written",
        "Самостоятельная работа",
        day,
    )
    assert moved.warnings == ()
    trail = await audit_trail(db, "scheduled_test", test.id or 0)
    assert [a.action for a in trail] == ["create", "update"]
    assert trail[1].old is not None and trail[1].old["title"] == "Контрольная работа №3"

    cancelled = await cancel_test(uow_at(db), actor=math, test_id=test.id or 0)
    assert cancelled.deleted_at is not None and cancelled.deleted_by == w.staff["math"]
    assert [a.action for a in await audit_trail(db, "scheduled_test", test.id or 0)][-1] == "delete"
    assert await outbox(db) == []  # families read the schedule; they are not messaged
    with pytest.raises(RuleViolation, match="уже удалена"):
        await cancel_test(uow_at(db), actor=math, test_id=test.id or 0)


@pytest.mark.parametrize(
    ("who", "day", "work_type", "title", "error", "message"),
    [
        ("russian", dt.date(2026, 12, 10), "test", "", Forbidden, "не ведёте «Математика» в 7Б"),
        ("math", dt.date(2026, 10, 28), "test", "", RuleViolation, "осенние каникулы"),
        ("math", dt.date(2027, 6, 15), "test", "", RuleViolation, "не входит в учебный год"),
        ("math", dt.date(2026, 12, 10), "exam", "", RuleViolation, "Неизвестный вид работы «exam»"),
        (
            "math",
            dt.date(2026, 12, 10),
            "oral",
            "",
            RuleViolation,
            "В график контрольных вносят только контрольные, письменные работы, диктанты, "
            "лабораторные работы и сочинения.",
        ),
        (
            "math",
            dt.date(2026, 11, 20),
            "test",
            "",
            RuleViolation,
            "Дата 20.11.2026 уже прошла: контрольную работу можно запланировать на сегодня "
            "или позже.",
        ),
        (
            # Winter holidays the school did not enter as holidays: between two quarters.
            "math",
            dt.date(2027, 1, 5),
            "test",
            "",
            RuleViolation,
            "05.01.2027 не входит ни в один учебный период 2026/2027: контрольные планируют "
            "в пределах четверти или полугодия.",
        ),
        ("math", dt.date(2026, 12, 10), "test", "К" * 201, RuleViolation, "Название работы"),
    ],
)
async def test_test_schedule_refusals_write_nothing(
    db: Database,
    who: str,
    day: dt.date,
    work_type: str,
    title: str,
    error: type[Exception],
    message: str,
) -> None:
    w = await build_world(db)
    async with unchanged(db, ScheduledTest):
        with pytest.raises(error, match=message):
            await schedule_test(
                uow_at(db),
                actor=w.actor(who),
                class_id=w.classes["7Б"],
                subject_id=w.subjects["Математика"],
                on=day,
                work_type=work_type,
                title=title,
            )


async def test_today_can_still_be_planned_and_a_group_of_another_class_cannot(
    db: Database,
) -> None:
    w = await build_world(db)
    today = dt.date(2026, 11, 23)
    planned = await plan(db, w, "math", today)
    assert planned.test.date == today and planned.warnings == ()
    with pytest.raises(NotFound):
        await schedule_test(
            uow_at(db),
            actor=w.actor("math"),
            class_id=w.classes["10А"],
            subject_id=w.subjects["Математика"],
            group_id=w.groups["7Б англ. 1"],
            on=MON,
        )


async def test_a_second_test_on_a_day_is_saved_with_a_warning_naming_the_first(
    db: Database,
) -> None:
    w = await build_world(db)
    first = await plan(db, w, "math", TUE, title="Дроби")
    second = await plan(db, w, "russian", TUE, title="Диктант")

    assert first.warnings == ()
    assert warnings(second) == [
        "В графике 7Б на 01.12.2026 уже есть: Математика. Школа разрешает не больше "
        "1 контрольной работы в день в одном классе."
    ]
    assert second.test.id is not None  # saved all the same: the school only warns
    assert second.warnings[0].message("en") == (
        "The schedule of 7Б already has on 01/12/2026: Математика. The school allows at most "
        "1 test a day per class."
    )


async def test_the_school_that_refuses_refuses_and_writes_nothing(db: Database) -> None:
    w = await build_world(db)
    await refuse_over_limits(db, w)
    await plan(db, w, "math", TUE)
    async with unchanged(db, ScheduledTest):
        with pytest.raises(RuleViolation) as refused:
            await plan(db, w, "russian", TUE)
    assert refused.value.code == "tests_per_day_over"
    assert str(refused.value) == (
        "В графике 7Б на 01.12.2026 уже есть: Математика. Школа разрешает не больше "
        "1 контрольной работы в день в одном классе."
    )
    # Retitling the test already planned that day is no new test: never refused.
    again = await plan(db, w, "math", TUE, title="Дроби")
    assert again.test.title == "Дроби" and again.warnings == ()


async def test_a_groups_test_counts_for_its_class(db: Database) -> None:
    w = await build_world(db)
    await refuse_over_limits(db, w)
    await plan(db, w, "english", WED, work_type="dictation")
    with pytest.raises(RuleViolation, match=r"на 02\.12\.2026 уже есть: Английский язык"):
        await plan(db, w, "math", WED)


async def test_the_fourth_test_of_a_week_is_over_and_a_new_week_starts_on_monday(
    db: Database,
) -> None:
    w = await build_world(db)
    for who, day in (("math", MON), ("russian", TUE), ("english", WED)):
        assert (await plan(db, w, who, day)).warnings == ()
    fourth = await plan(db, w, "robotics", THU, work_type="lab")
    assert warnings(fourth) == [
        "В графике 7Б на неделю 30.11.2026 – 06.12.2026 уже есть: Математика, Русский язык, "
        "Английский язык. Школа разрешает не больше 3 контрольных работ в неделю в одном "
        "классе."
    ]
    assert (await plan(db, w, "math", NEXT_MON)).warnings == ()


async def test_a_day_over_both_limits_gets_both_warnings_and_the_school_sets_them(
    db: Database,
) -> None:
    w = await build_world(db)
    for who, day in (("math", MON), ("russian", TUE), ("english", WED)):
        await plan(db, w, who, day)
    both = await plan(db, w, "robotics", WED)
    assert [b.code for b in both.warnings] == ["tests_per_day_over", "tests_per_week_over"]

    await update_row(
        db, School, w.school_id, policy={"tests_per_day_max": 2, "tests_per_week_max": 5}
    )
    roomier = await plan(db, w, "math", THU)
    assert roomier.warnings == ()
    third_that_day = await plan(db, w, "russian", WED)
    assert warnings(third_that_day)[0].endswith(
        "Школа разрешает не больше 2 контрольных работ в день в одном классе."
    )


async def test_a_cancelled_test_frees_its_day(db: Database) -> None:
    w = await build_world(db)
    await refuse_over_limits(db, w)
    math = await plan(db, w, "math", TUE)
    with pytest.raises(Forbidden, match="не ведёте «Математика» в 7Б"):
        await cancel_test(uow_at(db), actor=w.actor("russian"), test_id=math.test.id or 0)
    with pytest.raises(NotFound):
        await cancel_test(uow_at(db), actor=w.actor("stranger"), test_id=math.test.id or 0)
    await cancel_test(uow_at(db), actor=w.actor("math"), test_id=math.test.id or 0)
    assert (await plan(db, w, "russian", TUE)).warnings == ()


async def test_a_past_test_stays_in_the_schedule(db: Database) -> None:
    w = await build_world(db)
    past = await plan(db, w, "math", dt.date(2026, 11, 17), at=SEPTEMBER)
    async with unchanged(db, ScheduledTest):
        with pytest.raises(RuleViolation, match=r"Контрольная работа 17\.11\.2026 уже прошла"):
            await cancel_test(uow_at(db), actor=w.actor("math"), test_id=past.test.id or 0)
