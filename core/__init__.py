"""Zvonok's journal core: the domain, its services and the transactional outbox.

Nothing in this package imports the delivery, bot or web packages; they depend on it.
"""
