"""The administrator's set-up pages, one router for the app to include.

School and calendar (`admin_school`), classes, subjects, assignments and timetable
(`admin_structure`), staff accounts (`admin_staff`) and the entries a breach voided
(`admin_breach`); the shared form handling is in
`admin_forms`. The secretary reads these pages; only an administrator changes them
(core/services/school_setup.py `setup_manager`).
"""

from __future__ import annotations

from fastapi import APIRouter

from webapp.pages import admin_breach, admin_school, admin_staff, admin_structure

router = APIRouter()
for part in (
    admin_school.router,
    admin_structure.router,
    admin_staff.router,
    admin_breach.router,
):
    router.include_router(part)
