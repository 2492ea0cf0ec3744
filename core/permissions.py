"""Who may read and write what. Every rule lives here, once; services call it.

Seed 002 §2.4.1 and §2.5.1: a subject teacher writes only the pages of the classes
and groups they teach (or a lesson they substitute, §2.5.10); a class teacher reads
the whole class journal but edits only their own subjects; the deputy director
reads the school; administrators and secretaries manage the roster and set-up.
"""

from __future__ import annotations

from sqlalchemy import exists
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlmodel import col, or_, select

from core.actors import StaffActor
from core.closing import is_correcting
from core.errors import AccountLocked, Forbidden, NotFound, Thing
from core.models import (
    Enrollment,
    Lesson,
    Role,
    SchoolClass,
    Staff,
    Subject,
    TeachingAssignment,
)
from core.uow import UnitOfWork


async def load_staff(uow: UnitOfWork, actor: StaffActor) -> Staff:
    """The acting staff member, refusing unknown, foreign-school and locked accounts."""
    return admit_staff(await uow.session.get(Staff, actor.staff_id), actor)


def admit_staff(staff: Staff | None, actor: StaffActor) -> Staff:
    """`load_staff`'s rule for a row the caller has read (None: no such staff member)."""
    if staff is None or staff.school_id != actor.school_id:
        raise Forbidden(reason="account_not_found")
    if staff.locked_at is not None:
        raise AccountLocked()
    return staff


def require_role(staff: Staff, *roles: Role) -> None:
    if not set(staff.roles) & {r.value for r in roles}:
        raise Forbidden(reason="admin_only")


async def setup_manager(uow: UnitOfWork, actor: StaffActor) -> Staff:
    """The acting administrator (seed 002 §2.2), refusing everyone else."""
    staff = await load_staff(uow, actor)
    require_role(staff, Role.admin)
    return staff


async def setup_reader(uow: UnitOfWork, actor: StaffActor) -> Staff:
    """An administrator, or the secretary who needs classes and staff to keep the roster."""
    staff = await load_staff(uow, actor)
    require_role(staff, Role.admin, Role.secretary)
    return staff


async def roster_keeper(uow: UnitOfWork, actor: StaffActor) -> Staff:
    """The acting staff member, refused unless they keep the roster (seed 004 §5)."""
    staff = await load_staff(uow, actor)
    require_role(staff, Role.admin, Role.secretary)
    return staff


async def archive_keeper(uow: UnitOfWork, actor: StaffActor) -> Staff:
    """The acting administrator or deputy director: they make and read the school's
    archive (seed 002 §3.4: the journal is printed, bound and kept by the school)."""
    staff = await load_staff(uow, actor)
    if not has_role(staff, Role.admin, Role.deputy):
        raise Forbidden("archive_keepers_only")
    return staff


def has_role(staff: Staff, *roles: Role) -> bool:
    return bool(set(staff.roles) & {r.value for r in roles})


async def teaches(
    uow: UnitOfWork, staff: Staff, *, class_id: int, subject_id: int, group_id: int | None
) -> bool:
    """True when `staff` has an assignment for this subject in this class (or group).

    An assignment for the whole class covers its groups; one for a group covers
    only that group.
    """
    query = select(TeachingAssignment.id).where(
        TeachingAssignment.teacher_id == staff.id,
        TeachingAssignment.class_id == class_id,
        TeachingAssignment.subject_id == subject_id,
    )
    if group_id is None:
        query = query.where(col(TeachingAssignment.group_id).is_(None))
    else:
        query = query.where(
            (col(TeachingAssignment.group_id).is_(None)) | (TeachingAssignment.group_id == group_id)
        )
    return (await uow.session.exec(query.limit(1))).first() is not None


def teaches_lesson(staff_id: int | BindParameter[int]) -> ColumnElement[bool]:
    """`teaches` for the lesson of the statement it is put in (a column of a `select`
    from `lesson`), so a caller reading the lesson learns it in the same statement."""
    return exists().where(
        col(TeachingAssignment.teacher_id) == staff_id,
        col(TeachingAssignment.class_id) == col(Lesson.class_id),
        col(TeachingAssignment.subject_id) == col(Lesson.subject_id),
        # A NULL lesson group compares as unknown: only a whole-class assignment covers it.
        col(TeachingAssignment.group_id).is_(None)
        | (col(TeachingAssignment.group_id) == col(Lesson.group_id)),
    )


async def require_lesson_writer(
    uow: UnitOfWork, staff: Staff, lesson: Lesson, *, teaching: bool | None = None
) -> None:
    """Refuse unless `staff` teaches this lesson's subject here or substitutes it.

    `teaching`: whether they teach it (`teaches_lesson`), when the caller has read it.
    """
    if lesson.school_id != staff.school_id:
        raise NotFound(what="lesson")
    if is_correcting(uow, staff):
        return  # an administrator correcting a closed journal (core.closing)
    if lesson.substitute_id is not None:
        # While a substitute is named, the lesson page is theirs (seed 002 §2.5.10),
        # and the regular teacher keeps access to their own journal.
        if staff.id in (lesson.substitute_id, lesson.teacher_id):
            return
    elif (
        teaching
        if teaching is not None
        else await teaches(
            uow,
            staff,
            class_id=lesson.class_id,
            subject_id=lesson.subject_id,
            group_id=lesson.group_id,
        )
    ):
        return
    klass = await uow.session.get(SchoolClass, lesson.class_id)
    subject = await uow.session.get(Subject, lesson.subject_id)
    raise Forbidden(
        "not_your_lesson",
        subject=subject.name if subject else "?",
        klass=klass.name if klass else "?",
    )


async def teaches_class(uow: UnitOfWork, staff: Staff, class_id: int) -> bool:
    query = select(TeachingAssignment.id).where(
        TeachingAssignment.teacher_id == staff.id, TeachingAssignment.class_id == class_id
    )
    return (await uow.session.exec(query.limit(1))).first() is not None


async def can_read_class(uow: UnitOfWork, staff: Staff, klass: SchoolClass) -> bool:
    """Class teacher, any teacher of the class, the deputy director or an administrator."""
    if klass.school_id != staff.school_id:
        return False
    if klass.class_teacher_id == staff.id or has_role(staff, Role.deputy, Role.admin):
        return True
    return await teaches_class(uow, staff, klass.id or 0)


async def require_class_reader(uow: UnitOfWork, staff: Staff, klass: SchoolClass) -> None:
    if not await can_read_class(uow, staff, klass):
        raise Forbidden(reason="journal_closed", klass=klass.name)


def require_same_school(staff: Staff, school_id: int, what: Thing) -> None:
    if staff.school_id != school_id:
        raise NotFound(what=what)


def require_announcer(staff: Staff, klass: SchoolClass | None) -> None:
    """Seed 002 §2.4.2: the class teacher posts the class's announcements.

    The deputy director and administrators post to any class and to the whole
    school (`klass` None); nobody else posts school-wide.
    """
    if has_role(staff, Role.deputy, Role.admin):
        if klass is not None:
            require_same_school(staff, klass.school_id, "class")
        return
    if klass is None:
        raise Forbidden("school_announcement_forbidden")
    require_same_school(staff, klass.school_id, "class")
    if klass.class_teacher_id != staff.id:
        raise Forbidden("not_class_teacher", klass=klass.name)


async def require_class_teacher_or_teacher(
    uow: UnitOfWork, staff: Staff, klass: SchoolClass
) -> None:
    """The class teacher, or anyone who teaches in the class (a remark outside a lesson)."""
    require_same_school(staff, klass.school_id, "class")
    if klass.class_teacher_id == staff.id or await teaches_class(uow, staff, klass.id or 0):
        return
    raise Forbidden("not_teacher_of_class", klass=klass.name)


async def can_read_student(uow: UnitOfWork, staff: Staff, student_id: int) -> bool:
    """May `staff` know this pupil's name? The administration and the secretary, and
    whoever leads or teaches a class the pupil is or was in. An error that would name a
    pupil to anyone else says "not found" instead."""
    if has_role(staff, Role.admin, Role.deputy, Role.secretary):
        return True
    taught = select(TeachingAssignment.class_id).where(TeachingAssignment.teacher_id == staff.id)
    query = (
        select(Enrollment.id)
        .join(SchoolClass, col(SchoolClass.id) == Enrollment.class_id)
        .where(
            Enrollment.student_id == student_id,
            SchoolClass.school_id == staff.school_id,
            or_(SchoolClass.class_teacher_id == staff.id, col(Enrollment.class_id).in_(taught)),
        )
    )
    return (await uow.session.exec(query.limit(1))).first() is not None


async def require_student_reader(uow: UnitOfWork, staff: Staff, student_id: int) -> None:
    """NotFound unless `staff` may know the pupil (`can_read_student`): called before an
    error that names them."""
    if not await can_read_student(uow, staff, student_id):
        raise NotFound(what="student")


async def is_class_teacher_of(uow: UnitOfWork, staff: Staff, student_id: int) -> bool:
    """True when `staff` is the class teacher of the class the student is in now."""
    query = (
        select(Enrollment.id)
        .join(SchoolClass, col(SchoolClass.id) == Enrollment.class_id)
        .where(
            Enrollment.student_id == student_id,
            col(Enrollment.until).is_(None),
            SchoolClass.class_teacher_id == staff.id,
        )
    )
    return (await uow.session.exec(query.limit(1))).first() is not None


async def require_people_manager(uow: UnitOfWork, staff: Staff, *student_ids: int) -> None:
    """Guardians and their invite codes: the administrator and the secretary keep the
    roster, and the class teacher hands out parents' invite codes (seed 002 §2.3), so
    a class teacher also manages the guardians of any one of `student_ids`."""
    if has_role(staff, Role.admin, Role.secretary):
        return
    for student_id in student_ids:
        if await is_class_teacher_of(uow, staff, student_id):
            return
    raise Forbidden("not_people_manager")
