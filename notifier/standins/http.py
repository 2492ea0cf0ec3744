"""What the stand-ins' own HTTP clients share (their control clients, the SMS gateway's
delivery reports, the updates posted to a bot's webhook)."""

from __future__ import annotations

import functools
import ssl

import certifi


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context for the process, as httpx would build for each client:
    building one reads the CA bundle (about 20 ms), and tests make a client per stand-in."""
    return ssl.create_default_context(cafile=certifi.where())
