"""The bot's dialogue, written once for every messenger.

A feature (`bots.handlers`) is a set of routes (`router`): on a command, a menu entry,
a button's payload or typed text, in a given conversation state, a handler gets a
`Turn` (`turn`) and answers with what a person sees (`ui`: text, buttons, documents).
It never sees a messenger's types. Each messenger has a thin adapter that turns its
updates into turns and a turn's answers into its API calls: `bots.telegram` (aiogram)
and `bots.max` (Zvonok's own MAX client, `notifier.max_api`).
"""
