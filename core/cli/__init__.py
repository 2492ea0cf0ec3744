"""The `zvonok` command line (`core.cli:main`)."""

from core.cli.app import app, main

__all__ = ["app", "main"]
