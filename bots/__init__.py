"""Zvonok bots package."""
