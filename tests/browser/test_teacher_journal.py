"""A teacher at the journal in a real browser, and the family's Telegram afterwards.

The mathematics teacher signs in, opens 7Б's grid, types marks and an absence from
the keyboard (arrows, Tab, Enter, Delete), sees each cell's tick, types a 7 and sees
core's refusal beside the value she typed; then sets homework on the lesson page.
The delivery system runs meanwhile (a real worker process, the Telegram emulator:
tests/e2e/system.py), and the homework reaches the right mother's chat.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from playwright.async_api import Locator, Page, expect

from core.models import Lesson, utcnow
from core.reading.access import ReadingUnit
from core.reading.grid import journal_grid
from tests.browser.conftest import LiveWeb, SignIn
from tests.builders import insert
from tests.e2e.families import QUICK_POLICY, choose, give_contacts, plain, set_policy
from tests.e2e.system import run_system, wait_until

HOMEWORK = "№ 245 и 247, повторить дроби"


async def add_math_lessons(live_web: LiveWeb) -> None:
    """Two more mathematics lessons of 7Б in the quarter, before the builders' one."""
    w = live_web.world
    await insert(
        live_web.db,
        *(
            Lesson(
                school_id=w.school_id,
                class_id=w.classes["7Б"],
                subject_id=w.subjects["Математика"],
                teacher_id=w.staff["math"],
                date=day,
                slot=2,
                created_at=utcnow(),
            )
            for day in (dt.date(2026, 11, 16), dt.date(2026, 11, 18))
        ),
    )


def cell(page: Page, row: int, column: int) -> Locator:
    """The grid's cell of the `row`-th student and the `column`-th lesson (from 1)."""
    return page.locator(f"#grid tbody tr:nth-child({row}) td:nth-child({column + 2})")


async def type_in_grid(page: Page) -> None:
    # Rows: 1 Новиков Иван, 2 Соколов Пётр, 3 Соколова Мария; columns 16.11, 18.11, 23.11.
    await cell(page, 1, 1).click()
    await page.keyboard.type("3")
    await page.keyboard.press("Tab")  # → Иван, 18.11
    await page.keyboard.type("5")
    await page.keyboard.press("Enter")  # → Пётр, 18.11
    await page.keyboard.type("н")
    await page.keyboard.press("ArrowRight")  # → Пётр, 23.11
    await page.keyboard.type("5 4")
    await page.keyboard.press("Enter")  # → Мария, 23.11
    await page.keyboard.type("7")
    await page.keyboard.press("ArrowUp")  # → Пётр, 23.11
    await page.keyboard.press("ArrowLeft")  # → Пётр, 18.11
    await page.keyboard.press("ArrowUp")  # → Иван, 18.11
    await page.keyboard.press("ArrowLeft")  # → Иван, 16.11
    await page.keyboard.press("Delete")  # the 3 was a slip


async def test_teacher_types_marks_and_the_family_hears_of_homework(
    live_web: LiveWeb, sign_in: SignIn, redis_url: str, tmp_path: Path
) -> None:
    w, db = live_web.world, live_web.db
    await add_math_lessons(live_web)
    await set_policy(db, w.school_id, **QUICK_POLICY)
    mother = await give_contacts(db, w.guardians["sokolova"], telegram=True)  # Петя, Маша
    stranger = await give_contacts(db, w.guardians["morozova"], telegram=True)  # Лена, 10А
    await choose(db, w.school_id, w.guardians["sokolova"], modes={"homework": "instant"})
    assert mother.chat_id and stranger.chat_id

    async with run_system(db, redis_url, tmp_path / "system", workers=1) as system:
        page = await sign_in("math")
        await page.goto(f"/journal?class={w.classes['7Б']}&subject={w.subjects['Математика']}")
        await expect(page.locator("h1")).to_have_text("Математика, 7Б")
        await type_in_grid(page)

        saved = re.compile(r"\bsaved\b")
        for row, column, text in [(1, 1, ""), (1, 2, "5"), (2, 2, "н"), (2, 3, "5 4")]:
            await expect(cell(page, row, column)).to_have_class(saved)
            await expect(cell(page, row, column)).to_have_text(text)
        refused = cell(page, 3, 3)
        await expect(refused).to_have_class(re.compile(r"\bunsaved\b"))
        await expect(refused).to_contain_text("7")  # what she typed stays in view
        await expect(refused.locator(".cell-error")).to_have_text(
            "Отметка «7» недопустима: ставятся отметки от 2 до 5."
        )
        rows = page.locator("#grid tbody tr")
        await expect(rows.nth(0).locator("td.avg")).to_have_text("5,00")
        await expect(rows.nth(1).locator("td.avg")).to_have_text("4,50")
        await expect(rows.nth(2).locator("td.avg")).to_have_text("")

        # The journal, read through core, says what the ticks said.
        grid = await journal_grid(
            ReadingUnit(db, clock=live_web.clock),
            actor=w.actor("math"),
            class_id=w.classes["7Б"],
            subject_id=w.subjects["Математика"],
        )
        assert [[c.text for c in row.cells] for row in grid.rows] == [
            ["", "5", ""],
            ["", "н", "5 4"],
            ["", "", ""],
        ]

        await page.goto(f"/lessons/{w.lessons['math7']}")
        homework = page.locator("#lesson-homework")
        await homework.locator("textarea[name=text]").fill(HOMEWORK)
        await homework.locator("button[type=submit]", has_text="Задать").click()
        await expect(page.locator("#lesson-homework .ok")).to_have_text("Сохранено.")
        await expect(page.locator("#lesson-homework ul.homework")).to_contain_text(HOMEWORK)

        await wait_until(
            lambda: any(HOMEWORK in plain(m.text) for m in system.telegram_to(mother.chat_id)),
            within=30,
            what="the homework in Sokolova's chat",
        )
        texts = [plain(m.text) for m in system.telegram_to(mother.chat_id)]
        assert any("Отметка" in text and "Пётр" in text for text in texts), texts
        assert system.telegram_to(stranger.chat_id) == []  # Лена's mother: not her class
