"""Names vulture cannot see used (pyproject.toml's [tool.vulture] runs this file with
the code). Each is read where Python's own references do not reach."""

from __future__ import annotations

from typing import Any

_: Any = None

# Read by Jinja2 templates (webapp/templates).
_.may_invite  # core/reading/class_families.py: homeroom_class.html
_.may_print
_.unsubscribed
_.paper_students
_.averages_on  # core/reports/weekly.py: weekly_summary.html
_.percent  # webapp/roster_jobs.py: _roster_import_state.html
_.href  # webapp/nav.py: base.html
_.tabs  # webapp/labels.py: the labels the admin and roster templates print
_.period_kinds
_.deadline_options
_.states
_.import_statuses
_.enrol_reasons
_.control_kinds  # the control's pages (control*.html)
_.lesson_lists
_.monthly_missing  # control.html; core/delivery/staff_compose.py: the staff summary
_.mandatory  # core/reading/reminder_settings.py: webapp/templates/reminders.html
_.last_good_name  # core/reading/backups.py: webapp/templates/admin_backups.html
_.last_good_size
_.school_minutes_before
_.school_evening_time

# Read by name: settings forms and JSON answers list fields as strings, the SMS
# providers' error tables name the backoff to use, uvicorn imports an app by string.
_.preliminary_marks_days_before_holidays  # core/policy.py: the school settings form
_.rate_limited  # notifier/sms_providers.py: SMS.ru's codes 206, 230, 232
_.has_password  # webapp/api/admin.py: the staff list's JSON
_.telegram_linked
_.day_load  # webapp/api/journal_models.py: the posted homework's day, in its JSON
_.pupils_owed  # webapp/api/control.py: the control's lessons in JSON
_.built_for  # core/fallback/snapshot.py: in the stored snapshot, for whoever inspects it
_.bare_app  # bench/web_stack.py: "bench.web_stack:bare_app" for uvicorn
_.__test__  # core/reading/test_matching.py: pytest reads it (a test* function is no test)
_.main_loop  # notifier/standins/asgi.py: uvicorn.Server.serve calls the override

# For people, not called by the code.
_.set_translations  # core/catalogs.py: scripts that fill catalogs (docs/i18n.md)
