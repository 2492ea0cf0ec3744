"""Delivery decisions of the core: who hears of an event, when, and by which channel.

The workers call these functions; channels and rendering live in `notifier/`.
"""
