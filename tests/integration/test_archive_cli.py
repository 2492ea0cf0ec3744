"""`zvonok archive list` and `zvonok archive verify` on a real database, with the
operator's settings; a byte changed with plain SQL is found and named."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from core.cli import common
from core.cli.app import app
from core.db import Database
from core.reports.signing import load_signer
from core.services.archive import archive_period
from core.services.marks import post_mark
from tests.builders import build_world, uow_at
from tests.integration.certificates import PASSWORD, make_ca, make_school_p12


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's console as a 200-column terminal, so each message stays on one line (its
    width is fixed when the module is imported, by whatever COLUMNS was then)."""
    monkeypatch.setattr(common.console, "width", 200)


async def zvonok(
    db: Database, tmp_path: Path, *args: str, p12: Path | None = None
) -> tuple[int, str]:
    """`zvonok archive ARGS` with the operator's settings, in a thread as from a terminal
    (the command runs its own event loop)."""
    env = {
        "ZVONOK_DATABASE_URL": db.url,
        "ZVONOK_DATA_DIR": str(tmp_path / "var"),
        "ZVONOK_ARCHIVE_SIGNING_P12": str(p12) if p12 else None,
        "ZVONOK_ARCHIVE_SIGNING_PASSWORD": PASSWORD if p12 else None,
    }
    done = await asyncio.to_thread(CliRunner().invoke, app, ["archive", *args], env=env)
    return done.exit_code, " ".join(done.output.split())


async def test_list_and_verify_find_a_changed_byte(db: Database, tmp_path: Path) -> None:
    w = await build_world(db)
    p12 = make_school_p12(tmp_path / "school.p12", make_ca())
    signer = load_signer(p12, PASSWORD)
    q2 = w.periods["2 четверть"]
    lesson, pupil = w.lessons["math7"], w.students["petya"]  # one entry in the audit chain
    await post_mark(uow_at(db), actor=w.actor("math"), lesson_id=lesson, student_id=pupil, value=5)
    kept = await archive_period(uow_at(db), actor=w.actor("deputy"), period_id=q2, signer=signer)

    code, out = await zvonok(db, tmp_path, "list")
    assert code == 0, out
    assert "Классный журнал" in out and "Сводная ведомость" in out and "2 четверть" in out
    assert "7Б" in out and "31.05.2032" in out and "31.05.2052" in out  # 5 and 25 years

    code, out = await zvonok(db, tmp_path, "verify", p12=p12)
    assert code == 0, out
    assert f"Проверено документов: {len(kept)}, верных подписей: {len(kept)}, с ошибками: 0" in out

    book = next(d for d in kept if d.kind == "journal_book" and d.class_id == w.classes["7Б"])
    data = bytearray(book.data)
    data[len(data) // 2] ^= 0x01
    async with db.engine.begin() as conn:
        await conn.execute(
            text("UPDATE archive_document SET data = :data WHERE id = :id"),
            {"data": bytes(data), "id": book.id},
        )
    code, out = await zvonok(db, tmp_path, "verify", p12=p12)
    assert code == 1, out
    assert f"ОШИБКА #{book.id} Классный журнал 7Б 2026/2027 (2 четверть)" in out
    assert "SHA-256" in out and ", с ошибками: 1." in out
    # The chain rewritten under a document made before: its recorded head no longer matches.
    statement = next(d for d in kept if d.kind == "statement" and d.class_id == w.classes["7Б"])
    assert statement.chain_seq == 1
    async with db.engine.begin() as conn:
        await conn.execute(
            text("UPDATE audit_entry SET hash = :h WHERE school_id = :s AND seq = :q"),
            {"h": "f" * 64, "s": w.school_id, "q": statement.chain_seq},
        )
    code, out = await zvonok(db, tmp_path, "verify", p12=p12)
    assert code == 1, out
    assert f"ОШИБКА #{statement.id} Сводная ведомость 7Б 2026/2027 (2 четверть)" in out
    assert "цепочка журнала изменений больше не содержит" in out
    code, out = await zvonok(db, tmp_path, "verify", "--school", str(w.other_school_id))
    assert code == 0 and "Проверено документов: 0" in out
