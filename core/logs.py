"""Log set-up for every Zvonok process (called by entry points, never at import)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Literal

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
LogFormat = Literal["text", "json"]


class JsonFormatter(logging.Formatter):
    """One JSON object per record (ZVONOK_LOG_FORMAT=json), for a log collector: `time`
    (UTC, ISO 8601), `level`, `logger`, `message`, `process`, and `exception` with the
    traceback when there is one. The messages are the same as in text: what they leave
    out of INFO (children's personal data) stays out."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, log_format: LogFormat = "text") -> None:
    """One line per record on stderr: text (`zvonok run` prefixes it with the process
    name) or, with `log_format` "json", a JSON object."""
    logging.basicConfig(level=level, format=LOG_FORMAT, force=True)
    if log_format == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    # httpx (the stand-ins' callbacks, scripts) logs every request's URL at INFO, and a
    # URL may hold a token (`/bot<token>/sendMessage`): its request lines are never logged.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if logging.getLevelName(level) > logging.DEBUG:
        # arq logs two lines per job at INFO; with a relay, a sweeper every 5 s and a
        # line per delivery of our own, that drowns what matters. DEBUG shows them.
        logging.getLogger("arq.worker").setLevel(logging.WARNING)
