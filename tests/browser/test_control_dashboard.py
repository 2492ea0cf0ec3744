"""The deputy director at the control dashboard in a real browser: opens it from the
header, chooses the week, opens a class's day over the homework limit, drills down from
the teachers' table to a late teacher's lessons, and exports the control report, whose
download is the archived file."""

from __future__ import annotations

import hashlib

from playwright.async_api import expect

from tests.browser.conftest import LiveWeb, SignIn
from tests.control_journal import READ_AT, fill_the_week
from tests.web.pdfs import ARTIFACTS, pages_text


async def test_the_deputy_drills_down_to_a_late_teacher_and_exports_the_report(
    live_web: LiveWeb, sign_in: SignIn
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await fill_the_week(live_web.db, live_web.world)
    live_web.clock.now = READ_AT
    page = await sign_in("deputy")
    await page.click("header nav >> text=Контроль журнала")
    await page.wait_for_url("**/control")
    main = page.locator("main")
    await expect(main.locator("h1")).to_have_text("Контроль ведения журнала")

    await page.fill("input[name=week]", "2026-11-25")  # any day of the week
    async with page.expect_navigation():
        await page.click("text=Показать неделю")
    assert "Неделя 23.11.2026–29.11.2026." in await main.inner_text()
    totals = await page.locator("#totals tbody td").all_inner_texts()
    assert totals == [
        "5", "1", "2", "0", "2", "1", "3", "1", "3", "7", "0", "5 / 6", "1", "1", "1", "1", "1",
    ]  # fmt: skip
    await page.screenshot(path=ARTIFACTS / "control-dashboard.png", full_page=True)

    # 7Б's Wednesday over the homework limit: its number opens the day and its homework.
    async with page.expect_navigation():
        await page.locator("#overload-table a").click()
    await expect(main.locator("h1")).to_have_text("Объём домашних заданий сверх нормы — 7Б")
    day = page.locator("#items tbody tr")
    await expect(day).to_have_count(1)
    await expect(day.locator("td").nth(5)).to_contain_text(
        "Математика — Иванова М.П.: 60 мин (задано 23.11, индивидуально)"
    )
    await page.screenshot(path=ARTIFACTS / "control-homework.png", full_page=True)
    async with page.expect_navigation():
        await page.go_back()

    # Иванова М.П. gave homework late: her name opens her part, the number her lessons.
    teacher = page.locator("#by-teacher tr", has_text="Иванова М.П.")
    async with page.expect_navigation():
        await teacher.locator("a", has_text="Иванова М.П.").click()
    await expect(main.locator("h1")).to_have_text("Контроль журнала: Иванова М.П.")
    math_7b = page.locator("#by-place tr", has_text="7Б").filter(has_text="Математика")
    homework_late = math_7b.locator(
        "td:nth-child(9) a"
    )  # after class, subject, teacher, lessons, topic and roll call
    await expect(homework_late).to_have_text("1")
    async with page.expect_navigation():
        await homework_late.click()
    await expect(main.locator("h1")).to_have_text(
        "Домашнее задание записано не в срок — Иванова М.П. · 7Б · Математика"
    )
    rows = page.locator("#items tbody tr")
    await expect(rows).to_have_count(1)
    assert await rows.first.locator("td").all_inner_texts() == [
        "23.11.2026", "2", "7Б", "Математика", "Иванова М.П.", "23.11.2026, 16:15",
        "23.11.2026, 20:00",
    ]  # fmt: skip
    await page.screenshot(path=ARTIFACTS / "control-lessons.png", full_page=True)

    # Back to the school's week, and the report for it.
    async with page.expect_navigation():
        await page.click("text=к контролю журнала")
    async with page.expect_navigation():
        await page.click("text=← вся школа")
    async with page.expect_navigation():
        await page.click("text=Справка за этот период: PDF для печати")
    assert "/control/reports?export=" in page.url
    await expect(page.locator("[role=status]")).to_have_text(
        "Файл сформирован и сохранён в архиве."
    )
    archived = page.locator("table.exports tbody tr").first
    await expect(archived).to_contain_text("23.11.2026–29.11.2026")
    file_hash = await archived.locator("td:nth-child(7) code").inner_text()
    async with page.expect_download() as waiting:
        await archived.locator("text=Скачать").click()
    download = await waiting.value
    path = await download.path()
    pdf = path.read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == file_hash
    assert download.suggested_filename.startswith("spravka-kontrol-ezh-20261123-20261129-")
    assert "Справка по итогам проверки ведения электронного журнала" in pages_text(pdf)[0]
    await page.screenshot(path=ARTIFACTS / "control-reports.png", full_page=True)
