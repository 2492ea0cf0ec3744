"""Zvonok webapp package."""
