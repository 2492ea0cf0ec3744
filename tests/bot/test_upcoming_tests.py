"""A parent reads the children's tests of the next two weeks (/tests) and sees them in the
week's diary.

Planned on the builders' world (TODAY: Monday 23.11.2026): English of group 1 (petya
and masha, not vanya) on Wednesday 25.11, 1А math on Thursday 26.11, 7Б math on Friday
27.11, 7Б Russian on Tuesday 01.12 and 7Б math again on Tuesday 08.12, beyond the two
weeks.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.actors import GuardianActor
from core.services.consent import withdraw_consent
from core.services.test_schedule import schedule_test
from tests.bot.harness import BotUnderTest
from tests.bot.reading_helpers import about, at_now, link_chat, plain
from tests.builders import World, uow_at

MOTHER, FATHER, LENA_MOTHER = 8301, 8302, 8303
PETYA, DASHA, MASHA = "👤 Пётр Соколов, 7Б", "👤 Дарья Соколова, 1А", "👤 Мария Соколова, 7Б"
PETYA_TESTS = (
    "👤 Пётр Соколов, 7Б\n"
    "📝 Контрольные: 23 ноября – 6 декабря 2026\n\n"
    "ср 25.11\n• Английский язык — диктант\n\n"
    "пт 27.11\n• Математика — контрольная работа: Дроби\n\n"
    "вт 01.12\n• Русский язык — письменная работа"
)


async def _plan(
    system: BotUnderTest,
    w: World,
    who: str,
    klass: str,
    subject: str,
    day: dt.date,
    **extra: object,
) -> None:
    await schedule_test(
        uow_at(system.db),
        actor=w.actor(who),
        class_id=w.classes[klass],
        subject_id=w.subjects[subject],
        on=day,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
async def system(bot_system: BotUnderTest, world: World) -> BotUnderTest:
    english = world.groups["7Б англ. 1"]
    plans = [
        ("english", "7Б", "Английский язык", 25, {"group_id": english, "work_type": "dictation"}),
        ("math", "1А", "Математика", 26, {}),
        ("math", "7Б", "Математика", 27, {"title": "Дроби"}),
        ("russian", "7Б", "Русский язык", 31, {"work_type": "written"}),
        ("math", "7Б", "Математика", 38, {}),
    ]
    for who, klass, subject, day, extra in plans:
        on = dt.date(2026, 11, 1) + dt.timedelta(days=day - 1)
        await _plan(bot_system, world, who, klass, subject, on, **extra)
    for guardian, chat in (("sokolova", MOTHER), ("novikov", FATHER)):
        await link_chat(bot_system.db, world, guardian, bot_system.chat(chat))
    # 10А has no class teacher: the administrator hands out the code.
    await link_chat(bot_system.db, world, "morozova", bot_system.chat(LENA_MOTHER), who="admin")
    return at_now(bot_system)


async def test_tests_come_once_per_child_day_by_day(system: BotUnderTest) -> None:
    mother = system.person(MOTHER)
    answers = await mother.send("/tests")
    assert about(answers) == [PETYA, DASHA, MASHA]
    petya, dasha, masha = (plain(a) for a in answers)
    assert petya == PETYA_TESTS
    assert dasha.endswith("чт 26.11\n• Математика — контрольная работа")
    assert "Английский язык — диктант" in masha and "08.12" not in masha
    await mother.send("/start")
    again = await mother.menu("📝 Контрольные")
    assert [plain(a) for a in again] == [petya, dasha, masha]

    [vanya] = await system.person(FATHER).send("/tests")
    assert "Английский язык" not in plain(vanya)  # not in group 1
    assert "пт 27.11\n• Математика — контрольная работа: Дроби" in plain(vanya)
    [lena] = await system.person(LENA_MOTHER).send("/tests")
    assert plain(lena).endswith("Контрольных работ не запланировано.")


async def test_the_diary_shows_each_test_on_its_day(system: BotUnderTest) -> None:
    [vanya] = await system.person(FATHER).send("/diary")
    text = plain(vanya)
    # No lesson of Friday is in the journal yet: the day shows its test all the same.
    assert "пт 27.11\n❗ Математика — контрольная работа: Дроби" in text
    assert "ср 25.11 — уроков нет" in text  # group 1's dictation is not Vanya's
    [later] = await system.person(FATHER).tap("▶", on=vanya)
    assert "вт 01.12\n❗ Русский язык — письменная работа" in plain(later)


async def test_a_parent_reading_uzbek_reads_the_same_tests(
    system: BotUnderTest, world: World
) -> None:
    await link_chat(system.db, world, "novikov", system.chat(FATHER + 10), language="uz")
    father = system.person(FATHER + 10)
    await father.send("/start")
    [vanya] = await father.menu("📝 Nazorat ishlari")
    text = plain(vanya)
    assert "📝 Nazorat ishlari:" in text
    assert "Математика — nazorat ishi: Дроби" in text


async def test_a_withdrawn_consent_closes_the_tests(system: BotUnderTest, world: World) -> None:
    father = GuardianActor(guardian_id=world.guardians["novikov"], school_id=world.school_id)
    await withdraw_consent(uow_at(system.db), actor=father, guardian_id=world.guardians["novikov"])
    answers = await system.person(FATHER).send("/tests")
    assert answers and all("Иван" not in plain(a) and "Математика" not in plain(a) for a in answers)
