"""Which backups a destination keeps: the newest of each of the last N days, weeks
(ISO weeks) and months that have a backup, like restic's `forget --keep-daily`.

The default, 7 daily, 4 weekly, 12 monthly, keeps about 20 files reaching a year back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Retention:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def _day(at: dt.datetime) -> Hashable:
    return at.date()


def _week(at: dt.datetime) -> Hashable:
    return at.isocalendar()[:2]


def _month(at: dt.datetime) -> Hashable:
    return (at.year, at.month)


def _newest_per(
    ordered: list[dt.datetime], bucket: Callable[[dt.datetime], Hashable], count: int
) -> set[dt.datetime]:
    kept: dict[Hashable, dt.datetime] = {}
    for at in ordered:  # newest first: the first of a bucket is its newest
        if len(kept) >= count and bucket(at) not in kept:
            break
        kept.setdefault(bucket(at), at)
    return set(kept.values())


def to_keep(made: Iterable[dt.datetime], retention: Retention) -> set[dt.datetime]:
    """The instants (of the backups given) to keep; the newest is always kept."""
    ordered = sorted(set(made), reverse=True)
    if not ordered:
        return set()
    return (
        {ordered[0]}
        | _newest_per(ordered, _day, retention.daily)
        | _newest_per(ordered, _week, retention.weekly)
        | _newest_per(ordered, _month, retention.monthly)
    )
