"""Zvonok notifier package."""
