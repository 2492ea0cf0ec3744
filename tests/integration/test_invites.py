"""Invite codes: issue, check, redeem once, expire, revoke; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re

import pytest
from sqlmodel import select

from core.db import Database
from core.errors import (
    Forbidden,
    InviteError,
    InviteExpired,
    InviteMalformed,
    InviteRevoked,
    InviteUnknown,
    InviteUsed,
    NotFound,
    RuleViolation,
)
from core.messengers import MessengerChat
from core.models import AuditEntry, ContactStatus, Guardian, InviteCode, Messenger, Staff
from core.security import hash_invite_code, new_invite_code
from core.services.invites import Redeemed, check_invite, issue_invite, redeem_invite, revoke_invite
from core.services.staff import create_staff
from core.uow import UnitOfWork
from tests.builders import World, build_world, insert
from tests.integration.outbox_helpers import audit_trail, outbox
from tests.integration.people_helpers import NOON, counts, load, state, uow_at

DAY = dt.timedelta(days=1)
DEEP_LINK_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


async def _issue(db: Database, w: World, guardian: str = "sokolova", who: str = "russian") -> str:
    issued = await issue_invite(
        uow_at(db, NOON), actor=w.actor(who), guardian_id=w.guardians[guardian]
    )
    return issued.code


async def test_class_teacher_issues_a_code_of_which_only_the_hash_is_kept(db: Database) -> None:
    w = await build_world(db)
    issued = await issue_invite(
        uow_at(db, NOON), actor=w.actor("russian"), guardian_id=w.guardians["sokolova"]
    )
    assert DEEP_LINK_PAYLOAD.fullmatch(issued.code) and len(issued.code) >= 16
    assert issued.expires_at == NOON + 14 * DAY  # SchoolPolicy.invite_ttl_days
    invite = await load(db, InviteCode, issued.invite_id)
    assert invite.code_hash == hash_invite_code(issued.code)
    assert (invite.purpose, invite.guardian_id) == ("guardian", w.guardians["sokolova"])
    assert invite.issued_by == w.staff["russian"] and invite.used_at is None
    [entry] = await audit_trail(db, "invite_code", issued.invite_id)
    assert issued.code not in str(entry.new)
    assert await outbox(db) == []


async def test_check_shows_what_consent_needs_and_uses_nothing(db: Database) -> None:
    w = await build_world(db)
    code = await _issue(db, w)
    before = await counts(db, InviteCode)
    info = await check_invite(uow_at(db, NOON), code=f"  {code}\n", messenger=Messenger.telegram)
    assert info.purpose == "guardian" and info.school_name == "Школа №1"
    assert info.child_first_names == ("Дарья", "Мария", "Пётр")
    assert await counts(db, InviteCode) == before
    assert (await load(db, InviteCode, 1)).used_at is None


async def test_redeem_links_the_chat_records_consent_and_works_once(db: Database) -> None:
    w = await build_world(db)
    code = await _issue(db, w, guardian="novikov")
    redeemed = await redeem_invite(
        uow_at(db, NOON + DAY),
        code=code,
        chat=MessengerChat(Messenger.telegram, 7001),
        consent=True,
    )
    assert redeemed == Redeemed(
        purpose="guardian", school_id=w.school_id, guardian_id=w.guardians["novikov"], staff_id=None
    )
    guardian = await load(db, Guardian, w.guardians["novikov"])
    assert guardian.telegram_chat_id == 7001
    assert (guardian.consent_source, guardian.consent_given_at) == ("telegram", NOON + DAY)
    assert guardian.consent_withdrawn_at is None
    invite = await load(db, InviteCode, 1)
    assert (invite.used_at, invite.used_by_chat) == (NOON + DAY, 7001)
    [event] = await outbox(db)
    assert event.kind == "consent_changed" and event.payload["given"] is True
    [entry] = await audit_trail(db, "guardian", w.guardians["novikov"])
    assert (entry.actor_kind, entry.actor_id) == ("guardian", w.guardians["novikov"])

    before = await counts(db, InviteCode)
    with pytest.raises(InviteUsed, match="уже использован"):
        await redeem_invite(
            uow_at(db, NOON + DAY),
            code=code,
            chat=MessengerChat(Messenger.telegram, 666),
            consent=True,
        )
    with pytest.raises(InviteUsed):
        await check_invite(uow_at(db, NOON + DAY), code=code, messenger=Messenger.telegram)
    assert await counts(db, InviteCode) == before
    assert (await load(db, Guardian, w.guardians["novikov"])).telegram_chat_id == 7001


async def test_without_consent_a_parent_code_is_not_used_up(db: Database) -> None:
    w = await build_world(db)
    code = await _issue(db, w, guardian="morozova", who="admin")
    watched = [(Guardian, w.guardians["morozova"]), (InviteCode, 1)]
    before, rows = await counts(db, InviteCode, Guardian), await state(db, *watched)
    with pytest.raises(RuleViolation) as err:
        await redeem_invite(
            uow_at(db, NOON), code=code, chat=MessengerChat(Messenger.telegram, 7002), consent=False
        )
    assert "согласие на обработку персональных данных" in str(err.value)
    assert "consent" in err.value.message("en")
    assert await counts(db, InviteCode, Guardian) == before
    assert await state(db, *watched) == rows
    await redeem_invite(
        uow_at(db, NOON), code=code, chat=MessengerChat(Messenger.telegram, 7002), consent=True
    )


async def test_code_expires_after_its_lifetime(db: Database) -> None:
    w = await build_world(db)
    issued = await issue_invite(
        uow_at(db, NOON), actor=w.actor("admin"), guardian_id=w.guardians["morozova"], ttl_days=3
    )
    assert issued.expires_at == NOON + 3 * DAY
    with pytest.raises(InviteExpired) as err:
        await redeem_invite(
            uow_at(db, issued.expires_at),
            code=issued.code,
            chat=MessengerChat(Messenger.telegram, 1),
            consent=True,
        )
    # Told in the school's time (Moscow, UTC+3).
    assert str(err.value) == (
        "Срок действия кода истёк 26.11.2026 12:00. Попросите новый у классного руководителя."
    )
    assert await counts(db) == {"OutboxEvent": 0, "AuditEntry": 1}
    last_second = issued.expires_at - dt.timedelta(seconds=1)
    await redeem_invite(
        uow_at(db, last_second),
        code=issued.code,
        chat=MessengerChat(Messenger.telegram, 1),
        consent=True,
    )


async def test_a_new_code_revokes_the_older_one_and_revoked_codes_fail(db: Database) -> None:
    w = await build_world(db)
    first = await _issue(db, w)
    second = await _issue(db, w)
    with pytest.raises(InviteRevoked, match="отозван"):
        await check_invite(uow_at(db, NOON), code=first, messenger=Messenger.telegram)
    revoked = await revoke_invite(uow_at(db, NOON), actor=w.actor("secretary"), invite_id=2)
    assert revoked.revoked_at == NOON
    with pytest.raises(InviteRevoked):
        await redeem_invite(
            uow_at(db, NOON), code=second, chat=MessengerChat(Messenger.telegram, 5), consent=True
        )
    # Revoking again changes nothing; a used code cannot be revoked.
    await revoke_invite(uow_at(db, NOON), actor=w.actor("secretary"), invite_id=2)
    assert [a.action for a in await audit_trail(db, "invite_code", 2)] == ["create", "update"]
    third = await _issue(db, w)
    await redeem_invite(
        uow_at(db, NOON), code=third, chat=MessengerChat(Messenger.telegram, 5), consent=True
    )
    with pytest.raises(RuleViolation, match=re.escape("Код уже использован 23.11.2026 12:00")):
        await revoke_invite(uow_at(db, NOON), actor=w.actor("admin"), invite_id=3)


@pytest.mark.parametrize(
    ("text", "error"),
    [("hello", InviteMalformed), ("", InviteMalformed), ("код/приглашения", InviteMalformed)],
)
async def test_malformed_text_is_told_apart_from_an_unknown_code(
    db: Database, text: str, error: type[InviteError]
) -> None:
    await build_world(db)
    with pytest.raises(error, match="не похоже на код приглашения"):
        await check_invite(UnitOfWork(db), code=text, messenger=Messenger.telegram)
    with pytest.raises(InviteUnknown, match="Код приглашения не найден"):
        await redeem_invite(
            UnitOfWork(db),
            code=new_invite_code(),
            chat=MessengerChat(Messenger.telegram, 1),
            consent=True,
        )


async def test_a_code_typed_in_lower_case_with_spaces_redeems(db: Database) -> None:
    w = await build_world(db)
    code = await _issue(db, w, guardian="novikov")
    typed = " ".join(code.split("-")).lower()  # "k7qm 4tzx 9hdp w2ce"
    info = await check_invite(uow_at(db, NOON), code=typed, messenger=Messenger.telegram)
    assert info.child_first_names == ("Иван",)
    await redeem_invite(
        uow_at(db, NOON),
        code=typed.replace(" ", ""),
        chat=MessengerChat(Messenger.telegram, 7003),
        consent=True,
    )
    with pytest.raises(InviteUsed):
        await check_invite(uow_at(db, NOON), code=code, messenger=Messenger.telegram)


async def test_a_code_of_the_old_shape_still_works_until_it_expires(db: Database) -> None:
    """Codes printed before the grouped ones (token_urlsafe, case-sensitive) are looked
    up by the hash of the text as typed."""
    w = await build_world(db)
    old = "O6NUO9DEdYdwdrvl-iD4pA"
    await insert(
        db,
        InviteCode(
            school_id=w.school_id,
            code_hash=hashlib.sha256(old.encode()).hexdigest(),
            purpose="guardian",
            guardian_id=w.guardians["novikov"],
            issued_by=w.staff["admin"],
            issued_at=NOON,
            expires_at=NOON + 14 * DAY,
        ),
    )
    with pytest.raises(InviteUnknown):  # case mattered for these
        await check_invite(uow_at(db, NOON), code=old.lower(), messenger=Messenger.telegram)
    with pytest.raises(InviteExpired):
        await check_invite(uow_at(db, NOON + 14 * DAY), code=old, messenger=Messenger.telegram)
    redeemed = await redeem_invite(
        uow_at(db, NOON),
        code=f" {old} ",
        chat=MessengerChat(Messenger.telegram, 7004),
        consent=True,
    )
    assert redeemed.guardian_id == w.guardians["novikov"]


async def test_concurrent_redeems_of_one_code_let_exactly_one_win(db: Database) -> None:
    w = await build_world(db)
    codes = {g: await _issue(db, w, guardian=g, who="admin") for g in w.guardians}

    async def race(code: str) -> list[object]:
        return await asyncio.gather(
            redeem_invite(
                uow_at(db, NOON),
                code=code,
                chat=MessengerChat(Messenger.telegram, 100),
                consent=True,
            ),
            redeem_invite(
                uow_at(db, NOON),
                code=code,
                chat=MessengerChat(Messenger.telegram, 200),
                consent=True,
            ),
            return_exceptions=True,
        )

    results = await asyncio.gather(*(race(code) for code in codes.values()))
    for (guardian, _code), pair in zip(codes.items(), results, strict=True):
        wins = [r for r in pair if isinstance(r, Redeemed)]
        losses = [r for r in pair if isinstance(r, InviteUsed)]
        assert (len(wins), len(losses)) == (1, 1), pair
        winner_chat = 100 if pair[0] is wins[0] else 200
        assert (await load(db, Guardian, w.guardians[guardian])).telegram_chat_id == winner_chat
    assert len(await outbox(db, "consent_changed")) == len(codes)
    async with db.session() as s:
        query = select(AuditEntry).where(
            AuditEntry.entity == "invite_code", AuditEntry.action == "update"
        )
        assert len((await s.exec(query)).all()) == len(codes)


@pytest.mark.parametrize(
    ("who", "target", "ttl", "error", "text"),
    [
        ("math", "guardian", None, Forbidden, "классный руководитель ученика"),
        ("russian", "staff", None, Forbidden, "только администрации"),
        ("admin", "guardian", 0, RuleViolation, "от 1 до 365 дней, указано 0"),
        ("admin", "guardian", 400, RuleViolation, "указано 400"),
        ("admin", "both", None, RuleViolation, "Укажите одно"),
        ("admin", "none", None, RuleViolation, "Укажите одно"),
        ("stranger", "guardian", None, NotFound, "законный представитель"),
    ],
)
async def test_bad_issue_is_refused_and_nothing_written(
    db: Database, who: str, target: str, ttl: int | None, error: type[Exception], text: str
) -> None:
    w = await build_world(db)
    guardian = w.guardians["sokolova"] if target in ("guardian", "both") else None
    staff = w.staff["english"] if target in ("staff", "both") else None
    before = await counts(db, InviteCode)
    with pytest.raises(error, match=text):
        await issue_invite(
            UnitOfWork(db), actor=w.actor(who), guardian_id=guardian, staff_id=staff, ttl_days=ttl
        )
    assert await counts(db, InviteCode) == before


async def test_new_staff_member_links_telegram_with_a_staff_code(db: Database) -> None:
    w = await build_world(db)
    newcomer = await create_staff(
        UnitOfWork(db),
        actor=w.actor("admin"),
        login="volkova@1",
        last_name="Волкова",
        first_name="Ирина",
        roles=["teacher"],
    )
    issued = await issue_invite(uow_at(db, NOON), actor=w.actor("admin"), staff_id=newcomer.id)
    info = await check_invite(uow_at(db, NOON), code=issued.code, messenger=Messenger.telegram)
    assert (info.purpose, info.child_first_names) == ("staff", ())
    redeemed = await redeem_invite(
        uow_at(db, NOON),
        code=issued.code,
        chat=MessengerChat(Messenger.telegram, 9001),
        consent=False,
    )
    assert (redeemed.purpose, redeemed.staff_id) == ("staff", newcomer.id)
    assert (await load(db, Staff, newcomer.id or 0)).telegram_chat_id == 9001
    assert await outbox(db) == []


async def test_subscribing_again_from_a_chat_that_blocked_the_bot_revives_it(db: Database) -> None:
    """Delivery marked the chat dead when the parent blocked the bot; a new code redeemed
    from that chat means they unblocked it, and Telegram is tried again. Another dead
    contact (the email) stays dead."""
    w = await build_world(db)
    gid = w.guardians["novikov"]
    async with db.session() as s:
        for channel, address in (("telegram", "7001"), ("email", "novikov@example.ru")):
            s.add(
                ContactStatus(
                    school_id=w.school_id,
                    guardian_id=gid,
                    channel=channel,
                    address=address,
                    dead_at=NOON,
                    reason="403: bot was blocked by the user",
                )
            )
        await s.commit()
    code = await _issue(db, w, guardian="novikov")
    await redeem_invite(
        uow_at(db, NOON + DAY),
        code=code,
        chat=MessengerChat(Messenger.telegram, 7001),
        consent=True,
    )
    async with db.session() as s:
        left = (await s.exec(select(ContactStatus.channel))).all()
    assert left == ["email"]
