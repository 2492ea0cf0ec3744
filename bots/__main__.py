"""`python -m bots`: run the Telegram bot."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from core.logs import configure_logging
from core.settings import SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bots",
        description="Run the Telegram bot: long polling, or the webhook server when "
        "ZVONOK_TELEGRAM_WEBHOOK_URL is set (settings from ZVONOK_* variables).",
    )
    parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"bot: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    # Imported here: aiogram and the handlers take seconds to import, which `--help`
    # and a refused configuration do not need.
    from aiogram.exceptions import TelegramUnauthorizedError

    from bots.app import run_bot
    from bots.webhook import WebhookListenError

    try:
        asyncio.run(run_bot(settings))
    except TelegramUnauthorizedError:
        logging.getLogger("bots").error("Telegram refused ZVONOK_TELEGRAM_TOKEN: check the token")
        return 2
    except WebhookListenError as error:
        logging.getLogger("bots").error("%s", error)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
