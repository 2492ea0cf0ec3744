"""ZVONOK_LOG_FORMAT=json: every line on stderr is one JSON object a log collector reads."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from core.logs import configure_logging
from core.settings import Settings


@pytest.fixture
def restored() -> Iterator[None]:
    yield
    configure_logging("WARNING")  # back to text for whatever runs next in this process


def test_json_lines_carry_level_logger_message_and_the_traceback(
    capsys: pytest.CaptureFixture[str], restored: None
) -> None:
    configure_logging("INFO", Settings(_env_file=None, log_format="json").log_format)  # type: ignore[call-arg]
    log = logging.getLogger("workers.deliveries")
    log.info("delivery %s via %s: %s", 17, "telegram", "sent")
    log.debug("not at INFO")
    try:
        raise ValueError("ошибка канала")
    except ValueError:
        log.exception("delivery %s: channel raised", 18)
    lines = capsys.readouterr().err.splitlines()
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    assert len(entries) == 2, lines  # each record one line; DEBUG left out at INFO
    sent, failed = entries
    assert (sent["level"], sent["logger"], sent["message"]) == (
        "INFO",
        "workers.deliveries",
        "delivery 17 via telegram: sent",
    )
    assert sent["time"].endswith("+00:00") and isinstance(sent["process"], int)
    assert "exception" not in sent
    assert failed["level"] == "ERROR" and "ValueError: ошибка канала" in failed["exception"]
    assert len(lines) == 2  # the traceback stays inside its record's line


def test_an_unknown_format_is_refused_by_the_settings() -> None:
    with pytest.raises(ValueError, match="log_format"):
        Settings(_env_file=None, log_format="xml")  # type: ignore[call-arg, arg-type]
