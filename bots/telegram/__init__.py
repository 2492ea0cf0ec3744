"""The bot on Telegram: aiogram turns updates into `bots.dialog` turns and answers."""
