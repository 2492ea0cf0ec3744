"""The layout every page shares: who is signed in, navigation by role, language, errors."""

from __future__ import annotations

import pytest

from core.i18n import texts
from tests.web.browser import Web
from tests.web.pages import header_text, text_of


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("who", ["math", "deputy", "admin", "secretary"])
async def test_every_page_renders_in_both_languages(web: Web, who: str, lang: str) -> None:
    browser = await web.signed_in(who)
    await browser.get("/password")
    await browser.submit("/language", {"lang": lang, "next": "/"})
    for path in ("/today", "/tokens", "/password", "/today?date=2026-10-27"):
        page = await browser.get(path)
        assert page.status_code == 200, path
        assert f'<html lang="{lang}">' in page.text
        assert ("Выйти" if lang == "ru" else "Sign out") in page.text


async def test_header_names_the_school_the_person_and_their_sections(web: Web) -> None:
    teacher = await web.signed_in("math")
    header = header_text((await teacher.get("/tokens")).text)
    assert header == (
        "Звонок Школа №1 Сегодня Журнал Контрольные Классное руководство Мои задолженности "
        "Напоминания API-токены Пароль Иванова М.П. (учитель) Выйти English"
    )
    deputy = await web.signed_in("deputy")
    header = header_text((await deputy.get("/tokens")).text)
    assert header == (
        "Звонок Школа №1 Журнал Контрольные Классное руководство Ведомость Контроль журнала "
        "Архив Напоминания API-токены Пароль Орлова Т.Б. (заместитель директора) Выйти English"
    )


async def test_unknown_page_and_bad_input_are_explained(web: Web) -> None:
    browser = await web.signed_in("math")
    missing = await browser.get("/no-such-page")
    assert missing.status_code == 404 and "Страница не найдена." in missing.text
    bad_date = await browser.get("/today?date=вчера")
    assert bad_date.status_code == 422 and "Запрос заполнен неверно" in text_of(bad_date.text)
    api = await browser.client.get("/api/v1/nothing")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


async def test_htmx_errors_go_to_the_message_area(web: Web) -> None:
    browser = await web.signed_in("russian")
    await browser.get("/today")
    refused = await browser.htmx(f"/today/lessons/{web.world.lessons['math7']}/roll-call")
    assert refused.status_code == 403
    assert refused.headers["HX-Retarget"] == "#flash"
    assert text_of(refused.text) == ("Вы не ведёте «Математика» в 7Б и не замещаете этот урок.")


async def test_the_switch_offers_the_other_staff_language_by_its_own_name(web: Web) -> None:
    browser = await web.signed_in("math")
    russian = await browser.get("/tokens")
    assert 'name="lang" value="en" lang="en">English</button>' in russian.text
    await browser.submit("/language", {"lang": "en", "next": "/tokens"})
    english = header_text((await browser.get("/tokens")).text)
    assert english == (
        "Zvonok Школа №1 Today Journal Tests Class teacher My backlog Reminders API tokens "
        "Password Иванова М.П. (teacher) Sign out Русский"
    )


@pytest.mark.parametrize(
    ("count", "words"),
    [(1, "1 урок"), (2, "2 урока"), (5, "5 уроков"), (11, "11 уроков"), (21, "21 урок")],
)
def test_counts_take_the_russian_plural_forms(count: int, words: str) -> None:
    text = texts("web", "ru").ngettext(
        "%(num)d lesson, fully filled in: %(complete)s.",
        "%(num)d lessons, fully filled in: %(complete)s.",
        count,
        complete=0,
    )
    assert text == f"{words}, заполнено полностью: 0."
