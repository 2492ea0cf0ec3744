"""The whole demo school as a pure function of (seed, today, scale)."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from core.demo.calendar import build_calendar
from core.demo.curriculum import SubjectSpec
from core.demo.names import NameMaker
from core.demo.plan import SchoolPlan
from core.demo.roster import RosterMaker, plan_classes, plan_groups
from core.demo.staffing import Staffing, assign_logins
from core.demo.timetable import build_timetable

_UNAMBIGUOUS_CHARS = "abcdefghjkmnpqrstuvwxyz23456789"


def rng_for(seed: int, part: str) -> random.Random:
    """An independent generator per part, so adding draws to one part leaves the others."""
    return random.Random(f"zvonok-demo:{seed}:{part}")


def demo_password() -> str:
    """The demo accounts' password: new at every load (the rows are seeded, it is not), so
    no two installations share one and no document can print it."""
    return "demo-" + "".join(secrets.choice(_UNAMBIGUOUS_CHARS) for _ in range(10))


def plan_school(seed: int, today: dt.date, scale: float) -> SchoolPlan:
    calendar = build_calendar(today)
    classes = plan_classes(rng_for(seed, "classes"), scale)
    roster = RosterMaker(
        rng_for(seed, "roster"), NameMaker(rng_for(seed, "names")), calendar.starts_on.year
    )
    roster.fill(classes)
    electives = plan_groups(rng_for(seed, "groups"), classes)
    staffing = Staffing(rng_for(seed, "staff"), NameMaker(rng_for(seed, "staff-names")))
    staffing.plan(classes, electives)
    assign_logins(staffing.staff, taken=set())
    timetable = build_timetable(rng_for(seed, "timetable"), classes, staffing.courses)
    subjects: dict[str, SubjectSpec] = {}
    for course in staffing.courses:
        subjects.setdefault(course.subject.name, course.subject)
    return SchoolPlan(
        calendar=calendar,
        classes=classes,
        staff=staffing.staff,
        students=[s for klass in classes for s in klass.students],
        guardians=roster.guardians,
        subjects=list(subjects.values()),
        courses=staffing.courses,
        timetable=timetable,
    )
