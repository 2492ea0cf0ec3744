"""A field's length counter in a real browser: a long paste is counted, never cut.

The remark of 6,160 characters that a `maxlength` once cut at 4,000 without a word:
pasted now, it stays whole, the counter under it says by how much it is over and the
form will not send it; shortened, the counter goes quiet and the remark is recorded.
"""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.conftest import LiveWeb, SignIn

PASTED = ("Опоздал на урок и мешал работать классу. " * 200)[:6160]


def spaced(text: str) -> str:
    """Digit groups as ICU and Babel write them in Russian (a no-break space)."""
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


async def test_a_long_remark_is_counted_and_kept_then_recorded_once_short(
    live_web: LiveWeb, sign_in: SignIn
) -> None:
    w = live_web.world
    page = await sign_in("math")
    await page.goto(f"/lessons/{w.lessons['math7']}")
    remarks = page.locator("#lesson-remarks")
    area = remarks.locator("textarea[name=text]")
    counter = remarks.locator(".limit-counter")
    await expect(counter).to_have_text("0 из 4 000 символов")

    await remarks.locator("select[name=student]").select_option(str(w.students["petya"]))
    await area.fill(PASTED)
    assert len(await area.input_value()) == 6160  # nothing cut
    assert spaced(await counter.inner_text()) == (
        "6 160 из 4 000 символов Лишних: 2 160 — сократите текст, ничего не обрезается."
    )
    await expect(counter).to_have_class("limit-counter over")
    assert await area.evaluate("field => field.validity.valid") is False
    await remarks.locator("button[type=submit]").click()  # the browser refuses to send it
    await expect(remarks.locator("ul.remarks li")).to_have_count(0)

    await area.fill(PASTED[:120])
    assert spaced(await counter.inner_text()) == "120 из 4 000 символов"
    await remarks.locator("button[type=submit]").click()
    await expect(remarks.locator("ul.remarks li")).to_have_count(1)
    await expect(remarks).to_contain_text(PASTED[:40])
    # The section htmx swapped in has its counter too.
    await expect(remarks.locator(".limit-counter")).to_have_text("0 из 4 000 символов")
