"""Importing the roster from a file: upload, check (the preview), confirm, or cancel.

The administrator or the secretary (seed 004 §5; seed 002 §2.3: new students are in the
journal within a day) uploads a CSV or XLSX file (`core.services.roster_file`). Checking
it writes nothing: every bad row is named with why, and the preview says what would be
created (`core.services.roster_plan`). Confirming checks the file again against the
school as it is then and writes everything in one transaction, or nothing.

The file holds children's personal data. It is kept in the database
(`roster_import.content`), never on disk, and removed with its preview when the import
is written or cancelled, or `KEEP` after the upload (`purge_expired_imports`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections import Counter

from core.actors import StaffActor
from core.calendar import school_today
from core.errors import RuleViolation
from core.models import Enrollment, ImportStatus, RosterImport, School, Staff, StudentGuardian
from core.permissions import roster_keeper
from core.reading.access import ReadingUnit
from core.reading.roster_imports import (
    ClassCount,
    ImportReport,
    ImportResult,
    ImportView,
    SampleRow,
    import_of,
    import_status,
    import_view,
    view_of,
)
from core.services.guardians import link_row
from core.services.roster import enrolled_event, enrollment_row
from core.services.roster_expiry import KEEP, purge_expired_imports, purge_expired_in
from core.services.roster_file import MAX_FILE_BYTES, read_roster_file
from core.services.roster_plan import (
    Plan,
    PlannedStudent,
    Progress,
    plan_import,
    problem_of,
)
from core.uow import UnitOfWork, transactional

MAX_PROBLEMS_SHOWN = 300
SAMPLE_ROWS = 10
WRITE_CHUNK = 500


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def _clean_filename(filename: str) -> str:
    name = re.split(r"[\\/]", filename)[-1].strip()
    return " ".join(name.split())[:200] or "roster"


def _refuse_closed(item: RosterImport, now: dt.datetime) -> None:
    status = import_status(item, now)
    if status == ImportStatus.imported:
        raise RuleViolation("roster_import_done")
    if status == ImportStatus.cancelled:
        raise RuleViolation("roster_import_cancelled")
    if status == ImportStatus.expired:
        raise RuleViolation("roster_import_expired", hours=int(KEEP.total_seconds() // 3600))


async def upload_roster_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    filename: str,
    content: bytes,
    enrol_on: dt.date | None = None,
) -> ImportView:
    """Keep an uploaded roster file until it is checked and confirmed (or cancelled).

    `enrol_on`: the students' first day in their classes (the school's today by default).
    """
    staff = await roster_keeper(uow, actor)
    if not content.strip():
        raise RuleViolation("roster_file_empty")
    if len(content) > MAX_FILE_BYTES:
        raise RuleViolation("roster_file_too_big", limit=MAX_FILE_BYTES // (1024 * 1024))
    now = uow.now()
    await purge_expired_in(uow, now)
    school = await uow.session.get(School, staff.school_id)
    assert school is not None
    item = RosterImport(
        school_id=staff.school_id,
        uploaded_by=staff.id or 0,
        filename=_clean_filename(filename),
        size=len(content),
        enrol_on=enrol_on or school_today(school, now),
        status=ImportStatus.uploaded.value,
        content=content,
        created_at=now,
        expires_at=now + KEEP,
    )
    uow.session.add(item)
    await uow.session.flush()  # the view shows the import's id
    return import_view(item, staff, now)


upload_roster = transactional(upload_roster_in)


async def check_roster_import(
    uow: UnitOfWork, *, actor: StaffActor, import_id: int, progress: Progress = _no_progress
) -> ImportView:
    """The preview: read and check the file, write nothing but the report itself.

    The rows are checked on a reading session, so a big file does not keep teachers'
    entries waiting for SQLite's write lock.
    """
    reading = ReadingUnit(uow.db, clock=uow.clock)
    async with reading:
        staff = await roster_keeper(reading, actor)
        item = await import_of(reading, staff, import_id, lock=False)
        _refuse_closed(item, reading.now())
        report, _plan = await _check(reading, item, progress)
    async with uow:
        staff = await roster_keeper(uow, actor)
        item = await import_of(uow, staff, import_id, lock=True)
        _refuse_closed(item, uow.now())
        item.report = report.model_dump(mode="json")
        item.status = ImportStatus.checked.value
        uow.session.add(item)
        await uow.commit()
        return await view_of(uow, item)


async def _check(
    uow: UnitOfWork, item: RosterImport, progress: Progress
) -> tuple[ImportReport, Plan | None]:
    progress("reading", 0, 0)
    try:
        roster_file = await asyncio.to_thread(read_roster_file, item.content or b"")
    except RuleViolation as error:
        return ImportReport(file_error=problem_of(0, "", error)), None
    plan = await plan_import(
        uow,
        school_id=item.school_id,
        roster_file=roster_file,
        on=item.enrol_on,
        progress=progress,
    )
    report = ImportReport(
        rows=len(roster_file.rows),
        students=len(plan.students),
        guardians_new=len(plan.new_guardians),
        guardians_linked=len(plan.linked_guardians),
        classes=_class_counts(plan),
        problems=plan.problems[:MAX_PROBLEMS_SHOWN],
        problem_count=len(plan.problems),
        problem_rows=len({problem.row for problem in plan.problems}),
        ignored_columns=roster_file.ignored,
        sample=[_sample(planned) for planned in plan.students[:SAMPLE_ROWS]],
    )
    return report, plan


def _class_counts(plan: Plan) -> list[ClassCount]:
    counts = Counter(planned.klass.id or 0 for planned in plan.students)
    classes = {planned.klass.id or 0: planned.klass for planned in plan.students}
    ordered = sorted(classes.values(), key=lambda k: (k.grade, k.letter))
    return [
        ClassCount(class_id=k.id or 0, name=k.name, students=counts[k.id or 0]) for k in ordered
    ]


def _sample(planned: PlannedStudent) -> SampleRow:
    student = planned.student
    guardians = [
        " ".join(
            p for p in (g.full_name, f"({relation})" if relation else "", g.phone, g.email) if p
        )
        for g, relation in planned.guardians
    ]
    return SampleRow(
        row=planned.row,
        student=student.full_name,
        birth_date=student.birth_date.strftime("%d.%m.%Y") if student.birth_date else "",
        klass=planned.klass.name,
        guardians=guardians,
    )


async def confirm_roster_import(
    uow: UnitOfWork, *, actor: StaffActor, import_id: int, progress: Progress = _no_progress
) -> ImportView:
    """Write the checked file: every student, enrolment, guardian and link, or nothing.

    The file is checked again first, against the school as it is now; if a row has
    become wrong meanwhile (the same student enrolled by hand, say), nothing is written,
    the preview is replaced by the new one, and RuleViolation says how many rows fail.
    """
    async with uow:
        staff = await roster_keeper(uow, actor)
        item = await import_of(uow, staff, import_id, lock=True)
        _refuse_closed(item, uow.now())
        if item.status != ImportStatus.checked:
            raise RuleViolation("roster_import_not_checked")
        checked = ImportReport.model_validate(item.report or {})
        if not checked.ok:
            raise RuleViolation("roster_import_fix_first", count=max(checked.problem_rows, 1))
        report, plan = await _check(uow, item, progress)
        if plan is not None and report.ok:
            await _write(uow, staff, plan, item.enrol_on, progress)
            _finish(item, staff, uow.now(), ImportStatus.imported)
            item.result = ImportResult(
                students=report.students,
                guardians_new=report.guardians_new,
                guardians_linked=report.guardians_linked,
                classes=report.classes,
            ).model_dump(mode="json")
            uow.session.add(item)
            await uow.commit()
            progress("done", report.students, report.students)
            return import_view(item, await uow.session.get(Staff, item.uploaded_by), uow.now())
    await _replace_report(uow, actor, import_id, report)
    raise RuleViolation("roster_import_has_errors", count=max(report.problem_count, 1))


async def _replace_report(
    uow: UnitOfWork, actor: StaffActor, import_id: int, report: ImportReport
) -> None:
    async with uow:
        staff = await roster_keeper(uow, actor)
        item = await import_of(uow, staff, import_id, lock=True)
        if item.status != ImportStatus.checked:
            return
        item.report = report.model_dump(mode="json")
        uow.session.add(item)
        await uow.commit()


async def _write(
    uow: UnitOfWork, staff: Staff, plan: Plan, on: dt.date, progress: Progress
) -> None:
    """Insert the plan's rows in batches (one INSERT per table and batch, not per row),
    with the audit entries and `RosterChanged` events that `enrol_student` writes."""
    session, school_id, who = uow.session, staff.school_id, staff.id
    session.add_all(plan.new_guardians)
    await session.flush()
    for guardian in plan.new_guardians:
        uow.audit(guardian, school_id=school_id, action="create", actor_id=who)
    total = len(plan.students)
    for start in range(0, total, WRITE_CHUNK):
        chunk = plan.students[start : start + WRITE_CHUNK]
        session.add_all([planned.student for planned in chunk])
        await session.flush()
        rows: list[Enrollment | StudentGuardian] = []
        for planned in chunk:
            rows.append(
                enrollment_row(
                    school_id=school_id,
                    student_id=planned.student.id or 0,
                    class_id=planned.klass.id or 0,
                    on=on,
                    reason="enrolled",
                )
            )
            rows += [link_row(planned.student, g, relation) for g, relation in planned.guardians]
        session.add_all(rows)
        await session.flush()
        for planned in chunk:
            uow.audit(planned.student, school_id=school_id, action="create", actor_id=who)
            uow.record(enrolled_event(planned.student, planned.klass.id or 0))
        for row in rows:
            uow.audit(row, school_id=school_id, action="create", actor_id=who)
        progress("writing", start + len(chunk), total)
        await asyncio.sleep(0)


def _finish(item: RosterImport, staff: Staff, now: dt.datetime, status: ImportStatus) -> None:
    """Close the import and remove the file and its preview (personal data)."""
    item.status = status.value
    item.content = None
    item.report = None
    item.finished_at = now
    item.finished_by = staff.id


async def cancel_roster_import_in(
    uow: UnitOfWork, *, actor: StaffActor, import_id: int
) -> ImportView:
    """Drop an uploaded file without importing it (the file is removed at once)."""
    staff = await roster_keeper(uow, actor)
    item = await import_of(uow, staff, import_id, lock=True)
    _refuse_closed(item, uow.now())
    _finish(item, staff, uow.now(), ImportStatus.cancelled)
    uow.session.add(item)
    return await view_of(uow, item)


cancel_roster_import = transactional(cancel_roster_import_in)


__all__ = [
    "KEEP",
    "cancel_roster_import",
    "check_roster_import",
    "confirm_roster_import",
    "purge_expired_imports",
    "upload_roster",
]
