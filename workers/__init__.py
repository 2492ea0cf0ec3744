"""Zvonok workers package."""
