"""Classes, subjects, teaching assignments and the timetable.

Seed 002 §2.2: the administrator builds these before 5 September; seed 004 item 4:
the administrator keeps the timetable and the list of teachers. A teaching
assignment (teacher × class or group × subject) is what lets a teacher write a
journal page (core/permissions.py `teaches`), so the timetable only holds lessons of
an assignment: a teacher is never timetabled for a class they could not write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import col, func, select

from core import limits
from core.actors import StaffActor
from core.errors import RuleViolation
from core.models import (
    AcademicYear,
    Group,
    Role,
    School,
    SchoolClass,
    Staff,
    Subject,
    TeachingAssignment,
    TimetableEntry,
)
from core.permissions import has_role, setup_manager, teaches
from core.rows import get_in_school
from core.uow import UnitOfWork, snapshot, transactional
from core.validation import check_visible

_LETTER = re.compile(r"[А-ЯЁA-Z]{1,2}")
SUBJECT_MAX = limits.NAME
SHORT_MAX = limits.SHORT_NAME
ROOM_MAX = limits.ROOM
WEEKDAYS = range(6)  # Monday to Saturday: Russian schools may teach on Saturdays


def _check_slot(school: School, slot: object) -> int:
    """A lesson number of the bell schedule (any from 0 while no bells are set)."""
    if isinstance(slot, bool) or not isinstance(slot, int) or slot < 0:
        raise RuleViolation("lesson_bad_slot", slot=slot)
    bells = {bell.get("slot") for bell in school.bells}
    if bells and slot not in bells:
        raise RuleViolation("lesson_bad_slot", slot=slot)
    return slot


async def _teacher(uow: UnitOfWork, school_id: int, staff_id: int) -> Staff:
    """A working teacher of this school (a class teacher, an assignment, a timetable slot)."""
    person = await get_in_school(uow, Staff, staff_id, school_id, "staff")
    if not has_role(person, Role.teacher):
        raise RuleViolation("not_a_teacher", name=person.short_name)
    if person.locked_at is not None:
        raise RuleViolation("staff_locked", staff=person.short_name)
    return person


def _check_class(grade: object, letter: str) -> tuple[int, str]:
    if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 11:
        raise RuleViolation("bad_grade", value=grade)
    clean = letter.strip().upper()
    if not _LETTER.fullmatch(clean):
        raise RuleViolation("bad_letter", value=letter)
    return grade, clean


async def _refuse_same_class(
    uow: UnitOfWork, staff: Staff, year: AcademicYear, grade: int, letter: str, own: int | None
) -> None:
    query = select(SchoolClass.id).where(
        SchoolClass.year_id == year.id,
        SchoolClass.grade == grade,
        SchoolClass.letter == letter,
        col(SchoolClass.id) != (own or 0),
    )
    if (await uow.session.exec(query.limit(1))).first() is not None:
        raise RuleViolation("class_exists", klass=f"{grade}{letter}", year=year.name)


async def create_class_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    year_id: int,
    grade: int,
    letter: str,
    class_teacher_id: int | None = None,
) -> SchoolClass:
    """A class such as «7Б» in an academic year, with its class teacher (if chosen)."""
    staff = await setup_manager(uow, actor)
    year = await get_in_school(uow, AcademicYear, year_id, staff.school_id, "year")
    grade, letter = _check_class(grade, letter)
    if class_teacher_id is not None:
        await _teacher(uow, staff.school_id, class_teacher_id)
    await _refuse_same_class(uow, staff, year, grade, letter, None)
    klass = SchoolClass(
        school_id=staff.school_id,
        year_id=year.id or 0,
        grade=grade,
        letter=letter,
        class_teacher_id=class_teacher_id,
    )
    await uow.save(klass, school_id=staff.school_id, action="create", actor_id=staff.id)
    return klass


create_class = transactional(create_class_in)


async def update_class_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    class_id: int,
    grade: int,
    letter: str,
    class_teacher_id: int | None,
) -> SchoolClass:
    """Rename a class or change its class teacher (None: no class teacher)."""
    staff = await setup_manager(uow, actor)
    klass = await get_in_school(uow, SchoolClass, class_id, staff.school_id, "class")
    year = await uow.session.get(AcademicYear, klass.year_id)
    assert year is not None
    grade, letter = _check_class(grade, letter)
    if class_teacher_id is not None and class_teacher_id != klass.class_teacher_id:
        await _teacher(uow, staff.school_id, class_teacher_id)
    await _refuse_same_class(uow, staff, year, grade, letter, klass.id)
    old = snapshot(klass)
    klass.grade, klass.letter, klass.class_teacher_id = grade, letter, class_teacher_id
    await uow.save(klass, school_id=staff.school_id, action="update", actor_id=staff.id, old=old)
    return klass


update_class = transactional(update_class_in)


def _subject_names(name: str, short_name: str) -> tuple[str, str]:
    clean = check_visible("name", " ".join(name.split()))
    short = check_visible("short_name", " ".join(short_name.split()))
    if not clean:
        raise RuleViolation("subject_name_required")
    if len(clean) > SUBJECT_MAX or len(short) > SHORT_MAX:
        raise RuleViolation(
            "name_too_long", max=SUBJECT_MAX if len(clean) > SUBJECT_MAX else SHORT_MAX
        )
    return clean, short


async def _refuse_same_subject(uow: UnitOfWork, staff: Staff, name: str, own: int | None) -> None:
    # Compared in Python: SQLite's lower() folds only ASCII, and subjects are Cyrillic.
    query = select(Subject).where(Subject.school_id == staff.school_id)
    for subject in (await uow.session.exec(query)).all():
        if subject.id != own and subject.name.casefold() == name.casefold():
            raise RuleViolation("subject_exists", name=name)


async def create_subject_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    name: str,
    short_name: str = "",
    homework: bool | None = None,
    graded: bool | None = None,
) -> Subject:
    """Add a subject; its lessons owe homework and get marks unless told otherwise."""
    staff = await setup_manager(uow, actor)
    clean, short = _subject_names(name, short_name)
    await _refuse_same_subject(uow, staff, clean, None)
    subject = Subject(
        school_id=staff.school_id,
        name=clean,
        short_name=short,
        homework=True if homework is None else homework,
        graded=True if graded is None else graded,
    )
    await uow.save(subject, school_id=staff.school_id, action="create", actor_id=staff.id)
    return subject


create_subject = transactional(create_subject_in)


async def rename_subject_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    subject_id: int,
    name: str,
    short_name: str = "",
    homework: bool | None = None,
    graded: bool | None = None,
) -> Subject:
    """Rename a subject and, where given, change what its lessons owe (None: as it was).

    Marks already given stay when a subject becomes ungraded: the journal keeps its
    history, only new marks are refused.
    """
    staff = await setup_manager(uow, actor)
    subject = await get_in_school(uow, Subject, subject_id, staff.school_id, "subject")
    clean, short = _subject_names(name, short_name)
    await _refuse_same_subject(uow, staff, clean, subject.id)
    old = snapshot(subject)
    subject.name, subject.short_name = clean, short
    if homework is not None:
        subject.homework = homework
    if graded is not None:
        subject.graded = graded
    await uow.save(subject, school_id=staff.school_id, action="update", actor_id=staff.id, old=old)
    return subject


rename_subject = transactional(rename_subject_in)


@dataclass(frozen=True)
class _Place:
    klass: SchoolClass
    group: Group | None
    subject: Subject

    def where(self) -> str:
        return f"{self.klass.name} ({self.group.name})" if self.group else self.klass.name


async def _place(
    uow: UnitOfWork, staff: Staff, class_id: int, group_id: int | None, subject_id: int
) -> _Place:
    klass = await get_in_school(uow, SchoolClass, class_id, staff.school_id, "class")
    subject = await get_in_school(uow, Subject, subject_id, staff.school_id, "subject")
    group = None
    if group_id is not None:
        group = await get_in_school(uow, Group, group_id, staff.school_id, "group")
        if group.class_id != klass.id:
            raise RuleViolation("group_not_in_class", group=group.name, klass=klass.name)
    return _Place(klass, group, subject)


async def add_assignment_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    teacher_id: int,
    class_id: int,
    subject_id: int,
    group_id: int | None = None,
) -> TeachingAssignment:
    """Let a teacher teach a subject to a class (or one of its groups)."""
    staff = await setup_manager(uow, actor)
    teacher = await _teacher(uow, staff.school_id, teacher_id)
    place = await _place(uow, staff, class_id, group_id, subject_id)
    query = select(TeachingAssignment.id).where(
        TeachingAssignment.teacher_id == teacher.id,
        TeachingAssignment.class_id == class_id,
        TeachingAssignment.subject_id == subject_id,
        col(TeachingAssignment.group_id).is_(None)
        if group_id is None
        else TeachingAssignment.group_id == group_id,
    )
    if (await uow.session.exec(query.limit(1))).first() is not None:
        raise RuleViolation(
            "assignment_exists",
            teacher=teacher.short_name,
            subject=place.subject.name,
            klass=place.where(),
        )
    row = TeachingAssignment(
        school_id=staff.school_id,
        teacher_id=teacher.id or 0,
        class_id=class_id,
        group_id=group_id,
        subject_id=subject_id,
    )
    await uow.save(row, school_id=staff.school_id, action="create", actor_id=staff.id)
    return row


add_assignment = transactional(add_assignment_in)


async def remove_assignment_in(uow: UnitOfWork, *, actor: StaffActor, assignment_id: int) -> None:
    """End an assignment that the timetable no longer uses."""
    staff = await setup_manager(uow, actor)
    row = await get_in_school(uow, TeachingAssignment, assignment_id, staff.school_id, "assignment")
    query = select(func.count()).where(
        TimetableEntry.teacher_id == row.teacher_id,
        TimetableEntry.class_id == row.class_id,
        TimetableEntry.subject_id == row.subject_id,
        col(TimetableEntry.group_id).is_(None)
        if row.group_id is None
        else TimetableEntry.group_id == row.group_id,
    )
    used = (await uow.session.exec(query)).one()
    if used:
        raise RuleViolation("assignment_in_timetable", count=used)
    uow.audit(row, school_id=staff.school_id, action="delete", actor_id=staff.id)
    await uow.session.delete(row)


remove_assignment = transactional(remove_assignment_in)


async def add_timetable_entry_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    class_id: int,
    subject_id: int,
    teacher_id: int,
    weekday: int,
    slot: int,
    group_id: int | None = None,
    room: str = "",
) -> TimetableEntry:
    """A weekly lesson: the teacher must be assigned to it, and neither the pupils
    nor the teacher may have another lesson in that slot."""
    staff = await setup_manager(uow, actor)
    teacher = await _teacher(uow, staff.school_id, teacher_id)
    place = await _place(uow, staff, class_id, group_id, subject_id)
    if isinstance(weekday, bool) or weekday not in WEEKDAYS:
        raise RuleViolation("bad_weekday", value=weekday)
    school = await uow.session.get(School, staff.school_id)
    assert school is not None
    slot = _check_slot(school, slot)
    room = " ".join(room.split())
    if len(room) > ROOM_MAX:
        raise RuleViolation("name_too_long", max=ROOM_MAX)
    if not await teaches(uow, teacher, class_id=class_id, subject_id=subject_id, group_id=group_id):
        raise RuleViolation(
            "timetable_not_assigned",
            teacher=teacher.short_name,
            subject=place.subject.name,
            klass=place.where(),
        )
    await _refuse_busy(uow, place, teacher, weekday, slot)
    entry = TimetableEntry(
        school_id=staff.school_id,
        teacher_id=teacher.id or 0,
        weekday=weekday,
        slot=slot,
        room=room,
        class_id=class_id,
        group_id=group_id,
        subject_id=subject_id,
    )
    await uow.save(entry, school_id=staff.school_id, action="create", actor_id=staff.id)
    return entry


add_timetable_entry = transactional(add_timetable_entry_in)


async def _refuse_busy(
    uow: UnitOfWork, place: _Place, teacher: Staff, weekday: int, slot: int
) -> None:
    """Pupils: a whole-class lesson clashes with every lesson of the class, a group's
    with whole-class lessons and its own group's (parallel subgroups may share a slot).
    A teacher gives one lesson at a time."""
    same_time = (TimetableEntry.weekday == weekday, TimetableEntry.slot == slot)
    pupils = select(TimetableEntry).where(TimetableEntry.class_id == place.klass.id, *same_time)
    if place.group is not None:
        pupils = pupils.where(
            col(TimetableEntry.group_id).is_(None) | (TimetableEntry.group_id == place.group.id)
        )
    clash = (await uow.session.exec(pupils.limit(1))).first()
    if clash is not None:
        subject = await uow.session.get(Subject, clash.subject_id)
        raise RuleViolation(
            "timetable_class_busy",
            klass=place.where(),
            slot=slot,
            subject=subject.name if subject else "?",
        )
    mine = select(TimetableEntry).where(TimetableEntry.teacher_id == teacher.id, *same_time)
    busy = (await uow.session.exec(mine.limit(1))).first()
    if busy is not None:
        klass = await uow.session.get(SchoolClass, busy.class_id)
        raise RuleViolation(
            "timetable_teacher_busy",
            teacher=teacher.short_name,
            slot=slot,
            klass=klass.name if klass else "?",
        )


async def remove_timetable_entry_in(uow: UnitOfWork, *, actor: StaffActor, entry_id: int) -> None:
    staff = await setup_manager(uow, actor)
    entry = await get_in_school(uow, TimetableEntry, entry_id, staff.school_id, "timetable_entry")
    uow.audit(entry, school_id=staff.school_id, action="delete", actor_id=staff.id)
    await uow.session.delete(entry)


remove_timetable_entry = transactional(remove_timetable_entry_in)
