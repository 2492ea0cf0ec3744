"""Parents who read Uzbek, Tajik or Kyrgyz: the menu, the reading screens, consent and
/stop in their language, through the real polling loop and the messenger's stand-in;
and a menu of the language a parent left behind still works (Telegram's reply keyboard
sends its entry's text; on MAX the entries are buttons of the message that brought them).

The language is the guardian's stored choice (`link_chat(..., language=...)`), or the
messenger client's language for someone not yet subscribed.
"""

from __future__ import annotations

import pytest

from bots.i18n import speaking
from core.db import Database
from core.fallback.queue import FallbackEntry
from core.models import Guardian, Messenger
from notifier.fallback import family_text
from tests.bot.harness import BotUnderTest, running_bot
from tests.bot.reading_helpers import at_now, link_chat, plain, sheets
from tests.bot.subscribe_helpers import guardian_code, guardian_row
from tests.builders import NOW, World, update_row
from tests.integration.reading_helpers import write_week

MENU_UZ = [
    "📚 Uy vazifasi",
    "📅 Haftalik kundalik",
    "📝 Nazorat ishlari",
    "📊 Baholar",
    "🚪 Dars qoldirishlar",
    "📄 Hafta yakunlari (PDF)",
    "⚙️ Sozlamalar",
]
MENU_KY = [
    "📚 Үй тапшырмасы",
    "📅 Жуманын күндөлүгү",
    "📝 Текшерүү иштери",
    "📊 Баалар",
    "🚪 Сабак калтыруулар",
    "📄 Жуманын жыйынтыгы (PDF)",
    "⚙️ Жөндөөлөр",
]
MENU_EN = [
    "📚 Homework",
    "📅 Week's diary",
    "📝 Tests",
    "📊 Marks",
    "🚪 Absences",
    "📄 Week's summary (PDF)",
    "⚙️ Settings",
]
NAMES = {Messenger.telegram: "Telegram", Messenger.max: "MAX"}
MOTHER, FATHER = 9101, 9102  # Соколова (three children), Новиков (Ваня, 7Б)


@pytest.fixture
async def system(bot_system: BotUnderTest, world: World) -> BotUnderTest:
    await write_week(bot_system.db, world)
    return at_now(bot_system)


async def test_an_uzbek_parent_gets_the_menu_and_homework_in_uzbek(
    system: BotUnderTest, world: World
) -> None:
    await link_chat(system.db, world, "sokolova", system.chat(MOTHER), language="uz")
    mother = system.person(MOTHER, language_code="ru")  # the stored choice wins

    [greeting] = await mother.send("/start")
    assert greeting.text.startswith("Siz allaqachon ulangansiz. Bu chat quyidagilarni kuzatadi:")
    assert "Amallar — pastdagi menyuda, barcha buyruqlar — /help." in greeting.text
    assert greeting.keyboard == MENU_UZ

    answers = await mother.menu("📚 Uy vazifasi")
    assert len(answers) == 3  # one screen per child
    petya = plain(answers[0])
    assert petya.startswith("👤 Пётр Соколов, 7Б\n📚 Uy vazifasi")
    assert "Bugun, " in petya and "Ertaga, " in petya
    assert "• Математика: Карточка №4 (shaxsiy)" in petya
    assert "gacha)" in petya  # «(… gacha)»: the day a task is due
    assert "vazifa yoʻq" in plain(answers[1])  # Даша, 1А: nothing set

    [help_text] = await mother.send("/help")
    assert help_text.text.startswith("Buyruqlar:\n/homework — Bugun va ertaga uchun uy vazifasi")


async def test_a_kyrgyz_parent_reads_the_diary_and_marks_in_kyrgyz(
    system: BotUnderTest, world: World
) -> None:
    await link_chat(system.db, world, "novikov", system.chat(FATHER), language="ky")
    father = system.person(FATHER, language_code="ky")

    [hint] = await father.send("салам")
    assert hint.text.startswith("Билдирүүнү түшүнгөн жокмун.")
    assert hint.keyboard == MENU_KY

    [diary] = await father.menu("📅 Жуманын күндөлүгү")
    text = plain(diary)
    assert text.startswith("👤 Иван Новиков, 7Б\n📅 Күндөлүк: ")
    assert "📝 Карточка №9 (жеке)" in text
    assert [t for t, _ in diary.buttons] == ["◀", "▶"]

    [marks] = await father.send("/marks")
    text = plain(marks)
    assert "📊 Акыркы 14 күндөгү баалар" in text
    assert "Орточо баалар, 2 четверть" in text

    [absences] = await father.menu("🚪 Сабак калтыруулар")
    assert "🚪 Сабак калтыруулар: 2 четверть" in plain(absences)


async def test_a_tajik_parent_gets_the_week_summary_to_acknowledge(
    system: BotUnderTest, world: World
) -> None:
    await link_chat(system.db, world, "novikov", system.chat(FATHER), language="tg")
    father = system.person(FATHER, language_code="tg")
    await father.send("/start")
    [document] = sheets(await father.menu("📄 Натиҷаҳои ҳафта (PDF)"))
    assert document.file.document_name == "itogi-nedeli-novikov-ivan-2026-11-23.pdf"
    assert plain(document.note).startswith("📄 Натиҷаҳои ҳафта: Иван Новиков, 7Б\n")
    assert [t for t, _ in document.note.buttons] == ["✅ Шинос шудам"]
    [edited] = await father.tap("✅ Шинос шудам", on=document.note)
    assert edited.message_id == document.note.message_id
    assert edited.buttons[0][0].startswith("✓ Шинос шудам ")


async def test_a_button_of_the_language_left_behind_still_works(
    system: BotUnderTest, world: World
) -> None:
    await link_chat(system.db, world, "novikov", system.chat(FATHER))
    father = system.person(FATHER)
    [greeting] = await father.send("/start")
    assert "⚙️ Настройки" in greeting.keyboard
    [screen] = await father.menu("⚙️ Настройки")
    [languages] = await father.tap("Язык")
    assert [t for t, _ in languages.buttons[:5]] == [
        "✓ Русский",
        "English",
        "O‘zbekcha",
        "Тоҷикӣ",
        "Кыргызча",
    ]
    edited, menu = await father.tap("English")
    assert "Language</b>: English" in edited.text
    assert menu.text == "Language: English. The menu is updated."
    assert menu.keyboard == MENU_EN
    assert (await guardian_row(system.db, world.guardians["novikov"])).language == "en"

    # The Russian menu is still on the parent's screen (Telegram: the reply keyboard
    # sends its Russian texts; MAX: the greeting's buttons): its entries answer in English.
    [marks] = await father.menu("📊 Оценки")
    assert "📊 Marks, last 14 days" in plain(marks)
    [settings] = await father.menu("⚙️ Настройки")
    assert "<b>Settings</b>" in settings.text and settings.message_id != screen.message_id


async def test_an_uzbek_parent_pressing_a_russian_button_reads_uzbek(
    system: BotUnderTest, world: World
) -> None:
    """The parent had the Russian menu, then the English one, before choosing Uzbek."""
    novikov = world.guardians["novikov"]
    await link_chat(system.db, world, "novikov", system.chat(FATHER))
    father = system.person(FATHER)
    [russian] = await father.send("/start")
    await update_row(system.db, Guardian, novikov, language="en")
    [english] = await father.send("/start")
    assert (russian.keyboard[1], english.keyboard[3]) == ("📅 Дневник на неделю", "📊 Marks")
    await update_row(system.db, Guardian, novikov, language="uz")
    [diary] = await father.menu("📅 Дневник на неделю")
    assert plain(diary).startswith("👤 Иван Новиков, 7Б\n📅 Kundalik: ")
    [marks] = await father.menu("📊 Marks")
    assert "📊 Soʻnggi 14 kundagi baholar" in plain(marks)


async def test_consent_and_stop_in_uzbek(system: BotUnderTest, world: World) -> None:
    code = await guardian_code(system.db, world, "novikov", who="russian")
    stranger = system.person(9103, language_code="uz")
    [welcome] = await stranger.send("/start")
    assert welcome.text.startswith("Assalomu alaykum! Bu «Zvonok» elektron jurnalining boti")

    [offer] = await stranger.open_link(code)
    assert offer.text.startswith("<b>Shaxsiy maʼlumotlarni qayta ishlashga rozilik</b>")
    assert "152-FZ" in offer.text and "/stop" in offer.text
    assert [t for t, _ in offer.buttons] == ["Roziman", "Rozi emasman"]
    [declined] = await stranger.tap("Rozi emasman")
    assert declined.text.startswith("Siz rozilik bermadingiz")

    await link_chat(system.db, world, "sokolova", system.chat(MOTHER), language="uz")
    mother = system.person(MOTHER)
    [question] = await mother.send("/stop")
    assert question.text == (
        f"Bu chatni obunadan chiqarasizmi? Jurnalning {NAMES[system.messenger]} orqali "
        "keladigan xabarlari kelishi toʻxtaydi."
    )
    assert [t for t, _ in question.buttons] == ["Ha, obunani bekor qilish", "Bekor qilish"]
    _, farewell = await mother.tap("Ha, obunani bekor qilish")
    assert farewell.text.startswith("Tayyor: bu chat obunadan chiqarildi")
    assert farewell.removes_menu  # the chat is no longer a parent's
    assert "Rozilikni maktabda" in farewell.text


def test_a_family_reached_during_an_outage_reads_its_own_language() -> None:
    """The teacher's /hw broadcast speaks each family's language, not the teacher's."""
    entry = FallbackEntry(
        id="e1",
        school_id=1,
        staff_id=1,
        teacher="Иванова А. П.",
        class_id=1,
        class_name="7Б",
        group_id=None,
        group_name=None,
        subject_id=1,
        subject="Математика",
        text="№ 5–7, с. 34",
        sent_at=NOW,
    )
    with speaking("ru"):  # as inside the teacher's update
        uzbek = family_text(entry, "uz", ["Иван"])
        tajik = family_text(entry, "tg", ["Иван"])
    assert uzbek.startswith("📚 <b>Uy vazifasi</b> — Иван, 7Б\nМатематика, Иванова А. П.:")
    assert "<i>Elektron jurnal vaqtincha ishlamayapti" in uzbek
    assert tajik.startswith("📚 <b>Вазифаи хонагӣ</b> — Иван, 7Б")


async def test_the_error_handler_answers_in_the_users_language(
    redis_url: str, messenger: Messenger
) -> None:
    unreachable = Database("postgresql+asyncpg://zvonok:zvonok@127.0.0.1:1/zvonok")
    try:
        async with running_bot(unreachable, redis_url, messenger) as system:
            # /settings raises for want of a database; the error handler answers.
            [down] = await system.person(9104, language_code="ky").send("/settings")
            assert down.text == (
                "Электрондук журнал азыр жеткиликсиз. Кийинчерээк кайра аракет кылыңыз."
            )
    finally:
        await unreachable.dispose()
