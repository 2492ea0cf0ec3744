"""`python -m bots`: run the bot on Telegram and on MAX."""

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
        description="Run the bot on every messenger with a token (ZVONOK_TELEGRAM_TOKEN, "
        "ZVONOK_MAX_TOKEN): long polling, or the webhook server when the messenger's "
        "webhook URL is set (settings from ZVONOK_* variables).",
    )
    parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"bot: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    # Imported here: aiogram and the features take seconds to import, which `--help`
    # and a refused configuration do not need.
    from aiogram.exceptions import TelegramUnauthorizedError

    from bots.app import run_bots
    from bots.max.app import WebhookListenError as MaxWebhookListenError
    from bots.telegram.webhook import WebhookListenError
    from notifier.max_errors import MaxUnauthorized

    log = logging.getLogger("bots")
    try:
        asyncio.run(run_bots(settings))
    except TelegramUnauthorizedError:
        log.error("Telegram refused ZVONOK_TELEGRAM_TOKEN: check the token")
        return 2
    except MaxUnauthorized:
        log.error("MAX refused ZVONOK_MAX_TOKEN: check the token")
        return 2
    except (WebhookListenError, MaxWebhookListenError) as error:
        log.error("%s", error)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
