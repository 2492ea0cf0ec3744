"""The test schedule's limits as pure rules (core/test_limits.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import RuleViolation
from core.policy import SchoolPolicy
from core.test_limits import OtherTest, check_test_kind, limit_breaches, week_of

THURSDAY = dt.date(2026, 12, 3)


def breaches(policy: SchoolPolicy, *others: tuple[int, str]) -> list[str]:
    found = limit_breaches(
        policy,
        klass="7Б",
        day=THURSDAY,
        others=[OtherTest(dt.date(2026, 12, day), subject) for day, subject in others],
    )
    return [b.code for b in found]


def test_a_week_runs_monday_to_sunday() -> None:
    assert week_of(THURSDAY) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert week_of(dt.date(2026, 12, 6)) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert week_of(dt.date(2026, 12, 7))[0] == dt.date(2026, 12, 7)


def test_only_the_same_day_and_the_same_week_count() -> None:
    policy = SchoolPolicy()
    assert breaches(policy) == []
    # Sunday 29.11 is last week; Monday 07.12 next week.
    assert breaches(policy, (2, "Физика"), (4, "Химия")) == []
    assert breaches(policy, (3, "Физика")) == ["tests_per_day_over"]
    assert breaches(policy, (1, "Физика"), (2, "Химия"), (5, "Биология")) == ["tests_per_week_over"]
    assert breaches(policy, (1, "Физика"), (2, "Химия"), (6, "Биология")) == ["tests_per_week_over"]
    policy_roomy = SchoolPolicy(tests_per_day_max=2, tests_per_week_max=4)
    assert breaches(policy_roomy, (1, "Физика"), (3, "Химия"), (5, "Биология")) == []


def test_a_breach_names_the_other_tests_in_order() -> None:
    [week] = limit_breaches(
        SchoolPolicy(),
        klass="7Б",
        day=THURSDAY,
        others=[
            OtherTest(dt.date(2026, 12, 5), "Биология"),
            OtherTest(dt.date(2026, 11, 30), "Физика"),
            OtherTest(dt.date(2026, 12, 1), "Химия"),
        ],
    )
    assert week.params["subjects"] == ["Физика", "Химия", "Биология"]
    assert week.refusal().code == "tests_per_week_over"
    assert week.message("en").startswith(
        "The schedule of 7Б already has in the week 30/11/2026 – 06/12/2026: Физика, Химия, "
        "Биология."
    )


@pytest.mark.parametrize("kind", ["test", "written", "dictation", "lab", "essay"])
def test_the_schedule_takes_written_control_works(kind: str) -> None:
    assert check_test_kind(kind) == kind


@pytest.mark.parametrize("kind", ["oral", "homework", "practical", "exam"])
def test_everyday_work_is_no_test(kind: str) -> None:
    with pytest.raises(RuleViolation):
        check_test_kind(kind)
