"""Consent on file: text versions, re-consent and decline through delivery, the
guardian's data export (JSON, PDF), erasure, the retention purge, consent reports."""

from __future__ import annotations

import datetime as dt
import io
import json

import pypdfium2 as pdfium
import pytest
from sqlmodel import col, select

from core.actors import GuardianActor
from core.consent_texts import text_sha256
from core.db import Database
from core.errors import Forbidden, RuleViolation
from core.models import (
    ConsentRecord,
    Delivery,
    Enrollment,
    Guardian,
    GuardianSettings,
    Notification,
    PersonalDataErasure,
    StaffMessage,
)
from core.reading.consent_report import consent_report
from core.reading.guardian_data import guardian_data
from core.reading.reconsent import reconsent_for
from core.reports.guardian_export import export_json, guardian_export_pdf
from core.services.consent import decline_consent, record_consent, withdraw_consent
from core.services.consent_versions import publish_consent_text
from core.services.personal_data import erase_personal_data, purge_departed_families
from core.services.remarks import post_remark
from core.uow import UnitOfWork
from tests.builders import TODAY, World, build_world, insert, update_row
from tests.integration.delivery_helpers import Clock, msk, post, relay_and_dispatch, run_worker
from tests.integration.outbox_helpers import audit_trail
from tests.web.pdfs import page_size, pages_text, save_png
from workers.main import crons
from workers.retention import purge_personal_data

NEW_TEXT = {"ru": "Новый текст согласия, версия 2.", "en": "New consent text, version 2."}


def parent(w: World, key: str) -> GuardianActor:
    return GuardianActor(guardian_id=w.guardians[key], school_id=w.school_id)


async def records(db: Database, guardian_id: int) -> list[ConsentRecord]:
    async with db.session() as s:
        query = select(ConsentRecord).where(ConsentRecord.guardian_id == guardian_id)
        return list((await s.exec(query.order_by(col(ConsentRecord.id)))).all())


async def guardian(db: Database, guardian_id: int) -> Guardian:
    async with db.session() as s:
        found = await s.get(Guardian, guardian_id)
        assert found is not None
        return found


async def test_versions_are_published_by_the_administrator_only(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises(Forbidden):
        await publish_consent_text(
            UnitOfWork(db), actor=w.actor("secretary"), texts=NEW_TEXT, requires_reconsent=True
        )
    with pytest.raises(RuleViolation, match="на русском"):
        await publish_consent_text(
            UnitOfWork(db), actor=w.actor("admin"), texts={"en": "x"}, requires_reconsent=True
        )
    text = await publish_consent_text(
        UnitOfWork(db), actor=w.actor("admin"), texts=NEW_TEXT, requires_reconsent=False
    )
    assert (text.version, text.texts, text.published_by) == (2, NEW_TEXT, w.staff["admin"])
    # A version that does not ask again leaves everyone's consent as it is.
    assert await reconsent_for(UnitOfWork(db), guardian_ids=list(w.guardians.values())) is None


async def test_re_consent_accepted_is_kept_with_its_version_language_and_hash(
    db: Database,
) -> None:
    w = await build_world(db)
    await update_row(db, Guardian, w.guardians["novikov"], language="en")
    text = await publish_consent_text(
        UnitOfWork(db), actor=w.actor("admin"), texts=NEW_TEXT, requires_reconsent=True
    )
    due = await reconsent_for(UnitOfWork(db), guardian_ids=[w.guardians["novikov"]])
    assert due is not None and (due.version, due.guardian_id) == (2, w.guardians["novikov"])
    await record_consent(
        UnitOfWork(db),
        actor=parent(w, "novikov"),
        guardian_id=w.guardians["novikov"],
        source="telegram",
        text_id=text.id,
    )
    [given] = await records(db, w.guardians["novikov"])
    assert (given.version, given.decision, given.channel, given.language) == (
        2,
        "given",
        "telegram",
        "en",
    )
    assert given.text_sha256 == text_sha256(NEW_TEXT["en"])
    assert await reconsent_for(UnitOfWork(db), guardian_ids=[w.guardians["novikov"]]) is None


async def test_a_declined_parent_gets_no_notification(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    text = await publish_consent_text(
        clock.uow(), actor=w.actor("admin"), texts=NEW_TEXT, requires_reconsent=True
    )
    await update_row(db, Guardian, w.guardians["novikov"], telegram_chat_id=5501)
    await decline_consent(
        clock.uow(),
        actor=parent(w, "novikov"),
        guardian_id=w.guardians["novikov"],
        text_id=text.id or 0,
        channel="telegram",
    )
    declined = await guardian(db, w.guardians["novikov"])
    assert not declined.has_consent and declined.telegram_chat_id is None
    [record] = await records(db, w.guardians["novikov"])
    assert (record.decision, record.version) == ("declined", 2)

    await post(clock, w, "vanya")  # the declined father's son
    await post(clock, w, "petya")  # Petya's mother still consents (on version 1)
    await relay_and_dispatch(clock)
    clock.advance(120)
    received = await run_worker(clock)
    assert set(received) == {w.guardians["sokolova"]}


async def test_staff_withdrawal_from_a_paper_form_unlinks_and_stops(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await update_row(db, Guardian, w.guardians["novikov"], telegram_chat_id=5502)
    await withdraw_consent(
        clock.uow(), actor=w.actor("secretary"), guardian_id=w.guardians["novikov"]
    )
    [record] = await records(db, w.guardians["novikov"])
    assert (record.decision, record.channel, record.actor_kind) == ("withdrawn", "paper", "staff")
    entry = (await audit_trail(db, "guardian", w.guardians["novikov"]))[-1]
    assert entry.old is not None and entry.new is not None
    assert (entry.old["telegram_chat_id"], entry.new["telegram_chat_id"]) == (5502, None)
    await post(clock, w, "vanya")
    await relay_and_dispatch(clock)
    clock.advance(120)
    assert await run_worker(clock) == {}


async def _sent_message(db: Database, w: World) -> None:
    clock = Clock(db, msk(10))
    await post(clock, w, "vanya")
    await relay_and_dispatch(clock)
    clock.advance(120)
    assert w.guardians["novikov"] in await run_worker(clock)
    await insert(db, GuardianSettings(school_id=w.school_id, guardian_id=w.guardians["novikov"]))


async def test_the_export_holds_everything_about_the_guardian(db: Database) -> None:
    w = await build_world(db)
    await _sent_message(db, w)
    with pytest.raises(Forbidden):
        await guardian_data(UnitOfWork(db), actor=w.actor("math"), guardian_id=1)
    data = await guardian_data(
        UnitOfWork(db), actor=w.actor("secretary"), guardian_id=w.guardians["novikov"]
    )
    data = json.loads(export_json(data))
    assert data["guardian"]["last_name"] == "Новиков"
    assert data["contacts"] == {"phone": "+79160000002", "email": "novikov@example.ru"}
    assert [c["name"] for c in data["children"]] == ["Новиков Иван"]
    [note] = data["notifications"]
    assert note["events"][0]["kind"] == "mark_posted"
    assert {d["status"] for d in note["deliveries"]} == {"sent"}
    assert len(data["settings"]["chosen"]) == 1

    pdf = await guardian_export_pdf(
        UnitOfWork(db), actor=w.actor("admin"), guardian_id=w.guardians["novikov"], language="ru"
    )
    document = pdfium.PdfDocument(io.BytesIO(pdf))
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "Персональные данные: Новиков Павел" in text
    assert "+79160000002" in text and "Новиков Иван" in text and "mark_posted" in text


async def test_a_remark_typed_with_typst_markup_prints_as_typed_in_the_export(
    db: Database,
) -> None:
    """The export's template reads the events' data as data: Typst's markup characters in
    a teacher's remark print literally and run nothing; the export is in the staff
    member's language, with its page numbers."""
    w = await build_world(db)
    typed = '#panic("x") ] *жирный* _курсив_ $x^2$ <b> @метка \\ // не комментарий'
    clock = Clock(db, msk(10))
    await post_remark(
        clock.uow(),
        actor=w.actor("math"),
        student_id=w.students["vanya"],
        kind="remark",
        text=typed,
        lesson_id=w.lessons["math7"],
    )
    await relay_and_dispatch(clock)
    clock.advance(120)
    assert w.guardians["novikov"] in await run_worker(clock)
    gid = w.guardians["novikov"]
    for language, heading in (("ru", "Сообщения и доставки"), ("en", "Messages and deliveries")):
        pdf = await guardian_export_pdf(
            UnitOfWork(db), actor=w.actor("secretary"), guardian_id=gid, language=language
        )
        texts = pages_text(pdf)
        text = " ".join(texts)
        assert "remark_posted · " in text and f"text: {typed};" in text
        assert heading in text and "Новиков Иван" in text
        assert page_size(pdf) == (595, 842)  # A4 portrait
        label = "стр." if language == "ru" else "p."
        assert all(f"{label} {n} / {len(texts)}" in page for n, page in enumerate(texts, 1))
        save_png(pdf, f"guardian_export_{language}.png")


async def test_erasure_removes_what_is_not_the_legal_record(db: Database) -> None:
    w = await build_world(db)
    await _sent_message(db, w)
    gid = w.guardians["novikov"]
    report = await erase_personal_data(UnitOfWork(db), actor=w.actor("admin"), guardian_id=gid)
    assert report.removed["contacts"] == 2 and report.removed["deliveries"] >= 1
    assert report.removed["notifications"] == 1 and report.removed["settings"] == 1
    erased = await guardian(db, gid)
    assert (erased.phone, erased.email, erased.telegram_chat_id) == (None, None, None)
    assert erased.last_name == "Новиков" and not erased.has_consent
    async with db.session() as s:
        for model in (Delivery, Notification, GuardianSettings):
            left = (await s.exec(select(model).where(model.guardian_id == gid))).all()
            assert left == []
        [kept] = (await s.exec(select(PersonalDataErasure))).all()
    assert (kept.kind, kept.guardians, kept.actor_id) == ("request", 1, w.staff["admin"])
    # Kept by law: the consent records (here the withdrawal the request made).
    assert [r.decision for r in await records(db, gid)] == ["withdrawn"]
    entry = (await audit_trail(db, "guardian", gid))[-1]
    assert entry.reason == "erasure_request" and entry.old is not None
    assert entry.old["phone"] == "<erased>"


async def test_retention_purges_families_who_left_long_ago(db: Database) -> None:
    w = await build_world(db)
    await _sent_message(db, w)
    async with db.session() as s:
        rows = (
            await s.exec(select(Enrollment).where(Enrollment.student_id == w.students["vanya"]))
        ).all()
    for row in rows:
        left = TODAY - dt.timedelta(days=366)
        await update_row(
            db, Enrollment, row.id or 0, since=left - dt.timedelta(days=30), until=left
        )
    report = await purge_departed_families(UnitOfWork(db), school_id=w.school_id)
    assert report is not None and report.guardians == 1
    assert report.removed["contacts"] == 2 and report.removed["notifications"] == 1
    assert (await guardian(db, w.guardians["novikov"])).phone is None
    assert (await guardian(db, w.guardians["morozova"])).phone == "+79160000003"
    # The administrator is told what went, in counts.
    async with db.session() as s:
        [alert] = (await s.exec(select(StaffMessage))).all()
    assert alert.staff_id == w.staff["admin"] and alert.kind == "alert"
    [said] = alert.params["alerts"]
    assert said["code"] == "retention_purged"
    assert said["params"]["counts"]["contacts"] == 2
    # Nothing left to purge: the next run keeps no report.
    assert await purge_departed_families(UnitOfWork(db), school_id=w.school_id) is None


async def test_reports_by_class_with_permissions(db: Database) -> None:
    w = await build_world(db)
    await withdraw_consent(
        UnitOfWork(db), actor=w.actor("secretary"), guardian_id=w.guardians["novikov"]
    )
    every = await consent_report(UnitOfWork(db), actor=w.actor("admin"))
    lines = {line.guardian: line.state for c in every for line in c.lines}
    assert lines["Новиков Павел"] == "withdrawn" and lines["Морозова Ольга"] == "given"
    own = await consent_report(UnitOfWork(db), actor=w.actor("russian"))
    assert [c.class_name for c in own] == ["7Б"]
    with pytest.raises(Forbidden):
        await consent_report(UnitOfWork(db), actor=w.actor("math"))


async def test_the_nightly_worker_job_purges_every_school(db: Database) -> None:
    w = await build_world(db)
    async with db.session() as s:
        rows = (
            await s.exec(select(Enrollment).where(Enrollment.student_id == w.students["lena"]))
        ).all()
    for row in rows:
        left = TODAY - dt.timedelta(days=400)
        await update_row(
            db, Enrollment, row.id or 0, since=left - dt.timedelta(days=30), until=left
        )
    assert purge_personal_data in {job.coroutine for job in crons(1, 60)}
    assert await purge_personal_data({"db": db}) == 1
    assert (await guardian(db, w.guardians["morozova"])).phone is None
