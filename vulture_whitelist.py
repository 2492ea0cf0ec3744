"""Names vulture cannot see used (pyproject.toml's [tool.vulture] runs this file with
the code). Each is read where Python's own references do not reach."""

from __future__ import annotations

from typing import Any

_: Any = None

# Read by Jinja2 templates (webapp/templates, core/reports/templates).
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
_.monthly_missing  # core/reading/control_summary.py: control.html

# Read by name: settings forms and JSON answers list fields as strings, the SMS
# providers' error tables name the backoff to use, uvicorn imports an app by string.
_.preliminary_marks_days_before_holidays  # core/policy.py: the school settings form
_.rate_limited  # notifier/sms_providers.py: SMS.ru's codes 206, 230, 232
_.has_password  # webapp/api/admin.py: the staff list's JSON
_.telegram_linked
_.pupils_owed  # webapp/api/control.py: the control's lessons in JSON
_.built_for  # core/fallback/snapshot.py: in the stored snapshot, for whoever inspects it
_.bare_app  # bench/web_stack.py: "bench.web_stack:bare_app" for uvicorn

# For people, not called by the code.
# core/control/rules.py: the rule for one mark, beside the others; journal_control makes
# the same comparison with each deadline worked out once (core/reading/control.py _Memo).
_.mark_is_late
_.set_translations  # core/catalogs.py: scripts that fill catalogs (docs/i18n.md)
# core/policy.py: issue 10's settings, on the set-up page and in the policy API; the
# control rules, reminders and test schedule that read them are being built (remove
# each line when its reader lands).
_.tests_per_day_max
_.tests_per_week_max
_.test_limits_refuse
_.reminders_mandatory
_.homework_reminder_minutes_before
_.mark_reminder_time
_.backlog_alert_threshold
_.homework_minutes_limit
_.minutes  # core/models/journal.py: Homework.minutes, entered by the homework-volume work
