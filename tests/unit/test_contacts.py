"""Names, phone numbers and e-mail addresses as people type them."""

from __future__ import annotations

import pytest

from core.contacts import check_language, clean_names, normalize_email, normalize_phone
from core.errors import RuleViolation


@pytest.mark.parametrize(
    "typed",
    [
        "8 (916) 123-45-67",
        "+7 916 123-45-67",
        "+7(916)1234567",
        "89161234567",
        "79161234567",
        "9161234567",
        " 8-916-123-45-67 ",
        "8.916.123.45.67",
    ],
)
def test_russian_spellings_become_e164(typed: str) -> None:
    assert normalize_phone(typed) == "+79161234567"


def test_foreign_number_in_e164_is_kept() -> None:
    assert normalize_phone("+375 29 123-45-67") == "+375291234567"


@pytest.mark.parametrize(
    "typed", ["123-45-67", "8 916 123 45 6", "+7 916 123 45 678", "телефон", "8916abc4567", ""]
)
def test_unreadable_number_is_refused_naming_it(typed: str) -> None:
    with pytest.raises(RuleViolation) as err:
        normalize_phone(typed)
    assert f"Телефон «{typed.strip()}» не распознан" in str(err.value)
    assert "not recognised" in err.value.message("en")


def test_email_is_trimmed_and_lower_cased() -> None:
    assert normalize_email("  Anna.Sokolova@Example.RU ") == "anna.sokolova@example.ru"


@pytest.mark.parametrize("typed", ["anna", "anna@", "anna@example", "a b@example.ru", "a@@b.ru"])
def test_email_typos_are_refused(typed: str) -> None:
    with pytest.raises(RuleViolation, match="не похож на адрес электронной почты"):
        normalize_email(typed)


def test_language_is_ru_or_en() -> None:
    assert check_language("en") == "en"
    with pytest.raises(RuleViolation, match="Язык «de» не поддерживается"):
        check_language("de")


def test_names_are_trimmed_and_last_and_first_required() -> None:
    assert clean_names("  Соколова ", "Анна  Мария", "") == ("Соколова", "Анна Мария", "")
    with pytest.raises(RuleViolation, match="Укажите фамилию"):
        clean_names("  ", "Анна")
    with pytest.raises(RuleViolation, match="Укажите имя"):
        clean_names("Соколова", "")
