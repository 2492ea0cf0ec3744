"""A class teacher in a real browser: sends the monthly message and watches each parent's
status move to delivered, as a real worker process sends it to the Telegram emulator
and the SMTP stand-in (tests/e2e/system.py)."""

from __future__ import annotations

from pathlib import Path

from core.actors import GuardianActor
from core.models import Guardian
from core.services.acknowledgements import acknowledge
from tests.browser.conftest import LiveWeb, SignIn
from tests.builders import update_row
from tests.e2e.families import QUICK_POLICY, set_policy
from tests.e2e.system import run_system
from tests.web.pdfs import ARTIFACTS

MOTHER_CHAT = 7_000_001


async def test_the_class_teacher_sends_the_monthly_message_and_sees_it_delivered(
    live_web: LiveWeb, sign_in: SignIn, redis_url: str, tmp_path: Path
) -> None:
    w = live_web.world
    ARTIFACTS.mkdir(exist_ok=True)
    await set_policy(live_web.db, w.school_id, **QUICK_POLICY)
    # Соколова reads Telegram; Новиков has only his email (tests.builders).
    await update_row(live_web.db, Guardian, w.guardians["sokolova"], telegram_chat_id=MOTHER_CHAT)
    async with run_system(live_web.db, redis_url, tmp_path, workers=1) as system:
        page = await sign_in("russian")
        await page.click("header nav >> text=Классное руководство")
        await page.wait_for_url(f"**/homeroom/{w.classes['7Б']}")
        main = page.locator("main")
        # Babel (CLDR) writes «2026 г.» with a narrow no-break space before «г.».
        assert (
            "Письмо родителям за ноябрь 2026\u202fг. ещё не отправлено." in await main.inner_text()
        )
        await page.screenshot(path=ARTIFACTS / "homeroom-class.png", full_page=True)

        await page.fill("input[name=title]", "Итоги ноября")
        await page.fill("textarea[name=body]", "Класс хорошо закончил месяц. Спасибо!")
        assert await page.is_checked("input[name=monthly]")  # due, so ticked already
        async with page.expect_navigation():
            await page.click("text=Отправить родителям")
        assert "/announcements/" in page.url

        # The page refreshes itself (htmx) until both parents have it.
        mother = page.locator("table.statuses tr", has_text="Соколова Анна")
        father = page.locator("table.statuses tr", has_text="Новиков Павел")
        await mother.locator("td.state", has_text="доставлено: Telegram").wait_for(timeout=20_000)
        await father.locator("td.state", has_text="доставлено: почта").wait_for(timeout=20_000)
        await page.locator("#status[data-pending=no]").wait_for()
        assert "Соколов Пётр, Соколова Мария" in await mother.inner_text()

        [message] = await system.wait_telegram(MOTHER_CHAT, 1)
        assert "Итоги ноября" in (message.text or "")
        assert len(await system.wait_emails("novikov@example.ru", 1)) == 1

        # The mother presses «Ознакомлен» in Telegram (the bot records it through core).
        await acknowledge(
            live_web.uow(),
            actor=GuardianActor(guardian_id=w.guardians["sokolova"], school_id=w.school_id),
            subject=f"announcement:{page.url.rsplit('/', 1)[1]}",
        )
        await page.reload()
        assert "Ознакомлен(а) 23.11.2026, 10:00" in await mother.inner_text()
        await page.screenshot(path=ARTIFACTS / "announcement-status.png", full_page=True)

        await page.click("text=← к классу")
        assert "Письмо родителям за ноябрь 2026\u202fг. отправлено" in await main.inner_text()
