"""The administrator's set-up pages.

School and calendar (`admin_school`), classes, subjects, assignments and timetable
(`admin_structure`), staff accounts (`admin_staff`), the entries a breach voided
(`admin_breach`), the backups and closing a year or a period (`admin_backups`,
`admin_closing`: the administrator only); the shared form handling is in
`admin_forms`. `routers` are served by the app as they are. The secretary reads these pages; only an administrator changes them
(core/services/school_setup.py `setup_manager`).
"""

from __future__ import annotations

from webapp.pages import (
    admin_backups,
    admin_breach,
    admin_closing,
    admin_school,
    admin_staff,
    admin_structure,
)

routers = (
    admin_school.router,
    admin_structure.router,
    admin_staff.router,
    admin_breach.router,
    admin_backups.router,
    admin_closing.router,
)
