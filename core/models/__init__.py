"""Every table of the journal. Importing this module registers them all."""

from core.models.access import AuditEntry, InviteCode, OutboxEvent
from core.models.base import UTCDateTime, utcnow
from core.models.journal import (
    PERIOD_MARK_VALUES,
    Announcement,
    Attendance,
    AttendanceStatus,
    Homework,
    HomeworkStudent,
    Lesson,
    Mark,
    PeriodMark,
    PeriodMarkKind,
    Remark,
    RemarkKind,
    ScheduledTest,
    WorkType,
)
from core.models.people import Enrollment, Guardian, Role, Staff, Student, StudentGuardian
from core.models.school import AcademicYear, Holiday, Period, School
from core.models.structure import (
    Group,
    GroupMembership,
    SchoolClass,
    Subject,
    TeachingAssignment,
    TimetableEntry,
)

__all__ = [
    "PERIOD_MARK_VALUES",
    "AcademicYear",
    "Announcement",
    "Attendance",
    "AttendanceStatus",
    "AuditEntry",
    "Enrollment",
    "Group",
    "GroupMembership",
    "Guardian",
    "Holiday",
    "Homework",
    "HomeworkStudent",
    "InviteCode",
    "Lesson",
    "Mark",
    "OutboxEvent",
    "Period",
    "PeriodMark",
    "PeriodMarkKind",
    "Remark",
    "RemarkKind",
    "Role",
    "ScheduledTest",
    "School",
    "SchoolClass",
    "Staff",
    "Student",
    "StudentGuardian",
    "Subject",
    "TeachingAssignment",
    "TimetableEntry",
    "UTCDateTime",
    "WorkType",
    "utcnow",
]
