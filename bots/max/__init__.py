"""The bot on MAX: updates from `notifier.max_api` become `bots.dialog` turns."""
