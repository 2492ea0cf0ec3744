"""Role-matrix actions of the control of the journal (webapp/pages/control.py,
webapp/api/control.py).

Run by test_role_matrix.py with everyone else's (`ALL_ACTIONS`). Who may: the
dashboard and the items behind it are read by the deputy director and the
administrator (the school's) and by teachers (their own part: another teacher's is
refused); the control report and its archive are the deputy director's and the
administrator's. `stranger`, a deputy and administrator of another school, reads his
own school's control and reports (so actions naming none of our rows are allowed to
him) and nothing of ours; the secretary and anyone not signed in nothing.
"""

from __future__ import annotations

from core.reading.control_span import SpanAsked
from core.reports.control_exports import export_control_report
from tests.web.browser import Web
from tests.web.roles import Action

WEEK = "week=2026-11-23"
READERS = frozenset({"math", "russian", "substitute", "deputy", "admin", "stranger"})
OWN_PART = frozenset({"math", "deputy", "admin", "stranger"})  # the math teacher's part
MAKERS = frozenset({"deputy", "admin", "stranger"})  # the report, of one's own school
OURS = frozenset({"deputy", "admin"})  # an archived report of our school


async def a_report(web: Web, who: str) -> dict[str, int]:
    made = await export_control_report(
        web.uow(), actor=web.world.actor("deputy"), asked=SpanAsked(), fmt="xlsx"
    )
    return {"report": made.info.export_id}


CONTROL_ACTIONS: list[Action] = [
    Action("control dashboard", "GET", f"/control?{WEEK}", READERS, "GET /control"),
    Action(
        "control: missing topics",
        "GET",
        f"/control/lessons?{WEEK}&what=topic&state=missing",
        READERS,
        "GET /control/lessons",
    ),
    Action(
        "control: the math teacher's lessons",
        "GET",
        f"/control/lessons?{WEEK}&what=homework&state=late&teacher={{staff:math}}",
        OWN_PART,
        "GET /control/lessons",
    ),
    Action(
        "control: pupils below the minimum",
        "GET",
        f"/control/pupils?{WEEK}&what=fill",
        READERS,
        "GET /control/pupils",
    ),
    Action(
        "control: homework over the limit",
        "GET",
        f"/control/homework?{WEEK}",
        READERS,
        "GET /control/homework",
    ),
    Action(
        "control: the math teacher's overload days",
        "GET",
        f"/control/homework?{WEEK}&teacher={{staff:math}}",
        OWN_PART,
        "GET /control/homework",
    ),
    Action(
        "control: tests off the schedule",
        "GET",
        f"/control/tests?{WEEK}&what=off_schedule",
        READERS,
        "GET /control/tests",
    ),
    Action(
        "control: the math teacher's tests not held",
        "GET",
        f"/control/tests?{WEEK}&what=not_held&teacher={{staff:math}}",
        OWN_PART,
        "GET /control/tests",
    ),
    Action("control reports", "GET", "/control/reports", MAKERS, "GET /control/reports"),
    Action(
        "control report made",
        "POST",
        "/control/reports",
        MAKERS,
        "POST /control/reports",
        form={"week": "2026-11-23", "format": "xlsx"},
    ),
    Action(
        "control report downloaded",
        "GET",
        "/control/reports/{report}",
        OURS,
        "GET /control/reports/{export_id}",
        prepare=a_report,
    ),
    Action(
        "api: control", "GET", f"/api/v1/control?{WEEK}", READERS, "GET /api/v1/control", api=True
    ),
    Action(
        "api: control lessons",
        "GET",
        f"/api/v1/control/lessons?{WEEK}&what=not_held",
        READERS,
        "GET /api/v1/control/lessons",
        api=True,
    ),
    Action(
        "api: control pupils",
        "GET",
        f"/api/v1/control/pupils?{WEEK}&what=period_marks",
        READERS,
        "GET /api/v1/control/pupils",
        api=True,
    ),
    Action(
        "api: control report data",
        "GET",
        f"/api/v1/control/report?{WEEK}",
        MAKERS,
        "GET /api/v1/control/report",
        api=True,
    ),
    Action(
        "api: control report made",
        "POST",
        "/api/v1/control/reports",
        MAKERS,
        "POST /api/v1/control/reports",
        api=True,
        json={"format": "xlsx", "week": "2026-11-23"},
    ),
    Action(
        "api: control reports",
        "GET",
        "/api/v1/control/reports",
        MAKERS,
        "GET /api/v1/control/reports",
        api=True,
    ),
    Action(
        "api: control report downloaded",
        "GET",
        "/api/v1/control/reports/{report}",
        OURS,
        "GET /api/v1/control/reports/{export_id}",
        api=True,
        prepare=a_report,
    ),
]
