"""When the demo's teachers write things: mostly on time, as a real school's do, some late.

The journal control (issue 10) needs something to find, so the demo's term has the
lateness of a real one, against the default rules of `core.policy.SchoolPolicy`:

- topics written on the lesson day, a few a day or two late (`Lesson.topic_at`);
- roll calls taken at the start of the lesson, some the next day, a few never (such a
  lesson has no attendance rows either: nobody took it);
- homework entered in the lesson or soon after, some in the evening or the next
  morning, after the deadline of 90 minutes past the class's last lesson;
- marks of oral answers in the lesson, of written work (`WRITTEN_KINDS`, essays) a day
  or a few later, within `mark_deadline` but for some lessons, whose marks come late.

What would be entered after `today` is not in the journal yet (None). One generator
(`rng_for(seed, "lateness")`) draws it all, so the rest of the demo draws as before.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from core.policy import WRITTEN_KINDS, SchoolPolicy, mark_deadline

Clock = Callable[[dt.date, float], dt.datetime]  # (day, minutes after midnight) -> instant

TOPIC_LATE_SHARE = 0.03
ROLL_CALL_LATE_SHARE = 0.03
ROLL_CALL_MISSING_SHARE = 0.012
HOMEWORK_LATE_SHARE = 0.05
WRITTEN_MARKS_LATE_SHARE = 0.06  # of written works: all of the lesson's marks late
ORAL_MARKS_LATE_SHARE = 0.02
EVENING = (18 * 60, 22 * 60 + 30)
MORNING = (7 * 60 + 20, 8 * 60 + 20)


class Lateness:
    def __init__(self, rng: random.Random, at: Clock, today: dt.date) -> None:
        self.rng = rng
        self.at = at
        self.today = today
        self.policy = SchoolPolicy()

    def _when(self, day: dt.date, minutes: float) -> dt.datetime | None:
        """The instant, or None when that day has not come yet."""
        return self.at(day, minutes) if day <= self.today else None

    def _evening(self, day: dt.date) -> dt.datetime | None:
        return self._when(day, self.rng.uniform(*EVENING))

    def topic_at(self, day: dt.date, written_at: dt.datetime) -> dt.datetime | None:
        """When the topic was written: as the lesson began, or a day or two later."""
        if self.rng.random() >= TOPIC_LATE_SHARE:
            return written_at
        return self._evening(day + dt.timedelta(days=self.rng.randint(1, 2)))

    def roll_call(self, day: dt.date, start: int) -> dt.datetime | None:
        """When attendance was taken (None: not taken, or not yet)."""
        roll = self.rng.random()
        if roll < ROLL_CALL_MISSING_SHARE:
            return None
        if roll < ROLL_CALL_MISSING_SHARE + ROLL_CALL_LATE_SHARE:
            return self._evening(day + dt.timedelta(days=1))
        return self.at(day, start + self.rng.uniform(1, 2))

    def homework_at(self, day: dt.date, on_time: dt.datetime) -> dt.datetime | None:
        """When homework was entered: `on_time`, or after the deadline (that evening,
        or the next school morning)."""
        if self.rng.random() >= HOMEWORK_LATE_SHARE:
            return on_time
        if self.rng.random() < 0.75:
            # Past 19:00: at least 90 minutes after any class's last lesson (15:50).
            return self._when(day, self.rng.uniform(19 * 60, 22 * 60 + 30))
        return self._when(day + dt.timedelta(days=1), self.rng.uniform(*MORNING))

    def marks_day(self, day: dt.date, grade: int, work_type: str) -> dt.date | None:
        """The day a written work's marks go in (None for marks given in the lesson)."""
        written = work_type in WRITTEN_KINDS or work_type == "essay"
        roll = self.rng.random()
        if not written:
            if roll >= ORAL_MARKS_LATE_SHARE:
                return None
            return day + dt.timedelta(days=self.rng.randint(2, 3))  # due the next day
        deadline = mark_deadline(self.policy, grade=grade, work_type=work_type, lesson_date=day)
        if roll < WRITTEN_MARKS_LATE_SHARE:
            return deadline + dt.timedelta(days=self.rng.randint(1, 4))
        allowed = (deadline - day).days
        return day + dt.timedelta(days=min(allowed, self.rng.choice((0, 1, 1, 2, 2, 3))))

    def checked_at(self, day: dt.date) -> dt.datetime | None:
        """When a batch of checked work is entered on `day` (the afternoon or evening)."""
        return self._when(day, self.rng.uniform(16 * 60, 21 * 60 + 30))
