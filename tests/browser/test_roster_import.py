"""The administrator imports a roster in a real browser: a bad row first, then the fix.

She uploads a file with one bad phone and sees the row named with its reason and
nothing written; uploads the corrected file, reads the preview, confirms, watches the
progress bar while the journal is busy with another writer, and sees the result and
the new students in their class.
"""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from core.models import Enrollment, Guardian, Student, StudentGuardian
from tests.browser.conftest import LiveWeb, SignIn
from tests.integration.outbox_helpers import snapshot_counts
from tests.integration.roster_files import Cell, csv_file, row

TABLES = (Student, Enrollment, Guardian, StudentGuardian)
GLEB = row(
    "Зайцев",
    "Глеб",
    "Ильич",
    "02.04.2013",
    "7Б",
    g1=("Зайцева Ольга Ивановна", "8 (916) 555-01-01", "olga@example.ru", "мать"),
)
ALISA = row(
    "Зайцева", "Алиса", "", "07.03.2019", "1А", g1=("Зайцева Ольга Ивановна", "89165550101")
)


def stepan(phone: str) -> list[Cell]:
    return row("Орлов", "Степан", klass="7Б", g1=("Орлова Мария", phone, "", "мать"))


async def upload(page: Page, content: bytes) -> None:
    """Choose the file in the page's upload form and send it."""
    await page.set_input_files(
        "input[name=file]",
        files=[{"name": "список.csv", "mimeType": "text/csv", "buffer": content}],
    )
    async with page.expect_navigation():
        await page.get_by_role("button", name="Проверить файл").click()


async def test_admin_imports_a_roster_after_fixing_a_bad_row(
    live_web: LiveWeb, sign_in: SignIn
) -> None:
    before = await snapshot_counts(live_web.db, *TABLES)
    page = await sign_in("admin")
    await page.locator("header nav").get_by_role("link", name="Ученики", exact=True).click()
    await page.get_by_role("link", name="Загрузить список из файла (CSV, XLSX)").click()

    await upload(
        page, csv_file([GLEB, stepan("8 916 12"), ALISA], delimiter=";", encoding="cp1251")
    )

    await expect(page.get_by_text("1 ошибка в 1 строке. Ничего не записано.")).to_be_visible()
    problem = page.locator("table.problems tbody tr")
    await expect(problem).to_have_count(1)
    await expect(problem.locator("td")).to_have_text(
        ["3", "Родитель 1 телефон", re.compile(r"^Телефон «8 916 12» не распознан")]
    )
    await expect(page.get_by_role("button", name="Загрузить в журнал")).to_have_count(0)
    assert await snapshot_counts(live_web.db, *TABLES) == before

    # The corrected file, from the form under the errors.
    await upload(page, csv_file([GLEB, stepan("8 916 123-45-67"), ALISA], delimiter=";"))
    await expect(page.get_by_text("Ошибок нет. Будет создано:")).to_be_visible()
    await expect(page.get_by_text("3 ученика")).to_be_visible()
    await expect(page.locator("table.sample tbody tr")).to_have_count(3)

    # Another writer holds the journal for a moment: the import waits, and says so.
    busy = await live_web.db.writing_session()
    try:
        await page.get_by_role("button", name="Загрузить в журнал").click()
        progress = page.locator("#import-state progress")
        await expect(progress).to_be_visible()
        await expect(page.locator("#import-state")).to_contain_text("Ожидание…")
        assert await snapshot_counts(live_web.db, *TABLES) == before
    finally:
        await busy.rollback()
        await busy.close()

    # The page polls the import's state; the progress bar gives way to the result.
    await expect(page.get_by_text("Список загружен в журнал.")).to_be_visible()
    await expect(progress).to_have_count(0)
    counts = page.locator("#import-state ul.counts").first.locator("li")
    await expect(counts.nth(0)).to_have_text("3 ученика")
    await expect(counts.nth(1)).to_have_text("2 новых представителя")
    await page.locator("#import-state").get_by_role("link", name="7Б").click()
    students = page.locator("table.class-roster").first.locator("tbody tr td:first-child")
    await expect(students).to_contain_text(["Зайцев Глеб Ильич", "Новиков Иван", "Орлов Степан"])
    after = await snapshot_counts(live_web.db, *TABLES)
    assert after["Student"] - before["Student"] == 3
    assert after["Guardian"] - before["Guardian"] == 2
