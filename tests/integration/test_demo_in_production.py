"""The demo school never reaches a production database: `zvonok demo` and `zvonok run`
refuse to load it when ZVONOK_ENV=production, say why, and exit non-zero."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from core.cli.app import app
from core.cli.run import prepare_database
from core.settings import Settings
from tests.keys import BACKUP_KEY

STRONG_SECRET = "q8N3v7tZ0pXw2LrY5sKc9HjD4mFb6GaE1uVe"
REFUSAL = "ZVONOK_ENV=production: демо-школа никогда не загружается в рабочую базу"


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """ZVONOK_ENV=production with a real secret and nothing else of the developer's."""
    for name in list(os.environ):
        if name.startswith("ZVONOK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "var"
    monkeypatch.setenv("ZVONOK_ENV", "production")
    monkeypatch.setenv("ZVONOK_SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("ZVONOK_BACKUP_KEY", BACKUP_KEY)
    monkeypatch.setenv("ZVONOK_DATA_DIR", str(data))
    return data


def said(text: str) -> str:
    return " ".join(text.split())


def test_zvonok_demo_refuses_in_production(production: Path) -> None:
    done = CliRunner().invoke(app, ["demo", "--scale", "0.1"])
    assert done.exit_code == 1, done.output
    assert REFUSAL in said(done.output)
    assert not (production / "zvonok.db").exists()
    assert not (production / "demo-logins.tsv").exists()


async def test_zvonok_run_refuses_to_fill_an_empty_production_database(
    production: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings()
    with pytest.raises(typer.Exit) as refused:
        await prepare_database(settings, 0.1)
    assert refused.value.exit_code == 1
    assert REFUSAL in said(capsys.readouterr().out)
    assert not (production / "demo-logins.tsv").exists()
    assert not (production / "demo-invites.json").exists()
