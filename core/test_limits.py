"""The test schedule's rules (график контрольных работ, seed 002 §2.5.3): which kinds of
work are tests, and how many tests a class may have a day and a week.

Pure: the planning service (`core.services.test_schedule`) and the schedule's pages
(`core.reading.test_schedule`) pass in the class's other tests and the school's policy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.error_texts import error_text, json_safe
from core.errors import RuleViolation
from core.i18n import DEFAULT_LANGUAGE
from core.policy import SchoolPolicy

# The kinds of work that go in the test schedule, and that make a lesson "a test" when
# the journal is matched against it: the written control works of seed 002 §2.5.4
# («письменные, контрольные, зачётные, тестовые работы», essays) and the dictations and
# lab works schools schedule with them. Oral answers, homework and practical work are
# everyday work: a lesson of those kinds is never "a test held off schedule".
TEST_KINDS = ("test", "written", "dictation", "lab", "essay")
# The work a lesson held off the schedule is looked for by: the control work
# («контрольная работа») the schedule exists for. Everyday written work, labs,
# dictations and essays are in the journal far more often than in the schedule (a
# vocabulary dictation is no control work), so a lesson of those kinds only counts as
# holding a scheduled test of its day, never as one held off schedule.
CONTROL_WORK = "test"


def check_test_kind(work_type: str) -> str:
    """A kind of work the schedule takes (`TEST_KINDS`), or RuleViolation."""
    if work_type not in TEST_KINDS:
        raise RuleViolation("not_a_test_kind", value=work_type)
    return work_type


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of `day`'s week: the limits count calendar weeks."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


@dataclass(frozen=True)
class OtherTest:
    """Another test of the same class: its day and subject (a group's test counts for
    its class: the limits protect the class's week, whichever pupils write)."""

    date: dt.date
    subject: str


@dataclass(frozen=True)
class LimitBreach:
    """A test over one of the school's limits: a warning, or the refusal's reason when
    the school refuses (`SchoolPolicy.test_limits_refuse`)."""

    code: str  # tests_per_day_over | tests_per_week_over
    params: Mapping[str, object]

    def message(self, language: str = DEFAULT_LANGUAGE) -> str:
        return error_text(self.code, language, self.params)

    def refusal(self) -> RuleViolation:
        return RuleViolation(self.code, **self.params)


def _breach(code: str, **params: object) -> LimitBreach:
    return LimitBreach(code, {name: json_safe(value) for name, value in params.items()})


def limit_breaches(
    policy: SchoolPolicy, *, klass: str, day: dt.date, others: Iterable[OtherTest]
) -> tuple[LimitBreach, ...]:
    """What a test of `klass` on `day` breaks, given the class's other tests: at most
    `tests_per_day_max` a day and `tests_per_week_max` a week (Monday to Sunday).
    Each breach names the other tests (their subjects) of the day or the week."""
    monday, sunday = week_of(day)
    week = sorted((o for o in others if monday <= o.date <= sunday), key=lambda o: o.date)
    same_day = [o for o in week if o.date == day]
    found = []
    if len(same_day) + 1 > policy.tests_per_day_max:
        found.append(
            _breach(
                "tests_per_day_over",
                klass=klass,
                date=day,
                limit=policy.tests_per_day_max,
                subjects=[o.subject for o in same_day],
            )
        )
    if len(week) + 1 > policy.tests_per_week_max:
        found.append(
            _breach(
                "tests_per_week_over",
                klass=klass,
                start=monday,
                end=sunday,
                limit=policy.tests_per_week_max,
                subjects=[o.subject for o in week],
            )
        )
    return tuple(found)
