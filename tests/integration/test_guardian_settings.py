"""A guardian's own settings and contact changes, on SQLite and PostgreSQL.

Guardians of the test world: Соколова (email and phone), Новиков (email and phone),
Морозова (phone only). None has a Telegram chat unless a test links one.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from core.actors import GuardianActor
from core.db import Database
from core.errors import Forbidden, RuleViolation, ZvonokError
from core.models import ChannelName, ContactChange, Guardian, GuardianSettings, Mode, Topic
from core.reading.preferences import read_preferences
from core.services.contact_changes import (
    cancel_contact_change,
    confirm_contact_change,
    request_contact_change,
)
from core.services.guardian_settings import (
    move_channel_up,
    parse_clock,
    parse_quiet_hours,
    set_channel_order,
    set_digest_time,
    set_language,
    set_mode,
    set_quiet_hours,
)
from tests.builders import World, build_world, insert
from tests.integration.outbox_helpers import audit_trail
from tests.integration.people_helpers import NOON, counts, load, uow_at

T = dt.time


def me(w: World, who: str = "sokolova") -> GuardianActor:
    return GuardianActor(guardian_id=w.guardians[who], school_id=w.school_id)


async def settings_rows(db: Database) -> dict[int, GuardianSettings]:
    async with db.session() as s:
        return {r.guardian_id: r for r in (await s.exec(select(GuardianSettings))).all()}


async def changes(db: Database) -> list[ContactChange]:
    async with db.session() as s:
        return list((await s.exec(select(ContactChange).order_by(col(ContactChange.id)))).all())


def key_of(error: pytest.ExceptionInfo[ZvonokError]) -> str:
    return error.value.key_used


# --- what a guardian without a settings row gets --------------------------------------


async def test_without_a_row_the_schools_defaults_apply(db: Database) -> None:
    w = await build_world(db)
    prefs = await read_preferences(uow_at(db, NOON), actor=me(w))
    assert prefs.modes == {
        Topic.marks: Mode.instant,
        Topic.attendance: Mode.instant,
        Topic.homework: Mode.daily,
        Topic.remarks: Mode.instant,
        Topic.announcements: Mode.instant,
        Topic.period_marks: Mode.instant,
    }
    assert [(p.channel, p.address) for p in prefs.channels] == [
        (ChannelName.telegram, None),
        (ChannelName.email, "sokolova@example.ru"),
        (ChannelName.sms, "+79160000001"),
    ]
    assert prefs.quiet == (T(21), T(7, 30)) and prefs.quiet_is_school_default
    assert prefs.digest_time == T(18) and prefs.digest_is_school_default
    assert prefs.language == "ru" and prefs.pending is None
    assert await settings_rows(db) == {}  # reading creates nothing


async def test_a_guardian_of_another_school_or_unknown_is_refused(db: Database) -> None:
    w = await build_world(db)
    before = await counts(db, GuardianSettings)
    for actor in (
        GuardianActor(guardian_id=w.guardians["sokolova"], school_id=w.other_school_id),
        GuardianActor(guardian_id=999_999, school_id=w.school_id),
    ):
        with pytest.raises(Forbidden) as refused:
            await set_mode(uow_at(db, NOON), actor=actor, topic="marks", mode="off")
        assert key_of(refused) == "guardian_unknown"
    assert await counts(db, GuardianSettings) == before


# --- kinds of message -----------------------------------------------------------------


async def test_mode_per_kind_creates_the_row_once_and_keeps_other_kinds(db: Database) -> None:
    w = await build_world(db)
    prefs = await set_mode(uow_at(db, NOON), actor=me(w), topic="marks", mode="off")
    assert prefs.modes[Topic.marks] is Mode.off
    assert prefs.modes[Topic.homework] is Mode.daily  # untouched: still the default
    prefs = await set_mode(uow_at(db, NOON), actor=me(w), topic="homework", mode="weekly")
    row = (await settings_rows(db))[w.guardians["sokolova"]]
    assert row.modes == {"marks": "off", "homework": "weekly"}
    assert prefs.modes[Topic.marks] is Mode.off and prefs.modes[Topic.homework] is Mode.weekly
    trail = await audit_trail(db, "guardian_settings", row.id or 0)
    assert [(a.action, a.actor_kind, a.actor_id) for a in trail] == [
        ("create", "guardian", w.guardians["sokolova"]),
        ("update", "guardian", w.guardians["sokolova"]),
    ]
    assert trail[1].old is not None and trail[1].old["modes"] == {"marks": "off"}
    assert trail[1].new is not None and trail[1].new["modes"]["homework"] == "weekly"


@pytest.mark.parametrize(
    ("topic", "mode", "key", "english"),
    [
        ("weather", "off", "bad_topic", "Unknown kind of message “weather”"),
        ("marks", "hourly", "bad_mode", "Unknown mode “hourly”"),
    ],
)
async def test_an_unknown_kind_or_mode_is_refused_and_nothing_written(
    db: Database, topic: str, mode: str, key: str, english: str
) -> None:
    w = await build_world(db)
    before = await counts(db, GuardianSettings)
    with pytest.raises(RuleViolation) as refused:
        await set_mode(uow_at(db, NOON), actor=me(w), topic=topic, mode=mode)
    assert key_of(refused) == key and refused.value.message("en").startswith(english)
    assert await counts(db, GuardianSettings) == before


# --- channels ---------------------------------------------------------------------------


async def test_channel_order_is_completed_and_moving_up_swaps(db: Database) -> None:
    w = await build_world(db)
    prefs = await set_channel_order(uow_at(db, NOON), actor=me(w), channels=["email"])
    assert [p.channel for p in prefs.channels] == ["email", "telegram", "sms"]
    # MAX is kept in the order, unseen while the school does not offer it.
    assert (await settings_rows(db))[w.guardians["sokolova"]].channels == [
        "email",
        "telegram",
        "max",
        "sms",
    ]
    prefs = await move_channel_up(uow_at(db, NOON), actor=me(w), channel="sms")
    assert [p.channel for p in prefs.channels] == ["email", "sms", "telegram"]
    prefs = await move_channel_up(uow_at(db, NOON), actor=me(w), channel="sms")
    assert [p.channel for p in prefs.channels] == ["sms", "email", "telegram"]


@pytest.mark.parametrize(
    ("who", "channels", "key"),
    [
        ("sokolova", [], "channels_required"),
        ("sokolova", ["fax"], "bad_channel"),
        ("sokolova", ["sms", "email", "sms"], "duplicate_channel"),
        ("sokolova", ["telegram"], "channel_without_address"),  # no chat linked
        ("morozova", ["email", "sms"], "channel_without_address"),  # no email
    ],
)
async def test_a_bad_channel_order_is_refused(
    db: Database, who: str, channels: list[str], key: str
) -> None:
    w = await build_world(db)
    before = await counts(db, GuardianSettings)
    with pytest.raises(RuleViolation) as refused:
        await set_channel_order(uow_at(db, NOON), actor=me(w, who), channels=channels)
    assert key_of(refused) == key
    assert await counts(db, GuardianSettings) == before


async def test_moving_a_channel_without_address_to_the_top_is_refused(db: Database) -> None:
    w = await build_world(db)
    await set_channel_order(uow_at(db, NOON), actor=me(w, "morozova"), channels=["sms"])
    # Морозова has no chat linked: Telegram cannot come first.
    with pytest.raises(RuleViolation) as refused:
        await move_channel_up(uow_at(db, NOON), actor=me(w, "morozova"), channel="telegram")
    assert key_of(refused) == "channel_without_address"
    assert "Telegram" in str(refused.value)
    row = (await settings_rows(db))[w.guardians["morozova"]]
    assert row.channels == ["sms", "telegram", "max", "email"]


# --- quiet hours and digest time --------------------------------------------------------


def test_quiet_hours_and_times_are_read_as_people_type_them() -> None:
    assert parse_quiet_hours("22:30–07:00") == (T(22, 30), T(7))
    assert parse_quiet_hours(" 21.00 - 7.30 ") == (T(21), T(7, 30))
    assert parse_quiet_hours("23 до 6") == (T(23), T(6))
    assert parse_quiet_hours("нет") is None and parse_quiet_hours("None") is None
    assert parse_clock("19.30") == T(19, 30) and parse_clock("0745") == T(7, 45)
    assert parse_clock("8") == T(8)
    for text in ("поздно", "25:00-07:00", "21:00", "21:00-07:61"):
        with pytest.raises(RuleViolation) as refused:
            parse_quiet_hours(text)
        assert refused.value.key_used == "bad_quiet_hours"
    for text in ("7 вечера", "24:00", "18:60", ""):
        with pytest.raises(RuleViolation) as refused:
            parse_clock(text)
        assert refused.value.key_used == "bad_time"


async def test_quiet_hours_own_none_and_back_to_the_schools(db: Database) -> None:
    w = await build_world(db)
    gid = w.guardians["sokolova"]
    prefs = await set_quiet_hours(uow_at(db, NOON), actor=me(w), hours=(T(22, 30), T(7)))
    assert prefs.quiet == (T(22, 30), T(7)) and not prefs.quiet_is_school_default
    row = (await settings_rows(db))[gid]
    assert (row.quiet_start, row.quiet_end) == (T(22, 30), T(7))

    prefs = await set_quiet_hours(uow_at(db, NOON), actor=me(w), hours=None)
    assert prefs.quiet is None and not prefs.quiet_is_school_default

    prefs = await set_quiet_hours(uow_at(db, NOON), actor=me(w), hours=None, school_default=True)
    assert prefs.quiet == (T(21), T(7, 30)) and prefs.quiet_is_school_default
    assert len(await audit_trail(db, "guardian_settings", row.id or 0)) == 3

    with pytest.raises(RuleViolation) as refused:
        await set_quiet_hours(uow_at(db, NOON), actor=me(w), hours=(T(22), T(22)))
    assert key_of(refused) == "quiet_hours_empty"


async def test_digest_time_is_set_and_a_bad_one_refused(db: Database) -> None:
    w = await build_world(db)
    prefs = await set_digest_time(uow_at(db, NOON), actor=me(w), at=T(19, 30))
    assert prefs.digest_time == T(19, 30) and not prefs.digest_is_school_default
    with pytest.raises(RuleViolation) as refused:
        await set_digest_time(uow_at(db, NOON), actor=me(w), at=T(19, 30, 15))
    assert key_of(refused) == "bad_time"
    prefs = await set_digest_time(uow_at(db, NOON), actor=me(w), at=None)
    assert prefs.digest_time == T(18) and prefs.digest_is_school_default


# --- language --------------------------------------------------------------------------


async def test_language_is_the_guardians_and_audited(db: Database) -> None:
    w = await build_world(db)
    gid = w.guardians["sokolova"]
    prefs = await set_language(uow_at(db, NOON), actor=me(w), language="en")
    assert prefs.language == "en"
    assert (await load(db, Guardian, gid)).language == "en"
    [entry] = await audit_trail(db, "guardian", gid)
    assert entry.old is not None and entry.new is not None
    assert (entry.old["language"], entry.new["language"], entry.actor_kind) == (
        "ru",
        "en",
        "guardian",
    )
    with pytest.raises(RuleViolation) as refused:
        await set_language(uow_at(db, NOON), actor=me(w), language="de")
    assert key_of(refused) == "bad_language"
    assert (await load(db, Guardian, gid)).language == "en"


async def test_one_person_in_two_schools_changes_both_rows_at_once(db: Database) -> None:
    w = await build_world(db)
    [other] = await insert(
        db,
        Guardian(
            school_id=w.other_school_id,
            last_name="Соколова",
            first_name="Анна",
            phone="+79160000001",
            email="sokolova@example.ru",
            consent_given_at=NOON,
            created_at=NOON,
        ),
    )
    both = [me(w), GuardianActor(guardian_id=other, school_id=w.other_school_id)]
    await set_mode(uow_at(db, NOON), actor=both, topic="remarks", mode="daily")
    await set_language(uow_at(db, NOON), actor=both, language="en")
    rows = await settings_rows(db)
    assert rows[w.guardians["sokolova"]].modes == rows[other].modes == {"remarks": "daily"}
    assert rows[other].school_id == w.other_school_id
    assert (await load(db, Guardian, other)).language == "en"
    code = await request_contact_change(
        uow_at(db, NOON), actor=both, channel="sms", address="8 (916) 555-44-33"
    )
    assert code.address == "+79165554433"
    await confirm_contact_change(uow_at(db, NOON), actor=both, code=code.code)
    assert (await load(db, Guardian, other)).phone == "+79165554433"
    assert (await load(db, Guardian, w.guardians["sokolova"])).phone == "+79165554433"


# --- contact changes --------------------------------------------------------------------


async def test_a_new_email_applies_only_with_its_code(db: Database) -> None:
    w = await build_world(db)
    gid = w.guardians["sokolova"]
    code = await request_contact_change(
        uow_at(db, NOON), actor=me(w), channel="email", address="  Anna.S@Mail.RU "
    )
    assert code.code.isdigit() and len(code.code) == 6
    assert (code.channel, code.address) == ("email", "anna.s@mail.ru")
    assert code.expires_at == NOON + dt.timedelta(minutes=15)
    [pending] = await changes(db)
    assert code.code not in pending.code_hash and pending.attempts == 0
    [entry] = await audit_trail(db, "contact_change", pending.id or 0)
    assert entry.new is not None and entry.new["code_hash"].startswith("<secret")
    # Nothing applied before the code comes back.
    assert (await load(db, Guardian, gid)).email == "sokolova@example.ru"
    prefs = await read_preferences(uow_at(db, NOON), actor=me(w))
    assert prefs.pending is not None and prefs.pending.address == "anna.s@mail.ru"
    assert [p.address for p in prefs.channels if p.channel == "email"] == ["sokolova@example.ru"]

    later = NOON + dt.timedelta(minutes=14)
    confirmed = await confirm_contact_change(uow_at(db, later), actor=me(w), code=code.code)
    assert (confirmed.channel, confirmed.address) == ("email", "anna.s@mail.ru")
    assert (await load(db, Guardian, gid)).email == "anna.s@mail.ru"
    [change] = await changes(db)
    assert change.confirmed_at == later
    guardian_audit = await audit_trail(db, "guardian", gid)
    assert guardian_audit[-1].old is not None and guardian_audit[-1].new is not None
    assert guardian_audit[-1].old["email"] == "sokolova@example.ru"
    assert guardian_audit[-1].new["email"] == "anna.s@mail.ru"
    # The code is spent.
    with pytest.raises(RuleViolation) as refused:
        await confirm_contact_change(uow_at(db, later), actor=me(w), code=code.code)
    assert key_of(refused) == "contact_no_pending"


async def test_confirming_cancels_the_earlier_pending_changes(db: Database) -> None:
    w = await build_world(db)
    first = await request_contact_change(
        uow_at(db, NOON), actor=me(w), channel="sms", address="+79165550001"
    )
    second = await request_contact_change(
        uow_at(db, NOON + dt.timedelta(minutes=1)),
        actor=me(w),
        channel="email",
        address="new@example.ru",
    )
    # Only the latest request counts: the first code is no longer the one asked for.
    with pytest.raises(RuleViolation):
        await confirm_contact_change(uow_at(db, NOON), actor=me(w), code=first.code)
    await confirm_contact_change(uow_at(db, NOON), actor=me(w), code=second.code)
    old, new = await changes(db)
    assert old.cancelled_at is not None and old.confirmed_at is None
    assert new.confirmed_at is not None
    guardian = await load(db, Guardian, w.guardians["sokolova"])
    assert (guardian.phone, guardian.email) == ("+79160000001", "new@example.ru")


async def test_five_wrong_codes_lock_the_change(db: Database) -> None:
    w = await build_world(db)
    code = await request_contact_change(
        uow_at(db, NOON), actor=me(w), channel="email", address="new@example.ru"
    )
    wrong = f"{(int(code.code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(RuleViolation) as refused:
            await confirm_contact_change(uow_at(db, NOON), actor=me(w), code=wrong)
        assert key_of(refused) == "contact_code_wrong" and refused.value.params == {"left": left}
    with pytest.raises(RuleViolation) as refused:
        await confirm_contact_change(uow_at(db, NOON), actor=me(w), code=wrong)
    assert key_of(refused) == "contact_code_locked"
    with pytest.raises(RuleViolation) as refused:  # even the right code, now
        await confirm_contact_change(uow_at(db, NOON), actor=me(w), code=code.code)
    assert key_of(refused) == "contact_code_locked"
    [change] = await changes(db)
    assert change.attempts == 5 and change.confirmed_at is None
    assert (await load(db, Guardian, w.guardians["sokolova"])).email == "sokolova@example.ru"


async def test_an_expired_code_is_refused_and_nothing_applied(db: Database) -> None:
    w = await build_world(db)
    code = await request_contact_change(
        uow_at(db, NOON), actor=me(w), channel="sms", address="+7 916 555-00-01"
    )
    late = NOON + dt.timedelta(minutes=15)
    with pytest.raises(RuleViolation) as refused:
        await confirm_contact_change(uow_at(db, late), actor=me(w), code=code.code)
    assert key_of(refused) == "contact_code_expired"
    assert (await load(db, Guardian, w.guardians["sokolova"])).phone == "+79160000001"
    assert (await read_preferences(uow_at(db, late), actor=me(w))).pending is None


@pytest.mark.parametrize(
    ("channel", "address", "key"),
    [
        ("email", "not-an-email", "bad_email"),
        ("sms", "12-34", "bad_phone"),
        ("fax", "+74951234567", "bad_contact_channel"),
        ("email", "SOKOLOVA@example.ru", "contact_unchanged"),
    ],
)
async def test_a_bad_or_unchanged_address_is_refused(
    db: Database, channel: str, address: str, key: str
) -> None:
    w = await build_world(db)
    with pytest.raises(RuleViolation) as refused:
        await request_contact_change(
            uow_at(db, NOON), actor=me(w), channel=channel, address=address
        )
    assert key_of(refused) == key
    assert await changes(db) == []


async def test_codes_are_limited_per_day_and_can_be_cancelled(db: Database) -> None:
    w = await build_world(db)
    for n in range(5):
        await request_contact_change(
            uow_at(db, NOON), actor=me(w), channel="email", address=f"a{n}@example.ru"
        )
    with pytest.raises(RuleViolation) as refused:
        await request_contact_change(
            uow_at(db, NOON), actor=me(w), channel="email", address="a9@example.ru"
        )
    assert key_of(refused) == "contact_too_many"
    assert await cancel_contact_change(uow_at(db, NOON), actor=me(w)) is True
    assert all(c.cancelled_at is not None for c in await changes(db))
    assert await cancel_contact_change(uow_at(db, NOON), actor=me(w)) is False
    tomorrow = NOON + dt.timedelta(days=1, seconds=1)
    await request_contact_change(
        uow_at(db, tomorrow), actor=me(w), channel="email", address="a9@example.ru"
    )
