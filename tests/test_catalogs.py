"""The gettext catalogs against the code: complete, in step, compiling (core/catalogs.py)."""

from __future__ import annotations

from core.catalogs import check


def test_catalogs_are_complete_and_in_step_with_the_code() -> None:
    problems = [str(problem) for problem in check()]
    assert problems == [], "run `zvonok i18n update`, then translate:\n" + "\n".join(problems)
