"""Figures end-to-end tests report (duplicates after a SIGKILL, timings), shown after the run.

A test calls `record_property(REPORT, line)`; the line is printed in the terminal
summary. Registered from the root conftest, so it also works under pytest-xdist, where
a test's own print goes nowhere and the controller never loads tests/e2e/conftest.py.
"""

from __future__ import annotations

import pytest

REPORT = "e2e_report"
_collected: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        _collected.extend(str(value) for key, value in report.user_properties if key == REPORT)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _collected:
        terminalreporter.write_sep("-", "end-to-end delivery figures")
        for line in _collected:
            terminalreporter.write_line(line)
