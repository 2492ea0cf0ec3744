"""The administrator's set-up pages, one router for the app to include.

School and calendar (`admin_school`), classes, subjects, assignments and timetable
(`admin_structure`), staff accounts (`admin_staff`); the shared form handling is in
`admin_forms`; closing a year or a period (`admin_closing`, the administrator's only).
The secretary reads these pages; only an administrator changes them
(core/services/school_setup.py `setup_manager`).
"""

from __future__ import annotations

from fastapi import APIRouter

from webapp.pages import admin_closing, admin_school, admin_staff, admin_structure

router = APIRouter()
for part in (
    admin_school.router,
    admin_structure.router,
    admin_staff.router,
    admin_closing.router,
):
    router.include_router(part)
