"""Core's errors: stable codes, texts from the catalogs in the reader's language."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import get_args

import pytest

from core.error_texts import TABLES, error_text
from core.error_texts.journal import things
from core.errors import Forbidden, InviteExpired, NotFound, RuleViolation, Thing, ZvonokError
from core.i18n import texts
from core.reading.roster_imports import RowProblem

ROOT = Path(__file__).resolve().parents[2]
ERRORS = ("RuleViolation", "Forbidden", "NotFound", "BadSetting", "ZvonokError")


def test_an_error_is_a_code_with_json_parameters_read_in_either_language() -> None:
    error = RuleViolation("bad_mark_value", value=7)
    assert (error.code, error.params) == ("bad_mark_value", {"value": 7})
    assert str(error) == "Отметка «7» недопустима: ставятся отметки от 2 до 5."
    assert error.message("en") == "Mark “7” is not allowed: marks are 2 to 5."
    assert error.key_used == "bad_mark_value"  # the name entry points used before `code`


def test_a_parameter_that_is_a_code_is_shown_as_a_word_of_the_readers_language() -> None:
    missing = NotFound(what="lesson")
    assert missing.params == {"what": "lesson"}
    assert (str(missing), missing.message("en")) == ("Не найдено: урок.", "Not found: lesson.")
    roles = RuleViolation("roles_required", allowed=["teacher", "deputy", "admin", "secretary"])
    assert str(roles) == (
        "Укажите хотя бы одну роль: учитель, заместитель директора, администратор, секретарь."
    )
    assert roles.message("en") == (
        "Give at least one role: teacher, deputy director, administrator, secretary."
    )


def test_a_refusal_keeps_its_code_and_says_why_by_the_reasons_own_text() -> None:
    refused = Forbidden(reason="journal_closed", klass="7Б")
    assert (refused.code, refused.params) == (
        "forbidden",
        {"reason": "journal_closed", "klass": "7Б"},
    )
    assert str(refused) == "Недостаточно прав: журнал 7Б вам недоступен."
    assert refused.message("en") == "Not allowed: the journal of 7Б is not open to you."
    # A caller not yet giving a code still reads as before.
    assert str(RuleViolation("bad_value", reason="нет даты")) == "Недопустимое значение: нет даты."
    assert str(Forbidden()) == "Недостаточно прав."


@pytest.mark.parametrize(
    ("count", "ru"),
    [
        (1, "В файле есть ошибки в 1 строке: исправьте их и загрузите файл снова."),
        (2, "В файле есть ошибки в 2 строках: исправьте их и загрузите файл снова."),
        (5, "В файле есть ошибки в 5 строках: исправьте их и загрузите файл снова."),
        (21, "В файле есть ошибки в 21 строке: исправьте их и загрузите файл снова."),
    ],
)
def test_counts_take_the_russian_plural_forms(count: int, ru: str) -> None:
    assert str(RuleViolation("roster_import_fix_first", count=count)) == ru


@pytest.mark.parametrize(
    ("left", "ru", "uz"),
    [
        (1, "Код неверный. Осталась 1 попытка.", "Kod notoʻgʻri. Yana 1 ta urinish qoldi."),
        (3, "Код неверный. Осталось 3 попытки.", "Kod notoʻgʻri. Yana 3 ta urinish qoldi."),
        (5, "Код неверный. Осталось 5 попыток.", "Kod notoʻgʻri. Yana 5 ta urinish qoldi."),
    ],
)
def test_a_parents_error_reads_in_every_parents_language(left: int, ru: str, uz: str) -> None:
    error = RuleViolation("contact_code_wrong", left=left)
    assert (str(error), error.message("uz")) == (ru, uz)
    assert error.message("tg").startswith("Рамз нодуруст аст.")
    assert error.message("ky").startswith("Код туура эмес.")


def test_dates_are_written_as_the_reader_writes_them() -> None:
    expired = InviteExpired(date=dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC))
    assert expired.params == {"date": "2026-11-26T12:00:00+00:00"}
    assert str(expired).startswith("Срок действия кода истёк 26.11.2026 12:00.")
    assert expired.message("en").startswith("This code expired on 26/11/2026 12:00.")
    assert expired.message("uz").startswith("Bu kodning amal qilish muddati 26/11/26 12:00 da")


def test_a_staff_error_read_in_a_parents_language_is_read_in_russian() -> None:
    error = RuleViolation("lesson_outside_year", date=dt.date(2026, 6, 1), year="2025/2026")
    assert error.message("uz") == str(error) == "01.06.2026 не входит в учебный год 2025/2026."


def test_a_stored_problem_reads_like_the_error_it_was() -> None:
    error = RuleViolation("roster_unknown_class", klass="7Г", date=dt.date(2026, 9, 1), known="7А")
    problem = RowProblem.model_validate_json(
        RowProblem(row=3, column="Класс", key=error.code, params=error.params).model_dump_json()
    )
    assert problem.message("en") == error.message("en")
    assert problem.message() == "Класса «7Г» нет в учебном году на 01.09.2026. Есть классы: 7А."


def test_every_code_has_one_text_and_things_match_the_type() -> None:
    codes = [code for table in TABLES for code in table.codes()]
    assert len(codes) == len(set(codes))
    assert set(things(texts("core", "en"))) == set(get_args(Thing))


def _raised_codes() -> set[tuple[str, str]]:
    """Every literal code given to an error class in the code base, with its file."""
    found = set()
    for package in ("core", "webapp", "bots", "workers"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ERRORS
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    found.add((str(node.args[0].value), str(path.relative_to(ROOT))))
    return found


def test_every_error_raised_has_a_text() -> None:
    known = {code for table in TABLES for code in table.codes()}
    assert {(code, where) for code, where in _raised_codes() if code not in known} == set()
    for error_class in ZvonokError.__subclasses__():
        assert error_class.key in known, error_class


def test_an_unknown_code_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        error_text("no_such_error", "ru", {})
