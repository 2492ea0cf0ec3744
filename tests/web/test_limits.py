"""Length limits: shown while typing, refused with a message when sent, never cut.

A 6,160-character remark pasted into a form with `maxlength="4000"` lost its end
mid-word without a word. The forms now carry their limit as data for the counter
(webapp/static/limits.js; the browser test is tests/browser/test_limits.py) and no
`maxlength`; a text over its limit reaches core, which refuses it by the field's name,
and the form comes back with all of what was typed.
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from core import limits
from core.errors import RuleViolation
from core.models import Announcement, Remark
from core.services.remarks import post_remark
from tests.builders import uow_at
from tests.web.browser import Web
from tests.web.journal_site import site_fixture  # noqa: F401  (the `site` fixture)
from tests.web.test_lesson_page import htmx_form, lesson_page

PASTED = ("Опоздал на урок и мешал работать классу. " * 200)[:6160]


async def test_a_pasted_long_remark_is_refused_by_name_and_kept_whole(site: Web) -> None:
    w = site.world
    lesson = w.lessons["math7"]
    browser, page = await lesson_page(site, "math")
    area = re.search(r'<textarea name="text" rows="2" ([^>]*)>', page)
    assert area is not None and "maxlength" not in area.group(1)
    assert 'data-limit="4000"' in area.group(1)
    assert 'data-counter="{count} из 4\xa0000 символов"' in area.group(1)
    assert '<script src="/static/limits.js" defer></script>' in page

    form = {"student": str(w.students["petya"]), "kind": "remark", "text": PASTED, "send": "true"}
    status, section = await htmx_form(browser, f"/lessons/{lesson}/remarks", form)

    assert status == 422
    assert (
        "Замечание: слишком длинный текст — 6\xa0160 символов, а можно не больше 4\xa0000. "
        "Сократите его: ничего не обрезано и не сохранено."
    ) in section
    assert f">{PASTED}</textarea>" in section  # all of it, to shorten
    async with site.db.session() as session:
        assert (await session.exec(select(Remark))).all() == []


async def test_an_announcement_title_over_its_limit_is_refused_by_the_api_too(
    site: Web,
) -> None:
    w = site.world
    token = await site.api_token("russian", name="t")
    client = site.browser().client
    sent = await client.post(
        "/api/v1/announcements",
        json={"class_id": w.classes["7Б"], "title": "Т" * 201, "body": "Текст"},
        headers={"Authorization": f"Bearer {token.secret}"},
    )
    assert sent.status_code == 422
    error = sent.json()["error"]
    assert error["code"] == "too_long"
    assert error["message"].startswith("Заголовок объявления: слишком длинный текст — 201 символ,")
    async with site.db.session() as session:
        assert (await session.exec(select(Announcement))).all() == []


@pytest.mark.parametrize(
    ("field", "limit"),
    [("remark", 4000), ("homework", 4000), ("announcement_body", 4000), ("topic", 500)],
)
def test_a_line_break_counts_once_as_the_counter_counts_it(field: str, limit: int) -> None:
    # A browser sends a textarea's line breaks as CRLF and counts each as one character.
    at_limit = "а\r\n" * (limit // 2)
    assert limits.check_length(field, at_limit) == at_limit
    with pytest.raises(RuleViolation) as refused:
        limits.check_length(field, at_limit + "б")
    assert refused.value.params == {"field": field, "limit": limit, "length": limit + 1}


async def test_core_refuses_and_saves_nothing_whoever_calls(site: Web) -> None:
    w = site.world
    with pytest.raises(RuleViolation) as refused:
        await post_remark(
            uow_at(site.db),
            actor=w.actor("math"),
            student_id=w.students["petya"],
            kind="remark",
            text=PASTED,
            lesson_id=w.lessons["math7"],
        )
    assert refused.value.code == "too_long"
    assert refused.value.message("en") == (
        "Remark is too long: 6,160 characters, at most 4,000. Shorten it: nothing was cut or saved."
    )
