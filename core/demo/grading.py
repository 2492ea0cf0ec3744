"""Marks that look like a real journal's: mostly 4s and 5s, a few 2s, each child different.

Over the school the shares are about 5: 30 %, 4: 40 %, 3: 25 %, 2: 5 %. Each
student has an ability, and a talent per specialty around it, that tilts these
shares, so averages differ between students and between a student's subjects.
Control works are marked a little harder.
"""

from __future__ import annotations

import math
import random
from itertools import accumulate

from core.demo.plan import StudentPlan

VALUES = (2, 3, 4, 5)
_SHARES = (0.025, 0.23, 0.455, 0.29)
_CENTRE = 3.95
_STEEPNESS = 0.75
_CONTROL_PENALTY = 0.35


class Grader:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._talent: dict[tuple[int, str], float] = {}
        self._weights: dict[tuple[int, str, bool], list[float]] = {}

    def mark(self, student: StudentPlan, specialty: str, *, control: bool) -> int:
        key = (student.index, specialty, control)
        weights = self._weights.get(key)
        if weights is None:
            talent = self._talent_of(student, specialty) - (_CONTROL_PENALTY if control else 0)
            weights = list(
                accumulate(
                    share * math.exp(talent * (value - _CENTRE) * _STEEPNESS)
                    for value, share in zip(VALUES, _SHARES, strict=True)
                )
            )
            self._weights[key] = weights
        return self.rng.choices(VALUES, cum_weights=weights)[0]

    def _talent_of(self, student: StudentPlan, specialty: str) -> float:
        key = (student.index, specialty)
        if key not in self._talent:
            self._talent[key] = student.ability + self.rng.gauss(0.0, 0.35)
        return self._talent[key]


class PeriodBook:
    """Weighted sums of a period's marks, for the period marks at its end."""

    def __init__(self) -> None:
        self._sums: dict[tuple[int, str, int], list[float]] = {}

    def add(self, student: int, subject: str, period: int, value: int, weight: float) -> None:
        sums = self._sums.setdefault((student, subject, period), [0.0, 0.0])
        sums[0] += value * weight
        sums[1] += weight

    def average(self, student: int, subject: str, period: int) -> float | None:
        sums = self._sums.get((student, subject, period))
        return sums[0] / sums[1] if sums and sums[1] else None


def period_value(average: float | None) -> str:
    """The usual rounding of a weighted average: 4.5 and above is a 5; no marks: «н/а»."""
    if average is None:
        return "н/а"
    for threshold, value in ((4.5, "5"), (3.5, "4"), (2.5, "3")):
        if average >= threshold:
            return value
    return "2"
