"""The demo school's term is late the way a real school's is, so the journal control
has something to show: each kind of lateness is there, and it is the exception.

Counted with plain queries and the rules of `core.policy` (the defaults the demo's
school has), on a small school (scale 0.1) loaded for a Friday of the second quarter:
the first quarter, September and October are over.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from core.actors import StaffActor
from core.db import Database
from core.demo import load_demo
from core.models import Role
from core.policy import (
    WRITTEN_KINDS,
    SchoolPolicy,
    homework_deadline,
    homework_minutes_limit,
    mark_deadline,
)
from core.reading.access import ReadingUnit
from core.reading.homework_load import homework_overload
from tests.integration.test_demo import rows

TODAY = dt.date(2026, 11, 13)
FIRST_QUARTER = (dt.date(2026, 9, 1), dt.date(2026, 10, 25))
MOSCOW = ZoneInfo("Europe/Moscow")
POLICY = SchoolPolicy()
WRITTEN = WRITTEN_KINDS | {"essay"}  # work every pupil present does, and is marked for


def local(value: Any) -> dt.datetime:
    """Raw SQL hands back naive UTC (a string on SQLite): the school's wall clock."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return moment.replace(tzinfo=dt.UTC).astimezone(MOSCOW).replace(tzinfo=None)


def day_of(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


class Term:
    """The loaded journal, read once."""

    async def read(self, db: Database) -> None:
        self.db = db
        [(school_id, bells)] = await rows(db, "SELECT id, bells FROM school")
        bells = json.loads(bells) if isinstance(bells, str) else bells
        self.school_id = school_id
        self.ends = {int(b["slot"]): dt.time.fromisoformat(b["end"]) for b in bells}
        self.lessons = {
            r[0]: r
            for r in await rows(
                db,
                """SELECT l.id, l.class_id, l.group_id, l.subject_id, l.date, l.slot,
                          l.topic_at, l.roll_called_at, l.substitute_id, l.work_type, c.grade
                   FROM lesson l JOIN school_class c ON c.id = l.class_id""",
            )
        }
        self.last_bell: dict[tuple[int, dt.date], int] = defaultdict(int)
        for _, klass, _, _, day, slot, *_ in self.lessons.values():
            key = (klass, day_of(day))
            self.last_bell[key] = max(self.last_bell[key], slot)

    def lesson_day(self, lesson_id: int) -> dt.date:
        return day_of(self.lessons[lesson_id][4])

    def pupils(self, lesson_id: int, classes: Any, groups: Any) -> set[int]:
        lesson = self.lessons[lesson_id]
        return groups[lesson[2]] if lesson[2] else classes[lesson[1]]


async def _members(db: Database) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Who is in which class and group (the demo's pupils stay all year)."""
    classes: dict[int, set[int]] = defaultdict(set)
    groups: dict[int, set[int]] = defaultdict(set)
    for klass, student in await rows(db, "SELECT class_id, student_id FROM enrollment"):
        classes[klass].add(student)
    for group, student in await rows(db, "SELECT group_id, student_id FROM group_membership"):
        groups[group].add(student)
    return classes, groups


def some_but_few(found: int, out_of: int, share: float) -> bool:
    return 0 < found <= out_of * share


async def test_the_demo_term_is_late_as_a_real_schools_is(db: Database) -> None:
    await load_demo(db, today=TODAY, scale=0.1)
    term = Term()
    await term.read(db)
    _check_topics_and_roll_calls(term)
    assert await _without_roll_call_nobody_is_marked_absent(term) == 0
    await _check_homework(term)
    await _check_marks(term)
    await _check_period_marks(term)
    await _check_fill_rate(term)
    await _check_homework_volume(term)
    await _check_monthly_messages(term)
    substituted = sum(1 for lesson in term.lessons.values() if lesson[8] is not None)
    assert some_but_few(substituted, len(term.lessons), 0.05), substituted


def _check_topics_and_roll_calls(term: Term) -> None:
    """Seed 002 §2.5.1–2: the topic and the attendance on the day of the lesson."""
    late_topics = late_rolls = no_roll = 0
    for _, _, _, _, day, _, topic_at, roll_at, *_ in term.lessons.values():
        if topic_at is None:  # to be written a day or two late: not yet
            assert day_of(day) >= TODAY - dt.timedelta(days=1)
            late_topics += 1
            continue
        assert local(topic_at).date() >= day_of(day)
        late_topics += local(topic_at).date() > day_of(day)
        if roll_at is None:
            no_roll += 1
            continue
        assert local(roll_at).date() >= day_of(day)
        late_rolls += local(roll_at).date() > day_of(day)
    total = len(term.lessons)
    assert some_but_few(late_topics, total, 0.06), ("topics written late", late_topics, total)
    assert some_but_few(late_rolls, total, 0.06), ("roll calls taken late", late_rolls, total)
    assert some_but_few(no_roll, total, 0.03), ("lessons without a roll call", no_roll, total)


async def _without_roll_call_nobody_is_marked_absent(term: Term) -> int:
    found = await rows(
        term.db,
        """SELECT count(*) FROM attendance a JOIN lesson l ON l.id = a.lesson_id
           WHERE l.roll_called_at IS NULL""",
    )
    return int(found[0][0])


async def _check_homework(term: Term) -> None:
    """Seed 003 §2.3.2: homework within 90 minutes of the class's last lesson."""
    entries = await rows(term.db, "SELECT lesson_id, entered_at, created_at FROM homework")
    late = 0
    for lesson_id, entered_at, created_at in entries:
        assert entered_at == created_at
        day = term.lesson_day(lesson_id)
        klass = term.lessons[lesson_id][1]
        last = term.ends[term.last_bell[klass, day]]
        due = homework_deadline(POLICY, lesson_day=day, last_lesson_end=last)
        late += local(entered_at) > due
    assert some_but_few(late, len(entries), 0.08), ("homework entered late", late, len(entries))
    with_homework = {lesson_id for lesson_id, *_ in entries}
    subjects = {(term.lessons[i][1], term.lessons[i][3]) for i in with_homework}
    without = [
        i
        for i, lesson in term.lessons.items()
        if (lesson[1], lesson[3]) in subjects and i not in with_homework
    ]
    assert some_but_few(len(without), len(term.lessons), 0.3), ("lessons without homework",)


async def _check_marks(term: Term) -> None:
    """Seed 002 §2.5.4: oral marks within a day, written work within 3 (grades 2–8) or 4."""
    marks = await rows(term.db, "SELECT lesson_id, student_id, work_type, created_at FROM mark")
    late = 0
    for lesson_id, _, work_type, created_at in marks:
        grade = term.lessons[lesson_id][10]
        due = mark_deadline(
            POLICY, grade=grade, work_type=work_type, lesson_date=term.lesson_day(lesson_id)
        )
        late += local(created_at).date() > due
    assert some_but_few(late, len(marks), 0.1), ("marks entered late", late, len(marks))
    # Written work (a test, a dictation, a practical work…): every pupil present does it
    # and is marked; in a few lessons some are not.
    classes, groups = await _members(term.db)
    away = defaultdict(set)
    for lesson_id, student in await rows(
        term.db, "SELECT lesson_id, student_id FROM attendance WHERE status <> 'late'"
    ):
        away[lesson_id].add(student)
    marked = defaultdict(set)
    for lesson_id, student, *_ in marks:
        marked[lesson_id].add(student)
    written = [i for i, lesson in term.lessons.items() if lesson[9] in WRITTEN and marked[i]]
    gaps = [i for i in written if term.pupils(i, classes, groups) - away[i] - marked[i]]
    assert some_but_few(len(gaps), len(written), 0.15), ("written work unmarked", gaps)


async def _check_period_marks(term: Term) -> None:
    """Seed 002 §2.5.6: the first quarter's preliminary marks 10 days before the autumn
    holidays (some courses late), its final marks by its last day."""
    found = await rows(
        term.db,
        """SELECT m.kind, m.created_at FROM period_mark m JOIN period p ON p.id = m.period_id
           WHERE p.starts_on = :first""",
        first=FIRST_QUARTER[0],
    )
    holidays = sorted(day_of(d) for (d,) in await rows(term.db, "SELECT starts_on FROM holiday"))
    after = next(d for d in holidays if d > FIRST_QUARTER[1])
    due = {
        "preliminary": after - dt.timedelta(days=POLICY.preliminary_marks_days_before_holidays),
        "final": FIRST_QUARTER[1],
    }
    late = {"preliminary": 0, "final": 0}
    for kind, created_at in found:
        late[kind] += local(created_at).date() > due[kind]
    given = {kind: sum(1 for k, _ in found if k == kind) for kind in due}
    assert given["preliminary"] == given["final"] > 0
    assert some_but_few(late["preliminary"], given["preliminary"], 0.15), late
    assert late["final"] == 0


async def _check_fill_rate(term: Term) -> None:
    """The fill rate of the first quarter: 3 marks in a subject of one or two lessons a
    week, 5 in others; a couple of pupils have fewer."""
    classes, groups = await _members(term.db)
    hours: dict[tuple[int, int | None, int], int] = defaultdict(int)
    for klass, group, subject in await rows(
        term.db, "SELECT class_id, group_id, subject_id FROM timetable_entry"
    ):
        hours[klass, group, subject] += 1
    marked_pages = {
        (lesson[1], lesson[2], lesson[3]) for lesson in term.lessons.values() if lesson[9]
    }
    given: dict[tuple[int, int], int] = defaultdict(int)
    first, last = FIRST_QUARTER
    for lesson_id, student in await rows(term.db, "SELECT lesson_id, student_id FROM mark"):
        if first <= term.lesson_day(lesson_id) <= last:
            given[student, term.lessons[lesson_id][3]] += 1
    pairs = under = 0
    for klass, group, subject in marked_pages:
        light = hours[klass, group, subject] <= 2
        minimum = POLICY.fill_min_marks_light if light else POLICY.fill_min_marks_heavy
        for student in groups[group] if group else classes[klass]:
            pairs += 1
            under += given[student, subject] < minimum
    assert 2 <= under <= pairs * 0.02, ("under-filled pupils", under, pairs)


async def _check_homework_volume(term: Term) -> None:
    """SanPiN 1.2.3685-21: some teachers estimate their homework's time; one or two days
    in a class go over the grade's limit."""
    entries = await rows(
        term.db,
        """SELECT h.minutes, h.due_date, l.class_id, c.grade FROM homework h
           JOIN lesson l ON l.id = h.lesson_id JOIN school_class c ON c.id = l.class_id
           JOIN academic_year y ON y.id = c.year_id
           WHERE y.closed_at IS NULL""",  # this term's, not last year's closed journal
    )
    estimated = [e for e in entries if e[0] is not None]
    assert 0.2 * len(entries) <= len(estimated) <= 0.8 * len(entries)
    sums: dict[tuple[int, dt.date], int] = defaultdict(int)
    grades = {}
    for minutes, due, klass, grade in estimated:
        sums[klass, day_of(due)] += minutes
        grades[klass] = grade
    over = {k for k, total in sums.items() if total > homework_minutes_limit(POLICY, grades[k[0]])}
    assert 1 <= len(over) <= 2, over
    deputy = await _deputy(term)
    found = await homework_overload(ReadingUnit(term.db), deputy, dt.date(2026, 9, 1), TODAY)
    assert {(load.class_id, load.day) for load in found} == over
    assert all(load.total > load.limit and len(load.assignments) >= 3 for load in found)


async def _deputy(term: Term) -> StaffActor:
    for staff_id, roles in await rows(term.db, "SELECT id, roles FROM staff"):
        if Role.deputy.value in (json.loads(roles) if isinstance(roles, str) else roles):
            return StaffActor(staff_id=staff_id, school_id=term.school_id)
    raise AssertionError("the demo has no deputy director")


async def _check_monthly_messages(term: Term) -> None:
    """Seed 004: each class teacher writes monthly; in one month one of them did not."""
    this_year = """SELECT c.id FROM school_class c JOIN academic_year y ON y.id = c.year_id
                   WHERE y.closed_at IS NULL"""  # last year's classes are closed
    classes = {klass for (klass,) in await rows(term.db, this_year)}
    sent: dict[tuple[int, int], set[int]] = defaultdict(set)
    for klass, created_at in await rows(
        term.db, "SELECT class_id, created_at FROM announcement WHERE monthly"
    ):
        moment = local(created_at)
        sent[moment.year, moment.month].add(klass)
    assert sorted(sent) == [(2026, 9), (2026, 10)]
    missing = {month: classes - who for month, who in sent.items()}
    assert missing[2026, 9] == set() and len(missing[2026, 10]) == 1, missing
