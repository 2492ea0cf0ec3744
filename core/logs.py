"""Log set-up for every Zvonok process (called by entry points, never at import)."""

from __future__ import annotations

import logging

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    """One line per record on stderr; `zvonok run` prefixes it with the process name."""
    logging.basicConfig(level=level, format=LOG_FORMAT, force=True)
