"""What every HTTP client of the notifier shares."""

from __future__ import annotations

import functools
import ssl

import certifi


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context for the process (the CA bundle httpx itself would use).
    Building one reads that bundle, about 20 ms; a client per channel, per bot and per
    test would pay it again each time."""
    return ssl.create_default_context(cafile=certifi.where())
