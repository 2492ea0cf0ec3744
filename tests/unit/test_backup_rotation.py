"""Which backups a destination keeps: 7 daily, 4 weekly, 12 monthly by default."""

from __future__ import annotations

import datetime as dt

from core.backup.bundle import backup_name, created_of
from core.backup.rotation import Retention, to_keep


def _nightly(first: dt.date, days: int, hour: int = 2) -> list[dt.datetime]:
    return [
        dt.datetime.combine(first + dt.timedelta(days=n), dt.time(hour, 30), tzinfo=dt.UTC)
        for n in range(days)
    ]


def test_a_year_of_nightly_backups_keeps_7_days_4_weeks_and_12_months() -> None:
    made = _nightly(dt.date(2026, 1, 1), 365)  # 2026-01-01 … 2026-12-31
    kept = sorted(to_keep(made, Retention()), reverse=True)
    days = [at.date() for at in kept]
    # The last seven nights…
    assert days[:7] == [dt.date(2026, 12, 31) - dt.timedelta(days=n) for n in range(7)]
    # …the newest of each of the last four ISO weeks (Sundays; the current week's is
    # the 31st, a Thursday, already kept as a day)…
    assert {dt.date(2026, 12, 20), dt.date(2026, 12, 13)} <= set(days)
    # …and the newest of each of the last twelve months: the last day of each.
    month_ends = {dt.date(2026, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 12)}
    assert month_ends | {dt.date(2026, 12, 31)} <= set(days)
    assert len(kept) == len(set(days)) == 7 + 2 + 11  # the overlaps counted once
    assert dt.date(2026, 1, 1) not in days


def test_several_backups_a_day_keep_the_newest_of_the_day() -> None:
    made = [*_nightly(dt.date(2026, 12, 1), 3, hour=2), *_nightly(dt.date(2026, 12, 1), 3, hour=14)]
    kept = to_keep(made, Retention(daily=2, weekly=0, monthly=0))
    assert sorted(kept) == [
        dt.datetime(2026, 12, 2, 14, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 3, 14, 30, tzinfo=dt.UTC),
    ]


def test_the_newest_backup_is_kept_even_with_nothing_configured() -> None:
    made = _nightly(dt.date(2026, 12, 1), 5)
    assert to_keep(made, Retention(0, 0, 0)) == {made[-1]}
    assert to_keep([], Retention()) == set()


def test_gaps_do_not_shorten_what_is_kept() -> None:
    # A school on holiday: backups on 1 and 20 December only; both kept as "days".
    made = [*_nightly(dt.date(2026, 12, 1), 1), *_nightly(dt.date(2026, 12, 20), 1)]
    assert to_keep(made, Retention(daily=7, weekly=0, monthly=0)) == set(made)


def test_backup_names_carry_their_instant() -> None:
    at = dt.datetime(2026, 12, 6, 2, 30, 5, tzinfo=dt.UTC)
    assert backup_name(at) == "zvonok-20261206T023005Z.tar.gz.age"
    assert created_of(backup_name(at)) == at
    assert created_of("notes.txt") is None and created_of(".zvonok-x.partial") is None
