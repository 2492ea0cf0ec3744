"""Safety: guessing codes is throttled per chat; a stranger, a group chat and a bot
whose journal is unreachable reveal nothing about any school, class or child."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from redis.asyncio import Redis

from bots.handlers.subscribe_texts import retry_text
from bots.i18n import speaking
from bots.throttle import (
    DAILY,
    KEY_PREFIX,
    SHORT,
    WINDOWS,
    InviteAttempts,
    TooManyAttempts,
    attempts_key,
)
from core.db import Database
from core.errors import InviteMalformed, InviteUnknown
from core.messengers import MessengerChat
from core.models import Messenger, School, utcnow
from core.reading.chats import ChatLinks
from core.security import new_invite_code
from tests.bot.harness import BotUnderTest, running_bot
from tests.bot.subscribe_helpers import (
    guardian_chat,
    guardian_code,
    invite_row,
    leaks,
    subscribed,
    texts,
)
from tests.builders import World

MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture
def system(bot_system: BotUnderTest) -> BotUnderTest:
    """The bot on the messenger of the test."""
    return bot_system


async def time_passes(redis: Redis, chat: MessengerChat, seconds: int) -> None:
    """Age the chat's recorded attempts, as if `seconds` had gone by."""
    for window in WINDOWS:
        key = attempts_key(chat, window)
        for member, score in await redis.zrange(key, 0, -1, withscores=True):
            await redis.zadd(key, {member: score - seconds * 1000})


async def test_after_five_wrong_codes_even_a_good_one_waits(
    system: BotUnderTest, world: World
) -> None:
    db = system.db
    code = await guardian_code(db, world, "novikov")
    guesser = system.person(7101)
    for _ in range(SHORT.limit):
        [wrong] = await guesser.open_link(new_invite_code())
        assert wrong.text == InviteUnknown().message()

    [refused] = await guesser.open_link(code)
    now = dt.datetime.now(MOSCOW)
    match = re.search(r"через (\d+) мин, в (\d\d):(\d\d) по московскому времени", refused.text)
    assert match, refused.text
    assert refused.buttons == [] and "Слишком много" in refused.text
    assert 14 <= int(match[1]) <= 15
    told = now.replace(hour=int(match[2]), minute=int(match[3]), second=0, microsecond=0)
    if told < now - dt.timedelta(hours=1):  # the time said is past midnight
        told += dt.timedelta(days=1)
    assert abs((told - now).total_seconds() - int(match[1]) * 60) <= 120
    [typed] = await guesser.send(code)  # a typed code is not looked at either
    assert "Слишком много" in typed.text
    assert (await invite_row(db, code)).used_at is None
    assert await guardian_chat(db, world.guardians["novikov"], system.messenger) is None

    # Another chat is not held up; this one may try again once the window has passed.
    [other] = await system.person(7102).open_link(new_invite_code())
    assert other.text == InviteUnknown().message()
    await time_passes(system.redis, guesser.chat, SHORT.seconds)
    [offer] = await guesser.open_link(code)
    assert [t for t, _ in offer.buttons] == ["Согласен", "Не согласен"]
    await guesser.tap("Согласен")
    assert await guardian_chat(db, world.guardians["novikov"], system.messenger) == guesser.chat


async def fail(
    attempts: InviteAttempts, chat: MessengerChat, error: Exception | None = None
) -> None:
    with pytest.raises(type(error or InviteUnknown())):
        async with attempts.attempt(chat):
            raise error or InviteUnknown()


async def test_the_daily_cap_outlives_a_good_code(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    attempts, chat = InviteAttempts(redis), MessengerChat(Messenger.telegram, 7201)
    try:
        for batch in (5, 5, 5, 4):
            for _ in range(batch):
                await fail(attempts, chat)
            await time_passes(redis, chat, SHORT.seconds + 60)
        async with attempts.attempt(chat):
            pass  # a good code: not a failure, and it forgives nothing
        await fail(attempts, chat)  # the 20th failure of the day is still allowed
        with pytest.raises(TooManyAttempts) as refused:
            async with attempts.attempt(chat):
                pytest.fail("the code must not be looked at")
        # The first failures are 4 × 16 min old: a full day after them, not 15 minutes.
        hours = refused.value.retry_after_seconds / 3600
        assert DAILY.seconds / 3600 - 1.1 < hours < DAILY.seconds / 3600 - 1
    finally:
        await redis.aclose()


async def test_parallel_guesses_cannot_slip_under_the_limit(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    attempts, chat = InviteAttempts(redis), MessengerChat(Messenger.max, 7202)

    async def guess() -> str:
        try:
            async with attempts.attempt(chat):
                await asyncio.sleep(0.05)  # the database look-up, overlapping the others
                raise InviteUnknown()
        except TooManyAttempts:
            return "refused"
        except InviteUnknown:
            return "checked"

    try:
        outcomes = await asyncio.gather(*(guess() for _ in range(30)))
        assert outcomes.count("checked") == SHORT.limit
        assert outcomes.count("refused") == 30 - SHORT.limit
    finally:
        await redis.aclose()


async def test_malformed_text_and_good_codes_are_not_failures(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    attempts, chat = InviteAttempts(redis), MessengerChat(Messenger.max, 7203)
    try:
        for _ in range(3 * SHORT.limit):
            await fail(attempts, chat, InviteMalformed())
            async with attempts.attempt(chat):
                pass
        for _ in range(SHORT.limit):
            await fail(attempts, chat)
        with pytest.raises(TooManyAttempts):
            async with attempts.attempt(chat):
                pass
        # The same number in the other messenger is another person's chat.
        async with attempts.attempt(MessengerChat(Messenger.telegram, 7203)):
            pass
    finally:
        await redis.aclose()


STRANGER_SAYS = [
    "Здравствуйте, как узнать оценки?",
    "/homework",
    "/diary",
    "/tests",
    "/marks",
    "/absences",
    "/summary",
    "/settings",
    "/hw",
    "/help",
    "/stop",
    "📊 Оценки",
    "📚 Домашнее задание",
    "📝 Контрольные",
]


async def test_a_stranger_learns_nothing(system: BotUnderTest, world: World) -> None:
    await subscribed(system.db, world, "sokolova", system.chat(7301))  # linked chats exist
    for number, text in enumerate(STRANGER_SAYS):
        stranger = system.person(7310 + number)
        answers = await stranger.send(text)
        assert answers, f"no answer to {text!r}"
        assert leaks(answers) == [], f"{text!r} -> {texts(answers)}"
        assert all(a.keyboard == [] and a.buttons == [] for a in answers)
    [answer] = await system.person(7309).send("что-нибудь")
    assert "Этот чат не подключён" in answer.text and "код" in answer.text


PRIVATE_ONLY = "Я работаю только в личных сообщениях: напишите мне в личный чат."


async def test_a_group_chat_hears_only_where_to_write(system: BotUnderTest, world: World) -> None:
    db = system.db
    await subscribed(db, world, "sokolova", system.chat(7401))  # a parent writes in groups
    code = await guardian_code(db, world, "novikov")
    said = {
        f"/start {code}": [PRIVATE_ONLY],
        "/marks": [PRIVATE_ONLY],
        "/help": [PRIVATE_ONLY],
        "/stop": [PRIVATE_ONLY],
        code: [],
        "Всем привет! Завтра собрание в 7Б": [],
    }
    if system.messenger is Messenger.telegram:
        # Telegram's way to address a command to one of several bots in a group (MAX
        # has no such form): another bot's command is not ours to answer.
        said["/start@other_bot"] = []
    for number, (text, expected) in enumerate(said.items()):
        sent = await system.in_group(-1007400 - number, 7401, text)
        assert [a.text for a in sent] == expected, text
        assert leaks(sent) == []
        assert all(a.buttons == [] and a.keyboard == [] for a in sent)
    assert (await invite_row(db, code)).used_at is None
    assert await guardian_chat(db, world.guardians["novikov"], system.messenger) is None
    assert await system.redis.keys(f"{KEY_PREFIX}*") == []  # no attempt was counted
    assert await system.person(7401).history() == []  # nor a word in the parent's own chat


async def test_with_the_journal_unreachable_nothing_is_guessed(
    redis_url: str, messenger: Messenger
) -> None:
    unreachable = Database("postgresql+asyncpg://zvonok:zvonok@127.0.0.1:1/zvonok")
    try:
        async with running_bot(unreachable, redis_url, messenger) as system:
            person = system.person(7501)
            [down] = await person.send("Добрый день")
            assert "недоступен" in down.text and "/hw" in down.text
            [start] = await person.open_link(new_invite_code())
            assert "недоступен" in start.text and "код проверить не получится" in start.text
            [helped] = await person.send("/help")
            assert "/homework" in helped.text and "/hw" in helped.text
            assert leaks([down, start, helped]) == []
    finally:
        await unreachable.dispose()


def test_the_wait_is_told_on_the_school_clock() -> None:
    school = School(name="Школа №2", timezone="Asia/Yekaterinburg", created_at=utcnow())
    linked = ChatLinks(chat=MessengerChat(Messenger.telegram, 1), schools={2: school})
    with speaking("ru"):
        soon = retry_text(15 * 60, linked, "ru")
    at = dt.datetime.now(ZoneInfo("Asia/Yekaterinburg")) + dt.timedelta(minutes=15)
    assert "через 15 мин" in soon and "по московскому" not in soon
    assert f"{at:%H:%M}" in soon or f"{at - dt.timedelta(minutes=1):%H:%M}" in soon
    with speaking("uz"):
        uzbek = retry_text(15 * 60, linked, "uz")
    assert "15 daqiqadan soʻng" in uzbek and "Moskva" not in uzbek
    with speaking("en"):
        later = retry_text(DAILY.seconds - 3600, None, "en")
    tomorrow = dt.datetime.now(MOSCOW) + dt.timedelta(seconds=DAILY.seconds - 3600)
    assert f"on {tomorrow:%d/%m/%Y} at" in later and later.endswith("Moscow time.")
