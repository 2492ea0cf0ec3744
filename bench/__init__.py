"""Zvonok bench package."""
