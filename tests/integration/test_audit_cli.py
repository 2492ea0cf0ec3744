"""`zvonok audit verify` as a school's IT person runs it: exit status and what it says."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from core.cli import common
from core.cli.app import app
from core.db import Database
from core.services.marks import post_mark
from tests.builders import build_world, uow_at


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's console as a 400-column terminal, so each message stays on one line (its
    width is fixed when the module is imported, by whatever COLUMNS was then)."""
    monkeypatch.setattr(common.console, "width", 400)


def _verify(database: Path, *args: str) -> Result:
    """`zvonok audit verify ARGS` as from a terminal, in a thread when a test's event loop
    runs (the command runs its own)."""
    env = {
        "ZVONOK_DATABASE_URL": f"sqlite:///{database}",
    }
    return CliRunner().invoke(app, ["audit", "verify", *args], env=env)


async def test_verify_passes_then_names_a_tampered_mark_and_a_rewritten_chain(
    sqlite_db: Database, tmp_path: Path
) -> None:
    w = await build_world(sqlite_db)
    for student in ("petya", "masha"):
        await post_mark(
            uow_at(sqlite_db),
            actor=w.actor("math"),
            lesson_id=w.lessons["math7"],
            student_id=w.students[student],
            value=4,
        )
    database = tmp_path / "journal.db"
    done = await asyncio.to_thread(_verify, database)
    assert done.exit_code == 0, done.output
    assert "цепочка проверена" in done.output

    # A backup's manifest keeps today's head; someone then rewrites entry 2 and its hash.
    async with sqlite_db.engine.begin() as conn:
        heads = (await conn.execute(text("SELECT school_id, seq, hash FROM audit_chain"))).all()
        manifest = {"audit_chain": [{"school_id": s, "seq": q, "hash": h} for s, q, h in heads]}
        await conn.execute(text("UPDATE audit_entry SET hash = :h WHERE seq = 2"), {"h": "0" * 64})
        await conn.execute(text("UPDATE audit_chain SET hash = :h"), {"h": "0" * 64})
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    done = await asyncio.to_thread(_verify, database, "--anchor", str(tmp_path / "manifest.json"))
    assert done.exit_code == 1
    assert "Запись №2 изменена" in done.output
    assert "manifest.json" in done.output  # the anchor that no longer holds


def test_a_school_that_does_not_exist_and_an_unreadable_anchor_are_said(tmp_path: Path) -> None:
    database = tmp_path / "empty.db"
    missing = _verify(database, "--anchor", str(tmp_path / "nowhere.json"))
    assert missing.exit_code == 2
    assert "nowhere.json" in missing.output
