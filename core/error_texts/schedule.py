"""Staff errors and warnings of the test schedule (core/test_limits.py,
core/services/test_schedule.py).

English message ids; Russian in `core/locale/ru/LC_MESSAGES/core.po`.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.error_texts.base import ErrorTable
from core.i18n import N_, Texts

ERRORS: dict[str, str] = {
    "not_a_test_kind": N_(
        "Only tests, written works, dictations, lab works and essays go in the test schedule."
    ),
    "test_in_the_past": N_("%(date)s has passed: plan a test for today or a later day."),
    "test_already_past": N_("The test of %(date)s is in the past: it stays in the schedule."),
    "test_outside_periods": N_(
        "%(date)s is in none of the marking periods of %(year)s: plan tests within a period."
    ),
    "test_range_bad": N_(
        "Choose a range of dates from the first to the last day, at most %(days)s days long."
    ),
}


def _per_day(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "The schedule of %(klass)s already has on %(date)s: %(subjects)s. The school allows "
        "at most %(num)d test a day per class.",
        "The schedule of %(klass)s already has on %(date)s: %(subjects)s. The school allows "
        "at most %(num)d tests a day per class.",
        n,
        **p,
    )


def _per_week(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "The schedule of %(klass)s already has in the week %(start)s – %(end)s: %(subjects)s. "
        "The school allows at most %(num)d test a week per class.",
        "The schedule of %(klass)s already has in the week %(start)s – %(end)s: %(subjects)s. "
        "The school allows at most %(num)d tests a week per class.",
        n,
        **p,
    )


SCHEDULE = ErrorTable(
    "core",
    ERRORS,
    plurals={
        "tests_per_day_over": ("limit", _per_day),
        "tests_per_week_over": ("limit", _per_week),
    },
)
