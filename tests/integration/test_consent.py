"""Consent to personal-data processing, given and withdrawn; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from core.actors import GuardianActor, StaffActor
from core.db import Database
from core.errors import Forbidden, NotFound, RuleViolation
from core.models import Guardian
from core.services.consent import record_consent, withdraw_consent
from core.services.roster import add_guardian
from core.uow import UnitOfWork
from tests.builders import World, build_world
from tests.integration.outbox_helpers import audit_trail, outbox
from tests.integration.people_helpers import NOON, counts, load, state, uow_at

DAY = dt.timedelta(days=1)


def parent(w: World, key: str) -> GuardianActor:
    return GuardianActor(guardian_id=w.guardians[key], school_id=w.school_id)


async def test_guardian_withdraws_and_gives_consent_again_keeping_history(db: Database) -> None:
    w = await build_world(db)
    anna = w.guardians["sokolova"]
    given_on_paper = (await load(db, Guardian, anna)).consent_given_at

    withdrawn = await withdraw_consent(
        uow_at(db, NOON), actor=parent(w, "sokolova"), guardian_id=anna
    )
    assert not withdrawn.has_consent
    assert withdrawn.consent_withdrawn_at == NOON
    assert withdrawn.consent_given_at == given_on_paper  # when it was given stays known

    # Withdrawing twice is harmless: no second history row, no second message.
    await withdraw_consent(uow_at(db, NOON), actor=parent(w, "sokolova"), guardian_id=anna)

    again = await record_consent(
        uow_at(db, NOON + DAY), actor=parent(w, "sokolova"), guardian_id=anna, source="telegram"
    )
    assert again.has_consent
    assert (again.consent_given_at, again.consent_source) == (NOON + DAY, "telegram")
    assert again.consent_withdrawn_at is None

    events = await outbox(db)
    assert [(e.kind, e.payload["guardian_id"], e.payload["given"]) for e in events] == [
        ("consent_changed", anna, False),
        ("consent_changed", anna, True),
    ]
    trail = await audit_trail(db, "guardian", anna)
    assert [(a.actor_kind, a.actor_id) for a in trail] == [("guardian", anna)] * 2
    assert trail[0].old is not None and trail[0].old["consent_withdrawn_at"] is None
    assert trail[1].old is not None and trail[1].old["consent_withdrawn_at"] is not None


async def test_secretary_enters_a_paper_consent_form(db: Database) -> None:
    w = await build_world(db)
    guardian = await add_guardian(
        UnitOfWork(db),
        actor=w.actor("admin"),
        student_id=w.students["vanya"],
        last_name="Новикова",
        first_name="Елена",
    )
    assert not guardian.has_consent
    recorded = await record_consent(
        uow_at(db, NOON), actor=w.actor("secretary"), guardian_id=guardian.id or 0, source="paper"
    )
    assert (recorded.consent_source, recorded.consent_given_at) == ("paper", NOON)
    [event] = await outbox(db, "consent_changed")
    assert event.payload["given"] is True
    [*_, entry] = await audit_trail(db, "guardian", guardian.id or 0)
    assert (entry.actor_kind, entry.actor_id) == ("staff", w.staff["secretary"])

    # Already in force: a second form changes nothing.
    await record_consent(
        uow_at(db, NOON + DAY), actor=w.actor("admin"), guardian_id=guardian.id or 0, source="paper"
    )
    assert (await load(db, Guardian, guardian.id or 0)).consent_given_at == NOON
    assert len(await outbox(db, "consent_changed")) == 1


@pytest.mark.parametrize(
    ("who", "target", "source", "error", "text"),
    [
        ("novikov", "sokolova", "telegram", Forbidden, "сам законный представитель"),
        ("russian", "sokolova", "paper", Forbidden, "администратор или секретарь"),
        ("sokolova", "sokolova", "paper", RuleViolation, "«paper» здесь не подходит"),
        ("secretary", "sokolova", "telegram", RuleViolation, "возможны paper"),
        ("stranger", "sokolova", "paper", NotFound, "законный представитель"),
    ],
)
async def test_consent_refusals_change_nothing(
    db: Database, who: str, target: str, source: str, error: type[Exception], text: str
) -> None:
    w = await build_world(db)
    actor: GuardianActor | StaffActor = parent(w, who) if who in w.guardians else w.actor(who)
    guardian_id = w.guardians[target]
    await withdraw_consent(uow_at(db, NOON), actor=parent(w, target), guardian_id=guardian_id)
    before, rows = await counts(db, Guardian), await state(db, (Guardian, guardian_id))
    with pytest.raises(error, match=text):
        await record_consent(
            uow_at(db, NOON + DAY), actor=actor, guardian_id=guardian_id, source=source
        )
    assert await counts(db, Guardian) == before
    assert await state(db, (Guardian, guardian_id)) == rows


@pytest.mark.parametrize("who", ["novikov", "russian", "math"])
async def test_nobody_else_withdraws_a_guardians_consent(db: Database, who: str) -> None:
    w = await build_world(db)
    anna = w.guardians["sokolova"]
    actor: GuardianActor | StaffActor = parent(w, who) if who in w.guardians else w.actor(who)
    before, rows = await counts(db, Guardian), await state(db, (Guardian, anna))
    with pytest.raises(Forbidden, match="Недостаточно прав"):
        await withdraw_consent(uow_at(db, NOON), actor=actor, guardian_id=anna)
    assert await counts(db, Guardian) == before
    assert await state(db, (Guardian, anna)) == rows


async def test_guardian_of_another_school_is_not_found(db: Database) -> None:
    w = await build_world(db)
    foreign = GuardianActor(guardian_id=w.guardians["sokolova"], school_id=w.other_school_id)
    with pytest.raises(NotFound):
        await withdraw_consent(UnitOfWork(db), actor=foreign, guardian_id=w.guardians["sokolova"])
    assert (await load(db, Guardian, w.guardians["sokolova"])).has_consent
