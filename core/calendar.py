"""A school's own clock: its date today, and an instant as people there read clocks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.models import School


def school_today(school: School, now: dt.datetime) -> dt.date:
    """The school's calendar date at `now`: a school day follows its own clock."""
    return now.astimezone(ZoneInfo(school.timezone)).date()


def school_time(instant: dt.datetime, school: School) -> dt.datetime:
    """`instant` on the school's clock: an error shows it as people there read clocks."""
    return instant.astimezone(ZoneInfo(school.timezone))
