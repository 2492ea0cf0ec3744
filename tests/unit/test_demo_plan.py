"""The demo school's pure parts: names, the calendar, the timetable, the word lists."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from core.demo.calendar import bells, build_calendar
from core.demo.curriculum import SUBJECTS, subjects_of
from core.demo.data import FirstName, first_names, homework_patterns, topics_for
from core.demo.names import feminine_surname, login_of, patronymic, translit
from core.demo.plan import SchoolPlan
from core.demo.school import plan_school


@pytest.mark.parametrize(
    ("father", "son", "daughter"),
    [
        ("Сергей", "Сергеевич", "Сергеевна"),
        ("Николай", "Николаевич", "Николаевна"),
        ("Юрий", "Юрьевич", "Юрьевна"),
        ("Игорь", "Игоревич", "Игоревна"),
        ("Иван", "Иванович", "Ивановна"),
    ],
)
def test_patronymics_follow_the_fathers_name(father: str, son: str, daughter: str) -> None:
    name = FirstName(father, "adult", None)
    assert (patronymic(name, False), patronymic(name, True)) == (son, daughter)


def test_irregular_patronymics_come_from_the_name_list() -> None:
    by_name = {n.name: n for n in first_names(female=False)}
    assert patronymic(by_name["Илья"], False) == "Ильич"
    assert patronymic(by_name["Илья"], True) == "Ильинична"
    assert patronymic(by_name["Михаил"], True) == "Михайловна"
    assert patronymic(by_name["Пётр"], False) == "Петрович"
    assert patronymic(by_name["Дмитрий"], False) == "Дмитриевич"


@pytest.mark.parametrize(
    ("surname", "feminine"),
    [("Иванов", "Иванова"), ("Соловьёв", "Соловьёва"), ("Вишневский", "Вишневская"),
     ("Толстой", "Толстая"), ("Ильин", "Ильина"), ("Шевченко", "Шевченко"), ("Черных", "Черных")],
)  # fmt: skip
def test_feminine_surnames(surname: str, feminine: str) -> None:
    assert feminine_surname(surname) == feminine


def test_a_family_shares_surname_and_patronymic_in_the_right_gender() -> None:
    plan = plan_school(2026, dt.date(2026, 11, 23), 1.0)
    for guardian in plan.guardians:
        if guardian.relation != "отец":
            continue
        for child in guardian.children:
            expected = (
                feminine_surname(guardian.person.last_name)
                if child.person.female
                else guardian.person.last_name
            )
            assert child.person.last_name == expected
            assert child.person.middle_name.endswith(
                ("вна", "чна") if child.person.female else ("вич", "ич")
            )


def test_logins_are_transliterated_initials() -> None:
    plan = plan_school(2026, dt.date(2026, 11, 23), 1.0)
    assert translit("Щукина Юлия") == "shchukina yuliya"
    logins = [s.login for s in plan.staff]
    assert len(set(logins)) == len(logins)
    assert all(
        login.startswith(login_of(s.person)) for s, login in zip(plan.staff, logins, strict=True)
    )
    assert all(login.isascii() and "." in login for login in logins)


def test_the_calendar_of_2026_2027() -> None:
    calendar = build_calendar(dt.date(2026, 11, 23))
    assert calendar.name == "2026/2027"
    spans = {h.name: (h.starts_on, h.ends_on) for h in calendar.holidays}
    assert spans["Осенние каникулы"] == (dt.date(2026, 10, 26), dt.date(2026, 11, 3))
    assert spans["Зимние каникулы"] == (dt.date(2026, 12, 29), dt.date(2027, 1, 11))
    assert spans["Весенние каникулы"] == (dt.date(2027, 3, 22), dt.date(2027, 3, 28))
    assert spans["День народного единства"] == (dt.date(2026, 11, 4),) * 2
    quarters = [(q.starts_on, q.ends_on) for q in calendar.quarters]
    assert quarters[0] == (dt.date(2026, 9, 1), dt.date(2026, 10, 25))
    assert quarters[3][1] == dt.date(2027, 5, 31)
    assert not calendar.is_school_day(dt.date(2026, 11, 4))
    assert calendar.is_school_day(dt.date(2026, 11, 5))


def test_summer_shows_the_year_just_ended_and_days_off_move_to_monday() -> None:
    calendar = build_calendar(dt.date(2026, 7, 20))
    assert calendar.starts_on == dt.date(2025, 9, 1)
    days_off = {h.name: h.starts_on for h in calendar.holidays}
    assert days_off["Международный женский день"] == dt.date(2026, 3, 9)  # 8 March was a Sunday
    assert days_off["Весенние каникулы"] == dt.date(2026, 3, 23)


def test_eight_bells_from_half_past_eight() -> None:
    schedule = bells()
    assert len(schedule) == 8 and schedule[0] == {"slot": 1, "start": "08:30", "end": "09:15"}
    assert schedule[2]["start"] == "10:30"  # after a 20-minute break


def timetable_faults(plan: SchoolPlan) -> list[str]:
    faults = []
    teachers = Counter((p.course.teacher.index, p.weekday, p.slot) for p in plan.timetable)
    faults += [f"teacher clash {key}" for key, n in teachers.items() if n > 1]
    placed = Counter(p.course.index for p in plan.timetable)
    faults += [f"course {c.index} hours" for c in plan.courses if placed[c.index] != c.hours]
    days: dict[tuple[int, int], set[int]] = {}
    for p in plan.timetable:
        if p.course.group is None or p.course.group.kind != "elective":
            days.setdefault((p.course.klass.index, p.weekday), set()).add(p.slot)
    for klass in plan.classes:
        for weekday in range(5):
            slots = sorted(days[klass.index, weekday])
            if slots != list(range(slots[0], slots[0] + len(slots))):
                faults.append(f"gap in {klass.name} on day {weekday}")
            if klass.grade <= 4 and slots[0] != 1:
                faults.append(f"{klass.name} starts late on day {weekday}")
    return faults


@pytest.mark.parametrize(("seed", "scale"), [(2026, 1.0), (1, 1.0), (7, 0.1), (11, 0.1)])
def test_timetable_has_no_clashes_and_no_gaps(seed: int, scale: float) -> None:
    assert timetable_faults(plan_school(seed, dt.date(2026, 11, 23), scale)) == []


def test_every_subject_has_topics_and_homework_patterns() -> None:
    kinds = homework_patterns()
    for grade in range(1, 12):
        for subject in subjects_of(grade):
            assert topics_for(subject.name, grade)
            assert subject.homework is None or subject.homework in kinds
    assert {s.name for s in SUBJECTS} >= {"Алгебра", "Геометрия", "Химия", "Английский язык"}
