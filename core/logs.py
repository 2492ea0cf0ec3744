"""Log set-up for every Zvonok process (called by entry points, never at import)."""

from __future__ import annotations

import logging

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    """One line per record on stderr; `zvonok run` prefixes it with the process name."""
    logging.basicConfig(level=level, format=LOG_FORMAT, force=True)
    # httpx logs every request's URL at INFO, and a Telegram Bot API URL holds the bot's
    # token (`/bot<token>/sendMessage`): its request lines are never logged.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if logging.getLevelName(level) > logging.DEBUG:
        # arq logs two lines per job at INFO; with a relay, a sweeper every 5 s and a
        # line per delivery of our own, that drowns what matters. DEBUG shows them.
        logging.getLogger("arq.worker").setLevel(logging.WARNING)
        # WeasyPrint logs seven steps per PDF at INFO: the archive of a closed year is
        # hundreds of them.
        for noisy in ("weasyprint", "fontTools"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
